//! Live reload, pure: the file changed on disk while the TUI is open (`Action::Reloaded`);
//! the list follows it and open forms are merged as a save merges.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::model::Connection;
use aiconn::service::Expect;
use aiconn::tui::app::{Action, App, Effect, EntryId, Focus, Level};
use aiconn::tui::form::text_of;
use aiconn::tui::update::update;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}
fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn aoai(name: &str, base: &str) -> Connection {
    let mut c = Connection::new(name, "azure_open_ai").unwrap();
    c.values.insert("api_base".into(), base.into());
    c.secrets.insert(
        "api_key".into(),
        aiconn::model::SecretRecord::parse("keychain"),
    );
    c
}

fn app_with(conns: Vec<Connection>) -> App {
    let mut a = App::new(conns, false);
    a.size = (80, 24);
    a
}

/// Opens the selected connection and types `text` at the end of its endpoint (dirty).
fn edit_endpoint(app: &mut App, text: &str) {
    key(app, KeyCode::Enter);
    key(app, KeyCode::Down);
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
    key(app, KeyCode::Esc);
}

fn endpoint(app: &App, id: &EntryId) -> String {
    text_of(&app.draft(id).unwrap().fields[0].input)
}

#[test]
fn a_connection_created_on_disk_appears_and_an_unedited_form_shows_the_new_version() {
    let mut app = app_with(vec![aoai("a", "https://r.openai.azure.com/")]);
    key(&mut app, KeyCode::Enter); // opens the form: a draft without edits
    let id = EntryId::Stored("a".into());
    assert!(app.ensure_draft(&id).is_some());
    let fx = update(
        &mut app,
        Action::Reloaded(Ok(vec![
            aoai("a", "https://s.openai.azure.com/"),
            aoai("b", "https://b.openai.azure.com/"),
        ])),
    );
    assert!(fx.is_empty());
    assert_eq!(app.pending, 0, "a reload is no effect: no working marker");
    assert!(app.entries().contains(&EntryId::Stored("b".into())));
    assert_eq!(endpoint(&app, &id), "https://s.openai.azure.com/");
    assert!(!app.is_dirty(&id));
    assert_eq!(app.focus(), Focus::Form, "the user stays where they were");
    assert!(app.status.is_none(), "nothing to warn about");
}

#[test]
fn edits_of_a_connection_changed_on_disk_are_kept_and_the_status_says_so() {
    let old = aoai("a", "https://r.openai.azure.com/");
    let mut app = app_with(vec![old.clone()]);
    edit_endpoint(&mut app, "x");
    let id = EntryId::Stored("a".into());
    update(
        &mut app,
        Action::Reloaded(Ok(vec![aoai("a", "https://s.openai.azure.com/")])),
    );
    assert_eq!(endpoint(&app, &id), "https://r.openai.azure.com/x");
    assert!(app.is_dirty(&id));
    let (level, text) = app.status.clone().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("'a' was changed on disk"), "{text}");
    // The save still expects what the user started from: it will not overwrite the change.
    let fx = ctrl(&mut app, 's');
    match fx.as_slice() {
        [Effect::Save { expect, .. }] => {
            assert!(matches!(expect, Expect::Unchanged(b) if *b == old))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn edits_of_a_connection_deleted_on_disk_become_a_new_connection() {
    let mut app = app_with(vec![aoai("a", "https://r.openai.azure.com/")]);
    edit_endpoint(&mut app, "x");
    update(&mut app, Action::Reloaded(Ok(vec![])));
    let (_, text) = app.status.clone().unwrap();
    assert!(text.contains("'a' was deleted on disk"), "{text}");
    let id = app.selected.clone().unwrap();
    assert!(matches!(id, EntryId::New(_)), "{id:?}");
    assert_eq!(app.entries(), vec![id.clone()]);
    assert_eq!(endpoint(&app, &id), "https://r.openai.azure.com/x");
    let f = app.draft(&id).unwrap();
    assert_eq!(text_of(&f.name), "a");
    // Its stored key went with it: unset, not a dangling "stored".
    let key_field = f.fields.iter().find(|f| f.key == "api_key").unwrap();
    assert!(!key_field.secret.as_ref().unwrap().is_stored());
}

#[test]
fn an_unedited_connection_deleted_on_disk_goes_and_the_selection_moves() {
    let mut app = app_with(vec![
        aoai("a", "https://r.openai.azure.com/"),
        aoai("b", "https://b.openai.azure.com/"),
    ]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus(), Focus::Form);
    update(
        &mut app,
        Action::Reloaded(Ok(vec![aoai("b", "https://b.openai.azure.com/")])),
    );
    assert!(app.drafts.is_empty());
    assert_eq!(app.selected, Some(EntryId::Stored("b".into())));
    assert_eq!(app.focus(), Focus::List, "the form shown is gone");
    assert!(app.status.is_none());
}

#[test]
fn a_file_that_cannot_be_read_keeps_the_list_and_says_why() {
    let mut app = app_with(vec![aoai("a", "https://r.openai.azure.com/")]);
    let bad = aiconn::store::StoreError::Invalid {
        path: "connections.toml".into(),
        line: 3,
        column: 1,
        message: "bad".into(),
    };
    update(&mut app, Action::Reloaded(Err(bad)));
    assert_eq!(app.stored.len(), 1);
    let (level, text) = app.status.clone().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("connections.toml:3:1: bad"), "{text}");
    // An unchanged reload (our own save, seen again) touches nothing.
    app.status = None;
    update(
        &mut app,
        Action::Reloaded(Ok(vec![aoai("a", "https://r.openai.azure.com/")])),
    );
    assert!(app.status.is_none());
}

#[test]
fn a_file_fixed_after_a_fatal_start_loads() {
    let mut app = app_with(vec![]);
    app.screen = aiconn::tui::screen::Screen::Fatal("bad".into());
    app.readonly = true; // no guided setup in the way
    update(
        &mut app,
        Action::Reloaded(Ok(vec![aoai("a", "https://r.openai.azure.com/")])),
    );
    assert!(app.fatal().is_none());
    assert_eq!(app.selected, Some(EntryId::Stored("a".into())));
}

#[test]
fn the_rename_dialog_keeps_the_typed_name_on_a_clash_and_says_why() {
    use aiconn::tui::app::{InputFor, Popup};
    let mut app = app_with(vec![
        aoai("a", "https://r.openai.azure.com/"),
        aoai("b", "https://b.openai.azure.com/"),
    ]);
    key(&mut app, KeyCode::Char('R'));
    key(&mut app, KeyCode::Backspace);
    update(&mut app, Action::Paste("b".into()));
    let fx = key(&mut app, KeyCode::Enter);
    assert!(fx.is_empty(), "no rename onto a taken name: {fx:?}");
    match &app.popup {
        Some(Popup::Input {
            for_: InputFor::Rename(old),
            input,
            error: Some(e),
        }) => {
            assert_eq!(old, "a");
            assert_eq!(text_of(input), "b");
            assert!(e.contains("already exists"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // Taken meanwhile (another program): the refusal reopens the dialog with the text.
    app.popup = None;
    update(
        &mut app,
        Action::Renamed {
            old: "a".into(),
            new: "c".into(),
            result: Err(aiconn::service::OpError::Exists("c".into())),
        },
    );
    match &app.popup {
        Some(Popup::Input { input, error, .. }) => {
            assert_eq!(text_of(input), "c");
            assert!(error.is_some());
        }
        other => panic!("{other:?}"),
    }
}
