//! A dataset directory: `DIR/record_type=<type>/date=<YYYY-MM-DD>/part-<n>.<ext>` plus the
//! checkpoint `DIR/_telnyx_usage.json`, which lists every committed part file and, per record
//! type, how far the export got.
//!
//! Crash safety: a part file is fsynced and renamed into place, then the checkpoint is
//! rewritten (temp file, fsync, rename, fsync of the directory) to list it. A part file that
//! exists but is not listed was renamed by a run that died before its checkpoint: its rows are
//! after the checkpoint, so the next run deletes it and fetches them again (no duplicate);
//! leftover `.part-*.tmp` files are deleted too. Nothing listed is ever touched.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::files::{sync_dir, Format};
use super::rows::Column;
use crate::exit::CliError;

/// The checkpoint's file name.
pub const CHECKPOINT: &str = "_telnyx_usage.json";
/// The checkpoint format version.
pub const VERSION: u32 = 1;

/// A point in a record type's time order: a time and the ids of the records at that instant
/// already exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// The instant (the type's time field).
    pub time: DateTime<Utc>,
    /// Ids exported at exactly `time`.
    pub ids: BTreeSet<String>,
}

impl Edge {
    /// An edge at `time` holding `id`.
    pub fn at(time: DateTime<Utc>, id: &str) -> Edge {
        Edge {
            time,
            ids: BTreeSet::from([id.to_string()]),
        }
    }

    /// For the low edge of a window read newest first: true when the record `(time, id)` was
    /// already read, being newer than the edge or at its instant with a known id.
    pub fn covers(&self, time: DateTime<Utc>, id: &str) -> bool {
        time > self.time || (time == self.time && self.ids.contains(id))
    }
}

/// An export window in progress (newest first): everything from `low` up to `high` is in
/// committed part files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The newest record of the window and the ids at its instant.
    pub high: Edge,
    /// The oldest record committed so far and the ids at its instant.
    pub low: Edge,
}

/// The export state of one record type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeState {
    /// `--since` of the first export (records older than it are not in the dataset).
    pub since: Option<DateTime<Utc>>,
    /// Everything from `since` up to this edge is exported.
    pub through: Option<Edge>,
    /// A window an interrupted run left half done.
    pub pending: Option<Pending>,
    /// The number of the next part file.
    pub next_part: u64,
    /// Committed part files, relative to the dataset directory.
    pub files: Vec<String>,
    /// The columns of this type's files (fixed at the first file).
    pub columns: Option<Vec<Column>>,
}

/// The checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Format version.
    pub version: u32,
    /// Format of every part file.
    pub format: Format,
    /// State per record type (filter value, e.g. `messaging`).
    pub types: BTreeMap<String, TypeState>,
}

/// An open dataset.
pub struct Dataset {
    /// The directory.
    pub dir: PathBuf,
    /// Its checkpoint, as last saved.
    pub checkpoint: Checkpoint,
}

/// Reads `dir`'s checkpoint, if `dir` is a dataset. Errors: not a directory, a non-empty
/// directory without a checkpoint, a checkpoint that does not parse.
pub fn open_existing(dir: &Path) -> Result<Option<Checkpoint>, CliError> {
    let path = dir.join(CHECKPOINT);
    match fs::read(&path) {
        Ok(bytes) => {
            let cp: Checkpoint = serde_json::from_slice(&bytes).map_err(|e| {
                CliError::Other(format!(
                    "the checkpoint {} is corrupted ({e}); nothing was changed: restore it from \
                     a backup, or export into a new directory (the part files already exported \
                     are intact)",
                    path.display()
                ))
            })?;
            if cp.version != VERSION {
                return Err(CliError::Other(format!(
                    "the checkpoint {} has version {}, this telnyx writes version {VERSION}; \
                     use a matching telnyx or a new directory",
                    path.display(),
                    cp.version
                )));
            }
            Ok(Some(cp))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if dir.exists() && !dir.is_dir() {
                return Err(CliError::Usage(format!(
                    "--dir {} is a file, not a directory: pick a new or empty directory, or an \
                     existing dataset",
                    dir.display()
                )));
            }
            let non_empty = fs::read_dir(dir)
                .map(|mut d| d.next().is_some())
                .unwrap_or(false);
            if non_empty {
                return Err(CliError::Usage(format!(
                    "--dir {} is not a usage dataset (no {CHECKPOINT}) and is not empty; nothing \
                     was written: pick a new or empty directory, or the directory of an earlier export",
                    dir.display()
                )));
            }
            Ok(None)
        }
        Err(e) => Err(CliError::io(
            format!("cannot use --dir {}", dir.display()),
            e,
        )),
    }
}

impl Dataset {
    /// Opens `dir` for export in `format` (a new dataset when `dir` is new or empty).
    pub fn open(dir: &Path, format: Format) -> Result<Dataset, CliError> {
        let checkpoint = match open_existing(dir)? {
            Some(cp) if cp.format != format => {
                return Err(CliError::Usage(format!(
                "{} holds {} files; pass --format {} to add to it, or export into a new directory",
                dir.display(),
                cp.format.ext(),
                cp.format.ext()
            )))
            }
            Some(cp) => cp,
            None => {
                fs::create_dir_all(dir)
                    .map_err(|e| CliError::io(format!("creating {}", dir.display()), e))?;
                Checkpoint {
                    version: VERSION,
                    format,
                    types: BTreeMap::new(),
                }
            }
        };
        let ds = Dataset {
            dir: dir.to_path_buf(),
            checkpoint,
        };
        // Fail early (before any request) when the directory is not writable.
        ds.save()?;
        Ok(ds)
    }

    /// The partition directory of `record_type` and `date`.
    pub fn partition(&self, record_type: &str, date: chrono::NaiveDate) -> PathBuf {
        self.dir
            .join(format!("record_type={record_type}"))
            .join(format!("date={date}"))
    }

    /// Deletes the part files of `record_type` that the checkpoint does not list (left by a
    /// run killed between a rename and its checkpoint) and temporary files. Returns how many.
    pub fn remove_orphans(&self, record_type: &str) -> Result<usize, CliError> {
        let listed: BTreeSet<&str> = self
            .checkpoint
            .types
            .get(record_type)
            .map(|s| s.files.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let type_dir = self.dir.join(format!("record_type={record_type}"));
        let Ok(dates) = fs::read_dir(&type_dir) else {
            return Ok(0);
        };
        let mut removed = 0;
        for date in dates.flatten() {
            let Ok(files) = fs::read_dir(date.path()) else {
                continue;
            };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                let ours = name.starts_with("part-") || name.starts_with(".part-");
                let rel = format!(
                    "record_type={record_type}/{}/{name}",
                    date.file_name().to_string_lossy()
                );
                if ours && !listed.contains(rel.as_str()) {
                    fs::remove_file(f.path()).map_err(|e| {
                        CliError::io(format!("removing the unfinished {}", f.path().display()), e)
                    })?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// The path of a part file relative to the dataset.
    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.dir)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Writes the checkpoint durably (temp file, fsync, rename, fsync of the directory).
    pub fn save(&self) -> Result<(), CliError> {
        let path = self.dir.join(CHECKPOINT);
        let tmp = self.dir.join(format!(".{CHECKPOINT}.tmp"));
        let io = |e| CliError::io(format!("writing the checkpoint {}", path.display()), e);
        let bytes = serde_json::to_vec_pretty(&self.checkpoint)
            .map_err(|e| CliError::Other(format!("encoding the checkpoint: {e}")))?;
        let mut f = fs::File::create(&tmp).map_err(io)?;
        f.write_all(&bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
        drop(f);
        fs::rename(&tmp, &path).map_err(io)?;
        sync_dir(&self.dir).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_cover_newer_and_known_ids() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let e = Edge::at(t("2026-11-02T10:00:00Z"), "a");
        assert!(e.covers(t("2026-11-02T10:00:01Z"), "z"));
        assert!(e.covers(t("2026-11-02T10:00:00Z"), "a"));
        assert!(!e.covers(t("2026-11-02T10:00:00Z"), "b"));
        assert!(!e.covers(t("2026-11-02T09:59:59Z"), "a"));
    }

    #[test]
    fn refuses_foreign_and_corrupted_directories() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        assert!(matches!(
            Dataset::open(dir.path(), Format::Csv),
            Err(CliError::Usage(_))
        ));
        assert_eq!(
            fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(CHECKPOINT), "{not json").unwrap();
        let e = Dataset::open(dir.path(), Format::Csv).err().unwrap();
        assert!(
            matches!(&e, CliError::Other(m) if m.contains("corrupted")),
            "{e:?}"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join(CHECKPOINT)).unwrap(),
            "{not json"
        );
    }
}
