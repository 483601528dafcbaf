//! The terminal runtime: set-up and tear-down, the event loop, signals.

use super::app::{Action, App};
use super::effects::{Msg, worker};
use super::render::draw;
use super::update::update;
use super::watch::FileWatch;
use crate::store::Store;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableFocusChange, EnableBracketedPaste, EnableFocusChange, Event,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use std::sync::mpsc;

pub struct Options {
    pub readonly: bool,
    pub setup: bool,
    pub backend: crate::model::Backend,
}

/// Sends the effects of one update: a passphrase to the worker's question, the rest to the
/// worker's queue.
fn dispatch(
    effects: Vec<super::app::Effect>,
    etx: &mpsc::Sender<super::app::Effect>,
    ptx: &mpsc::Sender<Option<secrecy::SecretString>>,
) {
    for e in effects {
        let _ = match e {
            super::app::Effect::Passphrase(p) => ptx.send(p).map_err(|_| ()),
            e => etx.send(e).map_err(|_| ()),
        };
    }
}

fn location(store: &Store) -> String {
    let p = store.dir().display().to_string();
    match std::env::var("HOME") {
        Ok(h) if !h.is_empty() && p.starts_with(&h) => format!("~{}", &p[h.len()..]),
        _ => p,
    }
}

/// How often the file is looked at for changes made by other programs.
const TICK: std::time::Duration = std::time::Duration::from_secs(1);

/// The file again, when it changed since last seen. Not while an effect is in flight: a save
/// of ours reloads by itself, and reading its result early would look like someone else's
/// change to the form still waiting for the answer.
fn reread(watch: &mut FileWatch, store: &Store, app: &App) -> Option<Action> {
    if app.pending > 0 || !watch.changed() {
        return None;
    }
    let read = store.snapshot().map(|s| s.connections);
    Some(Action::Reloaded(read))
}

/// Terminal events as actions, read on their own thread.
fn spawn_input(tx: mpsc::Sender<Msg>) {
    std::thread::spawn(move || {
        while let Ok(ev) = event::read() {
            let m = match ev {
                Event::Key(k) => Msg::Action(Action::Key(k)),
                Event::Paste(p) => Msg::Action(Action::Paste(p)),
                Event::Resize(w, h) => Msg::Action(Action::Resize(w, h)),
                // Back from another window (where the CLI may have run): look at once.
                Event::FocusGained => Msg::Tick,
                _ => continue,
            };
            if tx.send(m).is_err() {
                break;
            }
        }
    });
}

/// The live-reload clock: one stat of the file a second (the loop sleeps in between).
fn spawn_clock(tx: mpsc::Sender<Msg>) {
    std::thread::spawn(move || {
        while tx.send(Msg::Tick).is_ok() {
            std::thread::sleep(TICK);
        }
    });
}

/// The loop's ends of the channels.
struct Channels<'a> {
    rx: &'a mpsc::Receiver<Msg>,
    etx: &'a mpsc::Sender<super::app::Effect>,
    ptx: &'a mpsc::Sender<Option<secrecy::SecretString>>,
}

/// Blocks until something happens; then takes everything already queued (a burst of resizes
/// or a paste) before the next frame. A tick that found nothing new draws nothing. Returns
/// the signal that ended the program, if one did.
fn wait_and_apply(
    app: &mut App,
    ch: &Channels,
    mut watch: Option<&mut FileWatch>,
    store: &Store,
) -> Option<i32> {
    let mut signal = None;
    let mut changed = false;
    while !changed {
        let Ok(first) = ch.rx.recv() else {
            app.quit = true;
            break;
        };
        let mut batch = vec![first];
        while let Ok(m) = ch.rx.try_recv() {
            batch.push(m);
        }
        for m in batch {
            match m {
                Msg::Signal(sig) => {
                    app.quit = true;
                    signal = Some(sig);
                }
                Msg::Action(a) => dispatch(update(app, a), ch.etx, ch.ptx),
                Msg::Tick => match watch.as_deref_mut().and_then(|w| reread(w, store, app)) {
                    Some(a) => dispatch(update(app, a), ch.etx, ch.ptx),
                    None => continue,
                },
            }
            changed = true;
        }
    }
    signal
}

/// Runs the TUI until the user quits. Returns the process exit status, or what failed (said by
/// the face after the terminal is restored).
pub fn run(store: Store, opts: Options) -> Result<i32, String> {
    // A file that does not parse stops here, before the terminal is touched.
    // The file is read right after the first frame is drawn: a big file (or a slow home
    // directory) never delays the screen.
    let mut app = App::new(Vec::new(), opts.readonly);
    app.screen = super::screen::Screen::Loading;
    app.setup_when_loaded = opts.setup;
    app.secret_backend = opts.backend.clone();
    app.vault_exists = crate::secrets::VaultStore::exists(store.dir());
    app.az_available = crate::azure::az::on_path();
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (tx, rx) = mpsc::channel::<Msg>();
    let (etx, erx) = mpsc::channel();
    let (ptx, prx) = mpsc::channel();
    {
        let store = store.clone();
        let tx = tx.clone();
        // The vault is unlocked in a dialog when a secret is first needed, never before.
        let ask = super::effects::ask_through_ui(tx.clone(), prx);
        let secrets = Box::new(crate::service::secret_backend(
            &store,
            opts.backend.clone(),
            ask.clone(),
        ));
        std::thread::spawn(move || worker(store, secrets, ask, erx, tx));
    }
    {
        let tx = tx.clone();
        let mut signals = signal_hook::iterator::Signals::new([
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
            signal_hook::consts::SIGINT,
        ])
        .map_err(|e| e.to_string())?;
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let _ = tx.send(Msg::Signal(sig));
            }
        });
    }
    let mut terminal = ratatui::try_init().map_err(|e| format!("cannot open the terminal: {e}"))?;
    let _ = execute!(std::io::stdout(), EnableBracketedPaste, EnableFocusChange);
    // ratatui's hook restores raw mode and the screen; bracketed paste and focus reports are
    // ours to undo.
    let restore = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableBracketedPaste, DisableFocusChange);
        restore(info);
    }));
    spawn_input(tx.clone());
    spawn_clock(tx.clone());
    let size = terminal.size().map_err(|e| e.to_string())?;
    app.size = (size.width, size.height);
    let loc = location(&store);
    let mut watch = None;
    let mut status = 0;
    // Said by the face once the screen is back (a line written now would land in a frame).
    let mut failed = None;
    loop {
        let _ = execute!(std::io::stdout(), BeginSynchronizedUpdate);
        let drawn = terminal.draw(|f| draw(f, &app, &loc));
        let _ = execute!(std::io::stdout(), EndSynchronizedUpdate);
        if let Err(e) = drawn {
            failed = Some(format!("drawing failed: {e}"));
            break;
        }
        if app.loading() {
            // The first frame is on screen; now read the file (nothing can be done before).
            // Done here rather than on the worker so the records live in one allocator arena.
            watch = Some(FileWatch::new(store.path()));
            let loaded = store.snapshot().map(|s| s.connections);
            dispatch(update(&mut app, Action::Loaded(loaded)), &etx, &ptx);
            continue;
        }
        let ch = Channels {
            rx: &rx,
            etx: &etx,
            ptx: &ptx,
        };
        if let Some(sig) = wait_and_apply(&mut app, &ch, watch.as_mut(), &store) {
            status = 128 + sig;
        }
        if app.quit {
            break;
        }
    }
    let _ = execute!(std::io::stdout(), DisableBracketedPaste, DisableFocusChange);
    ratatui::restore();
    failed.map_or(Ok(status), Err)
}
