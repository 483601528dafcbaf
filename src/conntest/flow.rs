//! The whole of `aiconn test`, for both faces: plan the request, find the key (typed in a form
//! and not saved yet, else the stored one), send it once, read the answer.

use super::{Check, Outcome, Verdict, diagnose, plan, run};
use crate::model::Connection;
use crate::service::Service;
use indexmap::IndexMap;
use secrecy::SecretString;
use std::time::Duration;

/// What a test did and found.
pub struct Tested {
    pub check: Check,
    pub outcome: Outcome,
    pub verdict: Verdict,
}

/// Tests `conn`. `typed` holds values typed but not saved (the TUI's form); `stored` is the
/// saved connection the key is read from otherwise. Errors say why no request was sent.
pub fn test_connection(
    svc: &Service<'_>,
    conn: &Connection,
    typed: &IndexMap<String, SecretString>,
    stored: Option<&Connection>,
    timeout: Duration,
) -> Result<Tested, String> {
    let (check, reading) = plan(conn)?;
    let needs_key = !conn.is_dropped("api_key") && conn.spec().field("api_key").is_some();
    let key = match (typed.get("api_key"), stored) {
        (Some(k), _) => Some(k.clone()),
        (None, Some(s)) if needs_key => svc.secret(s, "api_key").map_err(|e| e.to_string())?,
        _ => None,
    };
    let outcome = run(&check, key.as_ref(), timeout);
    drop(key);
    let verdict = diagnose(&outcome, &check, reading.as_ref());
    Ok(Tested {
        check,
        outcome,
        verdict,
    })
}
