//! The vault's key: an age X25519 identity kept in `secrets.key.age`, itself encrypted with the
//! passphrase (scrypt). `secrets.age` is encrypted to that identity's public key, so a write
//! needs no key derivation at all and an open needs one (to read this file), and
//! `age -d -i secrets.key.age secrets.age` still recovers everything with the age tool alone
//! (age asks for the key file's passphrase): age's own pattern for a passphrase-protected key.

use super::error::{SecretError, SecretErrorKind};
use age::x25519::Identity;
use secrecy::{ExposeSecret, SecretString};
use std::io::{Read, Write};
use std::path::Path;
use zeroize::Zeroizing;

pub const KEY_FILE: &str = "secrets.key.age";

/// scrypt work factor of the key file: age's own default (the reference implementation's),
/// 2^18 rounds x 1 KiB = 256 MiB of memory and about half a second, the same on every machine
/// (a factor calibrated per machine made the memory unpredictable: 2^20 is 1 GiB).
pub const DEFAULT_WORK_FACTOR: u8 = 18;

/// Highest work factor accepted when reading (vaults written by earlier versions were
/// calibrated per machine).
pub const MAX_READ_WORK_FACTOR: u8 = 22;

fn err(kind: SecretErrorKind, msg: impl Into<String>) -> SecretError {
    SecretError::new(kind, msg)
}

/// `AICONN_VAULT_WORK_FACTOR` (10..=22) overrides the pinned default, e.g. for tests.
pub fn work_factor() -> u8 {
    crate::settings::get().vault_work_factor
}

/// Decrypts an age file encrypted with `passphrase` (one key derivation).
pub fn decrypt_with_passphrase(
    bytes: &[u8],
    passphrase: &SecretString,
    what: &Path,
) -> Result<Zeroizing<Vec<u8>>, SecretError> {
    let d = age::Decryptor::new_buffered(bytes).map_err(|e| {
        err(
            SecretErrorKind::VaultCorrupt,
            format!(
                "{} is not a readable age file ({e}); it was left untouched",
                what.display()
            ),
        )
    })?;
    let mut identity = age::scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(MAX_READ_WORK_FACTOR);
    crate::testhook::note("kdf");
    let reader = d
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => err(
                SecretErrorKind::VaultLocked,
                "wrong vault passphrase (the vault was not changed)",
            ),
            other => err(
                SecretErrorKind::VaultCorrupt,
                format!(
                    "{} cannot be decrypted ({other}); it was left untouched",
                    what.display()
                ),
            ),
        })?;
    read_all(reader, what)
}

pub fn read_all(mut reader: impl Read, what: &Path) -> Result<Zeroizing<Vec<u8>>, SecretError> {
    let mut plain = Zeroizing::new(Vec::new());
    reader.read_to_end(&mut plain).map_err(|e| {
        err(
            SecretErrorKind::VaultCorrupt,
            format!("{} is damaged ({e}); it was left untouched", what.display()),
        )
    })?;
    Ok(plain)
}

/// Encrypts `plain` to `recipient` (no key derivation for an X25519 recipient).
pub fn encrypt(plain: &[u8], recipient: &dyn age::Recipient) -> Result<Vec<u8>, SecretError> {
    let other = |e: String| err(SecretErrorKind::Other, format!("cannot encrypt: {e}"));
    let enc = age::Encryptor::with_recipients(std::iter::once(recipient))
        .map_err(|e| other(e.to_string()))?;
    let mut out = Vec::new();
    let mut w = enc
        .wrap_output(&mut out)
        .map_err(|e| other(e.to_string()))?;
    w.write_all(plain)
        .and_then(|_| w.finish().map(|_| ()))
        .map_err(|e| other(e.to_string()))?;
    Ok(out)
}

/// The identity in the key file at `path`, unlocked with `passphrase` (one key derivation);
/// `None` when there is no key file.
pub fn read(path: &Path, passphrase: &SecretString) -> Result<Option<Identity>, SecretError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(err(
                SecretErrorKind::Other,
                format!("{}: {e}", path.display()),
            ));
        }
    };
    let plain = decrypt_with_passphrase(&bytes, passphrase, path)?;
    let text = std::str::from_utf8(&plain).unwrap_or("");
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .and_then(|l| l.parse::<Identity>().ok())
        .map(Some)
        .ok_or_else(|| {
            err(
                SecretErrorKind::VaultCorrupt,
                format!(
                    "{} decrypts but holds no age key; it was left untouched",
                    path.display()
                ),
            )
        })
}

/// Writes `identity` to the key file at `path`, encrypted with `passphrase` (one key
/// derivation), atomically and private. The text is an ordinary age identity file.
pub fn write(
    path: &Path,
    identity: &Identity,
    passphrase: &SecretString,
) -> Result<(), SecretError> {
    let text = Zeroizing::new(format!(
        "# aiconn vault key: secrets.age is encrypted to it.\n# Recover with: age -d -i {KEY_FILE} secrets.age\n# public key: {}\n{}\n",
        identity.to_public(),
        identity.to_string().expose_secret()
    ));
    let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
    recipient.set_work_factor(work_factor());
    crate::testhook::note("kdf");
    let bytes = encrypt(text.as_bytes(), &recipient)?;
    crate::fsio::write_atomic(path, &bytes)
        .map_err(|e| err(SecretErrorKind::Other, format!("{}: {e}", path.display())))
}

/// The identity as cached text (`AGE-SECRET-KEY-1...`), and back.
pub fn to_text(identity: &Identity) -> SecretString {
    identity.to_string()
}

pub fn from_text(text: &SecretString) -> Option<Identity> {
    text.expose_secret().trim().parse().ok()
}
