//! What an answer is about: the prompt's content words and their identifier forms.

pub(super) const STOPWORDS: &[&str] = &[
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
pub(super) struct Topic {
    /// Main topic word, e.g. "lifetimes".
    pub a: String,
    /// Secondary word, or a generic phrase when the prompt has only one content word.
    pub b: String,
    /// `snake_case` identifier form of `a`.
    pub ident: String,
    /// `CamelCase` identifier form of `a`.
    pub camel: String,
}

impl Topic {
    pub(super) fn from_prompt(prompt: &str) -> Self {
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

    pub(super) fn fill(&self, template: &str) -> String {
        template
            .replace("{A}", &capitalize(&self.a))
            .replace("{a}", &self.a)
            .replace("{B}", &capitalize(&self.b))
            .replace("{b}", &self.b)
            .replace("{id}", &self.ident)
            .replace("{Camel}", &self.camel)
    }
}

pub(super) fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
