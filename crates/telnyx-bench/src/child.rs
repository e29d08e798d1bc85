//! Child processes: servers that run until dropped, and one-shot workers that print JSON.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// This executable, to re-run as a child with a hidden subcommand.
pub fn self_exe() -> Result<std::path::PathBuf, String> {
    std::env::current_exe().map_err(|e| format!("current_exe: {e}"))
}

/// A server child process. Killed (and reaped) on drop; it also exits by itself when its
/// stdin closes, so it cannot outlive the bench.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    /// Spawn `telnyx-bench <args>` and wait (bounded) for its `READY <url>` line.
    pub fn spawn(args: &[String], timeout: Duration) -> Result<Server, String> {
        let mut child = Command::new(self_exe()?)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("spawn {args:?}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref() {
                match line {
                    Ok(l) if l.starts_with("READY ") => {
                        let _ = tx.send(Ok(l["READY ".len()..].trim().to_string()));
                        break;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                        return;
                    }
                }
            }
            // Keep draining so the child never blocks on a full pipe.
            for _ in lines {}
        });
        let url = match rx.recv_timeout(timeout) {
            Ok(Ok(url)) => url,
            Ok(Err(e)) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{args:?}: {e}"));
            }
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().ok();
                return Err(format!(
                    "{args:?}: not ready within {timeout:?} (exit status {status:?})"
                ));
            }
        };
        Ok(Server { child, url })
    }

    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run `cmd` to completion (killed after `timeout`), returning its stdout. Non-zero exit
/// is an error carrying the tail of stderr.
pub fn run_capture(mut cmd: Command, timeout: Duration) -> Result<String, String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn {cmd:?}: {e}"))?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{cmd:?}: killed after {timeout:?}"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let out = out_t.join().unwrap_or_default();
    let err = err_t.join().unwrap_or_default();
    if !status.success() {
        let tail: String = err
            .chars()
            .rev()
            .take(2000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return Err(format!("exit {status}: {}", tail.trim()));
    }
    Ok(out)
}

/// Run this executable with `args` and parse the last stdout line as JSON.
pub fn run_self_json<T: serde::de::DeserializeOwned>(
    args: &[String],
    timeout: Duration,
) -> Result<T, String> {
    let mut cmd = Command::new(self_exe()?);
    cmd.args(args);
    parse_last_json(&run_capture(cmd, timeout)?)
}

pub fn parse_last_json<T: serde::de::DeserializeOwned>(out: &str) -> Result<T, String> {
    let line = out
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .ok_or_else(|| {
            format!(
                "no JSON line in output: {}",
                out.chars().take(500).collect::<String>()
            )
        })?;
    serde_json::from_str(line).map_err(|e| format!("bad JSON {line}: {e}"))
}

/// Pick a free loopback port (bind :0, read it, release it).
pub fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// One line of a (possibly multi-line, stack-traced) child error, for a table note.
pub fn short_err(e: &str) -> String {
    let line = e
        .lines()
        .find(|l| l.contains("Error") || l.contains("error:"))
        .or_else(|| e.lines().next())
        .unwrap_or("")
        .trim();
    line.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct R {
        n: u64,
    }

    #[test]
    fn last_json_line_wins_over_log_lines() {
        let out = "installing...\n{\"n\":1}\nnoise\n{\"n\":2}\n";
        assert_eq!(parse_last_json::<R>(out).unwrap(), R { n: 2 });
        assert!(parse_last_json::<R>("no json here").is_err());
    }

    #[test]
    fn short_err_keeps_the_error_line() {
        let e = "exit 1: at foo\nTypeError: fetch failed\n    at bar";
        assert_eq!(short_err(e), "TypeError: fetch failed");
        assert_eq!(short_err("plain"), "plain");
    }

    #[test]
    fn free_port_is_loopback_and_nonzero() {
        assert_ne!(free_port().unwrap(), 0);
    }
}
