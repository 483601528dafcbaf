//! What this user typed is approved; what came from a file waits for `aiconn allow`. The one
//! home of the rule for both faces: `create` and a TUI save of a new connection approve its
//! variable names, an edit approves the keys it added, a rename carries approvals over.

use crate::model::Connection;
use crate::runenv::variables;
use crate::secrets::refs::{Approvals, RefError, unapproved_env_names};
use secrecy::SecretString;

/// Every name `conn` would export, with and without `--prefix` (no secret is read; a name
/// refused outright is left out, it can never be approved).
fn export_names(conn: &Connection) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for prefix in [false, true] {
        let mut dummy = |_: &str| Ok(Some(SecretString::from(String::new())));
        // One refused name stops the whole set; the others are still worth approving.
        if let Ok(vars) = variables(conn, prefix, &mut dummy) {
            out.extend(vars.into_iter().map(|v| (v.name, prefix)));
        }
    }
    out
}

/// The names of `conn` that need approval (for either mode), without duplicates.
pub fn pending_names(approvals: &Approvals, conn: &Connection) -> Result<Vec<String>, RefError> {
    let mut out: Vec<String> = Vec::new();
    for (name, prefix) in export_names(conn) {
        for n in unapproved_env_names(approvals, conn, std::slice::from_ref(&name), prefix)? {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    Ok(out)
}

/// A connection created here was typed by this user: its names are approved.
pub fn approve_created(approvals: &Approvals, conn: &Connection) -> Result<(), RefError> {
    let names = pending_names(approvals, conn)?;
    approvals.approve_env(&conn.name, &names)
}

/// An edit of `base` saved as `conn`: the names that only the keys it added export are
/// approved (the user typed those); the file's other names stay as they were.
pub fn approve_added(
    approvals: &Approvals,
    base: &Connection,
    conn: &Connection,
) -> Result<(), RefError> {
    let before: Vec<String> = export_names(base).into_iter().map(|(n, _)| n).collect();
    let added: Vec<String> = pending_names(approvals, conn)?
        .into_iter()
        .filter(|n| !before.contains(n))
        .collect();
    approvals.approve_env(&conn.name, &added)
}

/// A rename by this user keeps what was approved: when every name of `old` was approved,
/// the names of the renamed connection are.
pub fn carry_over(approvals: &Approvals, old: &Connection, new: &str) -> Result<(), RefError> {
    if !pending_names(approvals, old)?.is_empty() {
        return Ok(());
    }
    let mut renamed = old.clone();
    renamed.name = new.to_string();
    approve_created(approvals, &renamed)
}
