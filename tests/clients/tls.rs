//! Support for tests/clients_tls.rs: a test CA made at test time (rcgen, nothing committed),
//! the loopback service as an HTTPS proxy for the services' real hostnames, and the variables
//! through which each client (and a debug aiconn) trusts that CA and uses that proxy.
#![allow(dead_code)]

use crate::harness::{Kind, Service};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use std::path::{Path, PathBuf};

/// The hostnames the leaf certificate holds and the proxy tunnels (anything else: 403).
pub const HOSTS: &[&str] = &[
    "contoso.openai.azure.com",
    "contoso.cognitiveservices.azure.com",
    "contoso.services.ai.azure.com",
    "api.openai.com",
    "contoso-llama.eastus2.models.ai.azure.com",
];

/// The CA's PEM file, and the leaf's certificate and key (for loopback.py).
pub struct TestCa {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCa {
    pub fn make(dir: &Path) -> TestCa {
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "aiconn clients_tls test CA");
        let issuer = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let sans: Vec<String> = HOSTS.iter().map(|h| h.to_string()).collect();
        let leaf = CertificateParams::new(sans)
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        let write = |name: &str, text: String| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        TestCa {
            ca: write("test-ca.pem", issuer.pem()),
            cert: write("leaf.pem", leaf.pem()),
            key: write("leaf-key.pem", leaf_key.serialize_pem()),
        }
    }
}

/// The loopback service as the proxy for HOSTS (each served as `kind`, api.openai.com as
/// OpenAI), with the test CA's leaf.
pub fn proxy(dir: &Path, kind: Kind, ca: &TestCa) -> Service {
    let hosts: Vec<String> = HOSTS
        .iter()
        .map(|h| match *h {
            "api.openai.com" => format!("{h}=openai"),
            h if h.ends_with(".models.ai.azure.com") => format!("{h}=serverless"),
            h => h.to_string(),
        })
        .collect();
    let hosts = hosts.join(",");
    Service::start_with(
        dir,
        kind,
        &[
            "--proxy-hosts",
            &hosts,
            "--tls-cert",
            ca.cert.to_str().unwrap(),
            "--tls-key",
            ca.key.to_str().unwrap(),
        ],
    )
}

/// The variables the clients and aiconn take the proxy and the CA from (read in the venvs'
/// code: httpx2/httpcore2 `SSL_CERT_FILE` and urllib's getproxies for the openai, anthropic,
/// LangChain and Agent Framework clients; requests/azure-core `REQUESTS_CA_BUNDLE`; ureq
/// `HTTPS_PROXY` and, in a debug aiconn, `AICONN_TEST_CA`). HTTP_PROXY too, so that a plain-http
/// request reaches the proxy (which records and refuses it) instead of the offline DNS. No
/// NO_PROXY: it must not cover the test hosts.
pub fn env(svc: &Service, ca: &TestCa) -> Vec<(String, String)> {
    let proxy = format!("http://127.0.0.1:{}", svc.port);
    let ca = ca.ca.to_str().unwrap().to_string();
    let mut v: Vec<(String, String)> = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]
        .iter()
        .map(|k| (k.to_string(), proxy.clone()))
        .collect();
    for k in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "AICONN_TEST_CA"] {
        v.push((k.to_string(), ca.clone()));
    }
    v.push(("NO_PROXY".into(), String::new()));
    v.push(("no_proxy".into(), String::new()));
    v
}

/// `env` as the `&[(&str, &str)]` the harness takes.
pub fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
