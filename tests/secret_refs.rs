//! Secret references (`env:NAME`, `cmd:COMMAND`) through the real binary: recorded as their
//! source and never as a value, resolved at use by env/run/test, checked by doctor, and a
//! command that nobody approved on this machine (a file someone else wrote or edited) never runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::http::*;
use common::*;
use std::time::{Duration, Instant};

const KEY: &str = "fake-key-1401";

fn file(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("connections.toml")).unwrap()
}

/// An `open_ai` connection `c` whose key is `reference` (`api_key=env:...` / `api_key=cmd:...`),
/// with `extra` arguments for `create`.
fn open_ai_with(dir: &std::path::Path, reference: &str, extra: &[&str]) {
    let mut args = vec![
        "--type",
        "open_ai",
        "--name",
        "c",
        "--secret-ref",
        reference,
    ];
    args.extend_from_slice(extra);
    create(dir, &args);
}

fn open_ai_with_ref(dir: &std::path::Path, reference: &str) {
    open_ai_with(dir, reference, &[]);
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn no_key(o: &Out) {
    assert!(
        !o.stdout.contains(KEY) && !o.stderr.contains(KEY),
        "the value was printed:\n{}{}",
        o.stdout,
        o.stderr
    );
}

#[test]
fn an_env_reference_is_read_at_use_and_never_stored() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    open_ai_with_ref(dir, "api_key=env:AICONN_TEST_KEY_1401");
    let text = file(dir);
    assert!(
        text.contains("api_key = \"env:AICONN_TEST_KEY_1401\""),
        "{text}"
    );
    // The source is named; the value is not shown.
    let shown = cmd(dir, &["show", "c"]);
    assert!(
        shown.stdout.contains("env:AICONN_TEST_KEY_1401"),
        "{}",
        shown.stdout
    );
    assert!(cmd(dir, &["list"]).stdout.contains("set"));

    let mut env = aiconn(dir);
    env.args(["env", "c"]).env("AICONN_TEST_KEY_1401", KEY);
    let o = run(env);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains(&format!("OPENAI_API_KEY='{KEY}'")));

    // `run` hands the value to the child only.
    let mut r = aiconn(dir);
    r.args([
        "run",
        "c",
        "--",
        "sh",
        "-c",
        "test \"$OPENAI_API_KEY\" = fake-key-1401",
    ])
    .env("AICONN_TEST_KEY_1401", KEY);
    let o = run(r);
    assert_eq!(o.code, 0, "{}", o.stderr);
    no_key(&o);

    // Nothing under the config dir holds the value (no cache, no journal, no approval).
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(KEY),
            "{} holds the value",
            entry.display()
        );
    }

    // Unset: a clear error naming the variable, not an empty key.
    let mut env = aiconn(dir);
    env.args(["env", "c"]).env_remove("AICONN_TEST_KEY_1401");
    let o = run(env);
    assert_ne!(o.code, 0);
    assert!(
        o.stderr.contains("AICONN_TEST_KEY_1401 is not set"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_command_reference_runs_without_a_shell_and_reaches_test() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let (port, seen) = server(200, r#"{"data": []}"#, Duration::ZERO);
    let base = format!("base_url=http://127.0.0.1:{port}/v1");
    // `;` and `$(...)` are plain arguments to printf: no shell ever reads them.
    let reference = format!("api_key=cmd:printf '%s' {KEY}");
    open_ai_with(dir, &reference, &["--raw", "--set", &base]);
    let o = cmd(dir, &["test", "c"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    no_key(&o);
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );

    // Metacharacters are arguments, not shell syntax.
    let echo = cmd(
        dir,
        &[
            "update",
            "c",
            "--secret-ref",
            "api_key=cmd:echo a;touch pwned $(id)",
        ],
    );
    assert_eq!(echo.code, 0, "{}", echo.stderr);
    let o = cmd(dir, &["env", "c"]);
    assert!(o.stdout.contains("'a;touch pwned $(id)'"), "{}", o.stdout);
    assert!(!dir.join("pwned").exists());
}

#[test]
fn a_failing_command_shows_its_stderr_and_doctor_reports_it() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    open_ai_with_ref(
        dir,
        "api_key=cmd:sh -c 'echo \"item not found in vault\" >&2; exit 3'",
    );
    let o = cmd(dir, &["env", "c"]);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("failed"), "{}", o.stderr);
    assert!(o.stderr.contains("item not found in vault"), "{}", o.stderr);

    // A hostile stderr (an OSC 52 clipboard write) reaches the terminal escaped, never raw.
    cmd(
        dir,
        &[
            "update",
            "c",
            "--secret-ref",
            "api_key=cmd:sh -c 'printf \"\\033]52;c;aGk=\\007denied\" >&2; exit 1'",
        ],
    );
    let o = cmd(dir, &["env", "c"]);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("denied"), "{}", o.stderr);
    assert!(!o.stderr.contains('\u{1b}'), "raw ESC in: {:?}", o.stderr);

    // A command printing nothing is an error too, never an empty key.
    cmd(dir, &["update", "c", "--secret-ref", "api_key=cmd:true"]);
    let o = cmd(dir, &["env", "c"]);
    assert!(o.stderr.contains("printed nothing"), "{}", o.stderr);

    let o = cmd(dir, &["doctor", "--json"]);
    assert_ne!(o.code, 0);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let r = &v["references"][0];
    assert_eq!(r["connection"], "c");
    assert_eq!(r["source"], "cmd:true");
    assert_eq!(r["ok"], false);
}

#[test]
fn a_slow_command_is_stopped_at_the_timeout() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    open_ai_with_ref(dir, "api_key=cmd:sleep 30");
    let mut c = aiconn(dir);
    c.args(["env", "c"]).env("AICONN_SECRET_CMD_TIMEOUT", "1");
    let t = Instant::now();
    let o = run(c);
    assert!(t.elapsed() < Duration::from_secs(20), "not stopped");
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("took longer than 1 s"), "{}", o.stderr);
}

/// Whether process `pid` still lives (a zombie waiting for its reaper does not), after giving
/// a killed process a moment to go.
fn lives(pid: &str) -> bool {
    let stat = format!("/proc/{pid}/stat");
    for _ in 0..50 {
        match std::fs::read_to_string(&stat) {
            Err(_) => return false,
            // The state follows the parenthesized name: `123 (sleep) Z ...`.
            Ok(s)
                if s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z') =>
            {
                return false;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    true
}

fn pid_in(file: &std::path::Path) -> String {
    let pid = std::fs::read_to_string(file).unwrap().trim().to_string();
    assert!(pid.parse::<u32>().is_ok(), "{pid:?}");
    pid
}

/// A command that exits at once, having printed the key, but leaves a child holding its
/// stdout: aiconn does not wait for that child (the old reader waited the whole 30 s), and
/// the child does not outlive the call.
#[test]
fn a_command_leaving_a_child_on_its_stdout_cannot_outwait_the_timeout() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let pidfile = dir.join("child.pid");
    open_ai_with_ref(
        dir,
        &format!(
            "api_key=cmd:sh -c 'sleep 30 & echo $! > {}; echo fake-key-1501'",
            pidfile.display()
        ),
    );
    let mut c = aiconn(dir);
    c.args(["env", "c"]).env("AICONN_SECRET_CMD_TIMEOUT", "1");
    let t = Instant::now();
    let o = run(c);
    // A hang guard, not a speed target.
    assert!(t.elapsed() < Duration::from_secs(15), "kept waiting");
    if o.code == 0 {
        assert!(o.stdout.contains("fake-key-1501"), "{}", o.stdout);
    } else {
        assert!(
            o.stderr.contains("left a process holding its output"),
            "{}",
            o.stderr
        );
    }
    assert!(!lives(&pid_in(&pidfile)), "the child outlived the call");
}

/// A command that never exits: at the limit its whole process group is killed, also a child
/// that let go of the pipes (killing only the command would leave it running).
#[test]
fn after_a_timeout_no_process_the_command_started_lives() {
    for redirect in ["", "</dev/null >/dev/null 2>&1"] {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        let pidfile = dir.join("child.pid");
        open_ai_with_ref(
            dir,
            &format!(
                "api_key=cmd:sh -c 'sleep 30 {redirect} & echo $! > {}; wait'",
                pidfile.display()
            ),
        );
        let mut c = aiconn(dir);
        c.args(["env", "c"]).env("AICONN_SECRET_CMD_TIMEOUT", "1");
        let t = Instant::now();
        let o = run(c);
        assert!(t.elapsed() < Duration::from_secs(15), "kept waiting");
        assert_ne!(o.code, 0);
        assert!(o.stderr.contains("took longer than 1 s"), "{}", o.stderr);
        let pid = pid_in(&pidfile);
        assert!(
            !lives(&pid),
            "{redirect:?}: process {pid} outlived the timeout"
        );
    }
}

#[test]
fn a_command_edited_in_the_file_is_refused_until_allowed() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    open_ai_with_ref(dir, "api_key=cmd:printf fake-key-1401");
    assert_eq!(cmd(dir, &["env", "c"]).code, 0);
    // Someone edits the command in the file (a shared or synced connections.toml).
    let marker = dir.join("ran");
    let edited = file(dir).replace(
        "cmd:printf fake-key-1401",
        &format!("cmd:touch {}", marker.display()),
    );
    std::fs::write(dir.join("connections.toml"), edited).unwrap();
    for args in [
        &["env", "c"][..],
        &["run", "c", "--", "true"],
        &["test", "c"],
    ] {
        let o = cmd(dir, args);
        assert_ne!(o.code, 0, "{args:?}");
        assert!(
            o.stderr.contains("aiconn allow c"),
            "{args:?}: {}",
            o.stderr
        );
        assert!(!marker.exists(), "{args:?} ran an unapproved command");
    }
    let o = cmd(dir, &["doctor", "--json"]);
    assert!(o.stdout.contains("has not been approved"), "{}", o.stdout);
    assert!(!marker.exists(), "doctor ran an unapproved command");

    // `allow` shows the command and approves it; then it runs.
    let o = cmd(dir, &["allow", "c"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains(&format!("touch {}", marker.display())),
        "{}",
        o.stdout
    );
    let o = cmd(dir, &["env", "c"]);
    assert!(
        marker.exists(),
        "the approved command did not run: {}",
        o.stderr
    );

    // The approval is outside connections.toml and keyed by a hash, not the command.
    let approvals = std::fs::read_to_string(dir.join("approved-commands")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("approved-commands"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "approvals readable by others: {mode:o}");
    }
    assert!(!approvals.contains("touch"));
    assert!(!file(dir).contains("approved"));
}

#[test]
fn replacing_a_stored_key_with_a_reference_removes_the_stored_value() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    create(
        dir,
        &[
            "--type",
            "open_ai",
            "--name",
            "c",
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    let ns = dir_namespace(dir);
    assert_eq!(keychain_accounts(&format!("{ns}/c/")).len(), 1);
    let o = cmd(
        dir,
        &[
            "update",
            "c",
            "--secret-ref",
            "api_key=env:AICONN_TEST_KEY_1401",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(keychain_accounts(&format!("{ns}/c/")).is_empty());
    assert!(
        cmd(dir, &["show", "c"])
            .stdout
            .contains("env:AICONN_TEST_KEY_1401")
    );
}

#[test]
fn malformed_references_are_refused_without_echoing_a_secret() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    for bad in [
        "api_key=env:1X",
        "api_key=cmd:",
        "api_key=fake-key-1401",
        "nope=env:X",
    ] {
        let o = cmd(
            dir,
            &[
                "create",
                "--type",
                "open_ai",
                "--name",
                "c",
                "--secret-ref",
                bad,
            ],
        );
        assert_ne!(o.code, 0, "{bad}");
        no_key(&o);
        assert!(!dir.join("connections.toml").exists() || !file(dir).contains("[connections.c]"));
    }
}

#[test]
fn the_tui_tests_and_lists_with_the_reference_the_draft_holds() {
    use aiconn::model::{Connection, SecretRecord};
    use aiconn::secrets::refs::{Approvals, SecretRef};
    use aiconn::tui::app::{Action, Effect, EntryId, TestTarget};
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let (port, seen) = server(200, r#"{"data": []}"#, Duration::ZERO);
    // The draft (not saved) reads its key from a command the user typed, hence approved.
    let command = format!("printf {KEY}");
    Approvals::in_dir(dir).approve(&command).unwrap();
    let mut conn = Connection::new("draft", "open_ai").unwrap();
    conn.values
        .insert("base_url".into(), format!("http://127.0.0.1:{port}/v1"));
    conn.secrets
        .insert("api_key".into(), SecretRecord::Ref(SecretRef::Cmd(command)));
    let store = aiconn::store::Store::new(dir);
    let mut backend: Box<dyn aiconn::secrets::SecretStore> =
        Box::new(aiconn::service::secret_backend(
            &store,
            aiconn::model::Backend::Keychain,
            std::sync::Arc::new(|_| unreachable!("no vault here")),
        ));
    let action = aiconn::tui::effects::run_effect(
        &store,
        &mut backend,
        Effect::Test {
            target: TestTarget::Entry(EntryId::New(0)),
            conn,
            secrets: indexmap::IndexMap::new(),
            stored_name: None,
            unknown_hosts: aiconn::conntest::UnknownHosts::Ask,
        },
    );
    assert!(
        matches!(&action, Action::Tested { ok: true, .. }),
        "{action:?}"
    );
    assert_eq!(
        seen.lock().unwrap()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

/// Issue 19 (low): `list` called an `env:` reference "set" while its variable was unset, so a
/// quick look promised a key that every use would miss. The KEY column follows the variable.
#[test]
fn list_says_an_env_reference_to_an_unset_variable_is_unset() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    open_ai_with_ref(dir, "api_key=env:AICONN_TEST_KEY_1931");
    let key_column = |value: Option<&str>| {
        let mut c = aiconn(dir);
        c.args(["list"]);
        match value {
            Some(v) => c.env("AICONN_TEST_KEY_1931", v),
            None => c.env_remove("AICONN_TEST_KEY_1931"),
        };
        let o = run(c);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let row = o
            .stdout
            .lines()
            .find(|l| l.starts_with("c "))
            .unwrap()
            .to_string();
        row.split("  ")
            .filter(|s| !s.is_empty())
            .last()
            .unwrap()
            .trim()
            .to_string()
    };
    assert_eq!(key_column(None), "env unset");
    assert_eq!(
        key_column(Some("")),
        "env unset",
        "an empty variable reads as nothing"
    );
    assert_eq!(key_column(Some(KEY)), "set");
}

/// `--set api_key=env:NAME` stored the text `env:NAME` as the key, with no word: every use
/// then sent "env:NAME" as the key. A value spelled as a reference is refused with the flag
/// that makes it one, and nothing is saved.
#[test]
fn a_reference_given_as_a_plain_value_is_refused_with_the_flag_that_means_it() {
    let d = tempfile::tempdir().unwrap();
    for value in ["env:OPENAI_API_KEY", "cmd:pass show openai"] {
        let set = format!("api_key={value}");
        let o = cmd(
            d.path(),
            &["create", "--type", "open_ai", "--name", "c", "--set", &set],
        );
        assert_eq!(o.code, 2, "{value}: {}", o.stderr);
        assert!(o.stderr.contains("--secret-ref api_key="), "{}", o.stderr);
        assert_ne!(cmd(d.path(), &["show", "c"]).code, 0, "nothing saved");
    }
}

/// A `get-key` script in each of two dirs, printing different fake keys.
#[cfg(unix)]
fn two_get_keys(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let script = |at: &std::path::Path, key: &str| {
        std::fs::create_dir_all(at.join("bin")).unwrap();
        for p in [at.join("get-key"), at.join("bin/get-key")] {
            std::fs::write(&p, format!("#!/bin/sh\necho {key}\n")).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    };
    let (home, other) = (dir.join("proj"), dir.join("elsewhere"));
    script(&home, "fake-key-1403");
    script(&other, "fake-key-1404");
    (home, other)
}

#[cfg(unix)]
#[test]
fn an_approved_command_whose_program_depends_on_the_dir_runs_only_what_was_approved() {
    // A relative path, and a bare name found first through a relative PATH entry ("." and
    // "bin"): the same text names another program in another dir.
    let path = std::env::var("PATH").unwrap();
    for (command, path) in [
        ("cmd:./get-key", path.clone()),
        ("cmd:bin/get-key", path.clone()),
        ("cmd:get-key", format!(".:{path}")),
        ("cmd:get-key", format!("bin:{path}")),
    ] {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        let (home, other) = two_get_keys(dir);
        let run_in = |cwd: &std::path::Path, args: &[&str]| {
            let mut c = aiconn(dir);
            c.current_dir(cwd).env("PATH", &path).args(args);
            run(c)
        };
        // Created (and so approved) from proj/.
        let reference = format!("api_key={command}");
        let o = run_in(
            &home,
            &[
                "create",
                "--type",
                "open_ai",
                "--name",
                "c",
                "--secret-ref",
                &reference,
            ],
        );
        assert_eq!(o.code, 0, "{command}: {}", o.stderr);
        let o = run_in(&home, &["env", "c"]);
        assert_eq!(o.code, 0, "{command}: {}", o.stderr);
        assert!(o.stdout.contains("fake-key-1403"), "{command}");
        let o = run_in(&other, &["env", "c"]);
        assert_ne!(o.code, 0, "{command}");
        assert!(
            !o.stdout.contains("fake-key-1404"),
            "{command}: the unapproved program ran"
        );
        assert!(
            o.stderr.contains("has not been approved"),
            "{command}: {}",
            o.stderr
        );
        // Approved there too, it runs there (each dir's program on its own approval).
        let o = run_in(&other, &["allow", "c"]);
        assert_eq!(o.code, 0, "{command}: {}", o.stderr);
        let o = run_in(&other, &["env", "c"]);
        assert!(
            o.stdout.contains("fake-key-1404"),
            "{command}: {}",
            o.stderr
        );
    }
    // A bare name found in an absolute dir is the same program from anywhere: one approval.
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let (home, other) = two_get_keys(dir);
    let path = format!("{}:{path}", home.join("bin").display());
    let run_in = |cwd: &std::path::Path, args: &[&str]| {
        let mut c = aiconn(dir);
        c.current_dir(cwd).env("PATH", &path).args(args);
        run(c)
    };
    let args = [
        "create",
        "--type",
        "open_ai",
        "--name",
        "c",
        "--secret-ref",
        "api_key=cmd:get-key",
    ];
    assert_eq!(run_in(&home, &args).code, 0);
    let o = run_in(&other, &["env", "c"]);
    assert!(o.stdout.contains("fake-key-1403"), "{}", o.stderr);
}

/// Saves `conn` through the TUI's effect runner (the worker a form's save goes to).
fn tui_save(
    dir: &std::path::Path,
    conn: aiconn::model::Connection,
    expect: aiconn::service::Expect,
    copy_of: Option<&str>,
) {
    use aiconn::tui::app::{Action, Effect, EntryId};
    let store = aiconn::store::Store::new(dir);
    let mut backend: Box<dyn aiconn::secrets::SecretStore> =
        Box::new(aiconn::service::secret_backend(
            &store,
            aiconn::model::Backend::Keychain,
            std::sync::Arc::new(|_| unreachable!("no vault here")),
        ));
    let a = aiconn::tui::effects::run_effect(
        &store,
        &mut backend,
        Effect::Save {
            id: EntryId::New(0),
            conn,
            secrets: indexmap::IndexMap::new(),
            expect,
            copy_secrets_from: copy_of.map(String::from),
        },
    );
    assert!(matches!(&a, Action::Saved { result: Ok(_), .. }), "{a:?}");
}

#[test]
fn names_typed_in_the_tui_are_approved_and_a_copy_of_a_file_connection_approves_nothing() {
    use aiconn::model::{Connection, SecretRecord};
    use aiconn::secrets::refs::SecretRef;
    use aiconn::service::Expect;
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let token = SecretRecord::Ref(SecretRef::Env("AICONN_TEST_TOKEN_1501".into()));
    let custom = |name: &str, keys: &[&str]| {
        let mut c = Connection::new(name, "custom").unwrap();
        for k in keys {
            c.configs.insert((*k).into(), "v".into());
        }
        c.secrets.insert("token".into(), token.clone());
        c
    };
    let env = |name: &str| {
        let mut c = aiconn(dir);
        c.env("AICONN_TEST_TOKEN_1501", "fake-key-1501")
            .args(["env", name]);
        run(c)
    };
    // From someone else's file: created, then its approvals gone, as if copied in.
    let o = cmd(
        dir,
        &[
            "create",
            "--type",
            "custom",
            "--name",
            "shared",
            "--set",
            "configs.THEIRS=v",
            "--secret-ref",
            "token=env:AICONN_TEST_TOKEN_1501",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    std::fs::remove_file(dir.join("approved-commands")).unwrap();
    let refused = |name: &str| {
        let o = env(name);
        assert_ne!(o.code, 0, "{name}: {}", o.stdout);
        o.stderr
    };
    assert!(refused("shared").contains("THEIRS"));
    // Typed in the TUI: its names reach a child with no `allow`.
    tui_save(dir, custom("mine", &["MINE_REGION"]), Expect::Absent, None);
    let o = env("mine");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("MINE_REGION"), "{}", o.stdout);
    // Renamed in the TUI, it keeps its approval.
    let store = aiconn::store::Store::new(dir);
    let mut backend: Box<dyn aiconn::secrets::SecretStore> =
        Box::new(aiconn::service::secret_backend(
            &store,
            aiconn::model::Backend::Keychain,
            std::sync::Arc::new(|_| unreachable!("no vault here")),
        ));
    let rename = aiconn::tui::app::Effect::Rename {
        old: "mine".into(),
        new: "mine2".into(),
    };
    aiconn::tui::effects::run_effect(&store, &mut backend, rename);
    let o = env("mine2");
    assert!(o.stdout.contains("MINE_REGION"), "{}", o.stderr);
    // A duplicate in the TUI copies the connection, not an approval the file never had.
    tui_save(
        dir,
        custom("copy", &["THEIRS"]),
        Expect::Absent,
        Some("shared"),
    );
    assert!(refused("copy").contains("THEIRS"));
    // An edit approves the key it added, and only that.
    let base = aiconn::store::Store::new(dir)
        .find("shared")
        .unwrap()
        .unwrap();
    let mut edited = base.clone();
    edited.configs.insert("ADDED".into(), "v".into());
    tui_save(dir, edited, Expect::Unchanged(base), None);
    let why = refused("shared");
    assert!(why.contains("THEIRS") && !why.contains("ADDED"), "{why}");
}
