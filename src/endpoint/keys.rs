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

/// `url` without the credentials a pasted URL may carry (a user part before '@', a key in the
/// query), or `None` when it has none. Credentials are never stored in a URL field: the key
/// belongs in the key field, where it goes to the keychain.
pub fn strip_credentials(url: &str) -> Option<String> {
    let trimmed = url.trim();
    let (scheme, rest) = trimmed.split_once("://")?;
    let (authority, tail) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map(|(_, h)| h);
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let (query, fragment) = match query.map(|q| q.split_once('#').unwrap_or((q, ""))) {
        Some((q, f)) => (Some(q), f),
        None => (None, ""),
    };
    let kept: Option<Vec<&str>> = query.map(|q| {
        q.split('&')
            .filter(|pair| !is_secret_param(pair.split_once('=').map_or(*pair, |(k, _)| k)))
            .collect()
    });
    let query_changed = match (query, &kept) {
        (Some(q), Some(k)) => k.len() != q.split('&').count(),
        _ => false,
    };
    if host.is_none() && !query_changed {
        return None;
    }
    let mut out = format!("{scheme}://{}{path}", host.unwrap_or(authority));
    if let Some(k) = kept.filter(|k| !k.is_empty()) {
        out.push('?');
        out.push_str(&k.join("&"));
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(fragment);
    }
    Some(out)
}

#[cfg(test)]
mod strip_tests {
    use super::strip_credentials;

    #[test]
    fn credentials_leave_the_url_and_the_rest_stays() {
        assert_eq!(
            strip_credentials("https://user:pw@contoso.openai.azure.com/").as_deref(),
            Some("https://contoso.openai.azure.com/")
        );
        assert_eq!(
            strip_credentials("https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21&api-key=fake-key-0001").as_deref(),
            Some("https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21")
        );
        assert_eq!(
            strip_credentials("https://h/x?key=fake-key-0002").as_deref(),
            Some("https://h/x")
        );
        assert_eq!(strip_credentials("https://contoso.openai.azure.com/"), None);
        assert_eq!(strip_credentials("https://h/x?api-version=1"), None);
        assert_eq!(strip_credentials("not a url"), None);
    }
}
