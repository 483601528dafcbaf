//! The command-line face over the core.

/// A line on stderr, with every control and bidi character of echoed input shown escaped.
macro_rules! say {
    ($($t:tt)*) => { eprintln!("{}", crate::sanitize::for_terminal_text(&format!($($t)*))) };
}
/// JSON on stdout: `sanitize::json_pretty` already escaped every control and bidi character.
macro_rules! out_json {
    ($v:expr) => {
        println!("{}", crate::sanitize::json_pretty($v))
    };
}
/// A line on stdout, sanitized as [`say`].
macro_rules! out {
    ($($t:tt)*) => { println!("{}", crate::sanitize::for_terminal_text(&format!($($t)*))) };
}

mod allow;
mod args;
mod context;
mod deployments_cmd;
mod discover_cmd;
mod doctor;
mod draft;
mod edit;
mod inspect;
mod packaging;
mod pf_shape;
mod pf_store;
mod prompt;
mod runenv_cmd;
mod test_all;
mod version;

pub use args::{Cli, Command, SecretsCmd};
pub use context::Context;
pub use packaging::complete_if_asked;

use crate::service::OpError;
use std::fmt;

/// A failed command: the message for stderr and the exit status.
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

pub const EXIT_ERROR: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_NOT_FOUND: i32 = 3;

impl CliError {
    pub fn new(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_ERROR,
            message: message.into(),
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<OpError> for CliError {
    fn from(e: OpError) -> Self {
        let code = if matches!(e, OpError::NotFound(_)) {
            EXIT_NOT_FOUND
        } else {
            EXIT_ERROR
        };
        let mut message = e.to_string();
        for a in crate::service::advice(&e) {
            message.push_str(&cli_advice(&a));
        }
        CliError { code, message }
    }
}

/// A key that could not be had says the CLI's ways forward; any other reason is its words.
impl From<crate::conntest::NotTested> for CliError {
    fn from(e: crate::conntest::NotTested) -> Self {
        match e {
            crate::conntest::NotTested::Key(e) => e.into(),
            other => CliError::new(other.to_string()),
        }
    }
}

impl From<crate::conntest::deployments::NotListed> for CliError {
    fn from(e: crate::conntest::deployments::NotListed) -> Self {
        match e {
            crate::conntest::deployments::NotListed::Key(e) => e.into(),
            other => CliError::new(other.to_string()),
        }
    }
}

/// A way forward in the CLI's words (commands to run), as a suffix to the error's message.
fn cli_advice(a: &crate::service::Advice) -> String {
    use crate::service::Advice;
    match a {
        Advice::NameTaken { name } => format!(
            " (use --overwrite to replace it, or pick another name; `aiconn update {name}` changes it)"
        ),
        Advice::SetSecretAgain { connection, field } => format!(
            ": `aiconn update {connection} --secret-stdin {field}` (or run it on a terminal to be asked)"
        ),
        Advice::UseVault => {
            "; or keep secrets in an encrypted file instead: `aiconn secrets migrate --to vault`"
                .into()
        }
        Advice::Diagnose => "; run `aiconn doctor` for a full diagnosis".into(),
    }
}

/// A secret-backend error with the CLI's ways forward.
fn with_cli_advice(e: &crate::secrets::SecretError) -> String {
    let mut s = e.to_string();
    for a in crate::service::advice::secret_advice(e) {
        s.push_str(&cli_advice(&a));
    }
    s
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> Self {
        CliError::new(e.to_string())
    }
}

impl From<crate::secrets::SecretError> for CliError {
    fn from(e: crate::secrets::SecretError) -> Self {
        CliError::new(with_cli_advice(&e))
    }
}

/// Opens the terminal UI.
pub fn tui(ctx: &Context, readonly: bool, setup: bool) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::usage(
            "the terminal UI needs a terminal; for scripts see `aiconn --help`",
        ));
    }
    // The TUI opens at once; the vault's passphrase is asked in a dialog when a secret is
    // first needed.
    let opts = crate::tui::run::Options {
        readonly,
        setup,
        backend: ctx.backend_choice().backend(),
    };
    match crate::tui::run::run(ctx.store.clone(), opts) {
        Ok(0) => Ok(()),
        Ok(code) => Err(CliError {
            code,
            message: "interrupted; unsaved changes were not saved".into(),
        }),
        Err(e) => Err(CliError::new(e)),
    }
}

/// Runs `aiconn` with its arguments: a subcommand, or the TUI when there is none.
pub fn main(cli: &Cli) -> Result<(), CliError> {
    let ctx = Context::new(cli.config_dir.clone())?;
    if let Some(w) = crate::store::open_dir_warning(ctx.store.dir()) {
        say!("aiconn: warning: {w}");
    }
    let Some(command) = &cli.command else {
        return tui(&ctx, cli.readonly, false);
    };
    match command {
        Command::List {
            json,
            wide,
            type_id,
        } => inspect::list(&ctx, *json, *wide, type_id.as_deref()),
        Command::Show { name, json, reveal } => inspect::show(&ctx, name, *json, *reveal),
        Command::Create {
            type_id,
            name,
            edit,
        } => edit::create(&ctx, type_id, name, edit),
        Command::Update { name, edit, unset } => edit::update(&ctx, name, edit, unset),
        Command::Rename { old, new } => edit::rename(&ctx, old, new),
        Command::Delete { name, yes } => edit::delete(&ctx, name, *yes),
        Command::Allow { name } => allow::allow(&ctx, name),
        Command::Import {
            files,
            name,
            overwrite,
            edit,
        } => edit::import(&ctx, files, name.as_deref(), *overwrite, edit),
        Command::Export {
            names,
            to: args::ExportTo::Promptflow,
            ..
        } => pf_store::export_to_promptflow(&ctx, names),
        Command::Export {
            names,
            out,
            secrets,
            ..
        } => inspect::export(&ctx, names, out, *secrets),
        Command::Endpoint { url, type_id, json } => {
            inspect::endpoint(url, type_id.as_deref(), *json)
        }
        Command::Doctor { json, fix } => doctor::doctor(&ctx, *json, *fix),
        Command::Secrets(SecretsCmd::Migrate { to }) => migrate(&ctx, to),
        Command::Run {
            names,
            prefix,
            command,
        } => runenv_cmd::run(&ctx, names, *prefix, command),
        Command::Env {
            names,
            format,
            prefix,
            reveal,
        } => runenv_cmd::env(&ctx, names, format, *prefix, *reveal),
        Command::Test {
            name,
            json,
            yes,
            timeout,
            jobs,
            ..
        } => test(&ctx, name.as_deref(), *json, *yes, *jobs, *timeout),
        Command::Inspect => tui(&ctx, true, false),
        Command::Setup => tui(&ctx, cli.readonly, true),
        Command::Deployments {
            name,
            json,
            timeout,
        } => deployments_cmd::deployments(&ctx, name, *json, *timeout),
        Command::Discover { .. } => discover(&ctx, command),
        Command::Completions { shell } => packaging::completions(*shell),
        Command::Man { out } => packaging::man(out),
    }
}

/// `test NAME`, or `test --all` (clap keeps the two apart).
fn test(
    ctx: &Context,
    name: Option<&str>,
    json: bool,
    yes: bool,
    jobs: Option<u64>,
    timeout: u64,
) -> Result<(), CliError> {
    match name {
        Some(name) => runenv_cmd::test(ctx, name, json, yes, timeout),
        None => {
            let jobs = jobs.map_or(crate::conntest::all::DEFAULT_JOBS, |j| j as usize);
            test_all::test_all(ctx, json, yes, jobs, timeout)
        }
    }
}

/// `discover`, or `discover --add TARGET --name N`.
fn discover(ctx: &Context, command: &Command) -> Result<(), CliError> {
    let Command::Discover {
        subscription,
        json,
        add,
        name,
        type_id,
        entra,
        project,
        timeout,
    } = command
    else {
        unreachable!("called for discover only")
    };
    let timeout = std::time::Duration::from_secs(*timeout);
    match (add, name) {
        (Some(target), Some(name)) => discover_cmd::add(
            ctx,
            &discover_cmd::AddArgs {
                target,
                name,
                subscription: subscription.as_deref(),
                type_id: type_id.as_deref(),
                entra: *entra,
                project: project.as_deref(),
                timeout,
            },
        ),
        _ => discover_cmd::discover(subscription.as_deref(), *json, timeout),
    }
}

fn migrate(ctx: &Context, to: &crate::model::Backend) -> Result<(), CliError> {
    use crate::secrets::SecretStore;
    let target = ctx.open_backend(to);
    // Open the target first: a wrong vault passphrase stops here, before anything moves.
    target.probe()?;
    let report = crate::service::migrate::migrate(&ctx.store, &target, &|name| {
        Ok(Box::new(ctx.open_backend(name)))
    })?;
    for w in &report.warnings {
        say!("aiconn: warning: {w}");
    }
    say!(
        "Moved {} secret(s) to {to}; {} already there. New secrets will be kept in {to}.",
        report.moved.len(),
        report.already
    );
    Ok(())
}
