//! Rendering tests against a ratatui buffer: snapshots at 80x24 and 120x40, plus explicit
//! checks of what must be visible (markers, hints) and of NO_COLOR.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::model::Connection;
use aiconn::tui::app::{Action, App};
use aiconn::tui::render::draw;
use aiconn::tui::update::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

fn key(app: &mut App, code: KeyCode) {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn render(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app, "~/.config/aiconn")).unwrap();
    t
}

fn text(t: &Terminal<TestBackend>) -> String {
    let b = t.backend().buffer();
    let mut s = String::new();
    for y in 0..b.area.height {
        for x in 0..b.area.width {
            s.push_str(b[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

fn sample() -> Vec<Connection> {
    let mut a = Connection::new("prod", "azure_open_ai").unwrap();
    a.values.insert(
        "api_base".into(),
        "https://contoso.openai.azure.com/".into(),
    );
    in_keychain(&mut a, "api_key");
    let mut f = Connection::new("foundry", "azure_ai").unwrap();
    f.values.insert(
        "endpoint".into(),
        "https://contoso.services.ai.azure.com/models".into(),
    );
    in_keychain(&mut f, "api_key");
    let mut c = Connection::new("svc", "custom").unwrap();
    c.configs.insert("region".into(), "eu".into());
    in_keychain(&mut c, "token");
    let mut aad = Connection::new("aad-search", "cognitive_search").unwrap();
    aad.values
        .insert("api_base".into(), "https://s.search.windows.net".into());
    aad.values.insert("auth_mode".into(), "meid_token".into());
    let serp = Connection::new("serp-nokey", "serp").unwrap();
    vec![a, f, c, aad, serp]
}

/// Records `field` of `c` as set in the keychain (the value itself is never needed here).
fn in_keychain(c: &mut Connection, field: &str) {
    c.secrets
        .insert(field.into(), aiconn::model::SecretRecord::parse("keychain"));
}

fn app(conns: Vec<Connection>, w: u16, h: u16) -> App {
    let mut a = App::new(conns, false);
    a.size = (w, h);
    a
}

#[test]
fn empty_state_80x24() {
    let a = app(vec![], 80, 24);
    let t = render(&a, 80, 24);
    let s = text(&t);
    assert!(s.contains("No connections yet.") && s.contains("Press n to create one"));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn list_and_form_side_by_side_120x40() {
    let mut a = app(sample(), 120, 40);
    key(&mut a, KeyCode::Enter);
    let t = render(&a, 120, 40);
    let s = text(&t);
    assert!(s.contains("prod") && s.contains("foundry") && s.contains("API base"));
    assert!(
        s.contains("Azure OpenAI resource"),
        "the endpoint hint is under the field"
    );
    // 48 columns of list: the key is a mark, the hosts are cut in the middle.
    assert!(s.contains("✗"), "serp-nokey shows a missing-key marker");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn narrow_shows_one_pane_at_a_time_80x24() {
    let mut a = app(sample(), 80, 24);
    let t = render(&a, 80, 24);
    insta::assert_snapshot!("narrow_list", t.backend());
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    let t = render(&a, 80, 24);
    let s = text(&t);
    assert!(s.contains("Foundry Models endpoint"), "{s}");
    insta::assert_snapshot!("narrow_form_foundry", t.backend());
}

#[test]
fn custom_form_shows_rows_and_entra_form_drops_the_key() {
    let mut a = app(sample(), 120, 40);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    let s = text(&render(&a, 120, 40));
    assert!(
        s.contains("region (config)") && s.contains("token (secret)") && s.contains("+ add secret"),
        "{s}"
    );
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    let s = text(&render(&a, 120, 40));
    assert!(s.contains("(not used with Entra ID)"), "{s}");
}

#[test]
fn validation_marks_labels_and_hint_warns() {
    let mut a = app(vec![], 80, 24);
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE)),
    );
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter); // azure_open_ai, typing the name
    update(&mut a, Action::Paste("my conn".into()));
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Enter);
    update(
        &mut a,
        Action::Paste("https://example-resource.azure.openai.com/".into()),
    );
    key(&mut a, KeyCode::Esc);
    let t = render(&a, 80, 24);
    let s = text(&t);
    assert!(s.contains(" !Name"), "invalid name label carries '!': {s}");
    // A new form marks a field once the user was there (or tried to save), not on opening.
    assert!(!s.contains("!API key"), "the key was never visited: {s}");
    assert!(
        s.contains("did you mean") && s.contains("https://example-resource.openai.azure.com/ ?"),
        "{s}"
    );
    insta::assert_snapshot!(t.backend());
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let s = text(&render(&a, 80, 24));
    assert!(
        s.contains("!API key"),
        "after a save attempt every problem shows: {s}"
    );
}

#[test]
fn help_overlay_80x24() {
    let mut a = app(sample(), 80, 24);
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
    );
    let t = render(&a, 80, 24);
    assert!(text(&t).contains("Keys") && text(&t).contains("delete the selected connection"));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn too_small_screen() {
    let a = app(sample(), 50, 12);
    let t = render(&a, 50, 12);
    let s = text(&t);
    assert!(
        s.contains("Terminal too small") && s.contains("need 60x16, have 50x12"),
        "{s}"
    );
    // and tiny sizes never panic
    for (w, h) in [(1, 1), (0, 0), (5, 2), (60, 16), (59, 40), (200, 3)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| draw(f, &a, "x")).unwrap();
    }
}

#[test]
fn wizard_endpoint_step_120x40() {
    let mut a = app(vec![], 120, 40);
    aiconn::tui::update::start_wizard(&mut a);
    update(&mut a, Action::Probed(Ok(())));
    key(&mut a, KeyCode::Enter); // nothing to paste: the service picker
    key(&mut a, KeyCode::Enter);
    update(&mut a, Action::Paste("foundry".into()));
    key(&mut a, KeyCode::Enter);
    update(&mut a, Action::Paste("https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21".into()));
    let t = render(&a, 120, 40);
    let s = text(&t);
    assert!(
        s.contains("one connection per deployment")
            && s.contains(
                "Enter stores the base https://contoso.openai.azure.com/openai/deployments/gpt-4o"
            ),
        "{s}"
    );
    insta::assert_snapshot!(t.backend());
}

#[test]
fn no_color_uses_no_colour_but_keeps_the_selection_visible() {
    let mut a = app(sample(), 120, 40);
    a.no_color = true;
    key(&mut a, KeyCode::Enter);
    let t = render(&a, 120, 40);
    let b = t.backend().buffer();
    let mut reversed = 0;
    for cell in b.content() {
        assert_eq!(cell.fg, Color::Reset, "colour used under NO_COLOR");
        assert_eq!(cell.bg, Color::Reset);
        if cell.modifier.contains(ratatui::style::Modifier::REVERSED) {
            reversed += 1;
        }
    }
    assert!(reversed > 0, "focus/selection still visible without colour");
}

#[test]
fn hostile_stored_values_are_drawn_escaped() {
    let mut c = Connection::new("evil", "open_ai").unwrap();
    c.values.insert(
        "base_url".into(),
        "https://x\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}.example/\u{1b}[2J".into(),
    );
    in_keychain(&mut c, "api_key");
    let mut a = app(vec![c], 120, 40);
    key(&mut a, KeyCode::Enter);
    let t = render(&a, 120, 40);
    for cell in t.backend().buffer().content() {
        assert!(
            !cell
                .symbol()
                .chars()
                .any(|ch| ch.is_control() || ch == '\u{202e}'),
            "raw control char drawn"
        );
    }
    assert!(text(&t).contains("\\u{1b}]52"), "shown escaped");
}

#[test]
fn read_only_view_shows_where_each_value_comes_from() {
    let mut a = App::new(sample(), true);
    a.size = (120, 40);
    key(&mut a, KeyCode::Enter);
    let s = text(&render(&a, 120, 40));
    assert!(s.contains("[read-only]"));
    assert!(
        s.contains("https://contoso.openai.azure.com/  · file"),
        "{s}"
    );
    assert!(
        s.contains("· keychain") && s.contains("2024-02-01  · default"),
        "{s}"
    );
}

/// Issue 20 finding 1: the screen offered "press f" for a v1 URL in an Azure OpenAI base
/// while `f` answered "nothing to fix". The offer on screen and the key are one rule now.
#[test]
fn the_fix_shown_is_the_fix_f_carries_out() {
    let mut c = Connection::new("v1", "azure_open_ai").unwrap();
    c.values.insert(
        "api_base".into(),
        "https://contoso.openai.azure.com/openai/v1/".into(),
    );
    in_keychain(&mut c, "api_key");
    let mut a = app(vec![c], 120, 40);
    key(&mut a, KeyCode::Enter); // open the form
    let screen = text(&render(&a, 120, 40));
    assert!(
        screen.contains("^F stores https://contoso.openai.azure.com"),
        "{screen}"
    );
    update(
        &mut a,
        Action::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)),
    );
    let (_, status) = a.status.clone().unwrap();
    assert!(!status.contains("nothing to fix"), "{status}");
    let id = a.selected.clone().unwrap();
    let f = a.draft(&id).unwrap();
    assert_eq!(
        f.value("api_base").trim_end_matches('/'),
        "https://contoso.openai.azure.com"
    );
    let screen = text(&render(&a, 120, 40));
    assert!(!screen.contains("^F stores"), "{screen}");
}

/// Issue 19, item 5: the list answers "what points where": host, ⚠ on a flagged connection,
/// the position n/N; a 64-character name is cut in the middle, not wrapped or lost.
#[test]
fn the_list_shows_host_flags_and_position_fitted_to_the_width() {
    use aiconn::model::{Connection, SecretRecord};
    let long = "a".repeat(30) + "-middle-" + &"z".repeat(26);
    let mut a = Connection::new(&long, "azure_open_ai").unwrap();
    a.values.insert(
        "api_base".into(),
        "https://contoso.openai.azure.com/".into(),
    );
    a.secrets
        .insert("api_key".into(), SecretRecord::parse("keychain"));
    let mut b = Connection::new("bad", "azure_open_ai").unwrap();
    b.values.insert("api_base".into(), "notaurl".into());
    b.secrets
        .insert("api_key".into(), SecretRecord::parse("keychain"));
    for (w, h) in [(80u16, 24u16), (200, 50)] {
        let mut app = App::new(vec![a.clone(), b.clone()], false);
        app.size = (w, h);
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| draw(f, &app, "~/.config/aiconn")).unwrap();
        let buf = t.backend().buffer();
        let s: Vec<String> = (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect())
            .collect();
        let all = s.join("\n");
        assert!(all.contains("Connections 1/2"), "{w}: {all}");
        let first = s
            .iter()
            .find(|l| l.contains("aaaa") && l.contains("azure_open_ai"))
            .unwrap();
        assert!(first.contains('…') && first.contains("zzz"), "{w}: {first}");
        assert!(first.contains("contoso.openai.azure.com"), "{w}: {first}");
        let bad = s
            .iter()
            .find(|l| l.contains("bad ") && l.contains("azure_open_ai"))
            .unwrap();
        assert!(bad.contains('⚠'), "{w}: {bad}");
    }
}

/// Issue 19, item 8: a status longer than the width takes a second row, nothing of it cut
/// at 80 columns (an error's advice is at its end).
#[test]
fn a_long_status_takes_two_rows_instead_of_being_cut() {
    let mut app = App::new(vec![], false);
    app.size = (80, 24);
    let msg = "no D-Bus session bus, so no Secret Service keychain: start a session bus with dbus-run-session, or use the vault";
    app.set_status(aiconn::tui::app::Level::Error, msg);
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| draw(f, &app, "~/.config/aiconn")).unwrap();
    let buf = t.backend().buffer();
    let rows: Vec<String> = (21..23)
        .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect())
        .collect();
    let joined = rows
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(joined.contains(msg), "{rows:?}");
}

/// Issue 19, Low list: under "Secrets cannot be saved here" the key step does not promise the
/// keychain it just found unusable.
#[test]
fn the_key_step_promises_no_keychain_when_there_is_none() {
    let mut app = App::new(vec![], false);
    app.size = (100, 30);
    aiconn::tui::update::start_wizard(&mut app);
    update(
        &mut app,
        Action::Probed(Err(aiconn::secrets::SecretError::new(
            aiconn::secrets::SecretErrorKind::NoSessionBus,
            "",
        ))),
    );
    let press = |app: &mut App, c: KeyCode| {
        update(app, Action::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    };
    press(&mut app, KeyCode::Enter); // nothing to paste: the service picker
    press(&mut app, KeyCode::Enter);
    for c in "f1".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::Paste("https://contoso.services.ai.azure.com/models".into()),
    );
    press(&mut app, KeyCode::Enter);
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| draw(f, &app, "~/.config/aiconn")).unwrap();
    let buf = t.backend().buffer();
    let s: String = (0..30)
        .map(|y| (0..100).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect();
    assert!(s.contains("Secrets cannot be saved here"), "{s}");
    assert!(!s.contains("OS keychain"), "{s}");
    // The probe's failure comes typed: the words say what fixes it and the way forward the
    // core gives (`service::secret_advice`), besides the vault's own line.
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("no D-Bus session bus"), "{s}");
    assert!(flat.contains("`aiconn doctor` says why"), "{s}");
    assert!(s.contains("Ctrl-V"), "{s}");
}

/// Issue 21: a stored api-version Azure retired shows under its row with the one to use,
/// judged against the app's day (AICONN_TODAY in the real binary); a current one shows nothing.
#[test]
fn a_retired_api_version_is_flagged_under_its_row_with_the_one_to_use() {
    let mut c = Connection::new("old", "azure_open_ai").unwrap();
    c.values.insert(
        "api_base".into(),
        "https://contoso.openai.azure.com/".into(),
    );
    c.values
        .insert("api_version".into(), "2023-07-01-preview".into());
    c.values.insert("auth_mode".into(), "meid_token".into());
    let mut a = app(vec![c], 200, 50);
    key(&mut a, KeyCode::Enter);
    let s = text(&render(&a, 200, 50));
    assert!(
        s.contains("✗ api-version 2023-07-01-preview retired on 2024-07-01: use 2024-10-21"),
        "{s}"
    );
    let mut fresh = Connection::new("new", "azure_open_ai").unwrap();
    fresh.values.insert(
        "api_base".into(),
        "https://contoso.openai.azure.com/".into(),
    );
    fresh
        .values
        .insert("api_version".into(), "2024-10-21".into());
    fresh.values.insert("auth_mode".into(), "meid_token".into());
    let mut a = app(vec![fresh], 200, 50);
    key(&mut a, KeyCode::Enter);
    let s = text(&render(&a, 200, 50));
    assert!(!s.contains("api-version 2024-10-21 retire"), "{s}");
}

/// Issue 21: the model a stored connection records (aiconn's own, advanced fields, collapsed)
/// is dated under the endpoint's row: past and within 60 days marked, further off a plain line.
#[test]
fn a_recorded_models_retirement_shows_under_the_endpoint_while_its_row_is_collapsed() {
    let mut c = Connection::new("old", "azure_ai").unwrap();
    c.values.insert(
        "endpoint".into(),
        "https://contoso.openai.azure.com/openai/deployments/old".into(),
    );
    c.values.insert("model_name".into(), "gpt-4".into());
    c.values.insert("model_version".into(), "0613".into());
    for (today, want) in [
        (
            "2026-12-02",
            "✗ model gpt-4 0613 retired on 2025-06-06; replacement: gpt-4o version 2024-11-20",
        ),
        (
            "2025-05-01",
            "⚠ model gpt-4 0613 retires 2025-06-06, in 36 days",
        ),
        (
            "2025-01-01",
            "ℹ model gpt-4 0613 retires 2025-06-06, in 156 days",
        ),
    ] {
        let mut a = app(vec![c.clone()], 200, 50);
        a.today = aiconn::azure::lifecycle::parse_day(today).unwrap();
        key(&mut a, KeyCode::Enter);
        let s = text(&render(&a, 200, 50));
        let line = s.lines().position(|l| l.contains(want));
        let endpoint = s.lines().position(|l| l.contains("Endpoint"));
        assert!(
            line.is_some() && line > endpoint,
            "{today}: under the endpoint: {s}"
        );
        assert_eq!(s.matches("model gpt-4 0613").count(), 1, "once: {s}");
    }
}

/// A key read from `env:NAME` is only as set as the variable: unset here, the list says so.
#[test]
fn the_list_marks_an_env_key_whose_variable_is_unset() {
    let with_ref = |name: &str, var: &str| {
        let mut c = Connection::new(name, "open_ai").unwrap();
        c.secrets.insert(
            "api_key".into(),
            aiconn::model::SecretRecord::parse(&format!("env:{var}")),
        );
        c
    };
    // PATH is set in every test environment; the other name in none.
    let a = app(
        vec![
            with_ref("from-path", "PATH"),
            with_ref("from-nothing", "AICONN_TEST_SURELY_UNSET_0001"),
        ],
        80,
        24,
    );
    let s = text(&render(&a, 80, 24));
    let row = |n: &str| s.lines().find(|l| l.contains(n)).unwrap().to_string();
    assert!(row("from-path").contains("env:PATH"), "{s}");
    assert!(!row("from-path").contains("unset"), "{s}");
    assert!(row("from-nothing").contains("unset"), "{s}");
}

/// Issue 19, Low list: the type picker at 80x24 is not cut silently: the advice wraps whole,
/// a row too long ends with `…`, and the highlighted type's sentence is under the list in full
/// (each one in turn, `G` reaching the last).
#[test]
fn the_type_picker_at_80_columns_shows_every_sentence_whole() {
    let mut a = app(sample(), 80, 24);
    key(&mut a, KeyCode::Char('n'));
    // The popup's inside only (76 columns centered: 3..77), not the list showing beside it.
    let flat = |a: &App| {
        text(&render(a, 80, 24))
            .lines()
            .map(|l| l.chars().skip(3).take(74).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        flat(&a).contains(aiconn::tui::strings::PICK_TYPE_ADVICE),
        "{}",
        flat(&a)
    );
    let types = aiconn::tui::wizard::type_order();
    for (i, t) in types.iter().enumerate() {
        let s = flat(&a);
        assert!(
            s.contains(&format!("{}: {}", t.label, t.summary)),
            "{i}: {s}"
        );
        key(&mut a, KeyCode::Down);
    }
    key(&mut a, KeyCode::Char('g'));
    key(&mut a, KeyCode::Char('G'));
    let last = types.last().unwrap();
    assert!(flat(&a).contains(&format!("{}: {}", last.label, last.summary)));
}

/// A problem is marked on the row whose path it is: a custom row keyed `name` that is too
/// big marks that row, not the connection's Name (errors were once matched by key string).
#[test]
fn a_custom_row_named_name_marks_its_own_row_not_the_name() {
    let mut c = Connection::new("svc", "custom").unwrap();
    c.configs.insert(
        "name".into(),
        "v".repeat(aiconn::model::MAX_VALUE_BYTES + 1),
    );
    in_keychain(&mut c, "token");
    let mut a = app(vec![c], 120, 40);
    key(&mut a, KeyCode::Enter); // to the form
    let s = text(&render(&a, 120, 40));
    assert!(s.contains("!name (config)"), "the row is marked: {s}");
    assert!(!s.contains("!Name"), "the connection's name is valid: {s}");
    // Its message is the row's, shown when the row is focused, and not on the Name row.
    let first = s.lines().find(|l| l.contains("KiB")).map(str::to_owned);
    assert!(first.is_none(), "Name is focused, no row message yet: {s}");
    key(&mut a, KeyCode::Down);
    let s = text(&render(&a, 120, 40));
    assert!(s.contains("over the 64 KiB"), "{s}");
}

/// The guided setup says what its Enter stores, and Enter stores exactly that: a portal URL
/// with `http://` was shown as the same URL with https, while Enter stored its base.
#[test]
fn wizard_enter_stores_the_fix_it_shows_for_a_plain_http_request_url() {
    for url in [
        "http://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        "http://contoso.openai.azure.com/",
        "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
    ] {
        let mut a = app(vec![], 200, 50);
        aiconn::tui::update::start_wizard(&mut a);
        update(&mut a, Action::Probed(Ok(())));
        key(&mut a, KeyCode::Enter); // nothing to paste: the service picker
        key(&mut a, KeyCode::Enter);
        update(&mut a, Action::Paste("foundry".into()));
        key(&mut a, KeyCode::Enter);
        update(&mut a, Action::Paste(url.into()));
        let s = text(&render(&a, 200, 50));
        let said = s
            .lines()
            .find_map(|l| l.split("Enter stores the base ").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("{url}: no offer on screen: {s}"))
            .to_string();
        key(&mut a, KeyCode::Enter);
        let f = a.wizard().unwrap().form().unwrap();
        let stored = f.value(&f.spec.url_field().unwrap().key);
        assert_eq!(stored, said, "{url}: Enter stored what the screen said");
    }
}
