//! Guided first-time setup: paste what you have (a URL, a Target URI, a portal snippet: the
//! type and fields are read from it) or skip to the type → name → endpoint (live hint) → key → other settings →
//! review (Save / Edit / Cancel). Back is always possible; nothing is lost by going back.

use super::form::{Form, Row, input, text_of};
use crate::catalogue::{Catalogue, FieldKind, TypeSpec};
use crate::draft::PasteReading;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// "Paste what you have": read the type and fields from a paste, or skip to `Type`.
    Paste,
    Type,
    Name,
    Endpoint,
    Key,
    Extras,
    Review,
}

#[derive(Debug, Clone)]
pub struct Wizard {
    pub step: Step,
    /// What is typed on the paste step (a bracketed paste is read at once, never kept here).
    pub paste: ratatui_textarea::TextArea<'static>,
    /// A paste that proposed no type: its URL and key wait for the type to be picked.
    pub pasted: Option<(Option<String>, Option<secrecy::SecretString>)>,
    pub type_cursor: usize,
    pub form: Option<Form>,
    pub extras_focus: usize,
    /// The review's highlighted button.
    pub choice: ReviewChoice,
    pub error: Option<String>,
    /// Something the wizard did for the user (e.g. stored the base of a pasted Target URI).
    pub notice: Option<String>,
}

/// The review step's buttons, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewChoice {
    /// Save now, and land in the editor.
    Save,
    /// Land in the editor unsaved.
    Edit,
    /// Leave the guided setup; nothing is kept.
    Cancel,
}

impl ReviewChoice {
    pub const ALL: [ReviewChoice; 3] =
        [ReviewChoice::Save, ReviewChoice::Edit, ReviewChoice::Cancel];

    /// The next button (`step` 1) or the previous (-1), wrapping around.
    pub fn moved(self, step: isize) -> Self {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0) as isize;
        Self::ALL[(i + step).rem_euclid(Self::ALL.len() as isize) as usize]
    }
}

/// Types in the order the wizard offers them: the catalogue's (Foundry and Azure OpenAI
/// first, custom last; assets/catalogue.toml says so where the order is written).
pub fn type_order() -> Vec<&'static TypeSpec> {
    Catalogue::get().types.iter().collect()
}

impl Wizard {
    pub fn new() -> Self {
        Wizard {
            step: Step::Paste,
            paste: super::form::input(""),
            pasted: None,
            type_cursor: 0,
            form: None,
            extras_focus: 0,
            choice: ReviewChoice::Save,
            error: None,
            notice: None,
        }
    }

    /// The connection being set up: `None` until a type is picked.
    pub fn form(&self) -> Option<&Form> {
        self.form.as_ref()
    }

    pub fn url_field(&self) -> Option<usize> {
        let f = self.form()?;
        let key = &f.spec.url_field()?.key;
        f.fields.iter().position(|x| x.key == *key)
    }

    pub fn key_field(&self) -> Option<usize> {
        let f = self.form()?;
        f.fields.iter().position(|x| {
            f.spec
                .field(&x.key)
                .is_some_and(|s| s.kind == FieldKind::Secret)
        })
    }

    /// Non-advanced text and enum fields that are not the endpoint or the key.
    pub fn extras(&self) -> Vec<usize> {
        let Some(f) = self.form() else {
            return Vec::new();
        };
        (0..f.fields.len())
            .filter(|i| {
                let s = f.field_spec(*i);
                !s.advanced && matches!(s.kind, FieldKind::Text | FieldKind::Enum)
            })
            .collect()
    }

    /// The steps this type goes through.
    pub fn steps(&self) -> Vec<Step> {
        let mut v = vec![Step::Paste, Step::Type, Step::Name];
        if self.form.is_some() {
            if self.url_field().is_some() {
                v.push(Step::Endpoint);
            }
            if self.key_field().is_some() {
                v.push(Step::Key);
            }
            if !self.extras().is_empty() {
                v.push(Step::Extras);
            }
        }
        v.push(Step::Review);
        v
    }

    pub fn advance(&mut self, delta: isize) {
        let steps = self.steps();
        let i = steps.iter().position(|s| *s == self.step).unwrap_or(0) as isize;
        let j = (i + delta).clamp(0, steps.len() as isize - 1) as usize;
        self.step = steps[j];
        self.error = None;
        self.notice = None;
    }

    /// Checks the current step before moving on; the message says what is wrong.
    /// Nothing to check before a type is picked (the steps that check come after).
    pub fn check(&self) -> Result<(), String> {
        let Some(f) = self.form() else {
            return Ok(());
        };
        match self.step {
            Step::Name => crate::model::validate_name(text_of(&f.name).trim()),
            Step::Endpoint => {
                // The endpoint step is there only when the type has a URL field.
                let Some(i) = self.url_field() else {
                    return Ok(());
                };
                if text_of(&f.fields[i].input).trim().is_empty() && f.field_spec(i).required {
                    Err("The endpoint is required: paste it from the portal's Keys and Endpoint page.".into())
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// Fills a form of the pasted type and goes to the review (or to the key step when the
    /// paste had no key). `taken`: names in use, so the proposed name is free.
    /// Returns false when the paste proposed no type: the user picks it (the URL and key wait).
    pub fn take_paste(&mut self, p: PasteReading, taken: &dyn Fn(&str) -> bool) -> bool {
        let Some(spec) = p.spec else {
            self.pasted = Some((p.url, p.key));
            self.step = Step::Type;
            self.error = Some(super::strings::PASTE_NOT_READ.into());
            return false;
        };
        if let Some(i) = type_order().iter().position(|t| t.id == spec.id) {
            self.type_cursor = i;
        }
        let mut form = Form::new(spec);
        if let Some(n) = p.name {
            let free = (1..100)
                .map(|i| {
                    if i == 1 {
                        n.clone()
                    } else {
                        format!("{n}-{i}")
                    }
                })
                .find(|c| !taken(c))
                .unwrap_or(n);
            form.name = input(&free);
        }
        let mut filled: Vec<String> = Vec::new();
        for (k, v) in &p.fields {
            if let Some(f) = form.fields.iter_mut().find(|f| &f.key == k) {
                f.input = input(v);
                filled.push(form.spec.field(k).map_or(k.clone(), |s| s.label.clone()));
            }
        }
        self.form = Some(form);
        let key_field = self.key_field();
        if let (Some(key), Some(i)) = (p.key, key_field) {
            self.fill_key(i, key);
            filled.push(super::strings::STEP_KEY.to_string());
        }
        let needs_key = key_field.is_some_and(|i| {
            !self
                .form()
                .and_then(|f| f.fields[i].secret.as_ref())
                .is_some_and(|s| s.is_typed())
        });
        self.step = if needs_key { Step::Key } else { Step::Review };
        self.error = None;
        self.notice = Some(super::strings::paste_read(&spec.label, &filled, needs_key));
        true
    }

    /// A key from a paste: typed into the key field, masked.
    pub fn fill_key(&mut self, i: usize, key: secrecy::SecretString) {
        let Some(f) = self.form.as_mut() else {
            return;
        };
        let fld = &mut f.fields[i];
        if let Some(sec) = fld.secret.as_mut() {
            sec.start_typing(&mut fld.input);
            fld.input = super::form::masked_input(secrecy::ExposeSecret::expose_secret(&key));
        }
    }

    /// The type was picked after a paste that proposed none: its URL and key fill the form.
    pub fn use_pasted(&mut self) {
        let Some((url, key)) = self.pasted.take() else {
            return;
        };
        if let (Some(u), Some(i)) = (url, self.url_field())
            && let Some(f) = self.form.as_mut()
        {
            f.fields[i].input = input(&u);
        }
        if let (Some(k), Some(i)) = (key, self.key_field()) {
            self.fill_key(i, k);
        }
    }

    /// The form row to focus when leaving for the editor.
    pub fn first_error_row(&self) -> Option<Row> {
        let f = self.form()?;
        let errs = f.errors();
        f.rows().into_iter().find(|r| {
            matches!(r, Row::Name | Row::Field(_))
                && f.path_of(*r)
                    .is_some_and(|p| errs.iter().any(|e| e.at == p))
        })
    }
}

impl Default for Wizard {
    fn default() -> Self {
        Self::new()
    }
}
