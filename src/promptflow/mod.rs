//! prompt flow's connection files: import (YAML and .env) and export (YAML that
//! `pf connection create -f` accepts unchanged).

mod env_names;
mod export;
mod import;
mod placeholder;
mod shape;

pub use env_names::{env_name, env_reference, referenced_var};
pub use export::{azure_ai_as_pf, export_yaml, pf_values};
pub use import::{ImportError, Imported, MAX_IMPORT_BYTES, apply_set, import_dotenv, import_yaml};
pub use placeholder::{SecretInput, is_placeholder, is_scrubbed};
pub use shape::{MASK, PfShape, PfValue, Reveal, SecretStyle, file_shape, show_shape};
