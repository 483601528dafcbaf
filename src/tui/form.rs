//! One generic form, driven by the type's field specs: no per-type widgets. Holds the draft
//! of one connection: text inputs, secret state, custom key/value rows.

use crate::catalogue::{FieldKind, TypeSpec};
use crate::endpoint::{Reading, classify_for_type};
use crate::model::{Connection, FieldError, SecretRecord};
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

/// The cursor's column on screen, relative to the input's left edge (after its own scrolling).
pub fn cursor_col(t: &TextArea) -> usize {
    t.screen_cursor()
        .col
        .saturating_sub(t.scroll_offset().1 as usize)
}

pub fn text_of(t: &TextArea) -> String {
    t.lines().first().cloned().unwrap_or_default()
}

/// What the form knows about one secret.
#[derive(Debug, Clone, Default)]
pub struct Secret {
    /// The stored connection records this secret (in some backend).
    pub stored: bool,
    /// Loaded from the keychain on request.
    pub loaded: Option<SecretString>,
    /// The user typed or pasted a new value (in the input).
    pub typed: bool,
    pub revealed: bool,
    /// Chosen in this draft (`S`): read from the environment or a command instead of kept.
    pub reference: Option<crate::secrets::refs::SecretRef>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub key: String,
    pub input: TextArea<'static>,
    pub secret: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct KvRow {
    pub key: String,
    pub input: TextArea<'static>,
    pub secret: Option<Secret>,
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
    pub kv: Vec<KvRow>,
    pub show_advanced: bool,
    pub focus: usize,
    /// Duplicates copy the unchanged secrets of this connection when saved.
    pub copy_secrets_from: Option<String>,
    /// The last connection test: passed?, what happened, what to do.
    pub test: Option<(bool, String)>,
}

fn secret_input(stored: bool) -> (TextArea<'static>, Secret) {
    let mut t = input("");
    t.set_mask_char('•');
    (
        t,
        Secret {
            stored,
            ..Default::default()
        },
    )
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
        let mut kv = Vec::new();
        for f in &spec.fields {
            match f.kind {
                FieldKind::Secret => {
                    let (input, s) = secret_input(c.secrets.contains_key(&f.key));
                    fields.push(Field {
                        key: f.key.clone(),
                        input,
                        secret: Some(s),
                    });
                }
                FieldKind::Map => {
                    for (k, v) in &c.configs {
                        kv.push(KvRow {
                            key: k.clone(),
                            input: input(v),
                            secret: None,
                        });
                    }
                }
                FieldKind::SecretMap => {
                    for k in c.secrets.keys() {
                        let (input, s) = secret_input(true);
                        kv.push(KvRow {
                            key: k.clone(),
                            input,
                            secret: Some(s),
                        });
                    }
                }
                _ => {
                    let v = c
                        .values
                        .get(&f.key)
                        .cloned()
                        .or_else(|| f.default.clone())
                        .unwrap_or_default();
                    fields.push(Field {
                        key: f.key.clone(),
                        input: input(&v),
                        secret: None,
                    });
                }
            }
        }
        Form {
            spec,
            base: Some(c.clone()),
            name: input(&c.name),
            fields,
            kv,
            show_advanced: false,
            focus: 0,
            copy_secrets_from: None,
            test: None,
        }
    }

    pub fn field_spec(&self, i: usize) -> &'static crate::catalogue::FieldSpec {
        self.spec
            .field(&self.fields[i].key)
            .expect("form fields come from the spec")
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

    pub fn move_focus(&mut self, delta: isize) {
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

    /// The draft as a connection plus the secret values to write. Unchanged stored secrets are
    /// kept by recording their backend.
    pub fn to_connection(&self) -> (Connection, IndexMap<String, SecretString>) {
        let mut c = Connection::of(text_of(&self.name).trim(), self.spec);
        let mut new = IndexMap::new();
        let base = self.base.as_ref();
        for (i, f) in self.fields.iter().enumerate() {
            let spec = self.field_spec(i);
            let text = text_of(&f.input);
            match &f.secret {
                Some(s) if s.typed && !text.is_empty() => {
                    new.insert(f.key.clone(), SecretString::from(text));
                }
                Some(Secret {
                    reference: Some(r), ..
                }) => {
                    c.secrets
                        .insert(f.key.clone(), SecretRecord::Ref(r.clone()));
                }
                Some(s) if s.stored => {
                    c.secrets.insert(f.key.clone(), self.kept_backend(&f.key));
                }
                Some(_) => {}
                None => {
                    let stored_before = base.is_some_and(|b| b.values.contains_key(&f.key));
                    let is_default = spec.default.as_deref() == Some(text.as_str());
                    if !text.trim().is_empty() && (stored_before || !is_default) {
                        c.values.insert(f.key.clone(), text.trim().to_string());
                    }
                }
            }
        }
        for row in &self.kv {
            let text = text_of(&row.input);
            match &row.secret {
                Some(s) if s.typed && !text.is_empty() => {
                    new.insert(row.key.clone(), SecretString::from(text));
                    c.secrets.insert(row.key.clone(), SecretRecord::Pending);
                }
                Some(Secret {
                    reference: Some(r), ..
                }) => {
                    c.secrets
                        .insert(row.key.clone(), SecretRecord::Ref(r.clone()));
                }
                Some(s) if s.stored => {
                    c.secrets
                        .insert(row.key.clone(), self.kept_backend(&row.key));
                }
                Some(_) => {}
                None => {
                    c.configs.insert(row.key.clone(), text);
                }
            }
        }
        (c, new)
    }

    /// Where a secret the draft keeps unchanged is recorded. A duplicate has no record of its
    /// own yet: its secrets are copied (and recorded) when it is saved.
    fn kept_backend(&self, key: &str) -> SecretRecord {
        self.base
            .as_ref()
            .and_then(|b| b.secrets.get(key))
            .cloned()
            .unwrap_or(SecretRecord::Pending)
    }

    /// Problems that block saving, per field (the labels get a `!`).
    pub fn errors(&self) -> Vec<FieldError> {
        let (mut c, new) = self.to_connection();
        for k in new.keys() {
            c.secrets.insert(k.clone(), SecretRecord::Pending);
        }
        let mut errs = c.validate();
        // A pasted Target URI is never stored as a base by accident (the CLI refuses it too).
        if let Some((i, r)) = self.reading()
            && r.is_request_url()
        {
            errs.push(FieldError::new(
                &self.fields[i].key,
                "this is a full request URL (Target URI): press f to store its base",
            ));
        }
        for (i, row) in self.kv.iter().enumerate() {
            if row
                .secret
                .as_ref()
                .is_some_and(|s| !s.stored && !s.typed && s.reference.is_none())
            {
                errs.push(FieldError::new(
                    &format!("kv:{i}"),
                    format!("secret '{}' has no value", row.key),
                ));
            }
        }
        errs
    }

    pub fn is_dirty(&self) -> bool {
        let (c, new) = self.to_connection();
        let mut base = self
            .base
            .clone()
            .unwrap_or_else(|| Connection::of("", self.spec));
        // secrets recorded as "" (new custom rows) compare by key only; a reference by itself
        let by_key = |v: &mut SecretRecord| {
            if v.reference().is_none() {
                *v = SecretRecord::Pending;
            }
        };
        base.secrets.values_mut().for_each(by_key);
        let mut cc = c.clone();
        cc.secrets.values_mut().for_each(by_key);
        !new.is_empty() || cc != base
    }

    /// The live endpoint reading for the type's URL field.
    pub fn reading(&self) -> Option<(usize, Reading)> {
        let i = self.fields.iter().position(|f| {
            self.spec
                .field(&f.key)
                .is_some_and(|s| s.kind == FieldKind::Url)
        })?;
        let v = text_of(&self.fields[i].input);
        if v.trim().is_empty() {
            return None;
        }
        Some((i, classify_for_type(&v, &self.spec.id)))
    }

    /// The base the one-key fix would store, when it changes more than a trailing slash.
    pub fn fix_offer(&self) -> Option<String> {
        let (i, r) = self.reading()?;
        let base = r.normalized_base?;
        let current = text_of(&self.fields[i].input);
        (base.trim_end_matches('/') != current.trim().trim_end_matches('/')).then_some(base)
    }

    /// The one-key fix: store the normalized base, and fill api_version from a pasted request
    /// URL where the type has that field. Returns false when there is nothing to fix.
    pub fn apply_fix(&mut self) -> bool {
        let Some(base) = self.fix_offer() else {
            return false;
        };
        let Some((i, r)) = self.reading() else {
            return false;
        };
        let mut changed = false;
        if text_of(&self.fields[i].input) != base {
            self.fields[i].input = input(&base);
            changed = true;
        }
        // The CLI's rule: the URL's api-version fills the field only when the user has not set
        // one (it is empty or still the catalogue default), never over a typed version.
        let default = self
            .spec
            .field("api_version")
            .and_then(|f| f.default.clone());
        if let (Some(v), Some(f)) = (
            r.api_version.clone(),
            self.fields.iter_mut().find(|f| f.key == "api_version"),
        ) {
            let now = text_of(&f.input);
            if (now.trim().is_empty() || Some(now.trim()) == default.as_deref()) && now != v {
                f.input = input(&v);
                changed = true;
            }
        }
        changed
    }

    /// The secret under focus, if any.
    pub fn focused_secret_mut(&mut self) -> Option<(&mut TextArea<'static>, &mut Secret, String)> {
        match self.focused_row() {
            Row::Field(i) => {
                let f = &mut self.fields[i];
                let key = f.key.clone();
                f.secret.as_mut().map(|s| (&mut f.input, s, key))
            }
            Row::Kv(i) => {
                let r = &mut self.kv[i];
                let key = r.key.clone();
                r.secret.as_mut().map(|s| (&mut r.input, s, key))
            }
            _ => None,
        }
    }

    /// Hides every revealed secret (focus left it).
    pub fn hide_secrets(&mut self) {
        for (input, s) in self
            .fields
            .iter_mut()
            .filter_map(|f| f.secret.as_mut().map(|s| (&mut f.input, s)))
            .chain(
                self.kv
                    .iter_mut()
                    .filter_map(|r| r.secret.as_mut().map(|s| (&mut r.input, s))),
            )
        {
            if s.revealed {
                s.revealed = false;
                input.set_mask_char('•');
            }
        }
    }

    pub fn secret_loaded(&mut self, key: &str, value: Option<SecretString>) {
        let targets = self
            .fields
            .iter_mut()
            .filter(|f| f.key == key)
            .filter_map(|f| f.secret.as_mut().map(|s| (&mut f.input, s)))
            .chain(
                self.kv
                    .iter_mut()
                    .filter(|r| r.key == key)
                    .filter_map(|r| r.secret.as_mut().map(|s| (&mut r.input, s))),
            );
        for (input, s) in targets {
            if !s.typed {
                if let Some(v) = &value {
                    *input = crate::tui::form::input(v.expose_secret());
                    input.set_mask_char('•');
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
        return "••••".into();
    }
    let tail: String = value.chars().skip(n - 4).collect();
    format!("••••{tail}")
}
