//! Crash-safe file replacement, private dirs and the cross-process lock around a
//! read-modify-write: below every module that writes a file (the store, the vault and its key,
//! the journal, approvals), so none of them depends on another for it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// Creates `dir` (and parents) with mode 0700 where the platform has modes.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Temp files are named `.<file name>.<random>.tmp` next to the file they replace.
fn temp_prefix(path: &Path) -> String {
    format!(
        ".{}.",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("aiconn")
    )
}

/// Removes temp files a killed writer of `path` left behind. Call only while holding the
/// lock that every writer of `path` takes, so no live write is touched.
pub fn remove_stale_temps(path: &Path) {
    let Some(dir) = path.parent() else { return };
    let prefix = temp_prefix(path);
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&prefix) && name.ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Replaces `path` with `bytes` atomically: temp file in the same directory, fsync, mode 0600,
/// rename over the target, fsync the directory. A crash at any point leaves either the old or
/// the new file, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A symlinked file (dotfiles managed by stow or a synced folder) is written through to its
    // target: renaming over the link itself would replace it and leave the target stale.
    let resolved;
    let path = if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = fs::canonicalize(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "{} is a symbolic link whose target cannot be resolved ({e}); fix or remove the link",
                    path.display()
                ),
            )
        })?;
        resolved.as_path()
    } else {
        path
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// `O_NOFOLLOW` as the platform spells it.
#[cfg(unix)]
fn nofollow() -> i32 {
    rustix::fs::OFlags::NOFOLLOW.bits() as i32
}

/// A world- or group-accessible config dir: the warning to show, with the fix.
pub fn open_dir_warning(dir: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir).ok()?.permissions().mode();
        (mode & 0o077 != 0).then(|| {
            format!(
                "{} is open to other users (mode {:o}); run: chmod 700 {}",
                dir.display(),
                mode & 0o777,
                dir.display()
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// An exclusive advisory lock on `<file>.lock`, released on drop. A separate lock file is used
/// because the data file itself is replaced by rename on every save.
pub struct FileLock {
    _file: File,
}

impl FileLock {
    pub fn acquire(lock_path: &Path, wait: Duration) -> io::Result<FileLock> {
        let mut opts = OpenOptions::new();
        opts.create(true).truncate(false).write(true);
        // Empty, but private like everything else in the config dir; never through a symlink
        // (someone else's link would make us create or lock a file of their choosing).
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600).custom_flags(nofollow());
        }
        let file = opts.open(lock_path)?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(FileLock { _file: file }),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "another aiconn process holds {} for more than {} s",
                            lock_path.display(),
                            wait.as_secs()
                        ),
                    ));
                }
                Err(fs::TryLockError::Error(e)) => return Err(e),
            }
        }
    }
}
