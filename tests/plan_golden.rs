//! The request `aiconn test` plans for every type × URL shape × optional field, compared with
//! `tests/data/plan-golden.txt` (`plan_for`: what `test` sends, a keyless Foundry project included): the planner is an interpreter of assets/test_plans.toml, and a
//! change of that data (or of the interpreter) shows here as the exact requests that moved.
//! After a deliberate change: `AICONN_UPDATE_GOLDEN=1 cargo test --test plan_golden`.

#![allow(clippy::expect_used)] // a failing test should stop right there

use aiconn::catalogue::Catalogue;
use aiconn::conntest::plan_for as plan;
use aiconn::model::Connection;

const URLS: &[Option<&str>] = &[
    None,
    Some(""),
    Some("not a url"),
    Some("https://contoso.openai.azure.com/"),
    Some("https://contoso.openai.azure.com/openai/deployments/gpt-4o-mini"),
    Some(
        "https://contoso.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-06-01",
    ),
    Some("https://contoso.openai.azure.com/openai/v1/"),
    Some("https://contoso.cognitiveservices.azure.com/"),
    Some("https://contoso.services.ai.azure.com/models"),
    Some("https://contoso.services.ai.azure.com/models/chat/completions?api-version=2025-04-01"),
    Some("http://127.0.0.1:8080/models/chat/completions?api-version=2025-04-01"),
    Some("https://contoso.services.ai.azure.com/anthropic/"),
    Some("https://contoso.services.ai.azure.com/anthropic/v1/messages"),
    Some("https://contoso.services.ai.azure.com/api/projects/p1"),
    Some("https://api.openai.com/v1"),
    Some("https://openrouter.ai/api/v1"),
    Some("https://x.eastus2.inference.ml.azure.com/score"),
    Some("https://x.eastus2.models.ai.azure.com"),
    Some("https://s.search.windows.net"),
    Some("https://eastus.api.cognitive.microsoft.com/"),
    Some("https://q.example.test"),
    Some("http://127.0.0.1:8080"),
    Some("http://127.0.0.1:8080/v1"),
    Some("http://127.0.0.1:8080/openai/v1"),
    Some("http://127.0.0.1:8080/models"),
    Some("http://127.0.0.1:8080/gw/anthropic/v1"),
    Some("http://127.0.0.1:8080/openai/deployments/d1"),
    Some("https://gw.example.test/openai/deployments/d1"),
    Some("http://localhost:11434"),
];

/// Optional fields, one at a time (set only where the type has the field).
const EXTRAS: &[(&str, &str)] = &[
    ("", ""),
    ("deployment", "dep-1"),
    ("api_version", "2025-01-01-preview"),
    ("auth_mode", "meid_token"),
    ("organization", "org-fake-0001"),
];

fn line(conn: &Connection) -> String {
    match plan(conn) {
        Err(e) => format!("ERR {e}"),
        Ok((c, reading)) => format!(
            "{} {} auth={:?} headers={:?} like={:?} what={:?} body={} max={} kind={:?}",
            c.method,
            c.url,
            c.auth,
            c.headers,
            c.like,
            c.what,
            c.body.unwrap_or_default(),
            c.max_body,
            reading.map(|r| r.kind.as_str()),
        ),
    }
}

fn table() -> String {
    let mut out = String::new();
    for spec in &Catalogue::get().types {
        let url_field = spec.url_field().map(|f| f.key.clone());
        for url in URLS {
            if url.is_some() && url_field.is_none() {
                continue;
            }
            for (field, value) in EXTRAS {
                if !field.is_empty() && spec.field(field).is_none() {
                    continue;
                }
                let mut c = Connection::new("c", &spec.id).expect("catalogue type");
                if let (Some(u), Some(f)) = (url, &url_field) {
                    c.values.insert(f.clone(), (*u).to_string());
                }
                if !field.is_empty() {
                    c.values.insert((*field).to_string(), (*value).to_string());
                }
                out.push_str(&format!(
                    "{} {:?} {field}={value}\n  -> {}\n",
                    spec.id,
                    url.unwrap_or("(none)"),
                    line(&c)
                ));
            }
        }
    }
    out
}

#[test]
fn every_planned_request_is_the_golden_one() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/plan-golden.txt");
    let now = table();
    if std::env::var_os("AICONN_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &now).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(&path).unwrap();
    // The first difference, with its case, rather than two walls of text.
    for (i, (g, n)) in golden.lines().zip(now.lines()).enumerate() {
        assert_eq!(g, n, "line {} of tests/data/plan-golden.txt", i + 1);
    }
    assert_eq!(golden.lines().count(), now.lines().count());
}
