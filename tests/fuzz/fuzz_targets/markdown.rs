//! Arbitrary text through the markdown renderer, whole and streamed in pieces, then wrapped:
//! no panic, and no control character in what would be drawn.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ratatui::style::Style;
use switchboard::render::line::wrap;
use switchboard::render::markdown::render;
use switchboard::render::stream::MdStream;
use switchboard::theme::Theme;

fuzz_target!(|data: &[u8]| {
    let Some((&width, body)) = data.split_first() else {
        return;
    };
    let src = String::from_utf8_lossy(body);
    let theme = Theme::default();
    let width = usize::from(width % 200) + 1;
    for line in render(&src, &theme) {
        for row in wrap(&line, width, Style::default()) {
            for span in &row.spans {
                assert!(!span.content.contains(['\u{1b}', '\t', '\r']));
            }
        }
    }
    let mut md = MdStream::new();
    let mut grown = String::new();
    // Every 16th piece, as frames sample a stream; each step re-reads the open block, so
    // doing it for every piece would spend the run on quadratic re-reading.
    for (i, piece) in src.split_inclusive(['\n', ' ']).enumerate() {
        grown.push_str(piece);
        if i % 16 == 0 {
            md.advance(&grown, &theme);
            let _ = md.open(&grown, &theme);
        }
    }
    md.advance(&grown, &theme);
    let _ = md.open(&grown, &theme);
    assert!(md.sealed().len() <= 4 * (grown.len() + 4));
});
