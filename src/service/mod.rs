//! Operations that touch both the file and the secret backend, as transactions whose one
//! commit point is the file's atomic rename. A new value is written under a fresh generation
//! (a new keychain account or vault entry) that nothing references yet; then the file is
//! committed pointing at it; then the values it no longer points at are deleted. Every value
//! that may end up unreferenced is first written to the operation's journal
//! (`secrets::journal`), so a crash, a kill -9 or a timed-out keychain call leaves at worst an
//! unreferenced value that the next save or `aiconn doctor --fix` removes, never a torn
//! connection (a new key with old fields, or fields pointing at a value that is gone).

use crate::model::{Backend, Connection, FieldError, SecretRecord};
use crate::secrets::journal::{self, Journal};
use crate::secrets::{SecretErrorKind, SecretKey, SecretStore, new_generation};
use crate::store::{Store, StoreError};
use indexmap::IndexMap;
use secrecy::{ExposeSecret, SecretString};

pub mod advice;
pub mod approve;
mod backend;
mod duplicate;
mod errors;
pub mod migrate;
pub mod namespace;
mod sweep;

pub use advice::{Advice, advice, secret_advice};
pub use backend::{secret_backend, vault_records};
use errors::check_expect;
pub use errors::{Expect, OpError};
pub use sweep::Orphans;

/// Credentials pasted inside a URL (a user part, a key in the query) never reach the file:
/// the key belongs in its own field, which goes to the secret backend.
fn strip_url_credentials(conn: &mut Connection) -> Warnings {
    let spec = conn.spec();
    let mut warnings = Vec::new();
    for f in spec.url_fields() {
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

pub struct Service<'a> {
    pub store: &'a Store,
    pub secrets: &'a dyn SecretStore,
    /// This dir's namespace, bound once (every secret key starts with it).
    namespace: std::sync::OnceLock<crate::store::dirid::DirId>,
}

/// Things that worked but deserve a line on stderr (e.g. an old secret that could not be
/// removed from the keychain after a successful save).
pub type Warnings = Vec<String>;

/// A value to write: under which key, and its value.
type Writes = Vec<(SecretKey, SecretString)>;

impl<'a> Service<'a> {
    pub fn new(store: &'a Store, secrets: &'a dyn SecretStore) -> Self {
        Service {
            store,
            secrets,
            namespace: std::sync::OnceLock::new(),
        }
    }

    /// This dir's namespace, bound on first use (see `namespace`).
    pub fn namespace(&self) -> Result<String, OpError> {
        Ok(self.dir_id()?.namespace)
    }

    fn dir_id(&self) -> Result<crate::store::dirid::DirId, OpError> {
        if let Some(n) = self.namespace.get() {
            return Ok(n.clone());
        }
        let n = namespace::bind(self.store, self.secrets)?;
        Ok(self.namespace.get_or_init(|| n).clone())
    }

    /// The namespace when this dir already has one (no backend touched). A dir with none has
    /// written no value, so nothing a record names may be deleted from it.
    fn bound_namespace(&self) -> Option<String> {
        self.namespace
            .get()
            .cloned()
            .or_else(|| namespace::bound(self.store))
            .map(|id| id.namespace)
    }

    /// The namespace for an operation that may replace or remove `conn`'s stored values.
    fn namespace_for(
        &self,
        conn: Option<&Connection>,
        writes: bool,
    ) -> Result<Option<String>, OpError> {
        let stored = conn.is_some_and(|c| c.secrets.values().any(|r| r.backend().is_some()));
        if writes || stored {
            return self.namespace().map(Some);
        }
        Ok(self.bound_namespace())
    }

    fn check_backend(
        &self,
        conn: &Connection,
        field: &str,
        record: &SecretRecord,
    ) -> Result<(), OpError> {
        match record.backend() {
            Some(b) if *b == self.secrets.backend() => Ok(()),
            Some(b) => Err(OpError::WrongBackend {
                connection: conn.name.clone(),
                field: field.into(),
                backend: b.clone(),
                active: self.secrets.backend(),
            }),
            None => Err(OpError::Invalid(vec![FieldError::new(
                conn.secret_path(field),
                format!("secret '{field}' has no value yet"),
            )])),
        }
    }

    fn key_of(&self, ns: &str, conn: &str, field: &str, record: &SecretRecord) -> SecretKey {
        SecretKey::for_record(ns, conn, field, record)
    }

    /// Reads one secret value (only when the user asked to see or use it).
    pub fn secret(&self, conn: &Connection, field: &str) -> Result<Option<SecretString>, OpError> {
        let Some(record) = conn.secrets.get(field) else {
            return Ok(None);
        };
        if let Some(r) = record.reference() {
            let approvals = crate::secrets::refs::Approvals::in_dir(self.store.dir());
            let timeout = crate::secrets::refs::timeout_from_env();
            return crate::secrets::refs::resolve(r, &approvals, &conn.name, timeout)
                .map(Some)
                .map_err(|e| OpError::Reference {
                    connection: conn.name.clone(),
                    field: field.into(),
                    source: e,
                });
        }
        self.check_backend(conn, field, record)?;
        let ns = self.namespace()?;
        let value = self
            .secrets
            .get(&self.key_of(&ns, &conn.name, field, record))?;
        crate::testhook::panic_point("after-secret-read");
        Ok(value)
    }

    /// Reads a secret the connection records: a value its backend does not have is
    /// `SecretMissing`, naming that backend (every face words the same error).
    pub fn secret_required(&self, conn: &Connection, field: &str) -> Result<SecretString, OpError> {
        self.secret(conn, field)?
            .ok_or_else(|| OpError::secret_missing(conn, field))
    }

    /// Plans `values` (field -> value) of connection `name` under fresh generations and
    /// journals each before anything is written. Returns the writes and the records that will
    /// point at them.
    fn plan_new(
        &self,
        journal: &mut Journal,
        ns: &str,
        name: &str,
        values: &IndexMap<String, SecretString>,
    ) -> Result<(Writes, IndexMap<String, SecretRecord>), OpError> {
        let backend = self.secrets.backend();
        let mut writes = Vec::new();
        let mut records = IndexMap::new();
        for (field, value) in values {
            let record = SecretRecord::stored(backend.clone(), Some(new_generation()));
            let key = self.key_of(ns, name, field, &record);
            journal
                .note(&backend, key.as_str())
                .map_err(|e| self.io(e))?;
            writes.push((key, value.clone()));
            records.insert(field.clone(), record);
        }
        crate::testhook::crash_point("journaled");
        Ok((writes, records))
    }

    /// Plans, journals and writes new values; on failure nothing references what was written
    /// and the journal says what may have been.
    fn write_new(
        &self,
        ns: &str,
        name: &str,
        values: &IndexMap<String, SecretString>,
    ) -> Result<(Journal, Writes, IndexMap<String, SecretRecord>), OpError> {
        let mut journal = Journal::begin(self.store.dir()).map_err(|e| self.io(e))?;
        let (writes, records) = match self.plan_new(&mut journal, ns, name, values) {
            Ok(p) => p,
            Err(e) => {
                journal.done();
                return Err(e);
            }
        };
        if let Err(e) = self.secrets.set_many(&writes) {
            let e = OpError::from(e);
            self.abandon(journal, &writes, &e);
            return Err(e);
        }
        crate::testhook::crash_point("secrets-written");
        Ok((journal, writes, records))
    }

    fn io(&self, e: std::io::Error) -> OpError {
        OpError::Store(StoreError::Io {
            path: self.store.dir().join(journal::JOURNAL_DIR),
            source: e,
        })
    }

    /// After a failure: the values written for nothing are removed where possible. A backend
    /// call that timed out may still land, so its journal stays locked until the process ends
    /// and a later command sweeps it.
    fn abandon(&self, journal: Journal, writes: &[(SecretKey, SecretString)], cause: &OpError) {
        let keys: Vec<SecretKey> = writes.iter().map(|(k, _)| k.clone()).collect();
        let timed_out = matches!(cause, OpError::Secret(e) if e.kind == SecretErrorKind::Timeout);
        if timed_out {
            let _ = self.secrets.delete_many(&keys);
            journal.keep_until_exit();
        } else if self.secrets.delete_many(&keys).is_ok() {
            journal.done();
        }
    }

    /// Deletes values the committed file no longer points at; the journal is finished only
    /// when all are gone (else `doctor --fix` or the next save finishes the job).
    fn retire(&self, journal: Journal, superseded: Vec<(Backend, SecretKey)>) -> Warnings {
        let mut warnings = Vec::new();
        let (mine, others): (Vec<_>, Vec<_>) = superseded
            .into_iter()
            .partition(|(b, _)| *b == self.secrets.backend());
        let keys: Vec<SecretKey> = mine.into_iter().map(|(_, k)| k).collect();
        let mut clean = others.is_empty();
        if let Err(e) = self.secrets.delete_many(&keys) {
            clean = false;
            warnings.push(format!(
                "could not remove {} replaced secret value(s) from the {}: {e}; `aiconn doctor --fix` removes them later",
                keys.len(),
                self.secrets.backend()
            ));
        }
        if !others.is_empty() {
            warnings.push(format!(
                "{} replaced secret value(s) are in another backend and were left there; `aiconn secrets migrate` or `aiconn doctor --fix` with that backend removes them",
                others.len()
            ));
        }
        if clean {
            journal.done();
        }
        warnings
    }

    /// Saves `conn` with `new_secrets` (field -> value) written to the secret backend.
    /// Secrets recorded in `conn.secrets` but absent from `new_secrets` keep the value the file
    /// points at when the save commits.
    pub fn save(
        &self,
        mut conn: Connection,
        mut new_secrets: IndexMap<String, SecretString>,
        expect: Expect,
    ) -> Result<Warnings, OpError> {
        let mut warnings = prepare_save(&mut conn, &mut new_secrets)?;
        // Early answers without touching any backend (they are checked again under the lock).
        let before = self.store.snapshot()?.get(&conn.name).cloned();
        check_expect(&expect, &conn.name, before.as_ref())?;
        if !new_secrets.is_empty() {
            // A backend that cannot be reached fails here, before anything is written.
            self.secrets.ready()?;
        }
        let ns = self.namespace_for(before.as_ref(), !new_secrets.is_empty())?;
        let ns = ns.as_deref();

        // 1. New values under fresh generations: nothing references them yet. The file's lock
        //    is not held meanwhile (a vault write costs a key derivation).
        let (mut journal, writes, records) =
            self.write_new(ns.unwrap_or_default(), &conn.name, &new_secrets)?;
        for (field, r) in records {
            conn.secrets.insert(field, r);
        }

        // 2. Commit: the one moment the connection changes.
        let committed = (|| {
            let mut tx = self.store.begin()?;
            let current = tx.doc.get(&conn.name);
            check_expect(&expect, &conn.name, current.as_ref())?;
            // Kept secrets point at whatever the file points at now.
            for (field, record) in &mut conn.secrets {
                // A reference is the caller's choice, set as given (it holds no value to lose).
                if new_secrets.contains_key(field) || record.reference().is_some() {
                    continue;
                }
                match current.as_ref().and_then(|c| c.secrets.get(field)) {
                    Some(now) => *record = now.clone(),
                    None => {
                        let backend = record.backend().cloned();
                        return Err(OpError::SecretMissing {
                            connection: conn.name.clone(),
                            field: field.clone(),
                            backend: backend
                                .unwrap_or_else(|| Backend::Unknown(record.to_string())),
                        });
                    }
                }
            }
            let superseded = superseded(ns, current.as_ref(), &conn);
            for (backend, key) in &superseded {
                journal
                    .note(backend, key.as_str())
                    .map_err(|e| self.io(e))?;
            }
            tx.doc.upsert(&conn);
            crate::testhook::crash_point("before-commit");
            tx.commit()?;
            Ok(superseded)
        })();
        let superseded = match committed {
            Ok(s) => s,
            Err(e) => {
                self.abandon(journal, &writes, &e);
                return Err(e);
            }
        };
        crate::testhook::crash_point("after-commit");

        // 3. Only now that the file no longer points at them may old values go.
        warnings.extend(self.retire(journal, superseded));
        warnings.extend(self.sweep_quietly());
        Ok(warnings)
    }

    /// Removes the file entry, then its secret values. The backend must be usable first: a
    /// delete never reports success while the values stay.
    pub fn delete(&self, name: &str) -> Result<Warnings, OpError> {
        let snap = self.store.snapshot()?;
        let conn = snap
            .get(name)
            .cloned()
            .ok_or_else(|| OpError::NotFound(name.into()))?;
        drop(snap);
        let ns = self.namespace_for(Some(&conn), false)?;
        let ns = ns.as_deref();
        let mine = |r: &SecretRecord| r.backend().is_some_and(|b| *b == self.secrets.backend());
        if conn.secrets.values().any(mine) {
            self.secrets.ready()?;
        }
        let mut journal = Journal::begin(self.store.dir()).map_err(|e| self.io(e))?;
        let removed = (|| {
            let mut tx = self.store.begin()?;
            let now = tx
                .doc
                .get(name)
                .ok_or_else(|| OpError::NotFound(name.into()))?;
            let gone = superseded(ns, Some(&now), &Connection::of(name, now.spec()));
            for (backend, key) in &gone {
                journal
                    .note(backend, key.as_str())
                    .map_err(|e| self.io(e))?;
            }
            tx.doc.remove(name);
            tx.commit()?;
            Ok(gone)
        })();
        let gone = match removed {
            Ok(g) => g,
            Err(e) => {
                journal.done();
                return Err(e);
            }
        };
        crate::testhook::crash_point("after-commit");
        let (keys, others): (Vec<_>, Vec<_>) = gone
            .into_iter()
            .partition(|(b, _)| *b == self.secrets.backend());
        let keys: Vec<SecretKey> = keys.into_iter().map(|(_, k)| k).collect();
        if let Err(e) = self.secrets.delete_many(&keys) {
            journal.keep_until_exit();
            return Err(OpError::SecretsLeft {
                connection: name.into(),
                backend: self.secrets.backend(),
                detail: e.to_string(),
            });
        }
        let mut warnings = Vec::new();
        if let Some((backend, _)) = others.first() {
            warnings.push(format!(
                "{} secret value(s) of '{name}' are in the '{backend}' backend and were left there; `aiconn doctor --fix` with that backend removes them",
                others.len()
            ));
        } else {
            journal.done();
        }
        warnings.extend(self.sweep_quietly());
        Ok(warnings)
    }

    /// Renames a connection: its values are copied under the new name (fresh generations),
    /// the file is committed, then the old copies are deleted.
    pub fn rename(&self, old: &str, new: &str) -> Result<Warnings, OpError> {
        crate::model::validate_name(new)
            .map_err(|m| OpError::Invalid(vec![FieldError::name(m)]))?;
        let snap = self.store.snapshot()?;
        let conn = snap
            .get(old)
            .cloned()
            .ok_or_else(|| OpError::NotFound(old.into()))?;
        if snap.get(new).is_some() {
            return Err(OpError::Exists(new.into()));
        }
        drop(snap);
        let ns = self.namespace_for(Some(&conn), false)?;
        let ns = ns.as_deref();
        let mut values = IndexMap::new();
        for (field, record) in &conn.secrets {
            // A reference holds no value: it moves with the connection as it is.
            if record.reference().is_some() {
                continue;
            }
            self.check_backend(&conn, field, record)?;
            let v = self
                .secrets
                .get(&self.key_of(ns.unwrap_or_default(), old, field, record))?
                .ok_or_else(|| OpError::secret_missing(&conn, field))?;
            values.insert(field.clone(), v);
        }
        let (mut journal, writes, records) =
            self.write_new(ns.unwrap_or_default(), new, &values)?;
        let committed = (|| {
            let mut tx = self.store.begin()?;
            if tx.doc.get(old).as_ref() != Some(&conn) {
                return Err(OpError::Conflict(old.into()));
            }
            if tx.doc.get(new).is_some() {
                return Err(OpError::Exists(new.into()));
            }
            let gone = superseded(ns, Some(&conn), &Connection::of(old, conn.spec()));
            for (backend, key) in &gone {
                journal
                    .note(backend, key.as_str())
                    .map_err(|e| self.io(e))?;
            }
            let mut renamed = conn.clone();
            renamed.name = new.to_string();
            for (field, r) in &mut renamed.secrets {
                if let Some(new) = records.get(field) {
                    *r = new.clone();
                }
            }
            tx.doc.rename(old, new);
            tx.doc.upsert(&renamed);
            tx.commit()?;
            Ok(gone)
        })();
        let gone = match committed {
            Ok(g) => g,
            Err(e) => {
                self.abandon(journal, &writes, &e);
                return Err(e);
            }
        };
        crate::testhook::crash_point("after-commit");
        let mut warnings = self.retire(journal, gone);
        warnings.extend(self.sweep_quietly());
        Ok(warnings)
    }
}

/// The values `before` points at that `after` does not, with their backend. With no namespace
/// (this dir never wrote a value) none is this dir's to remove.
fn superseded(
    ns: Option<&str>,
    before: Option<&Connection>,
    after: &Connection,
) -> Vec<(Backend, SecretKey)> {
    let (Some(ns), Some(before)) = (ns, before) else {
        return vec![];
    };
    before
        .secrets
        .iter()
        .filter(|(f, r)| after.name != before.name || after.secrets.get(*f) != Some(*r))
        .filter_map(|(f, r)| {
            let backend = r.backend()?.clone();
            Some((backend, SecretKey::for_record(ns, &before.name, f, r)))
        })
        .collect()
}

/// `conn` as it will be saved: credentials out of its URLs, fields its rules drop gone, every
/// new value recorded as pending. Refused whole, with every problem, when anything is invalid.
fn prepare_save(
    conn: &mut Connection,
    new_secrets: &mut IndexMap<String, SecretString>,
) -> Result<Warnings, OpError> {
    let mut warnings = strip_url_credentials(conn);
    warnings.extend(crate::model::value_warnings(conn));
    for field in new_secrets.keys() {
        conn.secrets.insert(field.clone(), SecretRecord::Pending);
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
    let mut errors = conn.validate();
    for (field, v) in &*new_secrets {
        if v.expose_secret().len() > crate::model::MAX_VALUE_BYTES {
            errors.push(FieldError::new(
                conn.secret_path(field),
                format!(
                    "the value of secret '{field}' is {} KiB, over the {} KiB a value may have",
                    v.expose_secret().len() >> 10,
                    crate::model::MAX_VALUE_BYTES >> 10
                ),
            ));
        }
    }
    // A record that waits for a value must come with one: saving it empty would record a
    // secret that does not exist.
    for (field, r) in &conn.secrets {
        if r.is_pending() && !new_secrets.contains_key(field) {
            errors.push(FieldError::new(
                conn.secret_path(field),
                format!("secret '{field}' has no value: type one"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(OpError::Invalid(errors));
    }
    Ok(warnings)
}
