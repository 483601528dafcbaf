//! Issue 18, items 6 and 10: `rename` keeps a connection whose secrets are references (they
//! hold no value to copy), and a secret record from a hostile file cannot forge a journal
//! entry that a later save acts on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::*;

#[test]
fn rename_keeps_env_and_cmd_references_and_stored_values_alike() {
    let mut held = 0;
    for refs in [
        &["api_key=env:HOME"][..],
        &["api_key=cmd:printf %s fake-key-1861"],
    ] {
        let t = tempfile::tempdir().unwrap();
        let mut args = vec!["--type", "open_ai", "--name", "a"];
        for r in refs {
            args.extend_from_slice(&["--secret-ref", r]);
        }
        create(t.path(), &args);
        let o = cmd(t.path(), &["rename", "a", "b"]);
        assert_eq!(o.code, 0, "{refs:?}: {}", o.stderr);
        let text = std::fs::read_to_string(t.path().join("connections.toml")).unwrap();
        let want = refs[0].split_once('=').unwrap().1;
        assert!(
            text.contains(want) && text.contains("[connections.b]"),
            "{text}"
        );
        assert_eq!(cmd(t.path(), &["env", "b", "--format", "json"]).code, 0);
        held += 1;
    }
    // A custom connection mixing a stored value and a reference moves both.
    let t = tempfile::tempdir().unwrap();
    create(
        t.path(),
        &[
            "--type",
            "custom",
            "--name",
            "m",
            "--set",
            "secrets.k1=fake-key-1862",
            "--secret-ref",
            "k2=env:HOME",
        ],
    );
    assert_eq!(cmd(t.path(), &["rename", "m", "n"]).code, 0);
    let v = show_json(t.path(), "n");
    assert_eq!(v["secrets"]["k1"], "fake-key-1862", "{v}");
    held += 1;
    assert_eq!(held, 3);
}

#[test]
fn a_line_break_in_a_secret_record_forges_nothing() {
    let t = tempfile::tempdir().unwrap();
    create(
        t.path(),
        &[
            "--type",
            "serp",
            "--name",
            "victim",
            "--raw",
            "--set",
            "api_key=fake-key-1863",
        ],
    );
    let before = show_json(t.path(), "victim");
    let ns = dir_namespace(t.path());
    let text = std::fs::read_to_string(t.path().join("connections.toml")).unwrap();
    let victim_gen = text
        .split("keychain:")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // A hostile record: its generation carries a line that names the victim's value.
    for forged in [
        format!("keychain:00\\nkeychain\\t{ns}/victim/api_key#{victim_gen}"),
        format!("keychain:00\\r\\nkeychain\\t{ns}/victim/api_key#{victim_gen}"),
        format!("keychain:00\\tx/../{ns}/victim/api_key#{victim_gen}"),
    ] {
        let hostile = format!(
            "{text}\n[connections.h]\ntype = \"serp\"\nsecrets = {{ api_key = \"{forged}\" }}\n"
        );
        std::fs::write(t.path().join("connections.toml"), &hostile).unwrap();
        let mut c = aiconn(t.path());
        c.args(["update", "h", "--secret-stdin", "api_key"]);
        let o = run_with_stdin(c, "fake-key-1864\n");
        assert_ne!(o.code, 0, "a record with a control character was accepted");
        let _ = cmd(t.path(), &["delete", "h", "--yes"]);
        let _ = cmd(t.path(), &["doctor", "--fix"]);
        std::fs::write(t.path().join("connections.toml"), &text).unwrap();
        assert_eq!(
            show_json(t.path(), "victim")["api_key"],
            before["api_key"],
            "{forged}"
        );
    }
}
