//! Every case in the shared endpoint test vectors: kind, deployment, normalized_base,
//! api_version and endpoint_name match exactly; every listed flag is present.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use aiconn::endpoint::classify;
use common::testdata as data;

#[derive(serde::Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    url: String,
    expected_kind: String,
    deployment: Option<String>,
    normalized_base: Option<String>,
    api_version: Option<String>,
    endpoint_name: Option<String>,
    #[serde(default)]
    flags: Vec<String>,
}

#[test]
fn every_shared_case_reads_as_expected() {
    let text = std::fs::read_to_string(data("endpoint-cases.toml")).unwrap();
    let cases: Cases = toml::from_str(&text).unwrap();
    assert!(
        cases.case.len() >= 90,
        "expected the full sample, got {}",
        cases.case.len()
    );
    let mut failures = Vec::new();
    for c in &cases.case {
        let r = classify(&c.url);
        let mut why = Vec::new();
        if r.kind.as_str() != c.expected_kind {
            why.push(format!("kind {} != {}", r.kind.as_str(), c.expected_kind));
        }
        // Every field, absences included: a value the case does not list must not appear.
        for (what, got, want) in [
            ("deployment", &r.deployment, &c.deployment),
            ("normalized_base", &r.normalized_base, &c.normalized_base),
            ("api_version", &r.api_version, &c.api_version),
            ("endpoint_name", &r.endpoint_name, &c.endpoint_name),
        ] {
            if got != want {
                why.push(format!("{what} {got:?} != {want:?}"));
            }
        }
        // The exact flag set.
        let mut got: Vec<&str> = r.flags.iter().map(|f| f.as_str()).collect();
        let mut want: Vec<&str> = c.flags.iter().map(String::as_str).collect();
        got.sort_unstable();
        want.sort_unstable();
        if got != want {
            why.push(format!("flags {got:?} != {want:?}"));
        }
        if !why.is_empty() {
            failures.push(format!("{:?}: {}", c.url, why.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.case.len(),
        failures.join("\n")
    );
}
