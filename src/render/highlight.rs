//! Syntax highlighting with syntect. The syntax and theme sets load once, on a background
//! thread started at launch, so the first frame never waits for them.

use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use syntect::highlighting::{
    FontStyle, HighlightIterator, HighlightState, Highlighter, Theme as SynTheme,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

/// Starts loading the sets in the background; returns at once.
pub fn preload() {
    std::thread::spawn(|| {
        syntaxes();
        themes();
    });
}

/// Loads the sets now, on this thread: for tests and benchmarks that need colour at once.
pub fn load_now() {
    syntaxes();
    themes();
}

/// Whether highlighting is ready without waiting.
pub fn ready() -> bool {
    SYNTAXES.get().is_some() && crate::theme::syntax::loaded()
}

fn syntaxes() -> &'static SyntaxSet {
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

use crate::theme::syntax::themes;

pub use crate::theme::syntax::theme_names;

/// A code block as HTML with inline colours (the page's own, no stylesheet), or `None` for
/// a language the syntax set does not know.
pub fn html(code: &str, lang: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(alias(lang))?;
    let theme = themes().themes.get("base16-ocean.dark")?;
    syntect::html::highlighted_html_for_string(code, set, syntax, theme).ok()
}

/// Names people write after a fence, mapped to what the default syntax set knows.
fn alias(lang: &str) -> &str {
    match lang {
        "ts" | "tsx" | "typescript" | "jsx" | "mjs" | "cjs" | "node" => "js",
        "sh" | "shell" | "zsh" | "console" | "shellscript" => "bash",
        "py3" | "python3" => "py",
        "golang" => "go",
        "c++" | "hpp" | "cc" => "cpp",
        "cs" | "csharp" => "cs",
        "yml" => "yaml",
        "rb" => "ruby",
        "kt" | "kotlin" => "java",
        "jsonc" | "json5" => "json",
        other => other,
    }
}

/// One fenced block being highlighted, line by line, with state carried between lines.
#[derive(Clone, Debug)]
pub struct CodeHighlighter {
    parse: ParseState,
    highlight: HighlightState,
    theme: &'static SynTheme,
}

impl CodeHighlighter {
    /// `None` when the language is unknown (plain text then) or the sets are still loading.
    pub fn new(lang: &str, theme_name: &str) -> Option<Self> {
        if !ready() {
            return None;
        }
        let lang = lang.trim().to_lowercase();
        let token = alias(lang.split([' ', ',', '{']).next().unwrap_or(""));
        if token.is_empty() {
            return None;
        }
        let ss = syntaxes();
        let syntax: &SyntaxReference = ss
            .find_syntax_by_token(token)
            .or_else(|| ss.find_syntax_by_name(token))?;
        let themes = themes();
        let theme = themes
            .themes
            .get(theme_name)
            .or_else(|| themes.themes.get("base16-ocean.dark"))?;
        let highlighter = Highlighter::new(theme);
        Some(Self {
            parse: ParseState::new(syntax),
            highlight: HighlightState::new(&highlighter, ScopeStack::new()),
            theme,
        })
    }

    /// Highlights one line (without its newline), advancing the state.
    pub fn line(&mut self, line: &str, base: Style) -> Vec<Span<'static>> {
        let with_nl = format!("{line}\n");
        let Ok(ops) = self.parse.parse_line(&with_nl, syntaxes()) else {
            return vec![Span::styled(line.to_string(), base)];
        };
        let highlighter = Highlighter::new(self.theme);
        let mut spans = Vec::new();
        for (style, text) in
            HighlightIterator::new(&mut self.highlight, &ops, &with_nl, &highlighter)
        {
            let text = text.trim_end_matches('\n');
            if text.is_empty() {
                continue;
            }
            let mut s = base.fg(Color::Rgb(
                style.foreground.r,
                style.foreground.g,
                style.foreground.b,
            ));
            if style.font_style.contains(FontStyle::BOLD) {
                s = s.add_modifier(Modifier::BOLD);
            }
            if style.font_style.contains(FontStyle::ITALIC) {
                s = s.add_modifier(Modifier::ITALIC);
            }
            spans.push(Span::styled(text.to_string(), s));
        }
        spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_and_unknown_languages_are_plain() {
        syntaxes();
        themes();
        for lang in [
            "rust", "rs", "py", "python", "ts", "sh", "bash", "sql", "go", "json", "yaml",
        ] {
            assert!(
                CodeHighlighter::new(lang, "base16-ocean.dark").is_some(),
                "{lang}"
            );
        }
        assert!(CodeHighlighter::new("klingon", "base16-ocean.dark").is_none());
        assert!(CodeHighlighter::new("", "base16-ocean.dark").is_none());
    }

    #[test]
    fn state_carries_across_lines() {
        syntaxes();
        themes();
        let mut h = CodeHighlighter::new("rust", "base16-ocean.dark").unwrap();
        let a = h.line("let s = \"open string", Style::default());
        let b = h.line("still inside\";", Style::default());
        assert!(a.len() > 1);
        // The second line starts inside the string, so it begins with the string's colour.
        let string_colour = a.last().unwrap().style.fg;
        assert_eq!(b[0].style.fg, string_colour);
    }
}
