//! The executor's writes to files: the prompt history, the config file, the prompt library.

use std::io::Write;
use std::path::Path;

use crate::app::action::ConfigWrite;
use crate::app::state::PaneId;

pub(super) fn append_history(path: &Path, prompt: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let line = serde_json::to_string(prompt).map_err(std::io::Error::other)?;
    writeln!(f, "{line}")
}

/// Prompts remembered from earlier sessions, oldest first, at most `limit`.
pub fn load_history(path: &Path, limit: usize) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let all: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<String>(l).ok())
        .collect();
    let skip = all.len().saturating_sub(limit);
    all.into_iter().skip(skip).collect()
}

/// Applies a change to the config file, keeping the rest of it, and writes it atomically.
pub(super) fn save_config(
    path: &Path,
    write: &ConfigWrite,
) -> Result<(String, Option<(PaneId, usize)>), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let (new, placed, what) = match write {
        ConfigWrite::Pane {
            pane,
            number,
            index,
            config,
        } => {
            let (t, i) = crate::config::edit::save_pane(&text, *index, config)?;
            (t, Some((*pane, i)), format!("pane {number}"))
        }
        ConfigWrite::Workspace { name, panes } => (
            crate::config::edit::save_workspace(&text, name, panes)?,
            None,
            format!("workspace {name}"),
        ),
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    tmp.write_all(new.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
    Ok((format!("saved {what} to {}", path.display()), placed))
}

/// Saves a prompt to the library in `prompts/` beside the config file.
pub(super) fn save_prompt(
    config_path: &Path,
    name: &str,
    text: &str,
) -> Result<crate::library::Saved, String> {
    let dir = config_path
        .parent()
        .unwrap_or(Path::new("."))
        .join("prompts");
    crate::library::save(&dir, name, text).map(|path| crate::library::Saved {
        name: path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(name)
            .to_string(),
        text: text.trim_end().to_string(),
    })
}
