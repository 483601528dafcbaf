//! The OS keychain through keyring-core: Secret Service on Linux/BSD, Keychain on macOS,
//! Credential Manager on Windows. Every call runs on a helper thread and is abandoned after a
//! time limit, because a Secret Service waiting on an invisible unlock prompt never answers.

use super::error::{SecretError, SecretErrorKind, classify};
use super::{SecretKey, SecretStore};
use keyring_core::{CredentialStore, Error as KError};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, mpsc};
use std::time::Duration;

/// The keychain service name under which every aiconn secret is stored.
pub const SERVICE: &str = "aiconn";

/// How long one keychain call may take. Overridable (milliseconds) for tests and slow machines.
fn call_timeout() -> Duration {
    crate::settings::get().keychain_timeout
}

pub struct KeychainStore {
    store: Arc<CredentialStore>,
    timeout: Duration,
}

/// Runs `f` on a helper thread; gives up after `timeout`. The thread is left to finish on its
/// own (it holds no locks of ours), which is the only safe way to bound a blocking D-Bus call.
fn bounded<T: Send + 'static>(
    timeout: Duration,
    f: impl FnOnce() -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("aiconn-keychain".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| {
            SecretError::new(
                SecretErrorKind::Other,
                format!("cannot start keychain thread: {e}"),
            )
        })?;
    match rx.recv_timeout(timeout) {
        Ok(r) => r,
        Err(_) => Err(SecretError::new(
            SecretErrorKind::Timeout,
            format!("no answer within {:.1} s", timeout.as_secs_f32()),
        )),
    }
}

impl KeychainStore {
    /// Connects to the platform's keychain (bounded in time).
    pub fn open_native() -> Result<Self, SecretError> {
        let timeout = call_timeout();
        let store = bounded(timeout, native_store)?;
        Ok(KeychainStore { store, timeout })
    }

    /// Wraps a given keyring-core store (keyring-core's mock in unit tests).
    pub fn with_store(store: Arc<CredentialStore>, timeout: Duration) -> Self {
        KeychainStore { store, timeout }
    }

    fn entry_call<T: Send + 'static>(
        &self,
        key: &SecretKey,
        f: impl FnOnce(keyring_core::Entry) -> Result<T, KError> + Send + 'static,
    ) -> Result<T, SecretError> {
        let store = self.store.clone();
        let account = key.account();
        bounded(self.timeout, move || {
            let entry = store
                .build(SERVICE, &account, None)
                .map_err(|e| classify(&e))?;
            f(entry).map_err(|e| classify(&e))
        })
    }
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn native_store() -> Result<Arc<CredentialStore>, SecretError> {
    let s = zbus_secret_service_keyring_store::Store::new().map_err(|e| classify(&e))?;
    Ok(s)
}
#[cfg(target_os = "macos")]
fn native_store() -> Result<Arc<CredentialStore>, SecretError> {
    let s = apple_native_keyring_store::keychain::Store::new().map_err(|e| classify(&e))?;
    Ok(s)
}
#[cfg(target_os = "windows")]
fn native_store() -> Result<Arc<CredentialStore>, SecretError> {
    let s = windows_native_keyring_store::Store::new().map_err(|e| classify(&e))?;
    Ok(s)
}
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
)))]
fn native_store() -> Result<Arc<CredentialStore>, SecretError> {
    Err(SecretError::new(
        SecretErrorKind::NoProvider,
        "no keychain support for this platform",
    ))
}

impl SecretStore for KeychainStore {
    fn backend(&self) -> crate::model::Backend {
        crate::model::Backend::Keychain
    }

    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, SecretError> {
        self.entry_call(key, |e| match e.get_password() {
            Ok(p) => Ok(Some(SecretString::from(p))),
            Err(KError::NoEntry) => Ok(None),
            // Several items match (e.g. written by another keyring version): fine if they agree.
            Err(KError::Ambiguous(entries)) => {
                let values: Vec<String> = entries
                    .iter()
                    .map(|x| x.get_password())
                    .collect::<Result<_, _>>()?;
                match values.first() {
                    Some(v) if values.iter().all(|x| x == v) => {
                        Ok(Some(SecretString::from(v.clone())))
                    }
                    _ => Err(KError::Ambiguous(entries)),
                }
            }
            Err(err) => Err(err),
        })
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), SecretError> {
        let value = value.clone();
        self.entry_call(key, move |e| match e.set_password(value.expose_secret()) {
            // Replace the duplicates by one item holding the new value.
            Err(KError::Ambiguous(entries)) => {
                for x in &entries {
                    x.delete_credential()?;
                }
                e.set_password(value.expose_secret())
            }
            other => other,
        })
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.entry_call(key, |e| match e.delete_credential() {
            Ok(()) | Err(KError::NoEntry) => Ok(()),
            Err(KError::Ambiguous(entries)) => {
                entries
                    .iter()
                    .try_for_each(|x| match x.delete_credential() {
                        Ok(()) | Err(KError::NoEntry) => Ok(()),
                        Err(err) => Err(err),
                    })
            }
            Err(err) => Err(err),
        })
    }

    fn list(&self, prefix: &str) -> Result<Vec<SecretKey>, SecretError> {
        let store = self.store.clone();
        let prefix = prefix.to_string();
        bounded(self.timeout, move || {
            let spec = std::collections::HashMap::from([("service", SERVICE)]);
            let found = store.search(&spec).map_err(|e| classify(&e))?;
            Ok(found
                .iter()
                .filter_map(|e| e.get_specifiers())
                .filter(|(service, user)| service == SERVICE && user.starts_with(&prefix))
                .map(|(_, user)| SecretKey::from_account(&user))
                .collect())
        })
    }

    fn probe(&self) -> Result<(), SecretError> {
        let key = SecretKey::new(
            "probe",
            "aiconn-doctor",
            &format!("p{}", std::process::id()),
        );
        let token = SecretString::from("aiconn-probe");
        self.set(&key, &token)?;
        let back = self.get(&key)?;
        self.delete(&key)?;
        match back {
            Some(v) if v.expose_secret() == "aiconn-probe" => Ok(()),
            _ => Err(SecretError::new(
                SecretErrorKind::Other,
                "a probe secret was written but could not be read back (the keychain does not persist)",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mock() -> KeychainStore {
        KeychainStore::with_store(
            keyring_core::mock::Store::new().unwrap(),
            Duration::from_secs(3),
        )
    }

    fn inject(store: &KeychainStore, key: &SecretKey, err: KError) {
        let entry = store.store.build(SERVICE, &key.account(), None).unwrap();
        let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(err);
    }

    #[test]
    fn round_trip_and_delete_absent_is_ok() {
        let s = mock();
        let k = SecretKey::new("ns", "conn", "api_key");
        assert!(s.get(&k).unwrap().is_none());
        s.set(&k, &SecretString::from("fake-key-0001")).unwrap();
        assert_eq!(s.get(&k).unwrap().unwrap().expose_secret(), "fake-key-0001");
        s.delete(&k).unwrap();
        assert!(s.get(&k).unwrap().is_none());
        s.delete(&k).unwrap();
    }

    #[test]
    fn namespaces_do_not_collide() {
        let s = mock();
        let a = SecretKey::new("ns1", "conn", "api_key");
        let b = SecretKey::new("ns2", "conn", "api_key");
        s.set(&a, &SecretString::from("fake-key-000a")).unwrap();
        assert!(s.get(&b).unwrap().is_none());
    }

    #[test]
    fn locked_keyring_maps_to_locked_with_doctor_hint() {
        let s = mock();
        let k = SecretKey::new("ns", "locked", "api_key");
        inject(
            &s,
            &k,
            KError::NoStorageAccess("SS error: prompt dismissed".into()),
        );
        let err = s.set(&k, &SecretString::from("fake-key-0002")).unwrap_err();
        assert_eq!(err.kind, SecretErrorKind::Locked);
        assert!(err.to_string().contains("unlock"), "{err}");
    }

    #[test]
    fn no_provider_and_no_bus_are_told_apart() {
        let s = mock();
        let k = SecretKey::new("ns", "noprov", "api_key");
        inject(
            &s,
            &k,
            KError::PlatformFailure(
                "zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files".into(),
            ),
        );
        assert_eq!(s.get(&k).unwrap_err().kind, SecretErrorKind::NoProvider);
        inject(
            &s,
            &k,
            KError::PlatformFailure("zbus error: Failed to connect to address `unix:path=/run/user/0/bus`: No such file or directory (os error 2)".into()),
        );
        assert_eq!(s.get(&k).unwrap_err().kind, SecretErrorKind::NoSessionBus);
        inject(
            &s,
            &k,
            KError::NoStorageAccess("SS error: result not returned from SS API".into()),
        );
        assert_eq!(s.get(&k).unwrap_err().kind, SecretErrorKind::NoCollection);
    }

    #[test]
    fn bad_encoding_never_echoes_bytes() {
        let s = mock();
        let k = SecretKey::new("ns", "enc", "api_key");
        inject(&s, &k, KError::BadEncoding(b"fake-key-0003\xff".to_vec()));
        let msg = s.get(&k).unwrap_err().to_string();
        assert!(!msg.contains("fake-key-0003"), "{msg}");
    }

    /// Two items for one secret, as a v3 and a v4 keyring crate would leave them.
    fn ambiguous(store: &KeychainStore, key: &SecretKey, a: &str, b: &str) {
        let e1 = store.store.build("dup-a", &key.account(), None).unwrap();
        let e2 = store.store.build("dup-b", &key.account(), None).unwrap();
        e1.set_password(a).unwrap();
        e2.set_password(b).unwrap();
        let (e1, e2) = (
            store.store.build("dup-a", &key.account(), None).unwrap(),
            store.store.build("dup-b", &key.account(), None).unwrap(),
        );
        inject(store, key, KError::Ambiguous(vec![e1, e2]));
    }

    #[test]
    fn ambiguous_items_that_agree_are_read_and_replaced_on_write() {
        let s = mock();
        let k = SecretKey::new("ns", "amb", "api_key");
        ambiguous(&s, &k, "fake-key-0701", "fake-key-0701");
        assert_eq!(s.get(&k).unwrap().unwrap().expose_secret(), "fake-key-0701");
        ambiguous(&s, &k, "fake-key-0701", "fake-key-0702");
        let e = s.get(&k).unwrap_err();
        assert_eq!(
            e.kind,
            SecretErrorKind::Ambiguous,
            "disagreeing duplicates are an error, not a guess"
        );
        assert!(!e.to_string().contains("fake-key"));
        ambiguous(&s, &k, "fake-key-0701", "fake-key-0702");
        s.set(&k, &SecretString::from("fake-key-0703")).unwrap();
        assert_eq!(s.get(&k).unwrap().unwrap().expose_secret(), "fake-key-0703");
        let dup = s.store.build("dup-a", &k.account(), None).unwrap();
        assert!(
            matches!(dup.get_password(), Err(KError::NoEntry)),
            "the duplicates were removed"
        );
    }

    #[test]
    fn a_hung_call_times_out_with_a_message() {
        let r: Result<(), SecretError> = bounded(Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(5));
            Ok(())
        });
        let e = r.unwrap_err();
        assert_eq!(e.kind, SecretErrorKind::Timeout);
        assert!(e.to_string().contains("did not answer"));
    }
}
