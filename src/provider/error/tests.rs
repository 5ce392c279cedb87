use super::*;

#[test]
fn openrouter_error_body_with_metadata() {
    let body = r#"{"error":{"code":429,"message":"Rate limit exceeded","metadata":{"error_type":"rate_limit_exceeded","provider_name":"OpenAI","raw":"{\"detail\":\"slow down\"}"}},"user_id":"u1"}"#;
    let e = ApiError::from_response(429, body, Some("3"));
    assert_eq!(
        e,
        ApiError::Http {
            status: 429,
            message: "Rate limit exceeded".into(),
            error_type: Some("rate_limit_exceeded".into()),
            provider: Some("OpenAI".into()),
            raw: Some("{\"detail\":\"slow down\"}".into()),
            retry_after: Some(Duration::from_secs(3)),
            advice: Advice::default(),
        }
    );
    assert_eq!(
        e.to_string(),
        "429 rate limited (OpenAI): Rate limit exceeded — wait a moment, or add a fallback model (F2)"
    );
    assert_eq!(e.short(), "429 rate limited");
}

#[test]
fn string_code_and_flat_vllm_body() {
    let e = ApiError::from_response(
        400,
        r#"{"error":{"message":"bad","type":"invalid_request_error","param":null,"code":"bad_param"}}"#,
        None,
    );
    assert!(matches!(&e, ApiError::Http { message, error_type, .. }
        if message == "bad" && error_type.as_deref() == Some("invalid_request_error")));
    let flat = ApiError::from_response(
        400,
        r#"{"object":"error","message":"too long","type":"BadRequestError","param":null,"code":400}"#,
        None,
    );
    assert!(matches!(&flat, ApiError::Http { message, .. } if message == "too long"));
}

#[test]
fn non_json_body_keeps_its_first_line() {
    let e = ApiError::from_response(502, "\n<html>Bad Gateway</html>\n", None);
    assert!(matches!(&e, ApiError::Http { message, .. } if message == "<html>Bad Gateway</html>"));
}

#[test]
fn moderation_names_the_flagged_reasons_and_every_status_says_what_next() {
    let e = ApiError::from_response(
        403,
        r#"{"error":{"code":403,"message":"Input was flagged","metadata":{"reasons":["harassment","violence"],"flagged_input":"…","provider_name":"OpenAI"}}}"#,
        None,
    );
    assert!(
        e.to_string().contains("(flagged: harassment, violence)"),
        "{e}"
    );
    for status in [400, 401, 402, 403, 404, 408, 429, 500, 502, 503, 504] {
        let msg = ApiError::from_response(status, "", None).to_string();
        assert!(msg.contains(" — "), "{status}: {msg}");
    }
    assert!(ApiError::from_response(401, "", None)
        .to_string()
        .contains("OPENROUTER_API_KEY"));
    assert!(ApiError::from_response(404, "", None)
        .to_string()
        .contains("pick another"));
}

#[test]
fn the_command_line_wording_names_no_keys() {
    let mut errors: Vec<ApiError> = [400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502]
        .into_iter()
        .chain([503, 504, 524, 529, 418])
        .map(|s| ApiError::from_response(s, "", None))
        .collect();
    errors.extend([
        ApiError::from_response(
            402,
            r#"{"error":{"message":"You requested up to 4096 tokens, but can only afford 12"}}"#,
            None,
        ),
        ApiError::from_response(
            404,
            r#"{"error":{"message":"No endpoints found matching your data policy"}}"#,
            None,
        ),
        ApiError::from_response(404, r#"{"error":{"message":"free period ended"}}"#, None),
        ApiError::MidStream {
            code: "502".into(),
            message: "upstream died".into(),
            error_type: None,
        },
        ApiError::Connect("refused".into()),
        ApiError::CutOff,
        ApiError::Stalled(Duration::from_secs(30)),
        ApiError::Transport("reset".into()),
        ApiError::Malformed("not json".into()),
        ApiError::NotSent("no images".into()),
        ApiError::Recorded("500 server error — try again".into()),
    ]);
    for body in [
        r#"{"error":{"message":"x","metadata":{"availability":{"code":"privacy_restricted"}}}}"#,
        r#"{"error":{"message":"no endpoints found"}}"#,
        r#"{"error":{"message":"requested providers are unavailable"}}"#,
        r#"{"error":{"message":"gone","metadata":{"availability":{"code":"model_deprecated"}}}}"#,
    ] {
        errors.push(ApiError::from_response(404, body, None));
    }
    errors.push(ApiError::from_response(
        429,
        r#"{"error":{"message":"free-models-per-day"}}"#,
        None,
    ));
    let keys = ["Ctrl+", "Alt+", "(F", "F2", "F4"];
    let mine = super::StepKeys::new(|s| format!("<{s:?}>"));
    for e in &errors {
        let plain = e.plain();
        assert!(
            !keys.iter().any(|k| plain.contains(k)),
            "{plain} (playground: {e})"
        );
        // Every step a hint names is filled in, with the keys given.
        let shown = e.describe(Audience::Playground(&mine));
        assert!(!shown.contains('{') && !plain.contains('{'), "{shown}");
        assert!(!keys.iter().any(|k| shown.contains(k)), "{shown}");
        assert!(
            plain.contains(" — ") || !e.to_string().contains(" — "),
            "{plain}"
        );
    }
    for (e, step) in [
        (ApiError::from_response(500, "", None), "<Retry> retries"),
        (ApiError::from_response(404, "", None), "(<PickModel>)"),
        (
            ApiError::from_response(413, "", None),
            "(<Clear> clears it)",
        ),
        (ApiError::Connect("refused".into()), "(<Settings> tests"),
    ] {
        let shown = e.describe(Audience::Playground(&mine));
        assert!(shown.contains(step), "{shown}");
    }
    assert_eq!(
        ApiError::Connect("refused".into()).plain(),
        "could not connect: refused — is the server running?"
    );
    assert!(ApiError::Connect("refused".into())
        .to_string()
        .contains("F2 tests the connection"));
}

#[test]
fn retry_after_from_metadata() {
    let e = ApiError::from_response(
        429,
        r#"{"error":{"code":429,"message":"x","metadata":{"retry_after_seconds":1.5}}}"#,
        None,
    );
    assert!(
        matches!(e, ApiError::Http { retry_after: Some(d), .. } if d == Duration::from_millis(1500))
    );
}
