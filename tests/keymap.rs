//! The keymap is the one table of keys: every binding is reachable (no key shadows another in
//! its context), `?` lists every binding of every context (the guided setup's included), and
//! the bottom bar of each mode is built from the same table.

#![allow(clippy::unwrap_used, clippy::panic)] // a failing test should stop right there

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

#[test]
fn help_lists_every_binding_of_every_context() {
    let mut app = App::new(vec![], false);
    app.size = (120, 400);
    update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
    );
    let s = screen(&app, 120, 400);
    for ctx in Ctx::ALL {
        assert!(s.contains(ctx.title()), "no section for {ctx:?}");
    }
    for b in BINDINGS {
        assert!(s.contains(b.help), "help misses {:?}: {}", b.ctx, b.help);
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
        for (k, h) in hints(app.key_ctx(), app.readonly) {
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
