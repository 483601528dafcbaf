//! Keeps an unlocked vault's key (never the passphrase, which may open other things too) in
//! the Linux kernel session keyring for a bounded time (15 minutes; `AICONN_VAULT_CACHE_SECONDS`,
//! 0 turns it off, at most a day), so consecutive commands in one login session ask once and
//! derive nothing, like ssh-agent. Wherever keyutils is not permitted or not there (other OSes,
//! containers, seccomp), every call quietly does nothing.

use secrecy::SecretString;
use std::path::Path;

/// `AICONN_VAULT_CACHE_SECONDS`: 900 when unset or not a number, at most a day (`settings`).
pub fn seconds() -> usize {
    crate::settings::get().vault_cache_seconds
}

/// Whether a typed passphrase's key can be kept (or caching is turned off, so nothing to say).
pub fn usable() -> bool {
    seconds() == 0 || imp::available()
}

/// One entry per config dir.
fn description(dir: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let canon = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    canon.hash(&mut h);
    format!("aiconn:vault:{:016x}", h.finish())
}

#[cfg(target_os = "linux")]
mod imp {
    use linux_keyutils::{KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};
    use secrecy::{ExposeSecret, SecretString};

    /// The login session's own keyring. A process with none (no pam_keyinit: a container, some
    /// SSH setups) is given the user-session keyring `_uid_ses.<uid>`, which every process of
    /// the user possesses: a passphrase there could be read by any of them, so it is not used.
    fn ring() -> Option<KeyRing> {
        let r = KeyRing::from_special_id(KeyRingIdentifier::Session, false).ok()?;
        let shared = r
            .metadata()
            .map(|m| m.get_description().starts_with("_uid_ses."))
            .unwrap_or(true);
        (!shared).then_some(r)
    }

    pub fn available() -> bool {
        ring().is_some()
    }

    pub fn get(desc: &str) -> Option<SecretString> {
        let key = ring()?.search(desc).ok()?;
        let bytes = zeroize::Zeroizing::new(key.read_to_vec().ok()?);
        String::from_utf8(bytes.to_vec())
            .ok()
            .map(SecretString::from)
    }

    pub fn put(desc: &str, pass: &SecretString, seconds: usize) {
        if let Some(r) = ring()
            && let Ok(key) = r.add_key(desc, pass.expose_secret().as_bytes())
        {
            // Possessors only (processes of this login session), nothing for the user at large.
            let possessor_only = KeyPermissionsBuilder::builder()
                .posessor(Permission::ALL)
                .build();
            if key.set_perms(possessor_only).is_err() || key.set_timeout(seconds).is_err() {
                // an entry that cannot be made private or cannot expire must not stay
                let _ = key.invalidate();
            }
        }
    }

    pub fn forget(desc: &str) {
        if let Some(key) = ring().and_then(|r| r.search(desc).ok()) {
            let _ = key.invalidate();
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use secrecy::SecretString;
    pub fn available() -> bool {
        false
    }
    pub fn get(_: &str) -> Option<SecretString> {
        None
    }
    pub fn put(_: &str, _: &SecretString, _: usize) {}
    pub fn forget(_: &str) {}
}

pub fn get(dir: &Path) -> Option<SecretString> {
    (seconds() > 0)
        .then(|| imp::get(&description(dir)))
        .flatten()
}

/// Caches a typed passphrase. `false` when caching is on but there is no private session
/// keyring to keep it in (the caller says so once; nothing is cached).
pub fn put(dir: &Path, pass: &SecretString) -> bool {
    if seconds() == 0 {
        return true;
    }
    if !imp::available() {
        return false;
    }
    imp::put(&description(dir), pass, seconds());
    true
}

pub fn forget(dir: &Path) {
    imp::forget(&description(dir));
}
