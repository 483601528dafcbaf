//! Fault injection for the reliability tests, compiled into debug builds only: with
//! `AICONN_TEST_CRASH_AT=<point>` the process exits abruptly (or panics) at that point.
//! Release builds ignore the variable entirely.

fn armed(point: &str) -> bool {
    crate::settings::get().test_crash_at.as_deref() == Some(point)
}

/// Exits with status 137 (as SIGKILL would) at `point`.
pub fn crash_point(point: &str) {
    if armed(point) {
        std::process::exit(137);
    }
}

/// Panics at `point` (the panic message never carries data).
#[allow(clippy::panic)] // the point of this hook: tests check what a panic leaves behind
pub fn panic_point(point: &str) {
    if armed(point) {
        panic!("test hook: forced panic at {point}");
    }
}

/// Appends `event` as a line to the file named by `AICONN_TEST_EVENTS` (debug builds only), so
/// tests can count what a command really did (e.g. key derivations) instead of timing it.
pub fn note(event: &str) {
    if !cfg!(debug_assertions) {
        return;
    }
    if let Some(path) = &crate::settings::get().test_events {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{event}");
        }
    }
}
