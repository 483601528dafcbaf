//! The intent journal that makes a save all-or-nothing across the secret backend and the file.
//!
//! Before a value is written to (or made obsolete in) a backend, its account is appended to a
//! journal file of this operation in `<config dir>/pending/`, fsynced, and the file is held
//! under an exclusive lock for as long as the operation runs. A crash, a kill -9 or a keychain
//! call that timed out (and may still land) therefore leaves a journal whose lock is released
//! when the process ends; a later command that can take the lock knows its writer is gone and
//! removes every journaled value the file does not reference. The file's atomic rename stays the
//! one commit point: a value is live exactly when `connections.toml` points at it.

use crate::model::Backend;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

pub const JOURNAL_DIR: &str = "pending";

/// One operation's journal, locked while the operation runs.
pub struct Journal {
    path: PathBuf,
    file: File,
}

/// A journal whose writer is gone (its lock could be taken), with what it recorded.
pub struct DeadJournal {
    path: PathBuf,
    _file: File,
    /// (backend, account) pairs.
    pub entries: Vec<(Backend, String)>,
}

fn dir_of(config_dir: &Path) -> PathBuf {
    config_dir.join(JOURNAL_DIR)
}

impl Journal {
    /// Starts a journal for one operation in `config_dir`.
    pub fn begin(config_dir: &Path) -> io::Result<Journal> {
        let dir = dir_of(config_dir);
        crate::fsio::ensure_private_dir(&dir)?;
        let id = super::new_generation();
        // Created under a name sweeps ignore, locked, and only then given its `.log` name:
        // a sweep must never see an unlocked journal of a live operation.
        let creating = dir.join(format!("{id}.new"));
        let path = dir.join(format!("{id}.log"));
        let mut opts = OpenOptions::new();
        opts.create_new(true).append(true).read(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let file = opts.open(&creating)?;
        file.try_lock().map_err(|e| match e {
            fs::TryLockError::Error(e) => e,
            fs::TryLockError::WouldBlock => io::Error::other("a new journal is locked"),
        })?;
        fs::rename(&creating, &path)?;
        Ok(Journal { path, file })
    }

    /// Records that `account` in `backend` may exist and may be unreferenced, durably, before
    /// the backend is touched.
    pub fn note(&mut self, backend: &Backend, account: &str) -> io::Result<()> {
        // One JSON array per line: a value can never end the line or add a field.
        let line = serde_json::to_string(&(backend.as_str(), account)).map_err(io::Error::other)?;
        writeln!(self.file, "{line}")?;
        self.file.sync_data()
    }

    /// Everything journaled was resolved (referenced by the committed file, or deleted).
    pub fn done(self) {
        let _ = fs::remove_file(&self.path);
    }

    /// Keeps the journal locked until this process exits: a backend call that timed out may
    /// still complete on its helper thread, so nobody may sweep its account before then.
    pub fn keep_until_exit(self) {
        std::mem::forget(self);
    }
}

impl DeadJournal {
    /// Its entries were all resolved.
    pub fn remove(self) {
        let _ = fs::remove_file(&self.path);
    }
}

fn read_entries(file: &File) -> Vec<(Backend, String)> {
    BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| {
            // Journals of earlier versions hold `backend<TAB>account` lines.
            serde_json::from_str::<(String, String)>(&l)
                .ok()
                .or_else(|| {
                    l.split_once('\t')
                        .map(|(b, a)| (b.to_string(), a.to_string()))
                })
                .map(|(b, a)| (Backend::parse(&b), a))
        })
        .collect()
}

fn files_with(config_dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir_of(config_dir)) else {
        return vec![];
    };
    let mut v: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn journal_files(config_dir: &Path) -> Vec<PathBuf> {
    files_with(config_dir, "log")
}

fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut opts,
        rustix::fs::OFlags::NOFOLLOW.bits() as i32,
    );
    opts.open(path)
}

/// Journals of operations that ended without finishing (their lock is free), locked now.
pub fn dead_journals(config_dir: &Path) -> Vec<DeadJournal> {
    // A journal killed before it got its name recorded nothing: remove it once it is old
    // (a young one may belong to an operation between creating and locking it).
    let old = |p: &Path| {
        fs::metadata(p)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600))
    };
    for p in files_with(config_dir, "new") {
        if old(&p) && open_no_follow(&p).is_ok_and(|f| f.try_lock().is_ok()) {
            let _ = fs::remove_file(&p);
        }
    }
    journal_files(config_dir)
        .into_iter()
        .filter_map(|path| {
            let file = open_no_follow(&path).ok()?;
            file.try_lock().ok()?;
            let entries = read_entries(&file);
            Some(DeadJournal {
                path,
                _file: file,
                entries,
            })
        })
        .collect()
}

/// Accounts journaled by operations still running (their journal is locked): never orphans.
pub fn live_accounts(config_dir: &Path) -> std::collections::HashSet<String> {
    journal_files(config_dir)
        .into_iter()
        .filter_map(|path| {
            let file = open_no_follow(&path).ok()?;
            match file.try_lock() {
                Err(fs::TryLockError::WouldBlock) => Some(read_entries(&file)),
                _ => None,
            }
        })
        .flatten()
        .map(|(_, a)| a)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_journal_is_not_dead_and_a_dropped_one_is() {
        let d = tempfile::tempdir().unwrap();
        let mut j = Journal::begin(d.path()).unwrap();
        j.note(&Backend::Keychain, "ns/c/api_key#01").unwrap();
        assert!(dead_journals(d.path()).is_empty(), "its writer still runs");
        assert!(live_accounts(d.path()).contains("ns/c/api_key#01"));
        drop(j); // the process "died": the lock is gone, the file stays
        let dead = dead_journals(d.path());
        assert_eq!(dead.len(), 1);
        assert_eq!(
            dead[0].entries,
            vec![(Backend::Keychain, "ns/c/api_key#01".to_string())]
        );
        for j in dead {
            j.remove();
        }
        assert!(dead_journals(d.path()).is_empty());
        let j = Journal::begin(d.path()).unwrap();
        j.done();
        assert!(journal_files(d.path()).is_empty());
    }
}
