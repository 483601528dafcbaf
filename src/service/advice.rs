//! What a person can do about a failed operation: decided here once, worded by each face (the
//! CLI names commands, the TUI names keys), so the two never disagree about which failure
//! deserves which way forward.

use super::OpError;
use crate::secrets::SecretError;

/// One way forward from a failure, in the order a face should offer them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Advice {
    /// The name is taken: pick another, replace the connection, or change it instead.
    NameTaken { name: String },
    /// The file records the secret, its backend lost the value: set it again.
    SetSecretAgain { connection: String, field: String },
    /// The keychain itself is missing or stuck here: the encrypted vault needs none.
    UseVault,
    /// The secret backend failed: a full diagnosis says why.
    Diagnose,
}

/// The ways forward from `e` (none: its message says all there is).
pub fn advice(e: &OpError) -> Vec<Advice> {
    match e {
        OpError::Secret(s) => secret_advice(s),
        OpError::Exists(name) => vec![Advice::NameTaken { name: name.clone() }],
        OpError::SecretMissing {
            connection, field, ..
        } => vec![Advice::SetSecretAgain {
            connection: connection.clone(),
            field: field.clone(),
        }],
        _ => vec![],
    }
}

/// The ways forward from a secret backend's failure.
pub fn secret_advice(e: &SecretError) -> Vec<Advice> {
    let mut out = Vec::new();
    if e.vault_would_help() {
        out.push(Advice::UseVault);
    }
    out.push(Advice::Diagnose);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Backend;
    use crate::secrets::SecretErrorKind;

    #[test]
    fn a_missing_value_is_set_again_and_a_stuck_keychain_offers_the_vault() {
        let missing = OpError::SecretMissing {
            connection: "c".into(),
            field: "api_key".into(),
            backend: Backend::Vault,
        };
        assert_eq!(
            advice(&missing),
            [Advice::SetSecretAgain {
                connection: "c".into(),
                field: "api_key".into()
            }]
        );
        let no_bus = OpError::Secret(SecretError::new(SecretErrorKind::NoSessionBus, ""));
        assert_eq!(advice(&no_bus), [Advice::UseVault, Advice::Diagnose]);
        // A wrong vault passphrase is not helped by the vault.
        let wrong = SecretError::new(SecretErrorKind::VaultLocked, "");
        assert_eq!(secret_advice(&wrong), [Advice::Diagnose]);
        assert!(advice(&OpError::NotFound("c".into())).is_empty());
    }
}
