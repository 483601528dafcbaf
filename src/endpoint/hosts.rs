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

/// Registrable domains the services really answer under (Microsoft uses several), so a host
/// under one of them is never judged a lookalike.
const SERVICE_DOMAINS: &[&str] = &[
    "openai.com",
    "azure.com",
    "azure.us",
    "azure.cn",
    "azure.net",
    "azure-api.net",
    "azurewebsites.net",
    "azureedge.net",
    "azurefd.net",
    "azurecontainerapps.io",
    "windows.net",
    "microsoft.com",
    "microsoft.us",
    "microsoftonline.com",
    "chinacloudapi.cn",
    "usgovcloudapi.net",
    "anthropic.com",
    "github.ai",
];
/// The names of those domains a typosquat imitates.
const BRANDS: &[&str] = &["openai", "azure", "microsoft", "anthropic"];
/// Second-level labels under which the registrable domain has three labels (`x.co.uk`).
const SECOND_LEVEL: &[&str] = &["co", "com", "net", "org", "gov", "edu", "ac"];

/// A host whose registrable domain imitates a service's: a service domain spelt inside it
/// (`api.openai.com.evil.example`, `api-openai-com.example`), the service's name under another
/// top-level domain (`openai.co`), with separators inserted (`open-ai.com`), or one or two
/// edits away (`opnai.com`, `mircosoft.com`). `host` is lower case.
pub(super) fn lookalike_domain(host: &str) -> bool {
    let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let three = labels.len() >= 3 && SECOND_LEVEL.contains(&labels[labels.len() - 2]);
    let reg_labels = &labels[labels.len() - if three { 3 } else { 2 }..];
    let registrable = reg_labels.join(".");
    if SERVICE_DOMAINS.contains(&registrable.as_str()) {
        return false;
    }
    let words: Vec<&str> = host
        .split(['.', '-', '_'])
        .filter(|w| !w.is_empty())
        .collect();
    let spelt_inside = SERVICE_DOMAINS.iter().any(|d| {
        let parts: Vec<&str> = d.split(['.', '-']).collect();
        let joined = parts.concat();
        words.windows(parts.len()).any(|w| w == parts.as_slice())
            || words
                .iter()
                .any(|w| w.starts_with(&joined) || w.ends_with(&joined))
    });
    let name: String = reg_labels[0]
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .collect();
    let near = BRANDS.iter().any(|b| {
        let limit = if b.len() <= 6 { 1 } else { 2 };
        edit_distance(&name, b) <= limit
    });
    spelt_inside || near
}

/// Edit distance with adjacent transpositions (optimal string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::lookalike_domain;

    #[test]
    fn typosquats_of_the_service_domains_are_lookalikes() {
        for bad in [
            "api.openai.com.evil.example",
            "contoso.openai.azure.com.evil.example",
            "api-openai-com.evil.example",
            "apiopenaicom.example",
            "openaicom.example",
            "api.openai.co",
            "api.openai.net",
            "api.openai.co.uk",
            "contoso.openai.azure.co",
            "contoso.cognitiveservices.azure.io",
            "api.opnai.com",
            "api.openal.com",
            "api.0penai.com",
            "api.opeani.com",
            "api.open-ai.com",
            "api.open_ai.com",
            "api.o-pen-ai.com",
            "contoso.openai.azzure.com",
            "contoso.openai.azur.com",
            "login.mircosoft.com",
            "contoso.azure-com.example",
        ] {
            assert!(lookalike_domain(bad), "{bad}");
        }
    }

    #[test]
    fn the_services_own_domains_and_ordinary_hosts_are_not() {
        for ok in [
            "api.openai.com",
            "contoso.openai.azure.com",
            "contoso.cognitiveservices.azure.com",
            "contoso.openai.azure.us",
            "contoso.search.windows.net",
            "vault.azure.net",
            "gw.azure-api.net",
            "api.anthropic.com",
            "models.github.ai",
            "openrouter.ai",
            "api.mistral.ai",
            "llm.contoso.com",
            "openai.gateway.contoso.com",
            "api.groq.com",
            "localhost",
            "example.co.uk",
        ] {
            assert!(!lookalike_domain(ok), "{ok}");
        }
    }
}
