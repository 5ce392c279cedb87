//! Reading theme files: the embedded ones and the user's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use super::{Theme, ROLES};

/// The shipped themes, embedded in the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("solarized", include_str!("../../themes/solarized.toml")),
];

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct ThemeError {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    name: Option<String>,
    syntax: Option<toml::Spanned<String>>,
    /// The theme whose roles fill in what this one leaves out (default: dark).
    parent: Option<String>,
    #[serde(default)]
    roles: BTreeMap<String, RawStyle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    mods: Vec<String>,
}

fn colour(s: &str, role: &str, what: &str) -> Result<Color, String> {
    s.parse::<Color>().map_err(|_| {
        format!("roles.{role}.{what}: `{s}` is not a colour (a name like \"cyan\", or \"#rrggbb\")")
    })
}

fn modifier(m: &str, role: &str) -> Result<Modifier, String> {
    Ok(match m {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" => Modifier::UNDERLINED,
        "reversed" => Modifier::REVERSED,
        "crossed_out" => Modifier::CROSSED_OUT,
        "slow_blink" => Modifier::SLOW_BLINK,
        other => {
            return Err(format!(
                "roles.{role}.mods: `{other}` is not one of bold, dim, italic, underlined, reversed, crossed_out"
            ))
        }
    })
}

/// Parses a theme file over `parents` (themes already known, by name).
pub fn parse(
    text: &str,
    path: &Path,
    parents: &BTreeMap<String, Theme>,
) -> Result<Theme, ThemeError> {
    parse_with(text, path, parents, true)
}

/// `check_syntax` is off for the shipped themes: a test vouches for their syntax themes, and
/// checking means loading the syntax themes before the first frame.
fn parse_with(
    text: &str,
    path: &Path,
    parents: &BTreeMap<String, Theme>,
    check_syntax: bool,
) -> Result<Theme, ThemeError> {
    let err = |message: String| ThemeError {
        path: path.to_path_buf(),
        message,
    };
    let line = |offset: usize| {
        let before = text.get(..offset.min(text.len())).unwrap_or(text);
        format!("line {}: ", before.matches('\n').count() + 1)
    };
    let raw: RawTheme = toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| line(s.start)).unwrap_or_default();
        err(format!("{at}{}", e.message().trim()))
    })?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("theme")
        .to_string();
    let name = raw.name.unwrap_or(stem);
    let parent_name = raw.parent.unwrap_or_else(|| "dark".into());
    let mut theme = match parents.get(&parent_name) {
        Some(p) => p.clone(),
        None if name == "dark" => Theme::blank("dark"),
        None => return Err(err(format!("parent theme `{parent_name}` is not known"))),
    };
    theme.name = name;
    if let Some(s) = raw.syntax {
        // A misspelt name would otherwise leave every code block uncoloured, silently.
        let known = crate::theme::syntax::theme_names;
        if check_syntax && !known().contains(s.get_ref()) {
            return Err(err(format!(
                "{}unknown syntax theme `{}`; syntax themes: {}",
                line(s.span().start),
                s.get_ref(),
                known().join(", ")
            )));
        }
        theme.syntax = s.into_inner();
    }
    for (role, raw) in raw.roles {
        let mut style = Style::default();
        if let Some(fg) = &raw.fg {
            style = style.fg(colour(fg, &role, "fg").map_err(err)?);
        }
        if let Some(bg) = &raw.bg {
            style = style.bg(colour(bg, &role, "bg").map_err(err)?);
        }
        for m in &raw.mods {
            style = style.add_modifier(modifier(m, &role).map_err(err)?);
        }
        let slot = theme.role_mut(&role).ok_or_else(|| {
            err(format!(
                "unknown role `{role}`; roles are: {}",
                ROLES.join(", ")
            ))
        })?;
        *slot = style;
    }
    Ok(theme)
}

/// A shipped theme by name.
pub fn builtin(name: &str) -> Option<Theme> {
    let mut known = BTreeMap::new();
    for (n, text) in BUILTIN {
        let t = parse_with(text, Path::new(&format!("{n}.toml")), &known, false).ok()?;
        known.insert(n.to_string(), t);
    }
    known.remove(name)
}

/// The shipped themes, then the user's `*.toml` in `dir` (overriding or adding by name).
pub fn load_all(dir: Option<&Path>) -> Result<BTreeMap<String, Theme>, ThemeError> {
    let mut known = BTreeMap::new();
    for (n, text) in BUILTIN {
        let t = parse_with(text, Path::new(&format!("themes/{n}.toml")), &known, false)?;
        known.insert(n.to_string(), t);
    }
    let Some(dir) = dir else {
        return Ok(known);
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(known);
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|e| ThemeError {
            path: path.clone(),
            message: format!("cannot read: {e}"),
        })?;
        let t = parse(&text, &path, &known)?;
        known.insert(t.name.clone(), t);
    }
    Ok(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_parses_and_sets_every_role() {
        let all = load_all(None).unwrap();
        assert_eq!(all.len(), BUILTIN.len());
        let dark = &all["dark"];
        assert_eq!(dark.border_focused.fg, Some(Color::Cyan));
        for t in all.values() {
            assert!(
                crate::theme::syntax::theme_names().contains(&t.syntax),
                "{}: unknown syntax theme {}",
                t.name,
                t.syntax
            );
        }
        assert_ne!(all["light"].code, dark.code, "light overrides");
        assert_eq!(
            all["light"].emphasis, dark.emphasis,
            "and inherits the rest"
        );
    }

    #[test]
    fn a_bad_user_theme_names_the_file_and_field() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "[roles]\nborder = { fg = \"blurple\" }\n",
        )
        .unwrap();
        let e = load_all(Some(dir.path())).unwrap_err();
        assert!(e.path.ends_with("mine.toml"));
        assert!(
            e.message
                .contains("roles.border.fg: `blurple` is not a colour"),
            "{e}"
        );

        std::fs::write(
            dir.path().join("mine.toml"),
            "[roles]\nborders = { fg = \"red\" }\n",
        )
        .unwrap();
        let e = load_all(Some(dir.path())).unwrap_err();
        assert!(e.message.contains("unknown role `borders`"), "{e}");

        std::fs::write(dir.path().join("mine.toml"), "colour = 1\n").unwrap();
        let e = load_all(Some(dir.path())).unwrap_err();
        assert!(
            e.message.contains("line 1") && e.message.contains("unknown field `colour`"),
            "{e}"
        );
    }

    #[test]
    fn an_unknown_syntax_theme_is_named_with_the_known_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "parent = \"light\"\nsyntax = \"Solarized (lite)\"\n",
        )
        .unwrap();
        let e = load_all(Some(dir.path())).unwrap_err();
        assert!(e.path.ends_with("mine.toml"));
        assert!(
            e.message
                .starts_with("line 2: unknown syntax theme `Solarized (lite)`; syntax themes: ")
                && e.message.contains("Solarized (light)")
                && e.message.contains("base16-ocean.dark"),
            "{e}"
        );
    }

    #[test]
    fn user_themes_override_and_add_by_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("dark.toml"),
            "name = \"dark\"\nparent = \"dark\"\n[roles]\nborder = { fg = \"red\" }\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("mine.toml"), "parent = \"light\"\n").unwrap();
        let all = load_all(Some(dir.path())).unwrap();
        assert_eq!(all["dark"].border.fg, Some(Color::Red));
        assert_eq!(all["mine"].code, all["light"].code);
    }

    #[test]
    fn no_color_keeps_emphasis_only() {
        let t = load_all(None).unwrap()["dark"].without_colour();
        assert_eq!(t.border_focused.fg, None);
        assert!(t.title_focused.add_modifier.contains(Modifier::BOLD));
    }
}
