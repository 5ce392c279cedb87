//! Where `switchboard run` writes its results and in which format: settled, and the file
//! opened, before anything is sent, so a bad path never costs a paid run.

use std::fs::File;
use std::path::{Path, PathBuf};

pub const FORMATS: [&str; 5] = ["table", "json", "jsonl", "csv", "md"];

/// The format: `--format` when given, else the `--out` file's extension (`.json`, `.jsonl`,
/// `.csv`, `.md`/`.markdown`), else the table. The note says why a named file gets the table.
pub fn format(
    explicit: Option<&str>,
    out: Option<&Path>,
) -> Result<(String, Option<String>), String> {
    if let Some(f) = explicit {
        if !FORMATS.contains(&f) {
            return Err(format!("unknown format `{f}` ({})", FORMATS.join(", ")));
        }
        return Ok((f.to_string(), None));
    }
    let Some(out) = out else {
        return Ok(("table".into(), None));
    };
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    Ok(match ext.as_deref() {
        Some(e @ ("json" | "jsonl" | "csv" | "md")) => (e.to_string(), None),
        Some("markdown") => ("md".into(), None),
        Some("txt" | "table") => ("table".into(), None),
        other => {
            let what = other.map_or_else(
                || "has no extension".to_string(),
                |e| format!("ends in `.{e}`, not a format's extension"),
            );
            (
                "table".into(),
                Some(format!(
                    "note: {} {what}; writing the table (--format picks another)",
                    out.display()
                )),
            )
        }
    })
}

/// The results' destination, opened now: a missing folder or a file that cannot be written
/// is reported before the first request.
pub fn open(out: Option<&PathBuf>) -> Result<Option<(PathBuf, File)>, String> {
    let Some(path) = out else { return Ok(None) };
    File::create(path)
        .map(|f| Some((path.clone(), f)))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_picks_the_format_unless_one_is_given() {
        let f = |explicit, out: Option<&str>| format(explicit, out.map(Path::new)).unwrap();
        assert_eq!(f(None, Some("x.json")).0, "json");
        assert_eq!(f(None, Some("x.JSONL")).0, "jsonl");
        assert_eq!(f(None, Some("r/x.csv")).0, "csv");
        assert_eq!(f(None, Some("x.markdown")).0, "md");
        assert_eq!(f(Some("csv"), Some("x.json")).0, "csv");
        assert_eq!(f(None, None), ("table".to_string(), None));
        let (fmt, note) = f(None, Some("x.xlsx"));
        assert_eq!(fmt, "table");
        assert!(note.unwrap().contains("`.xlsx`"));
        assert!(format(Some("yaml"), None).is_err());
    }
}
