//! `connections.toml` as a format-preserving document: reads connections with positions for
//! errors, and edits in place so the user's comments, order and formatting survive.

use super::StoreError;
use super::edit::{set_keep_decor, write_connection};
use crate::catalogue::Catalogue;
use crate::model::{Connection, SecretRecord};
use indexmap::IndexMap;
use std::path::Path;
use toml_edit::{DocumentMut, Item, Table, TableLike};

/// The file format version this build reads and writes.
pub const FORMAT_VERSION: i64 = 1;

const HEADER: &str = "\
# aiconn connections. Non-secret fields only: each connection's `secrets` records which
# secrets are set and which backend holds them; the values never appear in this file.
";

#[derive(Debug, Clone)]
pub struct ConnDoc {
    doc: DocumentMut,
    /// The namespace line of a file an earlier aiconn wrote (`store::dirid` keeps it now).
    pub namespace: Option<String>,
    pub secret_backend: Option<String>,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

struct Ctx<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Ctx<'_> {
    /// For reading a document edited since it was parsed: positions no longer apply.
    fn edited() -> Ctx<'static> {
        Ctx {
            text: "",
            path: Path::new(""),
        }
    }

    fn err(&self, span: Option<std::ops::Range<usize>>, message: String) -> StoreError {
        let (line, column) = span.map_or((0, 0), |s| line_col(self.text, s.start));
        StoreError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    fn string(&self, item: &Item, what: &str) -> Result<String, StoreError> {
        match item.as_str() {
            Some(s) => Ok(s.to_string()),
            None => Err(self.err(
                item.span(),
                format!(
                    "{what} must be a string (quote it), found {}",
                    item.type_name()
                ),
            )),
        }
    }

    fn string_map(&self, item: &Item, what: &str) -> Result<IndexMap<String, String>, StoreError> {
        let t = item.as_table_like().ok_or_else(|| {
            self.err(
                item.span(),
                format!(
                    "{what} must be a table of strings, found {}",
                    item.type_name()
                ),
            )
        })?;
        let mut out = IndexMap::new();
        for (k, v) in t.iter() {
            out.insert(k.to_string(), self.string(v, &format!("{what}.{k}"))?);
        }
        Ok(out)
    }
}

impl ConnDoc {
    /// A new, empty document (written only on the first save). It names no namespace: that
    /// belongs to the config dir, not to a file that may be copied.
    #[allow(clippy::expect_used)] // a constant header; every test that saves parses it
    pub fn new_empty() -> Self {
        let text = format!("{HEADER}version = {FORMAT_VERSION}\n");
        let doc: DocumentMut = text.parse().expect("header parses");
        ConnDoc {
            doc,
            namespace: None,
            secret_backend: None,
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self, StoreError> {
        let (parsed, snap) = read(text, path)?;
        Ok(ConnDoc {
            doc: parsed.into_mut(),
            namespace: snap.namespace,
            secret_backend: snap.secret_backend,
        })
    }

    /// Reads the connections only, without an editable document (read-only commands): the
    /// fast reader, else this one (which also reports errors with line and column).
    pub fn read_snapshot(text: &str, path: &Path) -> Result<Snapshot, StoreError> {
        match super::fast::read(text) {
            Some(s) => Ok(s),
            None => read(text, path).map(|(_, s)| s),
        }
    }

    /// The connections, read from the document itself (it is the one source of truth: every
    /// edit goes into it, and nothing is kept beside it to fall out of step).
    pub fn connections(&self) -> Vec<Connection> {
        let Some(table) = self.doc.get("connections").and_then(Item::as_table_like) else {
            return Vec::new();
        };
        table
            .iter()
            .filter_map(|(name, entry)| read_connection(&Ctx::edited(), name, entry).ok())
            .collect()
    }

    pub fn get(&self, name: &str) -> Option<Connection> {
        let entry = self.doc.get("connections")?.as_table_like()?.get(name)?;
        read_connection(&Ctx::edited(), name, entry).ok()
    }

    pub fn set_secret_backend(&mut self, backend: &crate::model::Backend) {
        let backend = backend.as_str();
        set_keep_decor(self.doc.as_table_mut(), "secret_backend", backend);
        self.secret_backend = Some(backend.to_string());
    }

    /// The `connections` table, made when the file has none. `None` only for a file whose
    /// `connections` is not a table, which parsing refuses: such a document is never edited.
    fn table_mut(&mut self) -> Option<&mut dyn TableLike> {
        if !self.doc.contains_key("connections") {
            let mut t = Table::new();
            t.set_implicit(true);
            self.doc.insert("connections", Item::Table(t));
        }
        self.doc.get_mut("connections")?.as_table_like_mut()
    }

    /// Inserts or updates a connection, editing only the keys that changed.
    pub fn upsert(&mut self, conn: &Connection) {
        let Some(table) = self.table_mut() else {
            return;
        };
        // An entry that is not a table cannot have been read (parsing refuses it): replace it.
        if !table.get(&conn.name).is_some_and(Item::is_table_like) {
            let mut t = Table::new();
            t.set_implicit(false);
            table.insert(&conn.name, Item::Table(t));
        }
        if let Some(entry) = table
            .get_mut(&conn.name)
            .and_then(|i| i.as_table_like_mut())
        {
            write_connection(entry, conn);
        }
    }

    pub fn remove(&mut self, name: &str) -> bool {
        self.table_mut().is_some_and(|t| t.remove(name).is_some())
    }

    /// Renames in place: the table keeps its position and comments.
    pub fn rename(&mut self, old: &str, new: &str) {
        let Some(table) = self.table_mut() else {
            return;
        };
        if let Some(item) = table.remove(old) {
            table.insert(new, item);
        }
    }

    pub fn to_text(&self) -> String {
        self.doc.to_string()
    }
}

/// What read-only commands need from the file.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub namespace: Option<String>,
    pub secret_backend: Option<String>,
    pub connections: Vec<Connection>,
}

impl Snapshot {
    pub fn get(&self, name: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.name == name)
    }
    pub fn connections(&self) -> &[Connection] {
        &self.connections
    }
}

/// Parses and checks the file; errors carry line and column.
fn read(text: &str, path: &Path) -> Result<(toml_edit::Document<String>, Snapshot), StoreError> {
    let parsed = toml_edit::Document::parse(text.to_string()).map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
        StoreError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    let cx = Ctx { text, path };
    let root = parsed.as_table();
    if let Some(v) = root.get("version") {
        match v.as_integer() {
            Some(n) if n == FORMAT_VERSION => {}
            Some(n) if n > FORMAT_VERSION => {
                return Err(cx.err(
                        v.span(),
                        format!("file format version {n} is newer than this aiconn understands ({FORMAT_VERSION}); upgrade aiconn"),
                    ));
            }
            _ => {
                return Err(cx.err(
                    v.span(),
                    format!("version must be the integer {FORMAT_VERSION}"),
                ));
            }
        }
    }
    let namespace = root
        .get("namespace")
        .map(|v| cx.string(v, "namespace"))
        .transpose()?;
    let secret_backend = root
        .get("secret_backend")
        .map(|v| cx.string(v, "secret_backend"))
        .transpose()?;
    let mut connections = Vec::new();
    if let Some(item) = root.get("connections") {
        let table = item.as_table_like().ok_or_else(|| {
            cx.err(
                item.span(),
                "connections must be a table of [connections.NAME] tables".into(),
            )
        })?;
        for (name, entry) in table.iter() {
            connections.push(read_connection(&cx, name, entry)?);
        }
    }
    Ok((
        parsed,
        Snapshot {
            namespace,
            secret_backend,
            connections,
        },
    ))
}

fn read_connection(cx: &Ctx, name: &str, entry: &Item) -> Result<Connection, StoreError> {
    // Names become file names (export) and keychain accounts: the file obeys the CLI's rule.
    if let Err(m) = crate::model::validate_name(name) {
        return Err(cx.err(entry.span(), format!("connection name: {m}")));
    }
    let t = entry
        .as_table_like()
        .ok_or_else(|| cx.err(entry.span(), format!("connection '{name}' must be a table")))?;
    let type_item = t
        .get("type")
        .ok_or_else(|| cx.err(entry.span(), format!("connection '{name}' has no type")))?;
    let type_id = cx.string(type_item, &format!("connections.{name}.type"))?;
    let Some(spec) = Catalogue::get().find(&type_id) else {
        return Err(cx.err(
            type_item.span(),
            format!(
                "connection '{name}': {}",
                Catalogue::get().unknown_type(&type_id)
            ),
        ));
    };
    let mut c = Connection::of(name, spec);
    for (k, v) in t.iter() {
        let what = format!("connections.{name}.{k}");
        match k {
            "type" => {}
            "configs" => c.configs = cx.string_map(v, &what)?,
            "secrets" => {
                c.secrets = cx
                    .string_map(v, &what)?
                    .into_iter()
                    .map(|(k, r)| (k, SecretRecord::parse(&r)))
                    .collect();
                if let Some((k, why)) = c
                    .secrets
                    .iter()
                    .find_map(|(k, r)| Some((k, r.invalid_reason()?)))
                {
                    return Err(cx.err(v.span(), format!("{what}.{k}: {why}")));
                }
            }
            _ => {
                c.values.insert(k.to_string(), cx.string(v, &what)?);
            }
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# my connections
version = 1
namespace = "abc"

# production Azure
[connections.prod]
type = "azure_open_ai"   # keep
api_base = "https://prod.openai.azure.com/"  # the base
secrets = { api_key = "keychain" }

[connections.c1]
type = "custom"
configs = { key1 = "v1" }
secrets = { "api-key" = "keychain" }
"#;

    fn p() -> &'static Path {
        Path::new("connections.toml")
    }

    #[test]
    fn reads_connections_in_file_order() {
        let d = ConnDoc::parse(SAMPLE, p()).unwrap();
        let names: Vec<_> = d.connections().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["prod", "c1"]);
        assert_eq!(d.get("c1").unwrap().configs["key1"], "v1");
        assert_eq!(
            d.get("prod").unwrap().secrets["api_key"].to_file_text(),
            "keychain"
        );
        assert_eq!(d.namespace.as_deref(), Some("abc"));
    }

    #[test]
    fn edits_keep_comments_and_formatting() {
        let mut d = ConnDoc::parse(SAMPLE, p()).unwrap();
        let mut c = d.get("prod").unwrap().clone();
        c.values
            .insert("api_base".into(), "https://new.openai.azure.com/".into());
        c.values.insert("api_version".into(), "2024-10-21".into());
        d.upsert(&c);
        let out = d.to_text();
        assert!(out.contains("# my connections\n"));
        assert!(out.contains("# production Azure\n[connections.prod]"));
        assert!(out.contains("type = \"azure_open_ai\"   # keep"));
        assert!(
            out.contains("api_base = \"https://new.openai.azure.com/\"  # the base"),
            "{out}"
        );
        assert!(out.contains("api_version = \"2024-10-21\""));
        // untouched entry is byte-identical
        assert!(out.contains("[connections.c1]\ntype = \"custom\"\nconfigs = { key1 = \"v1\" }\n"));
        let back = ConnDoc::parse(&out, p()).unwrap();
        assert_eq!(back.get("prod").unwrap(), c);
    }

    #[test]
    fn rename_keeps_position() {
        let mut d = ConnDoc::parse(SAMPLE, p()).unwrap();
        d.rename("prod", "production");
        let out = d.to_text();
        let a = out.find("[connections.production]").unwrap();
        let b = out.find("[connections.c1]").unwrap();
        assert!(a < b, "{out}");
        assert!(out.contains("# production Azure\n[connections.production]"));
    }

    #[test]
    fn errors_name_line_and_column() {
        let bad = "version = 1\n[connections.x]\ntype = \"open_ai\"\nbase_url = 5\n";
        let e = ConnDoc::parse(bad, p()).unwrap_err().to_string();
        assert!(e.contains("connections.toml:4:12"), "{e}");
        assert!(e.contains("must be a string"), "{e}");
        let syntax = "version = 1\n[connections.x\n";
        let e = ConnDoc::parse(syntax, p()).unwrap_err().to_string();
        assert!(e.contains("connections.toml:2:"), "{e}");
        let dup = "[connections.x]\ntype = \"serp\"\n[connections.x]\ntype = \"serp\"\n";
        assert!(
            ConnDoc::parse(dup, p())
                .unwrap_err()
                .to_string()
                .contains(":3:")
        );
        let newer = "version = 2\n";
        assert!(
            ConnDoc::parse(newer, p())
                .unwrap_err()
                .to_string()
                .contains("newer")
        );
        let unknown = "[connections.x]\ntype = \"azure_openai\"\n";
        assert!(
            ConnDoc::parse(unknown, p())
                .unwrap_err()
                .to_string()
                .contains("unknown type 'azure_openai'")
        );
    }

    fn big_file(extra: &str) -> String {
        let mut s = String::from("# big\nversion = 1\nnamespace = \"big\"\n\n");
        for i in 0..800 {
            s.push_str(&format!("# conn {i}\n[connections.c{i}]\ntype = \"azure_open_ai\"\napi_base = \"https://r{i}.openai.azure.com/\"  # b\nsecrets = {{ api_key = \"keychain\" }}\n\n"));
        }
        s.push_str(extra);
        s
    }

    #[test]
    fn reading_table_by_table_gives_the_same_connections_as_the_whole_file() {
        for extra in [
            "",
            "[connections.sub]\ntype = \"custom\"\n[connections.sub.secrets]\nk = \"keychain\"\n",
            "[connections.ml]\ntype = \"custom\"\nconfigs = { a = \"\"\"\nx\n[not.a.table]\n\"\"\" }\nsecrets = { k = \"keychain\" }\n",
        ] {
            let text = big_file(extra);
            assert!(text.len() > 64 * 1024);
            let whole = read(&text, p()).unwrap().1;
            let fast = ConnDoc::read_snapshot(&text, p()).unwrap();
            assert_eq!(fast.connections, whole.connections);
            assert_eq!(fast.namespace.as_deref(), Some("big"));
        }
        // a duplicate table or a bad value in a big file: the whole-file error, with its position
        let dup = big_file("[connections.c5]\ntype = \"serp\"\n");
        let e = ConnDoc::read_snapshot(&dup, p()).unwrap_err().to_string();
        assert!(
            e.contains(&format!("connections.toml:{}:", 4 + 800 * 6 + 1)),
            "the position of the second [connections.c5]: {e}"
        );
        let bad = big_file("[connections.z]\ntype = 5\n");
        let e = ConnDoc::read_snapshot(&bad, p()).unwrap_err().to_string();
        assert!(e.contains("must be a string"), "{e}");
    }

    #[test]
    fn new_doc_round_trips() {
        let mut d = ConnDoc::new_empty();
        let mut c = Connection::new("s", "serp").unwrap();
        c.secrets.insert(
            "api_key".into(),
            crate::model::SecretRecord::parse("keychain"),
        );
        d.upsert(&c);
        let back = ConnDoc::parse(&d.to_text(), p()).unwrap();
        assert_eq!(back.get("s").unwrap(), c);
        assert_eq!(back.namespace, None, "a new file names no namespace");
        assert!(
            d.to_text().starts_with("# aiconn connections."),
            "{}",
            d.to_text()
        );
    }
}
