//! Where `telnyx auth login` keeps API keys: the OS keyring (macOS Keychain, Windows
//! Credential Manager, the Secret Service on Linux), or, where none is available, a file
//! readable only by the user (`credentials.json`, mode 0600, in the config directory). The
//! fallback is always announced on stderr, never silent. `TELNYX_KEYRING=file` skips the
//! keyring (tests, headless machines).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::exit::CliError;

/// The keyring service name the keys are stored under (the profile is the user name).
pub const SERVICE: &str = "telnyx-cli";
/// The fallback file's name in the config directory.
pub const CREDENTIALS_FILE: &str = "credentials.json";

/// Where a profile's key is kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStore {
    /// The OS keyring.
    Keyring,
    /// `credentials.json` (0600) in the config directory.
    #[default]
    File,
}

impl KeyStore {
    /// How `auth status` names it.
    pub fn describe(self, dir: &Path) -> String {
        match self {
            KeyStore::Keyring => format!("OS keyring (service {SERVICE})"),
            KeyStore::File => format!("file {}", dir.join(CREDENTIALS_FILE).display()),
        }
    }
}

/// The fallback file's content: profile name → key.
#[derive(Default, Serialize, Deserialize)]
struct Credentials {
    #[serde(default)]
    keys: BTreeMap<String, String>,
}

/// True when `TELNYX_KEYRING=file` asks to skip the OS keyring.
fn keyring_skipped() -> bool {
    std::env::var("TELNYX_KEYRING").is_ok_and(|v| v.trim().eq_ignore_ascii_case("file"))
}

/// Runs a keyring call on a plain thread: the Linux backend drives its own async runtime,
/// which must not start inside this process's tokio runtime.
fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> keyring::Result<T> + Send + 'static,
) -> keyring::Result<T> {
    std::thread::spawn(f).join().unwrap_or_else(|_| {
        Err(keyring::Error::PlatformFailure(
            "the keyring backend panicked".into(),
        ))
    })
}

/// Stores `key` for `profile`: in the keyring when one works (checked by reading it back
/// through a fresh handle), else in the 0600 file, saying so on stderr.
pub fn save(dir: &Path, profile: &str, key: &str) -> Result<KeyStore, CliError> {
    let why_not = if keyring_skipped() {
        "TELNYX_KEYRING=file".to_string()
    } else {
        let (p, k) = (profile.to_string(), key.to_string());
        let stored = off_runtime(move || {
            keyring::Entry::new(SERVICE, &p)?.set_password(&k)?;
            keyring::Entry::new(SERVICE, &p)?.get_password()
        });
        match stored {
            Ok(back) if back == key => {
                // A key left in the file by an earlier login would shadow nothing, but it
                // should not outlive the move to the keyring.
                remove_from_file(dir, profile)?;
                return Ok(KeyStore::Keyring);
            }
            Ok(_) => "the keyring returned a different value than was stored".to_string(),
            Err(e) => e.to_string(),
        }
    };
    let path = dir.join(CREDENTIALS_FILE);
    eprintln!(
        "note: no OS keyring available ({why_not}); storing the key in {} (readable only by you)",
        path.display()
    );
    let mut creds = read_file(dir)?;
    creds.keys.insert(profile.to_string(), key.to_string());
    write_file(dir, &creds)?;
    Ok(KeyStore::File)
}

/// The key of `profile` from `store`; an error that says how to log in again when it is gone.
pub fn load(dir: &Path, profile: &str, store: KeyStore) -> Result<String, CliError> {
    let missing = |why: String| CliError::Setup {
        message: format!("the key of profile {profile:?} is not in the {why}"),
        hint: format!("store it again with `telnyx auth login --profile {profile}`"),
    };
    match store {
        KeyStore::Keyring => {
            let p = profile.to_string();
            off_runtime(move || keyring::Entry::new(SERVICE, &p)?.get_password())
                .map_err(|e| missing(format!("OS keyring ({e})")))
        }
        KeyStore::File => read_file(dir)?
            .keys
            .remove(profile)
            .ok_or_else(|| missing(format!("file {}", dir.join(CREDENTIALS_FILE).display()))),
    }
}

/// Removes the key of `profile` from wherever it is (keyring and file); true if one was found.
pub fn delete(dir: &Path, profile: &str) -> Result<bool, CliError> {
    let in_keyring = !keyring_skipped() && {
        let p = profile.to_string();
        off_runtime(move || keyring::Entry::new(SERVICE, &p)?.delete_credential()).is_ok()
    };
    let in_file = remove_from_file(dir, profile)?;
    Ok(in_keyring || in_file)
}

fn remove_from_file(dir: &Path, profile: &str) -> Result<bool, CliError> {
    let path = dir.join(CREDENTIALS_FILE);
    if !path.exists() {
        return Ok(false);
    }
    let mut creds = read_file(dir)?;
    let found = creds.keys.remove(profile).is_some();
    if found {
        write_file(dir, &creds)?;
    }
    Ok(found)
}

fn read_file(dir: &Path) -> Result<Credentials, CliError> {
    let path = dir.join(CREDENTIALS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| CliError::Setup {
            message: format!(
                "{} is not valid: line {} column {}: {e}",
                path.display(),
                e.line(),
                e.column()
            ),
            hint: "fix the file, or remove it and log in again with `telnyx auth login` (it was left untouched)".into(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Credentials::default()),
        Err(e) => Err(CliError::io(format!("reading {}", path.display()), e)),
    }
}

fn write_file(dir: &Path, creds: &Credentials) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(creds).map_err(|e| CliError::Other(e.to_string()))?;
    write_private(&dir.join(CREDENTIALS_FILE), &text)
}

/// Writes `text` to `path` atomically, readable only by the user: a temp file (created 0600)
/// in the same directory (created 0700 if missing), renamed over the old one.
pub fn write_private(path: &Path, text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let dir = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    create_private_dir(&dir)?;
    let ctx = || format!("writing {}", path.display());
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| CliError::io(ctx(), e))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| CliError::io(ctx(), e))?;
    tmp.persist(path)
        .map_err(|e| CliError::io(ctx(), e.error))?;
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
        .map_err(|e| CliError::io(format!("creating {}", dir.display()), e))
}

/// A key as `auth status` and `doctor` show it: its first three and last four characters.
pub fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 16 {
        return "…****".to_string();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_only_a_prefix_and_the_last_four() {
        assert_eq!(mask("KEY0123456789ABCDEFwxyz"), "KEY…wxyz");
        assert_eq!(mask("short"), "…****");
        assert!(!mask("KEY0123456789ABCDEFwxyz").contains("0123"));
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("telnyx");
        write_private(&sub.join("x.json"), "{}").unwrap();
        let mode = std::fs::metadata(sub.join("x.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let mode = std::fs::metadata(&sub).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
