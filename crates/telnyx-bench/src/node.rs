//! The official Node SDK harness (`bench.mjs`): installed once under `target/bench-node/`,
//! run with `node`, one JSON line of [`WorkResult`] per run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::child;
use crate::machine::sh;
use crate::sdk_work::WorkResult;

/// The npm `telnyx` version every Node row measures.
pub const NODE_SDK_VERSION: &str = "7.24.0";

/// The row label of the Node SDK.
pub fn label() -> String {
    format!("npm telnyx {NODE_SDK_VERSION} (Node)")
}

/// A ready harness: `bench.mjs` next to a `node_modules` holding `telnyx@7.24.0`.
#[derive(Debug, Clone)]
pub struct NodeHarness {
    script: PathBuf,
}

impl NodeHarness {
    /// Writes the harness into `target/bench-node/` and makes `telnyx` importable there:
    /// a link to `$TELNYX_NODE_SDK_DIR/node_modules` when that holds the right version,
    /// otherwise `npm install` (once). `Err` says why the Node rows are skipped.
    pub fn prepare() -> Result<NodeHarness, String> {
        let ver = sh("node", &["--version"]).ok_or("skipped: node not found on PATH")?;
        let dir = target_dir().join("bench-node");
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if installed_version(&dir).as_deref() != Some(NODE_SDK_VERSION) {
            link_or_install(&dir, &ver)?;
        }
        let script = dir.join("bench.mjs");
        std::fs::write(&script, include_str!("bench.mjs"))
            .map_err(|e| format!("{}: {e}", script.display()))?;
        Ok(NodeHarness { script })
    }

    /// Runs `node bench.mjs args...` (at most 15 minutes).
    pub fn run(&self, args: &[String]) -> Result<WorkResult, String> {
        let mut cmd = Command::new("node");
        cmd.arg(&self.script).args(args);
        child::parse_last_json(&child::run_capture(cmd, Duration::from_secs(900))?)
    }

    /// A scratch file next to the harness (e.g. a page for `decode`).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.script.with_file_name(name)
    }
}

/// `<target>/`: `CARGO_TARGET_DIR`, or two levels above this executable.
fn target_dir() -> PathBuf {
    if let Ok(d) = std::env::var("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    // <target>/<profile>/telnyx-bench
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().and_then(|p| p.parent()).map(|p| p.to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("target"))
}

fn installed_version(dir: &Path) -> Option<String> {
    let pkg = dir.join("node_modules/telnyx/package.json");
    let text = std::fs::read_to_string(pkg).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("version")?.as_str().map(String::from)
}

fn link_or_install(dir: &Path, node_version: &str) -> Result<(), String> {
    if let Some(sdk) = std::env::var_os("TELNYX_NODE_SDK_DIR").map(PathBuf::from) {
        if installed_version(&sdk).as_deref() == Some(NODE_SDK_VERSION) {
            let link = dir.join("node_modules");
            let _ = std::fs::remove_file(&link);
            #[cfg(unix)]
            std::os::unix::fs::symlink(sdk.join("node_modules"), &link)
                .map_err(|e| format!("linking {}: {e}", link.display()))?;
            eprintln!("using telnyx@{NODE_SDK_VERSION} from {}", sdk.display());
            return Ok(());
        }
    }
    eprintln!(
        "installing telnyx@{NODE_SDK_VERSION} into {} (node {node_version})",
        dir.display()
    );
    let mut cmd = Command::new("npm");
    cmd.arg("install")
        .arg("--prefix")
        .arg(dir)
        .args(["--no-audit", "--no-fund", "--loglevel=error"])
        .arg(format!("telnyx@{NODE_SDK_VERSION}"));
    child::run_capture(cmd, Duration::from_secs(300))
        .map(drop)
        .map_err(|e| format!("skipped: npm install telnyx@{NODE_SDK_VERSION} failed: {e}"))
}
