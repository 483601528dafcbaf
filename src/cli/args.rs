//! Command-line definitions (clap). Exit codes: 0 ok, 1 error, 2 usage, 3 not found.

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  aiconn                                   open the terminal UI
  aiconn list                              NAME, TYPE, ENDPOINT, KEY for every connection
  aiconn create --type azure_ai --name foundry --set endpoint=https://res.services.ai.azure.com/models
  aiconn show foundry --json               every field; secrets masked
  aiconn endpoint 'https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21'
  aiconn import azure_openai.yaml          asks (hidden) for each <user-input> secret
  aiconn export --out connections/         prompt flow YAML, secrets as <user-input>
  aiconn doctor                            is the keychain usable here, and if not, why

Files: connections.toml in the config dir (--config-dir or AICONN_CONFIG_DIR override it).
Secrets live in the OS keychain (service 'aiconn'), never in that file.
Exit status: 0 ok, 1 error, 2 usage, 3 connection not found.";

const DISCOVER_HELP: &str = "\
Examples:
  az login --use-device-code                 sign in (works over SSH)
  aiconn discover                            subscriptions, accounts, projects, deployments, retirement dates
  aiconn discover --subscription Contoso --json
  aiconn discover --add myres --name foundry            one connection for every model of a Foundry resource
  aiconn discover --add myres/gpt-4o --name chat        bound to one deployment
  aiconn discover --add myres --name keyless --entra    no key: Microsoft Entra ID
  aiconn discover --add myres --project proj1 --name p  a Foundry project (Foundry SDK, agents; Entra ID)

Uses the Azure CLI's token for Resource Manager (`az account get-access-token`) and its cloud
(`az cloud show`). The key --add reads with listKeys goes straight to the secret backend; it is
never printed.";

/// `aiconn env --help`: the variable names per type come from the client contract (the one
/// list the commands themselves use), types with the same names on one line.
fn env_help() -> String {
    let mut rows: Vec<(Vec<String>, String)> = Vec::new();
    let contract = crate::clients::Contract::get();
    for t in &crate::catalogue::Catalogue::get().types {
        let names = if t.is_custom() {
            "every config and secret key, upper-cased, other characters as _".to_string()
        } else {
            let mut names: Vec<&str> = Vec::new();
            for e in contract.envs.iter().filter(|e| e.type_id == t.id) {
                for v in &e.vars {
                    if !names.contains(&v.name.as_str()) {
                        names.push(&v.name);
                    }
                }
            }
            names.join(", ")
        };
        match rows.iter_mut().find(|(_, n)| *n == names) {
            Some((ids, _)) => ids.push(t.id.clone()),
            None => rows.push((vec![t.id.clone()], names)),
        }
    }
    let table: String = rows
        .iter()
        .map(|(ids, names)| format!("  {}:\n      {names}\n", ids.join(", ")))
        .collect();
    format!(
        "Examples:\n  eval \"$(aiconn env prod)\"\n  aiconn env prod --format dotenv > .env\n  aiconn env prod search --format json\n\n\
         Secrets are printed only into a pipe or file, or with --reveal.\n\n\
         Names per type (what the clients read; which ones depends on the endpoint's shape):\n{table}\
         Every other name the same clients read is removed from `aiconn run`'s child and unset\n\
         by --format sh, so a stale key, base URL or organization of the parent never reaches them.\n\
         With --prefix: <NAME>_<FIELD> upper-cased (spaces as _), for every field, as prompt\n\
         flow's flow build names them in ${{env:...}}."
    )
}

#[derive(Debug, Parser)]
#[command(name = "aiconn", version = super::version::LONG, about = "Connections for AI apps: endpoints, keys and settings, prompt flow compatible", after_help = AFTER_HELP)]
pub struct Cli {
    /// Directory holding connections.toml [default: the platform's config dir]
    #[arg(long, global = true, env = "AICONN_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,

    /// Open the terminal UI with every mutating action disabled
    #[arg(long)]
    pub readonly: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The `--config-dir` of the command line being completed: the shell passes its words as
/// our arguments (after `--`), and the candidates must come from the dir the command will use.
fn completing_config_dir() -> Option<std::path::PathBuf> {
    let words: Vec<String> = std::env::args().skip_while(|a| a != "--").collect();
    words
        .iter()
        .enumerate()
        .find_map(|(i, w)| match w.strip_prefix("--config-dir") {
            Some("") => words.get(i + 1).filter(|v| !v.is_empty()).map(Into::into),
            Some(v) => v
                .strip_prefix('=')
                .filter(|v| !v.is_empty())
                .map(Into::into),
            None => None,
        })
}

/// Completion candidates: the connections in the config dir (`--config-dir` on the line being
/// completed, else `AICONN_CONFIG_DIR` or the platform's), read from the file only.
fn names() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        completing_config_dir()
            .or_else(crate::store::default_config_dir)
            .map(crate::store::Store::new)
            .and_then(|s| s.snapshot().ok())
            .map(|d| {
                d.connections()
                    .iter()
                    .map(|c| CompletionCandidate::new(&c.name).help(Some(c.type_id().into())))
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Completion candidates: the catalogue's type ids, with their labels.
fn types() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        crate::catalogue::Catalogue::get()
            .types
            .iter()
            .map(|t| CompletionCandidate::new(&t.id).help(Some(t.label.clone().into())))
            .collect()
    })
}

/// Shells `aiconn completions` writes a script for.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShellName {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List connections: NAME, TYPE, ENDPOINT, KEY (never touches the keychain)
    #[command(after_help = "Examples:\n  aiconn list\n  aiconn list --type azure_open_ai --json")]
    List {
        #[arg(long)]
        json: bool,
        /// Full values, however wide (on a terminal, long names and endpoints are cut in the
        /// middle to fit its width; piped output is always full)
        #[arg(long)]
        wide: bool,
        /// Only connections of this type
        #[arg(long = "type", value_name = "TYPE", add = types())]
        type_id: Option<String>,
    },
    /// Show every field of a connection and where each value comes from
    #[command(
        after_help = "Examples:\n  aiconn show prod\n  aiconn show prod --json\n  aiconn show prod --reveal   # prints secrets"
    )]
    Show {
        #[arg(add = names())]
        name: String,
        #[arg(long)]
        json: bool,
        /// Print secret values instead of masking them
        #[arg(long)]
        reveal: bool,
    },
    /// Create a connection
    #[command(
        after_help = "Examples:\n  aiconn create --type azure_open_ai --name prod --set api_base=https://res.openai.azure.com/\n  \
        printf %s \"$KEY\" | aiconn create --type open_ai --name oai --secret-stdin api_key\n  \
        aiconn create --type custom --name svc --set configs.region=eu --set secrets.token=...\n\n\
        Missing required secrets are asked for (hidden input) when stdin is a terminal."
    )]
    Create {
        #[arg(long = "type", value_name = "TYPE", add = types())]
        type_id: String,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Change fields of a connection
    #[command(
        after_help = "Examples:\n  aiconn update prod --set api_version=2024-10-21\n  aiconn update prod --set api_key='<user-input>'   # asks for a new key\n\n\
        Secret values '******', '' and '<no-change>' keep the stored secret; '<user-input>' asks for a new one."
    )]
    Update {
        #[arg(add = names())]
        name: String,
        #[command(flatten)]
        edit: EditArgs,
        /// Remove a value (custom: configs.KEY or secrets.KEY)
        #[arg(long, value_name = "KEY")]
        unset: Vec<String>,
    },
    /// Show the commands a connection's `cmd:` secret references run, and approve them here
    #[command(
        after_help = "A `cmd:` reference runs only once its exact command was approved on this machine:\n\
        setting it with --secret-ref approves it; one found in a connections.toml someone else wrote\n\
        or edited needs `aiconn allow NAME`. An edited command needs approval again."
    )]
    Allow {
        #[arg(add = names())]
        name: String,
    },
    /// Rename a connection (its secrets move with it)
    Rename {
        #[arg(add = names())]
        old: String,
        new: String,
    },
    /// Delete a connection and its secrets
    Delete {
        #[arg(add = names())]
        name: String,
        /// Do not ask for confirmation
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Import prompt flow connection YAML files or .env files
    #[command(
        after_help = "Examples:\n  aiconn import azure_openai.yaml\n  printf %s \"$KEY\" | aiconn import azure_openai.yaml --secret-stdin api_key\n  aiconn import .env --name myenv\n  aiconn import conns/*.yaml --overwrite"
    )]
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Name for the connection (required for .env files)
        #[arg(long)]
        name: Option<String>,
        /// Replace a connection that already has this name
        #[arg(long)]
        overwrite: bool,
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Export connections as prompt flow YAML (never secret values)
    #[command(
        after_help = "Examples:\n  aiconn export prod > prod.yaml\n  aiconn export --out conns/ --secrets env\n  aiconn export prod --to promptflow     # then: pf flow test --flow ."
    )]
    Export {
        #[arg(add = names())]
        names: Vec<String>,
        /// Directory for one <name>.yaml per connection, or - for stdout
        #[arg(long, default_value = "-", value_name = "DIR|-")]
        out: String,
        /// How secrets are written
        #[arg(long, value_enum, default_value_t = SecretsArg::Placeholder)]
        secrets: SecretsArg,
        /// Where to: YAML files (the default), or `promptflow`: straight into prompt flow's own
        /// connection store through its Python API (python3 on PATH, or AICONN_PYTHON), the
        /// secret passed on stdin, so `pf flow test` works without pasting the key
        #[arg(long, value_enum, default_value_t = ExportTo::Yaml)]
        to: ExportTo,
    },
    /// Read an endpoint URL: what it is, whether one connection can serve many models
    #[command(
        after_help = "Examples:\n  aiconn endpoint https://res.services.ai.azure.com/models\n  aiconn endpoint \"$URL\" --type azure_open_ai --json"
    )]
    Endpoint {
        url: String,
        /// Read it as the URL field of this connection type
        #[arg(long = "type", value_name = "TYPE", add = types())]
        type_id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Check the secret backend (a real probe) and the connections file
    #[command(
        after_help = "Also lists secret values nothing points at (left by an interrupted save or a keychain that answered too late); --fix removes them."
    )]
    Doctor {
        #[arg(long)]
        json: bool,
        /// Remove unreferenced secret values of this config dir
        #[arg(long)]
        fix: bool,
    },
    /// Run a command with connections' values in its environment (secrets reach the child only)
    #[command(
        after_help = "Examples:\n  aiconn run prod -- python app.py\n  aiconn run prod search -- ./eval.sh\n  aiconn run --prefix prod -- pf flow serve --source .   # PROD_API_KEY, PROD_API_BASE, ...\n\n\
        The command's exit status is aiconn's. Variable names per type: see `aiconn env --help`.\n\
        The child sees exactly the chosen connections: every other variable the same clients read\n\
        (OPENAI_*, AZURE_OPENAI_*, AZURE_AI_*, ... of the connections' families) is removed from its\n\
        environment, so nothing stale of yours is mixed in."
    )]
    Run {
        #[arg(required = true, value_name = "NAME", add = names())]
        names: Vec<String>,
        /// Name variables <NAME>_<KEY> (prompt flow serving's convention) instead of the SDKs' names
        #[arg(long)]
        prefix: bool,
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Print connections' environment variables (for eval or a .env file)
    #[command(after_help = env_help())]
    Env {
        #[arg(required = true, value_name = "NAME", add = names())]
        names: Vec<String>,
        #[arg(long, value_parser = ["sh", "dotenv", "json"], default_value = "sh")]
        format: String,
        /// <NAME>_<KEY> names (prompt flow serving's convention)
        #[arg(long)]
        prefix: bool,
        /// Allow printing secrets to a terminal
        #[arg(long)]
        reveal: bool,
    },
    /// Check a connection against its service with one cheap authenticated request
    #[command(
        after_help = "Examples:\n  aiconn test prod\n  aiconn test prod --json\n  aiconn test --all\n  aiconn test --all --json --jobs 16\n\nExit status 0 when the service accepted the key, 1 otherwise. With --all: 1 when any test failed; a connection whose key cannot be had without asking (none set, an unset variable, an unapproved cmd:, a vault passphrase with no terminal) is skipped, never asked for, and does not fail the run."
    )]
    Test {
        #[arg(add = names(), required_unless_present = "all")]
        name: Option<String>,
        /// Test every connection, several at a time (one row each)
        #[arg(long, conflicts_with = "name")]
        all: bool,
        /// With --all: at most this many tests at once (1-64, default 8)
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=64), conflicts_with = "name")]
        jobs: Option<u64>,
        #[arg(long)]
        json: bool,
        /// Send the key even to a host aiconn does not recognize as the service's
        #[arg(long)]
        yes: bool,
        /// Seconds to wait for the answer (1-600)
        #[arg(long, default_value_t = crate::settings::SERVICE_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
    },
    /// List what is deployed behind a connection's Azure endpoint (id, model, version, status)
    #[command(
        after_help = "Examples:\n  aiconn deployments foundry\n  aiconn deployments prod --json\n\nUses the connection's key (or Entra ID token) on the data plane: the deployments, not the model catalogue."
    )]
    Deployments {
        #[arg(add = names())]
        name: String,
        #[arg(long)]
        json: bool,
        /// Seconds to wait for the answer (1-600)
        #[arg(long, default_value_t = crate::settings::SERVICE_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
    },
    /// Find the Azure OpenAI / Foundry resources you can use (as the Azure CLI's signed-in user), or add one
    #[command(after_help = DISCOVER_HELP)]
    Discover {
        /// Only this subscription (id or name)
        #[arg(long, value_name = "ID|NAME")]
        subscription: Option<String>,
        #[arg(long)]
        json: bool,
        /// Create a connection for this account, or one of its deployments
        #[arg(long, value_name = "RESOURCE[/DEPLOYMENT]", requires = "name")]
        add: Option<String>,
        /// Name of the connection --add creates
        #[arg(long, requires = "add")]
        name: Option<String>,
        /// Connection type for --add (azure_ai, azure_open_ai, azure_ai_services)
        #[arg(long = "type", value_name = "TYPE", requires = "add", add = types())]
        type_id: Option<String>,
        /// Keyless: Microsoft Entra ID (auth_mode meid_token) instead of the account's key
        #[arg(long, requires = "add")]
        entra: bool,
        /// A Foundry project of the --add account: a keyless foundry_project connection
        #[arg(long, value_name = "PROJECT", requires = "add", conflicts_with_all = ["type_id", "entra"])]
        project: Option<String>,
        /// Seconds to wait for each answer (1-600)
        #[arg(long, default_value_t = crate::settings::ARM_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
    },
    /// Manage where secrets are kept
    #[command(subcommand)]
    Secrets(SecretsCmd),
    /// Open the terminal UI read-only
    Inspect,
    /// Start the guided first-time setup in the terminal UI
    Setup,
    /// Print the shell completion script (connection names and types complete from your config)
    #[command(
        after_help = "Install:\n  bash:  aiconn completions bash > ~/.local/share/bash-completion/completions/aiconn\n  zsh:   aiconn completions zsh > \"${fpath[1]}/_aiconn\"\n  fish:  aiconn completions fish > ~/.config/fish/completions/aiconn.fish\n  PowerShell: aiconn completions powershell >> $PROFILE"
    )]
    Completions {
        #[arg(value_enum)]
        shell: ShellName,
    },
    /// Write the man pages (aiconn.1 and one per subcommand) into a directory
    Man {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum SecretsCmd {
    /// Move every secret to another backend, verify, then remove the old copies
    #[command(
        after_help = "Examples:\n  aiconn secrets migrate --to vault      # no keychain here: an encrypted file (age, passphrase)\n  aiconn secrets migrate --to keychain\n\n\
        Safe to interrupt: run it again to finish. The vault is secrets.age next to connections.toml;\n\
        `age -d secrets.age` decrypts it with the same passphrase."
    )]
    Migrate {
        #[arg(long, value_enum)]
        to: crate::model::Backend,
    },
}

#[derive(Debug, Args, Default)]
pub struct EditArgs {
    /// Set a field: key=value (custom: configs.KEY=value, secrets.KEY=value)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Read this secret field's value from standard input
    #[arg(long, value_name = "FIELD")]
    pub secret_stdin: Option<String>,
    /// Read a secret at use instead of keeping it: FIELD=env:NAME, or FIELD=cmd:COMMAND (run
    /// without a shell; giving it here approves that command on this machine)
    #[arg(long = "secret-ref", value_name = "FIELD=REF")]
    pub secret_ref: Vec<String>,
    /// Store the normalized base of URL fields (and fill api_version from a pasted request URL)
    #[arg(long, conflicts_with = "raw")]
    pub normalize: bool,
    /// Store URL fields exactly as given, even a full request URL
    #[arg(long)]
    pub raw: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportTo {
    /// prompt flow YAML files (or stdout)
    Yaml,
    /// prompt flow's local connection store
    Promptflow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SecretsArg {
    /// `<user-input>`: prompt flow asks when the file is imported
    Placeholder,
    /// `${env:NAME_KEY}`, as `pf flow build` writes them
    Env,
}

/// `--to keychain|vault`: the backends this build can open (an unknown one is never offered).
impl clap::ValueEnum for crate::model::Backend {
    fn value_variants<'a>() -> &'a [Self] {
        &crate::model::Backend::KNOWN
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        match self {
            crate::model::Backend::Unknown(_) => None,
            known => Some(clap::builder::PossibleValue::new(
                known.as_str().to_string(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn migrate_takes_a_known_backend_and_offers_only_those() {
        let cli = Cli::try_parse_from(["aiconn", "secrets", "migrate", "--to", "vault"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Secrets(SecretsCmd::Migrate {
                to: crate::model::Backend::Vault
            }))
        ));
        let err = Cli::try_parse_from(["aiconn", "secrets", "migrate", "--to", "unknown"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("[possible values: keychain, vault]"), "{err}");
    }
}
