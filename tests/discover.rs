//! `aiconn discover` and `discover --add` against a loopback Resource Manager speaking ARM's
//! REST shapes (subscriptions 2022-12-01; Microsoft.CognitiveServices 2025-06-01: accounts,
//! deployments, projects, account models, listKeys) and a loopback data plane, with a
//! stand-in `az` on PATH (the real CLI cannot sign in here).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::http::*;
use common::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

const KEY: &str = "fake-key-2101";
const TOKEN: &str = "fake-token-2102";
const RG: &str =
    "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts";

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A stand-in `az`: `cloud show` (public cloud), `account get-access-token` (records the
/// resource asked for), or "not signed in".
fn az(dir: &Path, signed_in: bool) -> PathBuf {
    az_in_cloud(
        dir,
        signed_in,
        "AzureCloud",
        "https://management.azure.com/",
    )
}

/// The stand-in `az`, set to the cloud `name` whose Resource Manager is `arm`.
fn az_in_cloud(dir: &Path, signed_in: bool, name: &str, arm: &str) -> PathBuf {
    let bin = dir.join("azbin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = if signed_in {
        format!(
            "#!/bin/sh\ncase \"$1 $2\" in\n\"cloud show\") printf '%s' '{{\"name\": \"{name}\", \"endpoints\": {{\"resourceManager\": \"{arm}\"}}}}' ;;\n\"account get-access-token\") echo \"$4\" >> \"$(dirname \"$0\")/resources\"; printf '%s' '{{\"accessToken\": \"{TOKEN}\", \"tokenType\": \"Bearer\"}}' ;;\n*) exit 2 ;;\nesac\n"
        )
    } else {
        "#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n".into()
    };
    let p = bin.join("az");
    std::fs::write(&p, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

fn account(name: &str, kind: &str, dp: u16, disabled: bool) -> String {
    format!(
        r#"{{"id": "{RG}/{name}", "name": "{name}", "kind": "{kind}", "location": "eastus2", "sku": {{"name": "S0"}},
        "properties": {{"endpoint": "http://127.0.0.1:{dp}/", "endpoints": {{"OpenAI Language Model Instance API": "http://127.0.0.1:{dp}/"}},
        "disableLocalAuth": {disabled}, "provisioningState": "Succeeded"}}}}"#
    )
}

fn route(prefix: String, status: u16, body: String) -> Route {
    Route {
        prefix: leak(prefix),
        status,
        body: leak(body),
        headers: &[],
    }
}

/// The ARM scenario: sub-1 (foundry, aoai, locked, nokeys, gone), sub-2 whose accounts listing
/// is refused.
fn arm_routes(dp: u16) -> Vec<Route> {
    let accounts = format!(
        r#"{{"value": [{}, {}, {}, {}, {}, {{"id": "{RG}/speech", "name": "speech", "kind": "SpeechServices", "location": "eastus2", "properties": {{}}}}]}}"#,
        account("foundry", "AIServices", dp, false),
        account("aoai", "OpenAI", dp, false),
        account("locked", "AIServices", dp, true),
        account("nokeys", "OpenAI", dp, false),
        account("gone", "OpenAI", dp, false),
    );
    let deployments = r#"{"value": [
        {"id": "x", "name": "chat", "sku": {"name": "GlobalStandard", "capacity": 10}, "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-05-13"}, "provisioningState": "Succeeded"}},
        {"id": "y", "name": "old", "sku": {"name": "Standard", "capacity": 1}, "properties": {"model": {"format": "OpenAI", "name": "gpt-4", "version": "0613"}, "provisioningState": "Succeeded"}},
        {"id": "z", "name": "claude", "sku": {"name": "GlobalStandard", "capacity": 1}, "properties": {"model": {"format": "Anthropic", "name": "claude-sonnet-4-5", "version": "1"}, "provisioningState": "Succeeded"}}]}"#;
    let models = r#"{"value": [
        {"format": "OpenAI", "name": "gpt-4o", "version": "2024-05-13", "lifecycleStatus": "Deprecating", "deprecation": {"inference": "2027-01-15T00:00:00Z"}},
        {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20", "lifecycleStatus": "GenerallyAvailable", "deprecation": {"inference": "2027-10-01T00:00:00Z"}}]}"#;
    let projects = r#"{"value": [{"id": "p", "name": "foundry/proj1", "properties": {"endpoints": {"AI Foundry API": "https://foundry.services.ai.azure.com/api/projects/proj1"}}}]}"#;
    let denied = r#"{"error": {"code": "AuthorizationFailed", "message": "The client 'u@contoso.com' with object id '0000' does not have authorization to perform action 'Microsoft.CognitiveServices/accounts/listKeys/action' over scope '/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/nokeys' or the scope is invalid."}}"#;
    let gone = r#"{"error": {"code": "ResourceNotFound", "message": "The Resource 'Microsoft.CognitiveServices/accounts/gone' under resource group 'rg' was not found."}}"#;
    let keys = format!(r#"{{"key1": "{KEY}", "key2": "fake-key-2199"}}"#);
    let mut r = vec![
        route("/subscriptions?api-version=2022-12-01".into(), 200, r#"{"value": [
            {"id": "/subscriptions/sub-1", "subscriptionId": "sub-1", "displayName": "Contoso Dev", "state": "Enabled", "tenantId": "t"},
            {"id": "/subscriptions/sub-2", "subscriptionId": "sub-2", "displayName": "Locked Down", "state": "Enabled", "tenantId": "t"}]}"#.into()),
        route("/subscriptions/sub-1/providers/Microsoft.CognitiveServices/accounts?api-version=2025-06-01".into(), 200, accounts),
        route("/subscriptions/sub-2/providers/".into(), 403, r#"{"error": {"code": "AuthorizationFailed", "message": "no access to sub-2"}}"#.into()),
        route(format!("{RG}/nokeys/listKeys?"), 403, denied.into()),
        route(format!("{RG}/gone/listKeys?"), 404, gone.into()),
    ];
    for a in ["foundry", "aoai", "locked", "nokeys", "gone"] {
        r.push(route(
            format!("{RG}/{a}/deployments?api-version=2025-06-01"),
            200,
            deployments.into(),
        ));
        r.push(route(
            format!("{RG}/{a}/models?api-version=2025-06-01"),
            200,
            models.into(),
        ));
        r.push(route(
            format!("{RG}/{a}/projects?api-version=2025-06-01"),
            200,
            projects.into(),
        ));
        r.push(route(
            format!("{RG}/{a}/listKeys?api-version=2025-06-01"),
            200,
            keys.clone(),
        ));
    }
    r
}

struct World {
    dir: tempfile::TempDir,
    arm: u16,
    arm_seen: std::sync::Arc<std::sync::Mutex<Vec<Seen>>>,
    dp_seen: std::sync::Arc<std::sync::Mutex<Vec<Seen>>>,
    bin: PathBuf,
}

fn world(signed_in: bool) -> World {
    world_with(signed_in, Vec::new())
}

/// The ARM scenario with `first` answering before its routes (a prefix match: the first wins).
fn world_with(signed_in: bool, first: Vec<Route>) -> World {
    let (dp, dp_seen) = server(200, r#"{"data": [], "object": "list"}"#, Duration::ZERO);
    let mut routes = first;
    routes.extend(arm_routes(dp));
    let (arm, arm_seen) = routes_server(routes, Duration::ZERO);
    let dir = tempfile::tempdir().unwrap();
    let bin = az(dir.path(), signed_in);
    World {
        dir,
        arm,
        arm_seen,
        dp_seen,
        bin,
    }
}

impl World {
    fn run(&self, args: &[&str]) -> Out {
        let mut c = aiconn(self.dir.path());
        c.args(args)
            .env("PATH", format!("{}:/usr/bin:/bin", self.bin.display()))
            .env(
                "AICONN_ARM_ENDPOINT",
                format!("http://127.0.0.1:{}", self.arm),
            )
            .env("AICONN_TODAY", "2026-12-02");
        let o = run(c);
        for secret in [KEY, TOKEN, "fake-key-2199"] {
            assert!(
                !o.stdout.contains(secret) && !o.stderr.contains(secret),
                "a secret in the output of {args:?}:\n{}{}",
                o.stdout,
                o.stderr
            );
        }
        o
    }
}

#[test]
fn discover_lists_accounts_projects_deployments_and_lifecycle_with_partial_results() {
    let w = world(true);
    let o = w.run(&["discover", "--json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let subs = v["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 2);
    // The refused subscription carries its error; the other one its accounts.
    assert!(
        subs[1]["error"]
            .as_str()
            .unwrap()
            .contains("AuthorizationFailed"),
        "{}",
        subs[1]
    );
    let accounts = subs[0]["accounts"].as_array().unwrap();
    let names: Vec<&str> = accounts
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["foundry", "aoai", "locked", "nokeys", "gone"],
        "speech services are not model accounts"
    );
    let foundry = &accounts[0];
    assert_eq!(foundry["kind"], "AIServices");
    assert_eq!(foundry["resource_group"], "rg");
    assert_eq!(foundry["projects"][0]["name"], "proj1");
    assert_eq!(
        foundry["projects"][0]["endpoint"],
        "https://foundry.services.ai.azure.com/api/projects/proj1"
    );
    assert_eq!(accounts[2]["key_auth_disabled"], true);
    let chat = &foundry["deployments"][0];
    assert_eq!(
        (
            chat["name"].as_str(),
            chat["model"].as_str(),
            chat["version"].as_str()
        ),
        (Some("chat"), Some("gpt-4o"), Some("2024-05-13"))
    );
    assert_eq!(
        (chat["sku"].as_str(), chat["capacity"].as_u64()),
        (Some("GlobalStandard"), Some(10))
    );
    assert_eq!(chat["state"], "Succeeded");
    assert_eq!(chat["lifecycle"]["retires"], "2027-01-15");
    assert_eq!(chat["lifecycle"]["status"], "Deprecating");
    assert_eq!(chat["lifecycle"]["source"], "arm");
    // Not in ARM's models list: the assets' date and replacement.
    let old = &foundry["deployments"][1];
    assert_eq!(old["lifecycle"]["retires"], "2025-06-06");
    assert_eq!(old["lifecycle"]["source"], "assets");
    // Projects are asked of Foundry accounts only; every request carries the token and an api-version.
    let seen = w.arm_seen.lock().unwrap();
    assert!(
        !seen
            .iter()
            .any(|s| s.path.starts_with(&format!("{RG}/aoai/projects")))
    );
    assert!(
        seen.iter()
            .all(|s| s.header("authorization") == Some(&format!("Bearer {TOKEN}")[..]))
    );
    assert!(seen.iter().all(|s| s.path.contains("api-version=")));
    assert!(
        !seen.iter().any(|s| s.path.contains("listKeys")),
        "discover never reads keys"
    );
    assert_eq!(
        std::fs::read_to_string(w.bin.join("resources"))
            .unwrap()
            .trim(),
        "https://management.azure.com/"
    );
    // Warnings: inside 60 days and after.
    assert!(
        o.stderr
            .contains("deployment 'chat' on 'foundry': retires 2027-01-15, in 44 days"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("deployment 'old' on 'foundry': retired on 2025-06-06; replacement: gpt-4o version 2024-11-20"), "{}", o.stderr);
}

#[test]
fn discover_in_text_names_everything_and_filters_by_subscription() {
    let w = world(true);
    let o = w.run(&["discover", "--subscription", "Contoso Dev"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("subscription Contoso Dev (sub-1)"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("Locked Down"));
    assert!(
        o.stdout
            .contains("account locked  AIServices  eastus2  group rg"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("key authentication disabled"));
    assert!(
        o.stdout
            .contains("project proj1  https://foundry.services.ai.azure.com/api/projects/proj1")
    );
    assert!(o.stdout.contains("retires 2027-01-15, in 44 days"));
    let o = w.run(&["discover", "--subscription", "nope"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no subscription 'nope'"), "{}", o.stderr);
}

fn deployment(name: &str) -> String {
    format!(
        r#"{{"id": "d-{name}", "name": "{name}", "sku": {{"name": "Standard", "capacity": 1}}, "properties": {{"model": {{"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}}, "provisioningState": "Succeeded"}}}}"#
    )
}

fn deployment_names(v: &serde_json::Value, account: usize) -> Vec<String> {
    v["subscriptions"][0]["accounts"][account]["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect()
}

/// ARM splits long lists into pages linked by `nextLink`: every page on Resource Manager's own
/// host is read; a link to any other host is never followed (it would get the token); a list
/// that links to itself stops after a bounded number of pages instead of running forever.
#[test]
fn discover_follows_next_links_on_its_own_host_only_and_stops_a_runaway_list() {
    let deps = format!("{RG}/aoai/deployments?api-version=2025-06-01");
    let w = world_with(
        true,
        vec![
            route(
                format!("{deps}&$skiptoken=2"),
                200,
                format!(
                    r#"{{"value": [{}], "nextLink": "https://evil.example{deps}&$skiptoken=3"}}"#,
                    deployment("second")
                ),
            ),
            route(
                deps.clone(),
                200,
                format!(
                    r#"{{"value": [{}], "nextLink": "@SELF@{deps}&$skiptoken=2"}}"#,
                    deployment("first")
                ),
            ),
            route(
                format!("{RG}/foundry/deployments?"),
                200,
                format!(
                    r#"{{"value": [{}], "nextLink": "@SELF@{RG}/foundry/deployments?api-version=2025-06-01"}}"#,
                    deployment("loop")
                ),
            ),
        ],
    );
    let o = w.run(&["discover", "--json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(deployment_names(&v, 1), ["first", "second"]);
    let looped = deployment_names(&v, 0).len();
    let asked = w
        .arm_seen
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.path.starts_with(&format!("{RG}/foundry/deployments")))
        .count();
    assert!(
        looped > 1 && looped <= 100 && asked == looped,
        "a self-linked list is read a bounded number of times: {looped} items, {asked} requests"
    );
}

/// In a sovereign cloud the token is asked for that cloud's Resource Manager (from
/// `az cloud show`), never the public cloud's; a cloud whose endpoint is not https falls back to
/// the public Resource Manager rather than sending a token in clear.
#[test]
fn discover_asks_the_token_of_the_cloud_az_is_set_to() {
    for (cloud, arm, want) in [
        (
            "AzureUSGovernment",
            "https://management.usgovcloudapi.net/",
            "https://management.usgovcloudapi.net/",
        ),
        (
            "AzureChinaCloud",
            "https://management.chinacloudapi.cn/",
            "https://management.chinacloudapi.cn/",
        ),
        (
            "Odd",
            "http://arm.example.com/",
            "https://management.azure.com/",
        ),
    ] {
        let w = world(true);
        let bin = az_in_cloud(w.dir.path(), true, cloud, arm);
        let _ = std::fs::remove_file(bin.join("resources"));
        let o = w.run(&["discover", "--json"]);
        assert_eq!(o.code, 0, "{cloud}: {}", o.stderr);
        assert_eq!(
            std::fs::read_to_string(bin.join("resources"))
                .unwrap()
                .lines()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>(),
            [want],
            "{cloud}"
        );
    }
}

#[test]
fn without_az_or_sign_in_discover_says_how_to_sign_in() {
    let w = world(false);
    let o = w.run(&["discover"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("not signed in to Azure: run `az login --use-device-code`"),
        "{}",
        o.stderr
    );
    let empty = w.dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let mut c = aiconn(w.dir.path());
    c.args(["discover"]).env("PATH", &empty);
    let o = run(c);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("the Azure CLI (az) is not installed"),
        "{}",
        o.stderr
    );
    assert!(w.arm_seen.lock().unwrap().is_empty());
}

#[test]
fn the_arm_override_must_not_send_the_token_in_clear_over_a_network() {
    let w = world(true);
    let mut c = aiconn(w.dir.path());
    c.args(["discover"])
        .env("PATH", format!("{}:/usr/bin:/bin", w.bin.display()))
        .env("AICONN_ARM_ENDPOINT", "http://arm.example.com");
    let o = run(c);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("must be https"), "{}", o.stderr);
}

impl World {
    /// Tests the connection `name` and returns the data-plane request it made.
    fn tested(&self, name: &str) -> Seen {
        let before = self.dp_seen.lock().unwrap().len();
        let o = self.run(&["test", name]);
        assert_eq!(o.code, 0, "{name}: {}{}", o.stdout, o.stderr);
        let seen = self.dp_seen.lock().unwrap();
        let sent: Vec<&Seen> = seen[before..].iter().collect();
        assert_eq!(sent.len(), 1, "{name}: one request, not {sent:?}");
        sent[0].clone()
    }
}

#[test]
fn add_gives_a_foundry_resource_one_connection_on_the_v1_base_with_its_key() {
    let w = world(true);
    let o = w.run(&["discover", "--add", "foundry", "--name", "f"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("Created connection 'f' (azure_ai,"),
        "{}",
        o.stderr
    );
    // Where the account was found is said (the subscription it was picked from).
    assert!(
        o.stderr
            .contains("account 'foundry' in subscription Contoso Dev (sub-1)"),
        "{}",
        o.stderr
    );
    let v = show_json(w.dir.path(), "f");
    assert_eq!(v["type"], "azure_ai");
    let dp = v["endpoint"].as_str().unwrap().to_string();
    assert!(dp.ends_with("/openai/v1/"), "{dp}");
    assert_eq!(v["api_key"], KEY);
    // The v1 API is tested as OpenAI() calls it: the key as a bearer token.
    let sent = w.tested("f");
    assert!(sent.path.starts_with("/openai/v1/models"), "{sent:?}");
    assert_eq!(
        sent.header("authorization"),
        Some(&format!("Bearer {KEY}")[..])
    );
}

#[test]
fn add_binds_a_deployment_to_its_url_and_says_when_it_retires() {
    let w = world(true);
    let o = w.run(&["discover", "--add", "foundry/chat", "--name", "d"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("deployment 'chat': retires 2027-01-15, in 44 days"),
        "{}",
        o.stderr
    );
    assert!(
        show_json(w.dir.path(), "d")["endpoint"]
            .as_str()
            .unwrap()
            .ends_with("/openai/deployments/chat")
    );
    let sent = w.tested("d");
    assert!(
        sent.path
            .starts_with("/openai/deployments/chat/chat/completions"),
        "{sent:?}"
    );
    assert_eq!(sent.header("api-key"), Some(KEY));
}

#[test]
fn add_on_a_keyless_account_uses_entra_and_never_lists_its_keys() {
    let w = world(true);
    // disableLocalAuth: no listKeys, meid_token, and it says why.
    let o = w.run(&["discover", "--add", "locked", "--name", "k"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("key authentication disabled (disableLocalAuth)"),
        "{}",
        o.stderr
    );
    let v = show_json(w.dir.path(), "k");
    assert_eq!(
        (v["type"].as_str(), v["auth_mode"].as_str()),
        (Some("azure_open_ai"), Some("meid_token"))
    );
    assert!(v.get("api_key").is_none_or(|k| k.is_null()), "{v}");
    assert!(
        !w.arm_seen
            .lock()
            .unwrap()
            .iter()
            .any(|s| s.path.contains("/locked/listKeys"))
    );
    let sent = w.tested("k");
    assert!(sent.path.starts_with("/openai/models"), "{sent:?}");
    assert_eq!(
        sent.header("authorization"),
        Some(&format!("Bearer {TOKEN}")[..])
    );
}

#[test]
fn add_gives_a_claude_deployment_the_anthropic_base_and_tests_it_as_the_sdk_does() {
    let w = world(true);
    // azure_ai on the /anthropic/ base, the deployment as model, tested with the Messages
    // request the Anthropic SDK sends.
    let o = w.run(&["discover", "--add", "foundry/claude", "--name", "c"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("is a Claude deployment"), "{}", o.stderr);
    let v = show_json(w.dir.path(), "c");
    assert_eq!(v["type"], "azure_ai");
    assert!(
        v["endpoint"].as_str().unwrap().ends_with("/anthropic/"),
        "{v}"
    );
    assert_eq!(v["deployment"], "claude");
    assert_eq!(v["api_key"], KEY);
    let claude = w.tested("c");
    assert_eq!(claude.path, "/anthropic/v1/messages");
    assert_eq!(claude.header("x-api-key"), Some(KEY));
    assert!(
        claude.body.contains("\"model\":\"claude\""),
        "{}",
        claude.body
    );
}

#[test]
fn add_with_entra_on_an_account_with_keys_is_keyless_by_choice() {
    let w = world(true);
    let o = w.run(&["discover", "--add", "aoai", "--name", "e", "--entra"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("Created keyless connection 'e'"),
        "{}",
        o.stderr
    );
    let v = show_json(w.dir.path(), "e");
    assert_eq!(v["auth_mode"], "meid_token", "{v}");
    assert!(v.get("api_key").is_none_or(|k| k.is_null()), "{v}");
}

#[test]
fn add_failures_each_get_their_own_message_and_save_nothing() {
    let w = world(true);
    create(
        w.dir.path(),
        &[
            "--type",
            "open_ai",
            "--name",
            "taken",
            "--set",
            "api_key=fake-key-2103",
        ],
    );
    let cases: &[(&[&str], &str)] = &[
        (
            &["discover", "--add", "foundry", "--name", "taken"],
            "connection 'taken' already exists",
        ),
        (
            &["discover", "--add", "nokeys", "--name", "n1"],
            "listKeys needs the action Microsoft.CognitiveServices/accounts/listKeys/action, granted by Cognitive Services Contributor",
        ),
        (
            &["discover", "--add", "gone", "--name", "n2"],
            "account 'gone' no longer exists",
        ),
        (
            &["discover", "--add", "nosuch", "--name", "n3"],
            "no Azure OpenAI or Foundry account 'nosuch'",
        ),
        (
            &["discover", "--add", "foundry/nosuch", "--name", "n4"],
            "no deployment 'nosuch' on 'foundry'; it has: chat, old, claude",
        ),
        (
            &[
                "discover", "--add", "locked", "--name", "n5", "--type", "azure_ai",
            ],
            "azure_ai connections have no Microsoft Entra ID mode",
        ),
        (
            &[
                "discover",
                "--add",
                "foundry/claude",
                "--name",
                "n7",
                "--entra",
            ],
            "'claude' is a Claude (Anthropic) deployment, which answers the Messages API at http://127.0.0.1:",
        ),
    ];
    for (args, want) in cases {
        let o = w.run(args);
        assert_ne!(o.code, 0, "{args:?}");
        assert!(o.stderr.contains(want), "{args:?}: {}", o.stderr);
    }
    let list = w.run(&["list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    // The refused subscription is named where the account was not found.
    let o = w.run(&["discover", "--add", "nosuch", "--name", "n6"]);
    assert!(
        o.stderr.contains("not searched: Locked Down"),
        "{}",
        o.stderr
    );
}

/// Issue 21: a connection made for one deployment records its model and version (aiconn's own
/// fields), so `show`, `test` and `doctor` date it later without Resource Manager; a whole
/// resource serves many models and records none; a keyless resource connection picked for a
/// deployment names it.
#[test]
fn add_records_the_deployments_model_so_it_is_dated_offline() {
    let w = world(true);
    let o = w.run(&["discover", "--add", "foundry/old", "--name", "o"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = show_json(w.dir.path(), "o");
    assert_eq!(
        (v["model_name"].as_str(), v["model_version"].as_str()),
        (Some("gpt-4"), Some("0613")),
        "{v}"
    );
    // Offline: no az, no Resource Manager.
    let mut c = aiconn(w.dir.path());
    c.args(["show", "o"])
        .env("PATH", "/usr/bin:/bin")
        .env("AICONN_TODAY", "2026-12-02");
    let o = run(c);
    assert!(
        o.stderr.contains("warning: model_name: model gpt-4 0613 retired on 2025-06-06; replacement: gpt-4o version 2024-11-20"),
        "{}",
        o.stderr
    );
    w.run(&["discover", "--add", "foundry", "--name", "all"]);
    let v = show_json(w.dir.path(), "all");
    assert!(v.get("model_name").is_none_or(|m| m.is_null()), "{v}");
    let o = w.run(&["discover", "--add", "aoai/chat", "--name", "k", "--entra"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = show_json(w.dir.path(), "k");
    assert_eq!(
        (
            v["type"].as_str(),
            v["deployment"].as_str(),
            v["model_name"].as_str(),
            v["model_version"].as_str()
        ),
        (
            Some("azure_open_ai"),
            Some("chat"),
            Some("gpt-4o"),
            Some("2024-05-13")
        ),
        "{v}"
    );
}

/// Issue 21: a Foundry project is a connection of its own: `foundry_project` on the project
/// endpoint ARM lists (`properties.endpoints["AI Foundry API"]`), keyless (the Foundry SDK and
/// agents sign in with Microsoft Entra ID), so no key is read; an unknown project is named
/// with those the account has.
#[test]
fn add_project_gives_a_keyless_project_connection() {
    let w = world(true);
    let o = w.run(&[
        "discover",
        "--add",
        "foundry",
        "--project",
        "proj1",
        "--name",
        "p",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("Created keyless connection 'p' (foundry_project, https://foundry.services.ai.azure.com/api/projects/proj1)"),
        "{}",
        o.stderr
    );
    let v = show_json(w.dir.path(), "p");
    assert_eq!(v["type"], "foundry_project");
    assert_eq!(
        v["endpoint"],
        "https://foundry.services.ai.azure.com/api/projects/proj1"
    );
    assert!(v.get("api_key").is_none_or(|k| k.is_null()), "{v}");
    assert!(
        !w.arm_seen
            .lock()
            .unwrap()
            .iter()
            .any(|s| s.path.contains("/foundry/listKeys")),
        "a project takes no key"
    );
    let o = w.run(&[
        "discover",
        "--add",
        "foundry",
        "--project",
        "nosuch",
        "--name",
        "q",
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("no project 'nosuch' on 'foundry'; it has: proj1"),
        "{}",
        o.stderr
    );
    let o = w.run(&[
        "discover",
        "--add",
        "foundry/chat",
        "--project",
        "proj1",
        "--name",
        "q",
    ]);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("--project"), "{}", o.stderr);
}

/// A project connection is tested as the Foundry SDK lists its deployments: `GET
/// {project}/deployments?api-version=v1` with a token for `https://ai.azure.com`.
#[test]
fn a_project_connection_is_tested_with_a_token_for_ai_azure_com() {
    let w = world(true);
    let (port, seen) = server(
        200,
        r#"{"value": [{"name": "chat", "modelName": "gpt-4o", "modelVersion": "2024-11-20"}]}"#,
        Duration::ZERO,
    );
    let ep = format!("endpoint=http://127.0.0.1:{port}/api/projects/proj1");
    create(
        w.dir.path(),
        &[
            "--type",
            "foundry_project",
            "--name",
            "p",
            "--raw",
            "--set",
            &ep,
        ],
    );
    let _ = std::fs::remove_file(w.bin.join("resources"));
    let o = w.run(&["test", "p"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let s = seen.lock().unwrap();
    assert_eq!(s[0].path, "/api/projects/proj1/deployments?api-version=v1");
    assert_eq!(
        s[0].header("authorization"),
        Some(&format!("Bearer {TOKEN}")[..])
    );
    assert_eq!(
        std::fs::read_to_string(w.bin.join("resources"))
            .unwrap()
            .trim(),
        "https://ai.azure.com"
    );
}
