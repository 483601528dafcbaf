//! Recognizes API keys and tokens, so a key pasted into the endpoint field (or carried inside
//! a URL) is flagged and never echoed back.

fn is_hex32(t: &str) -> bool {
    t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whole-token key shapes: classic Azure (32 hex), new Azure (84 alphanumerics), OpenAI `sk-`,
/// GitHub `ghp_` / `github_pat_`.
pub fn looks_like_key(t: &str) -> bool {
    is_hex32(t)
        || (t.len() == 84 && t.bytes().all(|b| b.is_ascii_alphanumeric()))
        || (t.starts_with("sk-") && t.len() >= 20)
        || (t.starts_with("ghp_") && t.len() >= 20)
        || (t.starts_with("github_pat_") && t.len() >= 20)
}

/// Every key-like token inside `s` (tokens split on characters no key contains).
pub fn key_tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|t| looks_like_key(t))
        .map(str::to_string)
        .collect()
}

/// Query parameter names that carry credentials.
pub fn is_secret_param(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "api-key"
            | "api_key"
            | "apikey"
            | "key"
            | "subscription-key"
            | "ocp-apim-subscription-key"
            | "sig"
            | "code"
            | "token"
            | "access_token"
            | "x-api-key"
    )
}
