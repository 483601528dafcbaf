//! Rules of the layout that the compiler cannot check: the core (everything outside `src/cli/`,
//! `src/tui/` and `src/main.rs`) never writes to stdio, and nothing outside the CLI prints with
//! the print macros (the TUI owns the screen; a stray line lands between two frames). Notices
//! are values that each face shows its way. Code under `#[cfg(test)]` may print.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

use std::path::{Path, PathBuf};

/// Print sites the TUI still has (none since issue 20: a failure is a value `cli::tui` says
/// once the screen is restored). Each entry is a file and how many sites it may hold, so a
/// new one still fails.
const TUI_KNOWN: &[(&str, usize)] = &[];

/// Macros that write to stdout or stderr.
const PRINT_MACROS: &[&str] = &["print", "println", "eprint", "eprintln", "dbg"];
/// Handles on the process's stdio, which the core must not take either.
const STDIO_HANDLES: &[&str] = &["io::stdout", "io::stderr"];

#[test]
fn no_print_macro_outside_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let test_only = test_only_files(root);
    for file in rust_files(&root.join("src")) {
        let rel = relative(root, &file);
        if rel == "src/main.rs" || rel.starts_with("src/cli/") {
            continue;
        }
        if test_only.contains(&file) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        if text.trim_start().starts_with("#![cfg(test)]") {
            continue;
        }
        let code = production_code(&text);
        let mut sites = print_sites(&code);
        if !rel.starts_with("src/tui/") {
            sites.extend(stdio_sites(&code));
        }
        let allowed = TUI_KNOWN
            .iter()
            .find(|(f, _)| *f == rel)
            .map_or(0, |(_, n)| *n);
        if sites.len() > allowed {
            found.extend(
                sites
                    .iter()
                    .map(|(line, what)| format!("{rel}:{line}: {what}")),
            );
        }
    }
    assert!(
        found.is_empty(),
        "stdio written outside src/cli/ and src/main.rs (return a value the face shows):\n{}",
        found.join("\n")
    );
}

/// Every `.rs` file under `dir`.
/// `file` relative to the crate root, with `/` separators (how the rules name files).
fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Files that are only compiled for tests: `#[cfg(test)] mod name;` next to its parent.
fn test_only_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for file in rust_files(&root.join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let dir = module_dir(&file);
        for name in test_only_mod_decls(&strip_comments_and_literals(&text)) {
            out.push(dir.join(format!("{name}.rs")));
            out.push(dir.join(&name).join("mod.rs"));
        }
    }
    out
}

/// Where a file's child modules live: `a/mod.rs`, `lib.rs`, `main.rs` -> `a/`; `a/b.rs` -> `a/b/`.
fn module_dir(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap();
    match file.file_stem().and_then(|s| s.to_str()) {
        Some("mod" | "lib" | "main") => parent.to_path_buf(),
        Some(stem) => parent.join(stem),
        None => parent.to_path_buf(),
    }
}

/// The code the product is built from: comments, string and char literals blanked, items under
/// a test-only `#[cfg(...)]` removed. Line breaks are kept so line numbers stay true.
fn production_code(text: &str) -> String {
    let code = strip_comments_and_literals(text);
    let mut bytes = code.into_bytes();
    for (start, end) in test_only_items(&String::from_utf8_lossy(&bytes)) {
        for b in &mut bytes[start..end] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    String::from_utf8(bytes).unwrap()
}

/// Blanks comments (line, block, nested) and the insides of string, raw string and char
/// literals, keeping line breaks. Lifetimes (`'a`) are left alone.
fn strip_comments_and_literals(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(c[i]));
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&c, i) {
            // r"..", r#".."#, br".."
            let open = c[i..].iter().position(|&ch| ch == '"').unwrap() + i;
            for _ in i..=open {
                out.push(' ');
            }
            i = open + 1;
            while i < c.len() {
                if c[i] == '"'
                    && c[i + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == '#')
                        .count()
                        == hashes
                {
                    for _ in 0..=hashes {
                        out.push(' ');
                    }
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(c[i]));
                i += 1;
            }
        } else if c[i] == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < c.len() {
                    out.push(blank(c[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c[i] == '\'' && char_literal_len(&c, i).is_some() {
            let len = char_literal_len(&c, i).unwrap();
            for _ in 0..len {
                out.push(' ');
            }
            i += len;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// At a raw string's `r` (or `br`): how many `#` it uses.
fn raw_string_start(c: &[char], i: usize) -> Option<usize> {
    let prev_ident = i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
    let j = match (c[i], c.get(i + 1)) {
        ('r', _) if !prev_ident => i + 1,
        ('b', Some('r')) if !prev_ident => i + 2,
        _ => return None,
    };
    let hashes = c[j..].iter().take_while(|&&h| h == '#').count();
    (c.get(j + hashes) == Some(&'"')).then_some(hashes)
}

/// At a `'`: the length of the char literal starting here, `None` for a lifetime.
fn char_literal_len(c: &[char], i: usize) -> Option<usize> {
    if c.get(i + 1) == Some(&'\\') {
        let close = c[i + 2..].iter().take(10).position(|&ch| ch == '\'')?;
        return Some(close + 3);
    }
    (c.get(i + 2) == Some(&'\'')).then_some(3)
}

/// Byte ranges of the items that follow a test-only `#[cfg(..)]` (in stripped code).
fn test_only_items(code: &str) -> Vec<(usize, usize)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("#[cfg(").map(|p| p + from) {
        let Some(attr_end) = matching(b, at + 1, b'[', b']') else {
            break;
        };
        from = attr_end;
        if !is_test_only(&code[at..attr_end]) {
            continue;
        }
        // The item ends at the first `;` before any `{`, or at the `}` matching that `{`.
        let mut j = attr_end;
        let end = loop {
            match b.get(j) {
                None => break b.len(),
                Some(b';') => break j + 1,
                Some(b'{') => break matching(b, j, b'{', b'}').unwrap_or(b.len()),
                Some(_) => j += 1,
            }
        };
        out.push((at, end));
        from = end;
    }
    out
}

/// `cfg(test)`, `cfg(all(test, ..))`: true when the item exists only in tests.
fn is_test_only(attr: &str) -> bool {
    let words: String = attr.chars().filter(|c| !c.is_whitespace()).collect();
    let in_all = ["(test,", ",test,", ",test)"]
        .iter()
        .any(|w| words.contains(w));
    words.starts_with("#[cfg(test)") || (words.starts_with("#[cfg(all(") && in_all)
}

/// Names of `#[cfg(test)] mod name;` declarations.
fn test_only_mod_decls(code: &str) -> Vec<String> {
    test_only_items(code)
        .into_iter()
        .filter_map(|(s, e)| {
            let item = &code[s..e];
            let item = item.trim_end_matches(';');
            let rest = item.split_once("mod ")?.1.trim();
            (!item.contains('{')).then(|| rest.to_string())
        })
        .collect()
}

/// Index one past the bracket matching the `open` at `at`.
fn matching(b: &[u8], at: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (k, &ch) in b.iter().enumerate().skip(at) {
        if ch == open {
            depth += 1;
        } else if ch == close {
            depth -= 1;
            if depth == 0 {
                return Some(k + 1);
            }
        }
    }
    None
}

/// (line, macro) for every print macro call (also `std::println!`).
fn print_sites(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        for (k, _) in line.char_indices() {
            for m in PRINT_MACROS {
                let rest = &line[k..];
                let before_ok = k == 0 || {
                    let p = line[..k].chars().next_back().unwrap();
                    !(p.is_alphanumeric() || p == '_')
                };
                if before_ok && rest.starts_with(m) && rest[m.len()..].trim_start().starts_with('!')
                {
                    out.push((n + 1, format!("{m}!")));
                }
            }
        }
    }
    out
}

/// (line, handle) for every `io::stdout` / `io::stderr` taken.
fn stdio_sites(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        for h in STDIO_HANDLES {
            if line.contains(h) {
                out.push((n + 1, (*h).to_string()));
            }
        }
    }
    out
}

// The scanner attacked with what it must skip and what it must still see.
#[test]
fn scanner_skips_comments_literals_and_test_code() {
    let text = r####"
// println!("in a comment");
/* eprintln!("block /* nested */ still comment") */
/// Returns what `dbg!(x)` would show.
fn f() -> &'static str { let c = '"'; let _ = c; "print!(no)" }
fn g() -> &'static str { r#"eprintln!("raw")"# }
#[cfg(test)]
mod tests {
    fn h() { println!("a test may print {}", '}'); }
}
#[cfg(test)]
fn only_in_tests() { eprintln!("fine"); }
"####;
    let code = production_code(text);
    assert_eq!(print_sites(&code), vec![]);
    assert_eq!(stdio_sites(&code), vec![]);
}

#[test]
fn scanner_sees_real_print_sites() {
    let text = r#"
#[cfg(not(test))]
fn a() { eprintln!("x"); }
fn b<'a>(s: &'a str) { std::println!("{s}"); print !("y"); }
#[cfg(test)]
mod tests { }
fn c() { dbg!(1); let _ = std::io::stderr(); }
fn d() { let _ = sprintln!(); let _ = my_print!(); }
"#;
    let code = production_code(text);
    let sites: Vec<usize> = print_sites(&code).into_iter().map(|(l, _)| l).collect();
    assert_eq!(sites, vec![3, 4, 4, 7]);
    assert_eq!(stdio_sites(&code), vec![(7, "io::stderr".to_string())]);
}

#[test]
fn scanner_finds_test_only_module_files() {
    let code = strip_comments_and_literals("#[cfg(test)]\nmod tests;\nmod real;\n");
    assert_eq!(test_only_mod_decls(&code), vec!["tests".to_string()]);
}

/// The layers below the faces do not reach into each other: file primitives (fsio) use nothing
/// of the crate; the model (a connection, its secret records and references as data) uses no
/// secret backend, store, service or face; the secret backends do not use the store (what the
/// file records, e.g. to refuse a lost vault, is passed in by `service`); the store uses no
/// face. Each rule is (files under, what they may not use, files excepted).
#[test]
fn the_core_layers_keep_to_their_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules: &[(&str, &str, &[&str])] = &[
        ("src/fsio.rs", "crate::", &[]),
        ("src/model/", "crate::secrets::", &[]),
        ("src/model/", "crate::store::", &[]),
        ("src/model/", "crate::service::", &[]),
        ("src/model/", "crate::tui::", &[]),
        ("src/model/", "crate::cli::", &[]),
        ("src/secrets/", "crate::store::", &[]),
        ("src/store/", "crate::tui::", &[]),
        ("src/store/", "crate::cli::", &[]),
        ("src/secrets/", "crate::tui::", &[]),
        ("src/secrets/", "crate::cli::", &[]),
    ];
    let mut found = Vec::new();
    for file in rust_files(&root.join("src")) {
        let rel = relative(root, &file);
        let code = production_code(&std::fs::read_to_string(&file).unwrap());
        for (under, used, known) in rules {
            if rel.starts_with(under) && !known.contains(&rel.as_str()) && code.contains(used) {
                found.push(format!("{rel} uses {used}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a layer reaches where it should not:\n{}",
        found.join("\n")
    );
}

/// The secret mask has one home (`tui/form.rs`: `MASK_CHAR`, `MASK_AT_REST`, `mask`, `mask_of`):
/// a mask written by hand elsewhere drifts from it (issue 20 found it set in 13 places).
#[test]
fn the_secret_mask_is_chosen_in_one_place() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for file in rust_files(&root.join("src")) {
        let rel = relative(root, &file);
        if rel == "src/tui/form.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains('•') || code.contains("set_mask_char") {
                found.push(format!("{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a mask outside tui/form.rs:\n{}",
        found.join("\n")
    );
}
