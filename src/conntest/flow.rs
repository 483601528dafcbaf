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

/// The key a face uses for a draft: the value typed in it; else the reference the draft records
/// (env:/cmd:, resolved now, saved or not); else the stored connection's value.
pub(crate) fn face_key(
    svc: &Service<'_>,
    draft: &Connection,
    typed: Option<&SecretString>,
    stored: Option<&Connection>,
) -> Result<Option<SecretString>, crate::service::OpError> {
    let Some(field) = super::key_field(draft) else {
        return Ok(None);
    };
    let drafted_ref = draft
        .secrets
        .get(field)
        .is_some_and(|r| r.reference().is_some());
    match (typed, stored) {
        (Some(k), _) => Ok(Some(k.clone())),
        _ if drafted_ref => svc.secret(draft, field),
        (None, Some(s)) => svc.secret(s, field),
        (None, None) => Ok(None),
    }
}

/// Why `test` sent nothing.
#[derive(Debug)]
pub enum NotTested {
    /// The service key would go to this host, which aiconn does not recognize for the type: the
    /// face asks the user, and tests again with [`UnknownHosts::Send`] if they say yes.
    UnknownHost(String),
    /// No request can be made for this connection: the planner's reason, in words (the words
    /// of assets/test_plans.toml, or the guard's).
    Refused(String),
    /// The key could not be had (its backend, a reference): each face words it with its advice
    /// (`service::advice`).
    Key(crate::service::OpError),
}

impl std::fmt::Display for NotTested {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotTested::UnknownHost(h) => {
                write!(f, "{h} is not a host aiconn recognizes for this key")
            }
            NotTested::Refused(why) => f.write_str(why),
            NotTested::Key(e) => e.fmt(f),
        }
    }
}

/// Whether a service key may go to a host aiconn does not recognize: only once the user said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownHosts {
    /// Not without asking: the test is not sent ([`NotTested::UnknownHost`], or a skip in a batch).
    #[default]
    Ask,
    /// The user confirmed (the TUI's question, the CLI's prompt or `--yes`).
    Send,
}

/// Tests `conn`. `typed` holds values typed but not saved (the TUI's form); `stored` is the
/// saved connection the key is read from otherwise. A service key bound for a host aiconn does not
/// recognize is sent only with `UnknownHosts::Send`. Errors say why no request was sent.
pub fn test_connection(
    svc: &Service<'_>,
    conn: &Connection,
    typed: &IndexMap<String, SecretString>,
    stored: Option<&Connection>,
    timeout: Duration,
    unknown_hosts: UnknownHosts,
) -> Result<Tested, NotTested> {
    let (check, reading) = plan(conn).map_err(NotTested::Refused)?;
    key_may_go(svc, conn, &check.url, reading.as_ref(), unknown_hosts)
        .map_err(NotTested::UnknownHost)?;
    let key = if needs_key(conn) {
        let typed = super::key_field(conn).and_then(|f| typed.get(f));
        face_key(svc, conn, typed, stored).map_err(NotTested::Key)?
    } else {
        None
    };
    Ok(send(conn, check, reading, key, timeout))
}

/// Whether `conn`'s service key may go to `url`: its host is one aiconn recognizes for the type,
/// or one this user confirmed before on this machine (remembered beside the file, as approved
/// commands are), or the user confirms it now (`Send`, remembered). Else the host, to ask about.
/// Remembering is best effort: an approvals file that cannot be written only means asking again.
pub(crate) fn key_may_go(
    svc: &Service<'_>,
    conn: &Connection,
    url: &str,
    reading: Option<&crate::endpoint::Reading>,
    unknown_hosts: UnknownHosts,
) -> Result<(), String> {
    if !needs_key(conn) {
        return Ok(());
    }
    let Some(host) = super::guard::unrecognized_key_host(conn.spec(), url, reading) else {
        return Ok(());
    };
    let approvals = crate::secrets::refs::Approvals::in_dir(svc.store.dir());
    match unknown_hosts {
        UnknownHosts::Send => {
            let _ = approvals.approve_key_host(&host);
            Ok(())
        }
        UnknownHosts::Ask if approvals.is_key_host_approved(&host).unwrap_or(false) => Ok(()),
        UnknownHosts::Ask => Err(host),
    }
}

/// The connection's type has a key and its auth mode does not drop it.
pub(crate) fn needs_key(conn: &Connection) -> bool {
    super::key_field(conn).is_some_and(|f| !conn.is_dropped(f))
}

/// Sends the planned request with `key` and reads the answer (the key is dropped here).
pub(crate) fn send(
    conn: &Connection,
    check: Check,
    reading: Option<crate::endpoint::Reading>,
    key: Option<SecretString>,
    timeout: Duration,
) -> Tested {
    let outcome = run(&check, key.as_ref(), timeout);
    let mut verdict = diagnose(&outcome, &check, reading.as_ref());
    // A 401 or 404 from Azure reads the same for several causes: the deployments listing,
    // with the same key, tells a wrong key from a wrong path from a missing deployment.
    if let Outcome::Status {
        code: code @ (401 | 404),
        ..
    } = outcome
        && matches!(check.auth, super::Auth::ApiKey)
        && check.url.contains("/openai/")
        && let Some(listing) = super::deployments::list_with_key(conn, key.as_ref(), timeout)
    {
        refine(&mut verdict, code, &check, &listing);
    }
    drop(key);
    Tested {
        check,
        outcome,
        verdict,
    }
}

/// What the deployments listing adds to a 401 or 404.
fn refine(verdict: &mut Verdict, code: u16, check: &Check, listing: &super::deployments::Listing) {
    use super::deployments::{Listing, closest};
    let deployment = check
        .url
        .split("/deployments/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .map(crate::sanitize::for_terminal);
    match (listing, code, deployment) {
        (Listing::Refused(_), _, _) => {
            verdict.advice = Some(
                "the deployments listing refuses this key too: the key is wrong, expired or from another resource (copy Key 1 from this resource's Keys and Endpoint page)".into(),
            );
        }
        (Listing::Found(list), 404, Some(d)) if !list.iter().any(|x| x.id == d) => {
            let near = closest(&d, list);
            verdict.summary = format!("deployment '{d}' does not exist on this resource");
            verdict.advice = Some(if near.is_empty() {
                "the resource has no deployments yet: deploy a model in the Foundry portal (one created in the last 5 minutes may not be visible yet)".into()
            } else {
                format!(
                    "the key works; deployed here: {} (one created in the last 5 minutes may not be visible yet)",
                    near.join(", ")
                )
            });
        }
        (Listing::Found(_), 404, _) => {
            verdict.advice = Some(
                "the key works (the deployments listing answered): the endpoint path or the api-version is wrong for this operation".into(),
            );
        }
        _ => {}
    }
}
