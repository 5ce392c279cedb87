//! Plain text (reasoning) that grows.

use crate::render::line::RLine;

/// Plain text (reasoning) that grows: every finished line is sealed.
#[derive(Clone, Debug, Default)]
pub struct PlainStream {
    sealed_to: usize,
    lines: Vec<RLine>,
}

impl PlainStream {
    pub fn advance(&mut self, src: &str, style: ratatui::style::Style) {
        let rest = &src[self.sealed_to.min(src.len())..];
        let Some(last_nl) = rest.rfind('\n') else {
            return;
        };
        for line in rest[..last_nl].split('\n') {
            self.lines.push(RLine::styled(line.to_string(), style));
        }
        self.sealed_to += last_nl + 1;
    }

    pub fn sealed(&self) -> &[RLine] {
        &self.lines
    }

    /// As [`MdStream::take_sealed`].
    pub fn take_sealed(&mut self) -> Vec<RLine> {
        std::mem::take(&mut self.lines)
    }

    pub fn open(&self, src: &str, style: ratatui::style::Style) -> Option<RLine> {
        let rest = &src[self.sealed_to.min(src.len())..];
        (!rest.is_empty()).then(|| RLine::styled(rest.to_string(), style))
    }
}
