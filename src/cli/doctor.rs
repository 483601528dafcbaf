//! `aiconn doctor`: which secret backend is in use, whether it really works (a probe that
//! writes, reads back and deletes a test secret), why not, and what to do.

use super::{CliError, Context};
use crate::sanitize::for_terminal;
use serde_json::json;

/// Unreferenced values: how many, and the error if they could not be looked for.
fn orphans(ctx: &Context, fix: bool) -> Result<(usize, usize, usize), String> {
    let svc = ctx.service().map_err(|e| e.message)?;
    let found = if fix {
        svc.remove_orphans()
    } else {
        svc.orphans()
    };
    found
        .map(|o| (o.keys.len(), o.elsewhere, o.unproven))
        .map_err(|e| e.to_string())
}

/// One secret reference resolved: connection, field, the reference, and the failure if any.
struct RefCheck {
    connection: String,
    field: String,
    reference: String,
    error: Option<String>,
}

/// Resolves every `env:`/`cmd:` reference (values are read and dropped, never shown).
fn check_references(ctx: &Context) -> Vec<RefCheck> {
    let Ok(snap) = ctx.store.snapshot() else {
        return vec![];
    };
    let Ok(svc) = ctx.service() else {
        return vec![];
    };
    let mut checks = Vec::new();
    for conn in snap.connections() {
        for (field, record) in &conn.secrets {
            let Some(r) = record.reference() else {
                continue;
            };
            let error = match svc.secret(conn, field) {
                Ok(_) => None,
                Err(e) => Some(e.to_string()),
            };
            checks.push(RefCheck {
                connection: conn.name.clone(),
                field: field.clone(),
                reference: r.to_file_text(),
                error,
            });
        }
    }
    checks
}

/// What `doctor` found, before it is worded.
struct Findings {
    file_ok: bool,
    file_state: String,
    choice: super::context::BackendChoice,
    probe: Result<(), crate::secrets::SecretError>,
    bus: Option<String>,
    orphans: Option<Result<(usize, usize, usize), String>>,
    refs: Vec<RefCheck>,
    lifecycle: Vec<crate::azure::lifecycle::ConnNotice>,
}

pub fn doctor(ctx: &Context, as_json: bool, fix: bool) -> Result<(), CliError> {
    let f = findings(ctx, fix);
    if as_json {
        print_json(ctx, &f, fix);
    } else {
        print_text(ctx, &f, fix);
    }
    verdict(&f, fix)
}

fn findings(ctx: &Context, fix: bool) -> Findings {
    let path = ctx.store.path();
    let (file_ok, file_state) = match (path.exists(), ctx.store.snapshot()) {
        (false, _) => (
            true,
            "not created yet (the first save creates it)".to_string(),
        ),
        (true, Ok(d)) => {
            let n = d.connections().len();
            (
                true,
                format!("{n} connection{}", if n == 1 { "" } else { "s" }),
            )
        }
        (true, Err(e)) => (false, e.to_string()),
    };
    let choice = ctx.backend_choice();
    let store = ctx.secrets();
    let probe = store.probe();
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok();
    let orphans = if probe.is_ok() && file_ok {
        Some(orphans(ctx, fix))
    } else {
        None
    };
    let refs = if file_ok {
        check_references(ctx)
    } else {
        vec![]
    };
    let today = crate::azure::lifecycle::today();
    let lifecycle: Vec<crate::azure::lifecycle::ConnNotice> = ctx
        .store
        .snapshot()
        .map(|d| {
            d.connections()
                .iter()
                .flat_map(|c| crate::azure::lifecycle::connection_notices(c, today))
                // A date months away is no finding; inside 60 days or past, it is.
                .filter(|n| n.urgency != crate::azure::lifecycle::Urgency::Later)
                .collect()
        })
        .unwrap_or_default();
    Findings {
        file_ok,
        file_state,
        choice,
        probe,
        bus,
        orphans,
        refs,
        lifecycle,
    }
}

fn print_json(ctx: &Context, f: &Findings, fix: bool) {
    let (probe, orphans, refs) = (&f.probe, &f.orphans, &f.refs);
    let v = json!({
        "config_dir": ctx.store.dir().display().to_string(),
        "file": ctx.store.path().display().to_string(),
        "file_ok": f.file_ok,
        "file_state": f.file_state,
        "secret_backend": f.choice.backend().as_str(),
        "secret_backend_source": f.choice.source(),
        "probe_ok": probe.is_ok(),
        "cause": probe.as_ref().err().map(|e| e.summary()),
        "fix": probe.as_ref().err().map(|e| e.fix()),
        "detail": probe.as_ref().err().map(|e| e.detail.clone()),
        "session_bus": f.bus,
        "unreferenced_values": orphans.as_ref().and_then(|o| o.as_ref().ok()).map(|o| o.0),
        "unreferenced_elsewhere": orphans.as_ref().and_then(|o| o.as_ref().ok()).map(|o| o.1),
        "unreferenced_unproven": orphans.as_ref().and_then(|o| o.as_ref().ok()).map(|o| o.2),
        "removed": fix && orphans.as_ref().is_some_and(|o| o.is_ok()),
        "references": refs.iter().map(|r| json!({
            "connection": r.connection,
            "field": r.field,
            "source": r.reference,
            "ok": r.error.is_none(),
            "error": r.error,
        })).collect::<Vec<_>>(),
        "lifecycle": f.lifecycle,
    });
    out_json!(&v);
}

fn print_text(ctx: &Context, f: &Findings, fix: bool) {
    let choice = &f.choice;
    out!("config dir      {}", ctx.store.dir().display());
    out!(
        "connections     {}: {}",
        ctx.store.path().display(),
        f.file_state
    );
    out!("secret backend  {} ({})", choice.backend(), choice.source());
    if cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd"
    )) && choice.backend() == crate::model::Backend::Keychain
    {
        out!(
            "session bus     {}",
            f.bus
                .as_deref()
                .unwrap_or("not set (DBUS_SESSION_BUS_ADDRESS)")
        );
    }
    match &f.probe {
        Ok(()) => print_orphans(&f.orphans, fix),
        Err(e) => {
            out!("probe           FAILED: {}", e.summary());
            out!("fix             {}", e.fix());
            if !e.detail.is_empty() {
                out!("detail          {}", e.detail);
            }
            if choice.backend() == crate::model::Backend::Keychain {
                out!(
                    "alternative     aiconn secrets migrate --to vault   (an encrypted file, no keychain needed)"
                );
            }
        }
    }
    for r in &f.refs {
        out!(
            "reference       {} {}: {}: {}",
            for_terminal(&r.connection),
            for_terminal(&r.field),
            for_terminal(&r.reference),
            r.error
                .as_deref()
                .map_or("ok (resolved, value not shown)".into(), for_terminal)
        );
    }
    for n in &f.lifecycle {
        out!(
            "lifecycle       {} {}: {} (source: {})",
            for_terminal(&n.connection),
            n.field,
            n.text,
            n.source
        );
    }
}

/// The probe passed: what it found of values nothing points at.
fn print_orphans(orphans: &Option<Result<(usize, usize, usize), String>>, fix: bool) {
    out!("probe           ok: a test secret was written, read back and deleted");
    if let Some(Ok((_, _, unproven @ 1..))) = orphans {
        out!(
            "not this dir's  {unproven} value(s) under this dir's namespace that nothing points at and that an earlier copy of connections.toml may have written: left alone"
        );
    }
    match orphans {
        Some(Ok((0, 0, _))) => out!("unreferenced    none"),
        Some(Ok((n, other, _))) if fix => out!(
            "unreferenced    removed {n} value(s) nothing pointed at{}",
            if *other > 0 {
                format!("; {other} more are in another backend")
            } else {
                String::new()
            }
        ),
        Some(Ok((n, other, _))) => out!(
            "unreferenced    {} value(s) nothing points at (left by an interrupted save); `aiconn doctor --fix` removes them",
            n + other
        ),
        Some(Err(e)) => out!("unreferenced    could not check: {e}"),
        None => {}
    }
}

/// The exit status: a broken file, an unusable backend, an unresolved reference or a failed
/// `--fix` is an error.
fn verdict(f: &Findings, fix: bool) -> Result<(), CliError> {
    let refs_failed = f.refs.iter().filter(|r| r.error.is_some()).count();
    if refs_failed > 0 && f.file_ok && f.probe.is_ok() {
        return Err(CliError::new(format!(
            "{refs_failed} secret reference(s) could not be resolved (see above)"
        )));
    }
    match (f.file_ok, &f.probe) {
        (true, Ok(())) if fix && matches!(f.orphans, Some(Err(_))) => Err(CliError::new(
            "unreferenced values could not be removed (see above)",
        )),
        (true, Ok(())) => Ok(()),
        (false, _) => Err(CliError::new(
            "the connections file has a problem (see above)",
        )),
        (_, Err(_)) => Err(CliError::new(
            "the secret backend is not usable here (see above)",
        )),
    }
}
