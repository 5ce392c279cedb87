//! Money: prices, estimates, the spend ledger and the budget guard.

pub mod billed;
pub mod budget;
pub mod ledger;
pub mod price;

pub use budget::{Budget, Spent};
pub use price::{money, ModelPrice, Price};
