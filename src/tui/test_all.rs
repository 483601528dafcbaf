//! The worker's side of `T` on the list: the core's `test --all` pool over the connections
//! shown, each result sent to the UI loop as it lands (the status column fills while the rest
//! run), then the end of the run. Nothing is asked but the vault passphrase (once, in the
//! dialog): a key bound for a host aiconn does not recognize is skipped, as `test --all`
//! without --yes does.

use super::app::Action;
use super::effects::Msg;
use crate::conntest::UnknownHosts;
use crate::conntest::all::{DEFAULT_JOBS, run_all};
use crate::model::Connection;
use crate::secrets::SecretStore;
use crate::service::Service;
use crate::store::Store;
use std::sync::mpsc::Sender;

/// Each connection's request gets as long as a single test's.
const TIMEOUT: std::time::Duration =
    std::time::Duration::from_secs(crate::settings::SERVICE_TIMEOUT_SECS);

pub fn run(
    store: &Store,
    secrets: &dyn SecretStore,
    conns: &[Connection],
    tx: &Sender<Msg>,
) -> Action {
    let svc = Service::new(store, secrets);
    let on_done = |r: &crate::conntest::all::Report, done: usize, total: usize| {
        let _ = tx.send(Msg::Action(Action::TestLanded {
            report: r.clone(),
            done,
            total,
        }));
    };
    let reports = run_all(
        &svc,
        conns,
        DEFAULT_JOBS,
        TIMEOUT,
        UnknownHosts::Ask,
        &on_done,
    );
    Action::AllTested { reports }
}
