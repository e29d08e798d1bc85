//! Running one test in a process of its own: for tests that touch process-wide state
//! (environment variables, `tracing`'s callsite cache), which the other tests of this binary
//! share while they run on other threads.

/// Set in the child process that runs the test alone.
const CHILD: &str = "TELNYX_TEST_ALONE";

/// True in the child process, where the caller runs its body. In the parent, runs this same
/// test binary again with only `test` (its full path, e.g. `webhooks::from_env_reads_key`) on
/// one thread, fails with the child's output unless it passed, and returns false.
pub fn in_own_process(test: &str) -> bool {
    if std::env::var_os(CHILD).is_some() {
        return true;
    }
    let exe = std::env::current_exe().expect("the path of this test binary");
    let out = std::process::Command::new(exe)
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .expect("run this test binary again for one test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{test} failed in its own process:\n{stdout}\n{stderr}"
    );
    // The child ran the test rather than filtering it away (a mistyped path runs nothing).
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "{test} did not run in its own process:\n{stdout}\n{stderr}"
    );
    false
}
