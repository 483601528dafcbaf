//! Sign in with Azure in the TUI: the flow's state machine (actions in, state and effects
//! out), its popup in a buffer, and the real binary in a pty against a loopback Resource
//! Manager with a stand-in `az` on PATH.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use aiconn::azure::ArmError;
use aiconn::azure::add::{PrepareError, Prepared, plan};
use aiconn::azure::arm::Arm;
use aiconn::azure::discover::{Account, Deployment, Subscription};
use aiconn::azure::lifecycle::{Lifecycle, Source, parse_day};
use aiconn::tui::app::{Action, App, ArmHandle, Effect, EntryId, Focus, Level, Popup};
use aiconn::tui::azure_pick::{AzurePick, Pick, Stage};
use aiconn::tui::form::text_of;
use aiconn::tui::update::update;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::time::Duration;

const KEY: &str = "fake-key-2141";
const RG: &str =
    "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts";

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}
fn ch(app: &mut App, c: char) -> Vec<Effect> {
    key(app, KeyCode::Char(c))
}

fn arm() -> ArmHandle {
    Arc::new(
        Arm::new(
            "http://127.0.0.1:9",
            SecretString::from("fake-token-2142".to_string()),
            Duration::from_secs(1),
        )
        .unwrap(),
    )
}

fn sub(id: &str, name: &str) -> Subscription {
    Subscription {
        id: id.into(),
        name: name.into(),
        state: Some("Enabled".into()),
        accounts: vec![],
        error: None,
    }
}

fn account(name: &str, kind: &str, disabled: bool) -> Account {
    Account {
        id: format!("{RG}/{name}"),
        name: name.into(),
        kind: kind.into(),
        location: "eastus2".into(),
        resource_group: "rg".into(),
        endpoint: Some(format!("https://{name}.cognitiveservices.azure.com/")),
        endpoints: [(
            "OpenAI Language Model Instance API".to_string(),
            format!("https://{name}.openai.azure.com/"),
        )]
        .into_iter()
        .collect(),
        key_auth_disabled: disabled,
        projects: vec![],
        deployments: vec![],
        errors: vec![],
    }
}

fn dep(name: &str, model: &str, retires: Option<&str>) -> Deployment {
    Deployment {
        name: name.into(),
        model: Some(model.into()),
        version: Some("2024-05-13".into()),
        format: Some("OpenAI".into()),
        sku: None,
        capacity: None,
        state: None,
        lifecycle: retires.map(|r| Lifecycle {
            status: None,
            retires: Some(r.into()),
            replacement: None,
            source: Source::Arm,
        }),
    }
}

fn filled(name: &str, kind: &str) -> Account {
    let mut a = account(name, kind, false);
    a.deployments = vec![
        dep("chat", "gpt-4o", Some("2027-01-15")),
        dep("embed", "text-embedding-3-large", None),
    ];
    a
}

fn app() -> App {
    let mut a = App::new(vec![], false);
    a.size = (100, 30);
    a.az_available = true;
    a.today = parse_day("2026-12-02").unwrap();
    a
}

fn pick(app: &App) -> &AzurePick {
    match &app.popup {
        Some(Popup::Azure(p)) => p,
        other => panic!("the sign-in popup is not open: {other:?}"),
    }
}

/// The flow opened from the type picker, signed in, showing two subscriptions.
fn signed_in() -> App {
    let mut app = app();
    ch(&mut app, 'n');
    let fx = ch(&mut app, 'a');
    assert!(matches!(fx.as_slice(), [Effect::AzureSignIn]), "{fx:?}");
    update(
        &mut app,
        Action::AzureSignedIn(Ok((
            arm(),
            vec![sub("sub-1", "Contoso Dev"), sub("sub-2", "Contoso Prod")],
        ))),
    );
    app
}

#[test]
fn sign_in_is_offered_only_when_az_is_on_path() {
    let mut app = app();
    app.az_available = false;
    ch(&mut app, 'n');
    assert!(ch(&mut app, 'a').is_empty());
    assert!(matches!(app.popup, Some(Popup::PickType { .. })));
    let hints = aiconn::tui::bar::hints_for(&app);
    assert!(!hints.iter().any(|(_, h)| h.contains("Azure")), "{hints:?}");
    app.az_available = true;
    let hints = aiconn::tui::bar::hints_for(&app);
    assert!(hints.iter().any(|(_, h)| h.contains("Azure")), "{hints:?}");
    let fx = ch(&mut app, 'a');
    assert!(matches!(fx.as_slice(), [Effect::AzureSignIn]));
    assert!(pick(&app).busy.is_some(), "signing in shows progress");
    // The guided setup offers it too, on its service list (its first screen takes a paste:
    // a letter there is text; Enter with nothing typed goes to the list).
    app.popup = None;
    aiconn::tui::update::start_wizard(&mut app);
    key(&mut app, KeyCode::Enter);
    let fx = ch(&mut app, 'a');
    assert!(
        fx.iter().any(|e| matches!(e, Effect::AzureSignIn)),
        "{fx:?}"
    );
}

/// Issue 21: with one subscription there is nothing to choose: the flow lists its resources
/// straight away and says which subscription it used; Esc still shows the list of one.
#[test]
fn a_single_subscription_is_used_without_asking_and_named() {
    let mut app = app();
    ch(&mut app, 'n');
    ch(&mut app, 'a');
    let fx = update(
        &mut app,
        Action::AzureSignedIn(Ok((arm(), vec![sub("sub-9", "Only One")]))),
    );
    match fx.as_slice() {
        [Effect::AzureAccounts { subscription, .. }] => assert_eq!(subscription, "sub-9"),
        other => panic!("the only subscription is listed at once: {other:?}"),
    }
    assert_eq!(app.pending, 1, "the listing is in flight");
    assert!(pick(&app).busy.is_some());
    update(
        &mut app,
        Action::AzureAccountsListed {
            subscription: "sub-9".into(),
            result: Ok(vec![account("aoai", "OpenAI", false)]),
        },
    );
    let p = pick(&app);
    assert_eq!(p.stage, Stage::Accounts);
    assert_eq!(p.subscription.as_deref(), Some("Only One"));
    let note = p.note.clone().unwrap_or_default();
    assert!(
        note.contains("Only One") && note.contains("sub-9") && note.contains("only subscription"),
        "the flow says which subscription it used: {note:?}"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(pick(&app).stage, Stage::Subscriptions);
    assert_eq!(pick(&app).rows(), vec![Pick::Subscription(0)]);
    // Two subscriptions: the user picks, nothing is listed before.
    let app = signed_in();
    assert_eq!(pick(&app).stage, Stage::Subscriptions);
    assert_eq!(app.pending, 0);
    assert!(pick(&app).note.is_none());
}

#[test]
fn subscription_resource_deployment_then_the_form_holds_endpoint_and_masked_key() {
    let mut app = signed_in();
    // `/` filters the list; Enter keeps the filter, Enter again takes the row.
    ch(&mut app, '/');
    for c in "prod".chars() {
        ch(&mut app, c);
    }
    assert_eq!(pick(&app).rows(), vec![Pick::Subscription(1)]);
    key(&mut app, KeyCode::Enter);
    assert!(!pick(&app).filtering);
    let fx = key(&mut app, KeyCode::Enter);
    match fx.as_slice() {
        [Effect::AzureAccounts { subscription, .. }] => assert_eq!(subscription, "sub-2"),
        other => panic!("{other:?}"),
    }
    update(
        &mut app,
        Action::AzureAccountsListed {
            subscription: "sub-2".into(),
            result: Ok(vec![
                account("foundry", "AIServices", false),
                account("aoai", "OpenAI", false),
            ]),
        },
    );
    assert_eq!(pick(&app).stage, Stage::Accounts);
    assert!(pick(&app).filter.is_empty(), "each list starts unfiltered");
    key(&mut app, KeyCode::Down);
    let fx = key(&mut app, KeyCode::Enter);
    let Some(Effect::AzureFill { account, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!(account.name, "aoai");
    update(
        &mut app,
        Action::AzureFilled(Box::new(filled("aoai", "OpenAI"))),
    );
    let rows = pick(&app).rows();
    assert_eq!(
        rows,
        vec![Pick::Whole, Pick::Deployment(0), Pick::Deployment(1)]
    );
    key(&mut app, KeyCode::Down);
    let fx = key(&mut app, KeyCode::Enter);
    let Some(Effect::AzurePrepare {
        name,
        account,
        deployment,
        entra,
        ..
    }) = fx.first()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (name.as_str(), deployment.as_ref().unwrap().name.as_str()),
        ("chat", "chat")
    );
    assert!(!entra);
    // The worker's answer: `azure::add::prepare`'s result (the plan and the key).
    let p = plan(name, account, deployment.as_ref(), None, false).unwrap();
    update(
        &mut app,
        Action::AzurePrepared {
            account: Box::new(account.clone()),
            result: Ok(Box::new(Prepared {
                plan: p,
                key: Some(SecretString::from(KEY.to_string())),
            })),
        },
    );
    assert!(app.popup.is_none());
    assert_eq!(app.focus(), Focus::Form);
    let id = app.selected.clone().unwrap();
    assert!(matches!(id, EntryId::New(_)));
    let f = app.draft(&id).unwrap();
    assert_eq!(text_of(&f.name), "chat");
    let (conn, secrets) = f.to_connection();
    assert_eq!(conn.type_id(), "azure_ai");
    assert_eq!(
        conn.values["endpoint"],
        "https://aoai.openai.azure.com/openai/deployments/chat"
    );
    assert_eq!(secrets["api_key"].expose_secret(), KEY);
    // The deployment's model is recorded (aiconn's own fields) to date it later, offline.
    assert_eq!(
        (
            conn.values["model_name"].as_str(),
            conn.values["model_version"].as_str()
        ),
        ("gpt-4o", "2024-05-13")
    );
    let status = &app.status.as_ref().unwrap().1;
    assert!(!status.contains(KEY) && status.contains("aoai"), "{status}");
    assert!(
        status.contains("retires 2027-01-15, in 44 days"),
        "the pick's retirement is said: {status}"
    );
}

#[test]
fn a_foundry_resource_offers_all_models_as_one_connection_and_names_never_clash() {
    let mut app = signed_in();
    app.set_stored(vec![
        aiconn::model::Connection::new("foundry", "serp").unwrap(),
    ]);
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::AzureAccountsListed {
            subscription: "sub-1".into(),
            result: Ok(vec![account("foundry", "AIServices", false)]),
        },
    );
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::AzureFilled(Box::new(filled("foundry", "AIServices"))),
    );
    ch(&mut app, '/');
    ch(&mut app, 'a');
    ch(&mut app, 'l');
    ch(&mut app, 'l');
    assert_eq!(
        pick(&app).rows(),
        vec![Pick::Whole],
        "the filter keeps 'all models'"
    );
    key(&mut app, KeyCode::Enter);
    let fx = key(&mut app, KeyCode::Enter);
    let Some(Effect::AzurePrepare {
        name, deployment, ..
    }) = fx.first()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(name, "foundry-2", "a taken name gets a suffix");
    assert!(deployment.is_none());
}

/// Issue 21: a Foundry account's projects are rows of its list too; picking one opens a
/// keyless `foundry_project` connection on the project endpoint, with no request (no key).
#[test]
fn a_foundry_project_is_offered_and_opens_a_keyless_project_connection() {
    use aiconn::azure::discover::Project;
    let mut app = signed_in();
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::AzureAccountsListed {
            subscription: "sub-1".into(),
            result: Ok(vec![account("foundry", "AIServices", false)]),
        },
    );
    key(&mut app, KeyCode::Enter);
    let mut a = filled("foundry", "AIServices");
    a.projects = vec![Project {
        name: "proj1".into(),
        endpoint: Some("https://foundry.services.ai.azure.com/api/projects/proj1".into()),
    }];
    update(&mut app, Action::AzureFilled(Box::new(a)));
    assert_eq!(
        pick(&app).rows(),
        vec![
            Pick::Whole,
            Pick::Deployment(0),
            Pick::Deployment(1),
            Pick::Project(0)
        ]
    );
    {
        use ratatui::{Terminal, backend::TestBackend};
        let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
        t.draw(|f| aiconn::tui::render::draw(f, &app, "~/.config/aiconn"))
            .unwrap();
        let b = t.backend().buffer();
        let text: String = (0..b.area.height)
            .map(|y| {
                (0..b.area.width)
                    .map(|x| b[(x, y)].symbol())
                    .collect::<String>()
                    + "\n"
            })
            .collect();
        let row = text
            .lines()
            .find(|l| l.contains("proj1"))
            .unwrap_or_default();
        assert!(
            row.contains("project (Foundry SDK, agents; Entra ID)"),
            "{text}"
        );
    }
    // The filter finds it by name.
    ch(&mut app, '/');
    for c in "proj".chars() {
        ch(&mut app, c);
    }
    assert_eq!(pick(&app).rows(), vec![Pick::Project(0)]);
    key(&mut app, KeyCode::Enter);
    let fx = key(&mut app, KeyCode::Enter);
    assert!(fx.is_empty(), "a project needs no request: {fx:?}");
    assert!(app.popup.is_none());
    let id = app.selected.clone().unwrap();
    let f = app.draft(&id).unwrap();
    assert_eq!(text_of(&f.name), "proj1");
    let (conn, secrets) = f.to_connection();
    assert_eq!(conn.type_id(), "foundry_project");
    assert_eq!(
        conn.values["endpoint"],
        "https://foundry.services.ai.azure.com/api/projects/proj1"
    );
    assert!(secrets.is_empty());
    let status = &app.status.as_ref().unwrap().1;
    assert!(status.contains("Microsoft Entra ID"), "{status}");
}

#[test]
fn each_failure_is_said_in_the_flow() {
    // Not signed in / no az: the sign-in's own advice.
    for e in [ArmError::NotSignedIn, ArmError::NoAz] {
        let mut app = app();
        ch(&mut app, 'n');
        ch(&mut app, 'a');
        update(&mut app, Action::AzureSignedIn(Err(e)));
        let err = pick(&app).error.clone().unwrap();
        assert!(err.contains("az login --use-device-code"), "{err}");
        assert!(pick(&app).busy.is_none());
    }
    // A subscription whose resources cannot be listed: named, and the list stays.
    let mut app = signed_in();
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::AzureAccountsListed {
            subscription: "sub-1".into(),
            result: Err(ArmError::Status {
                status: 403,
                code: "AuthorizationFailed".into(),
                message: "no access".into(),
            }),
        },
    );
    let p = pick(&app);
    assert_eq!(p.stage, Stage::Subscriptions);
    assert!(
        p.error.as_ref().unwrap().contains("Contoso Dev"),
        "{:?}",
        p.error
    );
    // listKeys refused: the role is named and `e` goes keyless.
    update(
        &mut app,
        Action::AzureAccountsListed {
            subscription: "sub-1".into(),
            result: Ok(vec![account("nokeys", "OpenAI", false)]),
        },
    );
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::AzureFilled(Box::new(filled("nokeys", "OpenAI"))),
    );
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::AzurePrepared {
            account: Box::new(account("nokeys", "OpenAI", false)),
            result: Err(PrepareError::KeysForbidden(
                "you may not read the keys of 'nokeys': listKeys needs ... Cognitive Services Contributor".into(),
            )),
        },
    );
    let err = pick(&app).error.clone().unwrap();
    assert!(
        err.contains("Cognitive Services Contributor") && err.contains("press e"),
        "{err}"
    );
    assert!(aiconn::tui::azure_pick::offers_keyless(&app));
    let fx = ch(&mut app, 'e');
    assert!(
        matches!(fx.first(), Some(Effect::AzurePrepare { entra: true, .. })),
        "{fx:?}"
    );
}

#[test]
fn key_auth_disabled_opens_a_keyless_entra_connection() {
    let mut app = signed_in();
    let locked = account("locked", "AIServices", true);
    let p = plan("locked", &locked, None, None, false).unwrap();
    update(
        &mut app,
        Action::AzurePrepared {
            account: Box::new(locked),
            result: Ok(Box::new(Prepared { plan: p, key: None })),
        },
    );
    let id = app.selected.clone().unwrap();
    let (conn, secrets) = app.draft(&id).unwrap().to_connection();
    assert_eq!(conn.type_id(), "azure_open_ai");
    assert_eq!(conn.values["auth_mode"], "meid_token");
    assert!(secrets.is_empty());
    let (level, status) = app.status.clone().unwrap();
    assert_eq!(level, Level::Info);
    assert!(status.contains("disableLocalAuth"), "{status}");
}

#[test]
fn esc_goes_back_a_list_at_a_time_and_a_late_answer_is_dropped() {
    let mut app = signed_in();
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::AzureAccountsListed {
            subscription: "sub-1".into(),
            result: Ok(vec![account("aoai", "OpenAI", false)]),
        },
    );
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::AzureFilled(Box::new(filled("aoai", "OpenAI"))),
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(pick(&app).stage, Stage::Accounts);
    key(&mut app, KeyCode::Esc);
    assert_eq!(pick(&app).stage, Stage::Subscriptions);
    // Esc while the worker is busy closes; its answer then changes nothing.
    key(&mut app, KeyCode::Enter);
    assert!(pick(&app).busy.is_some());
    key(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none());
    update(
        &mut app,
        Action::AzureAccountsListed {
            subscription: "sub-1".into(),
            result: Ok(vec![]),
        },
    );
    assert!(app.popup.is_none() && app.drafts.is_empty());
    assert_eq!(app.pending, 0, "every answer ends its working count");
}

#[test]
fn the_deployments_list_shows_model_version_and_retirement() {
    use ratatui::{Terminal, backend::TestBackend};
    let mut app = signed_in();
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::AzureAccountsListed {
            subscription: "sub-1".into(),
            result: Ok(vec![account("foundry", "AIServices", false)]),
        },
    );
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::AzureFilled(Box::new(filled("foundry", "AIServices"))),
    );
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| aiconn::tui::render::draw(f, &app, "~/.config/aiconn"))
        .unwrap();
    let b = t.backend().buffer();
    let text: String = (0..b.area.height)
        .map(|y| {
            (0..b.area.width)
                .map(|x| b[(x, y)].symbol())
                .collect::<String>()
                + "\n"
        })
        .collect();
    assert!(text.contains("Sign in with Azure"), "{text}");
    assert!(text.contains("Deployments of 'foundry'"), "{text}");
    assert!(text.contains("> all models (one connection)"), "{text}");
    let chat = text.lines().find(|l| l.contains("chat")).unwrap();
    assert!(
        chat.contains("gpt-4o")
            && chat.contains("2024-05-13")
            && chat.contains("retires 2027-01-15"),
        "{chat}"
    );
    assert!(
        text.contains("keyless"),
        "the bar offers keyless here: {text}"
    );
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A stand-in `az` (public cloud, a token) in `dir`/azbin.
fn stand_in_az(dir: &std::path::Path) -> std::path::PathBuf {
    let bin = dir.join("azbin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = "#!/bin/sh\ncase \"$1 $2\" in\n\"cloud show\") printf '%s' '{\"name\": \"AzureCloud\", \"endpoints\": {\"resourceManager\": \"https://management.azure.com/\"}}' ;;\n\"account get-access-token\") printf '%s' '{\"accessToken\": \"fake-token-2143\", \"tokenType\": \"Bearer\"}' ;;\n*) exit 2 ;;\nesac\n";
    let p = bin.join("az");
    std::fs::write(&p, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// Resource Manager's answers (subscriptions 2022-12-01, CognitiveServices 2025-06-01).
fn arm_routes() -> Vec<common::http::Route> {
    let route = |prefix: String, body: String| common::http::Route {
        prefix: leak(prefix),
        status: 200,
        body: leak(body),
        headers: &[],
    };
    let acct = |name: &str, kind: &str| {
        format!(
            r#"{{"id": "{RG}/{name}", "name": "{name}", "kind": "{kind}", "location": "eastus2",
            "properties": {{"endpoint": "https://{name}.cognitiveservices.azure.com/", "endpoints": {{"OpenAI Language Model Instance API": "https://{name}.openai.azure.com/"}}, "disableLocalAuth": false}}}}"#
        )
    };
    let mut r = vec![
        route("/subscriptions?api-version=2022-12-01".into(), r#"{"value": [
            {"id": "/subscriptions/sub-1", "subscriptionId": "sub-1", "displayName": "Contoso Dev", "state": "Enabled"}]}"#.into()),
        route(
            "/subscriptions/sub-1/providers/Microsoft.CognitiveServices/accounts?api-version=2025-06-01".into(),
            format!(r#"{{"value": [{}, {}]}}"#, acct("foundry", "AIServices"), acct("aoai", "OpenAI")),
        ),
    ];
    for a in ["foundry", "aoai"] {
        r.push(route(format!("{RG}/{a}/deployments?"), r#"{"value": [
            {"id": "x", "name": "chat", "sku": {"name": "GlobalStandard", "capacity": 10}, "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-05-13"}, "provisioningState": "Succeeded"}}]}"#.into()));
        r.push(route(format!("{RG}/{a}/models?"), r#"{"value": [
            {"format": "OpenAI", "name": "gpt-4o", "version": "2024-05-13", "lifecycleStatus": "Deprecating", "deprecation": {"inference": "2027-01-15T00:00:00Z"}}]}"#.into()));
        r.push(route(
            format!("{RG}/{a}/projects?"),
            r#"{"value": []}"#.into(),
        ));
        r.push(route(
            format!("{RG}/{a}/listKeys?"),
            format!(r#"{{"key1": "{KEY}", "key2": "fake-key-2149"}}"#),
        ));
    }
    r
}

/// aiconn in a pty on config dir `dir` with `path` as PATH, against the test keyring and the
/// loopback Resource Manager on `arm_port`.
fn spawn(dir: &std::path::Path, path: &str, arm_port: u16) -> common::pty::Pty {
    let k = common::keyring();
    let mut cmd = portable_pty::CommandBuilder::new(common::bin());
    cmd.env("AICONN_CONFIG_DIR", dir);
    cmd.env("DBUS_SESSION_BUS_ADDRESS", &k.bus);
    cmd.env("XDG_RUNTIME_DIR", &k.runtime);
    cmd.env("XDG_DATA_HOME", &k.data);
    cmd.env("TERM", "xterm-256color");
    cmd.env("AICONN_TODAY", "2026-12-02");
    cmd.env("PATH", path);
    cmd.env(
        "AICONN_ARM_ENDPOINT",
        format!("http://127.0.0.1:{arm_port}"),
    );
    common::pty::Pty::spawn_command(cmd, 100, 30)
}

#[test]
fn pty_without_az_on_path_the_sign_in_is_not_offered() {
    let d = tempfile::tempdir().unwrap();
    let mut t = spawn(d.path(), "/usr/bin:/bin", 9);
    t.wait_for("Nothing to paste? Enter picks the service from a list.");
    t.send("\r");
    t.wait_for("Which service?");
    t.send("a"); // unbound here: nothing opens
    t.send("\x1b"); // back to the paste step
    t.wait_for("Paste what you have");
    t.send("\x1b"); // leave the guided setup
    t.wait_for("No connections yet");
    t.send("n");
    t.wait_for("New connection: pick a type");
    let screen = t.screen();
    assert!(
        !screen.to_lowercase().contains("sign in with azure"),
        "{screen}"
    );
    t.send("\x1b");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn pty_sign_in_pick_and_save_gives_a_connection_with_its_key() {
    let d = tempfile::tempdir().unwrap();
    let (arm_port, _seen) = common::http::routes_server(arm_routes(), Duration::ZERO);
    let bin = stand_in_az(d.path());
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let mut t = spawn(d.path(), &path, arm_port);
    // A new config dir opens the guided setup; its first screen says where the sign-in is.
    t.wait_for("where a signs in with Azure");
    t.send("\r");
    t.wait_for("Which service?");
    t.wait_for("sign in with Azure");
    t.send("a");
    // The only subscription is used without asking, and named.
    t.wait_for("Azure OpenAI and Foundry resources in 'Contoso Dev'");
    t.wait_for("the only subscription you see");
    t.send("/aoai\r\r");
    t.wait_for("Deployments of 'aoai'");
    t.wait_for("retires 2027-01-15");
    t.send("\x1b[B\r"); // the deployment under "the whole resource"
    t.wait_for("Filled from Azure");
    t.send("\x13"); // ^S
    t.wait_for("Saved 'chat'");
    t.send("\x1b");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    let raw = t.raw_text();
    assert!(!raw.contains(KEY), "the key reached the terminal");
    let v = common::show_json(d.path(), "chat");
    assert_eq!(v["type"], "azure_ai");
    assert_eq!(
        v["endpoint"],
        "https://aoai.openai.azure.com/openai/deployments/chat"
    );
    assert_eq!(v["api_key"], KEY, "the key is in the secret backend");
}

#[test]
fn a_letter_on_the_guided_setups_first_screen_without_az_changes_nothing() {
    // Was a panic: the setup's text input was looked up before a type was picked.
    let mut app = app();
    app.az_available = false;
    aiconn::tui::update::start_wizard(&mut app);
    key(&mut app, KeyCode::Enter); // nothing pasted: the service list
    for c in ['a', 'x', 'Z'] {
        assert!(ch(&mut app, c).is_empty());
    }
    let w = app.wizard().unwrap();
    assert_eq!(w.step, aiconn::tui::wizard::Step::Type);
    assert!(app.popup.is_none());
}
