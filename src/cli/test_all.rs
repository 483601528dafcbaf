//! `aiconn test --all`: the core's pool over every connection, a progress line on a terminal,
//! one row (or one JSON object) per connection, the tally on stderr.

use super::{CliError, Context};
use crate::conntest::UnknownHosts;
use crate::conntest::all::{Health, Report, run_all};
use crate::secrets::{Ask, SecretError, SecretErrorKind};
use crate::service::Service;
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// Names longer than this are cut in the middle (a row stays one line).
const NAME_MAX: usize = 32;

pub fn test_all(
    ctx: &Context,
    json: bool,
    yes: bool,
    jobs: usize,
    timeout: u64,
) -> Result<(), CliError> {
    let conns = ctx.store.snapshot()?.connections().to_vec();
    // A vault passphrase is asked once, and only of someone at the terminal; else the
    // connections it holds are skipped.
    let backend = crate::service::secret_backend(
        &ctx.store,
        ctx.backend_choice().backend(),
        std::sync::Arc::new(ask_on_terminal_stdin),
    );
    let svc = Service::new(&ctx.store, &backend);
    let progress = std::io::stderr().is_terminal();
    let on_done = |_: &Report, done: usize, total: usize| {
        if progress {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[Ktesting {done}/{total}");
            let _ = e.flush();
        }
    };
    let unknown = if yes {
        UnknownHosts::Send
    } else {
        UnknownHosts::Ask
    };
    let timeout = Duration::from_secs(timeout);
    let reports = run_all(&svc, &conns, jobs, timeout, unknown, &on_done);
    if progress && !conns.is_empty() {
        eprint!("\r\x1b[K");
    }
    if json {
        out_json!(&reports);
    } else {
        print_rows(&reports);
    }
    tally(&reports)
}

fn ask_on_terminal_stdin(q: &Ask) -> Result<secrecy::SecretString, SecretError> {
    if !std::io::stdin().is_terminal() {
        return Err(SecretError::new(
            SecretErrorKind::NoPassphrase,
            "the vault needs its passphrase and stdin is not a terminal",
        ));
    }
    super::prompt::vault_passphrase(q)
}

fn print_rows(reports: &[Report]) {
    let name_w = reports
        .iter()
        .map(|r| r.name.chars().count().min(NAME_MAX))
        .max()
        .unwrap_or(0);
    let type_w = reports
        .iter()
        .map(|r| r.type_id.chars().count())
        .max()
        .unwrap_or(0);
    for r in reports {
        let mark = match r.verdict {
            Health::Ok => "✓",
            Health::Failed => "✗",
            Health::Skipped => "–",
        };
        let name = crate::sanitize::for_terminal(&r.name);
        out!(
            "{:name_w$}  {:type_w$}  {mark} {}",
            crate::textfit::middle(&name, NAME_MAX),
            r.type_id,
            r.message
        );
    }
}

/// The counts on stderr; exit 1 when any test failed (skips alone do not fail).
fn tally(reports: &[Report]) -> Result<(), CliError> {
    let count = |h: Health| reports.iter().filter(|r| r.verdict == h).count();
    let (ok, failed, skipped) = (
        count(Health::Ok),
        count(Health::Failed),
        count(Health::Skipped),
    );
    let line = format!(
        "{} connection(s): {ok} ok, {failed} failed, {skipped} skipped",
        reports.len()
    );
    if failed > 0 {
        return Err(CliError::new(line));
    }
    say!("{line}");
    Ok(())
}
