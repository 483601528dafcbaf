//! `aiconn test --all` (issue 19 item 6): the real binary against a loopback server, a dozen
//! connections of several types (most fine, one refused, one without a key, one whose
//! endpoint nobody listens on, one with an unapproved command), rows and JSON, exit status,
//! and no key in any output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::http::*;
use common::*;
use std::path::Path;
use std::time::Duration;

const KEY: &str = "fake-key-0601";

/// A port nothing listens on (bound, then released).
fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A connection; `key: None` makes one with no key recorded at all (as a hand-written or
/// imported file may have: `create` itself asks for one).
fn make(dir: &Path, name: &str, type_id: &str, url: &str, key: Option<&str>) {
    let mut args = vec!["create", "--type", type_id, "--name", name, "--raw"];
    args.extend(["--set", url]);
    let placeholder = "AICONN_TEST_PLACEHOLDER_0601";
    let key = match key {
        Some(k) => ["--set".to_string(), format!("api_key={k}")],
        None => ["--secret-ref".into(), format!("api_key=env:{placeholder}")],
    };
    args.extend(key.iter().map(String::as_str));
    let o = cmd(dir, &args);
    assert_eq!(o.code, 0, "create {name}: {}", o.stderr);
    let file = dir.join("connections.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = format!("secrets = {{ api_key = \"env:{placeholder}\" }}\n");
    if text.contains(&line) {
        std::fs::write(&file, text.replace(&line, "")).unwrap();
    }
}

/// Twelve connections on `dir`; returns the names and the verdict each should get.
fn twelve(dir: &Path) -> Vec<(String, &'static str)> {
    let (port, _) = routes_server(
        vec![
            route("/bad", 401, r#"{"error":{"message":"Access denied"}}"#),
            route("/openai", 200, r#"{"data":[]}"#),
            route("/v1", 200, r#"{"data":[]}"#),
            route("/info", 200, r#"{"model_name":"m"}"#),
        ],
        Duration::ZERO,
    );
    let base = format!("http://127.0.0.1:{port}");
    let mut want = Vec::new();
    for i in 0..4 {
        let n = format!("aoai-{i}");
        make(
            dir,
            &n,
            "azure_open_ai",
            &format!("api_base={base}"),
            Some(KEY),
        );
        want.push((n, "ok"));
    }
    for i in 0..3 {
        let n = format!("oai-{i}");
        make(
            dir,
            &n,
            "open_ai",
            &format!("base_url={base}/v1"),
            Some(KEY),
        );
        want.push((n, "ok"));
    }
    for i in 0..2 {
        let n = format!("sls-{i}");
        make(
            dir,
            &n,
            "serverless",
            &format!("api_base={base}"),
            Some(KEY),
        );
        want.push((n, "ok"));
    }
    make(
        dir,
        "refused",
        "open_ai",
        &format!("base_url={base}/bad/v1"),
        Some(KEY),
    );
    want.push(("refused".into(), "failed"));
    make(
        dir,
        "keyless",
        "open_ai",
        &format!("base_url={base}/v1"),
        None,
    );
    want.push(("keyless".into(), "skipped"));
    let dead = format!("base_url=http://127.0.0.1:{}/v1", dead_port());
    make(dir, "nobody-home", "open_ai", &dead, Some(KEY));
    want.push(("nobody-home".into(), "failed"));
    want
}

fn route(prefix: &'static str, status: u16, body: &'static str) -> Route {
    Route {
        prefix,
        status,
        body,
        headers: &[],
    }
}

fn test_all(dir: &Path, extra: &[&str]) -> Out {
    let mut args = vec!["test", "--all"];
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

fn verdicts(json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut out: Vec<(String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_connection_gets_a_row_a_verdict_and_a_failing_exit() {
    let t = tempfile::tempdir().unwrap();
    let want = twelve(t.path());
    let o = test_all(t.path(), &[]);
    assert_eq!(
        o.code, 1,
        "a failed test fails the run:\n{}{}",
        o.stdout, o.stderr
    );
    let rows: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(rows.len(), want.len(), "one row each:\n{}", o.stdout);
    for (name, verdict) in &want {
        let row = rows
            .iter()
            .find(|r| r.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row for {name}:\n{}", o.stdout));
        let mark = match *verdict {
            "ok" => "✓",
            "failed" => "✗",
            _ => "–",
        };
        assert!(row.contains(mark), "{name} should be {verdict}: {row}");
    }
    let row = |n: &str| rows.iter().find(|r| r.starts_with(n)).unwrap().to_string();
    assert!(row("refused ").contains("401"), "{}", row("refused "));
    assert!(
        row("keyless ").contains("no key set"),
        "{}",
        row("keyless ")
    );
    assert!(
        row("nobody-home ").contains("refused"),
        "{}",
        row("nobody-home ")
    );
    assert!(
        row("aoai-0 ").contains("azure_open_ai"),
        "{}",
        row("aoai-0 ")
    );
    assert!(
        o.stderr
            .contains("12 connection(s): 9 ok, 2 failed, 1 skipped"),
        "{}",
        o.stderr
    );
    // stderr is not a terminal here: no progress line.
    assert!(!o.stderr.contains("testing "), "{}", o.stderr);
}

#[test]
fn json_has_one_object_each_and_jobs_1_gives_the_same_verdicts() {
    let t = tempfile::tempdir().unwrap();
    let want = twelve(t.path());
    let o = test_all(t.path(), &["--json"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 12);
    for r in arr {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["message", "name", "ok", "status", "type", "verdict"],
            "{r}"
        );
        assert_eq!(r["ok"].as_bool().unwrap(), r["verdict"] == "ok", "{r}");
    }
    let by = |n: &str| arr.iter().find(|r| r["name"] == n).unwrap().clone();
    assert_eq!(by("refused")["status"], 401);
    assert_eq!(by("oai-0")["status"], 200);
    assert_eq!(by("oai-0")["type"], "open_ai");
    assert!(by("keyless")["status"].is_null());
    assert!(by("nobody-home")["status"].is_null());
    let mut expected: Vec<(String, String)> = want
        .iter()
        .map(|(n, v)| (n.clone(), v.to_string()))
        .collect();
    expected.sort();
    assert_eq!(verdicts(&o.stdout), expected);
    let serial = test_all(t.path(), &["--json", "--jobs", "1"]);
    assert_eq!(serial.code, 1, "{}", serial.stderr);
    assert_eq!(verdicts(&serial.stdout), expected, "--jobs 1 differs");
}

#[test]
fn skipped_alone_passes_and_an_unapproved_command_is_not_run_or_asked() {
    let t = tempfile::tempdir().unwrap();
    let (port, seen) = server(200, r#"{"data":[]}"#, Duration::ZERO);
    let base = format!("base_url=http://127.0.0.1:{port}/v1");
    make(t.path(), "fine", "open_ai", &base, Some(KEY));
    make(t.path(), "keyless", "open_ai", &base, None);
    let marker = t.path().join("ran");
    let command = format!(
        "api_key=cmd:sh -c 'touch {}; echo fake-key-0602'",
        marker.display()
    );
    let o = cmd(
        t.path(),
        &[
            "create",
            "--type",
            "open_ai",
            "--name",
            "by-cmd",
            "--raw",
            "--set",
            &base,
            "--secret-ref",
            &command,
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    // As if connections.toml came from elsewhere: its command was never approved here.
    let _ = std::fs::remove_file(t.path().join("approved-commands"));
    let o = test_all(t.path(), &["--json"]);
    assert_eq!(
        o.code, 0,
        "skips alone do not fail:\n{}{}",
        o.stdout, o.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let by_cmd = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "by-cmd")
        .unwrap();
    assert_eq!(by_cmd["verdict"], "skipped", "{by_cmd}");
    assert!(
        by_cmd["message"].as_str().unwrap().contains("aiconn allow"),
        "{by_cmd}"
    );
    assert!(!marker.exists(), "an unapproved command ran");
    assert!(
        o.stderr.contains("1 ok, 0 failed, 2 skipped"),
        "{}",
        o.stderr
    );
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "only the keyed connection was sent"
    );
}

#[test]
fn all_and_a_name_conflict_and_jobs_is_bounded() {
    let t = tempfile::tempdir().unwrap();
    for args in [
        &["test", "--all", "x"][..],
        &["test", "--all", "--jobs", "0"],
        &["test", "--all", "--jobs", "65"],
        &["test"],
        &["test", "x", "--jobs", "2"],
    ] {
        let o = cmd(t.path(), args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
    }
    let o = cmd(t.path(), &["test", "--all"]);
    assert_eq!(o.code, 0, "nothing to test is not a failure: {}", o.stderr);
    assert!(o.stderr.contains("0 connection(s)"), "{}", o.stderr);
}

#[test]
fn a_vault_nobody_can_unlock_skips_its_keys_and_one_that_can_tests_them() {
    let t = tempfile::tempdir().unwrap();
    let (port, _) = server(200, r#"{"data":[]}"#, Duration::ZERO);
    let pass = t.path().join("pass.txt");
    write_private(&pass, "correct horse battery\n");
    let vault = |with_pass: bool| {
        let mut c = aiconn_headless(t.path());
        c.env("AICONN_SECRET_BACKEND", "vault")
            .env("AICONN_VAULT_WORK_FACTOR", "10")
            .env("AICONN_VAULT_CACHE_SECONDS", "0");
        if with_pass {
            c.env("AICONN_VAULT_PASSPHRASE_FILE", &pass);
        }
        c
    };
    let base = format!("base_url=http://127.0.0.1:{port}/v1");
    for name in ["v-0", "v-1", "v-2"] {
        let mut c = vault(true);
        c.args([
            "create", "--type", "open_ai", "--name", name, "--raw", "--set", &base,
        ]);
        c.args(["--set", &format!("api_key={KEY}")]);
        let o = run(c);
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    let mut c = vault(false);
    c.args(["test", "--all", "--json"]);
    let o = run(c);
    assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    for r in v.as_array().unwrap() {
        assert_eq!(r["verdict"], "skipped", "{r}");
        assert!(r["message"].as_str().unwrap().contains("passphrase"), "{r}");
    }
    assert!(
        !o.stderr.contains("Vault passphrase"),
        "asked: {}",
        o.stderr
    );
    let mut c = vault(true);
    c.args(["test", "--all", "--json"]);
    let o = run(c);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(
        verdicts(&o.stdout),
        ["v-0", "v-1", "v-2"].map(|n| (n.to_string(), "ok".to_string()))
    );
}

#[test]
fn a_key_bound_for_an_unrecognized_host_is_skipped_unless_yes() {
    let t = tempfile::tempdir().unwrap();
    let url = "api_base=https://gateway.unrecognized.invalid";
    make(t.path(), "gw", "azure_open_ai", url, Some(KEY));
    let row = |args: &[&str]| {
        let o = test_all(t.path(), args);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        (o.code, v[0].clone())
    };
    let (code, r) = row(&["--json"]);
    assert_eq!(code, 0, "a skip alone does not fail: {r}");
    assert_eq!(r["verdict"], "skipped", "{r}");
    let why = r["message"].as_str().unwrap();
    assert!(
        why.contains("gateway.unrecognized.invalid") && why.contains("alone asks"),
        "{why}"
    );
    let (code, r) = row(&["--json", "--yes", "--timeout", "5"]);
    assert_eq!(
        code, 1,
        "sent with --yes, and the host does not resolve: {r}"
    );
    assert_eq!(r["verdict"], "failed", "{r}");
}
