//! "Paste what you have": what a pasted endpoint URL, portal Target URI or portal snippet
//! ("Endpoint: ... Key: ...") says, so a face can propose the connection type and fill the
//! endpoint base, deployment, api-version and key. Pure; the faces word the outcome.

use super::{Draft, FieldPath};
use crate::catalogue::{Catalogue, Role, TypeSpec};
use crate::endpoint::{Kind, classify, looks_like_key};
use secrecy::SecretString;

/// What a paste reads as.
#[derive(Debug, Default)]
pub struct PasteReading {
    /// The type proposed (`None`: nothing recognised; the face lets the user pick).
    pub spec: Option<&'static TypeSpec>,
    /// Field values for that type, by key: the endpoint base and what the URL or the snippet
    /// carried (deployment, api-version). Only fields of `spec`.
    pub fields: Vec<(String, String)>,
    /// The URL found, as pasted (kept for the endpoint step when no type was proposed).
    pub url: Option<String>,
    /// A key found in a snippet (never put in `fields`: it is a secret).
    pub key: Option<SecretString>,
    /// A name to start from (the deployment, else the resource), valid as a connection name.
    pub name: Option<String>,
}

/// A snippet line split as `label: value` or `LABEL=value` (lower-cased label).
fn labelled(line: &str) -> Option<(String, &str)> {
    let line = line.trim().trim_start_matches("export ").trim();
    let i = line.find([':', '='])?;
    let (label, value) = (&line[..i], line[i + 1..].trim());
    // "https://..." splits at the scheme's colon: that is a URL, not a label.
    if value.starts_with("//") || label.is_empty() || label.len() > 40 {
        return None;
    }
    Some((
        label.trim().to_ascii_lowercase(),
        value.trim_matches(['"', '\'']),
    ))
}

fn is_url(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

/// The connection type a URL so read is set up as (a deployment URL: Azure OpenAI, its base
/// and deployment in their own fields; an agent application URL talks to one agent: none).
fn type_for(r: &crate::endpoint::Reading) -> Option<&'static str> {
    Some(match r.kind {
        Kind::FoundryModels | Kind::AzureOpenaiV1 | Kind::FoundryAnthropic => "azure_ai",
        Kind::AzureOpenaiResource | Kind::AzureOpenaiDeployment => "azure_open_ai",
        Kind::Openai => "open_ai",
        Kind::Serverless | Kind::ManagedOnline => "serverless",
        Kind::CognitiveSearch => "cognitive_search",
        Kind::ContentSafetyOrCognitive => "azure_ai_services",
        Kind::FoundryProject if r.has(crate::endpoint::Flag::AgentApplication) => return None,
        Kind::FoundryProject => "foundry_project",
        Kind::Unknown | Kind::Invalid => return None,
    })
}

/// What the snippet says besides URLs: labelled key, deployment and api-version.
#[derive(Default)]
struct Labels {
    key: Option<String>,
    deployment: Option<String>,
    api_version: Option<String>,
}

fn read_labels(text: &str) -> (Vec<String>, Labels) {
    let mut urls = Vec::new();
    let mut l = Labels::default();
    for line in text.lines() {
        if let Some((label, value)) = labelled(line)
            && !value.is_empty()
            && !value.contains(char::is_whitespace)
        {
            if is_url(value) {
                urls.push(value.to_string());
            } else if label.contains("key") {
                l.key.get_or_insert_with(|| value.to_string());
            } else if label.contains("deployment") {
                l.deployment.get_or_insert_with(|| value.to_string());
            } else if label.contains("version") {
                l.api_version.get_or_insert_with(|| value.to_string());
            }
            continue;
        }
        for t in line
            .split_whitespace()
            .map(|t| t.trim_matches(['"', '\'', '<', '>']))
        {
            if is_url(t) {
                urls.push(t.to_string());
            } else if looks_like_key(t) {
                l.key.get_or_insert_with(|| t.to_string());
            }
        }
    }
    (urls, l)
}

/// Reads a paste: the URL (the one that says most, when there are several), the type it
/// proposes, the fields its fix fills, and a key.
pub fn read_paste(text: &str) -> PasteReading {
    let (urls, labels) = read_labels(text);
    // A Target URI beside its resource endpoint: the Target URI names the deployment.
    let url = urls
        .iter()
        .max_by_key(|u| {
            let r = classify(u);
            (
                type_for(&r).is_some(),
                r.deployment.is_some(),
                r.api_version.is_some(),
            )
        })
        .cloned();
    let mut out = PasteReading {
        key: labels.key.clone().map(SecretString::from),
        url: url.clone(),
        ..Default::default()
    };
    let Some(url) = url else { return out };
    let reading = classify(&url);
    let Some(spec) = type_for(&reading).and_then(|id| Catalogue::get().find(id)) else {
        return out;
    };
    let Some(field) = spec.url_field() else {
        return out;
    };
    let mut d = Draft::new(spec);
    let path = FieldPath::Field(field.key.clone());
    d.set(&path, &url);
    for (role, v) in [
        (Role::Deployment, &labels.deployment),
        (Role::ApiVersion, &labels.api_version),
    ] {
        if let (Some(f), Some(v)) = (spec.role(role), v) {
            d.set(&FieldPath::Field(f.key.clone()), v);
        }
    }
    if let Some(fix) = d.fix() {
        d.apply(&fix);
    }
    for f in &spec.fields {
        let p = FieldPath::Field(f.key.clone());
        let v = d.text(&p);
        // A default is left alone, unless the paste named that very api-version.
        let said = f.role == Some(Role::ApiVersion) && reading.api_version.is_some();
        if !v.is_empty() && (said || Some(v.as_str()) != f.default.as_deref()) {
            out.fields.push((f.key.clone(), v));
        }
    }
    out.name = suggested_name(&reading.deployment, &url);
    out.spec = Some(spec);
    out
}

impl Draft {
    /// Another type this draft's endpoint belongs to (a Foundry `/models` URL typed into an
    /// Azure OpenAI connection): the one a paste of it would have proposed. `None` when the
    /// endpoint fits here, or its own fix makes it fit (a deployment URL in Azure OpenAI).
    pub fn better_type(&self) -> Option<&'static TypeSpec> {
        let (key, r) = self.reading()?;
        if !r.mismatch {
            return None;
        }
        let id = type_for(&classify(&self.text(&FieldPath::Field(key))))?;
        if id == self.spec.id {
            return None;
        }
        Catalogue::get().find(id)
    }
}

/// `gpt-4o-mini` for a deployment URL, `contoso` for `https://contoso.openai.azure.com/`.
fn suggested_name(deployment: &Option<String>, url: &str) -> Option<String> {
    let host = url.split_once("://")?.1.split(['/', ':', '?']).next()?;
    let first = host.split('.').next().unwrap_or(host);
    let candidate = deployment.clone().unwrap_or_else(|| first.to_string());
    let clean: String = candidate
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    crate::model::validate_name(&clean).ok().map(|()| clean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn field<'a>(p: &'a PasteReading, key: &str) -> Option<&'a str> {
        p.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_target_uri_proposes_azure_openai_with_base_deployment_and_version() {
        let p = read_paste(
            "https://contoso.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21",
        );
        assert_eq!(p.spec.unwrap().id, "azure_open_ai");
        assert_eq!(
            field(&p, "api_base"),
            Some("https://contoso.openai.azure.com")
        );
        assert_eq!(field(&p, "deployment"), Some("gpt-4o-mini"));
        assert_eq!(field(&p, "api_version"), Some("2024-10-21"));
        assert_eq!(p.name.as_deref(), Some("gpt-4o-mini"));
        assert!(p.key.is_none());
    }

    #[test]
    fn a_portal_snippet_gives_the_endpoint_and_the_key() {
        let p = read_paste(
            "Endpoint: https://contoso.openai.azure.com/\r\nKEY 1: 0123456789abcdef0123456789abcdef\nLocation/Region: eastus\n",
        );
        assert_eq!(p.spec.unwrap().id, "azure_open_ai");
        assert_eq!(
            field(&p, "api_base"),
            Some("https://contoso.openai.azure.com/")
        );
        assert_eq!(
            p.key.as_ref().unwrap().expose_secret(),
            "0123456789abcdef0123456789abcdef"
        );
        assert_eq!(p.name.as_deref(), Some("contoso"));
        // The key never lands in a plain field.
        assert!(
            p.fields
                .iter()
                .all(|(_, v)| !v.contains("0123456789abcdef"))
        );
    }

    #[test]
    fn env_lines_and_an_unlabelled_key_are_read_too() {
        let p = read_paste(
            "export AZURE_OPENAI_ENDPOINT=\"https://contoso.openai.azure.com/\"\nAZURE_OPENAI_DEPLOYMENT=chat\nsk-fakefakefakefakefake0001",
        );
        assert_eq!(p.spec.unwrap().id, "azure_open_ai");
        assert_eq!(field(&p, "deployment"), Some("chat"));
        assert_eq!(
            p.key.as_ref().unwrap().expose_secret(),
            "sk-fakefakefakefakefake0001"
        );
    }

    #[test]
    fn foundry_and_openai_urls_propose_their_types() {
        let p = read_paste("https://contoso.services.ai.azure.com/models");
        assert_eq!(p.spec.unwrap().id, "azure_ai");
        assert_eq!(
            field(&p, "endpoint"),
            Some("https://contoso.services.ai.azure.com/models")
        );
        let p = read_paste("https://api.openai.com/v1/chat/completions");
        assert_eq!(p.spec.unwrap().id, "open_ai");
    }

    /// Claude on Foundry (issue 21 §3): a Messages URL proposes azure_ai with its `/anthropic`
    /// base, which then fits the field (no "does not fit", no other type offered).
    #[test]
    fn a_claude_on_foundry_url_proposes_azure_ai_with_the_anthropic_base() {
        for url in [
            "https://contoso.services.ai.azure.com/anthropic/v1/messages",
            "https://contoso.services.ai.azure.com/anthropic/",
        ] {
            let p = read_paste(&format!("{url}\ndeployment: claude-sonnet-4-5"));
            let spec = p.spec.unwrap();
            assert_eq!(spec.id, "azure_ai", "{url}");
            let endpoint = field(&p, "endpoint").unwrap();
            assert!(
                endpoint.trim_end_matches('/') == "https://contoso.services.ai.azure.com/anthropic",
                "{url}: {endpoint}"
            );
            assert_eq!(field(&p, "deployment"), Some("claude-sonnet-4-5"));
            let mut d = Draft::new(spec);
            d.set(&FieldPath::Field("endpoint".into()), endpoint);
            assert!(!d.reading().unwrap().1.mismatch, "{url}");
            assert!(d.better_type().is_none(), "{url}");
        }
    }

    #[test]
    fn a_foundry_url_in_azure_openai_offers_azure_ai_and_a_deployment_url_does_not() {
        let spec = |id| Catalogue::get().find(id).unwrap();
        let with = |id, url: &str| {
            let mut d = Draft::new(spec(id));
            let key = spec(id).url_field().unwrap().key.clone();
            d.set(&FieldPath::Field(key), url);
            d.better_type().map(|t| t.id.clone())
        };
        let foundry = "https://contoso.services.ai.azure.com/models";
        assert_eq!(with("azure_open_ai", foundry).as_deref(), Some("azure_ai"));
        assert_eq!(with("azure_ai", foundry), None);
        // Its own fix (base + deployment field) makes it fit: no switch offered.
        let dep = "https://contoso.openai.azure.com/openai/deployments/gpt-4o-mini";
        assert_eq!(with("azure_open_ai", dep), None);
        assert_eq!(with("open_ai", "https://llm.internal.example/v1"), None);
    }

    /// Issue 21: a project endpoint is a Foundry project connection (pasted, or typed into an
    /// Azure AI form); an agent application URL talks to one agent and proposes nothing.
    #[test]
    fn a_project_endpoint_proposes_a_foundry_project() {
        let p = read_paste("https://contoso.services.ai.azure.com/api/projects/proj1");
        assert_eq!(p.spec.unwrap().id, "foundry_project");
        assert_eq!(
            field(&p, "endpoint"),
            Some("https://contoso.services.ai.azure.com/api/projects/proj1")
        );
        assert_eq!(p.name.as_deref(), Some("contoso"));
        let p = read_paste(
            "https://contoso.services.ai.azure.com/api/projects/p1/applications/app/protocols/openai/responses?api-version=2025-11-15-preview",
        );
        assert!(p.spec.is_none());
        let mut d = Draft::new(Catalogue::get().find("azure_ai").unwrap());
        d.set(
            &FieldPath::Field("endpoint".into()),
            "https://contoso.services.ai.azure.com/api/projects/proj1",
        );
        assert_eq!(
            d.better_type().map(|t| t.id.as_str()),
            Some("foundry_project")
        );
    }

    #[test]
    fn garbage_proposes_nothing() {
        for text in [
            "",
            "hello world",
            "not a url at all: really",
            "https://",
            "ftp://x/y",
        ] {
            let p = read_paste(text);
            assert!(p.spec.is_none(), "{text:?}");
            assert!(p.fields.is_empty(), "{text:?}");
        }
        // A host nobody knows: the URL is kept for later, no type is guessed.
        let p = read_paste("https://llm.internal.example/v1");
        assert!(p.spec.is_none());
        assert_eq!(p.url.as_deref(), Some("https://llm.internal.example/v1"));
    }
}
