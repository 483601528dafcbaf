//! The real binary in a pseudo-terminal (portable-pty + vt100), on temp config dirs, against
//! a real Secret Service.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::pty::Pty;
use common::*;

const DOWN: &str = "\x1b[B";
const RIGHT: &str = "\x1b[C";
const ESC: &str = "\x1b";
const CTRL_S: &str = "\x13";

/// The terminal was restored: alternate screen left, bracketed paste off, cursor shown.
fn assert_restored(raw: &str) {
    let tail = &raw[raw.rfind("\x1b[?1049h").unwrap_or(0)..];
    assert!(tail.contains("\x1b[?1049l"), "alternate screen not left");
    assert!(tail.contains("\x1b[?2004l"), "bracketed paste not disabled");
}

#[test]
fn first_run_guided_setup_creates_a_connection_that_show_reports() {
    let d = tempfile::tempdir().unwrap();
    let mut t = Pty::spawn(d.path(), &[], 80, 24);
    t.wait_for("Paste what you have");
    t.send("\r"); // nothing to paste: the service picker
    t.wait_for("Which service?");
    t.send("\r"); // Azure AI (Foundry)
    t.wait_for("A short name");
    t.send("foundry\r");
    t.wait_for("Paste the endpoint");
    t.paste("https://contoso.services.ai.azure.com/models");
    t.wait_for("one connection serves every model");
    t.send("\r");
    t.wait_for("Paste the key");
    t.paste("fake-key-0001-pty");
    t.send("\r");
    // A /models endpoint carries no deployment: the setup asks which one (optional).
    t.wait_for("Deployment:");
    t.send("gpt-4o-mini\r");
    t.wait_for("Review");
    t.send("\r"); // Save
    t.wait_for("Saved 'foundry'");
    t.send(ESC); // the form it landed in, back to the list
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    let raw = t.raw_text();
    assert!(
        !raw.contains("fake-key-0001-pty"),
        "the key reached the terminal"
    );
    assert_restored(&raw);
    let v = show_json(d.path(), "foundry");
    assert_eq!(v["type"], "azure_ai");
    assert_eq!(
        v["endpoint"],
        "https://contoso.services.ai.azure.com/models"
    );
    assert_eq!(v["deployment"], "gpt-4o-mini");
    assert_eq!(v["api_key"], "fake-key-0001-pty");
}

#[test]
fn edit_and_save_then_delete_with_confirm() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "prod",
            "--set",
            "api_base=https://r.openai.azure.com",
            "--set",
            "api_key=fake-key-0002",
        ],
    );
    let mut t = Pty::spawn(d.path(), &[], 80, 24);
    t.wait_for("prod");
    t.send("\r"); // open
    t.wait_for("API version");
    t.send(&format!("{DOWN}{DOWN}{DOWN}\r")); // API version, start typing
    t.send(&"\x7f".repeat(10));
    t.send("2024-10-21");
    t.send(ESC);
    t.wait_for("prod · Azure OpenAI *");
    t.send(CTRL_S);
    t.wait_for("Saved 'prod'");
    assert_eq!(show_json(d.path(), "prod")["api_version"], "2024-10-21");
    t.send(ESC); // back to the list
    t.send("d");
    t.wait_for("Are you sure you want to delete the connection 'prod'");
    t.send("\r"); // "No" is preselected
    t.wait_until("the question is gone", |s| !s.contains("Are you sure"));
    assert_eq!(
        cmd(d.path(), &["show", "prod"]).code,
        0,
        "Enter on No keeps it"
    );
    t.send("d");
    t.wait_for("Are you sure");
    t.send(RIGHT);
    t.send("\r");
    t.wait_for("Deleted 'prod'");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(cmd(d.path(), &["show", "prod"]).code, 3);
}

#[test]
fn pasted_target_uri_and_the_one_key_fix() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &fixtures::refs(&fixtures::serp("s", "fake-key-0003"))[1..],
    );
    let mut t = Pty::spawn(d.path(), &[], 100, 30);
    t.wait_for("Connections");
    t.send("n");
    t.wait_for("pick a type");
    t.send(&format!("{DOWN}\r")); // Azure OpenAI
    t.send("aoai\r"); // name, then to API base
    t.send("\r"); // type into API base
    t.paste("https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
    t.send(ESC);
    t.wait_for("^F stores");
    t.send("\x06"); // Ctrl-F
    t.wait_for("resource · one connection");
    t.send(&format!("{DOWN}\r"));
    t.paste("fake-key-0004");
    t.send(ESC);
    t.send(CTRL_S);
    t.wait_for("Saved 'aoai'");
    t.send(ESC);
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    let v = show_json(d.path(), "aoai");
    assert_eq!(v["api_base"], "https://contoso.openai.azure.com");
    assert_eq!(v["api_version"], "2024-10-21");
    assert_eq!(v["api_key"], "fake-key-0004");
}

#[test]
fn quitting_with_unsaved_changes_asks() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &fixtures::refs(&fixtures::serp("s", "fake-key-0005"))[1..],
    );
    let before = std::fs::read_to_string(d.path().join("connections.toml")).unwrap();
    let mut t = Pty::spawn(d.path(), &[], 80, 24);
    t.wait_for("serp");
    t.send("\r");
    t.send(&format!("{DOWN}\r"));
    t.send("new");
    t.send(ESC);
    t.send(ESC); // to the list, where q quits
    t.send("q");
    t.wait_for("Quit and lose them?");
    t.send(ESC); // keeps working
    t.wait_until("the question is gone", |s| {
        !s.contains("Quit and lose them?")
    });
    assert!(t.child.try_wait().unwrap().is_none(), "Esc must not quit");
    t.send("q");
    t.wait_for("Quit and lose them?");
    t.send("y");
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(
        std::fs::read_to_string(d.path().join("connections.toml")).unwrap(),
        before
    );
    assert_eq!(show_json(d.path(), "s")["api_key"], "fake-key-0005");
}

#[test]
fn sighup_mid_edit_restores_the_terminal_and_leaves_files_intact() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &fixtures::refs(&fixtures::serp("s", "fake-key-0006"))[1..],
    );
    let before = std::fs::read_to_string(d.path().join("connections.toml")).unwrap();
    for sig in ["HUP", "TERM"] {
        let mut t = Pty::spawn(d.path(), &[], 80, 24);
        t.wait_for("serp");
        t.send("\r");
        t.send(&format!("{DOWN}\r"));
        t.send("half-typed");
        let pid = t.child.process_id().unwrap();
        std::process::Command::new("kill")
            .args([&format!("-{sig}"), &pid.to_string()])
            .status()
            .unwrap();
        let code = t.wait_exit();
        assert_ne!(code, 0, "SIG{sig}: interrupted exit status");
        assert_restored(&t.raw_text());
        assert_eq!(
            std::fs::read_to_string(d.path().join("connections.toml")).unwrap(),
            before
        );
    }
}

#[test]
fn readonly_inspection_says_so_and_refuses_edits() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &fixtures::refs(&fixtures::serp("s", "fake-key-0007"))[1..],
    );
    let mut t = Pty::spawn(d.path(), &["inspect"], 80, 24);
    t.wait_for("[read-only]");
    t.send("d");
    t.wait_for("Read-only view (aiconn inspect or --readonly)");
    t.send("\r");
    t.send(DOWN);
    t.send("x"); // a typed letter changes nothing
    t.wait_for("Read-only view");
    t.send("\x12"); // Ctrl-R: explicit reveal
    t.wait_for("fake-key-0007");
    t.send(ESC);
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn a_panic_on_the_worker_restores_the_terminal_and_ends_the_program() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &fixtures::refs(&fixtures::serp("s", "fake-key-0601"))[1..],
    );
    let k = keyring();
    let mut c = portable_pty::CommandBuilder::new(bin());
    c.env("AICONN_CONFIG_DIR", d.path());
    c.env("DBUS_SESSION_BUS_ADDRESS", &k.bus);
    c.env("XDG_RUNTIME_DIR", &k.runtime);
    c.env("XDG_DATA_HOME", &k.data);
    c.env("TERM", "xterm-256color");
    c.env("AICONN_TEST_CRASH_AT", "after-secret-read");
    let mut t = Pty::spawn_command(c, 80, 24);
    t.wait_for("serp");
    t.send("\r");
    t.send(DOWN);
    t.send("\x12"); // Ctrl-R: the worker reads the secret, then the hook panics
    let code = t.wait_exit();
    assert_ne!(code, 0);
    let raw = t.raw_text();
    assert_restored(&raw);
    assert!(
        raw.contains("forced panic"),
        "the message is shown after the terminal is restored"
    );
    assert!(!raw.contains("fake-key-0601"));
}

#[test]
fn create_asks_for_a_missing_key_with_hidden_input_on_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    let mut t = Pty::spawn(
        d.path(),
        &["create", "--type", "open_ai", "--name", "o"],
        80,
        24,
    );
    t.wait_for("api_key for 'o' (input hidden)");
    t.send("\r");
    t.wait_for("Secret can't be empty.");
    t.send("fake-key-0901\r");
    assert_eq!(t.wait_exit(), 0);
    assert!(!t.raw_text().contains("fake-key-0901"), "typed key echoed");
    assert_eq!(show_json(d.path(), "o")["api_key"], "fake-key-0901");
}

/// Issue 19, item 1, as the user met it: after Enter on the name, the endpoint typed key by
/// key (`h`, `t`, `s` and `/` among them) lands in the field, and Ctrl-S saves it.
#[test]
fn a_url_typed_key_by_key_after_enter_next_lands_in_the_field() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &fixtures::refs(&fixtures::serp("s", "fake-key-0008"))[1..],
    );
    let mut t = Pty::spawn(d.path(), &[], 80, 24);
    t.wait_for("Connections");
    t.send("n");
    t.wait_for("pick a type");
    t.send(&format!("{DOWN}\r")); // Azure OpenAI
    t.send("typed\r"); // the name, then Enter: the API base is focused, not in typing mode
    for c in "https://contoso.openai.azure.com/".chars() {
        t.send(&c.to_string());
    }
    t.wait_for("https://contoso.openai.azure.com/");
    let screen = t.screen();
    assert!(
        !screen.contains("Filter:"),
        "/ opened the filter:\n{screen}"
    );
    t.send(DOWN);
    t.paste("fake-key-0009");
    t.send(CTRL_S);
    t.wait_for("Saved 'typed'");
    t.send(ESC);
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(
        show_json(d.path(), "typed")["api_base"],
        "https://contoso.openai.azure.com/"
    );
}

#[test]
fn a_connection_created_by_the_cli_while_the_tui_is_open_appears() {
    let d = tempfile::tempdir().unwrap();
    let make = |name: &str| {
        create(
            d.path(),
            &[
                "--type",
                "azure_open_ai",
                "--name",
                name,
                "--set",
                "api_base=https://r.openai.azure.com",
                "--set",
                "api_key=fake-key-0003",
            ],
        )
    };
    make("first");
    let mut t = Pty::spawn(d.path(), &[], 80, 24);
    t.wait_for("first");
    make("second-from-cli");
    // Nothing is pressed: the file is looked at on the TUI's clock.
    t.wait_for("second-from-cli");
    cmd(d.path(), &["delete", "first", "--yes"]);
    t.wait_until("the deleted one is gone", |s| !s.contains("first"));
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    let raw = t.raw_text();
    assert_restored(&raw);
    assert!(raw.contains("\x1b[?1004l"), "focus reports not disabled");
}

#[test]
fn a_pasted_target_uri_becomes_a_saved_connection_with_its_fields() {
    let d = tempfile::tempdir().unwrap();
    let mut t = Pty::spawn(d.path(), &[], 80, 24);
    t.wait_for("Paste what you have");
    t.paste("https://contoso.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21");
    t.wait_for("Read as Azure OpenAI");
    t.paste("fake-key-0004-pty");
    t.send("\r");
    // The other settings, already filled from the URL (Enter on each), then the review.
    let spec = aiconn::catalogue::Catalogue::get()
        .find("azure_open_ai")
        .unwrap();
    let mut w = aiconn::tui::wizard::Wizard::new();
    w.form = Some(aiconn::tui::form::Form::new(spec));
    t.wait_for("Other settings");
    t.send(&"\r".repeat(w.extras().len()));
    t.wait_for("Review");
    t.send("s");
    t.wait_for("Saved 'gpt-4o-mini'");
    t.send(ESC);
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert!(
        !t.raw_text().contains("fake-key-0004-pty"),
        "the key reached the terminal"
    );
    let v = show_json(d.path(), "gpt-4o-mini");
    assert_eq!(v["type"], "azure_open_ai");
    assert_eq!(v["api_base"], "https://contoso.openai.azure.com");
    assert_eq!(v["deployment"], "gpt-4o-mini");
    assert_eq!(v["api_version"], "2024-10-21");
    assert_eq!(v["api_key"], "fake-key-0004-pty");
}

#[test]
fn a_key_bound_for_an_unrecognized_host_is_sent_only_after_the_tui_asked() {
    let d = tempfile::tempdir().unwrap();
    create(
        d.path(),
        &[
            "--type",
            "azure_open_ai",
            "--name",
            "gw",
            "--set",
            "api_base=https://gateway.unrecognized.invalid",
            "--set",
            "api_key=fake-key-0005",
        ],
    );
    let mut t = Pty::spawn(d.path(), &[], 80, 24);
    t.wait_for("gw");
    t.send("\r");
    t.send("\x14"); // Ctrl-T
    t.wait_for("not a host aiconn knows");
    // No is preselected: Enter sends nothing.
    t.send("\r");
    t.wait_until("the question is gone", |s| {
        !s.contains("not a host aiconn knows")
    });
    assert!(
        !t.screen().contains("DNS"),
        "sent after No:\n{}",
        t.screen()
    );
    t.send("\x14");
    t.wait_for("not a host aiconn knows");
    t.send("y");
    // Sent: the host does not resolve, and the test says so.
    t.wait_for("DNS");
    t.send("\x1b");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

/// Issue 19, item 6: `T` on the list tests every connection against a loopback service; each
/// row's TEST mark says how it went, the status line the tally; a connection whose endpoint
/// the CLI changes meanwhile is marked stale (`?`) once the TUI sees the file change.
#[test]
fn t_on_the_list_tests_every_connection_and_a_cli_change_marks_its_result_stale() {
    use common::http::{Route, routes_server};
    let (port, _) = routes_server(
        vec![
            Route {
                prefix: "/bad",
                status: 401,
                body: r#"{"error":{"message":"Access denied"}}"#,
                headers: &[],
            },
            Route {
                prefix: "/openai",
                status: 200,
                body: r#"{"data":[]}"#,
                headers: &[],
            },
        ],
        std::time::Duration::ZERO,
    );
    let d = tempfile::tempdir().unwrap();
    let aoai = |name: &str, base: &str| {
        create(
            d.path(),
            &[
                "--type",
                "azure_open_ai",
                "--name",
                name,
                "--set",
                &format!("api_base={base}"),
                "--set",
                "api_key=fake-key-0801-pty",
            ],
        )
    };
    aoai("good", &format!("http://127.0.0.1:{port}"));
    aoai("refused", &format!("http://127.0.0.1:{port}/bad"));
    create(
        d.path(),
        &[
            "--type",
            "custom",
            "--name",
            "svc",
            "--set",
            "configs.region=eu",
            "--set",
            "secrets.token=fake-key-0801-pty",
        ],
    );
    let mut t = Pty::spawn(d.path(), &[], 80, 24);
    t.wait_for("refused");
    t.send("T");
    t.wait_for("Tested 3 connections: 1 ok, 1 failed, 1 skipped.");
    let row = |s: &str, name: &str| {
        s.lines()
            .find(|l| l.contains(&format!(" {name} ")))
            .unwrap_or_else(|| panic!("no row {name}:\n{s}"))
            .to_string()
    };
    let s = t.screen();
    assert!(row(&s, "good").contains('✓'), "{s}");
    assert!(row(&s, "refused").contains('✗'), "{s}");
    assert!(row(&s, "svc").contains('–'), "{s}");
    // The selected one's result in the status line once the tally is replaced.
    t.send("j");
    t.wait_for("✗ refused:");
    let o = cmd(
        d.path(),
        &[
            "update",
            "good",
            "--set",
            &format!("api_base=http://127.0.0.1:{port}/v2"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    t.wait_until("the changed one is stale", |s| {
        row(s, "good").contains("✓?")
    });
    assert!(!row(&t.screen(), "refused").contains('?'));
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert!(!t.raw_text().contains("fake-key-0801-pty"));
}

/// Issue 19, item 8: at 60 columns a status of three rows is cut with the key that shows it;
/// ^L opens it whole, its advice at the end included.
#[test]
fn a_status_cut_at_60_columns_opens_whole_with_ctrl_l() {
    let d = tempfile::tempdir().unwrap();
    let make = |base: &str| {
        let o = cmd(
            d.path(),
            &[
                "create",
                "--type",
                "azure_open_ai",
                "--name",
                "prod",
                "--set",
                &format!("api_base={base}"),
                "--set",
                "api_key=fake-key-0802",
            ],
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
    };
    make("https://r.openai.azure.com");
    let mut t = Pty::spawn(d.path(), &[], 60, 16);
    t.wait_for("prod");
    t.send("\r");
    t.send(DOWN);
    t.send("x"); // an unsaved edit
    t.send(ESC);
    let o = cmd(
        d.path(),
        &[
            "update",
            "prod",
            "--set",
            "api_base=https://s.openai.azure.com",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    t.wait_for("^L shows all");
    assert!(!t.screen().contains("see the new version"));
    t.send("\x0c"); // Ctrl-L
    t.wait_for("see the new version");
    t.send(ESC);
    t.wait_until("the popup is closed", |s| {
        !s.contains("see the new version")
    });
    t.send("\x03"); // Ctrl-C: unsaved changes, so it asks
    t.wait_for("Quit and lose them?");
    t.send("y");
    assert_eq!(t.wait_exit(), 0);
}
