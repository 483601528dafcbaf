//! "Paste what you have", pure: the guided setup's first step reads a pasted URL, Target URI
//! or portal snippet, proposes the type and fills the form; garbage falls through to the picker.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::model::Connection;
use aiconn::tui::app::{Action, App, Effect};
use aiconn::tui::form::text_of;
use aiconn::tui::update::{start_wizard, update};
use aiconn::tui::wizard::Step;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::ExposeSecret;

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn setup(stored: Vec<Connection>) -> App {
    let mut app = App::new(stored, false);
    app.size = (80, 24);
    start_wizard(&mut app);
    update(&mut app, Action::Probed(Ok(())));
    assert_eq!(app.wizard().unwrap().step, Step::Paste);
    app
}

const TARGET: &str = "https://contoso.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21";

#[test]
fn a_pasted_target_uri_goes_to_the_key_step_with_the_form_filled() {
    let mut app = setup(vec![]);
    update(&mut app, Action::Paste(TARGET.into()));
    let w = app.wizard().unwrap();
    assert_eq!(w.step, Step::Key, "no key in the paste: ask for it");
    let f = w.form().unwrap();
    assert_eq!(f.spec.id, "azure_open_ai");
    assert_eq!(f.value("api_base"), "https://contoso.openai.azure.com");
    assert_eq!(f.value("deployment"), "gpt-4o-mini");
    assert_eq!(f.value("api_version"), "2024-10-21");
    assert_eq!(text_of(&f.name), "gpt-4o-mini");
    assert!(w.notice.as_deref().unwrap().contains("Azure OpenAI"));
    assert!(
        f.errors().iter().all(|e| !e.is_at_field("api_base")),
        "{:?}",
        f.errors()
    );
}

#[test]
fn a_snippet_with_a_key_goes_to_the_review_and_the_key_is_masked() {
    let stored = vec![{
        let mut c = Connection::new("contoso", "azure_open_ai").unwrap();
        c.values
            .insert("api_base".into(), "https://x.openai.azure.com/".into());
        c
    }];
    let mut app = setup(stored);
    update(
        &mut app,
        Action::Paste(
            "Endpoint: https://contoso.openai.azure.com/\nKEY 1: 0123456789abcdef0123456789abcdef\n"
                .into(),
        ),
    );
    let w = app.wizard().unwrap();
    assert_eq!(w.step, Step::Review);
    let f = w.form().unwrap();
    assert_eq!(text_of(&f.name), "contoso-2", "the proposed name is free");
    let (_, secrets) = f.to_connection();
    assert_eq!(
        secrets["api_key"].expose_secret(),
        "0123456789abcdef0123456789abcdef"
    );
    let i = f.fields.iter().position(|x| x.key == "api_key").unwrap();
    assert!(!f.fields[i].secret.as_ref().unwrap().revealed);
    // Saving from the review writes what was read.
    let fx = key(&mut app, KeyCode::Enter);
    match fx.as_slice() {
        [Effect::Save { conn, .. }] => {
            assert_eq!(conn.values["api_base"], "https://contoso.openai.azure.com/")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn garbage_falls_through_to_the_picker_with_a_message_and_keeps_the_url() {
    let mut app = setup(vec![]);
    update(
        &mut app,
        Action::Paste("https://llm.internal.example/v1".into()),
    );
    let w = app.wizard().unwrap();
    assert_eq!(w.step, Step::Type);
    assert!(
        w.error
            .as_deref()
            .unwrap()
            .contains("pick it from the list")
    );
    // Custom OpenAI-compatible server: pick OpenAI; the URL is already in its endpoint.
    let openai = aiconn::tui::wizard::type_order()
        .iter()
        .position(|t| t.id == "open_ai")
        .unwrap();
    for _ in 0..openai {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let f = app.wizard().unwrap().form().unwrap();
    assert_eq!(f.value("base_url"), "https://llm.internal.example/v1");
}

#[test]
fn typed_text_is_read_on_enter_and_enter_alone_skips_to_the_picker() {
    let mut app = setup(vec![]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.wizard().unwrap().step, Step::Type);
    assert!(app.wizard().unwrap().error.is_none());
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.wizard().unwrap().step, Step::Paste);
    for c in "https://contoso.services.ai.azure.com/models".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let w = app.wizard().unwrap();
    assert_eq!(w.form().unwrap().spec.id, "azure_ai");
    assert_eq!(w.step, Step::Key);
    // Esc on the paste step leaves (asking, since a form was filled).
    let mut app = setup(vec![]);
    key(&mut app, KeyCode::Esc);
    assert!(app.wizard().is_none());
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

/// Focuses the selected form's field `key_name`.
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
fn a_foundry_url_in_a_new_azure_openai_form_offers_the_switch_and_ctrl_y_keeps_the_work() {
    let mut app = App::new(vec![], false);
    app.size = (120, 40);
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Down); // Azure OpenAI
    key(&mut app, KeyCode::Enter);
    for c in "f1".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Esc);
    focus_field(&mut app, "api_key");
    update(&mut app, Action::Paste("fake-key-0012".into()));
    key(&mut app, KeyCode::Esc);
    focus_field(&mut app, "api_base");
    update(
        &mut app,
        Action::Paste("https://contoso.services.ai.azure.com/models".into()),
    );
    key(&mut app, KeyCode::Esc);
    let id = app.selected.clone().unwrap();
    assert_eq!(
        app.draft(&id).unwrap().better_type().map(|t| t.id.as_str()),
        Some("azure_ai")
    );
    let screen = {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
        t.draw(|f| aiconn::tui::render::draw(f, &app, "~")).unwrap();
        let buf = t.backend().buffer().clone();
        (0..40)
            .map(|y| (0..120).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
            .collect::<String>()
    };
    assert!(screen.contains("switches to it"), "{screen}");
    ctrl(&mut app, 'y');
    let f = app.draft(&id).unwrap();
    assert_eq!(f.spec.id, "azure_ai");
    assert_eq!(text_of(&f.name), "f1");
    assert_eq!(
        f.value("endpoint"),
        "https://contoso.services.ai.azure.com/models"
    );
    let (_, secrets) = f.to_connection();
    assert_eq!(secrets["api_key"].expose_secret(), "fake-key-0012");
    assert!(f.better_type().is_none(), "no second offer");
    // Once switched, Ctrl-Y has nothing left to do.
    ctrl(&mut app, 'y');
    assert_eq!(app.draft(&id).unwrap().spec.id, "azure_ai");
}

/// A paste goes where a key would: with a question open over the guided setup it does not
/// land in the setup's input underneath.
#[test]
fn a_paste_under_an_open_question_does_not_reach_the_setup() {
    let mut app = setup(vec![]);
    key(&mut app, KeyCode::Enter); // nothing to paste: the service picker
    key(&mut app, KeyCode::Enter); // a type: its name step
    update(&mut app, Action::Paste("typed".into()));
    key(&mut app, KeyCode::Esc); // back to the type step, text kept
    key(&mut app, KeyCode::Esc); // the paste step
    key(&mut app, KeyCode::Esc); // leave? (typed work would be lost)
    assert!(app.popup.is_some());
    update(&mut app, Action::Paste(TARGET.into()));
    key(&mut app, KeyCode::Esc); // keep the work
    let w = app.wizard().unwrap();
    assert_eq!(w.step, Step::Paste, "the paste was not read as a URL");
    assert_eq!(text_of(&w.paste), "", "nor typed under the question");
    assert_eq!(text_of(&w.form().unwrap().name), "typed");
}

/// Pasting into the list's `/` filter filters, as typing does (control characters dropped).
#[test]
fn a_paste_into_the_filter_filters() {
    let stored = ["prod-east", "prod-west", "dev"]
        .map(|n| Connection::new(n, "open_ai").unwrap())
        .to_vec();
    let mut app = App::new(stored, false);
    app.size = (80, 24);
    update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE)),
    );
    update(&mut app, Action::Paste("we\x1bst\n".into()));
    assert_eq!(app.filter, "west");
}
