//! Issue 18's red-team pass on today's promises, each attack a family: where a service key may
//! go (lookalike, userinfo, port and encoding tricks, redirects, the batch tests of the CLI and
//! the TUI), which program an approved `cmd:` may run (paths and PATH entries that depend on
//! the current dir), and which names the TUI approves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::*;
use std::path::Path;

const VAR: &str = "AICONN_ATTACK_KEY";
const KEY: &str = "fake-key-1801";

/// A connection of `type_id` whose key is the variable `VAR`, its URL field set to `url`.
fn write_conn(dir: &Path, type_id: &str, url: &str) {
    let field = match type_id {
        "open_ai" => "base_url",
        _ => "api_base",
    };
    let toml_str = |s: &str| toml::Value::String(s.into()).to_string();
    let text = format!(
        "version = 1\n\n[connections.c]\ntype = \"{type_id}\"\n{field} = {}\nsecrets = {{ api_key = \"env:{VAR}\" }}\n",
        toml_str(url)
    );
    write_private(&dir.join("connections.toml"), &text);
}

fn test_c(dir: &Path, extra: &[&str]) -> Out {
    let mut c = aiconn(dir);
    c.env(VAR, KEY).args(["test", "c"]).args(extra);
    run(c)
}

/// Nothing was sent: `test` said so before it opened a socket, and never showed the key.
fn not_sent(o: &Out, what: &str) {
    assert_eq!(o.code, 1, "{what}: {}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("not sending the key"),
        "{what}: the key was sent: {}{}",
        o.stdout,
        o.stderr
    );
    assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY), "{what}");
}

/// Each is either flagged (lookalike, userinfo) or unrecognized: both mean no request.
const DRESSED_AS_THE_SERVICE: &[(&str, &str)] = &[
    // IDN and punycode lookalikes (Cyrillic а, a punycode label).
    ("open_ai", "https://аpi.openai.com/v1"),
    ("open_ai", "https://api.xn--penai-9ta.com/v1"),
    ("azure_open_ai", "https://contoso.openаi.azure.com/"),
    // The service domain with labels after it, trailing dot or not, any case.
    ("open_ai", "https://api.openai.com.evil.example/v1"),
    ("open_ai", "https://API.OPENAI.COM.EVIL.EXAMPLE./v1"),
    ("open_ai", "https://api.openai.com.local/v1"),
    (
        "azure_open_ai",
        "https://contoso.openai.azure.com.evil.example./",
    ),
    // Userinfo in its spellings: a port-looking user, a backslash, '#'/'?' before '@'.
    (
        "azure_open_ai",
        "https://contoso.openai.azure.com:443@evil.example/",
    ),
    ("open_ai", "https://api.openai.com\\@evil.example/v1"),
    ("open_ai", "https://evil.example\\.api.openai.com/v1"),
    (
        "azure_open_ai",
        "https://evil.example#@contoso.openai.azure.com/",
    ),
    (
        "azure_open_ai",
        "https://evil.example?@contoso.openai.azure.com/",
    ),
    // Encoded separators before '@', and a backslash after a port.
    ("open_ai", "https://api.openai.com%5c@evil.example/v1"),
    ("open_ai", "https://api.openai.com%3a443@evil.example/v1"),
    ("open_ai", "https://api.openai.com:443\\@evil.example/v1"),
    // "Any address" is not this machine.
    ("open_ai", "https://0:1/v1"),
    ("open_ai", "https://0.0.0.0:1/v1"),
    // Encoded dots and a tab inside the host.
    ("open_ai", "https://api.openai.com%2eevil.example/v1"),
    ("open_ai", "https://api.openai.com\t.evil.example/v1"),
    // The service's host on another port is not the service.
    ("azure_open_ai", "https://contoso.openai.azure.com:8443/"),
    // The service's name only in the path or the query.
    ("open_ai", "https://evil.example/api.openai.com/v1"),
    ("open_ai", "https://evil.example/v1?h=api.openai.com"),
    (
        "azure_open_ai",
        "https://evil.example/openai/deployments/gpt/chat/completions?api-version=2024-10-21",
    ),
    // A known gateway's name spelt inside another domain, or glued to another name.
    ("open_ai", "https://azure-api.net.evil.example/"),
    ("open_ai", "https://evilazure-api.net/"),
    ("open_ai", "https://openrouter.ai.evil.example/api/v1"),
    ("open_ai", "https://x.azure-api.net@evil.example/"),
    // An IPv4-mapped loopback over https is not "this machine" to the check; over http
    // it is refused as clear text.
    ("open_ai", "https://[::ffff:127.0.0.1]/v1"),
    ("open_ai", "http://[::ffff:127.0.0.1]:1/v1"),
    ("open_ai", "http://localhost.evil.example:1/v1"),
    ("open_ai", "http://localhost.:1/v1"),
];

// Typosquats of the registrable domain: swapped, dropped, added, doubled or replaced
// letters, another or an extra top-level domain, separators inserted or removed.
const TYPOS_OPENAI: &[&str] = &[
    "api-openai-com.example",
    "api.openai.co",
    "api.open-ai.com",
    "api.opnai.com",
    "api.openai.net",
    "api.0penai.com",
    "api.openaii.com",
    "api.opeani.com",
    "api.openai.com.co",
    "api.openai-api.com",
    "api.openai.co.uk",
    "api.openai.com-evil.example",
    "apiopenai.com",
    "api.oepnai.com",
    "api.openai.cm",
    "api.openai.om",
    "openai.com.evil",
    "api.open.ai",
    "api.openal.com",
];
const TYPOS_AZURE: &[&str] = &[
    "contoso.openai.azure.co",
    "contoso.openai.azur.com",
    "contoso.openai.azure-openai.com",
    "contoso.openai.azure.com-x.example",
    "contoso.openai-azure.com",
    "contoso.openai.azzure.com",
    "contoso.cognitiveservices.azure.co",
    "contoso.openai.azure.cn.evil.example",
    "contoso.openai.microsoftazure.com",
    "contoso.openai.azure.net",
];

#[test]
fn a_service_key_never_goes_unasked_to_a_host_dressed_as_the_service() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let typos = (TYPOS_OPENAI
        .iter()
        .map(|h| ("open_ai", format!("https://{h}/v1"))))
    .chain(
        TYPOS_AZURE
            .iter()
            .map(|h| ("azure_open_ai", format!("https://{h}/"))),
    );
    let family = DRESSED_AS_THE_SERVICE
        .iter()
        .map(|(t, u)| (*t, (*u).to_string()));
    for (ty, url) in family.chain(typos) {
        write_conn(dir, ty, &url);
        not_sent(&test_c(dir, &[]), &url);
    }
    // --all never asks: each unrecognized one is skipped, none sent.
    write_conn(dir, "open_ai", "https://evil.example/v1");
    let mut c = aiconn(dir);
    c.env(VAR, KEY).args(["test", "--all", "--json"]);
    let o = run(c);
    assert!(o.stdout.contains("\"skipped\""), "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
}

/// The TUI's `T` runs the same pool as `test --all` and asks nothing: an unrecognized host is
/// skipped, not sent, while a recognized one (this machine) is tested.
#[test]
fn the_tui_test_all_skips_a_key_bound_for_an_unrecognized_host() {
    use aiconn::conntest::all::Health;
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let (port, seen) = http::server(200, "{\"data\":[]}", std::time::Duration::ZERO);
    // The key comes from an approved command: nothing to read from a keychain or the env.
    let command = format!("printf %s {KEY}");
    let text = format!(
        "version = 1\n\n[connections.far]\ntype = \"open_ai\"\nbase_url = \"https://evil.example/v1\"\nsecrets = {{ api_key = \"cmd:{command}\" }}\n\n[connections.near]\ntype = \"open_ai\"\nbase_url = \"http://127.0.0.1:{port}/v1\"\nsecrets = {{ api_key = \"cmd:{command}\" }}\n"
    );
    write_private(&dir.join("connections.toml"), &text);
    aiconn::secrets::refs::Approvals::in_dir(dir)
        .approve(&command)
        .unwrap();
    let store = aiconn::store::Store::new(dir);
    let conns = store.load().unwrap().connections().to_vec();
    let backend = aiconn::service::secret_backend(
        &store,
        aiconn::model::Backend::Keychain,
        std::sync::Arc::new(|_| unreachable!("no stored key here")),
    );
    let (tx, _rx) = std::sync::mpsc::channel();
    let action = aiconn::tui::test_all::run(&store, &backend, &conns, &tx);
    let aiconn::tui::app::Action::AllTested { reports } = action else {
        panic!("{action:?}")
    };
    let verdict = |n: &str| reports.iter().find(|r| r.name == n).unwrap().verdict;
    assert_eq!(verdict("far"), Health::Skipped);
    assert_eq!(verdict("near"), Health::Ok, "{reports:?}");
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "only the loopback one was sent"
    );
}

/// A recognized host that answers 3xx must not carry the key on to where it points, for
/// every redirect status and both the request and the deployments listing a 401 triggers.
#[test]
fn a_redirect_never_carries_the_key_to_another_host() {
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let sink = TcpListener::bind("127.0.0.1:0").unwrap();
    let sink_port = sink.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let h2 = hits.clone();
    std::thread::spawn(move || {
        for s in sink.incoming() {
            h2.fetch_add(1, Ordering::SeqCst);
            drop(s);
        }
    });
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    for status in [301u16, 302, 303, 307, 308] {
        let location: &'static str =
            Box::leak(format!("http://127.0.0.1:{sink_port}/v1/models").into_boxed_str());
        let headers: &'static [(&'static str, &'static str)] =
            Box::leak(vec![("Location", location)].into_boxed_slice());
        let (port, seen) = http::routes_server(
            vec![http::Route {
                prefix: "",
                status,
                body: "",
                headers,
            }],
            std::time::Duration::ZERO,
        );
        for (ty, url) in [
            ("open_ai", format!("http://127.0.0.1:{port}/v1")),
            ("azure_open_ai", format!("http://127.0.0.1:{port}/")),
        ] {
            write_conn(dir, ty, &url);
            let o = test_c(dir, &[]);
            assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
            assert_eq!(hits.load(Ordering::SeqCst), 0, "{status} {ty}: followed");
        }
        assert!(!seen.lock().unwrap().is_empty(), "{status}: never asked");
    }
}

/// An executable script at `p` that prints `key`.
fn script(p: &Path, key: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, format!("#!/bin/sh\nprintf %s {key}\n")).unwrap();
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `aiconn ARGS` on `conf`, run from `cwd` with `PATH=path`.
fn run_in(conf: &Path, cwd: &Path, path: &str, args: &[&str]) -> Out {
    let mut c = aiconn(conf);
    c.current_dir(cwd).env("PATH", path).args(args);
    run(c)
}

/// Approved in `home` (by `create`), the command's key reaches a child there; from `other` the
/// same text names another file and nothing runs until it is approved there.
fn approved_only_where_resolved(command: &str, path: &str, home: &Path, other: &Path, conf: &Path) {
    let reference = format!("api_key=cmd:{command}");
    let args = [
        "create",
        "--type",
        "open_ai",
        "--name",
        "c",
        "--secret-ref",
        &reference,
    ];
    let o = run_in(conf, home, path, &args);
    assert_eq!(o.code, 0, "{command}: {}", o.stderr);
    let o = run_in(conf, home, path, &["env", "c"]);
    assert!(
        o.stdout.contains("fake-key-1811"),
        "{command}: {}",
        o.stderr
    );
    let o = run_in(conf, other, path, &["env", "c"]);
    assert_ne!(o.code, 0, "{command}");
    assert!(
        !o.stdout.contains("fake-key-1812"),
        "{command}: the unapproved program ran"
    );
    assert!(
        o.stderr.contains("has not been approved"),
        "{command}: {}",
        o.stderr
    );
}

#[test]
fn an_approved_command_runs_only_the_file_it_resolved_to() {
    let sys = std::env::var("PATH").unwrap();
    // (command, PATH, where each dir keeps its program, relative to the dir)
    let family: Vec<(&str, String, &str)> = vec![
        ("../tools/get-key", sys.clone(), "../tools/get-key"),
        ("./a/../get-key", sys.clone(), "get-key"),
        ("a/../b/./get-key", sys.clone(), "b/get-key"),
        ("get-key", format!(":{sys}"), "get-key"),
        ("get-key", format!("{sys}:"), "get-key"),
        ("get-key", format!("/nonexistent::{sys}"), "get-key"),
        ("get-key", format!("~/bin:{sys}"), "~/bin/get-key"),
        ("get-key", format!("./bin/../bin:{sys}"), "bin/get-key"),
    ];
    for (command, path, at) in family {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let (home, other) = (root.join("p1/work"), root.join("p2/work"));
        for (dir, key) in [(&home, "fake-key-1811"), (&other, "fake-key-1812")] {
            std::fs::create_dir_all(dir.join("a")).unwrap();
            script(&dir.join(at), key);
        }
        let conf = root.join("conf");
        std::fs::create_dir_all(&conf).unwrap();
        approved_only_where_resolved(command, &path, &home, &other, &conf);
    }
}

#[test]
fn a_symlink_swapped_after_approval_is_not_the_approved_program() {
    let sys = std::env::var("PATH").unwrap();
    for (command, path) in [("./get-key", sys.clone()), ("get-key", format!(".:{sys}"))] {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let (home, conf) = (root.join("work"), root.join("conf"));
        std::fs::create_dir_all(&conf).unwrap();
        script(&home.join("real-a"), "fake-key-1811");
        script(&home.join("real-b"), "fake-key-1812");
        std::os::unix::fs::symlink("real-a", home.join("get-key")).unwrap();
        let reference = format!("api_key=cmd:{command}");
        let args = [
            "create",
            "--type",
            "open_ai",
            "--name",
            "c",
            "--secret-ref",
            &reference,
        ];
        assert_eq!(run_in(&conf, &home, &path, &args).code, 0);
        let o = run_in(&conf, &home, &path, &["env", "c"]);
        assert!(
            o.stdout.contains("fake-key-1811"),
            "{command}: {}",
            o.stderr
        );
        // Swapped in place: same text, same dir, another file.
        std::fs::remove_file(home.join("get-key")).unwrap();
        std::os::unix::fs::symlink("real-b", home.join("get-key")).unwrap();
        let o = run_in(&conf, &home, &path, &["env", "c"]);
        assert!(
            !o.stdout.contains("fake-key-1812"),
            "{command}: the swapped-in program ran"
        );
        assert!(
            o.stderr.contains("has not been approved"),
            "{command}: {}",
            o.stderr
        );
    }
}

/// The TUI's effect runner on `dir` (the worker a form's save, a rename, goes to).
fn tui_effect(dir: &Path, effect: aiconn::tui::app::Effect) -> aiconn::tui::app::Action {
    let store = aiconn::store::Store::new(dir);
    let mut backend: Box<dyn aiconn::secrets::SecretStore> =
        Box::new(aiconn::service::secret_backend(
            &store,
            aiconn::model::Backend::Keychain,
            std::sync::Arc::new(|_| unreachable!("no vault here")),
        ));
    aiconn::tui::effects::run_effect(&store, &mut backend, effect)
}

fn tui_copy(
    dir: &Path,
    conn: aiconn::model::Connection,
    copy_of: &str,
) -> aiconn::tui::app::Action {
    tui_effect(
        dir,
        aiconn::tui::app::Effect::Save {
            id: aiconn::tui::app::EntryId::New(0),
            conn,
            secrets: indexmap::IndexMap::new(),
            expect: aiconn::service::Expect::Absent,
            copy_secrets_from: Some(copy_of.into()),
        },
    )
}

/// A file's custom connection `name` (its names approved by nobody here), with key `THEIRS`.
fn from_a_file(dir: &Path, name: &str) -> aiconn::model::Connection {
    let set = format!("configs.THEIRS_{}=v", name.to_uppercase());
    let o = cmd(
        dir,
        &[
            "create",
            "--type",
            "custom",
            "--name",
            name,
            "--set",
            &set,
            "--secret-ref",
            &format!("token=env:{VAR}"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let _ = std::fs::remove_file(dir.join("approved-commands"));
    aiconn::store::Store::new(dir).find(name).unwrap().unwrap()
}

/// `aiconn env NAME [--prefix]` refuses, naming `theirs`; or exports it when `exported`.
fn exports(dir: &Path, name: &str, prefix: bool) -> Out {
    let mut c = aiconn(dir);
    c.env(VAR, KEY).args(["env", name]);
    if prefix {
        c.arg("--prefix");
    }
    run(c)
}

fn refuses(dir: &Path, name: &str, theirs: &str, what: &str) {
    for prefix in [false, true] {
        let o = exports(dir, name, prefix);
        assert_ne!(o.code, 0, "{what} (prefix {prefix}): exported {}", o.stdout);
        assert!(o.stderr.contains(theirs), "{what}: {}", o.stderr);
        assert!(!o.stdout.contains(KEY), "{what}");
    }
}

#[test]
fn the_tui_approves_nothing_a_file_brought_through_renames_and_copies() {
    use aiconn::tui::app::{Action, Effect};
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    // Renamed in the TUI, an unapproved connection stays unapproved (both modes).
    from_a_file(dir, "a");
    let a = tui_effect(
        dir,
        Effect::Rename {
            old: "a".into(),
            new: "a2".into(),
        },
    );
    assert!(matches!(a, Action::Renamed { result: Ok(_), .. }), "{a:?}");
    refuses(dir, "a2", "THEIRS_A", "a renamed file connection");
    // Duplicated, then the copy renamed: neither approves the file's names.
    let b = from_a_file(dir, "b");
    let mut copy = b.clone();
    copy.name = "b-copy".into();
    assert!(matches!(
        tui_copy(dir, copy, "b"),
        Action::Saved { result: Ok(_), .. }
    ));
    refuses(dir, "b-copy", "THEIRS_B", "a copy");
    tui_effect(
        dir,
        Effect::Rename {
            old: "b-copy".into(),
            new: "b3".into(),
        },
    );
    refuses(dir, "b3", "THEIRS_B", "a renamed copy");
    // The original renamed or deleted (another terminal, a reload) before the copy is saved:
    // the copy still brought the file's names, it is not a connection typed here.
    for gone in ["renamed", "deleted"] {
        let name = format!("c{}", &gone[..3]);
        let original = from_a_file(dir, &name);
        let theirs = format!("THEIRS_{}", name.to_uppercase());
        let o = match gone {
            "renamed" => cmd(dir, &["rename", &name, &format!("{name}-moved")]),
            _ => cmd(dir, &["delete", &name, "--yes"]),
        };
        assert_eq!(o.code, 0, "{gone}: {}", o.stderr);
        let mut copy = original.clone();
        copy.name = format!("{name}-copy");
        let saved = tui_copy(dir, copy, &name);
        assert!(
            matches!(saved, Action::Saved { result: Ok(_), .. }),
            "{saved:?}"
        );
        refuses(
            dir,
            &format!("{name}-copy"),
            &theirs,
            &format!("a copy of an original {gone}"),
        );
    }
}

/// Relatives of the refused names, each a way for one variable to run code, load a file or move
/// traffic (and a key) in a child of `aiconn run`: refused even when approved.
#[test]
fn names_that_take_over_a_child_are_refused_with_their_kin() {
    use aiconn::runenv::refused_name;
    let family = [
        // Editors run their init text as commands (git commit starts vi).
        "VIMINIT",
        "EXINIT",
        "GVIMINIT",
        "FCEDIT",
        // less runs these, a lesskey file sets its variables.
        "LESSEDIT",
        "LESSKEYIN",
        "LESSKEY_SYSTEM",
        "LESSKEYIN_SYSTEM",
        // Tools that run a command named in a variable.
        "TAR_OPTIONS",
        "RSYNC_RSH",
        "RSYNC_CONNECT_PROG",
        "SVN_SSH",
        "CVS_RSH",
        "MAKEFLAGS",
        "MAKEFILES",
        // Files whose contents are run or trusted.
        "TERMINFO_DIRS",
        "KUBECONFIG",
        "CURL_HOME",
        "WGETRC",
        "PSQLRC",
        // Where credentials and traffic go: azure-identity's login host and managed identity,
        // a container engine's socket, other certificate bundles.
        "AZURE_AUTHORITY_HOST",
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
        "IMDS_ENDPOINT",
        "DOCKER_HOST",
        "AWS_CA_BUNDLE",
        "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH",
        "NIX_SSL_CERT_FILE",
        // Already refused: the pass-one list and a spelling of each kind.
        "LD_PRELOAD",
        "PS0",
        "LESSOPEN",
        "GIT_PAGER",
        "HTTPS_PROXY",
        "NODE_OPTIONS",
        "PYTHONSTARTUP",
        "PERL5DB",
        "BASH_FUNC_X",
        "AICONN_CONFIG_DIR",
    ];
    let exported: Vec<&str> = family
        .iter()
        .copied()
        .filter(|n| refused_name(n).is_none())
        .collect();
    assert!(exported.is_empty(), "exported once approved: {exported:?}");
    // The SDKs' own names stay exported.
    for n in [
        "AZURE_OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "AZURE_OPENAI_ENDPOINT",
        "QDRANT_URL",
    ] {
        assert_eq!(refused_name(n), None, "{n}");
    }
}

/// The question comes before the key is read: refused (no terminal, no --yes) or skipped
/// (--all, the TUI's T), the key's command never ran.
#[test]
fn a_refused_unknown_host_runs_no_cmd() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let marker = dir.join("ran");
    let command = format!("sh -c 'touch {}; printf %s {KEY}'", marker.display());
    // The last one is reached without a network: an IPv4-mapped loopback address, refused.
    let urls = [
        "https://evil.example/v1",
        "https://api.openai.com:8443/v1",
        "https://[::ffff:127.0.0.1]:1/v1",
    ];
    for url in urls {
        let text = format!(
            "version = 1\n\n[connections.c]\ntype = \"open_ai\"\nbase_url = \"{url}\"\nsecrets = {{ api_key = {} }}\n",
            toml::Value::String(format!("cmd:{command}"))
        );
        write_private(&dir.join("connections.toml"), &text);
        aiconn::secrets::refs::Approvals::in_dir(dir)
            .approve(&command)
            .unwrap();
        not_sent(&test_c(dir, &[]), url);
        let o = cmd(dir, &["test", "--all"]);
        assert!(!o.stdout.contains(KEY) && !o.stderr.contains(KEY));
        assert!(!marker.exists(), "{url}: the key's command ran");
    }
    // The command itself works: with --yes it runs (and the test fails on the closed port).
    let _ = test_c(dir, &["--yes"]);
    assert!(marker.exists(), "the approved command never ran with --yes");
}
