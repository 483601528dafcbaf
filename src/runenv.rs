//! Connection values as environment variables, named the way the SDKs read them (the catalogue's
//! `env` per field), or prompt flow serving's `<NAME>_<KEY>` convention with `prefix`
//! (`promptflow::env_name`).

use crate::clients::{Contract, Value, value_of};
use crate::model::Connection;
use crate::model::Entry;
use crate::promptflow::env_name;
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
    // Editors run their init text as commands (git commit starts vi); less runs LESSEDIT.
    "VIMINIT",
    "GVIMINIT",
    "EXINIT",
    "FCEDIT",
    "LESSEDIT",
    // Tools that run a command a variable names, or read options that do.
    "TAR_OPTIONS",
    "MAKEFLAGS",
    "MFLAGS",
    "GNUMAKEFLAGS",
    "MAKEFILES",
    "SVN_SSH",
    "CVS_RSH",
    // Files whose contents are run or trusted.
    "TERMINFO_DIRS",
    "KUBECONFIG",
    "CURL_HOME",
    "WGETRC",
    "PSQLRC",
    "NIX_SSL_CERT_FILE",
    "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH",
    // Where credentials go: azure-identity's login host and managed identity endpoints, a
    // container engine's socket.
    "AZURE_AUTHORITY_HOST",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "MSI_ENDPOINT",
    "MSI_SECRET",
    "IMDS_ENDPOINT",
    "DOCKER_HOST",
    "DOCKER_CONFIG",
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
    "LESSKEY",
    "RSYNC_",
];
/// Suffixes: proxies route every request (and its key) through another host; pagers, editors
/// and askpass helpers are programs run; certificate bundles decide whom a client trusts.
const REFUSED_SUFFIXES: &[&str] = &["_PROXY", "_PAGER", "_EDITOR", "_ASKPASS", "_CA_BUNDLE"];

/// Why `name` may not be exported, if it may not.
pub fn refused_name(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    let well_formed = chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        // '-' only as prompt flow names a connection's values (`MY-CONN_API_KEY`): no shell
        // variable can have it, so it cannot change how a shell runs.
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !well_formed {
        return Some(
            "only names of A-Z, 0-9, '_' and '-' not starting with a digit or '-' are exported",
        );
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

/// The variables of one connection: the names its clients read (assets/clients.toml), or
/// with `prefix` prompt flow's `<NAME>_<KEY>` for every field. `secret` reads a secret value
/// when it is needed.
pub fn variables(
    conn: &Connection,
    prefix: bool,
    secret: &mut dyn FnMut(&str) -> Result<Option<SecretString>, OpError>,
) -> Result<Vec<EnvVar>, OpError> {
    let out = if prefix {
        by_field(conn, secret, &|k| env_name(&conn.name, k))?
    } else if conn.spec().is_custom() {
        by_field(conn, secret, &env_key)?
    } else {
        by_contract(conn, secret)?
    };
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

/// Every field (custom: every config and secret) under `name(key)`.
fn by_field(
    conn: &Connection,
    secret: &mut dyn FnMut(&str) -> Result<Option<SecretString>, OpError>,
    name: &dyn Fn(&str) -> String,
) -> Result<Vec<EnvVar>, OpError> {
    let mut out = Vec::new();
    let var = |n: String, value: SecretString, secret: bool| EnvVar {
        name: n,
        value,
        secret,
        from: conn.name.clone(),
    };
    for entry in conn.entries() {
        match entry {
            Entry::Configs { rows: configs, .. } => out.extend(
                configs
                    .iter()
                    .map(|(k, v)| var(name(k), SecretString::from(v.clone()), false)),
            ),
            Entry::Secrets { rows: secrets, .. } => {
                for k in secrets.keys() {
                    let v = secret(k)?.ok_or_else(|| missing(conn, k))?;
                    out.push(var(name(k), v, true));
                }
            }
            Entry::Secret {
                field,
                record: Some(_),
                dropped: false,
            } => {
                let v = secret(&field.key)?.ok_or_else(|| missing(conn, &field.key))?;
                out.push(var(name(&field.key), v, true));
            }
            Entry::Secret { .. } => {}
            Entry::Value {
                field,
                value: Some((v, _)),
            } => out.push(var(
                name(&field.key),
                SecretString::from(exported_url(v)),
                false,
            )),
            Entry::Value { value: None, .. } => {}
        }
    }
    Ok(out)
}

/// The names the type's clients read, from the client contract.
fn by_contract(
    conn: &Connection,
    secret: &mut dyn FnMut(&str) -> Result<Option<SecretString>, OpError>,
) -> Result<Vec<EnvVar>, OpError> {
    let Some(spec) = Contract::get().env_for(conn) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    // One read per secret field, however many names it goes under.
    let mut read: Vec<(String, SecretString)> = Vec::new();
    for v in &spec.vars {
        let (value, is_secret) = match value_of(conn, spec, &v.value) {
            None => continue,
            Some(Value::Plain(p)) => (SecretString::from(exported_url(p)), false),
            Some(Value::Secret(field)) => {
                let value = match read.iter().find(|(k, _)| *k == field) {
                    Some((_, s)) => s.clone(),
                    None => {
                        let s = secret(&field)?.ok_or_else(|| missing(conn, &field))?;
                        read.push((field, s.clone()));
                        s
                    }
                };
                (value, true)
            }
        };
        out.push(EnvVar {
            name: v.name.clone(),
            value,
            secret: is_secret,
            from: conn.name.clone(),
        });
    }
    Ok(out)
}

/// A plain-http URL to a service that only speaks https (Azure, OpenAI) is handed to clients
/// as https: a key never leaves for a non-loopback host in clear text.
fn exported_url(v: String) -> String {
    crate::endpoint::https_upgrade(&v).unwrap_or(v)
}

/// The variables of the chosen connections' client families that none of them sets: `run`
/// removes them from the child's environment, `env --format sh` unsets them.
pub fn cleared(conns: &[&Connection], set: &[EnvVar]) -> Vec<String> {
    let contract = Contract::get();
    // the user's own model choice stays unless a chosen connection names a model (and its
    // type sets that variable: an embedding model choice outlives a chat connection)
    let names_model = conns.iter().any(|c| contract.names_model(c));
    let mut out: Vec<String> = Vec::new();
    for c in conns {
        let Some(fam) = contract.env_for(c).and_then(|e| contract.family(&e.family)) else {
            continue;
        };
        for n in &fam.vars {
            let users_own =
                fam.user_choice.contains(n) && !(names_model && contract.type_sets(c.type_id(), n));
            if !users_own && !set.iter().any(|v| v.name == *n) && !out.contains(n) {
                out.push(n.clone());
            }
        }
    }
    out
}

/// A secret the file records as set but the backend does not have.
fn missing(conn: &Connection, field: &str) -> OpError {
    OpError::secret_missing(conn, field)
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

/// A .env value that python-dotenv, docker compose and aiconn's own import all read back as
/// it is: single-quoted (literal in all three). `None` when no quoting can carry it for all of
/// them: a `'`, a line break, `${` (python-dotenv expands it even in single quotes) or a
/// backslash that escapes (before `\\`, `'` or the end).
pub fn dotenv_quote(v: &str) -> Option<String> {
    let escapes = v.ends_with('\\') || v.contains("\\\\") || v.contains("\\'");
    let unsafe_char = v.contains(['\'', '\n', '\r']) || v.contains("${");
    (!escapes && !unsafe_char).then(|| format!("'{v}'"))
}

pub fn is_shell_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

/// Renders for `aiconn env`. `clear`: the family names to unset first (`sh` only; a dotenv
/// file or JSON cannot remove a variable).
pub fn render(vars: &[EnvVar], clear: &[String], format: &str) -> Result<String, String> {
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
        "sh" => {
            for n in clear {
                out.push_str(&format!("unset {n}\n"));
            }
            for v in vars {
                shell_name(v)?;
                out.push_str(&format!(
                    "export {}={}\n",
                    v.name,
                    sh_quote(v.value.expose_secret())
                ));
            }
        }
        "dotenv" => {
            for v in vars {
                let quoted = dotenv_quote(v.value.expose_secret()).ok_or_else(|| {
                    format!(
                        "{} of '{}' holds a quote, a line break, '${{' or an escaping backslash, which no .env reader reads back the same: use --format sh or json",
                        v.name, v.from
                    )
                })?;
                out.push_str(&format!("{}={quoted}\n", v.name));
            }
        }
        other => return Err(format!("unknown format '{other}'")),
    }
    Ok(out)
}

fn shell_name(v: &EnvVar) -> Result<(), String> {
    if is_shell_name(&v.name) {
        Ok(())
    } else {
        Err(format!(
            "'{}' is not a valid shell variable name: use --format json or dotenv, or aiconn run",
            v.name
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn quoting_survives_hostile_values() {
        assert_eq!(sh_quote("a'b $x"), "'a'\\''b $x'");
        assert_eq!(dotenv_quote("Pa$$w0rd").as_deref(), Some("'Pa$$w0rd'"));
        for cannot in ["it's", "a\nb", "x${HOME}y", "trail\\", "a\\\\b", "a\\'b"] {
            assert_eq!(dotenv_quote(cannot), None, "{cannot}");
        }
        assert_eq!(env_key("api-key.x"), "API_KEY_X");
        assert_eq!(env_name("my conn", "api_key"), "MY_CONN_API_KEY");
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
