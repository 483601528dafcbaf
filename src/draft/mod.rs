//! The editing model both faces share: one connection being edited, before it is saved.
//!
//! A `Draft` is built from a stored connection, an import or a CLI invocation; the TUI form
//! keeps only widgets and focus over it, the CLI only prompting. Every rule about a value being
//! edited has its home here: what the endpoint reads as (`reading`), whether and how it can be
//! fixed (`fix`, `apply`), what blocks a save (`errors`, `blocker`), where a value comes from
//! (`source`), whether anything changed (`is_dirty`), and what is saved (`into_save`).

mod fix;
mod paste;
mod source;

pub use fix::{Blocker, Fix};
pub use paste::{PasteReading, read_paste};
pub use source::ValueSource;

use crate::catalogue::{FieldSpec, TypeSpec};
pub use crate::model::FieldPath;
use crate::model::SecretRef;
use crate::model::{Connection, Entry, FieldError, SecretRecord};
use indexmap::IndexMap;
use secrecy::{ExposeSecret, SecretString};

/// What a draft holds for one secret. One enum, so no combination of flags can disagree.
#[derive(Debug, Clone, Default)]
pub enum SecretState {
    /// No value stored and none given.
    #[default]
    Unset,
    /// The stored value is kept as it is (the record says where).
    Kept(SecretRecord),
    /// A new value, to be written on save.
    Typed(SecretString),
    /// Read at use from the environment or a command (chosen in this draft or stored).
    Ref(SecretRef),
}

impl SecretState {
    /// The state a stored record starts a draft in.
    pub fn from_record(r: &SecretRecord) -> Self {
        match r {
            SecretRecord::Ref(r) => SecretState::Ref(r.clone()),
            other => SecretState::Kept(other.clone()),
        }
    }
    /// A save can proceed with it: a value, a kept record or a reference.
    pub fn has_value(&self) -> bool {
        !matches!(self, SecretState::Unset)
    }
}

/// A custom connection's row: a config (plain text) or a secret.
#[derive(Debug, Clone)]
pub enum RowValue {
    Config(String),
    Secret(SecretState),
}

#[derive(Debug, Clone)]
pub struct Draft {
    spec: &'static TypeSpec,
    /// The stored connection this draft edits (`None` for a new one).
    base: Option<Connection>,
    pub name: String,
    /// Text, URL and enum fields as shown (a default is shown, and saved only when changed).
    values: IndexMap<String, String>,
    /// Catalogue secret fields.
    secrets: IndexMap<String, SecretState>,
    /// Custom rows in order.
    rows: Vec<(String, RowValue)>,
}

impl Draft {
    /// A new connection of `spec`: defaults shown, nothing stored.
    pub fn new(spec: &'static TypeSpec) -> Self {
        let mut d = Draft::from_connection(&Connection::of("", spec));
        d.base = None;
        d
    }

    pub fn from_connection(c: &Connection) -> Self {
        let spec = c.spec();
        let mut d = Draft {
            spec,
            base: Some(c.clone()),
            name: c.name.clone(),
            values: IndexMap::new(),
            secrets: IndexMap::new(),
            rows: Vec::new(),
        };
        for entry in c.entries() {
            match entry {
                Entry::Secret { field, record, .. } => {
                    let s = record.map(SecretState::from_record).unwrap_or_default();
                    d.secrets.insert(field.key.clone(), s);
                }
                Entry::Configs { rows: configs, .. } => d.rows.extend(
                    configs
                        .iter()
                        .map(|(k, v)| (k.clone(), RowValue::Config(v.clone()))),
                ),
                Entry::Secrets { rows: secrets, .. } => d.rows.extend(
                    secrets
                        .iter()
                        .map(|(k, r)| (k.clone(), RowValue::Secret(SecretState::from_record(r)))),
                ),
                Entry::Value { field, value } => {
                    let v = value.map(|(v, _)| v).unwrap_or_default();
                    d.values.insert(field.key.clone(), v);
                }
            }
        }
        d
    }

    pub fn spec(&self) -> &'static TypeSpec {
        self.spec
    }

    pub fn base(&self) -> Option<&Connection> {
        self.base.as_ref()
    }

    /// The text shown for `path` (secrets: empty; their value is never text here).
    pub fn text(&self, path: &FieldPath) -> String {
        match path {
            FieldPath::Name => self.name.clone(),
            FieldPath::Field(k) => self.values.get(k).cloned().unwrap_or_default(),
            FieldPath::Row(k) => match self.row(k) {
                Some(RowValue::Config(v)) => v.clone(),
                _ => String::new(),
            },
        }
    }

    /// Sets the text of `path`. On a secret it is a new value (an empty one is no value).
    pub fn set(&mut self, path: &FieldPath, text: &str) {
        let typed = || {
            if text.is_empty() {
                SecretState::Unset
            } else {
                SecretState::Typed(SecretString::from(text.to_string()))
            }
        };
        match path {
            FieldPath::Name => self.name = text.to_string(),
            FieldPath::Field(k) if self.secrets.contains_key(k) => {
                self.secrets.insert(k.clone(), typed());
            }
            FieldPath::Field(k) => {
                self.values.insert(k.clone(), text.to_string());
            }
            FieldPath::Row(k) => {
                let v = match self.row(k) {
                    Some(RowValue::Secret(_)) => RowValue::Secret(typed()),
                    _ => RowValue::Config(text.to_string()),
                };
                self.set_row(k, v);
            }
        }
    }

    /// The secret state of a secret field or custom secret row.
    pub fn secret(&self, path: &FieldPath) -> Option<&SecretState> {
        match path {
            FieldPath::Field(k) => self.secrets.get(k),
            FieldPath::Row(k) => match self.row(k) {
                Some(RowValue::Secret(s)) => Some(s),
                _ => None,
            },
            FieldPath::Name => None,
        }
    }

    pub fn set_secret(&mut self, path: &FieldPath, state: SecretState) {
        match path {
            FieldPath::Field(k) => {
                self.secrets.insert(k.clone(), state);
            }
            FieldPath::Row(k) => self.set_row(k, RowValue::Secret(state)),
            FieldPath::Name => {}
        }
    }

    pub fn rows(&self) -> &[(String, RowValue)] {
        &self.rows
    }

    fn row(&self, key: &str) -> Option<&RowValue> {
        self.rows.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Replaces the row `key`, or appends it.
    pub fn set_row(&mut self, key: &str, value: RowValue) {
        match self.rows.iter_mut().find(|(k, _)| k == key) {
            Some(r) => r.1 = value,
            None => self.rows.push((key.to_string(), value)),
        }
    }

    pub fn remove_row(&mut self, key: &str) {
        self.rows.retain(|(k, _)| k != key);
    }

    /// The draft as a connection plus the secret values to write. Kept secrets keep their
    /// record; a default still shown is not stored unless the stored connection had it.
    pub fn into_save(&self) -> (Connection, IndexMap<String, SecretString>) {
        let mut c = Connection::of(self.name.trim(), self.spec);
        let mut new = IndexMap::new();
        // Both maps were filled in catalogue order (`from_connection`), so the saved one is too.
        for (key, s) in &self.secrets {
            self.save_secret(key, s, false, &mut c, &mut new);
        }
        for (key, text) in &self.values {
            let text = text.trim();
            if let Some(f) = self.spec.field(key)
                && self.stores(f, text)
            {
                c.values.insert(key.clone(), text.to_string());
            }
        }
        for (k, v) in &self.rows {
            match v {
                RowValue::Config(text) => {
                    c.configs.insert(k.clone(), text.clone());
                }
                RowValue::Secret(s) => self.save_secret(k, s, true, &mut c, &mut new),
            }
        }
        (c, new)
    }

    /// Whether a non-empty `text` of field `f` is written: always when the user changed it
    /// from the default or the stored connection had it; a default left alone stays implicit.
    fn stores(&self, f: &FieldSpec, text: &str) -> bool {
        let stored_before = self
            .base
            .as_ref()
            .is_some_and(|b| b.values.contains_key(&f.key));
        !text.is_empty() && (stored_before || f.default.as_deref() != Some(text))
    }

    fn save_secret(
        &self,
        key: &str,
        s: &SecretState,
        custom: bool,
        c: &mut Connection,
        new: &mut IndexMap<String, SecretString>,
    ) {
        match s {
            SecretState::Typed(v) => {
                new.insert(key.to_string(), v.clone());
                if custom {
                    c.secrets.insert(key.to_string(), SecretRecord::Pending);
                }
            }
            SecretState::Ref(r) => {
                c.secrets
                    .insert(key.to_string(), SecretRecord::Ref(r.clone()));
            }
            SecretState::Kept(r) => {
                c.secrets.insert(key.to_string(), r.clone());
            }
            SecretState::Unset => {}
        }
    }

    /// Problems that block saving, per field; a face adds its words for the `blocker`.
    pub fn errors(&self) -> Vec<FieldError> {
        let (mut c, new) = self.into_save();
        for k in new.keys() {
            c.secrets.insert(k.clone(), SecretRecord::Pending);
        }
        let mut errs = c.validate();
        for (k, v) in &self.rows {
            if matches!(v, RowValue::Secret(SecretState::Unset)) {
                errs.push(FieldError::new(
                    FieldPath::Row(k.clone()),
                    format!("secret '{k}' has no value"),
                ));
            }
        }
        errs
    }

    /// True when saving would change the stored connection (or it is new with anything in it).
    pub fn is_dirty(&self) -> bool {
        let (c, new) = self.into_save();
        let base = self
            .base
            .clone()
            .unwrap_or_else(|| Connection::of("", self.spec));
        !new.is_empty() || c != base
    }

    /// A typed secret's value, for a test or listing before it is saved.
    pub fn typed_secret(&self, path: &FieldPath) -> Option<&str> {
        match self.secret(path)? {
            SecretState::Typed(v) => Some(v.expose_secret()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
