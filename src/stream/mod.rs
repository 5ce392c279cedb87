//! One request's stream: SSE bytes in, [`StreamEvent`]s out.

pub mod decode;
pub mod event;
mod shape;
pub mod sse;
pub mod task;

pub use decode::ChunkDecoder;
pub use event::StreamEvent;
pub use task::run_request;
