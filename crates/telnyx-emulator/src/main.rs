//! `telnyx-emulator`: a stateful local Telnyx Account API server.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};
use telnyx_emulator::config::ReadyLine;
use telnyx_emulator::{Emulator, ServerArgs};

/// A stateful local Telnyx Account API for offline development and CI.
#[derive(Debug, Parser)]
#[command(name = "telnyx-emulator", version, about)]
struct Cli {
    #[command(flatten)]
    server: ServerArgs,
    /// Print the ready line as one JSON object (base_url, control_url, host, port, pid,
    /// version), the first and only line on stdout; for programs that start the emulator
    /// with `--bind 127.0.0.1:0` and need the chosen port.
    #[arg(long)]
    ready_json: bool,
    /// Exit when standard input closes (the parent went away), so a test run that crashes
    /// leaves no emulator behind. Library launchers (npm, PyPI) pass it with a pipe.
    #[arg(long)]
    exit_on_stdin_close: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    // `--api-key` is this binary's historical name of `--accept-key` (the `telnyx` CLI keeps
    // `--api-key` for its own client key).
    let matches = Cli::command()
        .mut_arg("accept_keys", |a| a.visible_alias("api-key"))
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    // Listen for stop signals before the ready line: a launcher may signal right after it.
    let signals = StopSignals::listen();
    // Watch stdin before binding, so a parent that is already gone is noticed.
    let stdin_closed = cli.exit_on_stdin_close.then(watch_stdin);
    let emu = match Emulator::start(cli.server.config()).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("telnyx-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    if cli.ready_json {
        println!(
            "{}",
            ReadyLine::new(emu.addr(), std::process::id()).to_json()
        );
    } else {
        println!("telnyx-emulator listening on {}", emu.base_url());
        if let Some(console) = emu.console_url() {
            println!("console: {console}");
        }
    }
    signals.or_stdin_closed(stdin_closed).await;
    emu.shutdown().await;
    ExitCode::SUCCESS
}

/// Reads stdin to its end on a plain thread (a tokio blocking read would keep the runtime
/// from shutting down) and reports when it closes.
fn watch_stdin() -> tokio::sync::oneshot::Receiver<()> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        use std::io::Read as _;
        let mut sink = [0u8; 1024];
        let mut stdin = std::io::stdin().lock();
        // Data on stdin is ignored; EOF or a read error means the parent is gone.
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        let _ = tx.send(());
    });
    rx
}

/// Ctrl-C and, on Unix, SIGTERM: their handlers are installed by [`StopSignals::listen`], so a
/// signal that arrives before the server is ready still stops it gracefully.
struct StopSignals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    #[cfg(unix)]
    fn listen() -> StopSignals {
        use tokio::signal::unix::{signal, SignalKind};
        StopSignals {
            interrupt: signal(SignalKind::interrupt()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
        }
    }

    #[cfg(not(unix))]
    fn listen() -> StopSignals {
        StopSignals {}
    }

    /// Waits for a signal or, when watched, stdin closing.
    async fn or_stdin_closed(self, stdin_closed: Option<tokio::sync::oneshot::Receiver<()>>) {
        let stdin = async {
            match stdin_closed {
                Some(rx) => {
                    let _ = rx.await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = self.signalled() => {}
            _ = stdin => {}
        }
    }

    #[cfg(unix)]
    async fn signalled(mut self) {
        async fn recv(s: Option<&mut tokio::signal::unix::Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            _ = recv(self.interrupt.as_mut()) => {}
            _ = recv(self.terminate.as_mut()) => {}
        }
    }

    #[cfg(not(unix))]
    async fn signalled(self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
