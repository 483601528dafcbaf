//! The TUI's whole state. Rendering only reads it; `update` changes it and asks for effects.

use super::form::Form;
use super::wizard::Wizard;
use crate::model::Connection;
use crate::service::Expect;
use indexmap::IndexMap;
use ratatui_textarea::TextArea;
use secrecy::SecretString;

/// A row of the connection list: a stored connection, or a new one not saved yet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EntryId {
    Stored(String),
    New(u32),
}

/// Whose test result it is: an entry's form, or the guided setup's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestTarget {
    Entry(EntryId),
    Wizard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Form,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    Delete(String),
    Discard(EntryId),
    Quit,
    LeaveSetup,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputFor {
    Rename(String),
    AddKv {
        secret: bool,
    },
    /// The vault passphrase; `first` holds the first entry while it is typed again.
    VaultPassphrase {
        create: bool,
        first: Option<String>,
    },
}

#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one popup at a time; boxing buys nothing
pub enum Popup {
    Confirm {
        what: Confirm,
        yes: bool,
    },
    PickType {
        cursor: usize,
    },
    Input {
        for_: InputFor,
        input: TextArea<'static>,
        error: Option<String>,
    },
    Help {
        scroll: u16,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// Work for the effect runner (keychain, disk): it runs off the UI loop and reports back.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // sent once per user action
pub enum Effect {
    Save {
        id: EntryId,
        conn: Connection,
        secrets: IndexMap<String, SecretString>,
        expect: Expect,
        copy_secrets_from: Option<String>,
    },
    Delete {
        name: String,
    },
    Rename {
        old: String,
        new: String,
    },
    LoadSecret {
        conn: Connection,
        field: String,
    },
    Probe,
    /// Test the draft against its service (typed secrets, else the stored ones).
    Test {
        target: TestTarget,
        conn: Connection,
        secrets: IndexMap<String, SecretString>,
        stored_name: Option<String>,
    },
    /// Keep secrets in the encrypted vault from now on (unlocks or creates it).
    UseVault {
        passphrase: SecretString,
    },
}

/// Everything that can happen to the app.
#[derive(Debug)]
pub enum Action {
    Key(ratatui::crossterm::event::KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Saved {
        id: EntryId,
        name: String,
        result: Result<Vec<Connection>, String>,
        warnings: Vec<String>,
    },
    Deleted {
        name: String,
        result: Result<Vec<Connection>, String>,
    },
    Renamed {
        old: String,
        new: String,
        result: Result<Vec<Connection>, String>,
    },
    SecretLoaded {
        conn: String,
        field: String,
        result: Result<Option<SecretString>, String>,
    },
    Probed(Result<(), String>),
    Loaded(Result<Vec<Connection>, String>),
    Tested {
        target: TestTarget,
        ok: bool,
        message: String,
    },
    /// The secret backend in use changed (e.g. to the vault).
    BackendSwitched {
        name: String,
        result: Result<(), String>,
    },
}

impl Action {
    /// The answer to an effect the UI asked for (each one ends a "working" count).
    pub fn reports_effect(&self) -> bool {
        !matches!(
            self,
            Action::Key(_) | Action::Paste(_) | Action::Resize(..) | Action::Loaded(_)
        )
    }
}

pub struct App {
    pub stored: Vec<Connection>,
    /// Open drafts (edited or opened forms), by entry.
    pub drafts: Vec<(EntryId, Form)>,
    pub next_new: u32,
    pub selected: Option<EntryId>,
    pub focus: Focus,
    pub editing: bool,
    pub filter: String,
    pub filter_typing: bool,
    pub popup: Option<Popup>,
    pub wizard: Option<Wizard>,
    pub status: Option<(Level, String)>,
    /// Effects in flight (a "working" marker is shown while > 0).
    pub pending: usize,
    pub readonly: bool,
    pub size: (u16, u16),
    /// Result of the secret backend probe, once known.
    pub backend: Option<Result<(), String>>,
    pub quit: bool,
    pub no_color: bool,
    /// The secret backend in use ("keychain" or "vault").
    pub backend_name: String,
    /// A vault file exists in the config dir (unlock it rather than create one).
    pub vault_exists: bool,
    /// The connections file is being read.
    pub loading: bool,
    /// `aiconn setup`: open the guided setup once the file is read.
    pub setup_when_loaded: bool,
    /// The file could not be read: shown instead of the editor (the file is never touched).
    pub fatal: Option<String>,
}

pub const MIN_SIZE: (u16, u16) = (60, 16);
/// At this width and above, list and form are side by side; below, one at a time.
pub const WIDE: u16 = 100;

impl App {
    pub fn new(stored: Vec<Connection>, readonly: bool) -> Self {
        let selected = stored.first().map(|c| EntryId::Stored(c.name.clone()));
        App {
            stored,
            drafts: Vec::new(),
            next_new: 1,
            selected,
            focus: Focus::List,
            editing: false,
            filter: String::new(),
            filter_typing: false,
            popup: None,
            wizard: None,
            status: None,
            pending: 0,
            readonly,
            size: (80, 24),
            backend: None,
            quit: false,
            no_color: false,
            backend_name: "keychain".into(),
            vault_exists: false,
            loading: false,
            setup_when_loaded: false,
            fatal: None,
        }
    }

    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_SIZE.0 || self.size.1 < MIN_SIZE.1
    }

    pub fn stored_conn(&self, name: &str) -> Option<&Connection> {
        self.stored.iter().find(|c| c.name == name)
    }

    pub fn draft(&self, id: &EntryId) -> Option<&Form> {
        self.drafts.iter().find(|(i, _)| i == id).map(|(_, f)| f)
    }

    pub fn draft_mut(&mut self, id: &EntryId) -> Option<&mut Form> {
        self.drafts
            .iter_mut()
            .find(|(i, _)| i == id)
            .map(|(_, f)| f)
    }

    /// The form of `id`: its draft, or a fresh one from the stored connection.
    pub fn form(&self, id: &EntryId) -> Option<Form> {
        if let Some(f) = self.draft(id) {
            return Some(f.clone());
        }
        match id {
            EntryId::Stored(n) => self.stored_conn(n).map(Form::from_connection),
            EntryId::New(_) => None,
        }
    }

    /// Opens a draft for `id` if there is none, and returns it.
    pub fn ensure_draft(&mut self, id: &EntryId) -> Option<&mut Form> {
        if self.draft(id).is_none() {
            let f = self.form(id)?;
            self.drafts.push((id.clone(), f));
        }
        self.draft_mut(id)
    }

    pub fn is_dirty(&self, id: &EntryId) -> bool {
        match id {
            EntryId::New(_) => self.draft(id).is_some(),
            EntryId::Stored(_) => self.draft(id).is_some_and(Form::is_dirty),
        }
    }

    pub fn any_dirty(&self) -> bool {
        self.drafts.iter().any(|(id, _)| self.is_dirty(id))
    }

    /// Label of a list entry (name, or "(new) type").
    pub fn entry_name(&self, id: &EntryId) -> String {
        match id {
            EntryId::Stored(n) => n.clone(),
            EntryId::New(_) => {
                let f = self.draft(id).expect("new entries have drafts");
                let n = super::form::text_of(&f.name);
                if n.trim().is_empty() {
                    super::strings::NEW_ENTRY.to_string()
                } else {
                    n
                }
            }
        }
    }

    /// The list as shown: new drafts first, then stored connections; filtered. Cheap even at
    /// 10,000 connections: it reads the stored records, and builds no form.
    pub fn entries(&self) -> Vec<EntryId> {
        let needle = self.filter.to_lowercase();
        let news = self
            .drafts
            .iter()
            .filter(|(id, _)| matches!(id, EntryId::New(_)))
            .map(|(id, _)| id.clone());
        let stored = self.stored.iter().map(|c| EntryId::Stored(c.name.clone()));
        news.chain(stored)
            .filter(|id| {
                if needle.is_empty() {
                    return true;
                }
                let (type_id, endpoint) = match (self.draft(id), id) {
                    (Some(f), _) => (
                        f.spec.id.clone(),
                        f.reading()
                            .map(|(i, _)| super::form::text_of(&f.fields[i].input))
                            .unwrap_or_default(),
                    ),
                    (None, EntryId::Stored(n)) => self
                        .stored_conn(n)
                        .map(|c| (c.type_id.clone(), c.endpoint().unwrap_or_default()))
                        .unwrap_or_default(),
                    (None, EntryId::New(_)) => Default::default(),
                };
                [self.entry_name(id), type_id, endpoint]
                    .iter()
                    .any(|s| s.to_lowercase().contains(&needle))
            })
            .collect()
    }

    /// The type id of an entry, without building its form.
    pub fn entry_type(&self, id: &EntryId) -> String {
        match (self.draft(id), id) {
            (Some(f), _) => f.spec.id.clone(),
            (None, EntryId::Stored(n)) => self
                .stored_conn(n)
                .map(|c| c.type_id.clone())
                .unwrap_or_default(),
            (None, EntryId::New(_)) => String::new(),
        }
    }

    pub fn selected_index(&self) -> Option<usize> {
        let entries = self.entries();
        self.selected
            .as_ref()
            .and_then(|s| entries.iter().position(|e| e == s))
    }

    /// Keeps the selection on a visible entry.
    pub fn fix_selection(&mut self) {
        let entries = self.entries();
        if self.selected.as_ref().is_none_or(|s| !entries.contains(s)) {
            self.selected = entries.first().cloned();
        }
    }

    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some((level, text.into()));
    }
}
