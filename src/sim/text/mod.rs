//! Deterministic answer generation.
//!
//! The same (model id, prompt) pair must always produce the same text, across runs, machines
//! and Rust versions, so the seed comes from a hand-written FNV-1a hash rather than std's
//! `DefaultHasher` (whose algorithm is explicitly unspecified).

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::models::Style;

mod phrases;
mod tokenize;
mod topic;

pub(crate) use tokenize::tokenize;

use phrases::*;
pub(crate) use topic::topic_words;
use topic::Topic;

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

#[cfg(test)]
mod tests;
