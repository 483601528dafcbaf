//! `aiconn doctor`: which secret backend is in use, whether it really works (a probe that
//! writes, reads back and deletes a test secret), why not, and what to do.

use super::{CliError, Context};
use serde_json::json;

pub fn doctor(ctx: &Context, as_json: bool) -> Result<(), CliError> {
    let path = ctx.store.path();
    let (file_ok, file_state) = match (path.exists(), ctx.store.snapshot()) {
        (false, _) => (
            true,
            "not created yet (the first save creates it)".to_string(),
        ),
        (true, Ok(d)) => (true, format!("{} connections", d.connections().len())),
        (true, Err(e)) => (false, e.to_string()),
    };
    let choice = ctx.backend_choice();
    let store = ctx.secrets();
    let probe = store.probe();
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok();
    if as_json {
        let v = json!({
            "config_dir": ctx.store.dir().display().to_string(),
            "file": path.display().to_string(),
            "file_ok": file_ok,
            "file_state": file_state,
            "secret_backend": choice.name(),
            "secret_backend_source": choice.source(),
            "probe_ok": probe.is_ok(),
            "cause": probe.as_ref().err().map(|e| e.summary()),
            "fix": probe.as_ref().err().map(|e| e.fix()),
            "detail": probe.as_ref().err().map(|e| e.detail.clone()),
            "session_bus": bus,
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
    } else {
        println!("config dir      {}", ctx.store.dir().display());
        println!("connections     {}: {}", path.display(), file_state);
        println!("secret backend  {} ({})", choice.name(), choice.source());
        if cfg!(any(
            target_os = "linux",
            target_os = "freebsd",
            target_os = "openbsd"
        )) && choice.name() == "keychain"
        {
            println!(
                "session bus     {}",
                bus.as_deref()
                    .unwrap_or("not set (DBUS_SESSION_BUS_ADDRESS)")
            );
        }
        match &probe {
            Ok(()) => {
                println!("probe           ok: a test secret was written, read back and deleted")
            }
            Err(e) => {
                println!("probe           FAILED: {}", e.summary());
                println!("fix             {}", e.fix());
                if !e.detail.is_empty() {
                    println!("detail          {}", e.detail);
                }
                if choice.name() == "keychain" {
                    println!(
                        "alternative     aiconn secrets migrate --to vault   (an encrypted file, no keychain needed)"
                    );
                }
            }
        }
    }
    match (file_ok, probe) {
        (true, Ok(())) => Ok(()),
        (false, _) => Err(CliError::new(
            "the connections file has a problem (see above)",
        )),
        (_, Err(_)) => Err(CliError::new(
            "the secret backend is not usable here (see above)",
        )),
    }
}
