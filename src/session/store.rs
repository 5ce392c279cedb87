//! Writing history. The app sends [`Op`]s as things happen; a [`Writer`] on the ledger's thread
//! turns them into rows. Streaming text is appended in checkpoints, so a kill loses at most the
//! last quarter of a second.

use crate::model::RequestId;
use std::collections::HashMap;

use rusqlite::{params, Connection};

/// One thing that happened, in the order it happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Session {
        started_at: i64,
        workspace: Option<String>,
    },
    /// Carry on an existing session: new rounds join it.
    Resume {
        session: i64,
    },
    Round {
        round: u64,
        prompt: String,
        at: i64,
    },
    Answer {
        round: u64,
        request: RequestId,
        pane: usize,
        model: String,
        provider: String,
        /// The settings the answer was asked with, written as JSON text.
        settings: serde_json::Value,
        /// The tool results this turn sends instead of a prompt, `[[id, content]]`.
        tool_results: Option<serde_json::Value>,
        at: i64,
    },
    /// Text that arrived since the last checkpoint.
    Append {
        request: RequestId,
        text: String,
        reasoning: String,
        /// Timing entries for replays (see the `timeline` column).
        timeline: String,
        at: i64,
    },
    Finish {
        request: RequestId,
        record: Box<Finished>,
    },
    /// What `/generation` says an answer was billed: it replaces the answer's cost, here and
    /// in the spend ledger.
    Billed {
        request: RequestId,
        generation_id: String,
        cost: f64,
        /// The billed figures.
        details: serde_json::Value,
    },
    Vote {
        round: u64,
        verdict: String,
        winner_pane: Option<usize>,
        at: i64,
    },
    /// A judge's verdict on the round's answers.
    Verdict(Box<JudgeVerdict>),
    /// The images sent with a round's prompt, as data URLs.
    Images {
        round: u64,
        images: Vec<String>,
    },
}

/// A judge's verdict as the history keeps it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JudgeVerdict {
    pub round: u64,
    pub judge: String,
    /// `score` or `pairwise`.
    pub mode: String,
    pub pane: usize,
    pub other_pane: Option<usize>,
    pub score: Option<u32>,
    pub scale: Option<u32>,
    /// `first`, `second` or `tie`.
    pub pick: Option<String>,
    pub reasons: Option<String>,
    pub error: Option<String>,
    pub cost: Option<f64>,
    pub at: i64,
}

/// Everything known about an answer when it ends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Finished {
    /// Text and reasoning not yet checkpointed.
    pub text_tail: String,
    pub reasoning_tail: String,
    pub timeline_tail: String,
    pub served_model: Option<String>,
    pub served_provider: Option<String>,
    pub status: String,
    pub error: Option<String>,
    pub finish_reason: Option<String>,
    pub native_finish_reason: Option<String>,
    /// Arrays, as the wire has them; `None` when there are none.
    pub reasoning_details: Option<serde_json::Value>,
    pub tool_calls: Option<serde_json::Value>,
    pub generation_id: Option<String>,
    /// `valid`, or `invalid: …`, when structured output was asked for.
    pub structured: Option<String>,
    pub ttft_ms: Option<u64>,
    pub elapsed_ms: Option<u64>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub cost: Option<f64>,
    pub reported: bool,
    /// The route's attempts; none recorded when null.
    pub hops: serde_json::Value,
    pub at: i64,
    /// Web searches the server made for the answer, and the pages it cites.
    pub web_searches: Option<u64>,
    pub citations: Vec<crate::provider::citation::Citation>,
}

/// A value as the row keeps it: JSON text, or nothing for null (as rows written before
/// had it).
fn json_text(v: &serde_json::Value) -> String {
    if v.is_null() {
        String::new()
    } else {
        v.to_string()
    }
}

/// Maps the app's ids (round numbers, request ids) to rows.
#[derive(Default)]
pub struct Writer {
    session: Option<i64>,
    rounds: HashMap<u64, i64>,
    answers: HashMap<RequestId, i64>,
}

impl Writer {
    /// The session being written to, once it has one.
    pub fn session(&self) -> Option<i64> {
        self.session
    }
}

fn int(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

impl Writer {
    pub fn apply(&mut self, conn: &Connection, op: Op) -> rusqlite::Result<()> {
        match op {
            Op::Session {
                started_at,
                workspace,
            } => {
                conn.execute(
                    "INSERT INTO sessions (started_at, workspace) VALUES (?1, ?2)",
                    params![started_at, workspace],
                )?;
                self.session = Some(conn.last_insert_rowid());
                self.rounds.clear();
                self.answers.clear();
            }
            Op::Resume { session } => {
                self.session = Some(session);
                self.answers.clear();
                let mut stmt = conn.prepare("SELECT seq, id FROM rounds WHERE session_id = ?1")?;
                self.rounds = stmt
                    .query_map([session], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                    })?
                    .filter_map(Result::ok)
                    .map(|(seq, id)| (u64::try_from(seq).unwrap_or(0), id))
                    .collect();
            }
            Op::Round { round, prompt, at } => {
                let Some(session) = self.session else {
                    return Ok(());
                };
                conn.execute(
                    "INSERT INTO rounds (session_id, seq, prompt, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![session, int(Some(round)), prompt, at],
                )?;
                let id = conn.last_insert_rowid();
                conn.execute(
                    "INSERT INTO search (kind, session_id, round_id, body) VALUES ('prompt', ?1, ?2, ?3)",
                    params![session, id, prompt],
                )?;
                self.rounds.insert(round, id);
            }
            Op::Answer {
                round,
                request,
                pane,
                model,
                provider,
                settings,
                tool_results,
                at,
            } => {
                let Some(&round_id) = self.rounds.get(&round) else {
                    return Ok(());
                };
                conn.execute(
                    "INSERT INTO answers (round_id, pane, model, provider, settings, status, updated_at, tool_results)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'waiting', ?6, ?7)",
                    params![
                        round_id,
                        pane as i64,
                        model,
                        provider,
                        settings.to_string(),
                        at,
                        tool_results.map(|t| t.to_string())
                    ],
                )?;
                self.answers.insert(request, conn.last_insert_rowid());
            }
            Op::Append {
                request,
                text,
                reasoning,
                timeline,
                at,
            } => {
                if let Some(&id) = self.answers.get(&request) {
                    conn.execute(
                        "UPDATE answers SET text = text || ?1, reasoning = reasoning || ?2,
                         timeline = timeline || ?3, status = 'streaming', updated_at = ?4 WHERE id = ?5",
                        params![text, reasoning, timeline, at, id],
                    )?;
                }
            }
            Op::Finish { request, record: r } => {
                let Some(&id) = self.answers.get(&request) else {
                    return Ok(());
                };
                conn.execute(
                    "UPDATE answers SET text = text || ?1, reasoning = reasoning || ?2,
                       served_model = ?3, served_provider = ?4, status = ?5, error = ?6,
                       finish_reason = ?7, ttft_ms = ?8, elapsed_ms = ?9, prompt_tokens = ?10,
                       completion_tokens = ?11, cost = ?12, reported = ?13, hops = ?14,
                       updated_at = ?15, timeline = timeline || ?17, structured = ?18,
                       native_finish_reason = ?19, reasoning_details = ?20, tool_calls = ?21,
                       generation_id = ?22, web_searches = ?23, citations = ?24
                     WHERE id = ?16",
                    params![
                        r.text_tail,
                        r.reasoning_tail,
                        r.served_model,
                        r.served_provider,
                        r.status,
                        r.error,
                        r.finish_reason,
                        int(r.ttft_ms),
                        int(r.elapsed_ms),
                        int(r.prompt_tokens),
                        int(r.completion_tokens),
                        r.cost,
                        r.reported,
                        json_text(&r.hops),
                        r.at,
                        id,
                        r.timeline_tail,
                        r.structured,
                        r.native_finish_reason,
                        r.reasoning_details.as_ref().map(json_text),
                        r.tool_calls.as_ref().map(json_text),
                        r.generation_id,
                        int(r.web_searches),
                        (!r.citations.is_empty())
                            .then(|| serde_json::to_string(&r.citations).unwrap_or_default())
                    ],
                )?;
                conn.execute(
                    "INSERT INTO search (kind, session_id, round_id, body)
                     SELECT 'answer', r.session_id, r.id, a.text
                     FROM answers a JOIN rounds r ON r.id = a.round_id WHERE a.id = ?1",
                    params![id],
                )?;
            }
            Op::Billed {
                request,
                generation_id,
                cost,
                details,
            } => {
                conn.execute(
                    "UPDATE spend SET cost = ?1, reported = 1, billed = 1 WHERE generation_id = ?2",
                    params![cost, generation_id],
                )?;
                if let Some(&id) = self.answers.get(&request) {
                    conn.execute(
                        "UPDATE answers SET cost = ?1, reported = 1, billed = ?2 WHERE id = ?3",
                        params![cost, details.to_string(), id],
                    )?;
                }
            }
            Op::Vote {
                round,
                verdict,
                winner_pane,
                at,
            } => {
                if let Some(&round_id) = self.rounds.get(&round) {
                    conn.execute(
                        "INSERT INTO votes (round_id, verdict, winner_pane, at) VALUES (?1, ?2, ?3, ?4)",
                        params![round_id, verdict, winner_pane.map(|p| p as i64), at],
                    )?;
                }
            }
            Op::Images { round, images } => {
                if let Some(&round_id) = self.rounds.get(&round) {
                    conn.execute(
                        "UPDATE rounds SET images = ?1 WHERE id = ?2",
                        params![serde_json::to_string(&images).unwrap_or_default(), round_id],
                    )?;
                }
            }
            Op::Verdict(v) => {
                if let Some(&round_id) = self.rounds.get(&v.round) {
                    conn.execute(
                        "INSERT INTO verdicts (round_id, judge, mode, pane, other_pane, score, scale,
                            pick, reasons, error, cost, at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                        params![
                            round_id,
                            v.judge,
                            v.mode,
                            v.pane as i64,
                            v.other_pane.map(|p| p as i64),
                            v.score,
                            v.scale,
                            v.pick,
                            v.reasons,
                            v.error,
                            v.cost,
                            v.at
                        ],
                    )?;
                }
            }
        }
        Ok(())
    }
}
