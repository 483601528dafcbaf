//! The connections tests create again and again, as `aiconn create` argument lists, so a test
//! says what it needs ("an Entra ID Azure OpenAI connection") instead of copying flags.
#![allow(dead_code)]

/// `create` arguments for an Azure OpenAI connection signing in with Entra ID (no secret, so
/// it works without any keychain).
pub fn entra_aoai(name: &str) -> Vec<String> {
    args(&[
        "create",
        "--type",
        "azure_open_ai",
        "--name",
        name,
        "--set",
        "api_base=https://r.openai.azure.com",
        "--set",
        "auth_mode=meid_token",
    ])
}

/// `create` arguments for a SerpAPI connection with `key`.
pub fn serp(name: &str, key: &str) -> Vec<String> {
    args(&[
        "create",
        "--type",
        "serp",
        "--name",
        name,
        "--set",
        &format!("api_key={key}"),
    ])
}

/// `create` arguments for an OpenAI connection with `key`.
pub fn openai(name: &str, key: &str) -> Vec<String> {
    args(&[
        "create",
        "--type",
        "open_ai",
        "--name",
        name,
        "--set",
        "base_url=https://api.openai.com/v1",
        "--set",
        &format!("api_key={key}"),
    ])
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// Borrowed, for `cmd` and `Command::args`.
pub fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}
