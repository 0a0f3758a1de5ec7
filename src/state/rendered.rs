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

/// The kept rendering of one prefix, and the one this run makes when there is none.
pub struct Rendered {
    path: PathBuf,
    key: [u8; 32],
    upto: u32,
    /// The file's bytes (mapped), and the ranges of the CSV rows and of the SARIF results.
    kept: Option<(memmap2::Mmap, [std::ops::Range<usize>; 2])>,
    made: [Mutex<Option<Vec<u8>>>; 2],
}

impl Rendered {
    /// The rendering of the prefix of key `prefix_key` folding the first `upto` files, in
    /// `dir`, for a run of configuration hash `config`: kept if `dir` holds it, else to be made.
    pub fn open(dir: &Path, prefix_key: [u8; 32], upto: u32, config: &str) -> Rendered {
        let mut h = Sha256::new();
        h.update(MAGIC);
        h.update(RENDER_VERSION.to_le_bytes());
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(prefix_key);
        h.update(upto.to_le_bytes());
        h.update(config.as_bytes());
        let key: [u8; 32] = h.finalize().into();
        let path = dir.join(RENDERED_FILE);
        let kept = read(&path, &key, upto);
        Rendered {
            path,
            key,
            upto,
            kept,
            made: [Mutex::new(None), Mutex::new(None)],
        }
    }

    /// True when the kept bytes are used.
    pub fn reused(&self) -> bool {
        self.kept.is_some()
    }

    /// What the writer of `part` does with the prefix's rows: writes them as kept, or renders
    /// them and keeps the bytes.
    pub fn head(&self, part: Part) -> Head<'_> {
        match &self.kept {
            Some((bytes, ranges)) => Head::Kept {
                upto: self.upto,
                bytes: &bytes[ranges[part as usize].clone()],
            },
            None => Head::Capture {
                upto: self.upto,
                keep: &self.made[part as usize],
            },
        }
    }

    /// Removes what a killed run left while writing the file. Call with the state's lock held.
    pub fn clear_leftovers(&self) -> anyhow::Result<()> {
        drop(crate::output::OutputLock::acquire(&self.path, true)?);
        Ok(())
    }

    /// Writes the rendering this run made (both outputs'), atomically. Call once the outputs
    /// are written, with the state's lock held.
    pub fn save(&self) -> anyhow::Result<()> {
        use std::io::Write;
        let take = |m: &Mutex<Option<Vec<u8>>>| m.lock().unwrap_or_else(|e| e.into_inner()).take();
        let (Some(csv), Some(sarif)) = (take(&self.made[0]), take(&self.made[1])) else {
            return Ok(());
        };
        if csv.len() + sarif.len() > CAPTURE_MAX {
            return Ok(());
        }
        let mut f = crate::output::AtomicFile::create(&self.path)?;
        f.write_all(MAGIC)?;
        f.write_all(&self.key)?;
        f.write_all(&self.upto.to_le_bytes())?;
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
            match r.head(part) {
                Head::Capture { upto, keep } => {
                    assert_eq!(upto, 3);
                    *keep.lock().unwrap() = Some(bytes.to_vec());
                }
                _ => panic!("nothing kept yet"),
            }
        }
    }

    fn kept(r: &Rendered, part: Part) -> Option<Vec<u8>> {
        match r.head(part) {
            Head::Kept { upto, bytes } => {
                assert_eq!(upto, 3);
                Some(bytes.to_vec())
            }
            _ => None,
        }
    }

    #[test]
    fn kept_bytes_are_used_for_the_same_prefix_and_configuration_only() {
        let dir = tempfile::tempdir().unwrap();
        let r = Rendered::open(dir.path(), [7; 32], 3, "cfg");
        assert!(!r.reused());
        made(&r, b"a.jsonl,1,x\n", b",\n{\"r\":1}");
        r.save().unwrap();
        let again = Rendered::open(dir.path(), [7; 32], 3, "cfg");
        assert!(again.reused());
        assert_eq!(kept(&again, Part::Csv).unwrap(), b"a.jsonl,1,x\n");
        assert_eq!(kept(&again, Part::Sarif).unwrap(), b",\n{\"r\":1}");
        // Nothing made, nothing written: the kept file stays.
        again.save().unwrap();
        assert!(Rendered::open(dir.path(), [7; 32], 3, "cfg").reused());
        assert!(!Rendered::open(dir.path(), [8; 32], 3, "cfg").reused());
        assert!(!Rendered::open(dir.path(), [7; 32], 3, "other").reused());
        let four = Rendered::open(dir.path(), [7; 32], 4, "cfg");
        assert!(!four.reused());
        // Only one output rendered (the other failed): nothing is kept.
        let half = Rendered::open(dir.path(), [9; 32], 3, "cfg");
        if let Head::Capture { keep, .. } = half.head(Part::Csv) {
            *keep.lock().unwrap() = Some(b"x".to_vec());
        }
        half.save().unwrap();
        assert!(Rendered::open(dir.path(), [7; 32], 3, "cfg").reused());
    }

    #[test]
    fn a_damaged_file_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let r = Rendered::open(dir.path(), [7; 32], 3, "cfg");
        made(&r, b"rows\n", b",\n{}");
        r.save().unwrap();
        let path = dir.path().join(RENDERED_FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.pop();
        std::fs::write(&path, &bytes).unwrap();
        assert!(!Rendered::open(dir.path(), [7; 32], 3, "cfg").reused());
        std::fs::write(&path, b"logwarden rendered findings\nshort").unwrap();
        assert!(!Rendered::open(dir.path(), [7; 32], 3, "cfg").reused());
        std::fs::write(&path, b"").unwrap();
        assert!(!Rendered::open(dir.path(), [7; 32], 3, "cfg").reused());
    }
}
