//! Profiles: named accounts in a config file (`config.json` in the platform's config
//! directory, or `TELNYX_CONFIG_DIR`), each with its base URL and default output format.
//! The file never holds a key: keys live in the OS keyring or the 0600 fallback file
//! ([`crate::keystore`]).
//!
//! Which key a command uses, first match wins: `--api-key`, `TELNYX_API_KEY`, the profile
//! named by `--profile` / `TELNYX_PROFILE`, the default profile. A profile's base URL applies
//! unless `--base-url` / `TELNYX_BASE_URL` is given; its output format unless `--output` is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::GlobalArgs;
use crate::exit::CliError;
use crate::keystore::{self, KeyStore};

/// The config file's name in the config directory.
pub const CONFIG_FILE: &str = "config.json";

/// The config file.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Config {
    /// The profile used when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    /// The profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile (never its key).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Profile {
    /// The API base URL (absent: the Telnyx API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Default `--output` (table, json, jsonl, csv).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Where its key is kept.
    pub key_store: KeyStore,
}

/// The config directory: `TELNYX_CONFIG_DIR`, else the platform's (`$XDG_CONFIG_HOME/telnyx`
/// or `~/.config/telnyx` on Linux, `~/Library/Application Support/com.telnyx.telnyx` on
/// macOS, `%APPDATA%\telnyx\telnyx\config` on Windows).
pub fn config_dir() -> Result<PathBuf, CliError> {
    if let Some(d) = std::env::var_os("TELNYX_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("com", "telnyx", "telnyx")
        .map(|p| p.config_dir().to_path_buf())
        .ok_or_else(|| CliError::Setup {
            message: "no home directory to keep the config in".into(),
            hint: "set TELNYX_CONFIG_DIR to a directory of your own".into(),
        })
}

impl Config {
    /// The config in `dir` (empty when there is no file). A file that does not parse is an
    /// error naming its line, and is left as it is.
    pub fn load(dir: &Path) -> Result<Config, CliError> {
        let path = dir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(CliError::io(format!("reading {}", path.display()), e)),
        };
        let config: Config = serde_json::from_str(&text).map_err(|e| CliError::Setup {
            message: format!(
                "the config file {} is not valid: line {} column {}: {e}",
                path.display(),
                e.line(),
                e.column()
            ),
            hint: "fix that line (the file was left untouched), or move the file away and log in again with `telnyx auth login`".into(),
        })?;
        for (name, p) in &config.profiles {
            if let Some(o) = &p.output {
                parse_output(o).map_err(|_| CliError::Setup {
                    message: format!(
                        "the config file {}: profile {name:?} has output {o:?}",
                        path.display()
                    ),
                    hint: "use one of table, json, jsonl, csv (the file was left untouched)".into(),
                })?;
            }
        }
        Ok(config)
    }

    /// Writes the config to `dir` atomically.
    pub fn save(&self, dir: &Path) -> Result<(), CliError> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| CliError::Other(e.to_string()))?;
        keystore::write_private(&dir.join(CONFIG_FILE), &(text + "\n"))
    }

    /// The profile called `name`, or an error listing the known ones.
    pub fn profile(&self, name: &str) -> Result<&Profile, CliError> {
        self.profiles
            .get(name)
            .ok_or_else(|| unknown_profile(name, self))
    }
}

fn unknown_profile(name: &str, config: &Config) -> CliError {
    let known: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
    CliError::Setup {
        message: if known.is_empty() {
            format!("no profile named {name:?}: there are no profiles yet")
        } else {
            format!(
                "no profile named {name:?}: the profiles are {}",
                known.join(", ")
            )
        },
        hint: format!("create it with `telnyx auth login --profile {name}`"),
    }
}

fn parse_output(s: &str) -> Result<crate::cli::OutputFormat, String> {
    <crate::cli::OutputFormat as clap::ValueEnum>::from_str(s, true)
}

/// Whether a profile name is usable as a keyring user and a JSON key: 1 to 64 of
/// `A-Z a-z 0-9 - _ .`.
pub fn check_name(name: &str) -> Result<(), CliError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "profile name {name:?}: use 1 to 64 letters, digits, '-', '_' or '.'"
        )))
    }
}

/// Where the key a command uses comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `--api-key`.
    Flag,
    /// `TELNYX_API_KEY`.
    Env,
    /// A profile, named how.
    Profile {
        /// The profile.
        name: String,
        /// `--profile`, `TELNYX_PROFILE` or `default profile`.
        via: &'static str,
    },
    /// No key anywhere.
    None,
}

impl KeySource {
    /// As `auth status` and `doctor` print it.
    pub fn describe(&self) -> String {
        match self {
            KeySource::Flag => "--api-key".into(),
            KeySource::Env => "TELNYX_API_KEY".into(),
            KeySource::Profile { name, via } => format!("profile {name} ({via})"),
            KeySource::None => "none".into(),
        }
    }
}

/// Which key source the global options and the config select (see the module doc).
pub fn source(global: &GlobalArgs, config: &Config) -> KeySource {
    if let Some((name, via)) = &global.key_profile {
        return KeySource::Profile {
            name: name.clone(),
            via,
        };
    }
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    if given(&global.api_key) {
        let from_env = std::env::var("TELNYX_API_KEY").ok() == global.api_key;
        return if from_env {
            KeySource::Env
        } else {
            KeySource::Flag
        };
    }
    if given(&global.profile) {
        let name = global
            .profile
            .clone()
            .unwrap_or_default()
            .trim()
            .to_string();
        let via = if std::env::var("TELNYX_PROFILE")
            .ok()
            .as_deref()
            .map(str::trim)
            == Some(&name)
        {
            "TELNYX_PROFILE"
        } else {
            "--profile"
        };
        return KeySource::Profile { name, via };
    }
    match &config.default_profile {
        Some(name) => KeySource::Profile {
            name: name.clone(),
            via: "default profile",
        },
        None => KeySource::None,
    }
}

/// Fills the key, base URL and output format of `global` from the selected profile, when
/// no key was given directly. No config file and no profile: `global` as it was.
pub fn apply(mut global: GlobalArgs) -> Result<GlobalArgs, CliError> {
    if global.emulator {
        return Ok(global);
    }
    let has_key = global
        .api_key
        .as_deref()
        .is_some_and(|k| !k.trim().is_empty());
    let named = global
        .profile
        .as_deref()
        .is_some_and(|p| !p.trim().is_empty());
    if has_key {
        if named {
            eprintln!(
                "note: --profile/TELNYX_PROFILE is not used: a key was given with --api-key or TELNYX_API_KEY, which come first"
            );
        }
        return Ok(global);
    }
    let dir = config_dir()?;
    let config = Config::load(&dir)?;
    let KeySource::Profile { name, via } = source(&global, &config) else {
        return Ok(global);
    };
    let profile = config.profile(&name)?;
    global.api_key = Some(keystore::load(&dir, &name, profile.key_store)?);
    global.key_profile = Some((name.clone(), via));
    if global
        .base_url
        .as_deref()
        .is_none_or(|u| u.trim().is_empty())
    {
        global.base_url.clone_from(&profile.base_url);
    }
    if !global.output_explicit {
        if let Some(o) = profile.output.as_deref().and_then(|o| parse_output(o).ok()) {
            global.output = o;
        }
    }
    Ok(global)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name("work").is_ok());
        assert!(check_name("a.b-c_9").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("has space").is_err());
        assert!(check_name(&"x".repeat(65)).is_err());
    }

    #[test]
    fn a_corrupt_config_names_its_line_and_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        let text = "{\n  \"profiles\": {\n    \"a\": {\"key_store\": \"file\",}\n  }\n}\n";
        std::fs::write(&path, text).unwrap();
        let err = Config::load(dir.path()).unwrap_err().render(false);
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn unknown_profile_lists_the_known() {
        let mut c = Config::default();
        c.profiles.insert(
            "work".into(),
            Profile {
                key_store: KeyStore::File,
                ..Default::default()
            },
        );
        c.profiles.insert(
            "home".into(),
            Profile {
                key_store: KeyStore::Keyring,
                ..Default::default()
            },
        );
        let m = c.profile("nope").unwrap_err().render(false);
        assert!(m.contains("home, work"), "{m}");
        assert!(m.contains("telnyx auth login --profile nope"), "{m}");
    }
}
