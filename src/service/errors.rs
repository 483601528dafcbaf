//! What a service operation can fail with, and what a save expects to find.

use crate::model::{Connection, FieldError};
use crate::secrets::SecretError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Secret(#[from] SecretError),
    #[error("connection '{0}' is not found")]
    NotFound(String),
    #[error("connection '{0}' already exists")]
    Exists(String),
    #[error(
        "connection '{0}' was changed by another program since it was loaded; reload and apply your change again"
    )]
    Conflict(String),
    #[error("{}", .0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error(
        "secret '{field}' of '{connection}' is recorded as set in the {backend}, but the {backend} does not have it (deleted there, or the vault file was replaced); set it again"
    )]
    SecretMissing {
        connection: String,
        field: String,
        backend: crate::model::Backend,
    },
    #[error(
        "connection '{connection}' was removed from connections.toml, but its secret values could not be removed from the {backend} ({detail}); they are recorded, and `aiconn doctor --fix` removes them once the {backend} is reachable"
    )]
    SecretsLeft {
        connection: String,
        backend: crate::model::Backend,
        detail: String,
    },
    #[error("secret '{field}' of '{connection}': {source}")]
    Reference {
        connection: String,
        field: String,
        source: crate::secrets::refs::RefError,
    },
    #[error("connection '{connection}' would set {name}: {why}")]
    RefusedEnvName {
        connection: String,
        name: String,
        why: &'static str,
    },
    #[error(
        "secret '{field}' of '{connection}' is kept in the '{backend}' backend, which is not the active one ({active})"
    )]
    WrongBackend {
        connection: String,
        field: String,
        backend: crate::model::Backend,
        active: crate::model::Backend,
    },
    /// Recording what this user approved failed (the approvals file is refused or unwritable).
    #[error("{0}")]
    Approvals(crate::secrets::refs::RefError),
}

impl OpError {
    /// A secret `conn` records as kept in a backend that does not have it, named by the
    /// record's backend (so no face guesses "the keychain" for a vault connection).
    pub fn secret_missing(conn: &Connection, field: &str) -> OpError {
        use crate::model::Backend;
        let record = conn.secrets.get(field);
        let backend = match record.and_then(crate::model::SecretRecord::backend) {
            Some(b) => b.clone(),
            // Only a backend lookup answers "none", so a record names one; as written if not.
            None => Backend::Unknown(record.map(ToString::to_string).unwrap_or_default()),
        };
        OpError::SecretMissing {
            connection: conn.name.clone(),
            field: field.into(),
            backend,
        }
    }
}

/// What the saver believes the stored connection is, so a concurrent change is never lost.
#[allow(clippy::large_enum_variant)] // made once per save and moved; boxing buys nothing
#[derive(Debug, Clone)]
pub enum Expect {
    /// Creating: the name must be free.
    Absent,
    /// Updating: the stored connection must still be exactly this.
    Unchanged(Connection),
    /// Replace whatever is there (import --overwrite, or a CLI update read under the same lock).
    Any,
}

pub(super) fn check_expect(
    expect: &Expect,
    name: &str,
    current: Option<&Connection>,
) -> Result<(), OpError> {
    match (expect, current) {
        (Expect::Absent, Some(_)) => Err(OpError::Exists(name.into())),
        (Expect::Unchanged(_), None) => Err(OpError::NotFound(name.into())),
        (Expect::Unchanged(before), Some(now)) if before != now => {
            Err(OpError::Conflict(name.into()))
        }
        _ => Ok(()),
    }
}
