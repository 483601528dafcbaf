//! Secret references: a secret field that names where its value already lives (an environment
//! variable, or a command such as `op read ...`) instead of holding a copy. The reference is
//! recorded in `connections.toml`; the value is fetched at use and never written anywhere.
//!
//! A command found in a file may have been written by someone else, so it runs only once the
//! user approved that exact text on this machine (as direnv's `allow`). Approvals live in
//! `approved-commands` beside, not inside, `connections.toml`, keyed by the command's SHA-256:
//! an edited command is a different hash and needs approval again.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use secrecy::SecretString;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

/// Where a referenced value is read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretRef {
    /// `env:NAME`: the environment variable `NAME` when the value is used.
    Env(String),
    /// `cmd:ARGV`: the trimmed stdout of this command line (split like a shell, run without one).
    Cmd(String),
}

/// File name of the approvals, in the config dir.
pub const APPROVALS_FILE: &str = "approved-commands";

/// Default time a command may take before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The command timeout: `AICONN_SECRET_CMD_TIMEOUT` seconds (1..=600), else 10 s.
pub fn timeout_from_env() -> Duration {
    std::env::var("AICONN_SECRET_CMD_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| (1..=600).contains(s))
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs)
}

/// Longest stdout or stderr read from a command (a secret is far shorter).
const MAX_OUTPUT: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RefError {
    /// The text is not repeated: a pasted key may sit where a reference was expected.
    #[error(
        "not a secret reference: write env:NAME (a variable name) or cmd:COMMAND (a command line)"
    )]
    Malformed,
    #[error("environment variable {0} is not set (or is empty)")]
    EnvUnset(String),
    #[error(
        "the command `{0}` has not been approved on this machine; check it, then run `aiconn allow {1}`"
    )]
    NotApproved(String, String),
    #[error("the command `{command}` could not be started: {detail}")]
    Spawn { command: String, detail: String },
    #[error("the command `{command}` took longer than {secs} s and was stopped")]
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

impl SecretRef {
    /// `env:NAME` or `cmd:ARGV`; anything else is not a reference.
    pub fn parse(text: &str) -> Option<SecretRef> {
        if let Some(name) = text.strip_prefix("env:") {
            return Some(SecretRef::Env(name.to_string()));
        }
        text.strip_prefix("cmd:")
            .map(|c| SecretRef::Cmd(c.to_string()))
    }

    /// Parses and checks a reference the user typed (a name that can be an environment
    /// variable, a command line that splits into at least a program).
    pub fn parse_checked(text: &str) -> Result<SecretRef, RefError> {
        let bad = || RefError::Malformed;
        match SecretRef::parse(text.trim()).ok_or_else(bad)? {
            SecretRef::Env(n)
                if !n.is_empty()
                    && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !n.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                Ok(SecretRef::Env(n))
            }
            SecretRef::Cmd(c) if argv(&c).is_some_and(|a| !a.is_empty()) => {
                Ok(SecretRef::Cmd(c.trim().to_string()))
            }
            _ => Err(bad()),
        }
    }

    pub fn to_file_text(&self) -> String {
        match self {
            SecretRef::Env(n) => format!("env:{n}"),
            SecretRef::Cmd(c) => format!("cmd:{c}"),
        }
    }

    /// The command text, for a `cmd:` reference.
    pub fn command(&self) -> Option<&str> {
        match self {
            SecretRef::Cmd(c) => Some(c),
            SecretRef::Env(_) => None,
        }
    }
}

fn argv(command: &str) -> Option<Vec<String>> {
    shell_words::split(command).ok()
}

/// Hex SHA-256 of a command's exact text: what an approval is keyed by.
pub fn command_hash(command: &str) -> String {
    Sha256::digest(command.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The commands approved in one config dir on this machine.
pub struct Approvals {
    path: PathBuf,
}

impl Approvals {
    pub fn in_dir(dir: &Path) -> Approvals {
        Approvals {
            path: dir.join(APPROVALS_FILE),
        }
    }

    fn hashes(&self) -> Result<Vec<String>, RefError> {
        match std::fs::read_to_string(&self.path) {
            Ok(t) => Ok(t
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from)
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
            Err(e) => Err(RefError::Approvals(
                self.path.clone(),
                "read",
                e.to_string(),
            )),
        }
    }

    pub fn is_approved(&self, command: &str) -> Result<bool, RefError> {
        let h = command_hash(command);
        Ok(self.hashes()?.contains(&h))
    }

    /// Records `command` as approved (the file is private to the user).
    pub fn approve(&self, command: &str) -> Result<(), RefError> {
        let mut hashes = self.hashes()?;
        let h = command_hash(command);
        if hashes.contains(&h) {
            return Ok(());
        }
        hashes.push(h);
        let text = format!(
            "# SHA-256 of commands aiconn may run for secret references (see `aiconn allow`)\n{}\n",
            hashes.join("\n")
        );
        let fail =
            |e: std::io::Error| RefError::Approvals(self.path.clone(), "written", e.to_string());
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(&self.path).map_err(|e| fail(e.error))?;
        Ok(())
    }
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
pub fn run_command(command: &str, timeout: Duration) -> Result<SecretString, RefError> {
    let shown = crate::sanitize::for_terminal(command);
    let args = argv(command)
        .filter(|a| !a.is_empty())
        .ok_or(RefError::Malformed)?;
    let mut child = Command::new(&args[0])
        .args(&args[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| RefError::Spawn {
            command: shown.clone(),
            detail: e.to_string(),
        })?;
    // Pipes are drained on their own threads so a chatty command cannot block on a full pipe.
    let drain = |p: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(p) = p {
                let _ = p.take(MAX_OUTPUT).read_to_end(&mut buf);
            }
            buf
        })
    };
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
    let Ok(Some(status)) = wait_timeout::ChildExt::wait_timeout(&mut child, timeout) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(RefError::Timeout {
            command: shown,
            secs: timeout.as_secs().max(1),
        });
    };
    let mut stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        stdout.zeroize();
        let text = String::from_utf8_lossy(&stderr);
        let short: String = text.trim().chars().take(300).collect();
        return Err(RefError::Failed {
            command: shown,
            status: status.to_string(),
            stderr: crate::sanitize::for_terminal(&short),
        });
    }
    let mut text = String::from_utf8_lossy(&stdout).into_owned();
    stdout.zeroize();
    let value = text.trim().to_string();
    text.zeroize();
    if value.is_empty() {
        return Err(RefError::Empty(shown));
    }
    Ok(SecretString::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_and_round_trip() {
        for t in ["env:AZURE_KEY", "cmd:op read op://v/i/api-key"] {
            assert_eq!(SecretRef::parse(t).unwrap().to_file_text(), t);
        }
        assert_eq!(SecretRef::parse("keychain:0f"), None);
        assert!(SecretRef::parse_checked("env:1BAD").is_err());
        assert!(SecretRef::parse_checked("env:").is_err());
        assert!(SecretRef::parse_checked("cmd:").is_err());
        assert!(SecretRef::parse_checked("cmd:echo 'unclosed").is_err());
        assert!(SecretRef::parse_checked("vault").is_err());
    }

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
