//! Keeps an unlocked vault's passphrase in the Linux kernel session keyring for a bounded
//! time (15 minutes; `AICONN_VAULT_CACHE_SECONDS`, 0 turns it off), so consecutive commands
//! in one login session ask once, like ssh-agent. Wherever keyutils is not permitted or not
//! there (other OSes, containers, seccomp), every call quietly does nothing.

use secrecy::SecretString;
use std::path::Path;

fn seconds() -> usize {
    std::env::var("AICONN_VAULT_CACHE_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(900)
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
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    use secrecy::{ExposeSecret, SecretString};

    fn ring() -> Option<KeyRing> {
        KeyRing::from_special_id(KeyRingIdentifier::Session, false).ok()
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
            && key.set_timeout(seconds).is_err()
        {
            // an entry that cannot expire must not stay
            let _ = key.invalidate();
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

pub fn put(dir: &Path, pass: &SecretString) {
    if seconds() > 0 {
        imp::put(&description(dir), pass, seconds());
    }
}

pub fn forget(dir: &Path) {
    imp::forget(&description(dir));
}
