//! What every command handler gets: the SDK client, the output, the list options, and the
//! streaming helper that writes a paginated list item by item with progress and Ctrl-C.
//! [`Ctx::run`] builds a context from the global options and finishes it (output committed or
//! removed, emulator stopped) around a command; it knows nothing of the commands themselves.

use futures::StreamExt;
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::columns::ListSpec;
use crate::exit::CliError;
use crate::export::Target;
use crate::output::{Output, Style};
use crate::progress::Progress;

/// Items shown by a list without `--limit` or `--all`.
pub const DEFAULT_LIMIT: u64 = 20;

/// The state shared by the command handlers.
pub struct Ctx {
    /// The SDK client.
    pub client: telnyx::Client,
    /// Where and how to print.
    pub out: Output,
    /// Global options.
    pub global: GlobalArgs,
    /// Whether stderr is a terminal (progress bars, prompts).
    pub stderr_tty: bool,
    /// The embedded emulator (`--emulator`), kept alive for the command's duration.
    pub emulator: Option<telnyx_emulator::Emulator>,
}

impl Ctx {
    /// `None` with `--all`, else the number of items to show.
    pub fn limit(&self) -> Option<u64> {
        if self.global.all {
            None
        } else {
            Some(self.global.limit.unwrap_or(DEFAULT_LIMIT))
        }
    }

    /// How many pages to fetch ahead when reading a whole list (`--prefetch`, default auto).
    pub fn prefetch(&self) -> telnyx::Concurrency {
        self.global.prefetch
    }

    /// The page size to ask for, given the API's maximum for this list.
    pub fn page_size(&self, max: u32) -> u32 {
        match self.limit() {
            None => max,
            Some(n) => u32::try_from(n).unwrap_or(max).clamp(1, max),
        }
    }

    /// Streams a paginated list into the output, one item at a time (constant memory), with
    /// prefetch and a progress bar under `--all`, racing Ctrl-C.
    ///
    /// On Ctrl-C the items already written stay (whole lines; a JSON array is closed) and
    /// the error is [`CliError::Interrupted`]; the caller then removes a file target.
    pub async fn stream_list<T>(
        &mut self,
        req: telnyx::ListRequest<T>,
        spec: ListSpec<T>,
    ) -> Result<u64, CliError>
    where
        T: Serialize + serde::de::DeserializeOwned + Send + Unpin + 'static,
    {
        let limit = self.limit();
        let all = limit.is_none();
        let req = if all {
            req.concurrency(self.prefetch())
        } else {
            req
        };
        let noun = spec.noun;
        let progress = Progress::new(self.stderr_tty && all, noun, None);
        let mut writer = self.out.list(spec);
        let result = {
            let work = async {
                let pages = req.into_pages();
                futures::pin_mut!(pages);
                let mut first = true;
                while let Some(page) = pages.next().await {
                    let page = page?;
                    if first {
                        first = false;
                        if let Some(total) = page.total_results() {
                            progress.set_total(limit.map_or(total, |l| l.min(total)));
                        }
                    }
                    for item in &page.data {
                        if limit.is_some_and(|l| writer.count() >= l) {
                            return Ok(());
                        }
                        writer.push(item)?;
                        progress.inc(1);
                    }
                    if limit.is_some_and(|l| writer.count() >= l) {
                        return Ok(());
                    }
                }
                Ok::<(), CliError>(())
            };
            tokio::select! {
                r = work => r,
                _ = tokio::signal::ctrl_c() => Err(CliError::Interrupted(String::new())),
            }
        };
        progress.finish();
        let count = writer.count();
        match result {
            Ok(()) => writer.finish(),
            Err(CliError::Interrupted(_)) => {
                // Close what can be closed so stdout stays valid; a file target is removed later.
                let _ = writer.finish();
                let kept = if self.out.target.is_file() {
                    format!(
                        "removed the partial export after {} {noun}; {} was not written",
                        crate::progress::thousands(count),
                        self.out.target.name()
                    )
                } else {
                    format!(
                        "stopped after {} {noun}; the output holds only complete items",
                        crate::progress::thousands(count)
                    )
                };
                Err(CliError::Interrupted(kept))
            }
            Err(e) => Err(e),
        }
    }
}

/// An I/O error's text without the ` at path "..."` that `tempfile` appends.
fn strip_path(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" at path ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

impl Ctx {
    /// Builds the client (or starts the embedded emulator with `--emulator`) and the output
    /// target from the global options, runs `command` with the context, then moves a file
    /// output into place on success (or removes it on failure) and stops the emulator.
    pub async fn run<F>(global: GlobalArgs, command: F) -> Result<(), CliError>
    where
        F: AsyncFnOnce(&mut Ctx) -> Result<(), CliError>,
    {
        let mut ctx = Ctx::new(global).await?;
        let base_url = ctx.client.base_url().to_string();
        let result = command(&mut ctx).await.map_err(|e| match e {
            CliError::Api(err) if err.kind() == telnyx::ErrorKind::Connection => {
                CliError::Unreachable { base_url, err }
            }
            other => other,
        });
        let Ctx { out, emulator, .. } = ctx;
        let outcome = match result {
            Ok(()) => match out.target.commit() {
                Ok(Some(path)) => {
                    eprintln!("wrote {}", path.display());
                    Ok(())
                }
                Ok(None) => Ok(()),
                Err(e) => Err(CliError::io("writing the output", e)),
            },
            // The output is whole (e.g. a delivery that failed, printed in full): keep it.
            Err(e) if e.keeps_output() => {
                if let Ok(Some(path)) = out.target.commit() {
                    eprintln!("wrote {}", path.display());
                }
                Err(e)
            }
            Err(e) => {
                out.target.abort();
                Err(e)
            }
        };
        if let Some(emu) = emulator {
            emu.shutdown().await;
        }
        outcome
    }

    /// The context the global options describe.
    async fn new(global: GlobalArgs) -> Result<Ctx, CliError> {
        let stdout_tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
        let mut emulator = None;
        let mut builder = telnyx::Client::builder();
        if global.emulator {
            let config = telnyx_emulator::EmulatorConfig {
                api_keys: vec![telnyx_emulator::DEMO_API_KEY.to_string()],
                ..Default::default()
            };
            let emu = telnyx_emulator::Emulator::start(config)
                .await
                .map_err(|e| CliError::Emulator(e.to_string()))?;
            if let Some(by) = global.advance {
                let report = emu
                    .advance_clock(telnyx_emulator::DEMO_API_KEY, by)
                    .await
                    .map_err(|e| CliError::Emulator(e.to_string()))?;
                print_advance(&report);
            }
            builder = builder
                .api_key(telnyx_emulator::DEMO_API_KEY)
                .base_url(emu.base_url());
            emulator = Some(emu);
        } else {
            let key = global
                .api_key
                .as_deref()
                .map(str::trim)
                .filter(|k| !k.is_empty());
            let Some(key) = key else {
                return Err(CliError::NoApiKey);
            };
            builder = builder.api_key(key);
            if let Some(url) = global
                .base_url
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
            {
                builder = builder.base_url(url);
            }
        }
        if let Some(t) = global.timeout {
            builder = builder.timeout(t);
        }
        if let Some(r) = global.max_retries {
            builder = builder.max_retries(r);
        }
        let client = builder.build()?;
        crate::debug::set_base_url(client.base_url());

        let target = match &global.out {
            // The OS error names the temp file; say which path the user asked for instead.
            Some(path) => Target::file(path).map_err(|e| {
                CliError::io(
                    format!("cannot write --out {}", path.display()),
                    std::io::Error::new(e.kind(), strip_path(&e)),
                )
            })?,
            None => Target::stdout(),
        };
        let color = color_ok(&global) && global.out.is_none() && stdout_tty;
        let out = Output {
            format: global.output,
            style: Style { color },
            target,
        };
        Ok(Ctx {
            client,
            out,
            global,
            stderr_tty: crate::progress::Progress::available(),
            emulator,
        })
    }
}

/// Whether colors are allowed at all: no `--no-color`, no `NO_COLOR`.
pub fn color_ok(global: &GlobalArgs) -> bool {
    !global.no_color && !crate::exit::no_color_env()
}

/// The `--advance` demo's note on stderr: what the advance did, auto-recharges first.
pub fn print_advance(r: &telnyx_emulator::AdvanceReport) {
    eprintln!(
        "emulator: advanced {} -> {}: {} usage records ({} USD), {} USD recurring charges, {} auto-recharge(s) fired, {} invoice(s) closed; balance {} USD",
        r.from, r.to, r.usage_records, r.usage_cost, r.recurring_charges, r.auto_recharges, r.invoices_closed, r.balance
    );
}
