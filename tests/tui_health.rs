//! Health at a glance in the TUI (issue 19, items 5, 6 and 8), pure: `T` on the list tests the
//! connections shown through one effect, results land in the TEST column as they come, a
//! result goes stale when the endpoint or key changes (typed, saved, changed on disk) and stays
//! fresh when a save only records what was tested; the list's columns fit the width; a status
//! too long for its two rows opens whole with ^L. Buffer renders check what is on screen.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::conntest::all::{Health, Report};
use aiconn::model::{Connection, SecretRecord};
use aiconn::tui::app::{Action, App, Effect, EntryId, Level, Popup, TestTarget};
use aiconn::tui::health::mark;
use aiconn::tui::render::draw;
use aiconn::tui::update::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

fn conn(name: &str, type_id: &str, url: (&str, &str), key: Option<&str>) -> Connection {
    let mut c = Connection::new(name, type_id).unwrap();
    if !url.0.is_empty() {
        c.values.insert(url.0.into(), url.1.into());
    }
    if let Some(k) = key {
        c.secrets.insert("api_key".into(), SecretRecord::parse(k));
    }
    c
}

fn aoai(name: &str, base: &str) -> Connection {
    conn(
        name,
        "azure_open_ai",
        ("api_base", base),
        Some("keychain:g1"),
    )
}

fn app_with(conns: Vec<Connection>, w: u16, h: u16) -> App {
    let mut a = App::new(conns, false);
    a.size = (w, h);
    a
}

fn report(name: &str, verdict: Health, message: &str) -> Report {
    Report {
        name: name.into(),
        type_id: "azure_open_ai".into(),
        ok: verdict == Health::Ok,
        status: None,
        verdict,
        message: message.into(),
    }
}

fn screen(app: &App, w: u16, h: u16) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app, "~/.config/aiconn")).unwrap();
    let b = t.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| b[(x, y)].symbol()).collect())
        .collect()
}

fn row<'a>(s: &'a [String], name: &str) -> &'a str {
    s.iter()
        .find(|l| l.contains(&format!(" {name} ")))
        .unwrap_or_else(|| panic!("no row {name}:\n{}", s.join("\n")))
}

fn stale(app: &App, name: &str) -> bool {
    mark(app, &EntryId::Stored(name.into())).unwrap().stale
}

/// `T` on the list, the results fed back as the worker sends them.
fn test_all(app: &mut App, results: &[(&str, Health, &str)]) {
    let fx = ch(app, 'T');
    assert!(matches!(&fx[..], [Effect::TestAll { .. }]), "{fx:?}");
    let total = results.len();
    for (i, (n, h, m)) in results.iter().enumerate() {
        update(
            app,
            Action::TestLanded {
                report: report(n, *h, m),
                done: i + 1,
                total,
            },
        );
    }
    let reports = results.iter().map(|(n, h, m)| report(n, *h, m)).collect();
    update(app, Action::AllTested { reports });
}

#[test]
fn t_tests_the_connections_shown_and_results_land_in_the_column_as_they_come() {
    let mut app = app_with(
        vec![
            aoai("prod", "https://contoso.openai.azure.com/"),
            aoai("dev", "https://dev.openai.azure.com/"),
            conn("svc", "custom", ("", ""), None),
        ],
        80,
        24,
    );
    let fx = ch(&mut app, 'T');
    let [Effect::TestAll { conns }] = &fx[..] else {
        panic!("{fx:?}")
    };
    let names: Vec<_> = conns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["prod", "dev", "svc"]);
    assert_eq!(app.pending, 1, "one effect for the whole run");
    assert!(ch(&mut app, 'T').is_empty(), "a second run while one runs");
    let s = screen(&app, 80, 24);
    assert!(s[22].contains("testing 0/3"), "{}", s[22]);
    assert!(
        row(&s, "prod").contains('…'),
        "in flight: {}",
        row(&s, "prod")
    );
    update(
        &mut app,
        Action::TestLanded {
            report: report("prod", Health::Failed, "HTTP 401: the key was refused"),
            done: 1,
            total: 3,
        },
    );
    assert_eq!(app.pending, 1, "a landed result does not end the run");
    let s = screen(&app, 80, 24);
    assert!(s[22].contains("testing 1/3"), "{}", s[22]);
    assert!(row(&s, "prod").contains('✗'), "{}", row(&s, "prod"));
    assert!(!row(&s, "dev").contains('✓'), "{}", row(&s, "dev"));
    let reports = vec![
        report("prod", Health::Failed, "HTTP 401: the key was refused"),
        report("dev", Health::Ok, "HTTP 200"),
        report("svc", Health::Skipped, "no request is known for custom"),
    ];
    update(&mut app, Action::AllTested { reports });
    assert_eq!(app.pending, 0);
    let (level, msg) = app.status.clone().unwrap();
    assert_eq!(msg, "Tested 3 connections: 1 ok, 1 failed, 1 skipped.");
    assert_eq!(level, Level::Error, "a failure makes it an error");
    let s = screen(&app, 80, 24);
    assert!(row(&s, "dev").contains('✓'), "{}", row(&s, "dev"));
    assert!(row(&s, "svc").contains('–'), "{}", row(&s, "svc"));
    // The selected one's message: in the status line once the tally is gone.
    ch(&mut app, 'j');
    ch(&mut app, 'k');
    let s = screen(&app, 80, 24);
    assert!(
        s[22].contains("✗ prod: HTTP 401: the key was refused"),
        "{}",
        s[22]
    );
}

#[test]
fn the_filter_narrows_what_t_tests_and_the_read_only_view_may_test() {
    let mut app = App::new(
        vec![
            aoai("prod", "https://contoso.openai.azure.com/"),
            aoai("dev", "https://dev.openai.azure.com/"),
        ],
        true,
    );
    app.size = (80, 24);
    ch(&mut app, '/');
    for c in "dev".chars() {
        ch(&mut app, c);
    }
    key(&mut app, KeyCode::Enter);
    let fx = ch(&mut app, 'T');
    let [Effect::TestAll { conns }] = &fx[..] else {
        panic!("{fx:?} {:?}", app.status)
    };
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].name, "dev");
    // Nothing shown, nothing to test.
    update(&mut app, Action::AllTested { reports: vec![] });
    ch(&mut app, '/');
    ch(&mut app, 'z');
    key(&mut app, KeyCode::Enter);
    assert!(ch(&mut app, 'T').is_empty());
    assert!(app.status.unwrap().1.starts_with("Nothing to test"));
}

#[test]
fn a_result_goes_stale_when_the_endpoint_is_typed_changed_on_disk_or_saved_changed() {
    let mut app = app_with(
        vec![
            aoai("prod", "https://contoso.openai.azure.com/"),
            aoai("dev", "https://dev.openai.azure.com/"),
        ],
        80,
        24,
    );
    test_all(
        &mut app,
        &[
            ("prod", Health::Ok, "HTTP 200"),
            ("dev", Health::Ok, "HTTP 200"),
        ],
    );
    assert!(!stale(&app, "prod") && !stale(&app, "dev"));
    // Opening a form changes nothing.
    key(&mut app, KeyCode::Enter);
    assert!(!stale(&app, "prod"), "an unedited form is what was tested");
    // Typed in the form: stale at once, the form says so too.
    key(&mut app, KeyCode::Down);
    ch(&mut app, 'x');
    key(&mut app, KeyCode::Esc);
    assert!(stale(&app, "prod"));
    let s = screen(&app, 80, 24).join("\n");
    assert!(
        s.contains("✓ test: (before it was changed) HTTP 200"),
        "{s}"
    );
    // Typed back as it was: fresh again.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Esc);
    assert!(!stale(&app, "prod"));
    // Another value the request is built from (the api-version, stepped with →): stale too.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Right);
    assert!(stale(&app, "prod"), "a new api-version was never tested");
    key(&mut app, KeyCode::Left);
    assert!(!stale(&app, "prod"), "stepped back to the tested one");
    // Changed on disk (the CLI's `update`): the list's mark goes stale.
    key(&mut app, KeyCode::Esc);
    let mut dev = aoai("dev", "https://dev2.openai.azure.com/");
    update(
        &mut app,
        Action::Reloaded(Ok(vec![
            aoai("prod", "https://contoso.openai.azure.com/"),
            dev.clone(),
        ])),
    );
    assert!(stale(&app, "dev"));
    assert!(!stale(&app, "prod"));
    let s = screen(&app, 80, 24);
    assert!(row(&s, "dev").contains("✓?"), "{}", row(&s, "dev"));
    // A new key on disk (a new generation) is stale too.
    update(
        &mut app,
        Action::Reloaded(Ok(vec![
            aoai("prod", "https://contoso.openai.azure.com/"),
            dev.clone(),
        ])),
    );
    dev.secrets
        .insert("api_key".into(), SecretRecord::parse("keychain:g2"));
    let prod2 = {
        let mut p = aoai("prod", "https://contoso.openai.azure.com/");
        p.secrets
            .insert("api_key".into(), SecretRecord::parse("keychain:g9"));
        p
    };
    update(&mut app, Action::Reloaded(Ok(vec![prod2, dev])));
    assert!(stale(&app, "prod"), "a key changed on disk");
}

#[test]
fn a_save_of_what_was_tested_keeps_the_result_and_a_save_of_a_change_does_not() {
    let mut app = app_with(
        vec![aoai("prod", "https://contoso.openai.azure.com/")],
        80,
        24,
    );
    let id = EntryId::Stored("prod".into());
    key(&mut app, KeyCode::Enter);
    // A new key typed, tested with Ctrl-T, then saved: the saved key is the tested one.
    let f = app.ensure_draft(&id).unwrap();
    f.focus = f
        .rows()
        .iter()
        .position(
            |r| matches!(r, aiconn::tui::form::Row::Field(i) if f.fields[*i].key == "api_key"),
        )
        .unwrap();
    update(&mut app, Action::Paste("fake-key-0701".into()));
    key(&mut app, KeyCode::Esc);
    let fx = ctrl(&mut app, 't');
    assert!(matches!(&fx[..], [Effect::Test { .. }]), "{fx:?}");
    update(
        &mut app,
        Action::Tested {
            target: TestTarget::Entry(id.clone()),
            ok: true,
            message: "HTTP 200".into(),
        },
    );
    assert!(!stale(&app, "prod"));
    let fx = ctrl(&mut app, 's');
    let [Effect::Save { conn, .. }] = &fx[..] else {
        panic!("{fx:?}")
    };
    let mut saved = conn.clone();
    saved
        .secrets
        .insert("api_key".into(), SecretRecord::parse("keychain:g2"));
    update(
        &mut app,
        Action::Saved {
            id: id.clone(),
            name: "prod".into(),
            result: Ok(vec![saved.clone()]),
            warnings: vec![],
        },
    );
    assert!(
        !stale(&app, "prod"),
        "the saved key is the one tested: the result holds"
    );
    // Another key typed after the test, then saved: what is stored was never tested.
    let f = app.ensure_draft(&id).unwrap();
    assert_eq!(f.focused_row(), f.rows()[f.focus]);
    update(&mut app, Action::Paste("fake-key-0702".into()));
    key(&mut app, KeyCode::Esc);
    ctrl(&mut app, 's');
    saved
        .secrets
        .insert("api_key".into(), SecretRecord::parse("keychain:g3"));
    update(
        &mut app,
        Action::Saved {
            id: id.clone(),
            name: "prod".into(),
            result: Ok(vec![saved]),
            warnings: vec![],
        },
    );
    assert!(stale(&app, "prod"), "a key saved untested");
}

#[test]
fn a_new_connection_tested_then_saved_keeps_its_result_under_its_name() {
    let mut app = app_with(vec![], 80, 24);
    app.screen = aiconn::tui::screen::Screen::main();
    ch(&mut app, 'n');
    key(&mut app, KeyCode::Down); // Azure OpenAI
    key(&mut app, KeyCode::Enter);
    for c in "fresh".chars() {
        ch(&mut app, c);
    }
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::Paste("https://fresh.openai.azure.com/".into()),
    );
    key(&mut app, KeyCode::Enter);
    update(&mut app, Action::Paste("fake-key-0703".into()));
    key(&mut app, KeyCode::Esc);
    let id = app.selected.clone().unwrap();
    let fx = ctrl(&mut app, 't');
    assert!(matches!(&fx[..], [Effect::Test { .. }]), "{fx:?}");
    update(
        &mut app,
        Action::Tested {
            target: TestTarget::Entry(id.clone()),
            ok: false,
            message: "HTTP 404".into(),
        },
    );
    let fx = ctrl(&mut app, 's');
    let [Effect::Save { conn, .. }] = &fx[..] else {
        panic!("{fx:?} {:?}", app.status)
    };
    let mut saved = conn.clone();
    saved
        .secrets
        .insert("api_key".into(), SecretRecord::parse("keychain:g1"));
    update(
        &mut app,
        Action::Saved {
            id,
            name: "fresh".into(),
            result: Ok(vec![saved]),
            warnings: vec![],
        },
    );
    let m = mark(&app, &EntryId::Stored("fresh".into())).unwrap();
    assert_eq!((m.health, m.stale), (Health::Failed, false));
}

#[test]
fn t_on_the_list_tests_the_selected_one_and_a_refused_host_leaves_no_mark() {
    let mut app = app_with(
        vec![aoai("prod", "https://contoso.openai.azure.com/")],
        80,
        24,
    );
    let fx = ch(&mut app, 't');
    assert!(matches!(&fx[..], [Effect::Test { .. }]), "{fx:?}");
    let id = EntryId::Stored("prod".into());
    assert!(app.health.in_flight(&id));
    update(
        &mut app,
        Action::TestNeedsHost {
            target: TestTarget::Entry(id.clone()),
            host: "gw.example".into(),
        },
    );
    assert!(!app.health.in_flight(&id), "not sent: no … left in the row");
    assert!(mark(&app, &id).is_none());
    key(&mut app, KeyCode::Esc); // No
    ch(&mut app, 't');
    update(
        &mut app,
        Action::Tested {
            target: TestTarget::Entry(id.clone()),
            ok: true,
            message: "HTTP 200".into(),
        },
    );
    assert_eq!(mark(&app, &id).unwrap().health, Health::Ok);
    // Renamed (its key moved to a new generation): the result follows, still fresh.
    let mut renamed = aoai("prod2", "https://contoso.openai.azure.com/");
    renamed
        .secrets
        .insert("api_key".into(), SecretRecord::parse("keychain:g5"));
    update(
        &mut app,
        Action::Renamed {
            old: "prod".into(),
            new: "prod2".into(),
            result: Ok(vec![renamed]),
        },
    );
    let id = EntryId::Stored("prod2".into());
    let m = mark(&app, &id).unwrap();
    assert_eq!((m.health, m.stale), (Health::Ok, false));
    assert!(mark(&app, &EntryId::Stored("prod".into())).is_none());
    // Deleted: its result goes with it.
    update(
        &mut app,
        Action::Deleted {
            name: "prod2".into(),
            result: Ok(vec![]),
        },
    );
    assert!(mark(&app, &id).is_none());
}

/// Item 5: the columns say where each key comes from and what each points at, fitted to the
/// width: hosts and the key's source in words at 80, full endpoints at 200; a long name cut
/// in the middle, never wrapped.
#[test]
fn the_list_columns_fit_80_and_200_columns() {
    let long = "a".repeat(30) + "-middle-" + &"z".repeat(26);
    let conns = vec![
        conn(
            &long,
            "azure_open_ai",
            ("api_base", "https://contoso.openai.azure.com/"),
            Some("keychain:g1"),
        ),
        conn(
            "vaulted",
            "open_ai",
            ("base_url", "https://api.openai.com/v1"),
            Some("vault:g1"),
        ),
        conn(
            "from-env",
            "open_ai",
            ("base_url", "https://api.openai.com/v1"),
            Some("env:PATH"),
        ),
        conn(
            "env-unset",
            "open_ai",
            ("base_url", "https://api.openai.com/v1"),
            Some("env:AICONN_TEST_SURELY_UNSET_0701"),
        ),
        conn(
            "from-cmd",
            "azure_ai",
            (
                "endpoint",
                "https://contoso.services.ai.azure.com/openai/deployments/gpt-4o-mini",
            ),
            Some("cmd:pass show k"),
        ),
        conn("no-key", "serp", ("", ""), None),
        aoai("prod-ish", "https://contoso.openai.azure.com/"),
        {
            let mut c = aoai("entra", "https://entra.openai.azure.com/");
            c.secrets.clear();
            c.values.insert("auth_mode".into(), "meid_token".into());
            c
        },
    ];
    for (w, h) in [(80u16, 24u16), (200, 50)] {
        let app = app_with(conns.clone(), w, h);
        let s = screen(&app, w, h);
        let all = s.join("\n");
        assert!(all.contains("Connections 1/8"), "{w}: {all}");
        assert!(all.contains("NAME") && all.contains("KEY"), "{w}: {all}");
        let first = s
            .iter()
            .find(|l| l.contains("aaaaa") && l.contains("keychain"))
            .unwrap_or_else(|| panic!("{w}: {all}"))
            .to_string();
        assert!(first.contains('…') && first.contains("zzz"), "{w}: {all}");
        assert!(first.contains("keychain"), "{w}: {first}");
        assert!(row(&s, "vaulted").contains("vault"), "{w}");
        assert!(row(&s, "from-env").contains("env:PATH"), "{w}");
        let unset = row(&s, "env-unset");
        assert!(unset.contains("unset"), "{w}: {unset}");
        assert!(row(&s, "from-cmd").contains("cmd"), "{w}");
        assert!(row(&s, "no-key").contains("missing"), "{w}");
        assert!(row(&s, "entra").contains("none"), "{w}");
        let cmd_row = row(&s, "from-cmd");
        if w == 200 {
            assert!(all.contains("ENDPOINT"), "{all}");
            // The host whole, the path cut in the middle at worst.
            assert!(
                cmd_row.contains("contoso.services.ai.azure.com/openai/")
                    && cmd_row.contains("gpt-4o-mini"),
                "{cmd_row}"
            );
        } else {
            // Hosts, the longest cut in the middle (both ends kept).
            assert!(all.contains("HOST"), "{all}");
            assert!(
                cmd_row.contains("contoso.serv") && cmd_row.contains("ai.azure.com"),
                "{cmd_row}"
            );
            assert!(
                row(&s, "prod-ish").contains("contoso.openai.azure.com"),
                "{all}"
            );
        }
        // Every row stays one row: nothing runs past the pane.
        assert!(s.iter().all(|l| l.chars().count() == w as usize));
    }
}

/// At 60 columns (the smallest screen) the essentials stay, cut in the middle: the key's
/// state, the test mark, the host.
#[test]
fn at_60_columns_the_essentials_stay_cut_in_the_middle() {
    let conns = vec![
        conn(
            "a-rather-long-connection-name",
            "azure_content_safety",
            (
                "endpoint",
                "https://a-very-long-resource-name.cognitiveservices.azure.com/",
            ),
            Some("env:AICONN_TEST_SURELY_UNSET_0702"),
        ),
        aoai("prod", "https://contoso.openai.azure.com/"),
    ];
    let mut app = app_with(conns, 60, 16);
    test_all(
        &mut app,
        &[
            ("a-rather-long-connection-name", Health::Failed, "DNS"),
            ("prod", Health::Ok, "HTTP 200"),
        ],
    );
    let s = screen(&app, 60, 16);
    let r = row(&s, "prod");
    assert!(r.contains('✓'), "{r}");
    let long = s
        .iter()
        .find(|l| l.contains("a-r"))
        .unwrap_or_else(|| panic!("{}", s.join("\n")));
    assert!(
        long.contains('⚠') && long.contains('✗'),
        "the key's mark and the test's: {long}"
    );
    assert!(long.contains("…") && long.contains(".com"), "{long}");
    assert!(s.iter().all(|l| l.chars().count() == 60));
}

/// Item 8: a status longer than its two rows ends with "…" and the key that shows it whole;
/// ^L opens it in full, Esc closes it and the status is still there.
#[test]
fn a_status_too_long_for_two_rows_opens_whole_with_ctrl_l() {
    let mut app = app_with(
        vec![aoai("prod", "https://contoso.openai.azure.com/")],
        80,
        24,
    );
    let words: Vec<String> = (0..40).map(|i| format!("word{i}")).collect();
    let msg = words.join(" ") + " THE-END";
    app.set_status(Level::Error, msg.clone());
    let s = screen(&app, 80, 24);
    assert!(s[22].contains("… ^L shows all"), "{}", s[22]);
    assert!(!s.join("").contains("THE-END"));
    ctrl(&mut app, 'l');
    assert!(matches!(app.popup, Some(Popup::Message { .. })));
    let s = screen(&app, 80, 24);
    let flat = s.join(" ").replace('│', " ");
    let flat: Vec<&str> = flat.split_whitespace().collect();
    assert!(flat.join(" ").contains(&msg), "{}", s.join("\n"));
    key(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none());
    assert_eq!(app.status.clone().unwrap().1, msg, "^L keeps the status");
    // A short one needs no key: neither the status nor the bar offers it.
    app.set_status(Level::Info, "Saved 'prod'.");
    let s = screen(&app, 80, 24);
    assert!(!s[22].contains("^L") && !s[23].contains("^L"), "{s:?}");
}

/// Walks the guided setup to its review: Foundry, `name`, a /models endpoint, a key.
fn setup_to_review(app: &mut App, name: &str) {
    aiconn::tui::update::start_wizard(app);
    update(app, Action::Probed(Ok(())));
    key(app, KeyCode::Enter); // nothing to paste: the service picker
    key(app, KeyCode::Enter); // Foundry
    for c in name.chars() {
        ch(app, c);
    }
    key(app, KeyCode::Enter);
    update(
        app,
        Action::Paste("https://contoso.services.ai.azure.com/models".into()),
    );
    key(app, KeyCode::Enter);
    update(app, Action::Paste("fake-key-0704".into()));
    for _ in 0..10 {
        if app.wizard().unwrap().step == aiconn::tui::wizard::Step::Review {
            return;
        }
        key(app, KeyCode::Enter);
    }
    panic!("no review");
}

#[test]
fn a_test_on_the_setup_review_is_the_saved_connections_and_a_left_setups_is_nobodys() {
    let mut app = app_with(
        vec![aoai("prod", "https://contoso.openai.azure.com/")],
        80,
        24,
    );
    setup_to_review(&mut app, "f1");
    let fx = ch(&mut app, 't');
    assert!(matches!(&fx[..], [Effect::Test { .. }]), "{fx:?}");
    update(
        &mut app,
        Action::Tested {
            target: TestTarget::Wizard,
            ok: true,
            message: "HTTP 200".into(),
        },
    );
    let fx = ch(&mut app, 's');
    let [Effect::Save { id, conn, .. }] = &fx[..] else {
        panic!("{fx:?} {:?}", app.status)
    };
    let mut saved = conn.clone();
    saved
        .secrets
        .insert("api_key".into(), SecretRecord::parse("keychain:g1"));
    update(
        &mut app,
        Action::Saved {
            id: id.clone(),
            name: "f1".into(),
            result: Ok(vec![
                aoai("prod", "https://contoso.openai.azure.com/"),
                saved,
            ]),
            warnings: vec![],
        },
    );
    let m = mark(&app, &EntryId::Stored("f1".into())).unwrap();
    assert_eq!((m.health, m.stale), (Health::Ok, false));
    // A setup tested, then left; the next one saved untested has no result.
    setup_to_review(&mut app, "f2");
    ch(&mut app, 't');
    update(
        &mut app,
        Action::Tested {
            target: TestTarget::Wizard,
            ok: false,
            message: "HTTP 401".into(),
        },
    );
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right); // Cancel
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'y'); // leave it
    assert!(app.wizard().is_none());
    setup_to_review(&mut app, "f3");
    key(&mut app, KeyCode::Right); // Edit: into the editor, unsaved
    key(&mut app, KeyCode::Enter);
    let id = app.selected.clone().unwrap();
    assert!(matches!(id, EntryId::New(_)));
    assert!(mark(&app, &id).is_none(), "f2's result went to f3");
}
