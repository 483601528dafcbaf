//! A connection in the shape of `pf connection show` / `list`: flat fields, custom maps,
//! secrets masked (or revealed). Built as borrowed ordered pairs and serialized straight to
//! JSON: `list --json` at 10,000 connections allocates no JSON tree.

use super::CliError;
use crate::catalogue::FieldKind;
use crate::model::Connection;
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::borrow::Cow;

pub const MASK: &str = "******";

/// One value of the shape: a string, or a map of strings (custom configs and secrets).
pub enum PfValue<'a> {
    Str(Cow<'a, str>),
    Map(Vec<(Cow<'a, str>, Cow<'a, str>)>),
}

/// The connection's fields in pf's order.
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

/// Reads a secret's value for display; `None` shows the mask.
pub type Reveal<'r> = dyn FnMut(&str) -> Result<Option<String>, CliError> + 'r;

/// The shape of `c`; with `sources`, `show`'s extra map of where each value comes from.
pub fn pf_shape<'a>(
    c: &'a Connection,
    reveal: &mut Reveal<'_>,
    sources: bool,
) -> Result<PfShape<'a>, CliError> {
    let spec = c.spec();
    let b = |s: &'a str| Cow::Borrowed(s);
    let shown = |v: Option<String>| v.map_or(Cow::Borrowed(MASK), Cow::Owned);
    let mut m: Vec<(Cow<'a, str>, PfValue<'a>)> = vec![
        (b("name"), PfValue::Str(b(&c.name))),
        (b("module"), PfValue::Str(b(&spec.module))),
        (b("type"), PfValue::Str(b(c.type_id()))),
    ];
    let mut src: Vec<(Cow<'a, str>, Cow<'a, str>)> = Vec::new();
    for f in &spec.fields {
        match f.kind {
            FieldKind::Secret => {
                if let Some(r) = c.secrets.get(&f.key) {
                    m.push((b(&f.key), PfValue::Str(shown(reveal(&f.key)?))));
                    src.push((b(&f.key), Cow::Owned(r.to_string())));
                }
            }
            FieldKind::Map => {
                let mut cfg: Vec<(Cow<'a, str>, Cow<'a, str>)> =
                    c.configs.iter().map(|(k, v)| (b(k), b(v))).collect();
                if c.is_strong_type() {
                    for k in &spec.all_or_none {
                        if let Some(v) = c.values.get(k) {
                            cfg.push((Cow::Owned(format!("promptflow.connection.{k}")), b(v)));
                        }
                    }
                }
                m.push((b("configs"), PfValue::Map(cfg)));
            }
            FieldKind::SecretMap => {
                let mut sec = Vec::new();
                for k in c.secrets.keys() {
                    sec.push((b(k), shown(reveal(k)?)));
                }
                m.push((b("secrets"), PfValue::Map(sec)));
            }
            _ if spec.is_custom() => {}
            _ => {
                if let Some(v) = c.values.get(&f.key) {
                    m.push((b(&f.key), PfValue::Str(b(v))));
                    src.push((b(&f.key), b("file")));
                } else if let Some(d) = &f.default {
                    m.push((b(&f.key), PfValue::Str(b(d))));
                    src.push((b(&f.key), b("default")));
                }
            }
        }
    }
    if sources && !spec.is_custom() {
        m.push((b("sources"), PfValue::Map(src)));
    }
    Ok(PfShape(m))
}

/// `list --json` straight from the file's text: each connection is parsed, shaped and
/// written in turn, so no list of connections or JSON tree is ever built. `None` when the fast
/// reader is unsure of the file (the caller then takes the full path, which reports errors).
pub fn list_json_streamed(text: &str, type_id: Option<&str>) -> Option<Vec<u8>> {
    struct Streamed<'a> {
        text: &'a str,
        type_id: Option<&'a str>,
    }
    impl Serialize for Streamed<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{Error, SerializeSeq};
            let mut seq = s.serialize_seq(None)?;
            let mut failed = None;
            let read = crate::store::fast::stream(self.text, |c| {
                if failed.is_some() || self.type_id.is_some_and(|t| c.type_id() != t) {
                    return;
                }
                let r = pf_shape(&c, &mut |_| Ok(None), false)
                    .map_err(|e| S::Error::custom(e.message))
                    .and_then(|shape| seq.serialize_element(&shape));
                if let Err(e) = r {
                    failed = Some(e);
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
            if read.is_none() {
                return Err(S::Error::custom("not in aiconn's own layout"));
            }
            seq.end()
        }
    }
    let mut out = Vec::with_capacity(text.len() * 2);
    serde_json::to_writer_pretty(&mut out, &Streamed { text, type_id }).ok()?;
    Some(out)
}
