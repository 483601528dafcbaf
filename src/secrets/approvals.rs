//! What the user approved on this machine: the `cmd:` commands aiconn may run and the
//! environment variable names a connection from a file may give a child (`aiconn allow`).
//! Approvals are SHA-256 hashes in `approved-commands`, beside (not inside) the shareable
//! `connections.toml`. The file is trusted only as ssh trusts its own files: a regular file
//! (never followed through a link), owned by this user, writable by nobody else; every change
//! is a locked read-modify-write, so concurrent `allow`s never lose one another's approvals.

use super::refs::{RefError, command_hash};
use std::io::Read;
use std::path::{Path, PathBuf};

/// File name of the approvals, in the config dir.
pub const APPROVALS_FILE: &str = "approved-commands";

/// The approvals of one config dir on this machine.
pub struct Approvals {
    path: PathBuf,
}

/// What an approval is of: the same hash can never approve a command as a name or the reverse.
fn env_text(connection: &str, name: &str) -> String {
    format!("env-name\u{0}{connection}\u{0}{name}")
}

fn key_host_text(host: &str) -> String {
    format!("key-host\u{0}{}", host.to_ascii_lowercase())
}

impl Approvals {
    /// Whether this user said service keys may go to `host`, which aiconn does not recognize.
    pub fn is_key_host_approved(&self, host: &str) -> Result<bool, RefError> {
        self.has(&key_host_text(host))
    }

    /// Remembers that this user said service keys may go to `host`.
    pub fn approve_key_host(&self, host: &str) -> Result<(), RefError> {
        self.add(&[key_host_text(host)])
    }

    pub fn in_dir(dir: &Path) -> Approvals {
        Approvals {
            path: dir.join(APPROVALS_FILE),
        }
    }

    fn fail(&self, what: &'static str, detail: String) -> RefError {
        RefError::Approvals(self.path.clone(), what, detail)
    }

    /// The file's text, refused when someone other than this user could have written it.
    fn read_trusted(&self) -> Result<Option<String>, RefError> {
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(
            &mut opts,
            rustix::fs::OFlags::NOFOLLOW.bits() as i32,
        );
        let file = match opts.open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                return Err(self.fail(
                    "trusted",
                    "it is a symbolic link; approvals are never read through one (remove it and approve again)".into(),
                ));
            }
            Err(e) => return Err(self.fail("read", e.to_string())),
        };
        let meta = file
            .metadata()
            .map_err(|e| self.fail("read", e.to_string()))?;
        if !meta.is_file() {
            return Err(self.fail("trusted", "it is not a regular file".into()));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if meta.uid() != rustix::process::geteuid().as_raw() {
                return Err(self.fail(
                    "trusted",
                    format!(
                        "it belongs to another user (uid {}); remove it and approve again",
                        meta.uid()
                    ),
                ));
            }
            if meta.mode() & 0o022 != 0 {
                return Err(self.fail(
                    "trusted",
                    format!(
                        "other users can write it (mode {:o}); run: chmod 600 {}",
                        meta.mode() & 0o777,
                        self.path.display()
                    ),
                ));
            }
        }
        let mut text = String::new();
        file.take(4 << 20)
            .read_to_string(&mut text)
            .map_err(|e| self.fail("read", e.to_string()))?;
        Ok(Some(text))
    }

    fn hashes(&self) -> Result<Vec<String>, RefError> {
        Ok(self
            .read_trusted()?
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect())
    }

    fn has(&self, text: &str) -> Result<bool, RefError> {
        let h = command_hash(text);
        Ok(self.hashes()?.contains(&h))
    }

    pub fn is_approved(&self, command: &str) -> Result<bool, RefError> {
        self.has(&super::refs::approval_text(command))
    }

    /// Records `command` as approved (the file is private to the user).
    pub fn approve(&self, command: &str) -> Result<(), RefError> {
        self.add(&[super::refs::approval_text(command)])
    }

    /// Whether `connection` may set the variable `name` in a child's environment.
    pub fn is_env_approved(&self, connection: &str, name: &str) -> Result<bool, RefError> {
        self.has(&env_text(connection, name))
    }

    /// Approves `connection` setting each of `names`.
    pub fn approve_env(&self, connection: &str, names: &[String]) -> Result<(), RefError> {
        let texts: Vec<String> = names.iter().map(|n| env_text(connection, n)).collect();
        self.add(&texts)
    }

    /// Adds the hashes of `texts` under the dir's lock: a read-modify-write nobody interleaves.
    fn add(&self, texts: &[String]) -> Result<(), RefError> {
        if texts.is_empty() {
            return Ok(());
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        // The first approval may come before the first save has made the config dir.
        crate::fsio::ensure_private_dir(dir).map_err(|e| self.fail("written", e.to_string()))?;
        let lock_path = dir.join(format!("{APPROVALS_FILE}.lock"));
        let _lock = crate::fsio::FileLock::acquire(&lock_path, crate::settings::LOCK_WAIT)
            .map_err(|e| self.fail("locked", e.to_string()))?;
        let mut hashes = self.hashes()?;
        let before = hashes.len();
        for t in texts {
            let h = command_hash(t);
            if !hashes.contains(&h) {
                hashes.push(h);
            }
        }
        if hashes.len() == before {
            return Ok(());
        }
        let text = format!(
            "# SHA-256 of commands and variable names approved on this machine (see `aiconn allow`)\n{}\n",
            hashes.join("\n")
        );
        crate::fsio::write_atomic(&self.path, text.as_bytes())
            .map_err(|e| self.fail("written", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_approval_never_approves_a_name() {
        let d = tempfile::tempdir().unwrap();
        let a = Approvals::in_dir(d.path());
        a.approve_env("team", &["LESSOPEN".into()]).unwrap();
        assert!(a.is_env_approved("team", "LESSOPEN").unwrap());
        assert!(!a.is_env_approved("other", "LESSOPEN").unwrap());
        assert!(!a.is_approved("LESSOPEN").unwrap());
    }
}
