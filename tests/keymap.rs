//! The keymap is the one table of keys: every binding is reachable (no key shadows another in
//! its context), `?` lists every binding of every context (the guided setup's included), and
//! the bottom bar of each mode is built from the same table.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::tui::app::{Action, App};
use aiconn::tui::keymap::{BINDINGS, Ctx, hints, lookup};
use aiconn::tui::render::draw;
use aiconn::tui::update::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[test]
fn every_binding_is_what_its_keys_do() {
    for b in BINDINGS {
        for k in b.keys {
            let ev = KeyEvent::new(k.code, k.mods);
            assert_eq!(
                lookup(b.ctx, &ev),
                Some(b.cmd),
                "{:?} in {:?} is shadowed",
                k.code,
                b.ctx
            );
        }
    }
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app, "~/.config/aiconn")).unwrap();
    let b = t.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| b[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

/// The screen's text with the frame's borders gone and every run of white space one space,
/// so a help text wrapped over rows reads as one sentence.
fn flat(s: &str) -> String {
    s.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn help_lists_every_binding_of_every_context_whole_at_80_and_120_columns() {
    for w in [80, 120] {
        let mut app = App::new(vec![], false);
        app.size = (w, 500);
        update(
            &mut app,
            Action::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
        );
        let s = flat(&screen(&app, w, 500));
        for ctx in Ctx::ALL {
            assert!(s.contains(ctx.title()), "{w}: no section for {ctx:?}");
        }
        for b in BINDINGS {
            assert!(
                s.contains(b.help),
                "{w}: help misses {:?}: {}",
                b.ctx,
                b.help
            );
        }
    }
}

#[test]
fn the_bar_of_each_mode_comes_from_the_keymap() {
    let mut app = App::new(vec![], false);
    app.size = (200, 30);
    aiconn::tui::update::start_wizard(&mut app);
    update(&mut app, Action::Probed(Ok(())));
    let check = |app: &App| {
        let s = screen(app, 200, 30);
        let bar = s.lines().last().unwrap().to_string();
        let all = hints(app.key_ctx(), app.readonly);
        let shown = aiconn::tui::bar::hints_for(app);
        assert!(
            shown.iter().all(|p| all.contains(p)),
            "the bar offers a key the keymap lacks"
        );
        for (k, h) in shown {
            assert!(
                bar.contains(&format!("{k} {h}")),
                "{:?}: bar {bar:?} lacks {k} {h}",
                app.key_ctx()
            );
        }
    };
    check(&app); // the guided setup's first step
    update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    check(&app); // a text step
    update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    check(&app); // the quit question
}

#[test]
fn the_form_binds_no_printable_key_so_a_value_is_never_a_command() {
    for b in BINDINGS {
        if b.ctx != Ctx::Form && b.ctx != Ctx::Global && b.ctx != Ctx::Editing {
            continue;
        }
        for k in b.keys {
            if let KeyCode::Char(c) = k.code {
                assert!(
                    k.mods.contains(KeyModifiers::CONTROL),
                    "{:?} binds the printable {c:?} to {:?}",
                    b.ctx,
                    b.cmd
                );
            }
        }
    }
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn bar(app: &App) -> String {
    screen(app, 200, 30).lines().last().unwrap().to_string()
}

#[test]
fn the_bar_offers_reveal_only_on_a_secret_and_the_vault_only_without_a_keychain() {
    let mut c = aiconn::model::Connection::new("a", "azure_open_ai").unwrap();
    c.values
        .insert("api_base".into(), "https://r.openai.azure.com/".into());
    c.secrets.insert(
        "api_key".into(),
        aiconn::model::SecretRecord::parse("keychain"),
    );
    let mut app = App::new(vec![c], false);
    app.size = (200, 30);
    press(&mut app, KeyCode::Enter); // the form, on Name
    assert!(!bar(&app).contains("reveal"), "{}", bar(&app));
    press(&mut app, KeyCode::Down); // API base
    press(&mut app, KeyCode::Down); // API key
    assert!(bar(&app).contains("^R reveal"), "{}", bar(&app));
    assert!(bar(&app).contains("^E source"), "{}", bar(&app));

    let mut app = App::new(vec![], false);
    app.size = (200, 30);
    aiconn::tui::update::start_wizard(&mut app);
    update(
        &mut app,
        Action::Probed(Err(aiconn::secrets::SecretError::new(
            aiconn::secrets::SecretErrorKind::NoSessionBus,
            "",
        ))),
    );
    press(&mut app, KeyCode::Enter); // nothing to paste: the service picker
    press(&mut app, KeyCode::Enter); // Foundry
    assert!(!bar(&app).contains("vault"), "the name step: {}", bar(&app));
    for c in "f1".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::Paste("https://contoso.services.ai.azure.com/models".into()),
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.wizard().unwrap().step, aiconn::tui::wizard::Step::Key);
    assert!(bar(&app).contains("^V use the vault"), "{}", bar(&app));
}

#[test]
fn the_help_key_stays_on_the_bar_at_60_columns() {
    let mut app = App::new(vec![], false);
    app.size = (60, 16);
    let s = screen(&app, 60, 16);
    assert!(s.lines().last().unwrap().contains("? help"), "{s}");
}
