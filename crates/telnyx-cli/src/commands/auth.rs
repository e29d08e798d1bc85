//! `telnyx auth login|status|logout`: profiles ([`crate::profile`]) and their keys
//! ([`crate::keystore`]).

use std::io::{IsTerminal, Read};

use serde::Serialize;

use crate::cli::auth::{AuthCommand, LoginArgs};
use crate::cli::{GlobalArgs, OutputFormat};
use crate::exit::CliError;
use crate::keystore::{self, mask};
use crate::output::{render_kv, render_table, Style};
use crate::profile::{self, Config, KeySource, Profile};

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// Runs `telnyx auth ...`.
pub async fn run(cmd: AuthCommand, global: GlobalArgs) -> Result<(), CliError> {
    match cmd {
        AuthCommand::Login(args) => login(args, global).await,
        AuthCommand::Status(_) => status(global),
        AuthCommand::Logout(_) => logout(global),
    }
}

fn style(global: &GlobalArgs) -> Style {
    Style {
        color: crate::context::color_ok(global) && std::io::stdout().is_terminal(),
    }
}

fn profile_name(global: &GlobalArgs) -> Result<String, CliError> {
    let name = global
        .profile
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or(DEFAULT_PROFILE)
        .to_string();
    profile::check_name(&name)?;
    Ok(name)
}

/// Reads the key: stdin with `--with-key`, else a hidden prompt on the terminal.
fn read_key(with_key: bool) -> Result<String, CliError> {
    let key = if with_key {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::io("reading the key from stdin", e))?;
        s
    } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let term = console::Term::stderr();
        term.write_str("Paste your API key (input hidden): ")
            .and_then(|()| term.read_secure_line())
            .map_err(|e| CliError::io("reading the key from the terminal", e))?
    } else {
        return Err(CliError::Usage(
            "no terminal to ask for the key: pass it on stdin with --with-key \
             (e.g. `telnyx auth login --with-key < key.txt`)"
                .into(),
        ));
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        return Err(CliError::Usage(
            "the key is empty: paste a V2 API key from https://portal.telnyx.com/#/app/api-keys"
                .into(),
        ));
    }
    Ok(key)
}

async fn login(args: LoginArgs, global: GlobalArgs) -> Result<(), CliError> {
    if global.emulator {
        return Err(CliError::Usage(
            "--emulator's private emulator lives for one command: to keep a profile for an emulator, \
             run `telnyx emulator` and log in with --base-url http://127.0.0.1:4010/v2"
                .into(),
        ));
    }
    let name = profile_name(&global)?;
    let dir = profile::config_dir()?;
    // A corrupt config stops the login before anything is stored.
    let mut config = Config::load(&dir)?;
    let key = read_key(args.with_key)?;
    let base_url = crate::control::given_base_url(&global)
        .map(str::to_string)
        .or_else(|| config.profiles.get(&name).and_then(|p| p.base_url.clone()));

    // The key is checked with a real call before it is stored.
    let mut builder = telnyx::Client::builder().api_key(&key);
    if let Some(u) = &base_url {
        builder = builder.base_url(u);
    }
    if let Some(t) = global.timeout {
        builder = builder.timeout(t);
    }
    let client = builder.build()?;
    let balance = match client.balance().retrieve().await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("the key was not stored: checking it with GET /balance failed");
            return Err(match e.kind() {
                telnyx::ErrorKind::Connection => CliError::Unreachable {
                    base_url: client.base_url().to_string(),
                    err: e,
                },
                _ => CliError::Api(e),
            });
        }
    };

    let key_store = keystore::save(&dir, &name, &key)?;
    let previous = config.profiles.get(&name);
    let output = if global.output_explicit {
        Some(
            <OutputFormat as clap::ValueEnum>::to_possible_value(&global.output)
                .map(|v| v.get_name().to_string())
                .unwrap_or_default(),
        )
    } else {
        previous.and_then(|p| p.output.clone())
    };
    config.profiles.insert(
        name.clone(),
        Profile {
            base_url,
            output,
            key_store,
        },
    );
    if args.default || config.default_profile.is_none() {
        config.default_profile = Some(name.clone());
    }
    config.save(&dir)?;
    eprintln!(
        "logged in: profile {name} ({}), key {} in the {}; balance {} {}{}",
        client.base_url(),
        mask(&key),
        key_store.describe(&dir),
        balance
            .balance
            .as_ref()
            .map_or("-".into(), |m| m.to_string()),
        balance.currency.as_deref().unwrap_or(""),
        if config.default_profile.as_deref() == Some(&name) {
            "; it is the default profile"
        } else {
            ""
        }
    );
    Ok(())
}

/// One profile in `auth status`.
#[derive(Serialize)]
struct ProfileStatus {
    name: String,
    default: bool,
    base_url: String,
    key_store: String,
    /// The key masked, or why it cannot be read.
    key: String,
    key_ok: bool,
}

/// `auth status` as a whole.
#[derive(Serialize)]
struct Status {
    config_file: String,
    profiles: Vec<ProfileStatus>,
    /// Where a command's key comes from now.
    in_use: String,
    in_use_key: Option<String>,
    in_use_base_url: String,
}

fn status(global: GlobalArgs) -> Result<(), CliError> {
    let dir = profile::config_dir()?;
    let config = Config::load(&dir)?;
    let profiles: Vec<ProfileStatus> = config
        .profiles
        .iter()
        .map(|(name, p)| {
            let key = keystore::load(&dir, name, p.key_store);
            ProfileStatus {
                name: name.clone(),
                default: config.default_profile.as_deref() == Some(name),
                base_url: p
                    .base_url
                    .clone()
                    .unwrap_or_else(|| telnyx::DEFAULT_BASE_URL.to_string()),
                key_store: p.key_store.describe(&dir),
                key_ok: key.is_ok(),
                key: match key {
                    Ok(k) => mask(&k),
                    Err(e) => format!("missing: {}", e.headline()),
                },
            }
        })
        .collect();
    let source = profile::source(&global, &config);
    let in_use_base_url = crate::control::given_base_url(&global)
        .map(str::to_string)
        .or_else(|| match &source {
            KeySource::Profile { name, .. } => {
                config.profiles.get(name).and_then(|p| p.base_url.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| telnyx::DEFAULT_BASE_URL.to_string());
    let in_use_key = match &source {
        KeySource::Flag | KeySource::Env => global.api_key.as_deref().map(|k| mask(k.trim())),
        KeySource::Profile { name, .. } => config.profiles.get(name).and_then(|p| {
            keystore::load(&dir, name, p.key_store)
                .ok()
                .map(|k| mask(&k))
        }),
        KeySource::None => None,
    };
    let mut in_use = source.describe();
    if let KeySource::Profile { name, .. } = &source {
        if !config.profiles.contains_key(name) {
            in_use.push_str(" (no such profile: a command would fail)");
        }
    }
    let status = Status {
        config_file: dir.join(profile::CONFIG_FILE).display().to_string(),
        profiles,
        in_use,
        in_use_key,
        in_use_base_url,
    };
    let text = match global.output {
        OutputFormat::Json | OutputFormat::Jsonl => crate::output::pretty(&status)?,
        OutputFormat::Table | OutputFormat::Csv => render_status(&style(&global), &status),
    };
    print!("{text}");
    Ok(())
}

fn render_status(st: &Style, s: &Status) -> String {
    let mut out = format!("{} {}\n\n", st.bold("Config file:"), s.config_file);
    if s.profiles.is_empty() {
        out.push_str("No profiles yet: `telnyx auth login [--profile NAME]` stores one.\n");
    } else {
        let rows: Vec<Vec<String>> = s
            .profiles
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    if p.default { "*".into() } else { String::new() },
                    p.base_url.clone(),
                    p.key_store.clone(),
                    if p.key_ok {
                        p.key.clone()
                    } else {
                        st.red(&p.key)
                    },
                ]
            })
            .collect();
        out.push_str(&render_table(
            st,
            &["PROFILE", "DEFAULT", "BASE URL", "KEY STORE", "KEY"],
            &rows,
            &[],
        ));
    }
    out.push('\n');
    out.push_str(&st.bold("A command would use now:"));
    out.push('\n');
    out.push_str(&render_kv(
        st,
        &[
            ("Key from", s.in_use.clone()),
            ("Key", s.in_use_key.clone().unwrap_or_else(|| "-".into())),
            ("Base URL", s.in_use_base_url.clone()),
        ],
    ));
    out.push_str(&st.dim(
        "Precedence: --api-key > TELNYX_API_KEY > --profile/TELNYX_PROFILE > the default profile",
    ));
    out.push('\n');
    out
}

fn logout(global: GlobalArgs) -> Result<(), CliError> {
    let name = profile_name(&global)?;
    let dir = profile::config_dir()?;
    let mut config = Config::load(&dir)?;
    if !config.profiles.contains_key(&name) {
        config.profile(&name)?;
    }
    let had_key = keystore::delete(&dir, &name)?;
    config.profiles.remove(&name);
    if config.default_profile.as_deref() == Some(&name) {
        config.default_profile = None;
    }
    config.save(&dir)?;
    eprintln!(
        "logged out: profile {name} removed{}{}",
        if had_key { ", its key deleted" } else { "" },
        if config.default_profile.is_none() && !config.profiles.is_empty() {
            "; there is no default profile now (`telnyx auth login --default --profile NAME` sets one)"
        } else {
            ""
        }
    );
    Ok(())
}
