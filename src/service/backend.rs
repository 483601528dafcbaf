//! The secret backend a face works with, bound to the connections file it serves: the vault
//! is refused when its file is lost while the connections file records vault secrets (the
//! secret layer says so; what the file records is read here, never by the secret layer).

use crate::model::Backend;
use crate::secrets::{AskPassphrase, LazyStore, VaultRecords};
use crate::store::Store;

/// How many vault secrets `store`'s file records, and in how many connections (nothing when
/// the file cannot be read).
pub fn vault_records(store: &Store) -> VaultRecords {
    let Ok(snap) = store.snapshot() else {
        return VaultRecords::default();
    };
    let mut out = VaultRecords::default();
    for c in snap.connections() {
        let n = c
            .secrets
            .values()
            .filter(|r| r.backend() == Some(&Backend::Vault))
            .count();
        out.secrets += n;
        out.connections += usize::from(n > 0);
    }
    out
}

/// `backend` for `store`'s config dir, opened on first use (a vault asks through `ask`); the
/// file is counted only if the vault's file turns out missing or empty.
pub fn secret_backend(store: &Store, backend: Backend, ask: AskPassphrase) -> LazyStore {
    let file = store.clone();
    LazyStore::new(
        backend,
        store.dir(),
        ask,
        std::sync::Arc::new(move || vault_records(&file)),
    )
}
