//! Duplicating a connection: the copy's secrets are read from the original when it is saved.

use super::{OpError, Service};
use crate::model::Connection;
use indexmap::IndexMap;
use secrecy::SecretString;

impl Service<'_> {
    /// Fills `secrets` with the values of `from` for every secret `copy` records but nobody
    /// typed, references aside. A value missing from the original's backend is an error naming it, never an empty
    /// record. An original that is gone leaves the secrets pending (the save then refuses them).
    pub fn copy_secrets(
        &self,
        from: &str,
        copy: &Connection,
        secrets: &mut IndexMap<String, SecretString>,
    ) -> Result<(), OpError> {
        let Some(source) = self.store.find(from)? else {
            return Ok(());
        };
        // A reference (env:/cmd:) is copied as the reference: the copy follows the variable
        // or command as the original does, and nothing is read or stored for it.
        let wanted: Vec<String> = copy
            .secrets
            .iter()
            .filter(|(k, r)| !secrets.contains_key(*k) && r.reference().is_none())
            .map(|(k, _)| k.clone())
            .collect();
        for key in wanted {
            let v = self.secret_required(&source, &key)?;
            secrets.insert(key, v);
        }
        Ok(())
    }
}
