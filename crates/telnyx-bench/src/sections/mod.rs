//! The sections of the report, one module each, all of one shape:
//! `pub fn section(ctx: &Ctx) -> Result<Section, BenchError>`.
//!
//! To add a section: write `sections/NAME.rs` with that function (tables and targets in the
//! returned [`Section`], its baseline measured in the same function), declare `mod NAME;`
//! and add one `entry(..)` line to [`ALL`]. It then runs in `all` and in its
//! groups' subcommands, in the list's order, and alone as `telnyx-bench section NAME`.

use crate::ctx::{Ctx, Group};
use crate::error::BenchError;
use crate::report::Section;

mod clock_advance;
#[cfg(all(feature = "sdk", feature = "emulator"))]
mod compression;
mod console;
#[cfg(feature = "sdk")]
mod decode;
mod load;
#[cfg(all(feature = "sdk", feature = "emulator"))]
mod mcp;
mod memory;
mod packages;
mod paging;
#[cfg(all(feature = "sdk", feature = "emulator"))]
mod prefetch;
mod sdk_cpu;
mod seeding;
mod startup;
#[cfg(all(feature = "sdk", feature = "emulator"))]
mod webhook_delivery;
#[cfg(feature = "sdk")]
mod webhook_verify;

/// A section's entry point.
pub type SectionFn = fn(&Ctx) -> Result<Section, BenchError>;

/// One section in the list.
pub struct Entry {
    /// Its name on the command line (`telnyx-bench section NAME`).
    pub name: &'static str,
    /// The subcommands that include it (`all` includes every one).
    pub groups: &'static [Group],
    pub run: SectionFn,
}

use Group::{Emulator, Sdk};

/// An entry of [`ALL`].
const fn entry(name: &'static str, groups: &'static [Group], run: SectionFn) -> Entry {
    Entry { name, groups, run }
}

/// Every section, in report order.
#[rustfmt::skip]
pub const ALL: &[Entry] = &[
    entry("startup", &[Emulator], startup::section),
    entry("seeding", &[Emulator, Sdk], seeding::section),
    entry("load", &[Emulator], load::section),
    entry("memory", &[Emulator], memory::section),
    entry("clock-advance", &[Emulator], clock_advance::section),
    entry("console", &[Emulator], console::section),
    entry("packages", &[Emulator], packages::section),
    #[cfg(all(feature = "sdk", feature = "emulator"))]
    entry("webhook-delivery", &[Emulator], webhook_delivery::section),
    entry("sdk-cpu", &[Sdk], sdk_cpu::section),
    entry("paging", &[Sdk], paging::section),
    #[cfg(all(feature = "sdk", feature = "emulator"))]
    entry("prefetch", &[Sdk], prefetch::section),
    #[cfg(feature = "sdk")]
    entry("decode", &[Sdk], decode::section),
    #[cfg(feature = "sdk")]
    entry("webhooks", &[Sdk], webhook_verify::section),
    #[cfg(all(feature = "sdk", feature = "emulator"))]
    entry("compression", &[Sdk], compression::section),
    #[cfg(all(feature = "sdk", feature = "emulator"))]
    entry("mcp", &[Sdk], mcp::section),
];

/// The section called `name`.
pub fn find(name: &str) -> Result<&'static Entry, BenchError> {
    ALL.iter().find(|e| e.name == name).ok_or_else(|| {
        let names: Vec<&str> = ALL.iter().map(|e| e.name).collect();
        BenchError::Missing(format!(
            "no section `{name}` in this build; the sections are: {}",
            names.join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_section_has_a_group() {
        let mut names: Vec<&str> = ALL.iter().map(|e| e.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        assert!(ALL.iter().all(|e| !e.groups.is_empty()));
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let e = find("nope").err().unwrap();
        assert!(e.is_missing() && e.to_string().contains("startup"), "{e}");
    }
}
