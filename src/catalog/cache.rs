//! Catalogs kept on disk so the picker works offline and starts instantly.

use std::path::{Path, PathBuf};

use super::Catalog;

fn file(dir: &Path, provider: &str) -> PathBuf {
    let safe: String = provider
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{safe}.json"))
}

pub fn load(dir: &Path, provider: &str) -> Option<Catalog> {
    let text = std::fs::read_to_string(file(dir, provider)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Writes atomically (temp file, then rename) so a kill never leaves half a cache.
pub fn save(dir: &Path, catalog: &Catalog) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_vec(catalog).map_err(std::io::Error::other)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, &json)?;
    tmp.persist(file(dir, &catalog.provider))
        .map_err(|e| e.error)?;
    Ok(())
}

/// "3m", "2h", "5d": how old a catalog is.
pub fn age(fetched_at: i64, now: i64) -> String {
    let s = (now - fetched_at).max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ModelInfo;

    #[test]
    fn round_trips_and_names_files_safely() {
        let dir = tempfile::tempdir().unwrap();
        let c = Catalog {
            provider: "my/local".into(),
            fetched_at: 42,
            models: vec![ModelInfo::bare("a")],
        };
        save(dir.path(), &c).unwrap();
        assert!(dir.path().join("my_local.json").exists());
        assert_eq!(load(dir.path(), "my/local"), Some(c));
        assert_eq!(load(dir.path(), "none"), None);
        assert_eq!(age(0, 59), "59s");
        assert_eq!(age(0, 7200), "2h");
        assert_eq!(age(0, 3 * 86_400), "3d");
    }
}
