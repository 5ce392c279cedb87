//! Assertions on an answer, named as promptfoo names them where they mean the same: equals,
//! contains, icontains, contains-all, contains-any, icontains-all, icontains-any, regex,
//! starts-with, is-json, latency, cost, finish-reason, llm-rubric. Ours where promptfoo has
//! none: json-schema, ttft, tokens, tool-call. Any of them negated with `not-`, weighted with
//! `weight`, and the measured ones bounded with `threshold`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileAssertion {
    #[serde(rename = "type")]
    kind: String,
    value: Option<Value>,
    threshold: Option<f64>,
    weight: Option<f64>,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Equals(String),
    Contains(String),
    Icontains(String),
    ContainsAll(Vec<String>),
    ContainsAny(Vec<String>),
    IcontainsAll(Vec<String>),
    IcontainsAny(Vec<String>),
    Regex(regex::Regex),
    StartsWith(String),
    /// Valid JSON, and valid against the schema when one is given.
    IsJson(Option<Value>),
    /// Total time at most `threshold` ms.
    Latency,
    /// Time to first token at most `threshold` ms.
    Ttft,
    /// At most `threshold` USD.
    Cost,
    /// At most `threshold` completion tokens.
    Tokens,
    FinishReason(String),
    /// A call of the tool `name`, its arguments valid against `schema` when given.
    ToolCall {
        name: String,
        schema: Option<Value>,
    },
    /// A judge scores the answer against this rubric; it passes at `threshold` (0 to 1, 0.5
    /// by default) of the judge's scale.
    LlmRubric(String),
}

#[derive(Clone, Debug)]
pub struct Assertion {
    pub kind: Kind,
    pub negate: bool,
    pub threshold: Option<f64>,
    pub weight: f64,
    /// As written: `not-icontains`.
    pub name: String,
}

impl PartialEq for Assertion {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.negate == other.negate
            && self.threshold == other.threshold
            && self.weight == other.weight
            && format!("{:?}", self.kind) == format!("{:?}", other.kind)
    }
}

/// What an answer came to, for the assertions.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub text: String,
    /// It failed: why.
    pub error: Option<String>,
    pub ttft_ms: Option<u64>,
    pub elapsed_ms: Option<u64>,
    pub cost: Option<f64>,
    pub completion_tokens: Option<u64>,
    pub finish_reason: Option<String>,
    /// The tool calls made: name and arguments as sent.
    pub tool_calls: Vec<(String, String)>,
    /// A judge's verdict by rubric: the score as a share of the scale with reasons, or why
    /// there is none.
    pub rubrics: BTreeMap<String, Result<(f64, String), String>>,
}

impl Outcome {
    pub fn answered(&self) -> bool {
        self.error.is_none()
    }
}

/// One assertion on one answer.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Check {
    #[serde(rename = "type")]
    pub name: String,
    pub pass: bool,
    /// 0 to 1; a rubric's is the judge's score on its scale.
    pub score: f64,
    /// What was found, in a few words (for a failure, what was wrong).
    pub reason: String,
}

fn text_of(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

impl TryFrom<FileAssertion> for Assertion {
    type Error = String;

    fn try_from(f: FileAssertion) -> Result<Self, String> {
        let (negate, base) = match f.kind.strip_prefix("not-") {
            Some(b) => (true, b.to_string()),
            None => (false, f.kind.clone()),
        };
        let need = |what: &str| -> Result<&Value, String> {
            f.value
                .as_ref()
                .ok_or_else(|| format!("`{}` needs a value: {what}", f.kind))
        };
        let string = |what: &str| need(what).map(text_of);
        let list = |what: &str| -> Result<Vec<String>, String> {
            match need(what)? {
                Value::Array(items) if !items.is_empty() => Ok(items.iter().map(text_of).collect()),
                _ => Err(format!("`{}` needs a list of strings", f.kind)),
            }
        };
        let limit = |unit: &str| {
            f.threshold
                .filter(|t| *t >= 0.0)
                .map(|_| ())
                .ok_or_else(|| format!("`{}` needs a threshold ({unit})", f.kind))
        };
        let kind = match base.as_str() {
            "equals" => Kind::Equals(string("the expected answer")?),
            "contains" => Kind::Contains(string("the text to find")?),
            "icontains" => Kind::Icontains(string("the text to find")?),
            "contains-all" => Kind::ContainsAll(list("the texts")?),
            "contains-any" => Kind::ContainsAny(list("the texts")?),
            "icontains-all" => Kind::IcontainsAll(list("the texts")?),
            "icontains-any" => Kind::IcontainsAny(list("the texts")?),
            "regex" => {
                let p = string("a pattern")?;
                Kind::Regex(regex::Regex::new(&p).map_err(|e| format!("regex `{p}`: {e}"))?)
            }
            "starts-with" => Kind::StartsWith(string("the start")?),
            "is-json" | "json-schema" => {
                let schema = f.value.clone();
                if base == "json-schema" && schema.is_none() {
                    return Err("`json-schema` needs a value: the schema".into());
                }
                if let Some(s) = &schema {
                    jsonschema::validator_for(s)
                        .map_err(|e| format!("`{}`: not a valid JSON Schema: {e}", f.kind))?;
                }
                Kind::IsJson(schema)
            }
            "latency" => {
                limit("milliseconds")?;
                Kind::Latency
            }
            "ttft" => {
                limit("milliseconds")?;
                Kind::Ttft
            }
            "cost" => {
                limit("USD")?;
                Kind::Cost
            }
            "tokens" => {
                limit("completion tokens")?;
                Kind::Tokens
            }
            "finish-reason" => Kind::FinishReason(string("the reason, e.g. stop")?),
            "tool-call" => match need("the tool's name, or {name, arguments}")? {
                Value::String(name) => Kind::ToolCall {
                    name: name.clone(),
                    schema: None,
                },
                Value::Object(o) => Kind::ToolCall {
                    name: o
                        .get("name")
                        .and_then(Value::as_str)
                        .ok_or("`tool-call` needs the tool's name")?
                        .to_string(),
                    schema: o.get("arguments").cloned(),
                },
                _ => return Err("`tool-call` needs the tool's name, or {name, arguments}".into()),
            },
            "llm-rubric" => {
                if let Some(t) = f.threshold {
                    if !(0.0..=1.0).contains(&t) {
                        return Err(format!(
                            "`llm-rubric` threshold {t}: a share of the judge's scale, 0 to 1"
                        ));
                    }
                }
                Kind::LlmRubric(string("the rubric")?)
            }
            _ => return Err(format!("unknown assertion `{}`", f.kind)),
        };
        let weight = f.weight.unwrap_or(1.0);
        if !(weight >= 0.0 && weight.is_finite()) {
            return Err(format!(
                "`{}`: weight {weight} is not a positive number",
                f.kind
            ));
        }
        Ok(Assertion {
            kind,
            negate,
            threshold: f.threshold,
            weight,
            name: f.kind,
        })
    }
}

fn short(s: &str) -> String {
    let s: String = s.chars().take(40).collect();
    format!("{s:?}")
}

impl Assertion {
    pub fn check(&self, o: &Outcome) -> Check {
        let (pass, score, reason) = match (&o.error, self.raw(o)) {
            (Some(e), _) => (false, 0.0, format!("no answer: {e}")),
            (None, (pass, score, reason)) => {
                if self.negate {
                    (!pass, 1.0 - score, reason)
                } else {
                    (pass, score, reason)
                }
            }
        };
        Check {
            name: self.name.clone(),
            pass,
            score,
            reason,
        }
    }

    /// Before negation: whether it holds, its score and what was found.
    fn raw(&self, o: &Outcome) -> (bool, f64, String) {
        let t = &o.text;
        let yes = |b: bool, found: String| (b, f64::from(u8::from(b)), found);
        let has = |needle: &str, fold: bool| {
            if fold {
                t.to_lowercase().contains(&needle.to_lowercase())
            } else {
                t.contains(needle)
            }
        };
        let under = |v: Option<f64>, unit: &str| -> (bool, f64, String) {
            let limit = self.threshold.unwrap_or(0.0);
            match v {
                Some(v) => yes(
                    v <= limit,
                    format!("{v}{unit} against at most {limit}{unit}"),
                ),
                None => (false, 0.0, "not measured".into()),
            }
        };
        match &self.kind {
            Kind::Equals(v) => yes(t.trim() == v.trim(), format!("expected {}", short(v))),
            Kind::Contains(v) => yes(has(v, false), short(v)),
            Kind::Icontains(v) => yes(has(v, true), short(v)),
            Kind::ContainsAll(vs) | Kind::IcontainsAll(vs) => {
                let fold = matches!(self.kind, Kind::IcontainsAll(_));
                let missing: Vec<&String> = vs.iter().filter(|v| !has(v, fold)).collect();
                let found = vs.len() - missing.len();
                let why = match missing.first() {
                    Some(m) => format!("{found} of {}: no {}", vs.len(), short(m)),
                    None => format!("all {}", vs.len()),
                };
                (missing.is_empty(), found as f64 / vs.len() as f64, why)
            }
            Kind::ContainsAny(vs) | Kind::IcontainsAny(vs) => {
                let fold = matches!(self.kind, Kind::IcontainsAny(_));
                let hit = vs.iter().find(|v| has(v, fold));
                yes(
                    hit.is_some(),
                    hit.map_or_else(|| format!("none of {}", vs.len()), |h| short(h)),
                )
            }
            Kind::Regex(r) => yes(r.is_match(t), format!("/{}/", r.as_str())),
            Kind::StartsWith(v) => yes(t.trim_start().starts_with(v.as_str()), short(v)),
            Kind::IsJson(schema) => match crate::tools::check_json(t, schema.as_ref()) {
                Ok(()) => yes(true, "valid JSON".into()),
                Err(e) => yes(false, e),
            },
            Kind::Latency => under(o.elapsed_ms.map(|v| v as f64), " ms"),
            Kind::Ttft => under(o.ttft_ms.map(|v| v as f64), " ms"),
            Kind::Cost => under(o.cost, " USD"),
            Kind::Tokens => under(o.completion_tokens.map(|v| v as f64), " tokens"),
            Kind::FinishReason(v) => yes(
                o.finish_reason.as_deref() == Some(v.as_str()),
                format!(
                    "{} against {v}",
                    o.finish_reason.as_deref().unwrap_or("none")
                ),
            ),
            Kind::ToolCall { name, schema } => {
                let calls: Vec<&(String, String)> =
                    o.tool_calls.iter().filter(|(n, _)| n == name).collect();
                if calls.is_empty() {
                    let made: Vec<&str> = o.tool_calls.iter().map(|(n, _)| n.as_str()).collect();
                    return yes(
                        false,
                        format!(
                            "no call of {name} (made: {})",
                            if made.is_empty() {
                                "none".into()
                            } else {
                                made.join(", ")
                            }
                        ),
                    );
                }
                let bad = calls
                    .iter()
                    .find_map(|(_, args)| crate::tools::check_json(args, schema.as_ref()).err());
                match bad {
                    None => yes(true, format!("{name} called")),
                    Some(e) => yes(false, format!("{name}'s arguments: {e}")),
                }
            }
            Kind::LlmRubric(rubric) => match o.rubrics.get(rubric) {
                Some(Ok((share, why))) => {
                    let at = self.threshold.unwrap_or(0.5);
                    (*share >= at, *share, why.clone())
                }
                Some(Err(e)) => (false, 0.0, e.clone()),
                None => (false, 0.0, "not judged".into()),
            },
        }
    }

    /// The rubric a judge must score, for `llm-rubric`.
    pub fn rubric(&self) -> Option<&str> {
        match &self.kind {
            Kind::LlmRubric(r) => Some(r),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(kind: &str, value: Option<Value>, threshold: Option<f64>) -> Assertion {
        Assertion::try_from(FileAssertion {
            kind: kind.into(),
            value,
            threshold,
            weight: None,
        })
        .unwrap()
    }

    fn said(text: &str) -> Outcome {
        Outcome {
            text: text.into(),
            ttft_ms: Some(120),
            elapsed_ms: Some(900),
            cost: Some(0.002),
            completion_tokens: Some(40),
            finish_reason: Some("stop".into()),
            ..Outcome::default()
        }
    }

    #[test]
    fn text_assertions_and_their_negations() {
        let o = said("Raft elects a Leader with randomized timeouts.");
        let s = |v: &str| Some(Value::String(v.into()));
        let list = |v: &[&str]| Some(serde_json::json!(v));
        for (kind, value, want) in [
            ("contains", s("Leader"), true),
            ("contains", s("leader"), false),
            ("icontains", s("leader"), true),
            ("not-icontains", s("paxos"), true),
            ("contains-all", list(&["Raft", "timeouts"]), true),
            ("icontains-all", list(&["raft", "quorum"]), false),
            ("contains-any", list(&["quorum", "Raft"]), true),
            ("icontains-any", list(&["QUORUM", "PAXOS"]), false),
            ("regex", s(r"random\w+"), true),
            ("starts-with", s("Raft"), true),
            (
                "equals",
                s("Raft elects a Leader with randomized timeouts."),
                true,
            ),
            ("not-equals", s("nope"), true),
            ("is-json", None, false),
            ("not-is-json", None, true),
        ] {
            let c = a(kind, value, None).check(&o);
            assert_eq!(c.pass, want, "{kind}: {c:?}");
            assert_eq!(c.name, kind);
        }
        let partial = a("icontains-all", list(&["raft", "quorum"]), None).check(&o);
        assert_eq!(partial.score, 0.5);
        assert!(partial.reason.contains("no \"quorum\""), "{partial:?}");
    }

    #[test]
    fn measured_assertions_have_thresholds() {
        let o = said("{}");
        assert!(a("latency", None, Some(1000.0)).check(&o).pass);
        assert!(!a("latency", None, Some(500.0)).check(&o).pass);
        assert!(a("ttft", None, Some(200.0)).check(&o).pass);
        assert!(!a("cost", None, Some(0.001)).check(&o).pass);
        assert!(a("tokens", None, Some(40.0)).check(&o).pass);
        assert!(a("finish-reason", Some("stop".into()), None).check(&o).pass);
        let bad = Assertion::try_from(FileAssertion {
            kind: "latency".into(),
            value: None,
            threshold: None,
            weight: None,
        });
        assert!(bad.unwrap_err().contains("needs a threshold"));
        let failed = Outcome {
            error: Some("503".into()),
            ..said("")
        };
        let c = a("not-contains", Some("x".into()), None).check(&failed);
        assert!(
            !c.pass && c.reason.contains("no answer"),
            "a negation does not pass on no answer"
        );
    }

    #[test]
    fn json_schemas_and_tool_calls() {
        let schema = serde_json::json!({"type": "object", "required": ["city"]});
        let json = a("json-schema", Some(schema.clone()), None);
        assert!(json.check(&said(r#"{"city": "Oslo"}"#)).pass);
        assert!(!json.check(&said(r#"{"town": "Oslo"}"#)).pass);
        let call = a(
            "tool-call",
            Some(serde_json::json!({"name": "get_weather", "arguments": schema})),
            None,
        );
        let mut o = said("");
        assert!(call
            .check(&o)
            .reason
            .contains("no call of get_weather (made: none)"));
        o.tool_calls = vec![("get_weather".into(), r#"{"city": "Oslo"}"#.into())];
        assert!(call.check(&o).pass);
        o.tool_calls = vec![("get_weather".into(), r#"{"town": 1}"#.into())];
        assert!(!call.check(&o).pass);
    }

    #[test]
    fn a_rubric_passes_at_its_threshold_of_the_judges_scale() {
        let r = a("llm-rubric", Some("mentions timeouts".into()), Some(0.7));
        let mut o = said("x");
        assert_eq!(r.check(&o).reason, "not judged");
        o.rubrics
            .insert("mentions timeouts".into(), Ok((0.8, "it does".into())));
        let c = r.check(&o);
        assert!(c.pass && (c.score - 0.8).abs() < 1e-12);
        o.rubrics
            .insert("mentions timeouts".into(), Ok((0.6, "barely".into())));
        assert!(!r.check(&o).pass);
        o.rubrics
            .insert("mentions timeouts".into(), Err("judge failed: 503".into()));
        assert!(r.check(&o).reason.starts_with("judge failed"));
    }
}
