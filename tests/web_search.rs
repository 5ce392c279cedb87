#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Web search with citations, through the real stream path against the simulator: the server
//! tool in the body, the simulator as strict as the reference about its parameters, the
//! `url_citation` annotations read and placed in the text, the searches counted and billed,
//! the playground's marks, sources and footer, a pane that cannot search refused while the
//! others go ahead, and `run --web-search`.

mod common;

use std::time::Duration;

use serde_json::{json, Value};
use switchboard::provider::citation::Citation;
use switchboard::provider::{ChatParams, Endpoint, Message, ProviderKind, Role};
use switchboard::stream::task::{run_request, StreamOptions};
use switchboard::stream::StreamEvent;

fn endpoint(server: &switchboard::sim::SimServer) -> Endpoint {
    Endpoint {
        provider: "sim".into(),
        kind: ProviderKind::Openrouter,
        base_url: server.base_url(),
        api_key: None,
        simulated: true,
        options: Default::default(),
    }
}

fn searching(model: &str, engine: &str, results: Option<u32>) -> ChatParams {
    let mut p = ChatParams {
        model: model.into(),
        messages: vec![Message::new(Role::User, "Explain consistent hashing")],
        ..ChatParams::default()
    };
    p.settings.web_search = Some(engine.into());
    p.settings.web_search_results = results;
    p
}

async fn collect(ep: &Endpoint, p: &ChatParams) -> Vec<StreamEvent> {
    let mut out = Vec::new();
    let opts = StreamOptions {
        stall_timeout: Duration::from_secs(30),
    };
    run_request(&reqwest::Client::new(), ep, p, &opts, |e| out.push(e)).await;
    out
}

fn citations(ev: &[StreamEvent]) -> Vec<Citation> {
    ev.iter()
        .filter_map(|e| match e {
            StreamEvent::Citations(c) => Some(c.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn the_search_goes_as_the_server_tool_beside_the_functions() {
    let mut p = searching("m", "exa", Some(3));
    p.tools = vec![json!({"type": "function", "function": {"name": "f", "parameters": {}}})];
    p.settings.tool_choice = Some("auto".into());
    let body = switchboard::provider::request::chat_body(ProviderKind::Openrouter, &p);
    assert_eq!(
        body["tools"],
        json!([{"type": "function", "function": {"name": "f", "parameters": {}}},
               {"type": "openrouter:web_search", "parameters": {"engine": "exa", "max_results": 3}}])
    );
    assert_eq!(body["tool_choice"], "auto");
    let bare = switchboard::provider::request::chat_body(
        ProviderKind::Openrouter,
        &searching("m", "auto", None),
    );
    assert_eq!(bare["tools"], json!([{"type": "openrouter:web_search"}]));
    assert!(bare.get("tool_choice").is_none(), "no function, no choice");
    let elsewhere = switchboard::provider::request::chat_body(
        ProviderKind::Openai,
        &searching("m", "exa", None),
    );
    assert!(
        elsewhere.get("tools").is_none(),
        "never sent where it is not understood"
    );
}

#[tokio::test]
async fn an_answer_cites_the_pages_its_search_found() {
    let server = common::sim_at(50.0).await;
    let ep = endpoint(&server);
    let ev = collect(&ep, &searching("sim/steady", "exa", Some(3))).await;
    assert_eq!(ev.last(), Some(&StreamEvent::Done), "{ev:?}");
    let text: Vec<char> = common::delta_text(&ev).chars().collect();
    let cites = citations(&ev);
    assert_eq!(cites.len(), 3, "{cites:?}");
    for c in &cites {
        assert!(
            c.url.starts_with("https://") && c.url.contains(".sim.example/"),
            "{c:?}"
        );
        let (s, e) = (c.start.unwrap(), c.end.unwrap());
        let cited: String = text[s..e].iter().collect();
        assert!(cited.starts_with(&c.title), "{cited:?} cites {c:?}");
    }
    let usage = ev
        .iter()
        .find_map(|e| match e {
            StreamEvent::Usage(u) => Some(u.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(usage.web_searches(), 1);
    let plain = collect(
        &ep,
        &ChatParams {
            settings: Default::default(),
            ..searching("sim/steady", "exa", None)
        },
    )
    .await;
    let plain_cost = plain
        .iter()
        .find_map(|e| match e {
            StreamEvent::Usage(u) => u.cost,
            _ => None,
        })
        .unwrap();
    assert!(citations(&plain).is_empty());
    // The search's $0.007 on top of the tokens (the cited paragraph adds a few).
    let cost = usage.cost.unwrap();
    assert!(
        cost - plain_cost > 0.007 && cost - plain_cost < 0.0075,
        "{cost} vs {plain_cost}"
    );
}

#[tokio::test]
async fn the_simulator_refuses_parameters_the_reference_does_not_take() {
    let server = common::sim_at(50.0).await;
    let url = format!("{}/chat/completions", server.base_url());
    let post = |tools: Value| {
        let url = url.clone();
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .json(&json!({"model": "sim/swift", "messages": [{"role": "user", "content": "hi"}], "tools": tools}))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    for bad in [
        json!([{"type": "openrouter:web_search", "parameters": {"engine": "bing"}}]),
        json!([{"type": "openrouter:web_search", "parameters": {"max_results": 40}}]),
        json!([{"type": "openrouter:web_search", "parameters": {"search_prompt": "x"}}]),
        json!([{"type": "openrouter:web_fetch"}]),
    ] {
        let (status, body) = post(bad.clone()).await;
        assert_eq!(status, 400, "{bad} → {body}");
        assert!(body["error"]["message"].is_string(), "{body}");
    }
    // Not streamed, the citations come on the message.
    let (status, body) =
        post(json!([{"type": "openrouter:web_search", "parameters": {"max_results": 2}}])).await;
    assert_eq!(status, 200, "{body}");
    let notes = body["choices"][0]["message"]["annotations"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["type"], "url_citation");
    assert_eq!(body["usage"]["server_tool_use"]["web_search_requests"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playground_marks_the_cited_passages_and_lists_the_sources() {
    use switchboard::app::{update, Action};

    let server = common::sim_at(50.0).await;
    let mut a = common::sim_app_at(&["sim/swift", "sim/steady"], server.base_url());
    // A second provider that is a plain OpenAI-compatible server: it cannot search.
    let mut local = a.config.providers.endpoints["sim"].clone();
    local.provider = "local".into();
    local.kind = ProviderKind::Openai;
    a.config.providers.endpoints.insert("local".into(), local);
    a.session.panes[0].settings.web_search = Some("auto".into());
    a.session.panes[0].settings.web_search_results = Some(2);
    a.session
        .panes
        .push(switchboard::app::Pane::new("sim/coder", "local"));
    a.session.panes[2].settings.web_search = Some("exa".into());
    // The catalog gives a search's price, as OpenRouter's does (`pricing.web_search`).
    let ep = a.config.providers.endpoints["sim"].clone();
    let models = switchboard::catalog::fetch(&reqwest::Client::new(), &ep, Duration::from_secs(10))
        .await
        .unwrap();
    update(
        &mut a,
        Action::Catalog {
            provider: "sim".into(),
            result: Ok(switchboard::catalog::Catalog {
                provider: "sim".into(),
                fetched_at: 0,
                models,
            }),
        },
    );
    let fx = common::keys::send(&mut a, "Explain consistent hashing");
    assert_eq!(
        common::drive::started(&fx).len(),
        2,
        "the pane that cannot search is not sent"
    );
    common::drive::drive(&mut a, fx).await;
    let searched = &a.session.panes[0].turns[0].answer;
    assert_eq!(searched.citations.len(), 2);
    assert!(a.session.panes[1].turns[0].answer.citations.is_empty());
    let refused = &a.session.panes[2].turns[0].answer;
    assert!(
        matches!(&refused.status, switchboard::app::Status::Failed(e) if e.to_string().contains("web search is OpenRouter's: local is an OpenAI-compatible server")),
        "{:?}",
        refused.status
    );
    a.view.size = (200, 60);
    let screen = common::draw(&mut a).join("\n");
    assert!(screen.contains("Sources"), "{screen}");
    assert!(
        screen.contains("[1] Consistent: the reference — docs.sim.example/consistent"),
        "{screen}"
    );
    assert!(
        screen.contains("[2] What we learned running consistent in production"),
        "{screen}"
    );
    assert!(
        screen.contains("first principles.[1]"),
        "the passage is marked: {screen}"
    );
    assert!(
        screen.contains("web 1× $0.0070"),
        "the search and its price in the footer: {screen}"
    );
    assert!(screen.contains("web search is OpenRouter's"), "{screen}");
    assert!(
        a.view.drawn.links.is_empty(),
        "no links unless the terminal takes them"
    );
    // Where the terminal shows hyperlinks, each source's address links to its page, at the
    // very cells that show it.
    a.config.hyperlinks = true;
    let rows = common::draw(&mut a);
    let link = a
        .view
        .drawn
        .links
        .iter()
        .find(|l| l.url == "https://docs.sim.example/consistent")
        .unwrap_or_else(|| panic!("{:?}", a.view.drawn.links));
    assert_eq!(link.text, "docs.sim.example/consistent");
    let row: Vec<char> = rows[usize::from(link.y)].chars().collect();
    let shown: String = row[usize::from(link.x)..usize::from(link.x) + link.text.chars().count()]
        .iter()
        .collect();
    assert_eq!(shown, link.text);
    assert_eq!(a.view.drawn.links.len(), 2, "{:?}", a.view.drawn.links);
}

/// `run` of sim/swift searching with exa for two results: its home and rows.
fn searched_run() -> (tempfile::TempDir, Vec<Value>) {
    let home = common::run_home("");
    let (out, rows) = common::run_cli_json(
        home.path(),
        &[
            "-m",
            "sim/swift",
            "-p",
            "Explain consistent hashing",
            "--web-search",
            "exa",
            "--web-search-results",
            "2",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    (home, rows)
}

#[test]
fn run_web_search_gives_each_row_its_citations_and_searches() {
    let (home, rows) = searched_run();
    let row = &rows[0];
    assert_eq!(row["web_searches"], 1);
    let cites = row["citations"].as_array().unwrap();
    assert_eq!(cites.len(), 2);
    let text: Vec<char> = row["text"].as_str().unwrap().chars().collect();
    for c in cites {
        let (s, e) = (
            c["start"].as_u64().unwrap() as usize,
            c["end"].as_u64().unwrap() as usize,
        );
        let cited: String = text[s..e].iter().collect();
        assert!(cited.starts_with(c["title"].as_str().unwrap()), "{cited}");
    }
    let (out, _) = common::run_cli_json(
        home.path(),
        &["-m", "sim/swift", "-p", "x", "--web-search", "bing"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("is not one of auto, native, exa"));
}

#[test]
fn citations_are_kept_exported_resumed_and_reported() {
    let (home, rows) = searched_run();
    let db = switchboard::cost::ledger::Ledger::open(&home.path().join("history.db")).unwrap();
    let (summary, rounds) = switchboard::session::export::load(db.conn(), 1)
        .unwrap()
        .unwrap();
    let a = &rounds[0].answers[0];
    assert_eq!(a.web_searches, Some(1));
    let kept: Vec<Citation> = serde_json::from_value(rows[0]["citations"].clone()).unwrap();
    assert_eq!(a.citations, kept, "the history keeps what the run read");
    // Exported: the JSON carries them, the Markdown marks the passages and lists the pages.
    let json: Value =
        serde_json::from_str(&switchboard::session::export::json(&summary, &rounds).unwrap())
            .unwrap();
    assert_eq!(
        json["rounds"][0]["answers"][0]["citations"][1]["url"],
        kept[1].url.as_str()
    );
    let md = switchboard::session::export::markdown(&summary, &rounds);
    assert!(md.contains("first principles.[1]"), "{md}");
    assert!(
        md.contains(&format!("1. [{}](<{}>)", kept[0].title, kept[0].url)),
        "{md}"
    );
    assert!(md.contains("web 1×"), "{md}");
    // Resumed: the pane has them back, marks and all.
    let providers = switchboard::app::Providers::default();
    let (panes, _) =
        switchboard::session::resume::panes(&providers, &rounds, std::time::Instant::now());
    let answer = &panes[0].turns[0].answer;
    assert_eq!(answer.citations, kept);
    assert_eq!(answer.searches().map(|s| s.0), Some(1));
    assert!(answer.shown_text().contains("first principles.[1]"));
    // Reported: the page lists the sources as links, with the passages marked.
    let page = home.path().join("report.html");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["report", "last", "--out"])
        .arg(&page)
        .env("SWITCHBOARD_HOME", home.path())
        .env_remove("SWITCHBOARD_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains(&format!(
            "<li><a href=\"{}\" rel=\"noreferrer noopener\">{}</a>",
            kept[0].url, kept[0].title
        )),
        "{html}"
    );
    assert!(html.contains("first principles.[1]"));
}

/// A server whose answer cites pages with hostile titles and addresses.
async fn hostile_citer() -> String {
    use axum::response::IntoResponse;
    let handler = || async {
        let chunk = |delta: Value, finish: Value| {
            format!(
                "data: {}\n\n",
                json!({"id": "gen-h", "object": "chat.completion.chunk", "model": "h/m",
                       "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
            )
        };
        let text = "Alpha is cited. Beta too.";
        let body = [
            chunk(json!({"role": "assistant", "content": text}), Value::Null),
            chunk(
                json!({"content": "", "annotations": [
                    {"type": "url_citation", "url_citation": {"url": "https://ok.example/a", "title": "Good \u{1b}]52;c;aGk=\u{7}page <script>", "start_index": 0, "end_index": 15}},
                    {"type": "url_citation", "url_citation": {"url": "javascript:alert(1)", "title": "Evil", "start_index": 16, "end_index": 25}},
                    {"type": "url_citation", "url_citation": {"url": "https://ok.example/a", "title": "Good", "start_index": 0, "end_index": 15}}
                ]}),
                json!("stop"),
            ),
            "data: [DONE]\n\n".to_string(),
        ]
        .concat();
        ([("content-type", "text/event-stream")], body).into_response()
    };
    common::serve_loopback(
        axum::Router::new().route("/v1/chat/completions", axum::routing::post(handler)),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_citations_are_cleaned_and_only_web_pages_listed() {
    let base = hostile_citer().await;
    let mut a = common::sim_app_at(&["h/m"], base);
    a.session.panes[0].settings.web_search = Some("auto".into());
    let fx = common::keys::send(&mut a, "hi");
    common::drive::drive(&mut a, fx).await;
    let answer = &a.session.panes[0].turns[0].answer;
    assert_eq!(
        answer.citations.len(),
        1,
        "the javascript: one is dropped, the repeat merged: {:?}",
        answer.citations
    );
    assert_eq!(answer.citations[0].title, "Good page <script>");
    a.view.size = (100, 30);
    let screen = common::draw(&mut a).join("\n");
    assert!(screen.contains("Alpha is cited.[1] Beta too."), "{screen}");
    assert!(
        screen.contains("[1] Good page <script> — ok.example/a"),
        "{screen}"
    );
    assert!(
        !screen.contains("Evil") && !screen.contains('\u{1b}'),
        "{screen}"
    );
}

#[test]
fn run_refuses_web_search_on_a_server_that_has_none_and_goes_on() {
    let home = common::run_home(
        "[providers.local]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:9\"\n\
         [[panes]]\nmodel = \"llama3\"\nprovider = \"local\"\nweb_search = \"exa\"\n\
         [[panes]]\nmodel = \"sim/swift\"\nweb_search = \"exa\"\n",
    );
    let (out, rows) = common::run_cli_json(home.path(), &["-p", "Explain consistent hashing"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one row failed: {}",
        common::stderr(&out)
    );
    let local = rows.iter().find(|r| r["model"] == "llama3").unwrap();
    assert_eq!(local["ok"], false);
    assert!(
        local["error"]
            .as_str()
            .unwrap()
            .contains("web search is OpenRouter's: local is an OpenAI-compatible server"),
        "{local}"
    );
    assert_eq!(local["attempts"], 0, "never sent");
    let sim = rows.iter().find(|r| r["model"] == "sim/swift").unwrap();
    assert_eq!(sim["ok"], true);
    assert_eq!(sim["web_searches"], 1);
}
