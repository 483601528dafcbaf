//! `aiconn test` against a local HTTP server on 127.0.0.1 that answers like each service and
//! records what it got (path, auth header, api-version); DNS, TLS, refused and slow cases.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::http::*;
use common::*;
use std::net::TcpListener;
use std::time::Duration;

const KEY: &str = "fake-key-0401";

fn make(dir: &std::path::Path, type_id: &str, sets: &[String]) {
    let mut args = vec!["create", "--type", type_id, "--name", "c", "--raw"];
    let key = format!("api_key={KEY}");
    let mut owned: Vec<String> = sets.to_vec();
    owned.push(key);
    for s in &owned {
        args.push("--set");
        args.push(s);
    }
    let o = cmd(dir, &args);
    assert_eq!(o.code, 0, "{}", o.stderr);
}

fn test_conn(dir: &std::path::Path, extra: &[&str]) -> Out {
    let mut args = vec!["test", "c"];
    args.extend_from_slice(extra);
    let o = cmd(dir, &args);
    assert!(
        !o.stdout.contains(KEY) && !o.stderr.contains(KEY),
        "key in output:\n{}{}",
        o.stdout,
        o.stderr
    );
    o
}

#[test]
fn each_type_sends_its_cheap_request_with_the_right_auth() {
    let cases: Vec<(&str, String, &str, &str, &str)> = vec![
        // type, url field=value, expected method+path prefix, auth header, auth value prefix
        (
            "azure_open_ai",
            "api_base=http://127.0.0.1:PORT".into(),
            "GET /openai/models?api-version=2024-02-01",
            "api-key",
            KEY,
        ),
        (
            "azure_ai",
            "endpoint=http://127.0.0.1:PORT/openai/deployments/gpt-4o".into(),
            "POST /openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            "api-key",
            KEY,
        ),
        (
            "azure_ai",
            "endpoint=http://127.0.0.1:PORT/models".into(),
            "GET /models/info?api-version=2024-05-01-preview",
            "api-key",
            KEY,
        ),
        (
            "open_ai",
            "base_url=http://127.0.0.1:PORT/v1".into(),
            "GET /v1/models",
            "authorization",
            "Bearer fake-key-0401",
        ),
        (
            "serverless",
            "api_base=http://127.0.0.1:PORT".into(),
            "GET /info",
            "authorization",
            "Bearer fake-key-0401",
        ),
        (
            "cognitive_search",
            "api_base=http://127.0.0.1:PORT".into(),
            "GET /indexes?api-version=2023-11-01&$select=name",
            "api-key",
            KEY,
        ),
        (
            "azure_content_safety",
            "endpoint=http://127.0.0.1:PORT".into(),
            "POST /contentsafety/text:analyze?api-version=2023-10-01",
            "ocp-apim-subscription-key",
            KEY,
        ),
        (
            "qdrant",
            "api_base=http://127.0.0.1:PORT".into(),
            "GET /collections",
            "api-key",
            KEY,
        ),
        (
            "weaviate",
            "api_base=http://127.0.0.1:PORT".into(),
            "GET /v1/meta",
            "authorization",
            "Bearer fake-key-0401",
        ),
    ];
    for (type_id, url, expect, header, value) in cases {
        let d = tempfile::tempdir().unwrap();
        let (port, seen) = server(200, "{\"data\":[]}", Duration::ZERO);
        make(d.path(), type_id, &[url.replace("PORT", &port.to_string())]);
        let o = test_conn(d.path(), &[]);
        assert_eq!(o.code, 0, "{type_id}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("OK:"), "{type_id}: {}", o.stdout);
        let got = seen.lock().unwrap().clone();
        assert_eq!(got.len(), 1, "{type_id}: exactly one request, no retries");
        let line = format!("{} {}", got[0].method, got[0].path);
        assert_eq!(line, expect, "{type_id}");
        assert_eq!(got[0].header(header), Some(value), "{type_id}: auth header");
        if got[0].method == "POST" && type_id == "azure_ai" {
            assert!(
                got[0].body.contains("\"max_tokens\":1"),
                "a 1-token request"
            );
        }
    }
}

#[test]
fn failures_get_a_diagnosis_a_person_can_act_on() {
    for (status, body, needle) in [
        (
            401,
            "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key.\"}}",
            "the key was refused",
        ),
        (
            404,
            "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}",
            "URL shape is wrong",
        ),
        (429, "{}", "rate limited"),
        (500, "{}", "the service failed"),
    ] {
        let d = tempfile::tempdir().unwrap();
        let (port, _) = server(status, body, Duration::ZERO);
        make(
            d.path(),
            "azure_open_ai",
            &[format!("api_base=http://127.0.0.1:{port}")],
        );
        let o = test_conn(d.path(), &[]);
        assert_eq!(o.code, 1, "{status}");
        assert!(
            o.stdout.contains(needle) && o.stdout.contains(&format!("HTTP {status}")),
            "{status}: {}",
            o.stdout
        );
        if status == 401 {
            assert!(
                o.stdout.contains("invalid subscription key") && o.stdout.contains("Key 1"),
                "{}",
                o.stdout
            );
        }
        if status == 404 {
            assert!(
                o.stdout.contains("the endpoint reads as"),
                "404 shows the endpoint hint: {}",
                o.stdout
            );
        }
    }
}

#[test]
fn slow_refused_tls_and_dns_failures() {
    let d = tempfile::tempdir().unwrap();
    let (port, _) = server(200, "{}", Duration::from_secs(4));
    make(
        d.path(),
        "azure_open_ai",
        &[format!("api_base=http://127.0.0.1:{port}")],
    );
    let o = test_conn(d.path(), &["--timeout", "1"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("timed out"), "{}", o.stdout);

    // TLS against a plain-HTTP loopback server
    let d = tempfile::tempdir().unwrap();
    let (port, _) = server(200, "{}", Duration::ZERO);
    make(
        d.path(),
        "open_ai",
        &[format!("base_url=https://127.0.0.1:{port}/v1")],
    );
    let o = test_conn(d.path(), &["--timeout", "3"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("TLS failed"), "{}", o.stdout);

    // nothing listening
    let d = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    make(
        d.path(),
        "open_ai",
        &[format!("base_url=http://127.0.0.1:{port}/v1")],
    );
    let o = test_conn(d.path(), &["--timeout", "3"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("connection refused"), "{}", o.stdout);

    // a host that does not resolve
    let d = tempfile::tempdir().unwrap();
    make(
        d.path(),
        "open_ai",
        &["base_url=https://does-not-exist.invalid/v1".into()],
    );
    // Not a host aiconn recognizes for an OpenAI key: sent only with --yes.
    let o = test_conn(d.path(), &["--timeout", "5", "--json", "--yes"]);
    assert_eq!(o.code, 1);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(
        v["summary"].as_str().unwrap().contains("DNS"),
        "{}",
        o.stdout
    );
}

fn entra_conn(dir: &std::path::Path, type_id: &str, port: u16) {
    create(
        dir,
        &[
            "--type",
            type_id,
            "--name",
            "c",
            "--raw",
            "--set",
            &format!("api_base=http://127.0.0.1:{port}"),
            "--set",
            "auth_mode=meid_token",
        ],
    );
}

fn test_with_path(dir: &std::path::Path, path: &str) -> Out {
    let mut c = aiconn(dir);
    c.args(["test", "c"]).env("PATH", path);
    let o = run(c);
    assert!(!o.stdout.contains("fake-token-0501") && !o.stderr.contains("fake-token-0501"));
    o
}

#[test]
fn entra_id_connections_are_tested_with_a_token_from_az() {
    let d = tempfile::tempdir().unwrap();
    let (port, seen) = server(200, "{\"data\":[]}", Duration::ZERO);
    entra_conn(d.path(), "azure_open_ai", port);
    let bin = fake_az(d.path(), true);
    let o = test_with_path(d.path(), &format!("{}:/usr/bin:/bin", bin.display()));
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let got = seen.lock().unwrap()[0].clone();
    assert_eq!(got.header("authorization"), Some("Bearer fake-token-0501"));
    assert_eq!(got.header("api-key"), None);
    assert_eq!(
        std::fs::read_to_string(bin.join("resource"))
            .unwrap()
            .trim(),
        "https://cognitiveservices.azure.com"
    );
    // Search asks for a token for Search.
    let d = tempfile::tempdir().unwrap();
    let (port, _) = server(200, "{\"value\":[]}", Duration::ZERO);
    entra_conn(d.path(), "cognitive_search", port);
    let bin = fake_az(d.path(), true);
    let o = test_with_path(d.path(), &format!("{}:/usr/bin:/bin", bin.display()));
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(
        std::fs::read_to_string(bin.join("resource"))
            .unwrap()
            .trim(),
        "https://search.azure.com"
    );
}

#[test]
fn entra_id_failures_say_what_to_do() {
    // No az at all.
    let d = tempfile::tempdir().unwrap();
    let (port, seen) = server(200, "{}", Duration::ZERO);
    entra_conn(d.path(), "azure_open_ai", port);
    let empty = d.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = test_with_path(d.path(), empty.to_str().unwrap());
    assert_eq!(o.code, 1);
    assert!(
        o.stdout.contains("not installed") && o.stdout.contains("az login --use-device-code"),
        "{}",
        o.stdout
    );
    // Not signed in.
    let bin = fake_az(d.path(), false);
    let o = test_with_path(d.path(), &format!("{}:/usr/bin:/bin", bin.display()));
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("not signed in to Azure"), "{}", o.stdout);
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing sent without a token"
    );
    // A token from another tenant (401 with a tenant message) and no role (403).
    for (status, body, want) in [
        (
            401,
            "{\"error\":{\"code\":\"InvalidAuthenticationTokenTenant\",\"message\":\"The access token is from the wrong issuer. It must match the tenant associated with this subscription.\"}}",
            "--tenant",
        ),
        (
            403,
            "{\"error\":{\"code\":\"PermissionDenied\",\"message\":\"The principal `00000000-0000-0000-0000-000000000000` lacks the required data action.\"}}",
            "Cognitive Services OpenAI User",
        ),
    ] {
        let d = tempfile::tempdir().unwrap();
        let (port, _) = server(status, body, Duration::ZERO);
        entra_conn(d.path(), "azure_open_ai", port);
        let bin = fake_az(d.path(), true);
        let o = test_with_path(d.path(), &format!("{}:/usr/bin:/bin", bin.display()));
        assert_eq!(o.code, 1);
        assert!(o.stdout.contains(want), "{status}: {}", o.stdout);
    }
    // Search's role.
    let d = tempfile::tempdir().unwrap();
    let (port, _) = server(
        403,
        "{\"error\":{\"message\":\"Forbidden\"}}",
        Duration::ZERO,
    );
    entra_conn(d.path(), "cognitive_search", port);
    let bin = fake_az(d.path(), true);
    let o = test_with_path(d.path(), &format!("{}:/usr/bin:/bin", bin.display()));
    assert!(
        o.stdout.contains("Search Index Data Reader"),
        "{}",
        o.stdout
    );
}

#[test]
fn custom_connections_say_why_they_cannot_be_tested() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &[
            "--type",
            "custom",
            "--name",
            "c",
            "--set",
            "configs.a=b",
            "--set",
            "secrets.k=fake-key-0502",
        ],
    );
    let o = cmd(d.path(), &["test", "c"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no known endpoint"), "{}", o.stderr);
}

#[test]
fn the_tui_test_action_shows_the_result_next_to_the_endpoint() {
    let d = tempfile::tempdir().unwrap();
    let (port, seen) = server(
        401,
        "{\"error\":{\"message\":\"Access denied due to invalid subscription key.\"}}",
        Duration::ZERO,
    );
    make(
        d.path(),
        "azure_open_ai",
        &[format!("api_base=http://127.0.0.1:{port}")],
    );
    let mut t = common::pty::Pty::spawn(d.path(), &[], 100, 30);
    t.wait_for("Connections");
    t.send("\r");
    t.send("\x14"); // Ctrl-T
    t.wait_for("✗ test: HTTP 401");
    assert!(t.screen().contains("the key was refused"), "{}", t.screen());
    t.send("\x1b");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(
        seen.lock().unwrap()[0].header("api-key"),
        Some(KEY),
        "the stored key was loaded and sent"
    );
    assert!(!t.raw_text().contains(KEY));
}

/// Issue 17 finding 10: the test was not the client's request: no `OpenAI-Organization`, and
/// nothing said whose request it imitates. An OpenAI connection with an organization sends it
/// as the openai SDK does, and the output names the client whose request it made.
#[test]
fn an_openai_test_sends_the_organization_and_says_whose_request_it_is() {
    let d = tempfile::tempdir().unwrap();
    let (port, seen) = server(200, r#"{"object": "list", "data": []}"#, Duration::ZERO);
    make(
        d.path(),
        "open_ai",
        &[
            format!("base_url=http://127.0.0.1:{port}/v1"),
            "organization=org-fake-0001".into(),
        ],
    );
    let o = test_conn(d.path(), &[]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("the request the openai SDK's OpenAI().models.list() makes"),
        "{}",
        o.stdout
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/models");
    assert_eq!(seen[0].header("openai-organization"), Some("org-fake-0001"));
    assert_eq!(
        seen[0].header("authorization"),
        Some(&format!("Bearer {KEY}")[..])
    );
    drop(seen);
    // Without an organization no header is invented.
    let d = tempfile::tempdir().unwrap();
    let (port, seen) = server(200, r#"{"object": "list", "data": []}"#, Duration::ZERO);
    make(
        d.path(),
        "open_ai",
        &[format!("base_url=http://127.0.0.1:{port}/v1")],
    );
    assert_eq!(test_conn(d.path(), &[]).code, 0);
    assert_eq!(seen.lock().unwrap()[0].header("openai-organization"), None);
    let j: serde_json::Value =
        serde_json::from_str(&test_conn(d.path(), &["--json"]).stdout).unwrap();
    assert_eq!(j["as"], "the openai SDK's OpenAI().models.list()");
}

/// A key a service echoes back in any encoding (JSON escapes, percent, base64 of `user:key`,
/// hex) is never shown: not on stdout, stderr nor in `--json`, not even once a parser decoded it.
#[test]
fn a_key_echoed_encoded_in_a_401_body_never_reaches_the_output() {
    let key = "fake+key/0001";
    let json_escaped: String = key
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let percent: String = key.bytes().map(|b| format!("%{b:02X}")).collect();
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    for echo in [
        "fake\\u002Bkey\\/0001".to_string(),
        json_escaped,
        percent,
        // base64 of "user:fake+key/0001" and of "fake+key/0001", url-safe and unpadded.
        "Basic dXNlcjpmYWtlK2tleS8wMDAx".to_string(),
        "ZmFrZStrZXkvMDAwMQ".to_string(),
        hex,
    ] {
        let body = format!("{{\"error\":{{\"code\":\"401\",\"message\":\"invalid key {echo}\"}}}}");
        let (port, _) = server(401, Box::leak(body.into_boxed_str()), Duration::ZERO);
        let d = tempfile::tempdir().unwrap();
        let o = cmd(
            d.path(),
            &[
                "create",
                "--type",
                "azure_open_ai",
                "--name",
                "c",
                "--raw",
                "--set",
                &format!("api_base=http://127.0.0.1:{port}"),
                "--set",
                &format!("api_key={key}"),
            ],
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        for extra in [&[][..], &["--json"][..]] {
            let mut args = vec!["test", "c"];
            args.extend_from_slice(extra);
            let o = cmd(d.path(), &args);
            assert_eq!(o.code, 1, "{}", o.stderr);
            let all = format!("{}{}", o.stdout, o.stderr);
            assert!(
                all.contains("[redacted]"),
                "{extra:?}: the echo was not shown:\n{all}"
            );
            assert!(
                !all.contains(key) && !all.contains(&echo),
                "{extra:?}: key in output:\n{all}"
            );
            if extra.is_empty() {
                continue;
            }
            // The JSON as a reader decodes it.
            let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
            assert!(!v.to_string().contains(key), "{}", o.stdout);
        }
    }
}

#[test]
fn a_key_goes_to_a_host_nobody_recognizes_only_when_the_user_says_so() {
    // A lookalike is refused outright, --yes or not; an unrecognized host needs --yes in a
    // script (no request is made without it: the host does not resolve, so a sent request
    // would say DNS).
    for (ty, field, url) in [
        (
            "open_ai",
            "base_url",
            "https://api.openai.com.evil.invalid/v1",
        ),
        ("open_ai", "base_url", "https://api.opnai.invalid/v1"),
        ("open_ai", "base_url", "https://api.openai.co/v1"),
        ("open_ai", "base_url", "https://api.open-ai.com/v1"),
        (
            "azure_open_ai",
            "api_base",
            "https://contoso.openai.azure.co",
        ),
        (
            "azure_open_ai",
            "api_base",
            "https://contoso.openai-azure.com",
        ),
    ] {
        let d = tempfile::tempdir().unwrap();
        make(d.path(), ty, &[format!("{field}={url}")]);
        for extra in [&[][..], &["--yes"][..]] {
            let o = test_conn(d.path(), extra);
            assert_eq!(o.code, 1, "{url}");
            assert!(
                o.stderr.contains("not sending the key"),
                "{url} {extra:?}: {}{}",
                o.stdout,
                o.stderr
            );
        }
    }
    for (ty, field, url) in [
        ("open_ai", "base_url", "https://llm.unrecognized.invalid/v1"),
        (
            "azure_open_ai",
            "api_base",
            "https://gateway.unrecognized.invalid",
        ),
    ] {
        let d = tempfile::tempdir().unwrap();
        make(d.path(), ty, &[format!("{field}={url}")]);
        let o = test_conn(d.path(), &[]);
        assert_eq!(o.code, 1, "{url}");
        assert!(
            o.stderr.contains("not sending the key of 'c' to ")
                && o.stderr.contains(url.split('/').nth(2).unwrap())
                && o.stderr.contains("--yes"),
            "{url}: {}",
            o.stderr
        );
        assert!(
            !o.stdout.contains("DNS"),
            "{url}: a request was made: {}",
            o.stdout
        );
        let o = test_conn(d.path(), &["--yes", "--timeout", "5"]);
        assert_eq!(o.code, 1, "{url}");
        assert!(
            o.stdout.contains("DNS"),
            "{url}: sent with --yes: {}{}",
            o.stdout,
            o.stderr
        );
    }
}

#[test]
fn the_unrecognized_host_question_comes_before_the_key_is_read() {
    // Addresses are hosts too (a literal IPv4 or IPv6, a private one); a lookalike is refused
    // outright. In every case nothing reads the key: the command behind it never runs, in
    // `test` and in `test --all` alike.
    for url in [
        "https://203.0.113.5/v1",
        "https://[2001:db8::1]/v1",
        "https://10.0.0.5:8443/v1",
        "https://llm.unrecognized.invalid/v1",
        "https://API.OPENAI.COM.unrecognized.invalid/v1",
    ] {
        let d = tempfile::tempdir().unwrap();
        let marker = d.path().join("read");
        let reference = format!(
            "api_key=cmd:sh -c 'touch {}; echo fake-key-0701'",
            marker.display()
        );
        let base = format!("base_url={url}");
        let args = [
            "create",
            "--type",
            "open_ai",
            "--name",
            "c",
            "--raw",
            "--set",
            &base,
            "--secret-ref",
            &reference,
        ];
        let o = cmd(d.path(), &args);
        assert_eq!(o.code, 0, "{url}: {}", o.stderr);
        let o = test_conn(d.path(), &[]);
        assert_eq!(o.code, 1, "{url}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stderr.contains("not sending the key"),
            "{url}: {}",
            o.stderr
        );
        let o = cmd(d.path(), &["test", "--all", "--json"]);
        assert!(
            o.stdout.contains("skipped") || o.stdout.contains("failed"),
            "{url}: {}",
            o.stdout
        );
        assert!(
            !marker.exists(),
            "{url}: the key's command ran before anyone said yes"
        );
    }
}

/// Claude on Foundry: the server answers only the Messages route; the request is what
/// `AnthropicFoundry` sends (x-api-key and api-key, anthropic-version, the deployment as model).
#[test]
fn claude_on_foundry_is_tested_with_the_messages_api_and_anthropic_headers() {
    for suffix in ["/anthropic/", "/anthropic/v1/messages"] {
        let d = tempfile::tempdir().unwrap();
        let (port, seen) = routes_server(
            vec![Route {
                prefix: "/anthropic/v1/messages",
                status: 200,
                body: "{\"type\":\"message\",\"content\":[]}",
                headers: &[],
            }],
            Duration::ZERO,
        );
        make(
            d.path(),
            "azure_ai",
            &[
                format!("endpoint=http://127.0.0.1:{port}{suffix}"),
                "deployment=claude-sonnet-4-5".into(),
            ],
        );
        let o = test_conn(d.path(), &[]);
        assert_eq!(o.code, 0, "{suffix}: {}{}", o.stdout, o.stderr);
        let got = seen.lock().unwrap().clone();
        assert_eq!(got.len(), 1, "{suffix}: one request");
        assert_eq!(
            format!("{} {}", got[0].method, got[0].path),
            "POST /anthropic/v1/messages"
        );
        assert_eq!(got[0].header("x-api-key"), Some(KEY));
        assert_eq!(got[0].header("api-key"), Some(KEY));
        // What anthropic 2.10.0 sends (assets/api_versions.toml, family anthropic).
        assert_eq!(got[0].header("anthropic-version"), Some("2026-10-21"));
        assert_eq!(got[0].header("authorization"), None);
        assert!(got[0].body.contains("\"model\":\"claude-sonnet-4-5\""));
        assert!(got[0].body.contains("\"max_tokens\":1"));
    }
    // Without a deployment there is nothing to name as model: said, and nothing sent.
    let d = tempfile::tempdir().unwrap();
    let (port, seen) = server(200, "{}", Duration::ZERO);
    make(
        d.path(),
        "azure_ai",
        &[format!("endpoint=http://127.0.0.1:{port}/anthropic/")],
    );
    let o = test_conn(d.path(), &[]);
    assert_ne!(o.code, 0);
    assert!(
        o.stderr.contains("set the connection's deployment"),
        "{}",
        o.stderr
    );
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn a_confirmed_host_is_remembered_and_a_gateway_is_asked_about_once() {
    // Known gateways are hosts under shared domains anyone can have a name in: asked about
    // like any other host, once. A yes is remembered for that host on this machine; another
    // host (or a gateway under the same domain) is asked about again.
    let (port, seen) = server(200, r#"{"data":[]}"#, Duration::ZERO);
    let d = tempfile::tempdir().unwrap();
    make(
        d.path(),
        "azure_open_ai",
        &["api_base=https://team.azure-api.net".into()],
    );
    let o = test_conn(d.path(), &[]);
    assert!(
        o.stderr
            .contains("not sending the key of 'c' to team.azure-api.net"),
        "{}",
        o.stderr
    );
    // Yes (here --yes: the host does not resolve, a request is made and fails at DNS).
    let o = test_conn(d.path(), &["--yes", "--timeout", "5"]);
    assert!(!o.stderr.contains("not sending"), "{}", o.stderr);
    let o = test_conn(d.path(), &["--timeout", "5"]);
    assert!(
        !o.stderr.contains("not sending"),
        "not remembered: {}",
        o.stderr
    );
    let o = cmd(d.path(), &["test", "--all", "--json", "--timeout", "5"]);
    assert!(
        o.stdout.contains("\"failed\""),
        "the batch skipped a remembered host: {}",
        o.stdout
    );
    // Another host under the same gateway domain is someone else's.
    let o = cmd(
        d.path(),
        &[
            "update",
            "c",
            "--raw",
            "--set",
            "api_base=https://other.azure-api.net",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = test_conn(d.path(), &[]);
    assert!(
        o.stderr
            .contains("not sending the key of 'c' to other.azure-api.net"),
        "{}",
        o.stderr
    );
    // This machine is never asked about.
    let local = format!("api_base=http://127.0.0.1:{port}");
    assert_eq!(
        cmd(d.path(), &["update", "c", "--raw", "--set", &local]).code,
        0
    );
    let o = test_conn(d.path(), &[]);
    assert!(!o.stderr.contains("not sending"), "{}", o.stderr);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

/// Issue 20: a key the backend cannot give (no keychain here) was said as the bare error; it is
/// the core's typed error now, worded by each face with the ways forward `service::advice`
/// gives: the CLI names commands, the TUI's test result the same advice.
#[test]
fn a_key_the_keychain_cannot_give_comes_with_the_ways_forward() {
    use aiconn::tui::app::{Action, Effect, EntryId, TestTarget};
    let d = tempfile::tempdir().unwrap();
    no_bus::keychain_connection(d.path(), "open_ai", "base_url", "http://127.0.0.1:9/v1");
    let mut c = aiconn_headless(d.path());
    c.args(["test", "c", "--yes"]);
    let o = run(c);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("no D-Bus session bus")
            && o.stderr.contains("aiconn secrets migrate --to vault")
            && o.stderr.contains("aiconn doctor"),
        "{}",
        o.stderr
    );

    // The TUI's worker, with a backend that fails as a missing session bus does.
    let store = aiconn::store::Store::new(d.path());
    let conn = store.find("c").unwrap().unwrap();
    let mut backend: Box<dyn aiconn::secrets::SecretStore> = Box::new(no_bus::NoBus);
    let effect = Effect::Test {
        target: TestTarget::Entry(EntryId::Stored("c".into())),
        conn,
        secrets: indexmap::IndexMap::new(),
        stored_name: Some("c".into()),
        unknown_hosts: aiconn::conntest::UnknownHosts::Send,
    };
    let action = aiconn::tui::effects::run_effect(&store, &mut backend, effect);
    let Action::Tested { ok, message, .. } = action else {
        panic!("{action:?}");
    };
    assert!(!ok);
    assert!(
        message.contains("no D-Bus session bus")
            && message.contains("secrets migrate --to vault")
            && message.contains("`aiconn doctor` says why"),
        "{message}"
    );
}
