//! Property tests of every read command of the real binary and of the TUI's update loop over
//! arbitrary stored values (any characters, control and bidi included, up to 70,000 long):
//! no crash, and no raw control character on the wire.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use aiconn::model::Connection;
use aiconn::tui::app::{Action, App};
use aiconn::tui::render::draw;
use aiconn::tui::update::update;
use common::*;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A TOML basic string holding `s` exactly (every non-printable character as `\uXXXX`).
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value: short hostile text, or the same repeated up to a huge length.
fn value() -> impl Strategy<Value = String> {
    (
        "(\\PC|[\\x00-\\x1f\\x7f-\\u{9f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}]){0,24}",
        prop_oneof![Just(1usize), Just(3000), Just(70_000)],
    )
        .prop_map(|(s, n)| {
            if n == 1 || s.is_empty() {
                s
            } else {
                s.repeat(n / s.chars().count().max(1) + 1)
            }
        })
}

fn no_raw_controls(text: &str) -> bool {
    !text.chars().any(|c| {
        (c.is_control() && c != '\n') || matches!(c as u32, 0x202a..=0x202e | 0x2066..=0x2069)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn read_commands_never_crash_or_echo_controls(base in value(), key in value(), cfg in value()) {
        let t = tempfile::tempdir().unwrap();
        let key = if key.is_empty() { "k".to_string() } else { key };
        let file = format!(
            "version = 1\nnamespace = \"abc\"\n[connections.a]\ntype = \"azure_open_ai\"\napi_base = {}\nsecrets = {{ api_key = \"keychain\" }}\n[connections.b]\ntype = \"custom\"\nconfigs = {{ {} = {} }}\nsecrets = {{ s = \"keychain\" }}\n",
            toml_str(&base), toml_str(&key), toml_str(&cfg)
        );
        std::fs::write(t.path().join("connections.toml"), file).unwrap();
        let out = t.path().join("out");
        // argv cannot carry NUL; everything else goes through as given.
        // and one argument is at most 128 KiB (MAX_ARG_STRLEN).
        let base: String = base.replace('\0', "").chars().take(20_000).collect();
        for args in [
            vec!["list"], vec!["list", "--json"], vec!["show", "a"], vec!["show", "b"],
            vec!["show", "a", "--json"], vec!["show", "b", "--json"],
            vec!["export", "--out", "-"], vec!["export", "--out", out.to_str().unwrap()],
            vec!["endpoint", &base], vec!["endpoint", &base, "--json"],
        ] {
            let o = cmd(t.path(), &args);
            // 0, or a clean error; 134 (abort) or 101 (panic) never.
            prop_assert!(matches!(o.code, 0..=3), "{args:?} exited {}: {}", o.code, &o.stderr[..o.stderr.len().min(400)]);
            prop_assert!(no_raw_controls(&o.stdout) && no_raw_controls(&o.stderr), "{args:?}");
        }
    }

    #[test]
    fn write_commands_never_crash_or_echo_controls(key in value(), v in value(), name in value()) {
        let t = tempfile::tempdir().unwrap();
        let argv = |s: &str| -> String { s.replace('\0', "").chars().take(20_000).collect() };
        let (key, v, name) = (argv(&key), argv(&v), argv(&name));
        let set = format!("configs.{key}={v}");
        let yaml = format!(
            "name: {}\ntype: custom\nconfigs:\n  {}: {}\nsecrets:\n  s: {}\n",
            serde_json::to_string(&name).unwrap(),
            serde_json::to_string(&key).unwrap(),
            serde_json::to_string(&v).unwrap(),
            serde_json::to_string(&v).unwrap(),
        );
        let file = t.path().join("in.yaml");
        std::fs::write(&file, yaml).unwrap();
        for args in [
            vec!["create", "--type", "custom", "--name", "x", "--set", &set, "--set", "secrets.s=fake-key-1301"],
            vec!["create", "--type", "custom", "--name", &name, "--set", &set, "--set", "secrets.s=fake-key-1302"],
            vec!["update", "x", "--set", &set],
            vec!["update", &name, "--set", &set],
            vec!["import", file.to_str().unwrap()],
            vec!["import", file.to_str().unwrap(), "--name", "y", "--overwrite"],
            vec!["rename", "x", &name],
            vec!["delete", &name, "--yes"],
            vec!["list"],
        ] {
            let o = cmd(t.path(), &args);
            prop_assert!(matches!(o.code, 0..=3), "{:?} exited {}: {}", &args[..1], o.code, &o.stderr[..o.stderr.len().min(400)]);
            prop_assert!(no_raw_controls(&o.stdout) && no_raw_controls(&o.stderr), "{:?}", &args[..1]);
        }
    }

    #[test]
    fn the_tui_survives_any_stored_value_and_keys(
        base in value(),
        key in value(),
        keys in proptest::collection::vec(
            prop_oneof![
                Just(KeyCode::Down), Just(KeyCode::Up), Just(KeyCode::Enter), Just(KeyCode::Esc),
                Just(KeyCode::Tab), Just(KeyCode::Left), Just(KeyCode::Right),
                Just(KeyCode::Char('j')), Just(KeyCode::Char('k')), Just(KeyCode::Char('c')),
                Just(KeyCode::Char('/')), Just(KeyCode::Char('a')), Just(KeyCode::Char('f')),
                Just(KeyCode::Char('?')), Just(KeyCode::Char('x')), Just(KeyCode::Char('s')),
                Just(KeyCode::Char('+')), Just(KeyCode::Char('-')),
            ],
            0..40,
        ),
        w in 20u16..200, h in 5u16..60,
    ) {
        let mut a = Connection::new("a", "azure_open_ai").unwrap();
        a.values.insert("api_base".into(), base.clone());
        a.secrets.insert("api_key".into(), aiconn::model::SecretRecord::parse("keychain"));
        let mut b = Connection::new("b", "custom").unwrap();
        b.configs.insert(if key.is_empty() { "k".into() } else { key }, base);
        b.secrets.insert("s".into(), aiconn::model::SecretRecord::parse("keychain"));
        let mut app = App::new(vec![a, b], false);
        app.size = (w, h);
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        for k in keys {
            let _ = update(&mut app, Action::Key(KeyEvent::new(k, KeyModifiers::NONE)));
            term.draw(|f| draw(f, &app, "/tmp/x")).unwrap();
            let buf = term.backend().buffer();
            for cell in buf.content() {
                prop_assert!(no_raw_controls(cell.symbol()), "raw control in a cell");
            }
        }
    }
}
