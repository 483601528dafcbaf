#![warn(clippy::too_many_lines)]

use aiconn::cli::{self, Cli};
use clap::Parser;

fn main() {
    // Before anything can read a secret.
    aiconn::harden::no_core_dumps();
    // A shell asking for completion candidates gets them and nothing else.
    cli::complete_if_asked();
    let parsed = Cli::parse();
    if let Err(e) = cli::main(&parsed) {
        eprintln!(
            "aiconn: {}",
            aiconn::sanitize::for_terminal_text(&e.message)
        );
        std::process::exit(e.code);
    }
}
