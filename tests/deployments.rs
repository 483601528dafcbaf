//! `aiconn deployments` against a loopback server answering in the service's JSON shapes:
//! the resource route with the key, the project route with an Entra ID token, and the
//! messages for 404, 401 and an empty list.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::http::*;
use common::*;
use std::time::Duration;

const KEY: &str = "fake-key-1501";

const CLASSIC: &str = r#"{"data": [
  {"scale_settings": {"scale_type": "standard"}, "model": "gpt-4o", "owner": "organization-owner", "id": "gpt-4o", "status": "succeeded", "created_at": 1723000000, "updated_at": 1723000000, "object": "deployment"},
  {"scale_settings": {"scale_type": "standard"}, "model": "text-embedding-3-small", "owner": "organization-owner", "id": "emb", "status": "succeeded", "created_at": 1723000000, "updated_at": 1723000000, "object": "deployment"}
], "object": "list"}"#;

fn conn(dir: &std::path::Path, ty: &str, url: &str) {
    let set = format!(
        "{}={url}",
        if ty == "azure_ai" {
            "endpoint"
        } else {
            "api_base"
        }
    );
    let key = format!("api_key={KEY}");
    create(
        dir,
        &[
            "--type", ty, "--name", "c", "--raw", "--set", &set, "--set", &key,
        ],
    );
}

/// What the TUI's worker thread holds: the store and a keychain backend (no vault).
fn worker(dir: &std::path::Path) -> (aiconn::store::Store, Box<dyn aiconn::secrets::SecretStore>) {
    let backend = aiconn::service::secret_backend(
        &aiconn::store::Store::new(dir),
        aiconn::model::Backend::Keychain,
        std::sync::Arc::new(|_| unreachable!("no vault here")),
    );
    (aiconn::store::Store::new(dir), Box::new(backend))
}

fn deployments(dir: &std::path::Path, extra: &[&str]) -> Out {
    let mut args = vec!["deployments", "c"];
    args.extend_from_slice(extra);
    let o = cmd(dir, &args);
    assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
    o
}

#[test]
fn the_resource_route_lists_deployments_with_the_key() {
    let d = tempfile::tempdir().unwrap();
    let (port, seen) = server(200, CLASSIC, Duration::ZERO);
    conn(
        d.path(),
        "azure_open_ai",
        &format!("http://127.0.0.1:{port}/"),
    );
    let o = deployments(d.path(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("gpt-4o") && o.stdout.contains("text-embedding-3-small"),
        "{}",
        o.stdout
    );
    let got = seen.lock().unwrap()[0].clone();
    assert_eq!(
        got.path,
        "/openai/deployments?api-version=2023-03-15-preview"
    );
    assert_eq!(got.header("api-key"), Some(KEY));
    let o = deployments(d.path(), &["--json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v[1]["id"], "emb");
    assert_eq!(v[1]["model"], "text-embedding-3-small");
}

#[test]
fn a_deployment_url_is_checked_against_the_list() {
    let d = tempfile::tempdir().unwrap();
    let (port, seen) = server(200, CLASSIC, Duration::ZERO);
    conn(
        d.path(),
        "azure_ai",
        &format!("http://127.0.0.1:{port}/openai/deployments/gpt-4o"),
    );
    let o = deployments(d.path(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("deployment 'gpt-4o' exists"),
        "{}",
        o.stderr
    );
    assert_eq!(
        seen.lock().unwrap()[0].path,
        "/openai/deployments?api-version=2023-03-15-preview"
    );
    let d = tempfile::tempdir().unwrap();
    let (port, _) = server(200, CLASSIC, Duration::ZERO);
    conn(
        d.path(),
        "azure_ai",
        &format!("http://127.0.0.1:{port}/openai/deployments/gpt-4-typo"),
    );
    let o = deployments(d.path(), &[]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("'gpt-4-typo', which is not among these"),
        "{}",
        o.stderr
    );
}

#[test]
fn not_offered_refused_and_empty_each_say_what_to_do() {
    for (status, body, code, want) in [
        (
            404,
            r#"{"error":{"code":"404","message":"Resource not found"}}"#,
            1,
            "does not offer the deployments listing",
        ),
        (
            401,
            r#"{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}}"#,
            1,
            "the key was refused",
        ),
        (
            200,
            r#"{"data": [], "object": "list"}"#,
            0,
            "No deployments on this resource yet",
        ),
    ] {
        let d = tempfile::tempdir().unwrap();
        let (port, _) = server(status, body, Duration::ZERO);
        conn(
            d.path(),
            "azure_open_ai",
            &format!("http://127.0.0.1:{port}/"),
        );
        let o = deployments(d.path(), &[]);
        assert_eq!(o.code, code, "{status}: {}", o.stderr);
        assert!(o.stderr.contains(want), "{status}: {}", o.stderr);
    }
}

#[test]
fn a_foundry_project_is_listed_with_an_entra_id_token() {
    let d = tempfile::tempdir().unwrap();
    let (port, seen) = server(
        200,
        r#"{"value": [{"name": "gpt-4o-mini", "modelName": "gpt-4o-mini", "modelVersion": "2024-07-18", "modelPublisher": "OpenAI", "capabilities": {"chat_completion": "true"}, "sku": {"name": "GlobalStandard", "capacity": 10}, "type": "ModelDeployment"}]}"#,
        Duration::ZERO,
    );
    // A project endpoint on this machine (a loopback stand-in for <resource>.services.ai.azure.com).
    create(
        d.path(),
        &[
            "--type",
            "azure_ai",
            "--name",
            "c",
            "--raw",
            "--set",
            &format!("endpoint=http://127.0.0.1:{port}/api/projects/proj"),
            "--set",
            &format!("api_key={KEY}"),
        ],
    );
    let bin = fake_az(d.path(), true);
    let mut c = aiconn(d.path());
    c.args(["deployments", "c", "--json"])
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()));
    let o = run(c);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v[0]["id"], "gpt-4o-mini");
    assert_eq!(v[0]["version"], "2024-07-18");
    let got = seen.lock().unwrap()[0].clone();
    assert_eq!(got.path, "/api/projects/proj/deployments?api-version=v1");
    assert_eq!(got.header("authorization"), Some("Bearer fake-token-0501"));
    assert_eq!(
        got.header("api-key"),
        None,
        "a project takes Entra ID, not the key"
    );
    assert_eq!(
        std::fs::read_to_string(bin.join("resource"))
            .unwrap()
            .trim(),
        "https://ai.azure.com"
    );
}

#[test]
fn the_tui_picker_lists_and_puts_the_picked_name_in_a_deployment_url() {
    use aiconn::tui::app::{Action, App, Effect, Popup};
    use aiconn::tui::update::update;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key =
        |app: &mut App, c: KeyCode| update(app, Action::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    let (port, seen) = server(200, CLASSIC, Duration::ZERO);
    let d = tempfile::tempdir().unwrap();
    conn(
        d.path(),
        "azure_ai",
        &format!("http://127.0.0.1:{port}/openai/deployments/gpt-4-typo"),
    );
    let stored = aiconn::store::Store::new(d.path())
        .snapshot()
        .unwrap()
        .connections;
    let mut app = App::new(stored, false);
    app.size = (100, 30);
    key(&mut app, KeyCode::Enter); // open the form
    let fx = update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    let Some(Effect::ListDeployments {
        target,
        conn,
        key: typed,
        stored_name,
    }) = fx.into_iter().next()
    else {
        panic!("D starts no listing");
    };
    assert!(typed.is_none(), "nothing typed: the stored key is used");
    assert_eq!(stored_name.as_deref(), Some("c"));
    // The worker runs it against the service; here with the key as if typed (the stored-key
    // path is the CLI's, tested above).
    let (store, mut backend) = worker(d.path());
    let action = aiconn::tui::effects::run_effect(
        &store,
        &mut backend,
        Effect::ListDeployments {
            target,
            conn,
            key: Some(secrecy::SecretString::from(KEY)),
            stored_name: None,
        },
    );
    assert_eq!(seen.lock().unwrap()[0].header("api-key"), Some(KEY));
    update(&mut app, action);
    assert!(
        matches!(app.popup, Some(Popup::PickDeployment { .. })),
        "{:?}",
        app.popup
    );
    let (_, msg) = app.status.clone().unwrap();
    assert!(
        msg.contains("'gpt-4-typo', which is not deployed here"),
        "{msg}"
    );
    key(&mut app, KeyCode::Enter); // the first: gpt-4o
    let id = app.selected.clone().unwrap();
    let (saved, _) = app.draft(&id).unwrap().to_connection();
    assert_eq!(
        saved.values["endpoint"],
        format!("http://127.0.0.1:{port}/openai/deployments/gpt-4o")
    );
}

#[test]
fn the_guided_setup_lists_deployments_after_the_key_and_fills_the_pick() {
    use aiconn::tui::app::{Action, App, Effect, Popup, TestTarget};
    use aiconn::tui::update::update;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key =
        |app: &mut App, c: KeyCode| update(app, Action::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    let (port, seen) = server(200, CLASSIC, Duration::ZERO);
    let d = tempfile::tempdir().unwrap();
    let mut app = App::new(vec![], false);
    app.size = (80, 24);
    aiconn::tui::update::start_wizard(&mut app);
    update(&mut app, Action::Probed(Ok(())));
    key(&mut app, KeyCode::Enter); // nothing to paste: the service picker
    key(&mut app, KeyCode::Enter); // Azure AI (Foundry), first in the list
    update(&mut app, Action::Paste("setup".into()));
    key(&mut app, KeyCode::Enter);
    let url = format!("http://127.0.0.1:{port}/openai/deployments/gpt-4-typo");
    update(&mut app, Action::Paste(url));
    key(&mut app, KeyCode::Enter);
    update(&mut app, Action::Paste(KEY.into()));
    key(&mut app, KeyCode::Enter);
    for _ in 0..10 {
        if app.wizard().unwrap().step == aiconn::tui::wizard::Step::Review {
            break;
        }
        key(&mut app, KeyCode::Enter); // past optional extras
    }
    let fx = key(&mut app, KeyCode::Char('D'));
    let Some(effect @ Effect::ListDeployments { .. }) = fx.into_iter().next() else {
        panic!("D on the review starts no listing");
    };
    let Effect::ListDeployments {
        target, key: typed, ..
    } = &effect
    else {
        unreachable!()
    };
    assert_eq!(*target, TestTarget::Wizard);
    assert!(typed.is_some(), "the key typed in the setup is used");
    let (store, mut backend) = worker(d.path());
    let action = aiconn::tui::effects::run_effect(&store, &mut backend, effect);
    assert_eq!(seen.lock().unwrap()[0].header("api-key"), Some(KEY));
    update(&mut app, action);
    assert!(matches!(app.popup, Some(Popup::PickDeployment { .. })));
    key(&mut app, KeyCode::Down); // emb
    key(&mut app, KeyCode::Enter);
    assert!(app.wizard().is_some(), "still in the guided setup");
    assert_eq!(
        app.wizard().unwrap().form().unwrap().value("endpoint"),
        format!("http://127.0.0.1:{port}/openai/deployments/emb")
    );
}

/// Issue 17 finding 10: `D` / `deployments` on an OpenAI connection called the Azure
/// deployments route on the OpenAI host. A type with no deployment has none to list: say so,
/// and send nothing (no key leaves for a route that does not exist).
#[test]
fn a_type_without_deployments_is_told_so_and_nothing_is_sent() {
    let d = tempfile::tempdir().unwrap();
    let (port, seen) = server(200, CLASSIC, Duration::ZERO);
    for (ty, field) in [("open_ai", "base_url"), ("serverless", "api_base")] {
        let _ = cmd(d.path(), &["delete", "c", "--yes"]);
        create(
            d.path(),
            &[
                "--type",
                ty,
                "--name",
                "c",
                "--raw",
                "--set",
                &format!("{field}=http://127.0.0.1:{port}/v1"),
                "--set",
                &format!("api_key={KEY}"),
            ],
        );
        let o = deployments(d.path(), &[]);
        assert_ne!(o.code, 0, "{ty}");
        assert!(
            o.stderr.contains("has no deployments"),
            "{ty}: {}",
            o.stderr
        );
    }
    assert!(seen.lock().unwrap().is_empty(), "a request was sent");
}

/// Issue 20: a key the keychain cannot give, for `deployments` and the form's `D`: the core's
/// typed error, worded by each face with its ways forward (commands in the CLI, the TUI's
/// status the same advice).
#[test]
fn a_key_the_keychain_cannot_give_lists_nothing_and_says_the_way_forward() {
    use aiconn::tui::app::{App, Effect, EntryId, TestTarget};
    use aiconn::tui::update::update;
    let d = tempfile::tempdir().unwrap();
    let url = "https://contoso.openai.azure.com/";
    no_bus::keychain_connection(d.path(), "azure_open_ai", "api_base", url);
    let mut c = aiconn_headless(d.path());
    c.args(["deployments", "c"]);
    let o = run(c);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("no D-Bus session bus")
            && o.stderr.contains("aiconn secrets migrate --to vault"),
        "{}",
        o.stderr
    );

    let store = aiconn::store::Store::new(d.path());
    let conn = store.find("c").unwrap().unwrap();
    let mut backend: Box<dyn aiconn::secrets::SecretStore> = Box::new(no_bus::NoBus);
    let target = TestTarget::Entry(EntryId::Stored("c".into()));
    let effect = Effect::ListDeployments {
        target,
        conn: conn.clone(),
        key: None,
        stored_name: Some("c".into()),
    };
    let action = aiconn::tui::effects::run_effect(&store, &mut backend, effect);
    let mut app = App::new(vec![conn], false);
    update(&mut app, action);
    let (_, text) = app.status.clone().unwrap();
    assert!(
        text.contains("no D-Bus session bus")
            && text.contains("secrets migrate --to vault")
            && text.contains("`aiconn doctor` says why"),
        "{text}"
    );
}
