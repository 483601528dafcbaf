//! Secret backends. One interface; the file only records *that* a secret is set and where.

mod error;
mod keychain;
mod lazy;
pub mod session_cache;
mod vault;

pub use error::{SecretError, SecretErrorKind};
pub use keychain::{KeychainStore, SERVICE};
pub use lazy::LazyStore;
pub use vault::{VAULT_FILE, VaultStore};

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

/// Asks the user for the vault passphrase; the flag is true when a new vault is created
/// (ask twice). Supplied by the face (CLI prompt, TUI popup).
pub type AskPassphrase =
    std::sync::Arc<dyn Fn(bool) -> Result<SecretString, SecretError> + Send + Sync>;

pub const BACKENDS: [&str; 2] = ["keychain", "vault"];

/// The vault passphrase: the file named by `AICONN_VAULT_PASSPHRASE_FILE` (for automation),
/// else whatever `ask` gets from the user.
pub fn vault_passphrase(
    dir: &std::path::Path,
    ask: &AskPassphrase,
) -> Result<SecretString, SecretError> {
    if let Some(file) = std::env::var_os("AICONN_VAULT_PASSPHRASE_FILE").filter(|f| !f.is_empty()) {
        let text = std::fs::read_to_string(&file).map_err(|e| {
            SecretError::new(
                SecretErrorKind::NoPassphrase,
                format!(
                    "AICONN_VAULT_PASSPHRASE_FILE {}: {e}",
                    std::path::Path::new(&file).display()
                ),
            )
        })?;
        let p = text.trim_end_matches(['\n', '\r']);
        if p.is_empty() {
            return Err(SecretError::new(
                SecretErrorKind::NoPassphrase,
                "AICONN_VAULT_PASSPHRASE_FILE is empty",
            ));
        }
        return Ok(SecretString::from(p.to_string()));
    }
    ask(!VaultStore::exists(dir))
}

/// Opens the vault: with the passphrase cached in this login session if there is one, else
/// with the passphrase file or by asking; a typed passphrase that works is cached.
fn open_vault(dir: &std::path::Path, ask: &AskPassphrase) -> Result<VaultStore, SecretError> {
    let from_file = std::env::var_os("AICONN_VAULT_PASSPHRASE_FILE").is_some_and(|f| !f.is_empty());
    if !from_file && let Some(p) = session_cache::get(dir) {
        match VaultStore::open(dir, p) {
            Ok(v) => return Ok(v),
            Err(e) if e.kind == SecretErrorKind::VaultLocked => session_cache::forget(dir),
            Err(e) => return Err(e),
        }
    }
    let p = vault_passphrase(dir, ask)?;
    let v = VaultStore::open(dir, p.clone())?;
    if !from_file {
        session_cache::put(dir, &p);
    }
    Ok(v)
}

/// Opens the backend named by `name` for the config dir `dir`.
pub fn open_backend(
    name: &str,
    dir: &std::path::Path,
    ask: &AskPassphrase,
) -> Result<Box<dyn SecretStore>, SecretError> {
    match name {
        "keychain" => Ok(Box::new(KeychainStore::open_native()?)),
        "vault" => Ok(Box::new(open_vault(dir, ask)?)),
        other => Err(SecretError::new(
            SecretErrorKind::UnknownBackend,
            format!(
                "unknown secret backend '{other}' (known: {})",
                BACKENDS.join(", ")
            ),
        )),
    }
}
