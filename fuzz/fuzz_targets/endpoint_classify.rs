//! The endpoint classifier: never panics, and never echoes a key-like token.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let r = aiconn::endpoint::classify(text);
    let out = serde_json_free(&r);
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
        let keyish = (token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())) || (token.starts_with("sk-") && token.len() >= 20);
        if keyish {
            assert!(!out.contains(token), "key-like token echoed");
        }
    }
});

fn serde_json_free(r: &aiconn::endpoint::Reading) -> String {
    format!("{:?}{:?}{:?}{:?}{}{:?}", r.deployment, r.endpoint_name, r.normalized_base, r.api_version, r.hint, r.tip)
}
