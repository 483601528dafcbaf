//! `aiconn --version`: the version and the secret backends compiled into this build.

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
pub const LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nsecret backends: keychain (Secret Service over D-Bus), vault (age file, scrypt passphrase)"
);
#[cfg(target_os = "macos")]
pub const LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nsecret backends: keychain (macOS Keychain), vault (age file, scrypt passphrase)"
);
#[cfg(target_os = "windows")]
pub const LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nsecret backends: keychain (Windows Credential Manager), vault (age file, scrypt passphrase)"
);
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
)))]
pub const LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nsecret backends: vault (age file, scrypt passphrase); no keychain on this platform"
);
