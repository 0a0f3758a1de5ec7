//! The scan: every source is cut into newline-aligned chunks, each chunk is folded by the
//! analyses on the thread pool, and the per-chunk accumulators are merged in input order, so
//! the result never depends on the number of threads.

use crate::analysis::{Analysis, Line};
use crate::input::{
    needs_reshape, open_file, open_records, ordered_batches, split_chunks, BlockReader, Source,
    SNIFF_BYTES,
};
use crate::prices::PriceTable;
use crate::record::format::{detect_parsed, Field, Format, FormatKind, DETECT_SAMPLE};
use crate::record::{CostSource, Dim, Location, Record};
use crate::skip::{SkipLog, SkipReason};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What a scan reads and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// A fixed preset, or `None` to detect one per file.
    pub format: Option<FormatKind>,
    /// `[fields]` overrides applied to every preset.
    pub fields: Vec<(Field, String)>,
    /// Keep only records with `since <= ts < until`.
    pub since: Option<crate::record::time::Micros>,
    pub until: Option<crate::record::time::Micros>,
    /// Lines longer than this are skipped and counted.
    pub max_line_bytes: usize,
    /// Target chunk size; chunk cuts depend only on this, never on the thread count.
    pub chunk_bytes: usize,
    pub prices: PriceTable,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threads: 0,
            format: None,
            fields: Vec::new(),
            since: None,
            until: None,
            max_line_bytes: 64 << 20,
            chunk_bytes: 4 << 20,
            prices: PriceTable::default(),
            progress: false,
        }
    }
}

/// Totals of a scan, for messages, `summary.json` and the exit status.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ScanSummary {
    /// Source names, indexed by `Location::file`.
    pub files: Vec<String>,
    /// The preset used for each file.
    pub formats: Vec<FormatKind>,
    /// What detection saw at the start of each file (for the "nothing understood" message).
    pub samples: Vec<FileSample>,
    /// Per-file counts of records and of records lacking a timestamp or status.
    pub per_file: Vec<FileRecords>,
    /// Non-blank lines read.
    pub lines: u64,
    /// Records produced (a line may hold several, e.g. OTel spans).
    pub records: u64,
    /// Records dropped by `--since`/`--until`.
    pub out_of_range: u64,
    /// Records with no `cost_usd` that the price table priced, and those it could not.
    pub priced: u64,
    pub unpriced: u64,
    /// Values of numeric fields (latency, cost, token counts) left out because the PII
    /// detectors flag them (`"latency_ms": 4539149458073027` is a card number, not a latency).
    pub withheld_numbers: u64,
    pub bytes: u64,
    pub skipped: SkipLog,
    /// Not in a durable state (a merged run reports its own time).
    #[serde(skip)]
    pub elapsed: Duration,
    /// Passes over the input: always 1, recorded so tests and `summary.json` can show it.
    pub scans: u32,
}

/// What the start of a file looked like to detection: the preset it picked, the presets that
/// scored on it (best first), and the top-level keys of its first record.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FileSample {
    pub detected: FormatKind,
    pub ranked: Vec<FormatKind>,
    pub keys: Vec<String>,
}

impl FileSample {
    /// Samples the first non-blank lines of `data`.
    fn of(data: &[u8]) -> FileSample {
        let lines = sample_lines(data);
        let parsed: Vec<Option<serde_json::Value>> = lines
            .iter()
            .map(|l| crate::record::format::sample_value(l))
            .collect();
        let refs: Vec<Option<&serde_json::Value>> = parsed.iter().map(Option::as_ref).collect();
        let mut ranked: Vec<(FormatKind, u32)> = crate::record::format::scores(&refs)
            .into_iter()
            .filter(|(_, s)| *s > 0)
            .collect();
        // Stable: on a tie the earlier preset stays first, as detection picks it.
        ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
        let keys = parsed
            .iter()
            .flatten()
            .next()
            .and_then(|v| v.as_object())
            .map(|o| {
                // Sorted, so the message is the same whether or not serde_json keeps key order
                // (it does when polars is built in).
                let mut keys: Vec<String> =
                    o.keys().map(|k| k.chars().take(40).collect()).collect();
                keys.sort_unstable();
                keys.truncate(13);
                keys
            })
            .unwrap_or_default();
        FileSample {
            detected: detect_parsed(&refs),
            ranked: ranked.into_iter().map(|(k, _)| k).collect(),
            keys,
        }
    }
}

/// Per-file counts: non-blank lines, records, and records with a timestamp and a status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileRecords {
    pub lines: u64,
    pub records: u64,
    pub with_ts: u64,
    pub with_status: u64,
    /// Non-blank lines that gave at least one record (before `--since`/`--until`).
    pub read_lines: u64,
    /// Non-blank lines that gave at least one record with a timestamp (before the filter).
    pub timed_lines: u64,
    /// Valid lines that hold no request (an OTel batch without GenAI spans, a Langfuse event
    /// that is not a generation).
    pub empty_lines: u64,
}

impl FileRecords {
    pub fn add(&mut self, o: FileRecords) {
        self.lines += o.lines;
        self.records += o.records;
        self.with_ts += o.with_ts;
        self.with_status += o.with_status;
        self.read_lines += o.read_lines;
        self.timed_lines += o.timed_lines;
        self.empty_lines += o.empty_lines;
    }
}

impl ScanSummary {
    /// The totals of every file's counts.
    pub fn totals(&self) -> FileRecords {
        let mut all = FileRecords::default();
        for c in &self.per_file {
            all.add(*c);
        }
        all
    }

    /// Adds the totals of a scan of the appended part of this one-file scan's file (its
    /// format and sample stay those of the file's start).
    pub fn absorb_tail(&mut self, o: ScanSummary) {
        if let (Some(a), Some(b)) = (self.per_file.first_mut(), o.per_file.first()) {
            a.add(*b);
        }
        self.add_counts(&o);
        self.skipped.merge(o.skipped);
    }

    /// Adds the line, record, price and byte counters of `o` (the part every way of joining
    /// two summaries shares).
    fn add_counts(&mut self, o: &ScanSummary) {
        self.lines += o.lines;
        self.records += o.records;
        self.out_of_range += o.out_of_range;
        self.priced += o.priced;
        self.unpriced += o.unpriced;
        self.withheld_numbers += o.withheld_numbers;
        self.bytes += o.bytes;
    }

    /// Appends the totals of a scan of later files (a state loaded after this one, whose file
    /// indices were shifted past this one's files).
    pub fn append(&mut self, o: ScanSummary) {
        self.add_counts(&o);
        self.files.extend(o.files);
        self.formats.extend(o.formats);
        self.samples.extend(o.samples);
        self.per_file.extend(o.per_file);
        // The listed skips are the first in input order, whichever part they came from.
        let mut listed = std::mem::take(&mut self.skipped.listed);
        listed.extend(o.skipped.listed.iter().copied());
        listed.sort_by_key(|(loc, _)| *loc);
        listed.truncate(crate::skip::MAX_LISTED);
        self.skipped.merge(o.skipped);
        self.skipped.listed = listed;
        // Each part read its bytes once: the whole is still one pass over every byte.
        self.scans = self.scans.max(o.scans);
    }

    /// Per-file figures for `summary.json`: the preset used, lines, records, and the records
    /// without a timestamp or a status (which time-based or status-based reports leave out).
    pub fn per_file_json(&self) -> serde_json::Value {
        let files: Vec<serde_json::Value> = self
            .per_file
            .iter()
            .enumerate()
            .map(|(i, c)| {
                serde_json::json!({
                    "file": self.files.get(i),
                    "format": self.formats.get(i).map(|k| k.name()),
                    "lines": c.lines,
                    "records": c.records,
                    "records_without_ts": c.records - c.with_ts,
                    "records_without_status": c.records - c.with_status,
                })
            })
            .collect();
        serde_json::Value::Array(files)
    }
}

/// One line per file none of whose records has a timestamp, or none a status, or whose lines
/// gave no record at all: what was read, the keys seen and the presets that would fit better.
pub fn understanding_notes(summary: &ScanSummary) -> Vec<String> {
    let mut out = Vec::new();
    for (i, c) in summary.per_file.iter().enumerate() {
        let name = summary.files.get(i).map_or("?", String::as_str);
        let kind = summary.formats.get(i).copied().unwrap_or_default();
        let sample = summary.samples.get(i).cloned().unwrap_or_default();
        let what = if c.records == 0 {
            let usable = c.lines;
            if usable == 0 {
                continue;
            }
            format!(
                "no records in {} line{} read as {}",
                crate::skip::thousands(usable),
                if usable == 1 { "" } else { "s" },
                kind.name()
            )
        } else {
            let mut missing = Vec::new();
            let records = if c.records == 1 { "record" } else { "records" };
            let has = if c.records == 1 { "has" } else { "have" };
            // Only a file where no record has one is named: some records without a time (a
            // batch's expired requests) are normal, and each report counts what it leaves out.
            if c.with_ts == 0 {
                missing.push(format!(
                    "{} of {} {records} {has} a timestamp",
                    crate::skip::thousands(c.with_ts),
                    crate::skip::thousands(c.records)
                ));
            }
            if c.with_status == 0 {
                missing.push(format!(
                    "{} of {} {has} a status",
                    crate::skip::thousands(c.with_status),
                    crate::skip::thousands(c.records)
                ));
            }
            if missing.is_empty() {
                continue;
            }
            format!("{} (read as {})", missing.join(", "), kind.name())
        };
        let keys = if sample.keys.is_empty() {
            String::new()
        } else {
            let shown = &sample.keys[..sample.keys.len().min(12)];
            let more = if sample.keys.len() > 12 { "…" } else { "" };
            format!("; top-level keys: {}{more}", shown.join(", "))
        };
        let others: Vec<&str> = sample
            .ranked
            .iter()
            .filter(|k| **k != kind)
            .map(|k| k.name())
            .collect();
        let hint = match others.first() {
            Some(other) => format!("try --format {other} or map the fields with [fields]"),
            None if sample.ranked.is_empty() => {
                "no preset recognises this shape; map the fields with [fields]".to_string()
            }
            None => "map the missing fields with [fields] if the records hold them".to_string(),
        };
        out.push(format!("{name}: {what}{keys}; {hint}"));
    }
    out
}

/// A source that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {source}")]
pub struct ScanError {
    pub name: String,
    #[source]
    pub source: std::io::Error,
}

/// Everything a chunk fold produces besides the analysis accumulator.
#[derive(Default)]
struct ChunkTotals {
    lines: u64,
    records: u64,
    out_of_range: u64,
    priced: u64,
    unpriced: u64,
    withheld_numbers: u64,
    skipped: SkipLog,
    by_file: std::collections::BTreeMap<u32, FileRecords>,
}

impl ChunkTotals {
    fn merge(&mut self, o: ChunkTotals) {
        self.lines += o.lines;
        self.records += o.records;
        self.out_of_range += o.out_of_range;
        self.priced += o.priced;
        self.unpriced += o.unpriced;
        self.withheld_numbers += o.withheld_numbers;
        self.skipped.merge(o.skipped);
        for (file, counts) in o.by_file {
            self.by_file.entry(file).or_default().add(counts);
        }
    }
}

struct ChunkInput<'a> {
    file: u32,
    data: &'a [u8],
    first_line: u64,
    at_file_start: bool,
    too_long: &'a [u64],
}

/// Plain files opened (memory-mapped) at a time: as many as the SIGBUS guard protects at once.
const FILES_PER_GROUP: usize = crate::input::GUARDED_MAPS;

/// Runs analysis `A` over `sources` in one pass and returns its accumulated state.
pub fn scan<A, F>(
    sources: &[Source],
    opts: &ScanOptions,
    make: F,
) -> Result<(A, ScanSummary), ScanError>
where
    A: Analysis,
    F: Fn() -> A + Sync,
{
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| ScanError {
            name: "thread pool".into(),
            source: std::io::Error::other(e),
        })?;
    let formats: Vec<Format> = FormatKind::ALL
        .iter()
        .map(|&k| Format::new(k, &opts.fields))
        .collect();
    let format_of =
        |k: FormatKind| &formats[FormatKind::ALL.iter().position(|&x| x == k).unwrap_or(0)];
    let progress = crate::progress::Progress::new(opts.progress, sources);
    let bytes_done = AtomicU64::new(0);

    let mut summary = ScanSummary {
        files: sources.iter().map(|s| s.name.clone()).collect(),
        formats: vec![FormatKind::Native; sources.len()],
        samples: vec![FileSample::default(); sources.len()],
        per_file: vec![FileRecords::default(); sources.len()],
        scans: 1,
        ..Default::default()
    };
    let mut acc = make();
    let mut totals = ChunkTotals::default();

    // One stream (stdin, compressed, a FIFO, a JSON document): blocks read in order, folded a
    // batch at a time.
    let stream_one = |i: usize,
                      summary: &mut ScanSummary,
                      acc: &mut A,
                      totals: &mut ChunkTotals|
     -> Result<(), ScanError> {
        let s = &sources[i];
        let batch = pool.current_num_threads().max(1) * 2;
        let err = |e: std::io::Error| ScanError {
            name: s.name.clone(),
            source: e,
        };
        let reader = open_records(s).map_err(err)?;
        let mut blocks = BlockReader::new(reader, opts.chunk_bytes, opts.max_line_bytes);
        let mut kind = opts.format;
        loop {
            let pending = blocks.next_batch(batch).map_err(err)?;
            if pending.is_empty() {
                break;
            }
            if pending[0].at_file_start {
                let sample = FileSample::of(&pending[0].data);
                kind.get_or_insert(sample.detected);
                summary.samples[i] = sample;
            }
            let k = kind.unwrap_or(FormatKind::Native);
            summary.formats[i] = k;
            ordered_batches(
                &pending,
                batch,
                |b| {
                    fold_chunk(
                        &ChunkInput {
                            file: i as u32,
                            data: &b.data,
                            first_line: b.first_line,
                            at_file_start: b.at_file_start,
                            too_long: &b.too_long,
                        },
                        format_of(k),
                        opts,
                        &make,
                    )
                },
                |b, (a, t)| {
                    summary.bytes += b.data.len() as u64;
                    acc.merge(a);
                    totals.merge(t);
                    Ok::<(), ScanError>(())
                },
            )?;
            progress.update(bytes_done.fetch_add(0, Ordering::Relaxed) + summary.bytes);
        }
        Ok(())
    };

    pool.install(|| -> Result<(), ScanError> {
        // Sources in input order, so that `--strict` names the first bad line and skipped lines
        // are listed in that order whatever mix of plain and compressed files is given.
        // Memory-mapped files go a group at a time (their chunks in one parallel pass): a
        // directory of a million small files never holds a million mappings (the kernel
        // allows about 65k) nor, past that, their bytes read into memory.
        let mut next = 0;
        while next < sources.len() {
            if sources[next].is_stream() {
                stream_one(next, &mut summary, &mut acc, &mut totals)?;
                next += 1;
                continue;
            }
            // A run of plain files up to the next stream, a full group, or a file holding a
            // JSON document rather than JSON Lines (streamed right after the group).
            let mut maps = Vec::new();
            let mut document = None;
            while next < sources.len() && !sources[next].is_stream() && maps.len() < FILES_PER_GROUP
            {
                let s = &sources[next];
                let path = s.path.as_deref().expect("plain sources have a path");
                let bytes = open_file(path).map_err(|e| ScanError {
                    name: s.name.clone(),
                    source: e,
                })?;
                next += 1;
                if needs_reshape(&bytes[..bytes.len().min(SNIFF_BYTES)]) {
                    document = Some(next - 1);
                    break;
                }
                maps.push((next - 1, bytes));
            }
            let mut chunks = Vec::new();
            for (i, bytes) in &maps {
                let sample = FileSample::of(bytes);
                let kind = opts.format.unwrap_or(sample.detected);
                summary.formats[*i] = kind;
                summary.samples[*i] = sample;
                summary.bytes += bytes.len() as u64;
                for c in split_chunks(*i as u32, bytes, opts.chunk_bytes) {
                    chunks.push((c, kind));
                }
            }
            // A batch of chunks at a time, merged in order: the per-chunk states of the whole input
            // are never held at once (they would grow with its size), and the order never changes.
            let batch = pool.current_num_threads().max(1) * 32;
            ordered_batches(
                &chunks,
                batch,
                |(c, kind)| {
                    let out = fold_chunk(
                        &ChunkInput {
                            file: c.file,
                            data: c.data,
                            first_line: c.first_line,
                            at_file_start: c.at_file_start,
                            too_long: &[],
                        },
                        format_of(*kind),
                        opts,
                        &make,
                    );
                    let done = bytes_done.fetch_add(c.data.len() as u64, Ordering::Relaxed);
                    progress.update(done + c.data.len() as u64);
                    out
                },
                |_, (a, t)| {
                    acc.merge(a);
                    totals.merge(t);
                    Ok::<(), ScanError>(())
                },
            )?;
            // A file that shrank while it was read gave NULs for its lost tail: the run failed.
            if let Some((i, _)) = maps.iter().find(|(_, b)| b.truncated()) {
                return Err(ScanError {
                    name: sources[*i].name.clone(),
                    source: std::io::Error::other("the file was truncated while being read"),
                });
            }
            drop(chunks);
            drop(maps);
            if let Some(d) = document {
                stream_one(d, &mut summary, &mut acc, &mut totals)?;
            }
        }
        Ok(())
    })?;
    progress.finish();
    summary.lines = totals.lines;
    summary.records = totals.records;
    summary.out_of_range = totals.out_of_range;
    summary.priced = totals.priced;
    summary.unpriced = totals.unpriced;
    summary.withheld_numbers = totals.withheld_numbers;
    summary.skipped = totals.skipped;
    // Streams are read after the mapped files: list the skips in input order all the same.
    summary.skipped.listed.sort_by_key(|(loc, _)| *loc);
    for (file, counts) in totals.by_file {
        if let Some(slot) = summary.per_file.get_mut(file as usize) {
            *slot = counts;
        }
    }
    summary.elapsed = started.elapsed();
    Ok((acc, summary))
}

/// The first non-blank lines of a buffer (BOM and CR stripped), for detection and for the
/// "nothing understood" message.
pub(crate) fn sample_lines(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == b'\n')
        .map(|raw| strip_bom(strip_line(raw, false)))
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .take(DETECT_SAMPLE)
        .collect()
}

fn strip_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
}

#[inline]
fn strip_line(line: &[u8], bom: bool) -> &[u8] {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if bom {
        strip_bom(line)
    } else {
        line
    }
}

/// Clears the numeric fields of `rec` whose values the PII detectors flag (a logged cost that
/// is withheld counts as not logged, so it may still be priced); returns how many it cleared.
fn withhold_pii_numbers(rec: &mut Record<'_>) -> u64 {
    use crate::pii::number_holds_pii as pii;
    let mut n = 0;
    if rec.latency_ms.is_some_and(pii) {
        rec.latency_ms = None;
        n += 1;
    }
    for tokens in [&mut rec.tokens_in, &mut rec.tokens_out] {
        if tokens.is_some_and(|t| pii(t as f64)) {
            *tokens = None;
            n += 1;
        }
    }
    if rec.cost_source == CostSource::Logged && pii(rec.cost_usd) {
        rec.cost_usd = 0.0;
        rec.cost_source = CostSource::Unpriced;
        n += 1;
    }
    n
}

/// Folds the lines of one chunk into a fresh accumulator.
fn fold_chunk<A: Analysis, F: Fn() -> A>(
    chunk: &ChunkInput<'_>,
    format: &Format,
    opts: &ScanOptions,
    make: &F,
) -> (A, ChunkTotals) {
    let mut acc = make();
    let mut t = ChunkTotals::default();
    let data = chunk.data;
    let mut line_no = chunk.first_line;
    let mut start = 0usize;
    let mut too_long = chunk.too_long.iter().peekable();
    let mut counts = FileRecords::default();
    while start < data.len() {
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
        let raw = strip_line(&data[start..end], chunk.at_file_start && start == 0);
        let loc = Location {
            file: chunk.file,
            line: line_no,
        };
        start = end + 1;
        line_no += 1;
        if raw.first().is_none_or(u8::is_ascii_whitespace)
            && raw.iter().all(u8::is_ascii_whitespace)
        {
            // Blank lines are normal input; a line dropped by the stream reader left a blank.
            if too_long.peek() == Some(&&loc.line) {
                too_long.next();
                t.lines += 1;
                t.skipped.record(loc, SkipReason::TooLong);
            }
            continue;
        }
        t.lines += 1;
        if raw.len() > opts.max_line_bytes {
            t.skipped.record(loc, SkipReason::TooLong);
            continue;
        }
        // Only for lines that `Format::records` accepted, or rejected with `WrongType` only:
        // those are valid UTF-8 as a whole.
        let checked_line = || Line {
            loc,
            // SAFETY: called only for such lines (see above).
            text: unsafe { std::str::from_utf8_unchecked(raw) },
        };
        let filtered = opts.since.is_some() || opts.until.is_some();
        // The line goes to `observe_line` once, with its first record that passes the filter.
        let mut line_seen = false;
        let (mut line_read, mut line_timed) = (false, false);
        let result = format.records(raw, |rec| {
            line_read = true;
            line_timed |= rec.ts.is_some();
            match rec.ts {
                Some(ts)
                    if opts.since.is_some_and(|s| ts < s)
                        || opts.until.is_some_and(|u| ts >= u) =>
                {
                    t.out_of_range += 1;
                    return;
                }
                None if filtered => {
                    t.out_of_range += 1;
                    return;
                }
                _ => {}
            }
            // A number the PII audit flags is a leaked value, not a measurement: it is never
            // summed, ranked or exported, and so never printed.
            t.withheld_numbers += withhold_pii_numbers(rec);
            if rec.cost_source == CostSource::Unpriced {
                let model = rec.dim(Dim::Model).map(|m| m.get());
                match model.and_then(|m| opts.prices.cost(&m, rec.tokens_in, rec.tokens_out)) {
                    Some(c) => {
                        rec.cost_usd = c;
                        rec.cost_source = CostSource::Priced;
                        t.priced += 1;
                    }
                    None => t.unpriced += 1,
                }
            }
            t.records += 1;
            counts.records += 1;
            counts.with_ts += u64::from(rec.ts.is_some());
            counts.with_status += u64::from(rec.status.is_some());
            let line = checked_line();
            if !line_seen {
                line_seen = true;
                acc.observe_line(&line, Some(rec));
            }
            acc.observe(rec, &line);
        });
        counts.read_lines += u64::from(line_read);
        counts.timed_lines += u64::from(line_timed);
        match result {
            // A line with no records at all (an OTel batch without GenAI spans) is valid input
            // that no report uses; it is still audited for PII, like a line of wrong types.
            Ok(0) => {
                counts.empty_lines += 1;
                if !filtered {
                    acc.observe_line(&checked_line(), None);
                }
            }
            Ok(_) => {}
            Err(e) => {
                let mut reason = SkipReason::from(e);
                // Bad JSON in a line that is not UTF-8 at all is reported as the deeper cause.
                if reason == SkipReason::InvalidJson && std::str::from_utf8(raw).is_err() {
                    reason = SkipReason::InvalidUtf8;
                }
                t.skipped.record(loc, reason);
                if !filtered {
                    if let SkipReason::WrongType(_) = reason {
                        // Valid JSON whose fields have the wrong types is still audited for PII.
                        acc.observe_line(&checked_line(), None);
                    } else {
                        // So is a line that is no JSON object at all: as text, every byte.
                        let text = String::from_utf8_lossy(raw);
                        acc.observe_text_line(&Line { loc, text: &text });
                    }
                }
            }
        }
    }
    counts.lines = t.lines;
    t.by_file.insert(chunk.file, counts);
    (acc, t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::group::GroupSpec;
    use crate::analysis::pii::PiiAudit;
    use crate::analysis::sli::Sli;
    use crate::command::pii::PiiSetup;
    use crate::input::discover;
    use crate::pii::PiiConfig;
    use proptest::prelude::*;

    /// A small generated log written once per test process.
    fn sample() -> &'static (tempfile::TempDir, Vec<Source>) {
        static SAMPLE: std::sync::OnceLock<(tempfile::TempDir, Vec<Source>)> =
            std::sync::OnceLock::new();
        SAMPLE.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("s.jsonl");
            let mut bytes = Vec::new();
            let cfg = crate::gen::GenConfig {
                records: 400,
                ..Default::default()
            };
            crate::gen::generate(&cfg, &mut bytes).unwrap();
            // Messy lines between the records: blank, CRLF, invalid, wrong type.
            bytes.extend_from_slice(
                b"\r\n\n{\"ts\":\"bad\"}\nnot json\n{\"ts\":1795442400,\"status\":200}",
            );
            std::fs::write(&path, bytes).unwrap();
            let sources = discover(&[path.display().to_string()]).unwrap();
            (dir, sources)
        })
    }

    fn run(chunk_bytes: usize, threads: usize) -> (String, usize, u64) {
        let (_, sources) = sample();
        let opts = ScanOptions {
            chunk_bytes,
            threads,
            ..ScanOptions::default()
        };
        let setup = PiiSetup::new(&PiiConfig::default()).unwrap();
        let ctx = setup.context();
        let spec = GroupSpec::parse("hour,model,version").unwrap();
        let (sli, s) = scan(sources, &opts, || Sli::new(spec.clone())).unwrap();
        let table = crate::command::sli::sli_table(&sli.finish()).to_csv();
        let (pii, _) = scan(sources, &opts, || PiiAudit::new(&ctx)).unwrap();
        let findings = pii.finish().findings;
        let first_line_sum: u64 = findings.iter().map(|f| f.loc.line).sum();
        (
            String::from_utf8(table).unwrap() + &format!("{:?}", s.skipped.listed),
            findings.len(),
            first_line_sum,
        )
    }

    /// Findings written out of memory (spilled) give the same `pii_findings.csv` and summary,
    /// byte for byte, as findings kept in memory, with a compressed file (read after the mapped
    /// ones) before plain ones, and any chunking.
    #[test]
    fn spilled_findings_equal_findings_in_memory() {
        use std::io::Write;
        let (_, one) = sample();
        let text = std::fs::read(one[0].path.as_deref().unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&text).unwrap();
        std::fs::write(dir.path().join("a.jsonl.gz"), gz.finish().unwrap()).unwrap();
        std::fs::write(dir.path().join("b.jsonl"), &text).unwrap();
        std::fs::write(dir.path().join("c.jsonl"), &text[..text.len() / 2]).unwrap();
        let sources = discover(&[dir.path().display().to_string()]).unwrap();
        let setup = PiiSetup::new(&PiiConfig::default()).unwrap();
        let ctx = setup.context();
        let audit = |after: usize, chunk_bytes: usize| {
            let opts = ScanOptions {
                chunk_bytes,
                ..ScanOptions::default()
            };
            let (acc, s) =
                scan(&sources, &opts, || PiiAudit::new(&ctx).spill_after(after)).unwrap();
            let report = acc.finish();
            let mut csv = Vec::new();
            report.write_findings(&s.files, &mut csv).unwrap();
            let summary = crate::command::pii::summary_table(&report).to_csv();
            (
                report.spill.is_some(),
                String::from_utf8(csv).unwrap(),
                summary,
                report.count(),
                report.records_affected(),
            )
        };
        let (spilled, csv, summary, n, records) = audit(usize::MAX, usize::MAX / 2);
        assert!(!spilled);
        assert!(n > 20, "the sample has findings: {n}");
        assert_eq!(csv.lines().count() as u64, n + 1);
        assert!(csv.lines().nth(1).unwrap().contains("a.jsonl.gz"));
        for (after, chunk) in [(1, 4096), (2, 1000), (5, usize::MAX / 2)] {
            let (spilled, csv2, summary2, n2, records2) = audit(after, chunk);
            assert!(spilled);
            assert_eq!(csv2, csv, "spill_after {after}, chunk {chunk}");
            assert_eq!((summary2, n2, records2), (summary.clone(), n, records));
        }
    }

    /// More files than are mapped at once: every group is read, and results and skip
    /// locations equal those of the same lines in one file.
    #[test]
    fn more_files_than_one_mapping_group() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = Vec::new();
        let cfg = crate::gen::GenConfig {
            records: FILES_PER_GROUP as u64 * 2 + 7,
            ..Default::default()
        };
        crate::gen::generate(&cfg, &mut bytes).unwrap();
        let lines: Vec<&[u8]> = bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        for (i, line) in lines.iter().enumerate() {
            let mut l = line.to_vec();
            if i == lines.len() - 3 {
                l = b"not json".to_vec();
            }
            std::fs::write(
                dir.path().join(format!("f{i:06}.jsonl")),
                [&l[..], b"\n"].concat(),
            )
            .unwrap();
        }
        let one = tempfile::tempdir().unwrap();
        let whole: Vec<u8> = (0..lines.len())
            .flat_map(|i| std::fs::read(dir.path().join(format!("f{i:06}.jsonl"))).unwrap())
            .collect();
        std::fs::write(one.path().join("all.jsonl"), whole).unwrap();
        let spec = GroupSpec::parse("day,model").unwrap();
        let table = |path: &std::path::Path| {
            let sources = discover(&[path.display().to_string()]).unwrap();
            let (sli, s) =
                scan(&sources, &ScanOptions::default(), || Sli::new(spec.clone())).unwrap();
            let skipped: Vec<_> = s
                .skipped
                .listed
                .iter()
                .map(|(l, r)| (s.files[l.file as usize].clone(), l.line, *r))
                .collect();
            let csv = crate::command::sli::sli_table(&sli.finish()).to_csv();
            (csv, s.lines, skipped)
        };
        let (csv, n, skipped) = table(dir.path());
        let (csv1, n1, skipped1) = table(one.path());
        assert_eq!(n, lines.len() as u64);
        assert_eq!(n, n1);
        // Floating sums merged in another order may differ in the last bits.
        let (a, b) = (
            String::from_utf8_lossy(&csv),
            String::from_utf8_lossy(&csv1),
        );
        assert_eq!(a.lines().count(), b.lines().count());
        for (la, lb) in a.lines().zip(b.lines()) {
            for (x, y) in la.split(',').zip(lb.split(',')) {
                match (x.parse::<f64>(), y.parse::<f64>()) {
                    (Ok(x), Ok(y)) => {
                        assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{la} / {lb}")
                    }
                    _ => assert_eq!(x, y),
                }
            }
        }
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped1.len(), 1);
        assert!(skipped[0]
            .0
            .ends_with(&format!("f{:06}.jsonl", lines.len() - 3)));
        assert_eq!((skipped[0].1, skipped1[0].1), (1, lines.len() as u64 - 2));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Any chunking and any thread count give the same tables, skips and findings as one chunk.
        #[test]
        fn chunking_never_changes_results(chunk in 1usize..20_000, threads in 1usize..5) {
            let reference = run(usize::MAX / 2, 1);
            prop_assert_eq!(run(chunk, threads), reference);
        }
    }
}
