//! Process hardening done before any secret is read: no core dump may carry a key to disk, and
//! on Linux no other process of the user may attach to read our memory (PR_SET_DUMPABLE 0).

/// The core-dump limit the process started with, so `aiconn run` can give it back to the
/// command it becomes (a user's program keeps its own crash dumps).
#[cfg(unix)]
static STARTING_CORE_LIMIT: std::sync::OnceLock<rustix::process::Rlimit> =
    std::sync::OnceLock::new();

/// Turns core dumps off for this process. Failures are ignored: hardening is best effort and
/// must never stop a command.
pub fn no_core_dumps() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let start = getrlimit(Resource::Core);
        let _ = STARTING_CORE_LIMIT.set(start);
        let _ = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: start.maximum,
            },
        );
    }
    #[cfg(target_os = "linux")]
    {
        let _ =
            rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
    }
}

/// Gives the starting core-dump limit back (just before `exec`: the new program's own).
pub fn restore_core_limit() {
    #[cfg(unix)]
    if let Some(l) = STARTING_CORE_LIMIT.get() {
        let _ = rustix::process::setrlimit(rustix::process::Resource::Core, *l);
    }
}

/// True when this process is not dumpable (for the test that checks it).
#[cfg(target_os = "linux")]
pub fn is_dumpable() -> bool {
    rustix::process::dumpable_behavior()
        .map(|b| b != rustix::process::DumpableBehavior::NotDumpable)
        .unwrap_or(true)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn after_hardening_the_process_is_not_dumpable() {
        super::no_core_dumps();
        assert!(!super::is_dumpable());
        let l = rustix::process::getrlimit(rustix::process::Resource::Core);
        assert_eq!(l.current, Some(0));
    }
}
