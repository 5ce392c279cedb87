//! `switchboard sessions`: list, show, search and export the history from the command line.

use std::path::PathBuf;

use crate::config::paths;
use crate::cost::ledger::Ledger;
use crate::session::export;

pub enum Command {
    /// `json`: an array for scripts, empty when nothing is recorded.
    List {
        json: bool,
    },
    Show {
        id: String,
    },
    Search {
        query: String,
    },
    Export {
        id: String,
        format: String,
        out: Option<PathBuf>,
    },
}

pub fn run(cmd: Command) -> Result<(), String> {
    let path = paths::data_dir().join("history.db");
    // A machine that has recorded nothing yet has no sessions, which is not an error.
    if let (Command::List { json }, false) = (&cmd, path.exists()) {
        print_list(&[], *json)?;
        return Ok(());
    }
    if !path.exists() {
        return Err(format!(
            "no history yet ({} does not exist)",
            path.display()
        ));
    }
    let ledger = Ledger::open(&path).map_err(|e| e.to_string())?;
    let conn = ledger.conn();
    match cmd {
        Command::List { json } => {
            let list = export::list(conn).map_err(|e| e.to_string())?;
            print_list(&list, json)?;
        }
        Command::Show { id } => {
            let id = export::resolve(conn, &id)?;
            let (s, rounds) = load(conn, id)?;
            print!("{}", export::markdown(&s, &rounds));
        }
        Command::Search { query } => {
            let hits = export::search(conn, &query)?;
            if hits.is_empty() {
                println!("nothing found for {query:?}");
            }
            for h in hits {
                println!("session {:>4}  {:<6}  {}", h.session_id, h.kind, h.snippet);
            }
        }
        Command::Export { id, format, out } => {
            let id = export::resolve(conn, &id)?;
            let (s, rounds) = load(conn, id)?;
            let text = match format.as_str() {
                "md" | "markdown" => export::markdown(&s, &rounds),
                "json" => export::json(&s, &rounds)?,
                "csv" => export::csv(&s, &rounds)?,
                other => return Err(format!("unknown format `{other}` (md, json or csv)")),
            };
            match out {
                Some(p) => std::fs::write(&p, text)
                    .map_err(|e| format!("cannot write {}: {e}", p.display()))?,
                None => print!("{text}"),
            }
        }
    }
    Ok(())
}

fn print_list(list: &[export::SessionSummary], json: bool) -> Result<(), String> {
    if json {
        let text = serde_json::to_string_pretty(list).map_err(|e| e.to_string())?;
        println!("{text}");
        return Ok(());
    }
    if list.is_empty() {
        println!("no sessions recorded yet");
    }
    for s in list {
        let when = s.started_label();
        let ws = s
            .workspace
            .as_ref()
            .map(|w| format!(" [{w}]"))
            .unwrap_or_default();
        println!(
            "{:>5}  {when}  {:>3} round{}  {:>10}  {}{ws}",
            s.id,
            s.rounds,
            if s.rounds == 1 { " " } else { "s" },
            crate::cost::money(s.cost),
            s.models.join(", ")
        );
    }
    Ok(())
}

fn load(
    conn: &rusqlite::Connection,
    id: i64,
) -> Result<(export::SessionSummary, Vec<export::RoundRec>), String> {
    export::load(conn, id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no session {id}"))
}
