#![allow(clippy::unwrap_used)] // a measuring tool: a failure should stop it there
//! `cargo bench --bench endpoint`: time per classification over the shared endpoint cases.
//! Classification runs on every keystroke in the TUI; the budget is well under 50 µs per URL.
//! Prints figures; never fails on time.

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/endpoint-cases.toml"
    ))
    .unwrap();
    let v: toml::Value = toml::from_str(&text).unwrap();
    let urls: Vec<String> = v["case"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["url"].as_str().unwrap().to_string())
        .collect();
    // warm up
    for u in &urls {
        black_box(aiconn::endpoint::classify(u));
    }
    let rounds = 2000;
    let mut per_url: Vec<(f64, &str)> = Vec::new();
    let start = Instant::now();
    for _ in 0..rounds {
        for u in &urls {
            black_box(aiconn::endpoint::classify(black_box(u)));
        }
    }
    let total = start.elapsed();
    for u in &urls {
        let t = Instant::now();
        for _ in 0..200 {
            black_box(aiconn::endpoint::classify(black_box(u)));
        }
        per_url.push((t.elapsed().as_secs_f64() * 1e6 / 200.0, u));
    }
    per_url.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    let n = (rounds * urls.len()) as f64;
    println!("endpoint classify: {} URLs x {rounds} rounds", urls.len());
    println!("  mean   {:.2} us/URL", total.as_secs_f64() * 1e6 / n);
    println!("  median {:.2} us/URL", per_url[per_url.len() / 2].0);
    println!(
        "  slowest {:.2} us/URL ({})",
        per_url[0].0,
        per_url[0].1.chars().take(70).collect::<String>()
    );
    println!("  budget 50 us/URL");
}
