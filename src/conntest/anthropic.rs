//! Claude on Foundry (`https://<resource>.services.ai.azure.com/anthropic/`): the `/anthropic`
//! base every URL shape of it shares (the request that proves a key works is
//! `anthropic_messages` in assets/test_plans.toml; what the Anthropic SDK reads is in
//! assets/clients.toml). Read from anthropic 2.10.0
//! (`anthropic/lib/foundry.py`): `AnthropicFoundry` builds
//! `https://{ANTHROPIC_FOUNDRY_RESOURCE}.services.ai.azure.com/anthropic/` unless
//! `ANTHROPIC_FOUNDRY_BASE_URL` is set, takes `ANTHROPIC_FOUNDRY_API_KEY`, and sends the key
//! as both `x-api-key` and `api-key` (or `Authorization: Bearer <Entra ID token>`).

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_anthropic_url_shape_gives_the_same_base() {
        for u in [
            "https://res.services.ai.azure.com/anthropic",
            "https://res.services.ai.azure.com/anthropic/",
            "https://res.services.ai.azure.com/anthropic/v1/messages",
            "https://RES.services.ai.azure.com/Anthropic/v1",
        ] {
            let b = base(u).unwrap().to_lowercase();
            assert_eq!(b, "https://res.services.ai.azure.com/anthropic", "{u}");
        }
        assert_eq!(
            base("http://127.0.0.1:8080/gw/anthropic/v1").unwrap(),
            "http://127.0.0.1:8080/gw/anthropic"
        );
        assert_eq!(base("https://res.services.ai.azure.com/models"), None);
    }
}
