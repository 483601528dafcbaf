//! Pure state-machine tests: actions in, state and effects out. No terminal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::model::Connection;
use aiconn::tui::app::{Action, App, Confirm, Effect, EntryId, Focus, Popup};
use aiconn::tui::form::text_of;
use aiconn::tui::update::update;
use aiconn::tui::wizard::Step;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::ExposeSecret;

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}
fn ch(app: &mut App, c: char) -> Vec<Effect> {
    key(app, KeyCode::Char(c))
}
fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}
fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        ch(app, c);
    }
}

fn aoai(name: &str) -> Connection {
    let mut c = Connection::new(name, "azure_open_ai").unwrap();
    c.values
        .insert("api_base".into(), "https://r.openai.azure.com/".into());
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

#[test]
fn new_connection_is_refused_until_valid_then_saved_with_its_secret() {
    let mut app = app_with(vec![]);
    ch(&mut app, 'n');
    assert!(matches!(app.popup, Some(Popup::PickType { .. })));
    key(&mut app, KeyCode::Down); // Azure OpenAI (second in the picker)
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus(), Focus::Form);
    assert!(app.editing(), "a new connection starts typing its name");
    typ(&mut app, "prod");
    key(&mut app, KeyCode::Esc); // stops typing, keeps the text
    assert!(!app.editing());
    let id = app.selected.clone().unwrap();
    assert_eq!(text_of(&app.draft(&id).unwrap().name), "prod");
    let fx = ctrl(&mut app, 's');
    assert!(fx.is_empty());
    let (_, msg) = app.status.clone().unwrap();
    assert!(msg.starts_with("Cannot save:"), "{msg}");
    // API base
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    typ(&mut app, "https://r.openai.azure.com/");
    key(&mut app, KeyCode::Enter); // next field: API key
    key(&mut app, KeyCode::Enter);
    update(&mut app, Action::Paste("fake-key-0001\n".into()));
    key(&mut app, KeyCode::Esc);
    let fx = ctrl(&mut app, 's');
    match &fx[..] {
        [Effect::Save { conn, secrets, .. }] => {
            assert_eq!(conn.name, "prod");
            assert_eq!(conn.values["api_base"], "https://r.openai.azure.com/");
            assert_eq!(
                secrets["api_key"].expose_secret(),
                "fake-key-0001",
                "pasted newline stripped"
            );
            assert!(
                !conn.values.contains_key("api_version"),
                "defaults are not copied into the file"
            );
        }
        other => panic!("expected one save, got {other:?}"),
    }
}

#[test]
fn delete_asks_with_no_preselected() {
    let mut app = app_with(vec![aoai("a"), aoai("b")]);
    ch(&mut app, 'd');
    assert!(
        matches!(&app.popup, Some(Popup::Confirm { what: Confirm::Delete(n), yes: false }) if n == "a")
    );
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "Enter on the preselected No does nothing"
    );
    assert!(app.popup.is_none());
    ch(&mut app, 'd');
    key(&mut app, KeyCode::Right);
    let fx = key(&mut app, KeyCode::Enter);
    assert!(matches!(&fx[..], [Effect::Delete { name }] if name == "a"));
}

#[test]
fn quit_asks_only_when_something_is_unsaved() {
    let mut app = app_with(vec![aoai("a")]);
    ch(&mut app, 'q');
    assert!(app.quit);
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    typ(&mut app, "x");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc); // back to the list, where q quits
    ch(&mut app, 'q');
    assert!(!app.quit);
    assert!(matches!(
        app.popup,
        Some(Popup::Confirm {
            what: Confirm::Quit,
            yes: false
        })
    ));
    key(&mut app, KeyCode::Esc);
    assert!(!app.quit, "Esc keeps the work");
    ctrl(&mut app, 'c');
    ch(&mut app, 'y');
    assert!(app.quit);
}

#[test]
fn esc_never_discards_and_the_list_shows_the_unsaved_marker() {
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    typ(&mut app, "v1");
    key(&mut app, KeyCode::Esc); // stop typing
    key(&mut app, KeyCode::Esc); // back to the list
    assert_eq!(app.focus(), Focus::List);
    let id = EntryId::Stored("a".into());
    assert!(app.is_dirty(&id));
    let f = app.draft(&id).unwrap();
    assert!(text_of(&f.fields[0].input).ends_with("v1"));
}

#[test]
fn readonly_refuses_mutations_but_reveals_on_request() {
    let mut app = App::new(vec![aoai("a")], true);
    for c in ['n', 'd', 'c', 'R'] {
        assert!(ch(&mut app, c).is_empty());
        assert!(
            app.popup.is_none(),
            "{c} opened something in read-only mode"
        );
        assert!(app.status.as_ref().unwrap().1.contains("Read-only"));
    }
    key(&mut app, KeyCode::Enter);
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(!app.editing(), "no editing in read-only mode");
    key(&mut app, KeyCode::Down); // API base
    key(&mut app, KeyCode::Down); // API key
    let fx = ctrl(&mut app, 'r');
    assert!(
        matches!(&fx[..], [Effect::LoadSecret { field, .. }] if field == "api_key"),
        "{fx:?}"
    );
}

#[test]
fn filter_narrows_the_list_and_esc_clears_it() {
    let mut app = app_with(vec![
        aoai("prod"),
        aoai("staging"),
        Connection::new("serp1", "serp").unwrap(),
    ]);
    ch(&mut app, '/');
    typ(&mut app, "st");
    assert_eq!(app.entries(), vec![EntryId::Stored("staging".into())]);
    assert_eq!(app.selected, Some(EntryId::Stored("staging".into())));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.entries().len(), 1, "Enter keeps the filter");
    ch(&mut app, '/');
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.entries().len(), 3);
    ch(&mut app, '/');
    typ(&mut app, "serp");
    assert_eq!(
        app.entries(),
        vec![EntryId::Stored("serp1".into())],
        "filters on type too"
    );
}

#[test]
fn too_small_ignores_editing_keys() {
    let mut app = app_with(vec![aoai("a")]);
    update(&mut app, Action::Resize(40, 10));
    ch(&mut app, 'n');
    ch(&mut app, 'd');
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none() && app.focus() == Focus::List);
    update(&mut app, Action::Resize(80, 24));
    ch(&mut app, 'n');
    assert!(app.popup.is_some());
}

#[test]
fn pasted_target_uri_gets_a_one_key_fix() {
    let mut app = app_with(vec![]);
    ch(&mut app, 'n');
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter); // azure_open_ai
    typ(&mut app, "t");
    key(&mut app, KeyCode::Enter);
    update(&mut app, Action::Paste("https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21".into()));
    key(&mut app, KeyCode::Esc);
    let id = app.selected.clone().unwrap();
    let f = app.draft(&id).unwrap();
    let (_, r) = f.reading().unwrap();
    assert_eq!(r.deployment.as_deref(), Some("gpt-4o"));
    assert!(
        f.errors()
            .iter()
            .any(|e| e.message.contains("full request URL")),
        "a Target URI blocks saving"
    );
    ctrl(&mut app, 'f');
    let f = app.draft(&id).unwrap();
    assert_eq!(f.value("api_base"), "https://contoso.openai.azure.com");
    assert_eq!(f.value("api_version"), "2024-10-21");
    assert!(
        !f.errors()
            .iter()
            .any(|e| e.message.contains("full request URL"))
    );
}

/// The hint under the field says "^F stores ..." while the user is still typing the URL: the key
/// does what it says there too (it was ignored until Esc, a trap for a first-time user).
#[test]
fn the_fix_key_works_while_still_typing_the_url() {
    let mut app = app_with(vec![]);
    ch(&mut app, 'n');
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter); // azure_open_ai
    typ(&mut app, "t");
    key(&mut app, KeyCode::Enter);
    update(&mut app, Action::Paste("https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21".into()));
    ctrl(&mut app, 'f'); // no Esc first
    let id = app.selected.clone().unwrap();
    let f = app.draft(&id).unwrap();
    assert_eq!(f.value("api_base"), "https://contoso.openai.azure.com");
    assert_eq!(f.value("api_version"), "2024-10-21");
    assert_eq!(f.value("deployment"), "gpt-4o");
}

#[test]
fn a_revealed_secret_hides_again_when_focus_leaves() {
    let mut app = app_with(vec![]);
    ch(&mut app, 'n');
    key(&mut app, KeyCode::Enter); // azure_ai: Name, Endpoint, API key
    typ(&mut app, "f1");
    key(&mut app, KeyCode::Enter); // to Endpoint
    key(&mut app, KeyCode::Enter); // type into it
    key(&mut app, KeyCode::Enter); // to API key
    key(&mut app, KeyCode::Enter); // type into it
    typ(&mut app, "fake-key-0002");
    ctrl(&mut app, 'r');
    let id = app.selected.clone().unwrap();
    assert!(
        app.draft(&id).unwrap().fields[1]
            .secret
            .as_ref()
            .unwrap()
            .revealed
    );
    key(&mut app, KeyCode::Enter); // leaves the field
    assert!(
        !app.draft(&id).unwrap().fields[1]
            .secret
            .as_ref()
            .unwrap()
            .revealed
    );
}

#[test]
fn custom_rows_add_remove_and_mark_secret() {
    let mut app = app_with(vec![]);
    ch(&mut app, 'n');
    for _ in 1..aiconn::catalogue::Catalogue::get().types.len() {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter); // Custom (last)
    typ(&mut app, "svc");
    key(&mut app, KeyCode::Esc);
    add_row(&mut app, aiconn::tui::form::Row::AddConfig);
    typ(&mut app, "region");
    key(&mut app, KeyCode::Enter);
    assert!(app.editing());
    typ(&mut app, "eu");
    key(&mut app, KeyCode::Esc);
    add_row(&mut app, aiconn::tui::form::Row::AddSecret);
    typ(&mut app, "bad key");
    key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&app.popup, Some(Popup::Input { error: Some(_), .. })),
        "spaces are refused"
    );
    key(&mut app, KeyCode::Esc);
    add_row(&mut app, aiconn::tui::form::Row::AddSecret);
    typ(&mut app, "token");
    key(&mut app, KeyCode::Enter);
    typ(&mut app, "fake-key-0003");
    key(&mut app, KeyCode::Esc);
    let fx = ctrl(&mut app, 's');
    match &fx[..] {
        [Effect::Save { conn, secrets, .. }] => {
            assert_eq!(conn.configs["region"], "eu");
            assert_eq!(secrets["token"].expose_secret(), "fake-key-0003");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn wizard_walks_type_name_endpoint_key_review_and_back_keeps_text() {
    let mut app = app_with(vec![]);
    let fx = aiconn::tui::update::start_wizard(&mut app);
    assert!(matches!(&fx[..], [Effect::Probe]));
    update(
        &mut app,
        Action::Probed(Err(aiconn::secrets::SecretError::new(
            aiconn::secrets::SecretErrorKind::NoSessionBus,
            "",
        ))),
    );
    key(&mut app, KeyCode::Enter); // nothing to paste: the service picker
    key(&mut app, KeyCode::Enter); // Azure AI (Foundry)
    assert_eq!(app.wizard().unwrap().step, Step::Name);
    typ(&mut app, "bad name");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.wizard().unwrap().error.is_some(),
        "invalid names are refused with a reason"
    );
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "ok");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.wizard().unwrap().step, Step::Endpoint);
    update(
        &mut app,
        Action::Paste(
            "https://contoso.services.ai.azure.com/models/chat/completions?api-version=2025-04-01"
                .into(),
        ),
    );
    key(&mut app, KeyCode::Enter);
    assert!(
        app.wizard().unwrap().notice.is_some(),
        "first Enter stores the base"
    );
    assert_eq!(
        app.wizard().unwrap().form().unwrap().value("endpoint"),
        "https://contoso.services.ai.azure.com/models"
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.wizard().unwrap().step, Step::Key);
    key(&mut app, KeyCode::Esc); // back
    assert_eq!(app.wizard().unwrap().step, Step::Endpoint);
    assert_eq!(
        app.wizard().unwrap().form().unwrap().value("endpoint"),
        "https://contoso.services.ai.azure.com/models",
        "back keeps text"
    );
    key(&mut app, KeyCode::Enter);
    update(&mut app, Action::Paste("fake-key-0004".into()));
    key(&mut app, KeyCode::Enter);
    // A /models endpoint names no deployment: the other settings ask for one (optional).
    assert_eq!(app.wizard().unwrap().step, Step::Extras);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.wizard().unwrap().step, Step::Review);
    let fx = key(&mut app, KeyCode::Enter); // Save
    assert!(app.wizard().is_none());
    match &fx[..] {
        [Effect::Save { conn, secrets, .. }] => {
            assert_eq!(conn.name, "badok");
            assert_eq!(
                conn.values["endpoint"],
                "https://contoso.services.ai.azure.com/models"
            );
            // The pasted Target URI's api-version is kept, not dropped (issue 19, Low list).
            assert_eq!(conn.values["api_version"], "2025-04-01");
            assert_eq!(secrets["api_key"].expose_secret(), "fake-key-0004");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn loading_then_the_guided_setup_or_a_fatal_screen() {
    let mut app = App::new(vec![], false);
    app.screen = aiconn::tui::screen::Screen::Loading;
    assert!(
        ch(&mut app, 'n').is_empty() && app.popup.is_none(),
        "keys wait for the file"
    );
    let fx = update(&mut app, Action::Loaded(Ok(vec![])));
    assert!(
        app.wizard().is_some(),
        "no connections: the guided setup opens"
    );
    assert!(matches!(&fx[..], [Effect::Probe]));

    let mut app = App::new(vec![], false);
    app.screen = aiconn::tui::screen::Screen::Loading;
    update(
        &mut app,
        Action::Loaded(Err(aiconn::store::StoreError::Invalid {
            path: "connections.toml".into(),
            line: 3,
            column: 1,
            message: "bad".into(),
        })),
    );
    assert!(
        app.fatal().is_some() && app.wizard().is_none(),
        "a broken file never leads to a setup that would replace it"
    );
    assert!(ch(&mut app, 'n').is_empty() && app.popup.is_none());
    ch(&mut app, 'q');
    assert!(app.quit);

    let mut app = App::new(vec![], true);
    app.screen = aiconn::tui::screen::Screen::Loading;
    update(&mut app, Action::Loaded(Ok(vec![aoai("a")])));
    assert!(app.wizard().is_none());
    assert_eq!(app.selected, Some(EntryId::Stored("a".into())));
}

#[test]
fn leaving_the_guided_setup_with_typed_work_asks_first() {
    let mut app = app_with(vec![]);
    aiconn::tui::update::start_wizard(&mut app);
    key(&mut app, KeyCode::Esc);
    assert!(app.wizard().is_none(), "nothing typed yet: Esc just leaves");
    aiconn::tui::update::start_wizard(&mut app);
    key(&mut app, KeyCode::Enter); // nothing to paste: the service picker
    key(&mut app, KeyCode::Enter);
    typ(&mut app, "typed");
    key(&mut app, KeyCode::Esc); // back to the type step, text kept
    key(&mut app, KeyCode::Esc); // the paste step
    key(&mut app, KeyCode::Esc); // leave?
    assert!(matches!(
        app.popup,
        Some(Popup::Confirm {
            what: Confirm::LeaveSetup,
            yes: false
        })
    ));
    key(&mut app, KeyCode::Esc);
    assert!(app.wizard().is_some(), "Esc keeps the work");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        text_of(&app.wizard().unwrap().form().unwrap().name),
        "typed"
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'y');
    assert!(app.wizard().is_none());
}

#[test]
fn a_stored_name_and_enums_take_no_typed_or_pasted_text() {
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter); // form, focus on Name
    update(&mut app, Action::Paste("renamed".into()));
    key(&mut app, KeyCode::Enter);
    assert!(
        !app.editing(),
        "renaming goes through the list, which moves the secrets"
    );
    assert!(!app.is_dirty(&EntryId::Stored("a".into())));
    ctrl(&mut app, 'o'); // show advanced: Auth mode is an enum
    let id = EntryId::Stored("a".into());
    while !matches!(app.draft(&id).unwrap().focused_row(), aiconn::tui::form::Row::Field(i) if app.draft(&id).unwrap().fields[i].key == "auth_mode")
    {
        key(&mut app, KeyCode::Down);
    }
    update(&mut app, Action::Paste("managed_identity".into()));
    let f = app.draft(&id).unwrap();
    assert_eq!(f.value("auth_mode"), "key", "an enum cannot be pasted into");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.draft(&id).unwrap().value("auth_mode"),
        "meid_token",
        "Enter cycles it"
    );
}

#[test]
fn a_delete_from_elsewhere_under_an_open_add_row_popup_does_not_crash() {
    let mut c = Connection::new("kv", "custom").unwrap();
    c.secrets
        .insert("k".into(), aiconn::model::SecretRecord::parse("keychain"));
    let mut app = app_with(vec![c]);
    key(&mut app, KeyCode::Enter); // open the form
    add_row(&mut app, aiconn::tui::form::Row::AddConfig);
    assert!(
        matches!(app.popup, Some(Popup::Input { .. })),
        "{:?}",
        app.popup
    );
    typ(&mut app, "NEWKEY");
    update(
        &mut app,
        Action::Deleted {
            name: "kv".into(),
            result: Ok(vec![]),
        },
    );
    assert!(
        app.popup.is_none(),
        "the popup about the gone form is closed"
    );
    // Enter (which used to find no form and panic) is harmless now.
    key(&mut app, KeyCode::Enter);
    assert!(app.selected.is_none());
}

#[test]
fn an_azure_ai_deployment_url_is_kept_with_no_fix_offered() {
    let dep =
        "https://sh-m8on2329-eastus2.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini";
    let mut c = Connection::new("f", "azure_ai").unwrap();
    c.values.insert("endpoint".into(), dep.into());
    c.secrets.insert(
        "api_key".into(),
        aiconn::model::SecretRecord::parse("keychain"),
    );
    let mut form = aiconn::tui::form::Form::from_connection(&c);
    assert_eq!(form.fix(), None, "a right value is never 'fixed'");
    assert!(form.errors().is_empty(), "{:?}", form.errors());
    let (saved, _) = form.to_connection();
    assert_eq!(saved.values["endpoint"], dep);
    let (_, r) = form.reading().unwrap();
    assert!(
        r.hint.contains("one connection per deployment") && !r.mismatch,
        "{}",
        r.hint
    );
    // What `f` offers instead (issue 21): the resource's v1 endpoint, which serves every
    // deployment, with this one kept as the connection's deployment.
    let offer = form.offer().expect("the v1 move is offered");
    assert!(offer.base.ends_with("/openai/v1/"), "{}", offer.base);
    assert!(form.apply_fix());
    let (moved, _) = form.to_connection();
    assert_eq!(
        moved.values["endpoint"],
        "https://sh-m8on2329-eastus2.cognitiveservices.azure.com/openai/v1/"
    );
    assert_eq!(moved.values["deployment"], "gpt-4o-mini");
    assert_eq!(form.offer(), None, "nothing more after the move");
}

/// Issue 21: a Foundry /models endpoint (its Azure AI Inference SDK retired on 2026-08-26):
/// the hint says `f` moves it to v1, the bar offers `f`, and `f` does it, clearing the
/// api-version the v1 API refuses.
#[test]
fn f_moves_a_models_endpoint_to_v1_when_asked() {
    let mut c = Connection::new("m", "azure_ai").unwrap();
    c.values.insert(
        "endpoint".into(),
        "https://res.services.ai.azure.com/models".into(),
    );
    c.values
        .insert("api_version".into(), "2024-05-01-preview".into());
    c.secrets.insert(
        "api_key".into(),
        aiconn::model::SecretRecord::parse("keychain"),
    );
    let mut app = app_with(vec![c]);
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'f');
    let id = app.selected.clone().unwrap();
    let f = app.draft(&id).unwrap();
    assert_eq!(
        f.value("endpoint"),
        "https://res.services.ai.azure.com/openai/v1/"
    );
    assert_eq!(f.value("api_version"), "");
    let (_, msg) = app.status.clone().unwrap();
    assert!(msg.contains("api_version cleared"), "{msg}");
}

#[test]
fn the_fix_fills_api_version_only_when_the_user_set_none() {
    let target = "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";
    // Default in the field: the URL's version is taken.
    let mut c = Connection::new("x", "azure_open_ai").unwrap();
    c.values.insert("api_base".into(), target.into());
    let mut f = aiconn::tui::form::Form::from_connection(&c);
    assert!(f.apply_fix());
    let (saved, _) = f.to_connection();
    assert_eq!(saved.values["api_version"], "2024-10-21");
    // A version the user typed stays (as in the CLI, which fills only when absent).
    c.values
        .insert("api_version".into(), "2025-01-01-preview".into());
    let mut f = aiconn::tui::form::Form::from_connection(&c);
    assert!(f.apply_fix());
    let (saved, _) = f.to_connection();
    assert_eq!(saved.values["api_version"], "2025-01-01-preview");
    assert_eq!(saved.values["api_base"], "https://contoso.openai.azure.com");
}

#[test]
fn the_working_count_follows_effects_started_and_reported() {
    let mut app = app_with(vec![aoai("prod")]);
    key(&mut app, KeyCode::Enter);
    let fx = ctrl(&mut app, 't');
    assert_eq!(fx.len(), 1);
    assert_eq!(app.pending, 1, "one piece of work started");
    let target = match &fx[0] {
        Effect::Test { target, .. } => target.clone(),
        other => panic!("{other:?}"),
    };
    update(
        &mut app,
        Action::Tested {
            target,
            ok: true,
            message: "OK".into(),
        },
    );
    assert_eq!(app.pending, 0, "and reported back");
}

/// Moves to the custom form's "+ add" row `row` and opens it with Enter.
fn add_row(app: &mut App, row: aiconn::tui::form::Row) {
    let id = app.selected.clone().unwrap();
    for _ in 0..30 {
        if app.form(&id).map(|f| f.focused_row()) == Some(row) {
            key(app, KeyCode::Enter);
            return;
        }
        key(app, KeyCode::Down);
    }
    panic!("no row {row:?}");
}

/// Focuses the form's field `key` of the selected connection.
fn focus_field(app: &mut App, key_name: &str) {
    let id = app.selected.clone().unwrap();
    for _ in 0..30 {
        if let Some(f) = app.draft(&id)
            && let aiconn::tui::form::Row::Field(i) = f.focused_row()
            && f.fields[i].key == key_name
        {
            return;
        }
        key(app, KeyCode::Down);
    }
    panic!("no field {key_name}");
}

#[test]
fn ctrl_e_on_a_secret_field_sets_an_env_or_cmd_reference_and_approves_a_typed_command() {
    use aiconn::model::SecretRecord;
    use aiconn::secrets::refs::SecretRef;
    let mut app = app_with(vec![aoai("prod")]);
    key(&mut app, KeyCode::Enter); // to the form
    assert_eq!(app.focus(), Focus::Form);
    focus_field(&mut app, "api_key");
    ctrl(&mut app, 'e');
    assert!(matches!(app.popup, Some(Popup::Input { .. })));
    // A malformed reference keeps the popup open with the reason.
    typ(&mut app, "env:1X");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(matches!(
        app.popup,
        Some(Popup::Input { error: Some(_), .. })
    ));
    key(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'e');
    typ(&mut app, "env:AZURE_OPENAI_API_KEY");
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "env: runs nothing"
    );
    let id = app.selected.clone().unwrap();
    assert!(app.is_dirty(&id), "a new source is a change to save");
    let (c, new) = app.draft(&id).unwrap().to_connection();
    assert!(new.is_empty(), "no value is written");
    assert_eq!(
        c.secrets["api_key"],
        SecretRecord::Ref(SecretRef::Env("AZURE_OPENAI_API_KEY".into()))
    );
    // `r` resolves the reference the draft holds, not the stored keychain value.
    let fx = ctrl(&mut app, 'r');
    match &fx[..] {
        [Effect::LoadSecret { conn, field }] => {
            assert_eq!(conn.name, "prod");
            assert_eq!(
                conn.secrets[field.as_str()].to_file_text(),
                "env:AZURE_OPENAI_API_KEY"
            );
        }
        other => panic!("{other:?}"),
    }
    // A command typed here is approved (the user wrote it) by an effect, and saved verbatim.
    ctrl(&mut app, 'e');
    for _ in 0.."env:AZURE_OPENAI_API_KEY".len() {
        key(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "cmd:pass show ai/prod");
    let fx = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&fx[..], [Effect::ApproveCommand { command }] if command == "pass show ai/prod"),
        "{fx:?}"
    );
    let fx = ctrl(&mut app, 's');
    let Some(Effect::Save { conn, secrets, .. }) = fx.into_iter().next() else {
        panic!("no save");
    };
    assert!(secrets.is_empty());
    assert_eq!(
        conn.secrets["api_key"].to_file_text(),
        "cmd:pass show ai/prod"
    );
}

// ---- issue 19, item 1: a printable key on a focused text field types into it ----

#[test]
fn typing_after_enter_next_goes_into_the_next_field_not_into_commands() {
    let mut app = app_with(vec![]);
    ch(&mut app, 'n');
    key(&mut app, KeyCode::Down); // Azure OpenAI
    key(&mut app, KeyCode::Enter);
    typ(&mut app, "prod");
    key(&mut app, KeyCode::Enter); // next: API base, focused but not typing
    assert!(!app.editing());
    typ(&mut app, "https://contoso.openai.azure.com/");
    let id = app.selected.clone().unwrap();
    assert_eq!(app.focus(), Focus::Form, "h did not go back to the list");
    assert!(
        app.filter.is_empty() && !app.filter_typing(),
        "/ opened no filter"
    );
    assert!(app.popup.is_none());
    assert_eq!(
        app.draft(&id).unwrap().value("api_base"),
        "https://contoso.openai.azure.com/"
    );
}

#[test]
fn every_printable_key_on_a_text_field_starts_typing_it() {
    for c in (' '..='~').chain(['é', 'ß', '€']) {
        let mut app = app_with(vec![aoai("a")]);
        key(&mut app, KeyCode::Enter); // the form
        focus_field(&mut app, "api_version");
        let fx = ch(&mut app, c);
        let id = EntryId::Stored("a".into());
        assert!(fx.is_empty(), "{c:?} started an effect");
        assert!(app.editing(), "{c:?} did not start typing");
        assert!(
            app.popup.is_none() && !app.quit && !app.filter_typing(),
            "{c:?}"
        );
        assert_eq!(app.focus(), Focus::Form, "{c:?}");
        assert!(
            app.draft(&id).unwrap().value("api_version").ends_with(c),
            "{c:?} was not typed"
        );
    }
}

#[test]
fn a_printable_key_on_a_secret_field_starts_a_new_value() {
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    focus_field(&mut app, "api_key");
    typ(&mut app, "fake-key-0004");
    key(&mut app, KeyCode::Esc);
    let (_, secrets) = app
        .draft(&EntryId::Stored("a".into()))
        .unwrap()
        .to_connection();
    assert_eq!(secrets["api_key"].expose_secret(), "fake-key-0004");
}

#[test]
fn form_commands_are_control_keys_and_work_on_any_row() {
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    focus_field(&mut app, "api_base");
    assert!(matches!(&ctrl(&mut app, 't')[..], [Effect::Test { .. }]));
    assert!(matches!(
        &ctrl(&mut app, 'd')[..],
        [Effect::ListDeployments { .. }]
    ));
    ctrl(&mut app, 'g');
    assert!(matches!(app.popup, Some(Popup::Help { .. })));
    key(&mut app, KeyCode::Esc);
    assert!(!app.editing(), "no command key started typing");
}

#[test]
fn a_choice_steps_with_left_and_right_and_left_elsewhere_goes_back() {
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'o'); // advanced settings: Auth mode is a choice
    focus_field(&mut app, "auth_mode");
    let id = EntryId::Stored("a".into());
    let v = |app: &App| app.draft(&id).unwrap().value("auth_mode");
    key(&mut app, KeyCode::Right);
    assert_eq!(v(&app), "meid_token");
    key(&mut app, KeyCode::Left);
    assert_eq!(v(&app), "key");
    key(&mut app, KeyCode::Left); // wraps, stays on the form
    assert_eq!(v(&app), "meid_token");
    assert_eq!(app.focus(), Focus::Form);
    ch(&mut app, 'x');
    assert_eq!(v(&app), "meid_token", "a letter does not change a choice");
    focus_field(&mut app, "api_base");
    key(&mut app, KeyCode::Left);
    assert_eq!(app.focus(), Focus::List, "off a choice, ← goes back");
}

#[test]
fn ctrl_u_clears_the_text_in_the_form_and_in_the_guided_setup() {
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    focus_field(&mut app, "api_base");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'u');
    let id = EntryId::Stored("a".into());
    assert_eq!(app.draft(&id).unwrap().value("api_base"), "");
    assert!(app.editing());

    let mut app = app_with(vec![]);
    aiconn::tui::update::start_wizard(&mut app);
    key(&mut app, KeyCode::Enter); // nothing to paste: the service picker
    key(&mut app, KeyCode::Enter); // the name step
    typ(&mut app, "abc");
    ctrl(&mut app, 'u');
    let w = app.wizard().unwrap();
    assert_eq!(text_of(&w.form.as_ref().unwrap().name), "");
}

// ---- issue 19, item 7: api-versions and URLs checked by the core rule ----

#[test]
fn api_version_steps_through_the_known_versions_and_a_malformed_one_is_refused() {
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    focus_field(&mut app, "api_version");
    let id = EntryId::Stored("a".into());
    let v = |app: &App| app.draft(&id).unwrap().value("api_version");
    let before = v(&app);
    key(&mut app, KeyCode::Right);
    let known =
        aiconn::endpoint::api_version::known(aiconn::endpoint::api_version::Family::AzureOpenai);
    assert!(
        known.contains(&v(&app)),
        "{} is not a known version",
        v(&app)
    );
    assert_ne!(v(&app), before);
    key(&mut app, KeyCode::Enter); // Enter types, it does not step
    assert!(app.editing());
    ctrl(&mut app, 'u');
    typ(&mut app, "banana");
    key(&mut app, KeyCode::Esc);
    let fx = ctrl(&mut app, 's');
    assert!(fx.is_empty(), "saved a malformed api-version");
    let (_, msg) = app.status.clone().unwrap();
    assert!(msg.contains("is not an api-version"), "{msg}");
}

#[test]
fn a_url_field_that_is_not_a_url_is_invalid_and_not_saved() {
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    focus_field(&mut app, "api_base");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'u');
    typ(&mut app, "notaurl");
    key(&mut app, KeyCode::Esc);
    let id = EntryId::Stored("a".into());
    let errs = app.draft(&id).unwrap().errors();
    assert!(errs.iter().any(|e| e.is_at_field("api_base")), "{errs:?}");
    assert!(ctrl(&mut app, 's').is_empty());
    let (_, msg) = app.status.clone().unwrap();
    assert!(msg.contains("is not an http(s) URL"), "{msg}");
}

// ---- issue 19, the Low list ----

#[test]
fn saving_keeps_the_focused_row_and_advanced_open() {
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'o');
    focus_field(&mut app, "auth_mode");
    key(&mut app, KeyCode::Right);
    let id = EntryId::Stored("a".into());
    let before = app.draft(&id).unwrap().focus;
    let fx = ctrl(&mut app, 's');
    let Some(Effect::Save { conn, .. }) = fx.into_iter().next() else {
        panic!("no save")
    };
    update(
        &mut app,
        Action::Saved {
            id: id.clone(),
            name: "a".into(),
            result: Ok(vec![conn]),
            warnings: vec![],
        },
    );
    let f = app.draft(&id).unwrap();
    assert!(f.show_advanced, "Advanced collapsed");
    assert_eq!(f.focus, before, "focus reset");
    assert!(!app.is_dirty(&id));
}

#[test]
fn esc_on_the_list_clears_a_kept_filter() {
    let mut app = app_with(vec![aoai("a"), aoai("b")]);
    ch(&mut app, '/');
    typ(&mut app, "b");
    key(&mut app, KeyCode::Enter); // keep it
    assert_eq!(app.entries().len(), 1);
    key(&mut app, KeyCode::Esc);
    assert!(app.filter.is_empty());
    assert_eq!(app.entries().len(), 2);
}

#[test]
fn the_type_picker_jumps_with_g_and_capital_g() {
    let mut app = app_with(vec![]);
    ch(&mut app, 'n');
    ch(&mut app, 'G');
    let n = aiconn::tui::wizard::type_order().len();
    assert!(matches!(app.popup, Some(Popup::PickType { cursor }) if cursor == n - 1));
    ch(&mut app, 'g');
    assert!(matches!(app.popup, Some(Popup::PickType { cursor: 0 })));
}

#[test]
fn a_test_result_is_dropped_when_the_values_change_or_the_fix_is_applied() {
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    focus_field(&mut app, "api_base");
    let id = EntryId::Stored("a".into());
    let tested = |app: &mut App| {
        update(
            app,
            Action::Tested {
                target: aiconn::tui::app::TestTarget::Entry(EntryId::Stored("a".into())),
                ok: false,
                message: "✗ test: HTTP 401".into(),
            },
        );
    };
    tested(&mut app);
    typ(&mut app, "x");
    assert!(
        app.draft(&id).unwrap().test.is_none(),
        "typing left a stale result"
    );
    key(&mut app, KeyCode::Esc);
    tested(&mut app);
    update(&mut app, Action::Paste("y".into()));
    assert!(
        app.draft(&id).unwrap().test.is_none(),
        "a paste left a stale result"
    );
    key(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'u');
    // A Target URI, fixed with ^F: the old result is gone too.
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'u');
    update(
        &mut app,
        Action::Paste("https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21".into()),
    );
    key(&mut app, KeyCode::Esc);
    tested(&mut app);
    ctrl(&mut app, 'f');
    assert!(
        app.draft(&id).unwrap().test.is_none(),
        "the fix left a stale result"
    );
}

#[test]
fn cancel_on_the_review_asks_before_discarding_the_setup() {
    let mut app = app_with(vec![]);
    aiconn::tui::update::start_wizard(&mut app);
    update(&mut app, Action::Probed(Ok(())));
    key(&mut app, KeyCode::Enter); // nothing to paste: the service picker
    key(&mut app, KeyCode::Enter); // Foundry
    typ(&mut app, "f1");
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::Paste("https://contoso.services.ai.azure.com/models".into()),
    );
    key(&mut app, KeyCode::Enter);
    update(&mut app, Action::Paste("fake-key-0011".into()));
    for _ in 0..10 {
        if app.wizard().unwrap().step == Step::Review {
            break;
        }
        key(&mut app, KeyCode::Enter);
    }
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right); // Cancel
    key(&mut app, KeyCode::Enter);
    assert!(app.wizard().is_some(), "discarded unasked");
    assert!(matches!(
        app.popup,
        Some(Popup::Confirm {
            what: Confirm::LeaveSetup,
            yes: false
        })
    ));
    key(&mut app, KeyCode::Enter); // "No" is preselected
    assert!(app.wizard().is_some());
}

#[test]
fn an_unrecognized_host_is_asked_about_and_only_yes_sends_the_key() {
    use aiconn::conntest::UnknownHosts;
    use aiconn::tui::app::TestTarget;
    let mut app = app_with(vec![aoai("a")]);
    key(&mut app, KeyCode::Enter);
    let asked = |app: &mut App| {
        let effects = ctrl(app, 't');
        let [Effect::Test { unknown_hosts, .. }] = &effects[..] else {
            panic!("no test effect: {effects:?}");
        };
        assert_eq!(
            *unknown_hosts,
            UnknownHosts::Ask,
            "the first try never sends blind"
        );
        update(
            app,
            Action::TestNeedsHost {
                target: TestTarget::Entry(EntryId::Stored("a".into())),
                host: "gateway.example".into(),
            },
        );
        assert!(matches!(
            &app.popup,
            Some(Popup::Confirm { what: Confirm::SendKeyTo { host, .. }, yes: false }) if host == "gateway.example"
        ));
    };
    asked(&mut app);
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "No is preselected"
    );
    assert!(app.popup.is_none());
    asked(&mut app);
    assert!(ch(&mut app, 'n').is_empty());
    asked(&mut app);
    let effects = ch(&mut app, 'y');
    assert!(
        matches!(
            &effects[..],
            [Effect::Test {
                unknown_hosts: UnknownHosts::Send,
                ..
            }]
        ),
        "{effects:?}"
    );
}

/// Issue 19, Low list: Ctrl-U empties the text wherever text is typed (the `/` filter and the
/// one-line inputs too, never the textarea's undo), and `?` says so in each context.
#[test]
fn ctrl_u_clears_the_filter_and_a_one_line_input_and_help_lists_it() {
    use aiconn::tui::keymap::{BINDINGS, Cmd, Ctx};
    let mut app = app_with(vec![aoai("prod"), aoai("dev")]);
    ch(&mut app, '/');
    typ(&mut app, "zz");
    assert_eq!(app.entries().len(), 0);
    ctrl(&mut app, 'u');
    assert!(
        app.filter.is_empty() && app.filter_typing(),
        "cleared, still typing"
    );
    assert_eq!(app.entries().len(), 2);
    typ(&mut app, "de");
    assert_eq!(app.filter, "de");
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'R'); // rename: the input holds the name
    typ(&mut app, "-x");
    ctrl(&mut app, 'u');
    let Some(Popup::Input { input, .. }) = &app.popup else {
        panic!("{:?}", app.popup)
    };
    assert_eq!(text_of(input), "", "Ctrl-U empties, it does not undo");
    for ctx in [
        Ctx::Editing,
        Ctx::Filter,
        Ctx::Input,
        Ctx::WizardPaste,
        Ctx::WizardText,
    ] {
        assert!(
            BINDINGS
                .iter()
                .any(|b| b.ctx == ctx && b.cmd == Cmd::ClearText),
            "{ctx:?}"
        );
    }
}
