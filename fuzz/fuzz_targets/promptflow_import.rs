//! prompt flow YAML and .env import: never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = aiconn::promptflow::import_yaml("f.yaml", text, None);
    let _ = aiconn::promptflow::import_dotenv("f.env", text, Some("fuzz"));
});
