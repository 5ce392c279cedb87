//! Prices per token and what an answer costs.

use serde::{Deserialize, Serialize};

use crate::provider::Message;

/// USD per token. OpenRouter marks router models (`openrouter/auto`) as dynamic with `"-1"`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Price {
    PerToken(f64),
    Dynamic,
}

impl Price {
    /// Reads OpenRouter's decimal strings: `"0.000003"`, `"0"` (free), `"-1"` (dynamic).
    pub fn parse(s: &str) -> Option<Self> {
        let v: f64 = s.trim().parse().ok()?;
        if !v.is_finite() {
            return None;
        }
        if v < 0.0 {
            return Some(Price::Dynamic);
        }
        Some(Price::PerToken(v))
    }

    /// From a price in USD per million tokens, as people write them in config files.
    pub fn per_million(usd: f64) -> Self {
        Price::PerToken(usd / 1_000_000.0)
    }

    /// The price per million tokens as the decimal the catalog gave: `"0.0000001"` a token is
    /// 0.1, not the 0.09999999999999999 that multiplying by a million makes of it.
    pub fn usd_per_million(self) -> Option<f64> {
        match self {
            Price::PerToken(v) => Some(shift_six(v)),
            Price::Dynamic => None,
        }
    }
}

/// `v` × 1,000,000 done on its shortest decimal form, so no binary rounding creeps in.
fn shift_six(v: f64) -> f64 {
    // Display gives the shortest digits that read back as `v`, never in exponent form.
    let text = format!("{}", v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let shifted = if frac.len() <= 6 {
        format!("{int}{frac}{}", "0".repeat(6 - frac.len()))
    } else {
        format!("{int}{}.{}", &frac[..6], &frac[6..])
    };
    match shifted.parse::<f64>() {
        Ok(m) if v < 0.0 => -m,
        Ok(m) => m,
        Err(_) => v * 1_000_000.0,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelPrice {
    pub prompt: Price,
    pub completion: Price,
}

impl ModelPrice {
    pub fn per_million(prompt: f64, completion: f64) -> Self {
        Self {
            prompt: Price::per_million(prompt),
            completion: Price::per_million(completion),
        }
    }

    /// What `prompt` and `completion` tokens cost, or `None` when the price is dynamic.
    pub fn cost(&self, prompt: u64, completion: u64) -> Option<f64> {
        match (self.prompt, self.completion) {
            (Price::PerToken(p), Price::PerToken(c)) => {
                Some(p * prompt as f64 + c * completion as f64)
            }
            _ => None,
        }
    }

    pub fn is_free(&self) -> bool {
        self.prompt == Price::PerToken(0.0) && self.completion == Price::PerToken(0.0)
    }
}

/// About four characters a token: a live figure that the server's count replaces.
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// Prompt tokens of a request, with the few tokens of framing each message costs.
pub fn estimate_prompt_tokens(messages: &[Message]) -> u64 {
    messages
        .iter()
        .map(|m| estimate_tokens(&m.content) + 4)
        .sum::<u64>()
        .max(1)
}

/// Dollars for people: cents when large, significant digits when tiny, never "$0.000000".
pub fn money(usd: f64) -> String {
    if usd == 0.0 {
        return "$0".into();
    }
    if !usd.is_finite() {
        return "$?".into();
    }
    let sign = if usd < 0.0 { "-" } else { "" };
    let v = usd.abs();
    let decimals = if v >= 1.0 {
        2
    } else if v >= 0.01 {
        4
    } else {
        // Two significant digits below a cent.
        let leading_zeros = (-v.log10()).floor() as usize;
        (leading_zeros + 2).min(12)
    };
    format!("{sign}${v:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Role;

    #[test]
    fn openrouter_price_strings() {
        assert_eq!(Price::parse("0.000003"), Some(Price::PerToken(0.000003)));
        assert_eq!(Price::parse("0"), Some(Price::PerToken(0.0)));
        assert_eq!(Price::parse("-1"), Some(Price::Dynamic));
        assert_eq!(Price::parse("0.000000001"), Some(Price::PerToken(1e-9)));
        assert_eq!(Price::parse("abc"), None);
        assert_eq!(Price::parse("NaN"), None);
    }

    #[test]
    fn costs_add_up_and_dynamic_is_unknown() {
        let p = ModelPrice {
            prompt: Price::parse("0.000003").unwrap(),
            completion: Price::parse("0.000015").unwrap(),
        };
        let c = p.cost(1000, 500).unwrap();
        assert!((c - 0.0105).abs() < 1e-12, "{c}");
        let tiny = ModelPrice {
            prompt: Price::PerToken(1e-9),
            completion: Price::PerToken(1e-9),
        };
        assert!((tiny.cost(3, 4).unwrap() - 7e-9).abs() < 1e-18);
        let dynamic = ModelPrice {
            prompt: Price::Dynamic,
            completion: Price::Dynamic,
        };
        assert_eq!(dynamic.cost(10, 10), None);
        let free = ModelPrice::per_million(0.0, 0.0);
        assert!(free.is_free());
        assert_eq!(free.cost(1_000_000, 1_000_000), Some(0.0));
        assert_eq!(
            ModelPrice::per_million(3.0, 15.0).prompt.usd_per_million(),
            Some(3.0)
        );
    }

    #[test]
    fn per_million_is_the_catalogs_decimal() {
        for (token, million) in [
            ("0.0000001", 0.1),
            ("0.0000004", 0.4),
            ("0.000003", 3.0),
            ("0.000015", 15.0),
            ("0.00000007", 0.07),
            ("0.0000002", 0.2),
            ("0.0000012", 1.2),
            ("0.000000001", 0.001),
            ("0.0000000375", 0.0375),
            ("0.00007", 70.0),
            ("0.0001234567", 123.4567),
            ("0", 0.0),
            ("1", 1_000_000.0),
        ] {
            let got = Price::parse(token).unwrap().usd_per_million().unwrap();
            assert_eq!(got.to_string(), million.to_string(), "{token}");
        }
        assert_eq!(
            serde_json::json!(Price::parse("0.0000001").unwrap().usd_per_million()).to_string(),
            "0.1"
        );
    }

    #[test]
    fn money_reads_well_at_every_scale() {
        assert_eq!(money(0.0), "$0");
        assert_eq!(money(12.345), "$12.35");
        assert_eq!(money(0.0105), "$0.0105");
        assert_eq!(money(0.000171), "$0.00017");
        assert_eq!(money(0.0012345), "$0.0012");
        assert_eq!(money(7e-9), "$0.0000000070");
        assert_eq!(money(-0.5), "-$0.5000");
    }

    #[test]
    fn prompt_estimate_counts_framing() {
        let m = vec![
            Message::new(Role::System, "abcd"),
            Message::new(Role::User, "abcdefgh"),
        ];
        assert_eq!(estimate_prompt_tokens(&m), 1 + 4 + 2 + 4);
    }
}
