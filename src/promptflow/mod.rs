//! prompt flow's connection files: import (YAML and .env) and export (YAML that
//! `pf connection create -f` accepts unchanged).

mod export;
mod import;
mod placeholder;

pub use export::{export_yaml, SecretStyle};
pub use import::{apply_set, import_dotenv, import_yaml, Imported, ImportError};
pub use placeholder::{is_placeholder, is_scrubbed, SecretInput};
