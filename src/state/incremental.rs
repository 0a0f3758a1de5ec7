//! Incremental runs (`report --state DIR`): per input file, its identity and its folded state,
//! so the next run scans only what is new. An unchanged file (same content length and hashes of
//! its first and last 64 KiB) reuses its state, wherever it now lives and whatever its name (a
//! rotated file, renamed or compressed with the same content, is recognised and counted once);
//! a file that grew with the same bytes before its old end (ending in a complete line) is read
//! from there only; any other file is scanned again; a file gone from the inputs drops out.
//! The per-file states merge in input order exactly as shards do (`merge`), so the outputs equal
//! a full scan's. The merged state of all the files is kept too (the *prefix*): a run whose
//! first files are exactly those (the nightly run over yesterday's files and one more) starts
//! from it and merges only the rest. The state is written after the outputs, atomically, in a
//! directory of mode 0700 (its layout: `store`).

use super::identity::{self as id, Identity};
use super::loading::Loading;
use super::store::{self, make_private_dir, STATE_FILE};
use super::{Header, ReportBody};
use crate::analysis::all::AllAnalyses;
use crate::analysis::pii::PiiContext;
use crate::analysis::Analysis;
use crate::input::Source;
use crate::output::OutputLock;
use crate::scan::{ScanOptions, ScanSummary};
use anyhow::Context;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The kept prefix is folded anew once the states of the files after it outgrow this
/// fraction of it (1/PREFIX_LAG of its bytes).
const PREFIX_LAG: usize = 4;

/// One input file of the previous run: where it was, what it held, and its folded state (the
/// body of a one-file `report` state, without header).
#[derive(Debug, Clone)]
pub struct FileEntry<'a> {
    pub name: String,
    pub compressed: bool,
    pub id: Identity,
    /// SHA-256 of `body`, computed once when the body is made: what the prefix is keyed by,
    /// and the name of the body's file in the state (`store`).
    pub digest: [u8; 32],
    pub body: Cow<'a, [u8]>,
}

impl FileEntry<'_> {
    /// An entry whose body was just made.
    pub fn new(name: String, compressed: bool, id: Identity, body: Vec<u8>) -> FileEntry<'static> {
        FileEntry {
            name,
            compressed,
            id,
            digest: Sha256::digest(&body).into(),
            body: Cow::Owned(body),
        }
    }
}

/// The merged state of the first `files` entries of the index, in their order: the body of a
/// `report` state (its scan summary names those files), with the key it is valid for.
#[derive(Debug, Clone)]
pub struct Prefix<'a> {
    pub files: u32,
    /// `prefix_key` of those entries.
    pub key: [u8; 32],
    pub body: Cow<'a, [u8]>,
}

/// The state of `--state DIR` (its bodies borrowed from the kept bodies' maps when read).
#[derive(Debug, Default)]
pub struct Index<'a> {
    pub files: Vec<FileEntry<'a>>,
    pub prefix: Option<Prefix<'a>>,
}

/// What a prefix of entries merged into: their names and body digests in order, and the
/// latency budgets of the run (a merged state past its budget holds histograms, which a run
/// with a larger `--max-memory` must not reuse).
pub fn prefix_key(entries: &[FileEntry<'_>], budgets: &[u64]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"prefix");
    for b in budgets {
        h.update(b.to_le_bytes());
    }
    h.update((entries.len() as u64).to_le_bytes());
    for e in entries {
        h.update((e.name.len() as u64).to_le_bytes());
        h.update(e.name.as_bytes());
        h.update(e.digest);
    }
    h.finalize().into()
}

/// How a file of this run was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    Reused,
    /// Read on after its old length.
    Resumed(u64),
    Rescanned,
}

/// What an incremental run needs from the command that folds.
pub struct Folding<'a, 'd> {
    pub pii_ctx: &'d PiiContext<'d>,
    /// Scans one file alone, with these options, into the body of a one-file state.
    pub scan_one: &'a dyn Fn(&Source, &ScanOptions) -> anyhow::Result<Vec<u8>>,
    /// A fresh accumulator of the run.
    pub fresh: &'a dyn Fn() -> AllAnalyses<'d>,
    /// The decode context of the run (its bases are set per state).
    pub loading: Loading,
    /// The sample budgets of the run's latencies (part of the prefix key).
    pub budgets: [u64; 2],
    pub scan: &'a ScanOptions,
    pub quiet: bool,
}

impl Folding<'_, '_> {
    /// The decode context of a state whose first file is input `file_base`, its lines
    /// numbered on from `line_base`.
    fn loading(&self, file_base: usize, line_base: u64) -> anyhow::Result<Loading> {
        Ok(Loading {
            file_base: u32::try_from(file_base).context("too many input files")?,
            line_base,
            ..self.loading.clone()
        })
    }
}

/// The inputs folded: the merged accumulator and scan summary, ready to be finished, the
/// `incremental` note of `summary.json`, and the new state, to be saved after the outputs.
pub struct Folded<'d> {
    pub acc: AllAnalyses<'d>,
    pub summary: ScanSummary,
    pub note: serde_json::Value,
    pub pending: Pending,
    /// The kept prefix this run started from: its key and its number of files.
    pub prefix: Option<([u8; 32], u32)>,
    /// The prefix the new state keeps (the same, or one folded anew): its key and files.
    pub next_prefix: Option<([u8; 32], u32)>,
}

/// The state of this run: written by `prepare` while the outputs are written, put in place by
/// `Prepared::commit` once they are (a run stopped before leaves the previous state whole).
/// Holds the state's lock until then.
pub struct Pending {
    dir: PathBuf,
    /// The new state; `None` when the run found the state as it was.
    state: Option<store::NewState>,
    lock: OutputLock,
}

impl Pending {
    /// Writes the new state (unless unchanged) beside the old one, synced, not yet in place:
    /// done while the outputs are written, then [`Prepared::commit`] once they are.
    pub fn prepare(self) -> anyhow::Result<Prepared> {
        let written = match self.state {
            Some(state) => Some(store::write(&self.dir, state, &self.lock)?),
            None => None,
        };
        Ok(Prepared {
            written,
            lock: self.lock,
        })
    }
}

/// A new state written and synced beside the old one ([`Pending::prepare`]); dropped without
/// [`Prepared::commit`] (the outputs failed), it is removed and the old state stays.
pub struct Prepared {
    written: Option<store::Written>,
    lock: OutputLock,
}

impl Prepared {
    /// Puts the new state in place (an atomic rename), removes the bodies it does not name,
    /// and releases the lock.
    pub fn commit(self) -> anyhow::Result<()> {
        if let Some(w) = self.written {
            w.commit()?;
        }
        drop(self.lock);
        Ok(())
    }
}

/// `report --state DIR`: each input file's folded state is reused, resumed after its old end,
/// or made by a scan of the file alone; the per-file states are merged in input order (as
/// `merge` merges shards), starting from the kept prefix when the first files are its files.
pub fn fold<'d>(
    dir: &Path,
    header: &Header,
    sources: &[Source],
    f: &Folding<'_, 'd>,
) -> anyhow::Result<Folded<'d>> {
    let started = std::time::Instant::now();
    // The state's lock, held for the whole run: runs on one state take turns, and what a
    // killed run left in the state's work area (its appended bytes, its unfinished state
    // file) is removed. The directory is made private before anything is written in it.
    make_private_dir(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let lock = OutputLock::acquire(&dir.join(STATE_FILE), f.quiet)?;
    let stored = match store::read(dir, header) {
        Ok(k) => k,
        Err(line) => {
            if !f.quiet {
                eprintln!("logwarden: {line}; ignoring it, the state is rebuilt");
            }
            None
        }
    };
    let kept = stored.is_some();
    if let Some(missing) = stored.as_ref().map(store::Kept::missing).filter(|&n| n > 0) {
        if !f.quiet {
            eprintln!(
                "logwarden: {}: {missing} kept states were not found as the index says; their files are scanned again",
                dir.join(store::BODIES_DIR).display()
            );
        }
    }
    let old = stored.as_ref().map(store::Kept::index).unwrap_or_default();
    crate::timing::phase("state read");
    // Standard input has no identity: scanned every time, never kept (nor a prefix with it).
    let all_kept = sources.iter().all(|s| s.path.is_some());
    // The kept prefix is decoded on a thread of its own while the new files are scanned (a
    // night's scan of one file leaves a core idle at its start and end); it is used only if
    // the files it folded are found as they were, else dropped.
    let speculative = old
        .prefix
        .as_ref()
        .filter(|p| kept && all_kept && p.files > 0);
    let loading = f.loading(0, 0)?;
    let (entries, decoded) = std::thread::scope(|s| {
        let decoding = speculative.map(|p| {
            s.spawn(|| {
                super::decode_body("the kept prefix", &p.body, &loading)
                    .map(|body| body.into_analyses(f.pii_ctx))
            })
        });
        let entries = entries_of(sources, &old, f, &lock);
        let decoded = decoding.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("decoding the kept prefix failed")))
        });
        (entries, decoded)
    });
    let (entries, counts, scanned, skipped) = entries?;
    crate::timing::phase("new files scanned, the prefix decoded beside");
    let key = prefix_key(&entries, &f.budgets);
    let prefix = old.prefix.as_ref().filter(|p| {
        kept && all_kept
            && (p.files as usize) <= entries.len()
            && p.key == prefix_key(&entries[..p.files as usize], &f.budgets)
    });
    // A run that found every file as it was, where it was, leaves the state as it is.
    let unchanged = kept
        && all_kept
        && prefix.is_some_and(|p| p.key == key)
        && entries.len() == old.files.len()
        && entries.iter().zip(&old.files).all(|(a, b)| {
            (&a.name, a.compressed, &a.id, &a.digest) == (&b.name, b.compressed, &b.id, &b.digest)
        });
    let mut acc = (f.fresh)();
    let mut summary = ScanSummary::default();
    let from = match (prefix, decoded) {
        (Some(p), Some(decoded)) => {
            let (part, scan) = decoded?;
            acc.merge(part);
            summary.append(scan);
            p.files as usize
        }
        _ => 0,
    };
    let used = prefix.filter(|_| from > 0).map(|p| (p.key, p.files));
    crate::timing::phase("kept prefix merged");
    // The other per-file states, decoded in parallel a few at a time (so only those few are
    // held decoded at once) and merged in input order.
    let batch = rayon::current_num_threads().max(1) * 2;
    let rest = &entries[from..];
    let loading = &f.loading;
    for (b, group) in rest.chunks(batch).enumerate() {
        use rayon::prelude::*;
        let bodies = group
            .par_iter()
            .enumerate()
            .map(|(j, e)| {
                let base = u32::try_from(from + b * batch + j).context("too many input files")?;
                let loading = Loading {
                    file_base: base,
                    ..loading.clone()
                };
                super::decode_body(&e.name, &e.body, &loading)
            })
            .collect::<anyhow::Result<Vec<ReportBody>>>()?;
        for (e, body) in group.iter().zip(bodies) {
            let (part, mut scan) = body.into_analyses(f.pii_ctx);
            scan.files = vec![e.name.clone()];
            acc.merge(part);
            summary.append(scan);
        }
    }
    crate::timing::phase("other kept files merged");
    // The merged state of every file, kept for the next run (before the reports are
    // finished from the same accumulator).
    let (new_state, next) = if unchanged {
        (None, used)
    } else {
        // The kept prefix stays as it is while the files after it are small beside it (their
        // states are decoded and merged after it, a few at a time): a night then encodes only
        // its new file's state, and the prefix is folded anew about once a week of daily files.
        let after: usize = entries[from..].iter().map(|e| e.body.len()).sum();
        let prefix = match prefix {
            Some(p) if from > 0 && after <= p.body.len() / PREFIX_LAG => Some(Prefix {
                files: p.files,
                key: p.key,
                body: p.body.clone(),
            }),
            _ => (all_kept && !entries.is_empty())
                .then(|| super::encode_body(f.pii_ctx, &mut acc, &summary))
                .transpose()?
                .map(|body| Prefix {
                    files: entries.len() as u32,
                    key,
                    body: Cow::Owned(body),
                }),
        };
        let next = prefix.as_ref().map(|p| (p.key, p.files));
        let index = Index {
            files: entries
                .into_iter()
                .filter(|e| e.id.size > 0 || e.id.ino > 0)
                .collect(),
            prefix,
        };
        (Some(store::new_state(header, index)?), next)
    };
    crate::timing::phase("new state encoded");
    drop(old);
    summary.scans = 1;
    summary.elapsed = started.elapsed();
    let note = serde_json::json!({
        "state_dir": dir.display().to_string(),
        "files_reused": counts[0],
        "files_resumed": counts[1],
        "files_rescanned": counts[2],
        "bytes_scanned": scanned,
        "bytes_skipped": skipped,
        "prefix_files": from,
    });
    Ok(Folded {
        acc,
        summary,
        note,
        pending: Pending {
            dir: dir.to_path_buf(),
            state: new_state,
            lock,
        },
        prefix: used,
        next_prefix: next,
    })
}

/// The entries of the inputs, in order (scanning what is new), with the counts of files
/// reused, resumed and rescanned, and the bytes scanned and skipped.
#[allow(clippy::type_complexity)]
fn entries_of<'a>(
    sources: &[Source],
    old: &Index<'a>,
    f: &Folding<'_, '_>,
    lock: &OutputLock,
) -> anyhow::Result<(Vec<FileEntry<'a>>, [u64; 3], u64, u64)> {
    let mut entries: Vec<FileEntry<'a>> = Vec::with_capacity(sources.len());
    let mut counts = [0u64; 3];
    let (mut scanned, mut skipped) = (0u64, 0u64);
    for source in sources {
        let (handling, entry) = entry_of(source, old, f, lock)?;
        match handling {
            Handling::Reused => {
                counts[0] += 1;
                skipped += entry.id.size;
            }
            Handling::Resumed(before) => {
                counts[1] += 1;
                scanned += entry.id.len - before;
                skipped += before;
            }
            Handling::Rescanned => {
                counts[2] += 1;
                scanned += entry.id.size;
            }
        }
        entries.push(entry);
    }
    Ok((entries, counts, scanned, skipped))
}

/// How one input file is handled, and its entry: its kept state reused, resumed, or a scan.
fn entry_of<'a>(
    source: &Source,
    old: &Index<'a>,
    f: &Folding<'_, '_>,
    lock: &OutputLock,
) -> anyhow::Result<(Handling, FileEntry<'a>)> {
    let new = |id: Identity, body: Vec<u8>| {
        FileEntry::new(source.name.clone(), source.is_stream(), id, body)
    };
    let reused = |id: Identity, e: &FileEntry<'a>| FileEntry {
        name: source.name.clone(),
        compressed: source.is_stream(),
        id,
        digest: e.digest,
        body: e.body.clone(),
    };
    let Some(path) = source.path.as_deref() else {
        // Standard input has no identity: scanned every time.
        let body = (f.scan_one)(source, f.scan)?;
        return Ok((Handling::Rescanned, new(Identity::none(), body)));
    };
    let name_err = |e: std::io::Error| anyhow::anyhow!("{}: {e}", source.name);
    if source.is_stream() {
        let quick = id::plain_identity(path).map_err(name_err)?;
        let same_file = old.files.iter().find(|e| {
            e.compressed
                && (e.id.dev, e.id.ino, e.id.size, e.id.mtime_ns)
                    == (quick.dev, quick.ino, quick.size, quick.mtime_ns)
        });
        let now = match same_file {
            Some(e) => e.id.clone(),
            None => id::stream_identity(path, crate::input::open_stream(source).map_err(name_err)?)
                .map_err(name_err)?,
        };
        return Ok(
            match old.files.iter().find(|e| id::same_content(&e.id, &now)) {
                Some(e) => (Handling::Reused, reused(now, e)),
                None => {
                    let body = (f.scan_one)(source, f.scan)?;
                    (Handling::Rescanned, new(now, body))
                }
            },
        );
    }
    let mut now = id::plain_identity(path).map_err(name_err)?;
    // A plain file's content is known by its edges, its length and its time (a rename keeps
    // the time); a compressed one's was read whole.
    let known = old
        .files
        .iter()
        .find(|e| id::same_content(&e.id, &now) && (e.compressed || e.id.mtime_ns == now.mtime_ns));
    if let Some(e) = known {
        now.newlines = e.id.newlines;
        return Ok((Handling::Reused, reused(now, e)));
    }
    let grown = old
        .files
        .iter()
        .filter(|e| !e.compressed)
        .find(|e| id::grew_from(path, &now, &e.id).unwrap_or(false));
    if let Some(e) = grown {
        let body = resume(source, e, &now, f, lock)?;
        now.newlines = e.id.newlines + id::count_newlines(path, e.id.len).map_err(name_err)?;
        return Ok((Handling::Resumed(e.id.len), new(now, body)));
    }
    // Its lines are counted on a thread of their own while it is scanned.
    let (newlines, body) = std::thread::scope(|s| {
        let counting = s.spawn(|| id::count_newlines(path, 0));
        let body = (f.scan_one)(source, f.scan);
        let newlines = counting
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("counting its lines failed")));
        (newlines, body)
    });
    now.newlines = newlines.map_err(name_err)?;
    let body = body?;
    Ok((Handling::Rescanned, new(now, body)))
}

/// The state of a file that grew: its old state, then a scan of the bytes after its old end
/// (read with the file's format, its lines numbered on from the old ones).
fn resume(
    source: &Source,
    old: &FileEntry<'_>,
    now: &Identity,
    f: &Folding<'_, '_>,
    lock: &OutputLock,
) -> anyhow::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let path = source.path.as_deref().context("a plain file")?;
    let base = super::decode_body(&source.name, &old.body, &f.loading(0, 0)?)?;
    // The appended bytes, copied to a temporary file in the state's work area (inside the
    // private state directory; a killed run's copy is removed by the next run's lock) and
    // scanned as the same file.
    let tmp = TempPath(lock.fresh_path(crate::output::lock::Kind::Tmp));
    {
        let mut from = std::fs::File::open(path)?;
        from.seek(SeekFrom::Start(old.id.len))?;
        let mut out = std::fs::File::create(&tmp.0)?;
        std::io::copy(&mut from.take(now.len - old.id.len), &mut out)?;
    }
    let part_source = Source {
        name: source.name.clone(),
        path: Some(tmp.0.clone()),
        encoding: source.encoding,
        special: false,
    };
    let mut opts = f.scan.clone();
    opts.format = Some(base.scan.formats.first().copied().unwrap_or_default());
    let part = (f.scan_one)(&part_source, &opts)?;
    let part = super::decode_body(&source.name, &part, &f.loading(0, old.id.newlines)?)?;
    // Merged into a fresh accumulator, which holds the run's latency budgets.
    let mut acc = (f.fresh)();
    let (head, mut summary) = base.into_analyses(f.pii_ctx);
    let (tail, tail_scan) = part.into_analyses(f.pii_ctx);
    acc.merge(head);
    acc.merge(tail);
    summary.absorb_tail(tail_scan);
    super::encode_body(f.pii_ctx, &mut acc, &summary)
}

/// A temporary file, removed when dropped.
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body: Vec<u8>) -> FileEntry<'static> {
        FileEntry::new(
            "a.jsonl".into(),
            false,
            Identity {
                dev: 1,
                ino: 2,
                size: 3,
                mtime_ns: -4,
                len: 3,
                head: [5; 32],
                tail: [6; 32],
                newlines: 7,
                complete: true,
            },
            body,
        )
    }

    /// The prefix key changes with any name, body, order or budget, and with the count.
    #[test]
    fn the_prefix_key_covers_names_bodies_order_and_budgets() {
        let named = |name: &str, body: &[u8]| FileEntry {
            name: name.into(),
            ..entry(body.to_vec())
        };
        let a = named("a.jsonl", b"one");
        let b = named("b.jsonl", b"two");
        let base = prefix_key(&[a.clone(), b.clone()], &[10, 10]);
        assert_eq!(base, prefix_key(&[a.clone(), b.clone()], &[10, 10]));
        let others = [
            prefix_key(&[b.clone(), a.clone()], &[10, 10]),
            prefix_key(&[a.clone(), named("c.jsonl", b"two")], &[10, 10]),
            prefix_key(&[a.clone(), named("b.jsonl", b"three")], &[10, 10]),
            prefix_key(&[a.clone(), b.clone()], &[10, 11]),
            prefix_key(std::slice::from_ref(&a), &[10, 10]),
        ];
        for (i, k) in others.iter().enumerate() {
            assert_ne!(*k, base, "variant {i}");
        }
        // A reused entry keeps the digest of its body.
        assert_eq!(a.digest, <[u8; 32]>::from(Sha256::digest(b"one")));
    }
}
