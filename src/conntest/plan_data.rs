//! The shape of assets/test_plans.toml: the rules `aiconn test` chooses its request by, and the
//! requests themselves. Only data here; `plan.rs` interprets it.

use super::Auth;
use crate::endpoint::Kind;
use crate::endpoint::api_version::Family;
use indexmap::IndexMap;
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Plans {
    pub plan: Vec<Rule>,
    /// `aiconn deployments`' routes: the same conditions and requests.
    pub listing: Vec<Rule>,
    pub request: IndexMap<String, Request>,
    #[serde(default)]
    pub header: Vec<FieldHeader>,
    pub entra: Vec<EntraRule>,
}

/// One `[[plan]]`: conditions (all must hold), then a refusal or a request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Rule {
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<Kind>,
    #[serde(default)]
    pub not_kinds: Vec<Kind>,
    pub endpoint: Option<Presence>,
    pub path_has: Option<String>,
    #[serde(default)]
    pub has: Vec<Value>,
    #[serde(default)]
    pub needs: Vec<Value>,
    pub missing: Option<String>,
    pub refuse: Option<String>,
    pub request: Option<RequestRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Presence {
    Absent,
}

/// A request named in `[request.NAME]`, or written in the rule.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RequestRef {
    Named(String),
    Inline(Box<Request>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Request {
    pub method: Method,
    pub url: String,
    pub auth: KeyAuth,
    /// With `auth = "entra"`: the endpoint kind whose Entra ID audience the token is for.
    pub audience: Option<Kind>,
    /// The api-version family `{version}` and `{recommended}` fall back on.
    pub version: Option<Family>,
    /// JSON text in the file (TOML tables lose the order a client sends keys in).
    #[serde(default, deserialize_with = "json_body")]
    pub body: Option<serde_json::Value>,
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    pub what: String,
    pub like: Option<String>,
    #[serde(default = "default_max_body")]
    pub max_body: usize,
}

fn json_body<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    let text = String::deserialize(d)?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

fn default_max_body() -> usize {
    4096
}

/// How the key travels, as the file names it; `entra`: no key, a token for the request's
/// `audience` (a keyed connection's token is `auth_mode`'s and `[[entra]]`'s to decide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum KeyAuth {
    ApiKey,
    ApiKeyAndBearer,
    Bearer,
    Subscription,
    Query,
    Anthropic,
    Entra,
}

impl KeyAuth {
    /// The [`Auth`] of a request; `None` for a token whose audience the table does not know.
    pub fn auth(self, audience: Option<Kind>) -> Option<Auth> {
        Some(match self {
            KeyAuth::ApiKey => Auth::ApiKey,
            KeyAuth::ApiKeyAndBearer => Auth::ApiKeyAndBearer,
            KeyAuth::Bearer => Auth::Bearer,
            KeyAuth::Subscription => Auth::Subscription,
            KeyAuth::Query => Auth::Query,
            KeyAuth::Anthropic => Auth::Anthropic,
            KeyAuth::Entra => Auth::Entra(crate::endpoint::entra_audience(audience?)?),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub(super) enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A value a request is built from (`{name}` in url, what, body and headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Value {
    Base,
    DeploymentRoot,
    UrlDeployment,
    Deployment,
    Version,
    Recommended,
    AnthropicBase,
    Project,
    Root,
}

impl Value {
    pub const ALL: [Value; 9] = [
        Value::Base,
        Value::DeploymentRoot,
        Value::UrlDeployment,
        Value::Deployment,
        Value::Version,
        Value::Recommended,
        Value::AnthropicBase,
        Value::Project,
        Value::Root,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Value::Base => "base",
            Value::DeploymentRoot => "deployment_root",
            Value::UrlDeployment => "url_deployment",
            Value::Deployment => "deployment",
            Value::Version => "version",
            Value::Recommended => "recommended",
            Value::AnthropicBase => "anthropic_base",
            Value::Project => "project",
            Value::Root => "root",
        }
    }
    #[cfg(test)]
    pub fn parse(name: &str) -> Option<Value> {
        Value::ALL.into_iter().find(|v| v.name() == name)
    }
}

/// `[[header]]`: a header the client sends from a field's value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FieldHeader {
    #[serde(default)]
    pub types: Vec<String>,
    pub field: String,
    pub name: String,
}

/// `[[entra]]`: whose token a `meid_token` connection's request carries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EntraRule {
    #[serde(default)]
    pub types: Vec<String>,
    pub resource: EntraResource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum EntraResource {
    CognitiveServices,
    Search,
}

impl EntraResource {
    pub fn resource(self) -> &'static str {
        match self {
            EntraResource::CognitiveServices => super::entra::COGNITIVE_SERVICES,
            EntraResource::Search => super::entra::SEARCH,
        }
    }
}

/// Whether a rule's `types` list admits `type_id` (empty: every type).
pub(super) fn admits(types: &[String], type_id: &str) -> bool {
    types.is_empty() || types.iter().any(|t| t == type_id)
}

#[allow(clippy::expect_used)] // embedded at build time; the unit tests below parse it
pub(super) fn plans() -> &'static Plans {
    static P: OnceLock<Plans> = OnceLock::new();
    P.get_or_init(|| {
        toml::from_str(include_str!("../../assets/test_plans.toml"))
            .expect("embedded test plans parse")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;

    /// Every name the file uses means something: types in the catalogue, named requests
    /// defined, `{values}` known, refusals and requests exclusive, the last rule a catch-all.
    #[test]
    fn the_plans_file_is_consistent() {
        let p = plans();
        let cat = Catalogue::get();
        let known_type = |t: &String| cat.find(t).is_some();
        for (i, r) in p.plan.iter().chain(&p.listing).enumerate() {
            assert!(r.types.iter().all(known_type), "rule {i}: {:?}", r.types);
            assert!(
                r.refuse.is_some() != r.request.is_some(),
                "rule {i}: refuse or request"
            );
            assert_eq!(
                r.needs.is_empty(),
                r.missing.is_none(),
                "rule {i}: needs/missing"
            );
            if let Some(RequestRef::Named(n)) = &r.request {
                assert!(p.request.contains_key(n), "rule {i}: no [request.{n}]");
            }
        }
        for rules in [&p.plan, &p.listing] {
            let last = rules.last().expect("rules");
            assert!(last.types.is_empty() && last.kinds.is_empty() && last.has.is_empty());
        }
        let inline = p
            .plan
            .iter()
            .chain(&p.listing)
            .filter_map(|r| match &r.request {
                Some(RequestRef::Inline(q)) => Some(q.as_ref()),
                _ => None,
            });
        for q in p.request.values().chain(inline) {
            assert!(
                q.auth.auth(q.audience).is_some(),
                "{}: an entra request names an audience the table knows",
                q.url
            );
            assert_eq!(
                q.audience.is_some(),
                q.auth == KeyAuth::Entra,
                "{}: an audience only for auth = entra",
                q.url
            );
            let mut texts = vec![q.url.clone(), q.what.clone()];
            texts.extend(q.headers.values().cloned());
            texts.extend(q.body.as_ref().map(ToString::to_string));
            for t in texts {
                for name in t.split('{').skip(1).filter_map(|s| s.split_once('}')) {
                    // JSON's own braces hold quotes; a placeholder is a bare name.
                    if !name.0.contains('"') {
                        assert!(Value::parse(name.0).is_some(), "unknown {{{}}}", name.0);
                    }
                }
            }
        }
        for h in &p.header {
            assert!(h.types.iter().all(known_type), "{:?}", h.types);
        }
        assert!(p.entra.last().is_some_and(|e| e.types.is_empty()));
    }
}
