//! Conversation history: every session, round, answer and vote in `history.db`, and what is
//! read back from it (listing, search, export).

pub mod boards;
pub mod export;
pub mod outline;
pub mod recorder;
pub mod replay;
pub mod resume;
pub mod store;
