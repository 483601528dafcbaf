//! What a vault costs: key derivations counted per command (the debug build notes each one in
//! `AICONN_TEST_EVENTS`; counted, never timed), the pinned work factor, recovery with the age
//! tool alone, the conversion of vaults written by earlier versions (also when killed midway),
//! `secrets migrate` deriving once per batch, and the session cache's bound.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::pty::Pty;
use common::*;
use std::fs;
use std::path::Path;
use std::process::Command;

const PASS: &str = "correct horse battery";

fn vault(dir: &Path, events: &Path) -> Command {
    let pass = dir.join("pass.txt");
    if !pass.exists() {
        write_private(&pass, PASS);
    }
    let mut c = aiconn_headless(dir);
    c.env("AICONN_SECRET_BACKEND", "vault")
        .env("AICONN_VAULT_PASSPHRASE_FILE", &pass)
        .env("AICONN_VAULT_WORK_FACTOR", "10")
        .env("AICONN_VAULT_CACHE_SECONDS", "0")
        .env("AICONN_TEST_EVENTS", events);
    c
}

/// Runs `args` and returns how many key derivations it made.
fn derivations(dir: &Path, args: &[&str]) -> usize {
    let events = dir.join(format!("events-{}", rand_suffix()));
    let mut c = vault(dir, &events);
    c.args(args);
    let o = run(c);
    assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
    count(&events)
}

fn count(events: &Path) -> usize {
    fs::read_to_string(events)
        .unwrap_or_default()
        .lines()
        .filter(|l| *l == "kdf")
        .count()
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::SeqCst).to_string()
}

/// The recipient lines of an age file's header (`-> X25519 ...`, `-> scrypt SALT N`).
fn stanzas(path: &Path) -> Vec<String> {
    let bytes = fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.starts_with("age-encryption.org/v1\n"),
        "not an age file"
    );
    text.lines()
        .take_while(|l| !l.starts_with("---"))
        .filter(|l| l.starts_with("-> "))
        // rage adds a random "grease" stanza to every header (so parsers stay lenient)
        .filter(|l| !l.contains("-grease"))
        .map(str::to_string)
        .collect()
}

fn revealed(dir: &Path, name: &str) -> String {
    let mut c = vault(dir, &dir.join("events-show"));
    c.args(["show", name, "--json", "--reveal"]);
    let o = run(c);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    v["api_key"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_write_derives_no_key_and_every_command_at_most_one() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    // A new vault: its key file is written once; the secret itself costs nothing more.
    let create = fixtures::serp("s", "fake-key-1301");
    assert_eq!(derivations(dir, &fixtures::refs(&create)), 1, "create");
    // An existing vault: one derivation to open it, none to write.
    assert_eq!(
        derivations(dir, &["update", "s", "--set", "api_key=fake-key-1302"]),
        1,
        "update"
    );
    let env: String = (0..10)
        .map(|i| format!("KEY_{i}=fake-key-13{i:02}\n"))
        .collect();
    fs::write(dir.join("ten.env"), env).unwrap();
    let ten = dir.join("ten.env");
    assert_eq!(
        derivations(dir, &["import", ten.to_str().unwrap(), "--name", "ten"]),
        1,
        "a ten-key import"
    );
    assert_eq!(derivations(dir, &["delete", "ten", "--yes"]), 1, "delete");
    assert_eq!(derivations(dir, &["doctor"]), 1, "doctor's write probe");
    assert_eq!(revealed(dir, "s"), "fake-key-1302");
}

#[test]
fn the_key_file_has_ages_pinned_work_factor_and_secrets_age_is_encrypted_to_it() {
    let d = tempfile::tempdir().unwrap();
    let events = d.path().join("events");
    let mut c = vault(d.path(), &events);
    c.env_remove("AICONN_VAULT_WORK_FACTOR")
        .args(fixtures::refs(&fixtures::serp("s", "fake-key-1311")));
    let o = run(c);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let key = stanzas(&d.path().join("secrets.key.age"));
    assert_eq!(key.len(), 1, "{key:?}");
    assert!(
        key[0].starts_with("-> scrypt ") && key[0].ends_with(" 18"),
        "the key file: scrypt at 2^18 on every machine, not calibrated: {key:?}"
    );
    let vault = stanzas(&d.path().join("secrets.age"));
    assert_eq!(vault.len(), 1, "{vault:?}");
    assert!(vault[0].starts_with("-> X25519 "), "{vault:?}");
    use std::os::unix::fs::PermissionsExt;
    for f in ["secrets.age", "secrets.key.age"] {
        let mode = fs::metadata(d.path().join(f)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
}

/// `age -d -i secrets.key.age secrets.age` in a pty (age asks for the key file's passphrase).
fn age_decrypt(dir: &Path) -> serde_json::Value {
    let out = dir.join("plain.json");
    let _ = fs::remove_file(&out);
    let mut cmd = portable_pty::CommandBuilder::new("age");
    cmd.args([
        "--decrypt",
        "-i",
        dir.join("secrets.key.age").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        dir.join("secrets.age").to_str().unwrap(),
    ]);
    let mut t = Pty::spawn_command(cmd, 80, 24);
    t.wait_for("passphrase");
    t.send(&format!("{PASS}\r"));
    assert_eq!(t.wait_exit(), 0, "{}", t.screen());
    serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap()
}

fn has_value(plain: &serde_json::Value, value: &str) -> bool {
    plain["secrets"]
        .as_object()
        .unwrap()
        .values()
        .any(|v| v == value)
}

/// A vault as earlier versions wrote it: `secrets.age` encrypted with the passphrase itself
/// (made with the age tool, `age -p`), and a connection pointing into it.
fn older_vault(dir: &Path) {
    let plain = dir.join("old.json");
    fs::write(
        &plain,
        r#"{"aiconn_vault":1,"secrets":{"ns0000000001/s/api_key#00000000000000a1":"fake-key-1321"}}"#,
    )
    .unwrap();
    let mut cmd = portable_pty::CommandBuilder::new("age");
    cmd.args([
        "-p",
        "-o",
        dir.join("secrets.age").to_str().unwrap(),
        plain.to_str().unwrap(),
    ]);
    let mut t = Pty::spawn_command(cmd, 100, 24);
    t.wait_for("passphrase");
    t.send(&format!("{PASS}\r"));
    t.wait_for("Confirm");
    t.send(&format!("{PASS}\r"));
    assert_eq!(t.wait_exit(), 0, "{}", t.screen());
    fs::remove_file(&plain).unwrap();
    fs::write(
        dir.join("connections.toml"),
        "version = 1\nnamespace = \"ns0000000001\"\nsecret_backend = \"vault\"\n\n[connections.s]\ntype = \"serp\"\nsecrets = { api_key = \"vault:00000000000000a1\" }\n",
    )
    .unwrap();
    assert!(stanzas(&dir.join("secrets.age"))[0].starts_with("-> scrypt "));
}

#[test]
fn an_older_vault_is_converted_on_first_unlock_even_when_killed_midway() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    older_vault(dir);
    let old = fs::read(dir.join("secrets.age")).unwrap();
    // A wrong passphrase converts nothing.
    let wrong = dir.join("wrong.txt");
    write_private(&wrong, "not the passphrase");
    let mut c = vault(dir, &dir.join("events-wrong"));
    c.env("AICONN_VAULT_PASSPHRASE_FILE", &wrong)
        .args(["show", "s", "--reveal"]);
    assert_eq!(run(c).code, 1);
    assert_eq!(fs::read(dir.join("secrets.age")).unwrap(), old);
    assert!(!dir.join("secrets.key.age").exists());
    // Killed after the key file is written, before secrets.age is replaced.
    let mut c = vault(dir, &dir.join("events-crash"));
    c.env("AICONN_TEST_CRASH_AT", "vault-key-written")
        .args(["show", "s", "--reveal"]);
    assert_eq!(run(c).code, 137, "the crash hook fired");
    assert_eq!(
        fs::read(dir.join("secrets.age")).unwrap(),
        old,
        "old vault intact"
    );
    assert_eq!(
        revealed(dir, "s"),
        "fake-key-1321",
        "readable after the crash"
    );
    assert!(
        stanzas(&dir.join("secrets.age"))[0].starts_with("-> X25519 "),
        "converted by the next unlock"
    );
    // From now on: one derivation per command, and the age tool alone recovers it.
    assert_eq!(
        derivations(dir, &["update", "s", "--set", "api_key=fake-key-1322"]),
        1
    );
    assert!(has_value(&age_decrypt(dir), "fake-key-1322"));
}

#[test]
fn migrate_to_the_vault_derives_once_for_the_whole_batch() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    for i in 0..5 {
        create(
            dir,
            &fixtures::refs(&fixtures::serp(
                &format!("m{i}"),
                &format!("fake-key-14{i:02}"),
            ))[1..],
        );
    }
    let pass = dir.join("pass.txt");
    write_private(&pass, PASS);
    let migrate = |to: &str, events: &Path| {
        let mut c = aiconn(dir);
        c.env("AICONN_VAULT_PASSPHRASE_FILE", &pass)
            .env("AICONN_VAULT_WORK_FACTOR", "10")
            .env("AICONN_VAULT_CACHE_SECONDS", "0")
            .env("AICONN_TEST_EVENTS", events)
            .args(["secrets", "migrate", "--to", to]);
        let o = run(c);
        assert_eq!(o.code, 0, "{}", o.stderr);
        count(events)
    };
    assert_eq!(
        migrate("vault", &dir.join("e1")),
        1,
        "five secrets, one derivation"
    );
    assert_eq!(migrate("keychain", &dir.join("e2")), 1, "reading them out");
    assert_eq!(
        migrate("vault", &dir.join("e3")),
        1,
        "into the existing vault"
    );
    for i in 0..5 {
        assert_eq!(
            revealed(dir, &format!("m{i}")),
            format!("fake-key-14{i:02}")
        );
    }
}

#[test]
fn the_session_cache_keeps_the_key_never_the_passphrase_and_never_for_ever() {
    // A real login session keyring (`keyctl session -`): the first command asks and keeps the
    // vault's key; the next derives nothing. A cache time of 2^32 s (which the kernel's 32-bit
    // timeout would wrap to 0, "never expires") is bounded to a day.
    let d = tempfile::tempdir().unwrap();
    let desc = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        d.path().canonicalize().unwrap().hash(&mut h);
        format!("aiconn:vault:{:016x}", h.finish())
    };
    let p = |f: &str| d.path().join(f).display().to_string();
    let script = format!(
        "'{bin}' create --type serp --name s --set api_key=fake-key-1331 && \
         AICONN_TEST_EVENTS='{ev}' '{bin}' show s --json --reveal </dev/null > '{out}'; \
         cat /proc/keys > '{keys}'; keyctl print $(keyctl search @s user '{desc}') > '{payload}'",
        bin = bin(),
        ev = p("events"),
        out = p("out.json"),
        keys = p("keys"),
        payload = p("payload"),
    );
    let empty = d.path().join("no-runtime");
    fs::create_dir_all(&empty).unwrap();
    let mut c = portable_pty::CommandBuilder::new("keyctl");
    c.args(["session", "-", "sh", "-c", &script]);
    c.env("AICONN_CONFIG_DIR", d.path());
    c.env("AICONN_SECRET_BACKEND", "vault");
    c.env("AICONN_VAULT_WORK_FACTOR", "10");
    c.env("AICONN_VAULT_CACHE_SECONDS", "4294967296");
    c.env_remove("DBUS_SESSION_BUS_ADDRESS");
    c.env("XDG_RUNTIME_DIR", &empty);
    c.env("TERM", "xterm-256color");
    let mut t = Pty::spawn_command(c, 100, 24);
    t.wait_for("New vault passphrase");
    t.send(&format!("{PASS}\r"));
    t.wait_for("Again");
    t.send(&format!("{PASS}\r"));
    assert_eq!(t.wait_exit(), 0, "{}", t.screen());
    assert!(
        fs::read_to_string(p("out.json"))
            .unwrap()
            .contains("fake-key-1331")
    );
    assert_eq!(
        count(&d.path().join("events")),
        0,
        "opened with the kept key"
    );
    let payload = fs::read_to_string(p("payload")).unwrap();
    assert!(
        payload.trim().starts_with("AGE-SECRET-KEY-1") && !payload.contains(PASS),
        "the session cache must hold the vault key, not the passphrase"
    );
    let keys = fs::read_to_string(p("keys")).unwrap();
    let line = keys.lines().find(|l| l.contains(&desc)).expect("cached");
    let timeout = line.split_whitespace().nth(3).unwrap();
    assert_ne!(timeout, "perm", "kept for ever: {line}");
    // /proc/keys shows "23h" (or "1d" within the first second), never days beyond one or weeks
    assert!(
        timeout == "1d" || ["h", "m", "s"].iter().any(|u| timeout.ends_with(u)),
        "more than a day: {line}"
    );
}
