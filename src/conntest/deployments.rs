//! `aiconn deployments NAME`: what is deployed behind an Azure endpoint, from the data plane,
//! with the connection's own key (or Entra ID token). Not the model catalogue: a Foundry
//! resource's `/openai/v1/models` lists hundreds of models that answer 404 until deployed.
//!
//! Routes (data: `[[listing]]` in assets/test_plans.toml): an Azure OpenAI / Foundry resource
//! lists its deployments at `GET {resource}/openai/deployments` (`data[]`: `id`, `model`,
//! `status`); a Foundry project at `GET {project}/deployments` (`value[]`: `name`,
//! `modelName`, `modelVersion`), with Entra ID; each at its api-version family's recommended
//! version (assets/api_versions.toml).

use super::{Auth, Check, Outcome, run};
use crate::model::Connection;
use crate::service::Service;
use secrecy::SecretString;
use std::time::Duration;

/// One deployment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Deployment {
    pub id: String,
    pub model: Option<String>,
    pub version: Option<String>,
    pub status: Option<String>,
}

/// What the listing found.
#[derive(Debug)]
pub enum Listing {
    Found(Vec<Deployment>),
    /// The endpoint answered 404: this resource (or a gateway in front) does not offer it.
    NotOffered,
    /// 401 / 403: the key or token was refused.
    Refused(u16),
    /// Anything else: the answer, or why there was none, in words.
    Failed(String),
}

/// Why no deployments were listed.
#[derive(Debug)]
pub enum NotListed {
    /// No listing route for this connection, or the listing's answer, in words.
    Refused(String),
    /// The key could not be had (its backend, a reference): each face words it with its advice
    /// (`service::advice`).
    Key(crate::service::OpError),
}

impl std::fmt::Display for NotListed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotListed::Refused(why) => f.write_str(why),
            NotListed::Key(e) => e.fmt(f),
        }
    }
}

impl From<String> for NotListed {
    fn from(why: String) -> Self {
        NotListed::Refused(why)
    }
}

/// The listing request for `conn`, or why there is none.
pub fn plan(conn: &Connection) -> Result<(Check, Option<String>), String> {
    let spec = conn.spec();
    // Only a type whose requests name a deployment has any: OpenAI and OpenAI-compatible
    // servers name a model per request, and their hosts have no Azure deployments route.
    if spec.role(crate::catalogue::Role::Deployment).is_none() {
        return Err(format!(
            "a {} connection has no deployments: its clients name the model in each request",
            spec.label
        ));
    }
    let url_field = spec
        .url_field()
        .ok_or("this type has no endpoint to list deployments from")?;
    let raw = conn
        .effective(&url_field.key)
        .map(|(v, _)| v)
        .ok_or("the connection has no endpoint")?;
    url::Url::parse(raw.trim()).map_err(|_| "the endpoint is not a URL")?;
    // The route, its api-version and its auth are data: `[[listing]]` in assets/test_plans.toml.
    let (check, reading) = super::plan::listing(conn)?;
    Ok((check, reading.and_then(|r| r.deployment)))
}

/// Lists the deployments of `conn` (the key read from its backend).
pub fn list(
    svc: &Service<'_>,
    conn: &Connection,
    timeout: Duration,
) -> Result<(Check, Option<String>, Listing), NotListed> {
    let (check, bound_to) = plan(conn)?;
    let key: Option<SecretString> = if check.auth == Auth::ApiKey
        && let Some(field) = super::key_field(conn)
    {
        svc.secret(conn, field).map_err(NotListed::Key)?
    } else {
        None
    };
    let outcome = run(&check, key.as_ref(), timeout);
    drop(key);
    Ok((check, bound_to, read(&outcome)))
}

/// The listing for a face: the key typed but not saved (`typed`), else the stored one; the
/// answer as deployments, or what to tell the user.
pub fn list_for(
    svc: &Service<'_>,
    conn: &Connection,
    typed: Option<&SecretString>,
    stored: Option<&Connection>,
    timeout: Duration,
) -> Result<Vec<Deployment>, NotListed> {
    let (check, _) = plan(conn)?;
    let face = if check.auth == Auth::ApiKey {
        super::flow::face_key(svc, conn, typed, stored).map_err(NotListed::Key)?
    } else {
        None
    };
    let key = face.as_ref();
    match read(&run(&check, key, timeout)) {
        Listing::Found(list) => Ok(list),
        Listing::NotOffered => Err(NotListed::Refused(
            "this endpoint does not offer the deployments listing (404): type the deployment name"
                .into(),
        )),
        Listing::Refused(code) => Err(NotListed::Refused(format!(
            "HTTP {code}: the key was refused for the deployments listing"
        ))),
        Listing::Failed(why) => Err(NotListed::Refused(format!(
            "could not list deployments: {why}"
        ))),
    }
}

/// The same listing with a key already at hand (`aiconn test` probing after a failure).
pub fn list_with_key(
    conn: &Connection,
    key: Option<&SecretString>,
    timeout: Duration,
) -> Option<Listing> {
    let (check, _) = plan(conn).ok()?;
    Some(read(&run(&check, key, timeout)))
}

/// The names in `list` closest to `name` (by edit distance), best first.
pub fn closest<'a>(name: &str, list: &'a [Deployment]) -> Vec<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    }
    let mut v: Vec<(usize, &str)> = list
        .iter()
        .map(|d| {
            (
                distance(&name.to_lowercase(), &d.id.to_lowercase()),
                d.id.as_str(),
            )
        })
        .collect();
    v.sort();
    v.into_iter().take(3).map(|(_, n)| n).collect()
}

/// Reads an answer of either route.
pub fn read(outcome: &Outcome) -> Listing {
    match outcome {
        Outcome::Status { code, body, .. } if (200..300).contains(code) => {
            match serde_json::from_str::<serde_json::Value>(body) {
                Ok(v) => Listing::Found(parse(&v)),
                Err(_) => Listing::Failed(format!("HTTP {code}, but the answer is not JSON")),
            }
        }
        Outcome::Status { code: 404, .. } => Listing::NotOffered,
        Outcome::Status {
            code: code @ (401 | 403),
            ..
        } => Listing::Refused(*code),
        Outcome::NoToken(why) => Listing::Failed(format!("no Microsoft Entra ID token: {why}")),
        other => {
            let v = super::diagnose(
                other,
                &Check {
                    method: "GET",
                    url: String::new(),
                    auth: Auth::ApiKey,
                    body: None,
                    what: "list deployments".into(),
                    max_body: 0,
                    headers: Vec::new(),
                    like: None,
                },
                None,
            );
            Listing::Failed(match v.advice {
                Some(a) => format!("{}: {a}", v.summary),
                None => v.summary,
            })
        }
    }
}

fn text(v: &serde_json::Value) -> Option<String> {
    v.as_str().map(crate::sanitize::for_terminal)
}

/// `data[]` (resource route) or `value[]` (project route).
fn parse(v: &serde_json::Value) -> Vec<Deployment> {
    let classic = v["data"].as_array().map(|items| {
        items
            .iter()
            .filter_map(|d| {
                Some(Deployment {
                    id: text(&d["id"])?,
                    model: text(&d["model"]),
                    version: text(&d["model_version"]).or_else(|| text(&d["version"])),
                    status: text(&d["status"]),
                })
            })
            .collect::<Vec<_>>()
    });
    let project = || {
        v["value"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|d| {
                        Some(Deployment {
                            id: text(&d["name"])?,
                            model: text(&d["modelName"]),
                            version: text(&d["modelVersion"]),
                            status: text(&d["properties"]["provisioningState"]),
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    classic.unwrap_or_else(project)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_answer_shapes_are_read() {
        let classic = serde_json::json!({"data": [
            {"id": "gpt-4o", "model": "gpt-4o", "status": "succeeded", "object": "deployment"},
            {"id": "emb", "model": "text-embedding-3-small", "status": "creating"}
        ], "object": "list"});
        let d = parse(&classic);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].id, "gpt-4o");
        assert_eq!(d[1].status.as_deref(), Some("creating"));
        let project = serde_json::json!({"value": [
            {"name": "gpt-4o-mini", "modelName": "gpt-4o-mini", "modelVersion": "2024-07-18", "modelPublisher": "OpenAI", "type": "ModelDeployment"}
        ]});
        let d = parse(&project);
        assert_eq!(d[0].version.as_deref(), Some("2024-07-18"));
        assert!(parse(&serde_json::json!({"data": []})).is_empty());
    }

    fn conn(ty: &str, fields: &[(&str, &str)]) -> Connection {
        let mut c = Connection::new("c", ty).expect("type");
        for (k, v) in fields {
            c.values.insert((*k).into(), (*v).into());
        }
        c
    }

    /// The routes are data: a resource's listing with its key (or a Cognitive Services
    /// token), a project's with a project token even when the connection signs with Entra ID
    /// (the project audience is kept), a gateway's project path as a project.
    #[test]
    fn each_route_lists_with_the_credential_its_audience_takes() {
        let key = conn(
            "azure_open_ai",
            &[(
                "api_base",
                "https://r.openai.azure.com/openai/deployments/d1",
            )],
        );
        let (check, bound) = plan(&key).unwrap();
        let v = crate::endpoint::api_version::recommended(
            crate::endpoint::api_version::Family::DeploymentsListing,
        );
        assert_eq!(
            check.url,
            format!(
                "https://r.openai.azure.com/openai/deployments?api-version={}",
                v.unwrap()
            )
        );
        assert_eq!((check.auth, bound.as_deref()), (Auth::ApiKey, Some("d1")));
        let token = [
            ("api_base", "https://r.openai.azure.com/"),
            ("auth_mode", "meid_token"),
        ];
        let aud = plan(&conn("azure_open_ai", &token)).unwrap().0.auth;
        assert_eq!(aud, Auth::Entra(crate::endpoint::COGNITIVE_SERVICES));
        let project = [
            ("api_base", "http://127.0.0.1:9/api/projects/p1/openai/v1"),
            ("auth_mode", "meid_token"),
        ];
        let (check, _) = plan(&conn("azure_open_ai", &project)).unwrap();
        assert_eq!(
            check.url,
            "http://127.0.0.1:9/api/projects/p1/deployments?api-version=v1"
        );
        assert_eq!(check.auth, Auth::Entra(crate::endpoint::AI_FOUNDRY));
        let none = plan(&conn(
            "open_ai",
            &[("base_url", "https://api.openai.com/v1")],
        ));
        assert!(none.unwrap_err().contains("no deployments"));
    }
}
