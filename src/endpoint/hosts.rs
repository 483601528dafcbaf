//! Host families and URL pieces: the tables of service domains (data) and the small helpers
//! that read hosts, ports and escapes.

use super::Flag;
use super::facts::Facts;

pub(super) const AZURE_SUFFIXES: &[&str] = &[
    "openai.azure.com",
    "openai.azure.us",
    "openai.azure.cn",
    "cognitiveservices.azure.com",
    "cognitiveservices.azure.us",
    "cognitiveservices.azure.cn",
    "services.ai.azure.com",
    "services.ai.azure.us",
    "services.ai.azure.cn",
    "api.cognitive.microsoft.com",
    "api.cognitive.microsoft.us",
    "api.cognitive.azure.cn",
];
pub(super) const SERVERLESS_SUFFIXES: &[&str] = &[
    "models.ai.azure.com",
    "inference.ai.azure.com",
    "models.ai.azure.us",
    "inference.ai.azure.us",
];
pub(super) const MANAGED_SUFFIXES: &[&str] = &[
    "inference.ml.azure.com",
    "inference.ml.azure.us",
    "inference.ml.azure.cn",
];
pub(super) const SEARCH_SUFFIXES: &[&str] =
    &["search.windows.net", "search.azure.us", "search.azure.cn"];
pub(super) const PORTAL_HOSTS: &[&str] = &[
    "ai.azure.com",
    "ai.azure.us",
    "oai.azure.com",
    "aoai.azure.us",
    "portal.azure.com",
    "portal.azure.us",
    "portal.azure.cn",
    "ml.azure.com",
    "platform.openai.com",
    "foundry.azure.com",
];
pub(super) const DOCS_HOSTS: &[&str] = &[
    "learn.microsoft.com",
    "docs.microsoft.com",
    "docs.azure.cn",
    "platform.claude.com",
];
pub(super) const GATEWAY_SUFFIXES: &[&str] = &[
    "azure-api.net",
    "gateway.ai.cloudflare.com",
    "portkey.ai",
    "openrouter.ai",
    "helicone.ai",
];
/// Azure AI services that share the cognitiveservices host with Azure OpenAI.
pub(super) const COGNITIVE_ROUTES: &[&str] = &[
    "contentsafety",
    "language",
    "vision",
    "formrecognizer",
    "documentintelligence",
    "translator",
    "text",
    "speechtotext",
    "face",
    "computervision",
];
/// Operation paths a client appends to a base.
pub(super) const OPS: &[&[&str]] = &[
    &["chat", "completions"],
    &["completions"],
    &["embeddings"],
    &["images", "embeddings"],
    &["images", "generations"],
    &["images", "edits"],
    &["audio", "transcriptions"],
    &["audio", "translations"],
    &["audio", "speech"],
    &["responses"],
    &["info"],
    &["models"],
    &["rerank"],
    &["realtime"],
    &["extensions"],
];

/// Anchored suffix match: `host` is `suffix` or ends with `.suffix`.
pub(super) fn under(host: &str, suffix: &str) -> bool {
    host.strip_suffix(suffix).is_some_and(|p| p.ends_with('.'))
}
pub(super) fn is_exactly_or_under(host: &str, suffix: &str) -> bool {
    host == suffix || under(host, suffix)
}
pub(super) fn first_label(host: &str) -> &str {
    host.split('.').next().unwrap_or("")
}

pub(super) fn sovereign(f: &mut Facts, host: &str) {
    if host.ends_with(".us") {
        f.flag(Flag::SovereignUsgov);
    } else if host.ends_with(".cn") {
        f.flag(Flag::SovereignChina);
    }
}

pub(super) fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "[::1]"
        || host == "::1"
        || host == "0.0.0.0"
}

pub(super) fn looks_placeholder(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    let shouting = word.contains('_') && !word.chars().any(|c| c.is_ascii_lowercase());
    let template_word = ["name", "resource", "deployment", "version", "endpoint"]
        .iter()
        .any(|t| w.contains(t));
    w.contains(['<', '>', '{', '}'])
        || w.starts_with("your-")
        || w.starts_with("your_")
        || (shouting && template_word)
        || [
            "resource_name",
            "resource-name",
            "deployment_name",
            "deployment-name",
            "available-version",
        ]
        .iter()
        .any(|t| w.contains(t))
}

/// Splits `s` (which has a scheme) into (scheme, authority, rest).
pub(super) fn split_url(s: &str) -> Option<(&str, &str, &str)> {
    let (scheme, after) = s.split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    Some((scheme, &after[..end], &after[end..]))
}

/// Host as the user typed it (case kept), and the explicit port, if any.
pub(super) fn host_and_port(authority: &str) -> (&str, Option<&str>) {
    let hp = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if hp.starts_with('[') {
        return match hp.find(']') {
            Some(i) => (&hp[..=i], hp[i + 1..].strip_prefix(':')),
            None => (hp, None),
        };
    }
    match hp.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hp, None),
    }
}

pub(super) fn host_like(s: &str) -> bool {
    let end = s.find(['/', '?', '#']).unwrap_or(s.len());
    let authority = &s[..end];
    let (host, port) = host_and_port(authority);
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let labels_ok = !host.is_empty()
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        });
    port_ok && labels_ok && (host.contains('.') || host.eq_ignore_ascii_case("localhost"))
}

/// `.../accounts/<name>` inside a portal URL (the `wsid` parameter or the resource path).
pub(super) fn portal_account(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let i = lower.find("/accounts/")? + "/accounts/".len();
    let name: String = s[i..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

pub(super) fn percent_decode(s: &str) -> String {
    // Paths and queries are percent-decoded for matching; invalid UTF-8 is kept escaped.
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && s.is_char_boundary(i + 3)
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}
