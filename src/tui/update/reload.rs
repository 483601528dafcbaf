//! Live reload: the file changed on disk (the CLI, an editor, another aiconn). The list follows
//! it; open forms are merged as a save merges: a form without edits shows the new version, a
//! form with edits keeps them and says what happened on disk.

use super::super::app::*;
use super::super::form::Form;
use super::super::strings as s;
use crate::model::Connection;

pub(super) fn reloaded(
    app: &mut App,
    result: Result<Vec<Connection>, crate::store::StoreError>,
) -> Vec<Effect> {
    let stored = match result {
        Ok(stored) => stored,
        // Half-edited by hand, say: keep showing what was read last, say why it is not updated.
        Err(e) => {
            app.set_status(Level::Error, s::reload_failed(&e));
            return vec![];
        }
    };
    if app.fatal().is_some() {
        // The file that could not be read at start was fixed: start over as a fresh load.
        return super::step(app, Action::Loaded(Ok(stored)));
    }
    if stored == app.stored {
        return vec![];
    }
    let mut notes = Vec::new();
    for (id, f) in std::mem::take(&mut app.drafts) {
        let EntryId::Stored(name) = &id else {
            app.drafts.push((id, f));
            continue;
        };
        let now = stored.iter().find(|c| &c.name == name);
        match (now, f.is_dirty()) {
            (Some(c), _) if f.base.as_ref() == Some(c) => app.drafts.push((id, f)),
            // Nothing typed: the form simply shows the new version, where the user was.
            (Some(c), false) => {
                let mut nf = Form::from_connection(c);
                nf.show_advanced = f.show_advanced;
                nf.focus = f.focus.min(nf.rows().len() - 1);
                app.drafts.push((id, nf));
            }
            // The user's edits win on screen; the save will refuse to overwrite blindly.
            (Some(_), true) => {
                notes.push(s::changed_on_disk(name));
                app.drafts.push((id, f));
            }
            (None, false) => {}
            // Deleted on disk: what was typed becomes a new connection, so nothing is lost.
            (None, true) => {
                let mut f = f;
                f.orphan();
                let nid = EntryId::New(app.next_new);
                app.next_new += 1;
                if app.selected.as_ref() == Some(&id) {
                    app.selected = Some(nid.clone());
                }
                notes.push(s::deleted_on_disk(name));
                app.drafts.push((nid, f));
            }
        }
    }
    app.set_stored(stored);
    let before = app.selected.clone();
    app.fix_selection();
    if app.selected != before {
        app.set_focus(Focus::List);
        app.set_editing(false);
    }
    if let Some(n) = notes.into_iter().next() {
        app.set_status(Level::Error, n);
    }
    vec![]
}
