//! The exclusive lock on one output path (`flock` on a lock file beside it) and the hidden work
//! area (`.logwarden-tmp/` in the same directory) holding the lock, staging folders and
//! temporary files of the runs writing there, with the removal of what dead runs left behind.

use std::collections::HashMap;
use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// The hidden directory, beside every output, that holds locks and staged writes. Staging
/// folders sit one level below it, so the files they hold are two levels deeper than the
/// output's own and no documented glob over the output or its parent (`DIR/*/*.parquet`,
/// `PARENT/*/*/*.parquet`) ever reaches them.
pub const WORK_DIR: &str = ".logwarden-tmp";

/// What an entry of the work area is for; its name is `KIND-RANDOM-NAME` (or `lock-NAME`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A folder being written, swapped in for the output folder when complete.
    Stage,
    /// A previous output folder moved aside (only where the file system cannot exchange).
    Old,
    /// A single file being written, renamed into place when complete.
    Tmp,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Stage => "stage",
            Kind::Old => "old",
            Kind::Tmp => "tmp",
        }
    }
}

/// An error of the lock or the work area, naming the path.
pub(crate) fn path_err(path: &Path, source: io::Error) -> super::OutputError {
    super::OutputError {
        path: path.display().to_string(),
        source,
    }
}

/// The directory and the file name of an output path (`.` for a bare name).
pub(crate) fn split(dest: &Path) -> io::Result<(PathBuf, String)> {
    let parent = dest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..")
        .ok_or_else(|| io::Error::other("names no file or folder (give it a name)"))?;
    Ok((parent, name))
}

/// 64 random bits for a unique name: std's hasher keys come from the operating system's
/// random source, so two processes (two containers, both PID 1) never share a sequence.
pub(crate) fn random_suffix() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

struct Held {
    file: fs::File,
    lock_path: PathBuf,
    work: PathBuf,
}

impl Drop for Held {
    fn drop(&mut self) {
        // Unlinked while still held: a run waiting on this inode sees the path gone after it
        // gets the lock and starts over on a fresh file, so two runs never both hold one.
        let _ = fs::remove_file(&self.lock_path);
        unsafe {
            libc::flock(self.file.as_raw_fd(), libc::LOCK_UN);
        }
        // Removed only when empty: another run's lock file keeps it.
        let _ = fs::remove_dir(&self.work);
    }
}

/// Locks this process holds, by lock file path: a second request for the same output (the
/// command took the lock at its start, the writer asks again at the end) shares the first,
/// since a second `flock` from the same process on a new descriptor would wait for itself.
static HELD: Mutex<Option<HashMap<PathBuf, Weak<Held>>>> = Mutex::new(None);

/// The exclusive lock on one output path, held until dropped. Runs writing the same output
/// wait for each other in turn.
#[derive(Clone)]
pub struct OutputLock {
    held: Arc<Held>,
    parent: PathBuf,
    name: String,
}

impl std::fmt::Debug for OutputLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OutputLock({})", self.held.lock_path.display())
    }
}

impl OutputLock {
    /// Takes the lock on `dest` (a file or folder to be written), waiting for a run that holds
    /// it (and saying so on stderr unless `quiet`), then removes what dead runs left for
    /// `dest` in the work area.
    pub fn acquire(dest: &Path, quiet: bool) -> Result<OutputLock, super::OutputError> {
        let (parent, name) = split(dest).map_err(|e| path_err(dest, e))?;
        let work = parent.join(WORK_DIR);
        let lock_path = work.join(format!("lock-{name}"));
        let mut registry = HELD.lock().unwrap_or_else(|p| p.into_inner());
        let map = registry.get_or_insert_with(HashMap::new);
        if let Some(held) = map.get(&lock_path).and_then(Weak::upgrade) {
            return Ok(OutputLock { held, parent, name });
        }
        let held = Arc::new(lock_file(&work, &lock_path, dest, quiet)?);
        map.insert(lock_path, Arc::downgrade(&held));
        drop(registry);
        let lock = OutputLock { held, parent, name };
        lock.remove_stale(quiet);
        Ok(lock)
    }

    /// The work area beside the output.
    pub fn work_dir(&self) -> &Path {
        &self.held.work
    }

    /// A fresh, unique path in the work area for an entry of `kind` (not created).
    pub fn fresh_path(&self, kind: Kind) -> PathBuf {
        self.held.work.join(format!(
            "{}-{}-{}",
            kind.prefix(),
            random_suffix(),
            self.name
        ))
    }

    /// The output path this lock guards.
    pub fn dest(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// Entries of the work area a run for this output left, by kind. Only a run holding the
    /// lock creates them, so under the lock every one but our own belongs to a dead run.
    fn entries(&self) -> io::Result<Vec<(Kind, PathBuf)>> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.held.work)? {
            let entry = entry?;
            let file_name = entry.file_name();
            let Some(n) = file_name.to_str() else {
                continue;
            };
            for kind in [Kind::Stage, Kind::Old, Kind::Tmp] {
                // KIND-<16 hex>-NAME, with NAME exactly ours (a name may itself hold dashes).
                let Some(rest) = n
                    .strip_prefix(kind.prefix())
                    .and_then(|r| r.strip_prefix('-'))
                else {
                    continue;
                };
                let ours = rest.len() > 17
                    && rest.as_bytes()[..16].iter().all(u8::is_ascii_hexdigit)
                    && rest.as_bytes()[16] == b'-'
                    && rest[17..] == self.name;
                if ours {
                    out.push((kind, entry.path()));
                }
            }
        }
        Ok(out)
    }

    /// Removes staging folders and temporary files of dead runs for this output. A previous
    /// folder moved aside by a run killed between its two renames (file systems without
    /// exchange) is put back first when the output is missing, so no kill loses a report.
    /// What cannot be removed (an immutable file) is said on stderr and left: it never stops
    /// the run, and no reader of the output sees it.
    fn remove_stale(&self, quiet: bool) {
        let warn = |path: &Path, e: &dyn std::fmt::Display| {
            if !quiet {
                eprintln!(
                    "logwarden: {}: cannot remove what an earlier run left: {e}",
                    path.display()
                );
            }
        };
        let entries = match self.entries() {
            Ok(v) => v,
            Err(e) => return warn(&self.held.work, &e),
        };
        let dest = self.dest();
        for (kind, path) in entries {
            if kind == Kind::Old
                && fs::symlink_metadata(&dest).is_err()
                && fs::rename(&path, &dest).is_ok()
            {
                continue;
            }
            let gone = match fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => fs::remove_dir_all(&path),
                Ok(_) => fs::remove_file(&path),
                Err(e) => Err(e),
            };
            match gone {
                Err(e) if e.kind() != io::ErrorKind::NotFound => warn(&path, &e),
                _ => {}
            }
        }
    }
}

/// Opens, locks and checks the lock file, starting over when the file was replaced or removed
/// while this run waited (the holder unlinks it on release).
fn lock_file(
    work: &Path,
    lock_path: &Path,
    dest: &Path,
    quiet: bool,
) -> Result<Held, super::OutputError> {
    let parent = work.parent().unwrap_or(Path::new("."));
    if parent.exists() && !parent.is_dir() {
        return Err(path_err(
            parent,
            io::Error::other("it is a file, and this output needs a directory there"),
        ));
    }
    let mut said = false;
    for _ in 0..1000 {
        if let Err(e) = fs::create_dir_all(work) {
            if e.kind() == io::ErrorKind::NotFound {
                continue;
            }
            return Err(path_err(work, e));
        }
        let file = match fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock_path)
        {
            Ok(f) => f,
            // The work area was removed by a finishing run between the two calls.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(path_err(lock_path, e)),
        };
        let fd = file.as_raw_fd();
        if unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::EWOULDBLOCK) {
                return Err(path_err(lock_path, e));
            }
            if !quiet && !said {
                eprintln!(
                    "logwarden: waiting for another run writing {} to finish (lock {})",
                    dest.display(),
                    lock_path.display()
                );
                said = true;
            }
            loop {
                if unsafe { libc::flock(fd, libc::LOCK_EX) } == 0 {
                    break;
                }
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(path_err(lock_path, e));
                }
            }
        }
        let same = match (file.metadata(), fs::metadata(lock_path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        };
        if same {
            return Ok(Held {
                file,
                lock_path: lock_path.to_path_buf(),
                work: work.to_path_buf(),
            });
        }
    }
    Err(path_err(
        lock_path,
        io::Error::other("the lock file keeps changing; is another program removing it?"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relocking_in_one_process_shares_the_lock_and_release_tidies_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let a = OutputLock::acquire(&out, true).unwrap();
        let b = OutputLock::acquire(&out, true).unwrap();
        assert!(a.work_dir().join("lock-out").exists());
        drop(a);
        assert!(b.work_dir().join("lock-out").exists());
        drop(b);
        assert!(!dir.path().join(WORK_DIR).exists());
    }

    #[test]
    fn stale_entries_of_this_output_only_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join(WORK_DIR);
        fs::create_dir_all(work.join("stage-0123456789abcdef-out/date=x")).unwrap();
        fs::write(work.join("tmp-0123456789abcdef-out"), "x").unwrap();
        fs::write(work.join("tmp-0123456789abcdef-out-2"), "x").unwrap();
        fs::write(work.join("lock-out-2"), "").unwrap();
        let lock = OutputLock::acquire(&dir.path().join("out"), true).unwrap();
        let mut left: Vec<String> = fs::read_dir(lock.work_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["lock-out", "lock-out-2", "tmp-0123456789abcdef-out-2"]
        );
    }

    #[test]
    fn a_folder_moved_aside_by_a_killed_run_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(WORK_DIR).join("old-0123456789abcdef-out");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join("sli.csv"), "old").unwrap();
        let _lock = OutputLock::acquire(&dir.path().join("out"), true).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("out/sli.csv")).unwrap(),
            "old"
        );
    }

    #[test]
    fn unique_names_differ() {
        assert_ne!(random_suffix(), random_suffix());
    }
}
