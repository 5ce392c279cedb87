//! Markdown that grows while it streams. What is finished is rendered once and sealed; only the
//! open block is redone on each frame. Inside an open code fence each finished line is sealed
//! as it arrives, with the highlighter's state carried forward.

use super::highlight::CodeHighlighter;
use super::line::RLine;
use super::markdown::{code_label, code_line, render};
use crate::theme::Theme;

#[derive(Clone, Debug)]
struct OpenFence {
    /// The fence's character and length: a closing fence must match.
    ch: char,
    len: usize,
    hl: Option<CodeHighlighter>,
}

#[derive(Clone, Debug, Default)]
pub struct MdStream {
    /// Bytes of the source already turned into `lines`.
    sealed_to: usize,
    lines: Vec<RLine>,
    /// Whether the last line taken by [`MdStream::take_sealed`] had text.
    taken_text: bool,
    fence: Option<OpenFence>,
    /// Show the whole source as code in this language, unless it brings its own fence: for
    /// answers asked to be JSON, which arrive bare.
    code: Option<String>,
}

/// A fence line: its character, its length and the info string.
fn fence_open(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let t = &line[indent..];
    let ch = t.chars().next()?;
    if ch != '`' && ch != '~' {
        return None;
    }
    let len = t.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = t[len..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((ch, len, info))
}

fn fence_close(line: &str, ch: char, len: usize) -> bool {
    let t = line.trim();
    t.chars().count() >= len && t.chars().all(|c| c == ch)
}

impl MdStream {
    pub fn new() -> Self {
        Self::default()
    }

    /// A stream shown as `lang` code unless its source starts with a fence of its own.
    pub fn code(lang: &str) -> Self {
        Self {
            code: Some(lang.to_string()),
            ..Self::default()
        }
    }

    /// Sealed lines not yet taken.
    pub fn sealed(&self) -> &[RLine] {
        &self.lines
    }

    /// Moves the sealed lines out: a caller that keeps its own (wrapped) copy need not hold
    /// two copies of a long answer.
    pub fn take_sealed(&mut self) -> Vec<RLine> {
        if let Some(last) = self.lines.last() {
            self.taken_text = !last.spans.is_empty();
        }
        std::mem::take(&mut self.lines)
    }

    /// Whether the last sealed line, taken or not, has text.
    fn ends_with_text(&self) -> bool {
        self.lines
            .last()
            .map_or(self.taken_text, |l| !l.spans.is_empty())
    }

    /// Opens the code block once the source shows it has no fence of its own.
    fn settle_code(&mut self, src: &str, theme: &Theme) {
        let Some(lang) = &self.code else {
            return;
        };
        let start = src.trim_start();
        // Only a source starting with ` or ~ may still turn out to be fenced.
        let may_fence = start.is_empty() || start.starts_with(['`', '~']);
        if may_fence && start.len() < 3 && !src.contains('\n') {
            return;
        }
        if !start.starts_with("```") && !start.starts_with("~~~") {
            self.lines.push(code_label(lang, theme));
            self.fence = Some(OpenFence {
                ch: '\0',
                len: usize::MAX,
                hl: CodeHighlighter::new(lang, &theme.syntax),
            });
        }
        self.code = None;
    }

    /// Seals whatever `src` has finished since the last call. `src` only ever grows.
    pub fn advance(&mut self, src: &str, theme: &Theme) {
        self.settle_code(src, theme);
        if self.code.is_some() {
            return;
        }
        loop {
            let rest = &src[self.sealed_to.min(src.len())..];
            let Some(nl) = rest.find('\n') else {
                return;
            };
            if let Some(f) = &mut self.fence {
                let line = &rest[..nl];
                if fence_close(line, f.ch, f.len) {
                    self.fence = None;
                    self.lines.push(RLine::blank());
                } else {
                    self.lines.push(code_line(line, f.hl.as_mut(), theme));
                }
                self.sealed_to += nl + 1;
                continue;
            }
            // Outside a fence: find the first boundary, a blank line or a fence opening.
            let mut offset = 0;
            let mut boundary = None;
            for line in rest.split_inclusive('\n') {
                if !line.ends_with('\n') {
                    break;
                }
                let body = line.trim_end_matches(['\n', '\r']);
                if let Some((ch, len, info)) = fence_open(body) {
                    boundary = Some((
                        offset,
                        offset + line.len(),
                        Some((ch, len, info.to_string())),
                    ));
                    break;
                }
                if body.trim().is_empty() && offset > 0 {
                    boundary = Some((offset, offset + line.len(), None));
                    break;
                }
                offset += line.len();
            }
            let Some((block_end, next, fence)) = boundary else {
                return;
            };
            let block = &rest[..block_end];
            if !block.trim().is_empty() {
                if self.ends_with_text() {
                    self.lines.push(RLine::blank());
                }
                self.lines.extend(render(block, theme));
            }
            if let Some((ch, len, info)) = fence {
                if self.ends_with_text() {
                    self.lines.push(RLine::blank());
                }
                self.lines.push(code_label(&info, theme));
                self.fence = Some(OpenFence {
                    ch,
                    len,
                    hl: CodeHighlighter::new(&info, &theme.syntax),
                });
            }
            self.sealed_to += next;
        }
    }

    /// The lines of what is not sealed yet: rendered fresh each time, never stored.
    pub fn open(&self, src: &str, theme: &Theme) -> Vec<RLine> {
        let rest = &src[self.sealed_to.min(src.len())..];
        if rest.is_empty() {
            return Vec::new();
        }
        if let Some(f) = &self.fence {
            // A copy of the state: the partial line is redone on the next frame.
            let mut hl = f.hl.clone();
            return vec![code_line(rest, hl.as_mut(), theme)];
        }
        if rest.trim().is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.ends_with_text() {
            out.push(RLine::blank());
        }
        out.extend(render(rest, theme));
        out
    }
}

/// The fenced code blocks of an answer, without their fences (an unclosed one counts).
pub fn code_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, String)> = None;
    for line in text.lines() {
        match &mut open {
            Some((ch, len, body)) => {
                if fence_close(line, *ch, *len) {
                    if let Some((_, _, body)) = open.take() {
                        blocks.push(body);
                    }
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            None => {
                if let Some((ch, len, _)) = fence_open(line) {
                    open = Some((ch, len, String::new()));
                }
            }
        }
    }
    if let Some((_, _, body)) = open {
        blocks.push(body);
    }
    blocks
}

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

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Plan\n\nFirst a paragraph with **bold** text.\n\n- one\n- two\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nThe end.\n";

    #[test]
    fn taking_sealed_lines_as_they_come_changes_nothing() {
        let theme = Theme::default();
        let mut kept = MdStream::new();
        let mut taken = MdStream::new();
        let mut lines = Vec::new();
        for end in 1..=DOC.len() {
            if !DOC.is_char_boundary(end) {
                continue;
            }
            kept.advance(&DOC[..end], &theme);
            taken.advance(&DOC[..end], &theme);
            lines.extend(taken.take_sealed().iter().map(RLine::text));
        }
        let open: Vec<String> = taken.open(DOC, &theme).iter().map(RLine::text).collect();
        lines.extend(open);
        assert_eq!(lines, all_text(&kept, DOC, &theme));
    }

    fn all_text(s: &MdStream, src: &str, theme: &Theme) -> Vec<String> {
        s.sealed()
            .iter()
            .chain(s.open(src, theme).iter())
            .map(RLine::text)
            .collect()
    }

    #[test]
    fn streaming_at_every_cut_ends_where_a_one_shot_render_does() {
        let theme = Theme::default();
        let whole: Vec<String> = render(DOC, &theme).iter().map(RLine::text).collect();
        for step in [1, 3, 7, 50] {
            let mut s = MdStream::new();
            let mut end = 0;
            while end < DOC.len() {
                end = (end + step).min(DOC.len());
                while !DOC.is_char_boundary(end) {
                    end += 1;
                }
                s.advance(&DOC[..end], &theme);
                // Mid-stream the layout holds: a view can always be built.
                let _ = all_text(&s, &DOC[..end], &theme);
            }
            assert_eq!(all_text(&s, DOC, &theme), whole, "step {step}");
        }
    }

    #[test]
    fn code_lines_are_sealed_as_they_arrive() {
        let theme = Theme::default();
        let mut s = MdStream::new();
        let src = "```python\nx = 1\ny = 2\nz = ";
        s.advance(src, &theme);
        let sealed: Vec<String> = s.sealed().iter().map(RLine::text).collect();
        assert_eq!(sealed, vec![" python ", "x = 1", "y = 2"]);
        assert_eq!(
            s.open(src, &theme)
                .iter()
                .map(RLine::text)
                .collect::<Vec<_>>(),
            vec!["z = "]
        );
    }

    #[test]
    fn bare_json_shows_as_json_code_and_fenced_json_as_markdown() {
        let theme = Theme::default();
        let src = "{\n  \"city\": \"Oslo\",\n  \"temp\": 8\n}";
        let mut s = MdStream::code("json");
        let mut w = MdStream::code("json");
        w.advance("`", &theme);
        assert!(w.sealed().is_empty(), "one backtick cannot tell yet");
        s.advance("{", &theme);
        assert_eq!(s.sealed().len(), 1, "a brace can: the code label is out");
        s.advance(src, &theme);
        let sealed: Vec<String> = s.sealed().iter().map(RLine::text).collect();
        assert_eq!(
            sealed,
            vec![" json ", "{", "  \"city\": \"Oslo\",", "  \"temp\": 8"]
        );
        let open: Vec<String> = s.open(src, &theme).iter().map(RLine::text).collect();
        assert_eq!(open, vec!["}"]);

        let fenced = "```json\n{\"a\": 1}\n```\n";
        let mut f = MdStream::code("json");
        f.advance(fenced, &theme);
        let lines: Vec<String> = f.sealed().iter().map(RLine::text).collect();
        assert_eq!(lines[..2], [" json ".to_string(), "{\"a\": 1}".to_string()]);
    }

    #[test]
    fn code_blocks_are_found_for_copying() {
        let b = code_blocks("Intro\n```rust\nfn a() {}\n```\ntext\n~~~\nplain\n~~~\n```py\nopen");
        assert_eq!(b, vec!["fn a() {}\n", "plain\n", "open\n"]);
    }

    #[test]
    fn reasoning_seals_whole_lines() {
        let mut p = PlainStream::default();
        let style = ratatui::style::Style::default();
        p.advance("one\ntwo\nthr", style);
        assert_eq!(p.sealed().len(), 2);
        assert_eq!(
            p.open("one\ntwo\nthr", style).map(|l| l.text()),
            Some("thr".into())
        );
    }
}
