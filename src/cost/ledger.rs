//! The spend ledger: one row per answer in `history.db`, which survives restarts and kills.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};

/// Schema changes, applied in order; `PRAGMA user_version` says how many have run.
const MIGRATIONS: &[&str] = &[
    r"
CREATE TABLE spend (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,            -- unix seconds
    day TEXT NOT NULL,              -- local date, YYYY-MM-DD
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    served_model TEXT,
    served_provider TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER NOT NULL,
    cost REAL,                      -- USD; NULL when unpriced
    reported INTEGER NOT NULL,      -- 1 = the server's figure, 0 = estimated
    status TEXT NOT NULL
);
CREATE INDEX spend_day ON spend(day);
",
    r"
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    workspace TEXT
);
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    prompt TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    pane INTEGER NOT NULL,
    model TEXT NOT NULL,
    provider TEXT NOT NULL,
    settings TEXT,                  -- the request settings, JSON
    served_model TEXT,
    served_provider TEXT,
    text TEXT NOT NULL DEFAULT '',
    reasoning TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    error TEXT,
    finish_reason TEXT,
    ttft_ms INTEGER,
    elapsed_ms INTEGER,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    cost REAL,
    reported INTEGER NOT NULL DEFAULT 0,
    hops TEXT,                      -- the hop trail, JSON
    updated_at INTEGER NOT NULL
);
CREATE INDEX answers_round ON answers(round_id);
CREATE TABLE votes (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    verdict TEXT NOT NULL,          -- winner, tie, all_bad
    winner_pane INTEGER,
    at INTEGER NOT NULL
);
CREATE VIRTUAL TABLE search USING fts5(kind UNINDEXED, session_id UNINDEXED, round_id UNINDEXED, body);
",
    r"
-- When each piece of an answer arrived, for replays: `a<ms>,<bytes>;` for answer text and
-- `r<ms>,<bytes>;` for reasoning, milliseconds from the request and length so far.
ALTER TABLE answers ADD COLUMN timeline TEXT NOT NULL DEFAULT '';
",
    r"
-- Whether a structured answer was valid JSON for its schema: `valid` or `invalid: …`.
ALTER TABLE answers ADD COLUMN structured TEXT;
",
    r"
-- What a follow-up needs to carry a conversation on exactly, and the provider's own reason.
ALTER TABLE answers ADD COLUMN native_finish_reason TEXT;
ALTER TABLE answers ADD COLUMN reasoning_details TEXT;  -- JSON array, as received
ALTER TABLE answers ADD COLUMN tool_calls TEXT;         -- JSON array, as sent back
ALTER TABLE answers ADD COLUMN tool_results TEXT;       -- JSON [[call id, content]], the turn's input
ALTER TABLE answers ADD COLUMN generation_id TEXT;
",
    r"
-- Reconciliation with `/generation`: the billed figure replaces the stream's or the estimate.
ALTER TABLE spend ADD COLUMN generation_id TEXT;
ALTER TABLE spend ADD COLUMN billed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX spend_generation ON spend(generation_id);
ALTER TABLE answers ADD COLUMN billed TEXT;   -- the /generation figures, JSON
",
    r"
-- What a spend was for: `answer`, or `judge` (a judge's verdict: in the totals, shown apart).
ALTER TABLE spend ADD COLUMN purpose TEXT NOT NULL DEFAULT 'answer';
-- A judge's verdicts: a score of one answer, or two answers compared both ways round.
CREATE TABLE verdicts (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    judge TEXT NOT NULL,            -- the judge model
    mode TEXT NOT NULL,             -- score, pairwise
    pane INTEGER NOT NULL,          -- the answer scored, or the first of the two
    other_pane INTEGER,             -- pairwise: the second
    score INTEGER,                  -- score: 1 to scale
    scale INTEGER,
    pick TEXT,                      -- pairwise, both askings combined: first, second, tie
    reasons TEXT,
    error TEXT,                     -- failed, refused or off-schema: why
    cost REAL,
    at INTEGER NOT NULL
);
CREATE INDEX verdicts_round ON verdicts(round_id);
",
    r"
-- The images sent with a round's prompt, as data URLs (a JSON array).
ALTER TABLE rounds ADD COLUMN images TEXT;
",
    r"
-- Web search: how many searches the server made, and the pages the answer cites (a JSON
-- array of {url, title, content, start, end}).
ALTER TABLE answers ADD COLUMN web_searches INTEGER;
ALTER TABLE answers ADD COLUMN citations TEXT;
",
];

#[derive(Clone, Debug, PartialEq)]
pub struct SpendRecord {
    pub at: i64,
    pub day: NaiveDate,
    pub provider: String,
    pub model: String,
    pub served_model: Option<String>,
    pub served_provider: Option<String>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: u64,
    pub cost: Option<f64>,
    pub reported: bool,
    pub status: String,
    /// The server's id for the generation, to book its billed figure later.
    pub generation_id: Option<String>,
    /// What it was for: an answer, or a judge's verdict.
    pub purpose: Purpose,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Purpose {
    #[default]
    Answer,
    Judge,
}

impl Purpose {
    pub fn name(self) -> &'static str {
        match self {
            Purpose::Answer => "answer",
            Purpose::Judge => "judge",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("spend ledger: {0}")]
pub struct LedgerError(#[from] rusqlite::Error);

pub struct Ledger {
    conn: Connection,
}

impl Ledger {
    /// The same database holds the conversation history.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Spend per model or per day, for the breakdown overlay.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Breakdown {
    pub by_model: Vec<(String, f64, u64)>,
    pub by_day: Vec<(NaiveDate, f64)>,
}

impl Ledger {
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        let conn = Connection::open(path)?;
        // WAL: a reader never blocks the writer, and a kill loses at most the open transaction.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Closing would copy the log into the database and sync it twice: every `switchboard
        // run` would pay that. The log is copied when it grows past its limit instead, and
        // the next open reads it as it is.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )?;
        Self::migrate(conn)
    }

    pub fn in_memory() -> Result<Self, LedgerError> {
        Self::migrate(Connection::open_in_memory()?)
    }

    fn migrate(mut conn: Connection) -> Result<Self, LedgerError> {
        let done: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i + 1)?;
            tx.commit()?;
        }
        Ok(Self { conn })
    }

    pub fn record(&self, r: &SpendRecord) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO spend (at, day, provider, model, served_model, served_provider,
                prompt_tokens, completion_tokens, cost, reported, status, generation_id, purpose)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                r.at,
                r.day.format("%Y-%m-%d").to_string(),
                r.provider,
                r.model,
                r.served_model,
                r.served_provider,
                r.prompt_tokens.map(|n| n as i64),
                r.completion_tokens as i64,
                r.cost,
                r.reported,
                r.status,
                r.generation_id,
                r.purpose.name(),
            ],
        )?;
        Ok(())
    }

    /// Spend on `day` and in its month.
    pub fn totals(&self, day: NaiveDate) -> Result<(f64, f64), LedgerError> {
        let d = day.format("%Y-%m-%d").to_string();
        let month_start = format!("{:04}-{:02}-01", day.year(), day.month());
        let (day_total, month_total) = self.conn.query_row(
            "SELECT COALESCE(SUM(CASE WHEN day = ?1 THEN cost END), 0),
                    COALESCE(SUM(cost), 0)
             FROM spend WHERE day >= ?2 AND day <= ?3",
            params![
                d,
                month_start,
                format!("{:04}-{:02}-31", day.year(), day.month())
            ],
            |r| Ok((r.get::<_, f64>(0)?, r.get::<_, f64>(1)?)),
        )?;
        Ok((day_total, month_total))
    }

    /// Spend per model over the last `days` days up to `today`, and per day over them.
    pub fn breakdown(&self, today: NaiveDate, days: u32) -> Result<Breakdown, LedgerError> {
        let since = today
            .checked_sub_days(chrono::Days::new(u64::from(days.saturating_sub(1))))
            .unwrap_or(today)
            .format("%Y-%m-%d")
            .to_string();
        let mut by_model = Vec::new();
        let mut stmt = self.conn.prepare(
            "SELECT COALESCE(served_model, model)
                    || CASE WHEN purpose = 'judge' THEN ' (judge)' ELSE '' END,
                    COALESCE(SUM(cost), 0), COUNT(*)
             FROM spend WHERE day >= ?1 GROUP BY 1 ORDER BY 2 DESC, 1",
        )?;
        for row in stmt.query_map([&since], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, f64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })? {
            let (m, c, n) = row?;
            by_model.push((m, c, n.max(0) as u64));
        }
        let mut by_day = Vec::new();
        let mut stmt = self.conn.prepare(
            "SELECT day, COALESCE(SUM(cost), 0) FROM spend WHERE day >= ?1 GROUP BY day ORDER BY day",
        )?;
        for row in stmt.query_map([&since], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?))
        })? {
            let (d, c) = row?;
            if let Ok(d) = NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
                by_day.push((d, c));
            }
        }
        Ok(Breakdown { by_model, by_day })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn rec(day: NaiveDate, model: &str, cost: Option<f64>) -> SpendRecord {
        SpendRecord {
            at: 0,
            day,
            provider: "sim".into(),
            model: model.into(),
            served_model: None,
            served_provider: None,
            prompt_tokens: Some(10),
            completion_tokens: 20,
            cost,
            reported: true,
            status: "done".into(),
            generation_id: None,
            purpose: Purpose::Answer,
        }
    }

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn totals_by_day_and_month_across_midnight_and_month_end() {
        let l = Ledger::in_memory().unwrap();
        l.record(&rec(d(2026, 10, 31), "a", Some(1.0))).unwrap();
        l.record(&rec(d(2026, 11, 22), "a", Some(0.25))).unwrap();
        l.record(&rec(d(2026, 11, 23), "b", Some(0.5))).unwrap();
        l.record(&rec(d(2026, 11, 23), "b", None)).unwrap();
        assert_eq!(l.totals(d(2026, 11, 23)).unwrap(), (0.5, 0.75));
        assert_eq!(l.totals(d(2026, 11, 22)).unwrap(), (0.25, 0.75));
        assert_eq!(l.totals(d(2026, 10, 31)).unwrap(), (1.0, 1.0));
        assert_eq!(l.totals(d(2026, 12, 1)).unwrap(), (0.0, 0.0));
    }

    #[test]
    fn survives_reopening_and_migrates_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        {
            let l = Ledger::open(&path).unwrap();
            l.record(&rec(d(2026, 11, 23), "a", Some(0.125))).unwrap();
        }
        // Closed without copying its log into the database: the next open reads it.
        assert!(dir.path().join("history.db-wal").exists());
        let l = Ledger::open(&path).unwrap();
        assert_eq!(l.totals(d(2026, 11, 23)).unwrap(), (0.125, 0.125));
        let v: i64 = l
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        let mode: String = l
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn an_older_database_opens_in_this_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        {
            // A database as the first version left it: only the spend table.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO spend (at, day, provider, model, completion_tokens, cost, reported, status)
                 VALUES (0, '2026-11-01', 'sim', 'a', 20, 0.5, 1, 'done')",
                [],
            )
            .unwrap();
        }
        let l = Ledger::open(&path).unwrap();
        let v: i64 = l
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        assert_eq!(
            l.totals(d(2026, 11, 1)).unwrap().0,
            0.5,
            "old rows are kept"
        );
        let n: i64 = l
            .conn
            .query_row("SELECT COUNT(*) FROM answers", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "new tables exist");
    }

    #[test]
    fn breakdown_per_model_and_day() {
        let l = Ledger::in_memory().unwrap();
        l.record(&rec(d(2026, 11, 1), "old", Some(9.0))).unwrap();
        l.record(&rec(d(2026, 11, 22), "a", Some(0.25))).unwrap();
        l.record(&rec(d(2026, 11, 23), "b", Some(0.5))).unwrap();
        l.record(&rec(d(2026, 11, 23), "a", Some(0.5))).unwrap();
        let b = l.breakdown(d(2026, 11, 23), 7).unwrap();
        assert_eq!(
            b.by_model,
            vec![("a".to_string(), 0.75, 2), ("b".to_string(), 0.5, 1)]
        );
        assert_eq!(
            b.by_day,
            vec![(d(2026, 11, 22), 0.25), (d(2026, 11, 23), 1.0)]
        );
    }

    #[test]
    fn a_judges_spend_counts_in_the_totals_and_shows_apart() {
        let l = Ledger::in_memory().unwrap();
        l.record(&rec(d(2026, 11, 23), "a", Some(0.5))).unwrap();
        let mut judged = rec(d(2026, 11, 23), "a", Some(0.125));
        judged.purpose = Purpose::Judge;
        l.record(&judged).unwrap();
        assert_eq!(l.totals(d(2026, 11, 23)).unwrap(), (0.625, 0.625));
        let b = l.breakdown(d(2026, 11, 23), 7).unwrap();
        assert_eq!(
            b.by_model,
            vec![
                ("a".to_string(), 0.5, 1),
                ("a (judge)".to_string(), 0.125, 1)
            ]
        );
    }
}
