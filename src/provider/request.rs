//! Building one chat-completions request for a given kind of server.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

pub use super::kind::ProviderKind;
use super::settings::Settings;
use super::wire::Message;

/// Where a request goes. The key lives only in memory.
#[derive(Clone, PartialEq)]
pub struct Endpoint {
    pub provider: String,
    pub kind: ProviderKind,
    /// Normalised to end in `/v1` (no trailing slash).
    pub base_url: String,
    pub api_key: Option<String>,
    /// Output comes from the built-in simulator; the UI labels it.
    pub simulated: bool,
    pub options: WireOptions,
}

impl Endpoint {
    /// An OpenRouter-style server with no key to use: the simulator stands in for it.
    pub fn lacks_key(&self) -> bool {
        !self.simulated && self.kind == ProviderKind::Openrouter && self.api_key.is_none()
    }
}

/// Which field carries the cap on an answer's length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenField {
    #[default]
    MaxTokens,
    /// OpenAI's reasoning models refuse `max_tokens` and want this.
    MaxCompletionTokens,
}

impl TokenField {
    pub fn name(self) -> &'static str {
        match self {
            TokenField::MaxTokens => "max_tokens",
            TokenField::MaxCompletionTokens => "max_completion_tokens",
        }
    }
}

/// How requests to one provider are dressed, beyond the body's settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WireOptions {
    pub token_field: TokenField,
    /// `HTTP-Referer` for OpenRouter's app attribution: the config's `app_url`, never made up.
    pub referer: Option<String>,
    /// `X-OpenRouter-Title`: the config's `app_title`.
    pub title: Option<String>,
    /// `user`, OpenRouter's end-user id for abuse tracking.
    pub user: Option<String>,
    /// Ask OpenRouter to report its routing (`X-OpenRouter-Metadata: enabled`).
    pub routing_metadata: bool,
}

impl std::fmt::Debug for Endpoint {
    // Hand-written so a key can never reach a log or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("provider", &self.provider)
            .field("kind", &self.kind)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<set>"))
            .field("simulated", &self.simulated)
            .field("options", &self.options)
            .finish()
    }
}

/// Accepts `http://host:port`, `…/v1`, `…/api/v1`, with or without a trailing slash.
pub fn normalize_base_url(url: &str) -> String {
    let trimmed = url.trim().trim_end_matches('/');
    if trimmed.ends_with("/v1") {
        trimmed.to_string()
    } else {
        format!("{trimmed}/v1")
    }
}

impl Endpoint {
    pub fn chat_url(&self) -> String {
        format!("{}/chat/completions", self.base_url)
    }
}

/// What one pane asks of the model for one turn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatParams {
    pub model: String,
    pub messages: Vec<Message>,
    pub settings: Settings,
    /// The tools offered, as the wire has them.
    pub tools: Vec<serde_json::Value>,
    /// One id per conversation, so OpenRouter keeps it on one provider (sticky routing and
    /// cache hits) and groups its logs.
    pub session_id: Option<String>,
}

/// The title OpenRouter shows for the app when the config names none.
pub const APP_TITLE: &str = "switchboard";

/// The JSON body for a request to `endpoint`: [`chat_body`] with the endpoint's own wire
/// options (which field caps the answer, the `user` id).
pub fn chat_body_for(endpoint: &Endpoint, params: &ChatParams) -> Value {
    let mut body = chat_body(endpoint.kind, params);
    let o = &endpoint.options;
    if let (TokenField::MaxCompletionTokens, Some(obj)) = (o.token_field, body.as_object_mut()) {
        if let Some(v) = obj.remove("max_tokens") {
            obj.insert(TokenField::MaxCompletionTokens.name().into(), v);
        }
    }
    if let (Some(user), ProviderKind::Openrouter) = (&o.user, endpoint.kind) {
        body["user"] = json!(user);
    }
    body
}

/// The JSON body for a streaming request.
pub fn chat_body(kind: ProviderKind, params: &ChatParams) -> Value {
    // Settings first and the conversation last, so the body reads well when shown.
    let mut body = Map::new();
    body.insert("model".into(), json!(params.model));
    params.settings.apply(kind, &mut body);
    let search = params
        .settings
        .web_search_tool()
        .filter(|_| kind == ProviderKind::Openrouter);
    if !params.tools.is_empty() || search.is_some() {
        let mut tools = params.tools.clone();
        tools.extend(search);
        body.insert("tools".into(), Value::Array(tools));
    }
    if !params.tools.is_empty() {
        if let Some(choice) = &params.settings.tool_choice {
            let choice = match choice.as_str() {
                "auto" | "none" | "required" => json!(choice),
                name => json!({"type": "function", "function": {"name": name}}),
            };
            body.insert("tool_choice".into(), choice);
        }
        if let Some(p) = params.settings.parallel_tool_calls {
            body.insert("parallel_tool_calls".into(), json!(p));
        }
    }
    if let (Some(id), ProviderKind::Openrouter) = (&params.session_id, kind) {
        body.insert("session_id".into(), json!(id));
    }
    body.insert("stream".into(), json!(true));
    // Local servers stream usage only when asked; OpenRouter ignores the flag.
    body.insert("stream_options".into(), json!({"include_usage": true}));
    let mut messages = json!(params.messages);
    // A message with images, or marked for caching, becomes a list of parts: its text, then
    // each image.
    for (m, out) in params
        .messages
        .iter()
        .zip(messages.as_array_mut().into_iter().flatten())
    {
        if m.tool_calls.is_some() && m.content.is_empty() {
            // As the reference has it: some upstreams refuse an empty text block.
            out["content"] = Value::Null;
        }
        if kind != ProviderKind::Openrouter {
            // OpenRouter's own field; OpenAI refuses unknown message fields.
            if let Some(o) = out.as_object_mut() {
                o.remove("reasoning_details");
            }
        }
        let cache = m
            .cache_control
            .as_ref()
            .filter(|_| kind == ProviderKind::Openrouter);
        if m.images.is_empty() && cache.is_none() {
            continue;
        }
        let mut text = json!({"type": "text", "text": m.content});
        if let Some(c) = cache {
            text["cache_control"] = c.clone();
        }
        let mut parts = vec![text];
        parts.extend(
            m.images
                .iter()
                .map(|url| json!({"type": "image_url", "image_url": {"url": url}})),
        );
        out["content"] = Value::Array(parts);
    }
    body.insert("messages".into(), messages);
    Value::Object(body)
}

/// A header value that cannot make the request fail: printable ASCII only.
fn header_text(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .collect()
}

/// Headers for a request, apart from content type.
pub fn headers(endpoint: &Endpoint) -> Vec<(&'static str, String)> {
    let mut h = Vec::new();
    // Local servers usually ignore the key, but some reject a request without one.
    let key = endpoint.api_key.as_deref().unwrap_or("none");
    h.push(("authorization", format!("Bearer {key}")));
    if endpoint.kind == ProviderKind::Openrouter {
        // Attribution only; a referer is sent only when the config gives the app's real URL.
        if let Some(url) = &endpoint.options.referer {
            h.push(("http-referer", header_text(url)));
        }
        let title = endpoint.options.title.as_deref().unwrap_or(APP_TITLE);
        h.push(("x-openrouter-title", header_text(title)));
        if endpoint.options.routing_metadata {
            // The documented header, and the name it had while experimental.
            h.push(("x-openrouter-metadata", "enabled".into()));
            h.push(("x-openrouter-experimental-metadata", "enabled".into()));
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::wire::Role;

    #[test]
    fn base_urls_normalise_to_v1() {
        assert_eq!(
            normalize_base_url("http://localhost:11434"),
            "http://localhost:11434/v1"
        );
        assert_eq!(
            normalize_base_url("http://localhost:11434/v1/"),
            "http://localhost:11434/v1"
        );
        assert_eq!(
            normalize_base_url("https://openrouter.ai/api/v1"),
            "https://openrouter.ai/api/v1"
        );
        assert_eq!(
            normalize_base_url("https://openrouter.ai/api"),
            "https://openrouter.ai/api/v1"
        );
    }

    #[test]
    fn body_carries_only_what_was_set() {
        let p = ChatParams {
            model: "m".into(),
            messages: vec![Message::new(Role::User, "hi")],
            settings: Settings {
                max_tokens: Some(10),
                fallbacks: vec!["f".into()],
                ..Settings::default()
            },
            tools: Vec::new(),
            session_id: None,
        };
        let b = chat_body(ProviderKind::Openai, &p);
        assert_eq!(
            b,
            json!({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,
                   "stream_options":{"include_usage":true},"max_tokens":10}),
            "OpenRouter-only fields stay off other servers"
        );
        let b = chat_body(ProviderKind::Openrouter, &p);
        assert_eq!(b["models"], json!(["f"]));
    }

    #[test]
    fn openrouter_gets_attribution_headers_and_debug_hides_key() {
        let e = Endpoint {
            provider: "openrouter".into(),
            kind: ProviderKind::Openrouter,
            base_url: "https://openrouter.ai/api/v1".into(),
            api_key: Some("sk-or-v1-secret".into()),
            simulated: false,
            options: Default::default(),
        };
        let h = headers(&e);
        assert!(h.contains(&("x-openrouter-title", "switchboard".into())));
        assert!(
            !h.iter().any(|(k, _)| *k == "http-referer"),
            "no made-up referer"
        );
        assert!(h.contains(&("authorization", "Bearer sk-or-v1-secret".into())));
        assert!(!format!("{e:?}").contains("secret"));
        let local = Endpoint {
            kind: ProviderKind::Openai,
            api_key: None,
            ..e
        };
        assert!(!headers(&local)
            .iter()
            .any(|(k, _)| *k == "x-openrouter-title"));
    }
}
