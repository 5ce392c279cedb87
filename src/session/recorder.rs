//! The spend ledger and the session history, written on a thread of their own: one
//! connection, in the order things happened, and never on the task that draws.

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::cost::ledger::{Breakdown, Ledger, SpendRecord};

type Reply = Box<dyn FnOnce(Result<Breakdown, String>) + Send>;

enum Command {
    Record(SpendRecord),
    Query(Box<dyn FnOnce(&Connection) + Send>),
    History(super::store::Op),
    Recording(Box<dyn FnOnce(Option<i64>) + Send>),
    Flush(std::sync::mpsc::Sender<()>),
    Breakdown {
        today: NaiveDate,
        days: u32,
        reply: Reply,
    },
}

/// The ledger and the history on their own thread, so the UI task never waits on the disk.
#[derive(Clone)]
pub struct Recorder {
    tx: std::sync::mpsc::Sender<Command>,
}

impl Recorder {
    /// `on_error` hears about writes that failed (a full disk, say).
    pub fn spawn(ledger: Ledger, on_error: impl Fn(String) + Send + 'static) -> Self {
        let (tx, rx) = std::sync::mpsc::channel::<Command>();
        std::thread::spawn(move || {
            let mut history = super::store::Writer::default();
            for cmd in rx {
                match cmd {
                    Command::History(op) => {
                        if let Err(e) = history.apply(ledger.conn(), op) {
                            on_error(format!("history: {e}"));
                        }
                    }
                    Command::Record(r) => {
                        if let Err(e) = ledger.record(&r) {
                            on_error(e.to_string());
                        }
                    }
                    Command::Breakdown { today, days, reply } => {
                        reply(ledger.breakdown(today, days).map_err(|e| e.to_string()));
                    }
                    Command::Query(f) => f(ledger.conn()),
                    Command::Recording(f) => f(history.session()),
                    Command::Flush(done) => {
                        let _ = done.send(());
                    }
                }
            }
        });
        Self { tx }
    }

    /// Tells `f` which session the history is being written to, after every write asked for
    /// before.
    pub fn recording(&self, f: impl FnOnce(Option<i64>) + Send + 'static) {
        let _ = self.tx.send(Command::Recording(Box::new(f)));
    }

    /// Runs `f` on the ledger's thread, with its connection.
    pub fn query(&self, f: impl FnOnce(&Connection) + Send + 'static) {
        let _ = self.tx.send(Command::Query(Box::new(f)));
    }

    pub fn history(&self, op: super::store::Op) {
        let _ = self.tx.send(Command::History(op));
    }

    pub fn record(&self, r: SpendRecord) {
        let _ = self.tx.send(Command::Record(r));
    }

    /// Waits (up to `timeout`) until every record sent so far is written: called on the way
    /// out, so the answers a quit cancelled are still booked.
    pub fn flush(&self, timeout: std::time::Duration) -> bool {
        let (tx, rx) = std::sync::mpsc::channel();
        self.tx.send(Command::Flush(tx)).is_ok() && rx.recv_timeout(timeout).is_ok()
    }

    pub fn breakdown(
        &self,
        today: NaiveDate,
        days: u32,
        reply: impl FnOnce(Result<Breakdown, String>) + Send + 'static,
    ) {
        let _ = self.tx.send(Command::Breakdown {
            today,
            days,
            reply: Box::new(reply),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::ledger::tests::{d, rec};

    #[test]
    fn the_worker_writes_everything_before_flush_returns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let handle = Recorder::spawn(Ledger::open(&path).unwrap(), |e| panic!("{e}"));
        for _ in 0..50 {
            handle.record(rec(d(2026, 11, 23), "a", Some(0.01)));
        }
        assert!(handle.flush(std::time::Duration::from_secs(30)));
        let other = Ledger::open(&path).unwrap();
        let (day, _) = other.totals(d(2026, 11, 23)).unwrap();
        assert!((day - 0.5).abs() < 1e-9, "{day}");
    }
}
