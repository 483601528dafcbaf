//! Secret backends. One interface; the file only records *that* a secret is set and where.

mod error;
mod keychain;
mod lazy;

pub use error::{SecretError, SecretErrorKind};
pub use keychain::{KeychainStore, SERVICE};
pub use lazy::LazyStore;

use secrecy::SecretString;

/// Identifies one secret: the store's namespace (so two config dirs never share entries),
/// the connection and the field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey {
    pub namespace: String,
    pub connection: String,
    pub field: String,
}

impl SecretKey {
    pub fn new(namespace: &str, connection: &str, field: &str) -> Self {
        SecretKey {
            namespace: namespace.to_string(),
            connection: connection.to_string(),
            field: field.to_string(),
        }
    }
    /// The keychain account name: `<namespace>/<connection>/<field>`.
    pub fn account(&self) -> String {
        format!("{}/{}/{}", self.namespace, self.connection, self.field)
    }
}

/// A place to keep secrets. Every call is bounded in time by the implementation.
pub trait SecretStore: Send + Sync {
    /// The name recorded in `connections.toml` for secrets kept here.
    fn backend(&self) -> &'static str;
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, SecretError>;
    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), SecretError>;
    /// Deleting a secret that does not exist is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), SecretError>;
    /// A real round trip (write, read back, delete) on a probe entry.
    fn probe(&self) -> Result<(), SecretError>;
}

/// Opens the backend named by `name` ("keychain" is the only one today).
pub fn open_backend(name: &str) -> Result<Box<dyn SecretStore>, SecretError> {
    match name {
        "keychain" => Ok(Box::new(KeychainStore::open_native()?)),
        other => Err(SecretError::new(
            SecretErrorKind::UnknownBackend,
            format!("unknown secret backend '{other}' (known: keychain)"),
        )),
    }
}
