//! An output folder (`-o DIR`) replaced as a whole: this run's files are written into a fresh
//! staging folder beside it and swapped in with one `renameat2(RENAME_EXCHANGE)`, under the
//! output's lock, so a reader finds at `DIR` one complete report, the old or the new.

use super::lock::{path_err, Kind, OutputLock};
use super::OutputError;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The marker every output folder holds: a folder with it is logwarden's to replace.
pub const MARKER: &str = ".logwarden-output";

const MARKER_TEXT: &[u8] = b"This folder was written by logwarden. The next run with -o naming it replaces it as a whole.\n";

/// Files earlier versions (without the marker) wrote, so their folders may be replaced too.
const KNOWN_FILES: &[&str] = &[
    "alerts.csv",
    "compare.csv",
    "cost.csv",
    "cost_anomalies.csv",
    "cost_forecast.csv",
    "failure_clusters.csv",
    "failures.csv",
    "index.html",
    "pii_classes.csv",
    "pii_findings.csv",
    "pii_findings.sarif",
    "pii_summary.csv",
    "quality_trend.csv",
    "review.html",
    "review.md",
    "review_wow.csv",
    "skipped.csv",
    "sli.csv",
    "slo.csv",
    "summary.json",
    "_SUCCESS",
];

/// A folder being written: files go to the staging folder; `commit` swaps it in, and dropping
/// it uncommitted removes the staging folder and leaves the previous folder byte for byte.
#[derive(Debug)]
pub struct OutputFolder {
    dir: PathBuf,
    staging: PathBuf,
    lock: OutputLock,
    done: bool,
}

impl OutputFolder {
    /// Locks `dir` (waiting for a run writing it; `quiet` silences the note), removes what dead
    /// runs left, checks that a folder already there may be replaced, and creates the staging
    /// folder. A `dir` that is a symbolic link is resolved: the folder it points to is replaced.
    pub fn begin(dir: &Path, quiet: bool) -> Result<OutputFolder, OutputError> {
        let dir = resolve(dir)?;
        let lock = OutputLock::acquire(&dir, quiet)?;
        check_replaceable(&dir)?;
        let mut staging = lock.fresh_path(Kind::Stage);
        loop {
            match fs::create_dir(&staging) {
                Ok(()) => break,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    staging = lock.fresh_path(Kind::Stage)
                }
                Err(e) => return Err(path_err(&dir, e)),
            }
        }
        Ok(OutputFolder {
            dir,
            staging,
            lock,
            done: false,
        })
    }

    /// Takes `dir`'s lock and checks that it may be replaced, at the start of a run, so a
    /// second run waits before it scans and a refused folder fails before the scan; `begin`
    /// later shares the lock this process holds.
    pub fn lock(dir: &Path, quiet: bool) -> Result<OutputLock, OutputError> {
        let dir = resolve(dir)?;
        let lock = OutputLock::acquire(&dir, quiet)?;
        check_replaceable(&dir)?;
        Ok(lock)
    }

    /// The folder this run replaces.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The staging folder, for writers that lay out a tree of their own (`export`).
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Writes the file `name` (a path relative to the folder) with `bytes`.
    pub fn add(&self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.write_with(name, |w| w.write_all(bytes))
    }

    /// Writes the file `name` through `fill`, synced to disk before it returns. Files may be
    /// written from several threads at once.
    pub fn write_with(
        &self,
        name: &str,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let shown = self.dir.join(name);
        let path = self.staging.join(name);
        if let Some(sub) = path.parent() {
            fs::create_dir_all(sub).map_err(|e| path_err(&shown, e))?;
        }
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| path_err(&shown, e))?;
        let mut out = io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut out)
            .and_then(|_| out.into_inner().map_err(|e| e.into_error()))
            .and_then(|f| f.sync_all())
            .map_err(|e| path_err(&shown, e))
    }

    /// Swaps the complete staging folder in for `dir` and removes the previous folder. Readers
    /// resolving `dir` by path see the old folder up to the rename and the new one after it.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        self.add(MARKER, MARKER_TEXT)?;
        sync_dir(&self.staging).map_err(|e| path_err(&self.dir, e))?;
        let previous = swap(&self.staging, &self.dir, &self.lock)?;
        self.done = true;
        if let Some(parent) = self.dir.parent() {
            let _ = sync_dir(parent);
        }
        if let Some(old) = previous {
            // The report is in place; a folder that cannot be removed now is removed by the
            // next run (it is in the work area, under this output's name).
            let _ = fs::remove_dir_all(old);
        }
        Ok(self.dir.clone())
    }
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// `dir` with a symbolic link at its end resolved (the link is kept, its target replaced).
fn resolve(dir: &Path) -> Result<PathBuf, OutputError> {
    let meta = fs::symlink_metadata(dir);
    let dir = match meta {
        Ok(m) if m.file_type().is_symlink() => dir.canonicalize().map_err(|e| path_err(dir, e))?,
        _ => dir.to_path_buf(),
    };
    super::lock::split(&dir).map_err(|e| path_err(&dir, e))?;
    Ok(dir)
}

/// A folder already at `dir` is replaced only when it is logwarden's (the marker, or nothing
/// but files logwarden writes) and is not the current directory, so a mistyped `-o` never
/// deletes unrelated files.
fn check_replaceable(dir: &Path) -> Result<(), OutputError> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(path_err(dir, e)),
    };
    let refuse = |why: String| path_err(dir, io::Error::other(why));
    if !meta.is_dir() {
        return Err(refuse(
            "exists and is not a folder; choose a new or empty folder".into(),
        ));
    }
    if let (Ok(here), Ok(there)) = (std::env::current_dir(), dir.canonicalize()) {
        if here.starts_with(&there) {
            return Err(refuse(
                "is the current directory (or holds it); an output folder is replaced as a whole, so name a folder of its own".into(),
            ));
        }
    }
    if dir.join(MARKER).is_file() {
        return Ok(());
    }
    for entry in fs::read_dir(dir).map_err(|e| path_err(dir, e))? {
        let entry = entry.map_err(|e| path_err(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let ours = if is_dir {
            name.starts_with("date=")
        } else {
            KNOWN_FILES.contains(&name.as_str())
        };
        if !ours {
            return Err(refuse(format!(
                "holds `{name}`, which logwarden did not write; an output folder is replaced as a whole, so choose a new or empty folder"
            )));
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// `renameat2` flags (linux/fs.h).
#[cfg(target_os = "linux")]
const RENAME_NOREPLACE: libc::c_uint = 1;
#[cfg(target_os = "linux")]
const RENAME_EXCHANGE: libc::c_uint = 2;

#[cfg(target_os = "linux")]
fn renameat2(from: &Path, to: &Path, flags: libc::c_uint) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::other("path holds a NUL byte"))
    };
    let (a, b) = (c(from)?, c(to)?);
    // The raw system call: glibc before 2.28 and some musl builds lack the wrapper.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            flags,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// True when the error says the file system (or kernel) has no such rename, not that the
/// rename itself failed.
#[cfg(target_os = "linux")]
fn unsupported(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP)
    )
}

/// Puts `staging` at `dir`; returns where the previous folder now is, to be removed.
fn swap(staging: &Path, dir: &Path, lock: &OutputLock) -> Result<Option<PathBuf>, OutputError> {
    swap_with(staging, dir, lock, true)
}

/// `swap`, with `exchange` false taking the path of file systems that lack `renameat2`.
fn swap_with(
    staging: &Path,
    dir: &Path,
    lock: &OutputLock,
    exchange: bool,
) -> Result<Option<PathBuf>, OutputError> {
    let exists = fs::symlink_metadata(dir).is_ok();
    if !exists {
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| path_err(parent, e))?;
        }
        #[cfg(target_os = "linux")]
        if exchange {
            match renameat2(staging, dir, RENAME_NOREPLACE) {
                Ok(()) => return Ok(None),
                Err(e) if !unsupported(&e) => return Err(path_err(dir, e)),
                Err(_) => {}
            }
        }
        // Nothing is at `dir` and the lock keeps other logwarden runs away: a plain rename.
        return fs::rename(staging, dir)
            .map(|_| None)
            .map_err(|e| path_err(dir, e));
    }
    #[cfg(target_os = "linux")]
    if exchange {
        match renameat2(staging, dir, RENAME_EXCHANGE) {
            // The old folder is now at the staging path.
            Ok(()) => return Ok(Some(staging.to_path_buf())),
            Err(e) if !unsupported(&e) => return Err(path_err(dir, e)),
            Err(_) => {}
        }
    }
    // No exchange here (some network and FUSE file systems, non-Linux kernels): move the old
    // folder aside, then the new one in. Between the two renames `dir` is missing (never
    // mixed); a run killed there has its old folder put back by the next run.
    let old = lock.fresh_path(Kind::Old);
    fs::rename(dir, &old).map_err(|e| path_err(dir, e))?;
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(&old, dir);
        return Err(path_err(dir, e));
    }
    Ok(Some(old))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_folder_is_replaced_whole_and_an_uncommitted_one_changes_nothing() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let f = OutputFolder::begin(&out, true).unwrap();
        f.add("a.csv", b"1").unwrap();
        f.add("b.csv", b"1").unwrap();
        f.commit().unwrap();
        assert_eq!(names(&out), [MARKER, "a.csv", "b.csv"]);
        {
            let f = OutputFolder::begin(&out, true).unwrap();
            f.add("a.csv", b"2").unwrap();
        }
        assert_eq!(fs::read(out.join("a.csv")).unwrap(), b"1");
        let f = OutputFolder::begin(&out, true).unwrap();
        f.add("a.csv", b"3").unwrap();
        f.commit().unwrap();
        assert_eq!(names(&out), [MARKER, "a.csv"]);
        assert_eq!(fs::read(out.join("a.csv")).unwrap(), b"3");
        assert_eq!(names(root.path()), ["out"]);
    }

    #[test]
    fn a_folder_of_other_files_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let e = OutputFolder::begin(&out, true).unwrap_err();
        assert!(e.to_string().contains("notes.txt"), "{e}");
        assert_eq!(names(&out), ["notes.txt"]);
        assert_eq!(names(root.path()), ["out"]);
        fs::remove_file(out.join("notes.txt")).unwrap();
        fs::write(out.join("sli.csv"), "old version").unwrap();
        OutputFolder::begin(&out, true).unwrap().commit().unwrap();
        assert_eq!(names(&out), [MARKER]);
    }

    #[test]
    fn the_fallback_swap_replaces_the_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("sli.csv"), "old").unwrap();
        let lock = OutputLock::acquire(&out, true).unwrap();
        let staging = lock.fresh_path(Kind::Stage);
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("sli.csv"), "new").unwrap();
        let old = swap_with(&staging, &out, &lock, false).unwrap().unwrap();
        assert_eq!(fs::read(out.join("sli.csv")).unwrap(), b"new");
        assert_eq!(fs::read(old.join("sli.csv")).unwrap(), b"old");
        assert!(!staging.exists());
    }
}
