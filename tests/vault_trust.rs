//! The vault never silently changes hands: a lost or emptied `secrets.age`, a passphrase file
//! others can read, a doctor probe that really writes, one key derivation per command and no
//! connections lock held during it, and a passphrase cache only a login session can read.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const PASS: &str = "correct horse battery";

fn vault(dir: &Path, pass_file: &Path) -> Command {
    let mut c = aiconn_headless(dir);
    c.env("AICONN_SECRET_BACKEND", "vault")
        .env("AICONN_VAULT_PASSPHRASE_FILE", pass_file)
        .env("AICONN_VAULT_WORK_FACTOR", "10")
        .env("AICONN_VAULT_CACHE_SECONDS", "0");
    c
}

fn vrun(dir: &Path, pass: &Path, args: &[&str]) -> Out {
    let mut c = vault(dir, pass);
    c.args(args);
    run(c)
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let pass = t.path().join("pass");
    write_private(&pass, PASS);
    let o = vrun(
        t.path(),
        &pass,
        &fixtures::refs(&fixtures::serp("s", "fake-key-1101")),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = vrun(
        t.path(),
        &pass,
        &[
            "create",
            "--type",
            "custom",
            "--name",
            "k",
            "--set",
            "secrets.a=fake-key-1102",
            "--set",
            "secrets.b=fake-key-1103",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    (t, pass)
}

#[test]
fn an_emptied_or_missing_vault_is_an_error_never_a_new_vault() {
    let (t, pass) = setup();
    let vault_file = t.path().join("secrets.age");
    let original = std::fs::read(&vault_file).unwrap();
    let wrong = t.path().join("wrong");
    write_private(&wrong, "another passphrase");
    for state in ["empty", "missing"] {
        if state == "empty" {
            std::fs::write(&vault_file, b"").unwrap();
        } else {
            std::fs::remove_file(&vault_file).unwrap();
        }
        for args in [
            vec!["show", "s", "--reveal"],
            vec!["update", "s", "--set", "api_key=fake-key-1104"],
            vec![
                "create",
                "--type",
                "serp",
                "--name",
                "n",
                "--set",
                "api_key=fake-key-1105",
            ],
        ] {
            let o = vrun(t.path(), &wrong, &args);
            assert_eq!(o.code, 1, "{args:?}: {}", o.stderr);
            assert!(
                o.stderr.contains(&format!(
                    "secrets.age is {state}: 3 secrets of 2 connections cannot be read"
                )),
                "{args:?}: {}",
                o.stderr
            );
        }
        let len = std::fs::metadata(&vault_file).map(|m| m.len()).unwrap_or(0);
        assert_eq!(len, 0, "no new vault under the wrong passphrase ({state})");
    }
    std::fs::write(&vault_file, original).unwrap();
    let o = vrun(t.path(), &pass, &["show", "s", "--json", "--reveal"]);
    assert!(
        o.stdout.contains("fake-key-1101"),
        "restoring the file restores the keys"
    );
}

#[test]
fn doctor_probes_the_vault_for_real() {
    let (t, pass) = setup();
    let o = vrun(t.path(), &pass, &["doctor"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("probe           ok"), "{}", o.stdout);
    std::fs::remove_file(t.path().join("secrets.age")).unwrap();
    let o = vrun(t.path(), &pass, &["doctor"]);
    assert_eq!(o.code, 1, "a missing vault is not 'probe ok': {}", o.stdout);
    assert!(o.stdout.contains("missing"), "{}", o.stdout);
    // With no vault records at all, the probe writes a real file and removes its value.
    let fresh = tempfile::tempdir().unwrap();
    let o = vrun(fresh.path(), &pass, &["doctor"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        fresh.path().join("secrets.age").exists(),
        "the probe really wrote"
    );
}

#[cfg(unix)]
#[test]
fn a_passphrase_file_others_can_read_is_refused_with_the_chmod() {
    use std::os::unix::fs::PermissionsExt;
    let (t, pass) = setup();
    std::fs::set_permissions(&pass, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = vrun(t.path(), &pass, &["show", "s", "--reveal"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains(&format!("chmod 600 {}", pass.display())),
        "{}",
        o.stderr
    );
    assert!(!o.stdout.contains("fake-key-1101"));
}

#[test]
fn a_ten_key_import_derives_the_key_once_and_never_blocks_another_save() {
    // Real work factor (about a second per derivation, as users get): one to open the vault,
    // one to write the ten keys. The connections lock is not held meanwhile, so a create of a
    // key-less connection at the same time goes through.
    let t = tempfile::tempdir().unwrap();
    let pass = t.path().join("pass");
    write_private(&pass, PASS);
    let env: String = (0..10)
        .map(|i| format!("KEY_{i}=fake-key-12{i:02}\n"))
        .collect();
    std::fs::write(t.path().join("ten.env"), env).unwrap();
    let slow = |args: &[&str]| {
        let mut c = vault(t.path(), &pass);
        c.env_remove("AICONN_VAULT_WORK_FACTOR").args(args);
        c
    };
    let mut import = slow(&[
        "import",
        t.path().join("ten.env").to_str().unwrap(),
        "--name",
        "ten",
    ]);
    let child = import
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The import has journaled its keys (it is deriving the key now) before the other save.
    let pending = t.path().join("pending");
    assert!(
        wait_until(std::time::Duration::from_secs(20), || std::fs::read_dir(
            &pending
        )
        .is_ok_and(|mut d| d.next().is_some())),
        "the import never started"
    );
    let other = run(slow(&[
        "create",
        "--type",
        "azure_open_ai",
        "--name",
        "aad",
        "--set",
        "api_base=https://r.openai.azure.com/",
        "--set",
        "auth_mode=meid_token",
    ]));
    assert_eq!(
        other.code, 0,
        "a concurrent save was blocked: {}",
        other.stderr
    );
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An imported file's names reach a child only once approved here (issue 18.2).
    let o = vrun(t.path(), &pass, &["allow", "ten"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = vrun(t.path(), &pass, &["env", "ten", "--format", "json"]);
    assert!(o.stdout.contains("fake-key-1209"), "{}", o.stderr);
}

#[test]
fn the_tui_switch_to_the_vault_refuses_an_emptied_vault_too() {
    let (t, _pass) = setup();
    std::fs::write(t.path().join("secrets.age"), b"").unwrap();
    let store = aiconn::store::Store::new(t.path());
    let mut backend: Box<dyn aiconn::secrets::SecretStore> =
        Box::new(aiconn::service::secret_backend(
            &store,
            aiconn::model::Backend::Keychain,
            std::sync::Arc::new(|_| unreachable!("no prompt in this test")),
        ));
    let ask: aiconn::secrets::AskPassphrase =
        std::sync::Arc::new(|_| Ok(secrecy::SecretString::from("another passphrase")));
    let a = aiconn::tui::effects::switch_to_vault(&store, &mut backend, &ask);
    match a {
        aiconn::tui::app::Action::BackendSwitched { result: Err(e), .. } => {
            assert!(e.to_string().contains("secrets.age is empty"), "{e}")
        }
        other => panic!("switched to a new vault over an emptied one: {other:?}"),
    }
    assert_eq!(
        std::fs::metadata(t.path().join("secrets.age"))
            .unwrap()
            .len(),
        0
    );
}
