//! Fuzzy search, filters and sorting over a catalog, for the picker and `switchboard models`.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::{ModelInfo, Tag};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Best match first (name order when there is no query).
    Relevance,
    Name,
    /// Cheapest output first; unpriced last.
    Price,
    /// Largest context first.
    Context,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Relevance, Sort::Name, Sort::Price, Sort::Context];

    pub fn name(self) -> &'static str {
        match self {
            Sort::Relevance => "match",
            Sort::Name => "name",
            Sort::Price => "price",
            Sort::Context => "context",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.name() == s)
    }
}

/// Reused across keystrokes so matching allocates nothing per model.
pub struct Search {
    matcher: Matcher,
    buf: Vec<char>,
}

impl Default for Search {
    fn default() -> Self {
        Self {
            matcher: Matcher::new(Config::DEFAULT),
            buf: Vec::new(),
        }
    }
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Search")
    }
}

impl Search {
    /// Indices of the models matching `query` and `tag`, in `sort` order.
    pub fn run<'a, I>(&mut self, models: I, query: &str, tag: Tag, sort: Sort) -> Vec<usize>
    where
        I: IntoIterator<Item = &'a ModelInfo>,
    {
        let pattern = Pattern::parse(query.trim(), CaseMatching::Ignore, Normalization::Smart);
        let mut hits: Vec<(usize, u32, &ModelInfo)> = Vec::new();
        for (i, m) in models.into_iter().enumerate() {
            if !m.has(tag) {
                continue;
            }
            let score = if query.trim().is_empty() {
                0
            } else {
                let name = m.name.as_deref().unwrap_or("");
                let hay = Utf32Str::new(&m.id, &mut self.buf);
                let by_id = pattern.score(hay, &mut self.matcher);
                let hay = Utf32Str::new(name, &mut self.buf);
                // Names count for a little less than ids, which is what people type.
                let by_name = pattern.score(hay, &mut self.matcher).map(|s| s * 9 / 10);
                match by_id.max(by_name) {
                    Some(s) => s,
                    None => continue,
                }
            };
            hits.push((i, score, m));
        }
        let out_price = |m: &ModelInfo| {
            m.price
                .and_then(|p| p.completion.usd_per_million())
                .unwrap_or(f64::INFINITY)
        };
        match sort {
            Sort::Relevance => hits.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.id.cmp(&b.2.id))),
            Sort::Name => hits.sort_by(|a, b| a.2.id.cmp(&b.2.id)),
            Sort::Price => hits.sort_by(|a, b| {
                out_price(a.2)
                    .total_cmp(&out_price(b.2))
                    .then_with(|| a.2.id.cmp(&b.2.id))
            }),
            Sort::Context => hits.sort_by(|a, b| {
                b.2.context_length
                    .cmp(&a.2.context_length)
                    .then_with(|| a.2.id.cmp(&b.2.id))
            }),
        }
        hits.into_iter().map(|(i, _, _)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::ModelPrice;

    fn models() -> Vec<ModelInfo> {
        let mut v = Vec::new();
        for (id, ctx, out, tools) in [
            ("anthropic/claude-3.5-sonnet", 200_000, 15.0, true),
            ("anthropic/claude-3.5-haiku", 200_000, 4.0, true),
            ("openai/gpt-4o", 128_000, 10.0, true),
            (
                "meta-llama/llama-3.3-70b-instruct:free",
                131_072,
                0.0,
                false,
            ),
            ("mistralai/codestral", 256_000, 0.9, false),
        ] {
            let mut m = ModelInfo::bare(id);
            m.context_length = Some(ctx);
            m.price = Some(ModelPrice::per_million(out / 5.0, out));
            m.tools = tools;
            v.push(m);
        }
        v
    }

    fn ids(m: &[ModelInfo], idx: &[usize]) -> Vec<String> {
        idx.iter().map(|i| m[*i].id.clone()).collect()
    }

    #[test]
    fn fuzzy_ranks_the_closest_first() {
        let m = models();
        let mut s = Search::default();
        let r = s.run(&m, "sonnet", Tag::All, Sort::Relevance);
        assert_eq!(ids(&m, &r), vec!["anthropic/claude-3.5-sonnet"]);
        let r = s.run(&m, "cl35h", Tag::All, Sort::Relevance);
        assert_eq!(ids(&m, &r)[0], "anthropic/claude-3.5-haiku");
        assert!(s.run(&m, "zzzz", Tag::All, Sort::Relevance).is_empty());
        assert_eq!(s.run(&m, "", Tag::All, Sort::Relevance).len(), 5);
    }

    #[test]
    fn filters_and_sorts() {
        let m = models();
        let mut s = Search::default();
        let free = s.run(&m, "", Tag::Free, Sort::Name);
        assert_eq!(
            ids(&m, &free),
            vec!["meta-llama/llama-3.3-70b-instruct:free"]
        );
        let tools = s.run(&m, "", Tag::Tools, Sort::Price);
        assert_eq!(
            ids(&m, &tools),
            vec![
                "anthropic/claude-3.5-haiku",
                "openai/gpt-4o",
                "anthropic/claude-3.5-sonnet"
            ]
        );
        let ctx = s.run(&m, "", Tag::All, Sort::Context);
        assert_eq!(ids(&m, &ctx)[0], "mistralai/codestral");
    }
}
