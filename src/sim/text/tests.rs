use super::tokenize::MAX_PIECE_CHARS;
use super::*;

const PROMPT: &str = "How do Rust lifetimes interact with async closures?";

fn fences_balanced(text: &str) -> bool {
    text.lines()
        .filter(|l| l.trim_start().starts_with("```"))
        .count()
        % 2
        == 0
}

#[test]
fn fnv1a_matches_reference_vectors() {
    assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
}

#[test]
fn answers_are_deterministic() {
    let a = answer("sim/swift", PROMPT, Style::Prose, (200, 350));
    let b = answer("sim/swift", PROMPT, Style::Prose, (200, 350));
    assert_eq!(a, b);
    let other = answer(
        "sim/swift",
        "Explain database indexing",
        Style::Prose,
        (200, 350),
    );
    assert_ne!(a, other);
    let other_model = answer("sim/steady", PROMPT, Style::Prose, (200, 350));
    assert_ne!(a, other_model);
}

#[test]
fn topic_words_prefer_long_content_words() {
    assert_eq!(
        topic_words(PROMPT),
        vec!["lifetimes", "interact", "closures"]
    );
    assert!(topic_words("hi").is_empty());
    assert!(topic_words("what is it").is_empty());
}

#[test]
fn answers_mention_the_topic() {
    for (model, style) in [("sim/swift", Style::Prose), ("sim/coder", Style::Code)] {
        let text = answer(model, PROMPT, style, (200, 400));
        assert!(text.contains("lifetimes"), "{model}: {text}");
    }
    let r = reasoning("sim/thinker", PROMPT);
    assert!(r.contains("lifetimes"));
    let pieces = tokenize(&r).len();
    assert!((20..=90).contains(&pieces), "{pieces} reasoning pieces");
}

#[test]
fn answers_are_well_formed_markdown_with_code() {
    for i in 0..40 {
        let prompt = format!("Question {i} about caching strategies and topic{i}");
        for (model, style, target) in [
            ("sim/swift", Style::Prose, (200, 350)),
            ("sim/steady", Style::Prose, (220, 290)),
            ("sim/coder", Style::Code, (360, 440)),
        ] {
            let text = answer(model, &prompt, style, target);
            assert!(fences_balanced(&text), "unbalanced fences:\n{text}");
            let main = &topic_words(&prompt)[0];
            assert!(text.contains(main.as_str()), "{main}: {text}");
            let n = tokenize(&text).len();
            assert!(
                n >= target.0 - 60 && n <= target.1 + 40,
                "{model}: {n} pieces for {target:?}"
            );
            if style == Style::Code {
                let fences = text.lines().filter(|l| l.starts_with("```")).count();
                assert!(fences >= 4, "coder should write several blocks:\n{text}");
            }
        }
    }
}

#[test]
fn prose_answers_usually_include_code_in_several_languages() {
    let mut langs = std::collections::HashSet::new();
    let mut with_code = 0;
    for i in 0..30 {
        let text = answer(
            "sim/swift",
            &format!("prompt {i} networking"),
            Style::Prose,
            (200, 350),
        );
        let opened: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("```"))
            .filter(|l| !l.is_empty())
            .collect();
        if !opened.is_empty() {
            with_code += 1;
        }
        langs.extend(opened.into_iter().map(str::to_owned));
    }
    assert!(with_code >= 20, "only {with_code} answers had code");
    assert!(langs.len() >= 5, "{langs:?}");
}

#[test]
fn tokenize_round_trips_and_splits_long_words() {
    let text = "Hello  world\n\n    indented_identifier_name();\n\tdone \nend";
    let pieces = tokenize(text);
    assert_eq!(pieces.concat(), text);
    assert!(pieces.iter().all(|p| !p.is_empty()));
    assert!(pieces.iter().any(|p| p == "\n"));
    assert!(pieces
        .iter()
        .all(|p| p.trim().chars().count() <= MAX_PIECE_CHARS));
    let sample = answer("sim/coder", PROMPT, Style::Code, (360, 440));
    assert_eq!(tokenize(&sample).concat(), sample);
    assert_eq!(
        tokenize("héllo wörld ünïcödé").concat(),
        "héllo wörld ünïcödé"
    );
}
