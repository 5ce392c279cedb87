#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The whole app, headless, against the simulator: the budget guard refuses a round that could
//! cross a limit, lets it through on request, and stops streams that do cross one.

mod common;

use common::drive::{drive, starts};
use common::keys::{press, type_text};

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};
use switchboard::app::{App, Effect, Status};
use switchboard::catalog::{self, Catalog};
use switchboard::cost::{Budget, ModelPrice};
use switchboard::sim;

async fn app_on(server: &sim::SimServer, models: &[&str]) -> App {
    let mut app = common::sim_app(models);
    app.config
        .providers
        .endpoints
        .get_mut("sim")
        .unwrap()
        .base_url = server.base_url();
    app
}

#[tokio::test]
async fn a_round_that_could_cross_the_budget_is_refused_then_sent_on_request() {
    let server = common::sim_at(50.0).await;
    let mut app = app_on(&server, &["sim/pricey", "sim/swift"]).await;
    let ep = app.config.providers.endpoints["sim"].clone();
    let models = catalog::fetch(&reqwest::Client::new(), &ep, Duration::from_secs(10))
        .await
        .unwrap();
    app.set_catalog(Catalog {
        provider: "sim".into(),
        fetched_at: 0,
        models,
    });
    app.config.budget = Budget {
        session_usd: Some(0.05),
        ..Budget::default()
    };

    type_text(&mut app, "Explain vector clocks");
    let fx = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert!(fx.is_empty(), "nothing sent: {fx:?}");
    let notice = app.view.notice.clone().expect("a refusal").text;
    assert!(
        notice.contains("over the session budget") && notice.contains("Ctrl+G"),
        "{notice}"
    );
    assert_eq!(
        app.prompt_text(),
        "Explain vector clocks",
        "the prompt is kept"
    );

    let fx = press(&mut app, KeyCode::Char('g'), KeyModifiers::CONTROL);
    assert_eq!(starts(&fx).len(), 2);
    let all = drive(&mut app, fx).await;
    for pane in &app.session.panes {
        assert_eq!(
            pane.current().unwrap().status,
            Status::Done,
            "{}: sent anyway, not stopped",
            pane.model
        );
    }
    let records: Vec<_> = all
        .iter()
        .filter_map(|e| match e {
            Effect::RecordSpend(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(records.len(), 2, "one ledger row per answer");
    assert!(records
        .iter()
        .all(|r| r.reported && r.cost.is_some_and(|c| c > 0.0)));
    let reported: f64 = records.iter().filter_map(|r| r.cost).sum();
    assert!(
        (app.session.spend.session - reported).abs() < 1e-12,
        "session total is the sum of reported costs"
    );
}

#[tokio::test]
async fn streams_are_stopped_when_spending_crosses_a_limit() {
    let server = common::sim_at(20.0).await;
    let mut app = app_on(&server, &["sim/pricey", "sim/steady"]).await;
    // Prices known, the longest answer not: the guard can only count the prompt up front.
    app.config.prices.insert(
        ("sim".into(), "sim/pricey".into()),
        ModelPrice::per_million(15.0, 75.0),
    );
    app.config.prices.insert(
        ("sim".into(), "sim/steady".into()),
        ModelPrice::per_million(0.5, 1.5),
    );
    let cap = 0.004;
    app.config.budget = Budget {
        session_usd: Some(cap),
        ..Budget::default()
    };

    type_text(&mut app, "Explain vector clocks");
    let fx = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(starts(&fx).len(), 2, "{:?}", app.view.notice);
    let all = drive(&mut app, fx).await;

    let pricey = app.session.panes[0].current().unwrap();
    assert_eq!(pricey.status, Status::OverBudget);
    assert!(!pricey.text.is_empty(), "the partial answer stays");
    assert!(
        app.view
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("session budget")),
        "{:?}",
        app.view.notice
    );
    // Stopped as soon as the estimate crossed: one delta's worth past the cap at most.
    assert!(
        app.session.spend.session >= cap,
        "{}",
        app.session.spend.session
    );
    assert!(
        app.session.spend.session < cap * 1.5,
        "{}",
        app.session.spend.session
    );
    let stopped: Vec<_> = all
        .iter()
        .filter_map(|e| match e {
            Effect::RecordSpend(r) if r.status == "stopped: budget" => Some(r),
            _ => None,
        })
        .collect();
    assert!(!stopped.is_empty(), "partial costs go to the ledger");
    assert!(stopped
        .iter()
        .all(|r| !r.reported && r.cost.is_some_and(|c| c > 0.0)));
}

#[tokio::test]
async fn a_cut_off_answer_keeps_its_estimate_and_is_counted() {
    let server = common::sim_at(50.0).await;
    let mut app = app_on(&server, &["sim/cutoff"]).await;
    app.config.prices.insert(
        ("sim".into(), "sim/cutoff".into()),
        ModelPrice::per_million(0.2, 0.8),
    );
    type_text(&mut app, "Explain vector clocks");
    let fx = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let all = drive(&mut app, fx).await;
    let a = app.session.panes[0].current().unwrap();
    assert!(matches!(a.status, Status::Failed(_)));
    let est = match a.cost() {
        switchboard::app::state::CostView::Estimated(c) => c,
        other => panic!("{other:?}"),
    };
    assert!(est > 0.0);
    assert_eq!(app.session.spend.session, est);
    assert!(all
        .iter()
        .any(|e| matches!(e, Effect::RecordSpend(r) if !r.reported && r.cost == Some(est))));
}

/// Variants and aliases price from the base entry; an answer served by the model behind one is
/// not a fallback; a model with no known price is refused while a budget is set.
#[tokio::test]
async fn variants_price_from_their_base_entry_and_unknown_prices_are_refused() {
    let server = common::sim_at(50.0).await;
    let mut app = app_on(
        &server,
        &["sim/swift:nitro", "~sim/steady-latest", "sim/seer:free"],
    )
    .await;
    let ep = app.config.providers.endpoints["sim"].clone();
    let models = catalog::fetch(&reqwest::Client::new(), &ep, Duration::from_secs(10))
        .await
        .unwrap();
    assert!(models.iter().all(|m| !m.id.contains(':')), "base ids only");
    app.set_catalog(Catalog {
        provider: "sim".into(),
        fetched_at: 0,
        models,
    });
    let info =
        |app: &switchboard::app::App, m: &str| app.model_info("sim", m).map(|i| i.into_owned());
    assert_eq!(info(&app, "sim/swift:nitro").unwrap().id, "sim/swift");
    assert_eq!(info(&app, "~sim/steady-latest").unwrap().id, "sim/steady");
    assert!(
        info(&app, "sim/seer:free").unwrap().vision,
        "modalities from the base"
    );
    assert!(app.price_of("sim", "sim/seer:free").unwrap().is_free());
    assert!(!app.price_of("sim", "sim/swift:nitro").unwrap().is_free());
    app.config.budget = Budget {
        session_usd: Some(5.0),
        ..Budget::default()
    };

    type_text(&mut app, "Explain vector clocks");
    let fx = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        starts(&fx).len(),
        3,
        "every price is known: {:?}",
        app.view.notice
    );
    drive(&mut app, fx).await;
    for pane in &app.session.panes {
        let a = pane.current().unwrap();
        assert_eq!(a.status, switchboard::app::Status::Done, "{}", pane.model);
        assert_ne!(a.served_model.as_deref(), Some(pane.model.as_str()));
        assert!(
            !a.is_fallback(&pane.model, &pane.settings.fallbacks),
            "{} served by {:?} is what was asked for",
            pane.model,
            a.served_model
        );
    }

    // A model the catalog does not list has no price: refused, kept, then sent on request.
    app.session.panes[0].model = "sim/unlisted".into();
    type_text(&mut app, "And Lamport clocks?");
    let fx = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert!(fx.is_empty(), "nothing sent: {fx:?}");
    let notice = app.view.notice.clone().expect("a refusal").text;
    assert!(
        notice.contains("sim/unlisted has no known price") && notice.contains("Ctrl+G"),
        "{notice}"
    );
    let fx = press(&mut app, KeyCode::Char('g'), KeyModifiers::CONTROL);
    assert_eq!(starts(&fx).len(), 3);
}
