//! A connection from a discovered account or deployment: the right type and URL shape, and
//! whether it takes the account's key (from `listKeys`, straight into the secret backend) or
//! is keyless (`auth_mode = meid_token`, asked for or forced by `disableLocalAuth`).
//!
//! Shapes: a Foundry (`AIServices`) resource is one `azure_ai` connection on the OpenAI v1
//! base (`<openai endpoint>/openai/v1/`, the deployment as `model`); an `OpenAI` resource is an
//! `azure_open_ai` connection on its base; a deployment is an `azure_ai` connection bound to
//! `/openai/deployments/<name>`, a Claude deployment one on the `/anthropic/` base with the
//! deployment in its field; keyless is `azure_open_ai` with `meid_token` (the one model type
//! with an Entra ID mode prompt flow reads).

use super::arm::Arm;
use super::discover::{Account, Deployment};
use super::{ArmError, LIST_KEYS_ACTION, LIST_KEYS_ROLES, cognitive_api};
use crate::catalogue::{Catalogue, ENTRA_MODE, Role};
use crate::model::Connection;
use secrecy::SecretString;

/// What `discover --add` was pointed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// An account name or its ARM id.
    pub resource: String,
    pub deployment: Option<String>,
}

impl Target {
    /// `RESOURCE[/DEPLOYMENT]`, where RESOURCE may be a full ARM id
    /// (`/subscriptions/.../accounts/NAME[/deployments/DEP]`).
    pub fn parse(s: &str) -> Option<Target> {
        let s = s.trim().trim_end_matches('/');
        if s.starts_with("/subscriptions/") {
            let lower = s.to_ascii_lowercase();
            return match lower.find("/deployments/") {
                Some(i) => Some(Target {
                    resource: s[..i].to_string(),
                    deployment: Some(s[i + "/deployments/".len()..].to_string())
                        .filter(|d| !d.is_empty() && !d.contains('/')),
                }),
                None => Some(Target {
                    resource: s.to_string(),
                    deployment: None,
                }),
            };
        }
        let (r, d) = match s.split_once('/') {
            Some((_, d)) if d.is_empty() || d.contains('/') => return None,
            Some((r, d)) => (r, Some(d.to_string())),
            None => (s, None),
        };
        (!r.is_empty()).then(|| Target {
            resource: r.to_string(),
            deployment: d,
        })
    }

    pub fn matches(&self, a: &Account) -> bool {
        a.id.eq_ignore_ascii_case(&self.resource) || a.name.eq_ignore_ascii_case(&self.resource)
    }
}

/// Why no connection can be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// The type has no shape for this (or cannot be keyless).
    Type(String),
    /// The account has no endpoint in its properties.
    NoEndpoint,
    /// The account has no project of that name (the message names those it has).
    NoProject(String),
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::Type(m) => f.write_str(m),
            PlanError::NoEndpoint => f.write_str(
                "Resource Manager lists no endpoint for this account (is it still being created?)",
            ),
            PlanError::NoProject(m) => f.write_str(m),
        }
    }
}

/// Why a connection is keyless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyless {
    Asked,
    /// The account has `disableLocalAuth`: keys are refused.
    KeyAuthDisabled,
    /// A Foundry project endpoint: its clients sign in with Entra ID, there is no key.
    Project,
}

/// The connection to save, and whether it needs the account's key.
#[derive(Debug)]
pub struct Plan {
    pub conn: Connection,
    pub keyless: Option<Keyless>,
    /// Said to the user (a deployment under a keyless resource connection, ...).
    pub notes: Vec<String>,
}

/// Plans connection `name` for `account` (and `deployment`), of `type_id` or the default.
pub fn plan(
    name: &str,
    account: &Account,
    deployment: Option<&Deployment>,
    type_id: Option<&str>,
    entra: bool,
) -> Result<Plan, PlanError> {
    let keyless = if account.key_auth_disabled {
        Some(Keyless::KeyAuthDisabled)
    } else if entra {
        Some(Keyless::Asked)
    } else {
        None
    };
    if let Some(d) = deployment.filter(|d| {
        d.format
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("Anthropic"))
    }) {
        return claude_plan(name, account, d, type_id, keyless);
    }
    let foundry = account.kind.eq_ignore_ascii_case("AIServices");
    let chosen = match (type_id, keyless, deployment) {
        (Some(t), _, _) => t,
        (None, Some(_), _) => "azure_open_ai",
        (None, None, Some(_)) => "azure_ai",
        (None, None, None) if foundry => "azure_ai",
        (None, None, None) => "azure_open_ai",
    };
    let spec = Catalogue::get()
        .find(chosen)
        .ok_or_else(|| PlanError::Type(Catalogue::get().unknown_type(chosen)))?;
    let base = account.openai_base().ok_or(PlanError::NoEndpoint)?;
    let mut conn = Connection::of(name, spec);
    let mut notes = Vec::new();
    match chosen {
        "azure_open_ai" => {
            conn.set_role(Role::Endpoint, base);
            conn.set_role(Role::ApiVersion, crate::endpoint::suggested_api_version());
            conn.values.insert("resource_id".into(), account.id.clone());
            if keyless.is_some() {
                conn.set_role(Role::AuthMode, ENTRA_MODE);
            }
            if let Some(d) = deployment {
                conn.set_role(Role::Deployment, d.name.clone());
                notes.push(format!("azure_open_ai serves every deployment of the resource: '{}' is its deployment, another one is named per request", d.name));
            }
        }
        "azure_ai" if keyless.is_some() => {
            return Err(PlanError::Type(
                "azure_ai connections have no Microsoft Entra ID mode: use --type azure_open_ai (the default for keyless)".into(),
            ));
        }
        "azure_ai" => match deployment {
            Some(d) => conn.set_role(
                Role::Endpoint,
                format!("{base}openai/deployments/{}", d.name),
            ),
            None => conn.set_role(Role::Endpoint, format!("{base}openai/v1/")),
        },
        "azure_ai_services" => {
            let e = account.endpoint.clone().ok_or(PlanError::NoEndpoint)?;
            conn.set_role(Role::Endpoint, e);
            if keyless.is_some() {
                conn.set_role(Role::AuthMode, ENTRA_MODE);
            }
        }
        other => {
            return Err(PlanError::Type(format!(
                "--type {other}: discover creates azure_ai, azure_open_ai or azure_ai_services connections"
            )));
        }
    }
    if let Some(d) = deployment {
        record_model(&mut conn, d);
    }
    Ok(Plan {
        conn,
        keyless,
        notes,
    })
}

/// Records the deployment's model and version in the type's own fields (not prompt flow's),
/// so its retirement is dated later without Resource Manager.
fn record_model(conn: &mut Connection, d: &Deployment) {
    use crate::catalogue::Role;
    let spec = conn.spec();
    for (role, value) in [
        (Role::ModelName, &d.model),
        (Role::ModelVersion, &d.version),
    ] {
        if let (Some(f), Some(v)) = (spec.role(role), value) {
            conn.values.insert(f.key.clone(), v.clone());
        }
    }
}

/// Plans connection `name` for the Foundry project `project` of `account`: a keyless
/// `foundry_project` connection on the endpoint Resource Manager lists for it.
pub fn plan_project(name: &str, account: &Account, project: &str) -> Result<Plan, PlanError> {
    let Some(p) = account
        .projects
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(project))
    else {
        let have: Vec<&str> = account.projects.iter().map(|p| p.name.as_str()).collect();
        return Err(PlanError::NoProject(format!(
            "no project '{project}' on '{}'{}",
            account.name,
            if have.is_empty() {
                " (it has none)".to_string()
            } else {
                format!("; it has: {}", have.join(", "))
            }
        )));
    };
    let spec = Catalogue::get()
        .find("foundry_project")
        .ok_or_else(|| PlanError::Type(Catalogue::get().unknown_type("foundry_project")))?;
    let endpoint = p.endpoint.clone().ok_or(PlanError::NoEndpoint)?;
    let mut conn = Connection::of(name, spec);
    conn.set_role(Role::Endpoint, endpoint);
    Ok(Plan {
        conn,
        keyless: Some(Keyless::Project),
        notes: Vec::new(),
    })
}

/// A Claude deployment speaks the Messages API under `/anthropic/` (not the OpenAI routes): an
/// `azure_ai` connection on the resource's `/anthropic/` base with the deployment as model,
/// which `test` calls and `run` exports as the Anthropic SDK's `AnthropicFoundry` reads it.
fn claude_plan(
    name: &str,
    account: &Account,
    d: &Deployment,
    type_id: Option<&str>,
    keyless: Option<Keyless>,
) -> Result<Plan, PlanError> {
    let chosen = type_id.unwrap_or("azure_ai");
    let host = account
        .endpoints
        .get("AI Foundry API")
        .or(account.endpoint.as_ref())
        .map(|e| e.trim_end_matches('/').to_string())
        .ok_or(PlanError::NoEndpoint)?;
    let why = match (chosen, keyless) {
        ("azure_ai", None) => None,
        ("azure_ai", Some(_)) => Some(
            "azure_ai connections have no Microsoft Entra ID mode (AnthropicFoundry takes a token provider in code)",
        ),
        _ => Some("only azure_ai holds a Claude deployment (--type azure_ai)"),
    };
    if let Some(why) = why {
        return Err(PlanError::Type(format!(
            "'{}' is a Claude (Anthropic) deployment, which answers the Messages API at {host}/anthropic/v1/messages: {why}",
            d.name
        )));
    }
    let spec = Catalogue::get()
        .find(chosen)
        .ok_or_else(|| PlanError::Type(Catalogue::get().unknown_type(chosen)))?;
    let mut conn = Connection::of(name, spec);
    for (role, value) in [
        (Role::Endpoint, format!("{host}/anthropic/")),
        (Role::Deployment, d.name.clone()),
    ] {
        let field = spec.role(role).ok_or(PlanError::NoEndpoint)?;
        conn.values.insert(field.key.clone(), value);
    }
    record_model(&mut conn, d);
    Ok(Plan {
        conn,
        keyless,
        notes: vec![format!(
            "'{}' is a Claude deployment: the connection speaks the Anthropic Messages API (run/env export ANTHROPIC_FOUNDRY_BASE_URL and ANTHROPIC_FOUNDRY_API_KEY; '{}' is the model of each request)",
            d.name, d.name
        )],
    })
}

/// Key 1 of the account (`POST {id}/listKeys`), held as a secret.
pub fn list_keys(arm: &Arm, account: &Account) -> Result<SecretString, ArmError> {
    let v = arm.action(&format!("{}/listKeys", account.id), cognitive_api())?;
    let key = v["key1"]
        .as_str()
        .or(v["key2"].as_str())
        .filter(|k| !k.is_empty());
    match key {
        Some(k) => Ok(SecretString::from(k.to_string())),
        None => Err(ArmError::Status {
            status: 200,
            code: String::new(),
            message: "listKeys answered without key1 or key2".into(),
        }),
    }
}

/// Why a picked account or deployment gives no connection to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrepareError {
    /// No shape for it (a usage error on the CLI).
    Plan(PlanError),
    /// `listKeys` was refused: the message names the action and the roles that grant it
    /// (the face adds what to do: ask for the role, or go keyless).
    KeysForbidden(String),
    /// `listKeys` failed another way (the account is gone, no answer).
    Keys(String),
}

/// A planned connection with the account's key when it takes one: what `discover --add` saves
/// and what the TUI's sign-in opens in the form. The one path from a pick to a connection.
#[derive(Debug)]
pub struct Prepared {
    pub plan: Plan,
    pub key: Option<SecretString>,
}

/// Plans `name` for `account` (and `deployment`) and reads the key unless it is keyless.
pub fn prepare(
    arm: &Arm,
    name: &str,
    account: &Account,
    deployment: Option<&Deployment>,
    type_id: Option<&str>,
    entra: bool,
) -> Result<Prepared, PrepareError> {
    let plan = plan(name, account, deployment, type_id, entra).map_err(PrepareError::Plan)?;
    let key = match plan.keyless {
        Some(_) => None,
        None => Some(list_keys(arm, account).map_err(|e| list_keys_failure(&e, account))?),
    };
    Ok(Prepared { plan, key })
}

/// What a failed `listKeys` means.
pub fn list_keys_failure(e: &ArmError, account: &Account) -> PrepareError {
    if e.is_forbidden() {
        return PrepareError::KeysForbidden(format!(
            "you may not read the keys of '{}': listKeys needs the action {LIST_KEYS_ACTION}, granted by {LIST_KEYS_ROLES} on the account",
            account.name
        ));
    }
    if e.is_not_found() {
        return PrepareError::Keys(format!(
            "account '{}' no longer exists (deleted since it was listed?): `aiconn discover` shows what is there now",
            account.name
        ));
    }
    PrepareError::Keys(format!(
        "could not read the keys of '{}': {e}",
        account.name
    ))
}

/// How the keyless choice is worded, for a face's message.
pub fn keyless_words(k: Keyless, account: &Account) -> String {
    match k {
        Keyless::Asked => "Microsoft Entra ID (auth_mode meid_token)".into(),
        Keyless::KeyAuthDisabled => format!(
            "'{}' has key authentication disabled (disableLocalAuth), so it uses Microsoft Entra ID (auth_mode meid_token)",
            account.name
        ),
        Keyless::Project => "a Foundry project endpoint: the Foundry SDK and agents sign in with Microsoft Entra ID (az login), no key".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(kind: &str, disabled: bool) -> Account {
        Account {
            id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/res".into(),
            name: "res".into(),
            kind: kind.into(),
            location: "eastus2".into(),
            resource_group: "rg".into(),
            endpoint: Some("https://res.cognitiveservices.azure.com/".into()),
            endpoints: [("OpenAI Language Model Instance API".to_string(), "https://res.openai.azure.com/".to_string())].into_iter().collect(),
            key_auth_disabled: disabled,
            projects: vec![],
            deployments: vec![],
            errors: vec![],
        }
    }

    fn dep(name: &str) -> Deployment {
        Deployment {
            name: name.into(),
            model: Some("gpt-4o".into()),
            version: None,
            format: None,
            sku: None,
            capacity: None,
            state: None,
            lifecycle: None,
        }
    }

    #[test]
    fn targets_parse_names_ids_and_deployments() {
        assert_eq!(
            Target::parse("res"),
            Some(Target {
                resource: "res".into(),
                deployment: None
            })
        );
        assert_eq!(
            Target::parse("res/chat"),
            Some(Target {
                resource: "res".into(),
                deployment: Some("chat".into())
            })
        );
        let id =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/res";
        assert_eq!(
            Target::parse(&format!("{id}/deployments/chat"))
                .unwrap()
                .deployment
                .as_deref(),
            Some("chat")
        );
        assert_eq!(Target::parse(id).unwrap().resource, id);
        assert_eq!(Target::parse("res/a/b"), None);
        assert_eq!(Target::parse("/x"), None);
        assert_eq!(Target::parse(""), None);
    }

    #[test]
    fn each_target_gets_its_shape() {
        let p = plan("n", &acct("AIServices", false), None, None, false).unwrap();
        assert_eq!(p.conn.type_id(), "azure_ai");
        assert_eq!(
            p.conn.values["endpoint"],
            "https://res.openai.azure.com/openai/v1/"
        );
        let p = plan(
            "n",
            &acct("AIServices", false),
            Some(&dep("chat")),
            None,
            false,
        )
        .unwrap();
        assert_eq!(
            p.conn.values["endpoint"],
            "https://res.openai.azure.com/openai/deployments/chat"
        );
        assert_eq!(p.conn.values["model_name"], "gpt-4o");
        assert!(!p.conn.values.contains_key("model_version"), "none listed");
        let p = plan("n", &acct("OpenAI", false), None, None, false).unwrap();
        assert_eq!(p.conn.type_id(), "azure_open_ai");
        assert_eq!(p.conn.values["api_base"], "https://res.openai.azure.com/");
        assert!(p.keyless.is_none());
    }

    #[test]
    fn a_project_is_keyless_on_its_endpoint_and_one_without_an_endpoint_is_said() {
        use super::super::discover::Project;
        let mut a = acct("AIServices", false);
        a.projects = vec![
            Project {
                name: "p1".into(),
                endpoint: Some("https://res.services.ai.azure.com/api/projects/p1".into()),
            },
            Project {
                name: "new".into(),
                endpoint: None,
            },
        ];
        let p = plan_project("n", &a, "P1").unwrap();
        assert_eq!(p.conn.type_id(), "foundry_project");
        assert_eq!(p.keyless, Some(Keyless::Project));
        assert_eq!(
            p.conn.values["endpoint"],
            "https://res.services.ai.azure.com/api/projects/p1"
        );
        assert_eq!(
            plan_project("n", &a, "new").unwrap_err(),
            PlanError::NoEndpoint
        );
        assert_eq!(
            plan_project("n", &a, "x").unwrap_err().to_string(),
            "no project 'x' on 'res'; it has: p1, new"
        );
    }

    #[test]
    fn keyless_when_asked_or_when_keys_are_disabled() {
        let p = plan("n", &acct("AIServices", true), None, None, false).unwrap();
        assert_eq!(p.keyless, Some(Keyless::KeyAuthDisabled));
        assert_eq!(p.conn.type_id(), "azure_open_ai");
        assert_eq!(p.conn.values["auth_mode"], "meid_token");
        let p = plan("n", &acct("OpenAI", false), Some(&dep("chat")), None, true).unwrap();
        assert_eq!(p.keyless, Some(Keyless::Asked));
        assert!(p.notes[0].contains("chat"));
        assert!(matches!(
            plan("n", &acct("OpenAI", false), None, Some("azure_ai"), true),
            Err(PlanError::Type(_))
        ));
        assert!(matches!(
            plan("n", &acct("OpenAI", false), None, Some("serp"), false),
            Err(PlanError::Type(_))
        ));
    }
}
