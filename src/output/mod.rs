//! Output: tables rendered as CSV (RFC 4180, plain decimals) and files written atomically, all
//! of a run's files staged first and renamed into place only once every one was written.

pub mod csv_table;
pub mod sarif;

pub use csv_table::{fmt_f64, fmt_opt, round_to, Table};

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot write: {source}")]
pub struct OutputError {
    pub path: String,
    #[source]
    pub source: io::Error,
}

fn out_err(path: &Path, source: io::Error) -> OutputError {
    OutputError {
        path: path.display().to_string(),
        source,
    }
}

/// Files staged under temporary names in their final directory, renamed into place together by
/// `commit`. Dropping an uncommitted set removes the temporaries and leaves old reports intact.
#[derive(Debug, Default)]
pub struct OutputSet {
    staged: Vec<(PathBuf, PathBuf)>,
}

impl OutputSet {
    pub fn new() -> Self {
        OutputSet::default()
    }

    /// Stages `bytes` for `path`. The directory is created if needed; an existing symlink at
    /// `path` is replaced by the rename, never written through.
    pub fn add(&mut self, path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
        let mut f = AtomicFile::create(path)?;
        f.write_all(bytes).map_err(|e| out_err(path, e))?;
        self.add_file(f)
    }

    /// Stages a file written through `AtomicFile`.
    pub fn add_file(&mut self, file: AtomicFile) -> Result<(), OutputError> {
        let staged = file.into_staged()?;
        self.staged.push(staged);
        Ok(())
    }

    /// Renames every staged file into place.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let staged = std::mem::take(&mut self.staged);
        let mut done = Vec::new();
        for (tmp, dest) in staged {
            if let Err(e) = fs::rename(&tmp, &dest) {
                let _ = fs::remove_file(&tmp);
                return Err(out_err(&dest, e));
            }
            done.push(dest);
        }
        Ok(done)
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        for (tmp, _) in &self.staged {
            let _ = fs::remove_file(tmp);
        }
    }
}

/// A file written under a temporary name next to its destination and renamed into place by
/// `commit`; dropped uncommitted, it removes the temporary and leaves the old file alone.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<io::BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Creates the temporary file (and the destination's directory).
    pub fn create(dest: &Path) -> Result<AtomicFile, OutputError> {
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if dir.exists() && !dir.is_dir() {
            return Err(out_err(
                dir,
                io::Error::other("it is a file, and this output needs a directory there"),
            ));
        }
        fs::create_dir_all(dir).map_err(|e| out_err(dir, e))?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let _ = fs::remove_file(&tmp);
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| out_err(dest, e))?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            file: Some(io::BufWriter::with_capacity(1 << 20, file)),
        })
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let file = self.file.take().expect("committed once");
        let done = file
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .and_then(|_| fs::rename(&self.tmp, &self.dest));
        match done {
            Ok(()) => Ok(self.dest.clone()),
            Err(e) => {
                let _ = fs::remove_file(&self.tmp);
                Err(out_err(&self.dest, e))
            }
        }
    }

    /// The temporary path and destination, for `OutputSet`.
    fn into_staged(mut self) -> Result<(PathBuf, PathBuf), OutputError> {
        let file = self.file.take().expect("staged once");
        // The last buffered bytes are written here: a full disk shows up now, and the
        // temporary must not outlive the failure.
        if let Err(e) = file
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
        {
            let _ = fs::remove_file(&self.tmp);
            return Err(out_err(&self.dest, e));
        }
        Ok((self.tmp.clone(), self.dest.clone()))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("open until committed").write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("open until committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() {
            self.file = None;
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `bytes` to stdout; a closed pipe (`| head`) is a normal end, not an error.
pub fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_set_leaves_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        fs::write(&p, "old").unwrap();
        {
            let mut set = OutputSet::new();
            set.add(&p, b"new").unwrap();
        }
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut set = OutputSet::new();
        set.add(&p, b"new").unwrap();
        set.commit().unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
    }
}
