//! Copying to the clipboard: the system clipboard where there is one, else OSC 52, which the
//! terminal itself handles (and which works over SSH).

use std::io::Write;

use base64::Engine;

#[derive(Default)]
pub struct Clipboard {
    /// Kept open: on X11 the copied text lives only as long as its owner.
    native: Option<arboard::Clipboard>,
    native_failed: bool,
}

/// The escape sequence that asks the terminal to set its clipboard.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\u{1b}]52;c;{encoded}\u{7}")
}

impl Clipboard {
    /// Copies `text`; says how it went.
    pub fn copy(&mut self, text: &str) -> Result<&'static str, String> {
        if !self.native_failed {
            if self.native.is_none() {
                self.native = arboard::Clipboard::new().ok();
            }
            match self.native.as_mut().map(|c| c.set_text(text.to_string())) {
                Some(Ok(())) => return Ok("clipboard"),
                _ => {
                    // No display (SSH, a bare console): from now on go straight to OSC 52.
                    self.native = None;
                    self.native_failed = true;
                }
            }
        }
        let mut out = std::io::stdout();
        out.write_all(osc52(text).as_bytes())
            .and_then(|()| out.flush())
            .map(|()| "terminal (OSC 52)")
            .map_err(|e| format!("could not copy: {e}"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_encodes_the_text() {
        assert_eq!(super::osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
    }
}
