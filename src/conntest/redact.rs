//! Removes a key from text a service sent back, in whatever encoding the text carries it.
//!
//! A service may echo the key raw, JSON-escaped (`\u002B`, `\/`), percent-encoded (`%2b`, `+`
//! for a space), as an HTML entity, base64 (of `key`, `user:key`, `Basic …`, in either
//! alphabet, at any offset inside a longer run) or hex, and a parser later decodes it back to
//! the raw key on screen. So the text is decoded into a view whose every character remembers
//! the span of the original it came from (twice, for double encodings such as `%252B`); the key
//! is looked for in each view, and base64 and hex runs of each view are decoded and searched
//! too. Every span found is replaced in the original.

const MARK: &str = "[redacted]";

/// One decoded character: the original byte span it came from and what it may stand for
/// (a `+` is a plus, or a space in form encoding).
#[derive(Clone, Debug)]
struct Unit {
    span: (usize, usize),
    alts: [char; 2],
}

impl Unit {
    fn one(span: (usize, usize), c: char) -> Self {
        Unit { span, alts: [c, c] }
    }
    fn main(&self) -> char {
        self.alts[0]
    }
    fn is(&self, c: char) -> bool {
        self.alts[0] == c || self.alts[1] == c
    }
}

/// `text` with every encoding of `key` found in it replaced by `[redacted]`.
pub fn redact(text: &str, key: &str) -> String {
    if key.is_empty() {
        return text.to_string();
    }
    let raw: Vec<Unit> = text
        .char_indices()
        .map(|(i, c)| Unit::one((i, i + c.len_utf8()), c))
        .collect();
    let once = decode(&raw);
    let twice = decode(&once);
    let mut spans = Vec::new();
    for view in [&raw, &once, &twice] {
        find_key(view, key, &mut spans);
        find_in_runs(view, key.as_bytes(), &mut spans);
    }
    replace(text, spans)
}

fn replace(text: &str, mut spans: Vec<(usize, usize)>) -> String {
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in spans {
        if e <= at {
            continue;
        }
        if s >= at {
            out.push_str(&text[at..s]);
            out.push_str(MARK);
        }
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

fn find_key(view: &[Unit], key: &str, spans: &mut Vec<(usize, usize)>) {
    let key: Vec<char> = key.chars().collect();
    let mut i = 0;
    while i + key.len() <= view.len() {
        if key.iter().zip(&view[i..]).all(|(c, u)| u.is(*c)) {
            spans.push((view[i].span.0, view[i + key.len() - 1].span.1));
            i += key.len();
        } else {
            i += 1;
        }
    }
}

/// Base64 (both alphabets, any alignment) and hex runs whose decoded bytes hold the key.
fn find_in_runs(view: &[Unit], key: &[u8], spans: &mut Vec<(usize, usize)>) {
    for (run, decoder) in [
        (
            runs(view, |c| b64_value(c).is_some()),
            b64_decode as fn(&[Unit]) -> Vec<u8>,
        ),
        (runs(view, |c| c.is_ascii_hexdigit()), hex_decode),
    ] {
        for r in run {
            let units = &view[r.0..r.1];
            // A run may start with unrelated characters: try every alignment.
            let found = (0..4.min(units.len()))
                .any(|skip| decoder(&units[skip..]).windows(key.len()).any(|w| w == key));
            if found {
                let end = padding_end(view, r.1);
                spans.push((units[0].span.0, view[end - 1].span.1));
            }
        }
    }
}

fn runs(view: &[Unit], ok: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, u) in view.iter().enumerate() {
        match (ok(u.main()), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, view.len()));
    }
    out
}

/// The run's end extended over base64 `=` padding, so no stub of the encoding is left.
fn padding_end(view: &[Unit], mut end: usize) -> usize {
    while end < view.len() && view[end].main() == '=' {
        end += 1;
    }
    end
}

fn b64_value(c: char) -> Option<u8> {
    Some(match c {
        'A'..='Z' => c as u8 - b'A',
        'a'..='z' => c as u8 - b'a' + 26,
        '0'..='9' => c as u8 - b'0' + 52,
        '+' | '-' => 62,
        '/' | '_' => 63,
        _ => return None,
    })
}

fn b64_decode(units: &[Unit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(units.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in units.iter().filter_map(|u| b64_value(u.main())) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn hex_decode(units: &[Unit]) -> Vec<u8> {
    let digits: Vec<u8> = units
        .iter()
        .filter_map(|u| u.main().to_digit(16).map(|d| d as u8))
        .collect();
    digits.chunks_exact(2).map(|p| p[0] << 4 | p[1]).collect()
}

/// One layer of decoding: JSON and C-style escapes, percent-encoding, HTML entities.
fn decode(units: &[Unit]) -> Vec<Unit> {
    let mut out = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let (c, used) = escape_at(units, i).unwrap_or_else(|| (units[i].main(), 1));
        let span = (units[i].span.0, units[i + used - 1].span.1);
        if used == 1 && c == '+' {
            out.push(Unit {
                span,
                alts: ['+', ' '],
            });
        } else if used == 1 {
            out.push(units[i].clone());
        } else {
            out.push(Unit::one(span, c));
        }
        i += used;
    }
    out
}

/// The character an escape starting at `i` stands for, and how many units it takes.
fn escape_at(u: &[Unit], i: usize) -> Option<(char, usize)> {
    match u[i].main() {
        '\\' => backslash(u, i),
        '%' => percent(u, i),
        '&' => entity(u, i),
        _ => None,
    }
}

fn hex_at(u: &[Unit], from: usize, n: usize) -> Option<u32> {
    let digits = u.get(from..from + n)?;
    digits
        .iter()
        .try_fold(0u32, |acc, d| Some(acc * 16 + d.main().to_digit(16)?))
}

fn backslash(u: &[Unit], i: usize) -> Option<(char, usize)> {
    let short = |c| Some((c, 2));
    match u.get(i + 1)?.main() {
        'u' if u.get(i + 2).map(Unit::main) == Some('{') => {
            let close = (i + 3..(i + 11).min(u.len())).find(|&j| u[j].main() == '}')?;
            let v = hex_at(u, i + 3, close - i - 3)?;
            Some((char::from_u32(v)?, close - i + 1))
        }
        'u' => {
            let hi = hex_at(u, i + 2, 4)?;
            if (0xD800..0xDC00).contains(&hi) {
                // A surrogate pair: `\uD83D\uDE00`.
                if u.get(i + 6)?.main() != '\\' || u.get(i + 7)?.main() != 'u' {
                    return None;
                }
                let lo = hex_at(u, i + 8, 4)?;
                let v = 0x10000 + ((hi - 0xD800) << 10) + lo.checked_sub(0xDC00)?;
                return Some((char::from_u32(v)?, 12));
            }
            Some((char::from_u32(hi)?, 6))
        }
        'x' => Some((char::from_u32(hex_at(u, i + 2, 2)?)?, 4)),
        'n' => short('\n'),
        't' => short('\t'),
        'r' => short('\r'),
        'b' => short('\u{8}'),
        'f' => short('\u{c}'),
        c @ ('/' | '\\' | '"' | '\'') => short(c),
        _ => None,
    }
}

/// `%XX`, or a run of them that is one UTF-8 character (`%C3%A9`).
fn percent(u: &[Unit], i: usize) -> Option<(char, usize)> {
    let mut bytes = Vec::new();
    let mut at = i;
    while bytes.len() < 4 && u.get(at).map(Unit::main) == Some('%') {
        bytes.push(hex_at(u, at + 1, 2)? as u8);
        at += 3;
        if let Ok(s) = std::str::from_utf8(&bytes) {
            return Some((s.chars().next()?, at - i));
        }
    }
    None
}

/// `&#43;`, `&#x2b;` and the named entities a body escapes a key's characters with.
fn entity(u: &[Unit], i: usize) -> Option<(char, usize)> {
    let close = (i + 1..(i + 12).min(u.len())).find(|&j| u[j].main() == ';')?;
    let name: String = u[i + 1..close].iter().map(Unit::main).collect();
    let c = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
    } else if let Some(dec) = name.strip_prefix('#') {
        char::from_u32(dec.parse().ok()?)?
    } else {
        match name.as_str() {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "plus" => '+',
            "sol" => '/',
            "equals" => '=',
            _ => return None,
        }
    };
    Some((c, close - i + 1))
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
