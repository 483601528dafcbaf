//! The planner: an interpreter of assets/test_plans.toml. It reads the connection once (its
//! URL through the classifier, its fields by role), finds the first rule whose conditions hold
//! and builds that rule's request. No type id and no route is written here.

use super::plan_data::{KeyAuth, Presence, Request, RequestRef, Rule, Value, admits, plans};
use super::{Auth, Check, guard};
use crate::catalogue::Role;
use crate::endpoint::api_version::{Family, recommended};
use crate::endpoint::{Kind, Reading, classify_for_type};
use crate::model::Connection;

/// What the rules read of a connection.
struct Target<'a> {
    conn: &'a Connection,
    /// The endpoint as stored (or the type's default).
    raw: Option<String>,
    reading: Option<Reading>,
    /// The classifier's base where it knows one, else the stored URL; no trailing slash.
    base: String,
}

impl<'a> Target<'a> {
    fn of(conn: &'a Connection) -> Target<'a> {
        let spec = conn.spec();
        let raw = spec
            .url_field()
            .and_then(|f| conn.effective(&f.key))
            .map(|(v, _)| v);
        let reading = raw.as_deref().map(|u| classify_for_type(u, &spec.id));
        let base = match (&reading, &raw) {
            (Some(r), _) if r.normalized_base.is_some() => {
                trim(r.normalized_base.as_deref().unwrap_or_default())
            }
            (_, Some(u)) => {
                let u = trim(u);
                if u.contains("://") {
                    u
                } else {
                    format!("https://{u}")
                }
            }
            (_, None) => String::new(),
        };
        Target {
            conn,
            raw,
            reading,
            base,
        }
    }

    fn kind(&self) -> Option<Kind> {
        self.reading.as_ref().map(|r| r.kind)
    }

    /// The field of `role`, as a client would see it (stored, else the default), if not empty.
    fn role_value(&self, role: Role) -> Option<String> {
        let f = self.conn.spec().role(role)?;
        let (v, _) = self.conn.effective(&f.key)?;
        (!v.trim().is_empty()).then_some(v)
    }

    /// `value` for a request of api-version family `family`; `None` when the connection and
    /// its URL do not give it.
    fn value(&self, value: Value, family: Option<Family>) -> Option<String> {
        let recommended = || family.and_then(recommended).unwrap_or_default().to_string();
        match value {
            Value::Base => Some(self.base.clone()),
            Value::DeploymentRoot => {
                Some(deployment_root(self.raw.as_deref().unwrap_or(&self.base)))
            }
            Value::UrlDeployment => self.reading.as_ref()?.deployment.clone(),
            Value::Deployment => self.role_value(Role::Deployment),
            Value::Version => Some(
                self.role_value(Role::ApiVersion)
                    .or_else(|| self.reading.as_ref()?.api_version.clone())
                    .unwrap_or_else(recommended),
            ),
            Value::Recommended => Some(recommended()),
            Value::AnthropicBase => super::anthropic::base(&self.base),
            Value::Project => project_base(self.raw.as_deref()?),
            Value::Root => root(self.raw.as_deref()?),
        }
    }

    /// Whether `rule`'s conditions hold (its `needs` are checked once it is chosen).
    fn matches(&self, rule: &Rule) -> bool {
        let kind = self.kind();
        admits(&rule.types, &self.conn.spec().id)
            && (rule.kinds.is_empty() || kind.is_some_and(|k| rule.kinds.contains(&k)))
            && !kind.is_some_and(|k| rule.not_kinds.contains(&k))
            && rule
                .endpoint
                .is_none_or(|Presence::Absent| self.raw.is_none())
            && rule.path_has.as_deref().is_none_or(|p| {
                self.raw
                    .as_deref()
                    .is_some_and(|u| u.to_lowercase().contains(p))
            })
            && rule.has.iter().all(|v| self.value(*v, None).is_some())
    }

    /// `template` with each `{value}` filled, in one pass (a value holding `{...}` is never
    /// read again); `clean` passes each value through it first. Braces around anything else
    /// are kept as written.
    fn fill(
        &self,
        template: &str,
        family: Option<Family>,
        clean: fn(&str) -> String,
    ) -> Result<String, String> {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let slot = after.find('}').and_then(|close| {
                Some((
                    Value::ALL
                        .into_iter()
                        .find(|v| v.name() == &after[..close])?,
                    close,
                ))
            });
            match slot {
                Some((v, close)) => {
                    let got = self.value(v, family).ok_or_else(|| {
                        format!("the endpoint gives no {} to test with", v.name())
                    })?;
                    out.push_str(&clean(&got));
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The request `q`, its values filled in.
    fn build(&self, q: &'static Request) -> Result<Check, String> {
        let same = |s: &str| s.to_string();
        let f = q.version;
        let body = match &q.body {
            Some(b) => Some(self.fill_json(b, f)?.to_string()),
            None => None,
        };
        let mut headers = Vec::new();
        for (name, value) in &q.headers {
            headers.push((name.as_str(), self.fill(value, f, same)?));
        }
        Ok(Check {
            method: q.method.as_str(),
            url: self.fill(&q.url, f, same)?,
            auth: q
                .auth
                .auth(q.audience)
                .ok_or("no Entra ID audience for this request")?,
            body,
            what: self.fill(&q.what, f, crate::sanitize::for_terminal)?,
            max_body: q.max_body,
            headers,
            like: q.like.as_deref(),
        })
    }

    /// A JSON body with its string leaves filled (a value stays a JSON string: no injection).
    fn fill_json(
        &self,
        v: &serde_json::Value,
        f: Option<Family>,
    ) -> Result<serde_json::Value, String> {
        use serde_json::Value as J;
        Ok(match v {
            J::String(s) => J::String(self.fill(s, f, |s| s.to_string())?),
            J::Array(a) => J::Array(
                a.iter()
                    .map(|x| self.fill_json(x, f))
                    .collect::<Result<_, _>>()?,
            ),
            J::Object(o) => {
                let mut m = serde_json::Map::new();
                for (k, x) in o {
                    m.insert(k.clone(), self.fill_json(x, f)?);
                }
                J::Object(m)
            }
            other => other.clone(),
        })
    }
}

/// Chooses the request for `conn`: the first `[[plan]]` rule of assets/test_plans.toml that
/// holds, its request built from the connection, the headers its client adds, the Entra ID
/// resource when it signs with a token, and the guard's word on where the key may go.
pub fn plan(conn: &Connection) -> Result<(Check, Option<Reading>), String> {
    let p = plans();
    let (mut check, t) = choose(&p.plan, conn)?;
    let type_id = conn.spec().id.as_str();
    for h in p.header.iter().filter(|h| admits(&h.types, type_id)) {
        let value = conn
            .spec()
            .field(&h.field)
            .and_then(|_| conn.effective(&h.field));
        if let Some((v, _)) = value.filter(|(v, _)| !v.trim().is_empty()) {
            check.headers.push((h.name.as_str(), v.trim().to_string()));
        }
    }
    guard::check(&check.url, t.raw.as_deref(), t.reading.as_ref())?;
    Ok((check, t.reading))
}

/// The deployments listing for `conn`: the first `[[listing]]` rule that holds, signed and
/// guarded as [`plan`]'s request is (no client header: the listing is aiconn's own request).
pub(super) fn listing(conn: &Connection) -> Result<(Check, Option<Reading>), String> {
    let (check, t) = choose(&plans().listing, conn)?;
    guard::check(&check.url, t.raw.as_deref(), t.reading.as_ref())?;
    Ok((check, t.reading))
}

/// The first of `rules` that holds for `conn`, its request built and signed.
fn choose<'a>(rules: &'static [Rule], conn: &'a Connection) -> Result<(Check, Target<'a>), String> {
    let t = Target::of(conn);
    let none = "no test is known for this connection";
    let rule = rules.iter().find(|r| t.matches(r)).ok_or(none)?;
    if rule.needs.iter().any(|v| t.value(*v, None).is_none()) {
        return Err(rule.missing.clone().unwrap_or_default());
    }
    if let Some(why) = &rule.refuse {
        return Err(why.clone());
    }
    let q = match &rule.request {
        Some(RequestRef::Inline(q)) => q,
        Some(RequestRef::Named(n)) => plans().request.get(n).ok_or("no such request")?,
        None => return Err(none.into()),
    };
    let mut check = t.build(q)?;
    let type_id = conn.spec().id.as_str();
    if q.auth != KeyAuth::Entra
        && super::signs_with_entra(conn)
        && let Some(e) = plans().entra.iter().find(|e| admits(&e.types, type_id))
    {
        // The same request, signed with a token for the service's Entra ID resource (a
        // request that is a token's already keeps its audience).
        check.auth = Auth::Entra(e.resource.resource());
    }
    Ok((check, t))
}

fn trim(base: &str) -> String {
    base.trim().trim_end_matches('/').to_string()
}

/// `scheme://host[:port]` of a URL, as a URL parser reads it.
fn root(raw: &str) -> Option<String> {
    let parsed = url::Url::parse(raw.trim()).ok()?;
    let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
    Some(format!(
        "{}://{}{port}",
        parsed.scheme(),
        parsed.host_str()?
    ))
}

/// `scheme://host[:port]/api/projects/<p>` of a URL whose path starts with a project (whatever
/// the host: a gateway or a proxy in front keeps the path).
pub(super) fn project_base(raw: &str) -> Option<String> {
    let parsed = url::Url::parse(raw.trim()).ok()?;
    let mut segs = parsed.path().split('/').filter(|s| !s.is_empty());
    let (Some("api"), Some("projects"), Some(p)) = (segs.next(), segs.next(), segs.next()) else {
        return None;
    };
    Some(format!("{}/api/projects/{p}", root(raw)?))
}

/// Everything before `/openai/` (a gateway may have a path prefix), else scheme and host.
fn deployment_root(u: &str) -> String {
    let u = u.trim();
    let u = if u.contains("://") {
        u.to_string()
    } else {
        format!("https://{u}")
    };
    // ASCII lower-casing keeps every byte offset, so `i` is an offset into `u` too.
    match u.to_ascii_lowercase().find("/openai/") {
        Some(i) => u[..i].to_string(),
        None => base_host(&u),
    }
}

/// `scheme://host[:port]` of a URL.
fn base_host(u: &str) -> String {
    match u.find("://") {
        Some(i) => {
            let rest = &u[i + 3..];
            let end = rest.find('/').unwrap_or(rest.len());
            format!("{}{}", &u[..i + 3], &rest[..end])
        }
        None => u.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(ty: &str, fields: &[(&str, &str)]) -> Connection {
        let mut c = Connection::new("c", ty).expect("type");
        for (k, v) in fields {
            c.values.insert((*k).into(), (*v).into());
        }
        c
    }

    /// A value filled into a JSON body stays one string, whatever it holds.
    #[test]
    fn a_deployment_with_json_in_it_stays_a_string_of_the_body() {
        let tricky = r#"d","max_tokens":999,"x":"{base}{version}{deployment}"#;
        let c = conn(
            "azure_ai",
            &[
                ("endpoint", "https://r.services.ai.azure.com/models"),
                ("deployment", tricky),
            ],
        );
        let (check, _) = plan(&c).expect("plannable");
        let body: serde_json::Value = serde_json::from_str(&check.body.unwrap()).unwrap();
        assert_eq!(body["model"], tricky);
        assert_eq!(body["max_tokens"], 1);
    }

    /// The anthropic-version header is the SDK's, never the connection's api-version (which
    /// is Azure's, for the same resource's other routes).
    #[test]
    fn claude_is_sent_the_sdks_version_header_not_the_api_version() {
        let c = conn(
            "azure_ai",
            &[
                ("endpoint", "https://r.services.ai.azure.com/anthropic/"),
                ("deployment", "claude-x"),
                ("api_version", "2025-01-01-preview"),
            ],
        );
        let (check, _) = plan(&c).expect("plannable");
        assert_eq!(
            check.url,
            "https://r.services.ai.azure.com/anthropic/v1/messages"
        );
        assert_eq!(
            check.headers,
            vec![(
                "anthropic-version",
                recommended(Family::Anthropic).unwrap().to_string()
            )]
        );
        assert_eq!(check.auth, Auth::Anthropic);
    }

    /// Entra ID follows the data: Search's token for a search service, Cognitive Services'
    /// for the rest; a key connection keeps its key header.
    #[test]
    fn meid_token_signs_with_the_resource_the_data_names() {
        let search = conn(
            "cognitive_search",
            &[
                ("api_base", "https://s.search.windows.net"),
                ("auth_mode", "meid_token"),
            ],
        );
        assert_eq!(
            plan(&search).unwrap().0.auth,
            Auth::Entra(super::super::entra::SEARCH)
        );
        let aoai = conn(
            "azure_open_ai",
            &[
                ("api_base", "https://r.openai.azure.com/"),
                ("auth_mode", "meid_token"),
            ],
        );
        assert_eq!(
            plan(&aoai).unwrap().0.auth,
            Auth::Entra(super::super::entra::COGNITIVE_SERVICES)
        );
        let key = conn(
            "azure_open_ai",
            &[("api_base", "https://r.openai.azure.com/")],
        );
        assert_eq!(plan(&key).unwrap().0.auth, Auth::ApiKey);
    }

    /// A keyless project is a rule like any other: its own route on any host (a gateway keeps
    /// the path), a token for the project audience the table names, never another route.
    #[test]
    fn a_keyless_project_lists_its_deployments_on_any_host_and_nothing_else() {
        let at = |u: &str| plan(&conn("foundry_project", &[("endpoint", u)]));
        let (check, _) =
            at("http://127.0.0.1:8080/api/projects/p1/openai/v1?api-version=x").unwrap();
        assert_eq!(
            check.url,
            "http://127.0.0.1:8080/api/projects/p1/deployments?api-version=v1"
        );
        assert_eq!(check.auth, Auth::Entra(crate::endpoint::AI_FOUNDRY));
        let no_name = at("https://r.services.ai.azure.com/api/projects/").unwrap_err();
        assert!(no_name.contains("no project name"), "{no_name}");
        for other in [
            "http://127.0.0.1:8080/gw/api/projects/p1",
            "https://r.openai.azure.com/",
        ] {
            let why = at(other).unwrap_err();
            assert!(
                why.contains("not a Foundry project endpoint"),
                "{other}: {why}"
            );
        }
    }
}
