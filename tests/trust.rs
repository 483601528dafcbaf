//! Issue 10 as an attacker and a careless user would try it: where a key may be sent, what a
//! connection may put in a child's environment, and what input may reach the terminal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::*;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const KEY: &str = "fake-key-1001";

/// A loopback listener that only counts connections (a key must never reach it).
fn counting_listener() -> (u16, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            n2.fetch_add(1, Ordering::SeqCst);
            drop(s);
        }
    });
    (port, n)
}

fn make(dir: &std::path::Path, type_id: &str, url: &str) {
    let key = format!("api_key={KEY}");
    create(
        dir,
        &[
            "--type", type_id, "--name", "c", "--raw", "--set", url, "--set", &key,
        ],
    );
}

fn refused(dir: &std::path::Path, why: &str) {
    let o = cmd(dir, &["test", "c"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("not sending the key") && o.stderr.contains(why),
        "{}",
        o.stderr
    );
    assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
}

#[test]
fn test_never_sends_a_key_to_a_lookalike_or_userinfo_host() {
    let t = tempfile::tempdir().unwrap();
    make(
        t.path(),
        "azure_open_ai",
        "api_base=https://contoso.openai.azure.com.evil.example/",
    );
    refused(t.path(), "only looks like");

    // The userinfo trick, pointed at a listener on this machine: nothing may connect.
    let (port, hits) = counting_listener();
    // A save strips the user part, so the file is written by hand (or by someone else).
    let t = tempfile::tempdir().unwrap();
    make(
        t.path(),
        "azure_open_ai",
        "api_base=https://contoso.openai.azure.com/",
    );
    let file = t.path().join("connections.toml");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "https://contoso.openai.azure.com/",
        &format!("http://contoso.openai.azure.com@127.0.0.1:{port}/"),
    );
    std::fs::write(&file, text).unwrap();
    refused(t.path(), "real host is 127.0.0.1");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "a connection was opened");
}

#[test]
fn test_sends_no_key_over_plain_http_except_to_loopback() {
    let t = tempfile::tempdir().unwrap();
    make(t.path(), "open_ai", "base_url=http://api.example.test/v1");
    refused(t.path(), "unencrypted");

    // Loopback is allowed (local servers): the request is made.
    let (port, hits) = counting_listener();
    let t = tempfile::tempdir().unwrap();
    make(
        t.path(),
        "open_ai",
        &format!("base_url=http://localhost:{port}/v1"),
    );
    let o = cmd(t.path(), &["test", "c", "--timeout", "2"]);
    assert!(!o.stderr.contains("not sending"), "{}", o.stderr);
    assert!(hits.load(Ordering::SeqCst) >= 1);
}

#[test]
fn test_timeout_out_of_range_is_a_usage_error_not_a_crash() {
    let t = tempfile::tempdir().unwrap();
    make(t.path(), "open_ai", "base_url=https://api.openai.com/v1");
    let o = cmd(
        t.path(),
        &["test", "c", "--timeout", "18446744073709551615"],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
}

fn import_yaml(dir: &std::path::Path, yaml: &str) -> Out {
    let f = dir.join("in.yaml");
    std::fs::write(&f, yaml).unwrap();
    cmd(dir, &["import", f.to_str().unwrap()])
}

#[test]
fn run_and_env_refuse_names_that_take_over_the_child() {
    let t = tempfile::tempdir().unwrap();
    let o = import_yaml(
        t.path(),
        "name: prod\ntype: custom\nconfigs:\n  PATH: /tmp/evil-bin\nsecrets:\n  k: fake-key-1002\n",
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = cmd(t.path(), &["run", "prod", "--", "true"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("'prod'") && o.stderr.contains("PATH"),
        "{}",
        o.stderr
    );
    let o = cmd(t.path(), &["env", "prod", "--format", "json"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(!o.stdout.contains("evil-bin"));

    // The prefix form cannot be used to build one either: a connection named LD, key PRELOAD.
    let o = import_yaml(
        t.path(),
        "name: LD\ntype: custom\nconfigs:\n  PRELOAD: /tmp/evil.so\nsecrets:\n  k: fake-key-1003\n",
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = cmd(t.path(), &["env", "LD", "--prefix", "--format", "json"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("LD_PRELOAD"), "{}", o.stderr);
}

#[test]
fn a_secret_the_keychain_lost_is_an_error_for_run_and_env() {
    let t = tempfile::tempdir().unwrap();
    let o = cmd(t.path(), &fixtures::refs(&fixtures::openai("c", KEY)));
    assert_eq!(o.code, 0, "{}", o.stderr);
    // Remove every aiconn item of the test keyring behind aiconn's back.
    let k = keyring();
    let st = std::process::Command::new("secret-tool")
        .args(["clear", "service", "aiconn"])
        .env("DBUS_SESSION_BUS_ADDRESS", &k.bus)
        .status()
        .unwrap();
    assert!(st.success());
    for args in [
        vec!["run", "c", "--", "true"],
        vec!["env", "c", "--format", "json"],
    ] {
        let o = cmd(t.path(), &args);
        assert_eq!(o.code, 1, "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains("'api_key' of 'c'") && o.stderr.contains("set it again"),
            "{}",
            o.stderr
        );
    }
}

/// No byte of an escape sequence from a file, argv or a URL may reach stdout or stderr raw.
fn assert_clean(o: &Out) {
    for (what, text) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        assert!(
            !text.chars().any(|c| (c.is_control() && c != '\n')
                || matches!(c as u32, 0x80..=0x9f | 0x202a..=0x202e | 0x2066..=0x2069)),
            "raw control character on {what}: {text:?}"
        );
    }
}

#[test]
fn hostile_input_never_reaches_the_terminal_raw() {
    let t = tempfile::tempdir().unwrap();
    let o = import_yaml(
        t.path(),
        "name: x\ntype: \"azure\\e]0;PWNED\\a\"\napi_key: fake-key-1004\n",
    );
    assert_ne!(o.code, 0);
    assert_clean(&o);
    assert_clean(&cmd(t.path(), &["show", "no\x1b]0;PWNED\x07"]));
    assert_clean(&cmd(
        t.path(),
        &[
            "endpoint",
            "https://contoso.openai.azure.com/%1b]0;PWNED%07/models",
        ],
    ));
    assert_clean(&cmd(t.path(), &["update", "nope", "--set", "a\x1b[2J=b"]));
    std::fs::write(
        t.path().join("connections.toml"),
        "version = 1\nnamespace = \"abc\"\n[connections.x]\ntype = \"azure\\u001b]0;PW\\u0007\"\n",
    )
    .unwrap();
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["show", "x"],
        vec!["doctor"],
    ] {
        assert_clean(&cmd(t.path(), &args));
    }
    // A stored value with C1 and bidi controls: JSON output escapes them, and keeps the value.
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join("connections.toml"),
        "version = 1\nnamespace = \"abc\"\n[connections.x]\ntype = \"custom\"\nconfigs = { note = \"a\\u009b31m\\u202eb\" }\n",
    )
    .unwrap();
    for args in [
        vec!["list", "--json"],
        vec!["show", "x", "--json"],
        vec!["show", "x"],
        vec!["list"],
    ] {
        let o = cmd(t.path(), &args);
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
        assert_clean(&o);
    }
    let o = cmd(t.path(), &["show", "x", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["configs"]["note"], "a\u{9b}31m\u{202e}b", "{}", o.stdout);
}

#[cfg(target_os = "linux")]
#[test]
fn the_process_cannot_dump_core_while_it_holds_secrets() {
    let t = tempfile::tempdir().unwrap();
    let mut p = common::pty::Pty::spawn(t.path(), &[], 80, 24);
    p.wait_for("Paste what you have");
    let pid = p.child.process_id().unwrap();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let soft = core.split_whitespace().nth(4).unwrap();
    assert_eq!(soft, "0", "{core}");
    let _ = p.child.kill();
}

#[cfg(unix)]
#[test]
fn the_config_file_is_a_regular_file_and_links_are_handled() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    // Not a regular file: refused at once, without reading it (a FIFO would block forever).
    let t = tempfile::tempdir().unwrap();
    symlink("/dev/zero", t.path().join("connections.toml")).unwrap();
    let o = cmd(t.path(), &["list"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("not a regular file"), "{}", o.stderr);
    let t = tempfile::tempdir().unwrap();
    let fifo = t.path().join("connections.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let o = cmd(t.path(), &["list"]);
    assert!(o.stderr.contains("not a regular file"), "{}", o.stderr);

    // A symlinked connections.toml is written through: the link stays, the target changes.
    let t = tempfile::tempdir().unwrap();
    let real = t.path().join("dotfiles");
    std::fs::create_dir(&real).unwrap();
    std::fs::write(real.join("c.toml"), "version = 1\nnamespace = \"abc\"\n").unwrap();
    let dir = t.path().join("cfg");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    symlink(real.join("c.toml"), dir.join("connections.toml")).unwrap();
    create(
        &dir,
        &[
            "--type",
            "custom",
            "--name",
            "x",
            "--set",
            "configs.a=b",
            "--set",
            "secrets.k=fake-key-1005",
        ],
    );
    assert!(
        std::fs::symlink_metadata(dir.join("connections.toml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(real.join("c.toml"))
            .unwrap()
            .contains("[connections.x]")
    );

    // A lock file planted as a symlink is never followed.
    let t = tempfile::tempdir().unwrap();
    let victim = t.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    symlink(&victim, t.path().join("connections.toml.lock")).unwrap();
    let o = cmd(
        t.path(),
        &[
            "create",
            "--type",
            "custom",
            "--name",
            "x",
            "--set",
            "configs.a=b",
            "--set",
            "secrets.k=fake-key-1006",
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");

    // A config dir open to others gets a warning with the chmod.
    let t = tempfile::tempdir().unwrap();
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = cmd(t.path(), &["list"]);
    assert!(o.stderr.contains("chmod 700"), "{}", o.stderr);
}

#[test]
fn oversized_values_and_hostile_files_are_refused_at_write() {
    let t = tempfile::tempdir().unwrap();
    let big = format!("organization={}", "o".repeat(70_000));
    let key = format!("api_key={KEY}");
    let o = cmd(
        t.path(),
        &[
            "create", "--type", "open_ai", "--name", "c", "--set", &big, "--set", &key,
        ],
    );
    assert_eq!(o.code, 1, "{}", &o.stderr[..o.stderr.len().min(300)]);
    assert!(
        o.stderr.contains("KiB"),
        "{}",
        &o.stderr[..o.stderr.len().min(300)]
    );
    assert!(!t.path().join("connections.toml").exists());

    // 100,000 levels of nesting: refused quickly with a reason.
    let deep = format!("name: d\ntype: custom\nconfigs: {}\n", "[".repeat(100_000));
    let o = import_yaml(t.path(), &deep);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("nested deeper"), "{}", o.stderr);

    // A name in the file that would leave --out is refused, and nothing is written there.
    std::fs::write(
        t.path().join("connections.toml"),
        "version = 1\nnamespace = \"abc\"\n[connections.\"../../pwned\"]\ntype = \"custom\"\nconfigs = { a = \"b\" }\n",
    )
    .unwrap();
    let out = t.path().join("out/a/b");
    std::fs::create_dir_all(&out).unwrap();
    let o = cmd(t.path(), &["export", "--out", out.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("invalid name"), "{}", o.stderr);
    assert!(!t.path().join("out/pwned.yaml").exists());
}

#[test]
fn smaller_leaks_are_closed() {
    let t = tempfile::tempdir().unwrap();
    // A key on the command line: warned, with the safe alternative; the value never echoed.
    let key = format!("api_key={KEY}");
    let o = cmd(
        t.path(),
        &[
            "create",
            "--type",
            "open_ai",
            "--name",
            "c",
            "--set",
            "base_url=https://u:pw-0001@api.openai.com/v1",
            "--set",
            &key,
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("process list") && o.stderr.contains("--secret-stdin api_key"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains(KEY));
    // The URL's credentials are not stored, and the user is told.
    assert!(o.stderr.contains("removed the credentials"), "{}", o.stderr);
    let file = std::fs::read_to_string(t.path().join("connections.toml")).unwrap();
    assert!(
        !file.contains("pw-0001") && file.contains("https://api.openai.com/v1"),
        "{file}"
    );
    assert!(!cmd(t.path(), &["list"]).stdout.contains("pw-0001"));

    // `--set VALUE` without '=' does not echo the value.
    let o = cmd(t.path(), &["update", "c", "--set", "fake-key-1007"]);
    assert_eq!(o.code, 2);
    assert!(!o.stderr.contains("fake-key-1007"), "{}", o.stderr);

    // The main help does not teach putting a key on the command line.
    let o = cmd(t.path(), &["--help"]);
    assert!(
        !o.stdout.contains("api_key=<") && !o.stdout.contains("api_key=..."),
        "{}",
        o.stdout
    );
}

#[test]
fn export_with_env_secrets_then_import_resolves_the_variable() {
    let t = tempfile::tempdir().unwrap();
    let o = cmd(t.path(), &fixtures::refs(&fixtures::openai("c", KEY)));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out = t.path().join("out");
    let o = cmd(
        t.path(),
        &[
            "export",
            "c",
            "--out",
            out.to_str().unwrap(),
            "--secrets",
            "env",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let yaml = std::fs::read_to_string(out.join("c.yaml")).unwrap();
    assert!(yaml.contains("${env:C_API_KEY}"), "{yaml}");
    let t2 = tempfile::tempdir().unwrap();
    // Unset: an error naming the variable, nothing stored.
    let mut c = aiconn(t2.path());
    c.args(["import", out.join("c.yaml").to_str().unwrap()])
        .env_remove("C_API_KEY");
    let o = run(c);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("C_API_KEY is not set"), "{}", o.stderr);
    assert!(cmd(t2.path(), &["list", "--json"]).stdout.trim() == "[]");
    // Set: its value is the key, not the literal text.
    let mut c = aiconn(t2.path());
    c.args(["import", out.join("c.yaml").to_str().unwrap()])
        .env("C_API_KEY", "fake-key-1008");
    let o = run(c);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = show_json(t2.path(), "c");
    assert_eq!(v["api_key"], "fake-key-1008", "{v}");
}

#[test]
fn the_tui_test_key_follows_the_same_rules() {
    use aiconn::model::Connection;
    use aiconn::secrets::SecretStore;
    use aiconn::tui::app::{Action, Effect, EntryId, TestTarget};
    let (port, hits) = counting_listener();
    let d = tempfile::tempdir().unwrap();
    let store = aiconn::store::Store::new(d.path());
    let mut backend: Box<dyn SecretStore> = Box::new(aiconn::secrets::KeychainStore::with_store(
        keyring_core::mock::Store::new().unwrap(),
        std::time::Duration::from_secs(3),
    ));
    for (url, why) in [
        (
            "https://contoso.openai.azure.com.evil.example/",
            "only looks like",
        ),
        (
            &*format!("http://contoso.openai.azure.com@127.0.0.1:{port}/"),
            "real host",
        ),
        ("http://api.example.test/", "unencrypted"),
    ] {
        let mut c = Connection::new("t", "azure_open_ai").unwrap();
        c.values.insert("api_base".into(), url.to_string());
        let mut secrets = indexmap::IndexMap::new();
        secrets.insert("api_key".to_string(), secrecy::SecretString::from(KEY));
        let a = aiconn::tui::effects::run_effect(
            &store,
            &mut backend,
            Effect::Test {
                target: TestTarget::Entry(EntryId::New(1)),
                conn: c,
                secrets,
                stored_name: None,
                unknown_hosts: aiconn::conntest::UnknownHosts::Ask,
            },
        );
        match a {
            Action::Tested { ok, message, .. } => {
                assert!(!ok);
                assert!(
                    message.contains("not sending the key") && message.contains(why),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[test]
fn delete_without_a_usable_keychain_fails_and_changes_nothing() {
    let t = tempfile::tempdir().unwrap();
    make(t.path(), "open_ai", "base_url=https://api.openai.com/v1");
    let before = std::fs::read_to_string(t.path().join("connections.toml")).unwrap();
    let mut c = aiconn_headless(t.path());
    c.args(["delete", "c", "--yes"]);
    let o = run(c);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("D-Bus"), "{}", o.stderr);
    assert_eq!(
        std::fs::read_to_string(t.path().join("connections.toml")).unwrap(),
        before,
        "the connection and its key stay together"
    );
    // With the keychain back, the delete goes through and takes the key with it.
    assert_eq!(cmd(t.path(), &["delete", "c", "--yes"]).code, 0);
    let o = cmd(t.path(), &["doctor"]);
    assert!(o.stdout.contains("unreferenced    none"), "{}", o.stdout);
}

/// Issue 18 item 3: writers through a symlinked connections.toml and through its target did not
/// exclude each other (the lock sat beside the link): creates were lost while every one said
/// it succeeded. Both take the lock beside the file a save replaces, so none is lost; temp
/// files of killed writers beside the target are swept.
#[test]
fn writers_through_a_symlink_and_its_target_lose_nothing() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let t = tempfile::tempdir().unwrap();
    let real = t.path().join("real");
    let link = t.path().join("link");
    for d in [&real, &link] {
        std::fs::create_dir(d).unwrap();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    std::fs::write(real.join("connections.toml"), "version = 1\n").unwrap();
    symlink(real.join("connections.toml"), link.join("connections.toml")).unwrap();
    std::fs::write(real.join(".connections.toml.k1Ll3d.tmp"), "half").unwrap();
    let writers: Vec<_> = [(&real, "r"), (&link, "l")]
        .into_iter()
        .map(|(dir, tag)| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                for i in 0..30 {
                    let args = common::fixtures::entra_aoai(&format!("{tag}{i}"));
                    let o = cmd(&dir, &common::fixtures::refs(&args));
                    assert_eq!(o.code, 0, "{}", o.stderr);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let o = cmd(&real, &["list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 60, "saves were lost");
    assert!(
        !real.join(".connections.toml.k1Ll3d.tmp").exists(),
        "a stale temp beside the target stayed"
    );
    assert!(
        std::fs::symlink_metadata(link.join("connections.toml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// Issue 18 item 13: `show`, `test` and `allow` answered from the one section asked for while
/// `list` refused the file (an unknown type elsewhere, a duplicate table, broken TOML): a
/// hostile or damaged file was trusted by some commands. Every reader now refuses the same
/// files, with the same error, and leaves them untouched.
#[test]
fn every_command_refuses_a_file_the_full_reader_refuses() {
    let d = tempfile::tempdir().unwrap();
    let args = common::fixtures::entra_aoai("a");
    assert_eq!(cmd(d.path(), &common::fixtures::refs(&args)).code, 0);
    let good = std::fs::read_to_string(d.path().join("connections.toml")).unwrap();
    for tail in [
        "[connections.b]\ntype = \"nope\"\n",
        "[connections.a]\ntype = \"open_ai\"\n",
        "[connections.b]\ntype = \"open_ai\"\nbogus_field = 1\n",
        "x = \n",
    ] {
        let text = format!("{good}{tail}");
        std::fs::write(d.path().join("connections.toml"), &text).unwrap();
        let list = cmd(d.path(), &["list"]);
        assert_ne!(list.code, 0, "{tail}");
        for args in [
            vec!["show", "a"],
            vec!["show", "a", "--json"],
            vec!["test", "a"],
            vec!["allow", "a"],
            vec!["env", "a"],
        ] {
            let o = cmd(d.path(), &args);
            assert_ne!(
                o.code, 0,
                "{args:?} answered from a file list refuses ({tail:?}): {}",
                o.stdout
            );
        }
        assert_eq!(
            std::fs::read_to_string(d.path().join("connections.toml")).unwrap(),
            text,
            "untouched"
        );
    }
}
