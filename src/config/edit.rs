//! Writing panes and workspaces back to the config file without disturbing the rest of it:
//! comments, order and layout stay as the user left them.

use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};

use super::PaneConfig;

fn parse(text: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>()
        .map_err(|e| format!("the config file does not parse: {e}"))
}

fn strings(v: &[String]) -> Item {
    let mut a = Array::new();
    for s in v {
        a.push(s.as_str());
    }
    value(a)
}

fn set<T: Into<toml_edit::Value>>(t: &mut Table, key: &str, v: Option<T>) {
    match v {
        Some(v) => {
            // Replacing only the value keeps the key's own comments and position; the old
            // value's decor carries a trailing comment, so it moves to the new value.
            if let Some(item) = t.get_mut(key) {
                let decor = item.as_value().map(|v| v.decor().clone());
                *item = value(v);
                if let (Some(d), Some(new)) = (decor, item.as_value_mut()) {
                    *new.decor_mut() = d;
                }
            } else {
                t.insert(key, value(v));
            }
        }
        None => {
            t.remove(key);
        }
    }
}

fn set_list(t: &mut Table, key: &str, v: &[String]) {
    if v.is_empty() {
        t.remove(key);
    } else if let Some(item) = t.get_mut(key) {
        *item = strings(v);
    } else {
        t.insert(key, strings(v));
    }
}

/// Fills `t` with `pane`'s keys: set ones written, unset ones removed, others left alone.
fn write_pane(t: &mut Table, pane: &PaneConfig) {
    let s = &pane.settings;
    set(t, "model", Some(pane.model.as_str()));
    set(t, "provider", pane.provider.as_deref());
    set(t, "system", s.system.as_deref());
    set_list(t, "fallbacks", &s.fallbacks);
    set(t, "temperature", s.temperature);
    set(t, "top_p", s.top_p);
    set(t, "top_k", s.top_k.map(i64::from));
    set(t, "min_p", s.min_p);
    set(t, "max_tokens", s.max_tokens.map(i64::from));
    set(t, "seed", s.seed);
    set_list(t, "stop", &s.stop);
    set(t, "frequency_penalty", s.frequency_penalty);
    set(t, "presence_penalty", s.presence_penalty);
    set(t, "repetition_penalty", s.repetition_penalty);
    set(t, "reasoning_effort", s.reasoning_effort.map(|e| e.name()));
    set(
        t,
        "reasoning_max_tokens",
        s.reasoning_max_tokens.map(i64::from),
    );
    set(t, "reasoning_exclude", s.reasoning_exclude.then_some(true));
    set(t, "reasoning_enabled", s.reasoning_enabled);
    set(t, "debug_echo", s.debug_echo.then_some(true));
    set(t, "compression", s.compression);
    set_list(t, "tools", &s.tools);
    set(t, "tool_choice", s.tool_choice.as_deref());
    set(t, "parallel_tool_calls", s.parallel_tool_calls);
    // A schema is written by hand as a file name; only the plain JSON mode is ours to write.
    match &s.response_format {
        Some(crate::provider::settings::ResponseFormat::JsonSchema { .. }) => {}
        Some(crate::provider::settings::ResponseFormat::JsonObject) => {
            set(t, "json_object", Some(true))
        }
        None => set(t, "json_object", None::<bool>),
    }
    set(t, "cache", s.cache.as_deref());
    set(t, "cache_system", s.cache_system.then_some(true));
    set(t, "web_search", s.web_search.as_deref());
    set(t, "web_search_results", s.web_search_results.map(i64::from));
    let r = &s.routing;
    if r.is_empty() {
        t.remove("routing");
        return;
    }
    if !t.get("routing").is_some_and(Item::is_table) {
        t.insert("routing", Item::Table(Table::new()));
    }
    let Some(rt) = t.get_mut("routing").and_then(Item::as_table_mut) else {
        return;
    };
    set_list(rt, "order", &r.order);
    set_list(rt, "only", &r.only);
    set_list(rt, "ignore", &r.ignore);
    set(rt, "allow_fallbacks", r.allow_fallbacks);
    set(rt, "require_parameters", r.require_parameters);
    set(rt, "data_collection", r.data_collection.as_deref());
    set(rt, "zdr", r.zdr);
    set(rt, "sort", r.sort.as_deref());
    set_list(rt, "quantizations", &r.quantizations);
    set(rt, "max_price_prompt", r.max_price_prompt);
    set(rt, "max_price_completion", r.max_price_completion);
    set(rt, "max_price_request", r.max_price_request);
    set(rt, "max_price_image", r.max_price_image);
    set(rt, "sort_partition", r.sort_partition.as_deref());
    set(rt, "preferred_min_throughput", r.preferred_min_throughput);
    set(rt, "preferred_max_latency", r.preferred_max_latency);
}

/// Writes `pane` over `[[panes]]` entry `index`, or appends a new entry. Returns the new text
/// and the entry's index.
pub fn save_pane(
    text: &str,
    index: Option<usize>,
    pane: &PaneConfig,
) -> Result<(String, usize), String> {
    let mut doc = parse(text)?;
    if !doc.contains_key("panes") {
        doc.insert("panes", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let panes = doc
        .get_mut("panes")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or("`panes` in the config file is not a list of [[panes]] tables")?;
    let i = match index.filter(|i| *i < panes.len()) {
        Some(i) => i,
        None => {
            panes.push(Table::new());
            panes.len() - 1
        }
    };
    let t = panes.get_mut(i).ok_or("no such pane in the config file")?;
    write_pane(t, pane);
    Ok((doc.to_string(), i))
}

/// Writes the whole pane set as `[workspaces.NAME]`, replacing one of that name.
pub fn save_workspace(text: &str, name: &str, panes: &[PaneConfig]) -> Result<String, String> {
    let mut doc = parse(text)?;
    if !doc.contains_key("workspaces") {
        let mut t = Table::new();
        t.set_implicit(true);
        doc.insert("workspaces", Item::Table(t));
    }
    let ws = doc
        .get_mut("workspaces")
        .and_then(Item::as_table_mut)
        .ok_or("`workspaces` in the config file is not a table")?;
    let mut list = ArrayOfTables::new();
    for p in panes {
        let mut t = Table::new();
        write_pane(&mut t, p);
        list.push(t);
    }
    // Only the panes are replaced: tools defined with the workspace stay.
    if let Some(existing) = ws.get_mut(name).and_then(Item::as_table_mut) {
        existing.insert("panes", Item::ArrayOfTables(list));
    } else {
        let mut w = Table::new();
        w.set_implicit(true);
        w.insert("panes", Item::ArrayOfTables(list));
        ws.insert(name, Item::Table(w));
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;
    use crate::provider::settings::{Effort, Routing, Settings};

    const USER_FILE: &str = r#"# my switchboard setup
default_provider = "openrouter"   # keep this

# the main pane
[[panes]]
model = "sim/swift"
temperature = 0.2 # cool
# budget for answers
max_tokens = 100

[[panes]]
model = "sim/coder"

[budget]
session_usd = 1 # per session
"#;

    fn pane() -> PaneConfig {
        PaneConfig {
            model: "sim/thinker".into(),
            provider: None,
            settings: Settings {
                temperature: Some(0.9),
                max_tokens: None,
                reasoning_effort: Some(Effort::High),
                stop: vec!["END".into()],
                routing: Routing {
                    order: vec!["anthropic".into()],
                    sort: Some("price".into()),
                    ..Routing::default()
                },
                ..Settings::default()
            },
        }
    }

    #[test]
    fn tools_output_and_caching_are_saved_and_read_back() {
        let file =
            "[[tools]]\nname = \"get_weather\"\n\n[[workspaces.w.tools]]\nname = \"search\"\n";
        let mut p = pane();
        p.settings.tools = vec!["get_weather".into()];
        p.settings.tool_choice = Some("required".into());
        p.settings.parallel_tool_calls = Some(false);
        p.settings.response_format = Some(crate::provider::settings::ResponseFormat::JsonObject);
        p.settings.cache = Some("1h".into());
        p.settings.cache_system = true;
        let (out, _) = save_pane(file, None, &p).unwrap();
        let out = save_workspace(&out, "w", &[p.clone()]).unwrap();
        let cfg = Config::parse(&out, Path::new("c.toml")).unwrap();
        assert_eq!(cfg.panes[0], p, "{out}");
        assert_eq!(cfg.workspaces["w"][0], p);
        assert!(
            cfg.tools.iter().any(|t| t.name == "search"),
            "the workspace's tools stay:\n{out}"
        );
    }

    #[test]
    fn saving_a_pane_keeps_comments_and_the_rest_of_the_file() {
        let (out, i) = save_pane(USER_FILE, Some(0), &pane()).unwrap();
        assert_eq!(i, 0);
        for kept in [
            "# my switchboard setup",
            "default_provider = \"openrouter\"   # keep this",
            "# the main pane",
            "temperature = 0.9 # cool",
            "session_usd = 1 # per session",
            "model = \"sim/coder\"",
        ] {
            assert!(out.contains(kept), "lost {kept:?}:\n{out}");
        }
        assert!(
            !out.contains("max_tokens = 100"),
            "unset keys are removed:\n{out}"
        );
        let cfg = Config::parse(&out, Path::new("c.toml")).unwrap();
        assert_eq!(cfg.panes.len(), 2);
        assert_eq!(cfg.panes[0], pane(), "what is saved reads back the same");
        assert_eq!(cfg.budget.session_usd, Some(1.0));
    }

    #[test]
    fn a_new_pane_is_appended_and_an_empty_file_works() {
        let (out, i) = save_pane(USER_FILE, None, &pane()).unwrap();
        assert_eq!(i, 2);
        assert_eq!(
            Config::parse(&out, Path::new("c")).unwrap().panes[2],
            pane()
        );
        let (out, i) = save_pane("", None, &pane()).unwrap();
        assert_eq!(i, 0);
        assert_eq!(
            Config::parse(&out, Path::new("c")).unwrap().panes,
            vec![pane()]
        );
    }

    #[test]
    fn workspaces_save_and_replace_by_name() {
        let panes = vec![
            pane(),
            PaneConfig {
                model: "sim/swift".into(),
                ..PaneConfig::default()
            },
        ];
        let out = save_workspace(USER_FILE, "review", &panes).unwrap();
        let out = save_workspace(&out, "review", &panes[..1]).unwrap();
        let out = save_workspace(&out, "demo", &panes).unwrap();
        assert!(out.contains("# the main pane"));
        let cfg = Config::parse(&out, Path::new("c")).unwrap();
        assert_eq!(cfg.workspaces["review"], vec![pane()]);
        assert_eq!(cfg.workspaces["demo"].len(), 2);
        assert_eq!(cfg.panes.len(), 2, "the default panes are untouched");
    }
}
