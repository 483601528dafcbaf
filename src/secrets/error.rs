//! Keychain failures mapped to causes a person can act on. Messages never carry secret bytes.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretErrorKind {
    /// No D-Bus session bus (the usual SSH-to-a-server case).
    NoSessionBus,
    /// A Secret Service provider is running but its collection is locked.
    Locked,
    /// The provider runs but has no default collection (nobody created or unlocked one).
    NoCollection,
    /// Nothing provides org.freedesktop.secrets (or the platform's keychain) on the bus.
    NoProvider,
    AccessDenied,
    /// The keychain did not answer within the time limit.
    Timeout,
    /// More than one keychain item matches (e.g. written by another tool version).
    Ambiguous,
    UnknownBackend,
    /// The vault's passphrase is wrong.
    VaultLocked,
    /// The vault file is not a readable age file.
    VaultCorrupt,
    /// No passphrase could be obtained (no terminal, no passphrase file).
    NoPassphrase,
    /// The user closed the passphrase question without answering.
    Cancelled,
    /// The vault's files could not be written (disk full, permissions): nothing changed.
    VaultWrite,
    Other,
}

#[derive(Debug, Clone)]
pub struct SecretError {
    pub kind: SecretErrorKind,
    pub detail: String,
}

impl SecretError {
    pub fn new(kind: SecretErrorKind, detail: impl Into<String>) -> Self {
        SecretError {
            kind,
            detail: detail.into(),
        }
    }

    /// Whether a file-based vault would get around it (the keychain itself is missing or stuck).
    pub fn vault_would_help(&self) -> bool {
        matches!(
            self.kind,
            SecretErrorKind::NoSessionBus
                | SecretErrorKind::NoProvider
                | SecretErrorKind::NoCollection
                | SecretErrorKind::Locked
                | SecretErrorKind::Timeout
        )
    }

    /// Asking again may work (a passphrase was wrong, missing or not given): not remembered
    /// as the backend's state.
    pub fn retryable(&self) -> bool {
        matches!(
            self.kind,
            SecretErrorKind::VaultLocked
                | SecretErrorKind::NoPassphrase
                | SecretErrorKind::Cancelled
        )
    }

    /// What to do about it, in one sentence.
    pub fn fix(&self) -> &'static str {
        match self.kind {
            SecretErrorKind::NoSessionBus => {
                "start a session bus with a Secret Service (e.g. log in to a desktop session, or run \
                 `dbus-run-session -- sh` and `gnome-keyring-daemon --unlock`)"
            }
            SecretErrorKind::Locked => {
                "unlock your keyring (e.g. `gnome-keyring-daemon --unlock`) and try again"
            }
            SecretErrorKind::NoCollection => {
                "create and unlock a default keyring (e.g. `echo -n PASSWORD | gnome-keyring-daemon --unlock`)"
            }
            SecretErrorKind::NoProvider => {
                "install and start a Secret Service provider such as gnome-keyring or KeePassXC"
            }
            SecretErrorKind::AccessDenied => "allow aiconn to access the keychain and try again",
            SecretErrorKind::Timeout => {
                "the keychain may be waiting for an unlock prompt nobody can see; unlock it and try again"
            }
            SecretErrorKind::Ambiguous => "remove the duplicate keychain items for this secret",
            SecretErrorKind::UnknownBackend => "set AICONN_SECRET_BACKEND to `keychain` or `vault`",
            SecretErrorKind::VaultLocked => {
                "try again with the right passphrase (AICONN_VAULT_PASSPHRASE_FILE, or type it)"
            }
            SecretErrorKind::VaultCorrupt => {
                "restore secrets.age from a backup; `age -d secrets.age` shows what it holds"
            }
            SecretErrorKind::NoPassphrase => {
                "run on a terminal to be asked, or set AICONN_VAULT_PASSPHRASE_FILE to a file holding it"
            }
            SecretErrorKind::Cancelled => "type its passphrase when asked to unlock it",
            SecretErrorKind::VaultWrite => {
                "free some disk space or fix the permissions of the config dir, then try again; the vault is unchanged"
            }
            SecretErrorKind::Other => "check the secret backend",
        }
    }

    pub fn summary(&self) -> &'static str {
        match self.kind {
            SecretErrorKind::NoSessionBus => "no D-Bus session bus, so no Secret Service keychain",
            SecretErrorKind::Locked => "the keyring is locked",
            SecretErrorKind::NoCollection => "the keyring has no default collection",
            SecretErrorKind::NoProvider => "no keychain provider is running",
            SecretErrorKind::AccessDenied => "access to the keychain was denied",
            SecretErrorKind::Timeout => "the keychain did not answer in time",
            SecretErrorKind::Ambiguous => "more than one keychain item matches",
            SecretErrorKind::UnknownBackend => "unknown secret backend",
            SecretErrorKind::VaultLocked => "the vault passphrase is wrong",
            SecretErrorKind::VaultCorrupt => "the vault file is damaged",
            SecretErrorKind::NoPassphrase => "the vault needs its passphrase",
            SecretErrorKind::Cancelled => "the vault stays locked",
            SecretErrorKind::VaultWrite => "the vault file could not be written",
            SecretErrorKind::Other => "the keychain failed",
        }
    }
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // What and what to do; each face adds its own way forward (the CLI names commands,
        // the TUI offers the vault on a key).
        write!(f, "{}: {}", self.summary(), self.fix())?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for SecretError {}

/// Maps a keyring-core error to a cause. Works on the error's text because the platform
/// errors are boxed and differ per store; the patterns are listed in docs/keychain.md.
pub fn classify(err: &keyring_core::Error) -> SecretError {
    use keyring_core::Error as E;
    let text = match err {
        // These carry raw secret bytes: never format them.
        E::BadEncoding(_) => {
            return SecretError::new(SecretErrorKind::Other, "the stored value is not UTF-8 text");
        }
        E::BadDataFormat(_, _) => {
            return SecretError::new(
                SecretErrorKind::Other,
                "the stored value has an unexpected format",
            );
        }
        E::Ambiguous(entries) => {
            return SecretError::new(
                SecretErrorKind::Ambiguous,
                format!("{} items match", entries.len()),
            );
        }
        other => other.to_string(),
    };
    let lower = text.to_lowercase();
    let kind = if lower.contains("serviceunknown") || lower.contains("was not provided by any") {
        SecretErrorKind::NoProvider
    } else if lower.contains("failed to connect")
        || lower.contains("autolaunch")
        || lower.contains("dbus_session_bus_address")
        || lower.contains("no such file or directory")
    {
        SecretErrorKind::NoSessionBus
    } else if lower.contains("prompt") || lower.contains("locked") {
        SecretErrorKind::Locked
    } else if lower.contains("result not returned") || lower.contains("no result") {
        SecretErrorKind::NoCollection
    } else if lower.contains("accessdenied") || lower.contains("access denied") {
        SecretErrorKind::AccessDenied
    } else {
        SecretErrorKind::Other
    };
    // Keep the platform's words (they help support) but bound their length.
    let detail: String = text.chars().take(200).collect();
    SecretError::new(kind, detail)
}
