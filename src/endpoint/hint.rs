//! The words: one hint line (≤ ~80 columns where possible) and an optional tip, per kind and
//! per mistake (docs/endpoints.md). Names from the URL are sanitized for terminals.

use super::Flag;
use super::Kind;
use super::api_version;
use super::facts::Facts;
use crate::sanitize::for_terminal;

/// An example URL of the first kind the field expects.
fn example_for(expected: &[Kind]) -> &'static str {
    match expected.first() {
        Some(Kind::FoundryModels) => "https://<resource>.services.ai.azure.com/models",
        Some(Kind::ContentSafetyOrCognitive) => "https://<resource>.cognitiveservices.azure.com/",
        Some(Kind::CognitiveSearch) => "https://<service>.search.windows.net",
        Some(Kind::Serverless) => "https://<endpoint>.<region>.models.ai.azure.com",
        Some(Kind::Openai) => "https://api.openai.com/v1",
        Some(Kind::Unknown) => "https://<host>:<port>/",
        _ => "https://<resource>.openai.azure.com/",
    }
}

pub fn kind_label(k: Kind) -> &'static str {
    match k {
        Kind::FoundryModels => "a Foundry /models endpoint",
        Kind::FoundryProject => "a Foundry project endpoint",
        Kind::FoundryAnthropic => "Claude on Foundry (Anthropic Messages API)",
        Kind::AzureOpenaiResource => "an Azure OpenAI resource base",
        Kind::AzureOpenaiDeployment => "an Azure OpenAI deployment URL",
        Kind::AzureOpenaiV1 => "an Azure OpenAI v1 endpoint",
        Kind::Serverless => "a serverless endpoint",
        Kind::ManagedOnline => "an Azure ML online endpoint",
        Kind::Openai => "the OpenAI API",
        Kind::ContentSafetyOrCognitive => "an Azure AI services endpoint",
        Kind::CognitiveSearch => "an Azure AI Search service",
        Kind::Unknown => "an unrecognized endpoint",
        Kind::Invalid => "not an endpoint",
    }
}

fn invalid_hint(f: &Facts, expected: &[Kind]) -> (String, Option<String>) {
    let has = |x: Flag| f.flags.contains(&x);
    if has(Flag::Empty) {
        return (
            "Paste the endpoint URL from the portal's Keys and Endpoint page.".into(),
            None,
        );
    }
    if has(Flag::LooksLikeApiKey) {
        return (
            "This looks like an API key, not a URL: paste it into the key field.".into(),
            None,
        );
    }
    if has(Flag::ConnectionString) {
        return (
            "This is a hub-project connection string, not an endpoint.".into(),
            Some("Newer projects use https://<resource>.services.ai.azure.com/api/projects/<project>.".into()),
        );
    }
    if has(Flag::Placeholder) {
        return (
            "The URL still has a placeholder (e.g. YOUR_RESOURCE_NAME): fill in your own names."
                .into(),
            None,
        );
    }
    if has(Flag::TemplateUnresolved) {
        return (
            "The URL has unresolved template parts ('undefined'): check the tool that made it."
                .into(),
            None,
        );
    }
    if has(Flag::PortalUrl) {
        let tip = f.portal_account.as_ref().map(|a| {
            format!(
                "Your resource endpoint is probably https://{}.services.ai.azure.com",
                for_terminal(a)
            )
        });
        return ("This is a portal page, not an API endpoint: copy Endpoint or Target URI from Keys and Endpoint.".into(), tip);
    }
    if has(Flag::DocsUrl) {
        return (
            "This is a documentation page, not an API endpoint.".into(),
            None,
        );
    }
    if has(Flag::TypoSuffix) {
        let fix = f.typo_fix.as_deref().map(for_terminal).unwrap_or_default();
        return (
            format!("Azure OpenAI hosts end in .openai.azure.com: did you mean https://{fix}/ ?"),
            None,
        );
    }
    if has(Flag::MissingResourceLabel) {
        return (
            "The host has no resource name: expected https://<your-resource>.<service host>/"
                .into(),
            None,
        );
    }
    if has(Flag::EmptyHost) {
        return ("The URL has no host name.".into(), None);
    }
    (
        format!(
            "Not a URL: expected something like {}",
            example_for(expected)
        ),
        None,
    )
}

fn name(s: &Option<String>) -> String {
    s.as_deref().map(for_terminal).unwrap_or_default()
}

pub fn render(
    f: &Facts,
    kind: Kind,
    expected: &[Kind],
    mismatch: bool,
) -> (String, Option<String>) {
    if kind == Kind::Invalid {
        return invalid_hint(f, expected);
    }
    let (hint, tip) = kind_hint(f, kind);
    // Mistakes outrank the generic tip.
    let mut tip = mistake_tip(f, kind, tip);
    if mismatch {
        let want: Vec<&str> = expected.iter().map(|k| kind_label(*k)).collect();
        tip = Some(format!(
            "This is {}; this field expects {}.",
            kind_label(kind),
            want.join(" or ")
        ));
    }
    (hint, tip)
}

/// The hint for a URL of `kind` (not `Invalid`), with its generic tip.
fn kind_hint(f: &Facts, kind: Kind) -> (String, Option<String>) {
    let has = |x: Flag| f.flags.contains(&x);
    let host = for_terminal(&f.host);
    match kind {
        // `render` words an invalid URL with what the field expects; never reached from it.
        Kind::Invalid => invalid_hint(f, &[]),
        Kind::FoundryModels if has(Flag::MissingModelsSuffix) => (
            "Foundry resource root: add /models (inference API) or /openai/v1 (OpenAI API).".into(),
            Some(format!("Saved as https://{host}/models: one connection for every model on the resource.")),
        ),
        Kind::FoundryModels => (
            "Foundry Models endpoint · one connection serves every model deployed on this resource".into(),
            if has(Flag::UndocumentedHostForRoute) {
                Some("Works in many setups, but the docs use https://<resource>.services.ai.azure.com/models".to_string())
            } else {
                // The Azure AI Inference SDK, the client of /models, was retired on
                // 2026-08-26 (docs/azure.md); the same host serves the OpenAI v1 API.
                Some(format!("The Azure AI Inference SDK retired 2026-08-26: OpenAI clients use https://{host}/openai/v1/ with the deployment as model"))
            },
        ),
        // Claude speaks Anthropic's Messages API, not OpenAI's (docs/clients.md).
        Kind::FoundryAnthropic => (
            "Claude on Foundry · Anthropic Messages API, one connection for every Claude deployment (deployment as model)".into(),
            Some(format!("Not OpenAI-compatible: the Anthropic SDK's AnthropicFoundry reads ANTHROPIC_FOUNDRY_BASE_URL=https://{host}/anthropic/ and ANTHROPIC_FOUNDRY_API_KEY")),
        ),
        Kind::FoundryProject if has(Flag::ProjectNameMissing) => {
            ("Foundry project endpoint without a project name: add it after /api/projects/.".into(), None)
        }
        Kind::FoundryProject if has(Flag::AgentApplication) => {
            ("Agent application URL: it talks to one agent, not to models.".into(), None)
        }
        Kind::FoundryProject => (
            "Foundry project endpoint · for the Foundry SDK and agents (Microsoft Entra ID sign-in)".into(),
            Some(format!("For API-key chat use https://{host}/openai/v1/ with the deployment as model.")),
        ),
        Kind::AzureOpenaiResource => (
            "Azure OpenAI resource · one connection, deployment chosen per request (needs api-version)".into(),
            // Not "use it here": an Azure OpenAI base must stay the resource (its clients add the
            // route); the v1 URL is for OpenAI() clients, as an azure_ai or open_ai connection.
            Some(format!("The same resource serves OpenAI() clients at https://{host}/openai/v1/ (an Azure AI or OpenAI connection; deployment as model).")),
        ),
        Kind::AzureOpenaiDeployment => (
            format!("Azure OpenAI deployment '{}' · bound to it: one connection per deployment", name(&f.deployment)),
            Some(format!("To reuse one connection: https://{host}/openai/v1/ with model '{}'.", name(&f.deployment))),
        ),
        Kind::AzureOpenaiV1 => (
            "Azure OpenAI v1 endpoint · reusable: put the deployment name in 'model'; no api-version".into(),
            None,
        ),
        Kind::Serverless => (
            format!("Serverless endpoint '{}' · serves a single model: one connection per endpoint", name(&f.endpoint_name)),
            if has(Flag::SuspiciousModelsSuffix) {
                Some("Serverless endpoints do not use /models: the client adds /chat/completions to the host.".into())
            } else {
                Some("Clients add /chat/completions (or /v1/chat/completions) to this base.".into())
            },
        ),
        Kind::ManagedOnline => (
            format!("Azure ML online endpoint '{}' · custom /score API: one connection per endpoint", name(&f.endpoint_name)),
            None,
        ),
        Kind::Openai => ("OpenAI API · one connection, model chosen per request".into(), None),
        Kind::ContentSafetyOrCognitive => (
            "Azure AI services endpoint (e.g. Content Safety) · not a chat-model endpoint".into(),
            if has(Flag::RegionalLegacyHost) {
                Some("Regional endpoint: works only with key auth; prefer your resource's own endpoint.".into())
            } else {
                None
            },
        ),
        Kind::CognitiveSearch => ("Azure AI Search service · for retrieval indexes".into(), None),
        Kind::Unknown => match f.proposed {
            Some("github_models") if has(Flag::DeprecatedEndpoint) => (
                "GitHub Models' old endpoint (deprecated 2025-07-17): use https://models.github.ai/inference".into(),
                None,
            ),
            Some("github_models") => ("GitHub Models · reusable; authenticate with a GitHub token".into(), None),
            Some(_) => ("Foundry Anthropic endpoint: Claude Messages API, not OpenAI-compatible".into(), None),
            None if has(Flag::NonstandardPort) => (
                "Azure services listen on port 443 only: this is a proxy, or the port is a typo.".into(),
                None,
            ),
            None if has(Flag::LocalProxy) => ("Local proxy or server · can't tell if it covers several models".into(), None),
            None if has(Flag::LookalikeHost) => (
                "Lookalike host: this is NOT an Azure or OpenAI address. Check every character.".into(),
                None,
            ),
            None => {
                let gw = if has(Flag::GatewayHost) { "Gateway/proxy" } else { "Unrecognized host" };
                let dep = f.deployment.as_ref().map(|d| format!(" (path looks like deployment '{}')", for_terminal(d))).unwrap_or_default();
                (format!("{gw} · can't tell if it covers several models{dep}"), None)
            }
        },
    }
}

/// `tip`, unless a mistake in the URL deserves the tip instead.
fn mistake_tip(f: &Facts, kind: Kind, mut tip: Option<String>) -> Option<String> {
    let has = |x: Flag| f.flags.contains(&x);
    let host = for_terminal(&f.host);
    if has(Flag::MixedV1AndDeployment) {
        tip = Some(format!(
            "/openai/v1 and /deployments/ don't mix (404): use https://{host}/openai/v1/ with model '{}'.",
            name(&f.deployment)
        ));
    } else if has(Flag::ProviderPrefixInDeployment) {
        tip = Some(
            "The provider name leaked into the path: 'azure' is not part of the deployment.".into(),
        );
    } else if has(Flag::SecretInUrl) {
        tip = Some("The URL carries a key: it was removed; put the key in the key field.".into());
    } else if has(Flag::ApiVersionMalformed)
        || has(Flag::ApiVersionUnknown)
        || has(Flag::ApiVersionNotForEndpoint)
        || has(Flag::ApiVersionDeprecated)
    {
        let v = f
            .api_version
            .as_deref()
            .map(for_terminal)
            .unwrap_or_default();
        let suggestion = f.family.map(api_version::suggested).unwrap_or("YYYY-MM-DD");
        let why = match &f.version_note {
            Some(n) => n.clone(),
            None if has(Flag::ApiVersionDeprecated) => format!("api-version '{v}' is deprecated"),
            None if has(Flag::ApiVersionNotForEndpoint) => {
                format!("api-version '{v}' belongs to another API")
            }
            None if has(Flag::ApiVersionMalformed) => {
                "the api-version is malformed (expected api-version=YYYY-MM-DD)".into()
            }
            None => format!("api-version '{v}' is not a known version"),
        };
        tip = Some(format!("{why}; try {suggestion}."));
    } else if has(Flag::ApiVersionMissing) {
        tip = Some(
            "This request URL has no api-version: Azure OpenAI answers 404 without one.".into(),
        );
    } else if has(Flag::MissingScheme) {
        tip = tip
            .map(|t| format!("Added https://. {t}"))
            .or(Some("Added https://.".into()));
    } else if has(Flag::InsecureScheme) {
        tip = Some("Azure requires https://: it will be used instead of http://.".into());
    } else if has(Flag::DoubleSlash) {
        tip = Some("The path has '//': a base with a trailing '/' was joined to a path.".into());
    } else if f.had_request_path
        && matches!(
            kind,
            Kind::AzureOpenaiResource
                | Kind::FoundryModels
                | Kind::Openai
                | Kind::AzureOpenaiV1
                | Kind::CognitiveSearch
        )
    {
        tip = Some("Pasted a full request URL: the base is the part before the operation.".into());
    }
    tip
}
