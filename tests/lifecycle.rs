//! Retirement dates where users meet them without Resource Manager: `show`, `test`, `doctor`
//! flag a retired api-version with the one to use; `deployments` dates each model version from
//! assets/lifecycle.toml; a retired model's 410 is read as "model retired on DATE".

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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

/// An `azure_ai` connection bound to deployment `old` of a loopback data plane on `port`, its
/// model recorded as `model_name` / `model_version` (what `discover --add` writes).
fn recorded(dir: &std::path::Path, name: &str, port: u16, model: &str, version: &str) {
    let ep = format!("endpoint=http://127.0.0.1:{port}/openai/deployments/old");
    let key = format!("api_key={KEY}");
    let m = format!("model_name={model}");
    let v = format!("model_version={version}");
    create(
        dir,
        &[
            "--type", "azure_ai", "--name", name, "--raw", "--set", &ep, "--set", &key, "--set",
            &m, "--set", &v,
        ],
    );
}

fn on(dir: &std::path::Path, today: &str, args: &[&str]) -> Out {
    let mut c = aiconn(dir);
    c.args(args).env("AICONN_TODAY", today);
    let o = run(c);
    assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
    o
}

/// Issue 21: offline, a stored connection's recorded model is dated from assets/lifecycle.toml:
/// `show`, `test` and `doctor` warn inside 60 days and after, with the replacement; further off
/// it is said as a plain line (no warning); an undated model says nothing; prompt flow's file
/// never gets aiconn's model fields.
#[test]
fn a_recorded_model_is_dated_in_show_test_and_doctor_offline() {
    let d = tempfile::tempdir().unwrap();
    let (port, _) = server(
        200,
        r#"{"id": "x", "object": "chat.completion", "model": "gpt-4-0613", "choices": []}"#,
        Duration::ZERO,
    );
    let (fresh_port, _) = server(
        200,
        r#"{"id": "x", "object": "chat.completion", "model": "gpt-4o-2024-11-20", "choices": []}"#,
        Duration::ZERO,
    );
    recorded(d.path(), "c", port, "gpt-4", "0613");
    recorded(d.path(), "fresh", fresh_port, "gpt-4o", "2024-11-20");
    let past = "model gpt-4 0613 retired on 2025-06-06; replacement: gpt-4o version 2024-11-20";
    for args in [&["show", "c"][..], &["show", "c", "--json"], &["test", "c"]] {
        let o = on(d.path(), "2026-12-02", args);
        assert!(
            o.stderr.contains(&format!("warning: model_name: {past}")),
            "{args:?}: {}",
            o.stderr
        );
    }
    let o = on(d.path(), "2025-05-01", &["show", "c"]);
    assert!(
        o.stderr
            .contains("model gpt-4 0613 retires 2025-06-06, in 36 days"),
        "inside 60 days: {}",
        o.stderr
    );
    let o = on(d.path(), "2025-01-01", &["show", "c"]);
    assert!(!o.stderr.contains("model_name"), "no warning: {}", o.stderr);
    assert!(
        o.stdout
            .contains("model gpt-4 0613 retires 2025-06-06, in 156 days"),
        "further off, a plain line: {}",
        o.stdout
    );
    for args in [&["show", "fresh"][..], &["test", "fresh"]] {
        let o = on(d.path(), "2026-12-02", args);
        assert!(!o.stderr.contains("retire"), "{args:?}: {}", o.stderr);
    }
    let o = on(d.path(), "2026-12-02", &["doctor"]);
    assert!(
        o.stdout.contains(&format!(
            "lifecycle       c model_name: {past} (source: https://learn.microsoft.com/"
        )),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("lifecycle       fresh"), "{}", o.stdout);
    let o = on(d.path(), "2025-01-01", &["doctor", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        v["lifecycle"].as_array().unwrap().len(),
        0,
        "a date months away is no finding: {v}"
    );
    // aiconn's own fields stay out of prompt flow's file.
    let o = on(d.path(), "2026-12-02", &["export", "c", "--out", "-"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        !o.stdout.contains("model_name") && !o.stdout.contains("model_version"),
        "{}",
        o.stdout
    );
}

/// Issue 21: `test`'s chat answer names the model the deployment runs ("gpt-4-0613"): dated
/// from the data even when nothing was recorded, and named in --json.
#[test]
fn the_model_a_test_answer_names_is_dated() {
    let d = tempfile::tempdir().unwrap();
    let (port, _) = server(
        200,
        r#"{"id": "x", "object": "chat.completion", "model": "gpt-4-0613", "choices": []}"#,
        Duration::ZERO,
    );
    let ep = format!("endpoint=http://127.0.0.1:{port}/openai/deployments/old");
    let key = format!("api_key={KEY}");
    create(
        d.path(),
        &[
            "--type", "azure_ai", "--name", "c", "--raw", "--set", &ep, "--set", &key,
        ],
    );
    let o = on(d.path(), "2026-12-02", &["test", "c"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("warning: the deployment answers as gpt-4 0613: model gpt-4 0613 retired on 2025-06-06; replacement: gpt-4o version 2024-11-20"),
        "{}",
        o.stderr
    );
    let o = on(d.path(), "2026-12-02", &["test", "c", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["model"], "gpt-4-0613", "{v}");
    assert_eq!(v["lifecycle"][0]["urgency"], "past", "{v}");
    // Azure upgraded the deployment since its model was recorded: the answer wins, and says so.
    let (port, _) = server(
        200,
        r#"{"id": "x", "object": "chat.completion", "model": "gpt-4o-2024-11-20", "choices": []}"#,
        Duration::ZERO,
    );
    recorded(d.path(), "upgraded", port, "gpt-4", "0613");
    let o = on(d.path(), "2026-12-02", &["test", "upgraded"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("retired"), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("the deployment answers as gpt-4o 2024-11-20, not the recorded gpt-4 0613"),
        "{}",
        o.stderr
    );
}

/// Issue 21: the TUI's test (the worker's effect) dates the model its answer names too.
#[test]
fn the_tui_test_dates_the_model_its_answer_names() {
    use aiconn::model::Connection;
    use aiconn::secrets::SecretStore;
    use aiconn::tui::app::{Action, Effect, EntryId, TestTarget};
    let (port, _) = server(
        200,
        r#"{"id": "x", "object": "chat.completion", "model": "gpt-4-0613", "choices": []}"#,
        Duration::ZERO,
    );
    let d = tempfile::tempdir().unwrap();
    let store = aiconn::store::Store::new(d.path());
    let mut backend: Box<dyn SecretStore> = Box::new(aiconn::secrets::KeychainStore::with_store(
        keyring_core::mock::Store::new().unwrap(),
        Duration::from_secs(3),
    ));
    let mut c = Connection::new("t", "azure_ai").unwrap();
    c.values.insert(
        "endpoint".into(),
        format!("http://127.0.0.1:{port}/openai/deployments/old"),
    );
    let mut secrets = indexmap::IndexMap::new();
    secrets.insert("api_key".to_string(), secrecy::SecretString::from(KEY));
    let a = aiconn::tui::effects::run_effect(
        &store,
        &mut backend,
        Effect::Test {
            target: TestTarget::Entry(EntryId::New(1)),
            conn: c,
            secrets,
            stored_name: None,
            unknown_hosts: aiconn::conntest::UnknownHosts::Send,
        },
    );
    match a {
        Action::Tested { ok, message, .. } => {
            assert!(ok, "{message}");
            assert!(
                message.contains("The deployment answers as gpt-4 0613: model gpt-4 0613 retired on 2025-06-06; replacement: gpt-4o version 2024-11-20"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}
