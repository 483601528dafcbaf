//! The Azure CLI as the source of the signed-in identity: an ARM token from
//! `az account get-access-token --resource <ARM>` and the cloud from `az cloud show` (so
//! sovereign clouds work). `az login --use-device-code` works over SSH. No shell, a time
//! limit, the token held as a secret and never printed.

use super::ArmError;
use secrecy::SecretString;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The public cloud's Resource Manager.
pub const PUBLIC_ARM: &str = "https://management.azure.com/";

/// The cloud `az` is set to: where Resource Manager is, and its name (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloud {
    pub name: String,
    pub resource_manager: String,
}

impl Cloud {
    pub fn public() -> Cloud {
        Cloud {
            name: "AzureCloud".into(),
            resource_manager: PUBLIC_ARM.into(),
        }
    }
}

/// Whether an `az` executable is on PATH (a face offers "Sign in with Azure" only then).
pub fn on_path() -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|d| {
        ["az", "az.cmd", "az.exe"].iter().any(|n| {
            let p = d.join(n);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                p.metadata()
                    .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            }
            #[cfg(not(unix))]
            {
                p.is_file()
            }
        })
    })
}

/// Runs `az ARGS`; stdout (kept zeroized: it may hold a token) or the typed failure. The one
/// runner of the Azure CLI (discovery here, Entra ID tokens for `aiconn test` in conntest).
pub(crate) fn run_az(
    args: &[&str],
    timeout: Duration,
) -> Result<zeroize::Zeroizing<Vec<u8>>, ArmError> {
    let child = Command::new("az")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ArmError::NoAz),
        Err(e) => return Err(ArmError::Az(format!("cannot run az: {e}"))),
    };
    let start = Instant::now();
    // Read while waiting: a large answer must not block the child on a full pipe.
    let mut out_pipe = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = zeroize::Zeroizing::new(Vec::new());
        if let Some(o) = out_pipe.as_mut() {
            let _ = o.take(4 << 20).read_to_end(&mut out);
        }
        out
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() < timeout => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ArmError::Az(format!(
                    "az did not answer within {} s",
                    timeout.as_secs()
                )));
            }
        }
    };
    let out = reader.join().unwrap_or_default();
    let mut err = Vec::new();
    if let Some(e) = child.stderr.take() {
        let _ = e.take(8192).read_to_end(&mut err);
    }
    if status.success() {
        return Ok(out);
    }
    let text = String::from_utf8_lossy(&err);
    let lower = text.to_lowercase();
    if lower.contains("az login") || lower.contains("not logged in") {
        return Err(ArmError::NotSignedIn);
    }
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    Err(ArmError::Az(crate::sanitize::for_terminal(
        &first.chars().take(200).collect::<String>(),
    )))
}

/// The cloud `az` is set to; the public cloud when `az cloud show` cannot say.
pub fn cloud(timeout: Duration) -> Result<Cloud, ArmError> {
    let out = match run_az(&["cloud", "show", "--output", "json"], timeout) {
        Ok(o) => o,
        Err(ArmError::NoAz) => return Err(ArmError::NoAz),
        Err(_) => return Ok(Cloud::public()),
    };
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap_or_default();
    let rm = v["endpoints"]["resourceManager"]
        .as_str()
        .filter(|s| s.starts_with("https://"))
        .unwrap_or(PUBLIC_ARM);
    Ok(Cloud {
        name: v["name"].as_str().unwrap_or("AzureCloud").to_string(),
        resource_manager: rm.to_string(),
    })
}

/// A token for `resource` (an ARM endpoint or a data-plane audience).
pub fn token(resource: &str, timeout: Duration) -> Result<SecretString, ArmError> {
    let out = run_az(
        &[
            "account",
            "get-access-token",
            "--resource",
            resource,
            "--output",
            "json",
        ],
        timeout,
    )?;
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(rename = "accessToken")]
        access_token: String,
    }
    match serde_json::from_slice::<Answer>(&out) {
        Ok(a) if !a.access_token.is_empty() => Ok(SecretString::from(a.access_token)),
        _ => Err(ArmError::Az("az answered without an accessToken".into())),
    }
}
