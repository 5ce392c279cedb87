//! The file format. Every table rejects unknown keys so typos are reported, not ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::provider::ProviderKind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub default_provider: Option<Spanned<String>>,
    pub stall_timeout_secs: Option<Seconds>,
    pub connect_timeout_secs: Option<Seconds>,
    #[serde(default)]
    pub providers: BTreeMap<String, Spanned<FileProvider>>,
    #[serde(default)]
    pub panes: Vec<FilePane>,
    pub sim: Option<FileSim>,
    pub budget: Option<FileBudget>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileBudget {
    pub session_usd: Option<Usd>,
    pub daily_usd: Option<Usd>,
    pub monthly_usd: Option<Usd>,
    pub warn: Option<Warn>,
}

/// Prices in USD per million tokens, as providers publish them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FilePrice {
    pub prompt: Usd,
    pub completion: Usd,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileProvider {
    pub kind: Option<ProviderKind>,
    pub base_url: Option<String>,
    pub api_key_env: Option<String>,
    pub api_key_cmd: Option<String>,
    #[serde(default)]
    pub prices: BTreeMap<String, FilePrice>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSim {
    pub speed: Option<Speed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FilePane {
    pub model: ModelId,
    pub provider: Option<Spanned<String>>,
    pub system: Option<String>,
    pub temperature: Option<Temperature>,
    pub max_tokens: Option<NonZeroU32Tokens>,
    #[serde(default)]
    pub fallbacks: Vec<ModelId>,
}

/// One pane as configured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PaneConfig {
    pub model: String,
    pub provider: Option<String>,
    pub system: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    /// Tried in order when `model` fails (server-side on OpenRouter).
    pub fallbacks: Vec<String>,
}

impl From<FilePane> for PaneConfig {
    fn from(p: FilePane) -> Self {
        Self {
            model: p.model.0,
            provider: p.provider.map(Spanned::into_inner),
            system: p.system,
            temperature: p.temperature.map(|t| t.0),
            max_tokens: p.max_tokens.map(|t| t.0),
            fallbacks: p.fallbacks.into_iter().map(|m| m.0).collect(),
        }
    }
}

// Validating newtypes: an error raised while deserializing carries the value's position.

/// Reads any TOML value so a wrong type gets our message rather than serde's.
fn number<'de, D: Deserializer<'de>>(d: D, what: &str) -> Result<f64, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::Integer(i) => Ok(i as f64),
        toml::Value::Float(f) => Ok(f),
        other => Err(serde::de::Error::custom(format!(
            "{what} must be a number, found {} {other}",
            other.type_str()
        ))),
    }
}

fn whole<'de, D: Deserializer<'de>>(d: D, what: &str) -> Result<i64, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::Integer(i) => Ok(i),
        other => Err(serde::de::Error::custom(format!(
            "{what} must be a positive whole number, found {} {other}",
            other.type_str()
        ))),
    }
}

#[derive(Debug)]
pub(super) struct Seconds(pub u64);
impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = whole(d, "a timeout in seconds")?;
        match u64::try_from(n) {
            Ok(v) if v > 0 => Ok(Self(v)),
            _ => Err(serde::de::Error::custom(format!(
                "a timeout of {n} seconds is out of range (expected at least 1)"
            ))),
        }
    }
}

#[derive(Debug)]
pub(super) struct ModelId(String);
impl<'de> Deserialize<'de> for ModelId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim().is_empty() || s.chars().any(char::is_whitespace) {
            return Err(serde::de::Error::custom(format!(
                "`{s}` is not a model id (expected e.g. \"anthropic/claude-3.5-sonnet\")"
            )));
        }
        Ok(Self(s))
    }
}

#[derive(Debug)]
pub(super) struct Temperature(f64);
impl<'de> Deserialize<'de> for Temperature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = number(d, "temperature")?;
        if !(0.0..=2.0).contains(&t) {
            return Err(serde::de::Error::custom(format!(
                "temperature {t} is out of range (expected 0 to 2)"
            )));
        }
        Ok(Self(t))
    }
}

#[derive(Debug)]
pub(super) struct NonZeroU32Tokens(u32);
impl<'de> Deserialize<'de> for NonZeroU32Tokens {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = whole(d, "max_tokens")?;
        match u32::try_from(t) {
            Ok(v) if v > 0 => Ok(Self(v)),
            _ => Err(serde::de::Error::custom(format!(
                "max_tokens {t} is out of range (expected a positive whole number)"
            ))),
        }
    }
}

#[derive(Debug)]
pub(super) struct Speed(pub f64);
impl<'de> Deserialize<'de> for Speed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = number(d, "speed")?;
        if !(s.is_finite() && s > 0.0) {
            return Err(serde::de::Error::custom(format!(
                "speed {s} must be a positive number"
            )));
        }
        Ok(Self(s))
    }
}

#[derive(Debug)]
pub(super) struct Usd(pub f64);
impl<'de> Deserialize<'de> for Usd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = number(d, "an amount in USD")?;
        if !(v.is_finite() && v >= 0.0) {
            return Err(serde::de::Error::custom(format!(
                "{v} is not an amount in USD (expected zero or more)"
            )));
        }
        Ok(Self(v))
    }
}

/// Two fractions of the session budget, rising: where the gauge turns amber, then red.
#[derive(Debug)]
pub(super) struct Warn(pub [f64; 2]);
impl<'de> Deserialize<'de> for Warn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<f64>::deserialize(d)?;
        match v.as_slice() {
            [a, b] if 0.0 < *a && a < b && *b <= 1.0 => Ok(Self([*a, *b])),
            _ => Err(serde::de::Error::custom(format!(
                "warn {v:?} must be two rising fractions between 0 and 1, e.g. [0.5, 0.8]"
            ))),
        }
    }
}
