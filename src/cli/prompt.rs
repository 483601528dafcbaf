//! Terminal questions: hidden secret input and yes/no confirmations. Only on a terminal;
//! scripts get a clear error instead of a hang.

use super::CliError;
use crate::secrets::{Ask, SecretError, SecretErrorKind};
use secrecy::SecretString;
use std::io::{BufRead, IsTerminal, Write};

pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks for a secret with hidden input; refuses empty input, as prompt flow does.
pub fn secret(connection: &str, field: &str) -> Result<SecretString, CliError> {
    for _ in 0..3 {
        // Zeroed when dropped: only the SecretString copy lives on.
        let v = zeroize::Zeroizing::new(
            rpassword::prompt_password(format!("{field} for '{connection}' (input hidden): "))
                .map_err(|e| {
                    CliError::new(format!("cannot read the secret from the terminal: {e}"))
                })?,
        );
        if !v.trim().is_empty() {
            return Ok(SecretString::from(v.trim().to_string()));
        }
        say!("Secret can't be empty.");
    }
    Err(CliError::new(format!("no value given for {field}")))
}

/// `[y/N]`: anything but y/yes is no.
pub fn confirm(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// A terminal to ask on: the controlling terminal opens (rpassword reads and prompts there)
/// while stdin or stderr is a terminal. So `echo KEY | aiconn create --secret-stdin` is still
/// asked for the vault passphrase, and a script with no terminal gets an error, never a hang.
fn terminal_reachable() -> bool {
    let on_terminal = std::io::stdin().is_terminal() || std::io::stderr().is_terminal();
    #[cfg(unix)]
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok();
    #[cfg(not(unix))]
    let tty = std::io::stdin().is_terminal();
    on_terminal && tty
}

/// Asks for the vault passphrase on the terminal (twice when creating the vault); after a
/// wrong one, says so first (the core checks each answer and asks again, three times).
pub fn vault_passphrase(q: &Ask) -> Result<SecretString, SecretError> {
    let no = |m: &str| SecretError::new(SecretErrorKind::NoPassphrase, m.to_string());
    if !terminal_reachable() {
        return Err(no("no terminal to ask for the vault passphrase"));
    }
    static SAID: std::sync::Once = std::sync::Once::new();
    if !crate::secrets::session_cache::usable() {
        SAID.call_once(|| {
            say!(
                "aiconn: note: the vault passphrase is not cached: this login has no private session keyring (AICONN_VAULT_CACHE_SECONDS=0 silences this)"
            )
        });
    }
    let ask = |q: &str| {
        rpassword::prompt_password(q)
            .map(zeroize::Zeroizing::new)
            .map_err(|e| no(&format!("cannot read the passphrase: {e}")))
    };
    if q.retry.is_some() {
        say!("Wrong vault passphrase; try again.");
    }
    if !q.create {
        return Ok(SecretString::from(
            ask("Vault passphrase (input hidden): ")?.to_string(),
        ));
    }
    say!(
        "Creating the encrypted vault (secrets.age). Choose a passphrase; it cannot be recovered."
    );
    for _ in 0..3 {
        let a = ask("New vault passphrase (input hidden): ")?;
        if let Some(why) = crate::secrets::weak_passphrase(&a) {
            say!("{why}");
            continue;
        }
        if *ask("Again: ")? == *a {
            return Ok(SecretString::from(a.to_string()));
        }
        say!("The two passphrases differ.");
    }
    Err(no("no passphrase chosen"))
}
