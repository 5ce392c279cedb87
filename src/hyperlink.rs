//! Terminal hyperlinks (OSC 8) over what a frame drew: the addresses of cited pages (and of
//! links shown in full) become clickable where the terminal understands them. Drawing stays
//! free of I/O: a frame records where each link is; the loop writes the sequences after it.

use std::io::Write;

use crossterm::style::{Attribute, Color as CColor, Print, SetAttribute, SetBackgroundColor};
use crossterm::style::{ResetColor, SetForegroundColor};
use crossterm::{cursor, queue};
use ratatui::style::{Modifier, Style};

/// Text on screen that links to a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub x: u16,
    pub y: u16,
    pub text: String,
    pub url: String,
    pub style: Style,
}

/// Whether the terminal the program runs in shows OSC 8 hyperlinks, as its environment says.
/// Inside tmux or screen only when the outer terminal is known to (tmux passes them on from 3.4
/// with `terminal-features hyperlinks`, which cannot be seen from here): the config can say.
pub fn supported(env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    if let Some(p) = set("TERM_PROGRAM") {
        if matches!(
            p.as_str(),
            "iTerm.app"
                | "WezTerm"
                | "vscode"
                | "ghostty"
                | "Hyper"
                | "Tabby"
                | "rio"
                | "WarpTerminal"
        ) {
            return true;
        }
        if p == "tmux" || p == "screen" {
            return false;
        }
    }
    if [
        "KITTY_WINDOW_ID",
        "WT_SESSION",
        "KONSOLE_VERSION",
        "ALACRITTY_WINDOW_ID",
    ]
    .iter()
    .any(|k| set(k).is_some())
    {
        return true;
    }
    if set("VTE_VERSION")
        .and_then(|v| v.parse::<u32>().ok())
        .is_some_and(|v| v >= 5000)
    {
        return true;
    }
    set("TERM").is_some_and(|t| {
        ["kitty", "foot", "alacritty", "ghostty", "wezterm"]
            .iter()
            .any(|n| t.contains(n))
    })
}

/// Writes each link over its text as drawn, then puts the cursor back where it was. The
/// address was checked (http or https, no whitespace or control characters) when it was read,
/// so it cannot end the sequence early.
pub fn write(out: &mut impl Write, links: &[Link]) -> std::io::Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    queue!(out, cursor::SavePosition)?;
    for l in links {
        queue!(out, cursor::MoveTo(l.x, l.y))?;
        if let Some(fg) = l.style.fg {
            queue!(out, SetForegroundColor(CColor::from(fg)))?;
        }
        if let Some(bg) = l.style.bg {
            queue!(out, SetBackgroundColor(CColor::from(bg)))?;
        }
        let m = l.style.add_modifier;
        for (flag, attr) in [
            (Modifier::BOLD, Attribute::Bold),
            (Modifier::DIM, Attribute::Dim),
            (Modifier::ITALIC, Attribute::Italic),
            (Modifier::UNDERLINED, Attribute::Underlined),
        ] {
            if m.contains(flag) {
                queue!(out, SetAttribute(attr))?;
            }
        }
        queue!(
            out,
            Print(format!("\u{1b}]8;;{}\u{1b}\\", l.url)),
            Print(&l.text),
            Print("\u{1b}]8;;\u{1b}\\"),
            SetAttribute(Attribute::Reset),
            ResetColor
        )?;
    }
    queue!(out, cursor::RestorePosition)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn terminals_that_show_links_are_told_apart() {
        assert!(supported(env(&[("TERM_PROGRAM", "iTerm.app")])));
        assert!(supported(env(&[("KITTY_WINDOW_ID", "1")])));
        assert!(supported(env(&[("VTE_VERSION", "7200")])));
        assert!(!supported(env(&[("VTE_VERSION", "4200")])));
        assert!(supported(env(&[("TERM", "xterm-kitty")])));
        assert!(!supported(env(&[("TERM", "xterm-256color")])));
        assert!(
            !supported(env(&[("TERM_PROGRAM", "tmux"), ("TERM", "tmux-256color")])),
            "tmux passes links on only when configured to"
        );
        assert!(!supported(env(&[])));
    }

    #[test]
    fn each_link_wraps_its_text_and_the_cursor_comes_back() {
        let mut out = Vec::new();
        let links = [Link {
            x: 3,
            y: 7,
            text: "docs.sim.example/raft".into(),
            url: "https://docs.sim.example/raft".into(),
            style: Style::default().fg(ratatui::style::Color::Cyan),
        }];
        write(&mut out, &links).expect("written");
        let s = String::from_utf8(out).expect("text");
        assert!(s.starts_with("\u{1b}7"), "the cursor saved: {s:?}");
        assert!(s.contains("\u{1b}[8;4H"), "moved to row 8, column 4: {s:?}");
        assert!(s.contains(
            "\u{1b}]8;;https://docs.sim.example/raft\u{1b}\\docs.sim.example/raft\u{1b}]8;;\u{1b}\\"
        ));
        assert!(s.ends_with("\u{1b}8"), "and restored: {s:?}");
        let mut none = Vec::new();
        write(&mut none, &[]).expect("written");
        assert!(none.is_empty(), "nothing written without links");
    }
}
