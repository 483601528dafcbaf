//! The `vault` backend: every secret of a config dir in one file, `secrets.age`, next to
//! `connections.toml`, in the standard age format, encrypted to an X25519 key that is itself
//! kept passphrase-encrypted in `secrets.key.age` (see vault_key.rs). Opening costs one key
//! derivation (reading the key file), a write none; `age -d -i secrets.key.age secrets.age`
//! always recovers it. For machines with no usable keychain.
//!
//! Vaults written by earlier versions (`secrets.age` encrypted with the passphrase itself) are
//! read as they are and converted on first unlock: the key file is written first, then
//! `secrets.age`, each atomically, so a crash in between leaves the old vault readable and the
//! next unlock finishes the job with the same key file.

use super::error::{SecretError, SecretErrorKind};
use super::vault_key::{self, KEY_FILE};
use super::{SecretKey, SecretStore};
use crate::fsio::{FileLock, write_atomic};
use age::x25519::Identity;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
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
    key_path: PathBuf,
    /// Unlocks the key file; `None` when the vault was opened with a cached key.
    passphrase: Option<SecretString>,
    /// The vault's key once unlocked (or made): held for the life of this store, so a TUI
    /// session or a command derives it at most once.
    identity: Mutex<Option<Identity>>,
    /// Keep the key in the login session's cache once known (the passphrase was typed).
    remember: std::sync::atomic::AtomicBool,
    /// The file bytes last read or written, and what they decrypt to.
    cache: Mutex<Option<(Vec<u8>, Contents, Format)>>,
}

fn err(kind: SecretErrorKind, msg: impl Into<String>) -> SecretError {
    SecretError::new(kind, msg)
}

/// What `secrets.age` holds now.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Missing or empty: a new vault.
    Empty,
    /// Encrypted with the passphrase itself (earlier versions).
    Passphrase,
    /// Encrypted to the key in `secrets.key.age`.
    Key,
}

impl VaultStore {
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(VAULT_FILE)
    }

    pub fn key_path_in(dir: &Path) -> PathBuf {
        dir.join(KEY_FILE)
    }

    fn new(dir: &Path, passphrase: Option<SecretString>, identity: Option<Identity>) -> Self {
        VaultStore {
            path: Self::path_in(dir),
            key_path: Self::key_path_in(dir),
            passphrase,
            identity: Mutex::new(identity),
            remember: std::sync::atomic::AtomicBool::new(false),
            cache: Mutex::new(None),
        }
    }

    /// Opens (or prepares to create) the vault in `dir`. An existing vault is decrypted now,
    /// so a wrong passphrase is reported before anything else happens; a vault of an earlier
    /// version is converted (best effort: if that write fails it stays readable as it is).
    pub fn open(dir: &Path, passphrase: SecretString) -> Result<Self, SecretError> {
        let v = Self::new(dir, Some(passphrase), None);
        let format = v.load()?;
        match format {
            // A key file with no vault yet: it decides the passphrase (check it now).
            Format::Empty if v.key_path.exists() => {
                v.identity()?;
            }
            Format::Passphrase => {
                let _ = v.modify(|_| {});
            }
            _ => {}
        }
        Ok(v)
    }

    /// Opens the vault with a key kept from an earlier unlock (the session cache). Only an
    /// existing vault in the current format that this key opens: anything else is
    /// `VaultLocked`, and the caller asks for the passphrase.
    pub fn open_with_key(dir: &Path, identity: Identity) -> Result<Self, SecretError> {
        let v = Self::new(dir, None, Some(identity));
        let stale = || {
            err(
                SecretErrorKind::VaultLocked,
                "the remembered vault key does not apply",
            )
        };
        if !v.key_path.exists() {
            return Err(stale());
        }
        match v.load() {
            Ok(Format::Key) => Ok(v),
            Ok(_) => Err(stale()),
            Err(e) => Err(e),
        }
    }

    /// A vault (or its key) exists in `dir`: unlock it rather than create one.
    pub fn exists(dir: &Path) -> bool {
        Self::path_in(dir).exists() || Self::key_path_in(dir).exists()
    }

    /// Keeps the key in the login session's cache now, or as soon as it is known (a new
    /// vault's key is made by its first write), so the next command needs no passphrase.
    pub fn remember_key(&self) {
        self.remember
            .store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(id) = self
            .identity
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            self.cache_key(id);
        }
    }

    fn cache_key(&self, id: &Identity) {
        if self.remember.load(std::sync::atomic::Ordering::SeqCst)
            && let Some(dir) = self.path.parent()
        {
            super::session_cache::put(dir, &vault_key::to_text(id));
        }
    }

    /// The vault's key: held, else unlocked from the key file (one key derivation).
    fn identity(&self) -> Result<Identity, SecretError> {
        let mut held = self.identity.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(id) = held.as_ref() {
            return Ok(id.clone());
        }
        let pass = self.passphrase.as_ref().ok_or_else(|| {
            err(
                SecretErrorKind::VaultLocked,
                "the vault key is not unlocked",
            )
        })?;
        let id = vault_key::read(&self.key_path, pass)?.ok_or_else(|| {
            err(
                SecretErrorKind::VaultCorrupt,
                format!(
                    "{} is missing: {} cannot be read without it (restore both from the same backup); it was left untouched",
                    self.key_path.display(),
                    self.path.display()
                ),
            )
        })?;
        self.cache_key(&id);
        *held = Some(id.clone());
        Ok(id)
    }

    /// The key new writes are encrypted to: the held or stored one, else a new one whose key
    /// file is written first (so `secrets.age` is never encrypted to a key nobody kept).
    fn identity_for_write(&self) -> Result<Identity, SecretError> {
        if !self.key_path.exists() {
            let pass = self.passphrase.as_ref().ok_or_else(|| {
                err(
                    SecretErrorKind::VaultLocked,
                    "the vault key file is missing",
                )
            })?;
            let mut held = self.identity.lock().unwrap_or_else(|p| p.into_inner());
            let id = held.clone().unwrap_or_else(Identity::generate);
            vault_key::write(&self.key_path, &id, pass)?;
            crate::testhook::crash_point("vault-key-written");
            self.cache_key(&id);
            *held = Some(id.clone());
            return Ok(id);
        }
        match self.identity() {
            Err(e)
                if e.kind == SecretErrorKind::VaultLocked
                    && self.format_now() == Format::Passphrase =>
            {
                Err(err(
                    SecretErrorKind::VaultCorrupt,
                    format!(
                        "{} does not open with the passphrase of {} (an older-format vault): move {} away (it may be the key of a backup) and try again; nothing was changed",
                        self.key_path.display(),
                        self.path.display(),
                        self.key_path.display()
                    ),
                ))
            }
            other => other,
        }
    }

    fn format_now(&self) -> Format {
        match std::fs::read(&self.path) {
            Ok(b) if !b.is_empty() => match age::Decryptor::new_buffered(&b[..]) {
                Ok(d) if d.is_scrypt() => Format::Passphrase,
                _ => Format::Key,
            },
            _ => Format::Empty,
        }
    }

    fn decrypt(&self, bytes: &[u8]) -> Result<(Contents, Format), SecretError> {
        let d = age::Decryptor::new_buffered(bytes).map_err(|e| {
            err(
                SecretErrorKind::VaultCorrupt,
                format!(
                    "{} is not a readable age file ({e}); it was left untouched",
                    self.path.display()
                ),
            )
        })?;
        let (plain, format) = if d.is_scrypt() {
            let pass = self.passphrase.as_ref().ok_or_else(|| {
                err(
                    SecretErrorKind::VaultLocked,
                    "an older-format vault needs its passphrase",
                )
            })?;
            (
                vault_key::decrypt_with_passphrase(bytes, pass, &self.path)?,
                Format::Passphrase,
            )
        } else {
            (self.decrypt_with_key(d)?, Format::Key)
        };
        let contents = serde_json::from_slice(&plain).map_err(|_| {
            err(
                SecretErrorKind::VaultCorrupt,
                format!(
                    "{} decrypts but is not an aiconn vault; it was left untouched",
                    self.path.display()
                ),
            )
        })?;
        Ok((contents, format))
    }

    fn decrypt_with_key(
        &self,
        d: age::Decryptor<&[u8]>,
    ) -> Result<Zeroizing<Vec<u8>>, SecretError> {
        let id = self.identity()?;
        match d.decrypt(std::iter::once(&id as &dyn age::Identity)) {
            Ok(r) => vault_key::read_all(r, &self.path),
            Err(age::DecryptError::NoMatchingKeys) if self.passphrase.is_none() => Err(err(
                SecretErrorKind::VaultLocked,
                "the remembered vault key does not open it",
            )),
            Err(age::DecryptError::NoMatchingKeys) => Err(err(
                SecretErrorKind::VaultCorrupt,
                format!(
                    "{} is not encrypted to the key in {} (was one of them replaced? restore both from the same backup); both were left untouched",
                    self.path.display(),
                    self.key_path.display()
                ),
            )),
            Err(other) => Err(err(
                SecretErrorKind::VaultCorrupt,
                format!(
                    "{} cannot be decrypted ({other}); it was left untouched",
                    self.path.display()
                ),
            )),
        }
    }

    /// Encrypts to the vault's key: no key derivation.
    fn encrypt(&self, c: &Contents) -> Result<Vec<u8>, SecretError> {
        let plain = Zeroizing::new(
            serde_json::to_vec(c).map_err(|e| err(SecretErrorKind::Other, e.to_string()))?,
        );
        let recipient = self.identity_for_write()?.to_public();
        vault_key::encrypt(&plain, &recipient)
            .map_err(|e| err(SecretErrorKind::Other, format!("the vault: {}", e.detail)))
    }

    /// Reads the file if it changed since it was last read; a missing file is an empty vault.
    fn load(&self) -> Result<Format, SecretError> {
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
        if let Some((b, _, format)) = cache.as_ref()
            && *b == bytes
        {
            return Ok(*format);
        }
        let (contents, format) = if bytes.is_empty() {
            let empty = Contents {
                aiconn_vault: 1,
                secrets: BTreeMap::new(),
            };
            (empty, Format::Empty)
        } else {
            self.decrypt(&bytes)?
        };
        *cache = Some((bytes, contents, format));
        Ok(format)
    }

    /// Read-modify-write under the vault's own lock, atomically, like the connections file.
    fn modify(&self, f: impl FnOnce(&mut Contents)) -> Result<(), SecretError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        crate::fsio::ensure_private_dir(dir)
            .map_err(|e| err(SecretErrorKind::VaultWrite, e.to_string()))?;
        let lock_path = self.path.with_extension("age.lock");
        let _lock = FileLock::acquire(&lock_path, crate::settings::LOCK_WAIT)
            .map_err(|e| err(SecretErrorKind::VaultWrite, e.to_string()))?;
        crate::fsio::remove_stale_temps(&self.path);
        crate::fsio::remove_stale_temps(&self.key_path);
        self.load()?;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let Some((_, contents, _)) = cache.as_mut() else {
            return Err(err(SecretErrorKind::Other, "the vault was not loaded"));
        };
        f(contents);
        let bytes = self.encrypt(contents)?;
        write_atomic(&self.path, &bytes).map_err(|e| {
            err(
                SecretErrorKind::VaultWrite,
                format!("{}: {e}", self.path.display()),
            )
        })?;
        if let Some(c) = cache.as_mut() {
            c.0 = bytes;
            c.2 = Format::Key;
        }
        Ok(())
    }
}

impl SecretStore for VaultStore {
    fn backend(&self) -> crate::model::Backend {
        crate::model::Backend::Vault
    }

    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, SecretError> {
        self.load()?;
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        Ok(cache
            .as_ref()
            .and_then(|(_, c, _)| c.secrets.get(&key.account()))
            .map(|v| SecretString::from(v.clone())))
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), SecretError> {
        self.set_many(&[(key.clone(), value.clone())])
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.delete_many(std::slice::from_ref(key))
    }

    /// One encryption for the whole batch (to the vault's key: no key derivation).
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
                .is_some_and(|(_, c, _)| keys.iter().any(|k| c.secrets.contains_key(k.as_str())))
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
            .map(|(_, c, _)| {
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
