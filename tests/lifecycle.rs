//! Retirement dates where users meet them without Resource Manager: `show`, `test`, `doctor`
//! flag a retired api-version with the one to use; `deployments` dates each model version from
//! assets/lifecycle.toml; a retired model's 410 is read as "model retired on DATE".

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::http::*;
use common::*;
use std::time::Duration;

const KEY: &str = "fake-key-2201";

fn at(dir: &std::path::Path, args: &[&str]) -> Out {
    let mut c = aiconn(dir);
    c.args(args).env("AICONN_TODAY", "2026-12-02");
    let o = run(c);
    assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
    o
}

#[test]
fn a_retired_api_version_is_flagged_with_the_one_to_use_in_show_test_and_doctor() {
    let d = tempfile::tempdir().unwrap();
    let (port, _) = server(200, r#"{"data": []}"#, Duration::ZERO);
    let base = format!("api_base=http://127.0.0.1:{port}");
    let key = format!("api_key={KEY}");
    create(
        d.path(),
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "old",
            "--set",
            &base,
            "--set",
            &key,
            "--set",
            "api_version=2023-03-15-preview",
        ],
    );
    create(
        d.path(),
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "fine",
            "--set",
            &base,
            "--set",
            &key,
            "--set",
            "api_version=2024-10-21",
        ],
    );
    let want = "api_version: api-version 2023-03-15-preview retired on 2024-07-01: use 2024-10-21";
    for args in [
        &["show", "old"][..],
        &["show", "old", "--json"],
        &["test", "old"],
    ] {
        let o = at(d.path(), args);
        assert!(o.stderr.contains(want), "{args:?}: {}", o.stderr);
    }
    for args in [&["show", "fine"][..], &["test", "fine"]] {
        let o = at(d.path(), args);
        assert!(!o.stderr.contains("api-version"), "{args:?}: {}", o.stderr);
    }
    let o = at(d.path(), &["doctor"]);
    assert!(o.stdout.contains("lifecycle       old api_version: api-version 2023-03-15-preview retired on 2024-07-01: use 2024-10-21 (source: https://learn.microsoft.com/"), "{}", o.stdout);
    assert!(!o.stdout.contains("lifecycle       fine"));
    let o = at(d.path(), &["doctor", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let l = v["lifecycle"].as_array().unwrap();
    assert_eq!(l.len(), 1, "{v}");
    assert_eq!(
        (l[0]["connection"].as_str(), l[0]["urgency"].as_str()),
        (Some("old"), Some("past"))
    );
}

#[test]
fn an_api_version_in_the_endpoint_url_is_checked_too() {
    let d = tempfile::tempdir().unwrap();
    let key = format!("api_key={KEY}");
    create(
        d.path(),
        &[
            "--type",
            "azure_ai",
            "--name",
            "u",
            "--raw",
            "--set",
            "endpoint=https://res.openai.azure.com/openai/deployments/chat/chat/completions?api-version=2023-12-01-preview",
            "--set",
            &key,
        ],
    );
    let o = at(d.path(), &["show", "u"]);
    assert!(
        o.stderr.contains(
            "endpoint: api-version 2023-12-01-preview retired on 2024-07-01: use 2024-10-21"
        ),
        "{}",
        o.stderr
    );
}

#[test]
fn deployments_are_dated_from_the_data_and_warned_when_retired() {
    let d = tempfile::tempdir().unwrap();
    let body = r#"{"data": [
      {"id": "legacy", "model": "gpt-35-turbo-16k", "model_version": "0613", "status": "succeeded", "object": "deployment"},
      {"id": "new", "model": "gpt-4o", "model_version": "2024-11-20", "status": "succeeded", "object": "deployment"}], "object": "list"}"#;
    let (port, _) = server(200, body, Duration::ZERO);
    let base = format!("api_base=http://127.0.0.1:{port}");
    let key = format!("api_key={KEY}");
    create(
        d.path(),
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "c",
            "--set",
            &base,
            "--set",
            &key,
        ],
    );
    let o = at(d.path(), &["deployments", "c"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let legacy = o.stdout.lines().find(|l| l.starts_with("legacy")).unwrap();
    assert!(
        legacy.contains("retired on 2025-04-30; replacement: gpt-4.1-mini version 2025-04-14"),
        "{legacy}"
    );
    assert!(
        !o.stdout
            .lines()
            .find(|l| l.starts_with("new"))
            .unwrap()
            .contains("retire")
    );
    assert!(
        o.stderr
            .contains("warning: deployment 'legacy': retired on 2025-04-30"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_retired_models_410_is_diagnosed_with_its_date_and_replacement() {
    let d = tempfile::tempdir().unwrap();
    let body = r#"{"error": {"code": "ModelDeprecated", "message": "The model gpt-4 version 0613 has been retired and is no longer available."}}"#;
    let (port, _) = server(410, body, Duration::ZERO);
    let ep = format!("endpoint=http://127.0.0.1:{port}/openai/deployments/old");
    let key = format!("api_key={KEY}");
    create(
        d.path(),
        &[
            "--type", "azure_ai", "--name", "c", "--raw", "--set", &ep, "--set", &key,
        ],
    );
    let o = at(d.path(), &["test", "c"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stdout.contains("model retired on 2025-06-06"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("deploy the replacement, gpt-4o version 2024-11-20"),
        "{}",
        o.stdout
    );
}
