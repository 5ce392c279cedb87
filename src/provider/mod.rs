//! Talking to chat-completion servers: wire types, request building and typed errors.

pub mod account;
pub mod advice;
pub mod citation;
pub mod error;
pub mod finish;
pub mod generation;
mod kind;
pub mod providers;
pub mod reasoning;
pub mod request;
pub mod settings;
pub mod steps;
pub mod wire;

pub use error::ApiError;
pub use providers::Providers;
pub use request::{ChatParams, Endpoint, ProviderKind};
pub use wire::{Message, Role, Usage};
