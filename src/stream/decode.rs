//! Turning SSE `data:` payloads into [`StreamEvent`]s.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::provider::wire::Chunk;
use crate::provider::ApiError;

use super::event::StreamEvent;

/// Stateful because the served model and provider are reported once, when first seen or changed.
#[derive(Debug, Default)]
pub struct ChunkDecoder {
    served: Option<(String, Option<String>)>,
    id_seen: bool,
    /// A chunk has been read in full: from then on text-only chunks take the shortcut.
    read_one: bool,
    finished: bool,
    /// A failure a choice reported (`finish_reason: "error"`): the answer has failed, but the
    /// usage chunk that follows is still read; it ends the stream at `[DONE]` or the body's end.
    failed: Option<ApiError>,
    /// The last text-only chunk's shape: the next ones like it are read without parsing.
    shape: super::shape::Shape,
}

impl ChunkDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// True once `[DONE]` or a terminal error has been decoded.
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// The body ended: the failure a choice reported, if one is waiting for the end.
    pub fn close(&mut self) -> Option<StreamEvent> {
        if self.finished {
            return None;
        }
        let failed = self.failed.take()?;
        self.finished = true;
        Some(StreamEvent::Error(failed))
    }

    /// Decodes one event's data. `[DONE]` yields [`StreamEvent::Done`]; a top-level `error`
    /// yields a terminal [`StreamEvent::Error`] after any text in the same chunk.
    pub fn decode(&mut self, data: &str) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        self.decode_with(data.as_bytes(), |e| out.push(e));
        out
    }

    /// As [`ChunkDecoder::decode`], the data as it came (not yet known to be UTF-8), each
    /// event handed to `emit` as it is read.
    pub fn decode_with(&mut self, data: &[u8], mut emit: impl FnMut(StreamEvent)) {
        let data = data.trim_ascii();
        if self.finished || data.is_empty() {
            return;
        }
        if data == b"[DONE]" {
            self.finished = true;
            return emit(match self.failed.take() {
                Some(e) => StreamEvent::Error(e),
                None => StreamEvent::Done,
            });
        }
        if self.failed.is_none() {
            if let Some(text) = self.shape.text(data) {
                if !text.is_empty() {
                    emit(StreamEvent::Delta(text.into_owned()));
                }
                return;
            }
        }
        let Ok(data) = std::str::from_utf8(data) else {
            self.finished = true;
            return emit(StreamEvent::Error(ApiError::Malformed(
                "an event of the stream is not UTF-8".into(),
            )));
        };
        if self.failed.is_none() && self.plain_text(data, &mut emit) {
            return;
        }
        for e in self.full(data) {
            emit(e);
        }
    }

    /// The same as [`ChunkDecoder::decode`] without the shortcut for text chunks.
    #[cfg(test)]
    fn decode_full(&mut self, data: &str) -> Vec<StreamEvent> {
        if self.finished {
            return Vec::new();
        }
        self.full(data.trim())
    }

    /// Reads a chunk in full.
    fn full(&mut self, data: &str) -> Vec<StreamEvent> {
        // What this chunk changes (the served model, a failure) a later chunk of the kept
        // shape would not repeat.
        self.shape.forget();
        let chunk: Chunk = match serde_json::from_str(data) {
            Ok(c) => c,
            Err(e) => {
                self.finished = true;
                let snippet: String = data.chars().take(120).collect();
                return vec![StreamEvent::Error(ApiError::Malformed(format!(
                    "{e} in chunk {snippet}"
                )))];
            }
        };
        let mut out = Vec::new();
        self.read_one = true;
        if let Some(id) = chunk.id.filter(|i| !i.is_empty() && !self.id_seen) {
            self.id_seen = true;
            out.push(StreamEvent::Generation(id));
        }
        if let Some(model) = chunk.model.filter(|m| !m.is_empty()) {
            let served = (model, chunk.provider.filter(|p| !p.is_empty()));
            if self.served.as_ref() != Some(&served) {
                out.push(StreamEvent::Served {
                    model: served.0.clone(),
                    provider: served.1.clone(),
                });
                self.served = Some(served);
            }
        }
        // `choices` is empty on the usage chunk; never index it. After a failure only usage
        // and metadata still count.
        let mut failure = None;
        let choices = if self.failed.is_some() {
            Vec::new()
        } else {
            chunk.choices
        };
        for choice in choices {
            if let Some(delta) = choice.delta.or(choice.message) {
                let details = delta.reasoning_details.unwrap_or_default();
                let text = delta
                    .reasoning
                    .or(delta.reasoning_content)
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| crate::provider::reasoning::readable(&details));
                if !text.is_empty() {
                    out.push(StreamEvent::Reasoning(text));
                }
                if !details.is_empty() {
                    out.push(StreamEvent::ReasoningDetails(details));
                }
                if let Some(c) = delta.content.or(delta.refusal) {
                    if !c.is_empty() {
                        out.push(StreamEvent::Delta(c));
                    }
                }
                let cites =
                    crate::provider::citation::read(delta.annotations.as_deref().unwrap_or(&[]));
                if !cites.is_empty() {
                    out.push(StreamEvent::Citations(cites));
                }
                for (n, call) in delta.tool_calls.into_iter().flatten().enumerate() {
                    let f = call.function.unwrap_or_default();
                    out.push(StreamEvent::ToolCall {
                        index: call.index.unwrap_or(n),
                        id: call.id.filter(|s| !s.is_empty()),
                        name: f.name.filter(|s| !s.is_empty()),
                        arguments: f.arguments.unwrap_or_default(),
                    });
                }
            }
            let native = choice.native_finish_reason.filter(|n| !n.is_empty());
            if let Some(n) = &native {
                out.push(StreamEvent::NativeFinish(n.clone()));
            }
            if let Some(err) = choice.error {
                failure.get_or_insert_with(|| ApiError::mid_stream(&err));
            } else if choice.finish_reason.as_deref() == Some("error") {
                // A failure with no error object still ends the answer as failed.
                failure.get_or_insert_with(|| ApiError::MidStream {
                    code: native.clone().unwrap_or_else(|| "error".into()),
                    message: "the provider ended the answer with an error".into(),
                    error_type: None,
                });
            } else if let Some(reason) = choice.finish_reason {
                out.push(StreamEvent::Finish(reason));
            }
        }
        if let Some(usage) = chunk.usage {
            out.push(StreamEvent::Usage(usage));
        }
        if let Some(meta) = chunk
            .openrouter_metadata
            .filter(serde_json::Value::is_object)
        {
            out.push(StreamEvent::RouterMetadata(meta));
        }
        if let Some(body) = chunk
            .debug
            .and_then(|d| d.get("echo_upstream_body").cloned())
            .filter(serde_json::Value::is_object)
        {
            out.push(StreamEvent::UpstreamBody(body));
        }
        // A top-level error is terminal at once and says more than one inside a choice.
        if let Some(err) = chunk.error {
            self.finished = true;
            self.failed = None;
            out.push(StreamEvent::Error(ApiError::mid_stream(&err)));
        } else if let Some(f) = failure {
            self.failed.get_or_insert(f);
        }
        out
    }
}

/// Most chunks carry a piece of text and nothing else. They are read without copying any
/// string; anything more (reasoning, tool calls, a finish, usage, an error) shows up as a
/// field present, and the chunk is then read in full.
#[derive(Deserialize)]
struct PlainChunk<'a> {
    #[serde(borrow)]
    model: Option<Text<'a>>,
    #[serde(borrow)]
    provider: Option<Text<'a>>,
    #[serde(borrow, default)]
    choices: OneChoice<'a>,
    usage: Option<IgnoredAny>,
    error: Option<IgnoredAny>,
    openrouter_metadata: Option<IgnoredAny>,
    debug: Option<IgnoredAny>,
}

/// The first choice of a chunk, and whether there are more.
#[derive(Default)]
struct OneChoice<'a>(Option<PlainChoice<'a>>, bool);

impl<'de: 'a, 'a> Deserialize<'de> for OneChoice<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Seq<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Seq<'a> {
            type Value = OneChoice<'a>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of choices")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let first = seq.next_element::<PlainChoice<'a>>()?;
                let mut more = false;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    more = true;
                }
                Ok(OneChoice(first, more))
            }
        }
        d.deserialize_seq(Seq(std::marker::PhantomData))
    }
}

/// A string borrowed from the chunk when it has no escapes. (serde reads an
/// `Option<Cow<str>>` into an owned string always.)
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Str<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Str<'a> {
            type Value = Text<'a>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Str(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct PlainChoice<'a> {
    #[serde(borrow)]
    delta: Option<PlainDelta<'a>>,
    message: Option<IgnoredAny>,
    finish_reason: Option<IgnoredAny>,
    native_finish_reason: Option<IgnoredAny>,
    error: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct PlainDelta<'a> {
    #[serde(borrow)]
    content: Option<Text<'a>>,
    reasoning: Option<IgnoredAny>,
    reasoning_content: Option<IgnoredAny>,
    refusal: Option<IgnoredAny>,
    tool_calls: Option<IgnoredAny>,
    reasoning_details: Option<IgnoredAny>,
    annotations: Option<IgnoredAny>,
    images: Option<IgnoredAny>,
    audio: Option<IgnoredAny>,
}

impl ChunkDecoder {
    /// Hands `emit` the events of a chunk that is only text (see [`PlainChunk`]), exactly as
    /// the full reading gives them; false for any other chunk (nothing is emitted then).
    fn plain_text(&mut self, data: &str, emit: &mut impl FnMut(StreamEvent)) -> bool {
        let Ok(chunk) = serde_json::from_str::<PlainChunk>(data) else {
            return false;
        };
        let OneChoice(choice, more) = chunk.choices;
        // The first chunk (its id), and any chunk carrying more than text, is read in full.
        if !self.read_one
            || chunk.usage.is_some()
            || chunk.error.is_some()
            || chunk.openrouter_metadata.is_some()
            || chunk.debug.is_some()
            || more
        {
            return false;
        }
        let mut text = None;
        if let Some(choice) = choice {
            let plain = choice.message.is_none()
                && choice.finish_reason.is_none()
                && choice.native_finish_reason.is_none()
                && choice.error.is_none();
            if !plain {
                return false;
            }
            if let Some(d) = choice.delta {
                if d.reasoning.is_some()
                    || d.reasoning_content.is_some()
                    || d.refusal.is_some()
                    || d.tool_calls.is_some()
                    || d.reasoning_details.is_some()
                    || d.annotations.is_some()
                    || d.images.is_some()
                    || d.audio.is_some()
                {
                    return false;
                }
                text = d.content.map(|t| t.0);
            }
        }
        if let Some(model) = chunk.model.map(|m| m.0).filter(|m| !m.is_empty()) {
            let provider = chunk.provider.map(|p| p.0).filter(|p| !p.is_empty());
            let same = self
                .served
                .as_ref()
                .is_some_and(|(m, p)| *m == *model && p.as_deref() == provider.as_deref());
            if !same {
                let served = (model.into_owned(), provider.map(Cow::into_owned));
                emit(StreamEvent::Served {
                    model: served.0.clone(),
                    provider: served.1.clone(),
                });
                self.served = Some(served);
            }
        }
        match &text {
            Some(Cow::Borrowed(t)) => self.shape.learn(data, t),
            _ => self.shape.forget(),
        }
        if let Some(t) = text.filter(|t| !t.is_empty()) {
            emit(StreamEvent::Delta(t.into_owned()));
        }
        true
    }
}

#[cfg(test)]
mod tests;
