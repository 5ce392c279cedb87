//! Deterministic answer generation.
//!
//! The same (model id, prompt) pair must always produce the same text, across runs, machines
//! and Rust versions, so the seed comes from a hand-written FNV-1a hash rather than std's
//! `DefaultHasher` (whose algorithm is explicitly unspecified).

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::models::Style;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(FNV_PRIME)
    })
}

/// Seed for one (model, prompt, purpose) triple. The purpose keeps the answer, the reasoning
/// and the chunking from sharing one random sequence, so changing one never shifts the others.
pub(crate) fn seed(model_id: &str, prompt: &str, purpose: &str) -> u64 {
    let mut bytes = Vec::with_capacity(model_id.len() + prompt.len() + purpose.len() + 2);
    bytes.extend_from_slice(model_id.as_bytes());
    // 0xff never occurs in UTF-8, so the fields cannot run into each other.
    bytes.push(0xff);
    bytes.extend_from_slice(purpose.as_bytes());
    bytes.push(0xff);
    bytes.extend_from_slice(prompt.as_bytes());
    fnv1a(&bytes)
}

pub(crate) fn rng_for(model_id: &str, prompt: &str, purpose: &str) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed(model_id, prompt, purpose))
}

const STOPWORDS: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "and",
    "any",
    "are",
    "aren",
    "because",
    "been",
    "before",
    "being",
    "below",
    "best",
    "between",
    "both",
    "but",
    "can",
    "could",
    "describe",
    "did",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "explain",
    "few",
    "for",
    "from",
    "further",
    "get",
    "give",
    "good",
    "had",
    "has",
    "have",
    "having",
    "help",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "into",
    "its",
    "itself",
    "just",
    "know",
    "like",
    "make",
    "more",
    "most",
    "much",
    "need",
    "not",
    "now",
    "off",
    "once",
    "only",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "please",
    "same",
    "say",
    "she",
    "should",
    "show",
    "some",
    "such",
    "tell",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "this",
    "those",
    "through",
    "too",
    "under",
    "until",
    "use",
    "using",
    "very",
    "want",
    "was",
    "way",
    "ways",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "write",
    "you",
    "your",
    "yours",
    // Words about the conversation rather than its subject.
    "answer",
    "brief",
    "briefly",
    "detail",
    "details",
    "difference",
    "example",
    "examples",
    "hello",
    "overview",
    "question",
    "questions",
    "quick",
    "quickly",
    "simple",
    "thanks",
];

/// The prompt's content words, longest first (earlier wins ties), lowercased, at most three.
pub(crate) fn topic_words(prompt: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for raw in prompt.split(|c: char| !c.is_alphanumeric()) {
        let word = raw.to_lowercase();
        if word.chars().count() < 3
            || word.chars().all(|c| c.is_ascii_digit())
            || STOPWORDS.contains(&word.as_str())
            || seen.contains(&word)
        {
            continue;
        }
        seen.push(word);
    }
    // A stable sort keeps first-occurrence order among equally long words.
    seen.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    seen.truncate(3);
    seen
}

/// The words woven into an answer, with identifier forms for code.
struct Topic {
    /// Main topic word, e.g. "lifetimes".
    a: String,
    /// Secondary word, or a generic phrase when the prompt has only one content word.
    b: String,
    /// `snake_case` identifier form of `a`.
    ident: String,
    /// `CamelCase` identifier form of `a`.
    camel: String,
}

impl Topic {
    fn from_prompt(prompt: &str) -> Self {
        let words = topic_words(prompt);
        let a = words
            .first()
            .cloned()
            .unwrap_or_else(|| "this topic".to_owned());
        let b = words
            .get(1)
            .cloned()
            .unwrap_or_else(|| "your project".to_owned());
        let mut ident: String = a
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        if ident.chars().all(|c| c == '_') {
            ident = "topic".to_owned();
        }
        if ident.starts_with(|c: char| c.is_ascii_digit()) {
            ident.insert(0, 'x');
        }
        let camel = ident
            .split('_')
            .filter(|p| !p.is_empty())
            .map(capitalize)
            .collect();
        Topic { a, b, ident, camel }
    }

    fn fill(&self, template: &str) -> String {
        template
            .replace("{A}", &capitalize(&self.a))
            .replace("{a}", &self.a)
            .replace("{B}", &capitalize(&self.b))
            .replace("{b}", &self.b)
            .replace("{id}", &self.ident)
            .replace("{Camel}", &self.camel)
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

const TITLES: &[&str] = &[
    "## {A} at a glance",
    "## Understanding {a}",
    "## A practical guide to {a}",
    "## {A}: what you need to know",
    "## Working with {a} and {b}",
    "## Getting {a} right",
];

const INTROS: &[&str] = &[
    "**{A}** comes up whenever {b} needs to grow beyond a prototype. The short version: keep the core idea small, make the edges explicit, and measure before you optimise.",
    "Good question. {A} is easiest to reason about once you separate *what* it does from *how* it is wired into {b}. Below is an overview, a few concrete tips and a small example.",
    "At its heart, {a} is about trade-offs. You gain clarity and predictability, and you pay for it with a little up-front structure around {b}.",
    "Here is a compact tour of {a}: the mental model first, then the parts of {b} it touches, then code you can adapt.",
];

const BULLETS: &[&str] = &[
    "**Start small**: model the simplest version of {a} first and add cases only when a test demands them.",
    "**Name things clearly**: a type such as `{Camel}` documents intent better than a loose map of strings.",
    "**Keep state local**: the less shared state {b} has, the easier {a} is to change.",
    "**Fail loudly**: return a `Result` (or raise early) instead of silently falling back to defaults.",
    "**Measure**: profile before tuning; most of the cost of {a} is usually in I/O, not computation.",
    "**Document the edges**: what happens with empty input, huge input, or a timeout?",
    "**Automate checks**: a linter plus a handful of property tests catches most regressions in {a}.",
    "**Prefer plain data**: structs and records travel well between {b} and its tools.",
    "**Version your formats**: anything {a} writes to disk will outlive the code that wrote it.",
    "**Be explicit about ownership**: decide who creates, mutates and frees each piece of {b}.",
];

const STEPS: &[&str] = &[
    "Write down the inputs and outputs of {a} in one sentence each.",
    "Sketch the data model, e.g. a `{Camel}` type with only the fields you need today.",
    "Implement the happy path end to end, without error handling.",
    "Add error handling at the boundaries, where {b} talks to the outside world.",
    "Cover the tricky cases with tests: empty, duplicate and very large inputs.",
    "Run it against realistic data and look at the slowest 1% of calls.",
    "Refactor names and module boundaries now that the shape of {a} is clear.",
    "Ship it behind a flag, then remove the flag once it has been stable for a while.",
];

const PARAGRAPHS: &[&str] = &[
    "A common mistake is to treat {a} as a one-off detail. In practice it shapes how {b} is tested, deployed and debugged, so it deserves a clear home in the codebase, usually a small module with a narrow interface.",
    "If performance matters, remember that the fastest {a} is the one that does less work: cache what is expensive, batch what is chatty, and stream what is large instead of loading it all at once.",
    "When something goes wrong, good logs beat clever code. Log the inputs to {a} at debug level, the decisions at info level, and keep the messages greppable, for example `{id}: retrying after timeout`.",
    "It also pays to think about {b} from the user's point of view. A predictable, slightly slower {a} is usually better received than a fast one that surprises people.",
    "Finally, keep an eye on dependencies. Each library you pull in for {a} is code you now maintain, so prefer small, well-understood pieces over large frameworks.",
];

const TIPS: &[&str] = &[
    "> **Tip:** if you can explain {a} to a colleague in two minutes, the design is probably simple enough.",
    "> **Note:** the examples here are deliberately minimal; real {b} code will add logging, metrics and configuration.",
    "> **Watch out:** most {a} bugs hide at boundaries such as time zones, encodings and off-by-one ranges.",
];

const TABLE_ROWS: &[&str] = &[
    "| Correctness | Tests cover empty and malformed {a} input |",
    "| Performance | Hot paths avoid needless allocation |",
    "| Readability | Names say what {b} means, not how it works |",
    "| Operability | Errors carry enough context to act on |",
    "| Security | Untrusted {a} data is validated early |",
    "| Portability | No hidden assumptions about the platform |",
];

const CLOSINGS: &[&str] = &[
    "### Summary\n\n{A} rewards a small, explicit design. Start with the simplest version that works, keep {b} in mind at the boundaries, and let tests tell you when to add complexity.",
    "**In short:** understand the data, keep {a} focused, and measure before optimising. Happy to go deeper into any of the sections above.",
    "### Key takeaways\n\n- Keep {a} small and well named.\n- Make failures visible.\n- Let real usage of {b} guide the next step.",
];

const CODE_INTROS: &[&str] = &[
    "Here is one way to approach {a} in code.",
    "Below are idiomatic sketches of {a} in a few languages, so you can pick whichever matches {b}.",
    "Code first, explanation after: these snippets show the core of {a}.",
];

const CODE_NOTES: &[&str] = &[
    "The {lang} version keeps the core logic in one small function, which makes it easy to test.",
    "In {lang}, the important detail is that errors are surfaced to the caller rather than swallowed.",
    "This {lang} variant favours clarity over cleverness; optimise only once you have measured.",
    "Note how the {lang} code names the concept explicitly (`{Camel}`), which keeps call sites readable.",
];

struct Snippet {
    lang: &'static str,
    label: &'static str,
    code: &'static str,
}

const SNIPPETS: &[Snippet] = &[
    Snippet {
        lang: "rust",
        label: "Rust",
        code: r#"use std::collections::HashMap;

/// Counts how often each {a} key shows up.
#[derive(Debug, Default)]
pub struct {Camel}Index {
    counts: HashMap<String, usize>,
}

impl {Camel}Index {
    pub fn record(&mut self, key: &str) {
        *self.counts.entry(key.to_owned()).or_default() += 1;
    }

    pub fn top(&self, n: usize) -> Vec<(&str, usize)> {
        let mut items: Vec<_> = self.counts.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        items.truncate(n);
        items
    }
}"#,
    },
    Snippet {
        lang: "rust",
        label: "Rust",
        code: r#"fn parse_{id}(input: &str) -> Result<Vec<u32>, std::num::ParseIntError> {
    input.split(',').map(|part| part.trim().parse()).collect()
}

fn main() {
    match parse_{id}("3, 14, 15") {
        Ok(values) => println!("{a}: {values:?}"),
        Err(err) => eprintln!("could not parse {a}: {err}"),
    }
}"#,
    },
    Snippet {
        lang: "python",
        label: "Python",
        code: r#"from dataclasses import dataclass, field
import json


@dataclass
class {Camel}Config:
    name: str = "{a}"
    retries: int = 3
    tags: list[str] = field(default_factory=list)


def load_{id}(path: str) -> {Camel}Config:
    """Read a {a} config, falling back to defaults."""
    try:
        with open(path, encoding="utf-8") as fh:
            return {Camel}Config(**json.load(fh))
    except FileNotFoundError:
        return {Camel}Config()"#,
    },
    Snippet {
        lang: "python",
        label: "Python",
        code: r#"def summarize_{id}(rows):
    totals = {}
    for row in rows:
        totals[row["kind"]] = totals.get(row["kind"], 0) + row["value"]
    return sorted(totals.items(), key=lambda kv: kv[1], reverse=True)


print(summarize_{id}([{"kind": "{a}", "value": 2}, {"kind": "other", "value": 1}]))"#,
    },
    Snippet {
        lang: "typescript",
        label: "TypeScript",
        code: r#"interface {Camel}Options {
  timeoutMs: number;
  retries?: number;
}

export async function fetch{Camel}(url: string, opts: {Camel}Options): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const res = await fetch(url, { signal: controller.signal });
    if (!res.ok) throw new Error(`{a} request failed: ${res.status}`);
    return await res.json();
  } finally {
    clearTimeout(timer);
  }
}"#,
    },
    Snippet {
        lang: "javascript",
        label: "JavaScript",
        code: r#"const cache = new Map();

export function memo{Camel}(key, compute) {
  if (!cache.has(key)) {
    cache.set(key, compute(key));
  }
  return cache.get(key);
}

console.log(memo{Camel}("{a}", (k) => k.length));"#,
    },
    Snippet {
        lang: "bash",
        label: "Bash",
        code: r#"#!/usr/bin/env bash
set -euo pipefail

# Collect {a} logs from the last hour and count the most common errors.
LOG_DIR="${LOG_DIR:-/var/log/{id}}"
find "$LOG_DIR" -name '*.log' -mmin -60 -print0 \
  | xargs -0 grep -h "ERROR" \
  | sort | uniq -c | sort -rn | head -n 10"#,
    },
    Snippet {
        lang: "sql",
        label: "SQL",
        code: r#"-- Most active {a} entries over the last 30 days
SELECT t.name,
       COUNT(*)          AS events,
       MAX(e.created_at) AS last_seen
FROM {id}_items AS t
JOIN events AS e ON e.item_id = t.id
WHERE e.created_at >= NOW() - INTERVAL '30 days'
GROUP BY t.name
ORDER BY events DESC
LIMIT 10;"#,
    },
    Snippet {
        lang: "go",
        label: "Go",
        code: r#"package main

import (
	"fmt"
	"sync"
)

func count{Camel}(items []string) map[string]int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counts := make(map[string]int)
	for _, item := range items {
		wg.Add(1)
		go func(s string) {
			defer wg.Done()
			mu.Lock()
			counts[s]++
			mu.Unlock()
		}(item)
	}
	wg.Wait()
	return counts
}

func main() {
	fmt.Println(count{Camel}([]string{"{a}", "{a}", "other"}))
}"#,
    },
];

fn pick(rng: &mut ChaCha8Rng, items: &[&'static str]) -> &'static str {
    items[rng.gen_range(0..items.len())]
}

/// `count` distinct items, in random order.
fn pick_some<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T], count: usize) -> Vec<&'a T> {
    let mut refs: Vec<&T> = items.iter().collect();
    refs.shuffle(rng);
    refs.truncate(count);
    refs
}

fn code_block(topic: &Topic, snippet: &Snippet) -> String {
    format!("```{}\n{}\n```", snippet.lang, topic.fill(snippet.code))
}

#[derive(Clone, Copy)]
enum Section {
    Bullets,
    Steps,
    Code,
    Table,
    Tip,
    Paragraph,
}

const CODE_LEADS: &[&str] = &[
    "### Example\n\nA minimal {LANG} sketch:",
    "### In code\n\nHere is how {a} might look in {LANG}:",
    "### Another angle\n\nThe same idea in {LANG}:",
    "### A quick example\n\nThe following {LANG} snippet shows the idea:",
];

/// Renders sections for one answer, remembering what it already used so an answer never
/// repeats a snippet language or a section lead.
struct Composer {
    topic: Topic,
    rng: ChaCha8Rng,
    snippets: Vec<&'static Snippet>,
    code_lead: usize,
}

impl Composer {
    fn new(topic: Topic, mut rng: ChaCha8Rng) -> Self {
        let mut snippets = pick_some(&mut rng, SNIPPETS, SNIPPETS.len());
        let mut langs_seen = Vec::new();
        snippets.retain(|s| {
            if langs_seen.contains(&s.lang) {
                false
            } else {
                langs_seen.push(s.lang);
                true
            }
        });
        let code_lead = rng.gen_range(0..CODE_LEADS.len());
        Composer {
            topic,
            rng,
            snippets,
            code_lead,
        }
    }

    fn fill_pick(&mut self, items: &[&'static str]) -> String {
        let item = pick(&mut self.rng, items);
        self.topic.fill(item)
    }

    /// The next snippet whose block fits in `budget` pieces, else the shortest one left.
    fn take_snippet(&mut self, budget: usize) -> Option<&'static Snippet> {
        let sizes: Vec<usize> = self
            .snippets
            .iter()
            .map(|s| tokenize(&code_block(&self.topic, s)).len())
            .collect();
        let index = sizes
            .iter()
            .rposition(|n| *n <= budget)
            .or_else(|| (0..sizes.len()).min_by_key(|i| sizes[*i]))?;
        Some(self.snippets.remove(index))
    }

    /// Renders one section; `budget` (in pieces) steers which code snippet is used.
    fn render(&mut self, section: Section, budget: usize) -> String {
        match section {
            Section::Bullets => {
                let n = self.rng.gen_range(3..=5);
                let heading = pick(
                    &mut self.rng,
                    &["### Key points", "### What matters most", "### Guidelines"],
                );
                let items: Vec<String> = pick_some(&mut self.rng, BULLETS, n)
                    .into_iter()
                    .map(|b| format!("- {}", self.topic.fill(b)))
                    .collect();
                format!("{heading}\n\n{}", items.join("\n"))
            }
            Section::Steps => {
                let n = self.rng.gen_range(3..=5);
                let heading = self.fill_pick(&[
                    "### Step by step",
                    "### A workable plan",
                    "### How to approach {a}",
                ]);
                // Steps read best in their natural order, so take a window rather than a shuffle.
                let start = self.rng.gen_range(0..=STEPS.len() - n);
                let items: Vec<String> = STEPS[start..start + n]
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!("{}. {}", i + 1, self.topic.fill(s)))
                    .collect();
                format!("{heading}\n\n{}", items.join("\n"))
            }
            Section::Code => match self.take_snippet(budget) {
                Some(snippet) => {
                    let lead = self
                        .topic
                        .fill(CODE_LEADS[self.code_lead % CODE_LEADS.len()])
                        .replace("{LANG}", snippet.label);
                    self.code_lead += 1;
                    format!("{lead}\n\n{}", code_block(&self.topic, snippet))
                }
                None => self.fill_pick(PARAGRAPHS),
            },
            Section::Table => {
                let rows: Vec<String> = pick_some(&mut self.rng, TABLE_ROWS, 3)
                    .into_iter()
                    .map(|r| self.topic.fill(r))
                    .collect();
                format!(
                    "### Checklist\n\n| Aspect | What to look for |\n|---|---|\n{}",
                    rows.join("\n")
                )
            }
            Section::Tip => self.fill_pick(TIPS),
            Section::Paragraph => self.fill_pick(PARAGRAPHS),
        }
    }

    /// Code style: one heading, block and note per language.
    fn render_code_entry(&mut self) -> Option<String> {
        let snippet = self.snippets.pop()?;
        let note = self.fill_pick(CODE_NOTES).replace("{lang}", snippet.label);
        Some(format!(
            "### {}\n\n{}\n\n{note}",
            snippet.label,
            code_block(&self.topic, snippet)
        ))
    }
}

/// Generates the markdown answer for `prompt`, aiming for a length (in token pieces) inside
/// the inclusive `target` range.
pub(crate) fn answer(model_id: &str, prompt: &str, style: Style, target: (usize, usize)) -> String {
    let mut rng = rng_for(model_id, prompt, "answer");
    let (lo, hi) = (target.0.min(target.1), target.0.max(target.1));
    let goal = rng.gen_range(lo..=hi);
    let mut c = Composer::new(Topic::from_prompt(prompt), rng);

    let mut parts: Vec<String> = Vec::new();
    let closing = c.fill_pick(CLOSINGS);
    // Budget for the body, so the closing still fits inside the range.
    let closing_len = count_tokens(std::slice::from_ref(&closing));
    let body_goal = goal.saturating_sub(closing_len);
    let body_max = hi.saturating_sub(closing_len);

    let mut plan: Vec<Section> = match style {
        Style::Prose => {
            parts.push(c.fill_pick(TITLES));
            parts.push(c.fill_pick(INTROS));
            let mut plan = vec![Section::Bullets, Section::Steps, Section::Paragraph];
            if c.rng.gen_bool(0.4) {
                plan.push(Section::Table);
            }
            if c.rng.gen_bool(0.5) {
                plan.push(Section::Tip);
            }
            plan.shuffle(&mut c.rng);
            // Every prose answer gets one code block early on (it is always kept), and a
            // second one later if the length allows.
            let at = c.rng.gen_range(0..=1);
            plan.insert(at, Section::Code);
            let later = (at + 2 + c.rng.gen_range(0..=1)).min(plan.len());
            plan.insert(later, Section::Code);
            plan
        }
        Style::Code => {
            parts.push(c.fill_pick(CODE_INTROS));
            while let Some(entry) = c.render_code_entry() {
                let have = count_tokens(&parts);
                if have >= body_goal {
                    break;
                }
                if have + count_tokens(std::slice::from_ref(&entry)) <= body_max {
                    parts.push(entry);
                }
            }
            vec![Section::Bullets, Section::Paragraph]
        }
    };
    // Fillers keep long targets reachable when the planned sections fall short.
    plan.extend([
        Section::Paragraph,
        Section::Tip,
        Section::Paragraph,
        Section::Bullets,
    ]);
    let mut has_code = style == Style::Code;
    for section in plan {
        let have = count_tokens(&parts);
        if have >= body_goal {
            break;
        }
        let required = matches!(section, Section::Code) && !has_code;
        // The lead line and separators cost roughly 20 pieces on top of the block itself.
        let rendered = c.render(section, body_max.saturating_sub(have + 20));
        // Skip a section that would overshoot, unless the answer would otherwise be too short.
        if required
            || have + count_tokens(std::slice::from_ref(&rendered)) <= body_max
            || have < lo.saturating_sub(closing_len) / 2
        {
            has_code |= rendered.contains("```");
            parts.push(rendered);
        }
    }
    parts.push(closing);
    parts.join("\n\n")
}

/// A long markdown document of exactly `n` token pieces: chapters of ordinary answers
/// (prose and code in turn), each seeded from the prompt and its number, cut at `n`.
pub(crate) fn long_answer(model_id: &str, prompt: &str, n: usize) -> Vec<String> {
    let mut pieces = Vec::with_capacity(n);
    let mut chapter = 0usize;
    while pieces.len() < n {
        chapter += 1;
        let style = if chapter % 2 == 0 {
            Style::Code
        } else {
            Style::Prose
        };
        let body = answer(model_id, &format!("{prompt} {chapter}"), style, (400, 700));
        pieces.extend(tokenize(&format!("## Chapter {chapter}\n\n{body}\n\n")));
    }
    pieces.truncate(n);
    pieces
}

fn count_tokens(parts: &[String]) -> usize {
    // Each join adds one "\n\n"-ish separator; counting it as two pieces matches `tokenize`.
    parts.iter().map(|p| tokenize(p).len() + 2).sum()
}

const REASONING: &[&str] = &[
    "The user is asking about {a}.",
    "Let me recall the core idea of {a} before writing anything.",
    "They probably care about how {a} fits into {b}, so I should connect the two.",
    "A short overview, a few concrete points and one example should cover it.",
    "I should mention the common pitfalls, since that is where people get stuck.",
    "A code snippet would make this concrete; something small and idiomatic.",
    "Keep it practical and skimmable: headings, a list, then a summary.",
    "Let me double-check the terminology so the answer stays precise.",
];

/// The thinker's hidden monologue: a few dozen tokens, deterministic like the answer.
pub(crate) fn reasoning(model_id: &str, prompt: &str) -> String {
    let mut rng = rng_for(model_id, prompt, "reasoning");
    let topic = Topic::from_prompt(prompt);
    let mut lines = vec![topic.fill(REASONING[0])];
    let n = rng.gen_range(3..=5);
    let mut rest: Vec<&str> = REASONING[1..].to_vec();
    rest.shuffle(&mut rng);
    lines.extend(rest.into_iter().take(n).map(|l| topic.fill(l)));
    lines.join(" ")
}

/// Longest run of a word's characters kept in one piece before it is split.
const MAX_PIECE_CHARS: usize = 6;
/// Size of the pieces a long word is split into.
const SPLIT_CHARS: usize = 4;

/// Splits text into token-like pieces: each word with its leading spaces, long words split
/// into 4-character pieces, every newline its own piece. Concatenating the pieces gives back
/// the input exactly.
pub(crate) fn tokenize(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut pending_space = String::new();
    let mut word = String::new();

    fn flush_word(pieces: &mut Vec<String>, space: &mut String, word: &mut String) {
        if word.is_empty() {
            return;
        }
        let chars: Vec<char> = word.chars().collect();
        if chars.len() <= MAX_PIECE_CHARS {
            pieces.push(format!("{space}{word}"));
        } else {
            for (i, chunk) in chars.chunks(SPLIT_CHARS).enumerate() {
                let chunk: String = chunk.iter().collect();
                if i == 0 {
                    pieces.push(format!("{space}{chunk}"));
                } else {
                    pieces.push(chunk);
                }
            }
        }
        space.clear();
        word.clear();
    }

    for c in text.chars() {
        if c == '\n' {
            flush_word(&mut pieces, &mut pending_space, &mut word);
            if !pending_space.is_empty() {
                pieces.push(std::mem::take(&mut pending_space));
            }
            pieces.push("\n".to_owned());
        } else if c.is_whitespace() {
            flush_word(&mut pieces, &mut pending_space, &mut word);
            pending_space.push(c);
        } else {
            word.push(c);
        }
    }
    flush_word(&mut pieces, &mut pending_space, &mut word);
    if !pending_space.is_empty() {
        pieces.push(pending_space);
    }
    pieces
}

#[cfg(test)]
mod tests {
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
}
