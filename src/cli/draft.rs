//! Turns what the user gave (file, --set, stdin, prompts) into a connection ready to save:
//! resolves placeholder secrets, and reads every URL field through the endpoint classifier.

use super::args::EditArgs;
use super::{CliError, prompt};
use crate::catalogue::FieldKind;
use crate::draft::{Blocker, Draft};
use crate::endpoint::Reading;
use crate::model::SecretRef;
use crate::model::{Connection, SecretRecord};
use crate::promptflow::{Imported, apply_set};
use crate::sanitize::for_terminal;
use crate::secrets::refs::Approvals;
use indexmap::IndexMap;
use secrecy::{ExposeSecret, SecretString};
use std::io::Read;

/// Applies `--set` pairs and `--secret-stdin`.
pub fn apply_edit_args(imp: &mut Imported, edit: &EditArgs) -> Result<(), CliError> {
    for pair in &edit.set {
        // Never echo what was given: without '=' it may be a pasted key.
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            CliError::usage(
                "--set expects KEY=VALUE (the argument has no '='; it is not shown, as it may be a secret)",
            )
        })?;
        let v = v.trim_matches(|c| c == '"' || c == '\'');
        let k = k.trim();
        let before = imp.secret_values.len();
        apply_set(imp, k, v).map_err(CliError::usage)?;
        if imp.secret_values.len() > before && SecretRef::parse_checked(v).is_ok() {
            // `env:NAME` / `cmd:...` is a reference's spelling: stored as the key it would
            // fail at every use (and the command would never run).
            return Err(CliError::usage(format!(
                "--set {k}={v} would store the text '{v}' as the secret; to read it from there at use, pass --secret-ref {k}={v}",
                k = for_terminal(k),
                v = for_terminal(v)
            )));
        }
        if imp.secret_values.len() > before {
            let field = k.strip_prefix("secrets.").unwrap_or(k);
            say!(
                "aiconn: warning: the value of secret '{}' was given on the command line, where other users can see it in the process list and it stays in your shell history; next time use --secret-stdin {} (or leave it out to be asked, hidden)",
                for_terminal(k),
                for_terminal(field)
            );
        }
    }
    if let Some(field) = &edit.secret_stdin {
        // Zeroed when dropped: the key passes through here on its way to the keychain.
        let mut buf = zeroize::Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut buf)
            .map_err(|e| CliError::new(format!("cannot read stdin: {e}")))?;
        let value = SecretString::from(buf.trim_end_matches(['\n', '\r']).to_string());
        if value.expose_secret().is_empty() {
            return Err(CliError::usage(format!(
                "--secret-stdin {field}: standard input was empty"
            )));
        }
        let sub = secret_field(imp, field, "--secret-stdin")?;
        imp.secret_values.insert(sub.clone(), value);
        if imp.conn.spec().is_custom() {
            imp.conn.secrets.insert(sub, SecretRecord::Pending);
        }
    }
    for pair in &edit.secret_ref {
        let (field, text) = pair.split_once('=').ok_or_else(|| {
            CliError::usage("--secret-ref expects FIELD=env:NAME or FIELD=cmd:COMMAND")
        })?;
        let reference =
            SecretRef::parse_checked(text).map_err(|e| CliError::usage(e.to_string()))?;
        let sub = secret_field(imp, field.trim(), "--secret-ref")?;
        imp.secret_values.shift_remove(&sub);
        imp.conn.secrets.insert(sub, SecretRecord::Ref(reference));
    }
    Ok(())
}

/// The secret field `field` names (custom types: `secrets.KEY` or `KEY`), now given by `flag`:
/// no longer asked for or kept from before.
fn secret_field(imp: &mut Imported, field: &str, flag: &str) -> Result<String, CliError> {
    let spec = imp.conn.spec();
    let key = if spec.is_custom() && !field.starts_with("secrets.") {
        format!("secrets.{field}")
    } else {
        field.to_string()
    };
    let is_secret = spec
        .field(&key)
        .is_some_and(|f| f.kind == FieldKind::Secret)
        || key.starts_with("secrets.");
    if !is_secret {
        return Err(CliError::usage(format!(
            "{flag}: '{}' is not a secret field of type {}",
            for_terminal(field),
            spec.id
        )));
    }
    let sub = key.strip_prefix("secrets.").unwrap_or(&key).to_string();
    imp.needs_input.retain(|k| *k != sub);
    imp.keep.retain(|k| *k != sub);
    Ok(sub)
}

/// Approves the commands the user gave with `--secret-ref` (typing one is approving it).
pub fn approve_given_commands(dir: &std::path::Path, edit: &EditArgs) -> Result<(), CliError> {
    let approvals = Approvals::in_dir(dir);
    for pair in &edit.secret_ref {
        if let Some(SecretRef::Cmd(c)) = pair
            .split_once('=')
            .and_then(|(_, t)| SecretRef::parse_checked(t).ok())
        {
            approvals
                .approve(&c)
                .map_err(|e| CliError::new(e.to_string()))?;
        }
    }
    Ok(())
}

pub fn report_reading(field: &str, r: &Reading) {
    say!("aiconn: {field}: {}", r.hint);
    if let Some(t) = &r.tip {
        say!("aiconn: {field}: {t}");
    }
}

/// Finishes a draft: kept secrets take the stored backend, placeholders are asked for (or
/// fail naming the field), URL fields are checked and optionally normalized.
pub fn finish(
    mut imp: Imported,
    existing: Option<&Connection>,
    edit: &EditArgs,
) -> Result<(Connection, IndexMap<String, SecretString>), CliError> {
    let name = imp.conn.name.clone();
    for k in std::mem::take(&mut imp.keep) {
        match existing.and_then(|e| e.secrets.get(&k)) {
            Some(backend) => {
                imp.conn.secrets.insert(k, backend.clone());
            }
            None => imp.needs_input.push(k),
        }
    }
    // Custom secrets recorded by the draft with no value and no stored copy need input too.
    let unresolved: Vec<String> = imp
        .conn
        .secrets
        .iter()
        .filter(|(k, b)| {
            b.is_pending() && !imp.secret_values.contains_key(*k) && !imp.needs_input.contains(k)
        })
        .map(|(k, _)| k.clone())
        .collect();
    imp.needs_input.extend(unresolved);
    // Required secrets nobody gave (a new connection, or auth_mode switched back to key).
    {
        let spec = imp.conn.spec();
        for f in spec.secret_fields() {
            let required = imp.conn.is_required(f);
            let have = imp.conn.secrets.contains_key(&f.key)
                || imp.secret_values.contains_key(&f.key)
                || imp.needs_input.contains(&f.key);
            if required && !have {
                imp.needs_input.push(f.key.clone());
            }
        }
    }
    for field in std::mem::take(&mut imp.needs_input) {
        if !prompt::interactive() {
            let set = if imp.conn.spec().is_custom() {
                format!("secrets.{field}")
            } else {
                field.clone()
            };
            return Err(CliError::new(format!(
                "secret '{field}' of '{name}' needs a value: pass --set {set}=VALUE or --secret-stdin {field}, or run on a terminal to be asked"
            )));
        }
        let v = prompt::secret(&name, &field)?;
        imp.secret_values.insert(field, v);
    }
    check_endpoint(&mut imp.conn, edit)?;
    Ok((imp.conn, imp.secret_values))
}

/// Reads the endpoint through the core draft: warns, carries out the fix with `--normalize`,
/// and refuses what the draft says cannot be saved as given unless `--raw` says so.
fn check_endpoint(conn: &mut Connection, edit: &EditArgs) -> Result<(), CliError> {
    let mut draft = Draft::from_connection(conn);
    // Azure and OpenAI speak only https: store that, and say so (never keep http for them).
    if let Some(fix) = draft.https_only() {
        for (k, v) in fix.writes() {
            conn.values.insert(k.into(), v.into());
        }
        say!(
            "aiconn: {}: the service only speaks https: stored {}",
            fix.field,
            for_terminal(&fix.base)
        );
        draft = Draft::from_connection(conn);
    }
    let Some((field, reading)) = draft.reading() else {
        return Ok(());
    };
    if reading.warns() {
        report_reading(&field, &reading);
    }
    if edit.normalize {
        if let Some(fix) = draft.fix() {
            for (k, v) in fix.writes() {
                conn.values.insert(k.into(), v.into());
                say!("aiconn: {k}: stored as {}", for_terminal(v));
            }
        }
        return Ok(());
    }
    match draft.blocker() {
        Some(b) if !edit.raw => Err(CliError::new(blocker_words(&b))),
        _ => Ok(()),
    }
}

/// The CLI's words for what keeps a draft from being saved as given.
fn blocker_words(b: &Blocker) -> String {
    let fix = b.fix();
    let fills: Vec<String> = fix
        .fills
        .iter()
        .map(|(k, v)| format!("{k} {}", for_terminal(v)))
        .collect();
    let fills = if fills.is_empty() {
        String::new()
    } else {
        format!(" (and {})", fills.join(", "))
    };
    let what = match b {
        Blocker::RequestUrl { .. } => "is a full request URL, not a base",
        Blocker::ClientMisbuilds { .. } => {
            "carries a route its clients add themselves (they would call .../openai/deployments/<name>/openai/...)"
        }
        Blocker::PlainHttp { .. } => "uses http:// where the service only speaks https://",
    };
    format!(
        "{} {what}: pass --normalize to store {}{fills}, or --raw to store it as given",
        b.field(),
        for_terminal(&fix.base)
    )
}

/// A draft starting from a stored connection (for update): every secret is kept.
pub fn from_existing(conn: &Connection) -> Imported {
    Imported {
        conn: conn.clone(),
        secret_values: IndexMap::new(),
        needs_input: Vec::new(),
        keep: Vec::new(),
        unknown_keys: Vec::new(),
    }
}
