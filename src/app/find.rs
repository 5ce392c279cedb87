//! Finding things in the focused pane: `/` and a query (then `n`, `N`), and jumps between the
//! pane's rounds (`[`, `]`) and code blocks (`{`, `}`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use super::search::{find_all, Search};
use super::state::App;
use crate::keymap::Mode;

/// Starts typing a search in the focused pane.
pub fn start(app: &mut App) {
    app.view.search = Some(Search {
        editing: true,
        ..Search::default()
    });
}

/// A key while the query is typed: the find key finds, the cancel key drops the search.
pub fn edit(app: &mut App, key: KeyEvent) {
    let Some(s) = app.view.search.as_mut() else {
        return;
    };
    match app.config.keys.action(Mode::Search, &key) {
        Some("cancel") => app.view.search = None,
        Some("find") => {
            s.editing = false;
            if s.query.is_empty() {
                app.view.search = None;
            } else {
                step(app, true);
            }
        }
        Some("erase") => {
            s.query.pop();
        }
        _ => match key.code {
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                s.query.push(c);
            }
            _ => {}
        },
    }
}

/// The focused pane as it is drawn: its rows as text, its page height, the row it shows from,
/// and where its rounds and code blocks start.
struct Shown {
    texts: Vec<String>,
    page: usize,
    top: usize,
    rounds: Vec<usize>,
    code: Vec<usize>,
}

/// The focused pane as the last frame drew it; `None` when it was not on screen. Its rows
/// are those the frame wrapped, read back from the pane's cache: nothing is wrapped again.
fn rows(app: &App) -> Option<Shown> {
    let pane = app.session.panes.get(app.view.focus)?;
    let page = app.view.drawn.pane(pane.id)?.page.max(1);
    let cache = app.view.transcripts.cache(pane.id);
    let texts = cache.lines(&app.view.theme).texts();
    let (rounds, code) = cache.marks();
    let top = crate::render::transcript::top_line(
        app.view.transcripts.scroll(pane.id),
        texts.len(),
        page,
    );
    Some(Shown {
        texts,
        page,
        top,
        rounds,
        code,
    })
}

/// Shows row `row` of the focused pane near the top of its page.
fn show(app: &mut App, row: usize, total: usize, page: usize) {
    let max_top = total.saturating_sub(page);
    // A line of context above what was looked for.
    let top = row.saturating_sub(1).min(max_top);
    if let Some(id) = app.session.panes.get(app.view.focus).map(|p| p.id) {
        app.view
            .transcripts
            .set_scroll(id, (top < max_top).then_some(top));
    }
}

/// The next (or previous) match after (before) the current one, or from the page shown.
pub fn step(app: &mut App, forward: bool) {
    let Some(query) = app.view.search.as_ref().map(|s| s.query.clone()) else {
        return super::notice::notice_error(app, "no search: / starts one");
    };
    let Some(Shown {
        texts, page, top, ..
    }) = rows(app)
    else {
        return;
    };
    let hits: Vec<usize> = texts
        .iter()
        .enumerate()
        .filter(|(_, t)| !find_all(t, &query).is_empty())
        .map(|(r, _)| r)
        .collect();
    let Some(s) = app.view.search.as_mut() else {
        return;
    };
    let from = s.current.and_then(|c| s.hits.get(c)).copied();
    s.hits = hits;
    if s.hits.is_empty() {
        s.current = None;
        return super::notice::notice_error(app, format!("no match for “{query}”"));
    }
    let next = match (from, forward) {
        (Some(r), true) => s.hits.iter().position(|&h| h > r).unwrap_or(0),
        (Some(r), false) => s
            .hits
            .iter()
            .rposition(|&h| h < r)
            .unwrap_or(s.hits.len() - 1),
        (None, true) => s.hits.iter().position(|&h| h >= top).unwrap_or(0),
        (None, false) => s
            .hits
            .iter()
            .rposition(|&h| h < top + page)
            .unwrap_or(s.hits.len() - 1),
    };
    s.current = Some(next);
    let row = s.hits[next];
    show(app, row, texts.len(), page);
}

/// What to jump between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Round,
    Code,
}

/// Shows the next (or previous) round or code block of the focused pane.
pub fn jump(app: &mut App, mark: Mark, forward: bool) {
    let Some(Shown {
        texts,
        page,
        top,
        rounds,
        code,
    }) = rows(app)
    else {
        return;
    };
    let marks = match mark {
        Mark::Round => rounds,
        Mark::Code => code,
    };
    // The page shows from the row above the mark it was moved to.
    let at = top + usize::from(top > 0);
    let target = if forward {
        marks.iter().copied().find(|&m| m > at)
    } else {
        marks.iter().rev().copied().find(|&m| m < at)
    };
    match target {
        Some(row) => show(app, row, texts.len(), page),
        None => {
            let what = match mark {
                Mark::Round => "round",
                Mark::Code => "code block",
            };
            let dir = if forward { "after" } else { "before" };
            super::notice::notice(app, format!("no {what} {dir} this one"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_case_and_byte_positions() {
        assert_eq!(
            find_all("Ring ring RING", "ring"),
            [(0, 4), (5, 9), (10, 14)]
        );
        assert_eq!(find_all("Ring ring RING", "Ring"), [(0, 4)]);
        assert_eq!(find_all("aaa", "aa"), [(0, 2)]);
        // A character whose lowercase is longer keeps the text's byte positions.
        let t = "İstanbul and istanbul";
        for (a, b) in find_all(t, "stanbul") {
            assert_eq!(&t[a..b], "stanbul");
        }
        assert_eq!(find_all("é ü É", "é"), [(0, 2), (6, 8)]);
        assert!(find_all("abc", "").is_empty());
    }
}
