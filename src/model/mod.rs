//! A connection as aiconn keeps it: non-secret values, custom configs, and a record of which
//! secrets are set and in which backend. Secret values never live here.

use crate::catalogue::{Catalogue, FieldKind, FieldSpec, Role, TypeSpec};
use indexmap::IndexMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub name: String,
    /// The type, resolved once where the connection enters (the file, the CLI, an import, a
    /// form): a connection of an unknown type cannot exist.
    spec: &'static TypeSpec,
    /// Scalar non-secret fields as given by the user (defaults are not copied in).
    pub values: IndexMap<String, String>,
    /// Custom connections: non-secret key/value pairs.
    pub configs: IndexMap<String, String>,
    /// Secret field (or custom secret key) -> where its value is kept.
    pub secrets: IndexMap<String, SecretRecord>,
}

mod entries;
mod field_error;
mod key_source;
mod record;
pub mod secret_ref;

pub use entries::Entry;
pub use field_error::{FieldError, FieldPath};
pub use key_source::KeySource;
pub use record::{Backend, KeyStatus, SecretRecord};
pub use secret_ref::{MalformedRef, SecretRef};

/// Where a shown value comes from (the `show` command's SOURCE column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    File,
    Default,
}

/// Largest value (or key) aiconn writes: a URL, a key or a setting is at most a few KiB; a
/// bigger one is a paste gone wrong, and would make the file awkward for every later command.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

impl Connection {
    /// An empty connection of a catalogue type.
    pub fn of(name: &str, spec: &'static TypeSpec) -> Self {
        Connection {
            name: name.into(),
            spec,
            values: IndexMap::new(),
            configs: IndexMap::new(),
            secrets: IndexMap::new(),
        }
    }

    /// An empty connection of type `type_id`; `None` when the catalogue has no such type.
    pub fn new(name: &str, type_id: &str) -> Option<Self> {
        Catalogue::get().find(type_id).map(|s| Self::of(name, s))
    }

    pub fn spec(&self) -> &'static TypeSpec {
        self.spec
    }

    pub fn type_id(&self) -> &'static str {
        &self.spec.id
    }

    /// The value a client will see: the stored one, else the catalogue default.
    pub fn effective(&self, key: &str) -> Option<(String, Source)> {
        if let Some(v) = self.values.get(key) {
            return Some((v.clone(), Source::File));
        }
        let d = self.spec().field(key)?.default.clone()?;
        Some((d, Source::Default))
    }

    /// The endpoint field's value (`TypeSpec::url_field`), borrowed (stored, else the default).
    pub fn endpoint_ref(&self) -> Option<&str> {
        let spec = self.spec();
        let f = spec.url_field()?;
        self.values
            .get(&f.key)
            .map(String::as_str)
            .or(f.default.as_deref())
    }

    /// The key of this type's field for `role` (`None`: the type has none).
    pub fn role_key(&self, role: Role) -> Option<&'static str> {
        self.spec.role(role).map(|f| f.key.as_str())
    }

    /// The value of this type's field for `role`, and where it comes from.
    pub fn effective_role(&self, role: Role) -> Option<(String, Source)> {
        self.effective(self.role_key(role)?)
    }

    /// Sets this type's field for `role`; a type without one is left as it is.
    pub fn set_role(&mut self, role: Role, value: impl Into<String>) {
        if let Some(k) = self.role_key(role) {
            self.values.insert(k.to_string(), value.into());
        }
    }

    /// The endpoint field's value: what `list` shows as ENDPOINT.
    pub fn endpoint(&self) -> Option<String> {
        let spec = self.spec();
        let f = spec.url_field()?;
        self.effective(&f.key).map(|(v, _)| v)
    }

    /// The secret fields this connection needs set (custom: the ones it has).
    pub fn expected_secrets(&self) -> Vec<String> {
        let spec = self.spec();
        if spec.is_custom() {
            return self.secrets.keys().cloned().collect();
        }
        spec.secret_fields()
            .filter(|f| !self.is_dropped(&f.key))
            .map(|f| f.key.clone())
            .collect()
    }

    /// Whether `field` must have a value: required by the catalogue, or required unless a
    /// condition that does not hold (api_key unless auth_mode is meid_token). The one rule the
    /// form's `*`, validation and the CLI's prompts all use.
    pub fn is_required(&self, field: &crate::catalogue::FieldSpec) -> bool {
        field.required || (field.required_unless.is_some() && !self.is_dropped(&field.key))
    }

    /// True when the field's `required_unless` condition holds, e.g. api_key under meid_token.
    pub fn is_dropped(&self, key: &str) -> bool {
        let Some(field) = self.spec().field(key) else {
            return false;
        };
        match field.unless() {
            Some((other, value)) => self
                .effective(other)
                .is_some_and(|(v, _)| v.eq_ignore_ascii_case(value)),
            None => false,
        }
    }

    /// `set` when every secret the connection needs is recorded, `missing` when one is not,
    /// `-` when it needs none (Entra ID). Reads the record only, never the keychain.
    pub fn key_status(&self) -> KeyStatus {
        let spec = self.spec();
        // A reference to a variable this process does not have reads as nothing at use.
        let env_unset = || {
            self.secrets.values().any(|r| match r {
                SecretRecord::Ref(SecretRef::Env(name)) => {
                    std::env::var_os(name).is_none_or(|v| v.is_empty())
                }
                _ => false,
            })
        };
        if spec.is_custom() {
            return if self.secrets.is_empty() {
                KeyStatus::Missing
            } else if env_unset() {
                KeyStatus::EnvUnset
            } else {
                KeyStatus::Set
            };
        }
        let needed: Vec<_> = spec
            .secret_fields()
            .filter(|f| !self.is_dropped(&f.key))
            .collect();
        if needed.is_empty() {
            KeyStatus::NotNeeded
        } else if needed.iter().all(|f| self.secrets.contains_key(&f.key)) {
            if env_unset() {
                KeyStatus::EnvUnset
            } else {
                KeyStatus::Set
            }
        } else {
            KeyStatus::Missing
        }
    }

    /// Where the secret `key` is: a custom connection's row, or a catalogue secret field.
    pub fn secret_path(&self, key: &str) -> FieldPath {
        if self.spec().is_custom() {
            FieldPath::Row(key.into())
        } else {
            FieldPath::Field(key.into())
        }
    }

    /// True when a custom connection carries the four strong-type keys.
    pub fn is_strong_type(&self) -> bool {
        self.values.contains_key("custom_type")
    }

    /// Checks the connection against its type spec, assuming `secret_keys` will be set.
    /// Returns every problem, one per field, so a form can mark each invalid label.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if let Err(e) = validate_name(&self.name) {
            errs.push(FieldError::name(e));
        }
        let spec = self.spec();
        for key in self.values.keys() {
            match spec.field(key) {
                Some(f) if !f.is_map() && !f.is_secret() => {}
                _ => errs.push(FieldError::field(
                    key,
                    format!("'{key}' is not a field of type {}", spec.id),
                )),
            }
        }
        for entry in self.entries() {
            match entry {
                Entry::Secret {
                    field,
                    record: None,
                    ..
                } if self.is_required(field) => {
                    errs.push(FieldError::field(
                        &field.key,
                        format!("{} is required", field.label),
                    ));
                }
                Entry::Secret { .. } | Entry::Configs { .. } => {}
                Entry::Secrets { field, rows } => {
                    if self.is_required(field) && rows.is_empty() {
                        errs.push(FieldError::field(
                            &field.key,
                            "a custom connection needs at least one secret",
                        ));
                    }
                }
                Entry::Value { field, value } => {
                    self.value_errors(field, value.map(|(v, _)| v), &mut errs);
                }
            }
        }
        self.all_or_none_errors(&mut errs);
        self.size_errors(&mut errs);
        for key in self.configs.keys().chain(self.secrets.keys()) {
            if spec.is_custom() && !valid_custom_key(key) {
                errs.push(FieldError::new(
                    FieldPath::Row(key.clone()),
                    format!("key '{key}' must be non-empty and contain no '.', '=' or spaces"),
                ));
            }
        }
        errs
    }

    /// A text, URL or enum field's problems: required and empty, not a URL or api-version,
    /// not one of the enum's values.
    fn value_errors(&self, f: &FieldSpec, value: Option<String>, errs: &mut Vec<FieldError>) {
        let empty = value.as_deref().is_none_or(|v| v.trim().is_empty());
        if self.is_required(f) && empty {
            errs.push(FieldError::field(
                &f.key,
                format!("{} is required", f.label),
            ));
        }
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty())
            && let Some(e) = value_error(f, v)
        {
            errs.push(FieldError::field(&f.key, e));
        }
        if let (FieldKind::Enum, Some(v)) = (f.kind, value.as_deref())
            && !f.values.iter().any(|a| a.eq_ignore_ascii_case(v))
        {
            errs.push(FieldError::field(
                &f.key,
                format!(
                    "{} must be one of {}, not '{v}'",
                    f.label,
                    f.values.join(", ")
                ),
            ));
        }
    }

    /// A custom strong type's `all_or_none` keys: all of them or none.
    fn all_or_none_errors(&self, errs: &mut Vec<FieldError>) {
        let spec = self.spec();
        if !spec.all_or_none.is_empty() {
            let present: Vec<&String> = spec
                .all_or_none
                .iter()
                .filter(|k| self.values.contains_key(*k))
                .collect();
            if !present.is_empty() && present.len() != spec.all_or_none.len() {
                for k in spec
                    .all_or_none
                    .iter()
                    .filter(|k| !self.values.contains_key(*k))
                {
                    errs.push(FieldError::field(
                        k,
                        format!(
                            "{k} is required with {} (a custom strong type needs all of {})",
                            present[0],
                            spec.all_or_none.join(", ")
                        ),
                    ));
                }
            }
        }
    }

    /// Every key and value within `MAX_VALUE_BYTES`.
    fn size_errors(&self, errs: &mut Vec<FieldError>) {
        let values = self
            .values
            .iter()
            .map(|(k, v)| (FieldPath::Field(k.clone()), k, v.len()));
        let configs = self
            .configs
            .iter()
            .map(|(k, v)| (FieldPath::Row(k.clone()), k, v.len()));
        let sized = values
            .chain(configs)
            .flat_map(|(at, k, len)| [(at.clone(), k, k.len()), (at, k, len)])
            .chain(
                self.secrets
                    .keys()
                    .map(|k| (self.secret_path(k), k, k.len())),
            );
        for (at, key, len) in sized {
            if len > MAX_VALUE_BYTES {
                errs.push(FieldError::new(
                    at,
                    format!(
                        "'{}' is {} KiB, over the {} KiB a value may have",
                        crate::sanitize::for_terminal(&key.chars().take(40).collect::<String>()),
                        len >> 10,
                        MAX_VALUE_BYTES >> 10
                    ),
                ));
            }
        }
    }
}

/// New names: `[A-Za-z0-9][A-Za-z0-9_-]{0,63}`. prompt flow accepts anything, but dots and
/// spaces break its `${name.key}` references and the environment names it derives.
/// What is wrong with `v` as the value of `f`, beyond being present: a URL field that is not
/// an http(s) URL with a host, an api-version that is not one (the one rule both faces use).
fn value_error(f: &crate::catalogue::FieldSpec, v: &str) -> Option<String> {
    let shown = crate::sanitize::for_terminal(v);
    if f.kind == FieldKind::Url {
        let ok = url::Url::parse(v.trim())
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        if !ok {
            let eg = f.example.as_deref().unwrap_or("https://<host>/");
            return Some(format!(
                "{} '{shown}' is not an http(s) URL: expected something like {eg}",
                f.label
            ));
        }
    }
    if let Some(fam) = f.versions {
        use crate::endpoint::Flag;
        let (flags, _) = crate::endpoint::api_version::check(v, fam);
        if flags.contains(&Flag::ApiVersionMalformed) {
            return Some(format!(
                "{} '{shown}' is not an api-version: use YYYY-MM-DD or YYYY-MM-DD-preview, e.g. {}",
                f.label,
                crate::endpoint::api_version::suggested(fam)
            ));
        }
    }
    None
}

/// Warnings about values that are well formed but unusual: an api-version not in the known
/// list for its API (new versions come out monthly, so it is only a warning).
pub fn value_warnings(c: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for f in &c.spec().fields {
        let (Some(fam), Some(v)) = (f.versions, c.values.get(&f.key)) else {
            continue;
        };
        let (flags, _) = crate::endpoint::api_version::check(v, fam);
        if !flags.is_empty() && !flags.contains(&crate::endpoint::Flag::ApiVersionMalformed) {
            out.push(format!(
                "{} '{}' is not a known api-version for this service (known: {})",
                f.label,
                crate::sanitize::for_terminal(v),
                crate::endpoint::api_version::known(fam)
                    .iter()
                    .take(4)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    out
}

pub fn validate_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok = match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() => {
            name.len() <= 64 && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid name '{}': use 1-64 letters, digits, '_' or '-', starting with a letter or digit",
            crate::sanitize::for_terminal(name)
        ))
    }
}

/// Custom keys become YAML keys and environment names: no dots (prompt flow's `--set` nests
/// on them), no '=' (splits `--set`), no whitespace.
pub fn valid_custom_key(key: &str) -> bool {
    !key.is_empty()
        && !key
            .chars()
            .any(|c| c == '.' || c == '=' || c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rule() {
        for ok in ["a", "prod", "my-conn_2", "A9", &"x".repeat(64)] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "_a",
            "a.b",
            "my conn",
            "a/b",
            "ünï",
            &"x".repeat(65),
        ] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn api_key_not_required_under_meid_token() {
        let mut c = Connection::new("aad", "azure_open_ai").unwrap();
        c.values
            .insert("api_base".into(), "https://r.openai.azure.com".into());
        assert!(c.validate().iter().any(|e| e.is_at_field("api_key")));
        c.values.insert("auth_mode".into(), "meid_token".into());
        assert!(c.validate().is_empty(), "{:?}", c.validate());
        assert!(c.expected_secrets().is_empty());
    }

    #[test]
    fn enum_and_unknown_fields_are_rejected() {
        let mut c = Connection::new("x", "azure_open_ai").unwrap();
        c.values
            .insert("api_base".into(), "https://r.openai.azure.com".into());
        c.secrets
            .insert("api_key".into(), SecretRecord::parse("keychain"));
        c.values
            .insert("auth_mode".into(), "managed_identity".into());
        c.values.insert("deployment_name".into(), "gpt-4o".into());
        let errs = c.validate();
        assert!(
            errs.iter()
                .any(|e| e.is_at_field("auth_mode") && e.message.contains("key, meid_token"))
        );
        assert!(errs.iter().any(|e| e.is_at_field("deployment_name")));
    }

    #[test]
    fn custom_needs_a_secret_and_all_strong_type_keys() {
        let mut c = Connection::new("c", "custom").unwrap();
        c.configs.insert("k".into(), "v".into());
        assert!(c.validate().iter().any(|e| e.is_at_field("secrets")));
        c.secrets
            .insert("api-key".into(), SecretRecord::parse("keychain"));
        assert!(c.validate().is_empty());
        c.values.insert("custom_type".into(), "MyConn".into());
        let missing: Vec<_> = c.validate().into_iter().map(|e| e.at).collect();
        let field = |k: &str| FieldPath::Field(k.into());
        assert_eq!(
            missing,
            [field("module"), field("package"), field("package_version")]
        );
    }

    #[test]
    fn secret_records_read_and_write_the_file_text() {
        for text in [
            "keychain",
            "vault",
            "keychain:0f3a9c1e",
            "vault:abc",
            "mystery",
        ] {
            assert_eq!(SecretRecord::parse(text).to_file_text(), text);
        }
        assert_eq!(SecretRecord::parse(""), SecretRecord::Pending);
        assert_eq!(
            SecretRecord::parse("keychain:0f3a").backend(),
            Some(&Backend::Keychain)
        );
        assert_eq!(
            SecretRecord::parse("keychain:0f3a").generation(),
            Some("0f3a")
        );
        assert_eq!(SecretRecord::parse("vault").to_string(), "vault");
    }

    #[test]
    fn values_over_the_cap_are_refused() {
        let mut c = Connection::new("x", "open_ai").unwrap();
        c.secrets
            .insert("api_key".into(), SecretRecord::parse("keychain"));
        c.values
            .insert("organization".into(), "o".repeat(MAX_VALUE_BYTES + 1));
        let errs = c.validate();
        assert!(
            errs.iter()
                .any(|e| e.is_at_field("organization") && e.message.contains("KiB"))
        );
        c.values.insert("organization".into(), "o".repeat(100));
        assert!(c.validate().is_empty());
    }

    #[test]
    fn defaults_are_effective_but_not_stored() {
        let c = Connection::new("x", "azure_content_safety").unwrap();
        assert_eq!(
            c.effective("api_version"),
            Some(("2023-10-01".into(), Source::Default))
        );
        assert_eq!(
            c.effective("api_type"),
            Some(("Content Safety".into(), Source::Default))
        );
        assert!(c.values.is_empty());
    }
}
