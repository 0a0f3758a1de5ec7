//! The findings of the kept prefix as rendered into the outputs, kept in `--state DIR`
//! (`DIR/findings.memo`): the rows of `pii_findings.csv` and the results of its SARIF log for
//! the files the kept prefix folded. They are the same bytes every night the prefix is used
//! (about a week of daily files), and rendering them was most of the cost of writing those two
//! files, the largest of a report; a night writes them as kept and renders only its new
//! files' findings.
//!
//! Kept under a hash of the prefix's key (its files' names and folded states, in order), the
//! run's configuration hash and the logwarden version: the bytes of another prefix, another
//! configuration (detectors, types) or another version are never used. Written atomically
//! after the outputs, like the state; masked rows only, as in the outputs.

use crate::analysis::findings::{Head, CAPTURE_MAX};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The memo file inside `--state DIR`.
pub const RENDERED_FILE: &str = "findings.memo";

/// The first bytes of a rendered-findings file.
const MAGIC: &[u8] = b"logwarden rendered findings\n";

/// Changes whenever the rendering of a finding changes.
const RENDER_VERSION: u32 = 1;

/// Which output the bytes are of.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Csv = 0,
    Sarif = 1,
}

/// The kept rendering of the prefix a run starts from, and the rendering of the prefix it
/// keeps for the next run, when that is another one (folded anew) or none was kept.
pub struct Rendered {
    path: PathBuf,
    /// The kept bytes: the file's (mapped), the number of files they cover, and the ranges of
    /// the CSV rows and of the SARIF results.
    kept: Option<(memmap2::Mmap, u32, [std::ops::Range<usize>; 2])>,
    /// The key and files of the prefix whose rendering this run keeps, if it must.
    next: Option<([u8; 32], u32)>,
    made: [Mutex<Option<Vec<u8>>>; 2],
}

/// The key of a prefix's rendering: the prefix's key, its number of files, the run's
/// configuration hash and the versions.
fn key(prefix_key: &[u8; 32], upto: u32, config: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(RENDER_VERSION.to_le_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(prefix_key);
    h.update(upto.to_le_bytes());
    h.update(config.as_bytes());
    h.finalize().into()
}

impl Rendered {
    /// The rendering in `dir` of the prefix `used` (its key and number of files) this run
    /// starts from, if kept, for a run of configuration hash `config`; and `next`, the prefix
    /// the run keeps, whose rendering it makes unless it is the one kept.
    pub fn open(
        dir: &Path,
        used: Option<([u8; 32], u32)>,
        next: Option<([u8; 32], u32)>,
        config: &str,
    ) -> Rendered {
        let path = dir.join(RENDERED_FILE);
        let kept = used.and_then(|(k, upto)| {
            read(&path, &key(&k, upto, config), upto).map(|(m, r)| (m, upto, r))
        });
        let next = next
            .filter(|n| !(kept.is_some() && Some(*n) == used))
            .map(|(k, upto)| (key(&k, upto, config), upto));
        Rendered {
            path,
            kept,
            next,
            made: [Mutex::new(None), Mutex::new(None)],
        }
    }

    /// True when kept bytes are used.
    pub fn reused(&self) -> bool {
        self.kept.is_some()
    }

    /// What the writer of `part` does with the prefixes' rows: writes the kept ones as they
    /// are, and keeps the next prefix's.
    pub fn head(&self, part: Part) -> Head<'_> {
        Head {
            kept: self
                .kept
                .as_ref()
                .map(|(bytes, upto, ranges)| (*upto, &bytes[ranges[part as usize].clone()])),
            capture: self.next.map(|(_, upto)| (upto, &self.made[part as usize])),
        }
    }

    /// Removes what a killed run left while writing the file. Call with the state's lock held.
    pub fn clear_leftovers(&self) -> anyhow::Result<()> {
        drop(crate::output::OutputLock::acquire(&self.path, true)?);
        Ok(())
    }

    /// Writes the rendering of the next prefix this run made (both outputs'), atomically. Call
    /// once the outputs are written, with the state's lock held.
    pub fn save(&self) -> anyhow::Result<()> {
        use std::io::Write;
        let take = |m: &Mutex<Option<Vec<u8>>>| m.lock().unwrap_or_else(|e| e.into_inner()).take();
        let (Some((key, upto)), Some(csv), Some(sarif)) =
            (self.next, take(&self.made[0]), take(&self.made[1]))
        else {
            return Ok(());
        };
        if csv.len() + sarif.len() > CAPTURE_MAX {
            return Ok(());
        }
        let mut f = crate::output::AtomicFile::create(&self.path)?;
        f.write_all(MAGIC)?;
        f.write_all(&key)?;
        f.write_all(&upto.to_le_bytes())?;
        f.write_all(&(csv.len() as u64).to_le_bytes())?;
        f.write_all(&(sarif.len() as u64).to_le_bytes())?;
        f.write_all(&csv)?;
        f.write_all(&sarif)?;
        f.commit()?;
        Ok(())
    }
}

/// The kept bytes at `path` when they are those of `key` (else `None`: missing, damaged or of
/// another prefix).
#[allow(clippy::type_complexity)]
fn read(
    path: &Path,
    key: &[u8; 32],
    upto: u32,
) -> Option<(memmap2::Mmap, [std::ops::Range<usize>; 2])> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: the file is only ever replaced whole (renamed over), by a run holding the
    // state's lock, which this run holds while the map lives.
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    let rest = map.strip_prefix(MAGIC)?;
    let (got, rest) = rest.split_first_chunk::<32>()?;
    let (n, rest) = rest.split_first_chunk::<4>()?;
    let (csv, rest) = rest.split_first_chunk::<8>()?;
    let (sarif, rest) = rest.split_first_chunk::<8>()?;
    if got != key || u32::from_le_bytes(*n) != upto {
        return None;
    }
    let csv = usize::try_from(u64::from_le_bytes(*csv)).ok()?;
    let sarif = usize::try_from(u64::from_le_bytes(*sarif)).ok()?;
    if csv.checked_add(sarif)? != rest.len() {
        return None;
    }
    let start = map.len() - rest.len();
    let ranges = [start..start + csv, start + csv..map.len()];
    Some((map, ranges))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(r: &Rendered, csv: &[u8], sarif: &[u8]) {
        for (part, bytes) in [(Part::Csv, csv), (Part::Sarif, sarif)] {
            let (_, keep) = r.head(part).capture.expect("a rendering to make");
            *keep.lock().unwrap() = Some(bytes.to_vec());
        }
    }

    fn kept(r: &Rendered, part: Part) -> Option<(u32, Vec<u8>)> {
        r.head(part).kept.map(|(upto, b)| (upto, b.to_vec()))
    }

    #[test]
    fn kept_bytes_are_used_for_the_same_prefix_and_configuration_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = Some(([7; 32], 3));
        // The first run makes a prefix, keeps its rendering.
        let r = Rendered::open(dir.path(), None, p, "cfg");
        assert!(!r.reused());
        made(&r, b"a.jsonl,1,x\n", b",\n{\"r\":1}");
        r.save().unwrap();
        // The next starts from it, keeps it as it is: nothing to make.
        let again = Rendered::open(dir.path(), p, p, "cfg");
        assert!(again.reused());
        assert!(again.head(Part::Csv).capture.is_none());
        assert_eq!(
            kept(&again, Part::Csv).unwrap(),
            (3, b"a.jsonl,1,x\n".to_vec())
        );
        assert_eq!(
            kept(&again, Part::Sarif).unwrap(),
            (3, b",\n{\"r\":1}".to_vec())
        );
        again.save().unwrap();
        assert!(Rendered::open(dir.path(), p, p, "cfg").reused());
        for (used, config) in [
            (Some(([8; 32], 3)), "cfg"),
            (p, "other"),
            (Some(([7; 32], 4)), "cfg"),
        ] {
            assert!(!Rendered::open(dir.path(), used, used, config).reused());
        }
        // A prefix folded anew over five files: the kept three written, all five kept.
        let five = Some(([9; 32], 5));
        let grown = Rendered::open(dir.path(), p, five, "cfg");
        assert!(grown.reused());
        assert_eq!(grown.head(Part::Sarif).capture.map(|c| c.0), Some(5));
        // Only one output rendered (the other failed): nothing is kept.
        if let Some((_, keep)) = grown.head(Part::Csv).capture {
            *keep.lock().unwrap() = Some(b"x".to_vec());
        }
        grown.save().unwrap();
        assert!(Rendered::open(dir.path(), p, p, "cfg").reused());
        made(&grown, b"five\n", b",\n{}");
        grown.save().unwrap();
        let after = Rendered::open(dir.path(), five, five, "cfg");
        assert_eq!(kept(&after, Part::Csv).unwrap(), (5, b"five\n".to_vec()));
        assert!(!Rendered::open(dir.path(), p, p, "cfg").reused());
    }

    #[test]
    fn a_damaged_file_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let p = Some(([7; 32], 3));
        let r = Rendered::open(dir.path(), None, p, "cfg");
        made(&r, b"rows\n", b",\n{}");
        r.save().unwrap();
        assert!(Rendered::open(dir.path(), p, p, "cfg").reused());
        let path = dir.path().join(RENDERED_FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.pop();
        std::fs::write(&path, &bytes).unwrap();
        let damaged = Rendered::open(dir.path(), p, p, "cfg");
        assert!(!damaged.reused());
        assert!(damaged.head(Part::Csv).capture.is_some(), "made anew");
        std::fs::write(&path, b"logwarden rendered findings\nshort").unwrap();
        assert!(!Rendered::open(dir.path(), p, p, "cfg").reused());
        std::fs::write(&path, b"").unwrap();
        assert!(!Rendered::open(dir.path(), p, p, "cfg").reused());
    }
}
