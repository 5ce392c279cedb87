//! What a run prints: each answer as a row, and a summary per model, as a table, CSV or
//! Markdown (JSON comes from the rows themselves).

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Result_ {
    pub prompt_index: usize,
    /// Which of `--repeat`'s sendings of this prompt to this model, from 1.
    pub repeat: usize,
    pub prompt: String,
    pub model: String,
    pub provider: String,
    pub served_model: Option<String>,
    pub served_provider: Option<String>,
    pub text: String,
    pub ok: bool,
    pub error: Option<String>,
    pub finish_reason: Option<String>,
    /// The upstream provider's own reason, when the server reports one.
    pub native_finish_reason: Option<String>,
    pub ttft_ms: Option<u64>,
    pub elapsed_ms: u64,
    pub completion_tokens: Option<u64>,
    pub tokens_per_s: Option<f64>,
    pub cost: Option<f64>,
    /// Where `cost` comes from: `billed` (`/generation`), `reported` (the stream's
    /// `usage.cost`, when the billed figure did not come in time), `estimated` (tokens × the
    /// config's or the catalog's prices, for an answer that ended without a figure, as the
    /// playground counts it), or none.
    pub cost_source: Option<&'static str>,
    /// The server's id for the generation.
    pub generation_id: Option<String>,
    pub attempts: usize,
    /// With structured output asked for: whether the answer was the JSON asked for.
    pub valid_json: Option<bool>,
    /// Why it failed, in a few words, for the summary.
    #[serde(skip)]
    pub reason: Option<String>,
    /// What the judge made of it, with `--judge`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judged: Option<Judged>,
    /// The tool calls it made.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCallMade>,
    /// Web searches the server made for it, and the pages the answer cites.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_searches: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<crate::provider::citation::Citation>,
    /// With `--suite`: the case's name, each assertion's check, whether the case passed and
    /// its weighted score.
    #[serde(rename = "case", skip_serializing_if = "Option::is_none")]
    pub case_name: Option<String>,
    #[serde(rename = "assertions", skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<crate::suite::Check>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip)]
    pub case: Option<usize>,
    #[serde(skip)]
    pub request: crate::model::RequestId,
    /// Its pane in the run's recorded rounds.
    #[serde(skip)]
    pub pane: usize,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ToolCallMade {
    pub name: String,
    pub arguments: String,
}

/// A judge's verdicts on one answer: its score, or its record against the other models'
/// answers to the same prompt; the reasons given, what failed, and what judging it cost.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Judged {
    pub judge: String,
    pub mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wins: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub losses: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ties: Option<u32>,
    pub reasons: Vec<String>,
    /// Verdicts that failed, were refused or came back off-schema: why.
    pub errors: Vec<String>,
    /// This answer's share of the judge's cost (a comparison's is split between its two).
    pub cost: f64,
}

fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied()
}

impl Result_ {
    pub fn sample(&self) -> crate::judge::Sample {
        crate::judge::Sample {
            ok: self.ok,
            // In a suite, passing is what counts.
            passed: self.ok && self.pass.unwrap_or(true),
            ttft_ms: self.ttft_ms.map(|v| v as f64),
            tokens_per_s: self.tokens_per_s,
            cost: self.cost,
        }
    }
}

/// Per model: answers, failures, time to first token (mean, p50, p95), tokens/s, tokens and
/// cost, over the answers that came through. Where a model has more than one answer, each
/// mean carries its 95% interval (`±`) and the pass rate its Wilson interval.
pub fn summary_table(results: &[Result_]) -> String {
    use crate::judge::spread;
    let mut models: Vec<&str> = results.iter().map(|r| r.model.as_str()).collect();
    models.sort_unstable();
    models.dedup();
    let intervals = models
        .iter()
        .any(|m| results.iter().filter(|r| r.model == *m).count() > 1);
    let mut rows = vec![vec![
        "MODEL".to_string(),
        "ANSWERS".into(),
        "FAILED".into(),
        "TTFT MEAN".into(),
        "P50".into(),
        "P95".into(),
        "TOK/S".into(),
        "TOKENS".into(),
        "COST".into(),
    ]];
    if intervals {
        rows[0].push("$/ANSWER".into());
        rows[0].push("PASSED (95%)".into());
    }
    let structured = results.iter().any(|r| r.valid_json.is_some());
    if structured {
        rows[0].push("VALID JSON".into());
    }
    let judged = results.iter().any(|r| r.judged.is_some());
    if judged {
        rows[0].push("JUDGE".into());
    }
    // Why rows failed, in a few words each; the full message is in the JSON and CSV output.
    let failures = results.iter().any(|r| !r.ok);
    if failures {
        rows[0].push("WHY FAILED".into());
    }
    for m in models {
        let mine: Vec<&Result_> = results.iter().filter(|r| r.model == m).collect();
        let samples: Vec<crate::judge::Sample> = mine.iter().map(|r| r.sample()).collect();
        let figures = crate::judge::Spread::of(&samples);
        let mut ttfts: Vec<u64> = mine
            .iter()
            .filter(|r| r.ok)
            .filter_map(|r| r.ttft_ms)
            .collect();
        ttfts.sort_unstable();
        let tokens: u64 = mine.iter().filter_map(|r| r.completion_tokens).sum();
        let cost: f64 = mine.iter().filter_map(|r| r.cost).sum();
        let ms = |v: Option<u64>| v.map_or("-".to_string(), |v| format!("{v} ms"));
        let dash = || "-".to_string();
        let mut reasons: Vec<&str> = mine
            .iter()
            .filter(|r| !r.ok)
            .map(|r| r.reason.as_deref().unwrap_or("failed"))
            .collect();
        reasons.sort_unstable();
        reasons.dedup();
        rows.push(vec![
            m.to_string(),
            mine.iter().filter(|r| r.ok).count().to_string(),
            mine.iter().filter(|r| !r.ok).count().to_string(),
            figures.ttft_ms.as_ref().map_or_else(dash, spread::ms),
            ms(percentile(&ttfts, 0.5)),
            ms(percentile(&ttfts, 0.95)),
            figures
                .tokens_per_s
                .as_ref()
                .map_or_else(dash, spread::rate),
            tokens.to_string(),
            crate::cost::money(cost),
        ]);
        if let (true, Some(row)) = (intervals, rows.last_mut()) {
            row.push(figures.cost.as_ref().map_or_else(dash, spread::usd));
            row.push(spread::pass(&figures));
        }
        if structured {
            let valid = mine.iter().filter(|r| r.valid_json == Some(true)).count();
            let asked = mine.iter().filter(|r| r.valid_json.is_some()).count();
            if let Some(row) = rows.last_mut() {
                row.push(format!("{valid}/{asked}"));
            }
        }
        if let (true, Some(row)) = (judged, rows.last_mut()) {
            row.push(judge_cell(&mine));
        }
        if let (true, Some(row)) = (failures, rows.last_mut()) {
            row.push(reasons.join(", "));
        }
    }
    let why = failures.then(|| rows[0].len() - 1);
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 || Some(i) == why {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// A model's verdicts in a cell: the mean score `±` its 95% interval out of the scale, or
/// won/lost/tied with the Wilson interval of the win rate; and how many verdicts failed.
fn judge_cell(mine: &[&Result_]) -> String {
    let verdicts: Vec<&Judged> = mine.iter().filter_map(|r| r.judged.as_ref()).collect();
    let failed: usize = verdicts.iter().map(|j| j.errors.len()).sum();
    let scores: Vec<f64> = verdicts
        .iter()
        .filter_map(|j| j.score.map(f64::from))
        .collect();
    let scale = verdicts.iter().find_map(|j| j.scale);
    let mut cell = match (crate::judge::stats::mean_ci(&scores), scale) {
        (Some(e), Some(scale)) if e.n > 1 && e.high > e.mean => {
            format!("{:.1} ±{:.1}/{scale}", e.mean, e.high - e.mean)
        }
        (Some(e), Some(scale)) => format!("{:.1}/{scale}", e.mean),
        _ => {
            let sum = |f: fn(&Judged) -> Option<u32>| -> u32 {
                verdicts.iter().filter_map(|j| f(j)).sum()
            };
            let (w, l, t) = (sum(|j| j.wins), sum(|j| j.losses), sum(|j| j.ties));
            let n = w + l + t;
            match crate::judge::stats::wilson(
                f64::from(w) + f64::from(t) / 2.0,
                f64::from(n),
                crate::judge::stats::Z95,
            ) {
                Some((lo, hi)) => format!("{w}/{l}/{t} ({:.0}–{:.0}%)", lo * 100.0, hi * 100.0),
                None if verdicts.is_empty() => "-".into(),
                None => "0/0/0".into(),
            }
        }
    };
    if failed > 0 {
        cell.push_str(&format!(" ({failed} failed)"));
    }
    cell
}

pub(super) fn csv(results: &[Result_]) -> Result<String, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record([
        "prompt_index",
        "prompt",
        "model",
        "provider",
        "served_model",
        "ok",
        "error",
        "ttft_ms",
        "elapsed_ms",
        "completion_tokens",
        "tokens_per_s",
        "cost_usd",
        "attempts",
        "text",
        "cost_source",
        "finish_reason",
        "native_finish_reason",
        "repeat",
    ])
    .map_err(|e| e.to_string())?;
    for r in results {
        w.write_record([
            r.prompt_index.to_string(),
            r.prompt.clone(),
            r.model.clone(),
            r.provider.clone(),
            r.served_model.clone().unwrap_or_default(),
            r.ok.to_string(),
            r.error.clone().unwrap_or_default(),
            r.ttft_ms.map(|v| v.to_string()).unwrap_or_default(),
            r.elapsed_ms.to_string(),
            r.completion_tokens
                .map(|v| v.to_string())
                .unwrap_or_default(),
            r.tokens_per_s
                .map(|v| format!("{v:.1}"))
                .unwrap_or_default(),
            r.cost.map(|v| v.to_string()).unwrap_or_default(),
            r.attempts.to_string(),
            r.text.clone(),
            r.cost_source.unwrap_or_default().to_string(),
            r.finish_reason.clone().unwrap_or_default(),
            r.native_finish_reason.clone().unwrap_or_default(),
            r.repeat.to_string(),
        ])
        .map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

pub(super) fn markdown(results: &[Result_]) -> String {
    let mut out = String::new();
    let mut last = None;
    for r in results {
        if last != Some(r.prompt_index) {
            out.push_str(&format!(
                "## Prompt {}\n\n> {}\n\n",
                r.prompt_index + 1,
                // Headings of the prompt and the answers sit under the model headings (###).
                crate::session::outline::nest_headings(&r.prompt, 4)
                    .trim_end()
                    .replace('\n', "\n> ")
            ));
            last = Some(r.prompt_index);
        }
        let repeats = results
            .iter()
            .filter(|o| o.prompt_index == r.prompt_index && o.model == r.model)
            .count();
        if repeats > 1 {
            out.push_str(&format!("### {} ({} of {repeats})\n\n", r.model, r.repeat));
        } else {
            out.push_str(&format!("### {}\n\n", r.model));
        }
        match &r.error {
            Some(e) => out.push_str(&format!("**Error:** {e}\n\n")),
            None => out.push_str(&format!(
                "{}\n\n",
                crate::session::outline::nest_headings(&r.text, 4).trim_end()
            )),
        }
    }
    out.push_str("## Summary\n\n```\n");
    out.push_str(&summary_table(results));
    out.push_str("```\n");
    out
}
