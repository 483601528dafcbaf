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

/// The variables of one connection. `secret` reads a secret value when it is needed.
pub fn variables(
    conn: &Connection,
    prefix: bool,
    secret: &mut dyn FnMut(&str) -> Result<Option<SecretString>, OpError>,
) -> Result<Vec<EnvVar>, OpError> {
    let spec = conn.spec().expect("stored types are known");
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
                    if let Some(v) = secret(k)? {
                        let name = if prefix {
                            prefixed(&conn.name, k)
                        } else {
                            env_key(k)
                        };
                        push(name, v, true);
                    }
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
                if let (Some(name), Some(v)) = (name, secret(&f.key)?) {
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
    Ok(out)
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
            out = serde_json::to_string_pretty(&m).expect("json") + "\n";
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
}
