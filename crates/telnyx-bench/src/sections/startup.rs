//! Emulator startup: spawn to first 200 and in-process start, against the bare axum hello
//! world. Records the hello world's spawn-to-ready time for the seeding section.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::child;
use crate::ctx::{Ctx, READY_TIMEOUT};
use crate::error::BenchError;
use crate::report::{f2, ratio, Section, Table};
use crate::stats;

/// The section; runs first, before anything else loads the machine.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    let reps = if ctx.cfg.quick { 3 } else { 7 };
    let (hello, emu) = spawn_to_ready_medians(reps)?;
    ctx.set_hello_spawn_ms(hello);
    let mut table = Table::new(
        "Emulator: startup to ready",
        &[
            "what",
            "hello world (baseline) ms",
            "emulator ms",
            "emulator / hello",
        ],
    );
    table.row(vec![
        format!("process spawn to first 200 (median of {reps})"),
        f2(hello),
        f2(emu),
        ratio(emu / hello),
    ]);
    if let Some((ih, ie)) = in_process_start(reps)? {
        table.row(vec![
            format!("in-process bind until ready (`Emulator::start`; median of {reps})"),
            f2(ih),
            f2(ie),
            ratio(ie / ih),
        ]);
    }
    table.notes.push("Spawn-to-ready polls `GET /` (hello) or `GET /_emulator/health` (emulator) every 0.5 ms on a port chosen before the spawn.".into());
    Ok(Section::of(table))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// (hello ms, emulator ms), medians of `reps` interleaved spawns.
fn spawn_to_ready_medians(reps: usize) -> Result<(f64, f64), BenchError> {
    let mut hello = Vec::new();
    let mut emu = Vec::new();
    for _ in 0..reps {
        // Interleaved so that drift in machine load hits both alike.
        hello.push(spawn_to_ready("serve-hello", "/")?);
        emu.push(spawn_to_ready("serve-emulator", "/_emulator/health")?);
    }
    Ok((ms(stats::median(&hello)), ms(stats::median(&emu))))
}

/// Status code of `GET path` on 127.0.0.1:port, or None (refused, reset, garbage).
fn probe(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).ok()?;
    let head = std::str::from_utf8(&buf[..n]).ok()?;
    head.split_whitespace().nth(1)?.parse().ok()
}

/// Spawn `sub` on a fixed free port and poll `path` until it answers 200: spawn-to-ready.
fn spawn_to_ready(sub: &str, path: &str) -> Result<Duration, BenchError> {
    let port = child::free_port()?;
    let t0 = Instant::now();
    let mut c = Command::new(child::self_exe()?)
        .args([sub, "--port", &port.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| BenchError::Failed(format!("spawn {sub}: {e}")))?;
    let res = loop {
        if probe(port, path) == Some(200) {
            break Ok(t0.elapsed());
        }
        if t0.elapsed() > READY_TIMEOUT {
            break Err(BenchError::Invalid(format!(
                "{sub} not ready in {READY_TIMEOUT:?}"
            )));
        }
        if let Ok(Some(st)) = c.try_wait() {
            break Err(BenchError::Invalid(format!("{sub} exited early: {st}")));
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    let _ = c.kill();
    let _ = c.wait();
    res
}

/// (hello ms, emulator ms) for starting the server inside this process.
#[cfg(feature = "emulator")]
fn in_process_start(reps: usize) -> Result<Option<(f64, f64)>, BenchError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BenchError::Failed(format!("tokio runtime: {e}")))?;
    rt.block_on(async {
        let mut hello = Vec::new();
        let mut emu = Vec::new();
        for _ in 0..reps {
            let t0 = Instant::now();
            let (_addr, h) = crate::servers::start_hello(0).await?;
            hello.push(t0.elapsed());
            h.abort();
            let t0 = Instant::now();
            let e = telnyx_emulator::Emulator::start(telnyx_emulator::EmulatorConfig::default())
                .await
                .map_err(|e| BenchError::Failed(format!("Emulator::start: {e}")))?;
            emu.push(t0.elapsed());
            e.shutdown().await;
        }
        Ok(Some((ms(stats::median(&hello)), ms(stats::median(&emu)))))
    })
}

#[cfg(not(feature = "emulator"))]
fn in_process_start(_reps: usize) -> Result<Option<(f64, f64)>, BenchError> {
    Ok(None)
}
