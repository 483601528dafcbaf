//! `test --all`: every connection tested on a bounded pool, each with the same request and
//! diagnosis as a single `test`. Nothing is asked: a connection whose key cannot be had without
//! a question (none set, an unset variable, an unapproved command, a vault passphrase nobody
//! can type, a service key bound for a host aiconn does not recognize without --yes) is
//! skipped with the reason.

use super::flow::{needs_key, send};
use super::plan;
use super::{Outcome, UnknownHosts};
use crate::model::Connection;
use crate::secrets::refs::RefError;
use crate::secrets::{SecretError, SecretErrorKind};
use crate::service::{OpError, Service};
use secrecy::SecretString;
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Default and bounds of `--jobs`.
pub const DEFAULT_JOBS: usize = 8;
pub const MAX_JOBS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Ok,
    Failed,
    /// Not tested: it could not be without asking someone.
    Skipped,
}

/// One connection's result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub name: String,
    #[serde(rename = "type")]
    pub type_id: String,
    pub ok: bool,
    /// The HTTP status, when the service answered.
    pub status: Option<u16>,
    pub verdict: Health,
    /// The diagnosis' summary, or why it was skipped (never a key: the test redacts it).
    pub message: String,
}

/// Why no request was sent.
enum NoKey {
    Skip(String),
    Fail(String),
}

/// Tests `conns` at most `jobs` at a time; `on_done(report, done, total)` after each, as it
/// lands (the TUI fills its status column from it; the CLI counts).
pub fn run_all(
    svc: &Service<'_>,
    conns: &[Connection],
    jobs: usize,
    timeout: Duration,
    unknown_hosts: UnknownHosts,
    on_done: &(dyn Fn(&Report, usize, usize) + Sync),
) -> Vec<Report> {
    // The backend is opened once, before the pool: a vault derives its key (and may ask) one
    // time, not once per thread; its failure is every stored key's.
    let opened: Option<SecretError> = conns
        .iter()
        .any(|c| needs_key(c) && stored_key(c))
        .then(|| svc.secrets.ready().err())
        .flatten();
    let done = AtomicUsize::new(0);
    crate::pool::bounded(conns, jobs.clamp(1, MAX_JOBS), |c| {
        let r = test_one(svc, c, opened.as_ref(), timeout, unknown_hosts);
        on_done(&r, done.fetch_add(1, Ordering::SeqCst) + 1, conns.len());
        r
    })
}

/// The key is kept in the secret backend (not a reference, not absent).
fn stored_key(c: &Connection) -> bool {
    super::key_field(c)
        .and_then(|f| c.secrets.get(f))
        .is_some_and(|r| r.reference().is_none())
}

fn test_one(
    svc: &Service<'_>,
    c: &Connection,
    opened: Option<&SecretError>,
    timeout: Duration,
    unknown_hosts: UnknownHosts,
) -> Report {
    let report = |verdict: Health, status: Option<u16>, message: String| Report {
        name: c.name.clone(),
        type_id: c.type_id().to_string(),
        ok: verdict == Health::Ok,
        status,
        verdict,
        message,
    };
    let (check, reading) = match plan(c) {
        Ok(p) => p,
        // A type with no known request is not a failure of the connection.
        Err(why) if c.spec().is_custom() => return report(Health::Skipped, None, why),
        Err(why) => return report(Health::Failed, None, why),
    };
    if let Err(host) = super::flow::key_may_go(svc, c, &check.url, reading.as_ref(), unknown_hosts)
    {
        // Words for both faces: each has its own way to say yes (a lone test asks).
        let why = format!(
            "{host} is not a host aiconn recognizes for {}; a test of this connection alone asks before sending its key",
            c.type_id()
        );
        return report(Health::Skipped, None, why);
    }
    let key = match key_of(svc, c, opened) {
        Ok(k) => k,
        Err(NoKey::Skip(why)) => return report(Health::Skipped, None, why),
        Err(NoKey::Fail(why)) => return report(Health::Failed, None, why),
    };
    let tested = send(c, check, reading, key, timeout);
    let health = if tested.verdict.ok {
        Health::Ok
    } else {
        Health::Failed
    };
    report(health, tested.outcome.status(), tested.verdict.summary)
}

/// The key to send, without asking anyone.
fn key_of(
    svc: &Service<'_>,
    c: &Connection,
    opened: Option<&SecretError>,
) -> Result<Option<SecretString>, NoKey> {
    if !needs_key(c) {
        return Ok(None);
    }
    let Some(field) = super::key_field(c).filter(|f| c.secrets.contains_key(*f)) else {
        return Err(NoKey::Skip("no key set".into()));
    };
    if let (true, Some(e)) = (stored_key(c), opened) {
        return Err(secret_error(e));
    }
    match svc.secret(c, field) {
        Ok(Some(k)) => Ok(Some(k)),
        Ok(None) => Err(NoKey::Skip("no key set".into())),
        Err(OpError::Reference { source, .. }) => Err(match source {
            RefError::EnvUnset(_) | RefError::NotApproved(..) => NoKey::Skip(source.to_string()),
            other => NoKey::Fail(other.to_string()),
        }),
        Err(OpError::Secret(e)) => Err(secret_error(&e)),
        Err(e) => Err(NoKey::Fail(e.to_string())),
    }
}

/// A passphrase nobody could give is a skip; a broken backend is a failure.
fn secret_error(e: &SecretError) -> NoKey {
    match e.kind {
        SecretErrorKind::NoPassphrase | SecretErrorKind::Cancelled => NoKey::Skip(e.to_string()),
        _ => NoKey::Fail(e.to_string()),
    }
}

impl Outcome {
    /// The HTTP status the service answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Outcome::Status { code, .. } => Some(*code),
            _ => None,
        }
    }
}
