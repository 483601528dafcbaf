//! The terminal UI: a state machine (`update`), rendering that only reads the state, and a
//! runtime that runs effects off the UI loop.
// TODO(issue 20): the TUI still has `expect`s (28: update/form_keys.rs, update/wizard.rs,
// update/typing.rs, wizard.rs, render/wizard.rs, form.rs, app.rs, update/popup.rs); its owner
// turns them into errors and removes this.
#![allow(clippy::expect_used)]

pub mod app;
pub mod azure_pick;
pub mod bar;
pub mod effects;
pub mod filter;
pub mod form;
pub mod health;
pub mod keymap;
pub mod popup;
pub mod render;
pub mod run;
pub mod screen;
pub mod strings;
pub mod test_all;
pub mod update;
pub mod watch;
pub mod wizard;
