//! What the worker reports about the core's operations (save, delete, rename, a secret read,
//! a backend switch, a test, a deployments list). A failure arrives typed and is worded here with the TUI's ways forward
//! (`strings::failed`), never as a string made at the worker.

use super::super::app::*;
use super::super::strings as s;
use crate::model::{Backend, Connection};
use crate::service::OpError;
use crate::tui::form::input;
use secrecy::SecretString;

pub(super) fn saved(
    app: &mut App,
    id: EntryId,
    name: &str,
    result: Result<Vec<Connection>, OpError>,
    warnings: &[String],
) -> Vec<Effect> {
    let stored = match result {
        Ok(stored) => stored,
        Err(e) => return failed(app, &e),
    };
    let tested = app.draft(&id).map(crate::tui::health::Basis::of_form);
    app.set_stored(stored);
    // The form stays where the user was: same row, Advanced still open.
    let kept = app.draft(&id).map(|f| (f.focus, f.show_advanced));
    app.drafts.retain(|(d, _)| *d != id);
    let saved = EntryId::Stored(name.to_string());
    if let Some((focus, advanced)) = kept
        && let Some(f) = app.ensure_draft(&saved)
    {
        f.show_advanced = advanced;
        f.focus = focus.min(f.rows().len() - 1);
    }
    app.selected = Some(saved);
    super::health::saved(app, &id, tested, name);
    let msg = match warnings.first() {
        Some(w) => format!("{}: '{name}' ({w})", s::SAVED),
        None => format!("{} '{name}'.", s::SAVED),
    };
    app.set_status(Level::Info, msg);
    vec![]
}

pub(super) fn deleted(
    app: &mut App,
    name: &str,
    result: Result<Vec<Connection>, OpError>,
) -> Vec<Effect> {
    let stored = match result {
        Ok(stored) => stored,
        Err(e) => return failed(app, &e),
    };
    app.set_stored(stored);
    app.drafts
        .retain(|(d, _)| *d != EntryId::Stored(name.to_string()));
    app.health.forget(&EntryId::Stored(name.to_string()));
    app.fix_selection();
    app.set_focus(Focus::List);
    // A popup about the form that just went away has nothing left to act on.
    if matches!(
        app.popup,
        Some(Popup::Input {
            for_: InputFor::AddKv { .. },
            ..
        }) | Some(Popup::Confirm {
            what: Confirm::Discard(_),
            ..
        })
    ) {
        app.popup = None;
    }
    app.set_status(Level::Info, format!("{} '{name}'.", s::DELETED));
    vec![]
}

pub(super) fn renamed(
    app: &mut App,
    old: String,
    new: &str,
    result: Result<Vec<Connection>, OpError>,
) -> Vec<Effect> {
    match result {
        Ok(stored) => {
            let from = EntryId::Stored(old.clone());
            let tested = crate::tui::health::current_basis(app, &from);
            app.set_stored(stored);
            app.drafts
                .retain(|(d, _)| *d != EntryId::Stored(old.clone()));
            app.selected = Some(EntryId::Stored(new.to_string()));
            super::health::saved(app, &from, tested, new);
            app.set_status(Level::Info, s::renamed(&old, new));
        }
        // Refused (taken meanwhile, say): the dialog again, with what was typed.
        Err(e) if app.popup.is_none() => {
            app.popup = Some(Popup::Input {
                for_: InputFor::Rename(old),
                input: input(new),
                error: Some(s::failed(&e)),
            });
        }
        Err(e) => app.set_status(Level::Error, s::failed(&e)),
    }
    vec![]
}

pub(super) fn secret_loaded(
    app: &mut App,
    conn: &str,
    field: &str,
    result: Result<SecretString, OpError>,
) -> Vec<Effect> {
    let v = match result {
        Ok(v) => v,
        Err(e) => return failed(app, &e),
    };
    if let Some(f) = app.ensure_draft(&EntryId::Stored(conn.to_string())) {
        f.secret_loaded(field, Some(v));
        if let Some((input, sec, _)) = f.focused_secret_mut() {
            sec.show(input, true);
        }
    }
    vec![]
}

pub(super) fn backend_switched(
    app: &mut App,
    backend: Backend,
    result: Result<(), OpError>,
) -> Vec<Effect> {
    match result {
        Ok(()) => {
            app.vault_exists = backend == Backend::Vault || app.vault_exists;
            app.set_status(Level::Info, s::now_kept_in(&backend));
            app.secret_backend = backend;
            app.backend = Some(Ok(()));
        }
        Err(e) => {
            let e = s::failed(&e);
            app.set_status(Level::Error, e.clone());
            if let Some(w) = app.wizard_mut() {
                w.error = Some(e);
            }
        }
    }
    vec![]
}

pub(super) fn tested(app: &mut App, target: &TestTarget, ok: bool, message: String) -> Vec<Effect> {
    super::health::tested(app, target, ok, &message);
    let form = match target {
        TestTarget::Entry(id) => app.ensure_draft(id),
        TestTarget::Wizard => app.wizard_mut().and_then(|w| w.form.as_mut()),
    };
    if let Some(f) = form {
        f.test = Some((ok, message));
    }
    vec![]
}

pub(super) fn test_needs_host(app: &mut App, target: TestTarget, host: String) -> Vec<Effect> {
    if let TestTarget::Entry(id) = &target {
        app.health.unsent(id);
    }
    if let Some(f) = app.target_form(&target) {
        f.test = None;
        app.popup = Some(Popup::Confirm {
            what: Confirm::SendKeyTo { target, host },
            yes: false,
        });
    }
    vec![]
}

pub(super) fn deployments_listed(
    app: &mut App,
    target: TestTarget,
    result: Result<
        Vec<crate::conntest::deployments::Deployment>,
        crate::conntest::deployments::NotListed,
    >,
) -> Vec<Effect> {
    let items = match result {
        Ok(items) if items.is_empty() => {
            app.set_status(Level::Info, s::NO_DEPLOYMENTS);
            return vec![];
        }
        Ok(items) => items,
        Err(e) => {
            app.set_status(Level::Error, s::not_listed(&e));
            return vec![];
        }
    };
    // A deployment-bound URL: say whether the deployment it names exists.
    let bound = app
        .target_form(&target)
        .and_then(|f| f.reading())
        .and_then(|(_, r)| r.deployment);
    match bound {
        Some(d) if items.iter().any(|x| x.id == d) => {
            app.set_status(Level::Info, s::deployment_exists(&d));
        }
        Some(d) => app.set_status(Level::Error, s::deployment_missing(&d)),
        None => app.status = None,
    }
    app.popup = Some(Popup::PickDeployment {
        target,
        items,
        cursor: 0,
    });
    vec![]
}

/// A failed operation on the status line, with the TUI's ways forward.
fn failed(app: &mut App, e: &OpError) -> Vec<Effect> {
    app.set_status(Level::Error, s::failed(e));
    vec![]
}
