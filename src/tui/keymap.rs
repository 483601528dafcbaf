//! The keymap: which key does what in which context. The hint bar and the help screen are
//! built from this table, so they can never disagree with the real bindings.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    /// Anywhere outside text entry.
    Global,
    List,
    Form,
    /// Typing into a field.
    Editing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Up,
    Down,
    Top,
    Bottom,
    Open,
    Back,
    New,
    Setup,
    Duplicate,
    Rename,
    Delete,
    Save,
    Discard,
    Quit,
    Help,
    Filter,
    Edit,
    NextField,
    PrevField,
    Reveal,
    Test,
    ToggleAdvanced,
    Fix,
    AddConfig,
    AddSecret,
    RemoveRow,
    ToggleSecret,
    Left,
    Right,
    /// End text entry and keep what was typed (never discards: tmux delays Esc).
    Commit,
}

#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
const fn c(ch: char) -> Key {
    Key {
        code: KeyCode::Char(ch),
        mods: KeyModifiers::NONE,
    }
}
const fn ctrl(ch: char) -> Key {
    Key {
        code: KeyCode::Char(ch),
        mods: KeyModifiers::CONTROL,
    }
}

pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static [Key],
    pub cmd: Cmd,
    /// Short label for the hint bar; `None` keeps it out of the bar (still in help).
    pub hint: Option<&'static str>,
    pub help: &'static str,
    pub mutates: bool,
}

macro_rules! b {
    ($ctx:ident, [$($key:expr),+], $cmd:ident, $hint:expr, $help:expr, $mutates:expr) => {
        Binding { ctx: Ctx::$ctx, keys: &[$($key),+], cmd: Cmd::$cmd, hint: $hint, help: $help, mutates: $mutates }
    };
}

#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    b!(List, [k(KeyCode::Up), c('k')], Up, None, "previous connection", false),
    b!(List, [k(KeyCode::Down), c('j')], Down, None, "next connection", false),
    b!(List, [k(KeyCode::Home), c('g')], Top, None, "first connection", false),
    b!(List, [k(KeyCode::End), c('G')], Bottom, None, "last connection", false),
    b!(List, [k(KeyCode::Enter), k(KeyCode::Tab), k(KeyCode::Right), c('l')], Open, Some("open"), "open the selected connection's form", false),
    b!(List, [c('n')], New, Some("new"), "new connection (pick a type)", true),
    b!(List, [c('w')], Setup, None, "guided setup", true),
    b!(List, [c('c')], Duplicate, None, "duplicate the selected connection", true),
    b!(List, [c('R')], Rename, None, "rename the selected connection", true),
    b!(List, [c('d'), k(KeyCode::Delete)], Delete, Some("delete"), "delete the selected connection (asks first)", true),
    b!(List, [c('/')], Filter, Some("filter"), "filter the list (Enter keeps, Esc clears)", false),
    b!(Form, [k(KeyCode::Up), c('k'), k(KeyCode::BackTab)], PrevField, None, "previous field", false),
    b!(Form, [k(KeyCode::Down), c('j'), k(KeyCode::Tab)], NextField, None, "next field", false),
    b!(Form, [k(KeyCode::Enter), c('e'), c('i')], Edit, Some("edit"), "edit the field (enum: next value)", true),
    b!(Form, [k(KeyCode::Left), c('h'), k(KeyCode::Esc)], Back, Some("back"), "back to the list (keeps your edits)", false),
    b!(Form, [c('r')], Reveal, Some("reveal"), "show or hide a secret (loads it from the keychain)", false),
    b!(Form, [c('t')], Test, Some("test"), "test the connection against its service", false),
    b!(Form, [c('a')], ToggleAdvanced, None, "show or hide advanced settings", false),
    b!(Form, [c('f')], Fix, None, "apply the endpoint fix (store the normalized base)", true),
    b!(Form, [c('+')], AddConfig, None, "custom: add a config row", true),
    b!(Form, [c('*')], AddSecret, None, "custom: add a secret row", true),
    b!(Form, [c('-')], RemoveRow, None, "custom: remove the row", true),
    b!(Form, [c('m')], ToggleSecret, None, "custom: mark the row secret / not secret", true),
    b!(Form, [c('x')], Discard, None, "discard this connection's changes (asks first)", true),
    b!(Global, [c('s'), ctrl('s')], Save, Some("save"), "save the connection", true),
    b!(Global, [c('?')], Help, Some("help"), "this help", false),
    b!(Global, [c('q'), ctrl('c')], Quit, Some("quit"), "quit (asks when something is unsaved)", false),
    b!(Editing, [k(KeyCode::Enter), k(KeyCode::Tab)], NextField, Some("next"), "keep the text, go to the next field", false),
    b!(Editing, [k(KeyCode::BackTab)], PrevField, None, "keep the text, go to the previous field", false),
    b!(Editing, [k(KeyCode::Up)], PrevField, None, "keep the text, previous field", false),
    b!(Editing, [k(KeyCode::Down)], NextField, None, "keep the text, next field", false),
    b!(Editing, [k(KeyCode::Esc)], Commit, Some("done"), "stop typing (the text is kept)", false),
    b!(Editing, [ctrl('s')], Save, Some("save"), "keep the text and save", true),
    b!(Editing, [ctrl('c')], Quit, None, "quit (asks when something is unsaved)", false),
    b!(Editing, [ctrl('r')], Reveal, Some("reveal"), "show or hide what you type in a secret", false),
];

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    let mods = ev.modifiers - KeyModifiers::SHIFT;
    match (key.code, ev.code) {
        // Letters carry their case; Shift is implied by it.
        (KeyCode::Char(a), KeyCode::Char(b)) => a == b && key.mods == mods,
        (KeyCode::BackTab, KeyCode::BackTab) => true,
        (a, b) => a == b && key.mods == ev.modifiers,
    }
}

/// The command bound to `ev` in `ctx` (context bindings first, then global ones; editing
/// has no global fallback so typed letters stay letters).
pub fn lookup(ctx: Ctx, ev: &KeyEvent) -> Option<Cmd> {
    let find = |c: Ctx| {
        BINDINGS
            .iter()
            .find(|b| b.ctx == c && b.keys.iter().any(|k| matches(k, ev)))
            .map(|b| b.cmd)
    };
    match ctx {
        Ctx::Editing => find(Ctx::Editing),
        other => find(other).or_else(|| find(Ctx::Global)),
    }
}

pub fn key_label(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(ch) => ch.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Delete => "Del".into(),
        other => format!("{other:?}"),
    };
    if key.mods.contains(KeyModifiers::CONTROL) {
        format!("^{}", base.to_uppercase())
    } else {
        base
    }
}

/// `(keys, hint)` pairs for the bar in `ctx`: the context's own, then the global ones.
pub fn hints(ctx: Ctx, readonly: bool) -> Vec<(String, &'static str)> {
    let ctxs: &[Ctx] = if ctx == Ctx::Editing {
        &[Ctx::Editing]
    } else {
        &[ctx, Ctx::Global]
    };
    ctxs.iter()
        .flat_map(|c| BINDINGS.iter().filter(move |b| b.ctx == *c))
        .filter(|b| !(readonly && b.mutates))
        .filter_map(|b| b.hint.map(|h| (key_label(&b.keys[0]), h)))
        .collect()
}
