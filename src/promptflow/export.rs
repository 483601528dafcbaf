//! Writes YAML that `pf connection create -f` accepts unchanged: the exact snake_case type,
//! the `$schema` URL, every scalar quoted (so dates and numbers stay strings), and secrets as
//! placeholders or `${env:...}` references, never their values.

use super::shape::{SecretStyle, file_shape, pf_fields};
use crate::catalogue::Role;
use crate::model::Connection;

/// The prompt flow YAML for `conn` (see [`file_shape`] for `as_type`).
pub fn export_yaml(
    conn: &Connection,
    style: SecretStyle,
    as_type: Option<(&str, Vec<(String, String)>)>,
) -> String {
    file_shape(conn, style, as_type).to_yaml()
}

/// A connection as prompt flow gets it: the type, its values, and a note saying why.
pub type PfExport = (String, Vec<(String, String)>, String);

/// A connection in prompt flow's terms: its type, values and, when not exported as it is, why.
pub type PfForm = (String, Vec<(String, String)>, Option<String>);

/// The prompt flow type and values `c` is exported as (YAML or `--to promptflow`), with a note
/// when it is not exported as it is: another type, or aiconn's own fields left out.
pub fn pf_values(c: &Connection) -> Result<PfForm, String> {
    let spec = c.spec();
    if !spec.has_pf_twin() {
        let (t, v, note) = azure_ai_as_pf(c)?;
        return Ok((
            t,
            v,
            Some(format!(
                "an azure_ai connection, which prompt flow lacks: {note}"
            )),
        ));
    }
    let values = pf_fields(c);
    let own: Vec<String> = spec
        .fields
        .iter()
        .filter(|f| !f.promptflow)
        .filter_map(|f| {
            c.values
                .get(&f.key)
                .map(|v| format!("{} '{}'", f.key, crate::sanitize::for_terminal(v)))
        })
        .collect();
    let note = (!own.is_empty()).then(|| {
        format!(
            "exported without aiconn's own {}, which prompt flow's connection has no place for (name it in the flow's node, e.g. deployment_name)",
            own.join(", ")
        )
    });
    Ok((spec.id.clone(), values, note))
}

/// The value stored for `role`'s field (not a default).
fn stored(c: &Connection, role: Role) -> Option<String> {
    c.values.get(c.role_key(role)?).cloned()
}

/// `azure_ai` has no prompt flow twin: export it as the prompt flow type whose llm-tool
/// request reaches the right route for its endpoint (docs/clients.md, promptflow-tools'
/// `normalize_connection_config`): an Azure OpenAI deployment or resource as `azure_open_ai`
/// with the resource base (the tool appends `/openai/deployments/<node's deployment_name>`);
/// the v1 API, and a Foundry `/models` endpoint by its resource's v1 API, as `open_ai` (the
/// tool appends `/chat/completions`); a serverless endpoint as `serverless` (the tool appends
/// `/v1`). Anything else is refused with the reason: no prompt flow type would reach it.
pub fn azure_ai_as_pf(c: &Connection) -> Result<PfExport, String> {
    use crate::endpoint::Kind;
    let endpoint = c.endpoint().unwrap_or_default();
    let r = crate::endpoint::classify_for_type(&endpoint, c.type_id());
    let https = crate::endpoint::https_upgrade(&endpoint).unwrap_or(endpoint.clone());
    let resource = crate::clients::resource_base(&https);
    let deployment = r.deployment.clone().or_else(|| stored(c, Role::Deployment));
    let node = deployment
        .map(|d| format!("; use deployment_name '{d}' in the flow's llm node"))
        .unwrap_or_default();
    let path_lower = https.to_ascii_lowercase();
    match r.kind {
        Kind::AzureOpenaiDeployment | Kind::AzureOpenaiResource => {
            let version = stored(c, Role::ApiVersion)
                .or_else(|| {
                    crate::endpoint::api_version::recommended(
                        crate::endpoint::api_version::Family::AzureOpenai,
                    )
                    .map(str::to_string)
                })
                .unwrap_or_default();
            let v = vec![
                ("api_base".to_string(), resource.clone()),
                ("api_type".into(), "azure".into()),
                ("api_version".into(), version),
                ("auth_mode".into(), "key".into()),
            ];
            let note = format!("exported as azure_open_ai with api_base {resource}{node}");
            Ok(("azure_open_ai".into(), v, note))
        }
        Kind::AzureOpenaiV1 => Ok((
            "open_ai".into(),
            vec![(
                "base_url".to_string(),
                https.trim_end_matches('/').to_string(),
            )],
            format!(
                "exported as open_ai with base_url {https} (the v1 API is OpenAI-compatible){node}"
            ),
        )),
        Kind::FoundryModels => {
            let host = url::Url::parse(&https)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .ok_or("the endpoint has no host")?;
            let base = format!("https://{host}/openai/v1");
            Ok((
                "open_ai".into(),
                vec![("base_url".to_string(), base.clone())],
                format!(
                    "exported as open_ai with base_url {base}: prompt flow's llm tool cannot call a /models endpoint (as serverless it would call /models/v1/chat/completions), and the same resource serves every model on its v1 API{node}"
                ),
            ))
        }
        Kind::Serverless => Ok((
            "serverless".into(),
            vec![(
                "api_base".to_string(),
                https.trim_end_matches('/').to_string(),
            )],
            "exported as serverless (prompt flow's llm tool adds /v1 to its api_base)".into(),
        )),
        _ if path_lower.contains("/openai/deployments/") => Ok((
            "azure_open_ai".into(),
            vec![
                ("api_base".to_string(), resource.clone()),
                ("api_type".into(), "azure".into()),
                ("auth_mode".into(), "key".into()),
            ],
            format!("exported as azure_open_ai with api_base {resource}{node}"),
        )),
        _ if path_lower.trim_end_matches('/').ends_with("/v1") => Ok((
            "open_ai".into(),
            vec![(
                "base_url".to_string(),
                https.trim_end_matches('/').to_string(),
            )],
            format!("exported as open_ai with base_url {https}{node}"),
        )),
        _ => Err(format!(
            "no prompt flow connection type reaches {}: its llm tool calls only <base>/openai/deployments/<name>/chat/completions (azure_open_ai), <base_url>/chat/completions (open_ai) and <api_base>/v1/chat/completions (serverless)",
            crate::sanitize::for_terminal(&endpoint)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scalar_is_quoted_and_secrets_are_placeholders() {
        let mut c = Connection::new("aoai", "azure_open_ai").unwrap();
        c.values
            .insert("api_base".into(), "https://r.openai.azure.com/".into());
        c.secrets.insert(
            "api_key".into(),
            crate::model::SecretRecord::parse("keychain"),
        );
        let y = export_yaml(&c, SecretStyle::Placeholder, None);
        assert!(y.starts_with("$schema: \"https://azuremlschemas.azureedge.net/promptflow/latest/AzureOpenAIConnection.schema.json\"\n"));
        assert!(y.contains("type: \"azure_open_ai\"\n"));
        assert!(y.contains("api_key: \"<user-input>\"\n"));
        assert!(y.contains("api_version: \"2024-02-01\"\n"));
        assert!(y.contains("auth_mode: \"key\"\n"));
        let env = export_yaml(&c, SecretStyle::Env, None);
        assert!(env.contains("api_key: \"${env:AOAI_API_KEY}\"\n"));
        // A key aiconn reads from a variable names that variable; a command stays generic.
        c.secrets.insert(
            "api_key".into(),
            crate::model::SecretRecord::parse("env:AZURE_OPENAI_API_KEY"),
        );
        let env = export_yaml(&c, SecretStyle::Env, None);
        assert!(
            env.contains("api_key: \"${env:AZURE_OPENAI_API_KEY}\"\n"),
            "{env}"
        );
        c.secrets.insert(
            "api_key".into(),
            crate::model::SecretRecord::parse("cmd:pass show ai/aoai"),
        );
        let env = export_yaml(&c, SecretStyle::Env, None);
        assert!(env.contains("api_key: \"${env:AOAI_API_KEY}\"\n"), "{env}");
        assert!(!env.contains("pass show"));
    }

    #[test]
    fn custom_strong_type_keeps_its_keys() {
        let mut c = Connection::new("my-conn", "custom").unwrap();
        for (k, v) in [
            ("custom_type", "MyConn"),
            ("module", "m.x"),
            ("package", "p"),
            ("package_version", "0.0.5"),
        ] {
            c.values.insert(k.into(), v.into());
        }
        c.configs.insert("api_base".into(), "x: y".into());
        c.secrets.insert(
            "api-key".into(),
            crate::model::SecretRecord::parse("keychain"),
        );
        let y = export_yaml(&c, SecretStyle::Env, None);
        assert!(y.contains("CustomStrongTypeConnection.schema.json"));
        assert!(y.contains(
            "custom_type: \"MyConn\"\nmodule: \"m.x\"\npackage: \"p\"\npackage_version: \"0.0.5\"\n"
        ));
        assert!(
            y.contains(
                "configs:\n  api_base: \"x: y\"\nsecrets:\n  api-key: \"${env:MY-CONN_API-KEY}\"\n"
            ),
            "{y}"
        );
    }
}
