//! What the classifier noticed about a URL, beyond its kind. An enum, so a typo is a compile
//! error; serialized under the same snake_case names as ever (`aiconn endpoint --json`).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    AgentApplication,
    ApiVersionDeprecated,
    ApiVersionMalformed,
    ApiVersionMissing,
    ApiVersionNotForEndpoint,
    ApiVersionUnknown,
    ConnectionString,
    DefaultPort,
    DeprecatedEndpoint,
    DocsUrl,
    DoubleSlash,
    DuplicatedOperationPath,
    Empty,
    EmptyHost,
    EnvVarPrefix,
    GatewayHost,
    InsecureScheme,
    InvisibleChars,
    LegacyExtensionsRoute,
    LocalProxy,
    LookalikeHost,
    LooksLikeApiKey,
    MissingApiSegment,
    MissingModelsSuffix,
    MissingResourceLabel,
    MissingScheme,
    MissingScoreSuffix,
    MissingV1Suffix,
    MixedV1AndDeployment,
    NonstandardPort,
    NotOpenaiCompatible,
    Placeholder,
    PortalUrl,
    ProjectNameMissing,
    ProviderPrefixInDeployment,
    RegionalLegacyHost,
    SecretInUrl,
    SovereignChina,
    SovereignUsgov,
    StrippedQuotes,
    SuspiciousModelsSuffix,
    TemplateUnresolved,
    TrimmedWhitespace,
    TypoSuffix,
    UndocumentedHostForRoute,
    UnknownOperation,
    UppercaseHost,
    WebsocketScheme,
}

impl Flag {
    /// The name `--json` and the text output use.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::AgentApplication => "agent_application",
            Flag::ApiVersionDeprecated => "api_version_deprecated",
            Flag::ApiVersionMalformed => "api_version_malformed",
            Flag::ApiVersionMissing => "api_version_missing",
            Flag::ApiVersionNotForEndpoint => "api_version_not_for_endpoint",
            Flag::ApiVersionUnknown => "api_version_unknown",
            Flag::ConnectionString => "connection_string",
            Flag::DefaultPort => "default_port",
            Flag::DeprecatedEndpoint => "deprecated_endpoint",
            Flag::DocsUrl => "docs_url",
            Flag::DoubleSlash => "double_slash",
            Flag::DuplicatedOperationPath => "duplicated_operation_path",
            Flag::Empty => "empty",
            Flag::EmptyHost => "empty_host",
            Flag::EnvVarPrefix => "env_var_prefix",
            Flag::GatewayHost => "gateway_host",
            Flag::InsecureScheme => "insecure_scheme",
            Flag::InvisibleChars => "invisible_chars",
            Flag::LegacyExtensionsRoute => "legacy_extensions_route",
            Flag::LocalProxy => "local_proxy",
            Flag::LookalikeHost => "lookalike_host",
            Flag::LooksLikeApiKey => "looks_like_api_key",
            Flag::MissingApiSegment => "missing_api_segment",
            Flag::MissingModelsSuffix => "missing_models_suffix",
            Flag::MissingResourceLabel => "missing_resource_label",
            Flag::MissingScheme => "missing_scheme",
            Flag::MissingScoreSuffix => "missing_score_suffix",
            Flag::MissingV1Suffix => "missing_v1_suffix",
            Flag::MixedV1AndDeployment => "mixed_v1_and_deployment",
            Flag::NonstandardPort => "nonstandard_port",
            Flag::NotOpenaiCompatible => "not_openai_compatible",
            Flag::Placeholder => "placeholder",
            Flag::PortalUrl => "portal_url",
            Flag::ProjectNameMissing => "project_name_missing",
            Flag::ProviderPrefixInDeployment => "provider_prefix_in_deployment",
            Flag::RegionalLegacyHost => "regional_legacy_host",
            Flag::SecretInUrl => "secret_in_url",
            Flag::SovereignChina => "sovereign_china",
            Flag::SovereignUsgov => "sovereign_usgov",
            Flag::StrippedQuotes => "stripped_quotes",
            Flag::SuspiciousModelsSuffix => "suspicious_models_suffix",
            Flag::TemplateUnresolved => "template_unresolved",
            Flag::TrimmedWhitespace => "trimmed_whitespace",
            Flag::TypoSuffix => "typo_suffix",
            Flag::UndocumentedHostForRoute => "undocumented_host_for_route",
            Flag::UnknownOperation => "unknown_operation",
            Flag::UppercaseHost => "uppercase_host",
            Flag::WebsocketScheme => "websocket_scheme",
        }
    }
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_are_the_text_names() {
        for f in [
            Flag::ApiVersionMissing,
            Flag::SecretInUrl,
            Flag::SovereignUsgov,
        ] {
            assert_eq!(
                serde_json::to_value(f).unwrap(),
                serde_json::json!(f.as_str())
            );
        }
    }
}
