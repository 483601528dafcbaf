//! The connections file: where it lives, how it is read, and the locked, atomic
//! read-modify-write every save goes through.

pub mod dirid;
mod doc;
mod edit;
pub mod fast;

pub use crate::fsio::{
    FileLock, ensure_private_dir, open_dir_warning, remove_stale_temps, write_atomic,
};
pub use doc::{ConnDoc, FORMAT_VERSION, Snapshot};

use crate::model::Connection;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "connections.toml";
/// Larger files are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}:{line}:{column}: {message} (the file was not changed)", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The user's config dir: `--config-dir`, else `AICONN_CONFIG_DIR`, else the platform's
/// (XDG on Linux, Application Support on macOS, AppData on Windows).
pub fn default_config_dir() -> Option<PathBuf> {
    if let Some(d) = &crate::settings::get().config_dir {
        return Some(d.clone());
    }
    directories::ProjectDirs::from("", "", "aiconn").map(|p| p.config_dir().to_path_buf())
}

#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Store { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    fn io(&self, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: self.path(),
            source,
        }
    }

    /// Reads the file without locking (a consistent snapshot: saves replace it by rename).
    /// A missing file is an empty store.
    pub fn load(&self) -> Result<ConnDoc, StoreError> {
        match self.read_text()? {
            Some(text) => ConnDoc::parse(&text, &self.path()),
            None => Ok(ConnDoc::new_empty()),
        }
    }

    /// The connections for read-only use (no editable document is built).
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        match self.read_text()? {
            Some(text) => match fast::read(&text) {
                Some(s) => Ok(s),
                None => ConnDoc::read_snapshot(&text, &self.path()),
            },
            None => Ok(Snapshot::default()),
        }
    }

    /// One connection (`None`: not there). The whole file is read and checked, as `list`
    /// does: answering from the one section would accept a file every other command refuses
    /// (an unknown type, a duplicate table, broken TOML elsewhere).
    pub fn find(&self, name: &str) -> Result<Option<Connection>, StoreError> {
        let Some(text) = self.read_text()? else {
            return Ok(None);
        };
        let snap = match fast::read(&text) {
            Some(s) => s,
            None => ConnDoc::read_snapshot(&text, &self.path())?,
        };
        Ok(snap.get(name).cloned())
    }

    /// The file's `secret_backend`, read from the top-level keys only (they come before the
    /// first table), so choosing a backend costs nothing even with 10,000 connections.
    /// The one place the file's backend name becomes a `Backend` (an unknown name is kept).
    pub fn secret_backend(&self) -> Option<crate::model::Backend> {
        let text = self.read_text().ok()??;
        let name = fast::read_head(&text)?.secret_backend?;
        Some(crate::model::Backend::parse(&name))
    }

    /// The file's text (size-checked, a regular file, UTF-8); `None` when there is no file yet.
    pub fn text(&self) -> Result<Option<String>, StoreError> {
        self.read_text()
    }

    /// The file's text; `None` when there is no file yet.
    fn read_text(&self) -> Result<Option<String>, StoreError> {
        let path = self.path();
        let invalid = |message: String| StoreError::Invalid {
            path: path.clone(),
            line: 0,
            column: 0,
            message,
        };
        // A connections file is kilobytes; anything this big is not one (and parsing it
        // would stall every command).
        // Not a regular file (/dev/zero, a FIFO): never read it, it may never end.
        if let Ok(m) = std::fs::metadata(&path)
            && !m.is_file()
        {
            return Err(invalid(
                "not a regular file (a device, FIFO or directory); the file was not changed".into(),
            ));
        }
        if let Ok(m) = std::fs::metadata(&path)
            && m.len() > MAX_FILE_BYTES
        {
            return Err(invalid(format!(
                "the file is {} MB, larger than any connections file ({} MB at most); the file was not changed",
                m.len() >> 20,
                MAX_FILE_BYTES >> 20
            )));
        }
        match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|e| {
                invalid(format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io(e)),
        }
    }

    /// The namespace line of a file an earlier aiconn wrote (`None`: the file has none).
    pub fn file_namespace(&self) -> Result<Option<String>, StoreError> {
        let Some(text) = self.read_text()? else {
            return Ok(None);
        };
        if let Some(h) = fast::read_head(&text) {
            return Ok(h.namespace);
        }
        ConnDoc::read_snapshot(&text, &self.path()).map(|s| s.namespace)
    }

    /// Records the secret backend new secrets go to (`secret_backend` in the file).
    pub fn set_secret_backend(&self, backend: &crate::model::Backend) -> Result<(), StoreError> {
        let mut tx = self.begin()?;
        tx.doc.set_secret_backend(backend);
        tx.commit()
    }

    /// The file a save replaces: `connections.toml`, or the target of a symlink there (a
    /// link whose target cannot be resolved stays itself; the write then says why).
    fn write_target(&self) -> PathBuf {
        let path = self.path();
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(&path).unwrap_or(path),
            _ => path,
        }
    }

    /// Starts a read-modify-write: takes the cross-process lock, then reads the file as it is
    /// now, so whatever another process saved meanwhile is the base of this change.
    pub fn begin(&self) -> Result<Transaction<'_>, StoreError> {
        ensure_private_dir(&self.dir).map_err(|e| StoreError::Io {
            path: self.dir.clone(),
            source: e,
        })?;
        // Beside the file a save really replaces: writers through a symlink and through its
        // target (two config dirs, one file) take the same lock and sweep the same temps.
        let target = self.write_target();
        let lock_path = target.with_file_name(format!(
            "{}.lock",
            target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| FILE_NAME.into())
        ));
        let lock = crate::fsio::FileLock::acquire(&lock_path, crate::settings::LOCK_WAIT).map_err(
            |e| StoreError::Io {
                path: lock_path,
                source: e,
            },
        )?;
        // Every file written under this lock: the connections file and the dir's namespace id.
        crate::fsio::remove_stale_temps(&target);
        crate::fsio::remove_stale_temps(&self.dir.join(dirid::DIR_ID_FILE));
        let doc = self.load()?;
        Ok(Transaction {
            store: self,
            doc,
            _lock: lock,
        })
    }
}

/// Holds the lock until dropped; `commit` writes the document atomically.
pub struct Transaction<'a> {
    store: &'a Store,
    pub doc: ConnDoc,
    _lock: crate::fsio::FileLock,
}

impl Transaction<'_> {
    pub fn commit(self) -> Result<(), StoreError> {
        write_atomic(&self.store.path(), self.doc.to_text().as_bytes())
            .map_err(|e| self.store.io(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer killed mid-save leaves its temp file; the next writer, under the lock every
    /// writer of those files takes, removes it, and nothing that is not such a temp file.
    #[test]
    fn a_transaction_sweeps_the_temp_files_of_every_file_written_under_its_lock() {
        let d = tempfile::tempdir().unwrap();
        let stale = [".connections.toml.k1Ll3d.tmp", ".dir-namespace.HadSnh.tmp"];
        for n in stale.iter().chain(&["notes.tmp", ".other.x.tmp"]) {
            std::fs::write(d.path().join(n), "x").unwrap();
        }
        let store = Store::new(d.path());
        drop(store.begin().unwrap());
        for n in stale {
            assert!(!d.path().join(n).exists(), "{n} not swept");
        }
        assert!(d.path().join("notes.tmp").exists() && d.path().join(".other.x.tmp").exists());
    }
}
