//! The vault passphrase dialog. The worker asks when an effect first needs a secret (reveal,
//! test, deployments, save) and waits; the dialog answers with `Effect::Passphrase`. The core
//! checks each answer and asks again after a wrong one (three tries); a new vault's
//! passphrase is checked for strength and typed twice here, before the worker sees it.

use super::*;

/// Opens the dialog for the worker's question.
pub(super) fn asked(app: &mut App, create: bool, retry: bool) -> Vec<Effect> {
    app.popup = Some(Popup::Input {
        for_: InputFor::VaultPassphrase {
            create,
            first: None,
        },
        input: crate::tui::form::masked_input(""),
        error: retry.then(|| s::VAULT_WRONG.to_string()),
    });
    vec![]
}

/// Enter in the dialog: answer the worker, or (a new vault) check and ask to type it again.
pub(super) fn submitted(
    app: &mut App,
    create: bool,
    first: Option<String>,
    typed: String,
) -> Vec<Effect> {
    let again = |app: &mut App, first: Option<String>, error: Option<&str>| {
        app.popup = Some(Popup::Input {
            for_: InputFor::VaultPassphrase { create, first },
            input: crate::tui::form::masked_input(""),
            error: error.map(str::to_string),
        });
        vec![]
    };
    if typed.is_empty() {
        return again(app, first, Some(s::VAULT_EMPTY));
    }
    if !create {
        return vec![Effect::Passphrase(Some(SecretString::from(typed)))];
    }
    match first {
        None => match crate::secrets::weak_passphrase(&typed) {
            Some(why) => again(app, None, Some(&why)),
            None => again(app, Some(typed), None),
        },
        Some(f) if f != typed => again(app, None, Some(s::PASSPHRASES_DIFFER)),
        Some(_) => vec![Effect::Passphrase(Some(SecretString::from(typed)))],
    }
}
