//! A connection's values in catalogue order, one entry per field: the one walk over field
//! kinds that `show`, `run`/`env`, the prompt flow files, the draft and the form share, so a
//! new kind is handled here and the compiler names every face that must say what it means.

use super::{Connection, SecretRecord, Source};
use crate::catalogue::{FieldKind, FieldSpec};
use indexmap::IndexMap;

/// One field of a connection, with what the connection holds for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry<'a> {
    /// A text, URL or enum field and the value a client sees: the stored one, else the
    /// catalogue default (`None`: neither).
    Value {
        field: &'static FieldSpec,
        value: Option<(String, Source)>,
    },
    /// A catalogue secret field, its record when one is set, and whether its rule drops it
    /// (`api_key` under `auth_mode = meid_token`: neither sent nor kept).
    Secret {
        field: &'static FieldSpec,
        record: Option<&'a SecretRecord>,
        dropped: bool,
    },
    /// A custom connection's configs (plain values), possibly none.
    Configs {
        field: &'static FieldSpec,
        rows: &'a IndexMap<String, String>,
    },
    /// A custom connection's secrets, possibly none.
    Secrets {
        field: &'static FieldSpec,
        rows: &'a IndexMap<String, SecretRecord>,
    },
}

impl Connection {
    /// Every field of the type in catalogue order, with what this connection holds for it.
    pub fn entries(&self) -> Vec<Entry<'_>> {
        self.spec()
            .fields
            .iter()
            .map(|f| match f.kind {
                FieldKind::Text | FieldKind::Url | FieldKind::Enum => Entry::Value {
                    field: f,
                    value: self.effective(&f.key),
                },
                FieldKind::Secret => Entry::Secret {
                    field: f,
                    record: self.secrets.get(&f.key),
                    dropped: self.is_dropped(&f.key),
                },
                FieldKind::Map => Entry::Configs {
                    field: f,
                    rows: &self.configs,
                },
                FieldKind::SecretMap => Entry::Secrets {
                    field: f,
                    rows: &self.secrets,
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_follow_the_catalogue_and_say_what_is_held() {
        let mut c = Connection::new("c", "azure_open_ai").unwrap();
        c.values.insert("auth_mode".into(), "meid_token".into());
        c.secrets
            .insert("api_key".into(), SecretRecord::parse("keychain"));
        let e = c.entries();
        assert_eq!(e.len(), c.spec().fields.len());
        assert!(e.iter().any(|e| matches!(e,
            Entry::Secret { field, record: Some(_), dropped: true } if field.key == "api_key")));
        assert!(e.iter().any(|e| matches!(e,
            Entry::Value { field, value: Some((v, Source::File)) } if field.key == "auth_mode" && v == "meid_token")));
        assert!(e.iter().any(|e| matches!(e,
            Entry::Value { field, value: Some((_, Source::Default)) } if field.key == "api_version")));
        let mut k = Connection::new("k", "custom").unwrap();
        k.configs.insert("region".into(), "eu".into());
        let maps: Vec<_> = k
            .entries()
            .into_iter()
            .filter(|e| matches!(e, Entry::Configs { .. } | Entry::Secrets { .. }))
            .collect();
        assert!(matches!(maps.as_slice(),
            [Entry::Configs { rows: c, .. }, Entry::Secrets { rows: s, .. }]
                if c.len() == 1 && s.is_empty()));
    }
}
