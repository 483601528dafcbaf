//! Terminal questions: hidden secret input and yes/no confirmations. Only on a terminal;
//! scripts get a clear error instead of a hang.

use super::CliError;
use crate::secrets::{SecretError, SecretErrorKind};
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

/// Asks for the vault passphrase on the terminal (twice when creating the vault).
pub fn vault_passphrase(new: bool) -> Result<SecretString, SecretError> {
    let no = |m: &str| SecretError::new(SecretErrorKind::NoPassphrase, m.to_string());
    if !interactive() {
        return Err(no("no terminal to ask for the vault passphrase"));
    }
    let ask = |q: &str| {
        rpassword::prompt_password(q)
            .map(zeroize::Zeroizing::new)
            .map_err(|e| no(&format!("cannot read the passphrase: {e}")))
    };
    if !new {
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
