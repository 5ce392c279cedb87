use super::*;

fn texts(src: &str) -> Vec<String> {
    render(src, &Theme::default())
        .iter()
        .map(RLine::text)
        .collect()
}

#[test]
fn blocks_lists_quotes_tables() {
    assert_eq!(
        texts("# Title\n\nSome *text* and `code`.\n\n- one\n- two\n  1. nested\n\n> quoted\n"),
        vec![
            "Title",
            "",
            "Some text and code.",
            "",
            "• one",
            "• two",
            "  1. nested",
            "",
            "│ quoted"
        ]
    );
    assert_eq!(
        texts("| a | bb |\n|---|---:|\n| long cell | 1 |\n"),
        vec![
            "│ a         │ bb │",
            "├───────────┼────┤",
            "│ long cell │  1 │"
        ]
    );
    assert_eq!(
        texts("- [x] done\n- [ ] todo\n"),
        vec!["• ☑ done", "• ☐ todo"]
    );
    assert_eq!(
        texts("see [docs](https://x.dev)\n"),
        vec!["see docs (https://x.dev)"]
    );
}

#[test]
fn code_blocks_have_a_label_and_keep_their_lines() {
    let lines = render(
        "```rust\nfn main() {\n    x();\n}\n```\n",
        &Theme::default(),
    );
    let t: Vec<String> = lines.iter().map(RLine::text).collect();
    assert_eq!(t, vec![" rust ", "fn main() {", "    x();", "}"]);
    assert!(lines[1..].iter().all(|l| l.flow == Flow::Code));
}

#[test]
fn an_unclosed_fence_renders_as_code_so_far() {
    let t = texts("Intro\n\n```python\nprint(1)\nprint(2");
    assert_eq!(t, vec!["Intro", "", " python ", "print(1)", "print(2"]);
}
