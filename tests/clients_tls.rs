//! Issue 17 on the services' REAL hostnames, over TLS: what aiconn and the clients decide by
//! hostname (aiconn's classifier, its fix of a pasted deployment URL, http -> https, the
//! clients' own routing; `OpenAI()` with no base_url) is exercised end to end. The loopback
//! service is the HTTPS proxy for those hosts (tests/clients/loopback.py `--proxy-hosts`), with
//! a CA made at test time (tests/clients/tls.rs); the clients trust it through their own
//! variables (`SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`), a debug aiconn through `AICONN_TEST_CA`,
//! and all of them find the proxy through `HTTPS_PROXY`. Nothing dials out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
#[path = "clients/harness.rs"]
mod harness;
#[path = "clients/tls.rs"]
mod tls;

use common::run;
use harness::*;
use std::path::Path;

fn made(dir: &Path, args: &[&str]) -> common::Out {
    let mut c = aiconn_clean(dir);
    c.arg("create").args(args);
    run(c)
}

/// Every record was for `host`, over TLS, and nothing was refused (no other host, no http).
fn only_tls_to(svc: &Service, host: &str) {
    for r in svc.requests() {
        // `pf flow test`'s own version check (pypi.org): refused by the proxy, and not the
        // connection's request
        if r["host"] == "pypi.org" && r["method"] == "CONNECT" {
            continue;
        }
        assert_eq!(r["host"], host, "a request for another host: {r}");
        assert_eq!(r["tls"], true, "a request in clear text: {r}");
        assert!(r["refused"].is_null(), "the proxy refused: {r}");
    }
}

/// The client's call: route, credential, key and api-version as recorded, on `host` over TLS.
fn client_call(v: &Verdict, svc: &Service, host: &str, route: &str, auth: &str, ver: Option<&str>) {
    only_tls_to(svc, host);
    assert_call(v, svc, route, auth, ver);
}

/// `aiconn test NAME` through the same proxy: it works, on the same host, route and
/// credential as the client's call.
fn test_agrees(
    dir: &Path,
    svc: &Service,
    env: &[(&str, &str)],
    name: &str,
    host: &str,
    route: &str,
    auth: &str,
) {
    svc.clear();
    let (ok, out) = aiconn_test_env(dir, name, env);
    assert!(
        ok,
        "aiconn test fails while the client works:\n{out}\n{:?}",
        svc.requests()
    );
    only_tls_to(svc, host);
    let seen = svc.requests();
    let r = seen
        .iter()
        .find(|r| r["route"] == route)
        .unwrap_or_else(|| panic!("aiconn test never called {route}: {seen:?}"));
    assert_eq!(r["auth"], auth, "aiconn test's credential header");
    assert_eq!(r["key_fp"].as_str(), Some(&fp(KEY)[..]));
}

struct Setup {
    dir: tempfile::TempDir,
    svc: Service,
    env: Vec<(String, String)>,
}

fn setup(kind: Kind) -> Option<(&'static Venvs, Setup)> {
    let v = venvs()?;
    let dir = tmp();
    let ca = tls::TestCa::make(dir.path());
    let svc = tls::proxy(dir.path(), kind, &ca);
    let env = tls::env(&svc, &ca);
    Some((v, Setup { dir, svc, env }))
}

fn export_to_promptflow(dir: &Path, v: &Venvs, name: &str) -> common::Out {
    let mut c = aiconn_clean(dir);
    let path = format!(
        "{}:{}",
        v.promptflow.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    c.env("PATH", &path)
        .args(["export", name, "--to", "promptflow"]);
    run(c)
}

const AOAI: &str = "contoso.openai.azure.com";

#[test]
fn aoai_real_host_works_in_the_sdk_agent_framework_and_prompt_flow_as_tested() {
    let Some((v, s)) = setup(Kind::Azure) else {
        return;
    };
    let (d, svc, env) = (s.dir.path(), &s.svc, tls::pairs(&s.env));
    let o = made(
        d,
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "prod",
            "--set",
            "api_base=https://contoso.openai.azure.com/",
            "--set",
            "api_version=2024-10-21",
            "--set",
            &format!("deployment={DEPLOYMENT}"),
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = run_client(
        d,
        &env,
        "prod",
        &v.sdk,
        "drive_openai.py",
        &["azure", DEPLOYMENT],
    );
    client_call(
        &r,
        svc,
        AOAI,
        "azure.deployment.chat",
        "api-key",
        Some("2024-10-21"),
    );
    svc.clear();
    let r = run_client(
        d,
        &env,
        "prod",
        &v.agentframework,
        "drive_agentframework.py",
        &["chat_completion"],
    );
    client_call(
        &r,
        svc,
        AOAI,
        "azure.deployment.chat",
        "api-key",
        Some("2024-12-01-preview"),
    );
    svc.clear();
    let o = export_to_promptflow(d, v, "prod");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = run_driver(
        d,
        &env,
        &v.promptflow,
        "drive_pf.py",
        &["flow", "prod", DEPLOYMENT],
    );
    client_call(
        &r,
        svc,
        AOAI,
        "azure.deployment.chat",
        "api-key",
        Some("2024-10-21"),
    );
    // aiconn test makes the client's own request: the deployment's chat, same host and key
    test_agrees(
        d,
        svc,
        &env,
        "prod",
        AOAI,
        "azure.deployment.chat",
        "api-key",
    );
}

#[test]
fn the_seeds_pasted_deployment_url_is_fixed_or_refused_and_reaches_the_deployment() {
    let Some((v, s)) = setup(Kind::Azure) else {
        return;
    };
    let (d, svc, env) = (s.dir.path(), &s.svc, tls::pairs(&s.env));
    let host = "contoso.cognitiveservices.azure.com";
    let o = made(
        d,
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "prod",
            "--set",
            "api_base=https://contoso.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini",
            "--set",
            "api_version=2024-10-21",
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    if o.code != 0 {
        assert!(!o.stderr.trim().is_empty(), "refused without a reason");
        return;
    }
    let r = run_client(
        d,
        &env,
        "prod",
        &v.sdk,
        "drive_openai.py",
        &["azure", DEPLOYMENT],
    );
    client_call(
        &r,
        svc,
        host,
        "azure.deployment.chat",
        "api-key",
        Some("2024-10-21"),
    );
    assert_eq!(
        last_request(svc).path,
        "/openai/deployments/gpt-4o-mini/chat/completions"
    );
    test_agrees(
        d,
        svc,
        &env,
        "prod",
        host,
        "azure.deployment.chat",
        "api-key",
    );
}

#[test]
fn openai_without_a_base_url_reaches_api_openai_com_with_a_bearer_key() {
    let Some((v, s)) = setup(Kind::OpenAi) else {
        return;
    };
    let (d, svc, env) = (s.dir.path(), &s.svc, tls::pairs(&s.env));
    let o = made(
        d,
        &[
            "--type",
            "open_ai",
            "--name",
            "oai",
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = run_client(
        d,
        &env,
        "oai",
        &v.sdk,
        "drive_openai.py",
        &["openai", DEPLOYMENT],
    );
    client_call(&r, svc, "api.openai.com", "openai.chat", "bearer", None);
    assert_eq!(last_request(svc).path, "/v1/chat/completions");
    test_agrees(
        d,
        svc,
        &env,
        "oai",
        "api.openai.com",
        "openai.models",
        "bearer",
    );
}

#[test]
fn foundry_models_endpoint_exported_to_prompt_flow_reaches_a_real_route() {
    let Some((v, s)) = setup(Kind::Azure) else {
        return;
    };
    let (d, svc, env) = (s.dir.path(), &s.svc, tls::pairs(&s.env));
    let host = "contoso.services.ai.azure.com";
    let o = made(
        d,
        &[
            "--type",
            "azure_ai",
            "--name",
            "fdy",
            "--set",
            "endpoint=https://contoso.services.ai.azure.com/models",
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = export_to_promptflow(d, v, "fdy");
    if o.code != 0 {
        assert!(
            o.stderr.contains("models"),
            "refused without the reason: {}",
            o.stderr
        );
        return;
    }
    let r = run_driver(
        d,
        &env,
        &v.promptflow,
        "drive_pf.py",
        &["flow", "fdy", DEPLOYMENT],
    );
    assert!(
        r.ok,
        "pf flow test failed: {}\n{:?}",
        r.json,
        svc.requests()
    );
    only_tls_to(svc, host);
    let seen = last_request(svc);
    assert!(
        seen.route.is_some(),
        "the flow called {} (no such route)",
        seen.path
    );
    assert_eq!(seen.key_fp, Some(fp(KEY)));
    eprintln!("pf reached {} ({:?}, {})", seen.path, seen.route, seen.auth);
    // aiconn test: the same host and key, a real route of the same family (with no deployment
    // it asks model info, where the flow chats)
    svc.clear();
    let (ok, out) = aiconn_test_env(d, "fdy", &env);
    assert!(ok, "aiconn test fails while pf works:\n{out}");
    only_tls_to(svc, host);
    let tested = last_request(svc);
    eprintln!(
        "aiconn test reached {} ({:?}, {})",
        tested.path, tested.route, tested.auth
    );
    assert!(tested.route.is_some(), "aiconn test called {}", tested.path);
    assert_eq!(tested.key_fp, Some(fp(KEY)));
}

/// A Foundry `/models` endpoint has two kinds of client: azure-ai-inference on `/models` (what
/// the environment names, AZURE_AI_ENDPOINT) and, once exported, prompt flow's llm tool on the
/// same resource's v1 API (export says so: it cannot call `/models`). `aiconn test` makes the
/// first's request and says whose: both headers that SDK sends, on the real host; the flow's
/// verdict and key agree (the test above).
#[test]
fn foundry_models_endpoint_test_makes_the_inference_sdks_request_and_says_whose() {
    let Some((v, s)) = setup(Kind::Azure) else {
        return;
    };
    let (d, svc, env) = (s.dir.path(), &s.svc, tls::pairs(&s.env));
    let o = made(
        d,
        &[
            "--type",
            "azure_ai",
            "--name",
            "fdy",
            "--set",
            "endpoint=https://contoso.services.ai.azure.com/models",
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let export = export_to_promptflow(d, v, "fdy");
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert!(
        export.stderr.contains("/openai/v1"),
        "export does not say the flow calls the v1 API: {}",
        export.stderr
    );
    svc.clear();
    let (ok, out) = aiconn_test_env(d, "fdy", &env);
    assert!(ok, "aiconn test fails:\n{out}");
    only_tls_to(svc, "contoso.services.ai.azure.com");
    let tested = last_request(svc);
    assert!(
        tested
            .route
            .as_deref()
            .is_some_and(|r| r.starts_with("foundry.models.")),
        "aiconn test called {}",
        tested.path
    );
    assert_eq!(
        tested.credentials,
        ["api-key", "bearer"],
        "azure-ai-inference's two headers"
    );
    assert_eq!(tested.key_fp, Some(fp(KEY)));
    assert!(
        out.contains("azure-ai-inference"),
        "test does not say whose request: {out}"
    );
}

/// The attack on the proxy itself: a host outside the test's list is refused and recorded, so
/// `only_tls_to` can fail; aiconn (through the same HTTPS_PROXY) says it failed.
#[test]
fn a_host_the_test_did_not_expect_is_refused_and_recorded() {
    let Some((_, s)) = setup(Kind::Azure) else {
        return;
    };
    let (d, svc, env) = (s.dir.path(), &s.svc, tls::pairs(&s.env));
    let o = made(
        d,
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "other",
            "--set",
            "api_base=https://fabrikam.openai.azure.com/",
            "--set",
            "api_version=2024-10-21",
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let (ok, out) = aiconn_test_env(d, "other", &env);
    assert!(!ok, "aiconn test passed on a host nothing serves:\n{out}");
    let seen = svc.requests();
    assert!(
        seen.iter().any(|r| r["method"] == "CONNECT"
            && r["host"] == "fabrikam.openai.azure.com"
            && r["status"] == 403),
        "the proxy saw no CONNECT for the host: {seen:?}"
    );
    assert!(seen.iter().all(|r| r["route"].is_null()), "{seen:?}");
}

#[test]
fn claude_on_foundry_real_host_runs_in_the_anthropic_sdk_as_tested() {
    let Some((v, s)) = setup(Kind::Azure) else {
        return;
    };
    let (d, svc, env) = (s.dir.path(), &s.svc, tls::pairs(&s.env));
    let host = "contoso.services.ai.azure.com";
    let o = made(
        d,
        &[
            "--type",
            "azure_ai",
            "--name",
            "claude",
            "--set",
            "endpoint=https://contoso.services.ai.azure.com/anthropic",
            "--set",
            "deployment=claude-sonnet-4-5",
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = run_client(
        d,
        &env,
        "claude",
        &v.sdk,
        "drive_anthropic.py",
        &["claude-sonnet-4-5"],
    );
    assert!(r.ok, "anthropic SDK: {}\n{:?}", r.json, svc.requests());
    only_tls_to(svc, host);
    let sdk = last_request(svc);
    assert_eq!(sdk.route.as_deref(), Some("anthropic.messages"));
    assert_eq!(sdk.key_fp, Some(fp(KEY)));
    let auth = sdk.auth.clone();
    test_agrees(d, svc, &env, "claude", host, "anthropic.messages", &auth);
}

#[test]
fn an_http_azure_url_still_reaches_the_host_over_tls() {
    let Some((v, s)) = setup(Kind::Azure) else {
        return;
    };
    let (d, svc, env) = (s.dir.path(), &s.svc, tls::pairs(&s.env));
    let o = made(
        d,
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "prod",
            "--set",
            "api_base=http://contoso.openai.azure.com/",
            "--set",
            "api_version=2024-10-21",
            "--set",
            &format!("deployment={DEPLOYMENT}"),
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    if o.code != 0 {
        return; // refused where it entered: fine
    }
    let r = run_client(
        d,
        &env,
        "prod",
        &v.sdk,
        "drive_openai.py",
        &["azure", DEPLOYMENT],
    );
    // the proxy saw a CONNECT, never a plain-http request for the host
    client_call(
        &r,
        svc,
        AOAI,
        "azure.deployment.chat",
        "api-key",
        Some("2024-10-21"),
    );
    // aiconn test makes the client's own request: the deployment's chat, same host and key
    test_agrees(
        d,
        svc,
        &env,
        "prod",
        AOAI,
        "azure.deployment.chat",
        "api-key",
    );
}

#[test]

fn aoai_with_a_deployment_test_sends_the_clients_chat_request() {
    let Some((_, s)) = setup(Kind::Azure) else {
        return;
    };
    let (d, svc, env) = (s.dir.path(), &s.svc, tls::pairs(&s.env));
    let o = made(
        d,
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "prod",
            "--set",
            "api_base=https://contoso.openai.azure.com/",
            "--set",
            "api_version=2024-10-21",
            "--set",
            &format!("deployment={DEPLOYMENT}"),
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    test_agrees(
        d,
        svc,
        &env,
        "prod",
        AOAI,
        "azure.deployment.chat",
        "api-key",
    );
}
