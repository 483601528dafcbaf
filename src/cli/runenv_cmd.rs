//! `aiconn run`, `aiconn env` and `aiconn test`.

use super::{CliError, Context};
use crate::conntest::{self, NotTested, UnknownHosts};
use crate::runenv::{EnvVar, cleared, merge, render, variables};
use crate::service::OpError;
use secrecy::ExposeSecret;
use std::io::IsTerminal;
use std::time::Duration;

/// The variables the chosen connections set, and the names of their client families they do
/// not set (removed from the child, so nothing of the parent's reaches it under those names).
fn collect(
    ctx: &Context,
    names: &[String],
    prefix: bool,
) -> Result<(Vec<EnvVar>, Vec<String>), CliError> {
    let doc = ctx.store.snapshot()?;
    let mut sets = Vec::new();
    let mut conns = Vec::new();
    for n in names {
        let c = doc
            .get(n)
            .cloned()
            .ok_or_else(|| OpError::NotFound(n.clone()))?;
        let svc = ctx.service()?;
        let vars = variables(&c, prefix, &mut |field| svc.secret(&c, field))?;
        refuse_unapproved(ctx, &c, &vars, prefix)?;
        sets.push(vars);
        conns.push(c);
    }
    let vars = merge(sets).map_err(CliError::new)?;
    let refs: Vec<&crate::model::Connection> = conns.iter().collect();
    let clear = cleared(&refs, &vars);
    Ok((vars, clear))
}

/// Names that came from the file reach a child only once this user approved them.
fn refuse_unapproved(
    ctx: &Context,
    c: &crate::model::Connection,
    vars: &[EnvVar],
    prefix: bool,
) -> Result<(), CliError> {
    let approvals = crate::secrets::refs::Approvals::in_dir(ctx.store.dir());
    let names: Vec<String> = vars.iter().map(|v| v.name.clone()).collect();
    let missing = crate::secrets::refs::unapproved_env_names(&approvals, c, &names, prefix)
        .map_err(|e| CliError::new(e.to_string()))?;
    if missing.is_empty() {
        return Ok(());
    }
    let name = crate::sanitize::for_terminal(&c.name);
    Err(CliError::new(format!(
        "connection '{name}' would set {}, which came from connections.toml and were not approved on this machine; check them, then run `aiconn allow {name}`",
        crate::sanitize::for_terminal(&missing.join(", "))
    )))
}

pub fn run(
    ctx: &Context,
    names: &[String],
    prefix: bool,
    command: &[String],
) -> Result<(), CliError> {
    let (vars, clear) = collect(ctx, names, prefix)?;
    let (prog, args) = command
        .split_first()
        .ok_or_else(|| CliError::usage("give the command after --"))?;
    let mut cmd = std::process::Command::new(prog);
    cmd.args(args);
    for n in &clear {
        cmd.env_remove(n);
    }
    for v in &vars {
        cmd.env(&v.name, v.value.expose_secret());
    }
    drop(vars);
    #[cfg(unix)]
    {
        // Become the command: its exit status and signals are ours, and the secrets live only
        // in its environment.
        use std::os::unix::process::CommandExt;
        crate::harden::restore_core_limit();
        let e = cmd.exec();
        Err(CliError {
            code: 127,
            message: format!("cannot run {prog}: {e}"),
        })
    }
    #[cfg(not(unix))]
    {
        let status = cmd.status().map_err(|e| CliError {
            code: 127,
            message: format!("cannot run {prog}: {e}"),
        })?;
        std::process::exit(status.code().unwrap_or(1));
    }
}

pub fn env(
    ctx: &Context,
    names: &[String],
    format: &str,
    prefix: bool,
    reveal: bool,
) -> Result<(), CliError> {
    let (vars, clear) = collect(ctx, names, prefix)?;
    if vars.iter().any(|v| v.secret) && std::io::stdout().is_terminal() && !reveal {
        return Err(CliError::new(
            "refusing to print secrets to the terminal: pipe it (eval \"$(aiconn env NAME)\", > .env) or pass --reveal",
        ));
    }
    print!("{}", render(&vars, &clear, format).map_err(CliError::new)?);
    Ok(())
}

/// A service key goes to a host aiconn does not recognize only once the user said so: asked on
/// a terminal, `--yes` in a script.
fn confirm_host(c: &crate::model::Connection, host: &str) -> Result<(), CliError> {
    let host = crate::sanitize::for_terminal(host);
    let name = crate::sanitize::for_terminal(&c.name);
    let what = format!(
        "{host} is not a host aiconn recognizes for {} (not the service's domain, a known gateway or this machine)",
        c.spec().id
    );
    if super::prompt::interactive() {
        if super::prompt::confirm(&format!("{what}. Send the key of '{name}' to {host}?")) {
            return Ok(());
        }
        return Err(CliError::new(format!("not sending the key to {host}")));
    }
    Err(CliError::new(format!(
        "not sending the key of '{name}' to {host}: {what}; if it is yours, pass --yes"
    )))
}

pub fn test(
    ctx: &Context,
    name: &str,
    json: bool,
    yes: bool,
    timeout: u64,
) -> Result<(), CliError> {
    let c = ctx
        .store
        .find(name)?
        .ok_or_else(|| OpError::NotFound(name.into()))?;
    let svc = ctx.service()?;
    let run = |unknown| {
        let typed = indexmap::IndexMap::new();
        conntest::test_connection(
            &svc,
            &c,
            &typed,
            Some(&c),
            Duration::from_secs(timeout),
            unknown,
        )
    };
    let first = if yes {
        UnknownHosts::Send
    } else {
        UnknownHosts::Ask
    };
    let tested = match run(first) {
        Err(NotTested::UnknownHost(host)) => {
            confirm_host(&c, &host)?;
            run(UnknownHosts::Send)
        }
        other => other,
    };
    let conntest::Tested {
        check,
        outcome,
        verdict,
    } = tested?;
    let answer = match &outcome {
        conntest::Outcome::Status { code, body, .. } if (200..300).contains(code) => {
            crate::azure::notices::answered(&c, body, crate::azure::lifecycle::today())
        }
        _ => None,
    };
    let notices = say_test_lifecycle(&c, answer.as_ref());
    if json {
        let code = match &outcome {
            conntest::Outcome::Status { code, .. } => Some(*code),
            _ => None,
        };
        let v = serde_json::json!({
            "name": c.name, "ok": verdict.ok, "request": format!("{} {}", check.method, check.url),
            "status": code, "summary": verdict.summary, "advice": verdict.advice, "as": check.like,
            "model": answer.as_ref().map(|a| &a.model), "lifecycle": notices,
        });
        out_json!(&v);
    } else {
        out!(
            "{} {} {}",
            if verdict.ok { "✓" } else { "✗" },
            check.method,
            crate::sanitize::for_terminal(&check.url)
        );
        if let Some(who) = check.like {
            out!("  the request {who} makes");
        }
        out!("  {}", verdict.summary);
        if let Some(a) = &verdict.advice {
            out!("  {a}");
        }
    }
    if verdict.ok {
        Ok(())
    } else {
        Err(CliError::new(format!("test of '{name}' failed")))
    }
}

/// The dated notices of a tested connection, said on stderr: the model the answer names wins
/// over the recorded one (Azure may have upgraded the deployment since), and a difference
/// between them is said with the update that records the new one.
fn say_test_lifecycle(
    c: &crate::model::Connection,
    answer: Option<&crate::azure::notices::Answered>,
) -> Vec<crate::azure::lifecycle::ConnNotice> {
    use crate::azure::lifecycle::Urgency;
    use crate::azure::notices::{ModelId, after_test};
    let notices = after_test(c, answer, crate::azure::lifecycle::today());
    // The answer confirms the recorded model: its notice reads as the stored connection's.
    let confirms =
        answer.is_some_and(|a| a.not_recorded.is_none()) && ModelId::recorded(c).is_some();
    for n in &notices {
        match answer.filter(|a| !confirms && a.notice.as_ref() == Some(n)) {
            Some(a) if n.urgency != Urgency::Later => say!(
                "aiconn: warning: the deployment answers as {}: {}",
                a.id.words(),
                n.text
            ),
            Some(_) => {}
            None => super::discover_cmd::say_notices(std::slice::from_ref(n), false),
        }
    }
    if let Some(a) = answer
        && let Some(r) = &a.not_recorded
    {
        let version = (a.id.version.as_ref())
            .map(|v| format!(" --set model_version={v}"))
            .unwrap_or_default();
        say!(
            "aiconn: the deployment answers as {}, not the recorded {} (upgraded since?): aiconn update {} --set model_name={}{version}",
            a.id.words(),
            r.words(),
            c.name,
            a.id.name
        );
    }
    notices
}
