//! The simulated model table. Ids are a contract with the rest of the app and with anyone
//! scripting against the simulator, so they never change.

/// How a model behaves once it has been picked to answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Behaviour {
    /// Answers normally.
    Normal,
    /// Streams reasoning before the answer.
    Thinker,
    /// Every other request is rejected with 429 before generation starts.
    Flaky,
    /// Always 503 before generation starts.
    Down,
    /// Streams part of the answer, then aborts the connection.
    Cutoff,
    /// Streams part of the answer, then sends an in-band error chunk.
    MidFail,
    /// Streams a few tokens, then goes silent while keeping the connection open.
    Stall,
    /// Streams part of the answer, then ends with `finish_reason: "error"` and a native
    /// reason but no error object, as some upstreams do.
    ErrorFinish,
    /// Writes one long markdown document: exactly `max_tokens` pieces, or
    /// [`MARATHON_TOKENS`] when the request sets none.
    Marathon,
}

/// The marathon's answer length when the request sets no `max_tokens`.
pub(crate) const MARATHON_TOKENS: usize = 20_000;

/// The flavour of text a model produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Prose,
    Code,
}

#[derive(Debug)]
pub(crate) struct SimModel {
    pub id: &'static str,
    pub name: &'static str,
    pub provider: &'static str,
    pub description: &'static str,
    /// USD per prompt token, as the decimal string `/models` publishes.
    pub prompt_price: &'static str,
    /// USD per completion token, as the decimal string `/models` publishes.
    pub completion_price: &'static str,
    pub ttft_ms: f64,
    pub tokens_per_sec: f64,
    pub context_length: u64,
    pub max_completion_tokens: u64,
    pub behaviour: Behaviour,
    pub style: Style,
    /// Inclusive range the answer length (in token pieces) is drawn from.
    pub answer_tokens: (usize, usize),
    /// What the pretend upstream reports as `native_finish_reason` on a normal stop.
    pub native_stop: &'static str,
}

impl SimModel {
    pub fn prompt_price_usd(&self) -> f64 {
        self.prompt_price.parse().unwrap_or(0.0)
    }

    pub fn completion_price_usd(&self) -> f64 {
        self.completion_price.parse().unwrap_or(0.0)
    }

    pub fn reasons(&self) -> bool {
        self.behaviour == Behaviour::Thinker
    }

    /// Whether the model signs its reasoning and refuses a follow-up that drops it, as Gemini 3
    /// does with the thought signatures of its function calls.
    pub fn signs(&self) -> bool {
        self.id == "sim/signer"
    }

    /// Whether the provider finishes and bills the whole answer when the client goes away, as
    /// Google, Bedrock and Groq do (`cancelled: true` in `/generation`).
    pub fn bills_whole_answer(&self) -> bool {
        self.provider == "Gemini Sim"
    }

    /// Whether requests go through the user's own provider key (BYOK).
    pub fn byok(&self) -> bool {
        self.id == "sim/byok"
    }

    /// Whether the model refuses `max_tokens` on the OpenAI-style path, as OpenAI's o-series
    /// does, wanting `max_completion_tokens`.
    pub fn wants_completion_tokens(&self) -> bool {
        self.id == "sim/oseries"
    }

    /// Whether the model calls the tools it is offered (and so takes `tools` and `tool_choice`).
    pub fn calls_tools(&self) -> bool {
        TOOL_MODELS.contains(&self.id)
    }

    /// Whether the model takes images; only sim/seer does.
    pub fn sees(&self) -> bool {
        self.id == "sim/seer"
    }
}

/// The models that call offered tools rather than answering in prose at once.
const TOOL_MODELS: [&str; 4] = ["sim/tooler", "sim/parallel", "sim/badjson", "sim/signer"];

pub(crate) static MODELS: &[SimModel] = &[
    SimModel {
        id: "sim/swift",
        name: "Sim: Swift",
        provider: "SimCloud",
        description: "Simulated model (switchboard simulator): fast and cheap, short general answers.",
        prompt_price: "0.0000001",
        completion_price: "0.0000004",
        ttft_ms: 150.0,
        tokens_per_sec: 250.0,
        context_length: 128_000,
        max_completion_tokens: 16_384,
        behaviour: Behaviour::Normal,
        style: Style::Prose,
        answer_tokens: (200, 350),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/steady",
        name: "Sim: Steady",
        provider: "Steady Labs",
        description: "Simulated model (switchboard simulator): a dependable mid-speed generalist.",
        prompt_price: "0.0000005",
        completion_price: "0.0000015",
        ttft_ms: 400.0,
        tokens_per_sec: 60.0,
        context_length: 64_000,
        max_completion_tokens: 8_192,
        behaviour: Behaviour::Normal,
        style: Style::Prose,
        answer_tokens: (220, 290),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/thinker",
        name: "Sim: Thinker",
        provider: "Deep Thought Inc",
        description: "Simulated model (switchboard simulator): streams its reasoning before answering.",
        prompt_price: "0.000001",
        completion_price: "0.000004",
        ttft_ms: 600.0,
        tokens_per_sec: 90.0,
        context_length: 200_000,
        max_completion_tokens: 32_000,
        behaviour: Behaviour::Thinker,
        style: Style::Prose,
        answer_tokens: (200, 300),
        native_stop: "end_turn",
    },
    SimModel {
        id: "sim/coder",
        name: "Sim: Coder",
        provider: "Forge AI",
        description: "Simulated model (switchboard simulator): answers mostly in code, in several languages.",
        prompt_price: "0.0000003",
        completion_price: "0.0000012",
        ttft_ms: 300.0,
        tokens_per_sec: 120.0,
        context_length: 131_072,
        max_completion_tokens: 16_384,
        behaviour: Behaviour::Normal,
        style: Style::Code,
        answer_tokens: (360, 440),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/pricey",
        name: "Sim: Pricey",
        provider: "Gilded Compute",
        description: "Simulated model (switchboard simulator): slow and very expensive, for cost comparisons.",
        prompt_price: "0.000015",
        completion_price: "0.000075",
        ttft_ms: 900.0,
        tokens_per_sec: 40.0,
        context_length: 200_000,
        max_completion_tokens: 32_000,
        behaviour: Behaviour::Normal,
        style: Style::Prose,
        answer_tokens: (250, 340),
        native_stop: "end_turn",
    },
    SimModel {
        id: "sim/flaky",
        name: "Sim: Flaky",
        provider: "Jittery Networks",
        description: "Simulated model (switchboard simulator): rate-limited (429) on every other request.",
        prompt_price: "0.0000002",
        completion_price: "0.0000008",
        ttft_ms: 250.0,
        tokens_per_sec: 100.0,
        context_length: 32_768,
        max_completion_tokens: 4_096,
        behaviour: Behaviour::Flaky,
        style: Style::Prose,
        answer_tokens: (200, 300),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/down",
        name: "Sim: Down",
        provider: "Offline Systems",
        description: "Simulated model (switchboard simulator): never has an available provider (503).",
        prompt_price: "0.00000025",
        completion_price: "0.000001",
        ttft_ms: 300.0,
        tokens_per_sec: 80.0,
        context_length: 32_768,
        max_completion_tokens: 4_096,
        behaviour: Behaviour::Down,
        style: Style::Prose,
        answer_tokens: (200, 300),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/cutoff",
        name: "Sim: Cutoff",
        provider: "Brittle Link",
        description: "Simulated model (switchboard simulator): drops the connection partway through a stream.",
        prompt_price: "0.0000002",
        completion_price: "0.0000008",
        ttft_ms: 250.0,
        tokens_per_sec: 100.0,
        context_length: 32_768,
        max_completion_tokens: 4_096,
        behaviour: Behaviour::Cutoff,
        style: Style::Prose,
        answer_tokens: (200, 300),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/midfail",
        name: "Sim: Midfail",
        provider: "Halfway Hosting",
        description: "Simulated model (switchboard simulator): sends a mid-stream error chunk partway through.",
        prompt_price: "0.0000002",
        completion_price: "0.0000008",
        ttft_ms: 250.0,
        tokens_per_sec: 100.0,
        context_length: 32_768,
        max_completion_tokens: 4_096,
        behaviour: Behaviour::MidFail,
        style: Style::Prose,
        answer_tokens: (200, 300),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/stall",
        name: "Sim: Stall",
        provider: "Frozen Pipes",
        description: "Simulated model (switchboard simulator): streams a few tokens, then goes silent.",
        prompt_price: "0.0000002",
        completion_price: "0.0000008",
        ttft_ms: 300.0,
        tokens_per_sec: 80.0,
        context_length: 32_768,
        max_completion_tokens: 4_096,
        behaviour: Behaviour::Stall,
        style: Style::Prose,
        answer_tokens: (200, 300),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/tooler",
        name: "Sim: Tooler",
        provider: "Toolsmith",
        description: "Simulated model (switchboard simulator): calls one of the offered tools, then answers from its result.",
        prompt_price: "0.0000003",
        completion_price: "0.0000012",
        ttft_ms: 250.0,
        tokens_per_sec: 120.0,
        context_length: 64_000,
        max_completion_tokens: 8_192,
        behaviour: Behaviour::Normal,
        style: Style::Prose,
        answer_tokens: (120, 200),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/parallel",
        name: "Sim: Parallel",
        provider: "Toolsmith",
        description: "Simulated model (switchboard simulator): calls several tools at once.",
        prompt_price: "0.0000003",
        completion_price: "0.0000012",
        ttft_ms: 250.0,
        tokens_per_sec: 120.0,
        context_length: 64_000,
        max_completion_tokens: 8_192,
        behaviour: Behaviour::Normal,
        style: Style::Prose,
        answer_tokens: (120, 200),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/badjson",
        name: "Sim: Bad JSON",
        provider: "Toolsmith",
        description: "Simulated model (switchboard simulator): calls a tool with malformed arguments.",
        prompt_price: "0.0000003",
        completion_price: "0.0000012",
        ttft_ms: 250.0,
        tokens_per_sec: 120.0,
        context_length: 64_000,
        max_completion_tokens: 8_192,
        behaviour: Behaviour::Normal,
        style: Style::Prose,
        answer_tokens: (120, 200),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/seer",
        name: "Sim: Seer",
        provider: "SimVision",
        description: "Simulated model (switchboard simulator): takes images and says what it was sent.",
        prompt_price: "0.0000002",
        completion_price: "0.0000008",
        ttft_ms: 300.0,
        tokens_per_sec: 150.0,
        context_length: 64_000,
        max_completion_tokens: 8_192,
        behaviour: Behaviour::Normal,
        style: Style::Prose,
        answer_tokens: (120, 200),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/judge",
        name: "Sim: Judge",
        provider: "SimBench",
        description: "Simulated model (switchboard simulator): grades answers for a judge's schema, by how much of the question they cover; when two answers are close it prefers the first shown, as real judges often do.",
        prompt_price: "0.0000002",
        completion_price: "0.0000008",
        ttft_ms: 250.0,
        tokens_per_sec: 150.0,
        context_length: 128_000,
        max_completion_tokens: 8_192,
        behaviour: Behaviour::Normal,
        style: Style::Prose,
        answer_tokens: (120, 200),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/marathon",
        name: "Sim: Marathon",
        provider: "Endurance Compute",
        description: "Simulated model (switchboard simulator): a very fast writer of very long markdown answers (20,000 tokens, or max_tokens).",
        prompt_price: "0.0000001",
        completion_price: "0.0000005",
        ttft_ms: 100.0,
        tokens_per_sec: 2_000.0,
        context_length: 200_000,
        max_completion_tokens: 100_000,
        behaviour: Behaviour::Marathon,
        style: Style::Prose,
        answer_tokens: (MARATHON_TOKENS, MARATHON_TOKENS),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/signer",
        name: "Sim: Signer",
        provider: "Gemini Sim",
        description: "Simulated model (switchboard simulator): a Gemini-like reasoning model that calls tools with signed reasoning and refuses follow-ups that drop it.",
        prompt_price: "0.0000005",
        completion_price: "0.000002",
        ttft_ms: 350.0,
        tokens_per_sec: 110.0,
        context_length: 1_000_000,
        max_completion_tokens: 65_536,
        behaviour: Behaviour::Thinker,
        style: Style::Prose,
        answer_tokens: (120, 200),
        native_stop: "STOP",
    },
    SimModel {
        id: "sim/byok",
        name: "Sim: BYOK",
        provider: "Own Key Cloud",
        description: "Simulated model (switchboard simulator): served through the user's own provider key; the provider bills upstream_inference_cost, OpenRouter a 5% fee.",
        prompt_price: "0.000002",
        completion_price: "0.000008",
        ttft_ms: 250.0,
        tokens_per_sec: 150.0,
        context_length: 128_000,
        max_completion_tokens: 16_384,
        behaviour: Behaviour::Normal,
        style: Style::Prose,
        answer_tokens: (150, 220),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/oseries",
        name: "Sim: O-Series",
        provider: "OpenAI Sim",
        description: "Simulated model (switchboard simulator): like OpenAI's o-series, it refuses max_tokens on the OpenAI-style /v1 path and wants max_completion_tokens.",
        prompt_price: "0.0000011",
        completion_price: "0.0000044",
        ttft_ms: 500.0,
        tokens_per_sec: 100.0,
        context_length: 200_000,
        max_completion_tokens: 100_000,
        behaviour: Behaviour::Normal,
        style: Style::Prose,
        answer_tokens: (120, 200),
        native_stop: "stop",
    },
    SimModel {
        id: "sim/malformed",
        name: "Sim: Malformed",
        provider: "Gemini Sim",
        description: "Simulated model (switchboard simulator): stops part-way with finish_reason \"error\" and native reason MALFORMED_FUNCTION_CALL, and no error object.",
        prompt_price: "0.0000005",
        completion_price: "0.000002",
        ttft_ms: 300.0,
        tokens_per_sec: 120.0,
        context_length: 1_000_000,
        max_completion_tokens: 65_536,
        behaviour: Behaviour::ErrorFinish,
        style: Style::Prose,
        answer_tokens: (160, 220),
        native_stop: "STOP",
    },
];

/// Suffixes OpenRouter serves on top of a model's id; each sim model answers under all of them.
pub(crate) const VARIANTS: [&str; 7] = [
    "free", "nitro", "floor", "exacto", "online", "thinking", "extended",
];

/// The model for an id: a variant of one (`sim/swift:nitro`) and a family's newest
/// (`~sim/swift-latest`, the last of the family in the table) included.
pub(crate) fn find(id: &str) -> Option<&'static SimModel> {
    if let Some(family) = id.strip_prefix('~') {
        let family = family.strip_suffix("-latest").unwrap_or(family);
        return MODELS.iter().rev().find(|m| m.id.starts_with(family));
    }
    let base = match id.rsplit_once(':') {
        Some((base, variant)) if VARIANTS.contains(&variant) => base,
        _ => id,
    };
    MODELS.iter().find(|m| m.id == base)
}
