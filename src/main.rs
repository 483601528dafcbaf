use aiconn::cli::{self, Cli};
use clap::Parser;

fn main() {
    let parsed = Cli::parse();
    let result = match &parsed.command {
        Some(cmd) => cli::run(&parsed, cmd),
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            Ok(())
        }
    };
    if let Err(e) = result {
        eprintln!("aiconn: {e}");
        std::process::exit(e.code);
    }
}
