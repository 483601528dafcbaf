//! kill -9 at random moments over randomized saves (create with three secrets, update, rename,
//! delete) against the real Secret Service and the vault. After every round each connection's
//! secrets and fields agree (no torn connection: all three secrets and the `round` config come
//! from the same save); after one `aiconn doctor --fix` the backend holds exactly the values the
//! file points at (0 orphans). The seed is printed; `AICONN_CRASH_SEED` replays a run and
//! `AICONN_CRASH_ROUNDS` sets the rounds per backend.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const PASS: &str = "crash-test passphrase";
const NAMES: [&str; 3] = ["c0", "c1", "c2"];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64: reproducible from the printed seed
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Backend {
    Keychain,
    Vault,
}

fn base(dir: &Path, backend: Backend) -> Command {
    let mut c = aiconn(dir);
    if backend == Backend::Vault {
        let pass = dir.join("../pass");
        c.env("AICONN_SECRET_BACKEND", "vault")
            .env("AICONN_VAULT_PASSPHRASE_FILE", pass)
            .env("AICONN_VAULT_WORK_FACTOR", "10")
            .env("AICONN_VAULT_CACHE_SECONDS", "0");
    }
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

fn names_in_file(dir: &Path, backend: Backend) -> Vec<String> {
    let mut c = base(dir, backend);
    c.args(["list", "--json"]);
    let o = run(c);
    assert_eq!(o.code, 0, "the file must always parse: {}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

/// Every connection's three secrets and its `round` config come from one save.
fn check_consistent(dir: &Path, backend: Backend, round: usize) -> usize {
    let names = names_in_file(dir, backend);
    if names.is_empty() {
        return 0;
    }
    let mut c = base(dir, backend);
    c.args(["env", "--prefix", "--format", "json"]).args(&names);
    let o = run(c);
    assert_eq!(
        o.code, 0,
        "round {round}: a connection's secret cannot be read (torn): {}",
        o.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    for n in &names {
        let up = n.to_uppercase();
        let r = v[format!("{up}_ROUND")].as_str().unwrap_or("?").to_string();
        for s in ["S1", "S2", "S3"] {
            let got = v[format!("{up}_{s}")].as_str().unwrap_or("");
            assert_eq!(
                got,
                format!("fake-{r}-{s}"),
                "round {round}: torn connection {n}: round {r} with a secret from another save"
            );
        }
    }
    names.len()
}

/// The accounts the backend holds under this config dir's namespace.
fn stored_accounts(dir: &Path, backend: Backend, ns: &str) -> BTreeSet<String> {
    match backend {
        Backend::Keychain => keychain_accounts(&format!("{ns}/")).into_iter().collect(),
        Backend::Vault => {
            use std::io::Read;
            let bytes = std::fs::read(dir.join("secrets.age")).unwrap_or_default();
            if bytes.is_empty() {
                return BTreeSet::new();
            }
            // As `age -d -i secrets.key.age secrets.age` reads it: the key file with the
            // passphrase, then the vault with the key.
            let key = std::fs::read(dir.join("secrets.key.age")).unwrap();
            let pass = age::scrypt::Identity::new(PASS.to_string().into());
            let mut key_text = String::new();
            age::Decryptor::new_buffered(&key[..])
                .unwrap()
                .decrypt(std::iter::once(&pass as &dyn age::Identity))
                .unwrap()
                .read_to_string(&mut key_text)
                .unwrap();
            let id: age::x25519::Identity = key_text
                .lines()
                .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
                .unwrap()
                .parse()
                .unwrap();
            let d = age::Decryptor::new_buffered(&bytes[..]).unwrap();
            let mut r = d
                .decrypt(std::iter::once(&id as &dyn age::Identity))
                .unwrap();
            let mut plain = Vec::new();
            r.read_to_end(&mut plain).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&plain).unwrap();
            v["secrets"]
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| k.starts_with(&format!("{ns}/")))
                .cloned()
                .collect()
        }
    }
}

/// The accounts the file points at (records `backend[:generation]`).
fn referenced_accounts(dir: &Path) -> (String, BTreeSet<String>) {
    let text = std::fs::read_to_string(dir.join("connections.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let ns = dir_namespace(dir);
    let mut set = BTreeSet::new();
    if let Some(conns) = doc.get("connections").and_then(|c| c.as_table()) {
        for (name, c) in conns {
            if let Some(s) = c.get("secrets").and_then(|s| s.as_table()) {
                for (field, rec) in s {
                    let rec = rec.as_str().unwrap();
                    let account = match rec.split_once(':') {
                        Some((_, g)) => format!("{ns}/{name}/{field}#{g}"),
                        None => format!("{ns}/{name}/{field}"),
                    };
                    set.insert(account);
                }
            }
        }
    }
    (ns, set)
}

fn op_args(rng: &mut Rng, round: usize, present: &[String]) -> Vec<String> {
    let pick = |rng: &mut Rng| NAMES[rng.below(NAMES.len() as u64) as usize].to_string();
    let secrets = |args: &mut Vec<String>| {
        args.push("--set".into());
        args.push(format!("configs.round={round}"));
        for s in ["s1", "s2", "s3"] {
            args.push("--set".into());
            args.push(format!("secrets.{s}=fake-{round}-{}", s.to_uppercase()));
        }
    };
    let name = pick(rng);
    let exists = present.contains(&name);
    match (rng.below(10), exists) {
        (0..=3, true) => {
            let mut a = vec!["update".into(), name];
            secrets(&mut a);
            a
        }
        (4..=5, true) => {
            let to = pick(rng);
            vec!["rename".into(), name, to]
        }
        (6, true) => vec!["delete".into(), name, "--yes".into()],
        _ => {
            let mut a = vec![
                "create".into(),
                "--type".into(),
                "custom".into(),
                "--name".into(),
                name,
            ];
            secrets(&mut a);
            a
        }
    }
}

/// Rounds and seed, from the environment when a run is replayed.
fn crash_params() -> (usize, u64) {
    let rounds: usize = std::env::var("AICONN_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seed: u64 = std::env::var("AICONN_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    (rounds, seed)
}

/// A private config dir and the vault passphrase file beside it.
fn crash_dir() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("cfg");
    std::fs::create_dir(&dir).unwrap();
    let pass = t.path().join("pass");
    std::fs::write(&pass, PASS).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pass, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    (t, dir)
}

/// How long one save takes here, in microseconds.
fn save_window(dir: &Path, backend: Backend) -> u64 {
    // How long one save takes here: kills land anywhere from start-up to just after the end.
    let start = std::time::Instant::now();
    let mut c = base(dir, backend);
    c.args([
        "create",
        "--type",
        "custom",
        "--name",
        "probe",
        "--set",
        "configs.round=0",
    ])
    .args([
        "--set",
        "secrets.s1=fake-0-S1",
        "--set",
        "secrets.s2=fake-0-S2",
        "--set",
        "secrets.s3=fake-0-S3",
    ]);
    assert_eq!(run(c).code, 0);
    let window = (start.elapsed().as_micros() as u64).max(1000);
    let mut c = base(dir, backend);
    c.args(["delete", "probe", "--yes"]);
    assert_eq!(run(c).code, 0);
    window
}

/// What a failing run left: values nothing points at, and the save journal.
fn dump_orphans_and_journal(dir: &Path, backend: Backend, ns: &str) {
    let (_, refd) = referenced_accounts(dir);
    for a in stored_accounts(dir, backend, ns).difference(&refd) {
        eprintln!("orphan {a}");
    }
    for e in std::fs::read_dir(dir.join("pending")).unwrap().flatten() {
        eprintln!(
            "journal {:?}: {}",
            e.file_name(),
            std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .replace('\n', " | ")
        );
    }
}

fn crash_run(backend: Backend) {
    let (rounds, seed) = crash_params();
    let label = if backend == Backend::Vault {
        "vault"
    } else {
        "keychain"
    };
    eprintln!("{label}: AICONN_CRASH_SEED={seed} replays this run");
    let (_t, dir) = crash_dir();
    let mut rng = Rng(seed);
    let mut window = save_window(&dir, backend);
    let (mut killed, mut finished, mut max_conns) = (0, 0, 0);
    // Kills that left values nothing points at (later removed by a save or doctor --fix).
    let (mut orphaning_kills, mut most_orphans) = (0, 0);
    let mut present: Vec<String> = Vec::new();
    for round in 1..=rounds {
        let args = op_args(&mut rng, round, &present);
        let mut c = base(&dir, backend);
        c.args(&args).stdout(Stdio::null()).stderr(Stdio::null());
        let started = std::time::Instant::now();
        let mut child = c.spawn().unwrap();
        // Every 20th save runs to the end: an unbiased measure of how long a save takes now
        // (the machine may be busier later), so kills keep landing inside a save.
        if round % 20 == 0 {
            // Only a save that did its work counts (a refused one ends early).
            if child.wait().is_ok_and(|s| s.success()) {
                window = (started.elapsed().as_micros() as u64).max(1000);
            }
        } else {
            std::thread::sleep(Duration::from_micros(rng.below(window)));
        }
        match child.try_wait().unwrap() {
            Some(_) => {
                finished += 1;
                let _ = child.wait();
            }
            None => {
                child.kill().unwrap();
                killed += 1;
                let _ = child.wait();
                if dir.join("connections.toml").exists() {
                    let (ns, referenced) = referenced_accounts(&dir);
                    let n = stored_accounts(&dir, backend, &ns)
                        .difference(&referenced)
                        .count();
                    orphaning_kills += usize::from(n > 0);
                    most_orphans = most_orphans.max(n);
                }
            }
        }
        let _ = child.wait();
        max_conns = max_conns.max(check_consistent(&dir, backend, round));
        present = names_in_file(&dir, backend);
    }
    let (ns, _) = referenced_accounts(&dir);
    let before = stored_accounts(&dir, backend, &ns).len();
    if std::env::var("AICONN_CRASH_DEBUG").is_ok() {
        dump_orphans_and_journal(&dir, backend, &ns);
    }
    let mut c = base(&dir, backend);
    c.args(["doctor", "--fix"]);
    let o = run(c);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let (ns, referenced) = referenced_accounts(&dir);
    let stored = stored_accounts(&dir, backend, &ns);
    let orphans: Vec<_> = stored.difference(&referenced).collect();
    let missing: Vec<_> = referenced.difference(&stored).collect();
    eprintln!(
        "{label}: {rounds} saves (kills within ~{window} us), {killed} killed mid-run, {finished} finished, up to {max_conns} connections; 0 torn; {orphaning_kills} kills left unreferenced values (at most {most_orphans} at once; later saves sweep them); values before the final doctor --fix {before}, after {} (all {} referenced), 0 orphans",
        stored.len(),
        referenced.len()
    );
    assert!(
        missing.is_empty(),
        "values the file points at are gone: {missing:?}"
    );
    assert!(
        orphans.is_empty(),
        "orphans after doctor --fix: {orphans:?}"
    );
    assert!(
        killed > rounds / 10,
        "too few kills to mean anything: {killed}"
    );
}

#[test]
fn kill_9_during_saves_on_the_real_secret_service() {
    crash_run(Backend::Keychain);
}

#[test]
fn kill_9_during_saves_on_the_vault() {
    crash_run(Backend::Vault);
}
