//! `aiconn test` tells the causes apart: each Azure error body shape (as the service sends
//! it) gets its precise reading, and a 401 or 404 is probed with the deployments listing to
//! tell a wrong key from a wrong path from a missing deployment.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::http::*;
use common::*;
use std::time::Duration;

const KEY: &str = "fake-key-1601";
const LIST: &str = r#"{"data": [{"model": "gpt-4o", "id": "gpt-4o", "status": "succeeded", "object": "deployment"}, {"model": "gpt-4o-mini", "id": "gpt-4o-mini", "status": "succeeded", "object": "deployment"}, {"model": "text-embedding-3-small", "id": "emb", "status": "succeeded", "object": "deployment"}], "object": "list"}"#;

/// `aiconn test` on a connection of `ty` with `field=url`, against `routes`.
fn test_against(ty: &str, url_path: &str, routes: Vec<Route>) -> Out {
    let d = tempfile::tempdir().unwrap();
    let (port, _) = routes_server(routes, Duration::ZERO);
    let field = if ty == "azure_ai" {
        "endpoint"
    } else {
        "api_base"
    };
    let set = format!("{field}=http://127.0.0.1:{port}{url_path}");
    let key = format!("api_key={KEY}");
    create(
        d.path(),
        &[
            "--type", ty, "--name", "c", "--raw", "--set", &set, "--set", &key,
        ],
    );
    let o = cmd(d.path(), &["test", "c"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
    o
}

fn listing() -> Route {
    Route {
        prefix: "/openai/deployments?",
        status: 200,
        body: LIST,
        headers: &[],
    }
}

fn op(status: u16, body: &'static str) -> Route {
    Route {
        prefix: "/",
        status,
        body,
        headers: &[],
    }
}

#[test]
fn a_missing_deployment_is_named_with_the_closest_deployed_names() {
    let o = test_against(
        "azure_ai",
        "/openai/deployments/gpt-4o-mni",
        vec![
            listing(),
            op(
                404,
                r#"{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}"#,
            ),
        ],
    );
    assert!(
        o.stdout.contains("deployment 'gpt-4o-mni' does not exist"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("deployed here: gpt-4o-mini"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("5 minutes"), "{}", o.stdout);
}

#[test]
fn a_wrong_key_and_a_wrong_path_are_told_apart() {
    let o = test_against(
        "azure_open_ai",
        "/",
        vec![op(
            401,
            r#"{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}"#,
        )],
    );
    assert!(o.stdout.contains("refuses this key too"), "{}", o.stdout);
    let o = test_against(
        "azure_open_ai",
        "/",
        vec![
            listing(),
            op(
                404,
                r#"{"error":{"code":"404","message":"Resource not found"}}"#,
            ),
        ],
    );
    assert!(
        o.stdout.contains("the key works") && o.stdout.contains("path or the api-version"),
        "{}",
        o.stdout
    );
}

#[test]
fn each_known_error_body_gets_its_reading() {
    for (ty, path, status, body, want) in [
        (
            "azure_ai",
            "/openai/deployments/emb",
            400,
            r#"{"error":{"code":"OperationNotSupported","message":"The chatCompletion operation does not work with the specified model, text-embedding-3-small. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993."}}"#,
            "does not support this operation",
        ),
        (
            "azure_ai",
            "/openai/deployments/o1",
            400,
            r#"{"error":{"code":"BadRequest","message":"Model o1 is enabled only for api versions 2024-12-01-preview and later"}}"#,
            "set api_version to 2024-12-01-preview",
        ),
        (
            "azure_ai",
            "/openai/deployments/gpt-4o",
            400,
            r#"{"error":{"code":"BadRequest","message":"API version not supported"}}"#,
            "e.g. 2024-10-21",
        ),
        (
            "serverless",
            "/",
            404,
            r#"{"error":{"code":"NotFound","message":"Serverless endpoint not found"}}"#,
            "the serverless endpoint does not exist",
        ),
        (
            "azure_ai",
            "/openai/deployments/gpt-4o",
            403,
            r#"{"error":{"code":"AuthenticationTypeDisabled","message":"Key based authentication is disabled for this resource."}}"#,
            "auth_mode to meid_token",
        ),
    ] {
        let o = test_against(ty, path, vec![op(status, body)]);
        assert!(o.stdout.contains(want), "{ty} {status}: {}", o.stdout);
    }
}

#[test]
fn rate_limits_say_when_to_retry() {
    let o = test_against(
        "azure_ai",
        "/openai/deployments/gpt-4o",
        vec![Route {
            prefix: "/",
            status: 429,
            body: r#"{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current tier. Please retry after 7 seconds."}}"#,
            headers: &[("retry-after", "7")],
        }],
    );
    assert!(o.stdout.contains("retry after 7 s"), "{}", o.stdout);
}

/// A /models endpoint answers a request without a model with `no_model_name`: the key and the
/// route were accepted, and every real client names the model, so the connection works (issue
/// 17: `test`'s verdict is the client's). It says so, and how to test one model.
#[test]
fn no_model_name_on_a_models_endpoint_proves_the_connection() {
    let d = tempfile::tempdir().unwrap();
    let body = r#"{"error":{"code":"no_model_name","message":"No model specified in request. Please provide a model name in the request body or as a x-ms-model-mesh-model-name header."}}"#;
    let (port, _) = routes_server(vec![op(400, body)], Duration::ZERO);
    let set = format!("endpoint=http://127.0.0.1:{port}/models");
    let key = format!("api_key={KEY}");
    create(
        d.path(),
        &[
            "--type", "azure_ai", "--name", "c", "--set", &set, "--set", &key,
        ],
    );
    let o = cmd(d.path(), &["test", "c"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("asks for the model"), "{}", o.stdout);
    assert!(o.stdout.contains("deployment"), "{}", o.stdout);
    assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
}
