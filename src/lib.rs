//! aiconn: the connections AI apps use (endpoint, key, per-type settings), kept in a TOML
//! file with secrets in the OS keychain, edited from a TUI or a CLI.
//!
//! The core (catalogue, model, store, secrets, endpoint classifier, prompt flow formats) has
//! no terminal code; `cli` and `tui` are two faces over it.

// No function over 100 lines (clippy.toml) in src/: split, not grown.
#![warn(clippy::too_many_lines)]

pub mod azure;
pub mod catalogue;
pub mod cli;
pub mod clients;
pub mod conntest;
pub mod draft;
pub mod endpoint;
pub mod fsio;
pub mod harden;
pub mod model;
pub mod net;
pub mod pool;
pub mod promptflow;
pub mod runenv;
pub mod sanitize;
pub mod secrets;
pub mod service;
pub mod settings;
pub mod store;
pub mod testhook;
pub mod textfit;
pub mod tui;
