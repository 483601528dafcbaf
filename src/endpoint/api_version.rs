//! api-version checks per API family, from `assets/api_versions.toml`.

use super::Flag;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// An API family; a catalogue field names one as `versions = "..."` (snake case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    AzureOpenai,
    ModelInference,
    OpenaiV1,
    Search,
    ContentSafety,
    DocumentIntelligence,
    /// Claude on Foundry's Messages API: the `anthropic-version` header.
    Anthropic,
    /// The data-plane deployments listing (`GET /openai/deployments`), `aiconn deployments`.
    DeploymentsListing,
    /// A Foundry project's routes (`/api/projects/<p>/deployments`).
    FoundryProjects,
    /// Resource Manager's `Microsoft.CognitiveServices` provider (accounts, deployments,
    /// listKeys, projects, account models): `aiconn discover`.
    ArmCognitiveServices,
    /// Resource Manager's subscriptions list.
    ArmSubscriptions,
}

impl Family {
    /// Every family, each a table of assets/api_versions.toml.
    pub const ALL: [Family; 11] = [
        Family::AzureOpenai,
        Family::ModelInference,
        Family::OpenaiV1,
        Family::Search,
        Family::ContentSafety,
        Family::DocumentIntelligence,
        Family::Anthropic,
        Family::DeploymentsListing,
        Family::FoundryProjects,
        Family::ArmCognitiveServices,
        Family::ArmSubscriptions,
    ];

    /// The family named `key` in assets/api_versions.toml.
    pub fn parse(key: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.key() == key)
    }
    fn key(self) -> &'static str {
        match self {
            Family::AzureOpenai => "azure_openai",
            Family::ModelInference => "model_inference",
            Family::OpenaiV1 => "openai_v1",
            Family::Search => "search",
            Family::ContentSafety => "content_safety",
            Family::DocumentIntelligence => "document_intelligence",
            Family::Anthropic => "anthropic",
            Family::DeploymentsListing => "deployments_listing",
            Family::FoundryProjects => "foundry_projects",
            Family::ArmCognitiveServices => "arm_cognitive_services",
            Family::ArmSubscriptions => "arm_subscriptions",
        }
    }
}

#[derive(Deserialize)]
struct List {
    known: Vec<String>,
    deprecated: Vec<String>,
    #[serde(default)]
    recommended: String,
}

#[allow(clippy::expect_used)] // embedded at build time; the unit tests below parse it
fn lists() -> &'static HashMap<String, List> {
    static L: OnceLock<HashMap<String, List>> = OnceLock::new();
    L.get_or_init(|| {
        toml::from_str(include_str!("../../assets/api_versions.toml"))
            .expect("embedded api versions parse")
    })
}

fn contains(list: &str, v: &str) -> bool {
    lists()
        .get(list)
        .is_some_and(|l| l.known.iter().any(|k| k.eq_ignore_ascii_case(v)))
}

/// `YYYY-MM-DD` or `YYYY-MM-DD-preview` (any case).
pub fn well_formed(v: &str) -> bool {
    let b = v.as_bytes();
    let date = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    date && (b.len() == 10 || v[10..].eq_ignore_ascii_case("-preview"))
}

/// Flags for `version` used against `family`. Returns the flags and, for a model version
/// pasted as api-version, a note for the tip.
pub fn check(version: &str, family: Family) -> (Vec<Flag>, Option<String>) {
    let v = version.trim();
    if contains("model_versions", v) {
        let flag = if well_formed(v) {
            Flag::ApiVersionUnknown
        } else {
            Flag::ApiVersionMalformed
        };
        return (
            vec![flag],
            Some(format!("'{v}' is a model version, not an api-version")),
        );
    }
    if family == Family::OpenaiV1 {
        return if contains("openai_v1", v) {
            (vec![], None)
        } else {
            (vec![Flag::ApiVersionUnknown], None)
        };
    }
    if !well_formed(v) {
        return (vec![Flag::ApiVersionMalformed], None);
    }
    let fam = &lists()[family.key()];
    if fam.deprecated.iter().any(|d| d.eq_ignore_ascii_case(v)) {
        return (vec![Flag::ApiVersionDeprecated], None);
    }
    if fam.known.iter().any(|k| k.eq_ignore_ascii_case(v)) {
        return (vec![], None);
    }
    let elsewhere = [
        Family::AzureOpenai,
        Family::ModelInference,
        Family::Search,
        Family::ContentSafety,
        Family::DocumentIntelligence,
    ]
    .into_iter()
    .filter(|f| *f != family)
    .any(|f| contains(f.key(), v));
    if elsewhere {
        (vec![Flag::ApiVersionNotForEndpoint], None)
    } else {
        (vec![Flag::ApiVersionUnknown], None)
    }
}

/// The family's recommended api-version (assets/api_versions.toml): suggested in tips, used by
/// `aiconn test` and exported where a connection has none. `None` for /openai/v1 (takes none).
pub fn recommended(family: Family) -> Option<&'static str> {
    lists()
        .get(family.key())
        .map(|l| l.recommended.as_str())
        .filter(|v| !v.is_empty())
}

/// A suggestion for the family, used in tips.
pub fn suggested(family: Family) -> &'static str {
    recommended(family).unwrap_or("(none)")
}

/// The known api-versions of `family`, newest GA first as listed (the form's ←/→ choices).
pub fn known(family: Family) -> &'static [String] {
    lists().get(family.key()).map_or(&[], |l| &l.known)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table of the file is a family the code can name, and each recommended version is
    /// one of its family's known ones (a default nobody lists would never be checked).
    #[test]
    fn every_family_is_in_the_file_and_recommends_a_known_version() {
        for (key, list) in lists() {
            if key == "model_versions" {
                continue;
            }
            assert!(Family::parse(key).is_some(), "{key} has no Family");
            assert!(
                list.recommended.is_empty() || list.known.contains(&list.recommended),
                "{key}: {} is not known",
                list.recommended
            );
        }
        for f in Family::ALL {
            assert!(lists().contains_key(f.key()), "{f:?} missing from the file");
        }
        // Resource Manager is always called with one.
        for f in [Family::ArmCognitiveServices, Family::ArmSubscriptions] {
            assert!(
                recommended(f).is_some(),
                "{f:?} needs a recommended version"
            );
        }
    }
}
