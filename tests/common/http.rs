//! A loopback HTTP server for the tests of requests aiconn makes: it answers every request
//! with one status and body (after a delay) and records what it got.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the server answers requests whose path starts with `prefix` (the first match wins).
#[derive(Clone)]
pub struct Route {
    pub prefix: &'static str,
    pub status: u16,
    pub body: &'static str,
    pub headers: &'static [(&'static str, &'static str)],
}

/// A one-scenario server: answers every request with `status` and `body` after `delay`.
pub fn server(status: u16, body: &'static str, delay: Duration) -> (u16, Arc<Mutex<Vec<Seen>>>) {
    routes_server(
        vec![Route {
            prefix: "",
            status,
            body,
            headers: &[],
        }],
        delay,
    )
}

/// A server answering by path (e.g. an operation fails while the deployments listing works).
pub fn routes_server(routes: Vec<Route>, delay: Duration) -> (u16, Arc<Mutex<Vec<Seen>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    std::thread::spawn(move || {
        for stream in l.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut r = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if r.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let mut req = Seen {
                method: parts.next().unwrap_or("").into(),
                path: parts.next().unwrap_or("").into(),
                ..Default::default()
            };
            let mut len = 0usize;
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                if let Some((k, v)) = h.trim_end().split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    req.headers.push((k.to_string(), v.trim().to_string()));
                }
            }
            let mut b = vec![0u8; len];
            let _ = r.read_exact(&mut b);
            req.body = String::from_utf8_lossy(&b).into_owned();
            let route = routes
                .iter()
                .find(|rt| req.path.starts_with(rt.prefix))
                .cloned()
                .unwrap_or(Route {
                    prefix: "",
                    status: 404,
                    body: "{}",
                    headers: &[],
                });
            s2.lock().unwrap().push(req);
            std::thread::sleep(delay);
            let reason = match route.status {
                200 => "OK",
                401 => "Unauthorized",
                404 => "Not Found",
                429 => "Too Many Requests",
                _ => "Error",
            };
            let extra: String = route
                .headers
                .iter()
                .map(|(k, v)| format!("{k}: {v}\r\n"))
                .collect();
            // `@SELF@` in a body is this server's own origin (for absolute links such as `nextLink`).
            let body = route
                .body
                .replace("@SELF@", &format!("http://127.0.0.1:{port}"));
            let _ = write!(
                stream,
                "HTTP/1.1 {} {reason}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                route.status,
                body.len(),
                body
            );
        }
    });
    (port, seen)
}

/// A fake `az` on PATH: answers `account get-access-token` as the Azure CLI documents it, or
/// fails the way it does when nobody is signed in.
pub fn fake_az(dir: &std::path::Path, signed_in: bool) -> std::path::PathBuf {
    let bin = dir.join("fakebin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = if signed_in {
        "#!/bin/sh\n[ \"$1 $2\" = \"account get-access-token\" ] || exit 2\necho \"$4\" > \"$(dirname \"$0\")/resource\"\nprintf '%s' '{\"accessToken\": \"fake-token-0501\", \"expiresOn\": \"2030-01-01 00:00:00.000000\", \"expires_on\": 1893456000, \"subscription\": \"00000000-0000-0000-0000-000000000000\", \"tenant\": \"00000000-0000-0000-0000-000000000000\", \"tokenType\": \"Bearer\"}'\n"
    } else {
        "#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n"
    };
    let az = bin.join("az");
    std::fs::write(&az, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}
