use super::*;
use crate::model::Pane;

#[test]
fn every_text_field_round_trips_and_rejects_nonsense() {
    let mut pane = Pane::new("m", "p");
    for (f, good, bad) in [
        (Field::Temperature, "0.7", "3"),
        (Field::TopP, "0.9", "0"),
        (Field::TopK, "40", "-1"),
        (Field::MinP, "0.05", "1.5"),
        (Field::MaxTokens, "512", "0"),
        (Field::Seed, "-7", "1.5"),
        (Field::FrequencyPenalty, "-1.5", "2.5"),
        (Field::PresencePenalty, "1", "x"),
        (Field::RepetitionPenalty, "1.1", "0"),
        (Field::ReasoningEffort, "high", "huge"),
        (Field::ReasoningMaxTokens, "2048", "0"),
        (Field::Order, "anthropic, deepinfra/turbo", "not a slug"),
        (Field::DataCollection, "deny", "maybe"),
        (Field::Sort, "latency", "fastest"),
        (Field::Quantizations, "fp8, bf16", "fp7"),
        (Field::MaxPricePrompt, "2.5", "-1"),
        (Field::AllowFallbacks, "off", "sometimes"),
    ] {
        f.set(&mut pane.settings, good)
            .unwrap_or_else(|e| panic!("{f:?} {good}: {e}"));
        let shown = f.get(&pane);
        assert!(!shown.is_empty(), "{f:?}");
        let before = pane.settings.clone();
        assert!(
            f.set(&mut pane.settings, bad).is_err(),
            "{f:?} accepted {bad}"
        );
        assert_eq!(
            pane.settings, before,
            "{f:?}: a rejected edit changes nothing"
        );
        f.set(&mut pane.settings, "").unwrap();
        assert!(f.get(&pane).is_empty(), "{f:?}: empty unsets");
    }
}

#[test]
fn stop_sequences_keep_newlines() {
    let mut pane = Pane::new("m", "p");
    Field::Stop.set(&mut pane.settings, "END, \\n\\n").unwrap();
    assert_eq!(
        pane.settings.stop,
        vec!["END".to_string(), "\n\n".to_string()]
    );
    assert_eq!(Field::Stop.get(&pane), "END, \\n\\n");
}
