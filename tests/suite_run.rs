#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `switchboard run --suite`: assertions checked on every model's answers, a judge scoring the
//! rubrics, the pass/fail matrix, exit codes and JUnit XML.

mod common;

use common::{run_cli_json as run, run_home as home, stderr};

use std::path::Path;

use serde_json::Value;

#[test]
fn a_suite_is_checked_on_every_model_with_a_matrix_junit_and_exit_1() {
    let h = home("");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/suites/explainers.toml");
    std::fs::copy(&fixture, h.path().join("suite.toml")).unwrap();
    let (out, rows) = run(
        h.path(),
        &[
            "--suite",
            "suite.toml",
            "-m",
            "sim/swift",
            "-m",
            "sim/down",
            "--junit",
            "junit.xml",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "cases fail: {}", stderr(&out));
    assert_eq!(rows.len(), 6, "three cases, two models");
    for r in &rows {
        let case = r["case"].as_str().unwrap();
        let types: Vec<&str> = r["assertions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["type"].as_str().unwrap())
            .collect();
        assert_eq!(types[0], "latency", "the defaults come first: {r}");
        // Every check is what the assertion says of the text, checked here apart.
        let text = r["text"].as_str().unwrap().to_lowercase();
        for a in r["assertions"].as_array().unwrap() {
            let want = match (a["type"].as_str().unwrap(), r["ok"].as_bool().unwrap()) {
                (_, false) => false,
                ("icontains", _) => text.contains("election"),
                ("not-icontains", _) => !text.contains("sorry"),
                ("icontains-all", _) => text.contains("log") && text.contains("quorum"),
                ("is-json", _) => {
                    serde_json::from_str::<Value>(r["text"].as_str().unwrap()).is_ok()
                }
                (_, true) => continue,
            };
            assert_eq!(a["pass"], want, "{case}: {a}");
        }
        let all = r["assertions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["pass"] == true);
        assert_eq!(r["pass"], all, "{r}");
    }
    // The rubric was scored by the simulator's judge.
    let rubric = rows
        .iter()
        .filter(|r| r["model"] == "sim/swift")
        .flat_map(|r| r["assertions"].as_array().unwrap().clone())
        .find(|a| a["type"] == "llm-rubric")
        .unwrap();
    assert!(rubric["score"].as_f64().unwrap() > 0.0, "{rubric}");
    let err = stderr(&out);
    assert!(err.starts_with("CASE"), "{err}");
    let down = err
        .lines()
        .find(|l| l.starts_with("explains leader election"))
        .unwrap();
    assert!(down.contains("FAIL no answer: 503"), "{err}");
    let passed = rows.iter().filter(|r| r["pass"] == true).count();
    assert!(err.contains(&format!("{passed} of 6 passed")), "{err}");
    assert!(err.contains("judge sim/judge scored the rubrics"), "{err}");

    let xml = std::fs::read_to_string(h.path().join("junit.xml")).unwrap();
    assert!(
        xml.contains(&format!(
            r#"<testsuites name="Explainers" tests="6" failures="{}">"#,
            6 - passed
        )),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 6);
    assert!(
        xml.contains(r#"<testsuite name="sim/down" tests="3" failures="3""#),
        "{xml}"
    );
}

#[test]
fn tool_calls_are_asserted_with_their_arguments_and_a_passing_suite_exits_0() {
    let h = home(
        "[[tools]]\nname = \"get_weather\"\nparameters = { type = \"object\", properties = { city = { type = \"string\" } }, required = [\"city\"] }\nresult = \"sunny\"\n",
    );
    std::fs::write(
        h.path().join("tools.toml"),
        r#"
[[cases]]
name = "calls the weather tool"
prompt = "What is the weather in Oslo?"
tools = ["get_weather"]
[[cases.assert]]
type = "tool-call"
value = { name = "get_weather", arguments = { type = "object", required = ["city"] } }
[[cases.assert]]
type = "finish-reason"
value = "tool_calls"
[[cases.assert]]
type = "not-contains"
value = "sorry"
"#,
    )
    .unwrap();
    let (out, rows) = run(h.path(), &["--suite", "tools.toml", "-m", "sim/tooler"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(rows[0]["tool_calls"][0]["name"], "get_weather");
    assert_eq!(rows[0]["pass"], true);
    let (out, rows) = run(h.path(), &["--suite", "tools.toml", "-m", "sim/swift"]);
    assert_eq!(out.status.code(), Some(1));
    let why = &rows[0]["assertions"][0]["reason"];
    assert_eq!(why, "no call of get_weather (made: none)");
}

#[test]
fn bad_suites_and_flags_are_told_before_anything_is_sent() {
    let h = home("");
    std::fs::write(
        h.path().join("bad.toml"),
        "[[cases]]\nprompt = \"x\"\n[[cases.assert]]\ntype = \"contians\"\nvalue = \"y\"\n",
    )
    .unwrap();
    let out = common::run_cli(h.path(), &["--suite", "bad.toml", "-m", "sim/swift"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad.toml: case 1: unknown assertion `contians`"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        h.path().join("tool.toml"),
        "[[cases]]\nprompt = \"x\"\ntools = [\"nope\"]\n",
    )
    .unwrap();
    let out = common::run_cli(h.path(), &["--suite", "tool.toml", "-m", "sim/swift"]);
    assert!(stderr(&out).contains("no tool `nope`"), "{}", stderr(&out));
    let out = common::run_cli(
        h.path(),
        &["-p", "x", "-m", "sim/swift", "--junit", "j.xml"],
    );
    assert!(stderr(&out).contains("--junit needs --suite"));
    assert!(!h.path().join("history.db").exists(), "nothing was sent");
}
