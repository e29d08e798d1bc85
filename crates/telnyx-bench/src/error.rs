//! [`BenchError`]: why a section could not be measured.

use std::fmt;

/// Why a section (or the whole run) stopped. The message always says what failed and, where
/// the fix is on the user's side, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BenchError {
    /// A process, file or network step failed (spawn, I/O, HTTP, JSON).
    Failed(String),
    /// A measurement came back wrong: a count, an error in a run, an unexpected answer.
    Invalid(String),
    /// Something the section needs is not there (a binary, a tool, a feature).
    Missing(String),
}

impl BenchError {
    /// A prerequisite is missing; the message says how to provide it.
    pub fn is_missing(&self) -> bool {
        matches!(self, BenchError::Missing(_))
    }

    /// The message alone.
    pub fn message(&self) -> &str {
        match self {
            BenchError::Failed(m) | BenchError::Invalid(m) | BenchError::Missing(m) => m,
        }
    }
}

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for BenchError {}

/// The workers, the child-process helpers and the stats report failures as strings.
impl From<String> for BenchError {
    fn from(message: String) -> Self {
        BenchError::Failed(message)
    }
}

impl From<&str> for BenchError {
    fn from(message: &str) -> Self {
        BenchError::Failed(message.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_follow_the_kind_and_display_is_the_message() {
        let e = BenchError::Missing("run `cargo build --release -p telnyx-cli` first".into());
        assert!(e.is_missing());
        assert_eq!(
            e.to_string(),
            "run `cargo build --release -p telnyx-cli` first"
        );
        let e: BenchError = String::from("spawn failed").into();
        assert_eq!(e, BenchError::Failed("spawn failed".into()));
        assert!(!BenchError::Invalid("paged 9 items, seeded 10".into()).is_missing());
    }
}
