//! Every catalogue type's URL field against its right form and a common wrong form: the
//! verdict, a hint that says one consistent thing (no models for a type without any), and
//! normalizing (`f` in the TUI, `--normalize` in the CLI) the identity on every right value.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use aiconn::catalogue::{Catalogue, FieldKind};
use aiconn::endpoint::classify_for_type;
use common::*;

/// (type, URL, fits: right or acceptable)
const TABLE: &[(&str, &str, bool)] = &[
    (
        "azure_ai",
        "https://xx-m8on1111-eastus2.services.ai.azure.com/models",
        true,
    ),
    (
        "azure_ai",
        "https://sh-m8on2329-eastus2.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini",
        true,
    ),
    (
        "azure_ai",
        "https://contoso.openai.azure.com/openai/v1/",
        true,
    ),
    ("azure_ai", "https://contoso.services.ai.azure.com/", false),
    ("azure_ai", "https://contoso.search.windows.net", false),
    ("azure_open_ai", "https://contoso.openai.azure.com/", true),
    (
        "azure_open_ai",
        "https://contoso.cognitiveservices.azure.com/",
        true,
    ),
    (
        "azure_open_ai",
        "https://contoso.openai.azure.com/openai/deployments/gpt-4o",
        false,
    ),
    (
        "azure_open_ai",
        "https://contoso.services.ai.azure.com/models",
        false,
    ),
    ("open_ai", "https://api.openai.com/v1", true),
    ("open_ai", "http://localhost:11434/v1", true),
    ("open_ai", "http://127.0.0.1:1234/v1", true),
    ("open_ai", "http://localhost:8000/v1", true),
    ("open_ai", "http://localhost:8080/v1", true),
    ("open_ai", "https://contoso.search.windows.net", false),
    (
        "serverless",
        "https://my-endpoint.eastus2.models.ai.azure.com",
        true,
    ),
    ("serverless", "https://contoso.openai.azure.com/", false),
    (
        "qdrant",
        "https://xyz.eu-central.aws.cloud.qdrant.io:6333",
        true,
    ),
    ("qdrant", "http://localhost:6333", true),
    ("qdrant", "https://contoso.openai.azure.com/", false),
    ("weaviate", "https://my-cluster.weaviate.network", true),
    ("weaviate", "https://my-cluster.weaviate.cloud", true),
    ("weaviate", "https://contoso.search.windows.net", false),
    (
        "cognitive_search",
        "https://contoso.search.windows.net",
        true,
    ),
    (
        "cognitive_search",
        "https://contoso.openai.azure.com/",
        false,
    ),
    (
        "foundry_project",
        "https://contoso.services.ai.azure.com/api/projects/p1",
        true,
    ),
    (
        "foundry_project",
        "https://contoso.services.ai.azure.com/models",
        false,
    ),
    (
        "azure_ai_services",
        "https://contoso.services.ai.azure.com/",
        true,
    ),
    (
        "azure_ai_services",
        "https://contoso.cognitiveservices.azure.com/",
        true,
    ),
    (
        "azure_ai_services",
        "https://contoso.services.ai.azure.com/models",
        false,
    ),
    (
        "azure_content_safety",
        "https://contoso.cognitiveservices.azure.com/",
        true,
    ),
    (
        "azure_content_safety",
        "https://contoso.search.windows.net",
        false,
    ),
    (
        "form_recognizer",
        "https://contoso.cognitiveservices.azure.com/",
        true,
    ),
    (
        "form_recognizer",
        "https://contoso.openai.azure.com/openai/deployments/x",
        false,
    ),
];

#[test]
fn every_type_with_a_url_field_is_in_the_table_both_ways() {
    for t in &Catalogue::get().types {
        if t.fields.iter().any(|f| f.kind == FieldKind::Url) {
            assert!(
                TABLE.iter().any(|(ty, _, ok)| ty == &t.id && *ok),
                "{}: no right form",
                t.id
            );
            assert!(
                TABLE.iter().any(|(ty, _, ok)| ty == &t.id && !*ok),
                "{}: no wrong form",
                t.id
            );
            let f = t.fields.iter().find(|f| f.kind == FieldKind::Url).unwrap();
            assert!(
                !f.right.is_empty(),
                "{}: the catalogue says nothing is right",
                t.id
            );
            for s in f.right.iter().chain(&f.acceptable) {
                assert!(
                    aiconn::endpoint::field::Shape::parse(s).is_some(),
                    "{}: unknown shape '{s}' in the catalogue",
                    t.id
                );
            }
        }
    }
}

#[test]
fn the_verdict_the_hint_and_the_fix_agree() {
    for (ty, url, fits) in TABLE {
        let r = classify_for_type(url, ty);
        let spec = Catalogue::get().find(ty).unwrap();
        let said = format!("{ty} {url}: {} / {:?}", r.hint, r.tip);
        assert_eq!(!r.mismatch, *fits, "verdict: {said}");
        if *fits {
            // Right for its field: normalizing keeps it.
            assert_eq!(
                r.normalized_base
                    .as_deref()
                    .map(|b| b.trim_end_matches('/')),
                Some(url.trim_end_matches('/')),
                "normalize must be the identity: {said}"
            );
            assert!(
                !r.tip
                    .as_deref()
                    .unwrap_or("")
                    .contains("this field expects"),
                "{said}"
            );
        } else {
            assert!(
                r.tip
                    .as_deref()
                    .unwrap_or("")
                    .starts_with("This field takes"),
                "{said}"
            );
        }
        if !spec.models {
            // It may name the URL it got ("a Foundry /models endpoint"), never talk models.
            for text in [&r.hint, r.tip.as_deref().unwrap_or("")] {
                let words = text.to_lowercase().replace("/models", "");
                assert!(!words.contains("model"), "models talk for {ty}: {said}");
            }
        }
        // One consistent thing: a hint never says a value fits and then that it does not.
        assert!(
            !(r.hint.contains("right for this field")
                && r.tip.as_deref().unwrap_or("").contains("does not fit")),
            "{said}"
        );
    }
}

#[test]
fn local_servers_are_named_and_the_v1_suffix_explained() {
    for (url, name) in [
        ("http://localhost:11434/v1", "Ollama"),
        ("http://localhost:1234/v1", "LM Studio"),
        ("http://localhost:8000/v1", "vLLM"),
        ("http://localhost:8080/v1", "llama.cpp"),
    ] {
        let r = classify_for_type(url, "open_ai");
        assert!(r.hint.contains(name), "{url}: {}", r.hint);
    }
    let r = classify_for_type("http://localhost:11434", "open_ai");
    assert!(
        r.mismatch && r.warns(),
        "the right server, but clients need /v1"
    );
    assert_eq!(
        r.normalized_base.as_deref(),
        Some("http://localhost:11434/v1"),
        "f fixes it"
    );
    assert!(r.tip.unwrap().contains("http://localhost:11434/v1"));
    // Ollama's native routes are not OpenAI's: the fix is the server's /v1, never .../api/chat/v1
    for native in [
        "http://localhost:11434/api/chat",
        "http://localhost:11434/api/generate/",
        "http://localhost:11434/api",
    ] {
        let r = classify_for_type(native, "open_ai");
        assert_eq!(
            r.normalized_base.as_deref(),
            Some("http://localhost:11434/v1"),
            "{native}"
        );
    }
}

#[test]
fn the_azure_ai_services_sample_round_trips_through_normalize_and_export_unchanged() {
    let t = tempfile::tempdir().unwrap();
    let sample = testdata("promptflow/azure_ai_services.yml");
    let original: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(&sample).unwrap()).unwrap();
    let mut c = aiconn(t.path());
    c.args([
        "import",
        sample.to_str().unwrap(),
        "--normalize",
        "--set",
        "api_key=fake-key-1401",
    ]);
    let o = run(c);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out = t.path().join("out");
    let o = cmd(t.path(), &["export", "--out", out.to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let name = original["name"].as_str().unwrap();
    let back: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(out.join(format!("{name}.yaml"))).unwrap(),
    )
    .unwrap();
    assert_eq!(
        back["endpoint"], original["endpoint"],
        "the endpoint changed"
    );
}

#[test]
fn an_azure_ai_deployment_url_is_kept_and_a_target_uri_becomes_that_url() {
    let dep =
        "https://sh-m8on2329-eastus2.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini";
    let r = classify_for_type(dep, "azure_ai");
    assert!(!r.mismatch);
    assert!(
        r.hint.contains("one connection per deployment"),
        "{}",
        r.hint
    );
    assert!(
        r.tip.as_deref().unwrap_or("").starts_with("Tip:"),
        "{:?}",
        r.tip
    );
    assert_eq!(r.normalized_base.as_deref(), Some(dep));
    let target = format!("{dep}/chat/completions?api-version=2024-10-21");
    let r = classify_for_type(&target, "azure_ai");
    assert_eq!(
        r.normalized_base.as_deref(),
        Some(dep),
        "not the resource root"
    );
    // The CLI stores it as given (no --normalize needed for the right form).
    let t = tempfile::tempdir().unwrap();
    let o = cmd(
        t.path(),
        &[
            "create",
            "--type",
            "azure_ai",
            "--name",
            "f",
            "--set",
            &format!("endpoint={dep}"),
            "--set",
            "api_key=fake-key-1402",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = show_json(t.path(), "f");
    assert_eq!(v["endpoint"], dep);
}

#[test]
fn the_readme_table_matches_the_catalogue() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for t in &Catalogue::get().types {
        for f in t.fields.iter().filter(|f| f.kind == FieldKind::Url) {
            let expect = f
                .expect
                .as_deref()
                .unwrap_or_else(|| panic!("{}: no `expect`", t.id))
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            let row = format!("| `{}` | `{}` | {expect} |", t.id, f.key);
            assert!(
                readme.contains(&row),
                "README lacks or differs from:\n{row}"
            );
        }
    }
}

#[test]
fn a_url_right_for_its_field_does_not_warn_but_a_real_problem_still_does() {
    for (ty, url) in [
        ("qdrant", "http://localhost:6333"),
        ("open_ai", "http://localhost:11434/v1"),
        ("weaviate", "https://my-cluster.weaviate.cloud"),
        (
            "azure_ai_services",
            "https://contoso.cognitiveservices.azure.com/",
        ),
    ] {
        assert!(!classify_for_type(url, ty).warns(), "{ty} {url}");
    }
    // Plain http to another host fits the qdrant field's shape, and still warns.
    assert!(classify_for_type("http://qdrant.example.test:6333", "qdrant").warns());
    // Wrong for the field: warns.
    assert!(classify_for_type("https://contoso.search.windows.net", "qdrant").warns());
}

/// Issue 19, item 7: a URL field that is not an http(s) URL is refused by the CLI for every
/// type (exit 2 or 1, a message naming the field, nothing written); a right one is saved.
#[test]
fn every_url_field_refuses_what_is_not_a_url_and_saves_nothing() {
    let d = tempfile::tempdir().unwrap();
    for t in &Catalogue::get().types {
        // Every secret given, so the URL is the one thing wrong.
        let secrets: Vec<String> = t
            .secret_fields()
            .map(|f| format!("{}=fake-key-0010", f.key))
            .collect();
        for f in t.fields.iter().filter(|f| f.kind == FieldKind::Url) {
            for bad in [
                "notaurl",
                "ftp://files.example.com/",
                "https://",
                "contoso.openai.azure.com",
            ] {
                let set = format!("{}={bad}", f.key);
                let mut args = vec!["create", "--type", &t.id, "--name", "bad", "--set", &set];
                for s in &secrets {
                    args.extend(["--set", s.as_str()]);
                }
                let o = cmd(d.path(), &args);
                assert_ne!(o.code, 0, "{}.{} took {bad}", t.id, f.key);
                assert!(
                    o.stderr.contains("is not an http(s) URL") && o.stderr.contains(&f.label),
                    "{}.{} {bad}: {}",
                    t.id,
                    f.key,
                    o.stderr
                );
                assert_eq!(
                    cmd(d.path(), &["show", "bad"]).code,
                    3,
                    "{}: saved anyway",
                    t.id
                );
            }
        }
    }
}

/// Issue 19, item 7: an api-version is checked against assets/api_versions.toml: a malformed
/// one is refused, a well-formed unknown one is saved with a warning, a known one silently.
#[test]
fn api_versions_are_refused_when_malformed_and_warned_when_unknown() {
    let d = tempfile::tempdir().unwrap();
    let base = "api_base=https://contoso.openai.azure.com/";
    let make = |name: &str, v: &str| {
        cmd(
            d.path(),
            &[
                "create",
                "--type",
                "azure_open_ai",
                "--name",
                name,
                "--set",
                base,
                "--set",
                &format!("api_version={v}"),
                "--set",
                "auth_mode=meid_token",
            ],
        )
    };
    for bad in ["banana", "2024-13", "2024-10-21-beta", "v1"] {
        let o = make("bad", bad);
        assert_ne!(o.code, 0, "{bad} was taken");
        assert!(
            o.stderr.contains("is not an api-version"),
            "{bad}: {}",
            o.stderr
        );
    }
    let o = make("unknown", "2031-01-01");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("warning: API version '2031-01-01' is not a known"),
        "{}",
        o.stderr
    );
    let o = make("known", "2024-10-21");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("api-version"), "{}", o.stderr);
}
