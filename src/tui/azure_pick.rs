//! Sign in with Azure: the Azure CLI's identity, then a subscription, a resource (an Azure
//! OpenAI or Foundry account) and a deployment (or the whole resource) picked from lists with
//! a `/` filter. The pick becomes a connection through `azure::add::prepare`, the path
//! `aiconn discover --add` takes, and opens in the form unsaved, the key typed in (masked):
//! it reaches the secret backend only when the form is saved. Every request runs on the
//! worker; this file only changes the state.

use super::app::{Action, App, ArmHandle, Effect, EntryId, Focus, Level, Popup};
use super::filter::Needle;
use super::form::{Form, SecretInput, masked_input};
use super::keymap::{Cmd, Ctx, lookup};
use super::strings as s;
use crate::azure::add::{PrepareError, Prepared, keyless_words, plan_project};
use crate::azure::discover::{Account, Subscription};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use secrecy::ExposeSecret;

/// Which list is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Subscriptions,
    Accounts,
    Deployments,
}

/// What the worker is doing for the flow (its line replaces the list's hint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    SigningIn,
    Listing,
    Reading,
    Connecting,
}

/// A row of the current list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Subscription(usize),
    Account(usize),
    /// The whole resource: one connection for all its models (Foundry) or deployments.
    Whole,
    Deployment(usize),
    /// A Foundry project of the account: a keyless project connection.
    Project(usize),
}

#[derive(Debug, Clone)]
pub struct AzurePick {
    pub arm: Option<ArmHandle>,
    pub stage: Stage,
    pub subscriptions: Vec<Subscription>,
    /// The chosen subscription's display name (the accounts list's title).
    pub subscription: Option<String>,
    pub accounts: Vec<Account>,
    /// The chosen account, with its deployments read.
    pub account: Option<Account>,
    /// Position among the visible rows.
    pub cursor: usize,
    pub filter: String,
    pub filtering: bool,
    pub busy: Option<Busy>,
    pub error: Option<String>,
    /// What the flow decided by itself (the only subscription), said under the list.
    pub note: Option<String>,
}

impl AzurePick {
    pub fn new() -> Self {
        AzurePick {
            arm: None,
            stage: Stage::Subscriptions,
            subscriptions: Vec::new(),
            subscription: None,
            accounts: Vec::new(),
            account: None,
            cursor: 0,
            filter: String::new(),
            filtering: false,
            busy: Some(Busy::SigningIn),
            error: None,
            note: None,
        }
    }

    /// The rows of the current list the filter keeps, in order.
    pub fn rows(&self) -> Vec<Pick> {
        let n = Needle::new(&self.filter);
        match self.stage {
            Stage::Subscriptions => (self.subscriptions.iter().enumerate())
                .filter(|(_, x)| n.any(&[&x.name, &x.id]))
                .map(|(i, _)| Pick::Subscription(i))
                .collect(),
            Stage::Accounts => (self.accounts.iter().enumerate())
                .filter(|(_, a)| n.any(&[&a.name, &a.kind, &a.location, &a.resource_group]))
                .map(|(i, _)| Pick::Account(i))
                .collect(),
            Stage::Deployments => {
                let Some(a) = &self.account else {
                    return Vec::new();
                };
                let whole = n.any(&[whole_label(a)]).then_some(Pick::Whole);
                whole
                    .into_iter()
                    .chain(
                        (a.deployments.iter().enumerate())
                            .filter(|(_, d)| {
                                let model = d.model.as_deref().unwrap_or("");
                                n.any(&[&d.name, model, d.version.as_deref().unwrap_or("")])
                            })
                            .map(|(i, _)| Pick::Deployment(i)),
                    )
                    .chain(
                        (a.projects.iter().enumerate())
                            .filter(|(_, p)| n.any(&[&p.name, s::AZ_PROJECT_TAG]))
                            .map(|(i, _)| Pick::Project(i)),
                    )
                    .collect()
            }
        }
    }

    pub fn current(&self) -> Option<Pick> {
        self.rows().get(self.cursor).copied()
    }

    fn go_to(&mut self, stage: Stage) {
        self.stage = stage;
        self.cursor = 0;
        self.filter.clear();
        self.filtering = false;
        self.busy = None;
    }
}

impl Default for AzurePick {
    fn default() -> Self {
        Self::new()
    }
}

/// The label of the whole-resource row.
pub fn whole_label(a: &Account) -> &'static str {
    if a.kind.eq_ignore_ascii_case("AIServices") {
        s::AZ_WHOLE_FOUNDRY
    } else {
        s::AZ_WHOLE_OPENAI
    }
}

/// Opens the flow and asks the worker to sign in.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.popup = Some(Popup::Azure(Box::default()));
    vec![Effect::AzureSignIn]
}

/// The bar offers `e` (keyless) on the deployments list only.
pub fn offers_keyless(app: &App) -> bool {
    matches!(&app.popup, Some(Popup::Azure(p)) if p.stage == Stage::Deployments && p.busy.is_none())
}

/// A key while the flow is open (the popup was taken out of `app`; put back unless closed).
pub fn on_key(app: &mut App, mut p: Box<AzurePick>, k: KeyEvent) -> Vec<Effect> {
    if p.filtering {
        on_filter_key(&mut p, k);
        app.popup = Some(Popup::Azure(p));
        return vec![];
    }
    let cmd = lookup(Ctx::AzurePick, &k);
    if p.busy.is_some() && !matches!(cmd, Some(Cmd::Back | Cmd::Quit)) {
        app.popup = Some(Popup::Azure(p));
        return vec![];
    }
    let n = p.rows().len();
    match cmd {
        Some(Cmd::Quit) => {
            app.popup = Some(Popup::Azure(p));
            return super::update::request_quit(app);
        }
        Some(Cmd::Back) => match (p.busy, p.stage) {
            (Some(_), _) | (None, Stage::Subscriptions) => return vec![],
            (None, Stage::Accounts) => p.go_to(Stage::Subscriptions),
            (None, Stage::Deployments) => p.go_to(Stage::Accounts),
        },
        Some(Cmd::Up) => p.cursor = p.cursor.saturating_sub(1),
        Some(Cmd::Down) => p.cursor = (p.cursor + 1).min(n.saturating_sub(1)),
        Some(Cmd::Top) => p.cursor = 0,
        Some(Cmd::Bottom) => p.cursor = n.saturating_sub(1),
        Some(Cmd::Filter) => p.filtering = true,
        Some(Cmd::Choose) => return choose(app, p, false),
        Some(Cmd::Keyless) if p.stage == Stage::Deployments => return choose(app, p, true),
        _ => {}
    }
    p.error = p.error.take().filter(|_| !matches!(cmd, Some(Cmd::Back)));
    app.popup = Some(Popup::Azure(p));
    vec![]
}

fn on_filter_key(p: &mut AzurePick, k: KeyEvent) {
    match lookup(Ctx::AzureFilter, &k) {
        Some(Cmd::Commit) => p.filtering = false,
        Some(Cmd::Cancel) => {
            p.filter.clear();
            p.filtering = false;
        }
        Some(Cmd::ClearText) => p.filter.clear(),
        _ => match k.code {
            KeyCode::Backspace => {
                p.filter.pop();
            }
            KeyCode::Char(c) if !c.is_control() => p.filter.push(c),
            _ => {}
        },
    }
    p.cursor = p.cursor.min(p.rows().len().saturating_sub(1));
}

/// Enter (or `e`, keyless) on a row: the next list, or the connection.
fn choose(app: &mut App, mut p: Box<AzurePick>, entra: bool) -> Vec<Effect> {
    let (Some(pick), Some(arm)) = (p.current(), p.arm.clone()) else {
        app.popup = Some(Popup::Azure(p));
        return vec![];
    };
    p.error = None;
    let effect = match pick {
        Pick::Subscription(i) => {
            let sub = &p.subscriptions[i];
            p.subscription = Some(sub.name.clone());
            p.busy = Some(Busy::Listing);
            Effect::AzureAccounts {
                arm,
                subscription: sub.id.clone(),
            }
        }
        Pick::Account(i) => {
            p.busy = Some(Busy::Reading);
            Effect::AzureFill {
                arm,
                account: p.accounts[i].clone(),
            }
        }
        Pick::Project(i) => {
            let (Some(account), Some(project)) = (
                p.account.clone(),
                p.account.as_ref().and_then(|a| a.projects.get(i).cloned()),
            ) else {
                app.popup = Some(Popup::Azure(p));
                return vec![];
            };
            // Keyless, so nothing to read: the form opens at once.
            match plan_project(&free_name(app, &project.name), &account, &project.name) {
                Ok(plan) => {
                    app.popup = None;
                    open_form(app, &account, Prepared { plan, key: None });
                }
                Err(e) => {
                    p.error = Some(e.to_string());
                    app.popup = Some(Popup::Azure(p));
                }
            }
            return vec![];
        }
        Pick::Whole | Pick::Deployment(_) => {
            let Some(account) = p.account.clone() else {
                app.popup = Some(Popup::Azure(p));
                return vec![];
            };
            let deployment = match pick {
                Pick::Deployment(i) => account.deployments.get(i).cloned(),
                _ => None,
            };
            let base = deployment.as_ref().map_or(&account.name, |d| &d.name);
            p.busy = Some(Busy::Connecting);
            Effect::AzurePrepare {
                arm,
                name: free_name(app, base),
                account,
                deployment,
                entra,
            }
        }
    };
    app.popup = Some(Popup::Azure(p));
    vec![effect]
}

/// `base`, or `base-2`, `base-3`, ... : the first name no connection or open draft has.
pub fn free_name(app: &App, base: &str) -> String {
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let taken = |n: &str| {
        app.stored_conn(n).is_some()
            || app
                .drafts
                .iter()
                .any(|(_, f)| super::form::text_of(&f.name) == n)
    };
    (1..)
        .map(|i| match i {
            1 => clean.clone(),
            i => format!("{clean}-{i}"),
        })
        .find(|n| !taken(n))
        .unwrap_or(clean)
}

/// An answer from the worker for the flow; one for a flow that was closed is dropped.
pub fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(Popup::Azure(p)) = app.popup.as_mut() else {
        return vec![];
    };
    match action {
        Action::AzureSignedIn(Ok((arm, subs))) => {
            p.arm = Some(arm.clone());
            p.subscriptions = subs;
            p.go_to(Stage::Subscriptions);
            if p.subscriptions.is_empty() {
                p.error = Some(s::AZ_NO_SUBSCRIPTIONS.into());
            }
            // One subscription is no choice: list its resources now and say which it is.
            if let [only] = p.subscriptions.as_slice() {
                p.note = Some(s::az_only_subscription(&only.name, &only.id));
                p.subscription = Some(only.name.clone());
                p.busy = Some(Busy::Listing);
                return vec![Effect::AzureAccounts {
                    arm,
                    subscription: only.id.clone(),
                }];
            }
        }
        Action::AzureSignedIn(Err(e)) => {
            p.busy = None;
            p.error = Some(e.to_string());
        }
        Action::AzureAccountsListed {
            subscription,
            result,
        } => {
            let name = (p.subscriptions.iter())
                .find(|x| x.id == subscription)
                .map_or(subscription.clone(), |x| x.name.clone());
            match result {
                Ok(accounts) => {
                    p.accounts = accounts;
                    p.go_to(Stage::Accounts);
                    if p.accounts.is_empty() {
                        p.error = Some(s::az_no_accounts(&name));
                    }
                }
                Err(e) => {
                    p.busy = None;
                    p.error = Some(s::az_subscription_failed(&name, &e.to_string()));
                }
            }
        }
        Action::AzureFilled(account) => {
            p.error = (!account.errors.is_empty()).then(|| account.errors.join("; "));
            p.account = Some(*account);
            p.go_to(Stage::Deployments);
        }
        Action::AzurePrepared { account, result } => match result {
            Ok(prepared) => {
                let notice = retirement(p, app.today);
                app.popup = None;
                open_form(app, &account, *prepared);
                if let (Some(n), Some((_, status))) = (notice, app.status.as_mut()) {
                    status.push_str(&format!(" {}", s::az_deployment_retires(&n)));
                }
            }
            Err(e) => {
                p.busy = None;
                p.error = Some(match e {
                    PrepareError::KeysForbidden(m) => s::az_keys_forbidden(&m),
                    PrepareError::Keys(m) => m,
                    PrepareError::Plan(e) => e.to_string(),
                });
            }
        },
        _ => {}
    }
    vec![]
}

/// The picked deployment's retirement notice ("retires 2027-01-15, in 44 days").
fn retirement(p: &AzurePick, today: i64) -> Option<String> {
    let Some(Pick::Deployment(i)) = p.current() else {
        return None;
    };
    let d = p.account.as_ref()?.deployments.get(i)?;
    d.lifecycle.as_ref()?.notice(today).map(|(t, _)| t)
}

/// The prepared connection as a new, unsaved form: the account's key typed in (masked), so
/// saving the form writes it to the secret backend and nothing before.
fn open_form(app: &mut App, account: &Account, prepared: Prepared) {
    let mut f = Form::from_connection(&prepared.plan.conn);
    f.base = None;
    if let Some(key) = &prepared.key
        && let Some(api_key) = f.spec.role(crate::catalogue::Role::ApiKey)
        && let Some(field) = f.fields.iter_mut().find(|x| x.key == api_key.key)
        && let Some(sec) = field.secret.as_mut()
    {
        field.input = masked_input(key.expose_secret());
        sec.state = SecretInput::Typed;
    }
    let id = EntryId::New(app.next_new);
    app.next_new += 1;
    app.drafts.push((id.clone(), f));
    app.selected = Some(id);
    app.set_focus(Focus::Form);
    app.set_editing(false);
    // Reached from the guided setup's first step: the form takes over from it.
    app.close_wizard();
    let mut said = vec![match prepared.plan.keyless {
        Some(k) => s::az_filled_keyless(&keyless_words(k, account)),
        None => s::az_filled_with_key(&account.name),
    }];
    said.extend(prepared.plan.notes);
    app.set_status(Level::Info, said.join(" "));
}
