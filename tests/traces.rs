#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Traces out: every request a span in the GenAI conventions' shape at a real OTLP/HTTP
//! receiver on loopback (the protobuf decoded as a collector would), from `run` and from the
//! playground's executor; fallback hops as child spans; content only when asked for; never
//! the key; a collector that is down, failing or hanging is said once and holds nothing up.

mod common;

use std::path::Path;
use std::process::Output;

use common::otlp::{Mode, Receiver, Span};
use serde_json::Value;

/// `switchboard run ARGS --format json` in `home` with `env` set, and its rows.
fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> (Output, Vec<Value>) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"));
    cmd.arg("run")
        .args(args)
        .args(["--format", "json"])
        .current_dir(home)
        .env_remove("OPENROUTER_API_KEY")
        .env_remove("SWITCHBOARD_CONFIG")
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")
        .env("SWITCHBOARD_HOME", home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let rows = serde_json::from_slice(&out.stdout).unwrap_or_default();
    (out, rows)
}

fn by_model<'a>(spans: &'a [Span], model: &str) -> &'a Span {
    spans
        .iter()
        .find(|s| s.attr("gen_ai.request.model") == model && s.parent.is_empty())
        .unwrap_or_else(|| panic!("no span for {model}: {spans:#?}"))
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn run_sends_each_request_as_a_span_in_the_genai_shape() {
    let rx = Receiver::start(Mode::Accept);
    let home = common::run_home(&format!(
        "[telemetry]\notlp_endpoint = \"{}\"\nheaders = {{ authorization = \"Bearer collector-token\" }}\n",
        rx.url
    ));
    let prompt = "Explain leader election in raft";
    let (out, rows) = run(
        home.path(),
        &[
            "-m",
            "sim/swift",
            "-m",
            "sim/steady",
            "-p",
            prompt,
            "--web-search",
            "exa",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert_eq!(rows.len(), 2);
    let spans = rx.wait_for(2);
    assert_eq!(spans.len(), 2, "one span a request, no more: {spans:#?}");
    for row in &rows {
        let model = row["model"].as_str().unwrap();
        let s = by_model(&spans, model);
        assert_eq!(s.name, format!("chat {model}"));
        assert_eq!(s.kind, 3, "a client span");
        assert_eq!(s.scope, "switchboard");
        assert_eq!(s.resource["service.name"], "switchboard");
        assert_eq!(s.attr("gen_ai.operation.name"), "chat");
        assert_eq!(s.attr("gen_ai.provider.name"), "sim");
        assert_eq!(s.attr("gen_ai.system"), "sim");
        assert_eq!(s.attr("gen_ai.response.model"), &row["served_model"]);
        assert_eq!(s.attr("gen_ai.response.id"), &row["generation_id"]);
        assert_eq!(
            s.attr("gen_ai.response.finish_reasons"),
            &serde_json::json!([row["finish_reason"]])
        );
        assert_eq!(
            s.attr("gen_ai.usage.output_tokens"),
            &row["completion_tokens"]
        );
        assert!(s.attr("gen_ai.usage.input_tokens").as_i64().unwrap() > 0);
        let cost = s.attr("gen_ai.usage.cost").as_f64().unwrap();
        assert!(cost > 0.0, "{s:#?}");
        assert_eq!(s.attr("switchboard.cost_source"), "reported");
        assert_eq!(s.attr("switchboard.round"), 1);
        assert_eq!(s.attr("switchboard.purpose"), "answer");
        assert_eq!(s.attr("switchboard.web_search"), "exa");
        assert_eq!(s.attr("switchboard.web_searches"), &row["web_searches"]);
        assert_eq!(s.attr("server.address"), "127.0.0.1");
        assert_eq!(s.status, 0, "no error");
        // TTFT as an event at the first token, and the same figure on the span.
        let first = s
            .event("gen_ai.first_token")
            .expect("the first token's event");
        let ttft = first["gen_ai.response.time_to_first_chunk"]
            .as_f64()
            .unwrap();
        let row_ttft = row["ttft_ms"].as_f64().unwrap() / 1000.0;
        assert!(
            (ttft - row_ttft).abs() < 0.05,
            "{model}: span {ttft}s, row {row_ttft}s"
        );
        assert!(s.start < s.events[0].1 && s.events[0].1 <= s.end);
        assert!(
            s.attr("gen_ai.input.messages").is_null(),
            "content is opt-in"
        );
    }
    let panes: Vec<i64> = spans
        .iter()
        .map(|s| s.attr("switchboard.pane").as_i64().unwrap())
        .collect();
    assert!(panes.contains(&1) && panes.contains(&2), "{panes:?}");
    assert_ne!(spans[0].trace_id, spans[1].trace_id, "a trace a request");
    assert!(!contains(&rx.raw(), prompt), "no prompt text unless asked");
    let headers = rx.headers();
    assert!(headers
        .iter()
        .all(|h| h["authorization"] == "Bearer collector-token"));
}

/// A provider of the test's own: the simulator on loopback, spoken to as a plain
/// OpenAI-compatible server with a key, so fallbacks are walked by the client.
async fn local_home(
    rx: &Receiver,
    extra: &str,
) -> (tempfile::TempDir, switchboard::sim::SimServer) {
    let sim = common::sim_at(50.0).await;
    let home = common::run_home(&format!(
        "[telemetry]\notlp_endpoint = \"{}\"\n{extra}\n\
         [providers.local]\nkind = \"openai\"\nbase_url = \"{}\"\napi_key_env = \"LOCAL_KEY\"\n\
         [retry]\nper_hop = 0\n",
        rx.url,
        sim.base_url()
    ));
    (home, sim)
}

const KEY: &str = "sk-local-7f3a9c1e5b";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fallback_hops_are_child_spans_of_the_request() {
    let rx = Receiver::start(Mode::Accept);
    let (home, _sim) = local_home(
        &rx,
        "[[panes]]\nmodel = \"sim/down\"\nprovider = \"local\"\nfallbacks = [\"sim/swift\"]\n",
    )
    .await;
    let dir = home.path().to_path_buf();
    let (out, rows) = tokio::task::spawn_blocking(move || {
        run(&dir, &["-p", "Explain backpressure"], &[("LOCAL_KEY", KEY)])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert_eq!(rows[0]["attempts"], 2, "{rows:?}");
    let spans = tokio::task::spawn_blocking(move || {
        let spans = rx.wait_for(3);
        assert!(!contains(&rx.raw(), KEY), "the key never leaves in a span");
        spans
    })
    .await
    .unwrap();
    let root = spans
        .iter()
        .find(|s| s.parent.is_empty())
        .expect("the request's span");
    assert_eq!(root.name, "chat sim/down");
    assert_eq!(root.attr("gen_ai.response.model"), "sim/swift");
    assert_eq!(root.attr("switchboard.failed_attempts"), 1);
    assert_eq!(root.attr("switchboard.answered_by"), "sim/swift");
    assert_eq!(
        root.attr("switchboard.fallbacks"),
        &serde_json::json!(["sim/swift"])
    );
    assert_eq!(root.status, 0, "the request came through");
    let children: Vec<&Span> = spans.iter().filter(|s| !s.parent.is_empty()).collect();
    assert_eq!(children.len(), 2, "{spans:#?}");
    for c in &children {
        assert_eq!(c.parent, root.span_id);
        assert_eq!(c.trace_id, root.trace_id);
        assert!(
            c.start >= root.start && c.end <= root.end,
            "{c:#?} in {root:#?}"
        );
    }
    let (down, up) = (children[0], children[1]);
    assert_eq!(down.attr("gen_ai.request.model"), "sim/down");
    assert_eq!(down.attr("switchboard.attempt"), 1);
    assert_eq!(down.attr("error.type"), "503");
    assert_eq!(down.status, 2, "an error");
    assert!(
        down.status_message.contains("503"),
        "{}",
        down.status_message
    );
    assert_eq!(up.attr("gen_ai.request.model"), "sim/swift");
    assert_eq!(up.attr("switchboard.attempt"), 2);
    assert_eq!(up.status, 0);
    assert!(down.end <= up.start, "the second attempt follows the first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_and_answers_go_only_when_asked_for() {
    let rx = Receiver::start(Mode::Accept);
    let (home, _sim) = local_home(&rx, "").await;
    let prompt = "Describe the tortoise and the hare";
    let dir = home.path().to_path_buf();
    let (out, rows) = tokio::task::spawn_blocking(move || {
        run(
            &dir,
            &[
                "-m",
                "local:sim/swift",
                "-p",
                prompt,
                "--system",
                "Answer in prose.",
            ],
            &[
                ("LOCAL_KEY", KEY),
                ("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true"),
                (
                    "OTEL_RESOURCE_ATTRIBUTES",
                    "service.name=model-bench,deployment.environment=ci",
                ),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let (spans, raw) = tokio::task::spawn_blocking(move || (rx.wait_for(1), rx.raw()))
        .await
        .unwrap();
    let s = &spans[0];
    assert_eq!(
        s.resource["service.name"], "model-bench",
        "the environment names it"
    );
    assert_eq!(s.resource["deployment.environment"], "ci");
    let input: Value =
        serde_json::from_str(s.attr("gen_ai.input.messages").as_str().unwrap()).unwrap();
    assert_eq!(input[0]["role"], "user");
    assert_eq!(input[0]["parts"][0]["content"], prompt);
    let system: Value =
        serde_json::from_str(s.attr("gen_ai.system_instructions").as_str().unwrap()).unwrap();
    assert_eq!(system[0]["content"], "Answer in prose.");
    let output: Value =
        serde_json::from_str(s.attr("gen_ai.output.messages").as_str().unwrap()).unwrap();
    assert_eq!(output[0]["role"], "assistant");
    assert_eq!(output[0]["parts"][0]["content"], rows[0]["text"]);
    assert_eq!(output[0]["finish_reason"], rows[0]["finish_reason"]);
    assert!(!contains(&raw, KEY), "content or not, never the key");

    // The same request without the opt-in carries neither.
    let rx = Receiver::start(Mode::Accept);
    let (home, _sim2) = local_home(&rx, "").await;
    let dir = home.path().to_path_buf();
    let (out, rows) = tokio::task::spawn_blocking(move || {
        run(
            &dir,
            &["-m", "local:sim/swift", "-p", prompt],
            &[("LOCAL_KEY", KEY)],
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let answer = rows[0]["text"].as_str().unwrap().to_string();
    let (spans, raw) = tokio::task::spawn_blocking(move || (rx.wait_for(1), rx.raw()))
        .await
        .unwrap();
    assert!(spans[0].attr("gen_ai.output.messages").is_null());
    assert!(!contains(&raw, prompt));
    assert!(!contains(&raw, &answer[..40.min(answer.len())]));
    assert!(!contains(&raw, KEY));
}

/// Three models, two prompts, each span its own export (so a collector that fails is asked
/// many times), exported to `endpoint`: the run, its stderr, and the check that all six
/// answers came and the collector was told of exactly once.
fn six_answers_to(endpoint: &str) -> String {
    let home = common::run_home("");
    std::fs::write(home.path().join("p.txt"), "one\ntwo\n").unwrap();
    let models = ["-m", "sim/swift", "-m", "sim/steady", "-m", "sim/coder"];
    let (out, rows) = run(
        home.path(),
        &[&models[..], &["--prompts", "p.txt"]].concat(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "1"),
        ],
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r["ok"] == true));
    assert_eq!(err.matches("traces not sent").count(), 1, "{err}");
    err
}

#[test]
fn an_unreachable_collector_is_one_notice_and_the_run_goes_on() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let err = six_answers_to(&endpoint);
    assert!(
        err.contains(&format!("connection refused at {endpoint}/v1/traces")),
        "{err}"
    );
    assert!(err.contains("6 spans could not be sent"), "{err}");
}

#[test]
fn a_failing_collector_is_one_notice_however_often_it_fails() {
    let rx = Receiver::start(Mode::Fail(503));
    let err = six_answers_to(&rx.url);
    assert!(rx.posts() >= 2, "exports were tried again: {}", rx.posts());
    assert!(err.contains("the collector answered 503"), "{err}");
}

#[test]
fn a_collector_that_never_answers_holds_up_nothing() {
    let rx = Receiver::start(Mode::Hang);
    let home = common::run_home("");
    let (out, rows) = run(
        home.path(),
        &["-m", "sim/swift", "-m", "sim/steady", "-p", "one"],
        &[("OTEL_EXPORTER_OTLP_ENDPOINT", &rx.url)],
    );
    let err = common::stderr(&out);
    // The answers are all there; the spans are given up on with a word, not waited for.
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["ok"] == true));
    assert!(err.contains("warning: traces"), "{err}");
}

#[test]
fn a_bad_endpoint_in_the_config_is_placed() {
    let home = common::run_home("[telemetry]\notlp_endpoint = \"localhost:4318\"\n");
    let (out, _) = run(home.path(), &["-m", "sim/swift", "-p", "x"], &[]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("config.toml:3:1"), "{err}");
    assert!(err.contains("telemetry.otlp_endpoint"), "{err}");
    assert!(err.contains("http://"), "{err}");
}

/// An executor that exports every request's span to `url`.
fn traced(
    url: String,
) -> (
    switchboard::app::executor::Executor,
    switchboard::app::executor::Inboxes,
) {
    let mut setup = switchboard::app::executor::Setup::in_memory(reqwest::Client::new());
    setup.telemetry = Some(switchboard::telemetry::Export {
        url,
        headers: Default::default(),
        content: false,
        warning: None,
    });
    switchboard::app::executor::Executor::new(setup)
}

/// A loopback port nothing listens on: one just let go of.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playground_traces_each_pane_round_and_judge() {
    use crossterm::event::{KeyCode, KeyModifiers};

    let rx = Receiver::start(Mode::Accept);
    let sim = common::sim_at(50.0).await;
    let mut a = common::sim_app_at(&["sim/swift", "sim/steady"], sim.base_url());
    let (mut exec, mut inboxes) = traced(format!("{}/v1/traces", rx.url));
    for prompt in ["Explain raft", "And paxos?"] {
        let fx = common::keys::send(&mut a, prompt);
        assert_eq!(common::drive::started(&fx).len(), 2);
        common::drive::drive_on(&mut exec, &mut inboxes, &mut a, fx, |_| Vec::new()).await;
        common::keys::press(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    }
    let fx = common::keys::press(&mut a, KeyCode::Char('J'), KeyModifiers::SHIFT);
    assert_eq!(
        common::drive::started(&fx).len(),
        2,
        "the judge scores each answer"
    );
    common::drive::drive_on(&mut exec, &mut inboxes, &mut a, fx, |_| Vec::new()).await;
    assert_eq!(
        exec.finish_traces(std::time::Duration::from_secs(10)).await,
        None
    );
    let spans = tokio::task::spawn_blocking(move || rx.wait_for(6))
        .await
        .unwrap();
    assert_eq!(spans.len(), 6, "{spans:#?}");
    let answers: Vec<&Span> = spans
        .iter()
        .filter(|s| s.attr("switchboard.purpose") == "answer")
        .collect();
    let mut seen: Vec<(i64, i64, String)> = answers
        .iter()
        .map(|s| {
            (
                s.attr("switchboard.pane").as_i64().unwrap(),
                s.attr("switchboard.round").as_i64().unwrap(),
                s.attr("gen_ai.request.model").as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            (1, 1, "sim/swift".into()),
            (1, 2, "sim/swift".into()),
            (2, 1, "sim/steady".into()),
            (2, 2, "sim/steady".into()),
        ]
    );
    // A pane's conversation is one id across its rounds, and its own.
    let conversation = |pane: i64| -> Vec<&Value> {
        answers
            .iter()
            .filter(|s| s.attr("switchboard.pane") == pane)
            .map(|s| s.attr("gen_ai.conversation.id"))
            .collect()
    };
    let (one, two) = (conversation(1), conversation(2));
    assert!(one[0].is_string() && one[0] == one[1] && two[0] == two[1] && one[0] != two[0]);
    let judged: Vec<&Span> = spans
        .iter()
        .filter(|s| s.attr("switchboard.purpose") == "judge")
        .collect();
    assert_eq!(judged.len(), 2);
    for j in judged {
        assert_eq!(j.attr("gen_ai.request.model"), "sim/judge");
        assert_eq!(j.attr("switchboard.round"), 2, "the last round is judged");
        assert!(j.attr("switchboard.pane").is_null());
    }
}

#[test]
fn the_playground_binary_exports_and_flushes_at_quit() {
    let rx = Receiver::start(Mode::Accept);
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "[sim]\nspeed = 8\n[telemetry]\notlp_endpoint = \"{}\"\n",
            rx.url
        ),
    )
    .unwrap();
    let s =
        common::tmux::Session::start(home.path(), "traces", 120, 36, "-m sim/swift -m sim/steady");
    s.wait_for("the panes", |t| t.contains("sim/steady"));
    s.type_text("Explain raft leader election");
    s.keys(&["Enter"]);
    s.wait_for("both answers billed", |t| {
        t.matches("✓ billed").count() == 2
    });
    s.keys(&["C-c"]);
    s.wait_for("exit", |t| t.contains("EXIT=0"));
    let spans = rx.wait_for(2);
    let mut panes: Vec<(i64, String)> = spans
        .iter()
        .map(|s| {
            (
                s.attr("switchboard.pane").as_i64().unwrap(),
                s.attr("gen_ai.request.model").as_str().unwrap().to_string(),
            )
        })
        .collect();
    panes.sort();
    assert_eq!(
        panes,
        vec![(1, "sim/swift".into()), (2, "sim/steady".into())]
    );
    assert!(spans.iter().all(|s| s.attr("switchboard.round") == 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playground_says_an_unreachable_collector_on_its_notice_line() {
    use switchboard::app::Action;

    let sim = common::sim_at(50.0).await;
    let mut a = common::sim_app_at(&["sim/swift", "sim/steady"], sim.base_url());
    let url = format!("http://127.0.0.1:{}/v1/traces", closed_port());
    let (mut exec, mut inboxes) = traced(url.clone());
    let fx = common::keys::send(&mut a, "Explain raft");
    common::drive::drive_on(&mut exec, &mut inboxes, &mut a, fx, |_| Vec::new()).await;
    let last = exec.finish_traces(std::time::Duration::from_secs(10)).await;
    assert_eq!(
        last.as_deref(),
        Some(format!("traces: 2 spans could not be sent to {url}").as_str())
    );
    let mut told = 0;
    while let Ok(action) = inboxes.actions.try_recv() {
        if matches!(action, Action::TraceNotice(_)) {
            told += 1;
            switchboard::app::update(&mut a, action);
        }
    }
    assert_eq!(told, 1);
    a.view.size = (80, 24);
    let screen = common::draw(&mut a);
    let line = screen.last().unwrap();
    assert!(
        line.trim_start()
            .starts_with(&format!("traces not sent: connection refused at {url}")),
        "{}",
        screen.join("\n")
    );
}
