//! The sections of the report, one module each, all of one shape:
//! `pub fn section(ctx: &Ctx) -> Result<Section, BenchError>`.
//!
//! To add a section: write `sections/NAME.rs` with that function (tables and targets in the
//! returned [`Section`]), then add one line to [`ALL`]. It then runs in `all` and in its
//! groups' subcommands, in the list's order, and alone as `telnyx-bench section NAME`.

use crate::ctx::{Ctx, Group};
use crate::error::BenchError;
use crate::report::Section;

#[cfg(all(feature = "sdk", feature = "emulator"))]
pub mod compression;
#[cfg(feature = "sdk")]
mod decode;
mod load;
mod memory;
mod paging;
mod sdk_cpu;
pub mod seeding;
mod startup;
#[cfg(all(feature = "sdk", feature = "emulator"))]
mod webhook_delivery;
#[cfg(feature = "sdk")]
pub mod webhook_verify;

mod clock_advance;

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

/// Every section, in report order.
pub const ALL: &[Entry] = &[
    Entry {
        name: "startup",
        groups: &[Emulator],
        run: startup::section,
    },
    Entry {
        name: "seeding",
        groups: &[Emulator, Sdk],
        run: seeding::section,
    },
    Entry {
        name: "load",
        groups: &[Emulator],
        run: load::section,
    },
    Entry {
        name: "memory",
        groups: &[Emulator],
        run: memory::section,
    },
    Entry {
        name: "clock-advance",
        groups: &[Emulator],
        run: clock_advance::section,
    },
    #[cfg(all(feature = "sdk", feature = "emulator"))]
    Entry {
        name: "webhook-delivery",
        groups: &[Emulator],
        run: webhook_delivery::section,
    },
    Entry {
        name: "sdk-cpu",
        groups: &[Sdk],
        run: sdk_cpu::section,
    },
    Entry {
        name: "paging",
        groups: &[Sdk],
        run: paging::section,
    },
    #[cfg(feature = "sdk")]
    Entry {
        name: "decode",
        groups: &[Sdk],
        run: decode::section,
    },
    #[cfg(feature = "sdk")]
    Entry {
        name: "webhooks",
        groups: &[Sdk],
        run: webhook_verify::section,
    },
    #[cfg(all(feature = "sdk", feature = "emulator"))]
    Entry {
        name: "compression",
        groups: &[Sdk],
        run: compression::section,
    },
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
