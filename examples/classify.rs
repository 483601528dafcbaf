#![allow(clippy::unwrap_used)] // a measuring tool: a failure should stop it there
//! Prints the endpoint reading of each argument as JSON: `cargo run --example classify URL...`
fn main() {
    for a in std::env::args().skip(1) {
        println!(
            "{}",
            serde_json::to_string(&aiconn::endpoint::classify(&a)).unwrap()
        );
    }
}
