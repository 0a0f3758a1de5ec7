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
//! directory of mode 0700.

use super::identity::{self as id, Identity};
use super::loading::Loading;
use super::{Header, ReportBody, FORMAT_VERSION, MAGIC};
use crate::analysis::all::AllAnalyses;
use crate::analysis::pii::PiiContext;
use crate::analysis::Analysis;
use crate::input::Source;
use crate::output::OutputLock;
use crate::scan::{ScanOptions, ScanSummary};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The kept prefix is folded anew once the states of the files after it outgrow this
/// fraction of it (1/PREFIX_LAG of its bytes).
const PREFIX_LAG: usize = 4;

/// The state file inside `--state DIR`.
pub const STATE_FILE: &str = "report.state";

/// One input file of the previous run: where it was, what it held, and its folded state (the
/// body of a one-file `report` state, without header).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry<'a> {
    pub name: String,
    pub compressed: bool,
    pub id: Identity,
    /// SHA-256 of `body`, computed once when the body is made: what the prefix is keyed by.
    pub digest: [u8; 32],
    #[serde(with = "byte_string", borrow)]
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

/// A body as one byte string: in postcard its length then its bytes, the same wire form as a
/// sequence of `u8`, read in one piece and borrowed from the state's bytes (the bodies are most
/// of a state's bytes, and a run reads few of them).
mod byte_string {
    use serde::de::{Error, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};
    use std::borrow::Cow;

    // serde's `with` hands over the field as it is typed.
    #[allow(clippy::ptr_arg)]
    pub fn serialize<S: Serializer>(v: &Cow<'_, [u8]>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    pub fn deserialize<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Cow<'a, [u8]>, D::Error> {
        struct Bytes;
        impl<'de> Visitor<'de> for Bytes {
            type Value = Cow<'de, [u8]>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_borrowed_bytes<E: Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_vec()))
            }
            fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element()? {
                    out.push(b);
                }
                Ok(Cow::Owned(out))
            }
        }
        d.deserialize_bytes(Bytes)
    }
}

/// The merged state of the first `files` entries of the index, in their order: the body of a
/// `report` state (its scan summary names those files), with the key it is valid for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Prefix<'a> {
    pub files: u32,
    /// `prefix_key` of those entries.
    pub key: [u8; 32],
    #[serde(with = "byte_string", borrow)]
    pub body: Cow<'a, [u8]>,
}

/// The state of `--state DIR` (its bodies borrowed from the state file's bytes when read).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Index<'a> {
    #[serde(borrow)]
    pub files: Vec<FileEntry<'a>>,
    #[serde(borrow)]
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

/// The bytes of a kept state file: mapped, or read where it cannot be mapped.
pub enum StateBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for StateBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            StateBytes::Mapped(m) => m,
            StateBytes::Read(v) => v,
        }
    }
}

/// Reads `DIR/report.state`: `Ok(None)` when there is none, `Err(line)` (for one stderr line)
/// when it cannot be read. The file is mapped, not read: a run uses a few of its bodies.
pub fn read_state(dir: &Path) -> Result<Option<StateBytes>, String> {
    let path = dir.join(STATE_FILE);
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    // SAFETY: the state file is only ever replaced whole (a new file renamed over it, see
    // `save`), never written in place, and only by a run holding the state's lock, which this
    // run holds while the map lives; a replaced file's map keeps the old inode's bytes.
    match unsafe { memmap2::Mmap::map(&file) } {
        Ok(m) => Ok(Some(StateBytes::Mapped(m))),
        Err(_) => std::fs::read(&path)
            .map(|b| Some(StateBytes::Read(b)))
            .map_err(|e| format!("{}: {e}", path.display())),
    }
}

/// Reads the index of a state file's bytes (its bodies borrowed, not decoded), checked
/// against `want`: `Err(line)` (for one stderr line) when it is unusable, so the run rebuilds
/// it.
pub fn parse<'a>(dir: &Path, bytes: &'a [u8], want: &Header) -> Result<Index<'a>, String> {
    let name = dir.join(STATE_FILE).display().to_string();
    let (header, body) = super::read_header(&name, bytes).map_err(|e| e.to_string())?;
    super::check(&name, &header, want).map_err(|e| e.to_string())?;
    postcard::from_bytes(body).map_err(|e| format!("{name}: the state is damaged: {e}"))
}

/// The bytes of a state file holding `index`.
pub fn encode(header: &Header, index: &Index<'_>) -> anyhow::Result<Vec<u8>> {
    debug_assert_eq!(header.format, FORMAT_VERSION);
    let mut bytes = MAGIC.to_vec();
    bytes = postcard::to_extend(header, bytes)?;
    bytes = postcard::to_extend(index, bytes)?;
    Ok(bytes)
}

/// A run of a new state file's bytes: made by this run, or kept: a range of the previous state
/// file's bytes (a body this run only borrowed from it).
#[derive(Debug)]
pub enum Piece {
    Made(Vec<u8>),
    Kept(std::ops::Range<usize>),
}

/// The bytes of a state file holding `index` (the same bytes as [`encode`]'s) as pieces: the
/// bodies borrowed from `old` (the previous state file's bytes) are written from there, and
/// the bodies this run made are moved, not copied: a night copies only what is new.
pub fn encode_pieces(header: &Header, index: Index<'_>, old: &[u8]) -> anyhow::Result<Vec<Piece>> {
    debug_assert_eq!(header.format, FORMAT_VERSION);
    let mut pieces = Vec::new();
    let mut made = MAGIC.to_vec();
    made = postcard::to_extend(header, made)?;
    // postcard writes a sequence's length, an option's tag and a struct's fields in order, and
    // a byte string as its length and its bytes.
    made = postcard::to_extend(&(index.files.len() as u64), made)?;
    for e in index.files {
        made = postcard::to_extend(&(&e.name, e.compressed, &e.id, &e.digest), made)?;
        made = push_body(&mut pieces, made, e.body, old)?;
    }
    match index.prefix {
        None => made.push(0),
        Some(p) => {
            made.push(1);
            made = postcard::to_extend(&(p.files, &p.key), made)?;
            made = push_body(&mut pieces, made, p.body, old)?;
        }
    }
    pieces.push(Piece::Made(made));
    Ok(pieces)
}

/// Appends a body (its length, then its bytes) after the bytes `made`; returns the bytes to
/// go on with.
fn push_body(
    pieces: &mut Vec<Piece>,
    mut made: Vec<u8>,
    body: Cow<'_, [u8]>,
    old: &[u8],
) -> anyhow::Result<Vec<u8>> {
    made = postcard::to_extend(&(body.len() as u64), made)?;
    let kept = match &body {
        Cow::Borrowed(b) => range_in(old, b),
        Cow::Owned(_) => None,
    };
    pieces.push(Piece::Made(made));
    pieces.push(match kept {
        Some(r) => Piece::Kept(r),
        None => Piece::Made(body.into_owned()),
    });
    Ok(Vec::new())
}

/// Where `part` lies inside `whole`, when it does.
fn range_in(whole: &[u8], part: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some(start..end)
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

/// Writes the bytes of a state as `DIR/report.state`, atomically (a temporary file renamed
/// over it), `DIR` mode 0700.
pub fn save(dir: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    save_pieces(dir, &[Piece::Made(bytes.to_vec())], &[])
}

/// [`save`] of a state given as pieces, its kept pieces ranges of `old`.
pub fn save_pieces(dir: &Path, pieces: &[Piece], old: &[u8]) -> anyhow::Result<()> {
    write_pieces(dir, pieces, old)?.commit()?;
    Ok(())
}

/// Writes the state file of `pieces` beside the one in place, synced, for a later commit.
fn write_pieces(
    dir: &Path,
    pieces: &[Piece],
    old: &[u8],
) -> anyhow::Result<crate::output::AtomicFile> {
    use std::io::Write;
    make_private_dir(dir)?;
    let mut f = crate::output::AtomicFile::create(&dir.join(STATE_FILE))?;
    for p in pieces {
        match p {
            Piece::Made(b) => f.write_all(b)?,
            Piece::Kept(r) => f.write_all(old.get(r.clone()).context("a kept range")?)?,
        }
    }
    f.sync()?;
    Ok(f)
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
}

/// The state of this run: written by `prepare` while the outputs are written, put in place by
/// `Prepared::commit` once they are (a run stopped before leaves the previous state whole).
/// Holds the state's lock until then.
pub struct Pending {
    dir: PathBuf,
    /// The new state file's bytes; `None` when the run found the state as it was.
    pieces: Option<Vec<Piece>>,
    /// The previous state file's bytes, which the kept pieces are ranges of.
    old: Option<StateBytes>,
    lock: OutputLock,
}

impl Pending {
    /// Writes the new state (unless unchanged) beside the old one, synced, not yet in place:
    /// done while the outputs are written, then [`Prepared::commit`] once they are.
    pub fn prepare(self) -> anyhow::Result<Prepared> {
        let file = match &self.pieces {
            Some(pieces) => Some(write_pieces(
                &self.dir,
                pieces,
                self.old.as_deref().unwrap_or(&[]),
            )?),
            None => None,
        };
        drop(self.old);
        Ok(Prepared {
            file,
            lock: self.lock,
        })
    }
}

/// A new state written and synced beside the old one ([`Pending::prepare`]); dropped without
/// [`Prepared::commit`] (the outputs failed), it is removed and the old state stays.
pub struct Prepared {
    file: Option<crate::output::AtomicFile>,
    lock: OutputLock,
}

impl Prepared {
    /// Puts the new state in place (an atomic rename) and releases the lock.
    pub fn commit(self) -> anyhow::Result<()> {
        if let Some(f) = self.file {
            f.commit()?;
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
    let mapped = read_state(dir);
    let read = match &mapped {
        Ok(Some(bytes)) => parse(dir, bytes, header).map(Some),
        Ok(None) => Ok(None),
        Err(line) => Err(line.clone()),
    };
    let (old, kept) = match read {
        Ok(Some(index)) => (index, true),
        Ok(None) => (Index::default(), false),
        Err(line) => {
            if !f.quiet {
                eprintln!("logwarden: {line}; ignoring it, the state is rebuilt");
            }
            (Index::default(), false)
        }
    };
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
    let bytes = if unchanged {
        None
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
        let index = Index {
            files: entries
                .into_iter()
                .filter(|e| e.id.size > 0 || e.id.ino > 0)
                .collect(),
            prefix,
        };
        let old_bytes: &[u8] = match &mapped {
            Ok(Some(b)) => b,
            _ => &[],
        };
        Some(encode_pieces(header, index, old_bytes)?)
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
            pieces: bytes,
            old: mapped.ok().flatten(),
            lock,
        },
        prefix: used,
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

    /// The body as a byte string has the wire form of a sequence of `u8`: states written
    /// before read alike, and round trips are exact.
    #[test]
    fn bodies_are_byte_strings_with_the_sequence_wire_form() {
        #[derive(Serialize)]
        struct AsSequence<'a> {
            name: &'a str,
            compressed: bool,
            id: &'a Identity,
            digest: [u8; 32],
            body: &'a [u8],
        }
        for body in [
            vec![],
            vec![0u8, 255, 10],
            (0..=255u8).cycle().take(70_000).collect(),
        ] {
            let e = entry(body);
            let bytes = postcard::to_stdvec(&e).unwrap();
            let seq = AsSequence {
                name: &e.name,
                compressed: e.compressed,
                id: &e.id,
                digest: e.digest,
                body: &e.body,
            };
            assert_eq!(bytes, postcard::to_stdvec(&seq).unwrap());
            let back: FileEntry = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back.body, e.body);
            assert_eq!(back.id, e.id);
            // Cut short: an error, never a panic.
            assert!(postcard::from_bytes::<FileEntry>(&bytes[..bytes.len() - 1]).is_err());
        }
    }

    /// The pieces of a state are its bytes: bodies borrowed from the old state's bytes are
    /// kept ranges of them, made bodies are moved in, and the whole equals `encode`'s.
    #[test]
    fn pieces_are_the_encoded_bytes() {
        let old: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let header = Header {
            format: FORMAT_VERSION,
            logwarden: "0.1.0".into(),
            kind: "report".into(),
            config_hash: "ab".repeat(32),
        };
        let borrowed = |r: std::ops::Range<usize>| FileEntry {
            body: Cow::Borrowed(&old[r]),
            ..entry(vec![])
        };
        let other_buffer = vec![9u8; 300];
        for prefix in [false, true] {
            let index = || Index {
                files: vec![
                    borrowed(10..1010),
                    entry(vec![1, 2, 3]),
                    borrowed(0..0),
                    FileEntry {
                        body: Cow::Borrowed(&other_buffer[..]),
                        ..entry(vec![])
                    },
                    borrowed(4000..5000),
                ],
                prefix: prefix.then(|| Prefix {
                    files: 5,
                    key: [7; 32],
                    body: Cow::Borrowed(&old[100..4100]),
                }),
            };
            let want = encode(&header, &index()).unwrap();
            let pieces = encode_pieces(&header, index(), &old).unwrap();
            let mut got = Vec::new();
            let mut kept = 0;
            for p in &pieces {
                match p {
                    Piece::Made(b) => got.extend_from_slice(b),
                    Piece::Kept(r) => {
                        kept += r.len();
                        got.extend_from_slice(&old[r.clone()]);
                    }
                }
            }
            assert_eq!(got, want, "prefix {prefix}");
            assert_eq!(kept, 2000 + if prefix { 4000 } else { 0 });
            let back: Index = parse(Path::new("st"), &got, &header).unwrap();
            assert_eq!(back.files.len(), 5);
            assert_eq!(back.prefix.is_some(), prefix);
        }
        assert_eq!(range_in(&old, &other_buffer), None);
        assert_eq!(range_in(&old[..10], &old[5..20]), None);
        assert_eq!(range_in(&old, &old[5..20]), Some(5..20));
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
