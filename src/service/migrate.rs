//! Moving every secret from one backend to another (`aiconn secrets migrate`), with the same
//! journal and commit point as every save: copy each value into the target under a fresh
//! generation and verify it, then switch the file's records (the commit), then delete the old
//! copies. Until the switch the old copies are the live ones; after it the new ones are. An
//! interrupted run leaves a journal, and the next run (or `doctor --fix`) removes whatever of
//! its copies nothing points at.

use crate::model::{Backend, SecretRecord};
use crate::secrets::journal::Journal;
use crate::secrets::{SecretError, SecretErrorKind, SecretKey, SecretStore, new_generation};
use crate::service::{OpError, Service};
use crate::store::{Store, StoreError};
use secrecy::ExposeSecret;

#[derive(Debug, Default)]
pub struct Report {
    pub moved: Vec<(String, String)>,
    pub already: usize,
    pub warnings: Vec<String>,
}

/// A backend, or why it could not be opened.
type Opened = Result<Box<dyn SecretStore>, SecretError>;

/// Opens a backend.
pub type OpenBackend<'a> = &'a dyn Fn(&Backend) -> Opened;

/// Backends opened on demand, each once.
struct Sources<'a> {
    open: OpenBackend<'a>,
    opened: Vec<(Backend, Opened)>,
}

impl Sources<'_> {
    fn get(&mut self, name: &Backend) -> Result<&dyn SecretStore, SecretError> {
        if !self.opened.iter().any(|(n, _)| n == name) {
            self.opened.push((name.clone(), (self.open)(name)));
        }
        match self.opened.iter().find(|(n, _)| n == name) {
            Some((_, r)) => r.as_ref().map(|b| b.as_ref()).map_err(Clone::clone),
            None => Err(SecretError::new(
                SecretErrorKind::Other,
                "backend not opened",
            )),
        }
    }

    /// The ones that opened, by name.
    fn usable(&self, name: &Backend) -> Option<&dyn SecretStore> {
        self.opened
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, r)| r.as_ref().ok())
            .map(|b| b.as_ref())
    }
}

fn io(store: &Store, e: std::io::Error) -> OpError {
    OpError::Store(StoreError::Io {
        path: store.dir().to_path_buf(),
        source: e,
    })
}

/// One value copied into the target: the connection, the field, the record it came from and
/// the record of the copy.
struct Copy {
    conn: String,
    field: String,
    old: SecretRecord,
    new: SecretRecord,
}

/// Copies every secret not in `to` yet into fresh generations of `to`, all in one batch (the
/// vault writes it once), journaled first, and verifies each by reading it back.
fn copy_all(
    store: &Store,
    ns: &str,
    doc: &crate::store::Snapshot,
    to: &dyn SecretStore,
    sources: &mut Sources<'_>,
    journal: &mut Journal,
    report: &mut Report,
) -> Result<Vec<Copy>, OpError> {
    let target = to.backend();
    let mut copies: Vec<Copy> = Vec::new();
    let mut values: Vec<(SecretKey, secrecy::SecretString)> = Vec::new();
    for c in doc.connections() {
        for (field, record) in &c.secrets {
            let Some(backend) = record.backend() else {
                continue;
            };
            if *backend == target {
                report.already += 1;
                continue;
            }
            let src = sources.get(backend)?;
            let Some(v) = src.get(&SecretKey::for_record(ns, &c.name, field, record))? else {
                report.warnings.push(format!(
                    "'{field}' of '{}' is recorded in {backend} but missing there; left as is",
                    c.name
                ));
                continue;
            };
            let new = SecretRecord::stored(target.clone(), Some(new_generation()));
            let key = SecretKey::for_record(ns, &c.name, field, &new);
            journal
                .note(&target, key.as_str())
                .map_err(|e| io(store, e))?;
            values.push((key, v));
            copies.push(Copy {
                conn: c.name.clone(),
                field: field.clone(),
                old: record.clone(),
                new,
            });
        }
    }
    to.set_many(&values)?;
    for ((key, v), cp) in values.iter().zip(&copies) {
        let back = to.get(key)?;
        if back.as_ref().map(|b| b.expose_secret()) != Some(v.expose_secret()) {
            return Err(OpError::Secret(SecretError::new(
                SecretErrorKind::Other,
                format!(
                    "'{}' of '{}' did not read back from {target}; nothing was switched",
                    cp.field, cp.conn
                ),
            )));
        }
    }
    Ok(copies)
}

/// Moves every secret recorded in another backend into `to`. `open` gives the store for a
/// backend name (opening it may fail, e.g. no keychain: secrets recorded there then stay).
pub fn migrate(
    store: &Store,
    to: &dyn SecretStore,
    open: OpenBackend<'_>,
) -> Result<Report, OpError> {
    let doc = store.snapshot()?;
    let target = to.backend();
    let mut report = Report::default();
    let mut sources = Sources {
        open,
        opened: Vec::new(),
    };
    // The dir's namespace is claimed in the keychain if either side is the keychain.
    let in_keychain = doc
        .connections()
        .iter()
        .flat_map(|c| c.secrets.values())
        .any(|r| r.backend() == Some(&Backend::Keychain));
    let ns = if target != Backend::Keychain && in_keychain {
        crate::service::namespace::bind(store, sources.get(&Backend::Keychain)?)?.namespace
    } else {
        crate::service::namespace::bind(store, to)?.namespace
    };
    // 1. Copy and verify, each into a fresh generation nothing points at yet.
    let mut journal = Journal::begin(store.dir()).map_err(|e| io(store, e))?;
    let copies = copy_all(
        store,
        &ns,
        &doc,
        to,
        &mut sources,
        &mut journal,
        &mut report,
    )?;
    crate::testhook::crash_point("migrate-copied");
    // 2. Switch the records (only where nobody changed them meanwhile): the commit.
    let mut tx = store.begin()?;
    let mut old_copies: Vec<(Backend, SecretKey)> = Vec::new();
    let mut unused: Vec<SecretKey> = Vec::new();
    for cp in &copies {
        let new_key = SecretKey::for_record(&ns, &cp.conn, &cp.field, &cp.new);
        let Some(mut now) = tx.doc.get(&cp.conn) else {
            unused.push(new_key);
            continue;
        };
        if now.secrets.get(&cp.field) == Some(&cp.old) {
            let old_key = SecretKey::for_record(&ns, &cp.conn, &cp.field, &cp.old);
            let backend = cp.old.backend().cloned().unwrap_or(Backend::Keychain);
            journal
                .note(&backend, old_key.as_str())
                .map_err(|e| io(store, e))?;
            now.secrets.insert(cp.field.clone(), cp.new.clone());
            tx.doc.upsert(&now);
            report.moved.push((cp.conn.clone(), cp.field.clone()));
            old_copies.push((backend, old_key));
        } else {
            unused.push(new_key);
        }
    }
    tx.doc.set_secret_backend(&target);
    tx.commit()?;
    crate::testhook::crash_point("migrate-committed");
    // 3. Remove the old copies (and copies nobody switched to).
    let mut clean = to.delete_many(&unused).is_ok();
    for (backend, key) in old_copies {
        match sources.get(&backend).and_then(|s| s.delete(&key)) {
            Ok(()) => {}
            Err(e) => {
                clean = false;
                report.warnings.push(format!(
                    "an old copy in {backend} could not be removed ({e}); `aiconn doctor --fix` removes it later"
                ));
            }
        }
    }
    if clean {
        journal.done();
    }
    // 4. Leftovers of interrupted earlier runs, in every backend at hand.
    for b in &Backend::KNOWN {
        if *b != target {
            let _ = sources.get(b);
        }
    }
    let svc = Service::new(store, to);
    let backend_for = |name: &Backend| -> Option<&dyn SecretStore> {
        if *name == target {
            Some(to)
        } else {
            sources.usable(name)
        }
    };
    if let Err(e) = svc.sweep_with(&backend_for) {
        report.warnings.push(format!(
            "could not remove what an interrupted earlier run left: {e}"
        ));
    }
    Ok(report)
}
