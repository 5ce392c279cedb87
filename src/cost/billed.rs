//! What `/generation` says was billed, in words for the details view.

use super::money;
use crate::provider::generation::Billed;

impl Billed {
    /// Readable lines for the details view.
    pub fn describe(&self) -> Vec<String> {
        let ms = |v: Option<f64>| v.map_or("?".to_string(), |v| format!("{v:.0} ms"));
        let tok = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
        let mut out = vec![format!(
            "billed {}{}",
            money(self.booked()),
            if self.is_byok {
                format!(
                    " (OpenRouter {} + your provider key {})",
                    money(self.total_cost),
                    money(self.upstream_cost.unwrap_or(0.0))
                )
            } else {
                String::new()
            }
        )];
        out.push(format!(
            "provider latency {} · generation time {}",
            ms(self.latency_ms),
            ms(self.generation_time_ms)
        ));
        out.push(format!(
            "native tokens: prompt {} · completion {} · reasoning {} · cached {}",
            tok(self.native_prompt),
            tok(self.native_completion),
            tok(self.native_reasoning),
            tok(self.native_cached)
        ));
        if self.cancelled {
            out.push("cancelled: the provider billed what it generated".into());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byok_names_both_charges() {
        let b = Billed::parse(
            r#"{"data":{"total_cost":0.0001,"upstream_inference_cost":0.002,"is_byok":true,"cancelled":true,"latency":120}}"#,
        )
        .unwrap();
        let lines = b.describe();
        assert!(lines[0].contains("your provider key"), "{lines:?}");
        assert!(lines[1].contains("120 ms"), "{lines:?}");
        assert!(
            lines.iter().any(|l| l.starts_with("cancelled")),
            "{lines:?}"
        );
    }
}
