//! The `vault` backend: every secret of a config dir in one file, `secrets.age`, next to
//! `connections.toml`, encrypted with a passphrase in the standard age format (scrypt), so
//! `age -d secrets.age` always recovers it. For machines with no usable keychain.

use super::error::{SecretError, SecretErrorKind};
use super::{SecretKey, SecretStore};
use crate::store::{FileLock, write_atomic};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use zeroize::Zeroizing;

pub const VAULT_FILE: &str = "secrets.age";

/// The plaintext inside the age file (JSON, so it is readable after `age -d`).
#[derive(Serialize, Deserialize, Default)]
struct Contents {
    aiconn_vault: u32,
    secrets: BTreeMap<String, String>,
}

impl Drop for Contents {
    fn drop(&mut self) {
        for v in self.secrets.values_mut() {
            zeroize::Zeroize::zeroize(v);
        }
    }
}

pub struct VaultStore {
    path: PathBuf,
    passphrase: SecretString,
    /// The file bytes last read or written, and what they decrypt to.
    cache: Mutex<Option<(Vec<u8>, Contents)>>,
}

fn err(kind: SecretErrorKind, msg: impl Into<String>) -> SecretError {
    SecretError::new(kind, msg)
}

/// scrypt work factor for new vault writes; `AICONN_VAULT_WORK_FACTOR` (10..=22) overrides
/// age's default of about one second, e.g. for tests.
fn work_factor() -> Option<u8> {
    std::env::var("AICONN_VAULT_WORK_FACTOR")
        .ok()?
        .parse::<u8>()
        .ok()
        .map(|n| n.clamp(10, 22))
}

impl VaultStore {
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(VAULT_FILE)
    }

    /// Opens (or prepares to create) the vault in `dir`. An existing vault is decrypted now,
    /// so a wrong passphrase is reported before anything else happens.
    pub fn open(dir: &Path, passphrase: SecretString) -> Result<Self, SecretError> {
        let v = VaultStore {
            path: Self::path_in(dir),
            passphrase,
            cache: Mutex::new(None),
        };
        v.load()?;
        Ok(v)
    }

    pub fn exists(dir: &Path) -> bool {
        Self::path_in(dir).exists()
    }

    fn decrypt(&self, bytes: &[u8]) -> Result<Contents, SecretError> {
        let d = age::Decryptor::new_buffered(bytes).map_err(|e| {
            err(
                SecretErrorKind::VaultCorrupt,
                format!(
                    "{} is not a readable age file ({e}); it was left untouched",
                    self.path.display()
                ),
            )
        })?;
        let mut identity = age::scrypt::Identity::new(self.passphrase.clone());
        identity.set_max_work_factor(22);
        let mut reader = d
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => err(
                    SecretErrorKind::VaultLocked,
                    "wrong vault passphrase (the vault was not changed)",
                ),
                other => err(
                    SecretErrorKind::VaultCorrupt,
                    format!(
                        "{} cannot be decrypted ({other}); it was left untouched",
                        self.path.display()
                    ),
                ),
            })?;
        let mut plain = Zeroizing::new(Vec::new());
        reader.read_to_end(&mut plain).map_err(|e| {
            err(
                SecretErrorKind::VaultCorrupt,
                format!(
                    "{} is damaged ({e}); it was left untouched",
                    self.path.display()
                ),
            )
        })?;
        serde_json::from_slice(&plain).map_err(|_| {
            err(
                SecretErrorKind::VaultCorrupt,
                format!(
                    "{} decrypts but is not an aiconn vault; it was left untouched",
                    self.path.display()
                ),
            )
        })
    }

    fn encrypt(&self, c: &Contents) -> Result<Vec<u8>, SecretError> {
        let plain = Zeroizing::new(serde_json::to_vec(c).expect("json"));
        let mut recipient = age::scrypt::Recipient::new(self.passphrase.clone());
        if let Some(n) = work_factor() {
            recipient.set_work_factor(n);
        }
        let enc =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| {
                    err(
                        SecretErrorKind::Other,
                        format!("cannot encrypt the vault: {e}"),
                    )
                })?;
        let mut out = Vec::new();
        let mut w = enc
            .wrap_output(&mut out)
            .map_err(|e| err(SecretErrorKind::Other, e.to_string()))?;
        w.write_all(&plain)
            .and_then(|_| w.finish().map(|_| ()))
            .map_err(|e| err(SecretErrorKind::Other, e.to_string()))?;
        Ok(out)
    }

    /// Reads the file if it changed since it was last read; a missing file is an empty vault.
    fn load(&self) -> Result<(), SecretError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(err(
                    SecretErrorKind::Other,
                    format!("{}: {e}", self.path.display()),
                ));
            }
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.as_ref().is_some_and(|(b, _)| *b == bytes) {
            return Ok(());
        }
        let contents = if bytes.is_empty() {
            Contents {
                aiconn_vault: 1,
                secrets: BTreeMap::new(),
            }
        } else {
            self.decrypt(&bytes)?
        };
        *cache = Some((bytes, contents));
        Ok(())
    }

    /// Read-modify-write under the vault's own lock, atomically, like the connections file.
    fn modify(&self, f: impl FnOnce(&mut Contents)) -> Result<(), SecretError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        crate::store::ensure_private_dir(dir)
            .map_err(|e| err(SecretErrorKind::Other, e.to_string()))?;
        let lock_path = self.path.with_extension("age.lock");
        let _lock = FileLock::acquire(&lock_path, Duration::from_secs(10))
            .map_err(|e| err(SecretErrorKind::Other, e.to_string()))?;
        crate::store::remove_stale_temps(&self.path);
        self.load()?;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let (_, contents) = cache.as_mut().expect("loaded");
        f(contents);
        let bytes = self.encrypt(contents)?;
        write_atomic(&self.path, &bytes).map_err(|e| {
            err(
                SecretErrorKind::Other,
                format!("{}: {e}", self.path.display()),
            )
        })?;
        cache.as_mut().expect("loaded").0 = bytes;
        Ok(())
    }
}

impl SecretStore for VaultStore {
    fn backend(&self) -> &'static str {
        "vault"
    }

    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, SecretError> {
        self.load()?;
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        Ok(cache
            .as_ref()
            .and_then(|(_, c)| c.secrets.get(&key.account()))
            .map(|v| SecretString::from(v.clone())))
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), SecretError> {
        self.set_many(&[(key.clone(), value.clone())])
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.delete_many(std::slice::from_ref(key))
    }

    /// One encryption (one scrypt) for the whole batch.
    fn set_many(&self, items: &[(SecretKey, SecretString)]) -> Result<(), SecretError> {
        if items.is_empty() {
            return Ok(());
        }
        self.modify(|c| {
            for (key, value) in items {
                c.secrets
                    .insert(key.account(), value.expose_secret().to_string());
            }
        })
    }

    fn delete_many(&self, keys: &[SecretKey]) -> Result<(), SecretError> {
        self.load()?;
        let any_present = {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache
                .as_ref()
                .is_some_and(|(_, c)| keys.iter().any(|k| c.secrets.contains_key(k.as_str())))
        };
        if !any_present {
            return Ok(());
        }
        self.modify(|c| {
            for key in keys {
                if let Some(mut v) = c.secrets.remove(key.as_str()) {
                    zeroize::Zeroize::zeroize(&mut v);
                }
            }
        })
    }

    fn list(&self, prefix: &str) -> Result<Vec<SecretKey>, SecretError> {
        self.load()?;
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        Ok(cache
            .as_ref()
            .map(|(_, c)| {
                c.secrets
                    .keys()
                    .filter(|a| a.starts_with(prefix))
                    .map(|a| SecretKey::from_account(a))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// A real round trip: write a probe value, read it back from the file, remove it.
    fn probe(&self) -> Result<(), SecretError> {
        let key = SecretKey::new(
            "probe",
            "aiconn-doctor",
            &format!("p{}", std::process::id()),
        );
        self.set(&key, &SecretString::from("aiconn-probe"))?;
        // Force a read of the file itself, not of what this process remembers.
        *self.cache.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let back = self.get(&key)?;
        self.delete(&key)?;
        match back {
            Some(v) if v.expose_secret() == "aiconn-probe" => Ok(()),
            _ => Err(err(
                SecretErrorKind::Other,
                format!(
                    "a probe value was written to {} but did not read back",
                    self.path.display()
                ),
            )),
        }
    }
}
