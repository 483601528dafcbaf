//! One generic form, driven by the type's field specs: no per-type widgets. The form keeps the
//! widgets (one text input per row), focus and what is shown; every rule about the values lives
//! in the core `Draft`, which `draft()` builds from the inputs.

use crate::catalogue::{FieldKind, TypeSpec};
use crate::draft::{Blocker, Draft, FieldPath, Fix, RowValue, SecretState};
use crate::endpoint::Reading;
use crate::model::SecretRef;
use crate::model::{Connection, Entry, FieldError};
use crate::tui::strings as s;
use indexmap::IndexMap;
use ratatui_textarea::{CursorMove, TextArea};
use secrecy::{ExposeSecret, SecretString};

/// A single-line text input.
pub fn input(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![text.to_string()]);
    t.move_cursor(CursorMove::End);
    // The terminal's own cursor marks the position (placed by the renderer, which screen
    // readers follow); no drawn cursor cell or underlined line, so a typed character costs
    // one cell on the wire, not three.
    t.set_cursor_line_style(ratatui::style::Style::default());
    t.set_cursor_style(ratatui::style::Style::default());
    t
}

/// The mask secrets are typed and kept under: the one place it is chosen, so every masked
/// input, drawn secret and stored-key placeholder looks the same.
pub const MASK_CHAR: char = '•';

/// What a secret at rest is shown as (its value is not loaded, or not to be shown).
pub const MASK_AT_REST: &str = "••••";

/// An input for a secret: masked.
pub fn masked_input(text: &str) -> TextArea<'static> {
    let mut t = input(text);
    mask(&mut t, true);
    t
}

/// Masks `t` (or shows it again).
pub fn mask(t: &mut TextArea<'static>, on: bool) {
    if on {
        t.set_mask_char(MASK_CHAR);
    } else {
        t.clear_mask_char();
    }
}

/// One mask character per character of `text`, at most `max`: a typed secret drawn by hand.
pub fn mask_of(text: &str, max: usize) -> String {
    MASK_CHAR.to_string().repeat(text.chars().count().min(max))
}

/// The cursor's column on screen, relative to the input's left edge (after its own scrolling).
pub fn cursor_col(t: &TextArea) -> usize {
    t.screen_cursor()
        .col
        .saturating_sub(t.scroll_offset().1 as usize)
}

pub fn text_of(t: &TextArea) -> String {
    t.lines().first().cloned().unwrap_or_default()
}

/// Where a secret's value is, as far as the form is concerned. One enum: a secret cannot be
/// both typed and a reference, or typed and still "the stored one".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SecretInput {
    /// Nothing stored, nothing typed.
    #[default]
    Empty,
    /// Kept as stored (the stored record says where).
    Stored,
    /// The input holds a new value.
    Typed,
    /// Chosen in this draft (`S`): read from the environment or a command.
    Ref(SecretRef),
}

/// What the form knows about one secret: where its value is, plus what is on screen.
#[derive(Debug, Clone, Default)]
pub struct Secret {
    pub state: SecretInput,
    /// The stored (or referenced) value, read on request to show it.
    pub loaded: Option<SecretString>,
    pub revealed: bool,
}

impl Secret {
    pub fn is_typed(&self) -> bool {
        self.state == SecretInput::Typed
    }
    pub fn is_stored(&self) -> bool {
        self.state == SecretInput::Stored
    }
    pub fn reference(&self) -> Option<&SecretRef> {
        match &self.state {
            SecretInput::Ref(r) => Some(r),
            _ => None,
        }
    }
    /// The first key on a secret that is not being typed starts a new value.
    pub fn start_typing(&mut self, input: &mut TextArea<'static>) {
        if !self.is_typed() {
            *input = masked_input("");
            self.state = SecretInput::Typed;
            self.loaded = None;
        }
    }
    /// Shows or hides the value in `input`.
    pub fn show(&mut self, input: &mut TextArea<'static>, on: bool) {
        self.revealed = on;
        mask(input, !on);
    }
    /// Uses a reference from now on: nothing typed or read is kept.
    pub fn use_reference(&mut self, input: &mut TextArea<'static>, r: SecretRef) {
        *input = masked_input("");
        *self = Secret {
            state: SecretInput::Ref(r),
            ..Default::default()
        };
    }
}

/// One row's widget: a catalogue field or a custom key/value row.
#[derive(Debug, Clone)]
pub struct Field {
    pub key: String,
    pub input: TextArea<'static>,
    pub secret: Option<Secret>,
}

impl Field {
    fn plain(key: &str, text: &str) -> Self {
        Field {
            key: key.into(),
            input: input(text),
            secret: None,
        }
    }
    fn secret(key: &str, state: SecretInput) -> Self {
        Field {
            key: key.into(),
            input: masked_input(""),
            secret: Some(Secret {
                state,
                ..Default::default()
            }),
        }
    }
    /// A new custom row (the `+` and `*` keys): a secret one is typed into right away.
    pub fn new_row(key: &str, secret: bool) -> Self {
        if secret {
            Field::secret(key, SecretInput::Typed)
        } else {
            Field::plain(key, "")
        }
    }
}

/// A row of the form as shown, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Name,
    Field(usize),
    Kv(usize),
    AddConfig,
    AddSecret,
    Advanced,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub spec: &'static TypeSpec,
    /// The stored connection this draft edits (`None` for a new one).
    pub base: Option<Connection>,
    pub name: TextArea<'static>,
    pub fields: Vec<Field>,
    /// The catalogue's spec of each of `fields`, in step with it (built together, once).
    specs: Vec<&'static crate::catalogue::FieldSpec>,
    pub kv: Vec<Field>,
    pub show_advanced: bool,
    pub focus: usize,
    /// Duplicates copy the unchanged secrets of this connection when saved.
    pub copy_secrets_from: Option<String>,
    /// The last connection test: passed?, what happened, what to do.
    pub test: Option<(bool, String)>,
    /// Rows the focus has left: a new form shows a field's problem only once the user was
    /// there, not every field red on opening.
    pub left: Vec<FieldPath>,
    /// A save was tried: every problem is shown from now on.
    pub save_tried: bool,
}

/// The form's state of a stored secret record.
fn secret_input_of(record: Option<&crate::model::SecretRecord>) -> SecretInput {
    match record {
        Some(_) => SecretInput::Stored,
        None => SecretInput::Empty,
    }
}

impl Form {
    pub fn new(spec: &'static TypeSpec) -> Self {
        let c = Connection::of("", spec);
        let mut f = Form::from_connection(&c);
        f.base = None;
        f
    }

    pub fn from_connection(c: &Connection) -> Self {
        let spec = c.spec();
        let mut fields = Vec::new();
        let mut specs = Vec::new();
        let mut kv = Vec::new();
        for entry in c.entries() {
            match entry {
                Entry::Secret { field, record, .. } => {
                    specs.push(field);
                    fields.push(Field::secret(&field.key, secret_input_of(record)));
                }
                Entry::Configs { rows: configs, .. } => {
                    kv.extend(configs.iter().map(|(k, v)| Field::plain(k, v)));
                }
                Entry::Secrets { rows: secrets, .. } => kv.extend(
                    secrets
                        .keys()
                        .map(|k| Field::secret(k, SecretInput::Stored)),
                ),
                Entry::Value { field, value } => {
                    specs.push(field);
                    let v = value.map(|(v, _)| v).unwrap_or_default();
                    fields.push(Field::plain(&field.key, &v));
                }
            }
        }
        Form {
            spec,
            base: Some(c.clone()),
            name: input(&c.name),
            fields,
            specs,
            kv,
            show_advanced: false,
            focus: 0,
            copy_secrets_from: None,
            test: None,
            left: Vec::new(),
            save_tried: false,
        }
    }

    /// The catalogue's spec of `fields[i]`.
    pub fn field_spec(&self, i: usize) -> &'static crate::catalogue::FieldSpec {
        self.specs[i]
    }
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = vec![Row::Name];
        let custom = self.spec.is_custom();
        for (i, _) in self
            .fields
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.field_spec(*i).advanced)
        {
            rows.push(Row::Field(i));
        }
        if custom {
            rows.extend((0..self.kv.len()).map(Row::Kv));
            rows.push(Row::AddConfig);
            rows.push(Row::AddSecret);
        }
        if self
            .fields
            .iter()
            .enumerate()
            .any(|(i, _)| self.field_spec(i).advanced)
        {
            rows.push(Row::Advanced);
            if self.show_advanced {
                for (i, _) in self
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| self.field_spec(*i).advanced)
                {
                    rows.push(Row::Field(i));
                }
            }
        }
        rows
    }

    pub fn focused_row(&self) -> Row {
        let rows = self.rows();
        rows[self.focus.min(rows.len() - 1)]
    }

    /// Where `row`'s value is in the connection. An add row stands for its map field, so
    /// "needs at least one secret" marks the row that adds one.
    pub fn path_of(&self, row: Row) -> Option<FieldPath> {
        let map_field = |kind: FieldKind| {
            let f = self.spec.fields.iter().find(|f| f.kind == kind)?;
            Some(FieldPath::Field(f.key.clone()))
        };
        match row {
            Row::Name => Some(FieldPath::Name),
            Row::Field(i) => Some(FieldPath::Field(self.fields[i].key.clone())),
            Row::Kv(i) => Some(FieldPath::Row(self.kv[i].key.clone())),
            Row::AddConfig => map_field(FieldKind::Map),
            Row::AddSecret => map_field(FieldKind::SecretMap),
            Row::Advanced => None,
        }
    }

    pub fn move_focus(&mut self, delta: isize) {
        let row = self.focused_row();
        // Passing over an add row (a button) is not leaving a value unfinished.
        let is_value = matches!(row, Row::Name | Row::Field(_) | Row::Kv(_));
        if let Some(p) = self
            .path_of(row)
            .filter(|p| is_value && !self.left.contains(p))
        {
            self.left.push(p);
        }
        let n = self.rows().len() as isize;
        self.focus = (self.focus as isize + delta).rem_euclid(n) as usize;
    }

    pub fn value(&self, key: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| text_of(&f.input))
            .unwrap_or_default()
    }

    /// The core draft these widgets show: every rule about the values is asked of it.
    pub fn draft(&self) -> Draft {
        let mut d = match &self.base {
            Some(b) => Draft::from_connection(b),
            None => Draft::new(self.spec),
        };
        d.set(&FieldPath::Name, &text_of(&self.name));
        for f in &self.fields {
            let path = FieldPath::Field(f.key.clone());
            match &f.secret {
                Some(s) => d.set_secret(&path, self.secret_state(&f.key, s, &f.input)),
                None => d.set(&path, &text_of(&f.input)),
            }
        }
        for (k, _) in d.rows().to_vec() {
            d.remove_row(&k);
        }
        for r in &self.kv {
            let v = match &r.secret {
                Some(s) => RowValue::Secret(self.secret_state(&r.key, s, &r.input)),
                None => RowValue::Config(text_of(&r.input)),
            };
            d.set_row(&r.key, v);
        }
        d
    }

    /// The draft's state of one secret widget. A duplicate has no record of its own yet: its
    /// kept secrets are copied (and recorded) when it is saved.
    fn secret_state(&self, key: &str, s: &Secret, input: &TextArea) -> SecretState {
        match &s.state {
            SecretInput::Typed => {
                let text = text_of(input);
                if text.is_empty() {
                    SecretState::Unset
                } else {
                    SecretState::Typed(SecretString::from(text))
                }
            }
            SecretInput::Ref(r) => SecretState::Ref(r.clone()),
            SecretInput::Stored => SecretState::Kept(
                self.base
                    .as_ref()
                    .and_then(|b| b.secrets.get(key))
                    .cloned()
                    .unwrap_or(crate::model::SecretRecord::Pending),
            ),
            SecretInput::Empty => SecretState::Unset,
        }
    }

    /// The draft as a connection plus the secret values to write.
    pub fn to_connection(&self) -> (Connection, IndexMap<String, SecretString>) {
        self.draft().into_save()
    }

    /// Problems that block saving, per field (the labels get a `!`).
    pub fn errors(&self) -> Vec<FieldError> {
        let d = self.draft();
        let mut errs = d.errors();
        if let Some(b) = d.blocker() {
            let why = match &b {
                Blocker::RequestUrl { .. } => s::request_url_not_base(),
                Blocker::ClientMisbuilds { .. } => s::client_adds_route(),
                Blocker::PlainHttp { .. } => s::https_only(),
            };
            errs.push(FieldError::field(b.field(), why));
        }
        errs
    }

    /// The problems to mark on screen: all of them on a stored connection or after a save
    /// attempt; on a new one, those of the rows the user has left.
    pub fn shown_errors(&self) -> Vec<FieldError> {
        let all = self.errors();
        if self.base.is_some() || self.save_tried {
            return all;
        }
        all.into_iter()
            .filter(|e| self.left.contains(&e.at))
            .collect()
    }

    pub fn is_dirty(&self) -> bool {
        self.draft().is_dirty()
    }

    /// The live endpoint reading, with the index of its field.
    pub fn reading(&self) -> Option<(usize, Reading)> {
        let (key, r) = self.draft().reading()?;
        Some((self.fields.iter().position(|f| f.key == key)?, r))
    }

    /// The one-key fix the draft offers (`None`: nothing to fix).
    pub fn fix(&self) -> Option<Fix> {
        self.draft().fix()
    }

    /// What `f` offers: the fix, else the move to the resource's v1 endpoint (never done by
    /// itself, unlike a fix the guided setup's Enter carries out).
    pub fn offer(&self) -> Option<Fix> {
        let d = self.draft();
        d.fix().or_else(|| d.v1_move())
    }

    /// Carries out `offer()` on the widgets. Returns false when there is nothing to do.
    pub fn apply_fix(&mut self) -> bool {
        let mut d = self.draft();
        let Some(fix) = d.fix().or_else(|| d.v1_move()) else {
            return false;
        };
        if !d.apply(&fix) {
            return false;
        }
        for f in self.fields.iter_mut().filter(|f| f.secret.is_none()) {
            let now = d.text(&FieldPath::Field(f.key.clone()));
            if text_of(&f.input) != now {
                f.input = input(&now);
            }
        }
        true
    }

    /// The secret under focus, if any.
    pub fn focused_secret_mut(&mut self) -> Option<(&mut TextArea<'static>, &mut Secret, String)> {
        let f = match self.focused_row() {
            Row::Field(i) => &mut self.fields[i],
            Row::Kv(i) => &mut self.kv[i],
            _ => return None,
        };
        let key = f.key.clone();
        f.secret.as_mut().map(|s| (&mut f.input, s, key))
    }

    /// Makes this form a new connection (a duplicate): nothing stored is its own any more.
    /// A secret read from a reference stays a reference, so the copy follows the same
    /// variable or command instead of storing what it resolves to today.
    pub fn detach(&mut self) {
        let Some(base) = self.base.take() else {
            return;
        };
        for f in self.fields.iter_mut().chain(self.kv.iter_mut()) {
            if let (Some(s), Some(r)) = (
                f.secret.as_mut().filter(|s| s.is_stored()),
                base.secrets.get(&f.key).and_then(|r| r.reference()),
            ) {
                s.state = SecretInput::Ref(r.clone());
            }
        }
    }

    /// The type the endpoint belongs to, when switching is offered: only for a new
    /// connection (a stored one's type is changed by a new connection, not in place).
    pub fn better_type(&self) -> Option<&'static TypeSpec> {
        self.base
            .as_ref()
            .map_or_else(|| self.draft().better_type(), |_| None)
    }

    /// This new connection as another type: the name, the endpoint, the key and every field
    /// both types share are kept (a field still at this type's default takes the new one's).
    pub fn switched(&self, spec: &'static TypeSpec) -> Form {
        let mut f = Form::new(spec);
        f.name = self.name.clone();
        f.copy_secrets_from = self.copy_secrets_from.clone();
        let url_key = |s: &TypeSpec| s.url_field().map(|u| u.key.clone());
        let (old_url, new_url) = (url_key(self.spec), url_key(spec));
        for nf in &mut f.fields {
            let from = if new_url.as_ref() == Some(&nf.key) {
                old_url.as_ref()
            } else {
                Some(&nf.key)
            };
            let Some(old) = self.fields.iter().find(|o| Some(&o.key) == from) else {
                continue;
            };
            let at_default = self.spec.field(&old.key).and_then(|s| s.default.as_deref())
                == Some(text_of(&old.input).as_str());
            if old.secret.is_some() == nf.secret.is_some() && !at_default {
                nf.input = old.input.clone();
                nf.secret = old.secret.clone();
            }
        }
        f.focus = f
            .rows()
            .iter()
            .position(|r| matches!(r, Row::Field(i) if Some(&f.fields[*i].key) == new_url.as_ref()))
            .unwrap_or(0);
        f
    }

    /// The stored connection is gone (deleted by another program): the form becomes a new
    /// connection with what was typed. Its stored secrets went with it, so they are unset
    /// (references stay references).
    pub fn orphan(&mut self) {
        self.detach();
        for f in self.fields.iter_mut().chain(self.kv.iter_mut()) {
            if let Some(s) = f.secret.as_mut().filter(|s| s.is_stored()) {
                *s = Secret::default();
                f.input = masked_input("");
            }
        }
    }

    /// Hides every revealed secret (focus left it).
    pub fn hide_secrets(&mut self) {
        for f in self.fields.iter_mut().chain(self.kv.iter_mut()) {
            if let Some(s) = f.secret.as_mut().filter(|s| s.revealed) {
                s.show(&mut f.input, false);
            }
        }
    }

    /// A secret read on request arrived: it fills the inputs of `key` not being typed.
    pub fn secret_loaded(&mut self, key: &str, value: Option<SecretString>) {
        for f in self.fields.iter_mut().chain(self.kv.iter_mut()) {
            if f.key != key {
                continue;
            }
            if let Some(s) = f.secret.as_mut().filter(|s| !s.is_typed()) {
                if let Some(v) = &value {
                    f.input = masked_input(v.expose_secret());
                }
                s.loaded = value.clone();
            }
        }
    }
}

/// `••••` plus the last 4 characters, for a secret at rest.
pub fn masked_tail(value: &str) -> String {
    let n = value.chars().count();
    if n <= 8 {
        return MASK_AT_REST.into();
    }
    let tail: String = value.chars().skip(n - 4).collect();
    format!("{MASK_AT_REST}{tail}")
}
