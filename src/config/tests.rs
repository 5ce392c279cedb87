use super::*;

#[test]
fn line_col_counts_from_one() {
    assert_eq!(line_col("ab\ncd", 0), (1, 1));
    assert_eq!(line_col("ab\ncd", 4), (2, 2));
    assert_eq!(line_col("é\nx", 3), (2, 1));
}

#[test]
fn tools_read_schemas_and_results_from_files_next_to_the_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("weather.json"),
        r#"{"type": "object", "properties": {"city": {"type": "string"}}}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("forecast.txt"), "sunny all week").unwrap();
    let cfg = Config::parse(
        r#"
[[tools]]
name = "get_weather"
parameters_file = "weather.json"
result_file = "forecast.txt"
results = { Oslo = "rain, 8°C" }
[[panes]]
model = "sim/tooler"
tools = ["get_weather"]
"#,
        &dir.path().join("config.toml"),
    )
    .unwrap();
    let t = &cfg.tools[0];
    assert_eq!(t.parameters["properties"]["city"]["type"], "string");
    assert_eq!(t.canned(r#"{"city":"Oslo"}"#).as_deref(), Some("rain, 8°C"));
    assert_eq!(
        t.canned(r#"{"city":"Rome"}"#).as_deref(),
        Some("sunny all week")
    );

    let both = Config::parse(
        "[[tools]]\nname = \"t\"\nresult = \"a\"\nresult_file = \"forecast.txt\"\n",
        &dir.path().join("config.toml"),
    );
    assert!(both.unwrap_err().to_string().contains("not both"));
}

#[test]
fn a_workspace_brings_its_own_tools() {
    let path = Path::new("config.toml");
    let cfg = Config::parse(
        r#"
[[workspaces.agents.tools]]
name = "search"
parameters = { type = "object", properties = { q = { type = "string" } } }
result = "3 hits"
[[workspaces.agents.panes]]
model = "sim/tooler"
tools = ["search"]
"#,
        path,
    )
    .unwrap();
    assert_eq!(cfg.tools[0].name, "search");
    assert_eq!(cfg.workspaces["agents"][0].settings.tools, ["search"]);

    let unknown = Config::parse(
        "[[workspaces.w.panes]]\nmodel = \"sim/tooler\"\ntools = [\"nope\"]\n",
        path,
    );
    assert!(unknown
        .unwrap_err()
        .to_string()
        .contains("offers tool `nope`"));
    let twice = Config::parse(
        "[[tools]]\nname = \"t\"\n[[workspaces.w.tools]]\nname = \"t\"\n",
        path,
    );
    assert!(twice.unwrap_err().to_string().contains("defined twice"));
}

#[test]
fn user_file_layers_over_defaults() {
    let cfg = Config::parse(
        r#"
default_provider = "ollama"
stall_timeout_secs = 5
theme = "light"
expand_thinking = true
app_url = "https://example.org/bench"
app_title = "Bench"
user = "alice"
[providers.ollama]
kind = "openai"
base_url = "http://localhost:11434"
[providers.oai]
kind = "openai"
base_url = "https://api.openai.com/v1"
max_tokens_field = "max_completion_tokens"
[providers.openrouter]
api_key_cmd = "pass show openrouter"
[providers.ollama.prices."llama3.2"]
prompt = 0.1
completion = 0.4
[budget]
session_usd = 1
daily_usd = 2.5
warn = [0.6, 0.9]
[[panes]]
model = "llama3.2"
provider = "ollama"
temperature = 0.3
[[panes]]
model = "sim/swift"
system = "Be brief."
max_tokens = 200
fallbacks = ["sim/steady"]
reasoning_effort = "low"
stop = ["~~~"]
[panes.routing]
order = ["anthropic"]
sort = "price"
max_price_completion = 10
"#,
        Path::new("c.toml"),
    )
    .unwrap();
    assert_eq!(cfg.default_provider, "ollama");
    assert_eq!(cfg.theme.as_ref().map(|t| t.0.as_str()), Some("light"));
    assert!(cfg.expand_thinking);
    assert_eq!(cfg.app_url.as_deref(), Some("https://example.org/bench"));
    assert_eq!(cfg.app_title.as_deref(), Some("Bench"));
    assert_eq!(cfg.user.as_deref(), Some("alice"));
    use crate::provider::request::TokenField;
    assert_eq!(
        cfg.providers["oai"].token_field,
        TokenField::MaxCompletionTokens
    );
    assert_eq!(cfg.providers["ollama"].token_field, TokenField::MaxTokens);
    assert_eq!(cfg.stall_timeout, Duration::from_secs(5));
    let or = &cfg.providers[OPENROUTER];
    assert_eq!(or.base_url, OPENROUTER_URL);
    assert_eq!(or.api_key_env.as_deref(), Some("OPENROUTER_API_KEY"));
    assert_eq!(or.api_key_cmd.as_deref(), Some("pass show openrouter"));
    assert_eq!(cfg.providers["ollama"].kind, ProviderKind::Openai);
    assert_eq!(
        cfg.providers["ollama"].prices["llama3.2"],
        ModelPrice::per_million(0.1, 0.4)
    );
    assert_eq!(cfg.budget.session_usd, Some(1.0));
    assert_eq!(cfg.budget.daily_usd, Some(2.5));
    assert_eq!(cfg.budget.monthly_usd, None);
    assert_eq!(cfg.budget.warn, [0.6, 0.9]);
    assert_eq!(cfg.panes.len(), 2);
    assert_eq!(cfg.panes[0].settings.temperature, Some(0.3));
    let s = &cfg.panes[1].settings;
    assert_eq!(s.system.as_deref(), Some("Be brief."));
    assert_eq!(s.max_tokens, Some(200));
    assert_eq!(s.fallbacks, vec!["sim/steady".to_string()]);
    assert_eq!(
        s.reasoning_effort,
        Some(crate::provider::settings::Effort::Low)
    );
    assert_eq!(s.routing.order, vec!["anthropic".to_string()]);
    assert_eq!(s.routing.sort.as_deref(), Some("price"));
    assert_eq!(s.routing.max_price_completion, Some(10.0));
    assert_eq!(s.stop, vec!["~~~".to_string()]);
}

#[test]
fn empty_file_is_the_defaults() {
    assert_eq!(
        Config::parse("", Path::new("c.toml")).unwrap(),
        Config::default()
    );
}

#[test]
fn the_config_file_carries_its_keys_to_the_app() {
    let path = std::path::Path::new("config.toml");
    let cfg = Config::parse("[keys]\nsend = \"ctrl-j\"\n", path).unwrap();
    assert_eq!(cfg.keys.main("send"), "Ctrl+J");
    let e = Config::parse(
        "theme = \"dark\"\n\n[keys.picker]\nsort = \"bogus\"\n",
        path,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("config.toml:4:8: sort: `bogus` is not a key"),
        "{e}"
    );
}

#[test]
fn a_judge_and_a_workspaces_own_judge_are_read_with_their_rubrics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("code.md"), "Working code beats prose.").unwrap();
    let cfg = Config::parse(
        r#"
[judge]
model = "sim/judge"
mode = "pairwise"
rubric = "Be fair."
[workspaces.code.judge]
model = "openai/gpt-4o-mini"
rubric_file = "code.md"
scale = 5
"#,
        &dir.path().join("config.toml"),
    )
    .unwrap();
    let j = cfg.judge.unwrap();
    assert_eq!(
        (j.model.as_str(), j.mode, j.rubric.as_str()),
        (
            "sim/judge",
            crate::judge::verdict::Mode::Pairwise,
            "Be fair."
        )
    );
    let w = &cfg.workspace_judges["code"];
    assert_eq!(
        (w.rubric.as_str(), w.scale),
        ("Working code beats prose.", 5)
    );
    for (bad, says) in [
        ("[judge]\nmodel = \"m\"\nmode = \"vibes\"\n", "mode `vibes`"),
        (
            "[judge]\nmodel = \"m\"\nrubric = \"a\"\nrubric_file = \"b\"\n",
            "not both",
        ),
        (
            "[judge]\nmodel = \"m\"\nrubric_file = \"none.md\"\n",
            "cannot read the rubric",
        ),
        ("[judge]\nmodel = \"m\"\nscale = 1\n", "scale 1"),
    ] {
        let e = Config::parse(bad, &dir.path().join("config.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(says) && e.contains("judge"), "{bad}: {e}");
    }
}
