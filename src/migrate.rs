//! Moving every secret from one backend to another (`aiconn secrets migrate`). Order makes it
//! safe to interrupt anywhere: copy and verify, then switch the file's records, then delete
//! the old copies. Until the switch the old copies are the live ones; after it the new ones
//! are, and the old copies are only leftovers a rerun removes.

use crate::model::Connection;
use crate::secrets::{SecretError, SecretKey, SecretStore};
use crate::service::OpError;
use crate::store::Store;
use secrecy::ExposeSecret;

#[derive(Debug, Default)]
pub struct Report {
    pub moved: Vec<(String, String)>,
    pub already: usize,
    pub warnings: Vec<String>,
}

/// A backend, or why it could not be opened.
type Opened = Result<Box<dyn SecretStore>, SecretError>;

/// Opens a backend by name.
pub type OpenBackend<'a> = &'a dyn Fn(&str) -> Opened;

/// Backends opened on demand, each once.
struct Sources<'a> {
    open: OpenBackend<'a>,
    opened: Vec<(String, Opened)>,
}

impl Sources<'_> {
    fn get(&mut self, name: &str) -> Result<&dyn SecretStore, SecretError> {
        if !self.opened.iter().any(|(n, _)| n == name) {
            self.opened.push((name.to_string(), (self.open)(name)));
        }
        let (_, r) = self
            .opened
            .iter()
            .find(|(n, _)| n == name)
            .expect("just added");
        r.as_ref().map(|b| b.as_ref()).map_err(Clone::clone)
    }
}

/// Moves every secret recorded in another backend into `to`. `open` gives the store for a
/// backend name (opening it may fail, e.g. no keychain: secrets recorded there then stay).
pub fn migrate(
    store: &Store,
    to: &dyn SecretStore,
    open: OpenBackend<'_>,
) -> Result<Report, OpError> {
    let doc = store.snapshot()?;
    let ns = doc.namespace.clone();
    let target = to.backend();
    let mut report = Report::default();
    let mut sources = Sources {
        open,
        opened: Vec::new(),
    };
    // 1. Copy and verify.
    let mut copied: Vec<(Connection, String, String)> = Vec::new();
    for c in doc.connections() {
        for (field, backend) in &c.secrets {
            if backend == target {
                report.already += 1;
                continue;
            }
            let key = SecretKey::new(&ns, &c.name, field);
            let src = sources.get(backend)?;
            let Some(v) = src.get(&key)? else {
                report.warnings.push(format!(
                    "'{field}' of '{}' is recorded in {backend} but missing there; left as is",
                    c.name
                ));
                continue;
            };
            to.set(&key, &v)?;
            let back = to.get(&key)?;
            if back.as_ref().map(|b| b.expose_secret()) != Some(v.expose_secret()) {
                return Err(OpError::Secret(SecretError::new(
                    crate::secrets::SecretErrorKind::Other,
                    format!(
                        "'{field}' of '{}' did not read back from {target}; nothing was switched",
                        c.name
                    ),
                )));
            }
            copied.push((c.clone(), field.clone(), backend.clone()));
        }
    }
    crate::testhook::crash_point("migrate-copied");
    // 2. Switch the records (only where nobody changed them meanwhile).
    let mut tx = store.begin()?;
    for (c, field, backend) in &copied {
        let Some(mut now) = tx.doc.get(&c.name).cloned() else {
            continue;
        };
        if now.secrets.get(field) == Some(backend) {
            now.secrets.insert(field.clone(), target.to_string());
            tx.doc.upsert(&now);
            report.moved.push((c.name.clone(), field.clone()));
        }
    }
    tx.doc.set_secret_backend(target);
    tx.commit()?;
    crate::testhook::crash_point("migrate-committed");
    // 3. Remove the old copies, and leftovers of an interrupted earlier run.
    let doc = store.snapshot()?;
    for c in doc.connections() {
        for (field, backend) in &c.secrets {
            if backend != target {
                continue;
            }
            let key = SecretKey::new(&ns, &c.name, field);
            let was_moved = copied
                .iter()
                .find(|(cc, f, _)| cc.name == c.name && f == field)
                .map(|(_, _, b)| b.clone());
            let others: Vec<String> = match was_moved {
                Some(b) => vec![b],
                None => crate::secrets::BACKENDS
                    .iter()
                    .filter(|b| **b != target)
                    .map(|b| b.to_string())
                    .collect(),
            };
            for other in others {
                let strict = copied
                    .iter()
                    .any(|(cc, f, _)| cc.name == c.name && f == field);
                match sources.get(&other) {
                    Ok(src) => {
                        if let Err(e) = src.delete(&key)
                            && strict
                        {
                            report.warnings.push(format!("the old copy of '{field}' of '{}' in {other} could not be removed: {e}", c.name));
                        }
                    }
                    Err(e) if strict => report.warnings.push(format!(
                        "the old copy of '{field}' of '{}' in {other} could not be removed: {e}",
                        c.name
                    )),
                    Err(_) => {}
                }
            }
        }
    }
    Ok(report)
}
