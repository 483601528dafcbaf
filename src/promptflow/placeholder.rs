//! prompt flow's secret placeholder rules (docs/promptflow.md).

/// How a secret value given in a file or on the command line is to be treated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretInput {
    /// Keep the stored secret (`******` of any length, empty, `<no-change>`).
    Keep,
    /// Ask the user (`<user-input>`, and template placeholders such as `<to-be-replaced>`).
    Ask,
    /// A real value.
    Value,
}

/// `******` (any number of `*`), empty, or `<no-change>`: "use the existing value".
pub fn is_scrubbed(v: &str) -> bool {
    let t = v.trim();
    t.is_empty() || t.chars().all(|c| c == '*') || t == "<no-change>"
}

/// Template placeholders that were never filled in: `<user-input>`, `<to-be-replaced>`,
/// `<your_api_key>`, and the VS Code template's `to_replace_with_<key>`.
pub fn is_placeholder(v: &str) -> bool {
    let t = v.trim();
    (t.starts_with('<') && t.ends_with('>') && t.len() > 2) || t.starts_with("to_replace_with_")
}

pub fn classify(v: &str) -> SecretInput {
    if is_scrubbed(v) {
        SecretInput::Keep
    } else if is_placeholder(v) {
        SecretInput::Ask
    } else {
        SecretInput::Value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn rules_match_prompt_flow() {
        for keep in ["", "*", "******", "**********", "<no-change>"] {
            assert_eq!(classify(keep), SecretInput::Keep, "{keep}");
        }
        for ask in [
            "<user-input>",
            "<to-be-replaced>",
            "<your_api_key>",
            "to_replace_with_api_key",
        ] {
            assert_eq!(classify(ask), SecretInput::Ask, "{ask}");
        }
        for val in ["fake-key-0001", "${env:MY_KEY}", "a*b"] {
            assert_eq!(classify(val), SecretInput::Value, "{val}");
        }
    }
}
