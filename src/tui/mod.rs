//! The terminal UI: a state machine (`update`), rendering that only reads the state, and a
//! runtime that runs effects off the UI loop.

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
