//! Stored values are untrusted: a name may hold ANSI escapes, OSC 52 or bidi overrides.
//! Everything shown on a terminal goes through here first.

/// Escapes control characters, escape sequences and bidi/format characters so the text is
/// shown literally and can never drive the terminal.
pub fn for_terminal(s: &str) -> String {
    if is_plain(s) && !s.contains('\n') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_format_char(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Like [`for_terminal`], but keeps line breaks: for multi-line messages (errors, advice).
pub fn for_terminal_text(s: &str) -> String {
    if is_plain(s) {
        return s.to_string();
    }
    s.split('\n')
        .map(for_terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

/// JSON text for a terminal or a pipe: serde_json already escapes C0 controls; this also
/// escapes C1 controls (an 8-bit CSI is a terminal escape too) and the bidi and zero-width
/// characters, as `\uXXXX`. Outside strings JSON text holds none of them, so every one met
/// here is inside a string and the escape keeps the same value.
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    escape_json_text(&text).into_owned()
}

/// See [`json_pretty`].
pub fn escape_json_text(text: &str) -> std::borrow::Cow<'_, str> {
    if is_plain(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // A raw line break is the pretty printer's own (serde_json escapes one in a string).
        if c != '\n' && (c.is_control() || is_format_char(c) || matches!(c as u32, 0x2028 | 0x2029))
        {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Printable ASCII and line breaks only: nothing to escape (the common case, checked fast).
fn is_plain(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\n')
}

/// Unicode "format" characters that change how text is laid out or hide it: bidi controls,
/// zero-width characters, the BOM.
pub fn is_format_char(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x061C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064
        | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn escapes_ansi_osc_and_bidi() {
        let s = for_terminal("a\x1b[31mred\x1b]52;c;Zm9v\x07\u{202e}txt");
        assert!(!s.contains('\x1b') && !s.contains('\x07') && !s.contains('\u{202e}'));
        assert_eq!(s, "a\\u{1b}[31mred\\u{1b}]52;c;Zm9v\\u{7}\\u{202e}txt");
        assert_eq!(for_terminal("plain-name_1"), "plain-name_1");
    }

    #[test]
    fn json_escapes_c1_and_bidi_and_keeps_the_value() {
        let v = serde_json::json!({"n": "a\u{9b}31m\u{202e}b\u{2066}\x1b]0;x\x07"});
        let text = json_pretty(&v);
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && c != '\n') || is_format_char(c)),
            "{text:?}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn text_keeps_line_breaks_only() {
        assert_eq!(
            for_terminal_text("a\x1b]0;x\x07\nb"),
            "a\\u{1b}]0;x\\u{7}\nb"
        );
    }
}
