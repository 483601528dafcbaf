//! The Microsoft Entra ID token audience per endpoint kind, as data (docs/azure.md):
//! Azure OpenAI and Foundry resources take `https://cognitiveservices.azure.com`, Foundry
//! project endpoints `https://ai.azure.com`, Azure AI Search `https://search.azure.com`.
//! Kinds that take no Entra ID token (OpenAI, serverless keys, unknown hosts) have none.

use super::Kind;

/// Azure OpenAI, Foundry resources and the other Azure AI services.
pub const COGNITIVE_SERVICES: &str = "https://cognitiveservices.azure.com";
/// Foundry project endpoints (`/api/projects/<p>`).
pub const AI_FOUNDRY: &str = "https://ai.azure.com";
/// Azure AI Search.
pub const SEARCH: &str = "https://search.azure.com";

const AUDIENCES: &[(Kind, &str)] = &[
    (Kind::FoundryProject, AI_FOUNDRY),
    (Kind::AzureOpenaiResource, COGNITIVE_SERVICES),
    (Kind::AzureOpenaiDeployment, COGNITIVE_SERVICES),
    (Kind::AzureOpenaiV1, COGNITIVE_SERVICES),
    (Kind::FoundryModels, COGNITIVE_SERVICES),
    (Kind::ContentSafetyOrCognitive, COGNITIVE_SERVICES),
    (Kind::CognitiveSearch, SEARCH),
];

/// The audience (`az account get-access-token --resource`) of a token for `kind`.
pub fn entra_audience(kind: Kind) -> Option<&'static str> {
    AUDIENCES.iter().find(|(k, _)| *k == kind).map(|(_, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_take_ai_azure_com_and_resources_cognitiveservices() {
        let p = crate::endpoint::classify("https://res.services.ai.azure.com/api/projects/p1");
        assert_eq!(entra_audience(p.kind), Some("https://ai.azure.com"));
        let v1 = crate::endpoint::classify("https://res.openai.azure.com/openai/v1/responses");
        assert_eq!(
            v1.kind,
            Kind::AzureOpenaiV1,
            "the Responses route is a v1 route"
        );
        assert_eq!(
            entra_audience(v1.kind),
            Some("https://cognitiveservices.azure.com")
        );
        assert_eq!(entra_audience(Kind::Openai), None);
        assert_eq!(entra_audience(Kind::Unknown), None);
    }
}
