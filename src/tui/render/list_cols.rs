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
    /// The key's source in words (`keychain`, `env:NAME`...), shorter when that does not fit
    /// (`env`, `env unset`), and as one mark (✓ ✗ ⚠ ·).
    pub key_word: String,
    pub key_short: String,
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
    /// How many characters of `endpoint` lead up to the end of its host (kept whole when the
    /// path is cut).
    pub endpoint_head: usize,
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
    let endpoint = for_terminal(
        ep.strip_prefix("https://")
            .unwrap_or(&ep)
            .trim_end_matches('/'),
    );
    let host = for_terminal(&host);
    let src = shown.as_ref().map(|(c, ..)| c.key_source());
    let (key_word, key_mark, key_tone) = match &src {
        Some(src) => key_cells(src),
        None => (String::new(), " ", Tone::Plain),
    };
    let key_short = match &src {
        Some(KeySource::Env(_)) => s::KEY_ENV.to_string(),
        Some(KeySource::EnvUnset(_)) => s::KEY_ENV_UNSET.to_string(),
        _ => key_word.clone(),
    };
    let (test, test_tone) = test_cell(app, id);
    RowText {
        dirty: if app.is_dirty(id) { "*" } else { " " },
        name: for_terminal(&app.entry_name(id)),
        type_id: app.entry_type(id),
        key_word: for_terminal(&key_word),
        key_short,
        key_mark,
        key_tone,
        test,
        test_tone,
        flagged: shown.is_some_and(|s| s.1),
        endpoint_head: endpoint_head(&endpoint, &host),
        host,
        endpoint,
    }
}

/// How far a layout lets each column shrink: `Roomy` keeps names to 20 characters, types to
/// 13 and hosts to 16; `Tight` goes down to 8, 6 and 12.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Floors {
    Roomy,
    Tight,
}

/// The richest columns that fit `inner_w`: endpoints (whole hosts, paths cut in the middle;
/// types whole), then hosts with the
/// key's source in words, then the key as a mark, then everything tighter; the host column
/// last of all. Within a layout the key's words give way first, then names, types and hosts
/// (cut in the middle), each to its floor.
pub fn fit(rows: &[RowText], inner_w: usize) -> Fit {
    let max = |f: &dyn Fn(&RowText) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let name = max(&|r| r.name.chars().count()).max(4);
    let ty = max(&|r| r.type_id.chars().count()).max(4);
    let key = max(&|r| r.key_word.chars().count()).max(3);
    let host = max(&|r| r.host.chars().count());
    let endpoint = max(&|r| r.endpoint.chars().count());
    let endpoint_head = max(&|r| r.endpoint_head);
    let has_host = host > 0;
    // (key in words, last column, test width, floors)
    let candidates = [
        (true, Place::Endpoint, 4, Floors::Roomy),
        (true, Place::Host, 4, Floors::Roomy),
        (true, Place::Host, 2, Floors::Roomy),
        (false, Place::Host, 2, Floors::Roomy),
        (false, Place::Host, 2, Floors::Tight),
        // Nothing has an endpoint (custom connections): the key's words take the room.
        (true, Place::Nothing, 4, Floors::Roomy),
        (true, Place::Nothing, 2, Floors::Tight),
        (false, Place::Nothing, 2, Floors::Tight),
    ];
    let mut last = None;
    for (key_words, place, test_w, floors) in candidates {
        // The host is dropped only for want of room, never to show the key's words instead.
        let skip = match place {
            Place::Nothing => has_host && key_words,
            Place::Endpoint | Place::Host => !has_host,
        };
        if skip {
            continue;
        }
        let (n_min, t_min, h_min) = match floors {
            Floors::Roomy => (20, 13, 16),
            Floors::Tight => (8, 6, 12),
        };
        let (place_w, place_min) = match place {
            // Cut in its path only: every host stays whole, with a few characters of path.
            Place::Endpoint => (endpoint.max(4), endpoint.min(endpoint_head + 6).max(4)),
            Place::Host => (host.max(4), h_min.min(host.max(4))),
            Place::Nothing => (0, 0),
        };
        // Room for `keychain` and `env unset`; a longer source shows its short form.
        let (key_w, key_min) = if key_words { (key, 9.min(key)) } else { (1, 1) };
        // Endpoints only with whole types.
        let t_min = if place == Place::Endpoint {
            ty
        } else {
            t_min.min(ty)
        };
        // dirty, the gaps after name, type and key, the test column, ⚠, the gap before the
        // last column.
        let fixed = 1 + 3 + test_w + 1 + usize::from(place != Place::Nothing);
        let natural = [name, ty, key_w, place_w];
        let min = [n_min.min(name), t_min, key_min, place_min];
        let room = inner_w.saturating_sub(fixed);
        let w = shrink_in_order(natural, min, room, floors);
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

/// Shrinks the columns (name, type, key, last) to fit `room`, each no further than its floor:
/// the key's words first, then the name, the type and the last column; when tight, the last
/// column before the type and the name (the name says which row it is).
fn shrink_in_order(natural: [usize; 4], floor: [usize; 4], room: usize, f: Floors) -> [usize; 4] {
    let mut w = natural;
    let order = match f {
        Floors::Roomy => [2, 0, 1, 3],
        Floors::Tight => [2, 3, 1, 0],
    };
    for i in order {
        let over = w.iter().sum::<usize>().saturating_sub(room);
        w[i] -= over.min(w[i].saturating_sub(floor[i]));
    }
    w
}

fn endpoint_head(endpoint: &str, host: &str) -> usize {
    match endpoint.find(host) {
        Some(at) if !host.is_empty() => endpoint[..at + host.len()].chars().count(),
        _ => endpoint.chars().count(),
    }
}

/// `endpoint` in `w` characters: whole, else its first `head` characters (scheme and host)
/// kept and the rest cut in the middle (`contoso.services.ai.azure.com/op…/gpt-4o-mini`); with
/// no room past the host, cut in the middle like any text.
pub fn cut_endpoint(endpoint: &str, head: usize, w: usize) -> String {
    let n = endpoint.chars().count();
    if n <= w || w < head + 3 {
        return crate::textfit::middle(endpoint, w);
    }
    let host: String = endpoint.chars().take(head).collect();
    let path: String = endpoint.chars().skip(head).collect();
    host + &crate::textfit::middle(&path, w - head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_is_cut_in_its_path_and_keeps_its_host() {
        let ep = "contoso.services.ai.azure.com/openai/deployments/gpt-4o-mini";
        let head = endpoint_head(ep, "contoso.services.ai.azure.com");
        assert_eq!(head, 29);
        for w in head + 3..ep.len() {
            let cut = cut_endpoint(ep, head, w);
            assert_eq!(cut.chars().count(), w, "{cut}");
            assert!(cut.starts_with("contoso.services.ai.azure.com/"), "{cut}");
            assert!(cut.ends_with('i') && cut.contains('…'), "{cut}");
        }
        assert_eq!(cut_endpoint(ep, head, 80), ep);
        // No room past the host: a plain middle cut, still the width.
        assert_eq!(cut_endpoint(ep, head, 20).chars().count(), 20);
        let plain = "http://127.0.0.1:8080/v1";
        assert_eq!(endpoint_head(plain, "127.0.0.1"), 16);
    }

    #[test]
    fn shrinking_gives_up_the_key_words_then_names_types_and_hosts_each_to_its_floor() {
        let natural = [63, 20, 31, 42];
        let floor = [20, 13, 9, 16];
        let roomy = |room| shrink_in_order(natural, floor, room, Floors::Roomy);
        assert_eq!(roomy(200), natural);
        assert_eq!(roomy(140), [63, 20, 15, 42]);
        assert_eq!(roomy(67), [20, 13, 9, 25]);
        assert_eq!(roomy(10), floor, "never below the floors");
        let tight = shrink_in_order(natural, [8, 6, 1, 12], 30, Floors::Tight);
        assert_eq!(tight, [11, 6, 1, 12], "the name keeps what is left");
    }
}
