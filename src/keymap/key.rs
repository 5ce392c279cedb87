//! One key as the config file writes it (`ctrl-s`, `alt-w`, `shift-tab`, `pgup`, `?`) and as the
//! screen shows it (`Ctrl+S`, `Alt+W`, `Shift+Tab`, `PgUp`, `?`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const NAMES: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pgdown", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
];

/// What a key string may look like, for error messages.
pub const EXPECTED: &str =
    "a key such as \"ctrl-s\", \"alt-w\", \"shift-tab\", \"enter\", \"esc\", \"pgup\", \"f2\", \"x\" or \"?\"";

impl Key {
    pub const fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        Self { code, mods }
    }

    /// Parses `ctrl-s`, `alt-shift-x`, `shift-tab`, `f5`, `X`, `-`. Modifier names and key names
    /// ignore case; a single character is taken as it is (`X` is the capital).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            let (flag, len) = if lower.starts_with("ctrl-") && rest.len() > 5 {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            mods |= flag;
            rest = &rest[len..];
        }
        let lower = rest.to_ascii_lowercase();
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_whitespace() => KeyCode::Char(c),
            _ => match NAMES.iter().find(|(n, _)| *n == lower) {
                Some((_, code)) => *code,
                None => match lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    Some(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("`{text}` is not a key: expected {EXPECTED}")),
                },
            },
        };
        // Terminals report Shift+Tab as BackTab, and a capital without saying Shift.
        let code = match code {
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_lowercase() => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_uppercase())
            }
            // With Ctrl or Alt the terminal sends the small letter.
            KeyCode::Char(c) if mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            code => code,
        };
        Ok(Self { code, mods })
    }

    /// Whether a pressed key is this one. Shift is implied by a capital or a symbol, and some
    /// terminals report it with them and some do not, so it is not compared there.
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let shift_implied = match key.code {
            KeyCode::BackTab => true,
            KeyCode::Char(c) => !c.is_ascii_lowercase() && !c.is_ascii_digit() && c != ' ',
            _ => false,
        };
        let mut pressed = key.modifiers;
        if shift_implied {
            pressed.remove(KeyModifiers::SHIFT);
        }
        self.code == key.code && self.mods == pressed
    }

    /// The key as the screen shows it: `Ctrl+S`, `Shift+Tab`, `PgUp`, `↑`, `?`.
    pub fn label(&self) -> String {
        let mut out = String::new();
        for (flag, name) in [
            (KeyModifiers::CONTROL, "Ctrl+"),
            (KeyModifiers::ALT, "Alt+"),
            (KeyModifiers::SHIFT, "Shift+"),
        ] {
            if self.mods.contains(flag) {
                out.push_str(name);
            }
        }
        let modified = !out.is_empty();
        match self.code {
            KeyCode::Char(' ') => out.push_str("Space"),
            KeyCode::Char(c) if modified => out.extend(c.to_uppercase()),
            KeyCode::Char(c) => out.push(c),
            KeyCode::F(n) => out.push_str(&format!("F{n}")),
            KeyCode::BackTab => out.push_str("Shift+Tab"),
            KeyCode::Enter => out.push_str("Enter"),
            KeyCode::Esc => out.push_str("Esc"),
            KeyCode::Tab => out.push_str("Tab"),
            KeyCode::Backspace => out.push_str("Backspace"),
            KeyCode::Delete => out.push_str("Del"),
            KeyCode::Insert => out.push_str("Ins"),
            KeyCode::Up => out.push('↑'),
            KeyCode::Down => out.push('↓'),
            KeyCode::Left => out.push('←'),
            KeyCode::Right => out.push('→'),
            KeyCode::Home => out.push_str("Home"),
            KeyCode::End => out.push_str("End"),
            KeyCode::PageUp => out.push_str("PgUp"),
            KeyCode::PageDown => out.push_str("PgDn"),
            other => out.push_str(&format!("{other:?}")),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode, mods: KeyModifiers) -> Key {
        Key::new(code, mods)
    }

    #[test]
    fn parses_what_the_config_writes() {
        use KeyModifiers as M;
        assert_eq!(Key::parse("ctrl-s"), Ok(k(KeyCode::Char('s'), M::CONTROL)));
        assert_eq!(Key::parse("Ctrl-S"), Ok(k(KeyCode::Char('s'), M::CONTROL)));
        assert_eq!(Key::parse("alt-w"), Ok(k(KeyCode::Char('w'), M::ALT)));
        assert_eq!(Key::parse("shift-tab"), Ok(k(KeyCode::BackTab, M::NONE)));
        assert_eq!(Key::parse("pgup"), Ok(k(KeyCode::PageUp, M::NONE)));
        assert_eq!(Key::parse("f10"), Ok(k(KeyCode::F(10), M::NONE)));
        assert_eq!(Key::parse("X"), Ok(k(KeyCode::Char('X'), M::NONE)));
        assert_eq!(Key::parse("shift-x"), Ok(k(KeyCode::Char('X'), M::NONE)));
        assert_eq!(Key::parse("-"), Ok(k(KeyCode::Char('-'), M::NONE)));
        assert_eq!(Key::parse("ctrl--"), Ok(k(KeyCode::Char('-'), M::CONTROL)));
        assert_eq!(Key::parse("ctrl-home"), Ok(k(KeyCode::Home, M::CONTROL)));
        for bad in ["", "ctrl-", "hyper-x", "f13", "pageup up", "enterr"] {
            let e = Key::parse(bad).unwrap_err();
            assert!(e.contains("is not a key"), "{bad}: {e}");
        }
    }

    #[test]
    fn labels_read_as_on_a_keyboard() {
        for (text, label) in [
            ("ctrl-s", "Ctrl+S"),
            ("alt-w", "Alt+W"),
            ("shift-tab", "Shift+Tab"),
            ("pgdn", "PgDn"),
            ("f2", "F2"),
            ("?", "?"),
            ("up", "↑"),
            ("space", "Space"),
            ("ctrl-end", "Ctrl+End"),
        ] {
            assert_eq!(Key::parse(text).unwrap().label(), label);
        }
    }

    #[test]
    fn shift_is_not_compared_on_capitals_and_symbols() {
        let x = Key::parse("X").unwrap();
        assert!(x.matches(&KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT)));
        assert!(x.matches(&KeyEvent::new(KeyCode::Char('X'), KeyModifiers::NONE)));
        let tab = Key::parse("shift-tab").unwrap();
        assert!(tab.matches(&KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
        let enter = Key::parse("enter").unwrap();
        assert!(!enter.matches(&KeyEvent::new(KeyCode::Enter, KeyModifiers::SHIFT)));
        let s = Key::parse("s").unwrap();
        assert!(!s.matches(&KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    }
}
