//! Azure Resource Manager as a source of connections: what the signed-in user can see
//! (subscriptions, Cognitive Services accounts, their Foundry projects and deployments with
//! each model's lifecycle), and the key or keyless settings to connect to one. The identity is
//! the Azure CLI's; nothing here prints (the faces word progress and errors).
//!
//! REST shapes: Resource Manager's `Microsoft.CognitiveServices` provider, api-version
//! [`cognitive_api`] (accounts, deployments, listKeys, projects, account models) and
//! subscriptions at [`subscriptions_api`], both from assets/api_versions.toml; see docs/azure.md.

pub mod add;
pub mod arm;
pub mod az;
pub mod discover;
pub mod lifecycle;
pub mod notices;

use std::time::Duration;

use crate::endpoint::api_version::{Family, recommended};

/// The `Microsoft.CognitiveServices` provider's api-version.
pub fn cognitive_api() -> &'static str {
    recommended(Family::ArmCognitiveServices).unwrap_or_default()
}

/// The subscriptions list's api-version.
pub fn subscriptions_api() -> &'static str {
    recommended(Family::ArmSubscriptions).unwrap_or_default()
}
/// The environment variable that points aiconn at another Resource Manager (tests).
pub const ARM_ENDPOINT_ENV: &str = "AICONN_ARM_ENDPOINT";
/// The action `listKeys` needs, and the built-in roles that grant it.
pub const LIST_KEYS_ACTION: &str = "Microsoft.CognitiveServices/accounts/listKeys/action";
pub const LIST_KEYS_ROLES: &str = "Cognitive Services Contributor (or Contributor / Owner)";

/// Why Resource Manager gave no answer, typed so each face can say what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArmError {
    /// `az` is not on PATH.
    NoAz,
    /// `az` has no signed-in account.
    NotSignedIn,
    /// `az` failed another way (its first line).
    Az(String),
    /// A bad override or setting.
    Config(String),
    /// No answer (DNS, refused, timeout).
    Network(String),
    /// Resource Manager answered with an error body.
    Status {
        status: u16,
        code: String,
        message: String,
    },
}

impl ArmError {
    /// The caller lacks the permission for the action (ARM's 403 `AuthorizationFailed`).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, ArmError::Status { status: 403, .. })
            || matches!(self, ArmError::Status { code, .. } if code == "AuthorizationFailed")
    }

    /// The resource is gone (deleted, or never was).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ArmError::Status { status: 404, .. })
            || matches!(self, ArmError::Status { code, .. } if code.contains("NotFound"))
    }
}

impl std::fmt::Display for ArmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArmError::NoAz => f.write_str(
                "the Azure CLI (az) is not installed: install it, then sign in with `az login --use-device-code` (works over SSH)",
            ),
            ArmError::NotSignedIn => f.write_str(
                "not signed in to Azure: run `az login --use-device-code` (add --tenant <id> for another tenant)",
            ),
            ArmError::Az(m) => write!(f, "az could not get a token: {m}"),
            ArmError::Config(m) => f.write_str(m),
            ArmError::Network(m) => write!(f, "Resource Manager: {m}"),
            ArmError::Status {
                status,
                code,
                message,
            } => {
                write!(f, "Resource Manager answered {status}")?;
                if !code.is_empty() {
                    write!(f, " {code}")?;
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
        }
    }
}

/// Opens Resource Manager as the Azure CLI's signed-in user: the cloud from `az cloud show`,
/// `AICONN_ARM_ENDPOINT` overriding where requests go (the token is still the cloud's).
pub fn connect(timeout: Duration) -> Result<arm::Arm, ArmError> {
    let cloud = az::cloud(timeout)?;
    let token = az::token(&cloud.resource_manager, timeout)?;
    let base = crate::settings::get()
        .arm_endpoint
        .clone()
        .unwrap_or(cloud.resource_manager);
    arm::Arm::new(&base, token, timeout)
}

/// The parts of an ARM resource id (`/subscriptions/S/resourceGroups/G/providers/.../N`).
pub fn id_part<'a>(id: &'a str, key: &str) -> Option<&'a str> {
    let segs: Vec<&str> = id.split('/').collect();
    segs.iter()
        .position(|s| s.eq_ignore_ascii_case(key))
        .and_then(|i| segs.get(i + 1).copied())
        .filter(|s| !s.is_empty())
}
