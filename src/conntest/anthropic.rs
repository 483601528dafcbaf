//! Claude on Foundry (`https://<resource>.services.ai.azure.com/anthropic/`), kept apart from
//! the planner: the request that proves a key works and the headers it needs (what the
//! Anthropic SDK reads is in assets/clients.toml). Read from anthropic 2.10.0
//! (`anthropic/lib/foundry.py`): `AnthropicFoundry` builds
//! `https://{ANTHROPIC_FOUNDRY_RESOURCE}.services.ai.azure.com/anthropic/` unless
//! `ANTHROPIC_FOUNDRY_BASE_URL` is set, takes `ANTHROPIC_FOUNDRY_API_KEY`, and sends the key
//! as both `x-api-key` and `api-key` (or `Authorization: Bearer <Entra ID token>`).

use super::{Auth, Check};
use crate::endpoint::api_version::{Family, recommended};

/// The Messages API version header every Anthropic client sends; its value is the one the
/// pinned SDK sends (assets/api_versions.toml, family `anthropic`).
pub const VERSION_HEADER: &str = "anthropic-version";

/// The `/anthropic` base of `url` (a base, `/anthropic/v1`, or a full `/v1/messages` URL), or
/// `None` when the path has no `/anthropic` segment.
pub fn base(url: &str) -> Option<String> {
    let u = url::Url::parse(url.trim()).ok()?;
    let segs: Vec<&str> = u.path().split('/').filter(|s| !s.is_empty()).collect();
    let at = segs
        .iter()
        .position(|s| s.eq_ignore_ascii_case("anthropic"))?;
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    Some(format!(
        "{}://{}{port}/{}",
        u.scheme(),
        u.host_str()?,
        segs[..=at].join("/")
    ))
}

/// A 1-token Messages request to deployment `model`, with [`VERSION_HEADER`]; `run` sends
/// the key as both `x-api-key` and `api-key` (`Auth::Anthropic`).
pub fn check(url: &str, model: &str) -> Option<Check> {
    let base = base(url)?;
    let version = recommended(Family::Anthropic)?;
    let body = serde_json::json!({
        "model": model,
        "max_tokens": 1,
        "messages": [{"role": "user", "content": "ping"}],
    });
    Some(Check {
        method: "POST",
        url: format!("{base}/v1/messages"),
        auth: Auth::Anthropic,
        body: Some(body.to_string()),
        what: format!("a 1-token Claude Messages request to deployment '{model}'"),
        max_body: 4096,
        headers: vec![(VERSION_HEADER, version.to_string())],
        like: Some("the anthropic SDK's AnthropicFoundry().messages.create()"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_anthropic_url_shape_gives_the_same_base_and_request() {
        for u in [
            "https://res.services.ai.azure.com/anthropic",
            "https://res.services.ai.azure.com/anthropic/",
            "https://res.services.ai.azure.com/anthropic/v1/messages",
            "https://RES.services.ai.azure.com/Anthropic/v1",
        ] {
            let b = base(u).unwrap().to_lowercase();
            assert_eq!(b, "https://res.services.ai.azure.com/anthropic", "{u}");
            let c = check(u, "claude-sonnet-4-5").unwrap();
            assert!(c.url.to_lowercase().ends_with("/anthropic/v1/messages"));
            assert!(c.body.unwrap().contains("\"model\":\"claude-sonnet-4-5\""));
        }
        assert_eq!(
            base("http://127.0.0.1:8080/gw/anthropic/v1").unwrap(),
            "http://127.0.0.1:8080/gw/anthropic"
        );
        assert_eq!(base("https://res.services.ai.azure.com/models"), None);
    }
}
