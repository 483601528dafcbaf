//! Runs effects (keychain, disk) on a worker thread, off the UI loop, and reports each back
//! as an action. Keychain calls are bounded by the core's timeouts, so a hung keychain ends in
//! an error message, never a frozen screen.

use super::app::{Action, Effect};
use crate::model::Connection;
use crate::secrets::{Ask, AskPassphrase, SecretError, SecretErrorKind, SecretStore};
use crate::service::Service;
use crate::store::Store;
use secrecy::SecretString;
use std::sync::mpsc::{Receiver, Sender};

/// Each Resource Manager request (and `az`) gets this long.
const ARM_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

fn reload(store: &Store) -> Result<Vec<Connection>, String> {
    store
        .snapshot()
        .map(|d| d.connections().to_vec())
        .map_err(|e| e.to_string())
}

#[allow(clippy::too_many_lines)] // TODO(issue 20): split
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
                Some(from) => svc
                    .copy_secrets(from, &conn, &mut secrets)
                    .map_err(|e| e.to_string()),
                None => Ok(()),
            };
            let result =
                copied.and_then(|()| svc.save(conn, secrets, expect).map_err(|e| e.to_string()));
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
            let r = svc
                .delete(&name)
                .map_err(|e| e.to_string())
                .and_then(|_| reload(store));
            Action::Deleted { name, result: r }
        }
        Effect::Rename { old, new } => {
            let r = svc
                .rename(&old, &new)
                .map_err(|e| e.to_string())
                .and_then(|_| reload(store));
            Action::Renamed {
                old,
                new,
                result: r,
            }
        }
        Effect::LoadSecret { conn, field } => {
            let r = svc.secret(&conn, &field).map_err(|e| e.to_string());
            Action::SecretLoaded {
                conn: conn.name,
                field,
                result: r,
            }
        }
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
        Effect::Test {
            target,
            conn,
            secrets,
            stored_name,
            unknown_hosts,
        } => {
            // Unsaved typed keys are used as they are; otherwise the stored one is loaded.
            let stored = stored_name.and_then(|n| store.find(&n).ok().flatten());
            let result = crate::conntest::test_connection(
                &svc,
                &conn,
                &secrets,
                stored.as_ref(),
                std::time::Duration::from_secs(10),
                unknown_hosts,
            )
            .map(|t| {
                let v = t.verdict;
                (
                    v.ok,
                    match v.advice {
                        Some(a) => format!("{}. {a}", v.summary),
                        None => v.summary,
                    },
                )
            });
            match result {
                Ok((ok, message)) => Action::Tested {
                    target,
                    ok,
                    message,
                },
                Err(crate::conntest::NotTested::UnknownHost(host)) => {
                    Action::TestNeedsHost { target, host }
                }
                Err(e) => Action::Tested {
                    target,
                    ok: false,
                    message: e.to_string(),
                },
            }
        }
        Effect::ListDeployments {
            target,
            conn,
            key,
            stored_name,
        } => {
            let stored = stored_name.and_then(|n| store.find(&n).ok().flatten());
            let result = crate::conntest::deployments::list_for(
                &svc,
                &conn,
                key.as_ref(),
                stored.as_ref(),
                std::time::Duration::from_secs(10),
            );
            Action::DeploymentsListed { target, result }
        }
        Effect::ApproveCommand { command } => Action::CommandApproved(
            crate::secrets::refs::Approvals::in_dir(store.dir())
                .approve(&command)
                .map_err(|e| e.to_string()),
        ),
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
        Effect::Probe => Action::Probed(
            secrets
                .probe()
                .map_err(|e| format!("{}; {}", e.summary(), e.fix())),
        ),
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
    let opened = crate::secrets::LazyStore::new(vault.clone(), store.dir(), ask.clone());
    let result = opened
        .ready()
        .map_err(|e| e.to_string())
        .and_then(|()| store.set_secret_backend(&vault).map_err(|e| e.to_string()));
    if result.is_ok() {
        *backend = Box::new(opened);
    }
    Action::BackendSwitched {
        name: vault.to_string(),
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
