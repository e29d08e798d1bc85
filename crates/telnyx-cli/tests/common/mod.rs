//! Helpers shared by the CLI's end-to-end tests: an emulator served from a background
//! thread for the whole test process, driven through its typed control client
//! ([`telnyx_emulator::control_client`]), and the real binary with a clean environment.
#![allow(dead_code, clippy::unwrap_used)]

use assert_cmd::Command;
use telnyx_emulator::control_client::{Client as Control, Fault, LoggedRequest};
use telnyx_emulator::{SeedReport, SeedRequest};

/// A running emulator on 127.0.0.1:0, kept until the test process exits.
pub struct Server {
    /// `http://127.0.0.1:PORT/v2`.
    pub base_url: String,
    /// `http://127.0.0.1:PORT` (for `/_emulator/...`).
    pub root: String,
    /// The runtime that serves it (for a test's own async calls).
    pub runtime: tokio::runtime::Handle,
}

impl Server {
    /// Runs `f` on the server's runtime (the tests themselves are plain threads).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// The control client of this emulator, for account `key`.
    pub fn control(&self, key: &str) -> Control {
        Control::new(&self.base_url, key).unwrap()
    }

    /// Seeds account `key` again at the sizes asked for.
    pub fn seed(&self, key: &str, request: SeedRequest) -> SeedReport {
        let control = self.control(key);
        self.block_on(async move { control.seed(&request).await })
            .unwrap()
    }

    /// Adds a fault rule (for every account of this emulator: use a private one).
    pub fn add_fault(&self, fault: Fault) {
        let control = self.control("faults");
        self.block_on(async move { control.add_fault(&fault).await })
            .unwrap();
    }

    /// The last `limit` API requests the emulator answered (every account), oldest first.
    pub fn requests(&self, limit: usize) -> Vec<LoggedRequest> {
        let control = self.control("log");
        self.block_on(async move { control.requests(limit).await })
            .unwrap()
    }
}

/// Starts an emulator with `config` on a 2-worker runtime of its own thread.
pub fn start_server(config: telnyx_emulator::EmulatorConfig) -> Server {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt.handle().clone();
        rt.block_on(async move {
            let emu = telnyx_emulator::Emulator::start(config).await.unwrap();
            tx.send((emu.base_url(), handle)).unwrap();
            std::future::pending::<()>().await;
            drop(emu);
        });
    });
    let (base_url, runtime): (String, _) = rx.recv().unwrap();
    let root = base_url.trim_end_matches("/v2").to_string();
    Server {
        base_url,
        root,
        runtime,
    }
}

/// The `telnyx` binary with only `PATH` (and `HOME`) from the environment, an empty config
/// directory and no keyring, cut at `timeout_secs`.
pub fn telnyx_bin(timeout_secs: u64) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_telnyx"));
    c.env_clear();
    if let Some(p) = std::env::var_os("PATH") {
        c.env("PATH", p);
    }
    if let Some(h) = std::env::var_os("HOME") {
        c.env("HOME", h);
    }
    // Never the user's config or keyring: an empty config directory of this test process.
    let config =
        std::env::temp_dir().join(format!("telnyx-cli-tests-{}-no-config", std::process::id()));
    c.env("TELNYX_CONFIG_DIR", config)
        .env("TELNYX_KEYRING", "file");
    c.timeout(std::time::Duration::from_secs(timeout_secs));
    c
}

/// The binary with a clean environment, cut at 60 s.
pub fn telnyx() -> Command {
    telnyx_bin(60)
}

/// The binary with a clean environment, pointed at the emulator at `base_url` as the
/// account of `key`, cut at `timeout_secs`.
pub fn against(base_url: &str, key: &str, timeout_secs: u64) -> Command {
    let mut c = telnyx_bin(timeout_secs);
    c.args(["--base-url", base_url, "--api-key", key]);
    c
}

/// A spawned process whose stdout and stderr are read line by line on threads; killed on
/// drop. Reads wait at most [`LINE_WAIT`] (a guard against a hang, not a timed assertion).
pub struct Running {
    /// The process.
    pub child: std::process::Child,
    stdout: std::sync::mpsc::Receiver<String>,
    stderr: std::sync::mpsc::Receiver<String>,
    /// Every stderr line read so far.
    seen_err: std::sync::Mutex<Vec<String>>,
}

/// Longest wait for one line of output.
/// The usage record types the emulator generates (its seeded types, by `filter[record_type]`
/// name), in its order: the usage tests and the console chart test walk all of them.
pub const USAGE_TYPES: [&str; 8] = [
    "messaging",
    "call-control",
    "conference",
    "conference-participant",
    "amd",
    "verify",
    "wireless",
    "media_storage",
];

pub const LINE_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

fn lines(r: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(r).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Running {
    /// Starts `cmd` with stdin closed and stdout/stderr piped.
    pub fn spawn(mut cmd: std::process::Command) -> Running {
        use std::process::Stdio;
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        Running {
            child,
            stdout,
            stderr,
            seen_err: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The next stdout line.
    pub fn next_out(&self) -> String {
        self.stdout
            .recv_timeout(LINE_WAIT)
            .expect("a line on stdout")
    }

    /// The next stderr line.
    pub fn next_err(&self) -> String {
        let line = self
            .stderr
            .recv_timeout(LINE_WAIT)
            .expect("a line on stderr");
        self.seen_err.lock().unwrap().push(line.clone());
        line
    }

    /// Every stderr line: those read so far and, once the process has exited, the rest.
    pub fn all_err(&self) -> Vec<String> {
        let mut all = self.seen_err.lock().unwrap().clone();
        while let Ok(line) = self.stderr.recv_timeout(LINE_WAIT) {
            all.push(line);
        }
        all
    }

    /// The next stdout line containing `needle`.
    pub fn out_containing(&self, needle: &str) -> String {
        loop {
            let line = self.next_out();
            if line.contains(needle) {
                return line;
            }
        }
    }

    /// The next stderr line containing `needle`.
    pub fn err_containing(&self, needle: &str) -> String {
        loop {
            let line = self.next_err();
            if line.contains(needle) {
                return line;
            }
        }
    }

    /// Waits (at most [`LINE_WAIT`]) for the process to exit; its exit code.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let deadline = std::time::Instant::now() + LINE_WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the process did not exit"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
