#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool: a failure should stop it there
//! Times parsing a connections file: `cargo run --release --example parse_speed FILE`
fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let text = std::fs::read_to_string(&path).unwrap();
    let t = std::time::Instant::now();
    let d = toml_edit::Document::parse(text.clone()).unwrap();
    println!("toml_edit::Document::parse {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let _m = d.into_mut();
    println!("into_mut {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let _v: toml::Table = toml::from_str(&text).unwrap();
    println!("toml::from_str {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let doc = aiconn::store::ConnDoc::parse(&text, std::path::Path::new(&path)).unwrap();
    println!(
        "ConnDoc::parse {:?} ({} connections)",
        t.elapsed(),
        doc.connections().len()
    );
    let t = std::time::Instant::now();
    let s = doc.to_text();
    println!("to_text {:?} ({} bytes)", t.elapsed(), s.len());
    serde_path(&text);
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Raw {
    version: Option<toml::Value>,
    namespace: Option<toml::Value>,
    connections: Option<indexmap::IndexMap<String, indexmap::IndexMap<String, toml::Value>>>,
}

#[allow(dead_code)]
fn serde_path(text: &str) {
    let t = std::time::Instant::now();
    let r: Raw = toml::from_str(text).unwrap();
    println!(
        "serde Raw {:?} ({})",
        t.elapsed(),
        r.connections.map(|c| c.len()).unwrap_or(0)
    );
}
