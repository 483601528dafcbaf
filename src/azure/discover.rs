//! What the signed-in user can connect to: subscriptions, then in each the Cognitive Services
//! accounts of kind `OpenAI` and `AIServices` (with their Foundry projects), then each
//! account's deployments with the model's lifecycle. Requests run on a bounded pool; a
//! subscription or an account that fails keeps its error next to it and the rest goes on.

use super::arm::Arm;
use super::lifecycle::{self, Lifecycle};
use super::{ArmError, cognitive_api, id_part, subscriptions_api};
use indexmap::IndexMap;
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// At most this many requests at once (Resource Manager throttles per identity).
pub const WORKERS: usize = 4;

/// The account kinds that serve models.
pub const KINDS: [&str; 2] = ["OpenAI", "AIServices"];

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub subscriptions: Vec<Subscription>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Subscription {
    pub id: String,
    pub name: String,
    pub state: Option<String>,
    pub accounts: Vec<Account>,
    /// Why the accounts of this subscription could not be listed.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub location: String,
    pub resource_group: String,
    /// `properties.endpoint`.
    pub endpoint: Option<String>,
    /// `properties.endpoints` (name -> URL: "OpenAI Language Model Instance API", ...).
    pub endpoints: IndexMap<String, String>,
    /// `properties.disableLocalAuth`: keys are refused, Microsoft Entra ID only.
    pub key_auth_disabled: bool,
    pub projects: Vec<Project>,
    pub deployments: Vec<Deployment>,
    /// What could not be read for this account (deployments, projects, models).
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Project {
    pub name: String,
    pub endpoint: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Deployment {
    pub name: String,
    pub model: Option<String>,
    pub version: Option<String>,
    pub format: Option<String>,
    pub sku: Option<String>,
    pub capacity: Option<u64>,
    pub state: Option<String>,
    pub lifecycle: Option<Lifecycle>,
}

impl Account {
    /// The base the OpenAI routes hang off (`https://<res>.openai.azure.com/`), else the
    /// account's endpoint.
    pub fn openai_base(&self) -> Option<String> {
        self.endpoints
            .get("OpenAI Language Model Instance API")
            .or(self.endpoint.as_ref())
            .map(|e| format!("{}/", e.trim_end_matches('/')))
    }
}

/// Progress for a face's status line.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

pub use crate::pool::bounded;

fn text(v: &serde_json::Value, key: &str) -> Option<String> {
    v[key]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The subscriptions the user sees; `only` (an id or a display name) keeps one.
pub fn subscriptions(arm: &Arm, only: Option<&str>) -> Result<Vec<Subscription>, ArmError> {
    let items = arm.list("/subscriptions", subscriptions_api())?;
    Ok(items
        .iter()
        .filter_map(|s| {
            Some(Subscription {
                id: text(s, "subscriptionId")?,
                name: text(s, "displayName").unwrap_or_default(),
                state: text(s, "state"),
                accounts: Vec::new(),
                error: None,
            })
        })
        .filter(|s| {
            only.is_none_or(|o| s.id.eq_ignore_ascii_case(o) || s.name.eq_ignore_ascii_case(o))
        })
        .collect())
}

fn account_of(v: &serde_json::Value) -> Option<Account> {
    let id = text(v, "id")?;
    let p = &v["properties"];
    let endpoints = p["endpoints"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, e)| Some((k.clone(), e.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Some(Account {
        name: text(v, "name").unwrap_or_default(),
        kind: text(v, "kind").unwrap_or_default(),
        location: text(v, "location").unwrap_or_default(),
        resource_group: id_part(&id, "resourceGroups").unwrap_or("").to_string(),
        endpoint: text(p, "endpoint"),
        endpoints,
        key_auth_disabled: p["disableLocalAuth"].as_bool().unwrap_or(false),
        projects: Vec::new(),
        deployments: Vec::new(),
        errors: Vec::new(),
        id,
    })
}

/// The model-serving accounts of one subscription.
pub fn accounts(arm: &Arm, subscription: &str) -> Result<Vec<Account>, ArmError> {
    let path =
        format!("/subscriptions/{subscription}/providers/Microsoft.CognitiveServices/accounts");
    Ok(arm
        .list(&path, cognitive_api())?
        .iter()
        .filter_map(account_of)
        .filter(|a| KINDS.iter().any(|k| k.eq_ignore_ascii_case(&a.kind)))
        .collect())
}

fn deployment_of(v: &serde_json::Value) -> Option<Deployment> {
    let p = &v["properties"];
    let m = &p["model"];
    Some(Deployment {
        name: text(v, "name")?,
        model: text(m, "name"),
        version: text(m, "version"),
        format: text(m, "format"),
        sku: text(&v["sku"], "name"),
        capacity: v["sku"]["capacity"].as_u64(),
        state: text(p, "provisioningState"),
        lifecycle: None,
    })
}

/// Fills an account's deployments (with lifecycle), projects and what failed.
pub fn fill(arm: &Arm, account: &mut Account) {
    match arm.list(&format!("{}/deployments", account.id), cognitive_api()) {
        Ok(items) => account.deployments = items.iter().filter_map(deployment_of).collect(),
        Err(e) => account.errors.push(format!("deployments: {e}")),
    }
    if account.kind.eq_ignore_ascii_case("AIServices") {
        match arm.list(&format!("{}/projects", account.id), cognitive_api()) {
            Ok(items) => {
                account.projects = items
                    .iter()
                    .filter_map(|p| {
                        // ARM names a project "<account>/<project>".
                        let full = text(p, "name")?;
                        let name = full.rsplit('/').next().unwrap_or(&full).to_string();
                        let endpoint = p["properties"]["endpoints"]["AI Foundry API"]
                            .as_str()
                            .map(str::to_string);
                        Some(Project { name, endpoint })
                    })
                    .collect();
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => account.errors.push(format!("projects: {e}")),
        }
    }
    if account.deployments.is_empty() {
        return;
    }
    let models: Vec<(String, String, Lifecycle)> =
        match arm.list(&format!("{}/models", account.id), cognitive_api()) {
            Ok(items) => items.iter().filter_map(lifecycle::from_arm_model).collect(),
            Err(e) => {
                account.errors.push(format!("models: {e}"));
                Vec::new()
            }
        };
    for d in &mut account.deployments {
        d.lifecycle = lifecycle_of(&models, d);
    }
}

/// ARM's lifecycle for the deployment's model version, else the assets' one.
fn lifecycle_of(models: &[(String, String, Lifecycle)], d: &Deployment) -> Option<Lifecycle> {
    let name = d.model.as_deref()?;
    let version = d.version.as_deref().unwrap_or("");
    let arm = models
        .iter()
        .find(|(n, v, _)| n.eq_ignore_ascii_case(name) && v.eq_ignore_ascii_case(version))
        .map(|(_, _, l)| l.clone());
    let known = lifecycle::known_model(name, d.version.as_deref());
    match (arm, known) {
        (Some(mut a), Some(k)) => {
            if a.retires.is_none() {
                a.retires = k.retires;
            }
            a.replacement = k.replacement;
            Some(a)
        }
        (Some(a), None) if a.retires.is_some() || a.status.is_some() => Some(a),
        (_, k) => k,
    }
}

/// Everything, with `progress` called as accounts finish.
pub fn discover(
    arm: &Arm,
    only: Option<&str>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Report, ArmError> {
    let mut subs = subscriptions(arm, only)?;
    let listed = bounded(&subs, WORKERS, |s| accounts(arm, &s.id));
    for (s, r) in subs.iter_mut().zip(listed) {
        match r {
            Ok(a) => s.accounts = a,
            Err(e) => s.error = Some(e.to_string()),
        }
    }
    let all: Vec<(usize, Account)> = subs
        .iter_mut()
        .enumerate()
        .flat_map(|(i, s)| {
            std::mem::take(&mut s.accounts)
                .into_iter()
                .map(move |a| (i, a))
        })
        .collect();
    let total = all.len();
    let done = AtomicUsize::new(0);
    progress(Progress { done: 0, total });
    let filled = bounded(&all, WORKERS, |(i, a)| {
        let mut a = a.clone();
        fill(arm, &mut a);
        let n = done.fetch_add(1, Ordering::SeqCst) + 1;
        progress(Progress { done: n, total });
        (*i, a)
    });
    for (i, a) in filled {
        subs[i].accounts.push(a);
    }
    Ok(Report {
        subscriptions: subs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_prefers_arm_dates_and_borrows_the_replacement_from_the_data() {
        let d = Deployment {
            name: "chat".into(),
            model: Some("gpt-4".into()),
            version: Some("0613".into()),
            format: None,
            sku: None,
            capacity: None,
            state: None,
            lifecycle: None,
        };
        let arm = vec![(
            "gpt-4".to_string(),
            "0613".to_string(),
            Lifecycle {
                status: Some("Deprecated".into()),
                retires: Some("2025-06-01".into()),
                replacement: None,
                source: lifecycle::Source::Arm,
            },
        )];
        let l = lifecycle_of(&arm, &d).unwrap();
        assert_eq!(l.retires.as_deref(), Some("2025-06-01"));
        assert_eq!(l.source, lifecycle::Source::Arm);
        assert!(l.replacement.unwrap().contains("gpt-4o"));
        let l = lifecycle_of(&[], &d).unwrap();
        assert_eq!(l.source, lifecycle::Source::Assets);
    }
}
