//! A connection in prompt flow's shape, built once as an ordered value that each output
//! serializes: JSON (`show --json`, `list --json`: `pf connection show`'s shape) through serde,
//! YAML (`export`: the file `pf connection create -f` takes) through [`PfShape::to_yaml`]. The
//! values are borrowed where they can be: `list --json` at 10,000 connections allocates no
//! JSON tree.

use super::env_names::{env_name, env_reference};
use crate::catalogue::Catalogue;
use crate::model::SecretRef;
use crate::model::{Connection, Entry, Source};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::borrow::Cow;

/// A secret `pf connection show` does not reveal.
pub const MASK: &str = "******";

/// One value of the shape: a string, or a map of strings (custom configs and secrets).
pub enum PfValue<'a> {
    Str(Cow<'a, str>),
    Map(Vec<(Cow<'a, str>, Cow<'a, str>)>),
}

/// The connection's entries in prompt flow's order.
pub struct PfShape<'a>(pub Vec<(Cow<'a, str>, PfValue<'a>)>);

impl Serialize for PfValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PfValue::Str(v) => s.serialize_str(v),
            PfValue::Map(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k.as_ref(), v.as_ref())?;
                }
                map.end()
            }
        }
    }
}

impl Serialize for PfShape<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k.as_ref(), v)?;
        }
        map.end()
    }
}

/// A YAML scalar that means exactly the text: a JSON string is a valid YAML double-quoted
/// scalar, escapes included (C1 and bidi characters escaped too, so a written file shows them
/// literally). Every scalar is quoted, so dates and numbers stay strings.
fn quote(s: &str) -> String {
    crate::sanitize::escape_json_text(&serde_json::to_string(s).unwrap_or_default()).into_owned()
}

/// The file's first key, naming its JSON schema (written bare, as prompt flow writes it).
const SCHEMA_KEY: &str = "$schema";

/// A key bare when it is a plain word, quoted otherwise.
fn yaml_key(k: &str) -> Cow<'_, str> {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        Cow::Borrowed(k)
    } else {
        Cow::Owned(quote(k))
    }
}

impl PfShape<'_> {
    /// The shape as the YAML prompt flow reads: one `key: "value"` line per entry, a map's
    /// entries indented under its key.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.0 {
            match v {
                PfValue::Str(s) if k == SCHEMA_KEY => {
                    out.push_str(&format!("{SCHEMA_KEY}: {}\n", quote(s)));
                }
                PfValue::Str(s) => out.push_str(&format!("{}: {}\n", yaml_key(k), quote(s))),
                PfValue::Map(m) => {
                    out.push_str(&format!("{}:\n", yaml_key(k)));
                    for (mk, mv) in m {
                        out.push_str(&format!("  {}: {}\n", yaml_key(mk), quote(mv)));
                    }
                }
            }
        }
        out
    }
}

/// Reads a secret's value for display; `None` shows the mask.
pub type Reveal<'r, E> = dyn FnMut(&str) -> Result<Option<String>, E> + 'r;

/// `pf connection show`'s shape of `c`: every field (a default where none is stored), custom
/// maps (a strong type's own keys as `promptflow.connection.*` configs), secrets masked or
/// read by `reveal`; with `sources`, `show`'s extra map of where each value comes from (the
/// draft's rule, as the form and `show`'s table say it).
pub fn show_shape<'a, E>(
    c: &'a Connection,
    reveal: &mut Reveal<'_, E>,
    sources: bool,
) -> Result<PfShape<'a>, E> {
    let spec = c.spec();
    let b = |s: &'a str| Cow::Borrowed(s);
    let shown = |v: Option<String>| v.map_or(Cow::Borrowed(MASK), Cow::Owned);
    let mut m: Vec<(Cow<'a, str>, PfValue<'a>)> = vec![
        (b("name"), PfValue::Str(b(&c.name))),
        (b("module"), PfValue::Str(b(&spec.module))),
        (b("type"), PfValue::Str(b(c.type_id()))),
    ];
    for entry in c.entries() {
        match entry {
            Entry::Secret {
                field,
                record: Some(_),
                ..
            } => m.push((b(&field.key), PfValue::Str(shown(reveal(&field.key)?)))),
            Entry::Secret { .. } => {}
            Entry::Configs { rows: configs, .. } => {
                let mut cfg: Vec<(Cow<'a, str>, Cow<'a, str>)> =
                    configs.iter().map(|(k, v)| (b(k), b(v))).collect();
                if c.is_strong_type() {
                    for k in &spec.all_or_none {
                        if let Some(v) = c.values.get(k) {
                            cfg.push((Cow::Owned(format!("promptflow.connection.{k}")), b(v)));
                        }
                    }
                }
                m.push((b("configs"), PfValue::Map(cfg)));
            }
            Entry::Secrets { rows: secrets, .. } => {
                let mut sec = Vec::new();
                for k in secrets.keys() {
                    sec.push((b(k), shown(reveal(k)?)));
                }
                m.push((b("secrets"), PfValue::Map(sec)));
            }
            // A strong type's own keys are shown among its configs (above).
            Entry::Value { .. } if spec.is_custom() => {}
            Entry::Value {
                field,
                value: Some((v, _)),
            } => m.push((b(&field.key), PfValue::Str(Cow::Owned(v)))),
            Entry::Value { value: None, .. } => {}
        }
    }
    if sources && !spec.is_custom() {
        m.push((b("sources"), PfValue::Map(source_map(c, &m))));
    }
    Ok(m.into())
}

/// Where each shown field's value comes from, as the draft says it.
fn source_map<'a>(
    c: &Connection,
    shown: &[(Cow<'a, str>, PfValue<'a>)],
) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
    use crate::draft::{Draft, FieldPath};
    let draft = Draft::from_connection(c);
    shown
        .iter()
        .skip(3) // name, module, type
        .filter(|(_, v)| matches!(v, PfValue::Str(_)))
        .filter_map(|(k, _)| {
            let src = draft.source(&FieldPath::Field(k.to_string()))?;
            Some((k.clone(), Cow::Owned(src.to_string())))
        })
        .collect()
}

impl<'a> From<Vec<(Cow<'a, str>, PfValue<'a>)>> for PfShape<'a> {
    fn from(v: Vec<(Cow<'a, str>, PfValue<'a>)>) -> Self {
        PfShape(v)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretStyle {
    /// `<user-input>`: `pf connection create` prompts for it.
    Placeholder,
    /// `${env:NAME_KEY}`, as `pf flow build` writes them.
    Env,
}

/// A secret as exported: a placeholder, or an `${env:...}` reference; a secret aiconn already
/// reads from a variable (`env:NAME`) names that variable.
fn secret_value(style: SecretStyle, conn: &Connection, field: &str) -> String {
    match (style, conn.secrets.get(field).and_then(|r| r.reference())) {
        (SecretStyle::Placeholder, _) => "<user-input>".to_string(),
        (SecretStyle::Env, Some(SecretRef::Env(name))) => env_reference(name),
        // Named as `aiconn run --prefix` and prompt flow's flow build name it.
        (SecretStyle::Env, _) => env_reference(&env_name(&conn.name, field)),
    }
}

/// The shape of the file `pf connection create -f` takes for `conn`: `$schema`, name, type,
/// prompt flow's fields, secrets as `style` (never their values). `as_type` exports under
/// another type (used for `azure_ai`, which has no prompt flow twin) with the given values;
/// `None` keeps the type.
pub fn file_shape<'a>(
    conn: &'a Connection,
    style: SecretStyle,
    as_type: Option<(&str, Vec<(String, String)>)>,
) -> PfShape<'a> {
    let (type_id, values): (&str, Vec<(String, String)>) = match as_type {
        Some((t, v)) => (t, v),
        None => (conn.spec().id.as_str(), pf_fields(conn)),
    };
    // `azure_ai_as_pf` names catalogue types only; were one missing, the connection's own
    // type is exported whole rather than a half-typed file.
    let (spec, type_id) = match Catalogue::get().find(type_id) {
        Some(s) => (s, type_id),
        None => (conn.spec(), conn.type_id()),
    };
    let strong = spec.is_custom() && conn.is_strong_type();
    let o = |s: String| Cow::Owned(s);
    let b = |s: &'a str| Cow::Borrowed(s);
    let mut m: Vec<(Cow<'a, str>, PfValue<'a>)> = vec![
        (b(SCHEMA_KEY), PfValue::Str(o(spec.schema_url(strong)))),
        (b("name"), PfValue::Str(b(&conn.name))),
        (b("type"), PfValue::Str(o(type_id.to_string()))),
    ];
    // The file's connection: the values given, under the exported type, walked as any other.
    let mut target = Connection::of(&conn.name, spec);
    target.values = values.into_iter().collect();
    for entry in target.entries() {
        match entry {
            Entry::Secret { dropped: true, .. } => {}
            Entry::Secret { field, .. } => {
                let v = secret_value(style, conn, &field.key);
                m.push((o(field.key.clone()), PfValue::Str(o(v))));
            }
            Entry::Configs { .. } if conn.configs.is_empty() => {}
            Entry::Configs { .. } => {
                let cfg = conn.configs.iter().map(|(k, v)| (b(k), b(v))).collect();
                m.push((b("configs"), PfValue::Map(cfg)));
            }
            Entry::Secrets { .. } => {
                let sec = conn.secrets.keys();
                let sec = sec.map(|k| (b(k), o(secret_value(style, conn, k))));
                m.push((b("secrets"), PfValue::Map(sec.collect())));
            }
            // Only what was given: a default prompt flow would fill in is not written for it.
            Entry::Value {
                field,
                value: Some((v, Source::File)),
            } => m.push((o(field.key.clone()), PfValue::Str(o(v)))),
            Entry::Value { .. } => {}
        }
    }
    m.into()
}

/// The values prompt flow's connection of `c`'s own type carries (aiconn's own fields left
/// out), effective: a default where none is stored.
pub(super) fn pf_fields(c: &Connection) -> Vec<(String, String)> {
    c.entries()
        .into_iter()
        .filter_map(|e| match e {
            Entry::Value {
                field,
                value: Some((v, _)),
            } if field.promptflow => Some((field.key.clone(), v)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SecretRecord;

    /// The YAML writer and serde say the same: the file read back as YAML is the shape's JSON,
    /// hostile text (quotes, newlines, a date, bidi controls, a key needing quotes) included.
    #[test]
    fn the_yaml_reads_back_as_the_same_value_serde_writes() {
        let mut c = Connection::new("my-conn", "custom").unwrap();
        for (k, v) in [
            ("plain", "x: y"),
            ("date", "2024-02-01"),
            ("we\"ird key", "line\nbreak \u{202e}bidi"),
            ("yes", "yes"),
        ] {
            c.configs.insert(k.into(), v.into());
        }
        c.secrets
            .insert("api-key".into(), SecretRecord::parse("keychain"));
        for style in [SecretStyle::Placeholder, SecretStyle::Env] {
            let shape = file_shape(&c, style, None);
            let yaml: serde_json::Value = serde_yaml_ng::from_str(&shape.to_yaml()).unwrap();
            assert_eq!(yaml, serde_json::to_value(&shape).unwrap(), "{style:?}");
        }
        let mut aoai = Connection::new("aoai", "azure_open_ai").unwrap();
        aoai.values
            .insert("api_base".into(), "https://r.openai.azure.com/".into());
        let shape = file_shape(&aoai, SecretStyle::Env, None);
        let yaml: serde_json::Value = serde_yaml_ng::from_str(&shape.to_yaml()).unwrap();
        assert_eq!(yaml, serde_json::to_value(&shape).unwrap());
        assert_eq!(yaml["api_version"], "2024-02-01", "a date stays a string");
    }
}
