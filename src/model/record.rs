//! What the file records about secrets (where each value is) and what `list` shows of it.

use std::fmt;

/// A secret backend as the file names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Backend {
    Keychain,
    Vault,
    /// A name this build does not know (reported as given, never guessed).
    Unknown(String),
}

impl Backend {
    /// The backends this build can open, in the order they are offered.
    pub const KNOWN: [Backend; 2] = [Backend::Keychain, Backend::Vault];

    pub fn parse(s: &str) -> Backend {
        match s {
            "keychain" => Backend::Keychain,
            "vault" => Backend::Vault,
            other => Backend::Unknown(other.to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Backend::Keychain => "keychain",
            Backend::Vault => "vault",
            Backend::Unknown(s) => s,
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the file records for one secret: never the value, only where the value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRecord {
    /// In a draft only: the value comes with the save (a new custom row, a duplicate's copy).
    /// Never written to the file; a save without the value is refused.
    Pending,
    /// Kept in `backend` under `generation`, a random id that names this exact value, so a new
    /// value never overwrites the one the file points at (`None`: written before generations).
    In {
        backend: Backend,
        generation: Option<String>,
    },
    /// Not kept by aiconn: read at use from the environment or a command.
    Ref(super::SecretRef),
}

impl SecretRecord {
    /// A record in `backend` with generation `generation`.
    pub fn stored(backend: Backend, generation: Option<String>) -> Self {
        SecretRecord::In {
            backend,
            generation,
        }
    }

    /// The file's text: `keychain` or `keychain:<generation>`; empty is pending.
    pub fn parse(s: &str) -> Self {
        if s.is_empty() {
            return SecretRecord::Pending;
        }
        if let Some(r) = super::SecretRef::parse(s) {
            return SecretRecord::Ref(r);
        }
        match s.split_once(':') {
            Some((b, g)) => SecretRecord::stored(Backend::parse(b), Some(g.to_string())),
            None => SecretRecord::stored(Backend::parse(s), None),
        }
    }

    pub fn to_file_text(&self) -> String {
        match self {
            SecretRecord::Pending => String::new(),
            SecretRecord::In {
                backend,
                generation: Some(g),
            } => format!("{backend}:{g}"),
            SecretRecord::In { backend, .. } => backend.to_string(),
            SecretRecord::Ref(r) => r.to_file_text(),
        }
    }

    /// The reference, when the value is read from elsewhere at use.
    pub fn reference(&self) -> Option<&super::SecretRef> {
        match self {
            SecretRecord::Ref(r) => Some(r),
            _ => None,
        }
    }

    pub fn backend(&self) -> Option<&Backend> {
        match self {
            SecretRecord::In { backend, .. } => Some(backend),
            SecretRecord::Pending | SecretRecord::Ref(_) => None,
        }
    }

    pub fn generation(&self) -> Option<&str> {
        match self {
            SecretRecord::In { generation, .. } => generation.as_deref(),
            SecretRecord::Pending | SecretRecord::Ref(_) => None,
        }
    }

    /// Why a record read from a file cannot be one aiconn wrote: a generation is a short run
    /// of letters and digits, so it can never carry a separator into an account or a journal.
    pub fn invalid_reason(&self) -> Option<&'static str> {
        let SecretRecord::In {
            backend,
            generation,
        } = self
        else {
            return None;
        };
        let bad_gen = generation.as_deref().is_some_and(|g| {
            g.is_empty() || g.len() > 64 || !g.chars().all(|c| c.is_ascii_alphanumeric())
        });
        let bad_backend = !backend
            .as_str()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        (bad_gen || bad_backend)
            .then_some("a secret record is BACKEND or BACKEND:GENERATION (letters and digits only)")
    }

    pub fn is_pending(&self) -> bool {
        matches!(self, SecretRecord::Pending)
    }
}

/// Shown as its backend's name (`show`'s SOURCE column), a reference as itself; pending as
/// nothing.
impl fmt::Display for SecretRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRecord::In { backend, .. } => write!(f, "{backend}"),
            SecretRecord::Ref(r) => f.write_str(&r.to_file_text()),
            SecretRecord::Pending => Ok(()),
        }
    }
}

/// Whether a connection's secrets are recorded (`list`'s KEY column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    Set,
    Missing,
    /// The connection needs no secret (Entra ID).
    NotNeeded,
    /// Every secret is recorded, but one is an `env:` reference to a variable that is not set
    /// (or empty) here: a use would fail.
    EnvUnset,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Set => "set",
            KeyStatus::Missing => "missing",
            KeyStatus::NotNeeded => "-",
            KeyStatus::EnvUnset => "env unset",
        }
    }
}
