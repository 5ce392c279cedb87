//! The shape of the last text-only chunk, to read the next ones without parsing them.
//!
//! A server streaming an answer sends nearly the same chunk for every token: the same `id`,
//! `model`, `provider`, `created` and choice around a different `content`. Once a chunk has
//! been read (and found to be text only), the bytes before its `content` value and those after
//! it are kept. A later chunk that has exactly those bytes around a JSON string is that same
//! chunk with other text, so it means what the kept one meant with that text: nothing else has
//! to be read. Anything else (another field, another order, a changed `created`) does not
//! match and is read as before.

use std::borrow::Cow;

#[derive(Debug, Default)]
pub struct Shape {
    /// Everything up to and with the opening quote of the `content` value; empty when no
    /// shape is known.
    before: String,
    /// Everything from the closing quote of the `content` value on.
    after: String,
}

impl Shape {
    /// Forgets the shape: the chunk that made it may no longer mean the same (the served
    /// model changed, a failure came).
    pub fn forget(&mut self) {
        self.before.clear();
        self.after.clear();
    }

    /// Keeps the shape of `data`, a chunk whose only meaning is `content`, a string read from
    /// it without unescaping (so it lies inside `data`). Does nothing when it does not.
    pub fn learn(&mut self, data: &str, content: &str) {
        let start = (content.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
        let end = start.wrapping_add(content.len());
        let inside = start <= data.len() && end <= data.len();
        let quoted = inside
            && start > 0
            && data.as_bytes()[start - 1] == b'"'
            && data.as_bytes().get(end) == Some(&b'"');
        if !quoted {
            return self.forget();
        }
        self.before.clear();
        self.before.push_str(&data[..start]);
        self.after.clear();
        self.after.push_str(&data[end..]);
    }

    /// The text of `data` when it has the kept shape; `None` when it has not, or when its
    /// string is not valid JSON or not UTF-8 (the full reading then reports it).
    pub fn text<'a>(&self, data: &'a [u8]) -> Option<Cow<'a, str>> {
        if self.before.is_empty() {
            return None;
        }
        let rest = data.strip_prefix(self.before.as_bytes())?;
        let mut escaped = false;
        let mut i = 0;
        let close = loop {
            match *rest.get(i)? {
                b'"' => break i,
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                // JSON strings hold no raw control characters.
                c if c < 0x20 => return None,
                _ => i += 1,
            }
        };
        if &rest[close..] != self.after.as_bytes() {
            return None;
        }
        if !escaped {
            return std::str::from_utf8(&rest[..close]).ok().map(Cow::Borrowed);
        }
        // The quotes around the string are the last byte of `before` and the first of `after`.
        let start = self.before.len() - 1;
        serde_json::from_slice::<String>(&data[start..=start + close + 1])
            .ok()
            .map(Cow::Owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(content: &str) -> String {
        format!(
            r#"{{"id":"gen-1","created":7,"model":"m","choices":[{{"index":0,"delta":{{"content":{}}},"finish_reason":null}}]}}"#,
            serde_json::to_string(content).unwrap()
        )
    }

    fn learned(content: &str) -> (Shape, String) {
        let data = chunk(content);
        let v: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert_eq!(v["choices"][0]["delta"]["content"], content);
        let at = data.find(&format!("\"{content}\"")).unwrap() + 1;
        let mut s = Shape::default();
        s.learn(&data, &data[at..at + content.len()]);
        (s, data)
    }

    #[test]
    fn a_chunk_of_the_same_shape_gives_its_text_escaped_or_not() {
        let (s, _) = learned("Hello");
        for text in [
            "world",
            "",
            "line\nbreak",
            "quote \" and \\ backslash",
            "tab\tend",
            "é✓ and \u{1F600}",
            "\u{0}",
            "}],\"x\":1",
        ] {
            assert_eq!(
                s.text(chunk(text).as_bytes()).as_deref(),
                Some(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn any_other_byte_around_the_text_is_not_the_shape() {
        let (s, data) = learned("Hello");
        let other = [
            data.replace("\"created\":7", "\"created\":8"),
            data.replace("null}]}", "\"stop\"}]}"),
            data.replace("\"Hello\"}", "\"Hello\",\"reasoning\":\"x\"}"),
            format!("{data} "),
            data[..data.len() - 1].to_string(),
            // Raw control characters and broken escapes are not JSON strings.
            data.replace("Hello", "a\nb"),
            data.replace("Hello", "bad \\q escape"),
            data.replace("Hello", "cut \\u12"),
            data.replace("Hello", "\\"),
        ];
        for d in other {
            assert_eq!(s.text(d.as_bytes()), None, "{d}");
        }
        assert_eq!(Shape::default().text(data.as_bytes()), None);
        // Bytes that are not UTF-8 in the text are left to the full reading to report.
        let mut bad = data.clone().into_bytes();
        let at = data.find("Hello").unwrap();
        bad[at] = 0xff;
        assert_eq!(s.text(&bad), None);
    }

    #[test]
    fn text_not_taken_from_the_chunk_teaches_nothing() {
        let data = chunk("Hello");
        let mut s = Shape::default();
        s.learn(&data, "Hello");
        assert_eq!(s.text(data.as_bytes()), None);
        s.learn(&data, &data[..5]);
        assert_eq!(s.text(data.as_bytes()), None);
    }
}
