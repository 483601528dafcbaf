//! Operations that touch both the file and the secret backend, as transactions: secrets are
//! written first, then the file; if the file write fails the secrets are put back. Nothing is
//! ever half-saved, and no secret is left without a connection that records it.

use crate::model::{Connection, FieldError};
use crate::secrets::{SecretError, SecretKey, SecretStore};
use crate::store::{ConnDoc, Store, StoreError};
use indexmap::IndexMap;
use secrecy::{ExposeSecret, SecretString};

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Secret(#[from] SecretError),
    #[error("connection '{0}' is not found")]
    NotFound(String),
    #[error(
        "connection '{0}' already exists (use --overwrite to replace it, or pick another name)"
    )]
    Exists(String),
    #[error(
        "connection '{0}' was changed by another program since it was loaded; reload and apply your change again"
    )]
    Conflict(String),
    #[error("{}", .0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error(
        "secret '{field}' of '{connection}' is recorded as set in the {backend}, but the {backend} does not have it (deleted there, or the vault file was replaced); set it again"
    )]
    SecretMissing {
        connection: String,
        field: String,
        backend: String,
    },
    #[error("connection '{connection}' would set {name}: {why}")]
    RefusedEnvName {
        connection: String,
        name: String,
        why: &'static str,
    },
    #[error(
        "secret '{field}' of '{connection}' is kept in the '{backend}' backend, which is not the active one ({active})"
    )]
    WrongBackend {
        connection: String,
        field: String,
        backend: String,
        active: String,
    },
}

/// Credentials pasted inside a URL (a user part, a key in the query) never reach the file:
/// the key belongs in its own field, which goes to the secret backend.
fn strip_url_credentials(conn: &mut Connection) -> Warnings {
    let Some(spec) = conn.spec() else {
        return vec![];
    };
    let mut warnings = Vec::new();
    for f in spec
        .fields
        .iter()
        .filter(|f| f.kind == crate::catalogue::FieldKind::Url)
    {
        if let Some(clean) = conn
            .values
            .get(&f.key)
            .and_then(|v| crate::endpoint::strip_credentials(v))
        {
            warnings.push(format!(
                "{}: removed the credentials from the URL (they are not stored); put the key in the key field",
                f.key
            ));
            conn.values.insert(f.key.clone(), clean);
        }
    }
    warnings
}

/// What the saver believes the stored connection is, so a concurrent change is never lost.
#[derive(Debug, Clone)]
pub enum Expect {
    /// Creating: the name must be free.
    Absent,
    /// Updating: the stored connection must still be exactly this.
    Unchanged(Connection),
    /// Replace whatever is there (import --overwrite, or a CLI update read under the same lock).
    Any,
}

pub struct Service<'a> {
    pub store: &'a Store,
    pub secrets: &'a dyn SecretStore,
}

/// Things that worked but deserve a line on stderr (e.g. an old secret that could not be
/// removed from the keychain after a successful save).
pub type Warnings = Vec<String>;

impl<'a> Service<'a> {
    pub fn new(store: &'a Store, secrets: &'a dyn SecretStore) -> Self {
        Service { store, secrets }
    }

    fn key(&self, doc: &ConnDoc, conn: &str, field: &str) -> SecretKey {
        SecretKey::new(&doc.namespace, conn, field)
    }

    fn check_backend(&self, conn: &Connection, field: &str, backend: &str) -> Result<(), OpError> {
        if backend == self.secrets.backend() {
            Ok(())
        } else {
            Err(OpError::WrongBackend {
                connection: conn.name.clone(),
                field: field.into(),
                backend: backend.into(),
                active: self.secrets.backend().into(),
            })
        }
    }

    /// Reads one secret value (only when the user asked to see or use it).
    pub fn secret(&self, conn: &Connection, field: &str) -> Result<Option<SecretString>, OpError> {
        let Some(backend) = conn.secrets.get(field) else {
            return Ok(None);
        };
        self.check_backend(conn, field, backend)?;
        let doc = self.store.snapshot()?;
        let value = self
            .secrets
            .get(&SecretKey::new(&doc.namespace, &conn.name, field))?;
        crate::testhook::panic_point("after-secret-read");
        Ok(value)
    }

    /// Saves `conn` with `new_secrets` (field -> value) written to the secret backend.
    /// Secrets recorded in `conn.secrets` but absent from `new_secrets` are kept as stored.
    pub fn save(
        &self,
        mut conn: Connection,
        mut new_secrets: IndexMap<String, SecretString>,
        expect: Expect,
    ) -> Result<Warnings, OpError> {
        let mut tx = self.store.begin()?;
        let current = tx.doc.get(&conn.name).cloned();
        match (&expect, &current) {
            (Expect::Absent, Some(_)) => return Err(OpError::Exists(conn.name)),
            (Expect::Unchanged(_), None) => return Err(OpError::NotFound(conn.name)),
            (Expect::Unchanged(before), Some(now)) if before != now => {
                return Err(OpError::Conflict(conn.name));
            }
            _ => {}
        }
        for field in new_secrets.keys() {
            conn.secrets
                .insert(field.clone(), self.secrets.backend().to_string());
        }
        // A field dropped by its rule (api_key under meid_token) is neither kept nor written.
        let dropped: Vec<String> = conn
            .secrets
            .keys()
            .filter(|k| conn.is_dropped(k))
            .cloned()
            .collect();
        for k in &dropped {
            conn.secrets.shift_remove(k);
            new_secrets.shift_remove(k);
        }
        let mut warnings = strip_url_credentials(&mut conn);
        let mut errors = conn.validate();
        for (field, v) in &new_secrets {
            if v.expose_secret().len() > crate::model::MAX_VALUE_BYTES {
                errors.push(FieldError::new(
                    field,
                    format!(
                        "the value of secret '{field}' is {} KiB, over the {} KiB a value may have",
                        v.expose_secret().len() >> 10,
                        crate::model::MAX_VALUE_BYTES >> 10
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(OpError::Invalid(errors));
        }
        // Secrets first, remembering what they replaced so a failure can put them back.
        let mut undo: Vec<(SecretKey, Option<SecretString>)> = Vec::new();
        for (field, value) in &new_secrets {
            let key = self.key(&tx.doc, &conn.name, field);
            let result = (|| {
                let had = current
                    .as_ref()
                    .is_some_and(|c| c.secrets.contains_key(field));
                let old = if had { self.secrets.get(&key)? } else { None };
                self.secrets.set(&key, value)?;
                undo.push((key, old));
                Ok::<(), SecretError>(())
            })();
            if let Err(e) = result {
                self.rollback(undo);
                return Err(e.into());
            }
        }
        let namespace = tx.doc.namespace.clone();
        tx.doc.upsert(&conn);
        if let Err(e) = tx.commit() {
            self.rollback(undo);
            return Err(e.into());
        }
        // Only now that the file no longer records them may old secrets go.
        if let Some(before) = current {
            for field in before
                .secrets
                .keys()
                .filter(|f| !conn.secrets.contains_key(*f))
            {
                let key = SecretKey::new(&namespace, &conn.name, field);
                if let Err(e) = self.secrets.delete(&key) {
                    warnings.push(format!(
                        "could not remove the old secret '{field}' of '{}': {e}",
                        conn.name
                    ));
                }
            }
        }
        Ok(warnings)
    }

    fn rollback(&self, undo: Vec<(SecretKey, Option<SecretString>)>) {
        for (key, old) in undo.into_iter().rev() {
            let _ = match old {
                Some(v) => self.secrets.set(&key, &v),
                None => self.secrets.delete(&key),
            };
        }
    }

    /// Removes the file entry, then its secrets.
    pub fn delete(&self, name: &str) -> Result<Warnings, OpError> {
        let mut tx = self.store.begin()?;
        let conn = tx
            .doc
            .get(name)
            .cloned()
            .ok_or_else(|| OpError::NotFound(name.into()))?;
        let namespace = tx.doc.namespace.clone();
        tx.doc.remove(name);
        tx.commit()?;
        let mut warnings = Vec::new();
        for (field, backend) in &conn.secrets {
            if backend != self.secrets.backend() {
                warnings.push(format!(
                    "secret '{field}' is in the '{backend}' backend and was left there"
                ));
                continue;
            }
            if let Err(e) = self
                .secrets
                .delete(&SecretKey::new(&namespace, name, field))
            {
                warnings.push(format!(
                    "could not remove secret '{field}' of '{name}': {e}"
                ));
            }
        }
        Ok(warnings)
    }

    /// Renames a connection and moves its secrets: copy to the new name, save the file,
    /// then delete the old copies.
    pub fn rename(&self, old: &str, new: &str) -> Result<Warnings, OpError> {
        crate::model::validate_name(new)
            .map_err(|m| OpError::Invalid(vec![FieldError::new("name", m)]))?;
        let mut tx = self.store.begin()?;
        let conn = tx
            .doc
            .get(old)
            .cloned()
            .ok_or_else(|| OpError::NotFound(old.into()))?;
        if tx.doc.get(new).is_some() {
            return Err(OpError::Exists(new.into()));
        }
        let mut copied: Vec<SecretKey> = Vec::new();
        for (field, backend) in &conn.secrets {
            self.check_backend(&conn, field, backend)?;
            let from = self.key(&tx.doc, old, field);
            let to = self.key(&tx.doc, new, field);
            let moved = (|| {
                let v = self.secrets.get(&from)?.ok_or_else(|| {
                    SecretError::new(
                        crate::secrets::SecretErrorKind::Other,
                        format!("secret '{field}' of '{old}' is recorded but missing"),
                    )
                })?;
                self.secrets.set(&to, &v)
            })();
            if let Err(e) = moved {
                copied.iter().for_each(|k| drop(self.secrets.delete(k)));
                return Err(e.into());
            }
            copied.push(to);
        }
        let namespace = tx.doc.namespace.clone();
        tx.doc.rename(old, new);
        if let Err(e) = tx.commit() {
            copied.iter().for_each(|k| drop(self.secrets.delete(k)));
            return Err(e.into());
        }
        let mut warnings = Vec::new();
        for field in conn.secrets.keys() {
            if let Err(e) = self.secrets.delete(&SecretKey::new(&namespace, old, field)) {
                warnings.push(format!(
                    "could not remove the old copy of secret '{field}': {e}"
                ));
            }
        }
        Ok(warnings)
    }
}
