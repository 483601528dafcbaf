//! Opens the real backend on first use, so commands that end up not needing a secret (a
//! connection under Entra ID, a delete with nothing to remove) work without a keychain, and a
//! vault asks for its passphrase only when a secret is really touched.

use super::{AskPassphrase, CountVaultRecords, SecretError, SecretKey, SecretStore, open_backend};
use secrecy::SecretString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub struct LazyStore {
    /// What was asked for (an unknown one fails at first use).
    backend: crate::model::Backend,
    dir: PathBuf,
    ask: AskPassphrase,
    /// What the connections file records in the vault (to refuse a lost one).
    count: CountVaultRecords,
    inner: OnceLock<Result<Box<dyn SecretStore>, SecretError>>,
}

impl LazyStore {
    /// `count` is asked only if a vault's file is missing or empty (`service::secret_backend`
    /// passes what the connections file records).
    pub fn new(
        backend: crate::model::Backend,
        dir: &Path,
        ask: AskPassphrase,
        count: CountVaultRecords,
    ) -> Self {
        LazyStore {
            backend,
            dir: dir.to_path_buf(),
            ask,
            count,
            inner: OnceLock::new(),
        }
    }

    /// The backend, opened on first use. A failure that asking again may fix (a wrong or
    /// withheld passphrase) is not remembered: the next use asks again.
    fn open(&self) -> Result<&dyn SecretStore, SecretError> {
        if self.inner.get().is_none() {
            match open_backend(&self.backend, &self.dir, &self.ask, &self.count) {
                Err(e) if e.retryable() => return Err(e),
                r => {
                    let _ = self.inner.set(r);
                }
            }
        }
        match self.inner.get() {
            Some(Ok(s)) => Ok(s.as_ref()),
            Some(Err(e)) => Err(e.clone()),
            None => Err(SecretError::new(
                super::SecretErrorKind::Other,
                "the secret backend was not opened",
            )),
        }
    }
}

impl SecretStore for LazyStore {
    fn backend(&self) -> crate::model::Backend {
        self.backend.clone()
    }
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, SecretError> {
        self.open()?.get(key)
    }
    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), SecretError> {
        self.open()?.set(key, value)
    }
    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.open()?.delete(key)
    }
    fn probe(&self) -> Result<(), SecretError> {
        self.open()?.probe()
    }
    // Nothing to do opens nothing: a save with no secret works without any keychain.
    fn set_many(&self, items: &[(SecretKey, SecretString)]) -> Result<(), SecretError> {
        if items.is_empty() {
            return Ok(());
        }
        self.open()?.set_many(items)
    }
    fn delete_many(&self, keys: &[SecretKey]) -> Result<(), SecretError> {
        if keys.is_empty() {
            return Ok(());
        }
        self.open()?.delete_many(keys)
    }
    fn list(&self, prefix: &str) -> Result<Vec<SecretKey>, SecretError> {
        self.open()?.list(prefix)
    }
    fn ready(&self) -> Result<(), SecretError> {
        self.open()?.ready()
    }
}
