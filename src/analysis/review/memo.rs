//! The review's clustering kept between runs of `report --state DIR`, in `DIR/review.memo`.
//!
//! Clustering is the costliest step of finishing a night's report, and it reads only the
//! normalized texts of the cases of the week under review and of the four weeks before it,
//! the similarity threshold and the stems of the label words. A night's new file most often
//! leaves all of those as they were: its cases fall in the week still under way, which is not
//! reviewed until it is complete. The memo holds what clustering found ([`Geometry`]) under a
//! hash of everything it read; a run whose inputs hash the same reuses it, any other makes it
//! anew (and keeps the new one). What clustering found is then summarized as always, from the
//! cases themselves (their owners, models, excerpts), so only the clustering is reused.
//!
//! A memo holds cluster labels (stems of masked texts, as `failure_clusters.csv` shows them)
//! and indices, never a raw value.

use super::text::{Doc, Vocabulary};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The memo file inside `--state DIR`.
pub const MEMO_FILE: &str = "review.memo";

/// The first bytes of a memo file.
const MAGIC: &[u8] = b"logwarden review memo\n";

/// Changes whenever the clustering or [`Geometry`] changes, so that no memo made by other
/// code is reused (the logwarden version is hashed into the key too).
const GEOMETRY_VERSION: u32 = 1;

/// What clustering found: a function of the texts, the threshold and the label stems only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Geometry {
    /// The point (distinct content text) of each case of the week, in the cases' order.
    pub case_point: Vec<u32>,
    /// The cluster of each point.
    pub point_cluster: Vec<u32>,
    /// Per cluster: the point most similar to the cluster, if any.
    pub central: Vec<Option<u32>>,
    /// Per cluster: similar cases in each of the four weeks before.
    pub history: Vec<[u64; 4]>,
    /// Per cluster, then per resolved cluster: its label and the terms of its id.
    pub labels: Vec<(String, Vec<u32>)>,
    /// Per resolved cluster (gone this week): its cases in each of the four weeks before.
    pub resolved: Vec<[u64; 4]>,
}

/// The key of a clustering: a hash of everything it reads. `cases` are the normalized texts of
/// the week's cases in their order, `past` the earlier weeks' with their periods (in any
/// order).
pub fn key<'a>(
    cases: impl Iterator<Item = &'a Doc>,
    past: &[(i64, Doc)],
    selected: i64,
    threshold: f64,
    vocab: &Vocabulary,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(GEOMETRY_VERSION.to_le_bytes());
    h.update(selected.to_le_bytes());
    h.update(threshold.to_bits().to_le_bytes());
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    // The bytes are hashed 64 KiB at a time.
    fn flush(buf: &mut Vec<u8>, h: &mut Sha256, force: bool) {
        if force || buf.len() >= 1 << 16 {
            h.update(&buf[..]);
            buf.clear();
        }
    }
    let mut n = 0u64;
    for d in cases {
        d.write_bytes(&mut buf);
        n += 1;
        flush(&mut buf, &mut h, false);
    }
    buf.extend_from_slice(&n.to_le_bytes());
    // The earlier weeks' texts as a multiset: clustering does not depend on their order, which
    // depends on when the fold moved them out of the weeks it keeps in full.
    let past_sum = past
        .par_iter()
        .map(|(period, d)| {
            let mut b = Vec::with_capacity(16 + 4 * d.tokens().len());
            b.extend_from_slice(&period.to_le_bytes());
            d.write_bytes(&mut b);
            let digest: [u8; 32] = Sha256::digest(&b).into();
            u128::from_le_bytes(digest[..16].try_into().expect("16 bytes"))
        })
        .reduce(|| 0u128, u128::wrapping_add);
    buf.extend_from_slice(&past_sum.to_le_bytes());
    buf.extend_from_slice(&(past.len() as u64).to_le_bytes());
    // A stem is a function of its id except where two stems share one: those are hashed.
    for (id, word) in vocab.collided() {
        buf.extend_from_slice(&id.to_le_bytes());
        buf.extend_from_slice(&(word.len() as u32).to_le_bytes());
        buf.extend_from_slice(word.as_bytes());
        flush(&mut buf, &mut h, false);
    }
    flush(&mut buf, &mut h, true);
    h.finalize().into()
}

/// A memo file's content.
#[derive(Serialize, Deserialize)]
struct Memo {
    key: [u8; 32],
    geometry: Geometry,
}

/// The memo of one run: the file it is read from and written to, and the clustering this run
/// made (to be kept once the run's outputs are written).
#[derive(Debug)]
pub struct ClusterMemo {
    path: PathBuf,
    made: Mutex<Option<([u8; 32], Geometry)>>,
    reused: Mutex<Option<bool>>,
}

impl ClusterMemo {
    /// The memo of `--state DIR`.
    pub fn in_dir(dir: &Path) -> ClusterMemo {
        ClusterMemo {
            path: dir.join(MEMO_FILE),
            made: Mutex::new(None),
            reused: Mutex::new(None),
        }
    }

    /// Removes what a killed run left while writing the memo (its temporary file). Call with
    /// the state's lock held, once the state directory exists.
    pub fn clear_leftovers(&self) -> anyhow::Result<()> {
        drop(crate::output::OutputLock::acquire(&self.path, true)?);
        Ok(())
    }

    /// The kept clustering of `key`, or `make`'s (kept for [`ClusterMemo::save`]).
    pub fn get_or_make(&self, key: [u8; 32], make: impl FnOnce() -> Geometry) -> Geometry {
        if let Some(g) = self.read(&key) {
            *self.reused.lock().unwrap_or_else(|e| e.into_inner()) = Some(true);
            return g;
        }
        let g = make();
        *self.reused.lock().unwrap_or_else(|e| e.into_inner()) = Some(false);
        *self.made.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, g.clone()));
        g
    }

    /// Whether the clustering was reused (`None` when there was none to make).
    pub fn reused(&self) -> Option<bool> {
        *self.reused.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The kept clustering, if the memo file holds the one of `key`. A missing, damaged or
    /// outdated memo is not used (it is made anew and replaced).
    fn read(&self, key: &[u8; 32]) -> Option<Geometry> {
        let bytes = std::fs::read(&self.path).ok()?;
        let body = bytes.strip_prefix(MAGIC)?;
        let memo: Memo = postcard::from_bytes(body).ok()?;
        (memo.key == *key).then_some(memo.geometry)
    }

    /// Writes the clustering this run made, if any, atomically. Call once the outputs are
    /// written, with the state's lock held.
    pub fn save(&self) -> anyhow::Result<()> {
        use std::io::Write;
        let made = self.made.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some((key, geometry)) = made else {
            return Ok(());
        };
        let mut bytes = MAGIC.to_vec();
        bytes = postcard::to_extend(&Memo { key, geometry }, bytes)?;
        let mut f = crate::output::AtomicFile::create(&self.path)?;
        f.write_all(&bytes)?;
        f.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::review::text::{Normalizer, Source};

    fn docs(texts: &[&str], vocab: &mut Vocabulary) -> Vec<Doc> {
        let n = Normalizer::default();
        texts
            .iter()
            .map(|t| n.doc(Source::Prompt, t, vocab))
            .collect()
    }

    fn geometry() -> Geometry {
        Geometry {
            case_point: vec![0, 1, 0],
            point_cluster: vec![0, 0],
            central: vec![Some(1)],
            history: vec![[1, 0, 2, 0]],
            labels: vec![("refund card".into(), vec![3, 9])],
            resolved: vec![],
        }
    }

    #[test]
    fn the_key_changes_with_every_input() {
        let mut v = Vocabulary::default();
        let a = docs(&["my refund is late", "the card was declined"], &mut v);
        let past = vec![(3, a[1].clone())];
        let base = key(a.iter(), &past, 4, 0.3, &v);
        assert_eq!(base, key(a.iter(), &past, 4, 0.3, &v));
        assert_ne!(base, key(a.iter().rev(), &past, 4, 0.3, &v));
        assert_ne!(base, key(a.iter().take(1), &past, 4, 0.3, &v));
        assert_ne!(base, key(a.iter(), &[], 4, 0.3, &v));
        assert_ne!(base, key(a.iter(), &[(2, a[1].clone())], 4, 0.3, &v));
        assert_ne!(base, key(a.iter(), &past, 5, 0.3, &v));
        assert_ne!(base, key(a.iter(), &past, 4, 0.31, &v));
        // The earlier weeks' texts in another order: the same clustering.
        let two = vec![(3, a[1].clone()), (2, a[0].clone())];
        let owt = vec![(2, a[0].clone()), (3, a[1].clone())];
        assert_eq!(
            key(a.iter(), &two, 4, 0.3, &v),
            key(a.iter(), &owt, 4, 0.3, &v)
        );
        let twice = vec![(3, a[1].clone()), (3, a[1].clone())];
        assert_ne!(key(a.iter(), &twice, 4, 0.3, &v), base);
        // Moving a case's text between its own and the earlier weeks changes the key.
        let moved = vec![(3, a[1].clone()), (3, a[0].clone())];
        assert_ne!(base, key(a.iter().skip(1), &moved, 4, 0.3, &v));
    }

    #[test]
    fn a_stem_sharing_an_id_changes_the_key() {
        let mut v = Vocabulary::default();
        let a = docs(&["refund"], &mut v);
        let before = key(a.iter(), &[], 1, 0.3, &v);
        let id = a[0].tokens()[0];
        // Another stem with the same id (a hash collision) seen in a later file.
        let mut other = Vocabulary::default();
        other.note_for_tests(id, "aaa");
        v.merge(other);
        assert_eq!(v.word(id), Some("aaa"));
        assert_ne!(before, key(a.iter(), &[], 1, 0.3, &v));
        // The same stem seen again changes nothing.
        let mut w = Vocabulary::default();
        let b = docs(&["refund"], &mut w);
        let again = key(b.iter(), &[], 1, 0.3, &w);
        let _ = docs(&["refunds"], &mut w);
        assert_eq!(again, key(b.iter(), &[], 1, 0.3, &w));
    }

    #[test]
    fn a_memo_is_reused_only_under_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let memo = ClusterMemo::in_dir(dir.path());
        let made = memo.get_or_make([1; 32], geometry);
        assert_eq!(memo.reused(), Some(false));
        memo.save().unwrap();
        let again = ClusterMemo::in_dir(dir.path());
        let reused = again.get_or_make([1; 32], || panic!("the memo holds this key"));
        assert_eq!(reused, made);
        assert_eq!(again.reused(), Some(true));
        // Nothing made, nothing written: the file stays.
        again.save().unwrap();
        let other = ClusterMemo::in_dir(dir.path());
        let mut g = geometry();
        g.central = vec![None];
        let fresh = other.get_or_make([2; 32], || g.clone());
        assert_eq!(fresh, g);
        assert_eq!(other.reused(), Some(false));
    }

    #[test]
    fn a_damaged_memo_is_made_anew() {
        let dir = tempfile::tempdir().unwrap();
        let memo = ClusterMemo::in_dir(dir.path());
        memo.get_or_make([1; 32], geometry);
        memo.save().unwrap();
        let path = dir.path().join(MEMO_FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        bytes.truncate(n - 3);
        std::fs::write(&path, &bytes).unwrap();
        let again = ClusterMemo::in_dir(dir.path());
        let g = again.get_or_make([1; 32], geometry);
        assert_eq!(g, geometry());
        assert_eq!(again.reused(), Some(false));
        std::fs::write(&path, b"not a memo").unwrap();
        let third = ClusterMemo::in_dir(dir.path());
        third.get_or_make([1; 32], geometry);
        assert_eq!(third.reused(), Some(false));
    }
}
