//! Output: one typed table model and its CSV (RFC 4180, plain decimals; Markdown and HTML in
//! `report::markup`), output folders replaced as a whole
//! (`folder`), and single files written under a unique temporary name and renamed into place,
//! every output under an exclusive lock (`lock`).

pub mod csv_table;
pub mod folder;
pub mod lock;
pub mod sarif;

pub use csv_table::{
    def, fmt_f64, fmt_opt, round_to, Cell, Column, Def, Exporter, Kind, Look, Table,
};
pub use folder::OutputFolder;
pub use lock::OutputLock;

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

/// Files staged under temporary names, renamed into place one after another by `commit` (for
/// `redact`'s mirrored trees; a report folder is an `OutputFolder`, swapped in whole). Dropping
/// an uncommitted set removes the temporaries and leaves the old files intact.
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
        let mut done = Vec::new();
        while !self.staged.is_empty() {
            // On an error the files not yet renamed stay in `staged`, removed by `drop`.
            let (tmp, dest) = &self.staged[0];
            fs::rename(tmp, dest).map_err(|e| out_err(dest, e))?;
            let (tmp, dest) = self.staged.remove(0);
            remove_work_dir_if_empty(&tmp);
            done.push(dest);
        }
        Ok(done)
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        for (tmp, _) in &self.staged {
            let _ = fs::remove_file(tmp);
            remove_work_dir_if_empty(tmp);
        }
    }
}

/// Removes the work area holding `tmp` once nothing (no lock, no other temporary) is left in it.
fn remove_work_dir_if_empty(tmp: &Path) {
    if let Some(work) = tmp.parent() {
        let _ = fs::remove_dir(work);
    }
}

/// A file written under a unique temporary name in the work area beside its destination
/// (`.logwarden-tmp/tmp-RANDOM-NAME`, created with `O_EXCL`) and renamed into place by `commit`,
/// holding the destination's lock meanwhile; dropped uncommitted, it removes the temporary and
/// leaves the old file alone.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<io::BufWriter<fs::File>>,
    lock: Option<OutputLock>,
}

impl AtomicFile {
    /// Takes the destination's lock (waiting for a run writing it), removes temporaries dead
    /// runs left for it, and creates the temporary file (and the destination's directory).
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
        let lock = OutputLock::acquire(dest, true)?;
        let (tmp, file) = loop {
            let tmp = lock.fresh_path(lock::Kind::Tmp);
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => break (tmp, f),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(out_err(dest, e)),
            }
        };
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            file: Some(io::BufWriter::with_capacity(1 << 20, file)),
            lock: Some(lock),
        })
    }

    /// Flushes and syncs what was written so far, so that a later [`AtomicFile::commit`] has
    /// only the rename left to do (a file written on one thread and put in place on another
    /// once the files it must follow are in place).
    pub fn sync(&mut self) -> Result<(), OutputError> {
        let file = self.file.as_mut().expect("open until committed");
        file.flush()
            .and_then(|_| file.get_ref().sync_all())
            .map_err(|e| out_err(&self.dest, e))
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

    /// The temporary path and destination, for `OutputSet`. The lock is released here: a
    /// mirrored tree may hold more files than a process may keep open. A run that then finds
    /// the temporary stale removes it, and this run's rename fails cleanly (exit 2).
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
        self.lock = None;
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
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporaries left"
        );
        let mut set = OutputSet::new();
        set.add(&p, b"new").unwrap();
        set.commit().unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
    }
}
