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
mod plan;
mod plan_data;
mod redact;

pub use flow::{NotTested, Tested, UnknownHosts, test_connection};
pub use plan::plan;
/// The planner under the name `test`'s callers knew: a keyless Foundry project is a rule of
/// assets/test_plans.toml like any other, so what `test` sends is what `plan` plans.
pub use plan::plan as plan_for;

use crate::catalogue::Role;
use crate::endpoint::Reading;
use crate::model::Connection;
use secrecy::{ExposeSecret, SecretString};
use std::time::{Duration, Instant};

/// How the key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `api-key: KEY` (Azure OpenAI, Foundry, Search, Qdrant).
    ApiKey,
    /// `api-key: KEY` and `Authorization: Bearer KEY`, as azure-ai-inference sends a key to a
    /// Foundry `/models` endpoint (its `_patch.py`: "two auth headers for api-key auth").
    ApiKeyAndBearer,
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

/// The field the service key is kept in (role `api_key`), when the type has one.
pub(crate) fn key_field(conn: &Connection) -> Option<&'static str> {
    conn.spec().role(Role::ApiKey).map(|f| f.key.as_str())
}

/// Whether the connection signs with a Microsoft Entra ID token (`auth_mode` = prompt flow's
/// `meid_token`) instead of its key.
pub(crate) fn signs_with_entra(conn: &Connection) -> bool {
    conn.spec()
        .role(Role::AuthMode)
        .and_then(|f| conn.effective(&f.key))
        .is_some_and(|(v, _)| v.eq_ignore_ascii_case(crate::catalogue::ENTRA_MODE))
}

/// Sends the request once.
pub fn run(check: &Check, key: Option<&SecretString>, timeout: Duration) -> Outcome {
    let agent = crate::net::agent(timeout);
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
            Auth::ApiKey | Auth::ApiKeyAndBearer => (name.to_string(), z(k.to_string())),
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
    let bearer = match (&token, check.auth, key) {
        (Some(t), _, _) => Some(t.expose_secret()),
        (None, Auth::ApiKeyAndBearer, Some(k)) => Some(k.expose_secret()),
        _ => None,
    }
    .map(|t| zeroize::Zeroizing::new(format!("Bearer {t}")));
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
        if check.auth == Auth::Anthropic
            && let Some((_, v)) = header("x-api-key")
        {
            req = req.header("x-api-key", v.as_str());
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
        // The type's default host (no URL stored), the service's own, this machine.
        assert_eq!(with("open_ai", "base_url", None), None);
        assert_eq!(
            with("open_ai", "base_url", Some("https://api.openai.com/v1")),
            None
        );
        let aoai = Some("https://r.openai.azure.com");
        assert_eq!(with("azure_open_ai", "api_base", aoai), None);
        let router = Some("https://openrouter.ai/api/v1");
        // A known gateway is still someone's host under a shared domain (anyone can have one):
        // asked about once, like any host aiconn does not recognize as the service's own.
        assert_eq!(
            with("open_ai", "base_url", router).as_deref(),
            Some("openrouter.ai")
        );
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
