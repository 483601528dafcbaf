//! Support for tests/clients.rs: the pinned client venvs, the loopback service and the drivers.
#![allow(dead_code)]

use crate::common::{Out, aiconn, run};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

pub const KEY: &str = "fake-key-0001";
pub const DEPLOYMENT: &str = "gpt-4o-mini";

/// The pythons of the venvs `scripts/client-venvs` made (one per requirements file).
pub struct Venvs {
    pub sdk: PathBuf,
    pub promptflow: PathBuf,
    pub agentframework: PathBuf,
}

fn clients_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

/// The venvs, or None (the test returns) on a machine without them. Under CI a missing venv is
/// a failure: a suite that skips silently there would prove nothing.
pub fn venvs() -> Option<&'static Venvs> {
    static V: OnceLock<Option<Venvs>> = OnceLock::new();
    V.get_or_init(load_venvs).as_ref().or_else(|| {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "tests/clients: the real-client venvs are missing (target/client-venvs.env); run \
             ./scripts/client-venvs (./scripts/test does) before cargo test under CI"
        );
        eprintln!("tests/clients: skipped, no client venvs (run ./scripts/client-venvs)");
        None
    })
}

fn load_venvs() -> Option<Venvs> {
    let file = std::env::var_os("AICONN_CLIENT_VENVS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/client-venvs.env")
        });
    let text = std::fs::read_to_string(file).ok()?;
    let get = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .map(PathBuf::from)
            .filter(|p| p.exists())
    };
    Some(Venvs {
        sdk: get("sdk")?,
        promptflow: get("promptflow")?,
        agentframework: get("agentframework")?,
    })
}

/// A private temp dir (0700: aiconn warns about a config dir other users can read).
pub fn tmp() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    d
}

/// The credential kinds `aiconn test` sent (every request it made, probes included).
pub fn test_auth_kinds(dir: &Path, svc: &Service, name: &str) -> (bool, Vec<Vec<String>>) {
    svc.clear();
    let (ok, _) = aiconn_test(dir, name);
    let kinds = svc.requests().iter().map(credentials_of).collect();
    (ok, kinds)
}

/// The credential headers one recorded request carried.
pub fn credentials_of(r: &serde_json::Value) -> Vec<String> {
    r["credentials"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The first 12 hex digits of SHA-256, as the loopback server records a credential.
pub fn fp(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One loopback service (tests/clients/loopback.py) answering only on its real routes.
pub struct Service {
    child: Child,
    pub port: u16,
    record: PathBuf,
}

#[derive(Clone, Copy)]
pub enum Kind {
    /// An Azure OpenAI / Foundry resource host: /openai/..., /models/..., /anthropic/...
    Azure,
    /// api.openai.com or an OpenAI-compatible server: /v1/...
    OpenAi,
    /// A serverless (MaaS) endpoint: /v1/chat/completions, /chat/completions, /info
    Serverless,
}

impl Service {
    pub fn start(dir: &Path, kind: Kind) -> Service {
        Service::start_with(dir, kind, &[])
    }

    /// The service with loopback.py's `extra` arguments (the proxy's hosts and certificate).
    pub fn start_with(dir: &Path, kind: Kind, extra: &[&str]) -> Service {
        let record = dir.join("requests.jsonl");
        let kind = match kind {
            Kind::Azure => "azure",
            Kind::OpenAi => "openai",
            Kind::Serverless => "serverless",
        };
        let mut child = Command::new("python3")
            .arg(clients_dir().join("loopback.py"))
            .args(["--record", record.to_str().unwrap(), "--service", kind])
            .args([
                "--key",
                KEY,
                "--deployment",
                DEPLOYMENT,
                "--lifetime",
                "600",
            ])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 is needed for tests/clients/loopback.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("loopback.py printed no port");
        Service {
            child,
            port,
            record,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every request recorded so far.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Forget what was recorded (between the client's call and aiconn's own test).
    pub fn clear(&self) {
        let _ = std::fs::remove_file(&self.record);
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a driver printed: its verdict and the error when it failed.
pub struct Verdict {
    pub ok: bool,
    pub json: Value,
    pub out: Out,
}

/// The variables a developer's shell may hold that the clients read: the harness starts every
/// aiconn from a parent without them, so a case sees only what aiconn gives (finding 5's cases
/// set them on purpose).
pub const CLIENT_VARS: &[&str] = &[
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_API_BASE",
    "OPENAI_ORG_ID",
    "OPENAI_ORGANIZATION",
    "OPENAI_PROJECT_ID",
    "OPENAI_API_VERSION",
    "OPENAI_API_TYPE",
    "OPENAI_MODEL",
    "OPENAI_CHAT_MODEL",
    "OPENAI_CHAT_COMPLETION_MODEL",
    "OPENAI_CUSTOM_HEADERS",
    "AZURE_OPENAI_ENDPOINT",
    "AZURE_OPENAI_BASE_URL",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "AZURE_OPENAI_API_VERSION",
    "AZURE_OPENAI_MODEL",
    "AZURE_OPENAI_CHAT_MODEL",
    "AZURE_OPENAI_CHAT_COMPLETION_MODEL",
    "AZURE_AI_ENDPOINT",
    "AZURE_AI_API_KEY",
    "ANTHROPIC_FOUNDRY_API_KEY",
    "ANTHROPIC_FOUNDRY_BASE_URL",
    "ANTHROPIC_FOUNDRY_RESOURCE",
];

/// `aiconn` on `dir` with a parent environment free of client variables, plus prompt flow's
/// home, keyring and telemetry kept inside `dir`.
pub fn aiconn_clean(dir: &Path) -> Command {
    let mut c = aiconn(dir);
    // the clients' cases run python beside the keychain on a busy machine: aiconn's 3 s
    // keychain timeout is for a locked keychain, not for a loaded CI runner
    c.env("AICONN_KEYCHAIN_TIMEOUT_MS", "30000");
    for v in CLIENT_VARS {
        c.env_remove(v);
    }
    let pf_home = dir.join("pf-home");
    std::fs::create_dir_all(&pf_home).unwrap();
    // pf's defaults reach out to Application Insights on every command and start a local
    // trace service for `flow test`: offline, each costs minutes of DNS retries and timeouts
    std::fs::write(
        pf_home.join("pf.yaml"),
        "telemetry:\n  enabled: false\ntrace:\n  destination: none\n",
    )
    .unwrap();
    c.env("PF_HOME_DIRECTORY", &pf_home)
        .env("PF_DISABLE_TRACING", "true")
        .env(
            "PYTHON_KEYRING_BACKEND",
            "keyrings.alt.file.PlaintextKeyring",
        )
        .env("APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED", "true")
        .env("APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL", "true")
        .env("DRIVE_TRACEBACK", "");
    c
}

/// `aiconn run NAME -- PYTHON tests/clients/DRIVER ARGS...`, the driver's JSON parsed (`name`
/// may carry run's own flags after the name: `"my-conn --prefix"`).
pub fn run_client(
    dir: &Path,
    parent: &[(&str, &str)],
    name: &str,
    python: &Path,
    driver: &str,
    args: &[&str],
) -> Verdict {
    let mut c = aiconn_clean(dir);
    for (k, v) in parent {
        c.env(k, v);
    }
    c.arg("run")
        .args(name.split(' '))
        .arg("--")
        .arg(python)
        .arg(clients_dir().join(driver))
        .args(args);
    verdict(run(c))
}

/// A driver run directly (no aiconn in between): for files aiconn wrote.
pub fn run_driver(
    dir: &Path,
    env: &[(&str, &str)],
    python: &Path,
    driver: &str,
    args: &[&str],
) -> Verdict {
    let mut c = aiconn_clean(dir);
    c.env_remove("AICONN_CONFIG_DIR");
    let mut py = Command::new(python);
    // the same clean parent as aiconn_clean, without the binary
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => py.env(k, v),
            None => py.env_remove(k),
        };
    }
    for (k, v) in env {
        py.env(k, v);
    }
    py.arg(clients_dir().join(driver))
        .args(args)
        .stdin(Stdio::null());
    verdict(run(py))
}

fn verdict(out: Out) -> Verdict {
    assert!(
        !out.stdout.contains(KEY) && !out.stderr.contains(KEY),
        "the key reached the output:\n{}\n{}",
        out.stdout,
        out.stderr
    );
    let json = out
        .stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<Value>(l).ok())
        .unwrap_or_else(|| {
            panic!(
                "no JSON from the driver (exit {}):\n{}\n{}",
                out.code, out.stdout, out.stderr
            )
        });
    Verdict {
        ok: json["ok"] == Value::Bool(true),
        json,
        out,
    }
}

/// `aiconn test NAME --json`'s verdict (true: aiconn says the connection works).
pub fn aiconn_test(dir: &Path, name: &str) -> (bool, String) {
    aiconn_test_env(dir, name, &[])
}

/// `aiconn test NAME` with `env` added (the TLS tests' proxy and test CA).
pub fn aiconn_test_env(dir: &Path, name: &str, env: &[(&str, &str)]) -> (bool, String) {
    let mut c = aiconn_clean(dir);
    c.envs(env.iter().copied());
    c.args(["test", name]);
    let o = run(c);
    assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
    (o.code == 0, format!("{}{}", o.stdout, o.stderr))
}

/// What the service saw of the one chat call the client made: route, credential kind,
/// api-version and the credential's fingerprint.
pub struct Seen {
    pub route: Option<String>,
    pub path: String,
    pub status: u64,
    pub auth: String,
    pub key_fp: Option<String>,
    /// Every credential header the request carried (`api-key`, `x-api-key`, `bearer`).
    pub credentials: Vec<String>,
    pub api_version: Option<String>,
    pub organization: Option<String>,
}

pub fn last_request(svc: &Service) -> Seen {
    let all = svc.requests();
    let r = all.last().expect("the client made no request");
    let s = |k: &str| r[k].as_str().map(str::to_string);
    Seen {
        route: s("route"),
        path: r["path"].as_str().unwrap_or("").to_string(),
        status: r["status"].as_u64().unwrap_or(0),
        auth: r["auth"].as_str().unwrap_or("").to_string(),
        key_fp: s("key_fp"),
        credentials: credentials_of(r),
        api_version: r["query"]["api-version"].as_str().map(str::to_string),
        organization: s("organization"),
    }
}

/// The assertion every client case makes: the call worked, on `route`, with `auth` carrying
/// the connection's key, and (where the route takes one) the api-version the connection holds.
pub fn assert_call(v: &Verdict, svc: &Service, route: &str, auth: &str, api_version: Option<&str>) {
    assert!(
        v.ok,
        "the client failed: {}\nrequests: {:?}",
        v.json,
        svc.requests()
    );
    let seen = last_request(svc);
    assert_eq!(
        seen.route.as_deref(),
        Some(route),
        "route (path {})",
        seen.path
    );
    assert_eq!(seen.status, 200);
    assert_eq!(seen.auth, auth, "credential header");
    assert_eq!(seen.key_fp, Some(fp(KEY)), "the connection's key");
    assert_eq!(seen.api_version.as_deref(), api_version, "api-version");
}
