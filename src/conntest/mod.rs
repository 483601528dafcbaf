//! `aiconn test`: one cheap authenticated request chosen by the endpoint's kind, with the
//! auth header each service expects, a short timeout, no retries, no redirects (a key is never
//! sent to another host), and a diagnosis a person can act on. The key never appears in
//! output or errors.

pub mod all;
pub mod anthropic;
pub mod deployments;
pub mod entra;
mod explain;
mod flow;
mod guard;
mod redact;

pub use flow::{NotTested, Tested, UnknownHosts, test_connection};

use crate::endpoint::api_version::{Family as VersionFamily, recommended};
use crate::endpoint::{Kind, Reading, classify_for_type};
use crate::model::Connection;
use secrecy::{ExposeSecret, SecretString};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `api-key: KEY` (Azure OpenAI, Foundry, Search, Qdrant).
    ApiKey,
    /// `Authorization: Bearer KEY` (OpenAI, serverless, managed online, Weaviate).
    Bearer,
    /// `Ocp-Apim-Subscription-Key: KEY` (Content Safety and other AI services).
    Subscription,
    /// The key goes in the query (SerpAPI).
    Query,
    /// Claude on Foundry, as `AnthropicFoundry` sends it: the key as `x-api-key` and `api-key`,
    /// plus `anthropic-version`.
    Anthropic,
    /// `Authorization: Bearer <Entra ID token>` for this resource (`auth_mode = meid_token`).
    Entra(&'static str),
}

#[derive(Debug, Clone)]
pub struct Check {
    pub method: &'static str,
    /// Without credentials: safe to print.
    pub url: String,
    pub auth: Auth,
    pub body: Option<String>,
    /// What the request proves, in words.
    pub what: String,
    /// How much of the answer is read (a probe needs the error; a listing, the whole list).
    pub max_body: usize,
    /// Headers that carry no secret and that the client sends too (`OpenAI-Organization`).
    pub headers: Vec<(&'static str, String)>,
    /// Whose request this is, when it is the one a client makes (route, auth header and
    /// api-version as that client builds them), for the faces to say.
    pub like: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Status {
        code: u16,
        ms: u128,
        body: String,
        /// The `retry-after` header of a 429 (seconds, or an HTTP date).
        retry_after: Option<String>,
    },
    Dns,
    Tls(String),
    Timeout,
    Refused,
    /// No Microsoft Entra ID token could be had (no az, not signed in, ...).
    NoToken(String),
    Other(String),
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub ok: bool,
    pub summary: String,
    pub advice: Option<String>,
}

fn trim(base: &str) -> String {
    base.trim().trim_end_matches('/').to_string()
}

/// Chooses the request for `conn` (its URL read by the classifier; gateways and local
/// servers fall back on the path shape and the connection type).
#[allow(clippy::too_many_lines)] // TODO(issue 20): split
pub fn plan(conn: &Connection) -> Result<(Check, Option<Reading>), String> {
    let spec = conn.spec();
    let entra = conn
        .effective("auth_mode")
        .is_some_and(|(v, _)| v.eq_ignore_ascii_case("meid_token"));
    let url_field = spec
        .fields
        .iter()
        .find(|f| f.kind == crate::catalogue::FieldKind::Url);
    let raw = url_field
        .and_then(|f| conn.effective(&f.key))
        .map(|(v, _)| v);
    let reading = raw.as_deref().map(|u| classify_for_type(u, &spec.id));
    let version = |default: &str| {
        conn.effective("api_version")
            .map(|(v, _)| v)
            .or_else(|| reading.as_ref().and_then(|r| r.api_version.clone()))
            .unwrap_or_else(|| default.into())
    };
    // The base: the classifier's where it knows one, else what the user stored.
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
    let path_has = |s: &str| raw.as_deref().is_some_and(|u| u.to_lowercase().contains(s));
    let kind = reading.as_ref().map(|r| r.kind);
    let deployment = reading.as_ref().and_then(|r| r.deployment.clone());
    let get = |url: String, auth: Auth, what: &str| Check {
        method: "GET",
        url,
        auth,
        body: None,
        what: what.into(),
        max_body: 4096,
        headers: Vec::new(),
        like: None,
    };
    let check = match spec.id.as_str() {
        "custom" => return Err("custom connections have no known endpoint to test".into()),
        "serp" => get(
            "https://serpapi.com/account.json".into(),
            Auth::Query,
            "SerpAPI account (key accepted)",
        ),
        "qdrant" => get(
            format!("{base}/collections"),
            Auth::ApiKey,
            "list collections",
        ),
        "weaviate" => get(format!("{base}/v1/meta"), Auth::Bearer, "cluster metadata"),
        "cognitive_search" => get(
            format!(
                "{base}/indexes?api-version={}&$select=name",
                version(recommended(VersionFamily::Search).unwrap_or_default())
            ),
            Auth::ApiKey,
            "list indexes",
        ),
        "azure_content_safety" | "form_recognizer" | "azure_ai_services"
            if kind != Some(Kind::AzureOpenaiResource) =>
        {
            let v = version(recommended(VersionFamily::ContentSafety).unwrap_or_default());
            Check {
                method: "POST",
                url: format!("{base}/contentsafety/text:analyze?api-version={v}"),
                auth: Auth::Subscription,
                body: Some(r#"{"text":"ping"}"#.into()),
                what: "analyze one word of text".into(),
                max_body: 4096,
                headers: Vec::new(),
                like: None,
            }
        }
        "open_ai" if raw.is_none() => get(
            "https://api.openai.com/v1/models".into(),
            Auth::Bearer,
            "list models",
        ),
        _ => match (kind, deployment) {
            (Some(Kind::AzureOpenaiDeployment), Some(d)) | (Some(Kind::Unknown), Some(d)) => {
                Check {
                    method: "POST",
                    url: format!(
                        "{}/openai/deployments/{d}/chat/completions?api-version={}",
                        deployment_root(raw.as_deref().unwrap_or(&base)),
                        version(recommended(VersionFamily::AzureOpenai).unwrap_or_default())
                    ),
                    auth: Auth::ApiKey,
                    body: Some(
                        r#"{"messages":[{"role":"user","content":"ping"}],"max_tokens":1}"#.into(),
                    ),
                    what: format!("a 1-token chat request to deployment '{d}'"),
                    max_body: 4096,
                    headers: Vec::new(),
                    like: Some("the openai SDK's AzureOpenAI() and prompt flow's llm tool"),
                }
            }
            // The v1 API is called with the plain OpenAI() client, which sends the key as a bearer
            // token: test it the same way.
            (Some(Kind::AzureOpenaiV1), _) => Check {
                like: Some("the openai SDK's OpenAI().models.list()"),
                ..get(format!("{base}/models"), Auth::Bearer, "list models (v1)")
            },
            (Some(Kind::Openai), _) => Check {
                like: Some("the openai SDK's OpenAI().models.list()"),
                ..get(format!("{base}/models"), Auth::Bearer, "list models")
            },
            (Some(Kind::FoundryModels), _) => models_check(&base, conn),
            (Some(Kind::FoundryAnthropic), _) => anthropic_check(&base, conn)?,
            (Some(Kind::Serverless), _) => get(format!("{base}/info"), Auth::Bearer, "model info"),
            (Some(Kind::ManagedOnline), _) => {
                get(base.clone(), Auth::Bearer, "scoring endpoint (auth only)")
            }
            (Some(Kind::AzureOpenaiResource), _) => get(
                format!(
                    "{base}/openai/models?api-version={}",
                    version(recommended(VersionFamily::AzureOpenai).unwrap_or_default())
                ),
                Auth::ApiKey,
                "list models",
            ),
            (Some(Kind::Invalid), _) => {
                return Err("the endpoint is not a usable URL (see the hint)".into());
            }
            // Gateways and local servers: go by the path and the type.
            _ if path_has("/openai/v1") => Check {
                like: Some("the openai SDK's OpenAI().models.list()"),
                ..get(
                    format!("{}/models", trim(&base)),
                    Auth::Bearer,
                    "list models (v1)",
                )
            },
            _ if path_has("/models") => models_check(&trim(&base), conn),
            _ if anthropic::base(&base).is_some() => anthropic_check(&base, conn)?,
            _ if spec.id == "open_ai" => Check {
                like: Some("the openai SDK's OpenAI().models.list()"),
                ..get(
                    format!("{}/models", trim(&base)),
                    Auth::Bearer,
                    "list models",
                )
            },
            _ if spec.id == "serverless" => {
                get(format!("{}/info", trim(&base)), Auth::Bearer, "model info")
            }
            _ if base.is_empty() => return Err("the connection has no endpoint".into()),
            _ => get(
                format!(
                    "{}/openai/models?api-version={}",
                    trim(&base),
                    version(recommended(VersionFamily::AzureOpenai).unwrap_or_default())
                ),
                Auth::ApiKey,
                "list models",
            ),
        },
    };
    let mut check = check;
    // The organization goes where the openai SDK puts it (OPENAI_ORG_ID, `organization=`):
    // a key of a multi-organization account may be refused without it.
    if spec.id == "open_ai"
        && let Some((org, _)) = conn.effective("organization")
        && !org.trim().is_empty()
    {
        check
            .headers
            .push(("OpenAI-Organization", org.trim().to_string()));
    }
    if entra {
        // The same request, signed with a token for the service's Entra ID resource.
        check.auth = Auth::Entra(if spec.id == "cognitive_search" {
            entra::SEARCH
        } else {
            entra::COGNITIVE_SERVICES
        });
    }
    guard::check(&check.url, raw.as_deref(), reading.as_ref())?;
    Ok((check, reading))
}

/// A Foundry `/models` endpoint, as azure-ai-inference calls it: a 1-token chat request naming
/// the connection's deployment as `model`, or without one the model info route (a "no model
/// name" answer then proves key and endpoint). The api-version is the connection's, else what
/// that client sends by default.
fn models_check(base: &str, conn: &Connection) -> Check {
    let v = conn
        .effective("api_version")
        .map(|(v, _)| v)
        .filter(|v| !v.trim().is_empty())
        .or_else(|| recommended(VersionFamily::ModelInference).map(str::to_string))
        .unwrap_or_default();
    let deployment = conn
        .spec()
        .role(crate::catalogue::Role::Deployment)
        .and_then(|f| conn.values.get(&f.key));
    match deployment {
        Some(d) => Check {
            method: "POST",
            url: format!("{base}/chat/completions?api-version={v}"),
            auth: Auth::ApiKey,
            body: Some(
                serde_json::json!({
                    "model": d, "max_tokens": 1,
                    "messages": [{"role": "user", "content": "ping"}],
                })
                .to_string(),
            ),
            what: format!(
                "a 1-token chat request to model '{}'",
                crate::sanitize::for_terminal(d)
            ),
            max_body: 4096,
            headers: Vec::new(),
            like: None,
        },
        None => Check {
            method: "GET",
            url: format!("{base}/info?api-version={v}"),
            auth: Auth::ApiKey,
            body: None,
            what: "model info".into(),
            max_body: 4096,
            headers: Vec::new(),
            like: None,
        },
    }
}

/// Claude on Foundry: a 1-token Messages request naming the connection's deployment as model.
fn anthropic_check(base: &str, conn: &Connection) -> Result<Check, String> {
    let deployment = conn
        .spec()
        .role(crate::catalogue::Role::Deployment)
        .and_then(|f| conn.values.get(&f.key))
        .filter(|d| !d.trim().is_empty())
        .ok_or("Claude on Foundry is tested with a deployment: set the connection's deployment (the Claude deployment's name)")?;
    anthropic::check(base, deployment)
        .ok_or_else(|| "the endpoint has no /anthropic segment".into())
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

/// Sends the request once.
pub fn run(check: &Check, key: Option<&SecretString>, timeout: Duration) -> Outcome {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("aiconn/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    // With SerpAPI the key is in the URL: zeroed when dropped.
    let mut url = zeroize::Zeroizing::new(check.url.clone());
    if let (Auth::Query, Some(k)) = (check.auth, key) {
        let sep = if url.contains('?') { '&' } else { '?' };
        url = zeroize::Zeroizing::new(format!(
            "{}{sep}api_key={}",
            url.as_str(),
            url_encode(k.expose_secret())
        ));
    }
    // The header value holds the key: zeroed when dropped.
    let header = |name: &str| -> Option<(String, zeroize::Zeroizing<String>)> {
        let k = key?.expose_secret();
        let z = |s: String| zeroize::Zeroizing::new(s);
        Some(match check.auth {
            Auth::ApiKey => (name.to_string(), z(k.to_string())),
            Auth::Bearer => ("Authorization".into(), z(format!("Bearer {k}"))),
            Auth::Subscription => ("Ocp-Apim-Subscription-Key".into(), z(k.to_string())),
            Auth::Anthropic => (name.to_string(), z(k.to_string())),
            Auth::Query | Auth::Entra(_) => return None,
        })
    };
    // An Entra ID connection: the token is fetched now (never printed, zeroed when dropped).
    let token = match check.auth {
        Auth::Entra(resource) => match entra::token(resource, timeout) {
            Ok(t) => Some(t),
            Err(entra::NoToken(why)) => return Outcome::NoToken(why),
        },
        _ => None,
    };
    let bearer = token
        .as_ref()
        .map(|t| zeroize::Zeroizing::new(format!("Bearer {}", t.expose_secret())));
    let start = Instant::now();
    let result = if check.method == "POST" {
        let mut req = agent
            .post(url.as_str())
            .header("Content-Type", "application/json");
        if let Some((h, v)) = header("api-key") {
            req = req.header(h, v.as_str());
        }
        if let Some(b) = &bearer {
            req = req.header("Authorization", b.as_str());
        }
        for (h, v) in &check.headers {
            req = req.header(*h, v.as_str());
        }
        if check.auth == Auth::Anthropic {
            if let Some((_, v)) = header("x-api-key") {
                req = req.header("x-api-key", v.as_str());
            }
        }
        req.send(check.body.clone().unwrap_or_default())
    } else {
        let mut req = agent.get(url.as_str());
        if let Some((h, v)) = header("api-key") {
            req = req.header(h, v.as_str());
        }
        if let Some(b) = &bearer {
            req = req.header("Authorization", b.as_str());
        }
        for (h, v) in &check.headers {
            req = req.header(*h, v.as_str());
        }
        req.call()
    };
    match result {
        Ok(mut resp) => {
            let code = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(|v| crate::sanitize::for_terminal(&v.chars().take(40).collect::<String>()));
            let body = resp
                .body_mut()
                .with_config()
                .limit(check.max_body as u64)
                .read_to_string()
                .unwrap_or_default();
            Outcome::Status {
                code,
                ms: start.elapsed().as_millis(),
                body: redact(&body, key),
                retry_after,
            }
        }
        Err(e) => classify_error(e, key, url.starts_with("https://")),
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Removes the key, in any encoding, from any text that might be shown (some servers echo
/// what they got).
fn redact(text: &str, key: Option<&SecretString>) -> String {
    match key {
        Some(k) => redact::redact(text, k.expose_secret()),
        None => text.to_string(),
    }
}

fn classify_error(e: ureq::Error, key: Option<&SecretString>, https: bool) -> Outcome {
    use ureq::Error as E;
    match e {
        // A server that does not speak TLS usually just hangs up on the handshake.
        E::Io(io) if https && io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Outcome::Tls("the server closed the connection during the TLS handshake".into())
        }
        E::HostNotFound => Outcome::Dns,
        E::Timeout(_) => Outcome::Timeout,
        E::ConnectionFailed => Outcome::Refused,
        E::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => Outcome::Refused,
        E::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => Outcome::Timeout,
        E::Tls(m) => Outcome::Tls(m.to_string()),
        E::Rustls(r) => Outcome::Tls(r.to_string()),
        other => {
            let text = redact(&other.to_string(), key);
            let lower = text.to_lowercase();
            if lower.contains("tls")
                || lower.contains("certificate")
                || lower.contains("handshake")
                || lower.contains("corrupt message")
            {
                Outcome::Tls(text)
            } else if lower.contains("dns") || lower.contains("resolve") || lower.contains("lookup")
            {
                Outcome::Dns
            } else {
                Outcome::Other(text)
            }
        }
    }
}

/// What happened and what to do, from the outcome and the endpoint's reading.
pub fn diagnose(outcome: &Outcome, check: &Check, reading: Option<&Reading>) -> Verdict {
    let hint = reading.map(|r| {
        let mut s = r.hint.clone();
        if let Some(t) = &r.tip {
            s.push_str(". ");
            s.push_str(t);
        }
        s
    });
    let v = |ok: bool, summary: String, advice: Option<String>| Verdict {
        ok,
        summary,
        advice,
    };
    // The service said precisely what is wrong: its words, explained.
    if let Some(known) = explain::known_error(outcome, check) {
        return known;
    }
    match outcome {
        Outcome::Status { code, ms, .. } if (200..300).contains(code) => v(true, format!("OK: {} answered {code} in {ms} ms", check.what), None),
        Outcome::Status { code: 403, .. } if matches!(check.auth, Auth::Entra(_)) => v(
            false,
            format!("{}: your identity has no access to this resource", status_text(outcome)),
            Some(format!(
                "ask for the {} role on the resource (data-plane access; Owner or Contributor alone is not enough), then retry after a few minutes",
                if check.auth == Auth::Entra(entra::SEARCH) {
                    "Search Index Data Reader"
                } else {
                    "Cognitive Services OpenAI User"
                }
            )),
        ),
        Outcome::Status { code: 401, body, .. } if matches!(check.auth, Auth::Entra(_)) => {
            let lower = body.to_lowercase();
            let advice = if lower.contains("tenant") {
                "the token is from another tenant than the resource's: run `az login --use-device-code --tenant <the resource's tenant id>`"
            } else if lower.contains("custom subdomain") {
                "Entra ID needs the resource's own endpoint (https://<resource>.openai.azure.com or .cognitiveservices.azure.com), not a regional one"
            } else {
                "the Entra ID token was refused: check you are signed in to the resource's tenant (`az account show`), or sign in again"
            };
            v(false, format!("{}: the token was refused", status_text(outcome)), Some(advice.into()))
        }
        Outcome::Status { code: 401 | 403, .. } => v(
            false,
            format!("{}: the key was refused", status_text(outcome)),
            Some("the key is wrong, expired, or belongs to another resource: copy Key 1 from this resource's Keys and Endpoint page".into()),
        ),
        Outcome::Status { code: 404, .. } => v(
            false,
            format!("{}: the URL shape is wrong for this service", status_text(outcome)),
            Some(hint.map(|h| format!("the endpoint reads as: {h}")).unwrap_or_else(|| "check the endpoint URL".into())),
        ),
        Outcome::Status { code: 429, .. } => v(false, format!("{}: rate limited or out of quota", status_text(outcome)), Some("the key works; wait and retry, or raise the deployment's quota".into())),
        Outcome::Status { code, .. } if *code >= 500 => v(false, format!("{}: the service failed", status_text(outcome)), Some("the service had an error; try again later (the key and URL may be fine)".into())),
        Outcome::Status { .. } => v(false, status_text(outcome), hint.map(|h| format!("the endpoint reads as: {h}"))),
        Outcome::Dns => v(false, "DNS: the host name does not resolve".into(), Some("check the resource name in the URL (a typo, a deleted resource, or a private endpoint only reachable from its network)".into())),
        Outcome::Tls(d) => v(false, format!("TLS failed ({})", first_line(d)), Some("the server does not speak https here, or its certificate is not trusted (a proxy?); check the scheme and port".into())),
        Outcome::Timeout => v(false, "timed out: no answer in time".into(), Some("a firewall, a private endpoint, or a proxy may be in the way".into())),
        Outcome::Refused => v(false, "connection refused".into(), Some("nothing listens at that host and port; check the URL".into())),
        Outcome::NoToken(why) => v(false, "no Microsoft Entra ID token".into(), Some(why.clone())),
        Outcome::Other(d) => v(false, format!("request failed: {}", first_line(d)), None),
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(160).collect()
}

fn status_text(o: &Outcome) -> String {
    match o {
        Outcome::Status { code, body, .. } => {
            // Azure puts a useful code/message in the JSON body.
            let detail = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| {
                    v["error"]["message"]
                        .as_str()
                        .or(v["message"].as_str())
                        .map(str::to_string)
                })
                .map(|m| format!(" ({})", crate::sanitize::for_terminal(&first_line(&m))))
                .unwrap_or_default();
            format!("HTTP {code}{detail}")
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which hosts `test` asks about before sending a service key (plan, then the guard).
    #[test]
    fn only_hosts_nothing_recognizes_are_asked_about() {
        let with = |ty: &str, field: &str, url: Option<&str>| {
            let mut c = Connection::new("c", ty).expect("type");
            if let Some(u) = url {
                c.values.insert(field.into(), u.into());
            }
            let (check, reading) = plan(&c).expect("plannable");
            guard::unrecognized_key_host(c.spec(), &check.url, reading.as_ref())
        };
        // The type's default host (no URL stored), the service's own, a gateway, this machine.
        assert_eq!(with("open_ai", "base_url", None), None);
        assert_eq!(
            with("open_ai", "base_url", Some("https://api.openai.com/v1")),
            None
        );
        let aoai = Some("https://r.openai.azure.com");
        assert_eq!(with("azure_open_ai", "api_base", aoai), None);
        let router = Some("https://openrouter.ai/api/v1");
        assert_eq!(with("open_ai", "base_url", router), None);
        assert_eq!(
            with("open_ai", "base_url", Some("http://127.0.0.1:8080/v1")),
            None
        );
        assert_eq!(
            with("open_ai", "base_url", Some("http://localhost:8080/v1")),
            None
        );
        // Anything else, and only for the types whose key is a service's.
        let other = Some("https://llm.example.test/v1");
        assert_eq!(
            with("open_ai", "base_url", other).as_deref(),
            Some("llm.example.test")
        );
        let gw = Some("https://gw.example.test");
        assert_eq!(
            with("azure_open_ai", "api_base", gw).as_deref(),
            Some("gw.example.test")
        );
        assert_eq!(
            with("qdrant", "api_base", Some("https://q.example.test")),
            None
        );
    }
}
