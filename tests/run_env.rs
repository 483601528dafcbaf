//! `aiconn run` and `aiconn env` against a small child that reports its environment.

#![allow(clippy::unwrap_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::pty::Pty;
use common::*;
use std::fs;

fn setup(dir: &std::path::Path) {
    for args in [
        vec![
            "create",
            "--type",
            "azure_open_ai",
            "--name",
            "prod",
            "--set",
            "api_base=https://contoso.openai.azure.com/",
            "--set",
            "api_key=fake-key-0301",
        ],
        vec![
            "create",
            "--type",
            "open_ai",
            "--name",
            "oai",
            "--set",
            "api_key=fake-key-0302",
            "--set",
            "organization=org-1",
            "--set",
            "base_url=https://api.openai.com/v1",
        ],
        vec![
            "create",
            "--type",
            "custom",
            "--name",
            "svc",
            "--set",
            "configs.region=eu",
            "--set",
            "secrets.api-key=fake-key-0303",
        ],
        vec![
            "create",
            "--type",
            "azure_open_ai",
            "--name",
            "other",
            "--set",
            "api_base=https://other.openai.azure.com/",
            "--set",
            "api_key=fake-key-0304",
        ],
    ] {
        let o = cmd(dir, &args);
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
}

/// Runs `aiconn run NAMES -- sh -c 'env > FILE; exit 7'` and returns (aiconn's output, child's env).
fn run_child(dir: &std::path::Path, names: &[&str], prefix: bool) -> (Out, Vec<(String, String)>) {
    let file = dir.join("child-env.txt");
    let _ = fs::remove_file(&file);
    let mut args = vec!["run"];
    if prefix {
        args.push("--prefix");
    }
    args.extend_from_slice(names);
    let script = format!("env > '{}'; exit 7", file.display());
    args.extend_from_slice(&["--", "sh", "-c", &script]);
    let o = cmd(dir, &args);
    let env = fs::read_to_string(&file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    (o, env)
}

fn get<'a>(env: &'a [(String, String)], k: &str) -> Option<&'a str> {
    env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

#[test]
fn run_injects_the_sdk_names_and_passes_the_exit_status() {
    let d = tempfile::tempdir().unwrap();
    setup(d.path());
    let (o, env) = run_child(d.path(), &["prod"], false);
    assert_eq!(
        o.code, 7,
        "the child's exit status is aiconn's: {}",
        o.stderr
    );
    assert_eq!(
        get(&env, "AZURE_OPENAI_ENDPOINT"),
        Some("https://contoso.openai.azure.com/")
    );
    assert_eq!(get(&env, "AZURE_OPENAI_API_KEY"), Some("fake-key-0301"));
    assert_eq!(get(&env, "OPENAI_API_VERSION"), Some("2024-02-01"));
    assert!(
        !o.stdout.contains("fake-key") && !o.stderr.contains("fake-key"),
        "no secret on aiconn's own output"
    );

    let (_, env) = run_child(d.path(), &["oai", "svc"], false);
    assert_eq!(get(&env, "OPENAI_API_KEY"), Some("fake-key-0302"));
    assert_eq!(
        get(&env, "OPENAI_BASE_URL"),
        Some("https://api.openai.com/v1")
    );
    assert_eq!(get(&env, "OPENAI_ORG_ID"), Some("org-1"));
    assert_eq!(
        get(&env, "API_KEY"),
        Some("fake-key-0303"),
        "custom keys upper-cased, '-' as '_'"
    );
    assert_eq!(get(&env, "REGION"), Some("eu"));
}

#[test]
fn prefix_uses_prompt_flow_serving_names_and_conflicts_name_both() {
    let d = tempfile::tempdir().unwrap();
    setup(d.path());
    let (o, _) = run_child(d.path(), &["prod", "other"], false);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("is set by both 'prod' and 'other'") && o.stderr.contains("--prefix"),
        "{}",
        o.stderr
    );
    let (o, env) = run_child(d.path(), &["prod", "other"], true);
    assert_eq!(o.code, 7, "{}", o.stderr);
    assert_eq!(get(&env, "PROD_API_KEY"), Some("fake-key-0301"));
    assert_eq!(get(&env, "OTHER_API_KEY"), Some("fake-key-0304"));
    assert_eq!(
        get(&env, "PROD_API_BASE"),
        Some("https://contoso.openai.azure.com/")
    );
    assert_eq!(get(&env, "AZURE_OPENAI_API_KEY"), None);
    let (o, _) = run_child(d.path(), &["nope"], false);
    assert_eq!(o.code, 3);
}

#[test]
fn env_formats_evaluate_in_a_shell_and_refuse_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    setup(d.path());
    let sh = cmd(d.path(), &["env", "prod"]);
    assert_eq!(sh.code, 0, "{}", sh.stderr);
    assert!(
        sh.stdout
            .contains("export AZURE_OPENAI_API_KEY='fake-key-0301'")
    );
    // a real shell evaluates it
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{}\nprintf %s \"$AZURE_OPENAI_API_KEY\"",
            sh.stdout
        ))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "fake-key-0301");
    let dot = cmd(d.path(), &["env", "svc", "--format", "dotenv"]);
    assert!(
        dot.stdout
            .contains("API_KEY=\"fake-key-0303\"\nREGION=\"eu\"")
            || dot
                .stdout
                .contains("REGION=\"eu\"\nAPI_KEY=\"fake-key-0303\""),
        "{}",
        dot.stdout
    );
    let js: serde_json::Value =
        serde_json::from_str(&cmd(d.path(), &["env", "oai", "--format", "json"]).stdout).unwrap();
    assert_eq!(js["OPENAI_API_KEY"], "fake-key-0302");
    // to a terminal: refused without --reveal, and nothing secret is shown
    let mut t = Pty::spawn(d.path(), &["env", "prod"], 100, 10);
    assert_eq!(t.wait_exit(), 1);
    assert!(
        t.screen().contains("refusing to print secrets") && !t.raw_text().contains("fake-key-0301"),
        "{}",
        t.screen()
    );
    let mut t = Pty::spawn(d.path(), &["env", "prod", "--reveal"], 100, 10);
    assert_eq!(t.wait_exit(), 0);
    assert!(t.screen().contains("fake-key-0301"));
}
