//! What the bottom bar offers: the keymap's hints for the current context, less the commands
//! that do nothing where the user is (reveal off a secret field, the vault when the keychain
//! works).

use super::app::App;
use super::form::Row;
use super::keymap::{Cmd, hints_where};
use crate::model::Backend;

/// `(keys, hint)` pairs for the bar, in the keymap's order.
pub fn hints_for(app: &App) -> Vec<(String, &'static str)> {
    hints_where(app.key_ctx(), app.readonly, |c| applies(app, c))
}

/// Whether `cmd` does something where the user is now (for the key bar).
pub fn applies(app: &App, cmd: Cmd) -> bool {
    let form = || {
        if let Some(w) = app.wizard() {
            return w.form.clone();
        }
        app.selected.as_ref().and_then(|id| app.form(id))
    };
    let on_secret = || {
        form().is_some_and(|f| match f.focused_row() {
            Row::Field(i) => f.fields[i].secret.is_some(),
            Row::Kv(i) => f.kv[i].secret.is_some(),
            _ => false,
        })
    };
    match cmd {
        Cmd::Reveal | Cmd::SecretSource => on_secret(),
        Cmd::Fix => form().is_some_and(|f| f.offer().is_some()),
        Cmd::UseVault => app.wizard().is_some_and(|w| {
            w.step == super::wizard::Step::Key
                && matches!(app.backend, Some(Err(_)))
                && app.secret_backend != Backend::Vault
        }),
        Cmd::SignIn => app.az_available,
        Cmd::Keyless => super::azure_pick::offers_keyless(app),
        Cmd::ShowStatus => super::render::status_is_cut(app),
        Cmd::TestAll => !app.stored.is_empty(),
        _ => true,
    }
}
