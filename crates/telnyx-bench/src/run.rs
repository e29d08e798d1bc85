//! The orchestrator: picks the sections of a subcommand from [`sections::ALL`], runs them in
//! order on one [`Ctx`], and writes the report (stdout, `--out`, `--json`).

use std::path::Path;

use crate::ctx::{Cfg, Ctx, Group};
use crate::error::BenchError;
use crate::machine;
use crate::report::{Report, Section};
use crate::sections::{self, Entry};
use crate::stats;
use crate::RunOpts;

/// A report subcommand: which sections, and whether with the Node rows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Which {
    /// Every section, with Node.
    All,
    /// The emulator's sections.
    Emulator,
    /// The SDK's sections, without Node.
    Sdk,
    /// The SDK's sections, with Node.
    Node,
}

impl Which {
    fn groups(self) -> &'static [Group] {
        match self {
            Which::All => &[Group::Emulator, Group::Sdk],
            Which::Emulator => &[Group::Emulator],
            Which::Sdk | Which::Node => &[Group::Sdk],
        }
    }

    fn with_node(self) -> bool {
        matches!(self, Which::All | Which::Node)
    }
}

/// `telnyx-bench all|emulator|sdk|node`: the groups' sections under the machine header.
pub fn main(which: Which, opts: RunOpts) -> Result<(), BenchError> {
    let ctx = Ctx::new(Cfg::from_opts(&opts), which.groups(), which.with_node())?;
    let mut report = Report {
        command: machine::command_line(),
        date: machine::date(),
        machine: machine::machine_info(),
        ..Default::default()
    };
    let busy_before = machine::busy_note();
    let selected = sections::ALL
        .iter()
        .filter(|e| e.groups.iter().any(|g| ctx.runs(*g)));
    for entry in selected {
        // A missing prerequisite skips its section with a note; anything else stops the run.
        match run_section(&ctx, entry) {
            Ok(section) => report.add(section),
            Err(e) if e.is_missing() => report.notes.push(format!("Skipped: {e}.")),
            Err(e) => return Err(e),
        }
    }
    drop(ctx);
    report
        .notes
        .push(format!("Machine load before the run: {busy_before}."));
    report.notes.push(format!(
        "Machine load after the run: {}.",
        machine::busy_note()
    ));
    write(&report, &opts)
}

/// One section alone (`telnyx-bench webhooks|compression|webhook-delivery|section NAME`),
/// with the command, date and load average around it. Its Node rows are included (the
/// harness is only prepared if the section asks for it).
pub fn one(name: &str, opts: RunOpts) -> Result<(), BenchError> {
    let entry = sections::find(name)?;
    let ctx = Ctx::new(Cfg::from_opts(&opts), entry.groups, true)?;
    let mut report = Report {
        command: machine::command_line(),
        date: machine::date(),
        machine: vec![("load average before".into(), stats::loadavg())],
        ..Default::default()
    };
    report.add(run_section(&ctx, entry)?);
    drop(ctx);
    report
        .notes
        .push(format!("Load average after: {}.", stats::loadavg()));
    write(&report, &opts)
}

/// Runs one section; its error names the section.
fn run_section(ctx: &Ctx, entry: &Entry) -> Result<Section, BenchError> {
    eprintln!("== section {}", entry.name);
    (entry.run)(ctx).map_err(|e| {
        let m = format!("section {}: {}", entry.name, e.message());
        match e {
            BenchError::Failed(_) => BenchError::Failed(m),
            BenchError::Invalid(_) => BenchError::Invalid(m),
            BenchError::Missing(_) => BenchError::Missing(m),
        }
    })
}

/// Markdown on stdout; `--out` (markdown, or JSON for `.json`) and `--json` files.
fn write(report: &Report, opts: &RunOpts) -> Result<(), BenchError> {
    let md = report.to_markdown();
    println!("{md}");
    if let Some(p) = &opts.out {
        if p.extension().is_some_and(|e| e == "json") {
            write_json(p, report)?;
        } else {
            std::fs::write(p, &md)
                .map_err(|e| BenchError::Failed(format!("{}: {e}", p.display())))?;
        }
    }
    if let Some(p) = &opts.json {
        write_json(p, report)?;
    }
    Ok(())
}

fn write_json(p: &Path, report: &Report) -> Result<(), BenchError> {
    let s = serde_json::to_string_pretty(report).map_err(|e| BenchError::Failed(e.to_string()))?;
    std::fs::write(p, s).map_err(|e| BenchError::Failed(format!("{}: {e}", p.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subcommands_select_their_groups_and_node_rows() {
        assert_eq!(Which::All.groups(), [Group::Emulator, Group::Sdk]);
        assert_eq!(Which::Emulator.groups(), [Group::Emulator]);
        assert_eq!(Which::Node.groups(), [Group::Sdk]);
        assert!(Which::All.with_node() && Which::Node.with_node());
        assert!(!Which::Sdk.with_node() && !Which::Emulator.with_node());
    }
}
