//! `aiconn export NAME... --to promptflow`: puts connections into prompt flow's own store with
//! its Python API, so `pf flow test` finds them without a key pasted by hand. The secret goes to
//! the Python process on stdin, never in argv, a file or the output.

use super::{CliError, Context};
use crate::model::Connection;
use crate::promptflow::pf_values;
use crate::sanitize::for_terminal;
use crate::service::OpError;
use secrecy::ExposeSecret;
use std::io::Write;
use std::process::{Command, Stdio};

const PF_STORE_PY: &str = include_str!("../../assets/pf_store.py");

/// The interpreter prompt flow is installed for: `AICONN_PYTHON`, else `python3` on PATH (an
/// activated virtualenv's).
fn python() -> String {
    std::env::var("AICONN_PYTHON").unwrap_or_else(|_| "python3".into())
}

pub fn export_to_promptflow(ctx: &Context, names: &[String]) -> Result<(), CliError> {
    let doc = ctx.store.snapshot()?;
    if names.is_empty() {
        return Err(CliError::usage(
            "--to promptflow needs the connections to put into prompt flow's store",
        ));
    }
    for n in names {
        let c = doc
            .get(n)
            .cloned()
            .ok_or_else(|| OpError::NotFound(n.clone()))?;
        let spec = connection_json(ctx, &c)?;
        store_one(&c.name, &spec)?;
        say!(
            "Stored '{}' in prompt flow's connections",
            for_terminal(&c.name)
        );
    }
    Ok(())
}

/// The connection as the Python side builds it: prompt flow's class, values and secrets.
fn connection_json(ctx: &Context, c: &Connection) -> Result<serde_json::Value, CliError> {
    let (type_id, values, note) = pf_values(c).map_err(|why| {
        CliError::new(format!("cannot export '{}' for prompt flow: {why}", c.name))
    })?;
    if let Some(note) = note {
        say!("aiconn: '{}': {note}", c.name);
    }
    let pf_spec = crate::catalogue::Catalogue::get()
        .find(&type_id)
        .ok_or_else(|| CliError::new(format!("no prompt flow type {type_id}")))?;
    let class = if pf_spec.is_custom() && c.is_strong_type() {
        "CustomStrongTypeConnection"
    } else {
        pf_spec.pf_class.as_str()
    };
    let svc = ctx.service()?;
    let mut secrets = serde_json::Map::new();
    let keys: Vec<String> = if pf_spec.is_custom() {
        c.secrets.keys().cloned().collect()
    } else {
        pf_spec
            .secret_fields()
            .filter(|f| c.secrets.contains_key(&f.key) && !c.is_dropped(&f.key))
            .map(|f| f.key.clone())
            .collect()
    };
    for k in keys {
        let v = svc.secret_required(c, &k)?;
        secrets.insert(k, serde_json::Value::String(v.expose_secret().to_string()));
    }
    let values: serde_json::Map<String, serde_json::Value> = values
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    let configs: serde_json::Map<String, serde_json::Value> = c
        .configs
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    Ok(serde_json::json!({
        "name": c.name, "class": class, "values": values, "secrets": secrets, "configs": configs,
    }))
}

fn store_one(name: &str, spec: &serde_json::Value) -> Result<(), CliError> {
    let py = python();
    let mut child = Command::new(&py)
        .args(["-c", PF_STORE_PY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            CliError::new(format!(
                "cannot run {py} for prompt flow ({e}): install Python and `pip install promptflow-devkit promptflow-tools`, or set AICONN_PYTHON"
            ))
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        // Zeroed when dropped: the text holds the secrets.
        let text = zeroize::Zeroizing::new(spec.to_string());
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| CliError::new(format!("cannot talk to {py}: {e}")))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| CliError::new(format!("{py}: {e}")))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = for_terminal(
        stderr
            .lines()
            .last()
            .unwrap_or("")
            .chars()
            .take(300)
            .collect::<String>()
            .as_str(),
    );
    match out.status.code() {
        Some(0) => Ok(()),
        Some(3) => Err(CliError::new(format!(
            "prompt flow is not installed for {py} ({last}): pip install promptflow-devkit promptflow-tools (in the virtualenv your flows run in), or set AICONN_PYTHON to its python"
        ))),
        Some(4) => Err(CliError::new(format!(
            "prompt flow could not store '{name}' ({last}): its connection store encrypts with a key kept in a keyring; on a machine without one, pip install keyrings.alt and set PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring"
        ))),
        Some(5) => Err(CliError::new(format!(
            "this prompt flow has no connection class {last} (install the package that provides it, e.g. promptflow-vectordb)"
        ))),
        _ => Err(CliError::new(format!(
            "prompt flow could not store '{name}': {last}"
        ))),
    }
}
