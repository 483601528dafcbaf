//! A secret backend that fails as a keychain with no D-Bus session bus does, for the workers'
//! error paths without a real session (every call answers `NoSessionBus`).

use aiconn::secrets::{SecretError, SecretErrorKind, SecretKey, SecretStore};
use secrecy::SecretString;

pub struct NoBus;

fn no_bus<T>() -> Result<T, SecretError> {
    Err(SecretError::new(SecretErrorKind::NoSessionBus, ""))
}

impl SecretStore for NoBus {
    fn backend(&self) -> aiconn::model::Backend {
        aiconn::model::Backend::Keychain
    }
    fn get(&self, _: &SecretKey) -> Result<Option<SecretString>, SecretError> {
        no_bus()
    }
    fn set(&self, _: &SecretKey, _: &SecretString) -> Result<(), SecretError> {
        no_bus()
    }
    fn delete(&self, _: &SecretKey) -> Result<(), SecretError> {
        no_bus()
    }
    fn probe(&self) -> Result<(), SecretError> {
        no_bus()
    }
    fn list(&self, _: &str) -> Result<Vec<SecretKey>, SecretError> {
        no_bus()
    }
}

/// A connections file with one connection `c` of `type_id` at `url_field = url`, its key
/// recorded as kept in the keychain.
pub fn keychain_connection(dir: &std::path::Path, type_id: &str, url_field: &str, url: &str) {
    std::fs::write(
        dir.join("connections.toml"),
        format!(
            "version = 1\nnamespace = \"t1\"\n\n[connections.c]\ntype = \"{type_id}\"\n{url_field} = \"{url}\"\nsecrets = {{ api_key = \"keychain:1\" }}\n"
        ),
    )
    .unwrap();
}
