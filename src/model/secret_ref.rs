//! A secret reference as data: a secret field that names where its value already lives (an
//! environment variable, or a command such as `op read ...`) instead of holding a copy. Reading
//! the value (the environment, running the command, its approval) is the secret layer's
//! (`secrets::refs`); what a reference is and how it is written is here, with the record.

/// Where a referenced value is read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretRef {
    /// `env:NAME`: the environment variable `NAME` when the value is used.
    Env(String),
    /// `cmd:ARGV`: the trimmed stdout of this command line (split like a shell, run without one).
    Cmd(String),
}

/// Text that does not read as a secret reference. The text is not repeated: a pasted key may
/// sit where a reference was expected.
#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
#[error("not a secret reference: write env:NAME (a variable name) or cmd:COMMAND (a command line)")]
pub struct MalformedRef;

impl SecretRef {
    /// `env:NAME` or `cmd:ARGV`; anything else is not a reference.
    pub fn parse(text: &str) -> Option<SecretRef> {
        if let Some(name) = text.strip_prefix("env:") {
            return Some(SecretRef::Env(name.to_string()));
        }
        text.strip_prefix("cmd:")
            .map(|c| SecretRef::Cmd(c.to_string()))
    }

    /// Parses and checks a reference the user typed (a name that can be an environment
    /// variable, a command line that splits into at least a program).
    pub fn parse_checked(text: &str) -> Result<SecretRef, MalformedRef> {
        match SecretRef::parse(text.trim()).ok_or(MalformedRef)? {
            SecretRef::Env(n)
                if !n.is_empty()
                    && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !n.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                Ok(SecretRef::Env(n))
            }
            SecretRef::Cmd(c) if argv(&c).is_some_and(|a| !a.is_empty()) => {
                Ok(SecretRef::Cmd(c.trim().to_string()))
            }
            _ => Err(MalformedRef),
        }
    }

    pub fn to_file_text(&self) -> String {
        match self {
            SecretRef::Env(n) => format!("env:{n}"),
            SecretRef::Cmd(c) => format!("cmd:{c}"),
        }
    }

    /// The command text, for a `cmd:` reference.
    pub fn command(&self) -> Option<&str> {
        match self {
            SecretRef::Cmd(c) => Some(c),
            SecretRef::Env(_) => None,
        }
    }
}

/// A `cmd:` reference's command line split into its program and arguments, as a shell would
/// (it is run without one); `None` when it does not split (an unclosed quote).
pub fn argv(command: &str) -> Option<Vec<String>> {
    shell_words::split(command).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_and_round_trip() {
        for t in ["env:AZURE_KEY", "cmd:op read op://v/i/api-key"] {
            assert_eq!(SecretRef::parse(t).unwrap().to_file_text(), t);
        }
        assert_eq!(SecretRef::parse("keychain:0f"), None);
        assert!(SecretRef::parse_checked("env:1BAD").is_err());
        assert!(SecretRef::parse_checked("env:").is_err());
        assert!(SecretRef::parse_checked("cmd:").is_err());
        assert!(SecretRef::parse_checked("cmd:echo 'unclosed").is_err());
        assert!(SecretRef::parse_checked("vault").is_err());
    }
}
