//! Keys to commands. One table drives both dispatch and the help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::Zone;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Send,
    SendFocused,
    /// Re-send the last prompt: to the panes whose answer failed when some did (the others
    /// are not paid for again), else to every pane.
    Resend,
    /// Re-send the focused pane's last prompt, to that pane only.
    ResendFocused,
    /// Esc: switch between prompt and panes. It never cancels: a key pressed to leave the
    /// prompt must not throw away answers being paid for.
    Switch,
    CancelFocused,
    CancelAll,
    Clear,
    NextPane,
    PrevPane,
    FocusPane(usize),
    Zoom,
    AddPane,
    ClosePane,
    PageUp,
    PageDown,
    LineUp,
    LineDown,
    Top,
    Bottom,
    Editor,
    Help,
    Quit,
    FocusPrompt,
    /// Open the model picker for the focused pane.
    PickModel,
    /// Send even though the budget guard refused the round.
    SendAnyway,
    /// Show spend per model and per day.
    SpendBreakdown,
    /// Open the config panel for the focused pane.
    Settings,
    /// Switch to the next saved workspace.
    NextWorkspace,
    /// Show the focused pane's hop trail.
    Trail,
    /// Show or hide the focused pane's thinking.
    ToggleThinking,
    /// Switch to the next theme.
    NextTheme,
    /// Panes only, for demos; again to come back.
    Presentation,
    /// Copy the focused pane's last answer.
    CopyAnswer,
    /// Copy: `y` again for the answer, a digit for that code block.
    CopyPrefix,
    /// Judge the latest round: the next key is the verdict.
    Vote,
    /// Blind judging on or off.
    Blind,
    /// Wins, losses and ratings per model.
    Scoreboard,
    /// Word-level diff of the focused pane's answer against another's.
    Diff,
    /// Send the focused pane's last prompt N more times, in new panes: then a digit.
    Rerun,
    /// Browse and search past sessions, and resume one.
    Sessions,
    /// From a read-only look at a stored session back to the live one.
    BackToLive,
    /// Bring back the pane closed, or the conversations cleared, last.
    Undo,
    /// The values of `{{name}}` in prompts.
    Vars,
    /// Search the focused pane: type, Enter.
    Search,
    NextMatch,
    PrevMatch,
    NextRound,
    PrevRound,
    NextCode,
    PrevCode,
    /// The prompt library: insert a saved prompt, or save this one.
    Library,
    /// Answer pending tool calls: with the typed text, else each tool's canned result.
    AnswerTools,
    /// Answer tool calls with canned results by themselves, a few steps at most.
    AutoTools,
    /// Attach the image at the path on the prompt's last line.
    AttachImage,
    /// Drop the images waiting to go with the next prompt.
    DropImages,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    Prompt,
    Panes,
}

pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub label: &'static str,
    pub what: &'static str,
    pub scope: Scope,
    pub command: Command,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

macro_rules! bind {
    ($scope:ident, $cmd:expr, $label:literal, $what:literal, [$(($code:expr, $mods:expr)),+ $(,)?]) => {
        Binding { keys: &[$(($code, $mods)),+], label: $label, what: $what, scope: Scope::$scope, command: $cmd }
    };
}

pub const BINDINGS: &[Binding] = &[
    bind!(
        Prompt,
        Command::Send,
        "Enter",
        "send the prompt to every pane",
        [(KeyCode::Enter, NONE)]
    ),
    bind!(
        Everywhere,
        Command::SendFocused,
        "Ctrl+S",
        "send the prompt to the focused pane only",
        [(KeyCode::Char('s'), CTRL)]
    ),
    bind!(
        Everywhere,
        Command::SendAnyway,
        "Ctrl+G",
        "send past the budget guard, this round only",
        [(KeyCode::Char('g'), CTRL)]
    ),
    bind!(
        Everywhere,
        Command::Resend,
        "Ctrl+R",
        "re-send the last prompt: to the failed panes if any failed, else to all",
        [(KeyCode::Char('r'), CTRL)]
    ),
    bind!(
        Panes,
        Command::ResendFocused,
        "r",
        "re-send the focused pane's last prompt (this pane only)",
        [(KeyCode::Char('r'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::Switch,
        "Esc",
        "switch prompt ↔ panes (never cancels)",
        [(KeyCode::Esc, NONE)]
    ),
    bind!(
        Everywhere,
        Command::CancelAll,
        "Alt+C  X",
        "cancel every running stream",
        [(KeyCode::Char('c'), ALT)]
    ),
    bind!(
        Panes,
        Command::CancelAll,
        "",
        "",
        [(KeyCode::Char('X'), SHIFT), (KeyCode::Char('X'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::CancelFocused,
        "Ctrl+X  x",
        "cancel the focused pane's stream",
        [(KeyCode::Char('x'), CTRL)]
    ),
    bind!(
        Panes,
        Command::CancelFocused,
        "x",
        "",
        [(KeyCode::Char('x'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::Clear,
        "Alt+L",
        "clear every conversation (u brings them back)",
        [(KeyCode::Char('l'), ALT)]
    ),
    bind!(
        Everywhere,
        Command::NextPane,
        "Tab  l →",
        "focus the next pane",
        [(KeyCode::Tab, NONE)]
    ),
    bind!(
        Panes,
        Command::NextPane,
        "l",
        "",
        [(KeyCode::Char('l'), NONE), (KeyCode::Right, NONE)]
    ),
    bind!(
        Everywhere,
        Command::PrevPane,
        "Shift+Tab  h ←",
        "focus the previous pane",
        [(KeyCode::BackTab, SHIFT), (KeyCode::BackTab, NONE)]
    ),
    bind!(
        Panes,
        Command::PrevPane,
        "h",
        "",
        [(KeyCode::Char('h'), NONE), (KeyCode::Left, NONE)]
    ),
    bind!(
        Everywhere,
        Command::FocusPane(0),
        "Alt+1…9  1…9",
        "focus pane N",
        [(KeyCode::Char('1'), ALT)]
    ),
    bind!(
        Everywhere,
        Command::Zoom,
        "Ctrl+F  z",
        "zoom the focused pane to full screen and back",
        [(KeyCode::Char('f'), CTRL)]
    ),
    bind!(Panes, Command::Zoom, "z", "", [(KeyCode::Char('z'), NONE)]),
    bind!(
        Everywhere,
        Command::Settings,
        "F2  c",
        "pane settings: model, fallbacks, routing, sampling, system prompt",
        [(KeyCode::F(2), NONE)]
    ),
    bind!(
        Panes,
        Command::Settings,
        "",
        "",
        [(KeyCode::Char('c'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::NextWorkspace,
        "F3  w",
        "switch to the next saved workspace",
        [(KeyCode::F(3), NONE)]
    ),
    bind!(
        Panes,
        Command::NextWorkspace,
        "",
        "",
        [(KeyCode::Char('w'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::Trail,
        "F4  t",
        "the focused pane's hop trail (retries, fallbacks)",
        [(KeyCode::F(4), NONE)]
    ),
    bind!(Panes, Command::Trail, "", "", [(KeyCode::Char('t'), NONE)]),
    bind!(
        Everywhere,
        Command::PickModel,
        "Ctrl+P  m",
        "pick the focused pane's model from the catalog",
        [(KeyCode::Char('p'), CTRL)]
    ),
    bind!(
        Panes,
        Command::PickModel,
        "",
        "",
        [(KeyCode::Char('m'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::AddPane,
        "Ctrl+N  a",
        "add a pane (pick a model)",
        [(KeyCode::Char('n'), CTRL)]
    ),
    bind!(
        Panes,
        Command::AddPane,
        "a",
        "",
        [(KeyCode::Char('a'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::ClosePane,
        "Alt+W  d",
        "close the focused pane (u brings it back)",
        [(KeyCode::Char('w'), ALT)]
    ),
    bind!(
        Everywhere,
        Command::Undo,
        "Alt+U  u",
        "bring back the pane closed or the conversations cleared last",
        [(KeyCode::Char('u'), ALT)]
    ),
    bind!(Panes, Command::Undo, "", "", [(KeyCode::Char('u'), NONE)]),
    bind!(
        Panes,
        Command::ClosePane,
        "d",
        "",
        [(KeyCode::Char('d'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::PageUp,
        "PgUp / PgDn",
        "scroll the focused pane a page",
        [(KeyCode::PageUp, NONE)]
    ),
    bind!(
        Everywhere,
        Command::PageDown,
        "",
        "",
        [(KeyCode::PageDown, NONE)]
    ),
    bind!(
        Panes,
        Command::LineUp,
        "k ↑ / j ↓",
        "scroll the focused pane a line",
        [(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)]
    ),
    bind!(
        Panes,
        Command::LineDown,
        "",
        "",
        [(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)]
    ),
    bind!(
        Everywhere,
        Command::Top,
        "Ctrl+Home  Home g",
        "scroll to the top",
        [(KeyCode::Home, CTRL)]
    ),
    bind!(
        Panes,
        Command::Top,
        "",
        "",
        [(KeyCode::Home, NONE), (KeyCode::Char('g'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::Bottom,
        "Ctrl+End  End G",
        "follow the tail again",
        [(KeyCode::End, CTRL)]
    ),
    bind!(
        Panes,
        Command::Bottom,
        "",
        "",
        [
            (KeyCode::End, NONE),
            (KeyCode::Char('G'), SHIFT),
            (KeyCode::Char('G'), NONE)
        ]
    ),
    bind!(
        Prompt,
        Command::Editor,
        "Alt+E",
        "edit the prompt in $EDITOR",
        [(KeyCode::Char('e'), ALT)]
    ),
    bind!(
        Everywhere,
        Command::Help,
        "F1  ?",
        "this help (? in panes or on an empty prompt)",
        [(KeyCode::F(1), NONE)]
    ),
    bind!(
        Panes,
        Command::Help,
        "",
        "",
        [(KeyCode::Char('?'), NONE), (KeyCode::Char('?'), SHIFT)]
    ),
    bind!(
        Everywhere,
        Command::ToggleThinking,
        "F5  e",
        "show or hide the focused pane's thinking",
        [(KeyCode::F(5), NONE)]
    ),
    bind!(
        Panes,
        Command::ToggleThinking,
        "",
        "",
        [(KeyCode::Char('e'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::CopyAnswer,
        "Ctrl+Y  y y",
        "copy the focused pane's answer (y 1…9: its Nth code block)",
        [(KeyCode::Char('y'), CTRL)]
    ),
    bind!(
        Panes,
        Command::CopyPrefix,
        "",
        "",
        [(KeyCode::Char('y'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::NextTheme,
        "F7",
        "next theme",
        [(KeyCode::F(7), NONE)]
    ),
    bind!(
        Everywhere,
        Command::Presentation,
        "F9  P",
        "presentation mode: panes only, for demos",
        [(KeyCode::F(9), NONE)]
    ),
    bind!(
        Panes,
        Command::Presentation,
        "",
        "",
        [(KeyCode::Char('P'), SHIFT), (KeyCode::Char('P'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::Vote,
        "F6  v",
        "judge the round: then the best pane's number (1…16), = tie, 0 all bad",
        [(KeyCode::F(6), NONE)]
    ),
    bind!(Panes, Command::Vote, "", "", [(KeyCode::Char('v'), NONE)]),
    bind!(
        Everywhere,
        Command::Blind,
        "F8  b",
        "blind judging: names hidden and panes shuffled until the vote",
        [(KeyCode::F(8), NONE)]
    ),
    bind!(Panes, Command::Blind, "", "", [(KeyCode::Char('b'), NONE)]),
    bind!(
        Everywhere,
        Command::Scoreboard,
        "F10  S",
        "scoreboard: wins, ratings, speed and cost per model",
        [(KeyCode::F(10), NONE)]
    ),
    bind!(
        Panes,
        Command::Scoreboard,
        "",
        "",
        [(KeyCode::Char('S'), SHIFT), (KeyCode::Char('S'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::Diff,
        "Alt+D  D",
        "diff the focused answer against the next pane's (←/→ picks)",
        [(KeyCode::Char('d'), ALT)]
    ),
    bind!(
        Panes,
        Command::Diff,
        "",
        "",
        [(KeyCode::Char('D'), SHIFT), (KeyCode::Char('D'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::Rerun,
        "Alt+R  R",
        "rerun ×N: the focused pane's last prompt in N new panes (then 2…7)",
        [(KeyCode::Char('r'), ALT)]
    ),
    bind!(
        Panes,
        Command::Rerun,
        "",
        "",
        [(KeyCode::Char('R'), SHIFT), (KeyCode::Char('R'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::Sessions,
        "Ctrl+O  o",
        "past sessions: search as you type, Enter resumes one",
        [(KeyCode::Char('o'), CTRL)]
    ),
    bind!(
        Everywhere,
        Command::BackToLive,
        "Ctrl+B",
        "back to the live session from a read-only one",
        [(KeyCode::Char('b'), CTRL)]
    ),
    bind!(
        Everywhere,
        Command::Vars,
        "Alt+V",
        "variables: set what {{name}} stands for in prompts",
        [(KeyCode::Char('v'), ALT)]
    ),
    bind!(
        Panes,
        Command::Search,
        "/",
        "search the focused pane (case matters with a capital)",
        [(KeyCode::Char('/'), NONE), (KeyCode::Char('/'), SHIFT)]
    ),
    bind!(
        Panes,
        Command::NextMatch,
        "n  N",
        "next / previous match",
        [(KeyCode::Char('n'), NONE)]
    ),
    bind!(
        Panes,
        Command::PrevMatch,
        "",
        "",
        [(KeyCode::Char('N'), SHIFT), (KeyCode::Char('N'), NONE)]
    ),
    bind!(
        Panes,
        Command::NextRound,
        "]  [",
        "next / previous round of the focused pane",
        [(KeyCode::Char(']'), NONE)]
    ),
    bind!(
        Panes,
        Command::PrevRound,
        "",
        "",
        [(KeyCode::Char('['), NONE)]
    ),
    bind!(
        Panes,
        Command::NextCode,
        "}  {",
        "next / previous code block",
        [(KeyCode::Char('}'), NONE), (KeyCode::Char('}'), SHIFT)]
    ),
    bind!(
        Panes,
        Command::PrevCode,
        "",
        "",
        [(KeyCode::Char('{'), NONE), (KeyCode::Char('{'), SHIFT)]
    ),
    bind!(
        Panes,
        Command::Sessions,
        "",
        "",
        [(KeyCode::Char('o'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::Library,
        "Alt+P  p",
        "prompt library: insert a saved prompt, Ctrl+S saves this one",
        [(KeyCode::Char('p'), ALT)]
    ),
    bind!(
        Panes,
        Command::Library,
        "",
        "",
        [(KeyCode::Char('p'), NONE)]
    ),
    bind!(
        Everywhere,
        Command::AnswerTools,
        "Alt+T",
        "answer tool calls: the typed text, else canned results",
        [(KeyCode::Char('t'), ALT)]
    ),
    bind!(
        Everywhere,
        Command::AutoTools,
        "Alt+A",
        "auto-answer tool calls with canned results (5 steps a prompt; again: off)",
        [(KeyCode::Char('a'), ALT)]
    ),
    bind!(
        Everywhere,
        Command::AttachImage,
        "Alt+I",
        "attach the image whose path is the prompt's last line",
        [(KeyCode::Char('i'), ALT)]
    ),
    bind!(
        Everywhere,
        Command::DropImages,
        "Alt+X",
        "drop the attached images",
        [(KeyCode::Char('x'), ALT)]
    ),
    bind!(
        Everywhere,
        Command::SpendBreakdown,
        "Ctrl+T  $",
        "spend per model and per day",
        [(KeyCode::Char('t'), CTRL)]
    ),
    bind!(
        Panes,
        Command::SpendBreakdown,
        "",
        "",
        [(KeyCode::Char('$'), NONE), (KeyCode::Char('$'), SHIFT)]
    ),
    bind!(
        Everywhere,
        Command::Quit,
        "Ctrl+C  q",
        "quit (asks while streams run or a draft is unsent)",
        [(KeyCode::Char('c'), CTRL)]
    ),
    bind!(Panes, Command::Quit, "q", "", [(KeyCode::Char('q'), NONE)]),
    bind!(
        Panes,
        Command::FocusPrompt,
        "i  Enter",
        "back to the prompt",
        [(KeyCode::Char('i'), NONE), (KeyCode::Enter, NONE)]
    ),
];

/// Editing keys handled by the prompt editor itself, listed for the help overlay.
pub const EDITOR_HELP: &[(&str, &str)] = &[
    ("Alt+Enter  Shift+Enter", "insert a newline"),
    (
        "↑ ↓ at the edges",
        "walk prompt history (first / last line)",
    ),
    ("Ctrl+W  Alt+Backspace", "delete the word before the cursor"),
    ("Ctrl+U / Ctrl+K", "delete to the line's start / end"),
    ("Ctrl+A / Ctrl+E  Home / End", "line start / end"),
    ("Ctrl+Z", "undo an edit"),
];

/// Keys of the pane settings (F2), for the help overlay; `panel_keys` handles them.
pub const PANEL_HELP: &[(&str, &str)] = &[
    (
        "↑↓  Enter  Space",
        "move between fields, edit one, cycle a choice",
    ),
    (
        "v",
        "show the request body (JSON) the pane will send, and back",
    ),
    (
        "PgUp / PgDn",
        "scroll the request body (↑↓ j k g G too when it fills the panel)",
    ),
    (
        "s  w  t",
        "save the pane, save the workspace, test the connection",
    ),
];

/// The command for a key in a zone. `prompt_empty` lets `?` open help from an empty prompt.
pub fn command(zone: Zone, key: &KeyEvent, prompt_empty: bool) -> Option<Command> {
    // Digits carry their own pane number, so they are matched before the table.
    if let KeyCode::Char(c @ '1'..='9') = key.code {
        let n = (c as usize) - ('1' as usize);
        if key.modifiers == ALT || (zone == Zone::Panes && key.modifiers == NONE) {
            return Some(Command::FocusPane(n));
        }
    }
    if zone == Zone::Prompt
        && prompt_empty
        && key.code == KeyCode::Char('?')
        && !key.modifiers.intersects(CTRL | ALT)
    {
        return Some(Command::Help);
    }
    BINDINGS
        .iter()
        .filter(|b| match b.scope {
            Scope::Everywhere => true,
            Scope::Prompt => zone == Zone::Prompt,
            Scope::Panes => zone == Zone::Panes,
        })
        .find(|b| {
            b.keys
                .iter()
                .any(|(code, mods)| *code == key.code && *mods == key.modifiers)
        })
        .map(|b| b.command)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn letters_type_in_the_prompt_but_command_in_panes() {
        let q = key(KeyCode::Char('q'), NONE);
        assert_eq!(command(Zone::Prompt, &q, true), None);
        assert_eq!(command(Zone::Panes, &q, true), Some(Command::Quit));
    }

    #[test]
    fn question_mark_opens_help_only_on_an_empty_prompt() {
        let k = key(KeyCode::Char('?'), NONE);
        assert_eq!(command(Zone::Prompt, &k, true), Some(Command::Help));
        assert_eq!(command(Zone::Prompt, &k, false), None);
    }

    #[test]
    fn digits_focus_panes() {
        assert_eq!(
            command(Zone::Prompt, &key(KeyCode::Char('3'), ALT), false),
            Some(Command::FocusPane(2))
        );
        assert_eq!(
            command(Zone::Prompt, &key(KeyCode::Char('3'), NONE), false),
            None
        );
        assert_eq!(
            command(Zone::Panes, &key(KeyCode::Char('9'), NONE), false),
            Some(Command::FocusPane(8))
        );
    }

    #[test]
    fn every_listed_binding_dispatches() {
        for b in BINDINGS {
            let zone = if b.scope == Scope::Panes {
                Zone::Panes
            } else {
                Zone::Prompt
            };
            for (code, mods) in b.keys {
                if matches!(code, KeyCode::Char('1'..='9')) {
                    continue;
                }
                assert_eq!(
                    command(zone, &key(*code, *mods), false),
                    Some(b.command),
                    "{code:?} {mods:?}"
                );
            }
        }
    }
}
