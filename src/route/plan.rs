//! Turning a pane's model and fallbacks into a chain of hops.

use super::Hop;
use crate::provider::{ChatParams, ProviderKind, Providers};

/// The chain for a request to `provider`. On OpenRouter-style providers the plain fallback ids
/// ride in `models` and the server walks them; elsewhere each becomes a hop of its own.
/// `name:model` fallbacks always become hops on that provider.
pub fn plan(
    providers: &Providers,
    provider: &str,
    params: &ChatParams,
) -> Result<Vec<Hop>, String> {
    let endpoint = providers
        .endpoints
        .get(provider)
        .ok_or_else(|| format!("no provider named `{provider}` is configured"))?;
    let mut server_side = Vec::new();
    let mut client_side = Vec::new();
    for spec in &params.settings.fallbacks {
        let (p, model) = match spec.split_once(':') {
            Some((name, model)) if providers.endpoints.contains_key(name) => {
                (name.to_string(), model.to_string())
            }
            _ => (provider.to_string(), spec.clone()),
        };
        if p == provider && endpoint.kind == ProviderKind::Openrouter {
            server_side.push(model);
        } else {
            client_side.push((p, model));
        }
    }
    let mut first = params.clone();
    first.settings.fallbacks = server_side;
    let mut hops = vec![Hop {
        endpoint: endpoint.clone(),
        params: first,
    }];
    for (p, model) in client_side {
        let Some(ep) = providers.endpoints.get(&p) else {
            continue;
        };
        let mut params = params.clone();
        params.model = model;
        params.settings.fallbacks.clear();
        hops.push(Hop {
            endpoint: ep.clone(),
            params,
        });
    }
    Ok(hops)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::provider::settings::Settings;
    use crate::provider::Endpoint;

    fn providers() -> Providers {
        let ep = |name: &str, kind| Endpoint {
            provider: name.into(),
            kind,
            base_url: format!("http://{name}/v1"),
            api_key: None,
            simulated: false,
            options: Default::default(),
        };
        Providers {
            endpoints: BTreeMap::from([
                (
                    "openrouter".to_string(),
                    ep("openrouter", ProviderKind::Openrouter),
                ),
                ("ollama".to_string(), ep("ollama", ProviderKind::Openai)),
            ]),
            default: "openrouter".into(),
        }
    }

    fn params(model: &str, fallbacks: &[&str]) -> ChatParams {
        ChatParams {
            model: model.into(),
            messages: Vec::new(),
            settings: Settings {
                fallbacks: fallbacks.iter().map(|s| s.to_string()).collect(),
                ..Settings::default()
            },
            tools: Vec::new(),
            session_id: None,
        }
    }

    #[test]
    fn openrouter_keeps_plain_fallbacks_server_side() {
        let hops = plan(
            &providers(),
            "openrouter",
            &params("a/x", &["b/y", "ollama:llama3"]),
        )
        .unwrap();
        assert_eq!(hops.len(), 2);
        assert_eq!(hops[0].params.settings.fallbacks, vec!["b/y".to_string()]);
        assert_eq!(hops[1].endpoint.provider, "ollama");
        assert_eq!(hops[1].params.model, "llama3");
        assert!(hops[1].params.settings.fallbacks.is_empty());
    }

    #[test]
    fn openai_compatible_walks_them_client_side() {
        let hops = plan(
            &providers(),
            "ollama",
            &params("llama3", &["qwen", "mistral"]),
        )
        .unwrap();
        let models: Vec<_> = hops.iter().map(|h| h.params.model.as_str()).collect();
        assert_eq!(models, vec!["llama3", "qwen", "mistral"]);
        assert!(hops.iter().all(|h| h.params.settings.fallbacks.is_empty()));
        assert!(plan(&providers(), "nope", &params("m", &[])).is_err());
    }
}
