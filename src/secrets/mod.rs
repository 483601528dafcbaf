//! Secret backends. One interface; the file only records *that* a secret is set and where.

mod approvals;
mod error;
pub mod journal;
mod keychain;
mod lazy;
pub mod refs;
pub mod session_cache;
mod vault;

pub use error::{SecretError, SecretErrorKind};
pub use keychain::{KeychainStore, SERVICE};
pub use lazy::LazyStore;
pub use vault::{VAULT_FILE, VaultStore};

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
    fn backend(&self) -> &'static str;
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

/// Asks the user for the vault passphrase; the flag is true when a new vault is created
/// (ask twice). Supplied by the face (CLI prompt, TUI popup).
pub type AskPassphrase =
    std::sync::Arc<dyn Fn(bool) -> Result<SecretString, SecretError> + Send + Sync>;

pub const BACKENDS: [&str; 2] = ["keychain", "vault"];

/// Shortest passphrase a new vault accepts (both faces ask with this rule).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Why `passphrase` is too weak for a new vault, if it is.
pub fn weak_passphrase(passphrase: &str) -> Option<String> {
    (passphrase.chars().count() < MIN_PASSPHRASE_CHARS)
        .then(|| format!("Use at least {MIN_PASSPHRASE_CHARS} characters."))
}

/// The vault passphrase: the file named by `AICONN_VAULT_PASSPHRASE_FILE` (for automation),
/// else whatever `ask` gets from the user.
pub fn vault_passphrase(
    dir: &std::path::Path,
    ask: &AskPassphrase,
) -> Result<SecretString, SecretError> {
    if let Some(file) = std::env::var_os("AICONN_VAULT_PASSPHRASE_FILE").filter(|f| !f.is_empty()) {
        refuse_open_passphrase_file(std::path::Path::new(&file))?;
        let text = zeroize::Zeroizing::new(std::fs::read_to_string(&file).map_err(|e| {
            SecretError::new(
                SecretErrorKind::NoPassphrase,
                format!(
                    "AICONN_VAULT_PASSPHRASE_FILE {}: {e}",
                    std::path::Path::new(&file).display()
                ),
            )
        })?);
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

/// A passphrase file others can read is refused, as ssh refuses such a private key.
fn refuse_open_passphrase_file(path: &std::path::Path) -> Result<(), SecretError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            return Err(SecretError::new(
                SecretErrorKind::NoPassphrase,
                format!(
                    "AICONN_VAULT_PASSPHRASE_FILE {} is readable by other users (mode {:o}); run: chmod 600 {}",
                    path.display(),
                    m.permissions().mode() & 0o777,
                    path.display()
                ),
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A missing or empty `secrets.age` while the file records vault secrets is an error: a new
/// vault under whatever passphrase was typed would silently change hands.
fn refuse_lost_vault(dir: &std::path::Path) -> Result<(), SecretError> {
    let path = VaultStore::path_in(dir);
    let state = match std::fs::metadata(&path) {
        Ok(m) if m.len() > 0 => return Ok(()),
        Ok(_) => "empty",
        Err(_) => "missing",
    };
    let Ok(snap) = crate::store::Store::new(dir).snapshot() else {
        return Ok(());
    };
    let mut secrets = 0;
    let mut conns = 0;
    for c in snap.connections() {
        let n = c
            .secrets
            .values()
            .filter(|r| r.backend() == Some(&crate::model::Backend::Vault))
            .count();
        secrets += n;
        conns += usize::from(n > 0);
    }
    if secrets == 0 {
        return Ok(());
    }
    Err(SecretError::new(
        SecretErrorKind::VaultCorrupt,
        format!(
            "{} is {state}: {secrets} secrets of {conns} connections cannot be read (restore the file from a backup, or set those secrets again); no new vault was made",
            path.display()
        ),
    ))
}

/// Opens the vault of `dir` with a passphrase the user gave (the TUI's switch to the vault):
/// the same checks as every other opening, so an emptied or missing `secrets.age` is never
/// silently replaced by a new vault under this passphrase.
pub fn open_vault_with(
    dir: &std::path::Path,
    passphrase: SecretString,
) -> Result<VaultStore, SecretError> {
    refuse_lost_vault(dir)?;
    VaultStore::open(dir, passphrase)
}

/// Opens the vault: with the passphrase cached in this login session if there is one, else
/// with the passphrase file or by asking; a typed passphrase that works is cached.
fn open_vault(dir: &std::path::Path, ask: &AskPassphrase) -> Result<VaultStore, SecretError> {
    refuse_lost_vault(dir)?;
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
    if !from_file && !session_cache::put(dir, &p) {
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| {
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                eprintln!(
                    "aiconn: note: the vault passphrase is not cached: this login has no private session keyring (AICONN_VAULT_CACHE_SECONDS=0 silences this)"
                );
            }
        });
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
