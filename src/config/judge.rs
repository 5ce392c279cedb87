//! A `[judge]` table: the model, its rubric (inline, or a file beside the config), the mode
//! and the scale, checked as the config is read.

use std::path::Path;

use super::schema::FileJudge;
use crate::judge::verdict::{Judge, Mode};

pub(super) fn read(f: FileJudge, base: &Path) -> Result<Judge, String> {
    if f.model.trim().is_empty() || f.model.chars().any(char::is_whitespace) {
        return Err(format!("`{}` is not a model id", f.model));
    }
    let mut judge = Judge::new(f.model);
    judge.rubric = match (f.rubric, f.rubric_file) {
        (Some(_), Some(_)) => return Err("give `rubric` or `rubric_file`, not both".into()),
        (Some(text), None) => text,
        (None, Some(file)) => {
            let full = base.join(&file);
            std::fs::read_to_string(&full)
                .map_err(|e| format!("cannot read the rubric {}: {e}", full.display()))?
        }
        (None, None) => judge.rubric,
    };
    if judge.rubric.trim().is_empty() {
        return Err("the rubric is empty".into());
    }
    if let Some(m) = f.mode {
        judge.mode =
            Mode::parse(&m).ok_or_else(|| format!("mode `{m}`: it is `score` or `pairwise`"))?;
    }
    if let Some(scale) = f.scale {
        if !(2..=100).contains(&scale) {
            return Err(format!("scale {scale}: scores run from 1 to 2…100"));
        }
        judge.scale = scale;
    }
    Ok(judge)
}
