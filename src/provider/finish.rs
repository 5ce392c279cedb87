//! Finish reasons: the normalised one every server sends and the provider's own
//! (`native_finish_reason`), shown together when the native one says more.

/// Native reasons that only restate the normalised one.
fn restates(reason: &str, native: &str) -> bool {
    let native = native.to_ascii_lowercase();
    native == reason.to_ascii_lowercase()
        || match reason {
            "stop" => matches!(
                native.as_str(),
                "end_turn" | "stop_sequence" | "eos" | "completed"
            ),
            "tool_calls" => matches!(native.as_str(), "tool_use" | "function_call"),
            _ => false,
        }
}

/// Whether the provider's reason adds something to the normalised one.
pub fn informative(reason: Option<&str>, native: Option<&str>) -> bool {
    match (reason, native) {
        (_, None) => false,
        (None, Some(n)) => !n.is_empty(),
        (Some(r), Some(n)) => !n.is_empty() && !restates(r, n),
    }
}

/// `stop`, `length (MAX_TOKENS)`, `SAFETY`: the reason, with the native one where it says
/// more; `None` when neither is known.
pub fn label(reason: Option<&str>, native: Option<&str>) -> Option<String> {
    let extra = native.filter(|_| informative(reason, native));
    match (reason, extra) {
        (Some(r), Some(n)) => Some(format!("{r} ({n})")),
        (Some(r), None) => Some(r.to_string()),
        (None, Some(n)) => Some(n.to_string()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_reasons_show_only_when_they_say_more() {
        assert_eq!(
            label(Some("stop"), Some("end_turn")).as_deref(),
            Some("stop")
        );
        assert_eq!(label(Some("stop"), Some("STOP")).as_deref(), Some("stop"));
        assert_eq!(
            label(Some("tool_calls"), Some("tool_use")).as_deref(),
            Some("tool_calls")
        );
        assert_eq!(
            label(Some("length"), Some("MAX_TOKENS")).as_deref(),
            Some("length (MAX_TOKENS)")
        );
        assert_eq!(
            label(Some("content_filter"), Some("SAFETY")).as_deref(),
            Some("content_filter (SAFETY)")
        );
        assert_eq!(
            label(None, Some("MALFORMED_FUNCTION_CALL")).as_deref(),
            Some("MALFORMED_FUNCTION_CALL")
        );
        assert_eq!(label(None, None), None);
    }
}
