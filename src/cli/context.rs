//! What every command needs: the store, and the secret backend (opened only when needed, so
//! `list` and `show` never touch the keychain).

use super::CliError;
use crate::model::Backend;
use crate::secrets::{LazyStore, SecretStore};
use crate::store::{Store, default_config_dir};
use std::cell::OnceCell;
use std::path::PathBuf;

pub struct Context {
    pub store: Store,
    secrets: OnceCell<LazyStore>,
}

/// Where the backend choice came from, for `doctor`.
pub enum BackendChoice {
    Env(Backend),
    Config(Backend),
    Default,
}

impl BackendChoice {
    pub fn backend(&self) -> Backend {
        match self {
            BackendChoice::Env(b) | BackendChoice::Config(b) => b.clone(),
            BackendChoice::Default => Backend::Keychain,
        }
    }
    pub fn source(&self) -> &'static str {
        match self {
            BackendChoice::Env(_) => "AICONN_SECRET_BACKEND",
            BackendChoice::Config(_) => "secret_backend in connections.toml",
            BackendChoice::Default => "default",
        }
    }
}

impl Context {
    pub fn new(config_dir: Option<PathBuf>) -> Result<Self, CliError> {
        let dir = config_dir.or_else(default_config_dir).ok_or_else(|| {
            CliError::new(
                "cannot find a config directory: pass --config-dir or set AICONN_CONFIG_DIR",
            )
        })?;
        Ok(Context {
            store: Store::new(dir),
            secrets: OnceCell::new(),
        })
    }

    /// `AICONN_SECRET_BACKEND`, else the file's `secret_backend`, else the keychain.
    pub fn backend_choice(&self) -> BackendChoice {
        if let Some(v) = std::env::var("AICONN_SECRET_BACKEND")
            .ok()
            .filter(|v| !v.is_empty())
        {
            return BackendChoice::Env(Backend::parse(&v));
        }
        match self.store.secret_backend() {
            Some(b) => BackendChoice::Config(b),
            None => BackendChoice::Default,
        }
    }

    /// The chosen backend; it connects on first use.
    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.get_or_init(|| {
            crate::service::secret_backend(
                &self.store,
                self.backend_choice().backend(),
                std::sync::Arc::new(super::prompt::vault_passphrase),
            )
        })
    }

    /// A backend (connects on first use).
    pub fn open_backend(&self, backend: &Backend) -> LazyStore {
        crate::service::secret_backend(
            &self.store,
            backend.clone(),
            std::sync::Arc::new(super::prompt::vault_passphrase),
        )
    }

    pub fn service(&self) -> Result<crate::service::Service<'_>, CliError> {
        Ok(crate::service::Service::new(&self.store, self.secrets()))
    }
}
