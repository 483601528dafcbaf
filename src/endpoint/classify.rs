//! The decision procedure of docs/endpoints.md §1: clean, reject non-URLs, scheme, host family,
//! then the Azure path rules and query checks.

use super::Flag;
use super::api_version;
use super::clean::clean;
use super::facts::Facts;
use super::hint;
use super::hosts::*;
use super::keys::{is_secret_param, key_tokens, looks_like_key};
use super::paths::*;
use super::{Kind, Reading, Reusable};

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
    if let Some(why) = not_a_url(s) {
        f.flag(why);
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
    if !scheme_ok(f, &scheme, &host) {
        return f.set(Kind::Invalid);
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
    let (query_version, query_deployment) = read_query(&url, f);
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
    f.route = super::route::after_base(&segs, f.base.as_deref());
    settle_base(f, &url, &scheme, nonstandard_port);
    if let Some(v) = query_version
        && !v.is_empty()
    {
        check_api_version(f, v);
    }
}

/// The base once the family is known: none for an Azure host on another port (a proxy or a
/// typo), and the part before the route for a request URL on a host aiconn does not know.
fn settle_base(f: &mut Facts, url: &url::Url, scheme: &str, nonstandard_port: bool) {
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
    // A request URL on a host aiconn does not know still has a base: the part before its
    // route (never stored as if it were one, as on the services' own hosts).
    if f.base.is_none()
        && f.kind == Some(Kind::Unknown)
        && let Some(base) = super::route::base_before(url, scheme, f.route)
    {
        f.base = Some(base);
        f.had_request_path = true;
    }
}

/// Flags a websocket or plain-http scheme; false for a scheme no endpoint has.
fn scheme_ok(f: &mut Facts, scheme: &str, host: &str) -> bool {
    match scheme {
        "https" => {}
        "wss" => f.flag(Flag::WebsocketScheme),
        "http" | "ws" => {
            if scheme == "ws" {
                f.flag(Flag::WebsocketScheme);
            }
            if !is_loopback(host) {
                f.flag(Flag::InsecureScheme);
            }
        }
        _ => return false,
    }
    true
}

/// Why the cleaned text cannot be a URL at all (empty, a key, a connection string, a template).
fn not_a_url(s: &str) -> Option<Flag> {
    if s.is_empty() {
        Some(Flag::Empty)
    } else if looks_like_key(s) {
        Some(Flag::LooksLikeApiKey)
    } else if s.contains(';') && s.to_ascii_lowercase().contains(".api.azureml.ms") {
        Some(Flag::ConnectionString)
    } else if s.contains('<') || s.contains('>') {
        Some(Flag::Placeholder)
    } else {
        None
    }
}

/// The query's `api-version` and `deployment`; flags a key in it or a malformed version.
fn read_query(url: &url::Url, f: &mut Facts) -> (Option<String>, Option<String>) {
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
    (query_version, query_deployment)
}

/// Records the URL's api-version, checked against the family the host was found to be.
fn check_api_version(f: &mut Facts, v: String) {
    if let Some(fam) = f.family {
        let (flags, note) = api_version::check(&v, fam);
        flags.into_iter().for_each(|x| f.flag(x));
        f.version_note = note;
    }
    f.api_version = Some(v);
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
        Kind::FoundryModels
        | Kind::FoundryAnthropic
        | Kind::AzureOpenaiResource
        | Kind::AzureOpenaiV1
        | Kind::Openai => Some(Reusable::Yes),
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
        route: f.route,
        entra_audience: super::entra_audience(kind),
        hint,
        tip,
        had_request_path: f.had_request_path,
        mismatch,
        fits: false,
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
