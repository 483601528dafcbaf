//! The popups that lie over the list, the form or the guided setup: one at a time, each with
//! what it needs to finish (the input it types into, the choices it offers).

use super::app::{Confirm, TestTarget};
use ratatui_textarea::TextArea;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputFor {
    Rename(String),
    AddKv {
        secret: bool,
    },
    /// A secret field's reference (`env:NAME` / `cmd:COMMAND`; empty keeps the value here).
    SecretSource {
        field: String,
    },
    /// The vault passphrase the worker is waiting for; `first` holds the first entry of a new
    /// vault's passphrase while it is typed again.
    VaultPassphrase {
        create: bool,
        first: Option<String>,
    },
}

#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one popup at a time; boxing buys nothing
pub enum Popup {
    Confirm {
        what: Confirm,
        yes: bool,
    },
    PickType {
        cursor: usize,
    },
    Input {
        for_: InputFor,
        input: TextArea<'static>,
        error: Option<String>,
    },
    Help {
        scroll: u16,
    },
    /// The status message in full (`^L`), when the status line cannot hold it.
    Message {
        scroll: u16,
    },
    /// Sign in with Azure: subscription, account, deployment pickers.
    Azure(Box<super::azure_pick::AzurePick>),
    /// The deployments behind the form's endpoint (`D`), to pick one.
    PickDeployment {
        target: TestTarget,
        items: Vec<crate::conntest::deployments::Deployment>,
        cursor: usize,
    },
}
