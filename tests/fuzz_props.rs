//! The fuzz targets' properties as proptests, so CI runs them on every build (cargo-fuzz runs
//! the same checks coverage-guided; see fuzz/README.md).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::model::Connection;
use aiconn::store::ConnDoc;
use proptest::prelude::*;
use std::path::Path;

const VALID: &str = "# c\nversion = 1\nnamespace = \"n\"\n\n[connections.prod]\ntype = \"azure_open_ai\"  # t\napi_base = \"https://r.openai.azure.com/\"\nsecrets = { api_key = \"keychain\" }\n\n[connections.c]\ntype = \"custom\"\nconfigs = { a = \"1\" }\nsecrets = { b = \"keychain\" }\n";

fn mutate(base: &str, at: usize, cut: usize, insert: &str) -> String {
    let b: Vec<char> = base.chars().collect();
    let at = at % (b.len() + 1);
    let end = (at + cut).min(b.len());
    b[..at].iter().collect::<String>() + insert + &b[end..].iter().collect::<String>()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn config_parser_never_panics_and_rewrites_parse(s in "\\PC{0,300}") {
        if let Some(fast) = aiconn::store::fast::read(&s) {
            let full = ConnDoc::parse(&s, Path::new("c.toml"));
            prop_assert!(full.is_ok(), "fast read a file the full reader refuses: {s:?}");
            let full = full.unwrap();
            prop_assert_eq!(&fast.connections, &full.connections());
        }
        if let Ok(mut d) = ConnDoc::parse(&s, Path::new("c.toml")) {
            let conns = d.connections().to_vec();
            for c in &conns { d.upsert(c); }
            let again = ConnDoc::parse(&d.to_text(), Path::new("c.toml")).unwrap();
            prop_assert_eq!(again.connections(), conns);
        }
    }

    #[test]
    fn mutated_valid_files_never_panic(at in 0usize..400, cut in 0usize..20, insert in "[\\[\\]=\"'#{}\\n a-z0-9.,\\\\]{0,12}") {
        let text = mutate(VALID, at, cut, &insert);
        if let Ok(mut d) = ConnDoc::parse(&text, Path::new("c.toml")) {
            let conns = d.connections().to_vec();
            for c in &conns { d.upsert(c); }
            prop_assert!(ConnDoc::parse(&d.to_text(), Path::new("c.toml")).is_ok());
        }
    }

    /// The fast reader may only say "unsure"; when it answers, the full reader agrees exactly.
    #[test]
    fn the_fast_reader_agrees_with_the_full_one(at in 0usize..400, cut in 0usize..20, insert in "[\\[\\]=\"'#{}\\n a-z0-9.,\\\\]{0,12}") {
        let text = mutate(VALID, at, cut, &insert);
        if let Some(fast) = aiconn::store::fast::read(&text) {
            let full = ConnDoc::parse(&text, Path::new("c.toml"));
            prop_assert!(full.is_ok(), "fast read a file the full reader refuses: {text:?}");
            let full = full.unwrap();
            prop_assert_eq!(&fast.connections, &full.connections());
            prop_assert_eq!(&fast.namespace, &full.namespace);
        }
    }

    #[test]
    fn importers_never_panic(s in "\\PC{0,300}") {
        let _ = aiconn::promptflow::import_yaml("f.yaml", &s, None);
        let _ = aiconn::promptflow::import_dotenv("f.env", &s, Some("x"));
    }

    #[test]
    fn yaml_shaped_input_never_panics(name in "[a-z_.\\- ]{0,12}", t in "(azure_open_ai|open_ai|custom|serp|Serp|bad)", k in "[a-z_]{1,10}", v in "\\PC{0,20}") {
        let y = format!("name: {name}\ntype: {t}\n{k}: {v:?}\nconfigs:\n  {k}: {v:?}\nsecrets:\n  {k}: {v:?}\n");
        let _ = aiconn::promptflow::import_yaml("f.yaml", &y, None);
    }

    #[test]
    fn stored_values_round_trip(name in "[A-Za-z0-9][A-Za-z0-9_-]{0,20}", base in "\\PC{0,60}", cfg in proptest::collection::vec(("[a-z][a-z0-9_-]{0,8}", "\\PC{0,30}"), 0..4)) {
        let mut c = Connection::new(&name, "custom").unwrap();
        for (k, v) in &cfg { c.configs.insert(k.clone(), v.clone()); }
        c.secrets.insert("token".into(), aiconn::model::SecretRecord::parse("keychain"));
        let mut o = Connection::new(&format!("{name}-o"), "open_ai").unwrap();
        o.values.insert("base_url".into(), base.clone());
        o.secrets.insert("api_key".into(), aiconn::model::SecretRecord::parse("keychain"));
        let mut d = ConnDoc::new_empty();
        d.upsert(&c);
        d.upsert(&o);
        let back = ConnDoc::parse(&d.to_text(), Path::new("c.toml")).unwrap();
        prop_assert_eq!(back.get(&name), Some(c));
        prop_assert_eq!(back.get(&format!("{name}-o")), Some(o));
    }
}
