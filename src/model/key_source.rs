//! Where a connection's key comes from, as the list's KEY column says it: the backend that
//! keeps it, the reference it is read from, or why there is none. From the record only (never
//! the keychain), like `key_status`.

use super::{Backend, Connection, KeyStatus, SecretRecord, SecretRef};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Kept by aiconn in this backend.
    Kept(Backend),
    /// Read at use from this environment variable (set here).
    Env(String),
    /// Read at use from this environment variable, which is not set (or empty) here.
    EnvUnset(String),
    /// Read at use from a command's output.
    Cmd,
    /// Typed in a form and not saved yet: it goes to the backend in use on save.
    Pending,
    /// A needed key is not recorded.
    Missing,
    /// The connection needs no key (Entra ID, a keyless type).
    NotNeeded,
    /// A custom connection whose secrets come from different places.
    Mixed,
}

fn of_record(r: &SecretRecord) -> KeySource {
    match r {
        SecretRecord::Pending => KeySource::Pending,
        SecretRecord::In { backend, .. } => KeySource::Kept(backend.clone()),
        SecretRecord::Ref(SecretRef::Env(name)) => {
            if std::env::var_os(name).is_none_or(|v| v.is_empty()) {
                KeySource::EnvUnset(name.clone())
            } else {
                KeySource::Env(name.clone())
            }
        }
        SecretRecord::Ref(SecretRef::Cmd(_)) => KeySource::Cmd,
    }
}

impl Connection {
    /// Where the key comes from. The type's first needed secret speaks for the connection
    /// (the API key); a custom connection's secrets must agree, else `Mixed`. An unset
    /// variable anywhere wins: a use would fail.
    pub fn key_source(&self) -> KeySource {
        match self.key_status() {
            KeyStatus::Missing => return KeySource::Missing,
            KeyStatus::NotNeeded => return KeySource::NotNeeded,
            KeyStatus::Set | KeyStatus::EnvUnset => {}
        }
        let sources: Vec<KeySource> = if self.spec().is_custom() {
            self.secrets.values().map(of_record).collect()
        } else {
            self.spec()
                .secret_fields()
                .filter(|f| !self.is_dropped(&f.key))
                .filter_map(|f| self.secrets.get(&f.key))
                .map(of_record)
                .collect()
        };
        if let Some(unset) = sources.iter().find(|s| matches!(s, KeySource::EnvUnset(_))) {
            return unset.clone();
        }
        match sources.split_first() {
            None => KeySource::Missing,
            Some((first, rest)) if rest.iter().all(|s| s == first) => first.clone(),
            Some(_) => KeySource::Mixed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_key(type_id: &str, record: &str) -> Connection {
        let mut c = Connection::new("c", type_id).unwrap();
        c.secrets
            .insert("api_key".into(), SecretRecord::parse(record));
        c
    }

    #[test]
    fn the_key_source_names_the_backend_the_reference_or_why_there_is_none() {
        let src = |t: &str, r: &str| with_key(t, r).key_source();
        assert_eq!(
            src("open_ai", "keychain:abc"),
            KeySource::Kept(Backend::Keychain)
        );
        assert_eq!(src("open_ai", "vault:abc"), KeySource::Kept(Backend::Vault));
        assert_eq!(src("open_ai", "env:PATH"), KeySource::Env("PATH".into()));
        let unset = "AICONN_TEST_SURELY_UNSET_0002";
        assert_eq!(
            src("open_ai", &format!("env:{unset}")),
            KeySource::EnvUnset(unset.into())
        );
        assert_eq!(src("open_ai", "cmd:pass show x"), KeySource::Cmd);
        assert_eq!(
            Connection::new("c", "open_ai").unwrap().key_source(),
            KeySource::Missing
        );
        let mut entra = Connection::new("c", "azure_open_ai").unwrap();
        entra.values.insert("auth_mode".into(), "meid_token".into());
        assert_eq!(entra.key_source(), KeySource::NotNeeded);
        let mut custom = Connection::new("c", "custom").unwrap();
        custom
            .secrets
            .insert("a".into(), SecretRecord::parse("keychain:x"));
        custom
            .secrets
            .insert("b".into(), SecretRecord::parse("keychain:y"));
        assert_eq!(custom.key_source(), KeySource::Kept(Backend::Keychain));
        custom
            .secrets
            .insert("c".into(), SecretRecord::parse("cmd:op read x"));
        assert_eq!(custom.key_source(), KeySource::Mixed);
    }
}
