//! Splitting text into the token-like pieces the simulator streams.

/// Longest run of a word's characters kept in one piece before it is split.
pub(super) const MAX_PIECE_CHARS: usize = 6;
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
