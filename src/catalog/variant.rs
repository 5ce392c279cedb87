//! Model ids that name a catalog entry indirectly: variants (`author/model:nitro`), the newest
//! of a family (`~author/family-latest`), presets (`@preset/name`, `author/model@preset/name`)
//! and routers (`openrouter/auto`). The catalog lists base ids only, so each form is resolved to
//! the entry behind it for prices, context, modalities and tool support.

use std::borrow::Cow;

use super::ModelInfo;
use crate::cost::{ModelPrice, Price};

/// Suffixes OpenRouter serves on top of a model's id.
pub const SUFFIXES: [&str; 7] = [
    "free", "nitro", "floor", "exacto", "online", "thinking", "extended",
];

/// Whether the id names no one model: a router, a family's newest, or a preset. Whatever model
/// answers it answers as asked, not as a fallback.
pub fn is_alias(id: &str) -> bool {
    id.starts_with('~') || id.contains("@preset/") || id.starts_with("openrouter/")
}

/// The id without its preset and variant suffix: `openai/gpt-4o:nitro@preset/x` → `openai/gpt-4o`.
pub fn base(id: &str) -> &str {
    let id = id.split_once("@preset/").map_or(id, |(b, _)| b);
    match id.rsplit_once(':') {
        Some((b, suffix)) if SUFFIXES.contains(&suffix) => b,
        _ => id,
    }
}

/// The catalog entry behind `id`, if there is one.
pub fn resolve<'a>(models: &'a [ModelInfo], id: &str) -> Option<Cow<'a, ModelInfo>> {
    if let Some(m) = models.iter().find(|m| m.id == id) {
        return Some(Cow::Borrowed(m));
    }
    if let Some(family) = id.strip_prefix('~') {
        let family = family.strip_suffix("-latest").unwrap_or(family);
        return models
            .iter()
            .filter(|m| m.id.starts_with(family) && !m.id.contains(':'))
            .max_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)))
            .map(Cow::Borrowed);
    }
    let bare = base(id);
    if bare.is_empty() || bare == id {
        return None;
    }
    let found = models.iter().find(|m| m.id == bare)?;
    let free = id
        .split_once("@preset/")
        .map_or(id, |(b, _)| b)
        .ends_with(":free");
    if free {
        // The free variant of a model costs nothing, whatever the base entry charges.
        let mut m = found.clone();
        m.price = Some(ModelPrice {
            prompt: Price::PerToken(0.0),
            completion: Price::PerToken(0.0),
        });
        return Some(Cow::Owned(m));
    }
    Some(Cow::Borrowed(found))
}

/// Whether `served` is the model `requested` asked for: the same id, its base under a variant,
/// a dated version of it (`-2024-08-06`), or whatever an alias or router chose.
pub fn same_model(requested: &str, served: &str) -> bool {
    if requested == served || is_alias(requested) {
        return true;
    }
    let b = base(requested);
    served == b
        || served
            .strip_prefix(b)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|date| date.starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: &str, created: i64, price: f64) -> ModelInfo {
        ModelInfo {
            created: Some(created),
            price: Some(ModelPrice::per_million(price, price * 4.0)),
            tools: true,
            ..ModelInfo::bare(id)
        }
    }

    fn catalog() -> Vec<ModelInfo> {
        vec![
            info("anthropic/claude-sonnet-4", 100, 3.0),
            info("anthropic/claude-sonnet-4.5", 200, 3.0),
            info("anthropic/claude-haiku-4.5", 300, 1.0),
            info("openai/gpt-4o", 50, 2.5),
            info("openrouter/auto", 10, 0.0),
        ]
    }

    #[test]
    fn variants_presets_and_latest_resolve_to_their_entry() {
        let c = catalog();
        let id = |q: &str| resolve(&c, q).map(|m| m.id.clone());
        assert_eq!(id("openai/gpt-4o:nitro").as_deref(), Some("openai/gpt-4o"));
        assert_eq!(id("openai/gpt-4o:exacto").as_deref(), Some("openai/gpt-4o"));
        assert_eq!(
            id("openai/gpt-4o@preset/fast").as_deref(),
            Some("openai/gpt-4o")
        );
        assert_eq!(
            id("~anthropic/claude-sonnet-latest").as_deref(),
            Some("anthropic/claude-sonnet-4.5")
        );
        assert_eq!(id("openrouter/auto").as_deref(), Some("openrouter/auto"));
        assert_eq!(id("@preset/fast"), None);
        assert_eq!(id("openai/gpt-5"), None);
        assert_eq!(id("openai/gpt-4o:unknown"), None);
        let free = resolve(&c, "openai/gpt-4o:free").unwrap();
        assert!(free.price.is_some_and(|p| p.is_free()));
        assert!(free.tools, "tool support comes from the base entry");
        let nitro = resolve(&c, "openai/gpt-4o:nitro").unwrap();
        assert!(!nitro.price.unwrap().is_free());
    }

    #[test]
    fn the_model_behind_an_alias_is_not_a_fallback() {
        assert!(same_model("openrouter/auto", "anthropic/claude-sonnet-4.5"));
        assert!(same_model(
            "~anthropic/claude-sonnet-latest",
            "anthropic/claude-sonnet-4.5"
        ));
        assert!(same_model("openai/gpt-4o:nitro", "openai/gpt-4o"));
        assert!(same_model("openai/gpt-4o", "openai/gpt-4o-2024-08-06"));
        assert!(same_model("@preset/fast", "openai/gpt-4o"));
        assert!(!same_model("openai/gpt-4o", "openai/gpt-4o-mini"));
        assert!(!same_model("openai/gpt-4o", "openai/gpt-5"));
        assert!(!same_model(
            "openai/gpt-4o:nitro",
            "anthropic/claude-sonnet-4"
        ));
    }
}
