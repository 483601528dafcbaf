//! The catalogue against prompt flow's connection model (docs/promptflow.md):
//! every type, field, secret, default and rule, transcribed from the reference by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::catalogue::{Catalogue, FieldKind};
use aiconn::model::Connection;

/// (type, [(field, kind, required, default)], secret fields, required-unless-meid fields)
type Row = (
    &'static str,
    &'static [(&'static str, FieldKind, bool, Option<&'static str>)],
);

const PROMPT_FLOW: &[Row] = &[
    (
        "azure_open_ai",
        &[
            ("api_base", FieldKind::Url, true, None),
            ("api_key", FieldKind::Secret, false, None),
            ("api_type", FieldKind::Text, false, Some("azure")),
            ("api_version", FieldKind::Text, false, Some("2024-02-01")),
            ("auth_mode", FieldKind::Enum, false, Some("key")),
            ("resource_id", FieldKind::Text, false, None),
        ],
    ),
    (
        "open_ai",
        &[
            ("api_key", FieldKind::Secret, true, None),
            ("organization", FieldKind::Text, false, None),
            ("base_url", FieldKind::Url, false, None),
        ],
    ),
    (
        "serverless",
        &[
            ("api_key", FieldKind::Secret, true, None),
            ("api_base", FieldKind::Url, true, None),
        ],
    ),
    ("serp", &[("api_key", FieldKind::Secret, true, None)]),
    (
        "qdrant",
        &[
            ("api_key", FieldKind::Secret, true, None),
            ("api_base", FieldKind::Url, true, None),
        ],
    ),
    (
        "weaviate",
        &[
            ("api_key", FieldKind::Secret, true, None),
            ("api_base", FieldKind::Url, true, None),
        ],
    ),
    (
        "cognitive_search",
        &[
            ("api_base", FieldKind::Url, true, None),
            ("api_key", FieldKind::Secret, false, None),
            ("api_version", FieldKind::Text, false, Some("2023-11-01")),
            ("auth_mode", FieldKind::Enum, false, Some("key")),
        ],
    ),
    (
        "azure_ai_services",
        &[
            ("endpoint", FieldKind::Url, true, None),
            ("api_key", FieldKind::Secret, false, None),
            ("auth_mode", FieldKind::Enum, false, Some("key")),
        ],
    ),
    (
        "azure_content_safety",
        &[
            ("api_key", FieldKind::Secret, true, None),
            ("endpoint", FieldKind::Url, true, None),
            ("api_version", FieldKind::Text, false, Some("2023-10-01")),
            ("api_type", FieldKind::Text, false, Some("Content Safety")),
        ],
    ),
    (
        "form_recognizer",
        &[
            ("api_key", FieldKind::Secret, true, None),
            ("endpoint", FieldKind::Url, true, None),
            ("api_version", FieldKind::Text, false, Some("2023-07-31")),
            ("api_type", FieldKind::Text, false, Some("Form Recognizer")),
        ],
    ),
    (
        "custom",
        &[
            ("configs", FieldKind::Map, false, None),
            ("secrets", FieldKind::SecretMap, true, None),
            ("custom_type", FieldKind::Text, false, None),
            ("module", FieldKind::Text, false, None),
            ("package", FieldKind::Text, false, None),
            ("package_version", FieldKind::Text, false, None),
        ],
    ),
];

/// §1.3: api_key is required unless auth_mode is meid_token, and dropped then.
const MEID_TYPES: &[&str] = &["azure_open_ai", "cognitive_search", "azure_ai_services"];

/// §0: the SDK class of each type (for the export `$schema` URL).
const CLASSES: &[(&str, &str)] = &[
    ("azure_open_ai", "AzureOpenAIConnection"),
    ("open_ai", "OpenAIConnection"),
    ("serverless", "ServerlessConnection"),
    ("serp", "SerpConnection"),
    ("qdrant", "QdrantConnection"),
    ("weaviate", "WeaviateConnection"),
    ("cognitive_search", "CognitiveSearchConnection"),
    ("azure_ai_services", "AzureAIServicesConnection"),
    ("azure_content_safety", "AzureContentSafetyConnection"),
    ("form_recognizer", "FormRecognizerConnection"),
    ("custom", "CustomConnection"),
];

#[test]
fn every_prompt_flow_type_has_exactly_its_fields_defaults_and_rules() {
    let cat = Catalogue::get();
    for (id, fields) in PROMPT_FLOW {
        let t = cat.find(id).unwrap_or_else(|| panic!("{id} missing"));
        // aiconn's own fields (not in prompt flow's files) are optional and marked as such.
        for f in t.fields.iter().filter(|f| !f.promptflow) {
            assert!(
                !f.required,
                "{id}.{}: aiconn's own field is required",
                f.key
            );
        }
        let got: Vec<&str> = t
            .fields
            .iter()
            .filter(|f| f.promptflow)
            .map(|f| f.key.as_str())
            .collect();
        let mut want: Vec<&str> = fields.iter().map(|f| f.0).collect();
        let mut got_sorted = got.clone();
        got_sorted.sort();
        want.sort();
        assert_eq!(got_sorted, want, "{id}: fields");
        for (key, kind, required, default) in *fields {
            let f = t.field(key).unwrap();
            assert_eq!(f.kind, *kind, "{id}.{key}: kind");
            assert_eq!(f.required, *required, "{id}.{key}: required");
            assert_eq!(f.default.as_deref(), *default, "{id}.{key}: default");
        }
        let meid = MEID_TYPES.contains(id);
        assert_eq!(
            t.field("api_key")
                .and_then(|f| f.required_unless.as_deref()),
            meid.then_some("auth_mode=meid_token"),
            "{id}: api_key rule"
        );
        if let Some(auth) = t.field("auth_mode") {
            assert_eq!(auth.values, ["key", "meid_token"], "{id}: auth_mode values");
        }
    }
    for (id, class) in CLASSES {
        assert_eq!(cat.find(id).unwrap().pf_class, *class, "{id}: class");
    }
    for id in ["qdrant", "weaviate"] {
        assert_eq!(
            cat.find(id).unwrap().module,
            "promptflow_vectordb.connections"
        );
    }
    assert_eq!(
        cat.find("custom").unwrap().all_or_none,
        ["custom_type", "module", "package", "package_version"]
    );
}

#[test]
fn azure_ai_is_the_foundry_connection() {
    let t = Catalogue::get().find("azure_ai").unwrap();
    let keys: Vec<&str> = t.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "endpoint",
            "api_key",
            "api_version",
            "deployment",
            "model_name",
            "model_version"
        ]
    );
    assert!(t.field("endpoint").unwrap().required && t.field("api_key").unwrap().required);
    assert_eq!(t.field("api_key").unwrap().kind, FieldKind::Secret);
    assert!(
        t.field("endpoint")
            .unwrap()
            .kinds
            .contains(&"foundry_models".to_string())
    );
    assert_eq!(Catalogue::get().types.len(), 13);
}

/// Issue 21: a Foundry project endpoint has its own keyless type (Entra ID only), not in
/// prompt flow.
#[test]
fn foundry_project_is_keyless_and_takes_project_endpoints() {
    let t = Catalogue::get().find("foundry_project").unwrap();
    let keys: Vec<&str> = t.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["endpoint", "deployment"]);
    assert!(!t.fields.iter().any(|f| f.is_secret()), "no key");
    assert!(!t.has_pf_twin());
    assert_eq!(t.field("endpoint").unwrap().right, ["foundry_project"]);
}

#[test]
fn every_field_has_help_and_every_url_field_knows_its_endpoint_kinds() {
    for t in &Catalogue::get().types {
        for f in &t.fields {
            assert!(!f.help.is_empty(), "{}.{} has no help", t.id, f.key);
            if f.kind == FieldKind::Url {
                assert!(
                    !f.kinds.is_empty(),
                    "{}.{} has no endpoint kinds",
                    t.id,
                    f.key
                );
                for k in &f.kinds {
                    assert!(
                        aiconn::endpoint::Kind::parse(k).is_some(),
                        "{}.{}: unknown kind {k}",
                        t.id,
                        f.key
                    );
                }
            }
            if f.kind == FieldKind::Enum {
                assert!(
                    f.default.as_ref().is_some_and(|d| f.values.contains(d)),
                    "{}.{}: enum default",
                    t.id,
                    f.key
                );
            }
        }
    }
}

#[test]
fn a_minimal_valid_connection_of_every_type_validates() {
    for t in &Catalogue::get().types {
        let mut c = Connection::new("x", &t.id).unwrap();
        for f in &t.fields {
            match f.kind {
                FieldKind::Secret if f.required || f.required_unless.is_some() => {
                    c.secrets.insert(
                        f.key.clone(),
                        aiconn::model::SecretRecord::parse("keychain"),
                    );
                }
                FieldKind::SecretMap => {
                    c.secrets.insert(
                        "token".into(),
                        aiconn::model::SecretRecord::parse("keychain"),
                    );
                }
                FieldKind::Url | FieldKind::Text if f.required => {
                    c.values.insert(f.key.clone(), "https://r.example/".into());
                }
                _ => {}
            }
        }
        assert!(c.validate().is_empty(), "{}: {:?}", t.id, c.validate());
    }
}
