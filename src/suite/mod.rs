//! Test suites: cases (a prompt or messages, variables, assertions) read from a TOML file or
//! JSON lines, checked against every model's answer the same way every time.

pub mod assert;
pub mod junit;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

pub use assert::{Assertion, Check, Kind, Outcome};

#[derive(Clone, Debug, PartialEq)]
pub struct Suite {
    pub description: Option<String>,
    /// The judge for `llm-rubric` assertions, when the suite names one.
    pub judge: Option<String>,
    pub cases: Vec<Case>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub name: String,
    /// The conversation sent: the prompt as one user message, or the case's messages, with
    /// `{{vars}}` filled.
    pub messages: Vec<(String, String)>,
    pub asserts: Vec<Assertion>,
    /// With a threshold the case passes when its weighted score reaches it; without, when
    /// every assertion passes.
    pub threshold: Option<f64>,
    /// Configured tools offered to the model, by name.
    pub tools: Vec<String>,
}

impl Case {
    /// The last user message: what a judge is told was asked.
    pub fn question(&self) -> String {
        self.messages
            .iter()
            .rev()
            .find(|(role, _)| role == "user")
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }

    /// Each assertion's check, and whether the case passed with its weighted score.
    pub fn grade(&self, outcome: &Outcome) -> (Vec<Check>, bool, f64) {
        let checks: Vec<Check> = self.asserts.iter().map(|a| a.check(outcome)).collect();
        let total: f64 = self.asserts.iter().map(|a| a.weight).sum();
        let score = if total > 0.0 {
            checks
                .iter()
                .zip(&self.asserts)
                .map(|(c, a)| c.score * a.weight)
                .sum::<f64>()
                / total
        } else {
            f64::from(u8::from(outcome.answered()))
        };
        let pass = outcome.answered()
            && match self.threshold {
                Some(t) => score >= t,
                None => checks.iter().all(|c| c.pass),
            };
        (checks, pass, score)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSuite {
    description: Option<String>,
    judge: Option<String>,
    #[serde(default)]
    defaults: FileDefaults,
    #[serde(default)]
    cases: Vec<FileCase>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDefaults {
    #[serde(default)]
    vars: BTreeMap<String, Value>,
    #[serde(default, rename = "assert")]
    asserts: Vec<assert::FileAssertion>,
    #[serde(default)]
    tools: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCase {
    name: Option<String>,
    prompt: Option<String>,
    messages: Option<Vec<FileMessage>>,
    #[serde(default)]
    vars: BTreeMap<String, Value>,
    #[serde(default, rename = "assert")]
    asserts: Vec<assert::FileAssertion>,
    threshold: Option<f64>,
    tools: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMessage {
    role: String,
    content: String,
}

/// Reads a suite: JSON lines (`.jsonl`, one case an object) or TOML (anything else).
pub fn read(path: &Path) -> Result<Suite, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let where_ = |line: Option<usize>, e: String| match line {
        Some(n) => format!("{}:{n}: {e}", path.display()),
        None => format!("{}: {e}", path.display()),
    };
    let file = if path.extension().is_some_and(|e| e == "jsonl") {
        let mut cases = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let case: FileCase =
                serde_json::from_str(line).map_err(|e| where_(Some(n + 1), e.to_string()))?;
            cases.push(case);
        }
        FileSuite {
            description: None,
            judge: None,
            defaults: FileDefaults::default(),
            cases,
        }
    } else {
        toml::from_str::<FileSuite>(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            where_(line, e.message().to_string())
        })?
    };
    build(file).map_err(|e| where_(None, e))
}

fn build(file: FileSuite) -> Result<Suite, String> {
    if file.cases.is_empty() {
        return Err("no cases: add [[cases]] with a prompt".into());
    }
    let defaults: Vec<Assertion> = file
        .defaults
        .asserts
        .into_iter()
        .map(Assertion::try_from)
        .collect::<Result<_, _>>()?;
    let mut cases = Vec::new();
    for (i, c) in file.cases.into_iter().enumerate() {
        let name = c.name.unwrap_or_else(|| format!("case {}", i + 1));
        let mut vars: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in file.defaults.vars.iter().chain(&c.vars) {
            let s = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            vars.insert(k.clone(), s);
        }
        let fill = |t: &str| crate::vars::fill(t, &vars).map_err(|e| format!("{name}: {e}"));
        let messages = match (c.prompt, c.messages) {
            (Some(p), None) => vec![("user".to_string(), fill(&p)?)],
            (None, Some(m)) if !m.is_empty() => m
                .into_iter()
                .map(|m| {
                    if !["system", "user", "assistant"].contains(&m.role.as_str()) {
                        return Err(format!(
                            "{name}: role `{}`: it is system, user or assistant",
                            m.role
                        ));
                    }
                    Ok((m.role, fill(&m.content)?))
                })
                .collect::<Result<_, String>>()?,
            (Some(_), Some(_)) => {
                return Err(format!("{name}: give a prompt or messages, not both"))
            }
            _ => return Err(format!("{name}: no prompt")),
        };
        let mut asserts = defaults.clone();
        for a in c.asserts {
            asserts.push(Assertion::try_from(a).map_err(|e| format!("{name}: {e}"))?);
        }
        if let Some(t) = c.threshold {
            if !(0.0..=1.0).contains(&t) {
                return Err(format!("{name}: threshold {t}: it is a score from 0 to 1"));
            }
        }
        cases.push(Case {
            name,
            messages,
            asserts,
            threshold: c.threshold,
            tools: c.tools.unwrap_or_else(|| file.defaults.tools.clone()),
        });
    }
    Ok(Suite {
        description: file.description,
        judge: file.judge,
        cases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(text: &str, ext: &str) -> Result<Suite, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("suite.{ext}"));
        std::fs::write(&path, text).unwrap();
        read(&path)
    }

    #[test]
    fn toml_cases_take_defaults_vars_and_messages() {
        let s = suite(
            r#"
description = "raft"
judge = "sim/judge"
[defaults]
vars = { topic = "raft" }
[[defaults.assert]]
type = "latency"
threshold = 5000

[[cases]]
name = "election"
prompt = "Explain {{topic}} leader election"
threshold = 0.5
[[cases.assert]]
type = "icontains"
value = "leader"
weight = 2

[[cases]]
messages = [{ role = "system", content = "Be brief." }, { role = "user", content = "Why {{topic}}?" }]
vars = { topic = "paxos" }
"#,
            "toml",
        )
        .unwrap();
        assert_eq!(s.judge.as_deref(), Some("sim/judge"));
        assert_eq!(s.cases.len(), 2);
        let c = &s.cases[0];
        assert_eq!(
            c.messages,
            vec![("user".into(), "Explain raft leader election".into())]
        );
        assert_eq!(c.asserts.len(), 2, "the default and its own");
        assert_eq!(c.asserts[1].weight, 2.0);
        assert_eq!(s.cases[1].name, "case 2");
        assert_eq!(s.cases[1].question(), "Why paxos?");
    }

    #[test]
    fn json_lines_are_accepted_and_mistakes_are_placed() {
        let s = suite(
            "{\"prompt\": \"hi\", \"assert\": [{\"type\": \"contains\", \"value\": \"hello\"}]}\n\n{\"prompt\": \"bye\"}\n",
            "jsonl",
        )
        .unwrap();
        assert_eq!(s.cases.len(), 2);
        let e = suite("{\"prompt\": \"hi\"}\n{\"promt\": \"x\"}\n", "jsonl").unwrap_err();
        assert!(e.contains("suite.jsonl:2:"), "{e}");
        let e = suite(
            "[[cases]]\nprompt = \"x\"\n[[cases.assert]]\ntype = \"contians\"\n",
            "toml",
        )
        .unwrap_err();
        assert!(e.contains("unknown assertion `contians`"), "{e}");
        let e = suite("[[cases]]\nprompt = \"{{nope}}\"\n", "toml").unwrap_err();
        assert!(e.contains("nope"), "{e}");
        assert!(suite("description = \"empty\"\n", "toml")
            .unwrap_err()
            .contains("no cases"));
    }
}
