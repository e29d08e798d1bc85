//! Helpers shared by the CLI's end-to-end tests: an emulator served from a background
//! thread for the whole test process, and the real binary with a clean environment.
#![allow(dead_code, clippy::unwrap_used)]

use assert_cmd::Command;

/// A running emulator on 127.0.0.1:0, kept until the test process exits.
pub struct Server {
    /// `http://127.0.0.1:PORT/v2`.
    pub base_url: String,
    /// `http://127.0.0.1:PORT` (for `/_emulator/...`).
    pub root: String,
    /// The runtime that serves it (for a test's own async calls).
    pub runtime: tokio::runtime::Handle,
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

/// The `telnyx` binary with only `PATH` (and `HOME`) from the environment, cut at `timeout_secs`.
pub fn telnyx_bin(timeout_secs: u64) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_telnyx"));
    c.env_clear();
    if let Some(p) = std::env::var_os("PATH") {
        c.env("PATH", p);
    }
    if let Some(h) = std::env::var_os("HOME") {
        c.env("HOME", h);
    }
    c.timeout(std::time::Duration::from_secs(timeout_secs));
    c
}
