//! Completion scripts, man pages and `--version`, generated from the clap definitions by the
//! real binary (so they cannot drift from the CLI), and a connection name completed in bash.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
use common::*;

fn config_with_three() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join("connections.toml"),
        "version = 1\nnamespace = \"abc\"\n[connections.prod]\ntype = \"azure_open_ai\"\napi_base = \"https://x.openai.azure.com/\"\n[connections.preview]\ntype = \"open_ai\"\n[connections.other]\ntype = \"serp\"\n",
    )
    .unwrap();
    t
}

/// What bash offers for the last word of `line` (words split on spaces).
fn bash_complete(dir: &std::path::Path, line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split(' ').collect();
    let script = format!(
        "source <('{bin}' completions bash) && COMP_WORDS=({words}) && COMP_CWORD={cword} && COMP_TYPE=9 && _clap_complete_aiconn aiconn '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bin = bin(),
        words = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    let o = std::process::Command::new("bash")
        .args(["-c", &script])
        .env("AICONN_CONFIG_DIR", dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_connection_names_and_types_from_the_config() {
    let t = config_with_three();
    assert_eq!(
        bash_complete(t.path(), "aiconn show pr"),
        ["prod", "preview"]
    );
    assert_eq!(bash_complete(t.path(), "aiconn delete ot"), ["other"]);
    assert_eq!(
        bash_complete(t.path(), "aiconn create --type azure_o"),
        ["azure_open_ai"]
    );
    let subs = bash_complete(t.path(), "aiconn te");
    assert_eq!(subs, ["test"]);
}

#[test]
fn every_shell_gets_a_script() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = cmd(
            std::path::Path::new("/nonexistent"),
            &["completions", shell],
        );
        assert_eq!(o.code, 0, "{shell}: {}", o.stderr);
        assert!(
            o.stdout.contains("aiconn") && o.stdout.contains("COMPLETE"),
            "{shell}: {}",
            o.stdout
        );
    }
    let script = cmd(
        std::path::Path::new("/nonexistent"),
        &["completions", "bash"],
    )
    .stdout;
    let o = std::process::Command::new("bash")
        .args(["-n", "-c", &script])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn man_pages_cover_every_subcommand() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("man");
    let o = cmd(t.path(), &["man", "--out", out.to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let help = cmd(t.path(), &["--help"]).stdout;
    // Every subcommand listed by --help has its page, and the page carries its description.
    let subs: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|s| s != "help")
        .collect();
    assert!(subs.len() >= 15, "{subs:?}");
    for s in &subs {
        let page = std::fs::read_to_string(out.join(format!("aiconn-{s}.1")))
            .unwrap_or_else(|e| panic!("aiconn-{s}.1: {e}"));
        assert!(page.starts_with(".ie") || page.contains(".TH"), "{s}");
    }
    let main = std::fs::read_to_string(out.join("aiconn.1")).unwrap();
    assert!(main.contains(".TH aiconn 1"), "{main}");
}

#[test]
fn version_names_the_secret_backends() {
    let o = cmd(std::path::Path::new("/nonexistent"), &["--version"]);
    assert_eq!(o.code, 0);
    assert!(
        o.stdout
            .starts_with(&format!("aiconn {}", env!("CARGO_PKG_VERSION")))
    );
    assert!(
        o.stdout.contains("secret backends:") && o.stdout.contains("vault"),
        "{}",
        o.stdout
    );
}

#[test]
fn env_help_names_every_variable_of_the_client_contract() {
    let o = cmd(std::path::Path::new("/nonexistent"), &["env", "--help"]);
    for e in &aiconn::clients::Contract::get().envs {
        for v in &e.vars {
            assert!(
                o.stdout.contains(&v.name),
                "{} ({}) missing from env --help",
                v.name,
                e.type_id
            );
        }
    }
    for t in &aiconn::catalogue::Catalogue::get().types {
        assert!(o.stdout.contains(&t.id), "{}", t.id);
    }
}

/// Issue 18 item 14: name completion read the default config dir whatever `--config-dir` the
/// line being completed named. Both spellings are honoured, and the environment still is.
#[test]
fn name_completion_follows_the_config_dir_of_the_line() {
    let mine = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let args = common::fixtures::entra_aoai("only-here");
    assert_eq!(cmd(mine.path(), &common::fixtures::refs(&args)).code, 0);
    let dir = mine.path().to_str().unwrap();
    let joined = format!("--config-dir={dir}");
    for words in [
        vec!["aiconn", "--config-dir", dir, "show", ""],
        vec!["aiconn", "show", &joined, ""],
    ] {
        // The environment points elsewhere: the line's flag wins, as it does when run.
        let mut c = aiconn(other.path());
        c.env("COMPLETE", "fish").arg("--").args(&words);
        let o = run(c);
        assert!(o.stdout.contains("only-here"), "{words:?}: {}", o.stdout);
    }
    let mut c = aiconn(mine.path());
    c.env("COMPLETE", "fish").args(["--", "aiconn", "show", ""]);
    assert!(run(c).stdout.contains("only-here"));
}
