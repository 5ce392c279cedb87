//! The phrase tables answers are assembled from; `{a}`, `{B}`, `{id}`, `{Camel}` and the like
//! are filled from the prompt's topic.

pub(super) const TITLES: &[&str] = &[
    "## {A} at a glance",
    "## Understanding {a}",
    "## A practical guide to {a}",
    "## {A}: what you need to know",
    "## Working with {a} and {b}",
    "## Getting {a} right",
];

pub(super) const INTROS: &[&str] = &[
    "**{A}** comes up whenever {b} needs to grow beyond a prototype. The short version: keep the core idea small, make the edges explicit, and measure before you optimise.",
    "Good question. {A} is easiest to reason about once you separate *what* it does from *how* it is wired into {b}. Below is an overview, a few concrete tips and a small example.",
    "At its heart, {a} is about trade-offs. You gain clarity and predictability, and you pay for it with a little up-front structure around {b}.",
    "Here is a compact tour of {a}: the mental model first, then the parts of {b} it touches, then code you can adapt.",
];

pub(super) const BULLETS: &[&str] = &[
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

pub(super) const STEPS: &[&str] = &[
    "Write down the inputs and outputs of {a} in one sentence each.",
    "Sketch the data model, e.g. a `{Camel}` type with only the fields you need today.",
    "Implement the happy path end to end, without error handling.",
    "Add error handling at the boundaries, where {b} talks to the outside world.",
    "Cover the tricky cases with tests: empty, duplicate and very large inputs.",
    "Run it against realistic data and look at the slowest 1% of calls.",
    "Refactor names and module boundaries now that the shape of {a} is clear.",
    "Ship it behind a flag, then remove the flag once it has been stable for a while.",
];

pub(super) const PARAGRAPHS: &[&str] = &[
    "A common mistake is to treat {a} as a one-off detail. In practice it shapes how {b} is tested, deployed and debugged, so it deserves a clear home in the codebase, usually a small module with a narrow interface.",
    "If performance matters, remember that the fastest {a} is the one that does less work: cache what is expensive, batch what is chatty, and stream what is large instead of loading it all at once.",
    "When something goes wrong, good logs beat clever code. Log the inputs to {a} at debug level, the decisions at info level, and keep the messages greppable, for example `{id}: retrying after timeout`.",
    "It also pays to think about {b} from the user's point of view. A predictable, slightly slower {a} is usually better received than a fast one that surprises people.",
    "Finally, keep an eye on dependencies. Each library you pull in for {a} is code you now maintain, so prefer small, well-understood pieces over large frameworks.",
];

pub(super) const TIPS: &[&str] = &[
    "> **Tip:** if you can explain {a} to a colleague in two minutes, the design is probably simple enough.",
    "> **Note:** the examples here are deliberately minimal; real {b} code will add logging, metrics and configuration.",
    "> **Watch out:** most {a} bugs hide at boundaries such as time zones, encodings and off-by-one ranges.",
];

pub(super) const TABLE_ROWS: &[&str] = &[
    "| Correctness | Tests cover empty and malformed {a} input |",
    "| Performance | Hot paths avoid needless allocation |",
    "| Readability | Names say what {b} means, not how it works |",
    "| Operability | Errors carry enough context to act on |",
    "| Security | Untrusted {a} data is validated early |",
    "| Portability | No hidden assumptions about the platform |",
];

pub(super) const CLOSINGS: &[&str] = &[
    "### Summary\n\n{A} rewards a small, explicit design. Start with the simplest version that works, keep {b} in mind at the boundaries, and let tests tell you when to add complexity.",
    "**In short:** understand the data, keep {a} focused, and measure before optimising. Happy to go deeper into any of the sections above.",
    "### Key takeaways\n\n- Keep {a} small and well named.\n- Make failures visible.\n- Let real usage of {b} guide the next step.",
];

pub(super) const CODE_INTROS: &[&str] = &[
    "Here is one way to approach {a} in code.",
    "Below are idiomatic sketches of {a} in a few languages, so you can pick whichever matches {b}.",
    "Code first, explanation after: these snippets show the core of {a}.",
];

pub(super) const CODE_NOTES: &[&str] = &[
    "The {lang} version keeps the core logic in one small function, which makes it easy to test.",
    "In {lang}, the important detail is that errors are surfaced to the caller rather than swallowed.",
    "This {lang} variant favours clarity over cleverness; optimise only once you have measured.",
    "Note how the {lang} code names the concept explicitly (`{Camel}`), which keeps call sites readable.",
];

pub(super) struct Snippet {
    pub lang: &'static str,
    pub label: &'static str,
    pub code: &'static str,
}

pub(super) const SNIPPETS: &[Snippet] = &[
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

pub(super) fn main() {
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

pub(super) const CODE_LEADS: &[&str] = &[
    "### Example\n\nA minimal {LANG} sketch:",
    "### In code\n\nHere is how {a} might look in {LANG}:",
    "### Another angle\n\nThe same idea in {LANG}:",
    "### A quick example\n\nThe following {LANG} snippet shows the idea:",
];

pub(super) const REASONING: &[&str] = &[
    "The user is asking about {a}.",
    "Let me recall the core idea of {a} before writing anything.",
    "They probably care about how {a} fits into {b}, so I should connect the two.",
    "A short overview, a few concrete points and one example should cover it.",
    "I should mention the common pitfalls, since that is where people get stuck.",
    "A code snippet would make this concrete; something small and idiomatic.",
    "Keep it practical and skimmable: headings, a list, then a summary.",
    "Let me double-check the terminology so the answer stays precise.",
];
