//! Runs effects (keychain, disk) on a worker thread, off the UI loop, and reports each back
//! as an action. Keychain calls are bounded by the core's timeouts, so a hung keychain ends in
//! an error message, never a frozen screen.

use super::app::{Action, Effect};
use super::strings as s;
use crate::model::Connection;
use crate::secrets::{Ask, AskPassphrase, SecretError, SecretErrorKind, SecretStore};
use crate::service::{Expect, OpError, Service};
use crate::store::Store;
use secrecy::SecretString;
use std::sync::mpsc::{Receiver, Sender};

/// Each Resource Manager request (and `az`) gets this long.
const ARM_TIMEOUT: std::time::Duration =
    std::time::Duration::from_secs(crate::settings::ARM_TIMEOUT_SECS);
/// A connection test or a deployments list gets this long.
const SERVICE_TIMEOUT: std::time::Duration =
    std::time::Duration::from_secs(crate::settings::SERVICE_TIMEOUT_SECS);

fn reload(store: &Store) -> Result<Vec<Connection>, OpError> {
    Ok(store.snapshot().map(|d| d.connections().to_vec())?)
}

pub fn run_effect(store: &Store, backend: &mut Box<dyn SecretStore>, effect: Effect) -> Action {
    if let Effect::UseVault = effect {
        // Without a dialog to ask through, only a remembered key or the passphrase file opens it.
        let nobody: AskPassphrase = std::sync::Arc::new(|_| {
            Err(SecretError::new(
                SecretErrorKind::Cancelled,
                "no dialog to ask in",
            ))
        });
        return switch_to_vault(store, backend, &nobody);
    }
    let secrets: &dyn SecretStore = backend.as_ref();
    let svc = Service::new(store, secrets);
    match effect {
        e @ (Effect::Save { .. }
        | Effect::Delete { .. }
        | Effect::Rename { .. }
        | Effect::LoadSecret { .. }) => stored(&svc, e),
        e @ (Effect::Test { .. } | Effect::ListDeployments { .. }) => against_service(&svc, e),
        e @ (Effect::AzureSignIn
        | Effect::AzureAccounts { .. }
        | Effect::AzureFill { .. }
        | Effect::AzurePrepare { .. }) => azure(e),
        Effect::UseVault => unreachable!("handled above"),
        // `worker` runs it with the UI loop's sender, for its progress; here the results come
        // all at once, at the end.
        Effect::TestAll { conns } => {
            let (tx, _) = std::sync::mpsc::channel();
            super::test_all::run(store, secrets, &conns, &tx)
        }
        // Answers go to the worker's question (see `ask_through_ui`), never here; one that
        // arrives anyway only ends its "working" count.
        Effect::Passphrase(_) => Action::CommandApproved(Ok(())),
        Effect::ApproveCommand { command } => Action::CommandApproved(
            crate::secrets::refs::Approvals::in_dir(store.dir()).approve(&command),
        ),
        Effect::Probe => Action::Probed(secrets.probe()),
    }
}

/// The effects on stored connections: save, delete, rename, read a secret.
fn stored(svc: &Service, effect: Effect) -> Action {
    let store = svc.store;
    match effect {
        Effect::Save {
            id,
            conn,
            mut secrets,
            expect,
            copy_secrets_from,
        } => {
            let name = conn.name.clone();
            // A duplicate copies the secrets it did not replace from the original.
            let copied = match &copy_secrets_from {
                Some(from) => svc.copy_secrets(from, &conn, &mut secrets),
                None => Ok(()),
            };
            let result = copied
                .and_then(|()| approve_typed(store, &conn, &expect, copy_secrets_from.as_deref()))
                .and_then(|()| svc.save(conn, secrets, expect));
            match result {
                Ok(warnings) => Action::Saved {
                    id,
                    name,
                    result: reload(store),
                    warnings,
                },
                Err(e) => Action::Saved {
                    id,
                    name,
                    result: Err(e),
                    warnings: vec![],
                },
            }
        }
        Effect::Delete { name } => {
            let result = svc.delete(&name).and_then(|_| reload(store));
            Action::Deleted { name, result }
        }
        Effect::Rename { old, new } => {
            let result = carry_over(store, &old, &new)
                .and_then(|()| svc.rename(&old, &new))
                .and_then(|_| reload(store));
            Action::Renamed { old, new, result }
        }
        Effect::LoadSecret { conn, field } => Action::SecretLoaded {
            // Missing from its backend is an error naming that backend, never a guess here.
            result: svc.secret_required(&conn, &field),
            conn: conn.name,
            field,
        },
        other => unreachable!("not a stored-connection effect: {other:?}"),
    }
}

/// The effects that call the connection's service: a test, the deployments list.
fn against_service(svc: &Service, effect: Effect) -> Action {
    let stored = |name: Option<String>| name.and_then(|n| svc.store.find(&n).ok().flatten());
    match effect {
        Effect::Test {
            target,
            conn,
            secrets,
            stored_name,
            unknown_hosts,
        } => {
            // Unsaved typed keys are used as they are; otherwise the stored one is loaded.
            let result = crate::conntest::test_connection(
                svc,
                &conn,
                &secrets,
                stored(stored_name).as_ref(),
                SERVICE_TIMEOUT,
                unknown_hosts,
            );
            match result {
                Ok(t) => {
                    let dated = answered_model(&conn, &t.outcome);
                    let mut message = match t.verdict.advice {
                        Some(a) => format!("{}. {a}", t.verdict.summary),
                        None => t.verdict.summary,
                    };
                    if let Some(d) = dated {
                        message.push(' ');
                        message.push_str(&d);
                    }
                    Action::Tested {
                        target,
                        ok: t.verdict.ok,
                        message,
                    }
                }
                Err(crate::conntest::NotTested::UnknownHost(host)) => {
                    Action::TestNeedsHost { target, host }
                }
                Err(e) => Action::Tested {
                    target,
                    ok: false,
                    message: super::strings::not_tested(&e),
                },
            }
        }
        Effect::ListDeployments {
            target,
            conn,
            key,
            stored_name,
        } => Action::DeploymentsListed {
            target,
            result: crate::conntest::deployments::list_for(
                svc,
                &conn,
                key.as_ref(),
                stored(stored_name).as_ref(),
                SERVICE_TIMEOUT,
            ),
        },
        other => unreachable!("not a service effect: {other:?}"),
    }
}

/// Sign in with Azure's effects: Resource Manager requests through `az`'s token.
fn azure(effect: Effect) -> Action {
    match effect {
        Effect::AzureSignIn => {
            Action::AzureSignedIn(crate::azure::connect(ARM_TIMEOUT).and_then(|arm| {
                let subs = crate::azure::discover::subscriptions(&arm, None)?;
                Ok((std::sync::Arc::new(arm), subs))
            }))
        }
        Effect::AzureAccounts { arm, subscription } => Action::AzureAccountsListed {
            result: crate::azure::discover::accounts(&arm, &subscription),
            subscription,
        },
        Effect::AzureFill { arm, mut account } => {
            crate::azure::discover::fill(&arm, &mut account);
            Action::AzureFilled(Box::new(account))
        }
        Effect::AzurePrepare {
            arm,
            name,
            account,
            deployment,
            entra,
        } => Action::AzurePrepared {
            result: crate::azure::add::prepare(
                &arm,
                &name,
                &account,
                deployment.as_ref(),
                None,
                entra,
            )
            .map(Box::new),
            account: Box::new(account),
        },
        other => unreachable!("not an Azure effect: {other:?}"),
    }
}

/// Opens (or creates) the vault, asking through `ask`, and records it as the backend for new
/// secrets.
pub fn switch_to_vault(
    store: &Store,
    backend: &mut Box<dyn SecretStore>,
    ask: &AskPassphrase,
) -> Action {
    let vault = crate::model::Backend::Vault;
    let opened = crate::service::secret_backend(store, vault.clone(), ask.clone());
    let result = opened
        .ready()
        .map_err(OpError::from)
        .and_then(|()| Ok(store.set_secret_backend(&vault)?));
    if result.is_ok() {
        *backend = Box::new(opened);
    }
    Action::BackendSwitched {
        backend: vault,
        result,
    }
}

/// The vault passphrase, asked in the TUI: the worker, in the middle of the effect that needs
/// a secret, sends the question to the UI loop and waits for the dialog's answer.
pub fn ask_through_ui(tx: Sender<Msg>, answers: Receiver<Option<SecretString>>) -> AskPassphrase {
    let answers = std::sync::Mutex::new(answers);
    std::sync::Arc::new(move |q: &Ask| {
        let closed = || SecretError::new(SecretErrorKind::Cancelled, "the dialog was closed");
        tx.send(Msg::Action(Action::PassphraseNeeded {
            create: q.create,
            retry: q.retry.is_some(),
        }))
        .map_err(|_| closed())?;
        let answer = answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .recv()
            .map_err(|_| closed())?;
        answer.ok_or_else(closed)
    })
}

/// The worker loop: one effect at a time, in order.
pub fn worker(
    store: Store,
    mut secrets: Box<dyn SecretStore>,
    ask: AskPassphrase,
    rx: Receiver<Effect>,
    tx: Sender<Msg>,
) {
    for e in rx {
        let a = match e {
            Effect::UseVault => switch_to_vault(&store, &mut secrets, &ask),
            Effect::TestAll { conns } => {
                super::test_all::run(&store, secrets.as_ref(), &conns, &tx)
            }
            e => run_effect(&store, &mut secrets, e),
        };
        if tx.send(Msg::Action(a)).is_err() {
            break;
        }
    }
}

/// What the UI loop waits for.
pub enum Msg {
    Action(Action),
    /// SIGTERM / SIGHUP / SIGINT: restore the terminal and leave without saving.
    Signal(i32),
    /// The clock of live reload (and the terminal regaining focus): look at the file.
    Tick,
}

/// The variable names this user typed in the form are approved, as `create` and `update`
/// approve theirs: all of a new connection's, the keys an edit added; a duplicate keeps its
/// original's approvals and adds the keys typed in the copy, so copying a connection from a
/// file approves nothing the file brought (nor does a copy whose original is gone). Before the
/// save, as the CLI does: a killed save leaves nothing half-approved.
fn approve_typed(
    store: &Store,
    conn: &Connection,
    expect: &Expect,
    copy_of: Option<&str>,
) -> Result<(), OpError> {
    use crate::service::approve;
    let approvals = crate::secrets::refs::Approvals::in_dir(store.dir());
    let original = match copy_of {
        Some(from) => store.find(from)?,
        None => None,
    };
    match (expect, original) {
        (_, Some(original)) => {
            approve::carry_over(&approvals, &original, &conn.name).and_then(|()| {
                let mut base = original;
                base.name.clone_from(&conn.name);
                approve::approve_added(&approvals, &base, conn)
            })
        }
        // A copy whose original is gone (renamed or deleted since it was opened) cannot tell
        // what it brought from what was typed in it: nothing is approved; `aiconn allow` shows.
        (_, None) if copy_of.is_some() => Ok(()),
        (Expect::Unchanged(base), None) => approve::approve_added(&approvals, base, conn),
        (Expect::Absent | Expect::Any, None) => approve::approve_created(&approvals, conn),
    }
    .map_err(OpError::Approvals)
}

/// A rename keeps the approvals of the connection renamed.
fn carry_over(store: &Store, old: &str, new: &str) -> Result<(), OpError> {
    let Some(conn) = store.find(old)? else {
        return Ok(());
    };
    let approvals = crate::secrets::refs::Approvals::in_dir(store.dir());
    crate::service::approve::carry_over(&approvals, &conn, new).map_err(OpError::Approvals)
}

/// What a successful test answer says about the model the deployment runs, when the dated
/// data (assets/lifecycle.toml) has it retired or retiring inside 60 days, or when it is not
/// the model the connection recorded.
fn answered_model(conn: &Connection, outcome: &crate::conntest::Outcome) -> Option<String> {
    use crate::azure::lifecycle::Urgency;
    let crate::conntest::Outcome::Status { code, body, .. } = outcome else {
        return None;
    };
    if !(200..300).contains(code) {
        return None;
    }
    let a = crate::azure::notices::answered(conn, body, crate::azure::lifecycle::today())?;
    let mut said = Vec::new();
    if let Some(r) = &a.not_recorded {
        said.push(s::answers_not_recorded(&a.id.words(), &r.words()));
    }
    if let Some(n) = a.notice.filter(|n| n.urgency != Urgency::Later) {
        said.push(s::answers_as(&a.id.words(), &n.text));
    }
    (!said.is_empty()).then(|| said.join(" "))
}
