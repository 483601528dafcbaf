//! Opens the real backend on first use, so commands that end up not needing a secret (a
//! connection under Entra ID, a delete with nothing to remove) work without a keychain.

use super::{SecretError, SecretKey, SecretStore, open_backend};
use secrecy::SecretString;
use std::sync::OnceLock;

pub struct LazyStore {
    name: &'static str,
    inner: OnceLock<Result<Box<dyn SecretStore>, SecretError>>,
}

impl LazyStore {
    pub fn new(name: &str) -> Self {
        // Only known names are recorded in files; anything else fails at first use.
        let name: &'static str = match name {
            "keychain" => "keychain",
            "vault" => "vault",
            other => Box::leak(other.to_string().into_boxed_str()),
        };
        LazyStore {
            name,
            inner: OnceLock::new(),
        }
    }

    fn open(&self) -> Result<&dyn SecretStore, SecretError> {
        match self.inner.get_or_init(|| open_backend(self.name)) {
            Ok(s) => Ok(s.as_ref()),
            Err(e) => Err(e.clone()),
        }
    }
}

impl SecretStore for LazyStore {
    fn backend(&self) -> &'static str {
        self.name
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
}
