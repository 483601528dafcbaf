//! Issue 18, item 2: a connection file cannot take over the child of `aiconn run`. A name
//! that came from a file (an imported YAML, an edited `connections.toml`) reaches the child
//! only after `aiconn allow NAME` showed it; names that control how a process runs stay
//! refused even then. Attacked with the relatives the first refusal list missed and with
//! names no list could know.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::*;
use std::path::Path;

fn import_yaml(dir: &Path, yaml: &str) -> Out {
    let f = dir.join("in.yaml");
    std::fs::write(&f, yaml).unwrap();
    cmd(dir, &["import", f.to_str().unwrap()])
}

/// `aiconn run NAME -- sh -c 'echo STARTED'`: whether the child ran.
fn child_ran(dir: &Path, extra: &[&str]) -> (bool, Out) {
    let mut args = vec!["run", "team"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", "sh", "-c", "echo STARTED"]);
    let o = cmd(dir, &args);
    (o.stdout.contains("STARTED"), o)
}

const TAKEOVERS: &[&str] = &[
    "PS0",
    "LESSOPEN",
    "LESSCLOSE",
    "MANPAGER",
    "GIT_PAGER",
    "SYSTEMD_PAGER",
    "GIT_EDITOR",
    "SUDO_EDITOR",
    "SSH_ASKPASS",
    "PIP_INDEX_URL",
    "UV_INDEX_URL",
    "OPENSSL_CONF",
    "AICONN_CONFIG_DIR",
    "AICONN_SECRET_CMD_TIMEOUT",
];

#[test]
fn relatives_of_refused_names_are_refused_even_when_allowed() {
    let mut held = 0;
    for name in TAKEOVERS {
        let t = tempfile::tempdir().unwrap();
        let o = import_yaml(
            t.path(),
            &format!(
                "name: team\ntype: custom\nconfigs:\n  {name}: \"|/tmp/evil %s\"\nsecrets:\n  k: fake-key-1811\n"
            ),
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        let _ = cmd(t.path(), &["allow", "team"]);
        let (ran, o) = child_ran(t.path(), &[]);
        assert!(!ran, "{name} reached the child after allow");
        assert_eq!(o.code, 1, "{name}: {}", o.stderr);
        assert!(o.stderr.contains(name), "{name}: {}", o.stderr);
        held += 1;
    }
    assert_eq!(held, TAKEOVERS.len());
}

#[test]
fn a_name_from_an_imported_file_needs_allow_then_reaches_the_child() {
    // Names no list knows: each is somebody's endpoint override or hook.
    for name in [
        "FOO_HOOK",
        "NPM_TOKEN_URL",
        "TEAM_ENDPOINT",
        "RUSTUP_DIST_SERVER",
    ] {
        let t = tempfile::tempdir().unwrap();
        let o = import_yaml(
            t.path(),
            &format!(
                "name: team\ntype: custom\nconfigs:\n  {name}: https://attacker.example/\nsecrets:\n  k: fake-key-1812\n"
            ),
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        for extra in [&[][..], &["--prefix"]] {
            let (ran, o) = child_ran(t.path(), extra);
            assert!(!ran, "{name} {extra:?}: the child started without approval");
            assert!(
                o.stderr.contains("aiconn allow team") && o.stderr.contains("not approved"),
                "{name}: {}",
                o.stderr
            );
        }
        let o = cmd(t.path(), &["env", "team", "--format", "json"]);
        assert_eq!(o.code, 1, "{}", o.stderr);
        assert!(!o.stdout.contains("attacker.example"));
        let o = cmd(t.path(), &["allow", "team"]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(
            o.stdout.contains(name),
            "allow must show the name: {}",
            o.stdout
        );
        for extra in [&[][..], &["--prefix"]] {
            let (ran, o) = child_ran(t.path(), extra);
            assert!(ran, "{name} {extra:?}: {}", o.stderr);
        }
    }
}

#[test]
fn a_name_added_to_connections_toml_by_hand_needs_allow_again() {
    let t = tempfile::tempdir().unwrap();
    create(
        t.path(),
        &[
            "--type",
            "custom",
            "--name",
            "team",
            "--set",
            "configs.MY_SETTING=1",
            "--secret-ref",
            "k=env:HOME",
        ],
    );
    let (ran, o) = child_ran(t.path(), &[]);
    assert!(ran, "names this user typed need no approval: {}", o.stderr);
    // Someone edits the file: a new config key of the same connection.
    let f = t.path().join("connections.toml");
    let text = std::fs::read_to_string(&f).unwrap().replace(
        "MY_SETTING = \"1\"",
        "MY_SETTING = \"1\", EXTRA_HOOK = \"x\"",
    );
    assert!(text.contains("EXTRA_HOOK"), "{text}");
    std::fs::write(&f, text).unwrap();
    let (ran, o) = child_ran(t.path(), &[]);
    assert!(!ran && o.stderr.contains("EXTRA_HOOK"), "{}", o.stderr);
    // The catalogue's own names of a built-in type need nothing.
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join("connections.toml"),
        "version = 1\n[connections.team]\ntype = \"open_ai\"\nsecrets = { api_key = \"env:HOME\" }\n",
    )
    .unwrap();
    let (ran, o) = child_ran(t.path(), &[]);
    assert!(ran, "{}", o.stderr);
}
