//! A change of width redoes what the page shows at once and the rest over later frames.

use super::*;
use crate::model::Answer;
use crate::model::{Status, Turn};

/// A long conversation: `turns` rounds of a few hundred words and a code block each.
fn long_pane(turns: u64) -> Pane {
    let mut pane = Pane::new("sim/swift", "sim");
    for request in 1..=turns {
        let mut answer = Answer::new(request, std::time::Instant::now());
        answer.status = Status::Done;
        answer.text = (0..6)
            .map(|p| {
                format!(
                    "Paragraph {p} of answer {request}: {}\n\n",
                    "words that wrap ".repeat(12)
                )
            })
            .collect::<String>()
            + "```rust\nfn main() { println!(\"hi\"); }\n```\n";
        pane.turns.push(Turn {
            round: request,
            prompt: format!("question {request}"),
            tool_results: Vec::new(),
            images: Vec::new(),
            answer,
        });
    }
    pane
}

fn all_rows(cache: &TranscriptCache, theme: &Theme) -> Vec<String> {
    cache.lines(theme).texts()
}

#[test]
fn a_new_width_redoes_the_page_first_and_the_rest_lazily() {
    let theme = Theme::default();
    let pane = long_pane(300);
    let page = 30;
    let mut cache = TranscriptCache::default();
    cache.update_for(&pane, (100, page), None, &theme, false);
    assert_eq!(cache.turns_built(), 300, "a first draw makes every turn");
    assert!(cache.settled());

    let mut fresh = TranscriptCache::default();
    fresh.update(&pane, 70, &theme, false);
    let whole = all_rows(&fresh, &theme);

    // The first frame at the new width: the tail it shows is right, and few turns were made.
    cache.update_for(&pane, (70, page), None, &theme, false);
    let first = cache.turns_built() - 300;
    assert!(first < 100, "{first} turns redone for the first frame");
    assert!(!cache.settled());
    let rows = all_rows(&cache, &theme);
    assert_eq!(
        rows[rows.len() - page..],
        whole[whole.len() - page..],
        "the page shown is wrapped at the new width"
    );

    // The frames after fill in the rest, each turn made once.
    let mut frames = 0;
    while !cache.settled() {
        cache.update_for(&pane, (70, page), None, &theme, false);
        frames += 1;
        assert!(frames < 100, "the rest never settled");
    }
    assert!(frames > 1, "the rest was spread over frames");
    assert_eq!(cache.turns_built(), 600);
    assert_eq!(all_rows(&cache, &theme), whole);
    assert_eq!(cache.total(), whole.len());
}

#[test]
fn a_page_scrolled_up_shows_no_row_of_the_old_width() {
    let theme = Theme::default();
    let pane = long_pane(300);
    let page = 30;
    let mut cache = TranscriptCache::default();
    cache.update_for(&pane, (100, page), None, &theme, false);
    let top = cache.total() / 3;
    cache.update_for(&pane, (60, page), Some(top), &theme, false);
    assert!(!cache.settled());
    let top = top_line(Some(top), cache.total(), page);
    let shown: Vec<&TurnCache> = cache
        .turns
        .iter()
        .filter(|c| c.start < top + page && c.start + c.len > top)
        .collect();
    assert!(!shown.is_empty());
    assert!(
        shown.iter().all(|c| !c.stale),
        "a stale turn is on the page"
    );
    assert!(cache.turns_built() - 300 < 100);
}
