//! Where a value of a draft comes from: the `· default`, `· keychain`, `· env:NAME` marks of
//! the form and the SOURCE column of `aiconn show`, from one rule.

use super::{Draft, FieldPath, RowValue, SecretState};
use crate::model::SecretRecord;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSource {
    /// Stored in connections.toml as shown.
    File,
    /// Not stored: the catalogue default.
    Default,
    /// A secret kept in a backend (the record names which).
    Backend(SecretRecord),
    /// A secret read at use (`env:NAME`, `cmd:...`).
    Reference(String),
    /// Changed in this draft: it comes from what was typed.
    Edited,
}

impl fmt::Display for ValueSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueSource::File => f.write_str("file"),
            ValueSource::Default => f.write_str("default"),
            ValueSource::Backend(r) => write!(f, "{r}"),
            ValueSource::Reference(r) => f.write_str(r),
            ValueSource::Edited => Ok(()),
        }
    }
}

impl Draft {
    /// Where the value at `path` comes from; `None` for the name or an unknown path.
    pub fn source(&self, path: &FieldPath) -> Option<ValueSource> {
        if let Some(s) = self.secret(path) {
            return Some(match s {
                SecretState::Kept(r) => ValueSource::Backend(r.clone()),
                SecretState::Ref(r) => ValueSource::Reference(r.to_file_text()),
                SecretState::Typed(_) | SecretState::Unset => ValueSource::Edited,
            });
        }
        let text = self.text(path);
        let base = self.base.as_ref();
        match path {
            FieldPath::Name => None,
            FieldPath::Field(k) => {
                let stored = base.and_then(|b| b.values.get(k));
                let default = self.spec.field(k)?.default.as_deref();
                Some(match stored {
                    Some(v) if *v == text => ValueSource::File,
                    None if default == Some(text.as_str()) => ValueSource::Default,
                    _ => ValueSource::Edited,
                })
            }
            FieldPath::Row(k) => {
                let stored = base.and_then(|b| b.configs.get(k));
                match self.rows.iter().find(|(key, _)| key == k)?.1 {
                    RowValue::Config(_) if stored == Some(&text) => Some(ValueSource::File),
                    _ => Some(ValueSource::Edited),
                }
            }
        }
    }
}
