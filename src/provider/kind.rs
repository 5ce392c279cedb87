//! Which dialect a server speaks. It sits below both request building and the settings that
//! shape a request, so neither has to import the other for it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenRouter, or anything that speaks its extensions (the simulator does).
    Openrouter,
    /// Any OpenAI-compatible server: OpenAI, Ollama, llama.cpp, vLLM, LM Studio.
    Openai,
}
