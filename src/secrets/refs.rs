//! Secret references: a secret field that names where its value already lives (an environment
//! variable, or a command such as `op read ...`) instead of holding a copy. The reference is
//! recorded in `connections.toml`; the value is fetched at use and never written anywhere.
//!
//! A command found in a file may have been written by someone else, so it runs only once the
//! user approved that exact text on this machine (as direnv's `allow`). Approvals live in
//! `approved-commands` beside, not inside, `connections.toml`, keyed by the command's SHA-256:
//! an edited command is a different hash and needs approval again.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use secrecy::SecretString;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

pub use crate::model::SecretRef;
use crate::model::secret_ref::argv;

pub use super::approvals::APPROVALS_FILE;

/// The command timeout: `AICONN_SECRET_CMD_TIMEOUT` seconds (1..=600), else 10 s (`settings`).
pub fn timeout_from_env() -> Duration {
    crate::settings::get().secret_cmd_timeout
}

/// Longest stdout or stderr read from a command (a secret is far shorter).
const MAX_OUTPUT: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RefError {
    #[error(transparent)]
    Malformed(#[from] crate::model::MalformedRef),
    #[error("environment variable {0} is not set (or is empty)")]
    EnvUnset(String),
    #[error(
        "the command `{0}` has not been approved on this machine; check it, then run `aiconn allow {1}`"
    )]
    NotApproved(String, String),
    #[error("the command `{command}` could not be started: {detail}")]
    Spawn { command: String, detail: String },
    #[error(
        "the command `{command}` took longer than {secs} s (or left a process holding its output) and was stopped with every process it started"
    )]
    Timeout { command: String, secs: u64 },
    #[error("the command `{command}` failed ({status}): {stderr}")]
    Failed {
        command: String,
        status: String,
        stderr: String,
    },
    #[error("the command `{0}` printed nothing")]
    Empty(String),
    #[error("the approvals file {0} could not be {1}: {2}")]
    Approvals(PathBuf, &'static str, String),
}

/// What an approval of `command` stands for: its exact text, and where the program it names
/// depends on the current directory, also the file it resolves to from here; so approving
/// `./get-key` in one dir does not approve whatever `./get-key` is in another.
pub fn approval_text(command: &str) -> String {
    let program = argv(command).and_then(|a| a.into_iter().next());
    match program.as_deref().and_then(cwd_dependent_program) {
        Some(resolved) => format!("{command}\0program={}", resolved.display()),
        None => command.to_string(),
    }
}

/// The file `program` names when which file that is depends on the current directory: a
/// relative path (`./get-key`, `bin/key`), or a bare name the search finds first in a relative
/// `PATH` entry (`.`, an empty entry, `bin`). `None` for an absolute path or a bare name found
/// first in an absolute directory (the same program from anywhere).
fn cwd_dependent_program(program: &str) -> Option<std::path::PathBuf> {
    use std::path::Path;
    let here = std::env::current_dir().ok()?;
    let resolve = |p: &Path| {
        let joined = here.join(p);
        std::fs::canonicalize(&joined).unwrap_or(joined)
    };
    if program.contains('/') {
        return (!Path::new(program).is_absolute()).then(|| resolve(Path::new(program)));
    }
    let path = std::env::var_os("PATH")?;
    let dir = std::env::split_paths(&path).find(|d| is_executable(&here.join(d).join(program)))?;
    dir.is_relative().then(|| resolve(&dir.join(program)))
}

fn is_executable(p: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Hex SHA-256 of a command's exact text: what an approval is keyed by.
pub fn command_hash(command: &str) -> String {
    Sha256::digest(command.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub use super::approvals::Approvals;

/// Why a variable may not reach a child's environment (`aiconn run` / `aiconn env`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvDecision {
    /// A name the catalogue gives this type (the SDKs' names), or one this user approved.
    Allowed,
    /// A name that came from the file (a custom key, a connection name under `--prefix`) and
    /// nobody approved on this machine: `aiconn allow NAME` shows and approves it.
    NotApproved,
}

/// Decides whether `connection` may set `name`: the type's own SDK names always may; any
/// other name came from the file, which may come from someone else, so it needs this user's
/// approval, as a `cmd:` does. (Names that control how a process runs are refused before
/// this, approved or not.)
pub fn env_decision(
    approvals: &Approvals,
    connection: &crate::model::Connection,
    name: &str,
    prefix: bool,
) -> Result<EnvDecision, RefError> {
    // The SDK names of the type's own fields (under `--prefix`: the connection's name, which
    // the refusal list judges, and the catalogue's key).
    let spec = connection.spec();
    let catalogue_name = !spec.is_custom()
        && spec.fields.iter().any(|f| {
            if prefix {
                crate::promptflow::env_name(&connection.name, &f.key) == name
            } else {
                false
            }
        })
        // The client contract's names for this type (assets/clients.toml).
        || (!spec.is_custom() && !prefix && crate::clients::Contract::get().type_sets(&spec.id, name));
    if catalogue_name || approvals.is_env_approved(&connection.name, name)? {
        return Ok(EnvDecision::Allowed);
    }
    Ok(EnvDecision::NotApproved)
}

/// The names of `vars` from `connection` no one approved here (for `run`, `env` and `allow`).
pub fn unapproved_env_names(
    approvals: &Approvals,
    connection: &crate::model::Connection,
    names: &[String],
    prefix: bool,
) -> Result<Vec<String>, RefError> {
    let mut out = Vec::new();
    for n in names {
        if env_decision(approvals, connection, n, prefix)? == EnvDecision::NotApproved {
            out.push(n.clone());
        }
    }
    Ok(out)
}

/// Reads the value a reference points at. `connection` names the connection in messages.
pub fn resolve(
    r: &SecretRef,
    approvals: &Approvals,
    connection: &str,
    timeout: Duration,
) -> Result<SecretString, RefError> {
    match r {
        SecretRef::Env(name) => match std::env::var(name) {
            Ok(v) if !v.is_empty() => Ok(SecretString::from(v)),
            _ => Err(RefError::EnvUnset(name.clone())),
        },
        SecretRef::Cmd(command) => {
            if !approvals.is_approved(command)? {
                return Err(RefError::NotApproved(
                    crate::sanitize::for_terminal(command),
                    crate::sanitize::for_terminal(connection),
                ));
            }
            run_command(command, timeout)
        }
    }
}

/// Runs `command` without a shell, stdin closed, and returns its trimmed stdout. Killed after
/// `timeout`; a failure carries the (sanitized, shortened) stderr, never the stdout.
///
/// The command runs in its own process group so that at the limit everything it started dies
/// with it, and its output is read only until the limit: a process it left behind holding the
/// pipe (`sleep 30 & echo key`) cannot keep aiconn waiting.
pub fn run_command(command: &str, timeout: Duration) -> Result<SecretString, RefError> {
    use std::os::unix::process::CommandExt;
    let deadline = std::time::Instant::now() + timeout;
    let shown = crate::sanitize::for_terminal(command);
    let args = argv(command)
        .filter(|a| !a.is_empty())
        .ok_or(crate::model::MalformedRef)?;
    let mut child = Command::new(&args[0])
        .args(&args[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| RefError::Spawn {
            command: shown.clone(),
            detail: e.to_string(),
        })?;
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    // The pipes first, the exit after: until it is waited for, the leader keeps its pid, so
    // the group id killed below cannot have been reused by an unrelated process.
    let left = || deadline.saturating_duration_since(std::time::Instant::now());
    let stdout = out.recv_timeout(left()).ok().map(zeroize::Zeroizing::new);
    let stderr = stdout.as_ref().and_then(|_| err.recv_timeout(left()).ok());
    let status = match stderr {
        Some(_) => wait_timeout::ChildExt::wait_timeout(&mut child, left())
            .ok()
            .flatten(),
        None => None,
    };
    let (Some(stdout), Some(stderr), Some(status)) = (stdout, stderr, status) else {
        stop_group(&mut child);
        return Err(RefError::Timeout {
            command: shown,
            secs: timeout.as_secs().max(1),
        });
    };
    // `stdout` is zeroed when dropped, on every path.
    if !status.success() {
        let text = String::from_utf8_lossy(&stderr);
        let short: String = text.trim().chars().take(300).collect();
        return Err(RefError::Failed {
            command: shown,
            status: status.to_string(),
            stderr: crate::sanitize::for_terminal(&short),
        });
    }
    let mut text = String::from_utf8_lossy(&stdout).into_owned();
    let value = text.trim().to_string();
    text.zeroize();
    if value.is_empty() {
        return Err(RefError::Empty(shown));
    }
    Ok(SecretString::from(value))
}

/// Reads a pipe on its own thread (a chatty command cannot block on a full pipe); the result
/// comes over a channel so the caller can give up at the time limit.
fn drain(p: Option<Box<dyn Read + Send>>) -> std::sync::mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(p) = p {
            let _ = p.take(MAX_OUTPUT).read_to_end(&mut buf);
        }
        // Nobody listens after a timeout: what was read is dropped with the thread.
        if let Err(mut unread) = tx.send(buf) {
            unread.0.zeroize();
        }
    });
    rx
}

/// Kills the command's whole process group, then reaps the leader.
fn stop_group(child: &mut std::process::Child) {
    let pgid = rustix::process::Pid::from_child(child);
    let _ = rustix::process::kill_process_group(pgid, rustix::process::Signal::KILL);
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_command_is_a_different_approval() {
        let d = tempfile::tempdir().unwrap();
        let a = Approvals::in_dir(d.path());
        a.approve("pass show ai/contoso").unwrap();
        assert!(a.is_approved("pass show ai/contoso").unwrap());
        assert!(!a.is_approved("pass show ai/contoso ").unwrap());
        assert!(!a.is_approved("pass show ai/other").unwrap());
        assert_eq!(command_hash("abc").len(), 64);
    }
}
