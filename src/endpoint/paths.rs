//! The Azure path rules: which route a path is, what deployment or endpoint it names, and the
//! mistakes users make in it.

use super::Flag;
use super::Kind;
use super::api_version::Family;
use super::facts::Facts;
use super::hosts::*;

/// Strips a trailing known operation from `segs`; flags a repeated one.
pub(super) fn strip_ops(f: &mut Facts, segs: &[String]) -> usize {
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

pub(super) fn families(
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
        return managed_online(f, host, orig_host, segs);
    }
    if SERVERLESS_SUFFIXES.iter().any(|s| under(host, s)) {
        return serverless(f, host, orig_host, segs);
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
    // Not an Azure host, but dressed like one: non-ASCII (homoglyphs, punycode), an Azure
    // suffix followed by more labels (`demo.openai.azure.com.attacker.example`), or a
    // registrable domain that imitates a service's (`openai.co`, `opnai.com`, `open-ai.com`).
    let homoglyphs = !host.is_ascii() || host.split('.').any(|l| l.starts_with("xn--"));
    let suffix_inside = AZURE_SUFFIXES
        .iter()
        .chain(SERVERLESS_SUFFIXES)
        .any(|s| host.contains(&format!("{s}.")));
    if homoglyphs || suffix_inside || super::hosts::lookalike_domain(host) {
        f.flag(Flag::LookalikeHost);
    }
    path_deployment_hint(f, segs);
    f.set(Kind::Unknown)
}

/// A managed online endpoint (`<name>.<region>.inference.ml.azure.com/score`).
fn managed_online(f: &mut Facts, host: &str, orig_host: &str, segs: &[String]) {
    sovereign(f, host);
    f.endpoint_name = Some(first_label(orig_host).to_string());
    f.base = Some(format!("https://{host}/score"));
    f.family = Some(Family::ModelInference);
    f.had_request_path |= !(segs.len() == 1 && segs[0].eq_ignore_ascii_case("score"));
    if segs.is_empty() {
        f.flag(Flag::MissingScoreSuffix);
    }
    f.set(Kind::ManagedOnline);
}

/// A serverless API endpoint (`<name>.<region>.models.ai.azure.com`).
fn serverless(f: &mut Facts, host: &str, orig_host: &str, segs: &[String]) {
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
    f.set(Kind::Serverless);
}

/// A gateway or local proxy path may still show a deployment; reported as a hint only.
pub(super) fn path_deployment_hint(f: &mut Facts, segs: &[String]) {
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    if let Some(i) = lower.iter().position(|s| s == "deployments")
        && lower[..i].iter().any(|s| s == "openai")
    {
        f.deployment = segs.get(i + 1).cloned();
    }
}

pub(super) fn azure_paths(
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
        return foundry_project(f, &root, segs, &lower, i);
    }
    let openai_at = lower.iter().position(|s| s == "openai");
    // 2. Deployment URL: openai, then later deployments/<dep>.
    if let Some(o) = openai_at {
        if let Some(d) = lower[o + 1..]
            .iter()
            .position(|s| s == "deployments")
            .map(|d| d + o + 1)
        {
            return deployment_route(f, root, segs, &lower, o, d);
        }
        return openai_routes(f, root, &lower[o + 1..], query_dep);
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
        f.flag(Flag::NotOpenaiCompatible);
        f.base = Some(format!("{root}/anthropic"));
        f.had_request_path |= lower.len() > 1;
        return f.set(Kind::FoundryAnthropic);
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
        return bare_host(f, root, suffix, expected);
    }
    // 10. Anything else.
    f.set(Kind::Unknown)
}

/// The routes under `/openai/` other than a deployment's (`after`: the segments after it).
fn openai_routes(f: &mut Facts, root: String, after: &[String], query_dep: Option<String>) {
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
    f.set(Kind::AzureOpenaiResource)
}

/// A resource host with no path: which service it is depends on the host and on what the
/// connection's type expects.
fn bare_host(f: &mut Facts, root: String, suffix: &str, expected: &[Kind]) {
    if suffix.starts_with("services.ai.") {
        f.flag(Flag::MissingModelsSuffix);
        f.alt = Some(Kind::AzureOpenaiResource);
        f.family = Some(Family::ModelInference);
        f.base = Some(format!("{root}/models"));
        return f.set(Kind::FoundryModels);
    }
    f.base = Some(root);
    let cognitive_first = suffix.starts_with("api.cognitive.")
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
    f.set(Kind::AzureOpenaiResource)
}

/// `/api/projects/<project>/...` (`i`: where the project name is).
fn foundry_project(f: &mut Facts, root: &str, segs: &[String], lower: &[String], i: usize) {
    f.set(Kind::FoundryProject);
    match segs.get(i) {
        Some(p) => {
            f.project = Some(p.clone());
            f.base = Some(format!("{root}/api/projects/{p}"));
            let rest = &lower[i + 1..];
            if rest.iter().any(|s| s == "applications" || s == "agents") {
                f.flag(Flag::AgentApplication);
            }
            if rest.first().is_some_and(|s| s == "openai") && rest.get(1).is_some_and(|s| s == "v1")
            {
                f.alt = Some(Kind::AzureOpenaiV1);
            }
            f.had_request_path |= !rest.is_empty();
        }
        None => f.flag(Flag::ProjectNameMissing),
    }
}

/// `/openai/.../deployments/<dep>/...` (`o`, `d`: where `openai` and `deployments` are).
fn deployment_route(
    f: &mut Facts,
    root: String,
    segs: &[String],
    lower: &[String],
    o: usize,
    d: usize,
) {
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
    f.set(Kind::AzureOpenaiDeployment);
}
