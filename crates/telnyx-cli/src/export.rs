//! Atomic file writing: exports and downloads go to a temp file in the target directory and
//! are renamed into place only on success. An interrupted or failed write removes the temp
//! file, so the target path never holds a torn file (it keeps its previous content, if any).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// A file that appears at `path` only when [`AtomicFile::commit`] succeeds.
pub struct AtomicFile {
    path: PathBuf,
    tmp: BufWriter<NamedTempFile>,
}

impl AtomicFile {
    /// Creates the temp file next to `path` (same directory, so the rename is atomic).
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".part")
            .tempfile_in(&dir)?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp: BufWriter::new(tmp),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the temp file to the final path.
    pub fn commit(self) -> io::Result<PathBuf> {
        let tmp = self.tmp.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        // Exports are user files: readable like any other file (tempfile creates them 0600).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o644));
        }
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(self.path)
    }

    /// Removes the temp file; the final path is untouched.
    pub fn abort(self) {
        // Dropping a NamedTempFile deletes it; skip flushing a partial buffer.
        let (tmp, _) = self.tmp.into_parts();
        let _ = tmp.close();
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let mut f = AtomicFile::create(path)?;
    match f.write_all(bytes) {
        Ok(()) => f.commit(),
        Err(e) => {
            f.abort();
            Err(e)
        }
    }
}

/// Where command output goes.
pub enum Target {
    /// Standard output, buffered; only whole lines are ever handed to it.
    Stdout(BufWriter<io::Stdout>),
    /// A file written atomically.
    File(AtomicFile),
    /// An in-memory buffer (tests).
    #[cfg_attr(not(test), allow(dead_code))]
    Memory(Vec<u8>),
}

impl Target {
    /// Standard output.
    pub fn stdout() -> Target {
        Target::Stdout(BufWriter::with_capacity(64 * 1024, io::stdout()))
    }

    /// An atomic file at `path`.
    pub fn file(path: &Path) -> io::Result<Target> {
        AtomicFile::create(path).map(Target::File)
    }

    /// An in-memory buffer.
    #[cfg(test)]
    pub fn memory() -> Target {
        Target::Memory(Vec::new())
    }

    /// The memory buffer as text (tests).
    #[cfg(test)]
    pub fn memory_contents(&self) -> String {
        match self {
            Target::Memory(v) => String::from_utf8_lossy(v).into_owned(),
            _ => String::new(),
        }
    }

    /// What this is, for messages.
    pub fn name(&self) -> String {
        match self {
            Target::Stdout(_) => "stdout".into(),
            Target::File(f) => f.path().display().to_string(),
            Target::Memory(_) => "memory".into(),
        }
    }

    /// True for a file target.
    pub fn is_file(&self) -> bool {
        matches!(self, Target::File(_))
    }

    /// Success: flush stdout, or move the file into place. Returns the file path, if any.
    pub fn commit(self) -> io::Result<Option<PathBuf>> {
        match self {
            Target::Stdout(mut w) => w.flush().map(|_| None),
            Target::File(f) => f.commit().map(Some),
            Target::Memory(_) => Ok(None),
        }
    }

    /// Failure or interruption: stdout keeps the complete lines written so far (flushed);
    /// a file target is removed (its temp file deleted, the final path untouched).
    pub fn abort(self) {
        match self {
            Target::Stdout(mut w) => {
                let _ = w.flush();
            }
            Target::File(f) => f.abort(),
            Target::Memory(_) => {}
        }
    }
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Stdout(w) => w.write(buf),
            Target::File(f) => f.write(buf),
            Target::Memory(v) => v.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Stdout(w) => w.flush(),
            Target::File(f) => f.flush(),
            Target::Memory(_) => Ok(()),
        }
    }
}

/// A file name that is safe on every platform: keeps `[A-Za-z0-9._-]`, replaces the rest.
pub fn safe_file_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "file".to_string()
    } else {
        trimmed.chars().take(200).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn commit_renames_into_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"a,b\n1,2\n").unwrap();
        assert!(!path.exists(), "nothing at the target before commit");
        assert_eq!(entries(dir.path()).len(), 1);
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "a,b\n1,2\n");
        assert_eq!(entries(dir.path()), vec!["out.csv"]);
    }

    #[test]
    fn abort_leaves_no_file_and_keeps_old_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        fs::write(&path, "old\n").unwrap();
        let mut t = Target::file(&path).unwrap();
        t.write_all(b"partial").unwrap();
        t.abort();
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(entries(dir.path()), vec!["out.csv"]);
    }

    #[test]
    fn write_atomic_and_names() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_atomic(&dir.path().join("x.pdf"), b"%PDF-1.4").unwrap();
        assert_eq!(fs::read(p).unwrap(), b"%PDF-1.4");
        assert_eq!(safe_file_name("../a b/c?.pdf"), "_a_b_c_.pdf");
        assert_eq!(safe_file_name("..."), "file");
    }
}
