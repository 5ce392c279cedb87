//! What a request is in the playground, for its span: a pane's answer in a round, or a
//! judge's verdict.

use super::super::state::App;
use crate::model::RequestId;
use crate::telemetry::Label;

pub fn of(app: &App, request: RequestId) -> Label {
    for (i, pane) in app.session.panes.iter().enumerate() {
        if let Some(turn) = pane
            .turns
            .iter()
            .rev()
            .find(|t| t.answer.request == request)
        {
            return Label {
                pane: Some(i + 1),
                round: Some(turn.round),
                price: turn.answer.price,
                ..Label::default()
            };
        }
    }
    if let Some(job) = app
        .session
        .judge_jobs
        .iter()
        .find(|j| j.answer.request == request)
    {
        return Label {
            purpose: "judge",
            round: Some(job.round),
            price: job.answer.price,
            ..Label::default()
        };
    }
    Label::default()
}
