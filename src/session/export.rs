//! Reading history back: sessions, their rounds and answers, search, and export to Markdown,
//! JSON and CSV.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionSummary {
    pub id: i64,
    pub started_at: i64,
    pub workspace: Option<String>,
    pub models: Vec<String>,
    pub rounds: u64,
    pub cost: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnswerRec {
    pub pane: i64,
    pub model: String,
    pub provider: String,
    pub served_model: Option<String>,
    pub served_provider: Option<String>,
    pub text: String,
    pub reasoning: String,
    pub status: String,
    pub error: Option<String>,
    pub finish_reason: Option<String>,
    pub native_finish_reason: Option<String>,
    pub ttft_ms: Option<i64>,
    pub elapsed_ms: Option<i64>,
    pub prompt_tokens: Option<i64>,
    pub completion_tokens: Option<i64>,
    pub cost: Option<f64>,
    pub cost_reported: bool,
    /// Arrival times, for replays; not exported.
    #[serde(skip)]
    pub timeline: String,
    /// What resuming needs to carry the conversation on exactly: JSON as the wire has it.
    #[serde(skip)]
    pub reasoning_details: Option<String>,
    #[serde(skip)]
    pub tool_calls: Option<String>,
    #[serde(skip)]
    pub tool_results: Option<String>,
    /// Web searches made for it, and the pages it cites.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_searches: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<crate::provider::citation::Citation>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoundRec {
    pub seq: i64,
    pub prompt: String,
    pub created_at: i64,
    pub answers: Vec<AnswerRec>,
    pub votes: Vec<String>,
    /// The images sent with the prompt, as data URLs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub session_id: i64,
    pub round_id: i64,
    pub kind: String,
    pub snippet: String,
}

fn summary(
    conn: &Connection,
    id: i64,
    started_at: i64,
    workspace: Option<String>,
) -> rusqlite::Result<SessionSummary> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT a.model FROM answers a JOIN rounds r ON r.id = a.round_id
         WHERE r.session_id = ?1 ORDER BY a.pane, a.model",
    )?;
    let models = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let (rounds, cost): (i64, f64) = conn.query_row(
        "SELECT (SELECT COUNT(*) FROM rounds WHERE session_id = ?1),
                COALESCE((SELECT SUM(a.cost) FROM answers a JOIN rounds r ON r.id = a.round_id
                          WHERE r.session_id = ?1), 0)",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(SessionSummary {
        id,
        started_at,
        workspace,
        models,
        rounds: rounds.max(0) as u64,
        cost,
    })
}

impl SessionSummary {
    /// When the session started, in local time, to the minute.
    pub fn started_label(&self) -> String {
        chrono::DateTime::from_timestamp(self.started_at, 0)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    }
}

/// Sessions that have at least one round, newest first.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<SessionSummary>> {
    let mut stmt = conn.prepare(
        "SELECT s.id, s.started_at, s.workspace FROM sessions s
         WHERE EXISTS (SELECT 1 FROM rounds r WHERE r.session_id = s.id)
         ORDER BY s.id DESC",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<Vec<(i64, i64, Option<String>)>, _>>()?;
    rows.into_iter()
        .map(|(id, at, ws)| summary(conn, id, at, ws))
        .collect()
}

/// `last` or a number. `last` is the session used last: the one whose latest round was
/// recorded last, so a session resumed and carried on comes before a newer one left alone
/// (a session's number says when it started, not when it was last used).
/// A recorded answer's tokens per second, from its first token to its end.
pub fn tokens_per_s(
    tokens: Option<i64>,
    elapsed_ms: Option<i64>,
    ttft_ms: Option<i64>,
) -> Option<f64> {
    match (tokens, elapsed_ms, ttft_ms) {
        (Some(n), Some(e), Some(t)) if e > t => Some(n as f64 * 1000.0 / (e - t) as f64),
        _ => None,
    }
}

pub fn resolve(conn: &Connection, id: &str) -> Result<i64, String> {
    if id == "last" {
        return conn
            .query_row(
                "SELECT session_id FROM rounds GROUP BY session_id ORDER BY MAX(id) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "no sessions recorded yet".to_string());
    }
    id.parse::<i64>()
        .map_err(|_| format!("`{id}` is not a session id (a number, or `last`)"))
}

pub fn load(
    conn: &Connection,
    id: i64,
) -> rusqlite::Result<Option<(SessionSummary, Vec<RoundRec>)>> {
    let Some((at, ws)) = conn
        .query_row(
            "SELECT started_at, workspace FROM sessions WHERE id = ?1",
            [id],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?)),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let s = summary(conn, id, at, ws)?;
    let mut rounds_stmt = conn.prepare(
        "SELECT id, seq, prompt, created_at, images FROM rounds WHERE session_id = ?1 ORDER BY seq, id",
    )?;
    let rounds = rounds_stmt
        .query_map([id], |r| {
            let images: Option<String> = r.get(4)?;
            let images: Vec<String> = images
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default();
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, images))
        })?
        .collect::<Result<Vec<(i64, i64, String, i64, Vec<String>)>, _>>()?;
    let mut out = Vec::new();
    let mut answers_stmt = conn.prepare(
        "SELECT pane, model, provider, served_model, served_provider, text, reasoning, status, error,
                finish_reason, ttft_ms, elapsed_ms, prompt_tokens, completion_tokens, cost, reported,
                timeline, native_finish_reason, reasoning_details, tool_calls, tool_results,
                web_searches, citations
         FROM answers WHERE round_id = ?1 ORDER BY pane, id",
    )?;
    let mut votes_stmt =
        conn.prepare("SELECT verdict, winner_pane FROM votes WHERE round_id = ?1 ORDER BY id")?;
    for (rid, seq, prompt, created_at, images) in rounds {
        let answers = answers_stmt
            .query_map(params![rid], |r| {
                Ok(AnswerRec {
                    pane: r.get(0)?,
                    model: r.get(1)?,
                    provider: r.get(2)?,
                    served_model: r.get(3)?,
                    served_provider: r.get(4)?,
                    text: r.get(5)?,
                    reasoning: r.get(6)?,
                    status: r.get(7)?,
                    error: r.get(8)?,
                    finish_reason: r.get(9)?,
                    ttft_ms: r.get(10)?,
                    elapsed_ms: r.get(11)?,
                    prompt_tokens: r.get(12)?,
                    completion_tokens: r.get(13)?,
                    cost: r.get(14)?,
                    cost_reported: r.get(15)?,
                    timeline: r.get(16)?,
                    native_finish_reason: r.get(17)?,
                    reasoning_details: r.get(18)?,
                    tool_calls: r.get(19)?,
                    tool_results: r.get(20)?,
                    web_searches: r.get(21)?,
                    citations: r
                        .get::<_, Option<String>>(22)?
                        .and_then(|t| serde_json::from_str(&t).ok())
                        .unwrap_or_default(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let votes = votes_stmt
            .query_map(params![rid], |r| {
                let verdict: String = r.get(0)?;
                let pane: Option<i64> = r.get(1)?;
                Ok(match pane {
                    Some(p) => format!("{verdict}: pane {}", p + 1),
                    None => verdict,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        out.push(RoundRec {
            seq,
            prompt,
            created_at,
            answers,
            votes,
            images,
        });
    }
    Ok(Some((s, out)))
}

/// Full-text search over prompts and answers.
pub fn search(conn: &Connection, query: &str) -> Result<Vec<Hit>, String> {
    // Each word is quoted, so punctuation in a query is searched for, not parsed.
    let fts: Vec<String> = query
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if fts.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn
        .prepare(
            "SELECT session_id, round_id, kind, snippet(search, 3, '[', ']', '…', 12)
             FROM search WHERE search MATCH ?1 ORDER BY rank LIMIT 50",
        )
        .map_err(|e| e.to_string())?;
    let hits = stmt
        .query_map([fts.join(" ")], |r| {
            Ok(Hit {
                session_id: r.get(0)?,
                round_id: r.get(1)?,
                kind: r.get(2)?,
                snippet: r.get::<_, String>(3)?.replace('\n', " "),
            })
        })
        .map_err(|e| e.to_string())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    Ok(hits)
}

fn when(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn money(c: Option<f64>, reported: bool) -> String {
    match c {
        Some(v) => format!(
            "{}{}",
            crate::cost::money(v),
            if reported { "" } else { " (estimated)" }
        ),
        None => "unpriced".into(),
    }
}

pub fn markdown(s: &SessionSummary, rounds: &[RoundRec]) -> String {
    let mut out = format!("# Session {} — {}\n\n", s.id, when(s.started_at));
    out.push_str(&format!("Models: {}  \n", s.models.join(", ")));
    out.push_str(&format!(
        "Rounds: {} · cost {}\n",
        s.rounds,
        crate::cost::money(s.cost)
    ));
    for r in rounds {
        out.push_str(&format!("\n## Round {}\n\n", r.seq));
        // Headings of the prompt and the answers sit under the pane headings (###).
        for line in super::outline::nest_headings(&r.prompt, 4).lines() {
            out.push_str(&format!("> {line}\n"));
        }
        for a in &r.answers {
            let other = a.served_model.as_ref().filter(|m| **m != a.model);
            let served = match (other, &a.served_provider) {
                (Some(m), Some(p)) => format!(" → {m} via {p}"),
                (Some(m), None) => format!(" → {m}"),
                (None, Some(p)) => format!(" via {p}"),
                (None, None) => String::new(),
            };
            out.push_str(&format!("\n### {} · {}{served}\n\n", a.pane + 1, a.model));
            let mut stats = vec![a.status.clone()];
            if let Some(t) = a.ttft_ms {
                stats.push(format!("ttft {t} ms"));
            }
            if let Some(t) = a.completion_tokens {
                stats.push(format!("{t} tokens"));
            }
            if let Some(f) = crate::provider::finish::label(
                a.finish_reason.as_deref(),
                a.native_finish_reason.as_deref(),
            ) {
                stats.push(f);
            }
            if let Some(n) = a.web_searches.filter(|n| *n > 0) {
                stats.push(format!("web {n}×"));
            }
            stats.push(money(a.cost, a.cost_reported));
            out.push_str(&format!("*{}*\n\n", stats.join(" · ")));
            if !a.text.is_empty() {
                let text = crate::provider::citation::marked(&a.text, &a.citations);
                out.push_str(super::outline::nest_headings(&text, 4).trim_end());
                out.push('\n');
            }
            if !a.citations.is_empty() {
                out.push_str("\nSources:\n\n");
                for (n, c) in crate::provider::citation::pages(&a.citations)
                    .into_iter()
                    .enumerate()
                {
                    let title = if c.title.is_empty() { &c.url } else { &c.title };
                    let title = title.replace('[', "\\[").replace(']', "\\]");
                    out.push_str(&format!("{}. [{title}](<{}>)\n", n + 1, c.url));
                }
            }
            if let Some(e) = &a.error {
                let gap = if a.text.is_empty() { "" } else { "\n" };
                out.push_str(&format!("{gap}**Error:** {e}\n"));
            }
        }
        if !r.votes.is_empty() {
            out.push_str(&format!("\nVerdict: {}\n", r.votes.join(", ")));
        }
    }
    out
}

pub fn json(s: &SessionSummary, rounds: &[RoundRec]) -> Result<String, String> {
    serde_json::to_string_pretty(&serde_json::json!({"session": s, "rounds": rounds}))
        .map_err(|e| e.to_string())
}

/// One row per answer.
pub fn csv(s: &SessionSummary, rounds: &[RoundRec]) -> Result<String, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let err = |e: ::csv::Error| e.to_string();
    w.write_record([
        "session",
        "round",
        "prompt",
        "pane",
        "model",
        "provider",
        "served_model",
        "status",
        "ttft_ms",
        "elapsed_ms",
        "prompt_tokens",
        "completion_tokens",
        "cost_usd",
        "cost_reported",
        "text",
        "finish_reason",
        "native_finish_reason",
    ])
    .map_err(err)?;
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    for r in rounds {
        for a in &r.answers {
            w.write_record([
                s.id.to_string(),
                r.seq.to_string(),
                r.prompt.clone(),
                (a.pane + 1).to_string(),
                a.model.clone(),
                a.provider.clone(),
                a.served_model.clone().unwrap_or_default(),
                a.status.clone(),
                opt(a.ttft_ms),
                opt(a.elapsed_ms),
                opt(a.prompt_tokens),
                opt(a.completion_tokens),
                a.cost.map(|c| format!("{c}")).unwrap_or_default(),
                a.cost_reported.to_string(),
                a.text.clone(),
                a.finish_reason.clone().unwrap_or_default(),
                a.native_finish_reason.clone().unwrap_or_default(),
            ])
            .map_err(err)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// Sessions for the browser: all of them, or those whose prompts or answers match `query`.
pub fn find(conn: &Connection, query: &str) -> Result<Vec<SessionSummary>, String> {
    let all = list(conn).map_err(|e| e.to_string())?;
    if query.trim().is_empty() {
        return Ok(all);
    }
    let hits = search(conn, query)?;
    Ok(all
        .into_iter()
        .filter(|s| hits.iter().any(|h| h.session_id == s.id))
        .collect())
}
