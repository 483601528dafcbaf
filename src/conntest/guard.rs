//! Where a key may be sent. `aiconn test` (CLI and TUI) checks the final request URL here
//! before it opens a socket: a key must never reach a host that only looks like the service,
//! a host hidden behind userinfo, or travel in clear text over a network.

use crate::endpoint::{Flag, Reading};
use std::net::IpAddr;

/// Flags of the endpoint reading that mean "this is not the service you think": sending a
/// key there could hand it to someone else.
const REFUSED_FLAGS: &[(Flag, &str)] = &[
    (
        Flag::LookalikeHost,
        "the host only looks like an Azure or OpenAI host",
    ),
    (
        Flag::TypoSuffix,
        "the host name has a typo in the service's domain",
    ),
    (
        Flag::SecretInUrl,
        "the URL carries credentials; remove them from the endpoint",
    ),
    (
        Flag::PortalUrl,
        "this is a portal page, not the service's endpoint",
    ),
    (
        Flag::DocsUrl,
        "this is a documentation page, not an endpoint",
    ),
    (Flag::Placeholder, "the URL still holds a placeholder"),
    (
        Flag::TemplateUnresolved,
        "the URL holds an unresolved template variable",
    ),
    (
        Flag::ConnectionString,
        "this is a connection string, not a URL",
    ),
];

fn refuse(why: &str) -> Result<(), String> {
    Err(format!("not sending the key: {why}"))
}

/// A user part before '@' hides the real host from a person reading the URL.
fn userinfo(url: &str) -> Result<(), String> {
    match url::Url::parse(url.trim()) {
        Ok(p) if !p.username().is_empty() || p.password().is_some() => refuse(&format!(
            "the URL has a user part before '@', so the real host is {}",
            crate::sanitize::for_terminal(p.host_str().unwrap_or("?"))
        )),
        _ => Ok(()),
    }
}

/// Why a request is not sent, or `Ok` when the key may go to `url`. `stored` is the URL as
/// the connection keeps it, `reading` the classifier's reading of it.
pub fn check(url: &str, stored: Option<&str>, reading: Option<&Reading>) -> Result<(), String> {
    if let Some(s) = stored {
        userinfo(s)?;
    }
    userinfo(url)?;
    if let Some(r) = reading
        && let Some((_, why)) = REFUSED_FLAGS.iter().find(|(f, _)| r.has(*f))
    {
        return refuse(why);
    }
    let Ok(parsed) = url::Url::parse(url) else {
        return refuse("the request URL does not parse");
    };
    let host = parsed.host();
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if host.as_ref().is_some_and(is_loopback) => Ok(()),
        "http" => refuse(&format!(
            "plain http to {} would send it unencrypted; use https (plain http is allowed only to this machine: localhost, 127.0.0.0/8, ::1)",
            crate::sanitize::for_terminal(parsed.host_str().unwrap_or("?"))
        )),
        other => refuse(&format!(
            "'{}' is not http or https",
            crate::sanitize::for_terminal(other)
        )),
    }
}

/// The host a service key (a `service_key` type's) would go to when nothing recognizes it:
/// not a service host the classifier knows, not a known gateway, not this machine.
pub fn unrecognized_key_host(
    spec: &crate::catalogue::TypeSpec,
    url: &str,
    reading: Option<&Reading>,
) -> Option<String> {
    if !spec.service_key {
        return None;
    }
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host()?;
    if is_loopback(&host) {
        return None;
    }
    // No URL stored: the request goes to the type's default, judged like a stored one.
    let default;
    let reading = match reading {
        Some(r) => Some(r),
        None => {
            default = crate::endpoint::classify_for_type(url, &spec.id);
            Some(&default)
        }
    };
    let known = reading.is_some_and(|r| {
        !matches!(
            r.kind,
            crate::endpoint::Kind::Unknown | crate::endpoint::Kind::Invalid
        )
    });
    (!known).then(|| host.to_string())
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(a) => IpAddr::V4(*a).is_loopback(),
        url::Host::Ipv6(a) => IpAddr::V6(*a).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::classify_for_type;

    fn verdict(url: &str, ty: &str) -> Result<(), String> {
        check(url, Some(url), Some(&classify_for_type(url, ty)))
    }

    #[test]
    fn lookalike_and_userinfo_hosts_are_refused() {
        let e = verdict(
            "https://contoso.openai.azure.com.evil.example/openai/models",
            "azure_open_ai",
        )
        .unwrap_err();
        assert!(e.contains("only looks like"), "{e}");
        let e = check(
            "https://contoso.openai.azure.com@evil.example/openai/models",
            None,
            None,
        )
        .unwrap_err();
        assert!(e.contains("real host is evil.example"), "{e}");
        assert!(check("https://u:p@contoso.openai.azure.com/", None, None).is_err());
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://localhost:8080/v1/models",
            "http://127.0.0.1/v1",
            "http://127.9.9.9:1/x",
            "http://[::1]:80/x",
            "https://api.example.test/v1",
        ] {
            assert_eq!(check(ok, None, None), Ok(()), "{ok}");
        }
        for bad in [
            "http://api.example.test/v1/models",
            "http://10.0.0.1/v1",
            "http://localhost.evil.example/v1",
            "http://[::2]/x",
            "ftp://localhost/x",
        ] {
            assert!(check(bad, None, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_real_service_passes() {
        assert_eq!(
            verdict(
                "https://contoso.openai.azure.com/openai/models?api-version=2024-10-21",
                "azure_open_ai"
            ),
            Ok(())
        );
    }
}
