//! API keys: from the environment, a `.env` file, or a command. Never written anywhere.

use std::path::Path;
use std::process::Command;

use super::ProviderConfig;

/// Reads `KEY=value` pairs from a `.env` file without touching the process environment.
pub fn read_dotenv(path: &Path) -> Vec<(String, String)> {
    match dotenvy::from_path_iter(path) {
        Ok(iter) => iter.filter_map(Result::ok).collect(),
        Err(_) => Vec::new(),
    }
}

/// Finds the key for a provider: its environment variable, then the `.env` pairs, then
/// `api_key_cmd`. `Ok(None)` means no key is configured; `Err` means a command failed.
pub fn resolve(
    provider: &ProviderConfig,
    env: impl Fn(&str) -> Option<String>,
    dotenv: &[(String, String)],
) -> Result<Option<String>, String> {
    if let Some(var) = &provider.api_key_env {
        if let Some(v) = env(var).filter(|v| !v.trim().is_empty()) {
            return Ok(Some(v.trim().to_string()));
        }
        if let Some((_, v)) = dotenv
            .iter()
            .find(|(k, v)| k == var && !v.trim().is_empty())
        {
            return Ok(Some(v.trim().to_string()));
        }
    }
    if let Some(cmd) = &provider.api_key_cmd {
        return run_key_cmd(cmd).map(Some);
    }
    Ok(None)
}

fn run_key_cmd(cmd: &str) -> Result<String, String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("api_key_cmd `{cmd}` could not run: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "api_key_cmd `{cmd}` failed ({}): {}",
            out.status,
            err.trim()
        ));
    }
    let key = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    if key.is_empty() {
        return Err(format!("api_key_cmd `{cmd}` printed no key"));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ProviderKind;

    fn provider(cmd: Option<&str>) -> ProviderConfig {
        ProviderConfig {
            kind: ProviderKind::Openrouter,
            base_url: "x".into(),
            api_key_env: Some("K".into()),
            api_key_cmd: cmd.map(str::to_owned),
            prices: std::collections::BTreeMap::new(),
            token_field: Default::default(),
            routing_metadata: true,
        }
    }

    #[test]
    fn env_then_dotenv_then_command() {
        let dot = vec![("K".to_string(), "from-dotenv".to_string())];
        let p = provider(Some("echo from-cmd"));
        assert_eq!(
            resolve(&p, |_| Some("from-env".into()), &dot).unwrap(),
            Some("from-env".into())
        );
        assert_eq!(
            resolve(&p, |_| None, &dot).unwrap(),
            Some("from-dotenv".into())
        );
        assert_eq!(resolve(&p, |_| None, &[]).unwrap(), Some("from-cmd".into()));
        assert_eq!(resolve(&provider(None), |_| None, &[]).unwrap(), None);
    }

    #[test]
    fn failing_command_is_an_error() {
        let e = resolve(&provider(Some("echo nope >&2; exit 3")), |_| None, &[]).unwrap_err();
        assert!(e.contains("nope") && e.contains("failed"), "{e}");
    }

    #[test]
    fn dotenv_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(".env");
        std::fs::write(&f, "# c\nK=abc\nOTHER=\"q r\"\n").unwrap();
        let pairs = read_dotenv(&f);
        assert!(pairs.contains(&("K".into(), "abc".into())));
        assert!(pairs.contains(&("OTHER".into(), "q r".into())));
    }
}
