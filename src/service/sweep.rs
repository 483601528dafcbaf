//! Finding and removing values nothing points at: what interrupted operations left (their
//! journals) and, for `doctor`, anything of this config dir's namespace in the backend.

use super::{OpError, Service, Warnings};
use crate::secrets::journal;
use crate::secrets::{SecretKey, SecretStore};
use indexmap::IndexMap;

/// What `sweep` and `orphans` found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Orphans {
    /// Unreferenced values of the active backend (removed by `sweep`, listed by `orphans`).
    pub keys: Vec<SecretKey>,
    /// Journaled values in another backend, left for a command that can open it.
    pub elsewhere: usize,
}

impl<'a> Service<'a> {
    /// Every account this config dir's file points at.
    fn referenced(&self) -> Result<(String, std::collections::HashSet<String>), OpError> {
        let snap = self.store.snapshot()?;
        let set = snap
            .connections()
            .iter()
            .flat_map(|c| {
                c.secrets
                    .iter()
                    .map(|(f, r)| SecretKey::for_record(&snap.namespace, &c.name, f, r).account())
            })
            .collect();
        Ok((snap.namespace.clone(), set))
    }

    /// Finishes what interrupted operations left (their journals): removes every journaled
    /// value of the active backend that the file does not point at.
    pub fn sweep(&self) -> Result<Orphans, OpError> {
        let mine = |name: &str| (name == self.secrets.backend()).then_some(self.secrets);
        self.sweep_with(&mine)
    }

    /// `sweep` over every backend `backend_for` can open (migration has both at hand).
    pub fn sweep_with(
        &self,
        backend_for: &dyn Fn(&str) -> Option<&'a dyn SecretStore>,
    ) -> Result<Orphans, OpError> {
        let dead = journal::dead_journals(self.store.dir());
        if dead.is_empty() {
            return Ok(Orphans::default());
        }
        // Read the file after taking the journals: a value journaled by an operation that has
        // since committed is referenced by what is read now.
        let (_, referenced) = self.referenced()?;
        let mut report = Orphans::default();
        for j in dead {
            let mut by_backend: IndexMap<&str, Vec<SecretKey>> = IndexMap::new();
            let mut elsewhere = 0;
            for (backend, account) in &j.entries {
                if referenced.contains(account) {
                    continue;
                }
                if backend_for(backend).is_some() {
                    by_backend
                        .entry(backend.as_str())
                        .or_default()
                        .push(SecretKey::from_account(account));
                } else {
                    elsewhere += 1;
                }
            }
            for (backend, mut keys) in by_backend {
                keys.sort();
                keys.dedup();
                if let Some(store) = backend_for(backend) {
                    store.delete_many(&keys)?;
                }
                report.keys.extend(keys);
            }
            report.elsewhere += elsewhere;
            if elsewhere == 0 {
                j.remove();
            }
        }
        Ok(report)
    }

    /// `sweep` after a successful operation: its failures are only worth a warning.
    pub(super) fn sweep_quietly(&self) -> Warnings {
        match self.sweep() {
            Ok(_) => vec![],
            Err(e) => vec![format!(
                "could not clean up after an interrupted earlier save: {e}"
            )],
        }
    }

    /// Values of this config dir's namespace in the active backend that nothing points at and
    /// no running operation is writing (`doctor` lists them; `remove_orphans` deletes them).
    pub fn orphans(&self) -> Result<Orphans, OpError> {
        let (ns, _) = self.referenced()?;
        let found = self.secrets.list(&format!("{ns}/"))?;
        let live = journal::live_accounts(self.store.dir());
        // The file is read after the listing and the live journals: a value written by an
        // operation that committed meanwhile is referenced by now.
        let (_, referenced) = self.referenced()?;
        let keys = found
            .into_iter()
            .filter(|k| !referenced.contains(k.as_str()) && !live.contains(k.as_str()))
            .collect();
        let elsewhere = journal::dead_journals(self.store.dir())
            .iter()
            .flat_map(|j| j.entries.iter())
            .filter(|(b, a)| b != self.secrets.backend() && !referenced.contains(a))
            .count();
        Ok(Orphans { keys, elsewhere })
    }

    /// `doctor --fix`: sweeps the journals, then deletes every orphan found by listing.
    pub fn remove_orphans(&self) -> Result<Orphans, OpError> {
        let mut swept = self.sweep()?;
        let listed = self.orphans()?;
        self.secrets.delete_many(&listed.keys)?;
        swept.keys.extend(listed.keys);
        swept.keys.sort();
        swept.keys.dedup();
        swept.elsewhere = listed.elsewhere;
        Ok(swept)
    }
}
