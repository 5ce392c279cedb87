//! Where traces go, and what they may carry: the config's `[telemetry]` table with the
//! standard OpenTelemetry environment variables over it.

use std::collections::BTreeMap;

/// The `[telemetry]` table as configured. Nothing is exported unless an endpoint is set here
/// or in the environment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TelemetryConfig {
    /// The collector's base URL (`http://localhost:4318`); traces go to `/v1/traces` under it.
    pub otlp_endpoint: Option<String>,
    /// Sent with every export (a collector's or a tracing service's authorization).
    pub headers: BTreeMap<String, String>,
    /// Put prompts and answers on the spans.
    pub content: bool,
}

/// What an exporter is built from: the config resolved against the environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    /// The full URL spans are posted to.
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub content: bool,
    /// Something in the environment that is not followed, to be said once.
    pub warning: Option<String>,
}

/// Where OTLP/HTTP takes traces under a collector's base URL.
pub const TRACES_PATH: &str = "/v1/traces";

/// The export the config and the environment ask for, if any. `env` reads a variable (the
/// process's, or a test's).
pub fn resolve(cfg: &TelemetryConfig, env: impl Fn(&str) -> Option<String>) -> Option<Export> {
    let set = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if set("OTEL_SDK_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return None;
    }
    // The signal's own variable is the full URL; the general one and the config's are bases.
    let url = set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .map(|u| u.trim().to_string())
        .or_else(|| set("OTEL_EXPORTER_OTLP_ENDPOINT").map(|u| traces_url(&u)))
        .or_else(|| cfg.otlp_endpoint.as_deref().map(traces_url))?;
    let content = cfg.content
        || set("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let protocol =
        set("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL").or_else(|| set("OTEL_EXPORTER_OTLP_PROTOCOL"));
    let warning = protocol.filter(|p| p.trim() != "http/protobuf").map(|p| {
        format!(
            "traces go out as OTLP over HTTP (http/protobuf), not {}: point them at the \
                 collector's HTTP port (4318 by default)",
            p.trim()
        )
    });
    Some(Export {
        url,
        headers: cfg.headers.clone(),
        content,
        warning,
    })
}

/// `base` with `/v1/traces` after it, unless it already ends so.
pub fn traces_url(base: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    if base.ends_with(TRACES_PATH) {
        base.to_string()
    } else {
        format!("{base}{TRACES_PATH}")
    }
}

/// Whether `url` can be an OTLP/HTTP endpoint: http or https with a host.
pub fn check_url(url: &str) -> Result<(), String> {
    let parsed =
        reqwest::Url::parse(url.trim()).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!(
            "`{url}`: an OTLP/HTTP endpoint is an http:// or https:// URL, e.g. http://localhost:4318"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn nothing_is_exported_unless_an_endpoint_is_set() {
        assert_eq!(resolve(&TelemetryConfig::default(), env(&[])), None);
        let cfg = TelemetryConfig {
            content: true,
            ..Default::default()
        };
        assert_eq!(resolve(&cfg, env(&[])), None);
    }

    #[test]
    fn the_environment_wins_over_the_config_and_bases_get_the_traces_path() {
        let cfg = TelemetryConfig {
            otlp_endpoint: Some("http://collector:4318/".into()),
            ..Default::default()
        };
        let url = |vars: &[(&str, &str)]| resolve(&cfg, env(vars)).map(|e| e.url);
        assert_eq!(url(&[]).as_deref(), Some("http://collector:4318/v1/traces"));
        assert_eq!(
            url(&[(
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "https://cloud.langfuse.com/api/public/otel"
            )])
            .as_deref(),
            Some("https://cloud.langfuse.com/api/public/otel/v1/traces")
        );
        assert_eq!(
            url(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4318"),
                (
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                    "http://b:6006/v1/traces"
                ),
            ])
            .as_deref(),
            Some("http://b:6006/v1/traces")
        );
        assert_eq!(url(&[("OTEL_SDK_DISABLED", "true")]), None);
        assert_eq!(traces_url("http://x/v1/traces/"), "http://x/v1/traces");
    }

    #[test]
    fn content_is_opt_in_and_another_protocol_is_told() {
        let cfg = TelemetryConfig {
            otlp_endpoint: Some("http://c:4318".into()),
            ..Default::default()
        };
        let e = resolve(&cfg, env(&[])).expect("an export");
        assert!(!e.content);
        assert_eq!(e.warning, None);
        let e = resolve(
            &cfg,
            env(&[
                ("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true"),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ]),
        )
        .expect("an export");
        assert!(e.content);
        assert!(e.warning.is_some_and(|w| w.contains("not grpc")));
    }

    #[test]
    fn endpoints_are_http_urls() {
        assert!(check_url("http://localhost:4318").is_ok());
        assert!(check_url("https://cloud.langfuse.com/api/public/otel").is_ok());
        assert!(check_url("localhost:4318").is_err());
        assert!(check_url("grpc://x:4317").is_err());
    }
}
