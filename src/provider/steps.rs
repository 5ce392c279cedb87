//! The next steps a failure's hint may point to that the playground has a key for. A hint's
//! playground wording names a step by its slot (`{retry}`), filled with the key the user has
//! for it when the text is shown; a command line gets the plain wording instead.

/// A next step with a key in the playground.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send the failed prompt again.
    Retry,
    /// Open the pane's settings (fallbacks, routing, model id).
    Settings,
    /// Pick another model from the catalog.
    PickModel,
    /// Clear the conversation.
    Clear,
    /// Answer the tool calls a model waits on.
    AnswerTools,
    /// Show a pane's thinking.
    Thinking,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Retry,
        Step::Settings,
        Step::PickModel,
        Step::Clear,
        Step::AnswerTools,
        Step::Thinking,
    ];

    /// How a hint's text names the step.
    pub fn slot(self) -> &'static str {
        match self {
            Step::Retry => "{retry}",
            Step::Settings => "{settings}",
            Step::PickModel => "{pick}",
            Step::Clear => "{clear}",
            Step::AnswerTools => "{answer_tools}",
            Step::Thinking => "{thinking}",
        }
    }
}

/// The playground's key for each step, as the screen shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepKeys {
    labels: Vec<(Step, String)>,
}

impl StepKeys {
    pub fn new(label: impl Fn(Step) -> String) -> Self {
        Self {
            labels: Step::ALL.iter().map(|s| (*s, label(*s))).collect(),
        }
    }

    /// The hint's text with every step's slot replaced by its key.
    pub fn fill(&self, text: &str) -> String {
        self.labels.iter().fold(text.to_string(), |t, (step, key)| {
            t.replace(step.slot(), key)
        })
    }
}

impl Default for StepKeys {
    /// The default keymap's keys (a test in the keymap keeps the two the same).
    fn default() -> Self {
        Self::new(|s| {
            match s {
                Step::Retry => "Ctrl+R",
                Step::Settings => "F2",
                Step::PickModel => "Ctrl+P",
                Step::Clear => "Alt+L",
                Step::AnswerTools => "Alt+T",
                Step::Thinking => "F5",
            }
            .to_string()
        })
    }
}

/// Who reads a message: someone in the playground, with their keys, or a script's log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Audience<'a> {
    Playground(&'a StepKeys),
    CommandLine,
}
