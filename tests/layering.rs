//! Dependencies run one way, downward (design.md §3): no two modules import each other, and
//! nothing below the application imports it.
//!
//! A module is a top-level file or directory under `src/`; in the larger directories (see
//! [`SPLIT`]) each file is also a module of its own, so `sim/chat` and `sim/stream` must not
//! import each other either. Paths are read from the source text: `use` trees and `crate::`,
//! `super::` and `self::` paths in code, test modules included, comments and strings not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Directories whose files are modules of their own.
const SPLIT: &[&str] = &["app", "ui", "sim", "provider", "stream", "route"];

/// Modules that sit below the application and must not reach up into it.
const BELOW_APP: &[&str] = &[
    "provider", "stream", "route", "session", "render", "cost", "config", "catalog", "sim",
    "theme", "model",
];
const APP: &[&str] = &["app", "ui"];

/// Upward imports still in the code while they are being removed: (importing module, module
/// imported). Delete an entry once its import is gone; the test prints the ones that are.
const KNOWN_UPWARD: &[(&str, &str)] = &[];

/// Pairs of modules that still import each other while they are being untangled. Delete an
/// entry once the cycle is gone; the test prints the ones that are.
const KNOWN_CYCLES: &[(&str, &str)] = &[];

/// One path used in a source file.
#[derive(Clone, Debug)]
struct Use {
    from: String,
    to: String,
    file: PathBuf,
    line: usize,
    path: String,
}

#[test]
fn modules_import_one_way_and_nothing_below_the_app_imports_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let uses = collect(&src);
    assert!(
        uses.iter().any(|u| u.from == "route" && u.to == "stream"),
        "the scanner should see route's use of crate::stream"
    );

    let mut failures = Vec::new();
    let mut seen_known = BTreeSet::new();

    // Cycles between modules, and between top-level modules through any of their files.
    let fine = edges(&uses, |m| m.to_owned());
    let coarse = edges(&uses, |m| top(m).to_owned());
    let mut reported = BTreeSet::new();
    for graph in [&fine, &coarse] {
        for ((a, b), ab) in graph {
            if a >= b {
                continue;
            }
            let Some(ba) = graph.get(&(b.clone(), a.clone())) else {
                continue;
            };
            if KNOWN_CYCLES.iter().any(|k| pair_matches(k, a, b)) {
                seen_known.insert(format!("cycle {a} <-> {b}"));
                continue;
            }
            // A cycle between two files is also one between their top-level modules.
            if !reported.insert((ab[0].file.clone(), ba[0].file.clone())) {
                continue;
            }
            failures.push(format!(
                "{a} and {b} import each other:\n  {}\n  {}",
                describe(&ab[0]),
                describe(&ba[0])
            ));
        }
    }

    for u in &uses {
        if !BELOW_APP.contains(&top(&u.from)) || !APP.contains(&top(&u.to)) {
            continue;
        }
        if let Some(k) = KNOWN_UPWARD
            .iter()
            .find(|(from, to)| *from == u.from && *to == top(&u.to))
        {
            seen_known.insert(format!("upward {} -> {}", k.0, k.1));
            continue;
        }
        failures.push(format!(
            "{} is below the application but imports it:\n  {}",
            u.from,
            describe(u)
        ));
    }

    for (from, to) in KNOWN_UPWARD {
        if !seen_known.contains(&format!("upward {from} -> {to}")) {
            eprintln!("layering: {from} no longer imports {to}; remove it from KNOWN_UPWARD");
        }
    }
    for (a, b) in KNOWN_CYCLES {
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        if !seen_known.contains(&format!("cycle {a} <-> {b}")) {
            eprintln!(
                "layering: {a} and {b} no longer import each other; remove them from KNOWN_CYCLES"
            );
        }
    }

    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

#[test]
fn use_trees_and_relative_paths_resolve() {
    let text = "use crate::{a::{B, c::D}, e};\nmod tests {\n    use super::*;\n    fn f() { super::super::g::h(); let s = \"crate::x::y\"; }\n}\n// crate::z\n";
    let found: Vec<(String, usize)> = paths_in(text, &["sim".into(), "chat".into()])
        .into_iter()
        .map(|(segs, line)| (segs.join("::"), line))
        .collect();
    assert_eq!(
        found,
        [
            ("a::B".to_owned(), 1),
            ("a::c::D".to_owned(), 1),
            ("e".to_owned(), 1),
            ("sim::chat::*".to_owned(), 3),
            ("sim::g::h".to_owned(), 4),
        ]
    );
}

fn pair_matches((x, y): &(&str, &str), a: &str, b: &str) -> bool {
    (*x == a && *y == b) || (*x == b && *y == a)
}

fn describe(u: &Use) -> String {
    format!("{}:{} uses {}", u.file.display(), u.line, u.path)
}

fn top(module: &str) -> &str {
    module.split('/').next().unwrap_or(module)
}

/// Every use between two different modules, keyed by (from, to) after `key` maps each end.
fn edges(uses: &[Use], key: impl Fn(&str) -> String) -> BTreeMap<(String, String), Vec<Use>> {
    let mut map: BTreeMap<(String, String), Vec<Use>> = BTreeMap::new();
    for u in uses {
        let (from, to) = (key(&u.from), key(&u.to));
        if from != to {
            map.entry((from, to)).or_default().push(u.clone());
        }
    }
    map
}

fn collect(src: &Path) -> Vec<Use> {
    let mut files = Vec::new();
    walk(src, &mut files);
    files.sort();
    let mut uses = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap();
        let here = module_path(rel);
        let from = module_of(src, &here);
        let text = fs::read_to_string(&file).unwrap();
        for (segs, line) in paths_in(&text, &here) {
            let Some(to) = module_of(src, &segs) else {
                continue;
            };
            let Some(from) = from.clone() else {
                continue;
            };
            if from != to {
                uses.push(Use {
                    from,
                    to,
                    file: Path::new("src").join(rel),
                    line,
                    path: format!("crate::{}", segs.join("::")),
                });
            }
        }
    }
    uses
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `sim/chat.rs` -> `[sim, chat]`; `sim/mod.rs` -> `[sim]`; `lib.rs` -> `[]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut segs: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        segs.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segs.pop();
    }
    segs
}

/// The module a crate path lands in, or `None` for the crate root's own items.
fn module_of(src: &Path, segs: &[String]) -> Option<String> {
    let first = segs.first()?;
    let dir = src.join(first);
    if !dir.is_dir() && !src.join(format!("{first}.rs")).is_file() {
        return None;
    }
    if SPLIT.contains(&first.as_str()) {
        if let Some(second) = segs.get(1) {
            if dir.join(format!("{second}.rs")).is_file() || dir.join(second).is_dir() {
                return Some(format!("{first}/{second}"));
            }
        }
    }
    Some(first.clone())
}

/// Absolute paths (without `crate`) used in `text`, a file whose module path is `here`, with
/// their line numbers.
fn paths_in(text: &str, here: &[String]) -> Vec<(Vec<String>, usize)> {
    let tokens = tokenize(text);
    let mut out = Vec::new();
    // Inline modules (`mod tests { ... }`) shift what `super` means.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let (tok, line) = (&tokens[i].0, tokens[i].1);
        match tok.as_str() {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t.0 == "{") => {
                inline.push((tokens[i + 1].0.clone(), depth));
                depth += 1;
                i += 3;
                continue;
            }
            _ => {}
        }
        let mut module: Vec<String> = here.to_vec();
        module.extend(inline.iter().map(|(m, _)| m.clone()));
        if tok == "use" {
            let end = tokens[i..]
                .iter()
                .position(|t| t.0 == ";")
                .map_or(tokens.len(), |p| i + p);
            let mut flat = Vec::new();
            use_tree(&tokens[i + 1..end], &[], &mut flat);
            for segs in flat {
                if let Some(abs) = resolve(&segs, &module) {
                    out.push((abs, line));
                }
            }
            i = end;
            continue;
        }
        let starts_path = matches!(tok.as_str(), "crate" | "super" | "self")
            && tokens.get(i + 1).is_some_and(|t| t.0 == "::")
            && (i == 0 || tokens[i - 1].0 != "::");
        if starts_path {
            let mut segs = vec![tok.clone()];
            let mut j = i + 1;
            while tokens.get(j).is_some_and(|t| t.0 == "::")
                && tokens.get(j + 1).is_some_and(|t| is_ident(&t.0))
            {
                segs.push(tokens[j + 1].0.clone());
                j += 2;
            }
            if let Some(abs) = resolve(&segs, &module) {
                out.push((abs, line));
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// Flattens a `use` tree (tokens after `use`, before `;`) into its paths.
fn use_tree(tokens: &[(String, usize)], prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut segs = prefix.to_vec();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].0.as_str();
        match t {
            "::" | "pub" | "(" | ")" | "as" => {}
            "{" => {
                let close = matching(tokens, i);
                let mut start = i + 1;
                let mut level = 0;
                for k in i + 1..close {
                    match tokens[k].0.as_str() {
                        "{" => level += 1,
                        "}" => level -= 1,
                        "," if level == 0 => {
                            use_tree(&tokens[start..k], &segs, out);
                            start = k + 1;
                        }
                        _ => {}
                    }
                }
                use_tree(&tokens[start..close], &segs, out);
                return;
            }
            _ if i > 0 && tokens[i - 1].0 == "as" => {}
            _ => segs.push(t.to_owned()),
        }
        i += 1;
    }
    if !segs.is_empty() {
        out.push(segs);
    }
}

fn matching(tokens: &[(String, usize)], open: usize) -> usize {
    let mut level = 0;
    for (k, t) in tokens.iter().enumerate().skip(open) {
        match t.0.as_str() {
            "{" => level += 1,
            "}" => {
                level -= 1;
                if level == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// An absolute path for `segs` used in `module`, if it starts at the crate or a parent.
fn resolve(segs: &[String], module: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = match segs.first()?.as_str() {
        "crate" => Vec::new(),
        "super" | "self" => module.to_vec(),
        _ => return None,
    };
    let mut rest = segs;
    if rest[0] == "crate" {
        rest = &rest[1..];
    }
    while let Some(s) = rest.first() {
        match s.as_str() {
            "super" => {
                base.pop()?;
            }
            "self" => {}
            _ => break,
        }
        rest = &rest[1..];
    }
    base.extend(rest.iter().filter(|s| *s != "self").cloned());
    Some(base)
}

fn is_ident(s: &str) -> bool {
    s == "*"
        || s.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Identifiers, `::` and single punctuation, with their lines; comments, strings and character
/// literals dropped.
fn tokenize(text: &str) -> Vec<(String, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut level = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    level += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    level -= 1;
                    i += 2;
                    if level == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == '"' || (matches!(c, 'r' | 'b') && raw_start(&chars, i).is_some()) {
            // Plain, byte and raw strings: skip to the closing quote (and hashes).
            let (hashes, open) = if c == '"' {
                (None, i)
            } else {
                raw_start(&chars, i).unwrap()
            };
            i = open + 1;
            loop {
                match chars.get(i) {
                    None => break,
                    Some('\\') if hashes.is_none() => i += 2,
                    Some('"') => {
                        let n = hashes.unwrap_or(0);
                        if (1..=n).all(|k| chars.get(i + k) == Some(&'#')) {
                            i += 1 + n;
                            break;
                        }
                        i += 1;
                    }
                    Some(ch) => {
                        if *ch == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
        } else if c == '\'' {
            // A character literal, or a lifetime (which has no closing quote).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if ident(c) {
            let start = i;
            while i < chars.len() && ident(chars[i]) {
                i += 1;
            }
            out.push((chars[start..i].iter().collect(), line));
        } else if c == ':' && next == Some(':') {
            out.push(("::".to_owned(), line));
            i += 2;
        } else {
            out.push((c.to_string(), line));
            i += 1;
        }
    }
    out
}

/// For `r"`, `r#"`, `b"`, `br#"` at `i` (not inside an identifier): how many hashes a raw
/// string has (`None` for a byte string with escapes) and where its opening quote is.
fn raw_start(chars: &[char], i: usize) -> Option<(Option<usize>, usize)> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if chars[j] == 'b' {
        j += 1;
        if chars.get(j) == Some(&'"') {
            return Some((None, j));
        }
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some((Some(hashes), j))
}
