//! Prompt variables: `{{name}}` in a prompt, filled from `--var name=value` or a prompt's own.

use std::collections::BTreeMap;

/// Parses `name=value`.
pub fn parse_var(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not name=value"))?;
    let k = k.trim();
    if k.is_empty()
        || !k
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Err(format!(
            "`{k}` is not a variable name (letters, digits, _ and -)"
        ));
    }
    Ok((k.to_string(), v.to_string()))
}

/// Reads a variables file: `name=value` lines (the `.env` format: comments and quotes allowed).
pub fn read_file(path: &std::path::Path) -> Result<BTreeMap<String, String>, String> {
    let iter = dotenvy::from_path_iter(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for item in iter {
        let (k, v) = item.map_err(|e| match e {
            dotenvy::Error::LineParse(text, _) => {
                // dotenvy names the line by its text only; a line number is easier to act on.
                let number = std::fs::read_to_string(path)
                    .ok()
                    .and_then(|all| all.lines().position(|l| l.trim() == text.trim()))
                    .map_or(String::new(), |i| format!(":{}", i + 1));
                format!(
                    "{}{number}: `{}` is not name=value",
                    path.display(),
                    text.trim()
                )
            }
            e => format!("{}: {e}", path.display()),
        })?;
        out.insert(k, v);
    }
    Ok(out)
}

/// A prompt cut at its `{{name}}`s: text as it is, and the names (trimmed). A `{{` with no
/// `}}` after it is text.
enum Piece<'a> {
    Text(&'a str),
    Var(&'a str),
}

fn pieces(prompt: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = prompt;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            break;
        };
        out.push(Piece::Text(&rest[..start]));
        out.push(Piece::Var(after[..end].trim()));
        rest = &after[end + 2..];
    }
    out.push(Piece::Text(rest));
    out
}

/// The first `{{name}}` of `prompt` with no value.
pub fn missing(prompt: &str, vars: &BTreeMap<String, String>) -> Option<String> {
    pieces(prompt).into_iter().find_map(|p| match p {
        Piece::Var(name) if !vars.contains_key(name) => Some(name.to_string()),
        _ => None,
    })
}

/// Fills every `{{name}}`; a variable with no value is an error naming it.
pub fn fill(prompt: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    if let Some(name) = missing(prompt, vars) {
        return Err(format!(
            "the prompt uses {{{{{name}}}}} but no value was given (--var {name}=…)"
        ));
    }
    Ok(pieces(prompt)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t,
            Piece::Var(name) => vars.get(name).map_or("", String::as_str),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_and_names_what_is_missing() {
        let vars = BTreeMap::from([
            ("lang".to_string(), "Rust".to_string()),
            ("n".to_string(), "3".to_string()),
        ]);
        assert_eq!(
            fill("Give {{n}} tips for {{ lang }}.", &vars).unwrap(),
            "Give 3 tips for Rust."
        );
        assert_eq!(fill("no vars", &vars).unwrap(), "no vars");
        assert_eq!(fill("open {{ brace", &vars).unwrap(), "open {{ brace");
        let e = fill("{{topic}}", &vars).unwrap_err();
        assert!(e.contains("{{topic}}") && e.contains("--var topic="), "{e}");
        assert_eq!(parse_var("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert!(parse_var("novalue").is_err());
        assert!(parse_var("bad name=1").is_err());
    }
}
