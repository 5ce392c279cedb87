//! The scoreboards over all history: the votes', and the judges' from their recorded
//! verdicts, with how often a judge and the votes gave a round the same verdict.

use std::collections::BTreeMap;

use rusqlite::Connection;

use crate::judge::verdict::{vote_from_pick, vote_from_scores, Pick};
use crate::judge::{AnswerStat, Verdict, Vote};
use crate::model::boards::JudgeBoard;

/// The scoreboard over every judged round in the database.
pub fn scoreboard(conn: &Connection) -> rusqlite::Result<Vec<crate::judge::Row>> {
    Ok(boards(conn)?.0)
}

/// The votes' scoreboard over every judged round in the database, and the judge's over every
/// round a judge rated, with how often the two agree.
pub fn boards(conn: &Connection) -> rusqlite::Result<(Vec<crate::judge::Row>, Option<JudgeBoard>)> {
    // The last answer of each pane in each round (a regenerated answer replaces the earlier).
    let mut stmt = conn.prepare(
        "SELECT a.round_id, a.pane, a.model, a.status, a.ttft_ms, a.elapsed_ms, a.completion_tokens, a.cost
         FROM answers a
         WHERE a.id = (SELECT MAX(b.id) FROM answers b WHERE b.round_id = a.round_id AND b.pane = a.pane)
         ORDER BY a.round_id, a.pane",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, Option<f64>>(7)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut answers = Vec::new();
    let mut by_round: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
    for (round, pane, model, status, ttft, elapsed, tokens, cost) in rows {
        by_round
            .entry(round)
            .or_default()
            .push((pane, model.clone()));
        if status == "done" {
            answers.push(AnswerStat {
                model,
                sample: crate::judge::Sample {
                    ok: true,
                    passed: true,
                    ttft_ms: ttft.map(|t| t as f64),
                    tokens_per_s: crate::session::export::tokens_per_s(tokens, elapsed, ttft),
                    cost,
                },
            });
        }
    }
    let mut stmt = conn.prepare("SELECT round_id, verdict, winner_pane FROM votes ORDER BY id")?;
    let votes_raw = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut votes = Vec::new();
    let mut human_by_round = BTreeMap::new();
    for (round, verdict, winner) in votes_raw {
        let Some(panes) = by_round.get(&round) else {
            continue;
        };
        let models: Vec<String> = panes.iter().map(|(_, m)| m.clone()).collect();
        let winner = winner.and_then(|w| panes.iter().position(|(p, _)| *p == w));
        if let Some(v) = Verdict::parse(&verdict, winner) {
            let vote = Vote { models, verdict: v };
            human_by_round.insert(round, vote.clone());
            votes.push(vote);
        }
    }
    let rows = crate::judge::scoreboard(&votes, &answers);
    let human: BTreeMap<i64, Vote> = human_by_round;
    let judge = judge_board(conn, &by_round, &human, &answers)?;
    Ok((rows, judge))
}

/// The judges' verdicts as votes: a round scored is won by its single best score; a pair
/// compared is a game of its own. Agreement compares each round's verdict with the vote's.
fn judge_board(
    conn: &Connection,
    by_round: &BTreeMap<i64, Vec<(i64, String)>>,
    human: &BTreeMap<i64, Vote>,
    answers: &[AnswerStat],
) -> rusqlite::Result<Option<JudgeBoard>> {
    let mut stmt = conn.prepare(
        "SELECT round_id, judge, mode, pane, other_pane, score, pick FROM verdicts
         WHERE error IS NULL ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let Some(judge) = rows.last().map(|r| r.1.clone()) else {
        return Ok(None);
    };
    let model_of = |round: i64, pane: i64| {
        by_round
            .get(&round)
            .and_then(|ps| ps.iter().find(|(p, _)| *p == pane))
            .map(|(_, m)| m.clone())
    };
    let mut votes = Vec::new();
    // Per round: each judged model's standing (score, or points from its pairs).
    let mut standings: BTreeMap<i64, BTreeMap<String, u32>> = BTreeMap::new();
    let mut scored = std::collections::BTreeSet::new();
    for (round, _, mode, pane, other, score, pick) in rows {
        let Some(a) = model_of(round, pane) else {
            continue;
        };
        let table = standings.entry(round).or_default();
        if mode == "score" {
            scored.insert(round);
            if let Some(s) = score {
                table.insert(a, u32::try_from(s).unwrap_or(0) * 2);
            }
            continue;
        }
        let (Some(b), Some(pick)) = (other.and_then(|o| model_of(round, o)), pick) else {
            continue;
        };
        let pick = Pick::parse(&pick).unwrap_or(Pick::Tie);
        let points = match pick {
            Pick::First => (2, 0),
            Pick::Second => (0, 2),
            Pick::Tie => (1, 1),
        };
        *table.entry(a.clone()).or_default() += points.0;
        *table.entry(b.clone()).or_default() += points.1;
        votes.push(vote_from_pick(&a, &b, pick));
    }
    let mut pairs = Vec::new();
    for (round, table) in &standings {
        let models: Vec<String> = table.keys().cloned().collect();
        let scores: Vec<Option<u32>> = table.values().map(|s| Some(*s)).collect();
        let Some(vote) = vote_from_scores(&models, &scores) else {
            continue;
        };
        if let Some(h) = human.get(round) {
            let winner = |v: &Verdict, names: &[String]| match v {
                Verdict::Winner(i) => names.get(*i).cloned(),
                Verdict::Tie => Some("=".into()),
                Verdict::AllBad => None,
            };
            pairs.push((
                winner(&h.verdict, &h.models),
                winner(&vote.verdict, &vote.models),
            ));
        }
        // A scored round is one vote; a compared round's pairs were votes already.
        if scored.contains(round) {
            votes.push(vote);
        }
    }
    let same = pairs.iter().filter(|(a, b)| a.is_some() && a == b).count();
    Ok(Some(JudgeBoard {
        judge,
        rows: crate::judge::scoreboard(&votes, answers),
        agreement: (same, pairs.len()),
    }))
}
