//! The client contract: how the clients people run read a connection (`assets/clients.toml`,
//! sourced in docs/clients.md). `aiconn run`/`env` set and clear variables from it; nothing else
//! names a client's variable.

use crate::catalogue::{FieldKind, Role};
use crate::endpoint::api_version::{Family as VersionFamily, recommended};
use crate::endpoint::{Kind, classify_for_type};
use crate::model::Connection;
use serde::Deserialize;
use std::sync::OnceLock;

const CLIENTS_TOML: &str = include_str!("../assets/clients.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    pub id: String,
    pub label: String,
    /// Every variable a client of the family reads.
    pub vars: Vec<String>,
    /// Of those, the user's own choices: removed only when a chosen connection names a model.
    #[serde(default)]
    pub user_choice: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSpec {
    #[serde(rename = "type")]
    pub type_id: String,
    /// Endpoint kinds this entry is for; empty: any.
    #[serde(default)]
    pub shapes: Vec<String>,
    pub family: String,
    #[serde(default)]
    pub clients: String,
    /// The api-version family whose recommended version is exported when none is set.
    #[serde(default)]
    pub needs_version: Option<String>,
    pub vars: Vec<VarSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VarSpec {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    #[serde(rename = "family")]
    pub families: Vec<Family>,
    #[serde(rename = "env")]
    pub envs: Vec<EnvSpec>,
}

impl Contract {
    #[allow(clippy::expect_used)] // embedded at build time; tests/clients.rs and the unit tests parse it
    pub fn get() -> &'static Contract {
        static C: OnceLock<Contract> = OnceLock::new();
        C.get_or_init(|| toml::from_str(CLIENTS_TOML).expect("embedded assets/clients.toml parses"))
    }

    pub fn family(&self, id: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.id == id)
    }

    /// The entry that describes `conn`'s environment: its type, and its endpoint's shape.
    pub fn env_for(&self, conn: &Connection) -> Option<&EnvSpec> {
        let kind = endpoint_shape(conn);
        self.envs.iter().find(|e| {
            e.type_id == conn.type_id()
                && (e.shapes.is_empty()
                    || kind.is_some_and(|k| e.shapes.iter().any(|s| s == k.as_str())))
        })
    }

    /// Who reads `conn` from the environment and under which names, for the faces to say
    /// ("aiconn run sets ... for ..."); `None` for a type no client reads by itself.
    pub fn readers(&self, conn: &Connection) -> Option<Readers<'_>> {
        let e = self.env_for(conn)?;
        let mut vars: Vec<&str> = Vec::new();
        for v in &e.vars {
            if value_of(conn, e, &v.value).is_some() && !vars.contains(&v.name.as_str()) {
                vars.push(&v.name);
            }
        }
        Some(Readers {
            clients: (!e.clients.is_empty()).then_some(e.clients.as_str()),
            vars,
        })
    }

    /// Whether `conn` names the model to call (its deployment or model field, or a deployment
    /// URL): then the family's model variables are its to set, and a parent's stale ones go.
    pub fn names_model(&self, conn: &Connection) -> bool {
        let Some(e) = self.env_for(conn) else {
            return false;
        };
        let spec = conn.spec();
        e.vars.iter().any(|v| {
            let model_var = v.value == "url_deployment"
                || role_named(&v.value)
                    .and_then(|r| spec.role(r))
                    .or_else(|| spec.field(&v.value))
                    .is_some_and(|f| matches!(f.role, Some(Role::Deployment | Role::Model)));
            model_var && value_of(conn, e, &v.value).is_some()
        })
    }

    /// Whether any entry of `type_id` sets `var`.
    pub fn type_sets(&self, type_id: &str, var: &str) -> bool {
        self.envs
            .iter()
            .filter(|e| e.type_id == type_id)
            .any(|e| e.vars.iter().any(|v| v.name == var))
    }
}

/// What [`Contract::readers`] answers: the clients an entry is written for, and the variables
/// `run` sets for this connection (those it has a value for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readers<'a> {
    pub clients: Option<&'a str>,
    pub vars: Vec<&'a str>,
}

/// The shape of `conn`'s endpoint as its type reads it (`None` without one). A host the
/// classifier does not know (a gateway, a loopback server) goes by its path, as clients do.
pub fn endpoint_shape(conn: &Connection) -> Option<Kind> {
    let url = conn.endpoint()?;
    let kind = classify_for_type(&url, conn.type_id()).kind;
    if kind != Kind::Unknown {
        return Some(kind);
    }
    let path = url::Url::parse(&url).ok()?.path().to_ascii_lowercase();
    let path = path.trim_end_matches('/');
    Some(if path.contains("/openai/deployments/") {
        Kind::AzureOpenaiDeployment
    } else if path.ends_with("/openai/v1") {
        Kind::AzureOpenaiV1
    } else if path.ends_with("/models") {
        Kind::FoundryModels
    } else if crate::conntest::anthropic::base(&url).is_some() {
        Kind::FoundryAnthropic
    } else {
        Kind::Unknown
    })
}

/// A value of `conn` named the way clients.toml names it (see its header); `None` when the
/// connection has none. Secret names are returned as `Secret(field)` for the caller to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Plain(String),
    Secret(String),
}

pub fn value_of(conn: &Connection, spec: &EnvSpec, name: &str) -> Option<Value> {
    let type_spec = conn.spec();
    let field = role_named(name)
        .and_then(|r| type_spec.role(r))
        .or_else(|| type_spec.field(name));
    match name {
        "resource" => return conn.endpoint().map(|u| Value::Plain(resource_base(&u))),
        "v1" => return conn.endpoint().map(|u| Value::Plain(with_v1(&u))),
        "anthropic_base" => {
            let base = conn
                .endpoint()
                .and_then(|u| crate::conntest::anthropic::base(&u));
            return base.map(|b| Value::Plain(format!("{b}/")));
        }
        "url_deployment" => {
            let from_url = conn
                .endpoint()
                .and_then(|u| classify_for_type(&u, conn.type_id()).deployment);
            let from_field = type_spec
                .role(Role::Deployment)
                .and_then(|f| conn.values.get(&f.key).cloned());
            return from_url.or(from_field).map(Value::Plain);
        }
        _ => {}
    }
    let f = field?;
    if f.kind == FieldKind::Secret {
        return (!conn.is_dropped(&f.key) && conn.secrets.contains_key(&f.key))
            .then(|| Value::Secret(f.key.clone()));
    }
    let v = conn
        .effective(&f.key)
        .map(|(v, _)| v)
        .filter(|v| !v.trim().is_empty());
    let v = match (v, f.role, &spec.needs_version) {
        (None, Some(Role::ApiVersion), Some(fam)) => VersionFamily::parse(fam)
            .and_then(recommended)
            .map(str::to_string),
        (v, _, _) => v,
    };
    v.map(Value::Plain)
}

fn role_named(name: &str) -> Option<Role> {
    Some(match name {
        "endpoint" => Role::Endpoint,
        "api_key" => Role::ApiKey,
        "api_version" => Role::ApiVersion,
        "auth_mode" => Role::AuthMode,
        "deployment" => Role::Deployment,
        "model" => Role::Model,
        _ => return None,
    })
}

/// The part of `url` before its `/openai/` route (what Azure OpenAI clients append to),
/// ending in `/`; the URL itself when it has none.
pub fn resource_base(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    match lower
        .find("/openai/")
        .or_else(|| lower.strip_suffix("/openai").map(str::len))
    {
        Some(at) => format!("{}/", &url[..at]),
        None => url.to_string(),
    }
}

/// `url` with `/v1` appended unless it ends with it.
pub fn with_v1(url: &str) -> String {
    let t = url.trim_end_matches('/');
    if t.ends_with("/v1") {
        t.to_string()
    } else {
        format!("{t}/v1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A user choice is only ever left alone or removed with its family: one outside the
    /// family's variables would be neither, and a parent's stale model would reach the child.
    #[test]
    fn every_user_choice_is_a_variable_of_its_family() {
        for fam in &Contract::get().families {
            for n in &fam.user_choice {
                assert!(fam.vars.contains(n), "{n} not in family {}", fam.id);
            }
        }
    }

    #[test]
    fn every_entry_names_a_known_type_family_and_value() {
        let c = Contract::get();
        let cat = crate::catalogue::Catalogue::get();
        for e in &c.envs {
            let spec = cat
                .find(&e.type_id)
                .unwrap_or_else(|| panic!("{}", e.type_id));
            let fam = c
                .family(&e.family)
                .unwrap_or_else(|| panic!("{}", e.family));
            for v in &e.vars {
                assert!(
                    fam.vars.contains(&v.name),
                    "{} not in family {}",
                    v.name,
                    fam.id
                );
                let known = ["resource", "v1", "url_deployment", "anthropic_base"]
                    .contains(&v.value.as_str())
                    || role_named(&v.value).is_some_and(|r| spec.role(r).is_some())
                    || spec.field(&v.value).is_some();
                assert!(known, "{}: {} takes '{}'", e.type_id, v.name, v.value);
            }
            for s in &e.shapes {
                assert!(Kind::parse(s).is_some(), "{s}");
            }
            if let Some(f) = &e.needs_version {
                assert!(VersionFamily::parse(f).is_some(), "{f}");
            }
        }
    }

    #[test]
    fn resource_base_and_v1() {
        assert_eq!(
            resource_base("https://r.cognitiveservices.azure.com/openai/deployments/gpt-4o-mini"),
            "https://r.cognitiveservices.azure.com/"
        );
        assert_eq!(
            resource_base("https://r.openai.azure.com/"),
            "https://r.openai.azure.com/"
        );
        assert_eq!(
            with_v1("https://x.models.ai.azure.com/"),
            "https://x.models.ai.azure.com/v1"
        );
        assert_eq!(
            with_v1("http://127.0.0.1:8000/v1/"),
            "http://127.0.0.1:8000/v1"
        );
    }
}
