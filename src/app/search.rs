//! What a search in a pane is: its query and the rows that hold it, and where a query
//! occurs in a row.

/// A search in the focused pane.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Search {
    pub query: String,
    /// Being typed: keys go to the query.
    pub editing: bool,
    /// The rows of the pane that hold the query, as last counted, and the one shown.
    pub hits: Vec<usize>,
    pub current: Option<usize>,
}

impl Search {
    /// Case matters only when the query has a capital (as in less and vim's smartcase).
    pub fn matches(&self, row: &str) -> Vec<(usize, usize)> {
        find_all(row, &self.query)
    }
}

/// Byte ranges of `query` in `text`; case-blind unless the query has a capital letter.
pub fn find_all(text: &str, query: &str) -> Vec<(usize, usize)> {
    if query.is_empty() {
        return Vec::new();
    }
    let exact = query.chars().any(char::is_uppercase);
    let mut out = Vec::new();
    if exact {
        let mut from = 0;
        while let Some(at) = text[from..].find(query) {
            out.push((from + at, from + at + query.len()));
            from += at + query.len();
        }
        return out;
    }
    // Compared a character at a time, so byte positions stay those of `text` even where
    // lowercasing changes a character's length.
    let q: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let mut k = 0;
        let mut j = i;
        while k < q.len() && j < chars.len() {
            let lower: Vec<char> = chars[j].1.to_lowercase().collect();
            if q.get(k..k + lower.len()) != Some(&lower[..]) {
                break;
            }
            k += lower.len();
            j += 1;
        }
        if k == q.len() {
            let end = chars.get(j).map_or(text.len(), |c| c.0);
            out.push((chars[i].0, end));
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}
