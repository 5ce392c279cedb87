//! `switchboard run`'s command line.

use std::path::PathBuf;

/// `switchboard run`'s options, as the command line gives them.
#[derive(clap::Args)]
pub struct RunArgs {
    /// A model (repeatable); without any, the config's panes or the defaults.
    #[arg(short = 'm', long = "model", value_name = "MODEL")]
    pub models: Vec<String>,
    /// One prompt.
    #[arg(short = 'p', long)]
    pub prompt: Option<String>,
    /// A file of prompts: one a line, or JSON lines {"prompt": …, "vars": {…}}.
    #[arg(long, value_name = "FILE")]
    pub prompts: Option<PathBuf>,
    /// A system prompt for every request.
    #[arg(long)]
    pub system: Option<String>,
    /// Fills {{name}} in prompts (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// A file of name=value lines for {{name}} in prompts.
    #[arg(long = "vars", value_name = "FILE")]
    pub vars_file: Option<PathBuf>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Send each prompt to each model N times; the summary gives each figure's mean with
    /// its 95% interval, and the pass rate with its interval.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: usize,
    /// Default: from --out's extension (.json, .jsonl, .csv, .md), else the table.
    #[arg(long, value_parser = ["table", "json", "jsonl", "csv", "md"])]
    pub format: Option<String>,
    /// Write results here instead of to standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// An image to send with every prompt (repeatable): png, jpeg, gif or webp.
    #[arg(long = "image", value_name = "PATH")]
    pub images: Vec<PathBuf>,
    /// A judge model rates every answer (e.g. sim/judge); its cost is booked apart.
    #[arg(long, value_name = "MODEL")]
    pub judge: Option<String>,
    /// The judge's rubric, a text or Markdown file.
    #[arg(long, value_name = "FILE")]
    pub rubric: Option<PathBuf>,
    /// `score`: each answer on the judge's scale (1–10 unless the config's [judge] says);
    /// `pairwise`: each two answers to a prompt, asked twice with the order swapped (a
    /// disagreement is a tie). Default: the config's [judge] mode for that model, else score.
    #[arg(long, value_parser = ["score", "pairwise"])]
    pub judge_mode: Option<String>,
    /// A test suite (TOML, or JSON lines): its cases go to every model and are checked against
    /// their assertions; exit 1 when any case fails.
    #[arg(long, value_name = "FILE")]
    pub suite: Option<PathBuf>,
    /// Write the suite's results as JUnit XML here, for CI systems.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Every model searches the web (OpenRouter's web search) with this engine: auto (the
    /// model's own search, else Exa), native, exa, parallel, perplexity or firecrawl.
    #[arg(long, value_name = "ENGINE", value_parser = crate::provider::settings::check_web_engine)]
    pub web_search: Option<String>,
    /// Results per web search, 1 to 25.
    #[arg(long, value_name = "N", requires = "web_search",
        value_parser = |s: &str| s.parse::<i64>().map_err(|_| format!("`{s}` is not a whole number"))
            .and_then(crate::provider::settings::check_web_results))]
    pub web_search_results: Option<u32>,
    /// Use the simulator even when a key is set.
    #[arg(long)]
    pub sim: bool,
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

impl From<RunArgs> for super::Args {
    fn from(a: RunArgs) -> Self {
        Self {
            models: a.models,
            prompt: a.prompt,
            prompts: a.prompts,
            system: a.system,
            vars: a.vars,
            vars_file: a.vars_file,
            concurrency: a.concurrency,
            repeat: a.repeat,
            format: a.format,
            out: a.out,
            images: a.images,
            judge: a.judge,
            rubric: a.rubric,
            judge_mode: a.judge_mode,
            suite: a.suite,
            junit: a.junit,
            force_sim: a.sim,
            web_search: a.web_search,
            web_search_results: a.web_search_results,
            config: a.config,
        }
    }
}
