//! The decision procedure of endpoints.md §1.2: clean, reject non-URLs, scheme, host family,
//! then the Azure path rules and query checks.

use super::Flag;
use super::api_version::{self, Family};
use super::clean::clean;
use super::hint;
use super::keys::{is_secret_param, key_tokens, looks_like_key};
use super::{Kind, Reading, Reusable};

/// Everything learned about the URL; `hint` turns it into words.
#[derive(Debug, Default)]
pub(super) struct Facts {
    pub kind: Option<Kind>,
    pub host: String,
    pub deployment: Option<String>,
    pub endpoint_name: Option<String>,
    pub base: Option<String>,
    pub api_version: Option<String>,
    pub flags: Vec<Flag>,
    pub alt: Option<Kind>,
    /// A kind outside the fixed list that would fit (github_models, foundry_anthropic).
    pub proposed: Option<&'static str>,
    pub had_request_path: bool,
    /// For portal URLs: the account name found in `wsid=.../accounts/<name>`.
    pub portal_account: Option<String>,
    /// For typo suffixes: the corrected host.
    pub typo_fix: Option<String>,
    pub version_note: Option<String>,
    pub family: Option<Family>,
    pub project: Option<String>,
    /// An operation path was given (an internal fact, not a flag: the request needs an
    /// api-version, checked once every part of the URL is read).
    pub op_present: bool,
}

impl Facts {
    fn flag(&mut self, f: Flag) {
        if !self.flags.contains(&f) {
            self.flags.push(f);
        }
    }
    fn set(&mut self, k: Kind) {
        self.kind = Some(k);
    }
}

const AZURE_SUFFIXES: &[&str] = &[
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
const SERVERLESS_SUFFIXES: &[&str] = &[
    "models.ai.azure.com",
    "inference.ai.azure.com",
    "models.ai.azure.us",
    "inference.ai.azure.us",
];
const MANAGED_SUFFIXES: &[&str] = &[
    "inference.ml.azure.com",
    "inference.ml.azure.us",
    "inference.ml.azure.cn",
];
const SEARCH_SUFFIXES: &[&str] = &["search.windows.net", "search.azure.us", "search.azure.cn"];
const PORTAL_HOSTS: &[&str] = &[
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
const DOCS_HOSTS: &[&str] = &[
    "learn.microsoft.com",
    "docs.microsoft.com",
    "docs.azure.cn",
    "platform.claude.com",
];
const GATEWAY_SUFFIXES: &[&str] = &[
    "azure-api.net",
    "gateway.ai.cloudflare.com",
    "portkey.ai",
    "openrouter.ai",
    "helicone.ai",
];
/// Azure AI services that share the cognitiveservices host with Azure OpenAI.
const COGNITIVE_ROUTES: &[&str] = &[
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
const OPS: &[&[&str]] = &[
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
fn under(host: &str, suffix: &str) -> bool {
    host.strip_suffix(suffix).is_some_and(|p| p.ends_with('.'))
}
fn is_exactly_or_under(host: &str, suffix: &str) -> bool {
    host == suffix || under(host, suffix)
}
fn first_label(host: &str) -> &str {
    host.split('.').next().unwrap_or("")
}

fn sovereign(f: &mut Facts, host: &str) {
    if host.ends_with(".us") {
        f.flag(Flag::SovereignUsgov);
    } else if host.ends_with(".cn") {
        f.flag(Flag::SovereignChina);
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "[::1]"
        || host == "::1"
        || host == "0.0.0.0"
}

fn looks_placeholder(word: &str) -> bool {
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
fn split_url(s: &str) -> Option<(&str, &str, &str)> {
    let (scheme, after) = s.split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    Some((scheme, &after[..end], &after[end..]))
}

/// Host as the user typed it (case kept), and the explicit port, if any.
fn host_and_port(authority: &str) -> (&str, Option<&str>) {
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

fn host_like(s: &str) -> bool {
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

/// Strips a trailing known operation from `segs`; flags a repeated one.
fn strip_ops(f: &mut Facts, segs: &[String]) -> usize {
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    for op in OPS {
        let n = op.len();
        if lower.len() >= n && lower[..n].iter().zip(op.iter()).all(|(a, b)| a == b) {
            let rest = &lower[n..];
            if rest.len() >= n && rest[..n].iter().zip(op.iter()).all(|(a, b)| a == b) {
                f.flag(Flag::DuplicatedOperationPath);
            }
            return n;
        }
    }
    0
}

pub fn classify_with(input: &str, expected: &[Kind]) -> Reading {
    let mut f = Facts::default();
    let secrets = key_tokens(input);
    run(input, expected, &mut f);
    finish(f, expected, &secrets)
}

fn run(input: &str, expected: &[Kind], f: &mut Facts) {
    let cleaned = clean(input);
    f.flags.extend(cleaned.flags);
    let s = cleaned.text.as_str();
    if s.is_empty() {
        f.flag(Flag::Empty);
        return f.set(Kind::Invalid);
    }
    if looks_like_key(s) {
        f.flag(Flag::LooksLikeApiKey);
        return f.set(Kind::Invalid);
    }
    if s.contains(';') && s.to_ascii_lowercase().contains(".api.azureml.ms") {
        f.flag(Flag::ConnectionString);
        return f.set(Kind::Invalid);
    }
    if s.contains('<') || s.contains('>') {
        f.flag(Flag::Placeholder);
        return f.set(Kind::Invalid);
    }
    let with_scheme;
    let s = if s.contains("://") {
        s
    } else if host_like(s) {
        f.flag(Flag::MissingScheme);
        with_scheme = format!("https://{s}");
        with_scheme.as_str()
    } else {
        return f.set(Kind::Invalid);
    };
    let Some((scheme_raw, authority, rest)) = split_url(s) else {
        return f.set(Kind::Invalid);
    };
    let scheme = scheme_raw.to_ascii_lowercase();
    let (orig_host, port) = host_and_port(authority);
    if orig_host.is_empty() {
        f.flag(Flag::EmptyHost);
        return f.set(Kind::Invalid);
    }
    if authority.contains('@') {
        f.flag(Flag::SecretInUrl);
    }
    let Ok(url) = url::Url::parse(&format!(
        "https://{}{}",
        authority.rsplit_once('@').map_or(authority, |(_, h)| h),
        rest
    )) else {
        return f.set(Kind::Invalid);
    };
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_end_matches('.')
        .to_string();
    f.host = host.clone();
    if orig_host.chars().any(|c| c.is_ascii_uppercase()) {
        f.flag(Flag::UppercaseHost);
    }
    match scheme.as_str() {
        "https" => {}
        "wss" => f.flag(Flag::WebsocketScheme),
        "http" | "ws" => {
            if scheme == "ws" {
                f.flag(Flag::WebsocketScheme);
            }
            if !is_loopback(&host) {
                f.flag(Flag::InsecureScheme);
            }
        }
        _ => return f.set(Kind::Invalid),
    }
    let mut nonstandard_port = false;
    match port {
        Some("443") => f.flag(Flag::DefaultPort),
        Some("") | None => {}
        Some(_) => nonstandard_port = true,
    }
    if url.path().contains("//") || rest.starts_with("//") {
        f.flag(Flag::DoubleSlash);
    }
    let segs: Vec<String> = url
        .path_segments()
        .map(|p| p.filter(|s| !s.is_empty()).map(percent_decode).collect())
        .unwrap_or_default();
    let mut query_version = None;
    let mut query_deployment = None;
    if let Some(q) = url.query() {
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (percent_decode(k), percent_decode(v));
            if is_secret_param(&k) {
                f.flag(Flag::SecretInUrl);
            } else if k.eq_ignore_ascii_case("api-version") {
                query_version = Some(v);
            } else if k.eq_ignore_ascii_case("deployment") && !v.is_empty() {
                query_deployment = Some(v);
            } else if v.is_empty() && api_version::well_formed(&k) {
                f.flag(Flag::ApiVersionMalformed);
            }
        }
        f.had_request_path = true;
    }
    if host.split('.').any(|l| l.contains('_'))
        || segs.iter().any(|s| looks_placeholder(s))
        || query_version.as_deref().is_some_and(looks_placeholder)
    {
        f.flag(Flag::Placeholder);
        return f.set(Kind::Invalid);
    }
    if host
        .split('.')
        .any(|l| matches!(l, "undefined" | "null" | "none" | "nan"))
    {
        f.flag(Flag::TemplateUnresolved);
        return f.set(Kind::Invalid);
    }
    if PORTAL_HOSTS.contains(&host.as_str()) {
        f.portal_account = portal_account(s);
    }
    families(f, &host, orig_host, &segs, query_deployment, expected);
    if nonstandard_port
        && f.kind
            .is_some_and(|k| !matches!(k, Kind::Unknown | Kind::Invalid))
    {
        // An Azure service never listens on another port: this is a proxy or a typo.
        f.flag(Flag::NonstandardPort);
        f.set(Kind::Unknown);
        f.base = None;
        f.deployment = None;
    }
    if let Some(v) = query_version
        && !v.is_empty()
    {
        if let Some(fam) = f.family {
            let (flags, note) = api_version::check(&v, fam);
            flags.into_iter().for_each(|x| f.flag(x));
            f.version_note = note;
        }
        f.api_version = Some(v);
    }
}

/// `.../accounts/<name>` inside a portal URL (the `wsid` parameter or the resource path).
fn portal_account(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let i = lower.find("/accounts/")? + "/accounts/".len();
    let name: String = s[i..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

fn percent_decode(s: &str) -> String {
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

fn families(
    f: &mut Facts,
    host: &str,
    orig_host: &str,
    segs: &[String],
    query_dep: Option<String>,
    expected: &[Kind],
) {
    if is_loopback(host) {
        f.flag(Flag::LocalProxy);
        path_deployment_hint(f, segs);
        return f.set(Kind::Unknown);
    }
    if PORTAL_HOSTS.contains(&host) {
        f.flag(Flag::PortalUrl);
        return f.set(Kind::Invalid);
    }
    if DOCS_HOSTS.contains(&host) {
        f.flag(Flag::DocsUrl);
        return f.set(Kind::Invalid);
    }
    if matches!(
        host,
        "api.openai.com" | "us.api.openai.com" | "eu.api.openai.com" | "ae.api.openai.com"
    ) {
        let first = segs.first().map(|s| s.to_ascii_lowercase());
        if first.as_deref() != Some("v1") {
            f.flag(Flag::MissingV1Suffix);
        }
        f.had_request_path |= segs.len() > 1;
        f.base = Some(format!("https://{host}/v1"));
        return f.set(Kind::Openai);
    }
    if host == "models.inference.ai.azure.com" {
        f.flag(Flag::DeprecatedEndpoint);
        f.proposed = Some("github_models");
        return f.set(Kind::Unknown);
    }
    if host == "models.github.ai" {
        f.proposed = Some("github_models");
        return f.set(Kind::Unknown);
    }
    if host.ends_with(".azure.openai.com") || host.contains("openaiazure.com") {
        f.flag(Flag::TypoSuffix);
        let label = host.split(['.']).next().unwrap_or("resource");
        f.typo_fix = Some(format!("{label}.openai.azure.com"));
        return f.set(Kind::Invalid);
    }
    let all_suffixes = AZURE_SUFFIXES
        .iter()
        .chain(SERVERLESS_SUFFIXES)
        .chain(MANAGED_SUFFIXES)
        .chain(SEARCH_SUFFIXES);
    if all_suffixes.clone().any(|s| host == *s) {
        f.flag(Flag::MissingResourceLabel);
        return f.set(Kind::Invalid);
    }
    if let Some(suffix) = AZURE_SUFFIXES.iter().find(|s| under(host, s)) {
        sovereign(f, host);
        return azure_paths(f, host, suffix, segs, query_dep, expected);
    }
    if MANAGED_SUFFIXES.iter().any(|s| under(host, s)) {
        sovereign(f, host);
        f.endpoint_name = Some(first_label(orig_host).to_string());
        f.base = Some(format!("https://{host}/score"));
        f.family = Some(Family::ModelInference);
        f.had_request_path |= !(segs.len() == 1 && segs[0].eq_ignore_ascii_case("score"));
        if segs.is_empty() {
            f.flag(Flag::MissingScoreSuffix);
        }
        return f.set(Kind::ManagedOnline);
    }
    if SERVERLESS_SUFFIXES.iter().any(|s| under(host, s)) {
        sovereign(f, host);
        let label = first_label(orig_host);
        let name = label
            .strip_suffix("-serverless")
            .or_else(|| label.strip_suffix("-Serverless"))
            .unwrap_or(label);
        f.endpoint_name = Some(name.to_string());
        f.base = Some(format!("https://{host}"));
        f.family = Some(Family::ModelInference);
        let mut rest: &[String] = segs;
        if rest.first().is_some_and(|s| s.eq_ignore_ascii_case("v1")) {
            rest = &rest[1..];
        }
        if rest.len() == 1 && rest[0].eq_ignore_ascii_case("models") {
            f.flag(Flag::SuspiciousModelsSuffix);
        } else if !rest.is_empty() {
            f.had_request_path = true;
            if strip_ops(f, rest) == 0 {
                f.flag(Flag::UnknownOperation);
            }
        }
        return f.set(Kind::Serverless);
    }
    if let Some(_s) = SEARCH_SUFFIXES.iter().find(|s| under(host, s)) {
        sovereign(f, host);
        f.base = Some(format!("https://{host}"));
        f.family = Some(Family::Search);
        f.had_request_path |= !segs.is_empty();
        return f.set(Kind::CognitiveSearch);
    }
    if GATEWAY_SUFFIXES
        .iter()
        .any(|s| is_exactly_or_under(host, s))
    {
        f.flag(Flag::GatewayHost);
    }
    // Not an Azure host, but dressed like one: non-ASCII (homoglyphs, punycode) or an Azure
    // suffix followed by more labels (`demo.openai.azure.com.attacker.example`).
    let homoglyphs = !host.is_ascii() || host.split('.').any(|l| l.starts_with("xn--"));
    let suffix_inside = AZURE_SUFFIXES
        .iter()
        .chain(SERVERLESS_SUFFIXES)
        .any(|s| host.contains(&format!("{s}.")));
    if homoglyphs || suffix_inside {
        f.flag(Flag::LookalikeHost);
    }
    path_deployment_hint(f, segs);
    f.set(Kind::Unknown)
}

/// A gateway or local proxy path may still show a deployment; reported as a hint only.
fn path_deployment_hint(f: &mut Facts, segs: &[String]) {
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    if let Some(i) = lower.iter().position(|s| s == "deployments")
        && lower[..i].iter().any(|s| s == "openai")
    {
        f.deployment = segs.get(i + 1).cloned();
    }
}

fn azure_paths(
    f: &mut Facts,
    host: &str,
    suffix: &str,
    segs: &[String],
    query_dep: Option<String>,
    expected: &[Kind],
) {
    let regional = suffix.starts_with("api.cognitive.");
    if regional {
        f.flag(Flag::RegionalLegacyHost);
    }
    let services_ai = suffix.starts_with("services.ai.");
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let root = format!("https://{host}");
    // 1. Foundry project endpoint.
    let project_at = if lower.len() >= 2 && lower[0] == "api" && lower[1] == "projects" {
        Some(2)
    } else if lower.first().is_some_and(|s| s == "projects") {
        f.flag(Flag::MissingApiSegment);
        Some(1)
    } else {
        None
    };
    if let Some(i) = project_at {
        f.set(Kind::FoundryProject);
        match segs.get(i) {
            Some(p) => {
                f.project = Some(p.clone());
                f.base = Some(format!("{root}/api/projects/{p}"));
                let rest = &lower[i + 1..];
                if rest.iter().any(|s| s == "applications" || s == "agents") {
                    f.flag(Flag::AgentApplication);
                }
                if rest.first().is_some_and(|s| s == "openai")
                    && rest.get(1).is_some_and(|s| s == "v1")
                {
                    f.alt = Some(Kind::AzureOpenaiV1);
                }
                f.had_request_path |= !rest.is_empty();
            }
            None => f.flag(Flag::ProjectNameMissing),
        }
        return;
    }
    let openai_at = lower.iter().position(|s| s == "openai");
    // 2. Deployment URL: openai, then later deployments/<dep>.
    if let Some(o) = openai_at {
        if let Some(d) = lower[o + 1..]
            .iter()
            .position(|s| s == "deployments")
            .map(|d| d + o + 1)
        {
            if lower[o + 1..d].iter().any(|s| s == "v1") {
                f.flag(Flag::MixedV1AndDeployment);
            }
            f.family = Some(Family::AzureOpenai);
            f.base = Some(root);
            let Some(mut dep) = segs.get(d + 1).cloned() else {
                // `/openai/deployments` alone is the list route.
                f.had_request_path = true;
                return f.set(Kind::AzureOpenaiResource);
            };
            let mut rest: Vec<String> = segs[d + 2..].to_vec();
            let provider = matches!(
                dep.to_ascii_lowercase().as_str(),
                "azure" | "openai" | "azure_openai" | "azure-openai"
            );
            if provider && !rest.is_empty() && strip_ops(f, &rest) == 0 {
                f.flag(Flag::ProviderPrefixInDeployment);
                dep = rest.remove(0);
            }
            if rest.first().is_some_and(|s| s.eq_ignore_ascii_case("v1")) {
                f.flag(Flag::MixedV1AndDeployment);
                rest.remove(0);
            }
            if !rest.is_empty() {
                f.had_request_path = true;
                if rest[0].eq_ignore_ascii_case("extensions") {
                    f.flag(Flag::LegacyExtensionsRoute);
                } else if strip_ops(f, &rest) == 0 {
                    f.flag(Flag::UnknownOperation);
                }
                // the op was given: without api-version the request 404s
                f.op_present = true;
            }
            f.deployment = Some(dep);
            return f.set(Kind::AzureOpenaiDeployment);
        }
        let after = &lower[o + 1..];
        // 3. Realtime preview: the deployment is in the query.
        if after.first().is_some_and(|s| s == "realtime")
            && let Some(dep) = query_dep
        {
            f.family = Some(Family::AzureOpenai);
            f.base = Some(root);
            f.deployment = Some(dep);
            f.had_request_path = true;
            return f.set(Kind::AzureOpenaiDeployment);
        }
        // 4. The v1 API.
        if after.first().is_some_and(|s| s == "v1") {
            f.family = Some(Family::OpenaiV1);
            f.base = Some(format!("{root}/openai/v1"));
            f.had_request_path |= after.len() > 1;
            return f.set(Kind::AzureOpenaiV1);
        }
        // 5. Other resource-level routes.
        f.family = Some(Family::AzureOpenai);
        f.base = Some(root);
        f.had_request_path |= !after.is_empty();
        return f.set(Kind::AzureOpenaiResource);
    }
    // 6. Foundry /models.
    if lower.first().is_some_and(|s| s == "models") {
        if !services_ai {
            f.flag(Flag::UndocumentedHostForRoute);
        }
        f.family = Some(Family::ModelInference);
        f.base = Some(format!("{root}/models"));
        f.had_request_path |= lower.len() > 1;
        return f.set(Kind::FoundryModels);
    }
    // 7. Claude in Foundry.
    if lower.first().is_some_and(|s| s == "anthropic") {
        f.proposed = Some("foundry_anthropic");
        f.flag(Flag::NotOpenaiCompatible);
        return f.set(Kind::Unknown);
    }
    // 8. Other AI services on the same host.
    if lower
        .first()
        .is_some_and(|s| COGNITIVE_ROUTES.contains(&s.as_str()))
    {
        // Only Content Safety's versions are known; Language, Vision... have their own.
        if lower[0] == "contentsafety" {
            f.family = Some(Family::ContentSafety);
        }
        f.base = Some(root);
        f.had_request_path = true;
        return f.set(Kind::ContentSafetyOrCognitive);
    }
    // 9. Bare host.
    if lower.is_empty() {
        if services_ai {
            f.flag(Flag::MissingModelsSuffix);
            f.alt = Some(Kind::AzureOpenaiResource);
            f.family = Some(Family::ModelInference);
            f.base = Some(format!("{root}/models"));
            return f.set(Kind::FoundryModels);
        }
        f.base = Some(root);
        let cognitive_first = regional
            || (expected.contains(&Kind::ContentSafetyOrCognitive)
                && !expected.contains(&Kind::AzureOpenaiResource));
        if cognitive_first {
            f.alt = Some(Kind::AzureOpenaiResource);
            f.family = Some(Family::ContentSafety);
            return f.set(Kind::ContentSafetyOrCognitive);
        }
        if suffix.starts_with("cognitiveservices.") {
            f.alt = Some(Kind::ContentSafetyOrCognitive);
        }
        f.family = Some(Family::AzureOpenai);
        return f.set(Kind::AzureOpenaiResource);
    }
    // 10. Anything else.
    f.set(Kind::Unknown)
}

fn finish(mut f: Facts, expected: &[Kind], secrets: &[String]) -> Reading {
    let kind = f.kind.unwrap_or(Kind::Invalid);
    // api-version is needed on a deployment operation URL.
    if f.op_present && f.api_version.is_none() {
        f.flag(Flag::ApiVersionMissing);
    }
    if kind == Kind::Invalid {
        f.base = None;
    }
    let reusable = match kind {
        Kind::FoundryModels | Kind::AzureOpenaiResource | Kind::AzureOpenaiV1 | Kind::Openai => {
            Some(Reusable::Yes)
        }
        Kind::FoundryProject if f.flags.contains(&Flag::AgentApplication) => Some(Reusable::No),
        Kind::FoundryProject => Some(Reusable::Yes),
        Kind::AzureOpenaiDeployment | Kind::Serverless | Kind::ManagedOnline => Some(Reusable::No),
        Kind::Unknown if f.proposed.is_some() => Some(Reusable::Yes),
        Kind::Unknown => Some(Reusable::Unknown),
        Kind::ContentSafetyOrCognitive | Kind::CognitiveSearch | Kind::Invalid => None,
    };
    let mismatch =
        !expected.is_empty() && !matches!(kind, Kind::Invalid) && !expected.contains(&kind);
    let (hint, tip) = hint::render(&f, kind, expected, mismatch);
    let mut r = Reading {
        kind,
        reusable,
        deployment: f.deployment,
        endpoint_name: f.endpoint_name,
        normalized_base: f.base,
        api_version: f.api_version,
        flags: f.flags,
        hint,
        tip,
        had_request_path: f.had_request_path,
        mismatch,
    };
    redact(&mut r, secrets);
    r
}

/// A key-like token found anywhere in the input must not survive into any output field.
fn redact(r: &mut Reading, secrets: &[String]) {
    if secrets.is_empty() {
        return;
    }
    let leaks = |s: &str| secrets.iter().any(|k| s.contains(k.as_str()));
    for field in [
        &mut r.deployment,
        &mut r.endpoint_name,
        &mut r.normalized_base,
        &mut r.api_version,
    ] {
        if field.as_deref().is_some_and(leaks) {
            *field = None;
        }
    }
    if leaks(&r.hint) {
        r.hint =
            "This looks like it contains a key; paste the key into the key field, not here.".into();
    }
    if r.tip.as_deref().is_some_and(leaks) {
        r.tip = None;
    }
}
