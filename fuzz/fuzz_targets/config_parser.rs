//! connections.toml parsing and rewriting: never panics; what parses survives a rewrite.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = std::path::Path::new("connections.toml");
    if let Ok(mut doc) = aiconn::store::ConnDoc::parse(text, path) {
        let conns = doc.connections().to_vec();
        for c in &conns {
            doc.upsert(c);
        }
        let again = aiconn::store::ConnDoc::parse(&doc.to_text(), path).expect("a rewrite parses");
        assert_eq!(again.connections(), &conns[..]);
    }
});
