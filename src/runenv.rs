//! Connection values as environment variables, named the way the SDKs read them (the catalogue's
//! `env` per field), or prompt flow serving's `<NAME>_<KEY>` convention with `prefix`.

use crate::catalogue::FieldKind;
use crate::model::Connection;
use crate::service::OpError;
use secrecy::{ExposeSecret, SecretString};

pub struct EnvVar {
    pub name: String,
    pub value: SecretString,
    pub secret: bool,
    /// The connection that set it (for conflict messages).
    pub from: String,
}

/// Upper-cased, with every character a shell cannot use in a name turned into `_`.
pub fn env_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// prompt flow serving's override name: `<NAME>_<KEY>` upper-cased, spaces as `_`.
pub fn prefixed(conn: &str, key: &str) -> String {
    format!(
        "{}_{}",
        conn.replace(' ', "_").to_uppercase(),
        key.replace(' ', "_").to_uppercase()
    )
}

/// Names a connection may never set in a child's environment: they decide which program runs,
/// which code it loads at start-up, where its traffic goes or which certificates it trusts, so
/// a connection file (which may come from someone else) could take the child over with them.
const REFUSED_NAMES: &[&str] = &[
    "PATH",
    "HOME",
    "SHELL",
    "ENV",
    "BASH_ENV",
    "IFS",
    "PS4",
    "SHELLOPTS",
    "BASHOPTS",
    "CDPATH",
    "PROMPT_COMMAND",
    "TMPDIR",
    "CLASSPATH",
    "PERL5LIB",
    "PERL5OPT",
    "PERLLIB",
    "RUBYLIB",
    "RUBYOPT",
    "JDK_JAVA_OPTIONS",
    "GCONV_PATH",
    "LOCPATH",
    "HOSTALIASES",
    "RESOLV_HOST_CONF",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "BROWSER",
    // Relatives of the above: prompts an interactive bash runs, less's input filters, the
    // pagers and editors git, man and others start.
    "PS0",
    "PS1",
    "PS2",
    "PS3",
    "LESSOPEN",
    "LESSCLOSE",
    "LESSKEY",
    "LESSSECURE",
    "MANPAGER",
    "MANOPT",
    "MANPATH",
    "OPENSSL_CONF",
    "OPENSSL_MODULES",
    "OPENSSL_ENGINES",
    "CONDARC",
    "TERMINFO",
    "INPUTRC",
    "ZDOTDIR",
];
/// Prefixes of the same kind (dynamic loaders, language runtimes, TLS trust, proxies).
const REFUSED_PREFIXES: &[&str] = &[
    "LD_",
    "DYLD_",
    "PYTHON",
    "NODE_",
    "NPM_CONFIG_",
    "BASH_FUNC_",
    "PERL",
    "RUBY",
    "GEM_",
    "JAVA_",
    "_JAVA_",
    "DOTNET_",
    "CORECLR_",
    "COMPlus_",
    "GIT_",
    "SSL_",
    "MALLOC_",
    "GLIBC_",
    "XDG_",
    "LUA_",
    "R_",
    "GO",
    "CARGO_",
    "RUSTC",
    "AICONN_",
    "PIP_",
    "UV_",
    "POETRY_",
    "CONDA_",
    "OPENSSL_",
    "GNUPG",
    "SSH_",
    "KRB5",
];
/// Suffixes: proxies route every request (and its key) through another host.
const REFUSED_SUFFIXES: &[&str] = &["_PROXY", "_PAGER", "_EDITOR", "_ASKPASS"];

/// Why `name` may not be exported, if it may not.
pub fn refused_name(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    let well_formed = chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !well_formed {
        return Some("only names of A-Z, 0-9 and '_' not starting with a digit are exported");
    }
    let upper = name.to_ascii_uppercase();
    if REFUSED_NAMES.contains(&upper.as_str())
        || REFUSED_PREFIXES
            .iter()
            .any(|p| upper.starts_with(&p.to_ascii_uppercase()))
        || REFUSED_SUFFIXES.iter().any(|s| upper.ends_with(s))
    {
        return Some(
            "it changes which program runs, what it loads or where its traffic goes, so a connection may not set it",
        );
    }
    None
}

/// The variables of one connection. `secret` reads a secret value when it is needed.
pub fn variables(
    conn: &Connection,
    prefix: bool,
    secret: &mut dyn FnMut(&str) -> Result<Option<SecretString>, OpError>,
) -> Result<Vec<EnvVar>, OpError> {
    let spec = conn.spec();
    let mut out = Vec::new();
    let mut push = |name: String, value: SecretString, is_secret: bool| {
        out.push(EnvVar {
            name,
            value,
            secret: is_secret,
            from: conn.name.clone(),
        });
    };
    for f in &spec.fields {
        match f.kind {
            FieldKind::Map => {
                for (k, v) in &conn.configs {
                    let name = if prefix {
                        prefixed(&conn.name, k)
                    } else {
                        env_key(k)
                    };
                    push(name, SecretString::from(v.clone()), false);
                }
            }
            FieldKind::SecretMap => {
                for k in conn.secrets.keys() {
                    let v = secret(k)?.ok_or_else(|| missing(conn, k))?;
                    let name = if prefix {
                        prefixed(&conn.name, k)
                    } else {
                        env_key(k)
                    };
                    push(name, v, true);
                }
            }
            FieldKind::Secret => {
                if conn.is_dropped(&f.key) || !conn.secrets.contains_key(&f.key) {
                    continue;
                }
                let name = if prefix {
                    Some(prefixed(&conn.name, &f.key))
                } else {
                    f.env.clone()
                };
                if let Some(name) = name {
                    let v = secret(&f.key)?.ok_or_else(|| missing(conn, &f.key))?;
                    push(name, v, true);
                }
            }
            _ if spec.is_custom() => {}
            _ => {
                let name = if prefix {
                    Some(prefixed(&conn.name, &f.key))
                } else {
                    f.env.clone()
                };
                if let (Some(name), Some((v, _))) = (name, conn.effective(&f.key)) {
                    push(name, SecretString::from(v), false);
                }
            }
        }
    }
    for v in &out {
        if let Some(why) = refused_name(&v.name) {
            return Err(OpError::RefusedEnvName {
                connection: conn.name.clone(),
                name: v.name.clone(),
                why,
            });
        }
    }
    Ok(out)
}

/// A secret the file records as set but the backend does not have.
fn missing(conn: &Connection, field: &str) -> OpError {
    OpError::SecretMissing {
        connection: conn.name.clone(),
        field: field.to_string(),
        backend: conn
            .secrets
            .get(field)
            .map(|r| r.to_string())
            .unwrap_or_default(),
    }
}

/// Joins the variables of several connections; two that set the same name is an error naming
/// both, never a silent winner.
pub fn merge(sets: Vec<Vec<EnvVar>>) -> Result<Vec<EnvVar>, String> {
    let mut all: Vec<EnvVar> = Vec::new();
    for v in sets.into_iter().flatten() {
        if let Some(prev) = all.iter().find(|p| p.name == v.name) {
            return Err(format!(
                "{} is set by both '{}' and '{}': use --prefix to give each connection its own names",
                v.name, prev.from, v.from
            ));
        }
        all.push(v);
    }
    Ok(all)
}

/// A POSIX shell single-quoted word.
pub fn sh_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\\''"))
}

/// A .env double-quoted value.
pub fn dotenv_quote(v: &str) -> String {
    let mut s = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '$' => s.push_str("\\$"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

pub fn is_shell_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

/// Renders for `aiconn env`.
pub fn render(vars: &[EnvVar], format: &str) -> Result<String, String> {
    let mut out = String::new();
    match format {
        "json" => {
            let m: serde_json::Map<String, serde_json::Value> = vars
                .iter()
                .map(|v| {
                    (
                        v.name.clone(),
                        serde_json::Value::String(v.value.expose_secret().to_string()),
                    )
                })
                .collect();
            out = crate::sanitize::json_pretty(&m) + "\n";
        }
        "sh" | "dotenv" => {
            for v in vars {
                if !is_shell_name(&v.name) {
                    return Err(format!(
                        "'{}' is not a valid shell variable name: use --format json",
                        v.name
                    ));
                }
                if format == "sh" {
                    out.push_str(&format!(
                        "export {}={}\n",
                        v.name,
                        sh_quote(v.value.expose_secret())
                    ));
                } else {
                    out.push_str(&format!(
                        "{}={}\n",
                        v.name,
                        dotenv_quote(v.value.expose_secret())
                    ));
                }
            }
        }
        other => return Err(format!("unknown format '{other}'")),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn quoting_survives_hostile_values() {
        assert_eq!(sh_quote("a'b $x"), "'a'\\''b $x'");
        assert_eq!(dotenv_quote("a\"b\\c\n$d"), "\"a\\\"b\\\\c\\n\\$d\"");
        assert_eq!(env_key("api-key.x"), "API_KEY_X");
        assert_eq!(prefixed("my conn", "api_key"), "MY_CONN_API_KEY");
    }

    #[test]
    fn names_that_take_over_a_child_are_refused() {
        for bad in [
            "PATH",
            "LD_PRELOAD",
            "DYLD_INSERT_LIBRARIES",
            "PYTHONPATH",
            "PYTHONSTARTUP",
            "NODE_OPTIONS",
            "BASH_ENV",
            "ENV",
            "IFS",
            "PS4",
            "SHELLOPTS",
            "HOME",
            "HTTPS_PROXY",
            "BASH_FUNC_LS%%",
            "1ABC",
            "lower",
            "",
        ] {
            assert!(refused_name(bad).is_some(), "{bad}");
        }
        for ok in [
            "OPENAI_API_KEY",
            "AZURE_OPENAI_ENDPOINT",
            "_X1",
            "MY_CONN_API_KEY",
        ] {
            assert_eq!(refused_name(ok), None, "{ok}");
        }
    }

    #[test]
    fn a_custom_config_named_path_is_an_error_naming_connection_and_key() {
        let mut c = Connection::new("prod", "custom").unwrap();
        c.configs.insert("PATH".into(), "/tmp/evil".into());
        c.secrets
            .insert("k".into(), crate::model::SecretRecord::parse("keychain"));
        let e = variables(&c, false, &mut |_| {
            Ok(Some(SecretString::from("fake-key-0001")))
        })
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("'prod'") && e.contains("PATH"), "{e}");
    }

    #[test]
    fn a_recorded_secret_the_backend_lost_is_an_error() {
        let mut c = Connection::new("prod", "custom").unwrap();
        c.secrets
            .insert("k".into(), crate::model::SecretRecord::parse("keychain"));
        let e = variables(&c, false, &mut |_| Ok(None))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("'k'") && e.contains("'prod'"), "{e}");
    }
}
