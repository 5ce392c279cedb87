//! Web search as OpenRouter runs it for a request that offers the `openrouter:web_search`
//! server tool: the parameters checked as strictly as the reference types them, a search made
//! (deterministic sources about the prompt's topic), the answer citing them with
//! `url_citation` annotations, and the searches counted and billed.

use serde_json::{json, Map, Value};

use super::wire::ApiError;

/// The server tool's parameters, as the request gave them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Search {
    pub engine: String,
    pub max_results: u32,
}

const ENGINES: [&str; 6] = [
    "auto",
    "native",
    "exa",
    "parallel",
    "perplexity",
    "firecrawl",
];
const KNOWN: [&str; 10] = [
    "engine",
    "mode",
    "max_results",
    "max_uses",
    "max_total_results",
    "search_context_size",
    "max_characters",
    "user_location",
    "allowed_domains",
    "excluded_domains",
];

/// The web search a request's `tools` ask for, if any; a malformed tool entry is refused as
/// OpenRouter refuses it.
pub(crate) fn read(body: &Value) -> Result<Option<Search>, ApiError> {
    let Some(tools) = body.get("tools") else {
        return Ok(None);
    };
    let Some(tools) = tools.as_array() else {
        return Err(ApiError::bad_request("tools must be an array"));
    };
    let mut search = None;
    for tool in tools {
        match tool.get("type").and_then(Value::as_str) {
            Some("function") => {}
            Some("openrouter:web_search") => search = Some(parameters(tool.get("parameters"))?),
            Some(other) if other.starts_with("openrouter:") => {
                return Err(ApiError::bad_request(format!(
                    "Unknown server tool type: {other}"
                )))
            }
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "tools: unsupported tool type `{other}`"
                )))
            }
            None => return Err(ApiError::bad_request("tools: each tool needs a type")),
        }
    }
    Ok(search)
}

fn parameters(p: Option<&Value>) -> Result<Search, ApiError> {
    let empty = Map::new();
    let p = match p {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(ApiError::bad_request(
                "openrouter:web_search parameters must be an object",
            ))
        }
    };
    if let Some(k) = p.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(ApiError::bad_request(format!(
            "openrouter:web_search: unknown parameter `{k}`"
        )));
    }
    let engine = match p.get("engine") {
        None => "auto".to_string(),
        Some(Value::String(e)) if ENGINES.contains(&e.as_str()) => e.clone(),
        Some(e) => {
            return Err(ApiError::bad_request(format!(
                "openrouter:web_search: engine must be one of {}, got {e}",
                ENGINES.join(", ")
            )))
        }
    };
    let max_results = match p.get("max_results") {
        None => 5,
        Some(v) => match v.as_u64() {
            Some(n) if (1..=25).contains(&n) => n as u32,
            _ => {
                return Err(ApiError::bad_request(format!(
                    "openrouter:web_search: max_results must be an integer from 1 to 25, got {v}"
                )))
            }
        },
    };
    if let Some(s) = p.get("search_context_size") {
        if !matches!(s.as_str(), Some("low" | "medium" | "high")) {
            return Err(ApiError::bad_request(
                "openrouter:web_search: search_context_size must be low, medium or high",
            ));
        }
    }
    Ok(Search {
        engine,
        max_results,
    })
}

impl Search {
    /// What one search costs: the reference's per-request prices (the model's own search is
    /// billed by its provider at about Exa's rate here; Firecrawl uses the user's own credits).
    pub fn price(&self) -> f64 {
        match self.engine.as_str() {
            "parallel" | "perplexity" => 0.005,
            "firecrawl" => 0.0,
            _ => 0.007,
        }
    }

    /// How many results come back: the request's cap, at most the four the simulator's web
    /// holds on any topic.
    pub fn results(&self) -> usize {
        (self.max_results as usize).min(4)
    }
}

/// The pages found about `topic`, and the text that cites them: a paragraph added to the
/// answer, one sentence per page, each sentence a citation of its page (start and end are
/// character offsets into the whole answer, `answer_chars` being the text before it).
pub(crate) fn cite(topic: &str, n: usize, answer_chars: usize) -> (String, Vec<Value>) {
    const PAGES: [(&str, &str, &str); 4] = [
        (
            "docs",
            "{t}: the reference",
            "describes {t} from first principles",
        ),
        (
            "blog",
            "What we learned running {t} in production",
            "reports what {t} costs under real load",
        ),
        (
            "papers",
            "A survey of {t}",
            "compares the published variants of {t}",
        ),
        (
            "forum",
            "{t} pitfalls, answered",
            "lists the mistakes people make with {t}",
        ),
    ];
    let slug: String = topic
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut text = String::from("\n\nFrom the web: ");
    let mut at = answer_chars + text.chars().count();
    let mut annotations = Vec::new();
    for (i, (site, title, claim)) in PAGES.iter().take(n).enumerate() {
        if i > 0 {
            text.push(' ');
            at += 1;
        }
        let title = capitalize(&title.replace("{t}", topic));
        let sentence = format!("{title} {}.", claim.replace("{t}", topic));
        let len = sentence.chars().count();
        annotations.push(json!({
            "type": "url_citation",
            "url_citation": {
                "url": format!("https://{site}.sim.example/{slug}"),
                "title": title,
                "content": format!("{title} — an excerpt about {topic}."),
                "start_index": at,
                "end_index": at + len,
            }
        }));
        text.push_str(&sentence);
        at += len;
    }
    (text, annotations)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_citation_spans_its_sentence_in_characters() {
        let answer = "Größe matters.";
        let (added, notes) = cite("raft", 3, answer.chars().count());
        let whole: Vec<char> = format!("{answer}{added}").chars().collect();
        assert_eq!(notes.len(), 3);
        for n in &notes {
            let c = &n["url_citation"];
            let (s, e) = (
                c["start_index"].as_u64().unwrap() as usize,
                c["end_index"].as_u64().unwrap() as usize,
            );
            let cited: String = whole[s..e].iter().collect();
            assert!(cited.starts_with(c["title"].as_str().unwrap()), "{cited}");
            assert!(cited.ends_with('.'), "{cited}");
        }
    }

    #[test]
    fn parameters_are_checked_as_the_reference_types_them() {
        let read_one = |p: Value| {
            read(&json!({"tools": [{"type": "openrouter:web_search", "parameters": p}]}))
        };
        assert_eq!(
            read_one(json!({"engine": "exa", "max_results": 3}))
                .ok()
                .flatten(),
            Some(Search {
                engine: "exa".into(),
                max_results: 3
            })
        );
        assert!(read_one(json!({"engine": "bing"})).is_err());
        assert!(read_one(json!({"max_results": 0})).is_err());
        assert!(read_one(json!({"max_results": 26})).is_err());
        assert!(
            read_one(json!({"search_prompt": "x"})).is_err(),
            "a plugin-only field"
        );
        assert!(read(&json!({"tools": [{"type": "openrouter:web_fetch"}]})).is_err());
        assert_eq!(
            read(&json!({"tools": [{"type": "openrouter:web_search"}]}))
                .ok()
                .flatten()
                .map(|s| s.engine),
            Some("auto".into())
        );
        assert_eq!(read(&json!({})).ok().flatten(), None);
    }
}
