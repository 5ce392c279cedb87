#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Spend reconciled with `/generation`: a cancelled answer the provider bills in full and a
//! bring-your-own-key answer are booked at what the simulator says it billed, in the totals,
//! the ledger and the history, to the nanodollar.

mod common;

use common::drive::{drive, drive_react, settle_bills};
use common::keys::{press, type_text};
use switchboard::model::RequestId;

use crossterm::event::{KeyCode, KeyModifiers};
use switchboard::app::state::CostView;
use switchboard::app::{App, Effect, Status};
use switchboard::cost::ledger::Ledger;
use switchboard::provider::generation::{self, Billed};
use switchboard::session::store::Writer;
use switchboard::sim;

/// Writes the effects' history and spend records as the loop's ledger thread does.
fn book(db: &Ledger, w: &mut Writer, effects: &[Effect]) {
    for e in effects {
        match e {
            Effect::History(op) => w.apply(db.conn(), (**op).clone()).unwrap(),
            Effect::RecordSpend(r) => db.record(r).unwrap(),
            _ => {}
        }
    }
}

async fn billed(server: &sim::SimServer, id: &str) -> Billed {
    let ep = switchboard::provider::Endpoint {
        provider: "sim".into(),
        kind: switchboard::provider::ProviderKind::Openrouter,
        base_url: server.base_url(),
        api_key: None,
        simulated: true,
        options: Default::default(),
    };
    generation::fetch(&reqwest::Client::new(), &ep, id, generation::PATIENCE)
        .await
        .unwrap()
}

#[tokio::test]
async fn spend_equals_what_the_simulator_billed_after_a_cancel_and_a_byok_answer() {
    let server = common::sim_at(20.0).await;
    let mut app: App = common::sim_app(&["sim/signer", "sim/byok", "sim/swift"]);
    app.config
        .providers
        .endpoints
        .get_mut("sim")
        .unwrap()
        .base_url = server.base_url();
    let (db, mut w) = common::history_db();
    let mut all = Vec::new();

    // Round 1: pane 1 alone, cancelled at its first token. Its provider finishes and bills
    // the whole answer.
    app.view.focus = 0;
    type_text(&mut app, "Explain consistent hashing");
    let fx = press(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let fx = drive_react(&mut app, fx, |a| {
        let streaming = a.session.panes[0].current().unwrap().status == Status::Streaming;
        if streaming {
            press(a, KeyCode::Char('x'), KeyModifiers::CONTROL)
        } else {
            Vec::new()
        }
    })
    .await;
    let cancelled = app.session.panes[0].current().unwrap().clone();
    assert_eq!(cancelled.status, Status::Cancelled);
    assert!(matches!(
        cancelled.cost(),
        CostView::Estimated(_) | CostView::Unpriced
    ));
    let estimate = cancelled.cost().usd();
    all.extend(fx);

    // Round 2: every pane answers in full.
    type_text(&mut app, "Explain vector clocks");
    let fx = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    all.extend(drive(&mut app, fx).await);
    for p in &app.session.panes {
        assert_eq!(p.current().unwrap().status, Status::Done, "{}", p.model);
    }
    book(&db, &mut w, &all);
    let before = app.session.spend.session;

    // The simulator has every generation on record by now; each is asked for (the first ask
    // is a 404, then the figure) and booked.
    let asked: Vec<(RequestId, String)> = all
        .iter()
        .filter_map(|e| match e {
            Effect::FetchGeneration { request, id, .. } => Some((*request, id.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(asked.len(), 4, "every answer, the cancelled one too");
    let booked = settle_bills(&mut app, &all).await;
    book(&db, &mut w, &booked);

    let cancelled = &app.session.panes[0].turns[0].answer;
    let bill = cancelled
        .billed
        .clone()
        .expect("the cancelled answer's bill");
    assert!(bill.cancelled);
    assert!(
        bill.total_cost > estimate,
        "billed in full: {} over the estimate {estimate}",
        bill.total_cost
    );
    let byok = app.session.panes[1].current().unwrap();
    let byok_bill = byok.billed.clone().unwrap();
    assert!(byok_bill.is_byok);
    let reported = byok.usage.as_ref().and_then(|u| u.cost).unwrap();
    assert!(
        (reported - byok_bill.total_cost).abs() < 1e-12,
        "the stream reports the fee only"
    );
    assert!(
        byok_bill.booked() > reported * 10.0,
        "the provider's own bill is booked too"
    );
    assert!(matches!(byok.cost(), CostView::Billed(_)));

    // What the simulator billed, asked for independently.
    let mut truth = 0.0;
    for (_, id) in &asked {
        truth += billed(&server, id).await.booked();
    }
    assert!(app.session.spend.session > before);
    assert!(
        (app.session.spend.session - truth).abs() < 1e-9,
        "session {} vs billed {truth}",
        app.session.spend.session
    );
    assert!((app.session.spend.day - truth).abs() < 1e-9);
    let today = app.today;
    let (day, month) = db.totals(today).unwrap();
    assert!((day - truth).abs() < 1e-9, "ledger day {day} vs {truth}");
    assert!((month - truth).abs() < 1e-9);
    let answers: f64 = db
        .conn()
        .query_row("SELECT SUM(cost) FROM answers", [], |r| r.get(0))
        .unwrap();
    assert!(
        (answers - truth).abs() < 1e-9,
        "history {answers} vs {truth}"
    );
    let billed_rows: i64 = db
        .conn()
        .query_row("SELECT COUNT(*) FROM spend WHERE billed = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(billed_rows, 4);
}

#[tokio::test]
async fn run_books_billed_figures_before_it_exits() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), "[sim]\nspeed = 50\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args([
            "run",
            "-m",
            "sim/byok",
            "-m",
            "sim/swift",
            "-p",
            "Explain backpressure",
            "--format",
            "json",
        ])
        .env_remove("OPENROUTER_API_KEY")
        .env("SWITCHBOARD_HOME", home.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert_eq!(r["cost_source"], "billed", "{r}");
        assert!(r["generation_id"].as_str().unwrap().starts_with("gen-"));
    }
    let byok = rows.iter().find(|r| r["model"] == "sim/byok").unwrap();
    let swift = rows.iter().find(|r| r["model"] == "sim/swift").unwrap();
    assert!(byok["cost"].as_f64().unwrap() > 0.0);
    assert!(swift["cost"].as_f64().unwrap() > 0.0);
    let db = rusqlite::Connection::open(home.path().join("history.db")).unwrap();
    let billed: i64 = db
        .query_row("SELECT COUNT(*) FROM spend WHERE billed = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(billed, 2);
}
