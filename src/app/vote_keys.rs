//! Judging a round at the keyboard: after the vote key, the number of the best pane as its
//! title shows it, `=` for a tie or `0` when every answer was bad.

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::notice::{notice, notice_error};
use super::sending::history;
use super::state::{App, VoteEntry};
use crate::judge::Verdict;
use crate::session::store::Op;

/// What the vote key asks for, with the pane numbers there are.
pub(super) fn prompt(app: &App) -> String {
    let n = app.session.panes.len();
    let range = if n <= 1 {
        "1".to_string()
    } else {
        format!("1–{n}")
    };
    let two_digits = if n >= 10 {
        " (1 then Enter for pane 1)"
    } else {
        ""
    };
    format!("judge: {range} the best pane{two_digits} · = a tie · 0 all bad")
}

/// A key typed while a verdict is being entered.
pub(super) fn vote_key(app: &mut App, entry: VoteEntry, key: KeyEvent, fx: &mut Vec<Effect>) {
    let n = app.session.panes.len();
    let digit = match key.code {
        KeyCode::Char(c) => c.to_digit(10).map(|d| d as usize),
        _ => None,
    };
    match (entry, key.code, digit) {
        (VoteEntry::Start, KeyCode::Char('='), _) => vote(app, Verdict::Tie, fx),
        (VoteEntry::Start, _, Some(0)) => vote(app, Verdict::AllBad, fx),
        // A number some longer pane number begins with waits for its second digit.
        (VoteEntry::Start, _, Some(d)) if d * 10 <= n => {
            app.view.vote_pending = Some(VoteEntry::Tens(d));
            let (first, last) = (d * 10, (d * 10 + 9).min(n));
            let more = if last == first {
                format!("0 for pane {first}")
            } else {
                format!("0–{} for panes {first}–{last}", last - first)
            };
            notice(
                app,
                format!("judge: pane {d}… — Enter for pane {d}, {more}"),
            );
        }
        (VoteEntry::Start, _, Some(d)) => winner(app, d, fx),
        (VoteEntry::Tens(d), KeyCode::Enter | KeyCode::Char(' '), _) => winner(app, d, fx),
        (VoteEntry::Tens(d), _, Some(e)) => winner(app, d * 10 + e, fx),
        _ => notice(app, "no vote"),
    }
}

/// A vote for the pane shown as `number` (the slot, which blind judging shuffles).
fn winner(app: &mut App, number: usize, fx: &mut Vec<Effect>) {
    if number == 0 || number > app.session.panes.len() {
        return notice_error(app, format!("no vote: there is no pane {number}"));
    }
    let pane = app.pane_in_slot(number - 1);
    vote(app, Verdict::Winner(pane), fx);
}

/// Records a verdict on the latest round; in blind mode it reveals who was who.
fn vote(app: &mut App, verdict: Verdict, fx: &mut Vec<Effect>) {
    let round = app.session.rounds;
    // The panes that answered this round, in pane order.
    let judged: Vec<usize> = (0..app.session.panes.len())
        .filter(|&i| {
            app.session.panes[i]
                .turns
                .last()
                .is_some_and(|t| t.round == round)
        })
        .collect();
    let models: Vec<String> = judged
        .iter()
        .map(|&i| app.session.panes[i].model.clone())
        .collect();
    let (verdict, winner_pane, text) = match verdict {
        Verdict::Winner(pane) => match judged.iter().position(|&i| i == pane) {
            Some(k) => (
                Verdict::Winner(k),
                Some(pane),
                format!("{} wins round {round}", app.session.panes[pane].model),
            ),
            None => return notice_error(app, "that pane did not answer this round"),
        },
        v @ Verdict::Tie => (v, None, format!("round {round}: a tie")),
        v @ Verdict::AllBad => (v, None, format!("round {round}: all bad")),
    };
    fx.push(history(Op::Vote {
        round,
        verdict: verdict.name().to_string(),
        winner_pane,
        at: app.unix,
    }));
    app.session.votes.retain(|(r, _)| *r != round);
    app.session
        .votes
        .push((round, crate::judge::Vote { models, verdict }));
    notice(app, text);
}
