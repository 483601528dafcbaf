use super::*;
use crate::catalogue::Catalogue;
use crate::endpoint::Kind;

fn draft(type_id: &str, url_key: &str, url: &str) -> Draft {
    let mut d = Draft::new(Catalogue::get().find(type_id).unwrap());
    d.set(&FieldPath::Field(url_key.into()), url);
    d
}

/// The offer and the action are one rule: whatever `fix()` offers, `apply` changes, and once
/// applied nothing more is offered (so "press f" is never answered by "nothing to fix").
#[test]
fn every_offered_fix_applies_and_settles() {
    let cases = [
        (
            "azure_open_ai",
            "api_base",
            "https://contoso.openai.azure.com/openai/v1/",
        ),
        (
            "azure_open_ai",
            "api_base",
            "https://contoso.openai.azure.com/openai/v1",
        ),
        (
            "azure_open_ai",
            "api_base",
            "https://res.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini",
        ),
        (
            "azure_open_ai",
            "api_base",
            "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        ),
        (
            "azure_open_ai",
            "api_base",
            "http://127.0.0.1:8080/openai/deployments/gpt-4o",
        ),
        (
            "azure_open_ai",
            "api_base",
            "https://contoso.openai.azure.com/",
        ),
        (
            "azure_ai",
            "endpoint",
            "https://res.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview",
        ),
        (
            "azure_ai",
            "endpoint",
            "https://res.services.ai.azure.com/models",
        ),
        ("open_ai", "base_url", "http://localhost:11434"),
        (
            "serverless",
            "api_base",
            "https://x.eastus2.models.ai.azure.com/v1/chat/completions",
        ),
        (
            "cognitive_search",
            "api_base",
            "https://s.search.windows.net/indexes?api-version=2024-07-01",
        ),
    ];
    for (t, key, url) in cases {
        let mut d = draft(t, key, url);
        if let Some(fix) = d.fix() {
            assert!(
                d.apply(&fix),
                "{t} {url}: offered {fix:?} but apply changed nothing"
            );
            assert_eq!(d.fix(), None, "{t} {url}: still offers a fix after {fix:?}");
        }
    }
}

#[test]
fn v1_url_in_an_azure_openai_base_is_fixed_to_the_resource() {
    let mut d = draft(
        "azure_open_ai",
        "api_base",
        "https://contoso.openai.azure.com/openai/v1/",
    );
    let fix = d.fix().expect("the v1 URL is not a resource base");
    assert_eq!(
        fix.base.trim_end_matches('/'),
        "https://contoso.openai.azure.com"
    );
    assert!(matches!(d.blocker(), Some(Blocker::ClientMisbuilds { .. })));
    d.apply(&fix);
    assert_eq!(d.blocker(), None);
}

#[test]
fn a_request_url_fills_the_api_version_only_when_untouched() {
    let url = "https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";
    let mut d = draft("azure_open_ai", "api_base", url);
    let fix = d.fix().unwrap();
    assert!(
        fix.fills
            .contains(&("api_version".into(), "2024-10-21".into()))
    );
    assert!(matches!(d.blocker(), Some(Blocker::RequestUrl { .. })));
    // A version the user typed is kept.
    d.set(&FieldPath::Field("api_version".into()), "2024-06-01");
    let fix = d.fix().unwrap();
    assert!(!fix.fills.iter().any(|(k, _)| k == "api_version"));
    d.apply(&fix);
    assert_eq!(
        d.text(&FieldPath::Field("api_version".into())),
        "2024-06-01"
    );
    assert_eq!(
        d.text(&FieldPath::Field("api_base".into())),
        "https://r.openai.azure.com"
    );
}

#[test]
fn gateway_and_loopback_deployment_urls_block_an_azure_openai_base() {
    for url in [
        "http://127.0.0.1:9000/openai/deployments/gpt-4o-mini",
        "https://apim.contoso.net/gw/openai/deployments/gpt-4o-mini",
    ] {
        let d = draft("azure_open_ai", "api_base", url);
        let b = d
            .blocker()
            .unwrap_or_else(|| panic!("{url} saved as a base"));
        assert!(
            !b.fix().base.contains("/openai/"),
            "{url}: fix {:?}",
            b.fix()
        );
    }
    // The same URL is right for azure_ai (one connection per deployment).
    let d = draft(
        "azure_ai",
        "endpoint",
        "https://res.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini",
    );
    assert_eq!(d.blocker(), None);
}

#[test]
fn defaults_are_shown_but_not_saved_and_sources_say_so() {
    let spec = Catalogue::get().find("azure_open_ai").unwrap();
    let mut d = Draft::new(spec);
    let v = FieldPath::Field("api_version".into());
    assert_eq!(d.source(&v), Some(ValueSource::Default));
    let (c, _) = d.into_save();
    assert!(!c.values.contains_key("api_version"));
    d.set(&v, "2024-10-21");
    assert_eq!(d.source(&v), Some(ValueSource::Edited));
    assert_eq!(d.into_save().0.values["api_version"], "2024-10-21");
}

#[test]
fn a_stored_connection_is_clean_until_changed() {
    let spec = Catalogue::get().find("azure_open_ai").unwrap();
    let mut c = Connection::of("prod", spec);
    c.values
        .insert("api_base".into(), "https://r.openai.azure.com/".into());
    c.secrets
        .insert("api_key".into(), SecretRecord::parse("keychain:0a1b"));
    let mut d = Draft::from_connection(&c);
    assert!(!d.is_dirty());
    let key = FieldPath::Field("api_key".into());
    assert_eq!(
        d.source(&key),
        Some(ValueSource::Backend(SecretRecord::parse("keychain:0a1b")))
    );
    d.set(&key, "fake-key-0001");
    assert!(d.is_dirty());
    let (saved, new) = d.into_save();
    assert!(new.contains_key("api_key"));
    assert!(!saved.secrets.contains_key("api_key"));
}

#[test]
fn custom_rows_need_a_value_for_every_secret() {
    let spec = Catalogue::get().find("custom").unwrap();
    let mut d = Draft::new(spec);
    d.set(&FieldPath::Name, "c");
    d.set_row("token", RowValue::Secret(SecretState::Unset));
    assert!(
        d.errors()
            .iter()
            .any(|e| e.at == FieldPath::Row("token".into()))
    );
    d.set(&FieldPath::Row("token".into()), "fake-key-0001");
    assert!(d.errors().is_empty(), "{:?}", d.errors());
    let (c, new) = d.into_save();
    assert_eq!(c.secrets["token"], SecretRecord::Pending);
    assert!(new.contains_key("token"));
}

/// Issue 21: the move to the v1 endpoint, offered for a `/models` endpoint and a deployment URL
/// in a type that takes v1; once applied the endpoint reads as v1, the URL's deployment is
/// kept in the deployment field, no api-version is left, and nothing more is offered.
#[test]
fn the_v1_move_is_offered_where_v1_fits_and_settles() {
    for (url, deployment) in [
        ("https://res.services.ai.azure.com/models", None),
        (
            "https://res.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini",
            Some("gpt-4o-mini"),
        ),
    ] {
        let mut d = draft("azure_ai", "endpoint", url);
        d.set(
            &FieldPath::Field("api_version".into()),
            "2024-05-01-preview",
        );
        assert_eq!(d.fix(), None, "{url}: a right shape has nothing to fix");
        let m = d
            .v1_move()
            .unwrap_or_else(|| panic!("{url}: no move offered"));
        assert!(d.apply(&m));
        let host = url::Url::parse(url)
            .unwrap()
            .host_str()
            .unwrap()
            .to_string();
        assert_eq!(
            d.text(&FieldPath::Field("endpoint".into())),
            format!("https://{host}/openai/v1/")
        );
        assert_eq!(d.reading().unwrap().1.kind, Kind::AzureOpenaiV1);
        assert_eq!(d.text(&FieldPath::Field("api_version".into())), "");
        if let Some(dep) = deployment {
            assert_eq!(d.text(&FieldPath::Field("deployment".into())), dep);
        }
        assert_eq!(d.v1_move(), None, "{url}: offered again after the move");
        assert_eq!(d.fix(), None);
    }
    // Not in a type whose field refuses v1 (Azure OpenAI takes the resource base), not on a
    // v1 endpoint already, and a typed deployment is never overwritten.
    let aoai = draft("azure_open_ai", "api_base", "https://res.openai.azure.com/");
    assert_eq!(aoai.v1_move(), None);
    let v1 = draft(
        "azure_ai",
        "endpoint",
        "https://res.openai.azure.com/openai/v1/",
    );
    assert_eq!(v1.v1_move(), None);
    let mut typed = draft(
        "azure_ai",
        "endpoint",
        "https://res.openai.azure.com/openai/deployments/a",
    );
    typed.set(&FieldPath::Field("deployment".into()), "b");
    let m = typed.v1_move().unwrap();
    assert!(!m.fills.iter().any(|(k, _)| k == "deployment"));
}

/// A blocker's fix is the draft's one fix: the guided setup shows the blocker's and its Enter
/// carries out `fix()`, so they must never differ (an `http://` request URL once did).
#[test]
fn a_blockers_fix_is_the_one_fix() {
    let urls = [
        "http://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        "http://res.openai.azure.com/",
        "http://api.openai.com/v1/chat/completions",
        "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        "https://res.openai.azure.com/openai/deployments/gpt-4o",
        "http://res.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview",
        "http://127.0.0.1:8080/openai/deployments/gpt-4o/chat/completions",
    ];
    let mut blocked = 0;
    for spec in &Catalogue::get().types {
        let Some(f) = spec.url_field() else { continue };
        for url in urls {
            let d = draft(&spec.id, &f.key, url);
            if let Some(b) = d.blocker() {
                blocked += 1;
                assert_eq!(Some(b.fix().clone()), d.fix(), "{}: {url}", spec.id);
            }
        }
    }
    assert!(blocked >= 10, "the cases block somewhere: {blocked}");
    // The face's own step for http stays the scheme alone.
    let d = draft("azure_open_ai", "api_base", urls[0]);
    let up = d.https_only().unwrap();
    assert_eq!(up.base, urls[0].replacen("http://", "https://", 1));
    assert!(up.fills.is_empty());
}
