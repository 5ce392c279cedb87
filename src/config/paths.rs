//! Where the config file and data live.

use std::path::PathBuf;

/// `SWITCHBOARD_HOME` puts config and data under one folder (tests use it).
pub const HOME_ENV: &str = "SWITCHBOARD_HOME";
pub const CONFIG_ENV: &str = "SWITCHBOARD_CONFIG";

/// The config file to read, and whether the user named it (then it must exist).
pub fn config_file(cli: Option<PathBuf>) -> (PathBuf, bool) {
    if let Some(p) = cli {
        return (p, true);
    }
    if let Some(p) = env_path(CONFIG_ENV) {
        return (p, true);
    }
    if let Some(home) = env_path(HOME_ENV) {
        return (home.join("config.toml"), false);
    }
    let base = dirs::config_dir().unwrap_or_else(|| PathBuf::from("."));
    (base.join("switchboard").join("config.toml"), false)
}

/// The folder for history, caches and the spend ledger.
pub fn data_dir() -> PathBuf {
    if let Some(home) = env_path(HOME_ENV) {
        return home;
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("switchboard")
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
