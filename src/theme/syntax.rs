//! The syntect colour themes that ship with the binary: a theme file names one, and code
//! blocks are drawn with it.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;

static THEMES: OnceLock<ThemeSet> = OnceLock::new();

pub fn themes() -> &'static ThemeSet {
    THEMES.get_or_init(ThemeSet::load_defaults)
}

/// Whether the set is loaded, so asking for it would not wait.
pub fn loaded() -> bool {
    THEMES.get().is_some()
}

/// The names a theme's `syntax` may take.
pub fn theme_names() -> Vec<String> {
    themes().themes.keys().cloned().collect()
}
