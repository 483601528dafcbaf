#![allow(clippy::unwrap_used)] // a measuring tool: a failure should stop it there
//! `cargo bench --bench tui`: the TUI's work per event at 1,000 and 10,000 connections,
//! in-process (no terminal I/O): reading the file and showing the list, moving the selection,
//! and typing into the `/` filter; each is `update(state, action)` plus rendering the frame
//! into an 80x24 buffer. Prints figures next to their targets; never fails on time.

use aiconn::tui::app::{Action, App};
use aiconn::tui::render::draw;
use aiconn::tui::update::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Instant;

fn file(n: usize) -> String {
    let mut s = String::from("version = 1\nnamespace = \"bench00000000\"\n\n");
    for i in 0..n {
        s.push_str(&format!(
            "[connections.conn{i:05}]\ntype = \"azure_open_ai\"\napi_base = \"https://res{i:05}.openai.azure.com/\"\napi_version = \"2024-10-21\"\nsecrets = {{ api_key = \"keychain\" }}\n\n"
        ));
    }
    s
}

fn key(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// One event's work: update, then draw the frame.
fn step(app: &mut App, term: &mut Terminal<TestBackend>, a: Action) -> f64 {
    let t = Instant::now();
    let _ = update(app, a);
    term.draw(|f| draw(f, app, "~/.config/aiconn")).unwrap();
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    println!("TUI work per event (update + render at 80x24, in-process, median)");
    println!(
        "{:>12} {:>12} {:>14} {:>14}",
        "connections", "list shown", "move (j)", "filter key"
    );
    for n in [1_000, 10_000] {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("connections.toml"), file(n)).unwrap();
        let store = aiconn::store::Store::new(d.path());
        let mut loads = Vec::new();
        let mut app = App::new(vec![], false);
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        for _ in 0..5 {
            app = App::new(vec![], false);
            app.screen = aiconn::tui::screen::Screen::Loading;
            let t = Instant::now();
            let conns = store.snapshot().unwrap().connections;
            let _ = update(&mut app, Action::Loaded(Ok(conns)));
            term.draw(|f| draw(f, &app, "~/.config/aiconn")).unwrap();
            loads.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let moves: Vec<f64> = (0..200)
            .map(|_| step(&mut app, &mut term, key('j')))
            .collect();
        let _ = step(&mut app, &mut term, key('/'));
        let mut typed = Vec::new();
        for c in "conn0999".chars() {
            typed.push(step(&mut app, &mut term, key(c)));
        }
        for _ in 0..20 {
            typed.push(step(
                &mut app,
                &mut term,
                Action::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
            ));
            typed.push(step(&mut app, &mut term, key('9')));
        }
        // A held `j` from the top to the bottom of the whole list (filter cleared).
        let _ = step(
            &mut app,
            &mut term,
            Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
        );
        app.filter.clear();
        app.fix_selection();
        let _ = step(&mut app, &mut term, key('g'));
        let t = Instant::now();
        let mut worst: f64 = 0.0;
        for _ in 0..n {
            worst = worst.max(step(&mut app, &mut term, key('j')));
        }
        let scroll = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "{n:>12} {:>10.2}ms {:>12.3}ms {:>12.3}ms   scroll {n} rows: {:.0} ms ({:.3} ms/row, worst {:.2} ms)",
            median(loads),
            median(moves),
            median(typed),
            scroll,
            scroll / n as f64,
            worst
        );
    }
    println!("targets at 10,000: list shown < 60 ms, move < 2 ms, filter key < 5 ms");
}
