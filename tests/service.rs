//! Save transactions against keyring-core's mock store with injected faults: a failed secret
//! write leaves no half-saved connection and no orphaned secret.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::model::Connection;
use aiconn::secrets::{KeychainStore, SecretError, SecretErrorKind, SecretKey, SecretStore};
use aiconn::service::{Expect, OpError, Service};
use aiconn::store::Store;
use indexmap::IndexMap;
use secrecy::{ExposeSecret, SecretString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The mock keychain, failing the `fail_on`-th write with a locked-keyring error.
struct Faulty {
    inner: KeychainStore,
    writes: AtomicUsize,
    fail_on: usize,
}

impl SecretStore for Faulty {
    fn backend(&self) -> aiconn::model::Backend {
        aiconn::model::Backend::Keychain
    }
    fn get(&self, k: &SecretKey) -> Result<Option<SecretString>, SecretError> {
        self.inner.get(k)
    }
    fn set(&self, k: &SecretKey, v: &SecretString) -> Result<(), SecretError> {
        if self.writes.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_on {
            return Err(SecretError::new(SecretErrorKind::Locked, "injected"));
        }
        self.inner.set(k, v)
    }
    fn delete(&self, k: &SecretKey) -> Result<(), SecretError> {
        self.inner.delete(k)
    }
    fn probe(&self) -> Result<(), SecretError> {
        Ok(())
    }
    fn list(&self, prefix: &str) -> Result<Vec<SecretKey>, SecretError> {
        self.inner.list(prefix)
    }
}

/// Every value stored under namespace `ns` (the mock store lists deleted entries too).
fn stored(secrets: &Faulty, ns: &str) -> Vec<SecretKey> {
    let all = secrets.inner.list(&format!("{ns}/")).unwrap();
    all.into_iter()
        .filter(|k| secrets.inner.get(k).unwrap().is_some())
        .collect()
}

fn faulty(fail_on: usize) -> Faulty {
    Faulty {
        inner: KeychainStore::with_store(
            keyring_core::mock::Store::new().unwrap(),
            Duration::from_secs(3),
        ),
        writes: AtomicUsize::new(0),
        fail_on,
    }
}

fn custom(name: &str) -> (Connection, IndexMap<String, SecretString>) {
    let mut c = Connection::new(name, "custom").unwrap();
    c.configs.insert("region".into(), "eu".into());
    let mut s = IndexMap::new();
    s.insert("a".to_string(), SecretString::from("fake-key-000a"));
    s.insert("b".to_string(), SecretString::from("fake-key-000b"));
    (c, s)
}

#[test]
fn failing_the_second_secret_write_rolls_back_the_first_and_leaves_the_file_alone() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("connections.toml");
    std::fs::write(&file, "version = 1\nnamespace = \"ns1\"\n").unwrap();
    let store = Store::new(d.path());
    let secrets = faulty(2);
    let svc = Service::new(&store, &secrets);
    let (c, s) = custom("c1");
    let err = svc.save(c, s, Expect::Absent).unwrap_err();
    assert!(
        matches!(err, OpError::Secret(ref e) if e.kind == SecretErrorKind::Locked),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "version = 1\nnamespace = \"ns1\"\n",
        "no half-saved connection"
    );
    assert!(
        stored(&secrets, "ns1").is_empty(),
        "the first value written was removed: {:?}",
        stored(&secrets, "ns1")
    );
}

#[test]
fn a_failed_update_restores_the_old_secret_values() {
    let d = tempfile::tempdir().unwrap();
    let store = Store::new(d.path());
    let secrets = faulty(4); // two writes for create, then fail the second write of the update
    let svc = Service::new(&store, &secrets);
    let (c, s) = custom("c2");
    svc.save(c.clone(), s, Expect::Absent).unwrap();
    let before = store.load().unwrap().get("c2").unwrap().clone();
    let before_text = std::fs::read_to_string(d.path().join("connections.toml")).unwrap();
    let mut new = IndexMap::new();
    new.insert("a".to_string(), SecretString::from("fake-key-001a"));
    new.insert("b".to_string(), SecretString::from("fake-key-001b"));
    assert!(
        svc.save(before.clone(), new, Expect::Unchanged(before.clone()))
            .is_err()
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("connections.toml")).unwrap(),
        before_text
    );
    let a = svc.secret(&before, "a").unwrap().unwrap();
    assert_eq!(
        a.expose_secret(),
        "fake-key-000a",
        "the value the file points at was never touched"
    );
    let ns = aiconn::store::dirid::read(store.dir()).unwrap().namespace;
    assert_eq!(
        stored(&secrets, &ns).len(),
        2,
        "the new value written before the failure was removed"
    );
}

#[test]
fn a_concurrent_change_is_a_conflict_not_a_silent_overwrite() {
    let d = tempfile::tempdir().unwrap();
    let store = Store::new(d.path());
    let secrets = faulty(0);
    let svc = Service::new(&store, &secrets);
    let (c, s) = custom("c3");
    svc.save(c, s, Expect::Absent).unwrap();
    let loaded = store.load().unwrap().get("c3").unwrap().clone();
    // another process changes it
    let mut other = loaded.clone();
    other.configs.insert("region".into(), "us".into());
    svc.save(other, IndexMap::new(), Expect::Unchanged(loaded.clone()))
        .unwrap();
    // our stale edit is refused
    let mut mine = loaded.clone();
    mine.configs.insert("tier".into(), "gold".into());
    let err = svc
        .save(mine, IndexMap::new(), Expect::Unchanged(loaded))
        .unwrap_err();
    assert!(matches!(err, OpError::Conflict(_)), "{err}");
    assert_eq!(
        store.load().unwrap().get("c3").unwrap().configs["region"],
        "us"
    );
}

#[test]
fn edits_to_other_connections_made_meanwhile_are_kept() {
    let d = tempfile::tempdir().unwrap();
    let store = Store::new(d.path());
    let secrets = faulty(0);
    let svc = Service::new(&store, &secrets);
    let (c, s) = custom("x");
    svc.save(c, s, Expect::Absent).unwrap();
    let x = store.load().unwrap().get("x").unwrap().clone();
    let (y, ys) = custom("y");
    svc.save(y, ys, Expect::Absent).unwrap(); // "another process"
    let mut x2 = x.clone();
    x2.configs.insert("region".into(), "ap".into());
    svc.save(x2, IndexMap::new(), Expect::Unchanged(x)).unwrap();
    let doc = store.load().unwrap();
    assert!(
        doc.get("y").is_some(),
        "reload-and-apply kept the other save"
    );
    assert_eq!(doc.get("x").unwrap().configs["region"], "ap");
}

#[test]
fn a_duplicate_copies_its_secrets_on_save_or_says_which_is_missing() {
    use aiconn::tui::app::{Action, Effect, EntryId};
    let d = tempfile::tempdir().unwrap();
    let store = Store::new(d.path());
    let mut secrets: Box<dyn SecretStore> = Box::new(faulty(0));
    let (c, s) = custom("orig");
    Service::new(&store, secrets.as_ref())
        .save(c.clone(), s, Expect::Absent)
        .unwrap();
    // what the TUI's duplicate sends: the records, no values, and where to copy them from
    let mut dup = store.load().unwrap().get("orig").unwrap().clone();
    dup.name = "orig-copy".into();
    dup.secrets
        .values_mut()
        .for_each(|b| *b = aiconn::model::SecretRecord::Pending);
    let save = |dup: Connection, secrets: &mut Box<dyn SecretStore>| {
        aiconn::tui::effects::run_effect(
            &store,
            secrets,
            Effect::Save {
                id: EntryId::New(1),
                conn: dup,
                secrets: IndexMap::new(),
                expect: Expect::Absent,
                copy_secrets_from: Some("orig".into()),
            },
        )
    };
    match save(dup.clone(), &mut secrets) {
        Action::Saved { result: Ok(_), .. } => {}
        other => panic!("{other:?}"),
    }
    let copy = store.load().unwrap().get("orig-copy").unwrap().clone();
    assert_eq!(
        copy.secrets["a"].backend(),
        Some(&aiconn::model::Backend::Keychain)
    );
    let svc = Service::new(&store, secrets.as_ref());
    assert_eq!(
        svc.secret(&copy, "b").unwrap().unwrap().expose_secret(),
        "fake-key-000b"
    );
    // a source secret that vanished: an error naming it, and nothing saved
    let ns = aiconn::store::dirid::read(store.dir()).unwrap().namespace;
    let orig = store.load().unwrap().get("orig").unwrap().clone();
    secrets
        .delete(&SecretKey::for_record(&ns, "orig", "a", &orig.secrets["a"]))
        .unwrap();
    dup.name = "orig-copy2".into();
    match save(dup, &mut secrets) {
        Action::Saved { result: Err(e), .. } => {
            let e = e.to_string();
            assert!(
                e.contains("secret 'a' of 'orig'") && e.contains("does not have it"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(store.load().unwrap().get("orig-copy2").is_none());
}

#[test]
fn a_duplicate_whose_original_was_deleted_is_refused_not_saved_empty() {
    use aiconn::tui::app::{Action, Effect, EntryId};
    let d = tempfile::tempdir().unwrap();
    let store = Store::new(d.path());
    let mut secrets: Box<dyn SecretStore> = Box::new(faulty(0));
    let (c, s) = custom("orig");
    let svc = Service::new(&store, secrets.as_ref());
    svc.save(c, s, Expect::Absent).unwrap();
    let mut dup = store.load().unwrap().get("orig").unwrap().clone();
    dup.name = "copy".into();
    dup.secrets
        .values_mut()
        .for_each(|b| *b = aiconn::model::SecretRecord::Pending);
    svc.delete("orig").unwrap();
    drop(svc);
    let r = aiconn::tui::effects::run_effect(
        &store,
        &mut secrets,
        Effect::Save {
            id: EntryId::New(1),
            conn: dup,
            secrets: IndexMap::new(),
            expect: Expect::Absent,
            copy_secrets_from: Some("orig".into()),
        },
    );
    match r {
        Action::Saved { result: Err(e), .. } => {
            assert!(e.to_string().contains("has no value"), "{e}")
        }
        other => panic!("saved a copy whose secrets exist nowhere: {other:?}"),
    }
    assert!(store.load().unwrap().get("copy").is_none());
}

#[test]
fn a_keychain_that_answers_after_the_timeout_leaves_no_torn_connection() {
    // The second write "times out" (and is treated as possibly done): the file is untouched,
    // and a later sweep, once this operation's journal is released, removes what was written.
    struct Slow(Faulty);
    impl SecretStore for Slow {
        fn backend(&self) -> aiconn::model::Backend {
            aiconn::model::Backend::Keychain
        }
        fn get(&self, k: &SecretKey) -> Result<Option<SecretString>, SecretError> {
            self.0.get(k)
        }
        fn set(&self, k: &SecretKey, v: &SecretString) -> Result<(), SecretError> {
            let n = self.0.writes.fetch_add(1, Ordering::SeqCst) + 1;
            self.0.inner.set(k, v)?; // the write lands...
            if n == self.0.fail_on {
                // ...but the answer comes too late
                return Err(SecretError::new(
                    SecretErrorKind::Timeout,
                    "no answer within 3.0 s",
                ));
            }
            Ok(())
        }
        fn delete(&self, k: &SecretKey) -> Result<(), SecretError> {
            self.0.delete(k)
        }
        fn probe(&self) -> Result<(), SecretError> {
            Ok(())
        }
        fn list(&self, prefix: &str) -> Result<Vec<SecretKey>, SecretError> {
            self.0.list(prefix)
        }
    }
    let d = tempfile::tempdir().unwrap();
    let store = Store::new(d.path());
    let secrets = Slow(faulty(3));
    let svc = Service::new(&store, &secrets);
    let (c, s) = custom("t");
    svc.save(c, s, Expect::Absent).unwrap();
    let before = store.load().unwrap().get("t").unwrap().clone();
    let before_text = std::fs::read_to_string(d.path().join("connections.toml")).unwrap();
    let mut new = IndexMap::new();
    new.insert("a".to_string(), SecretString::from("fake-key-002a"));
    let mut edited = before.clone();
    edited.configs.insert("region".into(), "us".into());
    let e = svc
        .save(edited, new, Expect::Unchanged(before.clone()))
        .unwrap_err();
    assert!(e.to_string().contains("no answer"), "{e}");
    assert_eq!(
        std::fs::read_to_string(d.path().join("connections.toml")).unwrap(),
        before_text,
        "update reported failure, so nothing changed"
    );
    assert_eq!(
        svc.secret(&before, "a").unwrap().unwrap().expose_secret(),
        "fake-key-000a",
        "the key the file points at is the old one, with the old fields"
    );
    let ns = aiconn::store::dirid::read(store.dir()).unwrap().namespace;
    let orphans = svc.orphans().unwrap();
    assert!(orphans.keys.is_empty() || stored(&secrets.0, &ns).len() == 2 + orphans.keys.len());
    let removed = svc.remove_orphans().unwrap();
    assert!(removed.elsewhere == 0);
    assert_eq!(
        stored(&secrets.0, &ns).len(),
        2,
        "0 orphans after doctor --fix"
    );
}
