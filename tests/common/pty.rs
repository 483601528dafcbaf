//! Driving a program in a pseudo-terminal (portable-pty) and reading its screen (vt100).
#![allow(dead_code)]

use super::{bin, keyring};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    /// aiconn on a machine with no session bus at all (the SSH-to-a-server case).
    pub fn spawn_headless(
        dir: &std::path::Path,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Pty {
        let empty = dir.join("no-runtime");
        std::fs::create_dir_all(&empty).unwrap();
        let mut cmd = CommandBuilder::new(bin());
        cmd.args(args);
        cmd.env("AICONN_CONFIG_DIR", dir);
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS");
        cmd.env("XDG_RUNTIME_DIR", &empty);
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        Pty::spawn_command(cmd, cols, rows)
    }

    /// aiconn with `args` on config dir `dir`, against the test keyring.
    pub fn spawn(dir: &std::path::Path, args: &[&str], cols: u16, rows: u16) -> Pty {
        let k = keyring();
        let mut cmd = CommandBuilder::new(bin());
        cmd.args(args);
        cmd.env("AICONN_CONFIG_DIR", dir);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &k.bus);
        cmd.env("XDG_RUNTIME_DIR", &k.runtime);
        cmd.env("XDG_DATA_HOME", &k.data);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        Pty::spawn_command(cmd, cols, rows)
    }

    /// Any command in a pty of `cols`x`rows`.
    pub fn spawn_command(cmd: CommandBuilder, cols: u16, rows: u16) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(rows).unwrap(),
            std::num::NonZero::new(cols).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let _master = pair.master; // keep the pty open while reading
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            parser,
            raw,
            writer,
            child,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {needle:?}; screen:\n{}",
            self.screen()
        );
    }

    /// Waits until `ready(screen)` holds (10 s at most): a condition, never a fixed sleep, so a
    /// slow machine only waits longer and a fast one does not wait at all.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if ready(&self.screen()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("timed out waiting until {what}; screen:\n{}", self.screen());
    }

    pub fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn paste(&mut self, s: &str) {
        self.send(&format!("\x1b[200~{s}\x1b[201~"));
    }

    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Some(st) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(100)); // let the reader drain
                return st.exit_code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("did not exit; screen:\n{}", self.screen());
    }

    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }
}
