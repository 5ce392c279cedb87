//! `switchboard models`: the catalog as a table or JSON, for scripts.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;

use crate::catalog::fuzzy::{Search, Sort};
use crate::catalog::{self, cache, Catalog, ModelInfo, Tag};
use crate::config::paths;
use crate::setup::Session;

pub struct Args {
    pub query: String,
    pub sort: String,
    pub json: bool,
    pub provider: Option<String>,
    pub force_sim: bool,
    pub config: Option<PathBuf>,
}

pub async fn run(args: Args) -> Result<(), String> {
    let session = Session::open(args.config, &[], args.force_sim, None).await?;
    let providers = &session.setup.providers;
    let name = args.provider.unwrap_or_else(|| providers.default.clone());
    let endpoint = providers.endpoints.get(&name).ok_or_else(|| {
        let known: Vec<&str> = providers.endpoints.keys().map(String::as_str).collect();
        format!(
            "unknown provider `{name}`; configured: {}",
            known.join(", ")
        )
    })?;
    let dir = paths::data_dir().join("catalog");
    let client = reqwest::Client::new();
    let models = match catalog::fetch(&client, endpoint, Duration::from_secs(20)).await {
        Ok(models) => {
            let c = Catalog {
                provider: name.clone(),
                fetched_at: chrono::Utc::now().timestamp(),
                models,
            };
            let _ = cache::save(&dir, &c);
            c.models
        }
        Err(e) => match cache::load(&dir, &name) {
            Some(c) => {
                eprintln!(
                    "note: {name} unreachable ({}); using the copy from {} ago",
                    e.plain(),
                    cache::age(c.fetched_at, chrono::Utc::now().timestamp())
                );
                c.models
            }
            None => return Err(format!("cannot list {name}'s models: {}", e.plain())),
        },
    };
    session.simulator.shutdown();
    let sort = Sort::parse(&args.sort).unwrap_or(Sort::Relevance);
    let order = Search::default().run(&models, &args.query, Tag::All, sort);
    let picked: Vec<&ModelInfo> = order.iter().filter_map(|i| models.get(*i)).collect();
    if args.json {
        let list: Vec<_> = picked.iter().map(|m| to_json(m)).collect();
        let text = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        // Names and descriptions come from the server; the terminal gets them cleaned.
        print!("{}", crate::sanitize::clean(&table(&picked)));
    }
    Ok(())
}

fn to_json(m: &ModelInfo) -> serde_json::Value {
    let per_m = |p: Option<crate::cost::Price>| p.and_then(crate::cost::Price::usd_per_million);
    json!({
        "id": m.id,
        "name": m.name,
        "context_length": m.context_length,
        "usd_per_m_input": per_m(m.price.map(|p| p.prompt)),
        "usd_per_m_output": per_m(m.price.map(|p| p.completion)),
        "free": m.free(),
        "tools": m.tools,
        "reasoning": m.reasoning,
        "vision": m.vision,
    })
}

/// A plain table; columns padded to their widest cell.
pub fn table(models: &[&ModelInfo]) -> String {
    let price = |p: Option<crate::cost::Price>| match p {
        None => "-".to_string(),
        Some(crate::cost::Price::Dynamic) => "varies".to_string(),
        Some(p) => p
            .usd_per_million()
            .map_or("-".to_string(), |v| format!("{v:.2}")),
    };
    let mut rows = vec![[
        "MODEL".to_string(),
        "CONTEXT".to_string(),
        "$/M IN".to_string(),
        "$/M OUT".to_string(),
        "TAGS".to_string(),
    ]];
    for m in models {
        let tags: Vec<&str> = [Tag::Free, Tag::Tools, Tag::Reasoning, Tag::Vision]
            .into_iter()
            .filter(|t| m.has(*t))
            .map(Tag::name)
            .collect();
        rows.push([
            m.id.clone(),
            m.context_length.map_or("-".into(), |c| c.to_string()),
            price(m.price.map(|p| p.prompt)),
            price(m.price.map(|p| p.completion)),
            tags.join(","),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                if (1..4).contains(&i) {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
