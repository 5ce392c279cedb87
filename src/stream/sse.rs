//! Server-sent events: the bytes of a response body in, the `data` of each event out.
//!
//! Lines end in LF, CR LF or CR; a blank line ends an event; `data:` lines are joined with
//! LF; comments (`:` …) and other fields (`event`, `id`, `retry`) are skipped; a byte-order
//! mark may open the stream; an event not ended by a blank line when the body ends is dropped.
//! The bytes are looked at once each, however the network cuts them. An event's data is handed
//! on as bytes: whoever reads it checks that it is UTF-8 (most of it need not be looked at
//! again, see `stream::shape`).

/// The largest single event accepted: the bytes of its lines, line ends left out. A server
/// that never ends an event would otherwise grow the buffer without bound.
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// Why the events could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum SseError {
    /// One event grew past [`MAX_EVENT_BYTES`].
    TooLarge,
}

impl std::fmt::Display for SseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SseError::TooLarge => write!(f, "an event over {} MiB", MAX_EVENT_BYTES >> 20),
        }
    }
}

#[derive(Debug, Default)]
pub struct SseDecoder {
    /// The start of a line whose end has not arrived.
    partial: Vec<u8>,
    /// The current event's data, each line followed by LF.
    data: Vec<u8>,
    /// Bytes of the current event's finished lines.
    event_len: usize,
    /// The last line ended in CR: an LF right after it belongs to it.
    after_cr: bool,
    /// Whether the stream's first bytes (a possible byte-order mark) are behind.
    started: bool,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl SseDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next bytes of the body and calls `event` with the data of every event they
    /// end; `event` returns false to stop there (the rest is not read).
    pub fn feed(
        &mut self,
        mut bytes: &[u8],
        mut event: impl FnMut(&[u8]) -> bool,
    ) -> Result<(), SseError> {
        if !self.started {
            // Wait for three bytes to tell a byte-order mark from text.
            self.partial.extend_from_slice(bytes);
            if self.partial.len() < BOM.len() && BOM.starts_with(&self.partial) {
                return Ok(());
            }
            self.started = true;
            let mut first = std::mem::take(&mut self.partial);
            if first.starts_with(BOM) {
                first.drain(..BOM.len());
            }
            return self.feed(&first, event);
        }
        if bytes.is_empty() {
            return Ok(());
        }
        if self.after_cr && bytes[0] == b'\n' {
            bytes = &bytes[1..];
        }
        self.after_cr = false;
        while let Some(end) = memchr::memchr2(b'\n', b'\r', bytes) {
            let next = self.line_end(bytes, end);
            if let Some((value, after)) = self.whole_event(bytes, end, next) {
                if self.event_len + value.len() > MAX_EVENT_BYTES {
                    return Err(SseError::TooLarge);
                }
                self.event_len = 0;
                bytes = &bytes[after..];
                if !event(value) {
                    return Ok(());
                }
                continue;
            }
            let more = if self.partial.is_empty() {
                self.line(&bytes[..end], &mut event)?
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&bytes[..end]);
                let more = self.line(&line, &mut event)?;
                line.clear();
                self.partial = line;
                more
            };
            bytes = &bytes[next..];
            if !more {
                return Ok(());
            }
        }
        self.partial.extend_from_slice(bytes);
        if self.event_len + self.partial.len() > MAX_EVENT_BYTES {
            return Err(SseError::TooLarge);
        }
        Ok(())
    }

    /// Where the line that ends at `end` in `bytes` is followed by the next, noting a CR that
    /// closes `bytes` (an LF may follow it in the next piece).
    fn line_end(&mut self, bytes: &[u8], end: usize) -> usize {
        let next = end + 1;
        if bytes[end] == b'\r' {
            match bytes.get(next) {
                Some(b'\n') => return next + 1,
                Some(_) => {}
                None => self.after_cr = true,
            }
        }
        next
    }

    /// The common event, one `data` line and a blank line, whole in `bytes` (its line from
    /// the start to `end`, the next line from `next`): its data, read where it lies, and where
    /// the bytes after it start.
    fn whole_event<'b>(
        &mut self,
        bytes: &'b [u8],
        end: usize,
        next: usize,
    ) -> Option<(&'b [u8], usize)> {
        if !self.partial.is_empty() || !self.data.is_empty() || self.after_cr {
            return None;
        }
        let value = bytes[..end].strip_prefix(b"data:")?;
        let blank = *bytes.get(next)?;
        if blank != b'\n' && blank != b'\r' {
            return None;
        }
        let after = self.line_end(bytes, next);
        Some((value.strip_prefix(b" ").unwrap_or(value), after))
    }

    /// One whole line, without its end.
    fn line(
        &mut self,
        line: &[u8],
        event: &mut impl FnMut(&[u8]) -> bool,
    ) -> Result<bool, SseError> {
        if line.is_empty() {
            self.event_len = 0;
            if self.data.is_empty() {
                return Ok(true);
            }
            self.data.pop();
            let more = event(&self.data);
            self.data.clear();
            return Ok(more);
        }
        self.event_len += line.len();
        if self.event_len > MAX_EVENT_BYTES {
            return Err(SseError::TooLarge);
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        // An empty field name is a comment.
        if field == b"data" {
            self.data.extend_from_slice(value);
            self.data.push(b'\n');
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event's data, with the body cut into the given pieces (data that is not UTF-8
    /// shown lossily).
    fn events(pieces: &[&[u8]]) -> Result<Vec<String>, SseError> {
        let mut d = SseDecoder::new();
        let mut out = Vec::new();
        for p in pieces {
            d.feed(p, |e| {
                out.push(String::from_utf8_lossy(e).into_owned());
                true
            })?;
        }
        Ok(out)
    }

    #[test]
    fn fields_comments_and_line_ends() {
        let body = b"\xEF\xBB\xBF: keep-alive\n\ndata: a\ndata:b\nevent: x\nid: 1\nretry: 5\n\ndata\r\n\r\ndata:  two spaces\r\rdata: cr lf split\r\n\r\ndata: no end";
        let want = vec!["a\nb", "", " two spaces", "cr lf split"];
        // `data` alone is an empty line of data: an event with empty data is still dispatched
        // as long as a data line came.
        let want: Vec<String> = want.into_iter().map(String::from).collect();
        assert_eq!(events(&[body]).unwrap(), want);
        for i in 0..=body.len() {
            assert_eq!(
                events(&[&body[..i], &body[i..]]).unwrap(),
                want,
                "cut at {i}"
            );
        }
        let singles: Vec<&[u8]> = body.chunks(1).collect();
        assert_eq!(events(&singles).unwrap(), want);
    }

    #[test]
    fn event_size_resets_at_blank_lines_in_every_line_ending() {
        for sep in ["\n\n", "\r\n\r\n", "\r\r"] {
            let mut d = SseDecoder::new();
            let line = "x".repeat(MAX_EVENT_BYTES / 2);
            for _ in 0..5 {
                assert!(
                    d.feed(format!("data: {line}{sep}").as_bytes(), |_| true)
                        .is_ok(),
                    "{sep:?}"
                );
            }
        }
    }

    #[test]
    fn an_endless_event_is_refused() {
        let mut d = SseDecoder::new();
        let piece = format!("data: {}\n", "x".repeat(1 << 20));
        let fed = (0..32)
            .take_while(|_| d.feed(piece.as_bytes(), |_| true).is_ok())
            .count();
        assert_eq!(
            fed, 15,
            "16 MiB of data lines with no blank line between them"
        );
        let mut d = SseDecoder::new();
        let line = "x".repeat(MAX_EVENT_BYTES + 1);
        assert_eq!(d.feed(line.as_bytes(), |_| true), Err(SseError::TooLarge));
    }

    #[test]
    fn stopping_leaves_the_rest_unread() {
        let mut d = SseDecoder::new();
        let mut seen = Vec::new();
        d.feed(b"data: 1\n\ndata: 2\n\n", |e| {
            seen.push(String::from_utf8_lossy(e).into_owned());
            false
        })
        .unwrap();
        assert_eq!(seen, ["1"]);
    }

    #[test]
    fn data_is_handed_on_as_it_came() {
        // Bytes that are not UTF-8 are left for the reader of the data to refuse.
        let mut d = SseDecoder::new();
        let mut seen = Vec::new();
        d.feed(
            b"data: \xff\xfe\n\n: \xff comment\ndata: a\ndata: \xff\n\n",
            |e| {
                seen.push(e.to_vec());
                true
            },
        )
        .unwrap();
        assert_eq!(seen, [&b"\xff\xfe"[..], b"a\n\xff"]);
        // A character cut in two by the network is whole again.
        let text = "data: é✓\n\n".as_bytes();
        assert_eq!(events(&[&text[..7], &text[7..]]).unwrap(), ["é✓"]);
    }
}
