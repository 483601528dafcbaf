//! The config dir's namespace, kept beside `connections.toml` (in `dir-namespace`), never
//! inside it: the file is meant to be copied, shared and restored, and every copy would
//! otherwise name the same keychain accounts. The id records which dir it was made for (its
//! path and its device and inode), so a copy of the whole dir (`cp -r`, a backup restored
//! elsewhere) is told apart from the dir itself, which keeps its id when moved or restored in
//! place.

use std::io;
use std::path::Path;

pub const DIR_ID_FILE: &str = "dir-namespace";

/// How this dir came by its namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Made for this dir: every value under it was written from here.
    Fresh,
    /// Taken over from a `connections.toml` written by an earlier aiconn (the namespace was in
    /// the file): copies made before the upgrade may have written under it too.
    Adopted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirId {
    pub namespace: String,
    pub origin: Origin,
}

/// Where this dir is: its canonical path and, on Unix, its device and inode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub path: String,
    pub inode: String,
}

impl Place {
    pub fn of(dir: &Path) -> io::Result<Place> {
        let path = std::fs::canonicalize(dir)?;
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(&path)?;
            format!("{}:{}", m.dev(), m.ino())
        };
        #[cfg(not(unix))]
        let inode = String::new();
        Ok(Place {
            path: path.to_string_lossy().into_owned(),
            inode,
        })
    }

    /// The same dir: at the same path (restored in place) or the same inode (moved).
    fn matches(&self, path: &str, inode: &str) -> bool {
        self.path == path || (!self.inode.is_empty() && self.inode == inode)
    }
}

/// A namespace is 12 lowercase hex digits (what aiconn makes), or an earlier file's text that
/// still holds no separator an account name or a journal line could be forged with.
pub fn valid_namespace(ns: &str) -> bool {
    !ns.is_empty()
        && ns.len() <= 64
        && ns
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Namespaces anyone may have in a file (the default of files with no line, the README's
/// example): never taken over, whoever claims them.
pub fn well_known(ns: &str) -> bool {
    matches!(ns, "default" | "744fedfeaa14")
}

/// The id of `dir`, when it has one that was made for this very dir.
pub fn read(dir: &Path) -> Option<DirId> {
    let text = std::fs::read_to_string(dir.join(DIR_ID_FILE)).ok()?;
    let mut ns = None;
    let mut path = None;
    let mut inode = None;
    let mut origin = Origin::Fresh;
    for line in text.lines() {
        match line.split_once('=') {
            Some(("namespace", v)) => ns = Some(v),
            Some(("dir", v)) => path = Some(v),
            Some(("inode", v)) => inode = Some(v),
            Some(("origin", "adopted")) => origin = Origin::Adopted,
            _ => {}
        }
    }
    let ns = ns.filter(|n| valid_namespace(n))?;
    let here = Place::of(dir).ok()?;
    here.matches(path?, inode.unwrap_or("")).then(|| DirId {
        namespace: ns.to_string(),
        origin,
    })
}

/// Records `id` as this dir's (atomically, private to the user).
pub fn write(dir: &Path, id: &DirId) -> io::Result<()> {
    super::ensure_private_dir(dir)?;
    let here = Place::of(dir)?;
    let origin = match id.origin {
        Origin::Fresh => "fresh",
        Origin::Adopted => "adopted",
    };
    let text = format!(
        "# aiconn: this config dir's keychain namespace. It belongs to this dir only: a copy of\n\
         # the dir elsewhere is given a namespace of its own.\nnamespace={}\ndir={}\ninode={}\norigin={origin}\n",
        id.namespace, here.path, here.inode
    );
    super::write_atomic(&dir.join(DIR_ID_FILE), text.as_bytes())
}

/// A new namespace: 48 random bits as hex.
pub fn fresh_namespace() -> String {
    crate::secrets::new_generation()[..12].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_holds_for_its_dir_and_not_for_a_copy() {
        let a = tempfile::tempdir().unwrap();
        let id = DirId {
            namespace: "0123456789ab".into(),
            origin: Origin::Fresh,
        };
        write(a.path(), &id).unwrap();
        assert_eq!(read(a.path()), Some(id));
        let b = tempfile::tempdir().unwrap();
        std::fs::copy(a.path().join(DIR_ID_FILE), b.path().join(DIR_ID_FILE)).unwrap();
        assert_eq!(read(b.path()), None, "a copied id is not the copy's");
        assert!(!valid_namespace("a/b") && !valid_namespace("a\tb") && !valid_namespace(""));
        assert!(well_known("default"));
    }
}
