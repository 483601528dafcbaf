//! Issue 18, item 1: two config dirs never share keychain values, whatever the files say.
//! A copied `connections.toml` (alone or with the whole dir), a file naming another dir's
//! namespace on purpose, the README's example namespace, and files with no namespace line are
//! each attacked with `show --reveal`, `update`, `delete` and `doctor --fix` from the other
//! dir; the original's key must survive and never be revealed there.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::*;
use std::path::Path;

const OLD: &str = "fake-key-1801";
const NEW: &str = "fake-key-1802";
const OTHER: &str = "fake-key-1803";

fn file(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("connections.toml")).unwrap()
}

fn key_of(dir: &Path, name: &str) -> Option<String> {
    let o = cmd(dir, &["show", name, "--json", "--reveal"]);
    if o.code != 0 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    v["api_key"].as_str().map(str::to_string)
}

fn make(dir: &Path, name: &str, key: &str) {
    let k = format!("api_key={key}");
    create(
        dir,
        &["--type", "open_ai", "--name", name, "--raw", "--set", &k],
    );
}

fn set_key(dir: &Path, name: &str, key: &str) {
    let mut c = aiconn(dir);
    c.args(["update", name, "--secret-stdin", "api_key"]);
    let o = run_with_stdin(c, &format!("{key}\n"));
    assert_eq!(o.code, 0, "{}", o.stderr);
}

/// Every way the other dir can remove or read values, run in `copy`.
fn attack_from(copy: &Path) -> Vec<String> {
    let mut seen = Vec::new();
    for args in [
        &["doctor", "--fix"][..],
        &["show", "c", "--json", "--reveal"],
        &["env", "c", "--format", "json"],
        &["delete", "c", "--yes"],
        &["doctor", "--fix"],
    ] {
        let o = cmd(copy, args);
        seen.push(format!("{}{}", o.stdout, o.stderr));
    }
    seen
}

fn assert_original_kept(orig: &Path, copy_out: &[String], want: &str) {
    assert_eq!(
        key_of(orig, "c").as_deref(),
        Some(want),
        "the original dir lost its key to the other dir"
    );
    for o in copy_out {
        assert!(
            !o.contains(want),
            "the other dir revealed the original's key"
        );
    }
}

/// A dir in the layout an earlier aiconn wrote: the namespace inside `connections.toml`.
fn as_legacy(dir: &Path, ns: &str) {
    let text = file(dir);
    let text = if text.contains("namespace = ") {
        text
    } else {
        text.replacen(
            "version = 1\n",
            &format!("version = 1\nnamespace = \"{ns}\"\n"),
            1,
        )
    };
    std::fs::write(dir.join("connections.toml"), text).unwrap();
}

fn namespace_of(dir: &Path) -> String {
    let accounts = keychain_accounts("");
    let text = file(dir);
    let generation = text
        .split("keychain:")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let acct = accounts
        .iter()
        .find(|a| a.ends_with(&format!("/c/api_key#{generation}")))
        .unwrap_or_else(|| panic!("no account for {generation} in {accounts:?}"));
    acct.split('/').next().unwrap().to_string()
}

#[test]
fn a_copied_file_never_touches_the_original_dirs_keys() {
    let orig = tempfile::tempdir().unwrap();
    make(orig.path(), "c", OLD);
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(
        orig.path().join("connections.toml"),
        copy.path().join("connections.toml"),
    )
    .unwrap();
    // The original moves on; the copy still points at the old generation.
    set_key(orig.path(), "c", NEW);
    let seen = attack_from(copy.path());
    assert_original_kept(orig.path(), &seen, NEW);
}

#[test]
fn a_whole_copied_dir_and_a_restored_backup_do_not_share_either() {
    let orig = tempfile::tempdir().unwrap();
    make(orig.path(), "c", OLD);
    let parent = tempfile::tempdir().unwrap();
    let copy = parent.path().join("copy");
    let o = std::process::Command::new("cp")
        .args(["-a"])
        .arg(orig.path())
        .arg(&copy)
        .output()
        .unwrap();
    assert!(o.status.success());
    set_key(orig.path(), "c", NEW);
    let seen = attack_from(&copy);
    assert_original_kept(orig.path(), &seen, NEW);
    // The copy works on its own: a key set there is its own, the original's is untouched.
    make(&copy, "c", OTHER);
    assert_eq!(key_of(&copy, "c").as_deref(), Some(OTHER));
    assert_eq!(key_of(orig.path(), "c").as_deref(), Some(NEW));
}

#[test]
fn a_file_naming_another_dirs_namespace_on_purpose_gets_nothing() {
    // The original is in the earlier layout (namespace in the file) and has run once since.
    let orig = tempfile::tempdir().unwrap();
    make(orig.path(), "c", OLD);
    let ns = namespace_of(orig.path());
    std::fs::remove_file(orig.path().join("dir-namespace")).ok();
    as_legacy(orig.path(), &ns);
    assert_eq!(
        key_of(orig.path(), "c").as_deref(),
        Some(OLD),
        "an upgrade keeps the keys"
    );
    set_key(orig.path(), "c", NEW);
    assert_eq!(key_of(orig.path(), "c").as_deref(), Some(NEW));

    // Someone else's file names that namespace and points at the original's generation.
    let hostile = tempfile::tempdir().unwrap();
    std::fs::write(hostile.path().join("connections.toml"), file(orig.path())).unwrap();
    let seen = attack_from(hostile.path());
    assert_original_kept(orig.path(), &seen, NEW);
    // And a copy of the original's file made after it claimed the namespace: the same.
    let copy = tempfile::tempdir().unwrap();
    std::fs::write(copy.path().join("connections.toml"), file(orig.path())).unwrap();
    make(copy.path(), "d", OTHER);
    let seen = attack_from(copy.path());
    assert_original_kept(orig.path(), &seen, NEW);
}

#[test]
fn well_known_and_missing_namespaces_get_a_fresh_one_per_dir() {
    for line in [
        "namespace = \"744fedfeaa14\"\n",
        "namespace = \"default\"\n",
        "",
    ] {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for d in [a.path(), b.path()] {
            std::fs::write(d.join("connections.toml"), format!("version = 1\n{line}")).unwrap();
        }
        make(a.path(), "c", OLD);
        // b's hand-written file points at a's generation under the same namespace text.
        let text = file(a.path());
        std::fs::write(b.path().join("connections.toml"), &text).unwrap();
        let seen = attack_from(b.path());
        assert_original_kept(a.path(), &seen, OLD);
        let ns = namespace_of(a.path());
        assert_ne!(ns, "default", "{line:?}: a well-known namespace was used");
        assert_ne!(
            ns, "744fedfeaa14",
            "{line:?}: the README's namespace was used"
        );
    }
}

#[test]
fn doctor_fix_removes_only_what_this_dir_proves_it_wrote() {
    // An earlier-layout dir shared with a copy made before the upgrade: both wrote under one
    // namespace. Whichever claims it, its doctor --fix must leave the other's values.
    let a = tempfile::tempdir().unwrap();
    make(a.path(), "c", OLD);
    let ns = namespace_of(a.path());
    std::fs::remove_file(a.path().join("dir-namespace")).ok();
    as_legacy(a.path(), &ns);
    let b = tempfile::tempdir().unwrap();
    std::fs::write(b.path().join("connections.toml"), file(a.path())).unwrap();
    // Before the upgrade b had written its own value under the shared namespace (simulated:
    // a value under that namespace that a's file does not point at).
    let other = format!("{ns}/x/api_key#00000000000000ff");
    store_raw(&other, OTHER);
    let o = cmd(a.path(), &["doctor", "--fix"]);
    assert!(o.code == 0 || o.code == 1, "{}", o.stderr);
    assert!(
        keychain_accounts(&other).contains(&other),
        "doctor --fix deleted a value this dir cannot prove it wrote"
    );
    assert_eq!(key_of(a.path(), "c").as_deref(), Some(OLD));
}

/// Writes a keychain item the way aiconn's backend does (service `aiconn`, the account as
/// `username`), with secret-tool, independently of aiconn.
fn store_raw(account: &str, value: &str) {
    let k = keyring();
    let mut c = std::process::Command::new("secret-tool");
    c.args([
        "store", "--label", "test", "service", "aiconn", "username", account,
    ])
    .env("DBUS_SESSION_BUS_ADDRESS", &k.bus);
    let o = run_with_stdin(c, value);
    assert_eq!(o.code, 0, "{}", o.stderr);
}
