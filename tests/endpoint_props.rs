//! Property tests for the classifier: it never panics, and a key-like string anywhere in the
//! input never appears in any output field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::endpoint::classify;
use proptest::prelude::*;

fn fields(r: &aiconn::endpoint::Reading) -> Vec<String> {
    let mut v = vec![r.hint.clone()];
    v.extend(r.tip.clone());
    v.extend(r.deployment.clone());
    v.extend(r.endpoint_name.clone());
    v.extend(r.normalized_base.clone());
    v.extend(r.api_version.clone());
    v.push(serde_json::to_string(r).unwrap());
    v
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{32}",
        "[A-Za-z0-9]{84}",
        "sk-(proj-)?[A-Za-z0-9]{24,48}",
        "ghp_[A-Za-z0-9]{36}",
    ]
}

fn url_part() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("https://contoso.openai.azure.com".to_string()),
        Just("https://r.services.ai.azure.com".to_string()),
        Just("contoso.cognitiveservices.azure.com".to_string()),
        Just("https://e.eastus2.models.ai.azure.com".to_string()),
        Just("https://api.openai.com".to_string()),
        Just("https://gw.example.com".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,200}") {
        let r = classify(&s);
        prop_assert!(!r.hint.is_empty());
    }

    #[test]
    fn url_like_noise_never_panics(base in url_part(), tail in "[/a-zA-Z0-9?&=%._:@#\\-]{0,80}") {
        let _ = classify(&format!("{base}{tail}"));
    }

    #[test]
    fn keys_are_never_echoed(
        base in url_part(),
        k in key(),
        place in 0usize..7,
    ) {
        let input = match place {
            0 => k.clone(),
            1 => format!("{base}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21&api-key={k}"),
            2 => format!("{base}/openai/deployments/{k}/chat/completions"),
            3 => format!("{base}/models?key={k}"),
            4 => format!("https://user:{k}@contoso.openai.azure.com/"),
            5 => format!("  \"{k}\"  "),
            _ => format!("{base}/{k}"),
        };
        let r = classify(&input);
        for f in fields(&r) {
            prop_assert!(!f.contains(&k), "key leaked in {:?} for input kind {}", f, place);
        }
    }
}
