//! Reliability and security suite (bounded in time for CI): crash safety under SIGKILL,
//! concurrent writers, a malformed-input matrix, a secret leak scan through every path, hostile
//! stored values in a real terminal, and a keychain that never answers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::pty::Pty;
use common::*;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn cheap_rand(seed: &mut u64) -> u64 {
    // xorshift: enough to spread kill times; no crate needed for test jitter
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

fn api_version(dir: &Path) -> String {
    let o = cmd(dir, &["show", "c", "--json"]);
    assert_eq!(o.code, 0, "the file must always parse: {}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    v["api_version"].as_str().unwrap().to_string()
}

#[test]
fn sigkill_at_random_moments_leaves_the_old_or_the_new_file() {
    let n: usize = std::env::var("AICONN_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let d = tempfile::tempdir().unwrap();
    let mut args = fixtures::entra_aoai("c");
    args.extend(["--set".into(), "api_version=1000-01-01".into()]);
    let o = cmd(d.path(), &fixtures::refs(&args));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut committed = "1000-01-01".to_string();
    // Printed, and replayable with AICONN_CRASH_SEED.
    let mut seed: u64 = std::env::var("AICONN_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9e3779b97f4a7c15u64 ^ std::process::id() as u64)
        | 1;
    eprintln!("crash safety: AICONN_CRASH_SEED={seed} replays this run");
    let (mut killed, mut finished) = (0, 0);
    for i in 1..=n {
        let new = format!("{:04}-01-01", 1001 + i);
        let mut child = Command::new(bin())
            .env("AICONN_CONFIG_DIR", d.path())
            .args(["update", "c", "--set", &format!("api_version={new}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(cheap_rand(&mut seed) % 6000));
        match child.try_wait().unwrap() {
            Some(_) => finished += 1,
            None => {
                unsafe_kill(child.id());
                killed += 1;
            }
        }
        let _ = child.wait();
        let now = api_version(d.path());
        assert!(
            now == committed || now == new,
            "round {i}: found {now}, expected {committed} or {new}"
        );
        committed = now;
    }
    eprintln!("crash safety: {n} rounds, {killed} killed mid-run, {finished} finished");
    let leftovers: Vec<_> = fs::read_dir(d.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    // the next save under the lock sweeps temp files of killed writers
    assert_eq!(
        cmd(
            d.path(),
            &["update", "c", "--set", "api_version=2024-10-21"]
        )
        .code,
        0
    );
    let after: Vec<_> = fs::read_dir(d.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(
        after.is_empty(),
        "stale temp files not swept: {leftovers:?}"
    );
}

fn unsafe_kill(pid: u32) {
    Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
}

#[test]
fn two_processes_saving_200_times_each_lose_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().to_path_buf();
    let spawn = |prefix: &'static str| {
        let dir = dir.clone();
        std::thread::spawn(move || {
            for i in 0..200 {
                let o = Command::new(bin())
                    .env("AICONN_CONFIG_DIR", &dir)
                    .args(fixtures::entra_aoai(&format!("{prefix}{i}")))
                    .output()
                    .unwrap();
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            }
        })
    };
    let (a, b) = (spawn("a"), spawn("b"));
    a.join().unwrap();
    b.join().unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&cmd(d.path(), &["list", "--json"]).stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 400);
}

#[test]
fn malformed_files_get_a_clear_error_and_are_never_touched() {
    let valid = "version = 1\nnamespace = \"n\"\n\n[connections.x]\ntype = \"serp\"\nsecrets = { api_key = \"keychain\" }\n";
    let mut huge = String::with_capacity(100 << 20);
    huge.push_str("version = 1\n# ");
    while huge.len() < 100 << 20 {
        huge.push_str("padding padding padding padding padding padding padding padding\n# ");
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated",
            valid.as_bytes()[..valid.len() - 20].to_vec(),
            ":6:",
        ),
        (
            "binary",
            vec![0xff, 0xfe, 0x00, 0x13, 0x37, 0x80, 0x81],
            "not UTF-8",
        ),
        (
            "huge",
            huge.into_bytes(),
            "larger than any connections file",
        ),
        (
            "wrong type of type",
            b"[connections.x]\ntype = 5\n".to_vec(),
            "must be a string",
        ),
        (
            "connections not a table",
            b"connections = 3\n".to_vec(),
            "connections must be a table",
        ),
        (
            "secrets not a table",
            b"[connections.x]\ntype = \"serp\"\nsecrets = \"keychain\"\n".to_vec(),
            "must be a table of strings",
        ),
        (
            "duplicate names",
            b"[connections.x]\ntype = \"serp\"\n[connections.x]\ntype = \"serp\"\n".to_vec(),
            ":3:",
        ),
        (
            "unknown version",
            b"version = 99\n".to_vec(),
            "newer than this aiconn",
        ),
        (
            "unknown type",
            b"[connections.x]\ntype = \"azure_openai\"\n".to_vec(),
            "unknown type 'azure_openai'",
        ),
        (
            "no type",
            b"[connections.x]\napi_key = \"k\"\n".to_vec(),
            "has no type",
        ),
    ];
    for (what, bytes, needle) in cases {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("connections.toml");
        fs::write(&path, &bytes).unwrap();
        for args in [
            vec!["list"],
            vec!["show", "x"],
            vec![
                "create",
                "--type",
                "serp",
                "--name",
                "y",
                "--set",
                "api_key=k",
            ],
            vec!["update", "x", "--set", "api_key=k"],
            vec!["delete", "x", "--yes"],
            vec!["export"],
        ] {
            let started = Instant::now();
            let o = cmd(d.path(), &args);
            assert_eq!(o.code, 1, "{what} {args:?}: {}", o.stderr);
            assert!(
                o.stderr.contains("connections.toml") && o.stderr.contains(needle),
                "{what} {args:?}: {}",
                o.stderr
            );
            assert!(!o.stderr.contains("panicked"), "{what}: panic");
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{what}: took {:?}",
                started.elapsed()
            );
        }
        assert!(fs::read(&path).unwrap() == bytes, "{what}: file changed");
    }
}

const CANARY: &str = "canary-7f3e9a2c-not-a-real-key";

/// Everything a path could leak through: the files on disk and an output.
fn assert_no_canary(dir: &Path, what: &str, output: &str) {
    assert!(!output.contains(CANARY), "{what}: canary in output");
    for e in fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_file() {
            let bytes = fs::read(e.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(CANARY),
                "{what}: canary in {}",
                e.path().display()
            );
        }
    }
}

fn all(o: &Out) -> String {
    format!("{}{}", o.stdout, o.stderr)
}

/// Stores the canary through each way in: `create` with an argument and on stdin, `import`.
fn canary_stored(dir: &Path) {
    let o = cmd(dir, &fixtures::refs(&fixtures::serp("s", CANARY)));
    assert_eq!(o.code, 0);
    assert_no_canary(dir, "create", &all(&o));
    let mut c = aiconn(dir);
    c.args([
        "create",
        "--type",
        "open_ai",
        "--name",
        "o",
        "--secret-stdin",
        "api_key",
    ]);
    assert_no_canary(
        dir,
        "create --secret-stdin",
        &all(&run_with_stdin(c, CANARY)),
    );
    let src = tempfile::tempdir().unwrap(); // the input file is the user's, outside the config dir
    let y = src.path().join("in.yaml");
    fs::write(&y, format!("name: imp\ntype: azure_open_ai\napi_base: https://r.openai.azure.com\napi_key: \"{CANARY}\"\n")).unwrap();
    assert_no_canary(
        dir,
        "import",
        &all(&cmd(dir, &["import", y.to_str().unwrap()])),
    );
}

#[test]
fn a_canary_secret_never_leaks_when_it_is_stored_or_updated() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    canary_stored(dir);
    assert_no_canary(
        dir,
        "update",
        &all(&cmd(
            dir,
            &["update", "s", "--set", &format!("api_key={CANARY}")],
        )),
    );
}

#[test]
fn a_canary_secret_never_leaks_when_read_without_reveal_or_refused() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    canary_stored(dir);
    // reading paths without --reveal
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["show", "s"],
        vec!["show", "s", "--json"],
        vec!["export"],
        vec!["export", "--secrets", "env"],
        vec!["doctor"],
        vec!["doctor", "--json"],
    ] {
        assert_no_canary(dir, &format!("{args:?}"), &all(&cmd(dir, &args)));
    }
    // errors
    assert_no_canary(
        dir,
        "error",
        &all(&cmd(dir, &fixtures::refs(&fixtures::serp("s", CANARY)))),
    );
    assert_no_canary(
        dir,
        "endpoint with key",
        &all(&cmd(
            dir,
            &[
                "endpoint",
                &format!("https://r.openai.azure.com/openai/v1?api-key={CANARY}"),
            ],
        )),
    );
}

#[test]
fn a_canary_secret_never_leaks_from_run_or_a_panic() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    canary_stored(dir);
    // run: the child gets it, aiconn prints nothing of it
    let o = cmd(
        dir,
        &["run", "s", "--", "sh", "-c", "test -n \"$SERPAPI_API_KEY\""],
    );
    assert_eq!(o.code, 0);
    assert_no_canary(dir, "run", &all(&o));
    // a forced panic right after a secret is read
    let mut c = aiconn(dir);
    c.env("AICONN_TEST_CRASH_AT", "after-secret-read")
        .args(["show", "s", "--reveal"]);
    let o = run(c);
    assert_ne!(o.code, 0);
    assert!(
        o.stderr.contains("forced panic"),
        "the hook fired: {}",
        o.stderr
    );
    assert_no_canary(dir, "panic", &all(&o));
}

#[test]
fn a_canary_secret_never_leaks_from_the_tui() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    canary_stored(dir); // with connections, `n` opens the type picker (not the guided setup)
    // the TUI: typed into a form, saved, then the terminal output after exit
    let mut t = Pty::spawn(dir, &[], 100, 30);
    t.wait_for("Connections");
    t.send("n");
    t.send("\x1b[B\x1b[B\r"); // OpenAI
    t.send("tui\r\r");
    t.paste(CANARY);
    t.send("\x1b");
    t.send("\x13"); // Ctrl-S
    t.wait_for("Saved 'tui'");
    t.send("\x1b"); // back to the list
    t.send("\r"); // open it again: Name, then the API key
    t.send("\x1b[B");
    t.send("\x12"); // Ctrl-R: an explicit reveal is the one place it may show
    t.wait_for(CANARY);
    t.send("\x1b[A"); // focus leaves: hidden again
    t.wait_until("the revealed key is hidden again", |s| !s.contains(CANARY));
    t.send("\x1b");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    // after exit the main screen (scrollback) is back and holds none of it
    assert!(!t.screen().contains(CANARY));
    assert_no_canary(dir, "tui", "");
}

#[test]
fn hostile_stored_values_never_reach_the_terminal_raw() {
    let d = tempfile::tempdir().unwrap();
    // A hostile name is refused by the file's name rule, and the error shows it escaped.
    let evil_name = "evil\\u001b]52;c;ZXZpbA==\\u0007\\u202e";
    fs::write(
        d.path().join("connections.toml"),
        format!(
            "version = 1\nnamespace = \"n\"\n[connections.\"{evil_name}\"]\ntype = \"open_ai\"\n"
        ),
    )
    .unwrap();
    let o = cmd(d.path(), &["list"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("invalid name") && !o.stderr.contains('\x1b'),
        "{}",
        o.stderr
    );
    let evil_name = "evil";
    let text = format!(
        "version = 1\nnamespace = \"n\"\n[connections.\"{evil_name}\"]\ntype = \"open_ai\"\nbase_url = \"https://x.example/\\u001b[2J\\u001b]0;pwned\\u0007{}\"\norganization = \"\\u202eorg\"\nsecrets = {{ api_key = \"keychain\" }}\n",
        "a".repeat(5000)
    );
    fs::write(d.path().join("connections.toml"), text).unwrap();
    let o = cmd(d.path(), &["list"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        !o.stdout.contains('\x1b') && !o.stdout.contains('\u{202e}') && !o.stdout.contains('\x07'),
        "list printed raw control characters"
    );
    let mut t = Pty::spawn(d.path(), &[], 100, 30);
    t.wait_for("evil");
    t.send("\r");
    t.send("\x1b[B");
    t.wait_until("the form is open", |s| s.contains("API key"));
    t.send("\x03"); // Ctrl-C: quits from the form too
    assert_eq!(t.wait_exit(), 0);
    let raw = t.raw_text();
    assert!(!raw.contains("\x1b]52"), "OSC 52 reached the terminal");
    assert!(
        !raw.contains("\x1b]0;pwned"),
        "title change reached the terminal"
    );
    assert!(
        !raw.contains('\u{202e}'),
        "bidi override reached the terminal"
    );
    assert!(
        !raw.contains("\x1b[2J\x1b]"),
        "stored clear-screen reached the terminal"
    );
}

#[test]
fn a_keychain_that_never_answers_times_out_and_the_tui_stays_responsive() {
    let d = tempfile::tempdir().unwrap();
    // a "session bus" that accepts connections and never says a word
    let sock = d.path().join("silent-bus");
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let bus = format!("unix:path={}", sock.display());
    let mut c = Command::new(bin());
    c.env("AICONN_CONFIG_DIR", d.path())
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .env("AICONN_KEYCHAIN_TIMEOUT_MS", "1500");
    c.args([
        "create",
        "--type",
        "serp",
        "--name",
        "s",
        "--set",
        "api_key=fake-key-0501",
    ]);
    let started = Instant::now();
    let o = run(c);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("did not answer in time") && o.stderr.contains("aiconn doctor"),
        "{}",
        o.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "bounded: {:?}",
        started.elapsed()
    );
    assert!(
        !d.path().join("connections.toml").exists()
            || !fs::read_to_string(d.path().join("connections.toml"))
                .unwrap()
                .contains("[connections.s]")
    );
    // the TUI: a save waits on the silent keychain while the screen keeps answering keys
    assert_eq!(
        cmd(d.path(), &fixtures::refs(&fixtures::entra_aoai("aad"))).code,
        0
    );
    let mut cmdb = portable_pty::CommandBuilder::new(bin());
    cmdb.env("AICONN_CONFIG_DIR", d.path());
    cmdb.env("DBUS_SESSION_BUS_ADDRESS", &bus);
    cmdb.env("AICONN_KEYCHAIN_TIMEOUT_MS", "3000");
    cmdb.env("TERM", "xterm-256color");
    let mut t = Pty::spawn_command(cmdb, 100, 30);
    t.wait_for("Connections");
    t.send("n");
    t.send("\x1b[B\x1b[B\r"); // OpenAI
    t.send("slow\r\r");
    t.paste("fake-key-0502");
    t.send("\x1b");
    t.send("\x13"); // Ctrl-S
    t.wait_for("working");
    let asked = Instant::now();
    t.send("\x07"); // Ctrl-G: help
    t.wait_for("Keys");
    assert!(
        asked.elapsed() < Duration::from_millis(1500),
        "help took {:?} while the keychain hung",
        asked.elapsed()
    );
    t.send("\x1b");
    t.wait_for("did not answer in time");
    t.send("\x03"); // Ctrl-C
    t.wait_for("Quit and lose them?");
    t.send("y");
    assert_eq!(t.wait_exit(), 0);
    assert!(
        !fs::read_to_string(d.path().join("connections.toml"))
            .unwrap()
            .contains("[connections.slow]"),
        "nothing half-saved"
    );
}
