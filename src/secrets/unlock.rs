//! Unlocking the vault: with the key remembered in this login session, else with the
//! passphrase file (automation), else by asking the user through the face (the CLI prompt, the
//! TUI's dialog), up to three tries, each one checked against the vault, as sudo does.

use super::{SecretError, SecretErrorKind, VaultStore, session_cache, vault_key};
use secrecy::SecretString;

/// What the face is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// A new vault: the user chooses a passphrase (the face asks twice).
    pub create: bool,
    /// Why the previous passphrase was refused (it was wrong): said before asking again.
    pub retry: Option<String>,
}

/// Asks the user for the vault passphrase. Supplied by the face (CLI prompt, TUI dialog).
pub type AskPassphrase =
    std::sync::Arc<dyn Fn(&Ask) -> Result<SecretString, SecretError> + Send + Sync>;

/// Passphrases tried before giving up (the face may start again later).
pub const MAX_TRIES: usize = 3;

/// The passphrase in the file named by `AICONN_VAULT_PASSPHRASE_FILE`, if that is set.
fn passphrase_file() -> Option<Result<SecretString, SecretError>> {
    let file = crate::settings::get().vault_passphrase_file.as_deref()?;
    Some(read_passphrase_file(file))
}

fn read_passphrase_file(file: &std::path::Path) -> Result<SecretString, SecretError> {
    refuse_open_passphrase_file(file)?;
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(file).map_err(|e| {
        SecretError::new(
            SecretErrorKind::NoPassphrase,
            format!("AICONN_VAULT_PASSPHRASE_FILE {}: {e}", file.display()),
        )
    })?);
    let p = text.trim_end_matches(['\n', '\r']);
    if p.is_empty() {
        return Err(SecretError::new(
            SecretErrorKind::NoPassphrase,
            "AICONN_VAULT_PASSPHRASE_FILE is empty",
        ));
    }
    Ok(SecretString::from(p.to_string()))
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

/// How many vault secrets the connections file records, and in how many connections.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VaultRecords {
    pub secrets: usize,
    pub connections: usize,
}

/// Counts the vault secrets the connections file records (nothing when it cannot be read);
/// asked only when `secrets.age` is missing or empty. Supplied by the layer that reads the
/// file (`service::vault_records`): the secret backends never read it themselves.
pub type CountVaultRecords = std::sync::Arc<dyn Fn() -> VaultRecords + Send + Sync>;

/// A missing or empty `secrets.age` while the file records vault secrets is an error: a new
/// vault under whatever passphrase was typed would silently change hands.
fn refuse_lost_vault(dir: &std::path::Path, count: &CountVaultRecords) -> Result<(), SecretError> {
    let path = VaultStore::path_in(dir);
    let state = match std::fs::metadata(&path) {
        Ok(m) if m.len() > 0 => return Ok(()),
        Ok(_) => "empty",
        Err(_) => "missing",
    };
    let VaultRecords {
        secrets,
        connections: conns,
    } = count();
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

/// Opens the vault: with the key remembered in this login session if there is one, else with
/// the passphrase file or by asking; the key of a vault opened by typing is remembered.
pub(super) fn open_vault(
    dir: &std::path::Path,
    ask: &AskPassphrase,
    count: &CountVaultRecords,
) -> Result<VaultStore, SecretError> {
    refuse_lost_vault(dir, count)?;
    if let Some(p) = passphrase_file() {
        return VaultStore::open(dir, p?);
    }
    if let Some(id) = session_cache::get(dir).and_then(|t| vault_key::from_text(&t)) {
        match VaultStore::open_with_key(dir, id) {
            Ok(v) => return Ok(v),
            Err(e) if e.kind == SecretErrorKind::VaultLocked => session_cache::forget(dir),
            Err(e) => return Err(e),
        }
    }
    let v = ask_and_open(dir, ask)?;
    v.remember_key();
    Ok(v)
}

/// Asks until a passphrase opens the vault (at most `MAX_TRIES`), saying why each time.
fn ask_and_open(dir: &std::path::Path, ask: &AskPassphrase) -> Result<VaultStore, SecretError> {
    let create = !VaultStore::exists(dir);
    let mut retry = None;
    for _ in 0..MAX_TRIES {
        let p = ask(&Ask {
            create,
            retry: retry.take(),
        })?;
        match VaultStore::open(dir, p) {
            Err(e) if e.kind == SecretErrorKind::VaultLocked && !create => {
                retry = Some(e.detail.clone())
            }
            other => return other,
        }
    }
    Err(SecretError::new(
        SecretErrorKind::VaultLocked,
        format!("wrong vault passphrase, {MAX_TRIES} tries (the vault was not changed)"),
    ))
}
