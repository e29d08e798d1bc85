//! `telnyx auth` and profiles: the real binary against emulators on 127.0.0.1, with the
//! config in a temp directory (`TELNYX_CONFIG_DIR`) and the keyring skipped
//! (`TELNYX_KEYRING=file`): a test never touches the real home or the user's keyring.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::Value;

use crate::common::{self, Server};

const KEY_A: &str = "KEYprofileAaaaaaaaaaaaaa0001";
const KEY_B: &str = "KEYprofileBbbbbbbbbbbbbbb0002";
const KEY_C: &str = "KEYprofileCccccccccccccccc0003";

/// Any key is an account of its own here.
fn open() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| common::start_server(Default::default()))
}

/// Only `KEY_A` is valid here.
fn restricted() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| {
        common::start_server(telnyx_emulator::EmulatorConfig {
            api_keys: vec![KEY_A.into()],
            ..Default::default()
        })
    })
}

/// The binary with its config in `dir` and no keyring.
fn telnyx(dir: &Path) -> Command {
    let mut c = common::telnyx_bin(60);
    c.env("TELNYX_CONFIG_DIR", dir)
        .env("TELNYX_KEYRING", "file");
    c
}

fn login(dir: &Path, base_url: &str, profile: &str, key: &str, extra: &[&str]) -> Output {
    telnyx(dir)
        .args([
            "auth",
            "login",
            "--with-key",
            "--base-url",
            base_url,
            "--profile",
            profile,
        ])
        .args(extra)
        .write_stdin(format!("{key}\n"))
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Adds `amount` to the account of `key` so accounts can be told apart by their balance.
fn top_up(srv: &Server, key: &str, amount: &str) {
    let o = common::against(&srv.base_url, key, 60)
        .args(["payment", "create", "--amount", amount, "--yes"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
}

/// The balance a command sees, with these extra args and env.
fn balance(cmd: &mut Command) -> String {
    let o = cmd.args(["balance", "-o", "json"]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["balance"].as_str().unwrap().to_string()
}

#[test]
fn login_stores_the_key_outside_the_config_and_profiles_follow_the_precedence() {
    let srv = open();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Three accounts with three balances.
    let base: rust_decimal::Decimal =
        balance(common::against(&srv.base_url, KEY_C, 60).arg("--no-color"))
            .parse()
            .unwrap();
    top_up(srv, KEY_A, "10.00");
    top_up(srv, KEY_B, "20.00");
    let (bal_a, bal_b, bal_c) = (
        (base + rust_decimal::Decimal::new(10, 0)).to_string(),
        (base + rust_decimal::Decimal::new(20, 0)).to_string(),
        base.to_string(),
    );

    let o = login(d, &srv.base_url, "work", KEY_A, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no OS keyring available"),
        "never silent: {err}"
    );
    assert!(err.contains("credentials.json"), "{err}");
    assert!(!err.contains(KEY_A), "the key is never printed: {err}");
    let o = login(d, &srv.base_url, "home", KEY_B, &["-o", "json"]);
    assert!(o.status.success(), "{}", text(&o));

    // The config holds names and base URLs, never a key; the key file is the user's only.
    let config = std::fs::read_to_string(d.join("config.json")).unwrap();
    assert!(
        !config.contains(KEY_A) && !config.contains(KEY_B),
        "{config}"
    );
    let cfg: Value = serde_json::from_str(&config).unwrap();
    assert_eq!(
        cfg["default_profile"], "work",
        "the first profile is the default"
    );
    assert_eq!(cfg["profiles"]["home"]["base_url"], srv.base_url.as_str());
    assert_eq!(cfg["profiles"]["home"]["output"], "json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("credentials.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The default profile, then --profile / TELNYX_PROFILE, then TELNYX_API_KEY, then --api-key.
    assert_eq!(balance(&mut telnyx(d)), bal_a);
    assert_eq!(balance(telnyx(d).args(["--profile", "home"])), bal_b);
    assert_eq!(balance(telnyx(d).env("TELNYX_PROFILE", "home")), bal_b);
    assert_eq!(
        balance(
            telnyx(d)
                .env("TELNYX_PROFILE", "home")
                .args(["--profile", "work"])
        ),
        bal_a,
        "--profile beats TELNYX_PROFILE"
    );
    let with_env = |c: &mut Command| {
        c.env("TELNYX_API_KEY", KEY_C)
            .env("TELNYX_BASE_URL", &srv.base_url);
    };
    let mut c = telnyx(d);
    with_env(&mut c);
    assert_eq!(
        balance(c.args(["--profile", "home"])),
        bal_c,
        "TELNYX_API_KEY beats --profile"
    );
    let mut c = telnyx(d);
    with_env(&mut c);
    assert_eq!(
        balance(c.args(["--api-key", KEY_B])),
        bal_b,
        "--api-key beats TELNYX_API_KEY"
    );

    // The profile's output format applies unless --output is given.
    let o = telnyx(d)
        .args(["--profile", "home", "balance"])
        .output()
        .unwrap();
    assert!(
        serde_json::from_slice::<Value>(&o.stdout).is_ok(),
        "{}",
        text(&o)
    );
    let o = telnyx(d)
        .args(["--profile", "home", "balance", "-o", "table"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Balance"),
        "{}",
        text(&o)
    );

    // status: every profile, its store, the key masked, and what a command would use.
    let o = telnyx(d)
        .args(["auth", "status"])
        .env("TELNYX_PROFILE", "home")
        .output()
        .unwrap();
    let s = text(&o);
    assert!(o.status.success(), "{s}");
    assert!(s.contains("work") && s.contains("home"), "{s}");
    assert!(s.contains("KEY…0001") && s.contains("KEY…0002"), "{s}");
    assert!(!s.contains(KEY_A) && !s.contains(KEY_B), "{s}");
    assert!(s.contains("profile home (TELNYX_PROFILE)"), "{s}");
    let o = telnyx(d)
        .args(["auth", "status", "-o", "json"])
        .env("TELNYX_API_KEY", KEY_C)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["in_use"], "TELNYX_API_KEY");
    assert_eq!(v["in_use_key"], "KEY…0003");

    // doctor names the profile the key came from, not the flag it was filled into.
    let o = telnyx(d).args(["doctor", "-o", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", text(&o)));
    assert_eq!(v["key_source"], "profile work (default profile)", "{v}");
    assert_eq!(v["key"], "KEY…0001");

    // logout removes the profile and its key; the default goes with it.
    let o = telnyx(d)
        .args(["auth", "logout", "--profile", "work"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let creds = std::fs::read_to_string(d.join("credentials.json")).unwrap();
    assert!(!creds.contains(KEY_A) && creds.contains(KEY_B), "{creds}");
    let o = telnyx(d).arg("balance").output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(3),
        "no default profile, no key: {}",
        text(&o)
    );
}

#[test]
fn an_invalid_key_is_not_stored() {
    let srv = restricted();
    let dir = tempfile::tempdir().unwrap();
    let o = login(
        dir.path(),
        &srv.base_url,
        "bad",
        "KEYnotvalidnotvalid0000",
        &[],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let s = text(&o);
    assert!(s.contains("not stored"), "{s}");
    assert!(s.contains("401"), "the reason: {s}");
    assert!(!dir.path().join("config.json").exists());
    assert!(!dir.path().join("credentials.json").exists());
    // The valid one is.
    let o = login(dir.path(), &srv.base_url, "good", KEY_A, &[]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn a_corrupt_config_is_named_with_its_line_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.json");
    let corrupt = "{\n  \"default_profile\": \"x\",\n  \"profiles\": {\n    \"x\": {\"key_store\": \"file\"\n  }\n";
    std::fs::write(&path, corrupt).unwrap();
    for args in [
        &["balance"][..],
        &["auth", "status"],
        &["auth", "logout", "--profile", "x"],
    ] {
        let o = telnyx(dir.path()).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        let s = text(&o);
        assert!(
            s.contains(&path.display().to_string()) && s.contains("line 6"),
            "{s}"
        );
    }
    let o = login(dir.path(), &open().base_url, "y", KEY_A, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), corrupt);
    assert!(
        !dir.path().join("credentials.json").exists(),
        "nothing stored"
    );
}

#[test]
fn an_unknown_profile_lists_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let o = login(dir.path(), &open().base_url, "alpha", KEY_A, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let o = login(dir.path(), &open().base_url, "beta", KEY_B, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let o = telnyx(dir.path())
        .args(["--profile", "gamma", "balance"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let s = text(&o);
    assert!(s.contains("\"gamma\"") && s.contains("alpha, beta"), "{s}");
    assert!(s.contains("telnyx auth login --profile gamma"), "{s}");
}

#[test]
fn login_without_a_terminal_or_with_key_says_how() {
    let dir = tempfile::tempdir().unwrap();
    let o = telnyx(dir.path())
        .args(["auth", "login"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("--with-key"), "{}", text(&o));
}

/// The prompt on a real terminal (a pty from util-linux `script`): the key is read without
/// echo. Skips without `script`, unless `CI=true`.
#[test]
fn the_prompt_on_a_terminal_does_not_echo_the_key() {
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI needs util-linux `script` for the terminal prompt test"
        );
        eprintln!("skipping: no `script` (util-linux) to give the prompt a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cmd = format!(
        "{} --base-url {} auth login --profile tty",
        env!("CARGO_BIN_EXE_telnyx"),
        open().base_url
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("TELNYX_CONFIG_DIR", dir.path())
        .env("TELNYX_KEYRING", "file")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Type the key once the prompt is there (echo goes off right after it is written).
    let (tx, rx) = std::sync::mpsc::channel();
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        let mut told = false;
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if !told && String::from_utf8_lossy(&seen).contains("input hidden") {
                told = true;
                let _ = tx.send(());
            }
        }
        seen
    });
    rx.recv_timeout(common::LINE_WAIT).expect("no prompt");
    std::thread::sleep(std::time::Duration::from_millis(300));
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(format!("{KEY_C}\n").as_bytes()).unwrap();
    }
    let status = child.wait().unwrap();
    let s = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    assert!(status.success(), "{s}");
    assert!(s.contains("input hidden"), "{s}");
    assert!(!s.contains(KEY_C), "the key was echoed: {s}");
    assert!(s.contains("KEY…0003"), "{s}");
    let creds = std::fs::read_to_string(dir.path().join("credentials.json")).unwrap();
    assert!(creds.contains(KEY_C));
}
