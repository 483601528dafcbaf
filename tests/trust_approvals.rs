//! Issue 18, items 4 and 12: the approvals file is trusted only as ssh trusts its own files
//! (a regular file of this user that nobody else can write, never followed through a link),
//! and concurrent approvals never lose one another.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::*;
use std::path::Path;

const KEY: &str = "fake-key-1841";

fn with_cmd(dir: &Path) {
    create(
        dir,
        &[
            "--type",
            "open_ai",
            "--name",
            "c",
            "--secret-ref",
            &format!("api_key=cmd:printf '%s' {KEY}"),
        ],
    );
}

/// Whether the approved command ran (its output reached `env`).
fn command_ran(dir: &Path) -> (bool, Out) {
    let o = cmd(dir, &["env", "c", "--format", "json"]);
    (o.stdout.contains(KEY), o)
}

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn an_approvals_file_others_could_write_is_not_trusted() {
    let t = tempfile::tempdir().unwrap();
    with_cmd(t.path());
    let file = t.path().join("approved-commands");
    assert!(command_ran(t.path()).0, "the approved command runs");
    let mut held = 0;
    for mode in [0o666, 0o620, 0o602, 0o660] {
        chmod(&file, mode);
        let (ran, o) = command_ran(t.path());
        assert!(!ran, "mode {mode:o}: the command ran");
        assert!(o.stderr.contains("chmod 600"), "{mode:o}: {}", o.stderr);
        held += 1;
    }
    chmod(&file, 0o600);
    assert!(command_ran(t.path()).0);

    // A link into a world-writable place, and a link to a file that looks fine: both refused.
    let elsewhere = tempfile::tempdir().unwrap();
    for mode in [0o666, 0o600] {
        let target = elsewhere.path().join(format!("approvals-{mode:o}"));
        std::fs::copy(&file, &target).unwrap();
        chmod(&target, mode);
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(&target, &file).unwrap();
        let (ran, o) = command_ran(t.path());
        assert!(!ran, "a symlinked approvals file ({mode:o}) was honoured");
        assert!(o.stderr.contains("symbolic link"), "{}", o.stderr);
        std::fs::remove_file(&file).unwrap();
        std::fs::copy(&target, &file).unwrap();
        chmod(&file, 0o600);
        held += 1;
    }
    // Another owner (the tests may run as root, which can hand the file to nobody).
    if rustix::process::geteuid().is_root() {
        std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
        let (ran, o) = command_ran(t.path());
        assert!(!ran, "a file of another owner was honoured");
        assert!(o.stderr.contains("another user"), "{}", o.stderr);
        held += 1;
    }
    eprintln!("approvals-file attacks refused: {held}");
}

#[test]
fn concurrent_allows_keep_every_approval() {
    let t = tempfile::tempdir().unwrap();
    let n = 40;
    let mut text = String::from("version = 1\n");
    for i in 0..n {
        text.push_str(&format!(
            "[connections.c{i}]\ntype = \"open_ai\"\nsecrets = {{ api_key = \"cmd:printf %s fake-key-18{i:02}\" }}\n"
        ));
    }
    std::fs::write(t.path().join("connections.toml"), text).unwrap();
    let children: Vec<_> = (0..n)
        .map(|i| {
            let mut c = aiconn(t.path());
            c.args(["allow", &format!("c{i}")])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let kept = std::fs::read_to_string(t.path().join("approved-commands"))
        .unwrap()
        .lines()
        .filter(|l| l.len() == 64)
        .count();
    assert_eq!(kept, n, "approvals were lost to concurrent writers");
}
