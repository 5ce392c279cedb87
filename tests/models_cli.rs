#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `switchboard models` for scripts: table, JSON, sorting, fuzzy query, and the offline cache.

use std::path::Path;
use std::process::{Command, Output};

fn run(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(args)
        .current_dir(home)
        .env_remove("OPENROUTER_API_KEY")
        .env_remove("SWITCHBOARD_CONFIG")
        .env("SWITCHBOARD_HOME", home)
        .output()
        .unwrap()
}

#[test]
fn json_lists_the_simulators_models_with_prices() {
    let home = tempfile::tempdir().unwrap();
    let out = run(
        home.path(),
        &["models", "--sim", "--json", "--sort", "price"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = list.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), switchboard::sim::model_ids().len());
    assert_eq!(ids[0], "sim/swift", "cheapest output first");
    assert_eq!(*ids.last().unwrap(), "sim/pricey");
    let pricey = list.iter().find(|m| m["id"] == "sim/pricey").unwrap();
    assert_eq!(pricey["usd_per_m_output"].as_f64(), Some(75.0));
    let thinker = list.iter().find(|m| m["id"] == "sim/thinker").unwrap();
    assert_eq!(thinker["reasoning"], true);
    assert!(
        home.path().join("catalog/sim.json").exists(),
        "the fetch is cached"
    );
}

#[test]
fn table_with_a_fuzzy_query() {
    let home = tempfile::tempdir().unwrap();
    let out = run(home.path(), &["models", "--sim", "codr"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("MODEL") && lines[0].contains("$/M OUT"),
        "{text}"
    );
    assert!(lines[1].starts_with("sim/coder"), "{text}");
}

#[test]
fn an_unreachable_provider_falls_back_to_the_cache() {
    let home = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        home.path().join("config.toml"),
        format!("[providers.local]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:{port}\"\n"),
    )
    .unwrap();
    let out = run(home.path(), &["models", "--provider", "local"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot list local's models"));

    std::fs::create_dir_all(home.path().join("catalog")).unwrap();
    std::fs::write(
        home.path().join("catalog/local.json"),
        r#"{"provider":"local","fetched_at":0,"models":[{"id":"llama3.2","name":null,"context_length":null,"price":null,"max_completion":null,"tools":false,"reasoning":false,"vision":false}]}"#,
    )
    .unwrap();
    let out = run(home.path(), &["models", "--provider", "local"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("llama3.2"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("using the copy from"));
}

#[test]
fn json_prices_are_the_catalogs_decimals() {
    let home = tempfile::tempdir().unwrap();
    let out = run(home.path(), &["models", "--sim", "--json", "swift"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\"usd_per_m_input\": 0.1,") && text.contains("\"usd_per_m_output\": 0.4,"),
        "{text}"
    );
    assert!(
        !text.contains("9999") && !text.contains("0000001"),
        "{text}"
    );
}
