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
    /// Typing into the `/` filter.
    Filter,
    /// A yes/no question.
    Confirm,
    /// The type picker of `n`.
    PickType,
    /// A one-line input (rename, a new row's key, the vault passphrase).
    Input,
    /// The help screen.
    Help,
    /// The status message in full (`^L`).
    Message,
    /// The deployments behind an endpoint (`D` on the form).
    PickDeployment,
    /// Sign in with Azure: the subscription, account and deployment lists.
    AzurePick,
    /// Sign in with Azure: typing the `/` filter of a list.
    AzureFilter,
    /// Guided setup: pasting what the user has (or skipping to the service).
    WizardPaste,
    /// Guided setup: picking the service.
    WizardPick,
    /// Guided setup: typing the name, the endpoint or the key.
    WizardText,
    /// Guided setup: the other settings.
    WizardExtras,
    /// Guided setup: the review.
    WizardReview,
}

impl Ctx {
    /// Only the list and the form fall back to the global bindings.
    fn has_global(self) -> bool {
        matches!(self, Ctx::List | Ctx::Form)
    }

    /// The help screen's heading for the context.
    pub fn title(self) -> &'static str {
        match self {
            Ctx::Global => "Everywhere",
            Ctx::List => "List",
            Ctx::Form => "Form",
            Ctx::Editing => "Typing in a field",
            Ctx::Filter => "Filter (/)",
            Ctx::Confirm => "Questions",
            Ctx::PickType => "Picking a type (n)",
            Ctx::Input => "One-line input (rename, new row, passphrase)",
            Ctx::Help => "This help",
            Ctx::Message => "The whole message (^L)",
            Ctx::PickDeployment => "Picking a deployment (D)",
            Ctx::AzurePick => "Sign in with Azure (a on the type picker)",
            Ctx::AzureFilter => "Sign in with Azure: filter (/)",
            Ctx::WizardPaste => "Guided setup: paste what you have",
            Ctx::WizardPick => "Guided setup: service",
            Ctx::WizardText => "Guided setup: name, endpoint, key",
            Ctx::WizardExtras => "Guided setup: other settings",
            Ctx::WizardReview => "Guided setup: review",
        }
    }

    /// Every context, in the help screen's order.
    pub const ALL: [Ctx; 18] = [
        Ctx::List,
        Ctx::Form,
        Ctx::Editing,
        Ctx::Global,
        Ctx::Filter,
        Ctx::Confirm,
        Ctx::PickType,
        Ctx::Input,
        Ctx::Help,
        Ctx::Message,
        Ctx::PickDeployment,
        Ctx::AzurePick,
        Ctx::AzureFilter,
        Ctx::WizardPaste,
        Ctx::WizardPick,
        Ctx::WizardText,
        Ctx::WizardExtras,
        Ctx::WizardReview,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// Switch a new connection to the type its endpoint belongs to.
    SwitchType,
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
    RemoveRow,
    ToggleSecret,
    Left,
    Right,
    /// End text entry and keep what was typed (never discards: tmux delays Esc).
    Commit,
    /// Take the highlighted choice (a popup's button, a picked type, the input's text).
    Choose,
    /// Close without doing anything.
    Cancel,
    Yes,
    No,
    /// Switch a question's highlighted answer.
    Toggle,
    PageUp,
    PageDown,
    /// Guided setup: the next step.
    Next,
    /// Guided setup, key step: keep secrets in the encrypted vault instead.
    UseVault,
    /// List the deployments behind the endpoint and pick one.
    Deployments,
    /// Empty the text being typed (Ctrl-U, as in a shell).
    ClearText,
    /// Where a secret comes from: kept here, or an env:/cmd: reference.
    SecretSource,
    /// Sign in with Azure and pick a resource (shown when `az` is on PATH).
    SignIn,
    /// Sign in with Azure: a keyless (Microsoft Entra ID) connection for the pick.
    Keyless,
    /// Test every connection shown (the list's `T`).
    TestAll,
    /// Open the status message in full.
    ShowStatus,
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

/// The bar's label of the help key (kept on the bar when the rest does not fit).
pub const HELP_HINT: &str = "help";

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
    // On the bar before the rarer commands: health at a glance is what the list is for.
    b!(List, [c('T')], TestAll, Some("test all"), "test every connection shown (the filter narrows it): the TEST column fills as results land", false),
    b!(List, [c('t')], Test, None, "test the selected connection against its service", false),
    b!(List, [c('d'), k(KeyCode::Delete)], Delete, Some("delete"), "delete the selected connection (asks first)", true),
    b!(List, [c('/')], Filter, Some("filter"), "filter the list (Enter keeps, Esc clears)", false),
    b!(List, [k(KeyCode::Esc)], Cancel, None, "clear a kept filter", false),
    b!(List, [c('s')], Save, Some("save"), "save the selected connection", true),
    b!(List, [c('?')], Help, Some(HELP_HINT), "this help", false),
    b!(List, [c('q')], Quit, Some("quit"), "quit (asks when something is unsaved)", false),
    b!(List, [c('w')], Setup, Some("setup"), "guided setup", true),
    b!(List, [c('c')], Duplicate, Some("copy"), "duplicate the selected connection", true),
    b!(List, [c('R')], Rename, Some("rename"), "rename the selected connection", true),
    // The form has no letter commands: a printable key on a text field types into it
    // (nmtui's model), so a value is never taken for commands.
    b!(Form, [k(KeyCode::Up), k(KeyCode::BackTab)], PrevField, None, "previous field", false),
    b!(Form, [k(KeyCode::Down), k(KeyCode::Tab)], NextField, None, "next field", false),
    b!(Form, [k(KeyCode::Enter)], Edit, Some("edit"), "edit the field (typing a character also starts; a choice: next value)", true),
    b!(Form, [k(KeyCode::Left)], Left, None, "a choice: previous value (elsewhere: back to the list)", false),
    b!(Form, [k(KeyCode::Right)], Right, None, "a choice: next value", false),
    b!(Form, [k(KeyCode::Esc)], Back, Some("back"), "back to the list (keeps your edits)", false),
    b!(Form, [ctrl('r')], Reveal, Some("reveal"), "show or hide a secret (loads it from the keychain)", false),
    b!(Form, [ctrl('t')], Test, Some("test"), "test the connection against its service", false),
    b!(Form, [ctrl('f')], Fix, Some("fix"), "apply the endpoint fix (store the normalized base)", true),
    b!(Form, [ctrl('d')], Deployments, Some("deployments"), "list the deployments behind the endpoint, pick one", false),
    b!(Form, [ctrl('e')], SecretSource, Some("source"), "read a secret from env:NAME or cmd:COMMAND", true),
    b!(Form, [ctrl('o')], ToggleAdvanced, None, "show or hide advanced settings (or Enter on its row)", false),
    b!(Form, [ctrl('y')], SwitchType, None, "a new connection whose endpoint is another type's: switch to that type", true),
    b!(Form, [ctrl('x')], Discard, None, "discard this connection's changes (asks first)", true),
    b!(Form, [ctrl('k')], RemoveRow, None, "custom: remove the row (add rows with Enter on + add)", true),
    b!(Form, [ctrl('p')], ToggleSecret, None, "custom: mark the row secret / not secret", true),
    b!(Global, [ctrl('s')], Save, Some("save"), "save the connection", true),
    b!(Global, [ctrl('g')], Help, Some(HELP_HINT), "this help", false),
    b!(Global, [ctrl('c')], Quit, Some("quit"), "quit (asks when something is unsaved)", false),
    b!(Global, [ctrl('l')], ShowStatus, Some("whole message"), "show the status message in full (when it does not fit)", false),
    b!(Editing, [k(KeyCode::Enter), k(KeyCode::Tab)], NextField, Some("next"), "keep the text, go to the next field", false),
    b!(Editing, [k(KeyCode::BackTab)], PrevField, None, "keep the text, go to the previous field", false),
    b!(Editing, [k(KeyCode::Up)], PrevField, None, "keep the text, previous field", false),
    b!(Editing, [k(KeyCode::Down)], NextField, None, "keep the text, next field", false),
    b!(Editing, [k(KeyCode::Esc)], Commit, Some("done"), "stop typing (the text is kept)", false),
    b!(Editing, [ctrl('s')], Save, Some("save"), "keep the text and save", true),
    b!(Editing, [ctrl('f')], Fix, None, "keep the text and apply the endpoint fix the hint offers", true),
    b!(Editing, [ctrl('c')], Quit, None, "quit (asks when something is unsaved)", false),
    b!(Editing, [ctrl('r')], Reveal, Some("reveal"), "show or hide what you type in a secret", false),
    b!(Editing, [ctrl('u')], ClearText, None, "clear the field's text", false),
    b!(Filter, [k(KeyCode::Enter)], Commit, Some("keep filter"), "keep the filter and go back to the list", false),
    b!(Filter, [k(KeyCode::Esc)], Cancel, Some("clear"), "clear the filter", false),
    b!(Filter, [ctrl('u')], ClearText, None, "clear the filter's text (keep typing)", false),
    b!(Filter, [ctrl('c')], Quit, None, "quit (asks when something is unsaved)", false),
    b!(Confirm, [k(KeyCode::Enter)], Choose, Some("choose"), "take the highlighted answer (No is preselected)", false),
    b!(Confirm, [k(KeyCode::Esc), c('n')], No, Some("cancel"), "no", false),
    b!(Confirm, [c('y')], Yes, None, "yes", false),
    b!(Confirm, [k(KeyCode::Left), k(KeyCode::Right), k(KeyCode::Tab), k(KeyCode::BackTab), c('h'), c('l')], Toggle, None, "switch between No and Yes", false),
    b!(PickType, [k(KeyCode::Up), c('k')], Up, None, "previous type", false),
    b!(PickType, [k(KeyCode::Down), c('j')], Down, None, "next type", false),
    b!(PickType, [k(KeyCode::Home), c('g')], Top, None, "first type", false),
    b!(PickType, [k(KeyCode::End), c('G')], Bottom, None, "last type", false),
    b!(PickType, [k(KeyCode::Enter)], Choose, Some("choose"), "create a connection of this type", false),
    b!(PickType, [c('a')], SignIn, Some("sign in with Azure"), "sign in with Azure (az) and pick a resource", false),
    b!(PickType, [k(KeyCode::Esc)], Cancel, Some("cancel"), "close", false),
    b!(Input, [k(KeyCode::Enter)], Choose, Some("choose"), "take what was typed", false),
    b!(Input, [k(KeyCode::Esc)], Cancel, Some("cancel"), "close without changing anything", false),
    b!(Input, [ctrl('u')], ClearText, None, "clear what was typed", false),
    b!(Input, [ctrl('c')], Quit, None, "quit (asks when something is unsaved)", false),
    b!(PickDeployment, [k(KeyCode::Up), c('k')], Up, None, "previous deployment", false),
    b!(PickDeployment, [k(KeyCode::Down), c('j')], Down, None, "next deployment", false),
    b!(PickDeployment, [k(KeyCode::Enter)], Choose, Some("choose"), "use it (a deployment URL gets its name)", false),
    b!(PickDeployment, [k(KeyCode::Esc)], Cancel, Some("cancel"), "close", false),
    b!(AzurePick, [k(KeyCode::Up), c('k')], Up, None, "previous row", false),
    b!(AzurePick, [k(KeyCode::Down), c('j')], Down, None, "next row", false),
    b!(AzurePick, [k(KeyCode::Home), c('g')], Top, None, "first row", false),
    b!(AzurePick, [k(KeyCode::End), c('G')], Bottom, None, "last row", false),
    b!(AzurePick, [k(KeyCode::Enter)], Choose, Some("choose"), "take this subscription, resource or deployment", false),
    b!(AzurePick, [c('/')], Filter, Some("filter"), "filter the list (Enter keeps, Esc clears)", false),
    b!(AzurePick, [c('e')], Keyless, Some("keyless"), "deployments: a keyless (Microsoft Entra ID) connection for this row", false),
    b!(AzurePick, [k(KeyCode::Esc)], Back, Some("back"), "the previous list (the first one: close)", false),
    b!(AzurePick, [ctrl('c')], Quit, None, "quit (asks when something is unsaved)", false),
    b!(AzureFilter, [k(KeyCode::Enter)], Commit, Some("keep filter"), "keep the filter, back to the list", false),
    b!(AzureFilter, [k(KeyCode::Esc)], Cancel, Some("clear"), "clear the filter", false),
    b!(AzureFilter, [ctrl('u')], ClearText, None, "clear the filter's text", false),
    b!(Help, [k(KeyCode::Up), c('k')], Up, Some("scroll"), "scroll up", false),
    b!(Help, [k(KeyCode::Down), c('j')], Down, None, "scroll down", false),
    b!(Help, [k(KeyCode::PageDown), c(' ')], PageDown, None, "a page down", false),
    b!(Help, [k(KeyCode::PageUp)], PageUp, None, "a page up", false),
    b!(Help, [k(KeyCode::Esc), c('?'), c('q'), k(KeyCode::Enter)], Cancel, Some("close"), "close the help", false),
    b!(Message, [k(KeyCode::Up), c('k')], Up, Some("scroll"), "scroll up", false),
    b!(Message, [k(KeyCode::Down), c('j')], Down, None, "scroll down", false),
    b!(Message, [k(KeyCode::Esc), k(KeyCode::Enter), c('q'), ctrl('l')], Cancel, Some("close"), "close", false),
    b!(WizardPaste, [k(KeyCode::Enter), k(KeyCode::Tab)], Next, Some("read it · empty: pick the service"), "read what was typed; with nothing typed, pick the service from a list", false),
    b!(WizardPaste, [k(KeyCode::Esc)], Back, Some("leave"), "leave the guided setup (asks if anything was typed)", false),
    b!(WizardPaste, [ctrl('u')], ClearText, None, "clear what was typed", false),
    b!(WizardPaste, [ctrl('c')], Quit, Some("quit"), "quit", false),
    b!(WizardPick, [k(KeyCode::Up), c('k')], Up, None, "previous service", false),
    b!(WizardPick, [k(KeyCode::Down), c('j')], Down, None, "next service", false),
    b!(WizardPick, [k(KeyCode::Enter), k(KeyCode::Tab)], Next, Some("next"), "take this service, go on", false),
    b!(WizardPick, [c('a')], SignIn, Some("sign in with Azure"), "sign in with Azure (az) and pick a resource", false),
    b!(WizardPick, [k(KeyCode::Esc)], Back, Some("back"), "leave the guided setup (asks if anything was typed)", false),
    b!(WizardPick, [ctrl('c')], Quit, Some("quit"), "quit", false),
    b!(WizardText, [k(KeyCode::Enter), k(KeyCode::Tab)], Next, Some("next"), "go on (a pasted Target URI: Enter stores its base first)", false),
    b!(WizardText, [k(KeyCode::Esc), k(KeyCode::BackTab)], Back, Some("back"), "the previous step (what was typed is kept)", false),
    b!(WizardText, [ctrl('u')], ClearText, None, "clear the step's text", false),
    b!(WizardText, [ctrl('v')], UseVault, Some("use the vault"), "key step, no keychain: keep secrets in the vault", false),
    b!(WizardText, [ctrl('c')], Quit, Some("quit"), "quit", false),
    b!(WizardExtras, [k(KeyCode::Up)], Up, None, "previous setting", false),
    b!(WizardExtras, [k(KeyCode::Down)], Down, None, "next setting", false),
    b!(WizardExtras, [k(KeyCode::Left)], Left, None, "previous choice", false),
    b!(WizardExtras, [k(KeyCode::Right)], Right, None, "next choice", false),
    b!(WizardExtras, [ctrl('u')], ClearText, None, "clear the setting's text", false),
    b!(WizardExtras, [k(KeyCode::Enter), k(KeyCode::Tab)], Next, Some("next"), "next setting, then the review", false),
    b!(WizardExtras, [k(KeyCode::Esc), k(KeyCode::BackTab)], Back, Some("back"), "the previous step", false),
    b!(WizardExtras, [ctrl('c')], Quit, Some("quit"), "quit", false),
    b!(WizardReview, [k(KeyCode::Left), k(KeyCode::BackTab)], Left, None, "previous button", false),
    b!(WizardReview, [k(KeyCode::Right), k(KeyCode::Tab)], Right, None, "next button", false),
    b!(WizardReview, [k(KeyCode::Enter)], Choose, Some("choose"), "take the highlighted button", false),
    b!(WizardReview, [c('s')], Save, Some("save"), "save now", false),
    b!(WizardReview, [c('e')], Edit, None, "open it in the editor, unsaved", false),
    b!(WizardReview, [c('t')], Test, Some("test"), "test the connection", false),
    b!(WizardReview, [c('D')], Deployments, None, "list the deployments behind the endpoint, pick one", false),
    b!(WizardReview, [k(KeyCode::Esc)], Back, Some("back"), "the previous step", false),
    b!(WizardReview, [ctrl('c')], Quit, Some("quit"), "quit", false),
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
    if ctx.has_global() {
        find(ctx).or_else(|| find(Ctx::Global))
    } else {
        find(ctx)
    }
}

/// The label of the first key bound to `cmd` in `ctx` (or globally), for sentences that name
/// a key: they follow the table instead of repeating it.
pub fn label(ctx: Ctx, cmd: Cmd) -> String {
    BINDINGS
        .iter()
        .find(|b| b.cmd == cmd && (b.ctx == ctx || (ctx.has_global() && b.ctx == Ctx::Global)))
        .map(|b| key_label(&b.keys[0]))
        .unwrap_or_default()
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
    hints_where(ctx, readonly, |_| true)
}

/// The bar's pairs for the commands `shown` keeps (one that does nothing here is left out).
pub fn hints_where(
    ctx: Ctx,
    readonly: bool,
    shown: impl Fn(Cmd) -> bool,
) -> Vec<(String, &'static str)> {
    let with_global = [ctx, Ctx::Global];
    let ctxs: &[Ctx] = if ctx.has_global() {
        &with_global
    } else {
        std::slice::from_ref(&ctx)
    };
    let mut seen: Vec<Cmd> = Vec::new();
    let mut out = Vec::new();
    // A global binding the context already binds itself (`s` and ^S on the list) is shown once.
    for b in ctxs
        .iter()
        .flat_map(|c| BINDINGS.iter().filter(move |b| b.ctx == *c))
    {
        if (readonly && b.mutates) || seen.contains(&b.cmd) || !shown(b.cmd) {
            continue;
        }
        seen.push(b.cmd);
        if let Some(h) = b.hint {
            out.push((key_label(&b.keys[0]), h));
        }
    }
    out
}
