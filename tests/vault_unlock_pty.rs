//! The vault unlocked where the user is, through the real binary in a pty: the TUI opens at
//! once and asks in a dialog when a secret is first needed (and never twice a session); the
//! CLI checks a typed passphrase and asks again, three tries; `--secret-stdin` still asks on
//! the terminal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::pty::Pty;
use common::*;
use std::path::Path;

const PASS: &str = "correct horse battery";

/// A vault with one secret, made through the CLI.
fn vault_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let pass = d.path().join("pass.txt");
    write_private(&pass, PASS);
    let mut c = aiconn_headless(d.path());
    c.env("AICONN_SECRET_BACKEND", "vault")
        .env("AICONN_VAULT_PASSPHRASE_FILE", &pass)
        .env("AICONN_VAULT_WORK_FACTOR", "10")
        .args(fixtures::refs(&fixtures::serp("s", "fake-key-1501")));
    let o = run(c);
    assert_eq!(o.code, 0, "{}", o.stderr);
    std::fs::remove_file(&pass).unwrap();
    d
}

fn derivations(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| *l == "kdf")
        .count()
}

fn tui(dir: &Path, args: &[&str], events: &Path) -> Pty {
    Pty::spawn_headless(
        dir,
        args,
        &[
            ("AICONN_SECRET_BACKEND", "vault"),
            ("AICONN_VAULT_CACHE_SECONDS", "0"),
            ("AICONN_TEST_EVENTS", events.to_str().unwrap()),
        ],
        80,
        24,
    )
}

#[test]
fn the_tui_opens_at_once_and_unlocks_in_a_dialog_when_a_secret_is_revealed() {
    let d = vault_dir();
    for (i, args) in [&[][..], &["inspect"][..]].into_iter().enumerate() {
        let events = d.path().join(format!("events-{i}"));
        let mut t = tui(d.path(), args, &events);
        t.wait_for("serp"); // the list, with nothing asked before it
        assert!(
            !t.screen().contains("assphrase"),
            "{args:?}: asked too early"
        );
        t.send("\r");
        t.send("\x1b[B"); // the key field
        t.send("\x12"); // Ctrl-R: reveal (a letter would type into the field)
        t.wait_for("Vault passphrase");
        t.send("wrong passphrase\r");
        t.wait_for("Wrong passphrase");
        t.send(&format!("{PASS}\r"));
        t.wait_for("fake-key-1501");
        // Hidden and revealed again: no second dialog, no second derivation.
        t.send("\x1b[A");
        t.send("\x1b[B");
        t.send("\x12");
        t.wait_for("fake-key-1501");
        assert!(!t.screen().contains("Vault passphrase"));
        t.send("\x1b"); // back to the list, where q quits
        t.send("q");
        assert_eq!(t.wait_exit(), 0, "{args:?}");
        // The wrong passphrase costs one derivation, the right one another: two per session.
        assert_eq!(derivations(&events), 2, "{args:?}");
        assert!(!t.raw_text().contains(PASS), "the passphrase was echoed");
    }
}

#[test]
fn the_cli_checks_a_typed_passphrase_and_asks_again_three_times() {
    let d = vault_dir();
    let mut c = portable_pty::CommandBuilder::new(bin());
    c.args(["show", "s", "--reveal"]);
    c.env("AICONN_CONFIG_DIR", d.path());
    c.env("AICONN_SECRET_BACKEND", "vault");
    c.env("AICONN_VAULT_CACHE_SECONDS", "0");
    c.env_remove("DBUS_SESSION_BUS_ADDRESS");
    let mut t = Pty::spawn_command(c, 100, 24);
    t.wait_for("Vault passphrase");
    t.send("wrong passphrase\r");
    t.wait_for("Wrong vault passphrase; try again.");
    t.send(&format!("{PASS}\r"));
    assert_eq!(t.wait_exit(), 0, "{}", t.screen());
    assert!(t.screen().contains("fake-key-1501"));
    let mut c = portable_pty::CommandBuilder::new(bin());
    c.args(["show", "s", "--reveal"]);
    c.env("AICONN_CONFIG_DIR", d.path());
    c.env("AICONN_SECRET_BACKEND", "vault");
    c.env("AICONN_VAULT_CACHE_SECONDS", "0");
    c.env_remove("DBUS_SESSION_BUS_ADDRESS");
    let mut t = Pty::spawn_command(c, 100, 24);
    for _ in 0..3 {
        t.wait_until("asked", |s| s.matches("Vault passphrase").count() >= 1);
        t.send("wrong passphrase\r");
    }
    assert_eq!(t.wait_exit(), 1);
    assert!(t.screen().contains("3 tries"), "{}", t.screen());
}

#[test]
fn secret_stdin_with_the_vault_asks_for_the_passphrase_on_the_terminal() {
    let d = tempfile::tempdir().unwrap();
    let script = format!(
        "printf %s fake-key-1511 | '{}' create --type serp --name s --secret-stdin api_key",
        bin()
    );
    let mut c = portable_pty::CommandBuilder::new("sh");
    c.args(["-c", &script]);
    c.env("AICONN_CONFIG_DIR", d.path());
    c.env("AICONN_SECRET_BACKEND", "vault");
    c.env("AICONN_VAULT_WORK_FACTOR", "10");
    c.env("AICONN_VAULT_CACHE_SECONDS", "0");
    c.env_remove("DBUS_SESSION_BUS_ADDRESS");
    let mut t = Pty::spawn_command(c, 100, 24);
    t.wait_for("New vault passphrase");
    t.send(&format!("{PASS}\r"));
    t.wait_for("Again");
    t.send(&format!("{PASS}\r"));
    assert_eq!(t.wait_exit(), 0, "{}", t.screen());
    let pass = d.path().join("pass.txt");
    write_private(&pass, PASS);
    let mut c = aiconn_headless(d.path());
    c.env("AICONN_VAULT_PASSPHRASE_FILE", &pass)
        .env("AICONN_SECRET_BACKEND", "vault")
        .args(["show", "s", "--json", "--reveal"]);
    let o = run(c);
    assert!(o.stdout.contains("fake-key-1511"), "{}", o.stderr);
}
