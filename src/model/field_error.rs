//! Where a problem is in a connection, and what it is: typed, so a face marks the row whose
//! path it is instead of matching key strings (a custom row named `name` is not the name).

use std::fmt;

/// Where a value lives in a connection (being edited, or found wrong).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FieldPath {
    Name,
    /// A catalogue field (text, url, enum, secret, or a custom type's secret map) by key.
    Field(String),
    /// A custom connection's row (config or secret) by key.
    Row(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub at: FieldPath,
    pub message: String,
}

impl FieldError {
    pub fn new(at: FieldPath, message: impl Into<String>) -> Self {
        FieldError {
            at,
            message: message.into(),
        }
    }
    /// A problem with the connection's name.
    pub fn name(message: impl Into<String>) -> Self {
        FieldError::new(FieldPath::Name, message)
    }
    /// A problem with the catalogue field `key`.
    pub fn field(key: &str, message: impl Into<String>) -> Self {
        FieldError::new(FieldPath::Field(key.into()), message)
    }
    /// True when the problem is at the catalogue field `key` (tests and callers that know one).
    pub fn is_at_field(&self, key: &str) -> bool {
        self.at == FieldPath::Field(key.into())
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
