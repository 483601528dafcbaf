//! Issue 17: the README's client table, row by row, is what the tests run. Each row of
//! "Using connections" names a connection shape and the clients that work with it from the
//! environment `aiconn run` sets; `MATRIX` below runs every one of them (the real pinned client,
//! through `aiconn run`, against the loopback service of tests/clients/loopback.py) and checks
//! the route it reached, the credential header and the connection's key, and that
//! `aiconn test` agrees with the clients and sends the credential header they send.
//! `the_readme_names_no_client_the_matrix_does_not_run` keeps the table and `MATRIX` one list:
//! a client named in the README and not run here (or run here and not named) fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod common;
#[path = "clients/harness.rs"]
mod harness;

use harness::*;
use std::path::Path;

/// Which of the pinned venvs a client runs in.
#[derive(Clone, Copy)]
enum Venv {
    Sdk,
    PromptFlow,
    AgentFramework,
}

/// One client of a row: the words the README names it by, the driver call, what the service
/// must see.
struct Client {
    readme: &'static str,
    venv: Venv,
    driver: &'static str,
    args: &'static [&'static str],
    route: &'static str,
    auth: &'static str,
}

/// One row of the README's table: its first cell, the service kind, the connection aiconn
/// creates (`{svc}` is the loopback base), and the clients the row says work.
struct Row {
    readme: &'static str,
    kind: Kind,
    create: &'static [&'static str],
    clients: &'static [Client],
}

const fn c(
    readme: &'static str,
    venv: Venv,
    driver: &'static str,
    args: &'static [&'static str],
    route: &'static str,
    auth: &'static str,
) -> Client {
    Client {
        readme,
        venv,
        driver,
        args,
        route,
        auth,
    }
}

/// The Azure OpenAI clients (the first row; "as above" in the second).
const AZURE_OPENAI_CLIENTS: &[Client] = &[
    c(
        "`AzureOpenAI()`",
        Venv::Sdk,
        "drive_openai.py",
        &["azure", DEPLOYMENT],
        "azure.deployment.chat",
        "api-key",
    ),
    c(
        "module client",
        Venv::Sdk,
        "drive_openai.py",
        &["module", DEPLOYMENT],
        "azure.deployment.chat",
        "api-key",
    ),
    c(
        "prompt flow's `AzureOpenAIConnection.from_env()`",
        Venv::PromptFlow,
        "drive_pf.py",
        &["from_env", "azure_open_ai", "pfconn", DEPLOYMENT],
        "azure.deployment.chat",
        "api-key",
    ),
    c(
        "`AzureChatOpenAI`",
        Venv::Sdk,
        "drive_langchain.py",
        &["azure", DEPLOYMENT],
        "azure.deployment.chat",
        "api-key",
    ),
    c(
        "Agent Framework",
        Venv::AgentFramework,
        "drive_agentframework.py",
        &["chat_completion"],
        "azure.deployment.chat",
        "api-key",
    ),
    c(
        "Agent Framework",
        Venv::AgentFramework,
        "drive_agentframework.py",
        &["chat"],
        "azure.v1.responses",
        "api-key",
    ),
];

const MATRIX: &[Row] = &[
    Row {
        readme: "`azure_open_ai` (resource base)",
        kind: Kind::Azure,
        create: &[
            "--type=azure_open_ai",
            "--set=api_base={svc}",
            "--set=api_version=2024-10-21",
            "--set=deployment=gpt-4o-mini",
        ],
        clients: AZURE_OPENAI_CLIENTS,
    },
    Row {
        readme: "`azure_ai`, deployment URL",
        kind: Kind::Azure,
        create: &[
            "--type=azure_ai",
            "--set=endpoint={svc}/openai/deployments/gpt-4o-mini",
        ],
        clients: AZURE_OPENAI_CLIENTS,
    },
    Row {
        readme: "`azure_ai`, `/openai/v1/`",
        kind: Kind::Azure,
        create: &[
            "--type=azure_ai",
            "--set=endpoint={svc}/openai/v1/",
            "--set=deployment=gpt-4o-mini",
        ],
        clients: &[
            c(
                "`OpenAI()`",
                Venv::Sdk,
                "drive_openai.py",
                &["openai", DEPLOYMENT],
                "azure.v1.chat",
                "bearer",
            ),
            c(
                "`ChatOpenAI`",
                Venv::Sdk,
                "drive_langchain.py",
                &["openai", DEPLOYMENT],
                "azure.v1.chat",
                "bearer",
            ),
            c(
                "Agent Framework",
                Venv::AgentFramework,
                "drive_agentframework.py",
                &["chat_completion"],
                "azure.v1.chat",
                "bearer",
            ),
            c(
                "Agent Framework",
                Venv::AgentFramework,
                "drive_agentframework.py",
                &["chat"],
                "azure.v1.responses",
                "bearer",
            ),
        ],
    },
    Row {
        readme: "`azure_ai`, `/models`",
        kind: Kind::Azure,
        create: &["--type=azure_ai", "--set=endpoint={svc}/models"],
        clients: &[c(
            "azure-ai-inference",
            Venv::Sdk,
            "drive_inference.py",
            &["AZURE_AI_ENDPOINT", "AZURE_AI_API_KEY", DEPLOYMENT],
            "foundry.models.chat",
            "api-key",
        )],
    },
    Row {
        readme: "`open_ai`",
        kind: Kind::OpenAi,
        create: &[
            "--type=open_ai",
            "--set=base_url={svc}/v1",
            "--set=model=gpt-4o-mini",
        ],
        clients: &[
            c(
                "`OpenAI()`",
                Venv::Sdk,
                "drive_openai.py",
                &["openai", DEPLOYMENT],
                "openai.chat",
                "bearer",
            ),
            c(
                "prompt flow",
                Venv::PromptFlow,
                "drive_pf.py",
                &["from_env", "open_ai", "pfconn", DEPLOYMENT],
                "openai.chat",
                "bearer",
            ),
            c(
                "`ChatOpenAI`",
                Venv::Sdk,
                "drive_langchain.py",
                &["openai", DEPLOYMENT],
                "openai.chat",
                "bearer",
            ),
            c(
                "Agent Framework",
                Venv::AgentFramework,
                "drive_agentframework.py",
                &["chat_completion"],
                "openai.chat",
                "bearer",
            ),
            c(
                "Agent Framework",
                Venv::AgentFramework,
                "drive_agentframework.py",
                &["chat"],
                "openai.responses",
                "bearer",
            ),
        ],
    },
    Row {
        readme: "`serverless`",
        kind: Kind::Serverless,
        create: &["--type=serverless", "--set=api_base={svc}"],
        clients: &[
            c(
                "`OpenAI()`",
                Venv::Sdk,
                "drive_openai.py",
                &["openai", "serverless-model"],
                "serverless.chat",
                "bearer",
            ),
            c(
                "`ChatOpenAI`",
                Venv::Sdk,
                "drive_langchain.py",
                &["openai", "serverless-model"],
                "serverless.chat",
                "bearer",
            ),
        ],
    },
];

/// The words by which the README's table names a client, longest first: each one found is
/// taken out of the cell before the next is looked for (`OpenAI()` is inside `AzureOpenAI()`).
const CLIENT_WORDS: &[&str] = &[
    "prompt flow's `AzureOpenAIConnection.from_env()`",
    "`AzureOpenAI()`",
    "`AzureChatOpenAI`",
    "module client",
    "Agent Framework",
    "`OpenAI()`",
    "`ChatOpenAI`",
    "prompt flow",
    "azure-ai-inference",
    "Semantic Kernel",
    "AnthropicFoundry",
];

fn python(v: &Venvs, venv: Venv) -> &Path {
    match venv {
        Venv::Sdk => &v.sdk,
        Venv::PromptFlow => &v.promptflow,
        Venv::AgentFramework => &v.agentframework,
    }
}

fn create_row(dir: &Path, row: &Row, svc: &Service) {
    let mut c = aiconn_clean(dir);
    c.args([
        "create",
        "--name",
        "conn",
        "--set",
        &format!("api_key={KEY}"),
    ]);
    for a in row.create {
        c.arg(a.replace("{svc}", &svc.url("")));
    }
    let o = common::run(c);
    assert_eq!(o.code, 0, "{}: create: {}", row.readme, o.stderr);
}

/// Runs one client of `row` through `aiconn run` and checks what the service saw.
/// Returns the credential headers the client sent.
fn check_client(dir: &Path, v: &Venvs, row: &Row, client: &Client, svc: &Service) -> Vec<String> {
    svc.clear();
    let r = run_client(
        dir,
        &[],
        "conn",
        python(v, client.venv),
        client.driver,
        client.args,
    );
    let what = format!("{} / {} {:?}", row.readme, client.readme, client.args);
    assert!(
        r.ok,
        "{what}: the client failed: {}\n{:?}",
        r.json,
        svc.requests()
    );
    let seen = last_request(svc);
    assert_eq!(
        seen.route.as_deref(),
        Some(client.route),
        "{what}: route (path {})",
        seen.path
    );
    assert_eq!(seen.status, 200, "{what}");
    assert_eq!(seen.auth, client.auth, "{what}: credential header");
    assert_eq!(
        seen.key_fp,
        Some(fp(KEY)),
        "{what}: not the connection's key"
    );
    seen.credentials
}

fn check_row(row: &Row) {
    let Some(v) = venvs() else { return };
    let d = tmp();
    let svc = Service::start(d.path(), row.kind);
    create_row(d.path(), row, &svc);
    let sent: Vec<Vec<String>> = row
        .clients
        .iter()
        .map(|client| check_client(d.path(), v, row, client, &svc))
        .collect();
    // `aiconn test` says what the clients found, with every header the row's first client sent
    let (ok, kinds) = test_auth_kinds(d.path(), &svc, "conn");
    assert!(ok, "{}: the clients work, aiconn test says not", row.readme);
    let first = &sent[0];
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| k == first),
        "{}: aiconn test sent {kinds:?}, {} sends {first:?}",
        row.readme,
        row.clients[0].readme
    );
}

fn row(readme: &str) -> &'static Row {
    MATRIX.iter().find(|r| r.readme == readme).unwrap()
}

#[test]
fn azure_open_ai_resource_base_works_in_every_client_the_readme_names() {
    check_row(row("`azure_open_ai` (resource base)"));
}

#[test]
fn azure_ai_deployment_url_works_in_every_client_the_readme_names() {
    check_row(row("`azure_ai`, deployment URL"));
}

#[test]
fn azure_ai_v1_works_in_every_client_the_readme_names() {
    check_row(row("`azure_ai`, `/openai/v1/`"));
}

#[test]
fn azure_ai_models_works_in_every_client_the_readme_names() {
    check_row(row("`azure_ai`, `/models`"));
}

#[test]
fn open_ai_works_in_every_client_the_readme_names() {
    check_row(row("`open_ai`"));
}

#[test]
fn serverless_works_in_every_client_the_readme_names() {
    check_row(row("`serverless`"));
}

/// The rows of the README's table under "Using connections": (first cell, last cell).
fn readme_rows() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme
        .split("| connection | variables set | works from the environment in |")
        .nth(1)
        .expect("the README's client table is gone");
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
            (
                cells[0].trim().to_string(),
                cells.last().unwrap().trim().to_string(),
            )
        })
        .collect()
}

/// The client words of a cell, without a clause whose aside says "not run in the tests".
fn named_clients(cell: &str) -> Vec<&'static str> {
    const ASIDE: &str = "not run in the tests)";
    let mut rest = cell.to_string();
    while let Some(end) = rest.find(ASIDE) {
        let open = rest[..end].rfind('(').unwrap_or(0);
        let start = rest[..open].rfind(", ").unwrap_or(0);
        rest.replace_range(start..end + ASIDE.len(), "");
    }
    let mut named = Vec::new();
    for w in CLIENT_WORDS {
        if rest.contains(w) {
            named.push(*w);
            rest = rest.replace(w, " ");
        }
    }
    named
}

#[test]
fn the_readme_names_no_client_the_matrix_does_not_run() {
    let rows = readme_rows();
    assert!(rows.len() >= MATRIX.len(), "{rows:?}");
    let mut above: Vec<&str> = Vec::new();
    for (first, last) in &rows {
        let mut named = named_clients(last);
        if last.trim() == "as above" {
            named.clone_from(&above);
        }
        above.clone_from(&named);
        let Some(row) = MATRIX.iter().find(|r| r.readme == first) else {
            assert!(
                named.is_empty(),
                "README row {first} names {named:?}, which no test runs"
            );
            continue;
        };
        let mut ran: Vec<&str> = row.clients.iter().map(|c| c.readme).collect();
        named.sort_unstable();
        ran.sort_unstable();
        ran.dedup();
        assert_eq!(named, ran, "README row {first}: named vs run");
    }
    for row in MATRIX {
        assert!(
            rows.iter().any(|(first, _)| first == row.readme),
            "{} runs, the README has no such row",
            row.readme
        );
    }
}

#[test]
fn the_readme_check_sees_a_client_named_but_not_run() {
    // the check above must be able to fail: a named client missing from a row is seen
    let named = named_clients(
        "the openai SDK's `AzureOpenAI()`, LangChain's `AzureChatOpenAI`, Semantic Kernel's \
         `AzureChatCompletion()` (read from its source, not run in the tests)",
    );
    assert_eq!(named, ["`AzureOpenAI()`", "`AzureChatOpenAI`"]);
    assert_eq!(
        named_clients("`OpenAI()`, `ChatOpenAI`"),
        ["`OpenAI()`", "`ChatOpenAI`"]
    );
}
