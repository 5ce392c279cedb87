//! Keys to actions, for every mode: the embedded `default.toml` with the user's `[keys]` over
//! it. Dispatch, the help and every hint that names a key read the same [`Keymap`].

mod actions;
mod key;
mod map;
#[cfg(test)]
mod tests;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use actions::{Mode, EDITING, MAIN, OTHERS};
pub use key::Key;
pub use map::{KeyError, Keymap};

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
    Judge,
    NextCase,
    PrevCase,
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

impl Keymap {
    /// The command for a key in the prompt or the panes. `prompt_empty` lets the prompt's help
    /// key open the help while there is nothing typed.
    pub fn command(&self, mode: Mode, key: &KeyEvent, prompt_empty: bool) -> Option<Command> {
        // Digits carry their own pane number, so they are matched before the table.
        if let KeyCode::Char(c @ '1'..='9') = key.code {
            let n = (c as usize) - ('1' as usize);
            if key.modifiers == KeyModifiers::ALT
                || (mode == Mode::Panes && key.modifiers == KeyModifiers::NONE)
            {
                return Some(Command::FocusPane(n));
            }
        }
        if mode == Mode::Prompt && !prompt_empty && self.is(Mode::Prompt, "help", key) {
            return None;
        }
        [Mode::Global, mode]
            .into_iter()
            .find_map(|m| self.action(m, key))
            .and_then(actions::command)
    }
}
