//! The list's columns, k9s-style: what each row says (name, type, where the key comes from,
//! the last test, ⚠, host or endpoint) and which columns fit the pane's width. Pure: no
//! frame, so the fitting is tested on its own.

use crate::conntest::all::Health;
use crate::model::{Connection, KeySource};
use crate::sanitize::for_terminal;
use crate::tui::app::{App, EntryId};
use crate::tui::strings as s;

/// How a cell is styled (the theme maps it; NO_COLOR keeps the text, which says it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Dim,
    Ok,
    Warn,
    Error,
}

/// One list row's texts, before fitting.
pub struct RowText {
    pub dirty: &'static str,
    pub name: String,
    pub type_id: String,
    /// The key's source in words (`keychain`, `env:NAME`...) and as one mark (✓ ✗ ⚠ ·).
    pub key_word: String,
    pub key_mark: &'static str,
    pub key_tone: Tone,
    /// The last test: ✓ ✗ – (… while it runs), `?` after it when stale.
    pub test: String,
    pub test_tone: Tone,
    /// A field is invalid, or the endpoint reading warns.
    pub flagged: bool,
    pub host: String,
    /// The endpoint without `https://` (plain `http://` stays visible).
    pub endpoint: String,
}

/// What the last column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Endpoint,
    Host,
    Nothing,
}

/// The columns that fit: widths of name, type, key and the last column, and how much each says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    pub key_words: bool,
    pub place: Place,
    /// Width of the test column: 4 with its heading `TEST`, else 2 (`T`).
    pub test_w: usize,
    pub w: [usize; 4],
}

fn key_cells(src: &KeySource) -> (String, &'static str, Tone) {
    match src {
        KeySource::Kept(b) => (b.to_string(), "✓", Tone::Ok),
        KeySource::Env(n) => (format!("env:{n}"), "✓", Tone::Ok),
        KeySource::EnvUnset(n) => (format!("env:{n} {}", s::KEY_UNSET), "⚠", Tone::Warn),
        KeySource::Cmd => ("cmd".into(), "✓", Tone::Ok),
        KeySource::Pending => (s::KEY_TYPED.into(), "✓", Tone::Ok),
        KeySource::Missing => (s::KEY_MISSING.into(), "✗", Tone::Error),
        KeySource::NotNeeded => (s::KEY_NONE.into(), "·", Tone::Dim),
        KeySource::Mixed => (s::KEY_MIXED.into(), "✓", Tone::Ok),
    }
}

fn test_cell(app: &App, id: &EntryId) -> (String, Tone) {
    if app.health.in_flight(id) {
        return ("…".into(), Tone::Dim);
    }
    let Some(m) = crate::tui::health::mark(app, id) else {
        return (String::new(), Tone::Plain);
    };
    let (glyph, tone) = match m.health {
        Health::Ok => ("✓", Tone::Ok),
        Health::Failed => ("✗", Tone::Error),
        Health::Skipped => ("–", Tone::Dim),
    };
    if m.stale {
        (format!("{glyph}?"), Tone::Dim)
    } else {
        (glyph.into(), tone)
    }
}

/// The connection as the row shows it: the draft's when one is open, else the stored one;
/// plus whether it is flagged and its endpoint.
fn shown_conn(app: &App, id: &EntryId) -> Option<(Connection, bool, String)> {
    if let Some(f) = app.draft(id) {
        let (mut c, typed) = f.to_connection();
        for k in typed.keys() {
            c.secrets
                .insert(k.clone(), crate::model::SecretRecord::Pending);
        }
        let ep = f
            .reading()
            .map(|(i, _)| crate::tui::form::text_of(&f.fields[i].input));
        let warns = f.reading().is_some_and(|(_, r)| r.warns());
        return Some((c, warns || !f.errors().is_empty(), ep.unwrap_or_default()));
    }
    let EntryId::Stored(n) = id else { return None };
    let c = app.stored_conn(n)?;
    let ep = c.endpoint_ref().unwrap_or("").to_string();
    let warns = !ep.is_empty() && crate::endpoint::classify_for_type(&ep, c.type_id()).warns();
    let flagged = warns || !c.validate().is_empty();
    Some((c.clone(), flagged, ep))
}

pub fn row_text(app: &App, id: &EntryId) -> RowText {
    let shown = shown_conn(app, id);
    let ep = shown.as_ref().map(|s| s.2.clone()).unwrap_or_default();
    let host = match url::Url::parse(&ep) {
        Ok(u) => u.host_str().map_or_else(|| ep.clone(), str::to_string),
        Err(_) => ep.clone(),
    };
    let endpoint = ep.strip_prefix("https://").unwrap_or(&ep);
    let (key_word, key_mark, key_tone) = match &shown {
        Some((c, ..)) => key_cells(&c.key_source()),
        None => (String::new(), " ", Tone::Plain),
    };
    let (test, test_tone) = test_cell(app, id);
    RowText {
        dirty: if app.is_dirty(id) { "*" } else { " " },
        name: for_terminal(&app.entry_name(id)),
        type_id: app.entry_type(id),
        key_word: for_terminal(&key_word),
        key_mark,
        key_tone,
        test,
        test_tone,
        flagged: shown.is_some_and(|s| s.1),
        host: for_terminal(&host),
        endpoint: for_terminal(endpoint.trim_end_matches('/')),
    }
}

/// The richest columns that fit `inner_w`: full endpoints, then whole hosts (the key's source
/// in words, then as a mark), then hosts cut in the middle; the host column last of all. Names
/// and types shrink (cut in the middle) to 8 and 6 characters, hosts to 16, before anything
/// is dropped.
pub fn fit(rows: &[RowText], inner_w: usize) -> Fit {
    let max = |f: &dyn Fn(&RowText) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let name = max(&|r| r.name.chars().count()).max(4);
    let ty = max(&|r| r.type_id.chars().count()).max(4);
    let key = max(&|r| r.key_word.chars().count()).max(3);
    let host = max(&|r| r.host.chars().count());
    let endpoint = max(&|r| r.endpoint.chars().count());
    // (key in words, last column, test width, the host kept whole)
    let candidates = [
        (true, Place::Endpoint, 4, true),
        (true, Place::Host, 4, true),
        (true, Place::Host, 2, true),
        (false, Place::Host, 2, true),
        (true, Place::Host, 2, false),
        (false, Place::Host, 2, false),
        // Nothing has an endpoint (custom connections): the key's words take the room.
        (true, Place::Nothing, 4, false),
        (true, Place::Nothing, 2, false),
        (false, Place::Nothing, 2, false),
    ];
    let mut last = None;
    for (key_words, place, test_w, whole) in candidates {
        let (place_w, place_min) = match place {
            Place::Endpoint => (endpoint.max(4), 0),
            Place::Host if whole => (host.max(4), host.max(4)),
            Place::Host => (host.max(4), 16.min(host.max(4))),
            Place::Nothing => (0, 0),
        };
        // The host is dropped only for want of room, never to show the key's words instead.
        let skip = match place {
            Place::Nothing => host > 0 && key_words,
            Place::Endpoint | Place::Host => host == 0,
        };
        if skip {
            continue;
        }
        let (key_w, key_min) = if key_words { (key, 8.min(key)) } else { (1, 1) };
        // dirty, the gaps after name, type and key, the test column, ⚠, the gap before the
        // last column.
        let fixed = 1 + 3 + test_w + 1 + usize::from(place != Place::Nothing);
        let natural = [name, ty, key_w, place_w];
        // Full endpoints only when they and the types stay whole (names may still shrink).
        let min = match place {
            Place::Endpoint => [8.min(name), ty, key_min, place_w],
            _ => [8.min(name), 6.min(ty), key_min, place_min],
        };
        let room = inner_w.saturating_sub(fixed);
        let w = crate::textfit::widths(&natural, &min, room, 0);
        let fit = Fit {
            key_words,
            place,
            test_w,
            w: [w[0], w[1], w[2], w[3]],
        };
        if w.iter().sum::<usize>() <= room {
            return fit;
        }
        last = Some(fit);
    }
    last.unwrap_or(Fit {
        key_words: false,
        place: Place::Nothing,
        test_w: 2,
        w: [name, ty, 1, 0],
    })
}
