//! The TUI's whole state. Rendering only reads it; `update` changes it and asks for effects.

use super::form::Form;
pub use super::popup::{InputFor, Popup};
use super::screen::Screen;
use crate::model::Connection;
use crate::service::{Expect, OpError};
use indexmap::IndexMap;
use secrecy::SecretString;

/// A row of the connection list: a stored connection, or a new one not saved yet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EntryId {
    Stored(String),
    New(u32),
}

/// Whose form a result is for: an entry's form, or the guided setup's (a test, a deployments
/// listing).
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
    /// Send the form's service key to this host, which aiconn does not recognize for the type.
    SendKeyTo {
        target: TestTarget,
        host: String,
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
    /// List the deployments behind the draft's endpoint (typed key, else the stored one).
    ListDeployments {
        target: TestTarget,
        conn: Connection,
        key: Option<SecretString>,
        stored_name: Option<String>,
    },
    /// Test the draft against its service (typed secrets, else the stored ones).
    Test {
        target: TestTarget,
        conn: Connection,
        secrets: IndexMap<String, SecretString>,
        stored_name: Option<String>,
        /// `Send` once the user confirmed an unrecognized host.
        unknown_hosts: crate::conntest::UnknownHosts,
    },
    /// `T` on the list: test these connections (the stored versions) on the core's pool; each
    /// result comes back as `Action::TestLanded`, the end as `Action::AllTested`.
    TestAll {
        conns: Vec<Connection>,
    },
    /// The user typed this command as a secret source: approve it on this machine.
    ApproveCommand {
        command: String,
    },
    /// Keep secrets in the encrypted vault from now on (unlocks or creates it; the worker asks
    /// for the passphrase through `Action::PassphraseNeeded`).
    UseVault,
    /// The answer to `Action::PassphraseNeeded` (`None`: the dialog was closed). Goes to the
    /// worker, which is waiting for it in the middle of the effect that needs a secret.
    Passphrase(Option<SecretString>),
    /// Sign in with Azure: a token from `az`, then the subscriptions it sees.
    AzureSignIn,
    /// The model-serving accounts of a subscription.
    AzureAccounts {
        arm: ArmHandle,
        subscription: String,
    },
    /// An account's deployments (with lifecycle) and projects.
    AzureFill {
        arm: ArmHandle,
        account: Account,
    },
    /// The connection for a pick, with the account's key unless keyless (`discover --add`'s
    /// path: `azure::add::prepare`).
    AzurePrepare {
        arm: ArmHandle,
        name: String,
        account: Account,
        deployment: Option<Deployment>,
        entra: bool,
    },
}

/// Resource Manager as signed in, shared by the sign-in flow's effects (one `az` token).
pub type ArmHandle = std::sync::Arc<crate::azure::arm::Arm>;
use crate::azure::discover::{Account, Deployment, Subscription};

/// Everything that can happen to the app. Failures of the core come typed (`OpError`): the
/// update words them with the TUI's advice (`strings::failed`).
#[derive(Debug)]
pub enum Action {
    Key(ratatui::crossterm::event::KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Saved {
        id: EntryId,
        name: String,
        result: Result<Vec<Connection>, OpError>,
        warnings: Vec<String>,
    },
    Deleted {
        name: String,
        result: Result<Vec<Connection>, OpError>,
    },
    Renamed {
        old: String,
        new: String,
        result: Result<Vec<Connection>, OpError>,
    },
    SecretLoaded {
        conn: String,
        field: String,
        result: Result<SecretString, OpError>,
    },
    /// The keychain probe's answer (the wizard's key step words a failure: `strings::backend_down`).
    Probed(Result<(), crate::secrets::SecretError>),
    /// A command typed as a secret source was approved (or recording it failed).
    CommandApproved(Result<(), crate::secrets::refs::RefError>),
    DeploymentsListed {
        target: TestTarget,
        result: Result<
            Vec<crate::conntest::deployments::Deployment>,
            crate::conntest::deployments::NotListed,
        >,
    },
    Loaded(Result<Vec<Connection>, crate::store::StoreError>),
    /// The file changed on disk while the TUI is open (read again by the event loop).
    Reloaded(Result<Vec<Connection>, crate::store::StoreError>),
    Tested {
        target: TestTarget,
        ok: bool,
        message: String,
    },
    /// One result of `T`'s run, as it lands (the run goes on).
    TestLanded {
        report: crate::conntest::all::Report,
        done: usize,
        total: usize,
    },
    /// `T`'s run is over: every result (those already landed are not counted twice).
    AllTested {
        reports: Vec<crate::conntest::all::Report>,
    },
    /// The test was not sent: the key would go to `host`, which aiconn does not recognize.
    TestNeedsHost {
        target: TestTarget,
        host: String,
    },
    /// The worker needs the vault passphrase to go on (a secret is read or written for the first
    /// time this session): ask in a dialog and answer with `Effect::Passphrase`.
    PassphraseNeeded {
        create: bool,
        /// The previous passphrase was wrong.
        retry: bool,
    },
    /// The secret backend in use changed (e.g. to the vault).
    BackendSwitched {
        backend: crate::model::Backend,
        result: Result<(), OpError>,
    },
    AzureSignedIn(Result<(ArmHandle, Vec<Subscription>), crate::azure::ArmError>),
    AzureAccountsListed {
        subscription: String,
        result: Result<Vec<Account>, crate::azure::ArmError>,
    },
    AzureFilled(Box<Account>),
    AzurePrepared {
        account: Box<Account>,
        result: Result<Box<crate::azure::add::Prepared>, crate::azure::add::PrepareError>,
    },
}

impl Action {
    /// The answer to an effect the UI asked for (each one ends a "working" count).
    pub fn reports_effect(&self) -> bool {
        !matches!(
            self,
            Action::Key(_)
                | Action::Paste(_)
                | Action::Resize(..)
                | Action::Loaded(_)
                | Action::Reloaded(_)
                | Action::TestLanded { .. }
        )
    }
}

pub struct App {
    /// The stored connections, in file order; replace them with `set_stored` (it keeps the
    /// name index current).
    pub stored: Vec<Connection>,
    /// Name -> position in `stored`, so a lookup costs the same at 10 or 10,000 connections.
    stored_index: std::collections::HashMap<String, usize>,
    /// Open drafts (edited or opened forms), by entry.
    pub drafts: Vec<(EntryId, Form)>,
    pub next_new: u32,
    pub selected: Option<EntryId>,
    /// What is shown (loading, the fatal error, the main screen, the guided setup).
    pub screen: Screen,
    pub filter: String,
    pub popup: Option<Popup>,
    pub status: Option<(Level, String)>,
    /// Effects in flight (a "working" marker is shown while > 0).
    pub pending: usize,
    pub readonly: bool,
    /// Today as a day number, read once at start: dated notices (a retired api-version) are
    /// judged against it, and rendering reads no clock.
    pub today: i64,
    pub size: (u16, u16),
    /// Result of the secret backend probe, once known.
    pub backend: Option<Result<(), crate::secrets::SecretError>>,
    pub quit: bool,
    pub no_color: bool,
    /// The secret backend new secrets go to.
    pub secret_backend: crate::model::Backend,
    /// A vault file exists in the config dir (unlock it rather than create one).
    pub vault_exists: bool,
    /// `aiconn setup`: open the guided setup once the file is read.
    pub setup_when_loaded: bool,
    /// The Azure CLI is on PATH: "Sign in with Azure" is offered.
    pub az_available: bool,
    /// The last test of each connection this session, and `T`'s progress.
    pub health: super::health::Book,
}

/// What the keyboard talks to right now. One answer, in one place: the order below is the
/// precedence (a popup over the guided setup over the filter over typing in a field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The file is being read: only quitting works.
    Loading,
    /// The file cannot be read: the error is shown; only quitting works.
    Fatal,
    /// The terminal is too small to show anything: only quitting works.
    TooSmall,
    Popup,
    Wizard,
    /// Typing into the `/` filter.
    Filter,
    /// Typing into a form field.
    Editing,
    /// Moving around the list or the form.
    Browse,
}

pub const MIN_SIZE: (u16, u16) = (60, 16);
/// At this width and above, list and form are side by side; below, one at a time.
pub const WIDE: u16 = 100;

impl App {
    pub fn new(stored: Vec<Connection>, readonly: bool) -> Self {
        let selected = stored.first().map(|c| EntryId::Stored(c.name.clone()));
        let mut app = App {
            stored,
            stored_index: std::collections::HashMap::new(),
            drafts: Vec::new(),
            next_new: 1,
            selected,
            screen: Screen::main(),
            filter: String::new(),
            popup: None,
            status: None,
            pending: 0,
            readonly,
            today: crate::azure::lifecycle::today(),
            size: (80, 24),
            backend: None,
            quit: false,
            no_color: false,
            secret_backend: crate::model::Backend::Keychain,
            vault_exists: false,
            setup_when_loaded: false,
            az_available: false,
            health: Default::default(),
        };
        app.reindex();
        app
    }

    /// Replaces the stored connections (after a load, save, delete or rename).
    pub fn set_stored(&mut self, stored: Vec<Connection>) {
        self.stored = stored;
        self.reindex();
    }

    fn reindex(&mut self) {
        self.stored_index = self
            .stored
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
    }

    pub fn mode(&self) -> Mode {
        use super::screen::Typing;
        match &self.screen {
            Screen::Loading => Mode::Loading,
            Screen::Fatal(_) => Mode::Fatal,
            _ if self.too_small() => Mode::TooSmall,
            _ if self.popup.is_some() => Mode::Popup,
            Screen::Wizard { .. } => Mode::Wizard,
            Screen::Main { typing, .. } => match typing {
                Typing::Filter => Mode::Filter,
                Typing::Field => Mode::Editing,
                Typing::No => Mode::Browse,
            },
        }
    }

    /// The keymap context of the current mode: where key presses are looked up, and what the
    /// bottom bar shows.
    pub fn key_ctx(&self) -> super::keymap::Ctx {
        use super::keymap::Ctx;
        use super::wizard::Step;
        match self.mode() {
            Mode::Popup => match &self.popup {
                Some(Popup::Help { .. }) => Ctx::Help,
                Some(Popup::Message { .. }) => Ctx::Message,
                Some(Popup::PickType { .. }) => Ctx::PickType,
                Some(Popup::Input { .. }) => Ctx::Input,
                Some(Popup::PickDeployment { .. }) => Ctx::PickDeployment,
                Some(Popup::Azure(p)) if p.filtering => Ctx::AzureFilter,
                Some(Popup::Azure(_)) => Ctx::AzurePick,
                _ => Ctx::Confirm,
            },
            Mode::Wizard => match self.wizard().map(|w| w.step) {
                Some(Step::Type) => Ctx::WizardPick,
                Some(Step::Paste) => Ctx::WizardPaste,
                Some(Step::Extras) => Ctx::WizardExtras,
                Some(Step::Review) => Ctx::WizardReview,
                _ => Ctx::WizardText,
            },
            Mode::Filter => Ctx::Filter,
            Mode::Editing => Ctx::Editing,
            _ if self.focus() == Focus::List => Ctx::List,
            _ => Ctx::Form,
        }
    }

    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_SIZE.0 || self.size.1 < MIN_SIZE.1
    }

    pub fn stored_conn(&self, name: &str) -> Option<&Connection> {
        match self
            .stored_index
            .get(name)
            .and_then(|&i| self.stored.get(i))
        {
            Some(c) if c.name == name => Some(c),
            // `stored` was replaced without `set_stored` (tests build it by hand).
            _ => self.stored.iter().find(|c| c.name == name),
        }
    }

    /// The form a result is for (the guided setup's, or an entry's draft, opened if needed).
    pub fn target_form(&mut self, target: &TestTarget) -> Option<&mut Form> {
        match target {
            TestTarget::Wizard => self.wizard_mut().and_then(|w| w.form.as_mut()),
            TestTarget::Entry(id) => self.ensure_draft(id),
        }
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
                // A new entry is its draft; one without reads as any unnamed new entry.
                let n = self
                    .draft(id)
                    .map(|f| super::form::text_of(&f.name))
                    .unwrap_or_default();
                if n.trim().is_empty() {
                    super::strings::NEW_ENTRY.to_string()
                } else {
                    n
                }
            }
        }
    }

    /// The list as shown: new drafts first, then stored connections; filtered by name, type
    /// or endpoint (case-insensitive). One pass over the stored records, no lookups and no
    /// per-entry allocation but the ids themselves: linear at 10,000 connections.
    pub fn entries(&self) -> Vec<EntryId> {
        let needle = super::filter::Needle::new(&self.filter);
        let mut out = Vec::new();
        for (id, f) in &self.drafts {
            if matches!(id, EntryId::New(_)) {
                let endpoint = f
                    .reading()
                    .map(|(i, _)| super::form::text_of(&f.fields[i].input))
                    .unwrap_or_default();
                if needle.any(&[&self.entry_name(id), &f.spec.id, &endpoint]) {
                    out.push(id.clone());
                }
            }
        }
        out.reserve(self.stored.len());
        let edited = self
            .drafts
            .iter()
            .filter_map(|(id, f)| match id {
                EntryId::Stored(n) => Some((n.as_str(), f)),
                EntryId::New(_) => None,
            })
            .collect::<std::collections::HashMap<_, _>>();
        for c in &self.stored {
            let keep = needle.is_empty()
                || match edited.get(c.name.as_str()) {
                    Some(f) => {
                        let endpoint = f
                            .reading()
                            .map(|(i, _)| super::form::text_of(&f.fields[i].input))
                            .unwrap_or_default();
                        needle.any(&[&c.name, &f.spec.id, &endpoint])
                    }
                    None => needle.any(&[&c.name, c.type_id(), c.endpoint_ref().unwrap_or("")]),
                };
            if keep {
                out.push(EntryId::Stored(c.name.clone()));
            }
        }
        out
    }

    /// The type id of an entry, without building its form.
    pub fn entry_type(&self, id: &EntryId) -> String {
        match (self.draft(id), id) {
            (Some(f), _) => f.spec.id.clone(),
            (None, EntryId::Stored(n)) => self
                .stored_conn(n)
                .map(|c| c.type_id().to_string())
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

    /// What the status line says: the status, else (on the list, no filter shown) the selected
    /// connection's last test, which the list shows only as a mark. `^L` opens the same text.
    pub fn status_message(&self) -> Option<(Level, String)> {
        if let Some(st) = &self.status {
            return Some(st.clone());
        }
        if self.focus() != Focus::List || self.filter_typing() || !self.filter.is_empty() {
            return None;
        }
        let id = self.selected.as_ref()?;
        let m = super::health::mark(self, id)?;
        let glyph = match m.health {
            crate::conntest::all::Health::Ok => "✓",
            crate::conntest::all::Health::Failed => "✗",
            crate::conntest::all::Health::Skipped => "–",
        };
        let level = match m.health {
            crate::conntest::all::Health::Failed if !m.stale => Level::Error,
            _ => Level::Info,
        };
        let text = super::strings::last_test(&self.entry_name(id), glyph, m.message, m.stale);
        Some((level, text))
    }

    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some((level, text.into()));
    }
}
