//! How `--state DIR` is kept on disk. `DIR/report.state` is the index: the state header, then
//! per input file its name, identity, and the SHA-256 and length of its folded state, and the
//! kept prefix's files, key and length. Each folded state (a *body*) is a file of its own in
//! `DIR/bodies/`, named by the hex of its SHA-256 (`prefix-KEY` for the kept prefix), written
//! once and never changed. A night writes its new files' bodies and a new index; the bodies no
//! index names any more are removed once the new index is in place. So a night writes about
//! its new data, not the whole history, and what it writes is synced before the index that
//! names it is renamed in: a run stopped at any moment leaves an index whose bodies all exist.

use super::incremental::{FileEntry, Index, Prefix};
use super::{Header, FORMAT_VERSION, MAGIC};
use crate::output::OutputLock;
use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The index file inside `--state DIR`.
pub const STATE_FILE: &str = "report.state";
/// The folder of bodies inside `--state DIR`.
pub const BODIES_DIR: &str = "bodies";

/// One input file as the index names it.
#[derive(Debug, Serialize, Deserialize)]
struct StoredEntry {
    name: String,
    compressed: bool,
    id: super::identity::Identity,
    digest: [u8; 32],
    len: u64,
}

/// The kept prefix as the index names it.
#[derive(Debug, Serialize, Deserialize)]
struct StoredPrefix {
    files: u32,
    key: [u8; 32],
    len: u64,
}

/// The index (after the header).
#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredIndex {
    files: Vec<StoredEntry>,
    prefix: Option<StoredPrefix>,
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The name of a file's body in `DIR/bodies/`.
fn body_name(digest: &[u8; 32]) -> String {
    hex(digest)
}

/// The name of the kept prefix's body in `DIR/bodies/`.
fn prefix_name(key: &[u8; 32]) -> String {
    format!("prefix-{}", hex(key))
}

/// A body's bytes: mapped (read only where touched), or none for an empty body.
enum Mapped {
    Map(memmap2::Mmap),
    Empty,
}

impl Mapped {
    fn bytes(&self) -> &[u8] {
        match self {
            Mapped::Map(m) => m,
            Mapped::Empty => &[],
        }
    }
}

/// Maps `DIR/bodies/NAME`, checking its length.
fn map_body(dir: &Path, name: &str, len: u64) -> Option<Mapped> {
    if len == 0 {
        return Some(Mapped::Empty);
    }
    let file = std::fs::File::open(dir.join(BODIES_DIR).join(name)).ok()?;
    if file.metadata().ok()?.len() != len {
        return None;
    }
    // SAFETY: bodies are written once under a temporary name and renamed in, never changed
    // in place, and removed only by a run holding the state's lock, which this run holds
    // while the map lives.
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    Some(Mapped::Map(map))
}

/// A kept state: its index, and the bodies found for it.
pub struct Kept {
    index: StoredIndex,
    bodies: Vec<Option<Mapped>>,
    prefix: Option<Mapped>,
}

impl Kept {
    /// The index, with its bodies borrowed from their maps. Files whose body is missing or of
    /// another length are left out (they are scanned again), and so is a prefix whose body is.
    pub fn index(&self) -> Index<'_> {
        let files = self
            .index
            .files
            .iter()
            .zip(&self.bodies)
            .filter_map(|(e, b)| {
                Some(FileEntry {
                    name: e.name.clone(),
                    compressed: e.compressed,
                    id: e.id.clone(),
                    digest: e.digest,
                    body: Cow::Borrowed(b.as_ref()?.bytes()),
                })
            })
            .collect();
        let prefix = match (&self.index.prefix, &self.prefix) {
            (Some(p), Some(m)) => Some(Prefix {
                files: p.files,
                key: p.key,
                body: Cow::Borrowed(m.bytes()),
            }),
            _ => None,
        };
        Index { files, prefix }
    }

    /// How many bodies the index names that were not found as it says.
    pub fn missing(&self) -> usize {
        let files = self.bodies.iter().filter(|b| b.is_none()).count();
        files + usize::from(self.index.prefix.is_some() && self.prefix.is_none())
    }
}

/// Reads the index of `DIR` and maps its bodies: `Ok(None)` when there is no state, `Err(line)`
/// (for one stderr line) when the index cannot be used, so the run rebuilds the state. Call
/// with the state's lock held.
pub fn read(dir: &Path, want: &Header) -> Result<Option<Kept>, String> {
    let path = dir.join(STATE_FILE);
    let name = path.display().to_string();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{name}: {e}")),
    };
    let (header, body) = super::read_header(&name, &bytes).map_err(|e| e.to_string())?;
    super::check(&name, &header, want).map_err(|e| e.to_string())?;
    let index: StoredIndex =
        postcard::from_bytes(body).map_err(|e| format!("{name}: the state is damaged: {e}"))?;
    let bodies = index
        .files
        .iter()
        .map(|e| map_body(dir, &body_name(&e.digest), e.len))
        .collect();
    let prefix = index
        .prefix
        .as_ref()
        .and_then(|p| map_body(dir, &prefix_name(&p.key), p.len));
    Ok(Some(Kept {
        index,
        bodies,
        prefix,
    }))
}

/// The new state of a run, to be written: its index's bytes, the bodies it made, and the
/// names of every body it names.
pub struct NewState {
    index: Vec<u8>,
    made: Vec<(String, Vec<u8>)>,
    names: BTreeSet<String>,
}

/// The new state holding `index`: the bodies this run made are moved out of it, those it
/// borrowed from the kept state are only named.
pub fn new_state(header: &Header, index: Index<'_>) -> anyhow::Result<NewState> {
    debug_assert_eq!(header.format, FORMAT_VERSION);
    let mut stored = StoredIndex::default();
    let mut made = Vec::new();
    let mut names = BTreeSet::new();
    for e in index.files {
        let name = body_name(&e.digest);
        stored.files.push(StoredEntry {
            name: e.name,
            compressed: e.compressed,
            id: e.id,
            digest: e.digest,
            len: e.body.len() as u64,
        });
        if let Cow::Owned(b) = e.body {
            if !names.contains(&name) && !b.is_empty() {
                made.push((name.clone(), b));
            }
        }
        names.insert(name);
    }
    if let Some(p) = index.prefix {
        let name = prefix_name(&p.key);
        stored.prefix = Some(StoredPrefix {
            files: p.files,
            key: p.key,
            len: p.body.len() as u64,
        });
        if let Cow::Owned(b) = p.body {
            if !b.is_empty() {
                made.push((name.clone(), b));
            }
        }
        names.insert(name);
    }
    let mut bytes = MAGIC.to_vec();
    bytes = postcard::to_extend(header, bytes)?;
    bytes = postcard::to_extend(&stored, bytes)?;
    Ok(NewState {
        index: bytes,
        made,
        names,
    })
}

/// Creates `dir` (and its parents) if needed, mode 0700 from its creation on, and sets an
/// existing one to 0700: folded states hold masked findings and review excerpts, and the
/// state's work area holds the appended bytes of the logs while they are scanned.
pub fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// Syncs a directory, so the names renamed into it last.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Writes the bodies `state` made into `DIR/bodies/` (each under a temporary name in the
/// state's work area, synced, renamed in) and its index beside the one in place, synced, for
/// [`Written::commit`].
pub fn write(dir: &Path, state: NewState, lock: &OutputLock) -> anyhow::Result<Written> {
    use std::io::Write;
    make_private_dir(dir)?;
    let bodies = dir.join(BODIES_DIR);
    make_private_dir(&bodies)?;
    for (name, bytes) in &state.made {
        let dest = bodies.join(name);
        if std::fs::metadata(&dest).is_ok_and(|m| m.len() == bytes.len() as u64) {
            continue;
        }
        let tmp = lock.fresh_path(crate::output::lock::Kind::Tmp);
        let written = (|| -> std::io::Result<()> {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &dest)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("{}", dest.display()));
        }
    }
    if !state.made.is_empty() {
        sync_dir(&bodies).with_context(|| format!("{}", bodies.display()))?;
    }
    let mut f = crate::output::AtomicFile::create(&dir.join(STATE_FILE))?;
    f.write_all(&state.index)?;
    f.sync()?;
    Ok(Written {
        file: f,
        bodies,
        names: state.names,
    })
}

/// A new state written beside the one in place ([`write`]); dropped without
/// [`Written::commit`], its index is removed and the old state stays (the bodies it wrote are
/// removed by the next run that commits).
pub struct Written {
    file: crate::output::AtomicFile,
    bodies: PathBuf,
    names: BTreeSet<String>,
}

impl Written {
    /// Puts the new index in place (an atomic rename), then removes the bodies it does not
    /// name (those of files gone from the inputs, a prefix folded anew, a stopped run's).
    pub fn commit(self) -> anyhow::Result<()> {
        self.file.commit()?;
        if let Ok(entries) = std::fs::read_dir(&self.bodies) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !self.names.contains(&name) {
                    let path = e.path();
                    let _ = match e.file_type() {
                        Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
                        _ => std::fs::remove_file(&path),
                    };
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::identity::Identity;

    fn header() -> Header {
        Header {
            format: FORMAT_VERSION,
            logwarden: "0.1.0".into(),
            kind: "report".into(),
            config_hash: "ab".repeat(32),
        }
    }

    fn entry(name: &str, body: &[u8]) -> FileEntry<'static> {
        FileEntry::new(
            name.into(),
            false,
            Identity {
                dev: 1,
                ino: 2,
                size: body.len() as u64,
                mtime_ns: -4,
                len: body.len() as u64,
                head: [5; 32],
                tail: [6; 32],
                newlines: 7,
                complete: true,
            },
            body.to_vec(),
        )
    }

    /// Writes and commits the state holding `index`.
    fn save(dir: &Path, index: Index<'_>, lock: &OutputLock) {
        let state = new_state(&header(), index).unwrap();
        write(dir, state, lock).unwrap().commit().unwrap();
    }

    fn bodies(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir.join(BODIES_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// A state written, read back: the same entries and bodies; the next state borrows what
    /// it keeps, writes only what it made, and removes what it no longer names.
    #[test]
    fn bodies_are_written_once_and_removed_when_unnamed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("st");
        let lock_for = |dir: &Path| {
            make_private_dir(dir).unwrap();
            OutputLock::acquire(&dir.join(STATE_FILE), true).unwrap()
        };
        let lock = lock_for(&dir);
        let first = Index {
            files: vec![entry("a", b"one"), entry("b", b""), entry("c", b"three")],
            prefix: Some(Prefix {
                files: 3,
                key: [9; 32],
                body: Cow::Owned(b"merged".to_vec()),
            }),
        };
        save(&dir, first, &lock);
        drop(lock);
        assert_eq!(bodies(&dir).len(), 3, "two files' bodies and the prefix's");
        let lock = lock_for(&dir);
        let kept = read(&dir, &header()).unwrap().unwrap();
        assert_eq!(kept.missing(), 0);
        let index = kept.index();
        let got: Vec<(&str, &[u8])> = index
            .files
            .iter()
            .map(|e| (e.name.as_str(), &*e.body))
            .collect();
        assert_eq!(got, [("a", &b"one"[..]), ("b", b""), ("c", b"three")]);
        assert_eq!(&*index.prefix.as_ref().unwrap().body, b"merged");
        // The next night: `a` dropped, `c` kept, `d` new, the prefix kept.
        let next = Index {
            files: vec![index.files[2].clone(), entry("d", b"four")],
            prefix: index.prefix.clone(),
        };
        let state = new_state(&header(), next).unwrap();
        assert_eq!(state.made.len(), 1, "only the new body is written");
        write(&dir, state, &lock).unwrap().commit().unwrap();
        drop(kept);
        drop(lock);
        let names = bodies(&dir);
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(!names.contains(&body_name(&entry("a", b"one").digest)));
        // A body gone: its file is left out, the others are used.
        std::fs::remove_file(
            dir.join(BODIES_DIR)
                .join(body_name(&entry("d", b"four").digest)),
        )
        .unwrap();
        let kept = read(&dir, &header()).unwrap().unwrap();
        assert_eq!(kept.missing(), 1);
        assert_eq!(kept.index().files.len(), 1);
        assert!(kept.index().prefix.is_some());
        // Another configuration: refused with one line.
        let mut other = header();
        other.config_hash = "cd".repeat(32);
        match read(&dir, &other) {
            Err(line) => assert!(line.contains("another configuration"), "{line}"),
            Ok(_) => panic!("a state of another configuration was read"),
        }
    }

    /// A new state written but not committed leaves the old one whole; its bodies are removed
    /// by the next commit.
    #[test]
    fn an_uncommitted_state_leaves_the_old_one() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("st");
        make_private_dir(&dir).unwrap();
        let lock = OutputLock::acquire(&dir.join(STATE_FILE), true).unwrap();
        let one = Index {
            files: vec![entry("a", b"one")],
            prefix: None,
        };
        save(&dir, one, &lock);
        let two = Index {
            files: vec![entry("a", b"one"), entry("b", b"two")],
            prefix: None,
        };
        drop(write(&dir, new_state(&header(), two).unwrap(), &lock).unwrap());
        let kept = read(&dir, &header()).unwrap().unwrap();
        assert_eq!(kept.index().files.len(), 1);
        assert_eq!(
            bodies(&dir).len(),
            2,
            "the stopped run's body is still there"
        );
        let three = Index {
            files: vec![entry("a", b"one")],
            prefix: None,
        };
        save(&dir, three, &lock);
        assert_eq!(bodies(&dir).len(), 1);
    }
}
