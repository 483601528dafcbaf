//! Every user-facing string of the TUI in one place.

use super::keymap::{Cmd, Ctx, label as key};

pub use super::keymap::HELP_HINT;

pub const APP: &str = "aiconn";
pub const READONLY_TAG: &str = "read-only";
pub const LIST_TITLE: &str = "Connections";
pub const EMPTY_LIST: &str = "No connections yet.";
pub const EMPTY_LIST_ACTION: &str = "Press n to create one, or w for the guided setup.";
pub const NO_SELECTION: &str = "Select a connection, or press n for a new one.";
pub const NEW_ENTRY: &str = "(new)";
pub const ADVANCED_SHOW: &str = "▸ Advanced settings";
pub const ADVANCED_HIDE: &str = "▾ Advanced settings";
pub const ADD_CONFIG: &str = "+ add config";
pub const ADD_SECRET: &str = "+ add secret";
pub fn secret_stored() -> String {
    format!(
        "{} (stored; {} loads it)",
        crate::tui::form::MASK_AT_REST,
        key(Ctx::Form, Cmd::Reveal)
    )
}
pub const SECRET_UNSET: &str = "(not set)";
pub const SECRET_NOT_NEEDED: &str = "(not used with Entra ID)";
pub const WORKING: &str = "working…";
pub const LOADING: &str = "Reading connections…";
pub const LOAD_FAILED: &str = "The connections file cannot be read; it was not changed.";
pub const LOAD_FAILED_ACTION: &str =
    "Fix it in an editor (the position is above), then start aiconn again. q quits.";
pub const TESTING: &str = "testing…";
pub const READONLY_REFUSED: &str =
    "Read-only view (aiconn inspect or --readonly): nothing can be changed.";
pub const SAVED: &str = "Saved";
pub const DELETED: &str = "Deleted";
pub const NOTHING_TO_SAVE: &str = "Nothing to save.";
pub const NOTHING_TO_FIX: &str = "The endpoint has nothing to fix.";
pub const DISCARDED: &str = "Changes discarded.";
pub const TOO_SMALL: &str = "Terminal too small";
pub const PICK_TYPE_TITLE: &str = "New connection: pick a type";
pub const PICK_TYPE_ADVICE: &str = "URL has services.ai.azure.com/models? Azure AI (Foundry). <name>.openai.azure.com? Azure OpenAI.";
pub const CONFIRM_QUIT: &str = "There are unsaved changes. Quit and lose them?";
pub const CONFIRM_DISCARD: &str = "Discard the unsaved changes of this connection?";
pub const CONFIRM_LEAVE_SETUP: &str = "Leave the guided setup and lose what you typed?";
pub fn confirm_send_key_to(host: &str) -> String {
    format!("{host} is not a host aiconn knows for this key. Send the key to {host}?")
}
pub const HELP_TITLE: &str = "Keys";
pub const HELP_CLOSE: &str = "↑/↓ scroll · Esc or ? closes this help";
pub const FILTER_PROMPT: &str = "Filter: ";
pub const RENAME_TITLE: &str = "Rename connection";
pub const ADD_KEY_TITLE: &str = "Key name";
pub const SECRET_SOURCE_TITLE: &str = "Secret source: env:NAME or cmd:COMMAND";
pub const SECRET_SOURCE_HOW: &str =
    "env:NAME a variable · cmd:COMMAND its output (no shell) · empty: kept here";
pub fn secret_read_at_use() -> String {
    format!(
        "(read at use; {} reads it now)",
        key(Ctx::Form, Cmd::Reveal)
    )
}
pub fn secret_source_set() -> String {
    format!(
        "The secret will be read at use from there (never stored). {} saves.",
        key(Ctx::Form, Cmd::Save)
    )
}
pub const SECRET_SOURCE_KEPT: &str =
    "The secret is kept in the keychain or vault: type a value to replace the recorded one.";
pub fn secret_source_not_secret() -> String {
    format!(
        "{} sets where a secret comes from: move to a secret field.",
        key(Ctx::Form, Cmd::SecretSource)
    )
}
pub const BACKEND_DOWN: &str = "Secrets cannot be saved here";
pub const OFFER_VAULT: &str = "Press Ctrl-V to keep secrets in an encrypted vault file (secrets.age, a passphrase you choose) instead.";
pub const VAULT_NEW_TITLE: &str = "New vault passphrase (8+ characters)";
pub const VAULT_AGAIN_TITLE: &str = "Vault passphrase again";
pub const VAULT_UNLOCK_TITLE: &str = "Vault passphrase (unlocks secrets.age)";
pub const VAULT_WRONG: &str = "Wrong passphrase; type it again (Esc: leave it locked).";
pub const VAULT_EMPTY: &str = "Type the passphrase (Esc: leave the vault locked).";
pub const VAULT_STAYS_LOCKED: &str =
    "The vault stays locked; it is asked for again when a secret is needed.";

pub fn confirm_delete(name: &str) -> String {
    format!("Are you sure you want to delete the connection '{name}' and its secrets?")
}
pub fn matching(n: usize, text: &str) -> String {
    format!("{n} matching '{text}'")
}
pub fn too_small(need: (u16, u16), have: (u16, u16)) -> String {
    format!("need {}x{}, have {}x{}", need.0, need.1, have.0, have.1)
}
pub fn invalid_save(reason: &str) -> String {
    format!("Cannot save: {reason}")
}

// The guided setup.
pub const WIZARD_TYPE_TITLE: &str = " New connection · Which service? ";
pub const STEP_TYPE: &str = "Which service?";
pub const WIZARD_PASTE_TITLE: &str = " New connection · Paste what you have ";
pub const PASTE_INTRO: &str = "Paste an endpoint URL, a Target URI, or the portal's Keys and Endpoint text (several lines are fine).";
pub const PASTE_PROMISE: &str =
    "The service is read from it; endpoint, deployment, api-version and key are filled in.";
pub const PASTE_LABEL: &str = "Paste";
pub const PASTE_SKIP: &str = "Nothing to paste? Enter picks the service from a list.";
pub const PASTE_SKIP_AZ: &str =
    "Nothing to paste? Enter picks the service from a list, where a signs in with Azure.";
pub const PASTE_NOT_READ: &str =
    "The paste does not say which service it is: pick it from the list (its URL and key are kept).";
pub fn paste_read(service: &str, filled: &[String], key_next: bool) -> String {
    let then = if key_next {
        "Now the key."
    } else {
        "Check, then save."
    };
    if filled.is_empty() {
        return format!("Read as {service}. {then}");
    }
    format!("Read as {service}: {} filled in. {then}", filled.join(", "))
}
pub const STEP_NAME: &str = "Name";
pub const STEP_ENDPOINT: &str = "Endpoint";
pub const STEP_KEY: &str = "API key";
pub const STEP_EXTRAS: &str = "Other settings";
pub const STEP_REVIEW: &str = "Review";
pub const PICK_TYPE: &str = "Pick the kind of service this connection is for.";
pub const GO_ON_UNSAVED: &str = "Or go on: the connection then waits, unsaved, in the editor.";
pub const CHECKING_KEYCHAIN: &str = "Checking the keychain…";
pub const PASTE_KEY_VAULT: &str =
    "Paste the key (it stays hidden; it goes to the encrypted vault, never to a plain file).";
pub const PASTE_KEY_NOWHERE: &str = "Paste the key (it stays hidden). It can be saved once the vault is chosen (Ctrl-V) or the keychain works; until then the connection waits, unsaved.";
pub const PASTE_KEY_KEYCHAIN: &str =
    "Paste the key (it stays hidden; it goes to the OS keychain, never to a file).";
pub const EXTRAS_INTRO: &str =
    "Other settings (defaults are prompt flow's). ←/→ change a choice; Enter goes on.";
pub const REVIEW_BUTTONS: [&str; 3] = ["Save", "Edit", "Cancel"];

pub fn paste_endpoint(label: &str) -> String {
    format!(
        "Paste the {} from the portal (Keys and Endpoint, or the Target URI).",
        label.to_lowercase()
    )
}

/// The values a fix fills besides the base, as "(deployment gpt-4o, api_version 2024-10-21)".
fn fills(fix: &crate::draft::Fix) -> String {
    if fix.fills.is_empty() {
        return String::new();
    }
    let list: Vec<String> = fix
        .fills
        .iter()
        .map(|(k, v)| match v.is_empty() {
            true => format!("{k} cleared"),
            false => format!("{k} {v}"),
        })
        .collect();
    format!(" ({})", list.join(", "))
}

pub fn press_f_to_store(fix: &crate::draft::Fix) -> String {
    format!(
        "{} stores {}{}",
        key(Ctx::Form, Cmd::Fix),
        fix.base,
        fills(fix)
    )
}

/// What a carried-out fix stored.
pub fn stored_fix(fix: &crate::draft::Fix) -> String {
    format!("Stored the base {}{}.", fix.base, fills(fix))
}

pub fn enter_stores(fix: &crate::draft::Fix) -> String {
    format!(
        "Enter stores the base {}{} (then Enter again to go on).",
        fix.base,
        fills(fix)
    )
}

// Status lines.
pub const SAVE_BEFORE_RENAME: &str = "Save or discard the changes before renaming.";
pub const PASSPHRASES_DIFFER: &str = "The two passphrases differ; type it again.";
pub fn load_before_unmark() -> String {
    format!(
        "Load the secret first ({}), then mark it as not secret.",
        key(Ctx::Form, Cmd::Reveal)
    )
}

pub fn press_to_store(base: &str) -> String {
    format!("{} stores {base}", key(Ctx::Form, Cmd::Fix))
}
pub const STORED_IN_CLEAR: &str = "This value will be stored in connections.toml in clear.";
pub const RENAME_FROM_LIST: &str = "Rename from the list (R): it moves the secrets too.";

pub fn renamed(old: &str, new: &str) -> String {
    format!("Renamed '{old}' to '{new}'.")
}

/// A failure of the core with the TUI's ways forward (the core decides which apply:
/// `service::advice`; the CLI words the same ones as commands).
pub fn failed(e: &crate::service::OpError) -> String {
    let mut out = e.to_string();
    for a in crate::service::advice(e) {
        out.push_str(&advice(&a));
    }
    out
}

fn advice(a: &crate::service::Advice) -> String {
    use crate::service::Advice;
    match a {
        Advice::NameTaken { name } => {
            format!(" (pick another name, or open '{name}' to change it)")
        }
        Advice::SetSecretAgain { field, .. } => format!(
            ": type a new value for '{field}' in the form and save ({})",
            key(Ctx::Form, Cmd::Save)
        ),
        Advice::UseVault => {
            "; or keep secrets in the encrypted vault: `aiconn secrets migrate --to vault`".into()
        }
        Advice::Diagnose => "; `aiconn doctor` says why".into(),
    }
}

pub fn now_kept_in(backend: &crate::model::Backend) -> String {
    format!("Secrets are now kept in the {backend} (secrets.age, encrypted).")
}

// Labels and buttons.
pub const NAME_LABEL: &str = "Name";
pub const TYPE_LABEL: &str = "Type";
pub const CONFIRM_TITLE: &str = "Confirm";
pub const YES: &str = "Yes";
pub const NO: &str = "No";

// Deployments (D on the form).
pub const LISTING_DEPLOYMENTS: &str = "Listing the deployments behind the endpoint…";
pub const NO_DEPLOYMENTS: &str =
    "No deployments on this resource yet: deploy a model in the Foundry portal.";
pub const PICK_DEPLOYMENT_TITLE: &str = "Deployments";
pub const PICK_DEPLOYMENT_ADVICE: &str =
    "What is deployed on this resource (↑↓, Enter uses it, Esc closes).";

pub fn deployment_exists(d: &str) -> String {
    format!("The endpoint's deployment '{d}' exists.")
}

pub fn deployment_missing(d: &str) -> String {
    format!("The endpoint names deployment '{d}', which is not deployed here: pick one.")
}

pub fn deployment_set(d: &str) -> String {
    format!("The endpoint now names deployment '{d}'.")
}

pub fn deployment_as_model(d: &str) -> String {
    format!("Use '{d}' as the model in requests to this endpoint.")
}

// Why an endpoint blocks a save (the draft's blockers, in the form's words).
pub fn request_url_not_base() -> String {
    format!(
        "this is a full request URL (Target URI): {} stores its base",
        key(Ctx::Form, Cmd::Fix)
    )
}
pub fn client_adds_route() -> String {
    format!(
        "clients add /openai/deployments/<name> to this base themselves: {} stores the resource base",
        key(Ctx::Form, Cmd::Fix)
    )
}
pub fn https_only() -> String {
    format!(
        "this service only speaks https://: {} stores the https URL",
        key(Ctx::Form, Cmd::Fix)
    )
}

// Sign in with Azure (`a` on the type picker or the guided setup's first screen).
pub const AZ_TITLE: &str = "Sign in with Azure";
pub const AZ_OFFER: &str = "a: sign in with Azure and pick your resource (uses az)";
pub const AZ_SIGNING_IN: &str = "Signing in with the Azure CLI…";
pub const AZ_LISTING: &str = "Listing the resources of the subscription…";
pub const AZ_READING: &str = "Reading the resource's deployments…";
pub const AZ_CONNECTING: &str = "Reading the resource's key…";
pub const AZ_PICK_SUBSCRIPTION: &str = "Subscription:";
pub const AZ_WHOLE_FOUNDRY: &str = "all models (one connection)";
pub const AZ_WHOLE_OPENAI: &str = "the whole resource (every deployment)";
pub const AZ_KEYLESS_TAG: &str = "Entra ID only";
pub const AZ_PROJECT_TAG: &str = "project (Foundry SDK, agents; Entra ID)";
pub const AZ_NO_SUBSCRIPTIONS: &str = "Your Azure identity sees no subscriptions (another tenant: az login --tenant <id> --use-device-code).";
pub const AZ_NO_ROWS: &str = "(nothing matches the filter)";
pub fn az_accounts_in(sub: &str) -> String {
    format!("Azure OpenAI and Foundry resources in '{sub}':")
}
pub fn az_only_subscription(name: &str, id: &str) -> String {
    format!("Using '{name}' ({id}), the only subscription you see.")
}
pub fn az_deployments_of(account: &str) -> String {
    format!("Deployments of '{account}':")
}
pub fn az_no_accounts(sub: &str) -> String {
    format!(
        "No Azure OpenAI or Foundry (AIServices) resources in '{sub}'. Esc: another subscription."
    )
}
pub fn az_subscription_failed(sub: &str, e: &str) -> String {
    format!("Subscription '{sub}': {e}")
}
pub fn az_keys_forbidden(m: &str) -> String {
    format!(
        "{m}; ask for that role, or press {} for a keyless (Microsoft Entra ID) connection (needs Cognitive Services OpenAI User).",
        key(Ctx::AzurePick, Cmd::Keyless)
    )
}
pub fn az_filled_with_key(account: &str) -> String {
    format!(
        "Filled from Azure with the key of '{account}' (stored when you save). {} saves, {} tests.",
        key(Ctx::Form, Cmd::Save),
        key(Ctx::Form, Cmd::Test)
    )
}
pub fn az_filled_keyless(why: &str) -> String {
    format!(
        "Filled from Azure, keyless: {why}. {} saves, {} tests.",
        key(Ctx::Form, Cmd::Save),
        key(Ctx::Form, Cmd::Test)
    )
}
pub fn answers_as(model: &str, notice: &str) -> String {
    format!("The deployment answers as {model}: {notice}.")
}
pub fn answers_not_recorded(model: &str, recorded: &str) -> String {
    format!(
        "The deployment answers as {model}, not the recorded {recorded} (upgraded since? set Model and Model version under advanced settings)."
    )
}
pub fn az_deployment_retires(notice: &str) -> String {
    format!("The deployment {notice}.")
}
pub fn reload_failed(e: &crate::store::StoreError) -> String {
    format!(
        "The connections file changed on disk but cannot be read now (the list shows it as it was): {}",
        store_failed(e)
    )
}

/// Why the connections file cannot be read (at start: the fatal screen; later: a reload).
pub fn store_failed(e: &crate::store::StoreError) -> String {
    e.to_string()
}

/// The keychain probe's failure, for the wizard's key step: what is wrong, what fixes it, and
/// the ways forward `service::secret_advice` gives (the vault offer is its own line, with its
/// key: `OFFER_VAULT`).
pub fn backend_down(e: &crate::secrets::SecretError) -> String {
    use crate::service::Advice;
    let mut out = format!("{}; {}", e.summary(), e.fix());
    for a in crate::service::secret_advice(e) {
        if a != Advice::UseVault {
            out.push_str(&advice(&a));
        }
    }
    out
}

/// Why `D` listed nothing: a key that could not be had with its ways forward ([`failed`]).
pub fn not_listed(e: &crate::conntest::deployments::NotListed) -> String {
    use crate::conntest::deployments::NotListed;
    match e {
        NotListed::Key(e) => failed(e),
        NotListed::Refused(why) => why.clone(),
    }
}

/// Why a test sent nothing: a key that could not be had with its ways forward ([`failed`]).
pub fn not_tested(e: &crate::conntest::NotTested) -> String {
    match e {
        crate::conntest::NotTested::Key(e) => failed(e),
        other => other.to_string(),
    }
}

pub fn changed_on_disk(name: &str) -> String {
    format!(
        "'{name}' was changed on disk by another program; your unsaved edits are kept here (a save is refused; {} discards them to see the new version).",
        key(Ctx::Form, Cmd::Discard)
    )
}
pub fn deleted_on_disk(name: &str) -> String {
    format!(
        "'{name}' was deleted on disk by another program; your unsaved edits are kept as a new connection (save to create it again)."
    )
}

pub const NOTHING_TO_SWITCH: &str = "The endpoint fits this type: nothing to switch to.";
pub fn switched_type(label: &str) -> String {
    format!("Switched to {label}: name, endpoint and key kept. Check the fields, then save.")
}
pub fn offer_switch(label: &str) -> String {
    format!(
        "This endpoint belongs to {label}: {} switches to it (name, endpoint and key kept).",
        key(Ctx::Form, Cmd::SwitchType)
    )
}
pub fn name_taken(name: &str) -> String {
    format!("a connection named '{name}' already exists: pick another name")
}

// Health at a glance: `t` / `T` on the list, the TEST column, the status of the selected one.
pub const TEST_ALL_RUNNING: &str = "A test of every connection is already running.";
pub const NOTHING_TO_TEST: &str = "Nothing to test: no saved connection is shown.";
pub fn testing_all(done: usize, total: usize) -> String {
    format!("testing {done}/{total}…")
}
pub fn tested_all(total: usize, ok: usize, failed: usize, skipped: usize) -> String {
    let what = if total == 1 {
        "connection"
    } else {
        "connections"
    };
    format!("Tested {total} {what}: {ok} ok, {failed} failed, {skipped} skipped.")
}
/// The selected connection's last result, in the status line (the list does not show it).
pub fn last_test(name: &str, mark: &str, message: &str, stale: bool) -> String {
    if stale {
        format!("{mark} {name} (before it was changed): {message}")
    } else {
        format!("{mark} {name}: {message}")
    }
}
/// The form's line for a result of before an edit (the list marks it `?`).
pub const TEST_STALE: &str = "(before it was changed) ";
pub const NO_MESSAGE: &str = "No message to show.";
pub const MESSAGE_TITLE: &str = "Message";
pub fn message_close() -> String {
    format!("↑/↓ scroll · {} closes", key(Ctx::Message, Cmd::Cancel))
}
pub fn status_cut() -> String {
    format!(" {} shows all", key(Ctx::List, Cmd::ShowStatus))
}
// The list's headings and key words.
pub const COL_NAME: &str = "NAME";
pub const COL_TYPE: &str = "TYPE";
pub const COL_KEY: &str = "KEY";
pub const COL_KEY_SHORT: &str = "K";
pub const COL_TEST: &str = "TEST";
pub const COL_TEST_SHORT: &str = "T";
pub const COL_HOST: &str = "HOST";
pub const COL_ENDPOINT: &str = "ENDPOINT";
pub const KEY_UNSET: &str = "unset";
pub const KEY_ENV: &str = "env";
pub const KEY_ENV_UNSET: &str = "env unset";
pub const KEY_TYPED: &str = "typed";
pub const KEY_MISSING: &str = "missing";
pub const KEY_NONE: &str = "none";
pub const KEY_MIXED: &str = "mixed";
