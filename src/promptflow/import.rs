//! Reads prompt flow connection YAML and `.env` files into aiconn connections.

use super::placeholder::{SecretInput, classify};
use crate::catalogue::{Catalogue, FieldKind};
use crate::model::{Connection, validate_name};
use indexmap::IndexMap;
use secrecy::SecretString;
use serde_yaml_ng::Value;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// A connection read from a file, before its secrets are resolved and saved.
#[derive(Debug)]
pub struct Imported {
    pub conn: Connection,
    /// Secret field -> value given in the file (or by `--set`).
    pub secret_values: IndexMap<String, SecretString>,
    /// Secret fields whose value is a placeholder: prompt, or fail naming them.
    pub needs_input: Vec<String>,
    /// Secret fields that say "keep the stored value" (`******`, `<no-change>`).
    pub keep: Vec<String>,
    /// Keys prompt flow would ignore (reported, not stored).
    pub unknown_keys: Vec<String>,
}

fn err(file: &str, message: impl Into<String>) -> ImportError {
    ImportError::Invalid {
        file: file.to_string(),
        message: message.into(),
    }
}

/// prompt flow requires strings; YAML turns unquoted `8080`, `true` or `0.0.5`-like values into
/// other types. Accept them as the string the user wrote.
fn scalar(file: &str, key: &str, v: &Value) -> Result<Option<String>, ImportError> {
    Ok(match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar(file, key, &t.value)?,
        Value::Sequence(_) | Value::Mapping(_) => {
            return Err(err(
                file,
                format!("'{key}' must be a single value, not a list or a map"),
            ));
        }
    })
}

fn key_str(file: &str, k: &Value) -> Result<String, ImportError> {
    scalar(file, "key", k)?.ok_or_else(|| err(file, "a key is empty"))
}

/// `${env:NAME}` (what `aiconn export --secrets env` and `pf flow build` write) is replaced by
/// the variable's value, as prompt flow's serving does (`^\$\{env:(.+)}$`); an unset variable
/// is an error, never the literal text stored as a key.
fn resolve_env_reference(field: &str, value: &str) -> Result<SecretString, String> {
    let Some(name) = super::referenced_var(value) else {
        return Ok(SecretString::from(value.to_string()));
    };
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(SecretString::from(v)),
        _ => Err(format!(
            "secret '{field}' is {}, but the environment variable {} is not set; set it, or give the key with --secret-stdin {field}",
            crate::sanitize::for_terminal(value),
            crate::sanitize::for_terminal(name)
        )),
    }
}

/// Sets one value the way prompt flow's `--set key=value` does: `configs.k` / `secrets.k` for
/// custom maps, a field name otherwise.
pub fn apply_set(imp: &mut Imported, key: &str, value: &str) -> Result<(), String> {
    let spec = imp.conn.spec();
    let (map, sub) = match key.split_once('.') {
        Some((m @ ("configs" | "secrets"), k)) if spec.is_custom() => (Some(m), k),
        _ => (None, key),
    };
    let is_secret = match map {
        Some(m) => m == "secrets",
        None => match spec.field(sub) {
            Some(f) if f.kind == FieldKind::Secret => true,
            Some(f) if !f.is_map() => false,
            _ => {
                let known: Vec<&str> = spec
                    .fields
                    .iter()
                    .filter(|f| !f.is_map())
                    .map(|f| f.key.as_str())
                    .collect();
                let custom_hint = if spec.is_custom() {
                    "; custom connections take configs.KEY=... or secrets.KEY=..."
                } else {
                    ""
                };
                return Err(format!(
                    "'{key}' is not a field of type {} (fields: {}){custom_hint}",
                    spec.id,
                    known.join(", ")
                ));
            }
        },
    };
    if is_secret {
        imp.needs_input.retain(|k| k != sub);
        imp.keep.retain(|k| k != sub);
        match classify(value) {
            SecretInput::Keep => imp.keep.push(sub.to_string()),
            SecretInput::Ask => imp.needs_input.push(sub.to_string()),
            SecretInput::Value => {
                let value = resolve_env_reference(sub, value)?;
                imp.secret_values.insert(sub.to_string(), value);
            }
        }
        if spec.is_custom() {
            imp.conn
                .secrets
                .insert(sub.to_string(), crate::model::SecretRecord::Pending);
        }
    } else if map == Some("configs") {
        imp.conn.configs.insert(sub.to_string(), value.to_string());
    } else if value.is_empty() {
        imp.conn.values.shift_remove(sub);
    } else {
        imp.conn.values.insert(sub.to_string(), value.to_string());
    }
    Ok(())
}

/// Reads one prompt flow connection YAML. `name` overrides the file's name (`--name`).
/// Deepest nesting a connection file needs is 2 (`configs:` then a key); anything far deeper
/// is not a connection file, and the YAML parser's time grows quadratically with depth.
const MAX_YAML_DEPTH: usize = 32;
/// Largest file `import` reads: a connection file is a few hundred bytes.
pub const MAX_IMPORT_BYTES: usize = 1 << 20;

/// The deepest flow (`[`/`{`) or block (indentation) nesting in `text`, roughly: quotes and
/// comments are skipped, which is all a bound needs.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut max, mut quote) = (0usize, 0usize, None::<char>);
    for line in text.lines() {
        let indent = line.len() - line.trim_start_matches([' ', '-']).len();
        max = max.max(indent / 2);
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    max = max.max(depth);
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    max
}

/// The file's top-level mapping, refused when it is too big or too deep to be a connection.
fn top_level(file: &str, text: &str) -> Result<IndexMap<String, Value>, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(err(
            file,
            format!(
                "{} KiB is far larger than a connection file ({} KiB at most)",
                text.len() >> 10,
                MAX_IMPORT_BYTES >> 10
            ),
        ));
    }
    if nesting_depth(text) > MAX_YAML_DEPTH {
        return Err(err(
            file,
            format!("nested deeper than {MAX_YAML_DEPTH} levels: not a connection file"),
        ));
    }
    let doc: Value =
        serde_yaml_ng::from_str(text).map_err(|e| err(file, format!("not valid YAML: {e}")))?;
    let Value::Mapping(map) = doc else {
        return Err(err(
            file,
            "expected a mapping of connection fields at the top level",
        ));
    };
    let mut top: IndexMap<String, Value> = IndexMap::new();
    for (k, v) in map {
        top.insert(key_str(file, &k)?, v);
    }
    Ok(top)
}

pub fn import_yaml(file: &str, text: &str, name: Option<&str>) -> Result<Imported, ImportError> {
    let top = top_level(file, text)?;
    let raw_type = top
        .get("type")
        .and_then(|v| scalar(file, "type", v).ok().flatten())
        .ok_or_else(|| err(file, "no 'type' (e.g. type: azure_open_ai)"))?;
    // prompt flow lower-cases the type (`Serp` works) but needs the exact snake_case words.
    let type_id = raw_type.to_lowercase();
    let cat = Catalogue::get();
    let spec = cat.find(&type_id).ok_or_else(|| {
        err(
            file,
            format!(
                "connection type '{raw_type}' is not supported; supported types are: {}",
                cat.ids().join(", ")
            ),
        )
    })?;
    let file_name = top
        .get("name")
        .map(|v| scalar(file, "name", v))
        .transpose()?
        .flatten();
    let name = match (name.filter(|n| !n.is_empty()), file_name) {
        (Some(n), _) => n.to_string(),
        (None, Some(n)) => n,
        (None, None) => return Err(err(file, "no 'name' in the file; give one with --name")),
    };
    validate_name(&name).map_err(|m| err(file, format!("{m}; choose another with --name")))?;
    let mut imp = Imported {
        conn: Connection::of(&name, spec),
        secret_values: IndexMap::new(),
        needs_input: Vec::new(),
        keep: Vec::new(),
        unknown_keys: Vec::new(),
    };
    let strong = spec.is_custom() && top.contains_key("custom_type");
    for (key, value) in &top {
        match key.as_str() {
            "$schema" | "name" | "type" | "created_date" | "last_modified_date" | "expiry_time" => {
                continue;
            }
            // prompt flow's own `module` (not persisted), except a strong type's class module.
            "module" if !strong => continue,
            "configs" | "secrets" if spec.is_custom() => {
                let Value::Mapping(m) = value else {
                    if value.is_null() {
                        continue;
                    }
                    return Err(err(file, format!("'{key}' must be a map of key: value")));
                };
                for (k, v) in m {
                    let k = key_str(file, k)?;
                    let v = scalar(file, &format!("{key}.{k}"), v)?.unwrap_or_default();
                    apply_set(&mut imp, &format!("{key}.{k}"), &v).map_err(|m| err(file, m))?;
                }
            }
            _ if spec.field(key).is_some_and(|f| !f.is_map()) => {
                if let Some(v) = scalar(file, key, value)? {
                    apply_set(&mut imp, key, &v).map_err(|m| err(file, m))?;
                }
            }
            _ => imp.unknown_keys.push(key.clone()),
        }
    }
    // Required secrets that the file does not mention at all must be asked for too.
    for f in spec.secret_fields() {
        let mentioned = imp.secret_values.contains_key(&f.key)
            || imp.needs_input.contains(&f.key)
            || imp.keep.contains(&f.key);
        if !mentioned && imp.conn.is_required(f) {
            imp.needs_input.push(f.key.clone());
        }
    }
    drop_by_rule(&mut imp);
    Ok(imp)
}

/// `auth_mode: meid_token` drops the API key, as prompt flow does.
fn drop_by_rule(imp: &mut Imported) {
    let conn = imp.conn.clone();
    imp.needs_input.retain(|k| !conn.is_dropped(k));
    imp.keep.retain(|k| !conn.is_dropped(k));
    imp.secret_values.retain(|k, _| !conn.is_dropped(k));
}

/// Reads a `.env` file as prompt flow does: a custom connection, every pair a secret.
pub fn import_dotenv(file: &str, text: &str, name: Option<&str>) -> Result<Imported, ImportError> {
    let name = name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| err(file, "please specify --name when importing a .env file"))?;
    validate_name(name).map_err(|m| err(file, m))?;
    let mut imp = Imported {
        conn: Connection::of(name, Catalogue::get().custom()),
        secret_values: IndexMap::new(),
        needs_input: Vec::new(),
        keep: Vec::new(),
        unknown_keys: Vec::new(),
    };
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        // dotenvy's error text may quote the line, which may hold a secret: report only where.
        let (k, v) = item.map_err(|e| match e {
            dotenvy::Error::LineParse(_, idx) => err(
                file,
                format!("cannot parse the .env line near character {idx}"),
            ),
            _ => err(file, "cannot read the .env file"),
        })?;
        apply_set(&mut imp, &format!("secrets.{k}"), &v).map_err(|m| err(file, m))?;
    }
    if imp.conn.secrets.is_empty() {
        return Err(err(file, "nothing to import from this .env file"));
    }
    Ok(imp)
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    #[test]
    fn deep_nesting_is_refused_quickly_and_real_files_pass() {
        let deep = format!("name: x\ntype: custom\nconfigs: {}", "[".repeat(100_000));
        let e = import_yaml("f.yaml", &deep, None).unwrap_err().to_string();
        assert!(e.contains("nested deeper"), "{e}");
        let indented: String = (0..200)
            .map(|i| format!("{}a{i}:\n", " ".repeat(i * 2)))
            .collect();
        assert!(
            import_yaml("f.yaml", &indented, None)
                .unwrap_err()
                .to_string()
                .contains("nested")
        );
        let ok = "name: x\ntype: custom\nconfigs:\n  a: \"[[[{{\"\nsecrets:\n  k: fake-key-0001\n";
        assert!(import_yaml("f.yaml", ok, None).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn azure_openai_with_placeholder_and_unknown_key() {
        let y = "$schema: x\nname: aoai\ntype: azure_open_ai  # snake\napi_key: \"<to-be-replaced>\"\napi_base: \"aoai-api-endpoint\"\napi_version: 2024-02-01\ndeployment_name: gpt-4o\ncreated_date: \"2024\"\n";
        let imp = import_yaml("f.yaml", y, None).unwrap();
        assert_eq!(imp.conn.values["api_version"], "2024-02-01");
        assert_eq!(imp.needs_input, ["api_key"]);
        assert_eq!(imp.unknown_keys, ["deployment_name"]);
    }

    #[test]
    fn numbers_become_strings_and_type_case_is_folded() {
        let y = "name: s\ntype: Serp\napi_key: 12345\n";
        let imp = import_yaml("f", y, None).unwrap();
        assert_eq!(imp.conn.type_id(), "serp");
        assert_eq!(imp.secret_values["api_key"].expose_secret(), "12345");
    }

    #[test]
    fn bad_names_and_types_are_explained() {
        let e = import_yaml("f", "name: a.b\ntype: serp\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("--name"), "{e}");
        let e = import_yaml("f", "name: a\ntype: azure_openai\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("'azure_openai' is not supported") && e.contains("azure_open_ai"),
            "{e}"
        );
    }

    #[test]
    fn meid_token_drops_the_key() {
        let y = "name: a\ntype: azure_open_ai\napi_base: https://r.openai.azure.com\nauth_mode: meid_token\napi_key: fake-key-0001\n";
        let imp = import_yaml("f", y, None).unwrap();
        assert!(imp.secret_values.is_empty() && imp.needs_input.is_empty());
    }

    #[test]
    fn dotenv_makes_custom_secrets_and_needs_a_name() {
        assert!(
            import_dotenv("x.env", "a=1\n", None)
                .unwrap_err()
                .to_string()
                .contains("--name")
        );
        let imp = import_dotenv(
            "x.env",
            "api_key=fake-key-0001\nOTHER=\"q v\"\n",
            Some("envc"),
        )
        .unwrap();
        assert_eq!(imp.conn.type_id(), "custom");
        assert_eq!(imp.secret_values.len(), 2);
        assert_eq!(imp.secret_values["OTHER"].expose_secret(), "q v");
    }
}
