//! The one HTTP agent of `test`, the deployments listing and Resource Manager: a bound on the
//! whole request, no redirects (a key is never sent to another host), status codes as values,
//! and the proxy from the environment (ureq reads `ALL_PROXY`/`HTTPS_PROXY`/`HTTP_PROXY` and
//! `NO_PROXY` by default; nothing here overrides it).

use std::path::Path;
use std::time::Duration;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

/// An agent with `timeout` on the whole request.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("aiconn/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls_config(crate::settings::get().test_ca.as_deref()))
        .build()
        .into()
}

/// Mozilla's roots; with a test CA (`AICONN_TEST_CA`, honoured by debug builds only) that CA
/// alone, so a test on the services' real hostnames can reach nothing but its loopback proxy.
/// An unreadable or empty CA file keeps the public roots: the test then fails on TLS, visibly.
pub fn tls_config(test_ca: Option<&Path>) -> TlsConfig {
    let roots = test_ca
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|pem| Certificate::from_pem(&pem).ok())
        .map(|ca| RootCerts::new_with_certs(&[ca]));
    TlsConfig::builder()
        .root_certs(roots.unwrap_or(RootCerts::WebPki))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_ca_replaces_the_public_roots_and_a_bad_one_keeps_them() {
        let d = tempfile::tempdir().unwrap();
        let bad = d.path().join("bad.pem");
        std::fs::write(&bad, "not a certificate").unwrap();
        for path in [
            None,
            Some(bad.as_path()),
            Some(d.path().join("none").as_path()),
        ] {
            assert!(matches!(tls_config(path).root_certs(), RootCerts::WebPki));
        }
    }
}
