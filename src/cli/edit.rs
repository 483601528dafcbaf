//! Commands that change connections: create, update, rename, delete, import.

use super::args::EditArgs;
use super::draft::{apply_edit_args, approve_given_commands, finish, from_existing};
use super::{CliError, Context, prompt};
use crate::catalogue::Catalogue;
use crate::model::{Connection, validate_name};
use crate::promptflow::{Imported, import_dotenv, import_yaml};
use crate::sanitize::for_terminal;
use crate::service::Expect;
use indexmap::IndexMap;
use std::path::PathBuf;

fn print_warnings(w: &[String]) {
    for line in w {
        say!("aiconn: warning: {line}");
    }
}

pub fn create(ctx: &Context, type_id: &str, name: &str, edit: &EditArgs) -> Result<(), CliError> {
    let Some(spec) = Catalogue::get().find(type_id) else {
        return Err(CliError::usage(Catalogue::get().unknown_type(type_id)));
    };
    validate_name(name).map_err(CliError::usage)?;
    if ctx.store.snapshot()?.get(name).is_some() {
        return Err(CliError::new(format!(
            "connection '{name}' already exists (use `aiconn update {name}`)"
        )));
    }
    let mut imp = Imported {
        conn: Connection::of(name, spec),
        secret_values: IndexMap::new(),
        needs_input: Vec::new(),
        keep: Vec::new(),
        unknown_keys: Vec::new(),
    };
    apply_edit_args(&mut imp, edit)?;
    let (conn, secrets) = finish(imp, None, edit)?;
    super::allow::approve_created(ctx, &conn)?;
    let warnings = ctx.service()?.save(conn, secrets, Expect::Absent)?;
    print_warnings(&warnings);
    approve_given_commands(ctx.store.dir(), edit)?;
    say!("Created connection '{name}'.");
    Ok(())
}

pub fn update(
    ctx: &Context,
    name: &str,
    edit: &EditArgs,
    unset: &[String],
) -> Result<(), CliError> {
    let existing = ctx
        .store
        .snapshot()?
        .get(name)
        .cloned()
        .ok_or_else(|| crate::service::OpError::NotFound(name.into()))?;
    if edit.set.is_empty()
        && unset.is_empty()
        && edit.secret_stdin.is_none()
        && edit.secret_ref.is_empty()
    {
        return Err(CliError::usage(
            "nothing to change: give --set KEY=VALUE, --unset KEY, --secret-stdin FIELD or --secret-ref FIELD=REF",
        ));
    }
    let mut imp = from_existing(&existing);
    for key in unset {
        let removed = match key.split_once('.') {
            Some(("configs", k)) => imp.conn.configs.shift_remove(k).is_some(),
            Some(("secrets", k)) => imp.conn.secrets.shift_remove(k).is_some(),
            _ => {
                imp.conn.values.shift_remove(key.as_str()).is_some()
                    || imp.conn.secrets.shift_remove(key.as_str()).is_some()
            }
        };
        if !removed {
            return Err(CliError::usage(format!(
                "--unset {}: '{name}' has no such value",
                for_terminal(key)
            )));
        }
    }
    apply_edit_args(&mut imp, edit)?;
    let (conn, secrets) = finish(imp, Some(&existing), edit)?;
    super::allow::approve_typed_keys(ctx, name, edit)?;
    let warnings = ctx
        .service()?
        .save(conn, secrets, Expect::Unchanged(existing))?;
    print_warnings(&warnings);
    approve_given_commands(ctx.store.dir(), edit)?;
    say!("Updated connection '{name}'.");
    Ok(())
}

pub fn rename(ctx: &Context, old: &str, new: &str) -> Result<(), CliError> {
    // A bad name is a usage error, as in `create` (exit 2), before anything is touched.
    crate::model::validate_name(new).map_err(CliError::usage)?;
    super::allow::carry_over(ctx, old, new)?;
    let warnings = ctx.service()?.rename(old, new).map_err(|e| match e {
        // `rename` has no --overwrite: say what does replace a taken name.
        crate::service::OpError::Exists(taken) => CliError::new(format!(
            "{}: pick another name, or delete it first (`aiconn delete {taken}`)",
            crate::service::OpError::Exists(taken.clone())
        )),
        e => e.into(),
    })?;
    print_warnings(&warnings);
    say!("Renamed '{old}' to '{new}'.");
    Ok(())
}

pub fn delete(ctx: &Context, name: &str, yes: bool) -> Result<(), CliError> {
    if ctx.store.snapshot()?.get(name).is_none() {
        return Err(crate::service::OpError::NotFound(name.into()).into());
    }
    if !yes {
        if !prompt::interactive() {
            return Err(CliError::new(format!(
                "refusing to delete '{name}' without confirmation: pass --yes"
            )));
        }
        if !prompt::confirm(&format!(
            "Are you sure you want to delete the connection '{name}' and its secrets?"
        )) {
            say!("The delete operation was canceled.");
            return Ok(());
        }
    }
    // The backend is opened only when there is a secret to remove (Service::delete checks
    // it is usable before anything changes).
    let warnings = ctx.service()?.delete(name)?;
    print_warnings(&warnings);
    say!("Deleted connection '{name}'.");
    Ok(())
}

/// An import file: a regular file (not a FIFO or a device), of at most a connection file's size.
fn read_input_file(path: &std::path::Path) -> Result<String, CliError> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| CliError::new(format!("cannot read: {e}")))?;
    let meta = f
        .metadata()
        .map_err(|e| CliError::new(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(CliError::new("not a regular file"));
    }
    let limit = crate::promptflow::MAX_IMPORT_BYTES as u64;
    let mut text = String::new();
    f.take(limit + 1)
        .read_to_string(&mut text)
        .map_err(|e| CliError::new(format!("cannot read: {e}")))?;
    if text.len() as u64 > limit {
        return Err(CliError::new(format!(
            "larger than {} KiB: not a connection file",
            limit >> 10
        )));
    }
    Ok(text)
}

fn is_dotenv(path: &std::path::Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == ".env" || n.ends_with(".env"))
}

pub fn import(
    ctx: &Context,
    files: &[PathBuf],
    name: Option<&str>,
    overwrite: bool,
    edit: &EditArgs,
) -> Result<(), CliError> {
    if name.is_some() && files.len() > 1 {
        return Err(CliError::usage(
            "--name applies to one file; import the files one at a time",
        ));
    }
    let mut failed = 0;
    for path in files {
        let shown = path.display().to_string();
        match import_one(ctx, path, &shown, name, overwrite, edit) {
            Ok(n) => say!("Imported '{n}' from {shown}."),
            Err(e) => {
                say!("aiconn: {shown}: {e}");
                failed += 1;
                if files.len() == 1 {
                    return Err(CliError {
                        code: e.code,
                        message: format!("import of {shown} failed"),
                    });
                }
            }
        }
    }
    if failed > 0 {
        return Err(CliError::new(format!(
            "{failed} of {} files failed to import",
            files.len()
        )));
    }
    Ok(())
}

fn import_one(
    ctx: &Context,
    path: &std::path::Path,
    shown: &str,
    name: Option<&str>,
    overwrite: bool,
    edit: &EditArgs,
) -> Result<String, CliError> {
    let text = read_input_file(path)?;
    let mut imp = if is_dotenv(path) {
        import_dotenv(shown, &text, name)
    } else {
        import_yaml(shown, &text, name)
    }
    .map_err(|e| CliError::new(e.to_string()))?;
    if !imp.unknown_keys.is_empty() {
        say!(
            "aiconn: {shown}: ignored keys not used by type {}: {}",
            imp.conn.type_id(),
            imp.unknown_keys
                .iter()
                .map(|k| for_terminal(k))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    apply_edit_args(&mut imp, edit)?;
    let conn_name = imp.conn.name.clone();
    let existing = ctx.store.snapshot()?.get(&conn_name).cloned();
    if existing.is_some() && !overwrite {
        return Err(CliError::new(format!(
            "connection '{conn_name}' already exists: pass --overwrite to replace it, or --name to import under another name"
        )));
    }
    let (conn, secrets) = finish(imp, existing.as_ref(), edit)?;
    let expect = match existing {
        Some(e) => Expect::Unchanged(e),
        None => Expect::Absent,
    };
    let warnings = ctx.service()?.save(conn, secrets, expect)?;
    print_warnings(&warnings);
    approve_given_commands(ctx.store.dir(), edit)?;
    Ok(conn_name)
}
