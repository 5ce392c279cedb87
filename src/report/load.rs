//! Where a report's rounds come from: the history database (a session, or a recorded run), or
//! the JSON a `run --out results.json` wrote (which also carries a suite's assertions).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{Entry, Report, Round};
use crate::judge::{Verdict, Vote};

/// A run's results file.
pub(super) fn from_results(path: &Path) -> Result<Report, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let rows: Vec<Value> = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not a run's JSON results ({e}); write one with `switchboard run … --out results.json`",
            path.display()
        )
    })?;
    let mut cases: Vec<String> = Vec::new();
    let mut rounds: BTreeMap<(u64, u64), Round> = BTreeMap::new();
    let repeats = rows
        .iter()
        .filter_map(|r| r["repeat"].as_u64())
        .max()
        .unwrap_or(1);
    for r in &rows {
        let (pi, rep) = (
            r["prompt_index"].as_u64().unwrap_or(0),
            r["repeat"].as_u64().unwrap_or(1),
        );
        let case = r["case"].as_str().map(|c| {
            if !cases.iter().any(|x| x == c) {
                cases.push(c.to_string());
            }
            cases.iter().position(|x| x == c).unwrap_or(0)
        });
        let round = rounds.entry((pi, rep)).or_insert_with(|| {
            let base = match r["case"].as_str() {
                Some(c) => format!("Case: {c}"),
                None => format!("Prompt {}", pi + 1),
            };
            Round {
                title: if repeats > 1 {
                    format!("{base} · repeat {rep}")
                } else {
                    base
                },
                prompt: r["prompt"].as_str().unwrap_or_default().to_string(),
                answers: Vec::new(),
                case,
                images: Vec::new(),
            }
        });
        let mut notes = Vec::new();
        let j = &r["judged"];
        if j.is_object() {
            let who = j["judge"].as_str().unwrap_or("judge");
            if let (Some(s), Some(scale)) = (j["score"].as_u64(), j["scale"].as_u64()) {
                notes.push((format!("{who}: {s}/{scale}"), false));
            }
            if j["mode"] == "pairwise" {
                let n = |k: &str| j[k].as_u64().unwrap_or(0);
                notes.push((
                    format!(
                        "{who}: won {} · lost {} · tied {}",
                        n("wins"),
                        n("losses"),
                        n("ties")
                    ),
                    false,
                ));
            }
            for why in j["reasons"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                notes.push((format!("{who}: {why}"), false));
            }
            for e in j["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                notes.push((format!("{who}: {e}"), true));
            }
        }
        for a in r["assertions"].as_array().into_iter().flatten() {
            let pass = a["pass"].as_bool().unwrap_or(false);
            notes.push((
                format!(
                    "{} {} {}",
                    if pass { "✓" } else { "✗" },
                    a["type"].as_str().unwrap_or("?"),
                    a["reason"].as_str().unwrap_or_default()
                ),
                !pass,
            ));
        }
        let ok = r["ok"].as_bool().unwrap_or(false);
        round.answers.push(Entry {
            model: r["model"].as_str().unwrap_or("?").to_string(),
            text: r["text"].as_str().unwrap_or_default().to_string(),
            reasoning: String::new(),
            error: (!ok).then(|| r["error"].as_str().unwrap_or("failed").to_string()),
            ttft_ms: r["ttft_ms"].as_f64(),
            elapsed_ms: r["elapsed_ms"].as_f64(),
            tokens: r["completion_tokens"].as_u64(),
            tokens_per_s: r["tokens_per_s"].as_f64(),
            cost: r["cost"].as_f64(),
            notes,
            pass: r["pass"].as_bool(),
            won: false,
            citations: serde_json::from_value(r["citations"].clone()).unwrap_or_default(),
        });
    }
    Ok(Report {
        title: format!(
            "switchboard run · {}",
            path.file_name()
                .map_or(String::new(), |n| n.to_string_lossy().to_string())
        ),
        subtitle: format!("{} answers from {}", rows.len(), path.display()),
        rounds: rounds.into_values().collect(),
        votes: Vec::new(),
        cases,
    })
}

/// A session (or a run) from the history database.
pub(super) fn from_history(id: &str) -> Result<Report, String> {
    let path = crate::config::paths::data_dir().join("history.db");
    if !path.exists() {
        return Err(format!(
            "no history yet ({} does not exist)",
            path.display()
        ));
    }
    let ledger = crate::cost::ledger::Ledger::open(&path).map_err(|e| e.to_string())?;
    let conn = ledger.conn();
    let id = crate::session::export::resolve(conn, id)?;
    let (summary, rounds) = crate::session::export::load(conn, id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!("no session {id}: `switchboard sessions list` shows the recorded ones")
        })?;
    let verdicts = verdicts(conn, id).map_err(|e| e.to_string())?;
    let votes_of = votes(conn, id).map_err(|e| e.to_string())?;
    let mut votes = Vec::new();
    let mut out = Vec::new();
    for r in rounds {
        let models: Vec<String> = r.answers.iter().map(|a| a.model.clone()).collect();
        let mut won = None;
        for (verdict, pane) in votes_of.get(&r.seq).into_iter().flatten() {
            let at = pane.and_then(|p| r.answers.iter().position(|a| a.pane == p));
            if let Some(verdict) = Verdict::parse(verdict, at) {
                if let Verdict::Winner(i) = verdict {
                    won = Some(i);
                }
                votes.push(Vote {
                    models: models.clone(),
                    verdict,
                });
            }
        }
        let pane_model: BTreeMap<i64, String> = r
            .answers
            .iter()
            .map(|a| (a.pane, a.model.clone()))
            .collect();
        let answers = r
            .answers
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut notes: Vec<(String, bool)> = Vec::new();
                if won == Some(i) {
                    notes.push(("your vote: best of the round".into(), false));
                }
                for v in verdicts.get(&r.seq).into_iter().flatten() {
                    if let Some(n) = v.note(a.pane, &pane_model) {
                        notes.push(n);
                    }
                }
                Entry {
                    model: a.model.clone(),
                    text: a.text.clone(),
                    reasoning: a.reasoning.clone(),
                    error: (a.status != "done")
                        .then(|| a.error.clone().unwrap_or_else(|| a.status.clone())),
                    ttft_ms: a.ttft_ms.map(|v| v as f64),
                    elapsed_ms: a.elapsed_ms.map(|v| v as f64),
                    tokens: a.completion_tokens.and_then(|v| u64::try_from(v).ok()),
                    tokens_per_s: crate::session::export::tokens_per_s(
                        a.completion_tokens,
                        a.elapsed_ms,
                        a.ttft_ms,
                    ),
                    cost: a.cost,
                    notes,
                    pass: None,
                    won: won == Some(i),
                    citations: a.citations.clone(),
                }
            })
            .collect();
        out.push(Round {
            title: format!("Round {}", r.seq),
            prompt: r.prompt,
            answers,
            case: None,
            images: r.images,
        });
    }
    let when = chrono::DateTime::from_timestamp(summary.started_at, 0)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    Ok(Report {
        title: format!("switchboard session {id}"),
        subtitle: format!(
            "{when} · {} rounds · {} · {}",
            summary.rounds,
            summary.models.join(", "),
            crate::cost::money(summary.cost)
        ),
        rounds: out,
        votes,
        cases: Vec::new(),
    })
}

struct Recorded {
    judge: String,
    mode: String,
    pane: i64,
    other: Option<i64>,
    score: Option<i64>,
    scale: Option<i64>,
    pick: Option<String>,
    reasons: Option<String>,
    error: Option<String>,
}

impl Recorded {
    /// What this verdict says about the answer in `pane`.
    fn note(&self, pane: i64, models: &BTreeMap<i64, String>) -> Option<(String, bool)> {
        if let Some(e) = &self.error {
            return (self.pane == pane || self.other == Some(pane))
                .then(|| (format!("{}: {e}", self.judge), true));
        }
        let why = self
            .reasons
            .as_deref()
            .map(|r| format!(" — {r}"))
            .unwrap_or_default();
        if self.mode == "score" {
            return (self.pane == pane).then(|| {
                (
                    format!(
                        "{}: {}/{}{why}",
                        self.judge,
                        self.score.unwrap_or(0),
                        self.scale.unwrap_or(10)
                    ),
                    false,
                )
            });
        }
        let other = if self.pane == pane {
            self.other?
        } else if self.other == Some(pane) {
            self.pane
        } else {
            return None;
        };
        let first = self.pane == pane;
        let name = models
            .get(&other)
            .cloned()
            .unwrap_or_else(|| "another answer".into());
        let said = match (self.pick.as_deref(), first) {
            (Some("tie"), _) => format!("tied with {name}"),
            (Some("first"), true) | (Some("second"), false) => format!("beat {name}"),
            (Some(_), _) => format!("lost to {name}"),
            (None, _) => return None,
        };
        Some((
            format!("{}: {said} (asked both ways round)", self.judge),
            false,
        ))
    }
}

/// A vote as recorded: the verdict, and the pane voted for.
type RecordedVote = (String, Option<i64>);

/// The session's votes by round.
fn votes(
    conn: &rusqlite::Connection,
    session: i64,
) -> rusqlite::Result<BTreeMap<i64, Vec<RecordedVote>>> {
    let mut stmt = conn.prepare(
        "SELECT r.seq, v.verdict, v.winner_pane FROM votes v JOIN rounds r ON r.id = v.round_id
         WHERE r.session_id = ?1 ORDER BY v.id",
    )?;
    let rows = stmt.query_map([session], |r| {
        Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?)))
    })?;
    let mut out: BTreeMap<i64, Vec<RecordedVote>> = BTreeMap::new();
    for row in rows {
        let (seq, vote) = row?;
        out.entry(seq).or_default().push(vote);
    }
    Ok(out)
}

fn verdicts(
    conn: &rusqlite::Connection,
    session: i64,
) -> rusqlite::Result<BTreeMap<i64, Vec<Recorded>>> {
    let mut stmt = conn.prepare(
        "SELECT r.seq, v.judge, v.mode, v.pane, v.other_pane, v.score, v.scale, v.pick, v.reasons, v.error
         FROM verdicts v JOIN rounds r ON r.id = v.round_id WHERE r.session_id = ?1 ORDER BY v.id",
    )?;
    let rows = stmt.query_map([session], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Recorded {
                judge: r.get(1)?,
                mode: r.get(2)?,
                pane: r.get(3)?,
                other: r.get(4)?,
                score: r.get(5)?,
                scale: r.get(6)?,
                pick: r.get(7)?,
                reasons: r.get(8)?,
                error: r.get(9)?,
            },
        ))
    })?;
    let mut out: BTreeMap<i64, Vec<Recorded>> = BTreeMap::new();
    for row in rows {
        let (seq, v) = row?;
        out.entry(seq).or_default().push(v);
    }
    Ok(out)
}
