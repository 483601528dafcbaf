//! A small Azure Resource Manager client: GET lists (following `nextLink` on the same host
//! only, so the token never leaves Resource Manager) and POST actions (`listKeys`), with ARM's
//! error body (`error.code`, `error.message`) kept for the message.

use super::ArmError;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// How many pages of one list are followed (a runaway `nextLink` loop stops here).
const MAX_PAGES: usize = 50;

pub struct Arm {
    /// `https://management.azure.com` (no trailing slash), or the test override.
    base: String,
    token: SecretString,
    agent: ureq::Agent,
}

/// Shows where it points, never the token.
impl std::fmt::Debug for Arm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Arm")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Arm {
    /// A client for `base` with `token`. `base` must be https, or http on a loopback host
    /// (a test server): a bearer token never travels in clear text over a network.
    pub fn new(base: &str, token: SecretString, timeout: Duration) -> Result<Arm, ArmError> {
        let parsed = url::Url::parse(base.trim()).map_err(|_| {
            ArmError::Config(format!(
                "the ARM endpoint '{}' is not a URL",
                crate::sanitize::for_terminal(base)
            ))
        })?;
        let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if parsed.scheme() != "https" && !(parsed.scheme() == "http" && loopback) {
            return Err(ArmError::Config(
                "the ARM endpoint must be https (http only on 127.0.0.1)".into(),
            ));
        }
        let agent = crate::net::agent(timeout);
        Ok(Arm {
            base: base.trim().trim_end_matches('/').to_string(),
            token,
            agent,
        })
    }

    fn url(&self, path: &str, api_version: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{sep}api-version={api_version}", self.base)
    }

    fn send(&self, method: &str, url: &str) -> Result<serde_json::Value, ArmError> {
        let bearer = zeroize::Zeroizing::new(format!("Bearer {}", self.token.expose_secret()));
        let result = if method == "POST" {
            self.agent
                .post(url)
                .header("Authorization", bearer.as_str())
                .header("Content-Type", "application/json")
                .send("")
        } else {
            self.agent
                .get(url)
                .header("Authorization", bearer.as_str())
                .call()
        };
        let mut resp = result.map_err(|e| ArmError::Network(net_text(&e)))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(8 << 20)
            .read_to_string()
            .unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        if (200..300).contains(&status) {
            return Ok(v);
        }
        Err(ArmError::Status {
            status,
            code: v["error"]["code"].as_str().unwrap_or("").to_string(),
            message: crate::sanitize::for_terminal(
                &v["error"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(400)
                    .collect::<String>(),
            ),
        })
    }

    /// Every item of a list (`value[]`), following `nextLink` while it stays on this host.
    pub fn list(&self, path: &str, api_version: &str) -> Result<Vec<serde_json::Value>, ArmError> {
        let mut url = self.url(path, api_version);
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let mut page = self.send("GET", &url)?;
            if let Some(v) = page["value"].as_array_mut() {
                items.append(v);
            }
            match page["nextLink"].as_str() {
                Some(next) if next.starts_with(&format!("{}/", self.base)) => url = next.into(),
                _ => break,
            }
        }
        Ok(items)
    }

    /// POSTs an action (`.../listKeys`) and returns its answer.
    pub fn action(&self, path: &str, api_version: &str) -> Result<serde_json::Value, ArmError> {
        self.send("POST", &self.url(path, api_version))
    }
}

fn net_text(e: &ureq::Error) -> String {
    match e {
        ureq::Error::HostNotFound => "the Resource Manager host does not resolve".into(),
        ureq::Error::Timeout(_) => "Resource Manager did not answer in time".into(),
        ureq::Error::ConnectionFailed => "cannot connect to Resource Manager".into(),
        other => crate::sanitize::for_terminal(&other.to_string()),
    }
}
