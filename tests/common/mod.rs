//! Shared test support: a real Secret Service (gnome-keyring in a private D-Bus session, one
//! per test binary) and a command builder for the real binary on a temp config dir.
#![allow(dead_code)]

pub mod fixtures;
pub mod http;
pub mod no_bus;
pub mod pty;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub struct Keyring {
    pub bus: String,
    pub runtime: PathBuf,
    pub data: PathBuf,
}

/// Starts gnome-keyring in a private session bus, unlocked, with its data in a scratch dir
/// (never the user's real keyring). It exits by itself shortly after this test process.
pub fn keyring() -> &'static Keyring {
    static K: OnceLock<Keyring> = OnceLock::new();
    K.get_or_init(|| start_keyring(&fresh_dir("keyring"), "aiconn-test"))
}

/// A new directory under the target's tmp dir, never one a past run used: a pid alone is not
/// unique (pids wrap at 32768 after the crash tests' thousands of processes, and a reused
/// dir meets the earlier run's keyring daemon, which then exits mid-test).
pub fn fresh_dir(prefix: &str) -> PathBuf {
    tempfile::Builder::new()
        .prefix(&format!("{prefix}-"))
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
        .keep()
}

/// A private session bus with gnome-keyring unlocked by `password`, keeping its keyrings in
/// `base/data`. The first password creates the login keyring; a different one later leaves it
/// locked (that is how the locked case is made). Ends shortly after this test process.
pub fn start_keyring(base: &Path, password: &str) -> Keyring {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let runtime = base.join(format!(
        "run-{}",
        N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let data = base.join("data");
    std::fs::create_dir_all(&runtime).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let script = r#"printf %s "$KEYRING_PW" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
echo "$DBUS_SESSION_BUS_ADDRESS"
while kill -0 "$WATCH_PID" 2>/dev/null; do sleep 1; done"#;
    let mut child = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script])
        .env("WATCH_PID", std::process::id().to_string())
        .env("KEYRING_PW", password)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("XDG_DATA_HOME", &data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-run-session and gnome-keyring are needed for these tests: run ./scripts/test (it installs them)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let bus = line.trim().to_string();
    assert!(
        bus.starts_with("unix:"),
        "no session bus address from dbus-run-session: {bus:?}"
    );
    std::mem::forget(child);
    Keyring { bus, runtime, data }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_aiconn")
}

/// The real binary on `dir`, talking to the test keyring.
pub fn aiconn(dir: &Path) -> Command {
    let k = keyring();
    let mut c = Command::new(bin());
    c.env("AICONN_CONFIG_DIR", dir)
        .env("DBUS_SESSION_BUS_ADDRESS", &k.bus)
        .env("XDG_RUNTIME_DIR", &k.runtime)
        .env("XDG_DATA_HOME", &k.data)
        .env("NO_COLOR", "1")
        .env_remove("AICONN_SECRET_BACKEND")
        .stdin(Stdio::null());
    c
}

/// The real binary on a machine with no session bus at all (the SSH-to-a-server case).
pub fn aiconn_headless(dir: &Path) -> Command {
    let empty = dir.join("no-runtime");
    std::fs::create_dir_all(&empty).unwrap();
    let mut c = Command::new(bin());
    c.env("AICONN_CONFIG_DIR", dir)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", &empty)
        .env("NO_COLOR", "1")
        .env_remove("AICONN_SECRET_BACKEND")
        .stdin(Stdio::null());
    c
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(mut c: Command) -> Out {
    let o = c.output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

pub fn run_with_stdin(mut c: Command, input: &str) -> Out {
    use std::io::Write;
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Runs `aiconn ARGS...` on `dir` and returns the output.
pub fn cmd(dir: &Path, args: &[&str]) -> Out {
    let mut c = aiconn(dir);
    c.args(args);
    run(c)
}

/// The repo's own copy of the test data (`tests/data`), never a path outside the repo.
pub fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// `aiconn show NAME --json --reveal` on `dir`, parsed.
pub fn show_json(dir: &Path, name: &str) -> serde_json::Value {
    let o = cmd(dir, &["show", name, "--json", "--reveal"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    serde_json::from_str(&o.stdout).unwrap()
}

/// `aiconn create ARGS...` on `dir`; fails the test with aiconn's stderr if it fails.
pub fn create(dir: &Path, args: &[&str]) {
    let mut all = vec!["create"];
    all.extend_from_slice(args);
    let o = cmd(dir, &all);
    assert_eq!(o.code, 0, "create {args:?}: {}", o.stderr);
}

/// Every account name aiconn has in the test keyring that starts with `prefix` (read with
/// `secret-tool`, independently of aiconn).
pub fn keychain_accounts(prefix: &str) -> Vec<String> {
    let k = keyring();
    let o = Command::new("secret-tool")
        .args(["search", "--all", "service", "aiconn"])
        .env("DBUS_SESSION_BUS_ADDRESS", &k.bus)
        .output()
        .unwrap();
    // secret-tool prints attributes on stderr and secrets on stdout; read only the names.
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .chain(String::from_utf8_lossy(&o.stdout).lines())
        .filter_map(|l| l.strip_prefix("attribute.username = "))
        .filter(|u| u.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

/// Polls `ready` until it holds (at most `timeout`); a test waits for a condition, never for a
/// fixed time. Returns whether it held.
pub fn wait_until(timeout: std::time::Duration, ready: impl Fn() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < timeout {
        if ready() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    ready()
}

/// Writes `text` to `path` readable by its owner only (as a passphrase file must be).
pub fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// The keychain namespace of config dir `dir`, read from its `dir-namespace` file (kept
/// beside `connections.toml`, never inside it).
pub fn dir_namespace(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("dir-namespace"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("namespace="))
        .unwrap()
        .to_string()
}
