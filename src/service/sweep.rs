//! Finding and removing values nothing points at: what interrupted operations left (their
//! journals) and, for `doctor`, anything of this config dir's namespace in the backend.

use super::{OpError, Service, Warnings};
use crate::model::Backend;
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
    /// Unreferenced values under a namespace taken over from an earlier file, which a copy of
    /// that file may have written: never removed.
    pub unproven: usize,
}

impl<'a> Service<'a> {
    /// Every account this config dir's file points at.
    fn referenced(&self) -> Result<(String, std::collections::HashSet<String>), OpError> {
        let ns = self.namespace()?;
        let snap = self.store.snapshot()?;
        let set = snap
            .connections()
            .iter()
            .flat_map(|c| {
                c.secrets
                    .iter()
                    .map(|(f, r)| SecretKey::for_record(&ns, &c.name, f, r).account())
            })
            .collect();
        Ok((ns, set))
    }

    /// Finishes what interrupted operations left (their journals): removes every journaled
    /// value of the active backend that the file does not point at.
    pub fn sweep(&self) -> Result<Orphans, OpError> {
        let mine = |b: &Backend| (*b == self.secrets.backend()).then_some(self.secrets);
        self.sweep_with(&mine)
    }

    /// `sweep` over every backend `backend_for` can open (migration has both at hand).
    pub fn sweep_with(
        &self,
        backend_for: &dyn Fn(&Backend) -> Option<&'a dyn SecretStore>,
    ) -> Result<Orphans, OpError> {
        let dead = journal::dead_journals(self.store.dir());
        if dead.is_empty() {
            return Ok(Orphans::default());
        }
        // Read the file after taking the journals: a value journaled by an operation that has
        // since committed is referenced by what is read now.
        let (ns, referenced) = self.referenced()?;
        let mine = format!("{ns}/");
        let mut report = Orphans::default();
        for j in dead {
            let mut by_backend: IndexMap<&Backend, Vec<SecretKey>> = IndexMap::new();
            let mut elsewhere = 0;
            for (backend, account) in &j.entries {
                // A journal copied from another dir names that dir's values: never this dir's
                // to remove.
                if referenced.contains(account) || !account.starts_with(&mine) {
                    continue;
                }
                if backend_for(backend).is_some() {
                    by_backend
                        .entry(backend)
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
    /// Under a namespace taken over from an earlier file, copies of that file may have written
    /// too: what is found there proves nothing, so it is counted as `unproven` and left.
    pub fn orphans(&self) -> Result<Orphans, OpError> {
        let (ns, _) = self.referenced()?;
        let found = self.secrets.list(&format!("{ns}/"))?;
        let live = journal::live_accounts(self.store.dir());
        // The file is read after the listing and the live journals: a value written by an
        // operation that committed meanwhile is referenced by now.
        let (_, referenced) = self.referenced()?;
        let keys: Vec<SecretKey> = found
            .into_iter()
            .filter(|k| !referenced.contains(k.as_str()) && !live.contains(k.as_str()))
            .collect();
        let (keys, unproven) = match self.dir_id()?.origin {
            crate::store::dirid::Origin::Fresh => (keys, 0),
            crate::store::dirid::Origin::Adopted => (vec![], keys.len()),
        };
        let elsewhere = journal::dead_journals(self.store.dir())
            .iter()
            .flat_map(|j| j.entries.iter())
            .filter(|(b, a)| *b != self.secrets.backend() && !referenced.contains(a))
            .count();
        Ok(Orphans {
            keys,
            elsewhere,
            unproven,
        })
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
        swept.unproven = listed.unproven;
        Ok(swept)
    }
}
