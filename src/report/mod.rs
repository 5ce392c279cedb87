//! `switchboard report`: one self-contained HTML file of a recorded session or a run's results
//! (a `run --out results.json`): every round with the answers side by side, the figures table,
//! charts as inline SVG (time to first token, tokens/s and cost per model with their 95%
//! intervals, a suite's pass matrix as a heat map, ratings with intervals), judge verdicts,
//! votes and assertion results. It opens offline: nothing is fetched, and no script runs.

mod html;
mod load;
mod svg;

use std::fmt::Write as _;
use std::path::Path;

use crate::judge::{spread, AnswerStat, Sample, Spread, Vote};
use html::escape;

/// What a report shows.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub title: String,
    pub subtitle: String,
    pub rounds: Vec<Round>,
    pub votes: Vec<Vote>,
    /// A suite's cases, when the run was one.
    pub cases: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Round {
    pub title: String,
    pub prompt: String,
    pub answers: Vec<Entry>,
    /// The case it sent, by index into `cases`.
    pub case: Option<usize>,
    /// Images sent with the prompt, as data URLs.
    pub images: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Entry {
    pub model: String,
    pub text: String,
    pub reasoning: String,
    pub error: Option<String>,
    pub ttft_ms: Option<f64>,
    pub elapsed_ms: Option<f64>,
    pub tokens: Option<u64>,
    pub tokens_per_s: Option<f64>,
    pub cost: Option<f64>,
    /// Judge verdicts, votes and assertion results: the text, and whether it is a failure.
    pub notes: Vec<(String, bool)>,
    /// A suite's verdict on it.
    pub pass: Option<bool>,
    /// The vote went to it.
    pub won: bool,
    /// The pages a web search found and it cites.
    pub citations: Vec<crate::provider::citation::Citation>,
}

/// Writes the report of `source` (a session id, `last`, or a run's `.json` results) to `out`.
pub fn run(source: &str, out: &Path) -> Result<(), String> {
    let report = if source.ends_with(".json") || Path::new(source).is_file() {
        load::from_results(Path::new(source))?
    } else {
        load::from_history(source)?
    };
    std::fs::write(out, page(&report))
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!(
        "wrote {} ({} rounds): open it in any browser, offline",
        out.display(),
        report.rounds.len()
    );
    Ok(())
}

fn models(r: &Report) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in r.rounds.iter().flat_map(|r| &r.answers) {
        if !out.contains(&e.model) {
            out.push(e.model.clone());
        }
    }
    out
}

fn sample(e: &Entry) -> Sample {
    Sample {
        ok: e.error.is_none(),
        passed: e.error.is_none() && e.pass.unwrap_or(true),
        ttft_ms: e.ttft_ms,
        tokens_per_s: e.tokens_per_s,
        cost: e.cost,
    }
}

/// The whole page.
pub fn page(r: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><style>{s}</style></head><body>\n<h1>{t}</h1><div class=\"sub\">{sub}</div>\n",
        t = escape(&r.title),
        s = html::STYLE,
        sub = escape(&r.subtitle)
    );
    let models = models(r);
    let spreads: Vec<(String, Spread)> = models
        .iter()
        .map(|m| {
            let samples: Vec<Sample> = r
                .rounds
                .iter()
                .flat_map(|x| &x.answers)
                .filter(|e| &e.model == m)
                .map(sample)
                .collect();
            (m.clone(), Spread::of(&samples))
        })
        .collect();
    out.push_str("<section class=\"summary\"><h2>Figures</h2>");
    out.push_str(&figures_table(&spreads));
    let pick = |f: fn(&Spread) -> Option<crate::judge::stats::Estimate>| -> Vec<(String, crate::judge::stats::Estimate)> {
        spreads.iter().filter_map(|(m, s)| f(s).map(|e| (m.clone(), e))).collect()
    };
    out.push_str(&svg::bars(
        "Time to first token (mean, 95% interval)",
        " ms",
        &pick(|s| s.ttft_ms),
        |v| format!("{v:.0}"),
    ));
    out.push_str(&svg::bars(
        "Tokens per second (mean, 95% interval)",
        " tok/s",
        &pick(|s| s.tokens_per_s),
        |v| format!("{v:.0}"),
    ));
    out.push_str(&svg::bars(
        "Cost per answer (mean, 95% interval)",
        "",
        &pick(|s| s.cost),
        crate::cost::money,
    ));
    if !r.cases.is_empty() {
        let cell = |i: usize, j: usize| {
            let rows: Vec<&Entry> = r
                .rounds
                .iter()
                .filter(|x| x.case == Some(i))
                .flat_map(|x| &x.answers)
                .filter(|e| e.model == models[j])
                .collect();
            (!rows.is_empty()).then(|| {
                (
                    rows.iter().filter(|e| e.pass == Some(true)).count(),
                    rows.len(),
                )
            })
        };
        out.push_str(&svg::heat(
            "Suite: cases passed, by model",
            &r.cases,
            &models,
            cell,
        ));
    }
    if !r.votes.is_empty() {
        let answers: Vec<AnswerStat> = Vec::new();
        let rows = crate::judge::scoreboard(&r.votes, &answers);
        let rated: Vec<(String, f64, (f64, f64))> = rows
            .iter()
            .filter_map(|row| row.interval.map(|iv| (row.model.clone(), row.rating, iv)))
            .collect();
        out.push_str(&svg::intervals(
            "Ratings from the votes (Bradley–Terry, 95% interval)",
            &rated,
        ));
    }
    out.push_str("</section>\n");
    for round in &r.rounds {
        out.push_str(&round_html(round));
    }
    out.push_str("</body></html>\n");
    out
}

fn figures_table(spreads: &[(String, Spread)]) -> String {
    let dash = || "—".to_string();
    let mut t = String::from(
        "<table class=\"figures\"><thead><tr><th>model</th><th>answers</th><th>passed (95%)</th><th>ttft</th><th>tok/s</th><th>$/answer</th></tr></thead><tbody>",
    );
    for (m, s) in spreads {
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(m),
            s.n,
            escape(&spread::pass(s)),
            escape(&s.ttft_ms.as_ref().map_or_else(dash, spread::ms)),
            escape(&s.tokens_per_s.as_ref().map_or_else(dash, spread::rate)),
            escape(&s.cost.as_ref().map_or_else(dash, spread::usd)),
        );
    }
    t.push_str("</tbody></table>");
    t
}

fn round_html(round: &Round) -> String {
    let mut out = format!(
        "<section class=\"round\"><h2>{}</h2><div class=\"prompt\">{}</div>",
        escape(&round.title),
        escape(&round.prompt)
    );
    let images: Vec<&String> = round
        .images
        .iter()
        .filter(|i| html::image_data(i))
        .collect();
    if !images.is_empty() {
        out.push_str("<div class=\"images\">");
        for (n, src) in images.iter().enumerate() {
            let _ = write!(
                out,
                "<img alt=\"image {} sent with the prompt\" src=\"{}\">",
                n + 1,
                escape(src)
            );
        }
        out.push_str("</div>");
    }
    out.push_str("<div class=\"answers\">");
    for e in &round.answers {
        let mut figs = Vec::new();
        if let Some(v) = e.ttft_ms {
            figs.push(format!("ttft {v:.0} ms"));
        }
        if let Some(v) = e.tokens_per_s {
            figs.push(format!("{v:.0} tok/s"));
        }
        if let Some(v) = e.tokens {
            figs.push(format!("{v} tokens"));
        }
        if let Some(v) = e.cost {
            figs.push(crate::cost::money(v));
        }
        let _ = write!(
            out,
            "<article class=\"answer{}\"><h3>{}</h3><div class=\"figs\">{}</div>",
            if e.won { " won" } else { "" },
            escape(&e.model),
            escape(&figs.join(" · "))
        );
        if !e.reasoning.trim().is_empty() {
            let _ = write!(
                out,
                "<details><summary>Reasoning</summary><div class=\"md\">{}</div></details>",
                html::markdown(&e.reasoning)
            );
        }
        match &e.error {
            Some(err) => {
                let _ = write!(out, "<p class=\"err\">{}</p>", escape(err));
            }
            None => out.push_str(&format!(
                "<div class=\"md\">{}</div>",
                html::markdown(&crate::provider::citation::marked(&e.text, &e.citations))
            )),
        }
        if !e.citations.is_empty() {
            out.push_str("<ol class=\"sources\">");
            for c in crate::provider::citation::pages(&e.citations) {
                let title = if c.title.is_empty() { &c.url } else { &c.title };
                let _ = write!(
                    out,
                    "<li><a href=\"{}\" rel=\"noreferrer noopener\">{}</a> <span class=\"url\">{}</span></li>",
                    escape(&c.url),
                    escape(title),
                    escape(&crate::provider::citation::short_address(&c.url, 80))
                );
            }
            out.push_str("</ol>");
        }
        if !e.notes.is_empty() {
            out.push_str("<ul class=\"notes\">");
            for (note, bad) in &e.notes {
                let _ = write!(
                    out,
                    "<li class=\"{}\">{}</li>",
                    if *bad { "fail" } else { "pass" },
                    escape(note)
                );
            }
            out.push_str("</ul>");
        }
        out.push_str("</article>");
    }
    out.push_str("</div></section>\n");
    out
}
