//! How a launcher starts the `telnyx-emulator` binary (the npm and PyPI packages):
//! `--bind 127.0.0.1:0 --ready-json` prints the chosen address as the first stdout line, and
//! `--exit-on-stdin-close` ends the process when its parent goes away.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn emulator(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_telnyx-emulator"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn first_line(stdout: ChildStdout) -> (String, BufReader<ChildStdout>) {
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line).expect("read stdout");
    (line, reader)
}

/// Waits for the process to exit; a process still running after a minute is a failure (a
/// bound for a hung test, not a timing assertion).
fn wait_exit(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("telnyx-emulator {} did not exit", child.id());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn ready_json_is_the_first_line_and_names_the_chosen_port() {
    let mut child = emulator(&[
        "--bind",
        "127.0.0.1:0",
        "--ready-json",
        "--exit-on-stdin-close",
    ])
    .spawn()
    .expect("spawn telnyx-emulator");
    let (line, mut rest) = first_line(child.stdout.take().expect("stdout"));
    assert!(line.ends_with('\n') && line.trim_end().lines().count() == 1);
    let ready: Value = serde_json::from_str(&line).expect("the first line is JSON");
    let port = ready["port"].as_u64().expect("port");
    assert_ne!(port, 0, "the chosen port, not the requested 0");
    assert_eq!(ready["host"], "127.0.0.1");
    assert_eq!(ready["base_url"], format!("http://127.0.0.1:{port}/v2"));
    assert_eq!(
        ready["control_url"],
        format!("http://127.0.0.1:{port}/_emulator")
    );
    assert_eq!(ready["pid"].as_u64(), Some(u64::from(child.id())));
    assert_eq!(ready["version"], env!("CARGO_PKG_VERSION"));

    // It serves on that port as soon as the line is out.
    let health = reqwest::get(format!("http://127.0.0.1:{port}/_emulator/health"))
        .await
        .expect("GET health");
    assert_eq!(health.status(), 200);
    let balance = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/v2/balance"))
        .bearer_auth("KEY_launch")
        .send()
        .await
        .expect("GET balance");
    assert_eq!(balance.status(), 200);

    // The parent goes away: stdin closes and the emulator exits cleanly, printing nothing more.
    drop(child.stdin.take());
    let status = wait_exit(&mut child);
    assert!(status.success(), "exit status {status}");
    let mut more = String::new();
    rest.read_to_string(&mut more)
        .expect("read the rest of stdout");
    assert_eq!(more, "", "nothing after the ready line on stdout");
}

#[test]
fn without_ready_json_the_line_stays_human() {
    let mut child = emulator(&["--bind", "127.0.0.1:0", "--exit-on-stdin-close"])
        .spawn()
        .expect("spawn telnyx-emulator");
    let (line, mut rest) = first_line(child.stdout.take().expect("stdout"));
    let url = line
        .trim_end()
        .strip_prefix("telnyx-emulator listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let port: u16 = url.strip_suffix("/v2").expect("/v2").parse().expect("port");
    assert_ne!(port, 0);
    let mut console = String::new();
    std::io::BufRead::read_line(&mut rest, &mut console).expect("second line");
    assert_eq!(
        console.trim_end(),
        format!("console: http://127.0.0.1:{port}/console")
    );
    drop(child.stdin.take());
    assert!(wait_exit(&mut child).success());
}

#[test]
fn no_console_prints_no_console_line() {
    let mut child = emulator(&[
        "--bind",
        "127.0.0.1:0",
        "--exit-on-stdin-close",
        "--no-console",
    ])
    .spawn()
    .expect("spawn telnyx-emulator");
    let (_line, mut rest) = first_line(child.stdout.take().expect("stdout"));
    drop(child.stdin.take());
    assert!(wait_exit(&mut child).success());
    let mut after = String::new();
    std::io::Read::read_to_string(&mut rest, &mut after).expect("rest of stdout");
    assert_eq!(after, "", "no console line with --no-console");
}

#[test]
fn a_port_in_use_is_a_clear_error_and_no_ready_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let out = emulator(&["--bind", &addr, "--ready-json"])
        .stdin(Stdio::null())
        .output()
        .expect("run telnyx-emulator");
    assert!(!out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot bind {addr}")),
        "stderr names the address: {stderr}"
    );
}

#[cfg(unix)]
#[test]
fn sigterm_stops_it_cleanly() {
    let mut child = emulator(&["--bind", "127.0.0.1:0", "--ready-json"])
        .spawn()
        .expect("spawn telnyx-emulator");
    let (line, _rest) = first_line(child.stdout.take().expect("stdout"));
    assert!(line.starts_with('{'), "ready line {line:?}");
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(kill.success());
    let status = wait_exit(&mut child);
    assert!(status.success(), "a graceful stop exits 0, got {status}");
}

#[test]
fn help_lists_the_launch_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_telnyx-emulator"))
        .arg("--help")
        .output()
        .expect("run --help");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(help.contains("--ready-json"), "{help}");
    assert!(help.contains("--exit-on-stdin-close"), "{help}");
}
