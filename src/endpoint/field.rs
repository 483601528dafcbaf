//! The hint for a URL typed into a given field of a given connection type. The classifier says
//! what a URL is; the catalogue says, per URL field, which shapes are right there and which are
//! acceptable (`right`, `acceptable` in `assets/catalogue.toml`). This module turns the two
//! into one consistent verdict: what the URL is, whether it fits this field, and the fix when
//! it does not. A value right for its field is never "fixed" (normalizing it is the identity),
//! and a type without models (search, vector databases, AI services) never hears about models.

use super::Flag;
use super::{Kind, Reading};
use crate::catalogue::{FieldSpec, TypeSpec};
use crate::sanitize::for_terminal;

/// What a URL looks like, finer than `Kind` where a field needs it. A URL can have several
/// (a `cognitiveservices.azure.com` root is both an AI services resource and an Azure OpenAI
/// resource base); the field decides which one counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Kind(Kind),
    /// `https://<resource>.cognitiveservices.azure.com/` or `.services.ai.azure.com/`, no path.
    AiServicesRoot,
    QdrantCloud,
    /// Any host on Qdrant's default ports (6333 REST, 6334 gRPC).
    QdrantPort,
    WeaviateCloud,
    /// A well-known local OpenAI-compatible server on its default port.
    LocalServer(LocalServer),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalServer {
    Ollama,
    LmStudio,
    Vllm,
    LlamaCpp,
}

impl LocalServer {
    fn name(self) -> &'static str {
        match self {
            LocalServer::Ollama => "Ollama",
            LocalServer::LmStudio => "LM Studio",
            LocalServer::Vllm => "vLLM",
            LocalServer::LlamaCpp => "llama.cpp server",
        }
    }
    fn by_port(port: u16) -> Option<Self> {
        match port {
            11434 => Some(LocalServer::Ollama),
            1234 => Some(LocalServer::LmStudio),
            8000 => Some(LocalServer::Vllm),
            8080 => Some(LocalServer::LlamaCpp),
            _ => None,
        }
    }
}

impl Shape {
    /// The catalogue's name for it.
    pub fn parse(s: &str) -> Option<Shape> {
        Some(match s {
            "ai_services_root" => Shape::AiServicesRoot,
            "qdrant_cloud" => Shape::QdrantCloud,
            "qdrant_port" => Shape::QdrantPort,
            "weaviate_cloud" => Shape::WeaviateCloud,
            "local_server" => Shape::LocalServer(LocalServer::Ollama),
            other => Shape::Kind(Kind::parse(other)?),
        })
    }

    /// Same shape, whatever the local server's name.
    fn same(self, other: Shape) -> bool {
        match (self, other) {
            (Shape::LocalServer(_), Shape::LocalServer(_)) => true,
            _ => self == other,
        }
    }

    fn label(self) -> String {
        match self {
            Shape::Kind(k) => capitalized(super::hint::kind_label(k)),
            Shape::AiServicesRoot => "Azure AI services resource endpoint".into(),
            Shape::QdrantCloud => "Qdrant Cloud cluster".into(),
            Shape::QdrantPort => "Qdrant (self-hosted) on its default port".into(),
            Shape::WeaviateCloud => "Weaviate Cloud cluster".into(),
            Shape::LocalServer(s) => format!("{} on this machine (OpenAI-compatible)", s.name()),
        }
    }
}

fn capitalized(s: &str) -> String {
    let s = s
        .strip_prefix("an ")
        .or_else(|| s.strip_prefix("a "))
        .or_else(|| s.strip_prefix("the "))
        .unwrap_or(s);
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// How a URL fits its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Right,
    Acceptable,
    Wrong,
}

/// Host, port and whether the path is empty, from the text as typed (scheme added if absent).
fn parts(input: &str) -> Option<(String, Option<u16>, String)> {
    let t = input.trim();
    let with = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    let u = url::Url::parse(&with).ok()?;
    let host = u.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    Some((host, u.port(), u.path().trim_end_matches('/').to_string()))
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback())
}

/// Every shape `input` has (the classifier's kind always among them).
pub fn shapes(input: &str, r: &Reading) -> Vec<Shape> {
    // A Foundry resource root is not yet a /models endpoint (the classifier says to add it).
    let mut v = if r.kind == Kind::FoundryModels && r.has(Flag::MissingModelsSuffix) {
        vec![]
    } else {
        vec![Shape::Kind(r.kind)]
    };
    if r.kind == Kind::Invalid {
        return v;
    }
    let Some((host, port, path)) = parts(input) else {
        return v;
    };
    // Most specific last, so it ends up first.
    let root = path.is_empty() && !r.had_request_path;
    if root
        && (host.ends_with(".cognitiveservices.azure.com")
            || host.ends_with(".services.ai.azure.com"))
    {
        v.insert(0, Shape::AiServicesRoot);
    }
    if matches!(port, Some(6333 | 6334)) {
        v.insert(0, Shape::QdrantPort);
    }
    if host.ends_with(".cloud.qdrant.io") {
        v.insert(0, Shape::QdrantCloud);
    }
    if host.ends_with(".weaviate.network") || host.ends_with(".weaviate.cloud") {
        v.insert(0, Shape::WeaviateCloud);
    }
    if is_loopback(&host)
        && let Some(s) = port.and_then(LocalServer::by_port)
    {
        v.insert(0, Shape::LocalServer(s));
    }
    v
}

fn listed(field: &[String]) -> Vec<Shape> {
    field.iter().filter_map(|s| Shape::parse(s)).collect()
}

/// The field's verdict on `shapes`, and the shape it was judged by.
pub fn verdict(field: &FieldSpec, shapes: &[Shape]) -> (Verdict, Shape) {
    let right = listed(&field.right);
    let ok = listed(&field.acceptable);
    let find = |set: &[Shape]| {
        shapes
            .iter()
            .copied()
            .find(|s| set.iter().any(|x| x.same(*s)))
    };
    if let Some(s) = find(&right) {
        (Verdict::Right, s)
    } else if let Some(s) = find(&ok) {
        (Verdict::Acceptable, s)
    } else {
        (
            Verdict::Wrong,
            shapes
                .first()
                .copied()
                .unwrap_or(Shape::Kind(Kind::Unknown)),
        )
    }
}

/// Rewrites the type-aware reading of `input` (typed into `field` of `spec`) so the hint says
/// one thing. `r` comes from the classifier with the field's kinds as tie-breakers.
pub fn apply(mut r: Reading, input: &str, spec: &TypeSpec, field: &FieldSpec) -> Reading {
    if field.right.is_empty() || r.kind == Kind::Invalid {
        return r;
    }
    let all = shapes(input, &r);
    let (verdict, shape) = verdict(field, &all);
    // A local OpenAI-compatible server without /v1: the right server, but OpenAI clients add
    // /chat/completions to the base and get 404, so the fix is the /v1 suffix.
    // A pasted request URL is judged by its base (the part before the route).
    let base = match (&r.normalized_base, r.had_request_path) {
        (Some(b), true) => b.clone(),
        _ => input.trim().to_string(),
    };
    if let (Shape::LocalServer(s), Some((_, _, path))) = (shape, parts(&base))
        && verdict != Verdict::Wrong
        && !path.ends_with("/v1")
    {
        let trimmed = base.trim_end_matches('/');
        // Ollama's native API (/api/chat, /api/generate) is not OpenAI's: its OpenAI-compatible
        // base is the server's own /v1, not /api/chat/v1.
        let root = match path.strip_prefix("/api") {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => trimmed.strip_suffix(&path),
            _ => None,
        };
        let fixed = format!("{}/v1", root.unwrap_or(trimmed));
        r.mismatch = true;
        r.fits = false;
        r.hint = format!(
            "{} · OpenAI clients need its /v1 suffix",
            Shape::LocalServer(s).label()
        );
        r.tip = Some(format!("Fix: {}", for_terminal(&fixed)));
        r.normalized_base = Some(fixed);
        return r;
    }
    let expect = field.expect.as_deref().unwrap_or("");
    match verdict {
        Verdict::Right | Verdict::Acceptable => fits(&mut r, input, (spec, field), shape, verdict),
        Verdict::Wrong => wrong_shape(&mut r, input, spec, field, shape, expect),
    }
    r
}

/// The reading of a value right (or accepted) for its field: stored as given, no fix.
fn fits(
    r: &mut Reading,
    input: &str,
    (spec, field): (&TypeSpec, &FieldSpec),
    shape: Shape,
    verdict: Verdict,
) {
    let expect = field.expect.as_deref().unwrap_or("");
    r.mismatch = false;
    r.fits = true;
    // A value right for its field is stored as given: no fix, and --normalize keeps it.
    if !r.had_request_path {
        r.normalized_base = Some(input.trim().to_string());
    }
    match shape {
        // The classifier's own words fit model endpoints; keep them.
        Shape::Kind(_) if spec.models => {}
        Shape::Kind(Kind::Unknown) => {
            r.hint = format!("{} · fine if it is your server", unknown_host(r));
            r.tip = (!expect.is_empty()).then(|| format!("This field takes {expect}."));
        }
        _ => {
            r.hint = format!(
                "{} · {}",
                shape.label(),
                if verdict == Verdict::Right {
                    "right for this field"
                } else {
                    "accepted here"
                }
            );
            r.tip = local_server_tip(shape, input);
        }
    }
    // A field that takes a deployment URL as right keeps it whole (one connection each).
    if r.kind == Kind::AzureOpenaiDeployment
        && listed(&field.right).contains(&Shape::Kind(Kind::AzureOpenaiDeployment))
    {
        deployment_form(r, input);
    }
}

/// The reading of a value its field does not take, with the fix when one is known.
fn wrong_shape(
    r: &mut Reading,
    input: &str,
    spec: &TypeSpec,
    field: &FieldSpec,
    shape: Shape,
    expect: &str,
) {
    r.mismatch = true;
    // An AI services host with a path, where the field takes the bare resource root.
    if listed(&field.right).contains(&Shape::AiServicesRoot)
        && let Some((host, _, _)) = parts(input)
        && (host.ends_with(".cognitiveservices.azure.com")
            || host.ends_with(".services.ai.azure.com"))
    {
        r.normalized_base = Some(format!("https://{host}/"));
    }
    // A field that takes an Azure OpenAI resource base, given a URL under /openai/
    // (a deployment, the v1 API): the client appends that route itself, so the fix is
    // what comes before it, on any host (gateways and loopback servers included).
    let still_routed = r
        .normalized_base
        .as_deref()
        .is_none_or(|b| b.to_ascii_lowercase().contains("/openai/") || b.ends_with("/openai"));
    if still_routed
        && listed(&field.right).contains(&Shape::Kind(Kind::AzureOpenaiResource))
        && let Some(root) = before_openai_route(input)
    {
        r.normalized_base = Some(root);
    }
    if !spec.models {
        r.hint = format!("{}: not what this field takes", shape.label());
    }
    let fix = r
        .normalized_base
        .as_deref()
        .filter(|b| b.trim_end_matches('/') != input.trim().trim_end_matches('/'))
        .map(|b| format!(" Fix: {}", for_terminal(b)))
        .unwrap_or_default();
    r.tip = Some(if expect.is_empty() {
        format!("This URL does not fit this field.{fix}")
    } else {
        format!("This field takes {expect}.{fix}")
    });
}

fn unknown_host(r: &Reading) -> String {
    if r.has(Flag::LocalProxy) {
        "A server on this machine".into()
    } else {
        "Unrecognized host".into()
    }
}

/// OpenAI clients put `/v1` themselves only for some servers: say what these expect.
fn local_server_tip(shape: Shape, input: &str) -> Option<String> {
    let Shape::LocalServer(s) = shape else {
        return None;
    };
    let has_v1 = parts(input).is_some_and(|(_, _, p)| p == "/v1");
    Some(if has_v1 {
        format!(
            "{}'s OpenAI-compatible API lives under /v1, as OpenAI clients expect.",
            s.name()
        )
    } else {
        format!(
            "OpenAI clients expect the /v1 suffix here: {}/v1",
            for_terminal(input.trim().trim_end_matches('/'))
        )
    })
}

/// `azure_ai` takes the full deployment URL as given (one connection per deployment); a pasted
/// Target URI becomes that deployment URL, never the resource root.
fn deployment_form(r: &mut Reading, input: &str) {
    let d = r.deployment.clone().unwrap_or_default();
    if r.had_request_path
        && let Some((host, port, _)) = parts(input)
    {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        r.normalized_base = Some(format!("https://{host}{port}/openai/deployments/{d}"));
    }
    r.hint = format!(
        "Azure OpenAI deployment '{}' · right for this field: one connection per deployment",
        for_terminal(&d)
    );
    r.tip = r.normalized_base.as_ref().and_then(|b| {
        let host = parts(b)?.0;
        Some(format!(
            "Tip: https://{host}/openai/v1/ with model '{}' would serve every deployment from one connection.",
            for_terminal(&d)
        ))
    });
}

/// `https://host[:port]/prefix/` for a URL whose path goes on with `/openai/...`.
fn before_openai_route(input: &str) -> Option<String> {
    let t = input.trim();
    let with = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    let u = url::Url::parse(&with).ok()?;
    let path = u.path();
    let at = path.to_ascii_lowercase().find("/openai/")?;
    let mut root = u.clone();
    root.set_query(None);
    root.set_fragment(None);
    root.set_path(&format!("{}/", &path[..at]));
    Some(root.to_string())
}
