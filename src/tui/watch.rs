//! Live reload: notices when another program (the CLI, an editor) replaced the connections
//! file while the TUI is open. Checked on the event loop's tick and when the terminal regains
//! focus; a stat per check, the file is read only when its stamp changed.

use std::path::PathBuf;

/// What identifies one version of the file without reading it: saves replace it by rename, so
/// the inode changes even when the length and the modification time (coarse on some file
/// systems) do not.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

fn stamp_of(path: &std::path::Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Stamp {
        len: m.len(),
        modified: m.modified().ok(),
        inode,
    })
}

pub struct FileWatch {
    path: PathBuf,
    last: Option<Stamp>,
}

impl FileWatch {
    /// Starts from the file as it is now: take it *before* reading the file, so a change made
    /// between the two is seen on the next check rather than lost.
    pub fn new(path: PathBuf) -> Self {
        let last = stamp_of(&path);
        FileWatch { path, last }
    }

    /// True once per change of the file (created, replaced, removed).
    pub fn changed(&mut self) -> bool {
        let now = stamp_of(&self.path);
        if now == self.last {
            return false;
        }
        self.last = now;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_file_is_seen_once_and_an_untouched_one_never() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("connections.toml");
        let mut w = FileWatch::new(path.clone());
        assert!(!w.changed(), "no file, still no file");
        std::fs::write(&path, "a").unwrap();
        assert!(w.changed(), "created");
        assert!(!w.changed(), "reported once");
        // Same length, written by rename as saves do: a new inode.
        let tmp = dir.path().join("t");
        std::fs::write(&tmp, "b").unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        assert!(w.changed(), "replaced");
        std::fs::remove_file(&path).unwrap();
        assert!(w.changed(), "removed");
        assert!(!w.changed());
    }
}
