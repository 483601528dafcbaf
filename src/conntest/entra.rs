//! A Microsoft Entra ID token for `aiconn test` on `auth_mode = meid_token` connections, the
//! way Azure tools get one on a remote machine: the Azure CLI (`az login --use-device-code`
//! works over SSH). No shell, a time limit, the token held as a secret and never printed.

use secrecy::SecretString;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where a token is for (the `--resource` of `az account get-access-token`).
pub const COGNITIVE_SERVICES: &str = "https://cognitiveservices.azure.com";
pub const SEARCH: &str = "https://search.azure.com";

/// Why no token could be had, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoToken(pub String);

/// Runs `az account get-access-token --resource RESOURCE` and reads `accessToken`.
pub fn token(resource: &str, timeout: Duration) -> Result<SecretString, NoToken> {
    let child = Command::new("az")
        .args([
            "account",
            "get-access-token",
            "--resource",
            resource,
            "--output",
            "json",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(NoToken(
                "the Azure CLI (az) is not installed: install it, then sign in with `az login --use-device-code` (works over SSH)".into(),
            ));
        }
        Err(e) => return Err(NoToken(format!("cannot run az: {e}"))),
    };
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() < timeout => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(NoToken(format!(
                    "az did not answer within {} s",
                    timeout.as_secs()
                )));
            }
        }
    };
    let mut out = zeroize::Zeroizing::new(Vec::new());
    let mut err = Vec::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_end(&mut out);
    }
    if let Some(e) = child.stderr.take() {
        let _ = e.take(8192).read_to_end(&mut err);
    }
    if !status.success() {
        let text = String::from_utf8_lossy(&err);
        let lower = text.to_lowercase();
        return Err(NoToken(
            if lower.contains("az login") || lower.contains("not logged in") {
                "not signed in to Azure: run `az login --use-device-code` (add --tenant <id> for the resource's tenant)".into()
            } else {
                let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                format!(
                    "az could not get a token: {}",
                    crate::sanitize::for_terminal(&first.chars().take(200).collect::<String>())
                )
            },
        ));
    }
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(rename = "accessToken")]
        access_token: String,
    }
    match serde_json::from_slice::<Answer>(&out) {
        Ok(a) if !a.access_token.is_empty() => Ok(SecretString::from(a.access_token)),
        _ => Err(NoToken("az answered without an accessToken".into())),
    }
}
