//! Fault injection for the reliability tests, compiled into debug builds only: with
//! `AICONN_TEST_CRASH_AT=<point>` the process exits abruptly (or panics) at that point.
//! Release builds ignore the variable entirely.

fn armed(point: &str) -> bool {
    cfg!(debug_assertions) && std::env::var("AICONN_TEST_CRASH_AT").is_ok_and(|v| v == point)
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
