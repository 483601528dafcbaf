//! Stored values are untrusted: a name may hold ANSI escapes, OSC 52 or bidi overrides.
//! Everything shown on a terminal goes through here first.

/// Escapes control characters, escape sequences and bidi/format characters so the text is
/// shown literally and can never drive the terminal.
pub fn for_terminal(s: &str) -> String {
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
}
