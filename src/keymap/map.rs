//! The keymap: the embedded defaults with the user's `[keys]` laid over them, checked for
//! unknown actions, unreadable keys and keys that would do two things.

use std::ops::Range;
use std::sync::OnceLock;

use crossterm::event::KeyEvent;
use toml_edit::{Item, TableLike, Value};

use super::actions::{self, Mode};
use super::key::{Key, EXPECTED};
use crate::provider::steps::{Step, StepKeys};

const DEFAULT: &str = include_str!("default.toml");

/// Every mode's actions with their keys.
#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    bindings: Vec<(Mode, &'static str, Vec<Key>)>,
}

/// A `[keys]` problem: where in the config text, and what was expected.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyError {
    pub at: Range<usize>,
    pub message: String,
}

/// One action as a key table writes it.
struct Entry {
    /// None for a name directly under `[keys]`.
    mode: Option<String>,
    action: String,
    action_at: Range<usize>,
    keys: Vec<(String, Range<usize>)>,
    keys_at: Range<usize>,
}

impl Default for Keymap {
    fn default() -> Self {
        static DEFAULTS: OnceLock<Keymap> = OnceLock::new();
        // The file is part of the program and its tests read it, so it does not fail here.
        DEFAULTS
            .get_or_init(|| {
                defaults().unwrap_or(Keymap {
                    bindings: Vec::new(),
                })
            })
            .clone()
    }
}

pub(super) fn defaults() -> Result<Keymap, KeyError> {
    let entries = read_default(DEFAULT)?;
    let mut map = Keymap {
        bindings: Vec::new(),
    };
    for e in entries {
        let mode = match e.mode.as_deref().and_then(Mode::by_name) {
            Some(m) => m,
            None => return Err(unknown_mode(&e)),
        };
        let action = static_name(mode, &e.action).ok_or_else(|| unknown_action(mode, &e))?;
        let keys = parse_keys(&e)?;
        map.bindings.push((mode, action, keys));
    }
    map.check(|_, _| true, 0..0)?;
    Ok(map)
}

impl Keymap {
    /// The defaults with the `[keys]` table of a config file's text laid over them.
    pub fn from_config(text: &str) -> Result<Keymap, KeyError> {
        let mut map = Keymap::default();
        let Ok(doc) = toml_edit::ImDocument::parse(text) else {
            // The caller's own parse reports a broken file.
            return Ok(map);
        };
        let Some(keys) = doc.as_table().get("keys") else {
            return Ok(map);
        };
        let Some(table) = keys.as_table_like() else {
            return Err(KeyError {
                at: keys.span().unwrap_or(0..0),
                message: "[keys] must be a table of action = \"key\"".into(),
            });
        };
        let mut entries = Vec::new();
        read(table, None, &mut entries)?;
        let mut changed: Vec<(Mode, &'static str, Range<usize>)> = Vec::new();
        for e in entries {
            let mode = match &e.mode {
                // Where the action has a key in both the prompt and panes: the shared one.
                None => [Mode::Global, Mode::Prompt, Mode::Panes]
                    .into_iter()
                    .find(|m| {
                        map.bindings
                            .iter()
                            .any(|(bm, a, _)| bm == m && *a == e.action)
                    })
                    .ok_or_else(|| unknown_action(Mode::Global, &e))?,
                Some(name) => Mode::by_name(name).ok_or_else(|| unknown_mode(&e))?,
            };
            let action = static_name(mode, &e.action).ok_or_else(|| unknown_action(mode, &e))?;
            let keys = parse_keys(&e)?;
            match map
                .bindings
                .iter_mut()
                .find(|(m, a, _)| *m == mode && *a == action)
            {
                Some(b) => b.2 = keys,
                None => map.bindings.push((mode, action, keys)),
            }
            changed.push((mode, action, e.keys_at.clone()));
        }
        // A clash the user's keys made is reported at the user's line.
        for (mode, action, at) in &changed {
            map.check(|m, a| m == *mode && a == *action, at.clone())?;
        }
        Ok(map)
    }

    /// Errors when a key of an action `mine` picks is also another action's key in the same
    /// mode, or in [global] for the prompt and panes.
    fn check(&self, mine: impl Fn(Mode, &str) -> bool, at: Range<usize>) -> Result<(), KeyError> {
        for (mode, action, keys) in self.bindings.iter().filter(|(m, a, _)| mine(*m, a)) {
            for key in keys {
                let clash = self.bindings.iter().find(|(m, a, ks)| {
                    let shares = *m == *mode
                        || (*mode == Mode::Global && matches!(m, Mode::Prompt | Mode::Panes))
                        || (*m == Mode::Global && matches!(mode, Mode::Prompt | Mode::Panes));
                    shares && a != action && ks.contains(key)
                });
                if let Some((m, a, _)) = clash {
                    return Err(KeyError {
                        at,
                        message: format!(
                            "{} is bound twice: to {}.{action} and to {}.{a}; expected a key that does one thing (give {a} another key too)",
                            key.label(),
                            mode.name(),
                            m.name(),
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// The action of `mode` a pressed key is bound to.
    pub fn action(&self, mode: Mode, key: &KeyEvent) -> Option<&'static str> {
        self.bindings
            .iter()
            .find(|(m, _, keys)| *m == mode && keys.iter().any(|k| k.matches(key)))
            .map(|(_, a, _)| *a)
    }

    /// Whether a pressed key is one of the action's.
    pub fn is(&self, mode: Mode, action: &str, key: &KeyEvent) -> bool {
        debug_assert!(actions::exists(mode, action), "{}.{action}", mode.name());
        self.keys(mode, action).iter().any(|k| k.matches(key))
    }

    /// The action's keys, as bound.
    pub fn keys(&self, mode: Mode, action: &str) -> &[Key] {
        self.bindings
            .iter()
            .find(|(m, a, _)| *m == mode && *a == action)
            .map_or(&[], |(_, _, k)| k.as_slice())
    }

    /// The action's first key as the screen shows it; in the prompt and panes the shared key
    /// comes first. "(no key)" when it has none.
    pub fn label(&self, mode: Mode, action: &str) -> String {
        let first = match mode {
            Mode::Prompt | Mode::Panes => self
                .keys(Mode::Global, action)
                .first()
                .or_else(|| self.keys(mode, action).first()),
            _ => self.keys(mode, action).first(),
        };
        first.map_or_else(|| "(no key)".to_string(), Key::label)
    }

    /// Every key of the action, shown as on the keyboard and spaced.
    pub fn labels(&self, mode: Mode, action: &str) -> String {
        let keys: Vec<String> = self.keys(mode, action).iter().map(Key::label).collect();
        keys.join(" ")
    }

    /// The action's first key in `mode` itself, else its shared key: what a hint shows while
    /// that mode has the keyboard (`z` in the panes rather than Ctrl+F).
    pub fn own(&self, mode: Mode, action: &str) -> String {
        self.keys(mode, action)
            .first()
            .map_or_else(|| self.label(mode, action), Key::label)
    }

    /// The main actions' label: the key that works in both the prompt and the panes, else the
    /// prompt's, else the panes'.
    pub fn main(&self, action: &str) -> String {
        [Mode::Global, Mode::Prompt, Mode::Panes]
            .into_iter()
            .find_map(|m| self.keys(m, action).first())
            .map_or_else(|| "(no key)".to_string(), Key::label)
    }
}

impl Keymap {
    /// The keys a failure's hint may name, as this keymap has them.
    pub fn steps(&self) -> StepKeys {
        StepKeys::new(|step| {
            self.main(match step {
                Step::Retry => "resend",
                Step::Settings => "settings",
                Step::PickModel => "pick_model",
                Step::Clear => "clear",
                Step::AnswerTools => "answer_tools",
                Step::Thinking => "toggle_thinking",
            })
        })
    }
}

fn static_name(mode: Mode, name: &str) -> Option<&'static str> {
    actions::names(mode).into_iter().find(|n| *n == name)
}

fn unknown_action(mode: Mode, e: &Entry) -> KeyError {
    let place = match &e.mode {
        None => "directly under [keys] (the prompt and the panes)".to_string(),
        Some(m) => format!("in [keys.{m}]"),
    };
    let names = match &e.mode {
        None => actions::names(Mode::Prompt),
        Some(_) => actions::names(mode),
    };
    KeyError {
        at: e.action_at.clone(),
        message: format!(
            "unknown action `{}` {place}: expected one of {}",
            e.action,
            names.join(", ")
        ),
    }
}

fn unknown_mode(e: &Entry) -> KeyError {
    let modes: Vec<&str> = Mode::ALL.iter().map(|m| m.name()).collect();
    KeyError {
        at: e.action_at.clone(),
        message: format!(
            "unknown key mode `{}`: expected an action name or one of {}",
            e.mode.as_deref().unwrap_or(""),
            modes.join(", ")
        ),
    }
}

fn parse_keys(e: &Entry) -> Result<Vec<Key>, KeyError> {
    e.keys
        .iter()
        .map(|(text, at)| {
            Key::parse(text).map_err(|message| KeyError {
                at: at.clone(),
                message: format!("{}: {message}", e.action),
            })
        })
        .collect()
}

/// Collects the actions of a key table; a table inside it is a mode (`picker`, `panel.edit`).
/// The embedded defaults, read line by line: they are part of the program, written in the
/// plain subset of TOML a line reader takes (tables, `name = "key"`, `name = ["a", "b"]`), and
/// read on every start, where a full TOML parse cost a millisecond. A test holds this reader
/// to the TOML parser's reading of the same file.
fn read_default(text: &str) -> Result<Vec<Entry>, KeyError> {
    let mut out = Vec::new();
    let mut mode = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || KeyError {
            at: 0..0,
            message: format!("default keys, line {}: `{line}`", n + 1),
        };
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            mode = Some(name.trim().to_string());
            continue;
        }
        let (name, value) = line.split_once('=').ok_or_else(bad)?;
        let value = value.trim();
        let quoted = |v: &str| {
            v.trim()
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(|k| (k.to_string(), 0..0))
        };
        let keys = match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            Some(list) if list.trim().is_empty() => Some(Vec::new()),
            Some(list) => list.split(',').map(quoted).collect::<Option<Vec<_>>>(),
            None => quoted(value).map(|k| vec![k]),
        }
        .ok_or_else(bad)?;
        out.push(Entry {
            mode: mode.clone(),
            action: name.trim().to_string(),
            action_at: 0..0,
            keys,
            keys_at: 0..0,
        });
    }
    Ok(out)
}

fn read(table: &dyn TableLike, mode: Option<&str>, out: &mut Vec<Entry>) -> Result<(), KeyError> {
    for (name, item) in table.iter() {
        let action_at = table
            .get_key_value(name)
            .and_then(|(k, _)| k.span())
            .unwrap_or(0..0);
        let keys_at = item.span().unwrap_or_else(|| action_at.clone());
        if let Some(inner) = item.as_table_like() {
            let sub = match mode {
                Some(m) => format!("{m}.{name}"),
                None => name.to_string(),
            };
            if Mode::by_name(&sub).is_none() {
                return Err(unknown_mode(&Entry {
                    mode: Some(sub),
                    action: name.to_string(),
                    action_at,
                    keys: Vec::new(),
                    keys_at,
                }));
            }
            read(inner, Some(&sub), out)?;
            continue;
        }
        let expected = || KeyError {
            at: keys_at.clone(),
            message: format!("{name}: expected {EXPECTED}, or a list of keys"),
        };
        let keys = match item {
            Item::Value(Value::String(s)) => vec![(s.value().clone(), keys_at.clone())],
            Item::Value(Value::Array(list)) => list
                .iter()
                .map(|v| match v {
                    Value::String(s) => {
                        Ok((s.value().clone(), v.span().unwrap_or(keys_at.clone())))
                    }
                    _ => Err(expected()),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(expected()),
        };
        out.push(Entry {
            mode: mode.map(str::to_string),
            action: name.to_string(),
            action_at,
            keys,
            keys_at,
        });
    }
    Ok(())
}

/// (mode, action, keys) of the embedded defaults as the line reader takes them.
#[cfg(test)]
pub(super) fn read_default_for_tests() -> Vec<(Option<String>, String, Vec<String>)> {
    flat(read_default(DEFAULT).expect("the defaults read"))
}

/// The same, as the TOML parser takes them.
#[cfg(test)]
pub(super) fn read_default_with_toml_for_tests() -> Vec<(Option<String>, String, Vec<String>)> {
    let doc = toml_edit::ImDocument::parse(DEFAULT).expect("the defaults are TOML");
    let mut entries = Vec::new();
    read(doc.as_table(), None, &mut entries).expect("the defaults read");
    flat(entries)
}

#[cfg(test)]
fn flat(entries: Vec<Entry>) -> Vec<(Option<String>, String, Vec<String>)> {
    entries
        .into_iter()
        .map(|e| {
            (
                e.mode,
                e.action,
                e.keys.into_iter().map(|(k, _)| k).collect(),
            )
        })
        .collect()
}
