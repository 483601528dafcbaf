//! Safe clean-up of what users paste, before any parsing (docs/endpoints.md §1, step 1).

use super::Flag;
use crate::sanitize::is_format_char;

pub struct Cleaned {
    pub text: String,
    pub flags: Vec<Flag>,
}

fn strip_quotes(s: &str) -> Option<&str> {
    for q in ['"', '\'', '`'] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return Some(&s[1..s.len() - 1]);
        }
    }
    None
}

/// `NAME=` where NAME is an environment-variable name, as copied from a .env file.
fn strip_env_prefix(s: &str) -> Option<&str> {
    let s2 = s.strip_prefix("export ").unwrap_or(s);
    let (name, rest) = s2.split_once('=')?;
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_');
    let ok = first_ok && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let rest_t = rest.trim_start_matches(['"', '\'']);
    (ok && (rest_t.contains("://") || rest_t.contains('.'))).then_some(rest)
}

pub fn clean(input: &str) -> Cleaned {
    let mut flags = Vec::new();
    let mut s: String = input.chars().filter(|c| !is_format_char(*c)).collect();
    if s.len() != input.len() {
        flags.push(Flag::InvisibleChars);
    }
    let trimmed = s.trim();
    if trimmed.len() != s.len() {
        flags.push(Flag::TrimmedWhitespace);
        s = trimmed.to_string();
    }
    if let Some(inner) = strip_quotes(&s) {
        flags.push(Flag::StrippedQuotes);
        s = inner.trim().to_string();
    }
    if let Some(rest) = strip_env_prefix(&s) {
        flags.push(Flag::EnvVarPrefix);
        s = rest.trim().to_string();
        if let Some(inner) = strip_quotes(&s) {
            s = inner.trim().to_string();
        }
    }
    Cleaned { text: s, flags }
}
