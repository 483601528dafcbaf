//! `aiconn completions SHELL` and `aiconn man --out DIR`, both generated from the clap
//! definitions, so they can never drift from the CLI.

use super::CliError;
use super::args::{Cli, ShellName};
use clap::CommandFactory;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use std::path::Path;

/// The environment variable the completion scripts set to ask aiconn for candidates.
pub const COMPLETE_VAR: &str = "COMPLETE";

/// Answers a completion request from a shell (when `COMPLETE` is set); else returns.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .complete();
}

/// Writes the registration script for `shell`: it calls `aiconn` back for candidates, so
/// connection names and type ids come from the live config.
pub fn completions(shell: ShellName) -> Result<(), CliError> {
    let sh: &dyn EnvCompleter = match shell {
        ShellName::Bash => &Bash,
        ShellName::Zsh => &Zsh,
        ShellName::Fish => &Fish,
        ShellName::Powershell => &Powershell,
        ShellName::Elvish => &Elvish,
    };
    let bin = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "aiconn".into());
    let mut out = Vec::new();
    sh.write_registration(COMPLETE_VAR, "aiconn", "aiconn", &bin, &mut out)
        .map_err(|e| CliError::new(format!("cannot write the script: {e}")))?;
    use std::io::Write;
    std::io::stdout()
        .write_all(&out)
        .map_err(|e| CliError::new(format!("cannot write the script: {e}")))
}

/// Writes `aiconn.1` and `aiconn-<subcommand>.1` into `dir`.
pub fn man(dir: &Path) -> Result<(), CliError> {
    let err = |e: std::io::Error| CliError::new(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(err)?;
    let cmd = Cli::command();
    let mut pages = vec![("aiconn".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("aiconn-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name)));
    }
    for (name, page) in pages {
        let mut buf = Vec::new();
        clap_mangen::Man::new(page).render(&mut buf).map_err(err)?;
        std::fs::write(dir.join(format!("{name}.1")), buf).map_err(err)?;
    }
    say!("Wrote man pages to {}", dir.display());
    Ok(())
}
