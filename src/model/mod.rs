//! Plain data shared below the application: panes, their turns and answers, and their ids.
//! The provider, route, cost and catalog layers sit below it; session, render, config and the
//! application build on it.

pub mod answer;
pub mod boards;
pub mod judged;
pub mod pane;
pub mod suite_run;

pub use answer::{Answer, CostView, RequestId, Retrying, Status};
pub use judged::{JudgeAsk, JudgeJob, PaneVerdict, Reading};
pub use pane::{new_session_id, Input, Pane, PaneId, Turn, MAX_PANES};
