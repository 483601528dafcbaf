//! Secret backends. One interface; the file only records *that* a secret is set and where.

mod approvals;
mod error;
pub mod journal;
mod keychain;
mod lazy;
pub mod refs;
pub mod session_cache;
mod unlock;
mod vault;
pub(crate) mod vault_key;

pub use error::{SecretError, SecretErrorKind};
pub use keychain::{KeychainStore, SERVICE};
pub use lazy::LazyStore;
use unlock::open_vault;
pub use unlock::{Ask, AskPassphrase, CountVaultRecords, MAX_TRIES, VaultRecords};
pub use vault::{VAULT_FILE, VaultStore};
pub use vault_key::{DEFAULT_WORK_FACTOR, KEY_FILE};

use crate::model::Backend;
use secrecy::SecretString;

/// Identifies one stored value by its keychain account name:
/// `<namespace>/<connection>/<field>[#<generation>]`. The namespace keeps two config dirs
/// apart; the generation keeps a new value from ever overwriting the one the file points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretKey(String);

impl SecretKey {
    /// A value written before generations existed (and test keys).
    pub fn new(namespace: &str, connection: &str, field: &str) -> Self {
        SecretKey(format!("{namespace}/{connection}/{field}"))
    }

    /// The value a record points at.
    pub fn for_record(
        namespace: &str,
        connection: &str,
        field: &str,
        record: &crate::model::SecretRecord,
    ) -> Self {
        let base = SecretKey::new(namespace, connection, field);
        match record.generation() {
            Some(g) => SecretKey(format!("{}#{g}", base.0)),
            None => base,
        }
    }

    /// A key found in a backend or a journal, by its account name.
    pub fn from_account(account: &str) -> Self {
        SecretKey(account.to_string())
    }

    /// The keychain account name.
    pub fn account(&self) -> String {
        self.0.clone()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A fresh generation id: 64 random bits as hex (collisions are not a practical concern).
pub fn new_generation() -> String {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        // No OS randomness (never seen): time and pid still make ids unique per save.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        b = ((t as u64) ^ u64::from(std::process::id()) << 40).to_le_bytes();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A place to keep secrets. Every call is bounded in time by the implementation.
pub trait SecretStore: Send + Sync {
    /// The name recorded in `connections.toml` for secrets kept here.
    fn backend(&self) -> Backend;
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, SecretError>;
    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), SecretError>;
    /// Deleting a secret that does not exist is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), SecretError>;
    /// A real round trip (write, read back, delete) on a probe entry.
    fn probe(&self) -> Result<(), SecretError>;

    /// Writes several values as one step where the backend can (the vault: one encryption).
    fn set_many(&self, items: &[(SecretKey, SecretString)]) -> Result<(), SecretError> {
        items.iter().try_for_each(|(k, v)| self.set(k, v))
    }

    /// Deletes several values; absent ones are fine.
    fn delete_many(&self, keys: &[SecretKey]) -> Result<(), SecretError> {
        keys.iter().try_for_each(|k| self.delete(k))
    }

    /// Every stored value whose account starts with `prefix` (for finding orphans).
    fn list(&self, prefix: &str) -> Result<Vec<SecretKey>, SecretError>;

    /// Connects (or checks the vault can be opened) without touching any value, so a command
    /// can refuse before it changes anything.
    fn ready(&self) -> Result<(), SecretError> {
        Ok(())
    }
}

/// Shortest passphrase a new vault accepts (both faces ask with this rule).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Why `passphrase` is too weak for a new vault, if it is.
pub fn weak_passphrase(passphrase: &str) -> Option<String> {
    (passphrase.chars().count() < MIN_PASSPHRASE_CHARS)
        .then(|| format!("Use at least {MIN_PASSPHRASE_CHARS} characters."))
}

/// Opens `backend` for the config dir `dir`; a vault asks through `ask`, and is refused when
/// its file is lost while `count` says the connections file records vault secrets.
pub fn open_backend(
    backend: &Backend,
    dir: &std::path::Path,
    ask: &AskPassphrase,
    count: &CountVaultRecords,
) -> Result<Box<dyn SecretStore>, SecretError> {
    match backend {
        Backend::Keychain => Ok(Box::new(KeychainStore::open_native()?)),
        Backend::Vault => Ok(Box::new(open_vault(dir, ask, count)?)),
        Backend::Unknown(other) => Err(SecretError::new(
            SecretErrorKind::UnknownBackend,
            format!(
                "unknown secret backend '{other}' (known: {})",
                Backend::KNOWN.map(|b| b.to_string()).join(", ")
            ),
        )),
    }
}
