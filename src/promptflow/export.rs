//! Writes YAML that `pf connection create -f` accepts unchanged: the exact snake_case type,
//! the `$schema` URL, every scalar quoted (so dates and numbers stay strings), and secrets as
//! placeholders or `${env:...}` references, never their values.

use super::env_names::{env_name, env_reference};
use crate::catalogue::{Catalogue, FieldKind};
use crate::model::Connection;
use crate::secrets::refs::SecretRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretStyle {
    /// `<user-input>`: `pf connection create` prompts for it.
    Placeholder,
    /// `${env:NAME_KEY}`, as `pf flow build` writes them.
    Env,
}

fn quote(s: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar, escapes included (C1 and bidi
    // characters escaped too, so a written file shows them literally).
    crate::sanitize::escape_json_text(&serde_json::to_string(s).unwrap_or_default()).into_owned()
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        quote(k)
    }
}

/// A secret as exported: a placeholder, or an `${env:...}` reference; a secret aiconn already
/// reads from a variable (`env:NAME`) names that variable.
fn secret_value(style: SecretStyle, conn: &Connection, field: &str) -> String {
    match (style, conn.secrets.get(field).and_then(|r| r.reference())) {
        (SecretStyle::Placeholder, _) => "<user-input>".to_string(),
        (SecretStyle::Env, Some(SecretRef::Env(name))) => env_reference(name),
        // Named as `aiconn run --prefix` and prompt flow's flow build name it.
        (SecretStyle::Env, _) => env_reference(&env_name(&conn.name, field)),
    }
}

/// The prompt flow YAML for `conn`. `as_type` exports under another type (used for
/// `azure_ai`, which has no prompt flow twin) with the given values; `None` keeps the type.
pub fn export_yaml(
    conn: &Connection,
    style: SecretStyle,
    as_type: Option<(&str, Vec<(String, String)>)>,
) -> String {
    let cat = Catalogue::get();
    let (type_id, values): (&str, Vec<(String, String)>) = match as_type {
        Some((t, v)) => (t, v),
        None => {
            let spec = conn.spec();
            let v = spec
                .fields
                .iter()
                .filter(|f| matches!(f.kind, FieldKind::Text | FieldKind::Url | FieldKind::Enum))
                .filter(|f| f.promptflow)
                .filter_map(|f| conn.effective(&f.key).map(|(v, _)| (f.key.clone(), v)))
                .collect();
            (spec.id.as_str(), v)
        }
    };
    // `azure_ai_as_pf` names catalogue types only; were one missing, the connection's own
    // type is exported whole rather than a half-typed file.
    let (spec, type_id) = match cat.find(type_id) {
        Some(s) => (s, type_id),
        None => (conn.spec(), conn.type_id()),
    };
    let strong = spec.is_custom() && conn.is_strong_type();
    let mut out = String::new();
    out.push_str(&format!("$schema: {}\n", quote(&spec.schema_url(strong))));
    out.push_str(&format!("name: {}\n", quote(&conn.name)));
    out.push_str(&format!("type: {}\n", quote(type_id)));
    for f in &spec.fields {
        match f.kind {
            FieldKind::Secret => {
                let dropped = values
                    .iter()
                    .any(|(k, v)| Some((k.as_str(), v.as_str())) == f.unless());
                if !dropped {
                    out.push_str(&format!(
                        "{}: {}\n",
                        key(&f.key),
                        quote(&secret_value(style, conn, &f.key))
                    ));
                }
            }
            FieldKind::Map => {
                if !conn.configs.is_empty() {
                    out.push_str("configs:\n");
                    for (k, v) in &conn.configs {
                        out.push_str(&format!("  {}: {}\n", key(k), quote(v)));
                    }
                }
            }
            FieldKind::SecretMap => {
                out.push_str("secrets:\n");
                for k in conn.secrets.keys() {
                    out.push_str(&format!(
                        "  {}: {}\n",
                        key(k),
                        quote(&secret_value(style, conn, k))
                    ));
                }
            }
            _ => {
                if let Some((_, v)) = values.iter().find(|(k, _)| *k == f.key) {
                    out.push_str(&format!("{}: {}\n", key(&f.key), quote(v)));
                }
            }
        }
    }
    out
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
    let values = spec
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Text | FieldKind::Url | FieldKind::Enum))
        .filter(|f| f.promptflow)
        .filter_map(|f| c.effective(&f.key).map(|(v, _)| (f.key.clone(), v)))
        .collect();
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
            "{} is aiconn's own and not in prompt flow's connection (name it in the flow's node, e.g. deployment_name)",
            own.join(", ")
        )
    });
    Ok((spec.id.clone(), values, note))
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
    let deployment = r
        .deployment
        .clone()
        .or_else(|| c.values.get("deployment").cloned());
    let node = deployment
        .map(|d| format!("; use deployment_name '{d}' in the flow's llm node"))
        .unwrap_or_default();
    let path_lower = https.to_ascii_lowercase();
    match r.kind {
        Kind::AzureOpenaiDeployment | Kind::AzureOpenaiResource => {
            let version = c
                .values
                .get("api_version")
                .cloned()
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
