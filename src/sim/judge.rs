//! `sim/judge`: answers a judge's request in the judge's own schema. It grades an answer by
//! how much of the question it takes up, whether it has shape (a list, a heading, code) and
//! whether it says enough; between two answers whose grades are close it picks the one shown
//! first, as real judges often do, so that asking twice with the order swapped can be seen to
//! cancel the bias.

use serde_json::{json, Value};

/// Grades closer than this are "close": the first shown wins.
const CLOSE: f64 = 0.05;

/// The judge's answer, when the schema asks for a `score` or a `winner`.
pub(crate) fn grade(schema: &Value, prompt: &str) -> Option<Value> {
    let props = schema.get("properties")?;
    let question = section(prompt, "question")?;
    if let Some(score) = props.get("score") {
        let answer = section(prompt, "answer")?;
        let top = score
            .get("maximum")
            .and_then(Value::as_u64)
            .unwrap_or(10)
            .max(1);
        let low = score
            .get("minimum")
            .and_then(Value::as_u64)
            .unwrap_or(1)
            .min(top);
        let m = merit(question, answer);
        let n = low + ((top - low) as f64 * m).round() as u64;
        return Some(json!({"score": n, "reasons": reasons(question, answer, m)}));
    }
    if props.get("winner").is_some() {
        let (a, b) = (section(prompt, "answer_a")?, section(prompt, "answer_b")?);
        let (ma, mb) = (merit(question, a), merit(question, b));
        let (winner, why) = if (ma - mb).abs() < CLOSE {
            (
                "A",
                "The two are close; A reads slightly better.".to_string(),
            )
        } else if ma > mb {
            (
                "A",
                format!("A {}", reasons(question, a, ma).to_lowercase()),
            )
        } else {
            (
                "B",
                format!("B {}", reasons(question, b, mb).to_lowercase()),
            )
        };
        return Some(json!({"winner": winner, "reasons": why}));
    }
    None
}

/// The text between `<tag>` and `</tag>`.
fn section<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find(&format!("</{tag}>"))? + start;
    Some(text[start..end].trim())
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
}

/// 0 to 1: the share of the question's words the answer takes up, whether it has shape, and
/// whether it says enough.
fn merit(question: &str, answer: &str) -> f64 {
    let said = words(answer);
    if said.is_empty() {
        return 0.0;
    }
    let mut asked = words(question);
    asked.sort();
    asked.dedup();
    let coverage = if asked.is_empty() {
        1.0
    } else {
        asked.iter().filter(|w| said.contains(w)).count() as f64 / asked.len() as f64
    };
    let shaped = answer
        .lines()
        .any(|l| l.starts_with('#') || l.starts_with("- ") || l.starts_with("```"));
    let enough = (said.len() as f64 / 120.0).min(1.0);
    0.55 * coverage + 0.2 * f64::from(u8::from(shaped)) + 0.25 * enough
}

fn reasons(question: &str, answer: &str, merit: f64) -> String {
    let said = words(answer);
    let asked = words(question);
    let covered = asked.iter().filter(|w| said.contains(w)).count();
    match merit {
        m if m >= 0.8 => format!(
            "Takes up {covered} of {} points asked about, with structure and enough detail.",
            asked.len()
        ),
        m if m >= 0.5 => format!(
            "Takes up {covered} of {} points asked about; could say more.",
            asked.len()
        ),
        _ => format!(
            "Misses most of what was asked ({covered} of {} points) or says too little.",
            asked.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score_schema() -> Value {
        json!({"properties": {"score": {"type": "integer", "minimum": 1, "maximum": 10}, "reasons": {}}})
    }

    #[test]
    fn a_fuller_answer_scores_higher() {
        let q = "Explain raft leader election timeouts";
        let full = format!(
            "<question>{q}</question><answer>## Raft\n- leader election uses randomized timeouts; {}</answer>",
            "more words here ".repeat(40)
        );
        let thin = format!("<question>{q}</question><answer>It depends.</answer>");
        let (a, b) = (
            grade(&score_schema(), &full).unwrap()["score"]
                .as_u64()
                .unwrap(),
            grade(&score_schema(), &thin).unwrap()["score"]
                .as_u64()
                .unwrap(),
        );
        assert!(
            a > b && (1..=10).contains(&a) && (1..=10).contains(&b),
            "{a} {b}"
        );
    }

    #[test]
    fn close_answers_go_to_the_first_shown() {
        let schema = json!({"properties": {"winner": {}, "reasons": {}}});
        let ask = |a: &str, b: &str| {
            let p = format!(
                "<question>why raft</question><answer_a>{a}</answer_a><answer_b>{b}</answer_b>"
            );
            grade(&schema, &p).unwrap()["winner"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let (x, y) = ("raft elects a leader", "raft elects one leader");
        assert_eq!((ask(x, y), ask(y, x)), ("A".into(), "A".into()));
        let strong =
            "## Why raft\n- raft elects a leader with randomized timeouts and replicates a log";
        assert_eq!(
            (ask(strong, "no"), ask("no", strong)),
            ("A".into(), "B".into())
        );
    }
}
