//! The real binary end to end on temp config dirs, against a real Secret Service.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::*;
use std::fs;

const KEY1: &str = "fake-key-0001";
const KEY2: &str = "fake-key-0002";

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn toml_text(dir: &std::path::Path) -> String {
    fs::read_to_string(dir.join("connections.toml")).unwrap()
}

/// `show NAME --json --reveal`.
fn revealed(dir: &std::path::Path, name: &str) -> serde_json::Value {
    serde_json::from_str(&cmd(dir, &["show", name, "--json", "--reveal"]).stdout).unwrap()
}

#[test]
fn create_list_show_update_delete_round_trip_without_leaking_the_key() {
    let d = tmp();
    let o = cmd(
        d.path(),
        &[
            "create",
            "--type",
            "azure_open_ai",
            "--name",
            "prod",
            "--set",
            "api_base=https://contoso.openai.azure.com/",
            "--set",
            &format!("api_key={KEY1}"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = toml_text(d.path());
    assert!(!text.contains(KEY1), "secret in the TOML file");
    assert!(text.contains("secrets = { api_key = \"keychain:"), "{text}");

    let list = cmd(d.path(), &["list"]);
    assert_eq!(list.code, 0);
    let row = list.stdout.lines().find(|l| l.starts_with("prod")).unwrap();
    assert!(
        row.contains("azure_open_ai")
            && row.contains("https://contoso.openai.azure.com/")
            && row.trim_end().ends_with("set"),
        "{row}"
    );

    let show = cmd(d.path(), &["show", "prod"]);
    assert!(
        show.stdout.contains("******")
            && show.stdout.contains("keychain")
            && show.stdout.contains("default")
    );
    let json: serde_json::Value =
        serde_json::from_str(&cmd(d.path(), &["show", "prod", "--json"]).stdout).unwrap();
    assert_eq!(json["api_key"], "******");
    assert_eq!(json["api_version"], "2024-02-01");
    assert_eq!(json["sources"]["api_version"], "default");
    for o in [&list, &show] {
        assert!(!o.stdout.contains(KEY1) && !o.stderr.contains(KEY1));
    }
    let first = revealed(d.path(), "prod");
    assert_eq!(first["api_key"], KEY1);

    // prompt flow placeholder rules on update
    for keep in ["******", "*", "<no-change>"] {
        assert_eq!(
            cmd(
                d.path(),
                &["update", "prod", "--set", &format!("api_key={keep}")]
            )
            .code,
            0
        );
        let v = revealed(d.path(), "prod");
        assert_eq!(v["api_key"], KEY1, "{keep} must keep the stored key");
    }
    let o = cmd(
        d.path(),
        &["update", "prod", "--set", "api_key=<user-input>"],
    );
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("secret 'api_key' of 'prod' needs a value"),
        "{}",
        o.stderr
    );
    assert_eq!(
        cmd(
            d.path(),
            &[
                "update",
                "prod",
                "--set",
                &format!("api_key={KEY2}"),
                "--set",
                "api_version=2024-10-21"
            ]
        )
        .code,
        0
    );
    let v = revealed(d.path(), "prod");
    assert_eq!(v["api_key"], KEY2);
    assert_eq!(v["sources"]["api_version"], "file");

    let o = cmd(d.path(), &["delete", "prod"]);
    assert_eq!(o.code, 1, "non-interactive delete needs --yes");
    assert!(o.stderr.contains("--yes"));
    assert_eq!(cmd(d.path(), &["delete", "prod", "--yes"]).code, 0);
    assert_eq!(cmd(d.path(), &["show", "prod"]).code, 3);
    assert!(!toml_text(d.path()).contains("[connections.prod]"));
}

#[test]
fn deleting_and_renaming_move_the_keychain_entries() {
    let d = tmp();
    create(d.path(), &fixtures::refs(&fixtures::serp("s1", KEY1))[1..]);
    assert_eq!(cmd(d.path(), &["rename", "s1", "s2"]).code, 0);
    let v: serde_json::Value =
        serde_json::from_str(&cmd(d.path(), &["show", "s2", "--json", "--reveal"]).stdout).unwrap();
    assert_eq!(v["api_key"], KEY1);
    // the old entry is gone: re-creating s1 without a key must not find a stale secret
    let ns = dir_namespace(d.path());
    // Every keychain item of this connection's secret, whatever its generation.
    let lookup = |conn: &str| keychain_accounts(&format!("{ns}/{conn}/api_key"));
    assert!(lookup("s1").is_empty(), "old keychain entry left behind");
    assert_eq!(lookup("s2").len(), 1, "renamed entry missing");
    assert_eq!(cmd(d.path(), &["delete", "s2", "--yes"]).code, 0);
    assert!(
        lookup("s2").is_empty(),
        "deleted connection left its secret"
    );
}

#[test]
fn secret_from_stdin_and_missing_secret_errors_name_the_field() {
    let d = tmp();
    let o = cmd(d.path(), &["create", "--type", "open_ai", "--name", "oai"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("secret 'api_key' of 'oai' needs a value")
            && o.stderr.contains("--secret-stdin api_key"),
        "{}",
        o.stderr
    );
    assert!(
        !d.path().join("connections.toml").exists(),
        "nothing is written for a refused create"
    );
    let mut c = aiconn(d.path());
    c.args([
        "create",
        "--type",
        "open_ai",
        "--name",
        "oai",
        "--secret-stdin",
        "api_key",
    ]);
    let o = run_with_stdin(c, &format!("{KEY1}\n"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&cmd(d.path(), &["show", "oai", "--json", "--reveal"]).stdout)
            .unwrap();
    assert_eq!(
        v["api_key"], KEY1,
        "trailing newline is not part of the key"
    );
}

#[test]
fn usage_not_found_and_validation_exit_codes() {
    let d = tmp();
    assert_eq!(cmd(d.path(), &["show", "nope"]).code, 3);
    assert_eq!(cmd(d.path(), &["delete", "nope", "--yes"]).code, 3);
    assert_eq!(cmd(d.path(), &["frobnicate"]).code, 2);
    let o = cmd(
        d.path(),
        &["create", "--type", "azure_openai", "--name", "x"],
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("azure_open_ai"),
        "lists the known types: {}",
        o.stderr
    );
    let o = cmd(d.path(), &fixtures::refs(&fixtures::serp("a.b", "k")));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("invalid name 'a.b'"));
    let o = cmd(
        d.path(),
        &[
            "create",
            "--type",
            "azure_open_ai",
            "--name",
            "x",
            "--set",
            "api_key=k",
            "--set",
            "auth_mode=managed_identity",
            "--set",
            "api_base=https://r.openai.azure.com",
        ],
    );
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("key, meid_token"), "{}", o.stderr);
}

#[test]
fn entra_id_connections_need_no_key_and_switching_drops_it() {
    let d = tmp();
    create(
        d.path(),
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "a",
            "--set",
            "api_base=https://r.openai.azure.com",
            "--set",
            &format!("api_key={KEY1}"),
        ],
    );
    assert_eq!(
        cmd(d.path(), &["update", "a", "--set", "auth_mode=meid_token"]).code,
        0
    );
    assert!(
        !toml_text(d.path()).contains("api_key"),
        "the key record is dropped under meid_token"
    );
    let list = cmd(d.path(), &["list"]).stdout;
    assert!(
        list.lines()
            .any(|l| l.starts_with("a ") && l.trim_end().ends_with('-')),
        "{list}"
    );
    // back to key auth without a key: refused, naming the field
    let o = cmd(d.path(), &["update", "a", "--set", "auth_mode=key"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("api_key"));
}

#[test]
fn full_target_uri_is_never_stored_silently() {
    let d = tmp();
    let uri = "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";
    let o = cmd(
        d.path(),
        &[
            "create",
            "--type",
            "azure_open_ai",
            "--name",
            "t",
            "--set",
            &format!("api_base={uri}"),
            "--set",
            "api_key=k1",
        ],
    );
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("--normalize") && o.stderr.contains("deployment 'gpt-4o'"),
        "{}",
        o.stderr
    );
    let o = cmd(
        d.path(),
        &[
            "create",
            "--type",
            "azure_open_ai",
            "--name",
            "t",
            "--normalize",
            "--set",
            &format!("api_base={uri}"),
            "--set",
            "api_key=k1",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&cmd(d.path(), &["show", "t", "--json"]).stdout).unwrap();
    assert_eq!(v["api_base"], "https://contoso.openai.azure.com");
    assert_eq!(v["api_version"], "2024-10-21");
}

#[test]
fn comments_survive_cli_edits() {
    let d = tmp();
    let original = "# my team's connections\nversion = 1\nnamespace = \"t1\"\n\n# search for RAG\n[connections.s]\ntype = \"cognitive_search\"  # AI Search\napi_base = \"https://s.search.windows.net\"\nauth_mode = \"meid_token\"\n";
    fs::write(d.path().join("connections.toml"), original).unwrap();
    assert_eq!(
        cmd(
            d.path(),
            &["update", "s", "--set", "api_version=2024-07-01"]
        )
        .code,
        0
    );
    let t = toml_text(d.path());
    assert!(
        t.starts_with("# my team's connections\n")
            && t.contains("# search for RAG\n[connections.s]")
            && t.contains("# AI Search"),
        "{t}"
    );
    assert!(t.contains("api_version = \"2024-07-01\""));
    // malformed files: tests/reliability.rs runs the whole matrix through every command
}

#[test]
fn file_and_dir_permissions_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = tmp();
    let dir = d.path().join("cfg");
    assert_eq!(
        cmd(&dir, &fixtures::refs(&fixtures::serp("s", "k"))).code,
        0
    );
    assert_eq!(
        fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert_eq!(
        fs::metadata(dir.join("connections.toml"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    assert_eq!(
        fs::metadata(dir.join("connections.toml.lock"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
}

#[test]
fn endpoint_json_has_exactly_the_documented_fields() {
    let d = tmp();
    let o = cmd(
        d.path(),
        &[
            "endpoint",
            "https://contoso.services.ai.azure.com/models",
            "--json",
        ],
    );
    assert_eq!(o.code, 0);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "kind",
            "reusable",
            "deployment",
            "endpoint_name",
            "normalized_base",
            "api_version",
            "flags",
            "route",
            "entra_audience",
            "hint",
            "tip"
        ]
    );
    assert_eq!(v["kind"], "foundry_models");
    assert_eq!(v["reusable"], "yes");
    assert!(v["deployment"].is_null());
    let o = cmd(
        d.path(),
        &[
            "endpoint",
            "https://contoso.cognitiveservices.azure.com/",
            "--type",
            "azure_content_safety",
            "--json",
        ],
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&o.stdout).unwrap()["kind"],
        "content_safety_or_cognitive"
    );
    let o = cmd(d.path(), &["endpoint", "a1b2c3d4e5f60718293a4b5c6d7e8f90"]);
    assert!(
        !o.stdout.contains("a1b2c3d4e5f60718293a4b5c6d7e8f90")
            && o.stdout.contains("looks like an API key")
    );
}

#[test]
fn headless_without_a_session_bus_fails_clearly_and_writes_nothing() {
    let d = tmp();
    let mut c = aiconn_headless(d.path());
    c.args([
        "create",
        "--type",
        "serp",
        "--name",
        "s",
        "--set",
        &format!("api_key={KEY1}"),
    ]);
    let o = run(c);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("no D-Bus session bus") && o.stderr.contains("aiconn doctor"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains(KEY1));
    let text = fs::read_to_string(d.path().join("connections.toml")).unwrap_or_default();
    assert!(
        !text.contains("[connections.s]"),
        "no half-saved connection"
    );
    let mut c = aiconn_headless(d.path());
    c.arg("doctor");
    let o = run(c);
    assert_eq!(o.code, 1);
    assert!(
        o.stdout.contains("FAILED: no D-Bus session bus") && o.stdout.contains("fix"),
        "{}",
        o.stdout
    );
    // a connection without secrets still works headless (nothing to put in a keychain)
    let mut c = aiconn_headless(d.path());
    c.args([
        "create",
        "--type",
        "azure_open_ai",
        "--name",
        "aad",
        "--set",
        "api_base=https://r.openai.azure.com",
        "--set",
        "auth_mode=meid_token",
    ]);
    assert_eq!(run(c).code, 0);
}

#[test]
fn doctor_passes_on_a_working_secret_service() {
    let d = tmp();
    let o = cmd(d.path(), &["doctor", "--json"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["probe_ok"], true);
    assert_eq!(v["secret_backend"], "keychain");
}

#[test]
fn a_locked_keyring_is_diagnosed_and_nothing_is_half_saved() {
    let base = fresh_dir("locked");
    // the first unlock creates the login keyring with this password ...
    let first = start_keyring(&base, "the-right-password");
    let d = tmp();
    let with = |k: &Keyring, args: &[&str]| {
        let mut c = std::process::Command::new(bin());
        c.env("AICONN_CONFIG_DIR", d.path())
            .env("DBUS_SESSION_BUS_ADDRESS", &k.bus)
            .env("XDG_RUNTIME_DIR", &k.runtime)
            .env("XDG_DATA_HOME", &k.data)
            .args(args);
        run(c)
    };
    assert_eq!(
        with(
            &first,
            &fixtures::refs(&fixtures::serp("s", "fake-key-0801"))
        )
        .code,
        0
    );
    // ... and a later session unlocked with another password leaves it locked.
    let locked = start_keyring(&base, "a-wrong-password-of-other-length");
    let started = std::time::Instant::now();
    let o = with(
        &locked,
        &fixtures::refs(&fixtures::serp("t", "fake-key-0802")),
    );
    assert_eq!(o.code, 1);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(8),
        "no hang: {:?}",
        started.elapsed()
    );
    assert!(
        o.stderr.contains("locked") && o.stderr.contains("aiconn doctor"),
        "{}",
        o.stderr
    );
    assert!(
        !toml_text(d.path()).contains("[connections.t]"),
        "no half-saved connection"
    );
    let o = with(&locked, &["doctor"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stdout.contains("FAILED: the keyring is locked") && o.stdout.contains("unlock"),
        "{}",
        o.stdout
    );
}

/// Issue 17 finding 1: a per-deployment URL in azure_open_ai's api_base was stored with a
/// warning (none on a gateway or loopback host), and the SDK then called
/// .../openai/deployments/<d>/openai/chat/completions. It is refused where it enters, and
/// `--normalize` stores the resource base with the deployment in its own field.
#[test]
fn a_deployment_url_never_becomes_an_azure_openai_base() {
    let d = tempfile::tempdir().unwrap();
    for url in [
        "https://res.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini",
        "https://apim.contoso.net/gw/openai/deployments/gpt-4o-mini",
        "http://127.0.0.1:9/openai/deployments/gpt-4o-mini",
        "https://res.openai.azure.com/openai/v1/",
    ] {
        let base = format!("api_base={url}");
        let args = [
            "create",
            "--type",
            "azure_open_ai",
            "--name",
            "x",
            "--set",
            &base,
            "--set",
            "api_key=fake-key-0321",
        ];
        let o = cmd(d.path(), &args);
        assert_eq!(o.code, 1, "{url} stored: {}", o.stderr);
        assert!(o.stderr.contains("--normalize"), "{}", o.stderr);
        let mut norm = args.to_vec();
        norm.push("--normalize");
        let o = cmd(d.path(), &norm);
        assert_eq!(o.code, 0, "{url}: {}", o.stderr);
        let shown = show_json(d.path(), "x");
        let stored = shown["api_base"].as_str().unwrap();
        assert!(!stored.contains("/openai/"), "{url} stored as {stored}");
        if url.contains("deployments") {
            assert_eq!(shown["deployment"], "gpt-4o-mini", "{url}");
        }
        assert_eq!(cmd(d.path(), &["delete", "x", "--yes"]).code, 0);
    }
}

/// Issue 19, item 5: on a terminal `list` fits its width (a 64-character name no longer wraps
/// every row onto three lines); `--wide` and piped output keep full values.
#[test]
fn list_on_a_terminal_fits_its_width_and_wide_or_a_pipe_keeps_full_values() {
    let d = tmp();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o700)).unwrap();
    let long = "a".repeat(30) + "-middle-" + &"z".repeat(26);
    assert_eq!(long.len(), 64);
    let ep = "https://contoso-long-resource-name-eastus2.openai.azure.com/";
    for name in [long.as_str(), "short"] {
        create(
            d.path(),
            &[
                "--type",
                "azure_open_ai",
                "--name",
                name,
                "--set",
                &format!("api_base={ep}"),
                "--set",
                &format!("api_key={KEY1}"),
            ],
        );
    }
    let mut t = common::pty::Pty::spawn(d.path(), &["list"], 80, 24);
    t.wait_exit();
    let screen = t.screen();
    let rows: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(rows.len(), 3, "header + one line per connection:\n{screen}");
    assert!(rows.iter().all(|r| r.chars().count() <= 80));
    assert!(
        rows[1..]
            .iter()
            .any(|r| r.starts_with("aaaa") && r.contains('…') && r.contains("zzz")),
        "{screen}"
    );
    assert!(!screen.contains(&long), "{screen}");
    let mut t = common::pty::Pty::spawn(d.path(), &["list", "--wide"], 200, 24);
    t.wait_exit();
    assert!(
        t.screen().contains(&long) && t.screen().contains(ep),
        "{}",
        t.screen()
    );
    let piped = cmd(d.path(), &["list"]);
    assert!(piped.stdout.contains(&long) && piped.stdout.contains(ep));
}

/// Issue 19, Low list: "1 connection", not "1 connections".
#[test]
fn doctor_counts_one_connection_in_the_singular() {
    let d = tmp();
    create(
        d.path(),
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "one",
            "--set",
            "api_base=https://contoso.openai.azure.com/",
            "--set",
            "auth_mode=meid_token",
        ],
    );
    let o = cmd(d.path(), &["doctor"]);
    assert!(
        o.stdout.contains("1 connection") && !o.stdout.contains("1 connections"),
        "{}",
        o.stdout
    );
}

/// Issue 18 item 14: an invalid name exited 2 in `create` and 1 in `rename`, and `rename`'s
/// clash suggested an `--overwrite` it does not have. The same usage code, and advice that works.
#[test]
fn rename_refuses_a_bad_name_like_create_and_a_taken_one_with_advice_it_can_follow() {
    let d = tempfile::tempdir().unwrap();
    for n in ["a", "b"] {
        let args = common::fixtures::entra_aoai(n);
        assert_eq!(cmd(d.path(), &common::fixtures::refs(&args)).code, 0);
    }
    let mut bad = common::fixtures::entra_aoai("bad name!");
    bad[4] = "bad name!".into();
    let created = cmd(d.path(), &common::fixtures::refs(&bad));
    let renamed = cmd(d.path(), &["rename", "a", "bad name!"]);
    assert_eq!((created.code, renamed.code), (2, 2), "{}", renamed.stderr);
    let clash = cmd(d.path(), &["rename", "a", "b"]);
    assert_eq!(clash.code, 1);
    assert!(!clash.stderr.contains("--overwrite"), "{}", clash.stderr);
    assert!(clash.stderr.contains("aiconn delete b"), "{}", clash.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&cmd(d.path(), &["list", "--json"]).stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2, "nothing changed");
}

/// Issue 21: `aiconn endpoint` says the route and the token audience, in text and JSON.
#[test]
fn endpoint_says_the_route_and_the_entra_audience() {
    let d = tempfile::tempdir().unwrap();
    let url = "https://contoso.services.ai.azure.com/api/projects/p1/openai/v1/responses";
    let o = cmd(d.path(), &["endpoint", url]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("route            responses (the Responses API)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("entra audience   https://ai.azure.com"),
        "{}",
        o.stdout
    );
    let o = cmd(d.path(), &["endpoint", url, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        (v["route"].as_str(), v["entra_audience"].as_str()),
        (Some("responses"), Some("https://ai.azure.com"))
    );
    let o = cmd(
        d.path(),
        &["endpoint", "https://api.openai.com/v1", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(v["route"].is_null() && v["entra_audience"].is_null(), "{v}");
}
