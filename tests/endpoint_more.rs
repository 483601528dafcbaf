//! Shapes beyond the shared sample (docs/endpoints.md), read by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use aiconn::endpoint::Flag;
use aiconn::endpoint::{Kind, Reusable, classify, classify_for_type};

#[test]
fn more_real_shapes() {
    let r = classify(
        "https://my-apim.azure-api.net/openai/deployments/gpt4/chat/completions?api-version=2024-02-01",
    );
    assert_eq!(
        (r.kind, r.reusable, r.deployment.as_deref()),
        (Kind::Unknown, Some(Reusable::Unknown), Some("gpt4"))
    );
    assert!(r.has(Flag::GatewayHost) && r.hint.contains("deployment 'gpt4'"));

    let r = classify("https://eastus.api.cognitive.microsoft.com/openai/v1/responses");
    assert_eq!(
        (r.kind, r.normalized_base.as_deref()),
        (
            Kind::AzureOpenaiV1,
            Some("https://eastus.api.cognitive.microsoft.com/openai/v1")
        )
    );
    assert!(r.has(Flag::RegionalLegacyHost));

    let r = classify(
        "https://contoso.services.ai.azure.com/api/projects/p1/applications/app/protocols/openai/responses?api-version=2025-11-15-preview",
    );
    assert_eq!(
        (r.kind, r.reusable),
        (Kind::FoundryProject, Some(Reusable::No))
    );
    assert!(r.has(Flag::AgentApplication));

    let r = classify("https://foo.search.windows.net/indexes/idx/docs?api-version=2024-07-01");
    assert_eq!(
        (r.kind, r.api_version.as_deref()),
        (Kind::CognitiveSearch, Some("2024-07-01"))
    );
    assert!(r.flags.is_empty(), "{:?}", r.flags);

    let r = classify(
        "https://contoso.cognitiveservices.azure.com/language/:analyze-text?api-version=2023-04-01",
    );
    assert_eq!(r.kind, Kind::ContentSafetyOrCognitive);
    assert!(
        !r.has(Flag::ApiVersionUnknown),
        "Language has its own versions"
    );

    let r = classify(
        "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-05-13",
    );
    assert!(r.has(Flag::ApiVersionUnknown) && r.tip.unwrap().contains("model version"));

    let r = classify("https://demo.openai.azure.com.attacker.example/openai/v1");
    assert_eq!(r.kind, Kind::Unknown);
    assert!(r.has(Flag::LookalikeHost) && r.normalized_base.is_none());

    let r = classify(
        "https://x.openai.azure.com/openai/v1/deployments/gpt-4o/chat/completions?api-version=preview",
    );
    assert_eq!(
        (r.kind, r.deployment.as_deref()),
        (Kind::AzureOpenaiDeployment, Some("gpt-4o"))
    );
    assert!(r.has(Flag::MixedV1AndDeployment) && r.tip.unwrap().contains("/openai/v1/"));

    let r = classify(
        "https://x.openai.azure.com//openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
    );
    assert!(r.has(Flag::DoubleSlash));
    assert_eq!(r.deployment.as_deref(), Some("gpt-4o"));

    let r = classify("export AZURE_OPENAI_ENDPOINT=\"https://contoso.openai.azure.com/\"");
    assert_eq!(
        (r.kind, r.normalized_base.as_deref()),
        (
            Kind::AzureOpenaiResource,
            Some("https://contoso.openai.azure.com")
        )
    );
    assert!(r.has(Flag::EnvVarPrefix));
}

#[test]
fn the_field_decides_ambiguous_hosts_and_mismatches_say_so() {
    let url = "https://contoso.cognitiveservices.azure.com/";
    assert_eq!(
        classify_for_type(url, "azure_content_safety").kind,
        Kind::ContentSafetyOrCognitive
    );
    assert_eq!(
        classify_for_type(url, "azure_open_ai").kind,
        Kind::AzureOpenaiResource
    );
    let r = classify_for_type("https://e.eastus2.models.ai.azure.com", "azure_open_ai");
    assert!(
        r.mismatch
            && r.warns()
            && r.tip
                .unwrap()
                .starts_with("This field takes the resource base")
    );
    let r = classify_for_type("https://contoso.openai.azure.com/", "azure_open_ai");
    assert!(!r.mismatch && !r.warns());
}

#[test]
fn the_models_hint_says_the_inference_sdk_retired_and_offers_v1_on_the_same_host() {
    for host in ["contoso.services.ai.azure.com", "gov.services.ai.azure.us"] {
        let r = aiconn::endpoint::classify(&format!("https://{host}/models"));
        let tip = r.tip.unwrap_or_default();
        assert!(
            tip.contains("Azure AI Inference SDK retired 2026-08-26"),
            "{tip}"
        );
        assert!(
            tip.contains(&format!(
                "https://{host}/openai/v1/ with the deployment as model"
            )),
            "{tip}"
        );
    }
}

/// Issue 21: the route a request URL names (the Responses API among them) and the Microsoft
/// Entra ID token audience of its kind are data in the reading: project endpoints take
/// `https://ai.azure.com`, resources `https://cognitiveservices.azure.com` (docs/azure.md).
#[test]
fn the_route_and_the_entra_audience_are_part_of_the_reading() {
    use aiconn::endpoint::Route;
    let cog = Some("https://cognitiveservices.azure.com");
    for (url, kind, route, audience) in [
        (
            "https://contoso.openai.azure.com/openai/v1/responses",
            Kind::AzureOpenaiV1,
            Some(Route::Responses),
            cog,
        ),
        (
            "https://contoso.cognitiveservices.azure.com/openai/responses?api-version=2025-04-01-preview",
            Kind::AzureOpenaiResource,
            Some(Route::Responses),
            cog,
        ),
        (
            "https://contoso.services.ai.azure.com/api/projects/p1/openai/v1/responses",
            Kind::FoundryProject,
            Some(Route::Responses),
            Some("https://ai.azure.com"),
        ),
        (
            "https://contoso.services.ai.azure.com/api/projects/p1",
            Kind::FoundryProject,
            None,
            Some("https://ai.azure.com"),
        ),
        (
            "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            Kind::AzureOpenaiDeployment,
            Some(Route::ChatCompletions),
            cog,
        ),
        (
            "https://contoso.openai.azure.com/openai/v1/models",
            Kind::AzureOpenaiV1,
            Some(Route::Models),
            cog,
        ),
        // A base names no route, /models included (it is the base there, not the list).
        (
            "https://contoso.services.ai.azure.com/models",
            Kind::FoundryModels,
            None,
            cog,
        ),
        (
            "https://contoso.openai.azure.com/openai/v1/",
            Kind::AzureOpenaiV1,
            None,
            cog,
        ),
        (
            "https://contoso.search.windows.net/indexes/i/docs/search?api-version=2024-07-01",
            Kind::CognitiveSearch,
            None,
            Some("https://search.azure.com"),
        ),
        (
            "https://api.openai.com/v1/responses",
            Kind::Openai,
            Some(Route::Responses),
            None,
        ),
    ] {
        let r = classify(url);
        assert_eq!(
            (r.kind, r.route, r.entra_audience),
            (kind, route, audience),
            "{url}"
        );
    }
}

/// A request URL on a host aiconn does not know (a loopback server, a gateway) still has a
/// base: the URL without its route and query, in the scheme typed; `/models` and `/info` are
/// left alone, being a base's own last segment as often as a route.
#[test]
fn a_request_url_on_an_unknown_host_has_the_base_before_its_route() {
    let cases = [
        (
            "http://127.0.0.1:8080/v1/chat/completions",
            Some("http://127.0.0.1:8080/v1"),
            None,
        ),
        (
            "http://localhost:8000/models/chat/completions?api-version=2024-05-01-preview",
            Some("http://localhost:8000/models"),
            Some("2024-05-01-preview"),
        ),
        (
            "https://gw.example.com/llm/v1/embeddings",
            Some("https://gw.example.com/llm/v1"),
            None,
        ),
        (
            "https://gw.example.com/v1/images/generations",
            Some("https://gw.example.com/v1"),
            None,
        ),
        (
            "http://127.0.0.1:8080/chat/completions",
            Some("http://127.0.0.1:8080"),
            None,
        ),
    ];
    for (url, base, version) in cases {
        let r = classify(url);
        assert_eq!(r.kind, Kind::Unknown, "{url}");
        assert_eq!(r.normalized_base.as_deref(), base, "{url}");
        assert!(r.had_request_path, "{url} not seen as a request URL");
        assert_eq!(r.api_version.as_deref(), version, "{url}");
    }
    for url in ["http://127.0.0.1:8080/models", "https://gw.example.com/v1"] {
        let r = classify(url);
        assert!(!r.had_request_path, "{url} taken for a request URL");
    }
}
