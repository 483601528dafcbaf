//! The fast read path of read-only commands (`list`, `show`, the TUI's list): the serde TOML
//! parser, with every rule of the format-preserving reader checked (version, namespace, names,
//! known types, string values, string maps). Any file it is unsure of (an error, an unusual
//! shape) returns `None`, and the format-preserving reader gives the answer, errors with their
//! line and column included. So this path can be wrong only by being slow, never by showing a
//! value the full reader would not.

use crate::catalogue::Catalogue;
use crate::model::{Connection, SecretRecord};
use indexmap::IndexMap;
use toml_parser::decoder::{Encoding, IntegerRadix, ScalarKind};
use toml_parser::parser::{EventReceiver, ValidateWhitespace};
use toml_parser::{ErrorSink, ParseError, Raw, Source, Span};

/// A value of a connection's table: a string, or an inline table of strings.
enum Field {
    Text(String),
    Map(IndexMap<String, String>),
}

/// The top-level keys and the connections, as read.
#[derive(Default)]
struct File {
    version: Option<i64>,
    namespace: Option<String>,
    secret_backend: Option<String>,
    connections: Vec<(String, IndexMap<String, Field>)>,
}

/// Builds `File` from the parser's events for aiconn's own layout only: top-level string (or
/// `version` integer) keys, `[connections.NAME]` tables of string values and inline tables of
/// strings. Anything else (arrays, dotted keys, sub-tables, other tables, duplicates) sets
/// `unsure`, and the full reader takes over.
struct Reader<'i> {
    text: &'i str,
    unsure: bool,
    in_header: bool,
    header: Vec<String>,
    /// The key of the key-value being read (body or inline table).
    key: Option<String>,
    /// Inside `key = { ... }`: the outer key and what was read so far.
    inline: Option<(String, IndexMap<String, String>)>,
    /// Which table the body belongs to: `None` for the root, else an index in `file.connections`.
    table: Option<usize>,
    names: std::collections::HashSet<String>,
    file: File,
}

impl<'i> Reader<'i> {
    fn raw(&self, span: Span, kind: Option<Encoding>) -> Raw<'i> {
        Raw::new_unchecked(&self.text[span.start()..span.end()], kind, span)
    }

    fn decode_key(
        &mut self,
        span: Span,
        kind: Option<Encoding>,
        error: &mut dyn ErrorSink,
    ) -> String {
        let mut out = String::new();
        self.raw(span, kind).decode_key(&mut out, error);
        out
    }

    fn put(&mut self, key: String, value: Field) {
        let fields = match self.table {
            Some(i) => &mut self.file.connections[i].1,
            None => {
                self.unsure = true;
                return;
            }
        };
        if fields.insert(key, value).is_some() {
            self.unsure = true;
        }
    }

    fn put_root(&mut self, key: &str, value: String, kind: ScalarKind) {
        let f = &mut self.file;
        let dup = match (key, kind) {
            ("version", ScalarKind::Integer(IntegerRadix::Dec)) => {
                let n = value.replace('_', "").parse().ok();
                self.unsure |= n.is_none();
                f.version.replace(n.unwrap_or(0)).is_some()
            }
            ("namespace", ScalarKind::String) => f.namespace.replace(value).is_some(),
            ("secret_backend", ScalarKind::String) => f.secret_backend.replace(value).is_some(),
            _ => true,
        };
        self.unsure |= dup;
    }
}

impl EventReceiver for Reader<'_> {
    fn std_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.unsure |= self.inline.is_some() || self.key.is_some();
        self.in_header = true;
        self.header.clear();
    }
    fn std_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.in_header = false;
        match std::mem::take(&mut self.header).as_slice() {
            [c, name] if c == "connections" && self.names.insert(name.clone()) => {
                self.file.connections.push((name.clone(), IndexMap::new()));
                self.table = Some(self.file.connections.len() - 1);
            }
            _ => self.unsure = true,
        }
    }
    fn array_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.unsure = true;
    }
    fn inline_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) -> bool {
        match (self.inline.is_none(), self.key.take()) {
            (true, Some(k)) => self.inline = Some((k, IndexMap::new())),
            _ => self.unsure = true,
        }
        !self.unsure
    }
    fn inline_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        match self.inline.take() {
            Some((k, m)) if self.key.is_none() => self.put(k, Field::Map(m)),
            _ => self.unsure = true,
        }
    }
    fn array_open(&mut self, _: Span, _: &mut dyn ErrorSink) -> bool {
        self.unsure = true;
        false
    }
    fn simple_key(&mut self, span: Span, kind: Option<Encoding>, error: &mut dyn ErrorSink) {
        let k = self.decode_key(span, kind, error);
        if self.in_header {
            self.header.push(k);
        } else if self.key.replace(k).is_some() {
            self.unsure = true; // a dotted key
        }
    }
    fn key_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.unsure |= !self.in_header;
    }
    fn scalar(&mut self, span: Span, kind: Option<Encoding>, error: &mut dyn ErrorSink) {
        let mut out = String::new();
        let scalar = self.raw(span, kind).decode_scalar(&mut out, error);
        let Some(key) = self.key.take() else {
            self.unsure = true;
            return;
        };
        match (&mut self.inline, scalar) {
            (Some((_, m)), ScalarKind::String) => {
                if m.insert(key, out).is_some() {
                    self.unsure = true;
                }
            }
            (Some(_), _) => self.unsure = true,
            (None, _) if self.table.is_none() => self.put_root(&key, out, scalar),
            (None, ScalarKind::String) => self.put(key, Field::Text(out)),
            (None, _) => self.unsure = true,
        }
    }
    fn error(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.unsure = true;
    }
}

/// Parses `text` into a `File`, or `None` when it is not plainly in aiconn's layout.
fn parse(text: &str) -> Option<File> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut reader = Reader {
        text,
        unsure: false,
        in_header: false,
        header: Vec::new(),
        key: None,
        inline: None,
        table: None,
        names: std::collections::HashSet::new(),
        file: File::default(),
    };
    let mut errors: Option<ParseError> = None;
    {
        let mut checked = ValidateWhitespace::new(&mut reader, source);
        toml_parser::parser::parse_document(&tokens, &mut checked, &mut errors);
    }
    (errors.is_none() && !reader.unsure && reader.key.is_none() && reader.inline.is_none())
        .then_some(reader.file)
}

/// The top of the file: what every command needs before any connection.
pub struct Head {
    /// The namespace line of files written by earlier versions (now kept beside the file).
    pub namespace: Option<String>,
    pub secret_backend: Option<String>,
}

fn head(f: &File) -> Option<Head> {
    if f.version.is_some_and(|v| v != super::FORMAT_VERSION) {
        return None;
    }
    Some(Head {
        namespace: f.namespace.clone(),
        secret_backend: f.secret_backend.clone(),
    })
}

fn connection(name: String, fields: IndexMap<String, Field>) -> Option<Connection> {
    crate::model::validate_name(&name).ok()?;
    let Some(Field::Text(type_id)) = fields.get("type") else {
        return None;
    };
    let mut c = Connection::of(&name, Catalogue::get().find(type_id)?);
    for (k, v) in fields {
        match (k.as_str(), v) {
            ("type", _) => {}
            ("configs", Field::Map(m)) => c.configs = m,
            ("secrets", Field::Map(m)) => {
                c.secrets = m
                    .into_iter()
                    .map(|(k, r)| (k, SecretRecord::parse(&r)))
                    .collect();
                // The full reader reports it with its line and column.
                if c.secrets.values().any(|r| r.invalid_reason().is_some()) {
                    return None;
                }
            }
            ("configs" | "secrets", _) => return None,
            (_, Field::Text(s)) => {
                c.values.insert(k, s);
            }
            _ => return None,
        }
    }
    Some(c)
}

/// Every connection, or `None` to let the full reader decide.
pub fn read(text: &str) -> Option<super::Snapshot> {
    let mut connections = Vec::new();
    let h = stream(text, |c| connections.push(c))?;
    Some(super::Snapshot {
        namespace: h.namespace,
        secret_backend: h.secret_backend,
        connections,
    })
}

/// Calls `each` with every connection in file order, parsing one table at a time (the parser
/// never holds more than one connection: 10,000 connections cost a few MB, and stay in
/// cache). Returns the head, or `None` when unsure; `each` may then have seen a part of the
/// connections, which the caller must throw away.
pub fn stream(text: &str, mut each: impl FnMut(Connection)) -> Option<Head> {
    // A multi-line string could hold a line that looks like a table header.
    if text.contains("\"\"\"") || text.contains("'''") {
        return None;
    }
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            starts.push(offset);
        }
        offset += line.len();
    }
    let head_end = starts.first().copied().unwrap_or(text.len());
    let top = parse(&text[..head_end])?;
    if !top.connections.is_empty() {
        return None;
    }
    let h = head(&top)?;
    starts.push(text.len());
    let mut seen = std::collections::HashSet::new();
    for w in starts.windows(2) {
        let mut part = parse(&text[w[0]..w[1]])?;
        let (name, fields) = part.connections.pop()?;
        if !part.connections.is_empty() || part.version.is_some() || !seen.insert(name.clone()) {
            return None;
        }
        each(connection(name, fields)?);
    }
    Some(h)
}

/// Where the top-level keys end: the first line that opens a table.
fn head_len(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            return offset;
        }
        offset += line.len();
    }
    text.len()
}

/// The top-level keys only (they come before the first table), parsed alone: choosing a
/// backend or a namespace costs nothing with 10,000 connections.
pub fn read_head(text: &str) -> Option<Head> {
    let f = parse(&text[..head_len(text)])?;
    if !f.connections.is_empty() {
        return None;
    }
    head(&f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const FILE: &str = "# c\nversion = 1\nnamespace = \"ns\"\n\n[connections.a]\ntype = \"azure_open_ai\"  # t\napi_base = \"https://r.openai.azure.com/\"\nsecrets = { api_key = \"keychain:01\" }\n\n[connections.b]\ntype = \"custom\"\nconfigs = { x = \"1\" }\nsecrets = { s = \"vault\" }\n";

    fn full(text: &str) -> Option<crate::store::Snapshot> {
        crate::store::ConnDoc::parse(text, Path::new("c.toml"))
            .ok()
            .map(|d| crate::store::Snapshot {
                namespace: d.namespace.clone(),
                secret_backend: d.secret_backend.clone(),
                connections: d.connections().to_vec(),
            })
    }

    #[test]
    fn agrees_with_the_full_reader() {
        let fast = read(FILE).unwrap();
        let slow = full(FILE).unwrap();
        assert_eq!(fast.connections, slow.connections);
        assert_eq!(fast.namespace, slow.namespace);
        assert_eq!(read_head(FILE).unwrap().namespace.as_deref(), Some("ns"));
    }

    #[test]
    fn anything_unusual_goes_to_the_full_reader() {
        for bad in [
            "version = 2\n",
            "version = \"1\"\n",
            "namespace = 3\n",
            "[connections.a]\ntype = \"nope\"\n",
            "[connections.a]\ntype = \"custom\"\nconfigs = { x = 1 }\n",
            "[connections.a]\ntype = \"custom\"\nconfigs = \"x\"\n",
            "[connections.a]\ntype = \"open_ai\"\nbase_url = 3\n",
            "[connections.\"../x\"]\ntype = \"open_ai\"\n",
            "[connections.a]\n",
            "[connections.a]\ntype = \"open_ai\"\n[connections.a]\ntype = \"open_ai\"\n",
        ] {
            assert!(read(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn file_order_is_kept() {
        let text = "[connections.zeta]\ntype = \"serp\"\n[connections.alpha]\ntype = \"serp\"\n";
        let names: Vec<String> = read(text)
            .unwrap()
            .connections
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["zeta", "alpha"]);
    }
}
