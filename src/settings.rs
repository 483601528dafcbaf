//! Every setting the core takes from the environment, read in this one place, parsed into
//! typed fields with their bounds, once per process (on first use; nothing changes the
//! environment afterwards: `set_var` is unsafe and the crate forbids unsafe code). The faces
//! read their own variables (`NO_COLOR`, `AICONN_SECRET_BACKEND`, clap's `AICONN_CONFIG_DIR`).
//!
//! Values that are set but not valid fall back to the default, never to something unbounded.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

/// Default bound on one keychain call.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(3);
/// Default time a `cmd:` reference may take before it is killed.
pub const SECRET_CMD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request to a service (a connection test, a deployments listing) may take:
/// the CLI's `--timeout` default and the TUI's bound.
pub const SERVICE_TIMEOUT_SECS: u64 = 10;
/// How long each Resource Manager request (and `az`) may take: `discover --timeout`'s default
/// and the TUI's bound.
pub const ARM_TIMEOUT_SECS: u64 = 30;
/// How long a writer waits for another process's file lock before it says who holds it.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);
/// Default time an unlocked vault's key is kept in the session keyring.
pub const VAULT_CACHE_SECONDS: usize = 900;
/// The longest a key is kept: a day. The kernel takes the timeout as 32 bits, where 0 means
/// "never expires", so an unbounded value (2^32 wraps to 0) would keep it for ever.
pub const MAX_VAULT_CACHE_SECONDS: usize = 86_400;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `AICONN_KEYCHAIN_TIMEOUT_MS`: the bound on one keychain call.
    pub keychain_timeout: Duration,
    /// `AICONN_VAULT_CACHE_SECONDS` (0 turns the cache off, at most a day).
    pub vault_cache_seconds: usize,
    /// `AICONN_SECRET_CMD_TIMEOUT` seconds (1..=600).
    pub secret_cmd_timeout: Duration,
    /// `AICONN_VAULT_WORK_FACTOR` (clamped to 10..=22): scrypt's work factor for a new vault key.
    pub vault_work_factor: u8,
    /// `AICONN_VAULT_PASSPHRASE_FILE`: a file holding the vault's passphrase.
    pub vault_passphrase_file: Option<PathBuf>,
    /// `AICONN_CONFIG_DIR`: the config dir when no `--config-dir` is given.
    pub config_dir: Option<PathBuf>,
    /// `AICONN_ARM_ENDPOINT`: where Resource Manager requests go instead of the cloud's.
    pub arm_endpoint: Option<String>,
    /// `AICONN_TODAY` (YYYY-MM-DD): the day lifecycle notices are computed for.
    pub today: Option<i64>,
    /// `AICONN_TEST_CRASH_AT` (debug builds only): the fault-injection point armed.
    pub test_crash_at: Option<String>,
    /// `AICONN_TEST_EVENTS` (debug builds only): the file test events are appended to.
    pub test_events: Option<PathBuf>,
    /// `AICONN_TEST_CA` (debug builds only): a PEM CA the HTTP agent trusts instead of the
    /// public roots (the real-hostname client tests' loopback proxy).
    pub test_ca: Option<PathBuf>,
}

/// The process's settings, resolved from the environment on first use.
pub fn get() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| Settings::from_lookup(|name| std::env::var_os(name)))
}

impl Settings {
    /// Settings from `lookup` (the environment, or a table in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<std::ffi::OsString>) -> Settings {
        Settings::from_lookup_in(lookup, cfg!(debug_assertions))
    }

    /// Settings as a debug (`debug`) or release build resolves them: the test hooks exist
    /// only in a debug build.
    fn from_lookup_in(
        lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
        debug: bool,
    ) -> Settings {
        let text = |name: &str| lookup(name).and_then(|v| v.into_string().ok());
        let path = |name: &str| lookup(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        Settings {
            keychain_timeout: text("AICONN_KEYCHAIN_TIMEOUT_MS")
                .and_then(|v| v.parse().ok())
                .map_or(KEYCHAIN_TIMEOUT, Duration::from_millis),
            vault_cache_seconds: text("AICONN_VAULT_CACHE_SECONDS")
                .map_or(VAULT_CACHE_SECONDS, |v| cache_seconds(&v)),
            secret_cmd_timeout: text("AICONN_SECRET_CMD_TIMEOUT")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|s| (1..=600).contains(s))
                .map_or(SECRET_CMD_TIMEOUT, Duration::from_secs),
            vault_work_factor: text("AICONN_VAULT_WORK_FACTOR")
                .and_then(|v| v.parse::<u8>().ok())
                .map_or(crate::secrets::vault_key::DEFAULT_WORK_FACTOR, |n| {
                    n.clamp(10, crate::secrets::vault_key::MAX_READ_WORK_FACTOR)
                }),
            vault_passphrase_file: path("AICONN_VAULT_PASSPHRASE_FILE"),
            config_dir: path("AICONN_CONFIG_DIR"),
            arm_endpoint: text(crate::azure::ARM_ENDPOINT_ENV).filter(|v| !v.trim().is_empty()),
            today: text("AICONN_TODAY").and_then(|v| crate::azure::lifecycle::parse_day(&v)),
            test_crash_at: text("AICONN_TEST_CRASH_AT").filter(|_| debug),
            test_events: path("AICONN_TEST_EVENTS").filter(|_| debug),
            test_ca: path("AICONN_TEST_CA").filter(|_| debug),
        }
    }
}

/// A cache time in seconds, at most a day; "forever", "1e9", "-1" are not a time: the default.
fn cache_seconds(v: &str) -> usize {
    match v.trim().parse::<u128>() {
        Ok(n) => usize::try_from(n.min(MAX_VAULT_CACHE_SECONDS as u128))
            .unwrap_or(MAX_VAULT_CACHE_SECONDS),
        Err(_) => VAULT_CACHE_SECONDS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Settings {
        let table: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        Settings::from_lookup(move |name| {
            table.iter().find(|(k, _)| k == name).map(|(_, v)| v.into())
        })
    }

    #[test]
    fn unset_gives_the_defaults() {
        let s = with(&[]);
        assert_eq!(s.keychain_timeout, KEYCHAIN_TIMEOUT);
        assert_eq!(s.vault_cache_seconds, VAULT_CACHE_SECONDS);
        assert_eq!(s.secret_cmd_timeout, SECRET_CMD_TIMEOUT);
        assert_eq!(
            s.vault_work_factor,
            crate::secrets::vault_key::DEFAULT_WORK_FACTOR
        );
        assert_eq!(s.config_dir, None);
        assert_eq!(s.arm_endpoint, None);
    }

    #[test]
    fn the_test_hooks_are_ignored_by_a_release_build() {
        let hooks = [
            ("AICONN_TEST_CA", "/tmp/ca.pem"),
            ("AICONN_TEST_CRASH_AT", "after-secret-read"),
            ("AICONN_TEST_EVENTS", "/tmp/events"),
        ];
        let lookup = |name: &str| {
            hooks
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).into())
        };
        let release = Settings::from_lookup_in(lookup, false);
        assert_eq!(release.test_ca, None);
        assert_eq!(release.test_crash_at, None);
        assert_eq!(release.test_events, None);
        let debug = Settings::from_lookup_in(lookup, true);
        assert_eq!(debug.test_ca, Some(PathBuf::from("/tmp/ca.pem")));
        assert_eq!(debug.test_crash_at.as_deref(), Some("after-secret-read"));
    }

    #[test]
    fn values_are_bounded_and_nonsense_is_the_default() {
        let s = with(&[
            ("AICONN_VAULT_CACHE_SECONDS", "99999999999999999999"),
            ("AICONN_SECRET_CMD_TIMEOUT", "601"),
            ("AICONN_VAULT_WORK_FACTOR", "40"),
            ("AICONN_KEYCHAIN_TIMEOUT_MS", "250"),
            ("AICONN_CONFIG_DIR", ""),
            ("AICONN_ARM_ENDPOINT", "  "),
        ]);
        assert_eq!(s.vault_cache_seconds, MAX_VAULT_CACHE_SECONDS);
        assert_eq!(s.secret_cmd_timeout, SECRET_CMD_TIMEOUT);
        assert_eq!(s.vault_work_factor, 22);
        assert_eq!(s.keychain_timeout, Duration::from_millis(250));
        assert_eq!(s.config_dir, None, "empty is unset");
        assert_eq!(s.arm_endpoint, None, "blank is unset");
        assert_eq!(
            with(&[("AICONN_VAULT_CACHE_SECONDS", "forever")]).vault_cache_seconds,
            VAULT_CACHE_SECONDS
        );
        assert_eq!(
            with(&[("AICONN_VAULT_CACHE_SECONDS", " 0 ")]).vault_cache_seconds,
            0
        );
        assert_eq!(
            with(&[("AICONN_VAULT_WORK_FACTOR", "3")]).vault_work_factor,
            10
        );
    }
}
