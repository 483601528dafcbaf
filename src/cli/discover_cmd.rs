//! `aiconn discover [--subscription S] [--json]` and `aiconn discover --add RESOURCE[/DEP]
//! --name N [--type T] [--entra]`: the CLI's words over `azure::discover` and `azure::add`.

use super::{CliError, Context};
use crate::azure::ArmError;
use crate::azure::add::{PrepareError, Prepared, Target, keyless_words, plan_project, prepare};
use crate::azure::discover::{self, Account, Deployment, Progress, Report};
use crate::azure::lifecycle::{self, Urgency};
use crate::service::Expect;
use indexmap::IndexMap;
use std::io::IsTerminal;
use std::time::Duration;

/// A progress line on stderr, only on a terminal (rewritten in place, cleared at the end).
fn progress_line() -> impl Fn(Progress) + Sync {
    let tty = std::io::stderr().is_terminal();
    move |p: Progress| {
        if tty {
            eprint!("\r\x1b[2Kdiscovering: {}/{} accounts", p.done, p.total);
            if p.done == p.total {
                eprint!("\r\x1b[2K");
            }
        }
    }
}

fn arm_error(e: &ArmError) -> CliError {
    CliError::new(e.to_string())
}

pub fn discover(only: Option<&str>, json: bool, timeout: Duration) -> Result<(), CliError> {
    let arm = crate::azure::connect(timeout).map_err(|e| arm_error(&e))?;
    let report = discover::discover(&arm, only, &progress_line()).map_err(|e| arm_error(&e))?;
    if report.subscriptions.is_empty() {
        return Err(CliError::new(match only {
            Some(s) => format!("no subscription '{s}' among those you can see (`az account list`)"),
            None => "your Azure identity sees no subscriptions (`az account list`; another tenant: `az login --tenant <id>`)".into(),
        }));
    }
    if json {
        out_json!(&report);
    } else {
        print_report(&report);
    }
    warn_lifecycle(&report);
    Ok(())
}

fn deployment_row(d: &Deployment, today: i64) -> String {
    let dash = || "-".to_string();
    let sku = match (&d.sku, d.capacity) {
        (Some(s), Some(c)) => format!("{s} x{c}"),
        (Some(s), None) => s.clone(),
        _ => dash(),
    };
    let life = d
        .lifecycle
        .as_ref()
        .and_then(|l| l.notice(today).map(|(t, _)| t).or_else(|| l.status.clone()))
        .unwrap_or_default();
    format!(
        "    deployment {:<20} {:<24} {:<12} {:<8} {:<20} {:<10} {life}",
        d.name,
        d.model.clone().unwrap_or_else(dash),
        d.version.clone().unwrap_or_else(dash),
        d.format.clone().unwrap_or_else(dash),
        sku,
        d.state.clone().unwrap_or_else(dash),
    )
}

fn print_report(report: &Report) {
    let today = lifecycle::today();
    for s in &report.subscriptions {
        out!("subscription {} ({})", s.name, s.id);
        if let Some(e) = &s.error {
            out!("  error: {e}");
            continue;
        }
        if s.accounts.is_empty() {
            out!("  no Azure OpenAI or Foundry (AIServices) accounts");
        }
        for a in &s.accounts {
            out!(
                "  account {}  {}  {}  group {}  {}{}",
                a.name,
                a.kind,
                a.location,
                a.resource_group,
                a.openai_base().unwrap_or_default(),
                if a.key_auth_disabled {
                    "  (key authentication disabled: Entra ID only)"
                } else {
                    ""
                }
            );
            for p in &a.projects {
                out!(
                    "    project {}  {}",
                    p.name,
                    p.endpoint.clone().unwrap_or_default()
                );
            }
            for d in &a.deployments {
                out!("{}", deployment_row(d, today));
            }
            for e in &a.errors {
                out!("    error: {e}");
            }
        }
    }
}

/// A warning line per deployment retiring within 60 days or retired.
fn warn_lifecycle(report: &Report) {
    let today = lifecycle::today();
    for a in report.subscriptions.iter().flat_map(|s| &s.accounts) {
        for d in &a.deployments {
            let notice = d.lifecycle.as_ref().and_then(|l| l.notice(today));
            if let Some((text, Urgency::Soon | Urgency::Past)) = notice {
                say!(
                    "aiconn: warning: deployment '{}' on '{}': {text}",
                    d.name,
                    a.name
                );
            }
        }
    }
}

pub struct AddArgs<'a> {
    pub target: &'a str,
    pub name: &'a str,
    pub subscription: Option<&'a str>,
    pub type_id: Option<&'a str>,
    pub entra: bool,
    /// A Foundry project of the account (a keyless `foundry_project` connection).
    pub project: Option<&'a str>,
    pub timeout: Duration,
}

/// The one account `target` names among the subscriptions `only` selects, and the
/// subscription it is in ("Contoso Dev (sub-1)", for the message).
fn find_account(
    arm: &crate::azure::arm::Arm,
    target: &Target,
    only: Option<&str>,
) -> Result<(Account, String), CliError> {
    let subs = discover::subscriptions(arm, only).map_err(|e| arm_error(&e))?;
    let listed = discover::bounded(&subs, discover::WORKERS, |s| discover::accounts(arm, &s.id));
    let mut found: Vec<(Account, String)> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for (s, r) in subs.iter().zip(listed) {
        match r {
            Ok(accts) => found.extend(
                (accts.into_iter().filter(|a| target.matches(a)))
                    .map(|a| (a, format!("{} ({})", s.name, s.id))),
            ),
            Err(e) => failed.push(format!("{}: {e}", s.name)),
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => {
            let mut m = format!(
                "no Azure OpenAI or Foundry account '{}' in the {} subscription(s) you can see (deleted, or in another tenant?); `aiconn discover` lists them",
                target.resource,
                subs.len()
            );
            if !failed.is_empty() {
                m.push_str(&format!("; not searched: {}", failed.join("; ")));
            }
            Err(CliError::new(m))
        }
        _ => Err(CliError::usage(format!(
            "'{}' names accounts in several places: give its ARM id instead ({})",
            target.resource,
            found
                .iter()
                .map(|(a, _)| a.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The deployment `d` of `account`, or what it has instead.
fn find_deployment<'a>(account: &'a Account, d: &str) -> Result<&'a Deployment, CliError> {
    account
        .deployments
        .iter()
        .find(|x| x.name.eq_ignore_ascii_case(d))
        .ok_or_else(|| {
            let have: Vec<&str> = account
                .deployments
                .iter()
                .map(|x| x.name.as_str())
                .collect();
            CliError::new(format!(
                "no deployment '{d}' on '{}'{}",
                account.name,
                if have.is_empty() {
                    " (it has none)".to_string()
                } else {
                    format!("; it has: {}", have.join(", "))
                }
            ))
        })
}

/// The CLI's message for a pick that gives no connection.
fn prepare_error(e: PrepareError) -> CliError {
    match e {
        PrepareError::Plan(p) => CliError::usage(p.to_string()),
        PrepareError::KeysForbidden(m) => CliError::new(format!(
            "{m}; ask for that role, or add it keyless with --entra (needs Cognitive Services OpenAI User)"
        )),
        PrepareError::Keys(m) => CliError::new(m),
    }
}

pub fn add(ctx: &Context, a: &AddArgs<'_>) -> Result<(), CliError> {
    crate::model::validate_name(a.name).map_err(CliError::usage)?;
    if ctx.store.snapshot()?.get(a.name).is_some() {
        return Err(CliError::new(format!(
            "connection '{}' already exists: pick another --name (or `aiconn delete {}` first)",
            a.name, a.name
        )));
    }
    let target = Target::parse(a.target).ok_or_else(|| {
        CliError::usage("--add takes RESOURCE or RESOURCE/DEPLOYMENT (or an ARM id)")
    })?;
    if a.project.is_some() && target.deployment.is_some() {
        return Err(CliError::usage(
            "--project takes the account alone: --add RESOURCE --project PROJECT",
        ));
    }
    let arm = crate::azure::connect(a.timeout).map_err(|e| arm_error(&e))?;
    let (mut account, subscription) = find_account(&arm, &target, a.subscription)?;
    if target.deployment.is_some() || a.project.is_some() {
        discover::fill(&arm, &mut account);
    }
    let deployment = match &target.deployment {
        None => None,
        Some(d) => Some(find_deployment(&account, d)?),
    };
    let prepared = match a.project {
        Some(project) => Prepared {
            plan: plan_project(a.name, &account, project)
                .map_err(|e| CliError::new(e.to_string()))?,
            key: None,
        },
        None => prepare(&arm, a.name, &account, deployment, a.type_id, a.entra)
            .map_err(prepare_error)?,
    };
    let p = prepared.plan;
    let mut secrets = IndexMap::new();
    if let (Some(key), Some(field)) = (
        prepared.key,
        p.conn.role_key(crate::catalogue::Role::ApiKey),
    ) {
        secrets.insert(field.to_string(), key);
    }
    let type_id = p.conn.type_id().to_string();
    let url = p.conn.endpoint().unwrap_or_default();
    let warnings = ctx.service()?.save(p.conn, secrets, Expect::Absent)?;
    for w in &warnings {
        say!("aiconn: warning: {w}");
    }
    match p.keyless {
        None => say!(
            "Created connection '{}' ({type_id}, {url}) with the account's key, kept in the secret backend.",
            a.name
        ),
        Some(k) => say!(
            "Created keyless connection '{}' ({type_id}, {url}): {}.",
            a.name,
            keyless_words(k, &account)
        ),
    }
    say!(
        "From account '{}' in subscription {subscription}.",
        account.name
    );
    for n in &p.notes {
        say!("{n}");
    }
    if let Some((text, u)) = deployment
        .and_then(|d| d.lifecycle.as_ref())
        .and_then(|l| l.notice(lifecycle::today()))
    {
        if u == Urgency::Later {
            say!(
                "Deployment '{}': {text}.",
                deployment.map(|d| d.name.as_str()).unwrap_or("")
            );
        } else {
            say!(
                "aiconn: warning: deployment '{}': {text}",
                deployment.map(|d| d.name.as_str()).unwrap_or("")
            );
        }
    }
    say!("Check it: aiconn test {}", a.name);
    Ok(())
}

/// A stored connection's dated problems (a retired api-version, a retiring model): a warning
/// on stderr inside 60 days or after; a date further off is a plain line on stdout when
/// `later_on_stdout` (show's text), else nothing.
pub fn say_notices(notices: &[lifecycle::ConnNotice], later_on_stdout: bool) {
    for n in notices {
        match n.urgency {
            Urgency::Soon | Urgency::Past => say!("aiconn: warning: {}: {}", n.field, n.text),
            Urgency::Later if later_on_stdout => out!("{}: {}", n.field, n.text),
            Urgency::Later => {}
        }
    }
}

/// [`say_notices`] for what the dated data says about `conn`.
pub fn warn_connection(conn: &crate::model::Connection, later_on_stdout: bool) {
    say_notices(
        &lifecycle::connection_notices(conn, lifecycle::today()),
        later_on_stdout,
    );
}
