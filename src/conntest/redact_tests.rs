//! The redactor against each encoding a service may echo a key in.

#![allow(clippy::unwrap_used)]

use super::redact;

const KEYS: [&str; 4] = [
    "fake+key/0001",
    "fake+key/00012",
    "fake+key/000123",
    "fake>k?y~0001 é",
];

fn clean(text: &str, key: &str) {
    let out = redact(text, key);
    assert!(
        out.contains("[redacted]"),
        "nothing redacted in {text:?}: {out:?}"
    );
    assert!(!out.contains(key), "{out:?}");
    // What a parser would show after decoding must not hold the key either.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&out) {
        assert!(!v.to_string().contains(key), "{out:?}");
    }
}

fn b64(bytes: &[u8], url: bool, pad: bool) -> String {
    let a: &[u8] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..=c.len() {
            out.push(a[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if pad {
            out.push_str(&"=".repeat(3 - c.len()));
        }
    }
    out
}

#[test]
fn the_raw_key_is_redacted() {
    for k in KEYS {
        clean(&format!("{{\"message\":\"bad key {k}\"}}"), k);
    }
}

#[test]
fn json_unicode_escapes_of_any_character_in_either_case_are_redacted() {
    for k in KEYS {
        let every: String = k.chars().map(|c| format!("\\u{:04X}", c as u32)).collect();
        let lower = every.to_lowercase();
        let some = k.replace('+', "\\u002B").replace('/', "\\/");
        let braces: String = k
            .chars()
            .map(|c| format!("\\u{{{:x}}}", c as u32))
            .collect();
        for enc in [every, lower, some, braces] {
            clean(&format!("{{\"message\":\"bad key {enc}\"}}"), k);
        }
    }
}

#[test]
fn characters_outside_the_bmp_escaped_as_surrogate_pairs_are_redacted() {
    let k = "fake\u{1F511}key";
    clean("{\"message\":\"fake\\ud83d\\udd11key\"}", k);
}

#[test]
fn percent_encoding_in_either_case_and_plus_for_space_are_redacted() {
    for k in KEYS {
        let upper: String = k.bytes().map(|b| format!("%{b:02X}")).collect();
        let lower = upper.to_lowercase();
        let form = k.replace('+', "%2b").replace('/', "%2F").replace(' ', "+");
        let double = k.replace('+', "%252B").replace('/', "%252f");
        for enc in [upper, lower, form, double] {
            clean(&format!("got ?api-key={enc}&x=1"), k);
        }
    }
}

#[test]
fn html_entities_are_redacted() {
    let k = "fake+key/0001";
    clean("<p>fake&#43;key&#x2F;0001</p>", k);
    clean("<p>fake&plus;key&sol;0001</p>", k);
}

#[test]
fn base64_of_the_key_user_key_and_colon_key_in_both_alphabets_is_redacted() {
    for k in KEYS {
        for plain in [k.to_string(), format!("user:{k}"), format!(":{k}")] {
            for (url, pad) in [(false, true), (false, false), (true, true), (true, false)] {
                let enc = b64(plain.as_bytes(), url, pad);
                clean(&format!("{{\"auth\":\"Basic {enc}\"}}"), k);
                // Glued to other base64 text, at every alignment.
                for glue in ["Q", "QQ", "QQQ", "QQQQ"] {
                    clean(&format!("token={glue}{enc}"), k);
                }
            }
        }
    }
}

#[test]
fn base64_whose_slashes_a_json_encoder_escaped_is_redacted() {
    // Picked so that its base64 holds '+' and '/'.
    let k = "fake>k?y~0001";
    let enc = b64(k.as_bytes(), false, true);
    assert!(enc.contains('/') || enc.contains('+'), "{enc}");
    let escaped = enc.replace('/', "\\/").replace('+', "\\u002b");
    clean(&format!("{{\"auth\":\"{escaped}\"}}"), k);
}

#[test]
fn hex_of_the_key_is_redacted() {
    for k in KEYS {
        let hex: String = k.bytes().map(|b| format!("{b:02x}")).collect();
        clean(&format!("dump: {hex}"), k);
        clean(&format!("dump: 0{}", hex.to_uppercase()), k);
    }
}

#[test]
fn text_without_the_key_is_left_as_it_is() {
    let body =
        "{\"error\":{\"code\":\"401\",\"message\":\"Access denied \\u002B 100% &amp; ZmFrZQ==\"}}";
    assert_eq!(redact(body, "fake+key/0001"), body);
    assert_eq!(redact(body, ""), body);
}
