use super::*;

const DOC: &str = "# Plan\n\nFirst a paragraph with **bold** text.\n\n- one\n- two\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nThe end.\n";

#[test]
fn taking_sealed_lines_as_they_come_changes_nothing() {
    let theme = Theme::default();
    let mut kept = MdStream::new();
    let mut taken = MdStream::new();
    let mut lines = Vec::new();
    for end in 1..=DOC.len() {
        if !DOC.is_char_boundary(end) {
            continue;
        }
        kept.advance(&DOC[..end], &theme);
        taken.advance(&DOC[..end], &theme);
        lines.extend(taken.take_sealed().iter().map(RLine::text));
    }
    let open: Vec<String> = taken.open(DOC, &theme).iter().map(RLine::text).collect();
    lines.extend(open);
    assert_eq!(lines, all_text(&kept, DOC, &theme));
}

fn all_text(s: &MdStream, src: &str, theme: &Theme) -> Vec<String> {
    s.sealed()
        .iter()
        .chain(s.open(src, theme).iter())
        .map(RLine::text)
        .collect()
}

#[test]
fn streaming_at_every_cut_ends_where_a_one_shot_render_does() {
    let theme = Theme::default();
    let whole: Vec<String> = render(DOC, &theme).iter().map(RLine::text).collect();
    for step in [1, 3, 7, 50] {
        let mut s = MdStream::new();
        let mut end = 0;
        while end < DOC.len() {
            end = (end + step).min(DOC.len());
            while !DOC.is_char_boundary(end) {
                end += 1;
            }
            s.advance(&DOC[..end], &theme);
            // Mid-stream the layout holds: a view can always be built.
            let _ = all_text(&s, &DOC[..end], &theme);
        }
        assert_eq!(all_text(&s, DOC, &theme), whole, "step {step}");
    }
}

/// Lines with their spans merged where the style does not change: what a span boundary
/// cannot show on screen.
pub(crate) fn merged(lines: &[RLine]) -> Vec<RLine> {
    lines
        .iter()
        .map(|l| {
            let mut spans: Vec<ratatui::text::Span<'static>> = Vec::new();
            for s in &l.spans {
                if s.content.is_empty() {
                    continue;
                }
                match spans.last_mut() {
                    Some(last) if last.style == s.style => {
                        last.content = format!("{}{}", last.content, s.content).into();
                    }
                    _ => spans.push(s.clone()),
                }
            }
            RLine { spans, ..l.clone() }
        })
        .collect()
}

/// Streams `doc` in pieces of `step` bytes; at every piece the open block in parts must
/// be the open block rendered whole. Returns the share of frames that kept lines from an
/// earlier frame.
fn parts_match_whole(doc: &str, step: usize) -> f64 {
    let theme = Theme::default();
    let mut s = MdStream::new();
    let mut end = 0;
    let (mut frames, mut kept) = (0, 0);
    while end < doc.len() {
        end = (end + step).min(doc.len());
        while !doc.is_char_boundary(end) {
            end += 1;
        }
        let src = &doc[..end];
        s.advance(src, &theme);
        let whole = merged(&s.open(src, &theme));
        let open = s.open_parts(src, &theme);
        frames += 1;
        if open.gen != 0 && (!open.lines.is_empty() || open.table.is_some()) {
            kept += 1;
        }
        let parts = merged(&open.flatten());
        assert_eq!(parts, whole, "at byte {end} of {doc:?}");
    }
    f64::from(kept) / f64::from(frames)
}

#[test]
fn an_open_paragraph_in_parts_is_the_paragraph_whole() {
    let mut doc = String::from("Intro.\n\n");
    for i in 0..60 {
        doc.push_str(&format!(
            "Word{i} with **bold {i}** and `code {i}` and a [link](http://x/{i}) plus _it_ "
        ));
        if i % 7 == 0 {
            doc.push_str("end of line\n");
        }
        if i % 11 == 0 {
            doc.push_str("hard break  \n");
        }
        if i % 13 == 0 {
            doc.push_str("2 * 3 = 6 and snake_case and ~strike~ ");
        }
    }
    for step in [1, 2, 5, 17, 64] {
        let kept = parts_match_whole(&doc, step);
        assert!(kept > 0.9, "step {step}: {kept}");
    }
}

#[test]
fn an_open_table_in_parts_is_the_table_whole() {
    let mut doc = String::from("Intro.\n\n| name | **score** | note |\n|:--|--:|:-:|\n");
    for i in 0..80 {
        doc.push_str(&format!("| row {i} | {} | *n{i}* `c` |\n", i * 37 % 1000));
        if i == 40 {
            doc.push_str("| a much wider cell than any before it | 1 |\n");
        }
    }
    doc.push_str("| last | 2");
    for step in [1, 3, 16, 100] {
        let kept = parts_match_whole(&doc, step);
        assert!(kept > 0.9, "step {step}: {kept}");
    }
}

#[test]
fn code_lines_are_sealed_as_they_arrive() {
    let theme = Theme::default();
    let mut s = MdStream::new();
    let src = "```python\nx = 1\ny = 2\nz = ";
    s.advance(src, &theme);
    let sealed: Vec<String> = s.sealed().iter().map(RLine::text).collect();
    assert_eq!(sealed, vec![" python ", "x = 1", "y = 2"]);
    assert_eq!(
        s.open(src, &theme)
            .iter()
            .map(RLine::text)
            .collect::<Vec<_>>(),
        vec!["z = "]
    );
}

#[test]
fn bare_json_shows_as_json_code_and_fenced_json_as_markdown() {
    let theme = Theme::default();
    let src = "{\n  \"city\": \"Oslo\",\n  \"temp\": 8\n}";
    let mut s = MdStream::code("json");
    let mut w = MdStream::code("json");
    w.advance("`", &theme);
    assert!(w.sealed().is_empty(), "one backtick cannot tell yet");
    s.advance("{", &theme);
    assert_eq!(s.sealed().len(), 1, "a brace can: the code label is out");
    s.advance(src, &theme);
    let sealed: Vec<String> = s.sealed().iter().map(RLine::text).collect();
    assert_eq!(
        sealed,
        vec![" json ", "{", "  \"city\": \"Oslo\",", "  \"temp\": 8"]
    );
    let open: Vec<String> = s.open(src, &theme).iter().map(RLine::text).collect();
    assert_eq!(open, vec!["}"]);

    let fenced = "```json\n{\"a\": 1}\n```\n";
    let mut f = MdStream::code("json");
    f.advance(fenced, &theme);
    let lines: Vec<String> = f.sealed().iter().map(RLine::text).collect();
    assert_eq!(lines[..2], [" json ".to_string(), "{\"a\": 1}".to_string()]);
}

#[test]
fn code_blocks_are_found_for_copying() {
    let b = code_blocks("Intro\n```rust\nfn a() {}\n```\ntext\n~~~\nplain\n~~~\n```py\nopen");
    assert_eq!(b, vec!["fn a() {}\n", "plain\n", "open\n"]);
}

#[test]
fn reasoning_seals_whole_lines() {
    let mut p = PlainStream::default();
    let style = ratatui::style::Style::default();
    p.advance("one\ntwo\nthr", style);
    assert_eq!(p.sealed().len(), 2);
    assert_eq!(
        p.open("one\ntwo\nthr", style).map(|l| l.text()),
        Some("thr".into())
    );
}
