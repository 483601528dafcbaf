//! Unlocking the vault in the TUI: the dialog in the pure state machine, and the worker asking
//! through a scripted dialog (the real binary in a pty: tests/vault_unlock_pty.rs).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use aiconn::secrets::{Ask, AskPassphrase, SecretError, SecretErrorKind, SecretStore};
use aiconn::tui::app::{Action, App, Effect, InputFor, Popup};
use aiconn::tui::update::update;
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, Mutex};

const PASS: &str = "correct horse battery";

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}
fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}
fn answer(fx: &[Effect]) -> Option<Option<String>> {
    match fx {
        [Effect::Passphrase(p)] => Some(p.as_ref().map(|p| p.expose_secret().to_string())),
        _ => None,
    }
}
fn dialog_error(app: &App) -> Option<String> {
    match &app.popup {
        Some(Popup::Input {
            for_: InputFor::VaultPassphrase { .. },
            error,
            ..
        }) => error.clone(),
        other => panic!("no passphrase dialog: {other:?}"),
    }
}

#[test]
fn the_dialog_answers_the_worker_says_when_it_was_wrong_and_can_be_closed() {
    let mut app = App::new(vec![], false);
    app.secret_backend = aiconn::model::Backend::Vault;
    // r on a secret: the worker starts, then asks (its question ends that effect's count).
    app.pending = 1;
    update(
        &mut app,
        Action::PassphraseNeeded {
            create: false,
            retry: false,
        },
    );
    assert_eq!(app.pending, 0, "no 'working' marker while the user types");
    assert_eq!(dialog_error(&app), None);
    assert_eq!(
        answer(&key(&mut app, KeyCode::Enter)),
        None,
        "empty is not an answer"
    );
    assert!(dialog_error(&app).is_some());
    typ(&mut app, "wrong one");
    assert_eq!(
        answer(&key(&mut app, KeyCode::Enter)),
        Some(Some("wrong one".into()))
    );
    assert!(app.popup.is_none());
    assert_eq!(app.pending, 1, "the worker goes on");
    update(
        &mut app,
        Action::PassphraseNeeded {
            create: false,
            retry: true,
        },
    );
    assert!(dialog_error(&app).unwrap().contains("Wrong passphrase"));
    assert_eq!(
        answer(&key(&mut app, KeyCode::Esc)),
        Some(None),
        "closed: no answer"
    );
    assert!(app.popup.is_none());
}

#[test]
fn a_new_vault_passphrase_is_checked_and_typed_twice_before_the_worker_gets_it() {
    let mut app = App::new(vec![], false);
    update(
        &mut app,
        Action::PassphraseNeeded {
            create: true,
            retry: false,
        },
    );
    typ(&mut app, "short");
    assert_eq!(answer(&key(&mut app, KeyCode::Enter)), None);
    assert!(dialog_error(&app).unwrap().contains("8 characters"));
    typ(&mut app, PASS);
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "asks again first");
    typ(&mut app, "something else");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(dialog_error(&app).unwrap().contains("differ"));
    typ(&mut app, PASS);
    key(&mut app, KeyCode::Enter);
    typ(&mut app, PASS);
    assert_eq!(
        answer(&key(&mut app, KeyCode::Enter)),
        Some(Some(PASS.into()))
    );
}

#[test]
fn the_guided_setup_on_a_vault_asks_nothing_before_a_secret_is_needed() {
    let mut app = App::new(vec![], false);
    app.secret_backend = aiconn::model::Backend::Vault;
    let fx = update(&mut app, Action::Loaded(Ok(vec![])));
    assert!(app.wizard().is_some());
    assert!(
        fx.is_empty(),
        "no probe (it would unlock the vault): {fx:?}"
    );
}

/// A vault with one secret, made through the CLI.
fn vault_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let pass = d.path().join("pass.txt");
    write_private(&pass, PASS);
    let mut c = aiconn_headless(d.path());
    c.env("AICONN_SECRET_BACKEND", "vault")
        .env("AICONN_VAULT_PASSPHRASE_FILE", &pass)
        .env("AICONN_VAULT_WORK_FACTOR", "10")
        .args(fixtures::refs(&fixtures::serp("s", "fake-key-1501")));
    let o = run(c);
    assert_eq!(o.code, 0, "{}", o.stderr);
    std::fs::remove_file(&pass).unwrap();
    d
}

/// A dialog that answers from a script and records what it was asked.
fn scripted(answers: &[Option<&str>]) -> (AskPassphrase, Arc<Mutex<Vec<Ask>>>) {
    let left = Arc::new(Mutex::new(
        answers
            .iter()
            .map(|a| a.map(str::to_string))
            .collect::<Vec<_>>(),
    ));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    let ask: AskPassphrase = Arc::new(move |q: &Ask| {
        log.lock().unwrap().push(q.clone());
        match left.lock().unwrap().remove(0) {
            Some(p) => Ok(SecretString::from(p)),
            None => Err(SecretError::new(SecretErrorKind::Cancelled, "closed")),
        }
    });
    (ask, asked)
}

fn load_secret(store: &aiconn::store::Store, backend: &mut Box<dyn SecretStore>) -> Action {
    let conn = store.find("s").unwrap().unwrap();
    aiconn::tui::effects::run_effect(
        store,
        backend,
        Effect::LoadSecret {
            conn,
            field: "api_key".into(),
        },
    )
}

fn loaded(a: &Action) -> Result<String, String> {
    match a {
        Action::SecretLoaded { result, .. } => result
            .as_ref()
            .map(|v| v.expose_secret().to_string())
            .map_err(ToString::to_string),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_worker_asks_when_a_secret_is_first_needed_rechecks_and_derives_once_per_session() {
    let d = vault_dir();
    let store = aiconn::store::Store::new(d.path());
    // Closed first, then wrong, then right.
    let (ask, asked) = scripted(&[None, Some("not it at all"), Some(PASS)]);
    let mut backend: Box<dyn SecretStore> = Box::new(aiconn::service::secret_backend(
        &store,
        aiconn::model::Backend::Vault,
        ask,
    ));
    let first = loaded(&load_secret(&store, &mut backend));
    assert!(first.unwrap_err().contains("the vault stays locked"));
    assert_eq!(
        loaded(&load_secret(&store, &mut backend)).unwrap(),
        "fake-key-1501",
        "a closed dialog is asked again next time"
    );
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 3);
    assert!(
        asked[1].retry.is_none() && asked[2].retry.is_some(),
        "{asked:?}"
    );
    assert!(asked.iter().all(|a| !a.create));
    // Unlocked once for the session: the key file is never read (derived from) again, for
    // reads or writes. Proof: they go on working with the key file made unreadable.
    let key_file = d.path().join("secrets.key.age");
    let kept = std::fs::read(&key_file).unwrap();
    std::fs::write(&key_file, b"unreadable now").unwrap();
    for _ in 0..3 {
        assert_eq!(
            loaded(&load_secret(&store, &mut backend)).unwrap(),
            "fake-key-1501"
        );
    }
    let k = aiconn::secrets::SecretKey::new("t", "x", "y");
    backend
        .set(&k, &SecretString::from("fake-key-1502"))
        .unwrap();
    std::fs::write(&key_file, kept).unwrap();
}

/// Issue 20 item 8: a vault connection whose value the vault lost was reported "missing from
/// the keychain" (the TUI guessed the backend and had no advice). Now the error names the
/// record's backend and says what to do, as the CLI does, in the TUI's words.
#[test]
fn a_secret_the_vault_lost_is_reported_as_missing_from_the_vault_with_a_way_forward() {
    let d = vault_dir();
    // The record points at a generation the vault never held (as if the vault file were
    // replaced by an older copy).
    let file = d.path().join("connections.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let at = text.find("vault:").unwrap() + "vault:".len();
    let end = at + text[at..].find('"').unwrap();
    std::fs::write(&file, format!("{}0000lost{}", &text[..at], &text[end..])).unwrap();
    let store = aiconn::store::Store::new(d.path());
    let (ask, _) = scripted(&[Some(PASS)]);
    let mut backend: Box<dyn SecretStore> = Box::new(aiconn::service::secret_backend(
        &store,
        aiconn::model::Backend::Vault,
        ask,
    ));
    let action = load_secret(&store, &mut backend);
    let mut app = App::new(vec![store.find("s").unwrap().unwrap()], false);
    app.secret_backend = aiconn::model::Backend::Vault;
    update(&mut app, action);
    let (level, message) = app.status.clone().expect("a status line");
    assert_eq!(level, aiconn::tui::app::Level::Error);
    assert!(
        message.contains("'api_key' of 's'") && message.contains("the vault does not have it"),
        "{message}"
    );
    assert!(!message.contains("keychain"), "{message}");
    assert!(
        message.contains("type a new value"),
        "the TUI's way forward: {message}"
    );
}

/// The variant: a save the keychain cannot take is worded with the ways forward the core
/// picks for it (the vault, the diagnosis), as the CLI offers them; a wrong vault passphrase
/// is not told to use the vault.
#[test]
fn a_failed_save_carries_the_cores_advice_in_the_tuis_words() {
    use aiconn::service::OpError;
    let saved = |e: SecretError| {
        let mut app = App::new(vec![], false);
        update(
            &mut app,
            Action::Saved {
                id: aiconn::tui::app::EntryId::New(0),
                name: "c".into(),
                result: Err(OpError::Secret(e)),
                warnings: vec![],
            },
        );
        app.status.unwrap().1
    };
    let no_bus = saved(SecretError::new(SecretErrorKind::NoSessionBus, ""));
    assert!(
        no_bus.contains("no D-Bus session bus")
            && no_bus.contains("secrets migrate --to vault")
            && no_bus.contains("aiconn doctor"),
        "{no_bus}"
    );
    let wrong = saved(SecretError::new(SecretErrorKind::VaultLocked, ""));
    assert!(!wrong.contains("migrate"), "{wrong}");
}
