//! The terminal runtime: set-up and tear-down, the event loop, signals.

use super::app::{Action, App};
use super::effects::{Msg, worker};
use super::render::draw;
use super::update::update;
use crate::secrets::LazyStore;
use crate::store::Store;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
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

/// Runs the TUI until the user quits. Returns the process exit status.
pub fn run(store: Store, opts: Options) -> Result<i32, String> {
    // A file that does not parse stops here, before the terminal is touched.
    // The file is read right after the first frame is drawn: a big file (or a slow home
    // directory) never delays the screen.
    let mut app = App::new(Vec::new(), opts.readonly);
    app.loading = true;
    app.setup_when_loaded = opts.setup;
    app.backend_name = opts.backend.to_string();
    app.vault_exists = crate::secrets::VaultStore::exists(store.dir());
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (tx, rx) = mpsc::channel::<Msg>();
    let (etx, erx) = mpsc::channel();
    let (ptx, prx) = mpsc::channel();
    {
        let store = store.clone();
        let tx = tx.clone();
        // The vault is unlocked in a dialog when a secret is first needed, never before.
        let ask = super::effects::ask_through_ui(tx.clone(), prx);
        let secrets = Box::new(LazyStore::new(
            opts.backend.clone(),
            store.dir(),
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
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    // ratatui's hook restores raw mode and the screen; bracketed paste is ours to undo.
    let restore = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        restore(info);
    }));
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Ok(ev) = event::read() {
                let a = match ev {
                    Event::Key(k) => Action::Key(k),
                    Event::Paste(p) => Action::Paste(p),
                    Event::Resize(w, h) => Action::Resize(w, h),
                    _ => continue,
                };
                if tx.send(Msg::Action(a)).is_err() {
                    break;
                }
            }
        });
    }
    let size = terminal.size().map_err(|e| e.to_string())?;
    app.size = (size.width, size.height);
    let loc = location(&store);
    let mut status = 0;
    loop {
        let _ = execute!(std::io::stdout(), BeginSynchronizedUpdate);
        let drawn = terminal.draw(|f| draw(f, &app, &loc));
        let _ = execute!(std::io::stdout(), EndSynchronizedUpdate);
        if let Err(e) = drawn {
            status = 1;
            eprintln!("aiconn: drawing failed: {e}");
            break;
        }
        if app.loading {
            // The first frame is on screen; now read the file (nothing can be done before).
            // Done here rather than on the worker so the records live in one allocator arena.
            let loaded = store
                .snapshot()
                .map(|s| s.connections)
                .map_err(|e| e.to_string());
            dispatch(update(&mut app, Action::Loaded(loaded)), &etx, &ptx);
            continue;
        }
        // Block until something happens; then take everything already queued (a burst of
        // resizes or a paste) before drawing again.
        let Ok(first) = rx.recv() else { break };
        let mut batch = vec![first];
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        for m in batch {
            match m {
                Msg::Signal(sig) => {
                    app.quit = true;
                    status = 128 + sig;
                }
                Msg::Action(a) => dispatch(update(&mut app, a), &etx, &ptx),
            }
        }
        if app.quit {
            break;
        }
    }
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    Ok(status)
}
