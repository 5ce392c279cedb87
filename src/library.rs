//! The prompt library: saved prompts, one Markdown file each in the config folder's `prompts/`.

use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub name: String,
    pub text: String,
}

/// Every saved prompt, by name.
pub fn load(dir: &Path) -> Vec<Saved> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Saved> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "txt"))
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_string();
            let text = std::fs::read_to_string(&p).ok()?;
            Some(Saved {
                name,
                text: text.trim_end().to_string(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// A file name for a prompt name: letters, digits, `-` and `_`; anything else becomes `-`.
pub fn file_for(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let clean: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if clean.trim_matches('-').is_empty() {
        return Err("give the prompt a name".into());
    }
    Ok(dir.join(format!("{clean}.md")))
}

pub fn save(dir: &Path, name: &str, text: &str) -> Result<PathBuf, String> {
    let path = file_for(dir, name)?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::fs::write(&path, format!("{text}\n"))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Entries of `library` matching `query` (fuzzy, over names and text), best first.
pub fn matches(library: &[Saved], query: &str) -> Vec<usize> {
    let infos: Vec<crate::catalog::ModelInfo> = library
        .iter()
        .map(|s| {
            let mut m = crate::catalog::ModelInfo::bare(s.name.clone());
            m.name = Some(s.text.chars().take(200).collect());
            m
        })
        .collect();
    crate::catalog::fuzzy::Search::default().run(
        &infos,
        query,
        crate::catalog::Tag::All,
        crate::catalog::fuzzy::Sort::Relevance,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("prompts");
        assert!(load(&lib).is_empty());
        save(&lib, "code review", "Review this {{lang}} code.").unwrap();
        save(&lib, "summary", "Summarise in 3 bullets.").unwrap();
        let all = load(&lib);
        assert_eq!(
            all.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            vec!["code-review", "summary"]
        );
        assert_eq!(all[0].text, "Review this {{lang}} code.");
        assert!(save(&lib, "  ", "x").is_err());
    }
}
