//! A Microsoft Entra ID token for `aiconn test` on `auth_mode = meid_token` connections, the
//! way Azure tools get one on a remote machine: the Azure CLI (`az login --use-device-code`
//! works over SSH). No shell, a time limit, the token held as a secret and never printed.

use secrecy::SecretString;
use std::time::Duration;

/// Where a token is for (the `--resource` of `az account get-access-token`): the audiences
/// per endpoint kind are data in `endpoint::audience`.
pub use crate::endpoint::{COGNITIVE_SERVICES, SEARCH};

/// Why no token could be had, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoToken(pub String);

/// Runs `az account get-access-token --resource RESOURCE` and reads `accessToken`, through
/// the one Azure CLI runner (it reads the answer while waiting, within the time limit).
pub fn token(resource: &str, timeout: Duration) -> Result<SecretString, NoToken> {
    use crate::azure::ArmError;
    let args = [
        "account",
        "get-access-token",
        "--resource",
        resource,
        "--output",
        "json",
    ];
    let out = crate::azure::az::run_az(&args, timeout).map_err(|e| {
        NoToken(match e {
            ArmError::NoAz => "the Azure CLI (az) is not installed: install it, then sign in with `az login --use-device-code` (works over SSH)".into(),
            ArmError::NotSignedIn => "not signed in to Azure: run `az login --use-device-code` (add --tenant <id> for the resource's tenant)".into(),
            ArmError::Az(m) if m.starts_with("az ") || m.starts_with("cannot run az") => m,
            ArmError::Az(m) => format!("az could not get a token: {m}"),
            other => other.to_string(),
        })
    })?;
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
