//! Which namespace this config dir's values live under. It is bound to the dir (see
//! `store::dirid`), never read from a file that may have been copied: a copy, a restored
//! backup elsewhere, a hostile file naming another dir's namespace, a hand-written file with no
//! namespace line each get a namespace of their own on first use, so nothing done in one dir
//! can read or delete another dir's values.
//!
//! A file an earlier aiconn wrote keeps its namespace (its values are under it), taken over
//! once: in the keychain, which every dir of the user shares, the dir first leaves a marker
//! (`<namespace>#dir`, holding the dir's path); a second dir whose file names that namespace
//! then finds the marker taken and gets a fresh one. A vault is the dir's own file, so it needs
//! no marker.

use super::OpError;
use crate::model::Backend;
use crate::secrets::{SecretError, SecretErrorKind, SecretKey, SecretStore};
use crate::store::Store;
use crate::store::dirid::{self, DirId, Origin, Place};
use secrecy::{ExposeSecret, SecretString};

fn marker(ns: &str) -> SecretKey {
    SecretKey::from_account(&format!("{ns}#dir"))
}

fn io(store: &Store, e: std::io::Error) -> OpError {
    OpError::Store(crate::store::StoreError::Io {
        path: store.dir().join(dirid::DIR_ID_FILE),
        source: e,
    })
}

fn shared(secrets: &dyn SecretStore) -> bool {
    secrets.backend() == Backend::Keychain
}

/// Whether the keychain marker of `ns` names this dir (leaving it when nobody has).
fn claim(secrets: &dyn SecretStore, ns: &str, here: &Place) -> Result<bool, SecretError> {
    let key = marker(ns);
    match secrets.get(&key)? {
        Some(v) => Ok(v.expose_secret() == here.path),
        None => {
            secrets.set(&key, &SecretString::from(here.path.clone()))?;
            Ok(true)
        }
    }
}

/// The namespace this dir is bound to, if it is bound (no backend is touched).
pub fn bound(store: &Store) -> Option<DirId> {
    dirid::read(store.dir())
}

/// The namespace of this dir, binding one on first use: the earlier file's own when this dir
/// may take it over, else a fresh one.
pub fn bind(store: &Store, secrets: &dyn SecretStore) -> Result<DirId, OpError> {
    if let Some(id) = bound(store) {
        if id.origin == Origin::Adopted && shared(secrets) {
            // A namespace taken over while on the vault, now used in the keychain: the marker
            // must say this dir before anything is written there.
            let here = Place::of(store.dir()).map_err(|e| io(store, e))?;
            if !claim(secrets, &id.namespace, &here)? {
                return Err(OpError::Secret(SecretError::new(
                    SecretErrorKind::Other,
                    format!(
                        "the keychain namespace '{}' of this config dir is claimed by another config dir; remove {} to give this dir a fresh one (its keychain secrets must then be set again)",
                        id.namespace,
                        store.dir().join(dirid::DIR_ID_FILE).display()
                    ),
                )));
            }
        }
        return Ok(id);
    }
    crate::store::ensure_private_dir(store.dir()).map_err(|e| io(store, e))?;
    let here = Place::of(store.dir()).map_err(|e| io(store, e))?;
    let earlier = store
        .file_namespace()?
        .filter(|n| dirid::valid_namespace(n) && !dirid::well_known(n));
    let adopt = match earlier {
        Some(ns) if !shared(secrets) || claim(secrets, &ns, &here)? => Some(ns),
        _ => None,
    };
    // Under the file's lock, so two first uses at once agree on one namespace.
    let tx = store.begin()?;
    if let Some(id) = bound(store) {
        return Ok(id);
    }
    let id = match adopt {
        Some(namespace) => DirId {
            namespace,
            origin: Origin::Adopted,
        },
        None => DirId {
            namespace: dirid::fresh_namespace(),
            origin: Origin::Fresh,
        },
    };
    dirid::write(store.dir(), &id).map_err(|e| io(store, e))?;
    drop(tx);
    Ok(id)
}
