//! The last test of each connection (`t` or `T` on the list, Ctrl-T on the form), what it was
//! a test of, and whether that is still what the connection is. Pure state: the worker's side
//! of `T` is `tui/test_all.rs`.

use super::app::{App, EntryId};
use super::form::Form;
use crate::conntest::all::Health;
use crate::model::Connection;
use indexmap::IndexMap;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// What a test was sent with: every value (the endpoint, the api-version, the deployment...)
/// and where each secret came from (a typed value only by its SHA-256, so no copy of the key is
/// kept). A result whose basis is no longer the connection's is stale: the endpoint, a key or
/// another value changed since (typed in the form, a fix, a deployment picked, saved, or
/// changed on disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    /// Whose test it was (a save or rename moves a result on explicitly).
    name: String,
    values: Vec<(String, String)>,
    keys: Vec<(String, KeyBasis)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum KeyBasis {
    /// The file's record: backend and generation, or the reference.
    Record(String),
    Typed([u8; 32]),
}

impl Basis {
    pub fn of(conn: &Connection, typed: &IndexMap<String, SecretString>) -> Basis {
        let mut keys: Vec<(String, KeyBasis)> = conn
            .secrets
            .iter()
            .filter(|(k, _)| !typed.contains_key(*k))
            .map(|(k, r)| (k.clone(), KeyBasis::Record(r.to_file_text())))
            .collect();
        keys.extend(typed.iter().map(|(k, v)| {
            let digest = Sha256::digest(v.expose_secret().as_bytes());
            (k.clone(), KeyBasis::Typed(digest.into()))
        }));
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        // Custom configs are prefixed so they never pass for a field of the same name.
        let mut values: Vec<(String, String)> = conn
            .values
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .chain(
                conn.configs
                    .iter()
                    .map(|(k, v)| (format!("configs.{k}"), v.clone())),
            )
            .collect();
        values.sort();
        Basis {
            name: conn.name.clone(),
            values,
            keys,
        }
    }

    pub fn of_form(f: &Form) -> Basis {
        let (conn, typed) = f.to_connection();
        Basis::of(&conn, &typed)
    }
}

/// One connection's last result.
#[derive(Debug, Clone)]
pub struct Checked {
    pub health: Health,
    pub message: String,
    basis: Basis,
}

/// The results of this session, by list entry.
#[derive(Debug, Default)]
pub struct Book {
    results: HashMap<EntryId, Checked>,
    /// Tests in flight: what each was sent with.
    sent: HashMap<EntryId, Basis>,
    /// The guided setup's test (`t` on its review): sent with, and its result, until the
    /// setup becomes a list entry (`adopt_setup`).
    setup_sent: Option<Basis>,
    setup: Option<Checked>,
    /// `T` while it runs: how many have landed, of how many.
    pub progress: Option<(usize, usize)>,
}

/// What the list and the form show of an entry's last result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark<'a> {
    pub health: Health,
    pub message: &'a str,
    /// The endpoint or a key changed since it was tested.
    pub stale: bool,
}

impl Book {
    /// A test of `id` was sent with `basis`.
    pub fn sent(&mut self, id: EntryId, basis: Basis) {
        self.sent.insert(id, basis);
    }

    /// The test of `id` was not sent after all (the user was asked first).
    pub fn unsent(&mut self, id: &EntryId) {
        self.sent.remove(id);
    }

    /// The result of the test sent for `id` (one not sent by this book is ignored).
    pub fn landed(&mut self, id: EntryId, health: Health, message: String) {
        if let Some(basis) = self.sent.remove(&id) {
            self.results.insert(
                id,
                Checked {
                    health,
                    message,
                    basis,
                },
            );
        }
    }

    pub fn get(&self, id: &EntryId) -> Option<&Checked> {
        self.results.get(id)
    }

    /// `from` became `to` (a save, a rename): a result of what `from` was (`from_basis`) is a
    /// result of what `to` is now (`to_basis`): the same endpoint and key, now recorded under
    /// a new generation or name. A result that was already stale stays stale.
    pub fn moved(
        &mut self,
        from: &EntryId,
        from_basis: Option<&Basis>,
        to: EntryId,
        to_basis: Basis,
    ) {
        if let Some(mut c) = self.results.remove(from) {
            if from_basis == Some(&c.basis) {
                c.basis = to_basis;
            }
            self.results.insert(to, c);
        }
    }

    pub fn forget(&mut self, id: &EntryId) {
        self.results.remove(id);
        self.sent.remove(id);
    }

    /// A test of the guided setup's connection was sent with `basis`.
    pub fn setup_sent(&mut self, basis: Basis) {
        self.setup_sent = Some(basis);
    }

    /// The guided setup's test answered.
    pub fn setup_landed(&mut self, health: Health, message: String) {
        if let Some(basis) = self.setup_sent.take() {
            self.setup = Some(Checked {
                health,
                message,
                basis,
            });
        }
    }

    /// The guided setup ended in the list as `id`, now `now`: its last test is that entry's if
    /// it was a test of this very connection (not of an earlier setup, left or changed since).
    pub fn adopt_setup(&mut self, id: EntryId, now: Option<&Basis>) {
        self.setup_sent = None;
        if let Some(c) = self.setup.take()
            && now == Some(&c.basis)
        {
            self.results.insert(id, c);
        }
    }

    /// A test of `id` is in flight.
    pub fn in_flight(&self, id: &EntryId) -> bool {
        self.sent.contains_key(id)
    }
}

/// What `id` is now, as a test would send it: its draft, else its stored record.
pub fn current_basis(app: &App, id: &EntryId) -> Option<Basis> {
    match (app.draft(id), id) {
        (Some(f), _) => Some(Basis::of_form(f)),
        (None, EntryId::Stored(n)) => app.stored_conn(n).map(|c| Basis::of(c, &IndexMap::new())),
        (None, EntryId::New(_)) => None,
    }
}

/// The last result of `id`, and whether it is stale.
pub fn mark<'a>(app: &'a App, id: &EntryId) -> Option<Mark<'a>> {
    let c = app.health.get(id)?;
    let stale = current_basis(app, id).is_none_or(|now| now != c.basis);
    Some(Mark {
        health: c.health,
        message: &c.message,
        stale,
    })
}
