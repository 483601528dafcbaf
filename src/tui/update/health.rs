//! Test results into the health book: `t` and `T` on the list, Ctrl-T's answer, `T`'s results
//! as they land, and the moves a save or a rename makes (a result follows its connection).

use super::super::app::*;
use super::super::health::Basis;
use super::super::strings as s;
use crate::conntest::all::{Health, Report};
use indexmap::IndexMap;

/// Every test effect records what it is sent with, whichever key started it.
pub(super) fn note_sent(app: &mut App, effects: &[Effect]) {
    for e in effects {
        match e {
            Effect::Test {
                target: TestTarget::Entry(id),
                conn,
                secrets,
                ..
            } => app.health.sent(id.clone(), Basis::of(conn, secrets)),
            Effect::Test {
                target: TestTarget::Wizard,
                conn,
                secrets,
                ..
            } => app.health.setup_sent(Basis::of(conn, secrets)),
            Effect::TestAll { conns } => {
                for c in conns {
                    let id = EntryId::Stored(c.name.clone());
                    app.health.sent(id, Basis::of(c, &IndexMap::new()));
                }
            }
            _ => {}
        }
    }
}

/// `T`: the stored connections the list shows (the filter narrows them), as saved.
pub(super) fn test_all(app: &mut App) -> Vec<Effect> {
    if app.health.progress.is_some() {
        app.set_status(Level::Info, s::TEST_ALL_RUNNING);
        return vec![];
    }
    let conns: Vec<_> = app
        .entries()
        .iter()
        .filter_map(|id| match id {
            EntryId::Stored(n) => app.stored_conn(n).cloned(),
            EntryId::New(_) => None,
        })
        .collect();
    if conns.is_empty() {
        app.set_status(Level::Info, s::NOTHING_TO_TEST);
        return vec![];
    }
    app.health.progress = Some((0, conns.len()));
    vec![Effect::TestAll { conns }]
}

/// A single test's answer (Ctrl-T, `t`).
pub(super) fn tested(app: &mut App, target: &TestTarget, ok: bool, message: &str) {
    let health = if ok { Health::Ok } else { Health::Failed };
    match target {
        TestTarget::Entry(id) => app.health.landed(id.clone(), health, message.to_string()),
        TestTarget::Wizard => app.health.setup_landed(health, message.to_string()),
    }
}

/// One of `T`'s results.
pub(super) fn landed(app: &mut App, report: Report, done: usize, total: usize) {
    app.health.progress = Some((done, total));
    app.health
        .landed(EntryId::Stored(report.name), report.verdict, report.message);
}

/// `T` is over: anything not landed yet lands now; the tally goes to the status line.
pub(super) fn all_tested(app: &mut App, reports: Vec<Report>) {
    app.health.progress = None;
    let count = |h: Health| reports.iter().filter(|r| r.verdict == h).count();
    let (ok, failed, skipped) = (
        count(Health::Ok),
        count(Health::Failed),
        count(Health::Skipped),
    );
    let level = if failed > 0 {
        Level::Error
    } else {
        Level::Info
    };
    app.set_status(level, s::tested_all(reports.len(), ok, failed, skipped));
    for r in reports {
        app.health
            .landed(EntryId::Stored(r.name), r.verdict, r.message);
    }
}

/// A save of `id` stored `name`: its result follows, still fresh when it was of what was saved.
/// Call before the draft is dropped (`from`) and after the stored list is replaced (`to`).
pub(super) fn saved(app: &mut App, id: &EntryId, from: Option<Basis>, name: &str) {
    let to = EntryId::Stored(name.to_string());
    if let Some(now) = super::super::health::current_basis(app, &to) {
        app.health.moved(id, from.as_ref(), to, now);
    }
}

/// The guided setup became the list entry `id`: a test on its review follows it.
pub(super) fn adopt_setup(app: &mut App, id: &EntryId) {
    let now = app.draft(id).map(Basis::of_form);
    app.health.adopt_setup(id.clone(), now.as_ref());
}
