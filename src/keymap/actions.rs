//! The modes and their actions: the names the key file uses, what each does (for the help),
//! and the command each action of the prompt and panes runs.

use super::Command;

/// Where a key is read. The prompt and the panes also take the keys of [`Mode::Global`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Global,
    Prompt,
    Panes,
    Search,
    Vote,
    Copy,
    Help,
    ConfirmQuit,
    Picker,
    Panel,
    PanelJson,
    PanelEdit,
    PanelName,
    Library,
    Sessions,
    Vars,
    Diff,
    Scoreboard,
}

impl Mode {
    pub const ALL: [Mode; 18] = [
        Mode::Global,
        Mode::Prompt,
        Mode::Panes,
        Mode::Search,
        Mode::Vote,
        Mode::Copy,
        Mode::Help,
        Mode::ConfirmQuit,
        Mode::Picker,
        Mode::Panel,
        Mode::PanelJson,
        Mode::PanelEdit,
        Mode::PanelName,
        Mode::Library,
        Mode::Sessions,
        Mode::Vars,
        Mode::Diff,
        Mode::Scoreboard,
    ];

    /// The table's name in the key file.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::Prompt => "prompt",
            Mode::Panes => "panes",
            Mode::Search => "search",
            Mode::Vote => "vote",
            Mode::Copy => "copy",
            Mode::Help => "help",
            Mode::ConfirmQuit => "confirm_quit",
            Mode::Picker => "picker",
            Mode::Panel => "panel",
            Mode::PanelJson => "panel.body",
            Mode::PanelEdit => "panel.edit",
            Mode::PanelName => "panel.name",
            Mode::Library => "library",
            Mode::Sessions => "sessions",
            Mode::Vars => "vars",
            Mode::Diff => "diff",
            Mode::Scoreboard => "scoreboard",
        }
    }

    pub fn by_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// The actions of the prompt and the panes, in the help's order, with their commands. One
/// name may have keys in [global], [prompt] and [panes]; the help shows them on one line.
pub const MAIN: &[(&str, Command, &str)] = &[
    ("send", Command::Send, "send the prompt to every pane"),
    (
        "send_focused",
        Command::SendFocused,
        "send the prompt to the focused pane only",
    ),
    (
        "send_anyway",
        Command::SendAnyway,
        "send past the budget guard, this round only",
    ),
    (
        "resend",
        Command::Resend,
        "re-send the last prompt: to the failed panes if any failed, else to all",
    ),
    (
        "resend_focused",
        Command::ResendFocused,
        "re-send the focused pane's last prompt (this pane only)",
    ),
    (
        "switch",
        Command::Switch,
        "switch prompt ↔ panes (never cancels)",
    ),
    ("focus_prompt", Command::FocusPrompt, "back to the prompt"),
    (
        "cancel_all",
        Command::CancelAll,
        "cancel every running stream",
    ),
    (
        "cancel_focused",
        Command::CancelFocused,
        "cancel the focused pane's stream",
    ),
    (
        "clear",
        Command::Clear,
        "clear every conversation (undo brings them back)",
    ),
    ("next_pane", Command::NextPane, "focus the next pane"),
    ("prev_pane", Command::PrevPane, "focus the previous pane"),
    (
        "zoom",
        Command::Zoom,
        "zoom the focused pane to full screen and back",
    ),
    (
        "settings",
        Command::Settings,
        "pane settings: model, fallbacks, routing, sampling, system prompt",
    ),
    (
        "next_workspace",
        Command::NextWorkspace,
        "switch to the next saved workspace",
    ),
    (
        "trail",
        Command::Trail,
        "the focused pane's hop trail (retries, fallbacks)",
    ),
    (
        "pick_model",
        Command::PickModel,
        "pick the focused pane's model from the catalog",
    ),
    ("add_pane", Command::AddPane, "add a pane (pick a model)"),
    (
        "close_pane",
        Command::ClosePane,
        "close the focused pane (undo brings it back)",
    ),
    (
        "undo",
        Command::Undo,
        "bring back the pane closed or the conversations cleared last",
    ),
    (
        "page_up",
        Command::PageUp,
        "scroll the focused pane a page up",
    ),
    (
        "page_down",
        Command::PageDown,
        "scroll the focused pane a page down",
    ),
    (
        "line_up",
        Command::LineUp,
        "scroll the focused pane a line up",
    ),
    (
        "line_down",
        Command::LineDown,
        "scroll the focused pane a line down",
    ),
    ("top", Command::Top, "scroll to the top"),
    ("bottom", Command::Bottom, "follow the tail again"),
    ("editor", Command::Editor, "edit the prompt in $EDITOR"),
    (
        "help",
        Command::Help,
        "this help (in the prompt only while it is empty)",
    ),
    (
        "toggle_thinking",
        Command::ToggleThinking,
        "show or hide the focused pane's thinking",
    ),
    (
        "copy_answer",
        Command::CopyAnswer,
        "copy the focused pane's answer",
    ),
    (
        "copy",
        Command::CopyPrefix,
        "copy: then the answer or a code block (see Copying)",
    ),
    ("next_theme", Command::NextTheme, "next theme"),
    (
        "presentation",
        Command::Presentation,
        "presentation mode: panes only, for demos",
    ),
    (
        "vote",
        Command::Vote,
        "judge the round: then the best pane's number (1…16), a tie or all bad",
    ),
    (
        "blind",
        Command::Blind,
        "blind judging: names hidden and panes shuffled until the vote",
    ),
    (
        "scoreboard",
        Command::Scoreboard,
        "scoreboard: wins, ratings, speed and cost per model",
    ),
    (
        "diff",
        Command::Diff,
        "diff the focused answer against the next pane's",
    ),
    (
        "judge",
        Command::Judge,
        "judge the last round with the judge model (again: its verdicts)",
    ),
    (
        "next_case",
        Command::NextCase,
        "suite: send the next case, each answer checked against it",
    ),
    (
        "prev_case",
        Command::PrevCase,
        "suite: send the previous case again",
    ),
    (
        "rerun",
        Command::Rerun,
        "rerun ×N: the focused pane's last prompt in N new panes (then 2…7)",
    ),
    (
        "sessions",
        Command::Sessions,
        "past sessions: search as you type, resume one",
    ),
    (
        "back_to_live",
        Command::BackToLive,
        "back to the live session from a read-only one",
    ),
    (
        "vars",
        Command::Vars,
        "variables: set what {{name}} stands for in prompts",
    ),
    (
        "search",
        Command::Search,
        "search the focused pane (case matters with a capital)",
    ),
    ("next_match", Command::NextMatch, "next match"),
    ("prev_match", Command::PrevMatch, "previous match"),
    (
        "next_round",
        Command::NextRound,
        "next round of the focused pane",
    ),
    (
        "prev_round",
        Command::PrevRound,
        "previous round of the focused pane",
    ),
    ("next_code", Command::NextCode, "next code block"),
    ("prev_code", Command::PrevCode, "previous code block"),
    (
        "library",
        Command::Library,
        "prompt library: insert a saved prompt, or save this one",
    ),
    (
        "answer_tools",
        Command::AnswerTools,
        "answer tool calls: the typed text, else canned results",
    ),
    (
        "auto_tools",
        Command::AutoTools,
        "auto-answer tool calls with canned results (5 steps a prompt; again: off)",
    ),
    (
        "attach_image",
        Command::AttachImage,
        "attach the image whose path is the prompt's last line",
    ),
    (
        "drop_images",
        Command::DropImages,
        "drop the attached images",
    ),
    (
        "spend",
        Command::SpendBreakdown,
        "spend per model and per day",
    ),
    (
        "quit",
        Command::Quit,
        "quit (asks while streams run or a draft is unsent)",
    ),
];

/// The prompt editor's own actions, which run no command.
pub const EDITING: &[(&str, &str)] = &[
    ("newline", "insert a newline"),
    (
        "history_back",
        "the previous prompt from the history (on the first line)",
    ),
    (
        "history_forward",
        "the next prompt from the history (on the last line)",
    ),
    ("delete_to_line_start", "delete to the line's start"),
    ("undo_edit", "undo an edit"),
];

/// The actions of every other mode, with what they do.
pub const OTHERS: &[(Mode, &str, &str)] = &[
    (Mode::Search, "find", "find the query"),
    (Mode::Search, "cancel", "drop the search"),
    (Mode::Search, "erase", "erase the query's last character"),
    (Mode::Vote, "tie", "a tie"),
    (Mode::Vote, "all_bad", "every answer was bad"),
    (
        Mode::Vote,
        "pane",
        "the one-digit pane, when two-digit numbers wait for a second digit",
    ),
    (
        Mode::Copy,
        "answer",
        "the whole answer (a digit: that code block)",
    ),
    (Mode::Help, "down", "scroll down a line"),
    (Mode::Help, "up", "scroll up a line"),
    (Mode::Help, "page_down", "scroll down a page"),
    (Mode::Help, "page_up", "scroll up a page"),
    (Mode::Help, "quit", "quit"),
    (Mode::ConfirmQuit, "quit", "quit (any other key stays)"),
    (Mode::Picker, "close", "close"),
    (Mode::Picker, "choose", "choose the model"),
    (Mode::Picker, "add_pane", "add the model as a new pane"),
    (
        Mode::Picker,
        "per_provider",
        "one pane per provider serving the model",
    ),
    (Mode::Picker, "sort", "next sort order"),
    (Mode::Picker, "next_filter", "next filter"),
    (Mode::Picker, "prev_filter", "previous filter"),
    (Mode::Picker, "up", "previous model"),
    (Mode::Picker, "down", "next model"),
    (Mode::Picker, "page_up", "a page up"),
    (Mode::Picker, "page_down", "a page down"),
    (Mode::Library, "close", "close"),
    (Mode::Library, "insert", "insert the prompt"),
    (
        Mode::Library,
        "save",
        "save the current prompt under the typed name",
    ),
    (Mode::Library, "up", "previous prompt"),
    (Mode::Library, "down", "next prompt"),
    (Mode::Sessions, "close", "close"),
    (Mode::Sessions, "resume", "resume the session"),
    (Mode::Sessions, "look", "look at it read-only"),
    (Mode::Sessions, "up", "previous session"),
    (Mode::Sessions, "down", "next session"),
    (Mode::Vars, "close", "close"),
    (
        Mode::Vars,
        "set",
        "set name=value (on an empty line: edit the chosen one)",
    ),
    (
        Mode::Vars,
        "remove",
        "remove the chosen variable (on an empty line)",
    ),
    (Mode::Vars, "up", "previous variable"),
    (Mode::Vars, "down", "next variable"),
    (Mode::Diff, "next", "diff against the next pane"),
    (Mode::Diff, "prev", "diff against the previous pane"),
    (
        Mode::Scoreboard,
        "all",
        "every session's votes, or this one's",
    ),
    (
        Mode::Scoreboard,
        "rater",
        "your votes, or the judge's verdicts",
    ),
    (Mode::Panel, "close", "close"),
    (Mode::Panel, "up", "previous field"),
    (Mode::Panel, "down", "next field"),
    (Mode::Panel, "page_up", "eight fields up"),
    (Mode::Panel, "page_down", "eight fields down"),
    (Mode::Panel, "first", "first field"),
    (Mode::Panel, "last", "last field"),
    (
        Mode::Panel,
        "open",
        "edit the field, open the picker, or cycle a choice",
    ),
    (Mode::Panel, "cycle", "cycle a choice"),
    (Mode::Panel, "left", "previous choice, or previous fallback"),
    (Mode::Panel, "right", "next choice, or next fallback"),
    (
        Mode::Panel,
        "unset",
        "unset the field (remove the fallback)",
    ),
    (
        Mode::Panel,
        "json",
        "show the request body (JSON) the pane will send, and back",
    ),
    (Mode::Panel, "save", "save the pane to the config"),
    (
        Mode::Panel,
        "save_workspace",
        "save the panes as a workspace",
    ),
    (Mode::Panel, "test", "test the connection"),
    (Mode::Panel, "add_fallback", "add a fallback model"),
    (Mode::Panel, "remove_fallback", "remove the fallback"),
    (Mode::Panel, "fallback_up", "move the fallback earlier"),
    (Mode::Panel, "fallback_down", "move the fallback later"),
    (
        Mode::PanelJson,
        "page_up",
        "scroll the request body a page up",
    ),
    (
        Mode::PanelJson,
        "page_down",
        "scroll the request body a page down",
    ),
    (
        Mode::PanelJson,
        "page",
        "a page down, while the body fills the panel",
    ),
    (
        Mode::PanelJson,
        "line_down",
        "a line down, while the body fills the panel",
    ),
    (
        Mode::PanelJson,
        "line_up",
        "a line up, while the body fills the panel",
    ),
    (
        Mode::PanelJson,
        "top",
        "the top, while the body fills the panel",
    ),
    (
        Mode::PanelJson,
        "bottom",
        "the end, while the body fills the panel",
    ),
    (Mode::PanelEdit, "apply", "apply a one-line field"),
    (
        Mode::PanelEdit,
        "apply_lines",
        "apply a field of several lines",
    ),
    (Mode::PanelEdit, "cancel", "cancel the edit"),
    (Mode::PanelName, "save", "save the workspace under the name"),
    (Mode::PanelName, "cancel", "cancel"),
];

/// Whether `mode` has an action called `name`.
pub fn exists(mode: Mode, name: &str) -> bool {
    match mode {
        Mode::Global | Mode::Panes => MAIN.iter().any(|(n, ..)| *n == name),
        Mode::Prompt => {
            MAIN.iter().any(|(n, ..)| *n == name) || EDITING.iter().any(|(n, _)| *n == name)
        }
        _ => OTHERS.iter().any(|(m, n, _)| *m == mode && *n == name),
    }
}

/// The names `mode` knows, for an error that says what was expected.
pub fn names(mode: Mode) -> Vec<&'static str> {
    match mode {
        Mode::Global | Mode::Panes => MAIN.iter().map(|(n, ..)| *n).collect(),
        Mode::Prompt => MAIN
            .iter()
            .map(|(n, ..)| *n)
            .chain(EDITING.iter().map(|(n, _)| *n))
            .collect(),
        _ => OTHERS
            .iter()
            .filter(|(m, ..)| *m == mode)
            .map(|(_, n, _)| *n)
            .collect(),
    }
}

/// The command an action of the prompt or panes runs.
pub fn command(name: &str) -> Option<Command> {
    MAIN.iter().find(|(n, ..)| *n == name).map(|(_, c, _)| *c)
}
