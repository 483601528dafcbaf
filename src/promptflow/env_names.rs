//! prompt flow's names for a connection's values in the environment: the `<NAME>_<KEY>` rule
//! (`pf flow build` writes it, serving reads it) and the `${env:NAME}` reference that carries
//! it in a file. The one home of both: `run --prefix`, `export --secrets env` and `import`
//! use these, so what one writes the others read.

/// `<NAME>_<KEY>` upper-cased, spaces in the name as `_`, every other character kept
/// (`my-conn` gives `MY-CONN_API_KEY`).
pub fn env_name(conn: &str, key: &str) -> String {
    format!("{}_{key}", conn.replace(' ', "_")).to_uppercase()
}

/// `${env:VAR}`: "the value of variable VAR", as prompt flow writes it in a connection file.
pub fn env_reference(var: &str) -> String {
    format!("${{env:{var}}}")
}

/// The variable a `${env:VAR}` value names (prompt flow's `^\$\{env:(.+)}$`); `None` for any
/// other value.
pub fn referenced_var(value: &str) -> Option<&str> {
    value
        .strip_prefix("${env:")
        .and_then(|r| r.strip_suffix('}'))
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_reference_reads_back_as_the_name_the_rule_gives() {
        assert_eq!(env_name("my conn", "api_key"), "MY_CONN_API_KEY");
        assert_eq!(env_name("my-conn", "api-key"), "MY-CONN_API-KEY");
        let r = env_reference(&env_name("prod", "api_key"));
        assert_eq!(r, "${env:PROD_API_KEY}");
        assert_eq!(referenced_var(&r), Some("PROD_API_KEY"));
        for other in [
            "PROD_API_KEY",
            "${env:}",
            "$env:X",
            "${env:X",
            "fake-key-0001",
        ] {
            assert_eq!(referenced_var(other), None, "{other}");
        }
    }
}
