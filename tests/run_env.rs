//! `aiconn run` and `aiconn env` against a small child that reports its environment.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

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
        dot.stdout.contains("API_KEY='fake-key-0303'\nREGION='eu'")
            || dot.stdout.contains("REGION='eu'\nAPI_KEY='fake-key-0303'"),
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

/// Runs `aiconn run NAMES -- sh -c 'env > FILE'` with `parent` added to aiconn's own
/// environment (what the user's shell had before).
fn run_child_with(
    dir: &std::path::Path,
    names: &[&str],
    parent: &[(&str, &str)],
) -> (Out, Vec<(String, String)>) {
    let file = dir.join("child-env.txt");
    let _ = fs::remove_file(&file);
    let mut c = aiconn(dir);
    c.arg("run").args(names);
    let script = format!("env > '{}'", file.display());
    c.args(["--", "sh", "-c", &script]);
    for (k, v) in parent {
        c.env(k, v);
    }
    let o = run(c);
    let env = fs::read_to_string(&file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.into(), v.into())))
        .collect();
    (o, env)
}

/// Issue 17 finding 5: after `eval "$(aiconn env local)"` the parent holds a local server's
/// base URL and organization; a run of another OpenAI connection sent its key there. The
/// child now sees exactly the chosen connection: every other name its clients read is removed.
#[test]
fn run_removes_the_family_variables_the_connection_does_not_set() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &[
            "--type",
            "open_ai",
            "--name",
            "prodoai",
            "--set",
            "api_key=fake-key-0311",
        ],
    );
    let aad = common::fixtures::entra_aoai("aad");
    let o = cmd(d.path(), &common::fixtures::refs(&aad));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let stale = [
        ("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"),
        ("OPENAI_ORG_ID", "org-local"),
        ("OPENAI_API_BASE", "http://127.0.0.1:11434/v1"),
        ("AZURE_OPENAI_API_KEY", "fake-key-stale"),
        ("AZURE_OPENAI_AD_TOKEN", "fake-token-stale"),
        ("OPENAI_API_KEY", "fake-key-stale"),
        // Semantic Kernel takes AZURE_OPENAI_BASE_URL over AZURE_OPENAI_ENDPOINT
        (
            "AZURE_OPENAI_BASE_URL",
            "http://127.0.0.1:11434/openai/deployments/old",
        ),
        (
            "AZURE_OPENAI_TOKEN_ENDPOINT",
            "https://evil.example/.default",
        ),
        ("OPENAI_CHAT_MODEL_ID", "users-own-model"),
        ("UNRELATED_SETTING", "kept"),
    ];
    let (o, env) = run_child_with(d.path(), &["prodoai"], &stale);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(get(&env, "OPENAI_API_KEY"), Some("fake-key-0311"));
    for gone in [
        "OPENAI_BASE_URL",
        "OPENAI_ORG_ID",
        "OPENAI_API_BASE",
        "AZURE_OPENAI_API_KEY",
    ] {
        assert_eq!(get(&env, gone), None, "{gone} reached the child");
    }
    assert_eq!(get(&env, "UNRELATED_SETTING"), Some("kept"));
    assert_eq!(
        get(&env, "OPENAI_CHAT_MODEL_ID"),
        Some("users-own-model"),
        "an OpenAI connection sets no model: the user's choice stays"
    );
    // An Entra ID connection: no key of the parent's rides along with its token.
    let (o, env) = run_child_with(d.path(), &["aad"], &stale);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(get(&env, "AZURE_OPENAI_ENDPOINT").is_some());
    for gone in [
        "AZURE_OPENAI_API_KEY",
        "AZURE_OPENAI_AD_TOKEN",
        "OPENAI_API_KEY",
        "AZURE_OPENAI_BASE_URL",
        "AZURE_OPENAI_TOKEN_ENDPOINT",
    ] {
        assert_eq!(get(&env, gone), None, "{gone} reached the Entra ID child");
    }
    // `env --format sh` says the same with unset lines, before its exports.
    let sh = cmd(d.path(), &["env", "prodoai"]);
    assert!(
        sh.stdout.contains("unset OPENAI_BASE_URL\n"),
        "{}",
        sh.stdout
    );
    assert!(!sh.stdout.contains("unset OPENAI_API_KEY\n"));
}

/// Issue 17 finding 4: Agent Framework takes the deployment from AZURE_OPENAI_CHAT_MODEL /
/// _CHAT_COMPLETION_MODEL / _MODEL and the api-version from AZURE_OPENAI_API_VERSION; finding 3:
/// azure_ai with a deployment URL gave no client anything it reads.
#[test]
fn azure_connections_export_every_name_their_clients_read() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "prod",
            "--set",
            "api_base=https://contoso.openai.azure.com/",
            "--set",
            "deployment=gpt-4o-mini",
            "--set",
            "api_version=2024-10-21",
            "--set",
            "api_key=fake-key-0312",
        ],
    );
    let (o, env) = run_child_with(d.path(), &["prod"], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // Removed, never set: Agent Framework's two clients need different ones (clients.toml).
    assert_eq!(get(&env, "AZURE_OPENAI_API_VERSION"), None);
    for (k, v) in [
        ("AZURE_OPENAI_ENDPOINT", "https://contoso.openai.azure.com/"),
        ("AZURE_OPENAI_API_KEY", "fake-key-0312"),
        ("OPENAI_API_VERSION", "2024-10-21"),
        ("AZURE_OPENAI_MODEL", "gpt-4o-mini"),
        ("AZURE_OPENAI_CHAT_MODEL", "gpt-4o-mini"),
        ("AZURE_OPENAI_CHAT_COMPLETION_MODEL", "gpt-4o-mini"),
        // Semantic Kernel's AzureChatCompletion / AzureResponses (docs/clients.md)
        ("AZURE_OPENAI_CHAT_DEPLOYMENT_NAME", "gpt-4o-mini"),
        ("AZURE_OPENAI_RESPONSES_DEPLOYMENT_NAME", "gpt-4o-mini"),
    ] {
        assert_eq!(get(&env, k), Some(v), "{k}");
    }
    create(
        d.path(),
        &[
            "--type",
            "azure_ai",
            "--name",
            "dep",
            "--set",
            "endpoint=https://res.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini",
            "--set",
            "api_key=fake-key-0313",
        ],
    );
    let (o, env) = run_child_with(d.path(), &["dep"], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        get(&env, "AZURE_OPENAI_ENDPOINT"),
        Some("https://res.cognitiveservices.azure.com/"),
        "the resource base: the SDK appends /openai/deployments/<name> itself"
    );
    assert_eq!(get(&env, "AZURE_OPENAI_CHAT_MODEL"), Some("gpt-4o-mini"));
    assert_eq!(get(&env, "AZURE_OPENAI_API_KEY"), Some("fake-key-0313"));
    assert_eq!(
        get(&env, "OPENAI_API_VERSION"),
        Some("2024-10-21"),
        "an api-version the client would otherwise lack (the recommended one)"
    );
    assert!(
        get(&env, "AZURE_AI_ENDPOINT").is_some(),
        "aiconn's own names kept"
    );
}

/// Issue 17 finding 7: `\$` in a double-quoted .env value keeps its backslash in python-dotenv.
/// Single quotes read back the same in python-dotenv and aiconn's import (docker compose by its rules: docs/clients.md); a
/// value none of them can carry is an error naming the variable, never the value.
#[test]
fn dotenv_output_reads_back_exactly_or_names_what_it_cannot_carry() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &[
            "--type",
            "open_ai",
            "--name",
            "o",
            "--set",
            "api_key=fake-Pa$$w0rd-0314",
        ],
    );
    let dot = cmd(d.path(), &["env", "o", "--format", "dotenv"]);
    assert_eq!(dot.code, 0, "{}", dot.stderr);
    assert!(dot.stdout.contains("OPENAI_API_KEY='fake-Pa$$w0rd-0314'\n"));
    // aiconn's own import reads it back exactly.
    fs::write(d.path().join("back.env"), &dot.stdout).unwrap();
    let o = cmd(
        d.path(),
        &[
            "import",
            d.path().join("back.env").to_str().unwrap(),
            "--name",
            "back",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    // An imported file's names reach a child only once approved here.
    let o = cmd(d.path(), &["allow", "back"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = cmd(d.path(), &["env", "back", "--format", "json"]);
    let js: serde_json::Value = serde_json::from_str(&v.stdout).unwrap();
    assert_eq!(js["OPENAI_API_KEY"], "fake-Pa$$w0rd-0314");
    create(
        d.path(),
        &[
            "--type",
            "open_ai",
            "--name",
            "q",
            "--set",
            "api_key=fake-it's-${HOME}",
        ],
    );
    let bad = cmd(d.path(), &["env", "q", "--format", "dotenv"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("OPENAI_API_KEY of 'q'"),
        "{}",
        bad.stderr
    );
    assert!(!bad.stderr.contains("fake-it"), "the value is never shown");
}

/// Issue 17 finding 9: `--prefix` refused `my-conn`, while `export --secrets env` wrote
/// `${env:MY-CONN_API_KEY}`. One rule (prompt flow's flow build) names both now.
#[test]
fn prefix_names_meet_the_exported_env_references() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &[
            "--type",
            "open_ai",
            "--name",
            "my-conn",
            "--set",
            "api_key=fake-key-0315",
        ],
    );
    let y = cmd(d.path(), &["export", "my-conn", "--secrets", "env"]);
    assert!(y.stdout.contains("${env:MY-CONN_API_KEY}"), "{}", y.stdout);
    // `env` itself as the child: a shell would not pass a name with '-' on.
    let o = cmd(d.path(), &["run", "--prefix", "my-conn", "--", "env"]);
    let env = o.stdout.clone();
    assert!(
        env.contains("MY-CONN_API_KEY=fake-key-0315"),
        "the name export wrote"
    );
}

/// Issue 17 finding 8: an http:// Azure or OpenAI URL was stored and exported as http.
#[test]
fn http_to_azure_or_openai_is_stored_as_https_and_never_exported_as_http() {
    let d = tempfile::tempdir().unwrap();
    let o = cmd(
        d.path(),
        &[
            "create",
            "--type",
            "azure_open_ai",
            "--name",
            "h",
            "--set",
            "api_base=http://contoso.openai.azure.com/",
            "--set",
            "api_key=fake-key-0316",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("stored https://contoso.openai.azure.com/"),
        "{}",
        o.stderr
    );
    let o = cmd(
        d.path(),
        &[
            "create",
            "--type",
            "open_ai",
            "--name",
            "o",
            "--set",
            "base_url=http://api.openai.com/v1",
            "--set",
            "api_key=fake-key-0317",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let (_, env) = run_child_with(d.path(), &["h"], &[]);
    assert_eq!(
        get(&env, "AZURE_OPENAI_ENDPOINT"),
        Some("https://contoso.openai.azure.com/")
    );
    let (_, env) = run_child_with(d.path(), &["o"], &[]);
    assert_eq!(
        get(&env, "OPENAI_BASE_URL"),
        Some("https://api.openai.com/v1")
    );
    // A loopback server keeps its http (a local server is not Azure).
    create(
        d.path(),
        &[
            "--type",
            "open_ai",
            "--name",
            "l",
            "--set",
            "base_url=http://127.0.0.1:11434/v1",
            "--set",
            "api_key=fake-key-0318",
        ],
    );
    let (_, env) = run_child_with(d.path(), &["l"], &[]);
    assert_eq!(
        get(&env, "OPENAI_BASE_URL"),
        Some("http://127.0.0.1:11434/v1")
    );
}

/// `show` says which variables `run` sets and whose reading that is (assets/clients.toml):
/// what it says is exactly what the child gets, for every shape of the Azure and OpenAI types.
#[test]
fn show_names_exactly_the_variables_run_sets() {
    let d = tempfile::tempdir().unwrap();
    let shapes: [(&str, &str, &[&str]); 5] = [
        (
            "aoai",
            "azure_open_ai",
            &[
                "api_base=https://contoso.openai.azure.com/",
                "deployment=gpt-4o-mini",
            ],
        ),
        (
            "bare",
            "azure_open_ai",
            &["api_base=https://contoso.openai.azure.com/"],
        ),
        (
            "dep",
            "azure_ai",
            &["endpoint=https://res.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini"],
        ),
        (
            "v1",
            "azure_ai",
            &[
                "endpoint=https://res.openai.azure.com/openai/v1/",
                "deployment=chat",
            ],
        ),
        ("oai", "open_ai", &[]),
    ];
    for (name, ty, sets) in shapes {
        let mut args = vec![
            "--type",
            ty,
            "--name",
            name,
            "--set",
            "api_key=fake-key-0321",
        ];
        for s in sets {
            args.extend(["--set", s]);
        }
        create(d.path(), &args);
        let show = cmd(d.path(), &["show", name]);
        assert_eq!(show.code, 0, "{}", show.stderr);
        let line = show
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("aiconn run/env set: "))
            .unwrap_or_else(|| panic!("{name}: no variables line in\n{}", show.stdout));
        let said: std::collections::BTreeSet<&str> = line.split(", ").collect();
        assert!(show.stdout.contains("read by:"), "{name}");
        let (o, env) = run_child_with(d.path(), &[name], &[]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let got: std::collections::BTreeSet<&str> = env
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| k.starts_with("OPENAI_") || k.starts_with("AZURE_"))
            .collect();
        assert_eq!(
            said, got,
            "{name}: show's list against the child's environment"
        );
    }
}

/// A model choice is the connection's when it names one, the user's while it does not: an
/// `open_ai` connection's `model` reaches Agent Framework's names and replaces a parent's stale
/// one; without it the parent's OPENAI_MODEL stays, and an embedding model choice (which no
/// chat connection sets) outlives both.
#[test]
fn a_model_the_connection_names_replaces_the_parents_and_none_keeps_it() {
    let d = tempfile::tempdir().unwrap();
    for (name, model) in [("withmodel", Some("gpt-4o-mini")), ("nomodel", None)] {
        let mut args = vec![
            "--type".to_string(),
            "open_ai".into(),
            "--name".into(),
            name.into(),
            "--set".into(),
            "api_key=fake-key-0330".into(),
        ];
        if let Some(m) = model {
            args.extend(["--set".into(), format!("model={m}")]);
        }
        create(
            d.path(),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }
    let parent = [
        ("OPENAI_MODEL", "stale-model"),
        ("OPENAI_CHAT_MODEL", "stale-model"),
        ("OPENAI_EMBEDDING_MODEL", "my-embedder"),
    ];
    let (o, env) = run_child_with(d.path(), &["withmodel"], &parent);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for k in [
        "OPENAI_MODEL",
        "OPENAI_CHAT_MODEL",
        "OPENAI_CHAT_COMPLETION_MODEL",
    ] {
        assert_eq!(get(&env, k), Some("gpt-4o-mini"), "{k}");
    }
    assert_eq!(get(&env, "OPENAI_EMBEDDING_MODEL"), Some("my-embedder"));
    let (o, env) = run_child_with(d.path(), &["nomodel"], &parent);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        get(&env, "OPENAI_MODEL"),
        Some("stale-model"),
        "the user's own"
    );
    assert_eq!(get(&env, "OPENAI_EMBEDDING_MODEL"), Some("my-embedder"));
    // the model is aiconn's own field: never in a prompt flow file
    let o = cmd(d.path(), &["export", "withmodel"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stdout.contains("gpt-4o-mini"), "{}", o.stdout);
    assert!(
        o.stderr
            .contains("'withmodel' is exported without aiconn's own model 'gpt-4o-mini'"),
        "{}",
        o.stderr
    );
}
