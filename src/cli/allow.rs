//! `aiconn allow NAME`: shows what a connection from a file would make aiconn do (the commands
//! of its `cmd:` references, the variable names it would give a child that the catalogue does
//! not) and approves them on this machine. Typing them (`create`, `update`) approves them too.

use super::args::EditArgs;
use super::{CliError, Context};
use crate::model::Connection;
use crate::promptflow::env_name;
use crate::runenv::env_key;
use crate::sanitize::for_terminal;
use crate::secrets::refs::{Approvals, RefError};
use crate::service::approve;

fn fail(e: RefError) -> CliError {
    CliError::new(e.to_string())
}

fn pending_names(approvals: &Approvals, conn: &Connection) -> Result<Vec<String>, CliError> {
    approve::pending_names(approvals, conn).map_err(fail)
}

/// A connection created here was typed by this user: its names are approved (before the
/// save, so a save that is killed leaves nothing half-approved).
pub fn approve_created(ctx: &Context, conn: &Connection) -> Result<(), CliError> {
    approve::approve_created(&Approvals::in_dir(ctx.store.dir()), conn).map_err(fail)
}

/// A rename by this user keeps what was approved.
pub fn carry_over(ctx: &Context, old: &str, new: &str) -> Result<(), CliError> {
    let Some(conn) = ctx.store.find(old)? else {
        return Ok(());
    };
    approve::carry_over(&Approvals::in_dir(ctx.store.dir()), &conn, new).map_err(fail)
}

/// The names of the custom keys typed in an `update` are approved (not the file's others).
pub fn approve_typed_keys(ctx: &Context, name: &str, edit: &EditArgs) -> Result<(), CliError> {
    let mut keys: Vec<&str> = Vec::new();
    for s in &edit.set {
        if let Some((k, _)) = s.split_once('=') {
            keys.extend(k.strip_prefix("configs.").or(k.strip_prefix("secrets.")));
        }
    }
    for r in &edit.secret_ref {
        keys.extend(
            r.split_once('=')
                .map(|(k, _)| k.trim_start_matches("secrets.")),
        );
    }
    if let Some(k) = &edit.secret_stdin {
        keys.push(k.trim_start_matches("secrets."));
    }
    let names: Vec<String> = keys
        .iter()
        .flat_map(|k| [env_key(k), env_name(name, k)])
        .collect();
    Approvals::in_dir(ctx.store.dir())
        .approve_env(name, &names)
        .map_err(fail)
}

/// Shows each `cmd:` reference and each variable name of `name` not yet approved, and
/// approves them on this machine.
pub fn allow(ctx: &Context, name: &str) -> Result<(), CliError> {
    let conn = ctx
        .store
        .find(name)?
        .ok_or_else(|| crate::service::OpError::NotFound(name.into()))?;
    let approvals = Approvals::in_dir(ctx.store.dir());
    let commands: Vec<(&String, &str)> = conn
        .secrets
        .iter()
        .filter_map(|(f, r)| Some((f, r.reference()?.command()?)))
        .collect();
    let names = pending_names(&approvals, &conn)?;
    if commands.is_empty() && names.is_empty() {
        out!(
            "'{}' has no cmd: secret references or variable names to approve.",
            for_terminal(name)
        );
        return Ok(());
    }
    for (field, command) in commands {
        let was = approvals.is_approved(command).map_err(fail)?;
        approvals.approve(command).map_err(fail)?;
        out!(
            "{} '{}' secret '{}': {}",
            if was {
                "Already approved:"
            } else {
                "Approved:"
            },
            for_terminal(name),
            for_terminal(field),
            for_terminal(command)
        );
    }
    if !names.is_empty() {
        approvals.approve_env(name, &names).map_err(fail)?;
        out!(
            "Approved: '{}' may set {} in the environment of `aiconn run` / `aiconn env`",
            for_terminal(name),
            for_terminal(&names.join(", "))
        );
    }
    Ok(())
}
