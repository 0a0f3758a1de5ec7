//! Where the audit's findings go once there are many: counted as they pass (`Tally`) and
//! written out of memory to a temporary file (`Spill`), so the audit's memory does not grow with
//! the number of findings. `pii_findings.csv` is then copied out of the spill in input order.

use super::pii::PiiFinding;
use crate::pii::TypeId;
use crate::record::time::Micros;
use crate::record::Location;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;

/// The columns of `pii_findings.csv`.
pub const COLUMNS: [&str; 9] = [
    "file",
    "line",
    "request_id",
    "ts",
    "field",
    "pii_type",
    "masked",
    "fingerprint",
    "detector",
];

/// The cells of a finding's row after `file`.
pub fn cells(f: &PiiFinding, type_name: &str) -> [String; 8] {
    [
        f.loc.line.to_string(),
        f.request_id.clone().unwrap_or_default(),
        f.ts.map(Micros::rfc3339).unwrap_or_default(),
        f.field.clone(),
        type_name.to_string(),
        f.masked.clone(),
        f.fingerprint.clone(),
        f.detector.to_string(),
    ]
}

/// A CSV writer of findings rows, in the one dialect every writer of them uses (the spill, the
/// durable state's rows, `pii_findings.csv`): rows kept from an earlier run are the bytes a
/// writer would write now.
pub fn row_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// The I/O error inside a CSV error, so a closed pipe stays a closed pipe.
pub fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        k => io::Error::other(format!("{k:?}")),
    }
}

/// Running counts over findings seen in input order (a record's findings together): totals,
/// per type, and per type and field the findings, records and distinct fingerprints.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    pub total: u64,
    pub by_type: Vec<u64>,
    pub secrets: u64,
    /// Records with at least one finding.
    pub records: u64,
    last: Option<Location>,
    pub(crate) keys: BTreeMap<(TypeId, String), KeyTally>,
}

/// Counts for one type and field.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct KeyTally {
    pub findings: u64,
    pub records: u64,
    last: Option<Location>,
    /// Fingerprints as 64-bit numbers (they are 16 hex digits): 8 bytes per distinct value.
    pub values: HashSet<u64>,
}

impl Tally {
    /// Adds the tally of findings that all come after this one's, in other files (a state
    /// loaded after this one).
    pub fn merge(&mut self, other: Tally) {
        self.total += other.total;
        if self.by_type.len() < other.by_type.len() {
            self.by_type.resize(other.by_type.len(), 0);
        }
        for (a, b) in self.by_type.iter_mut().zip(other.by_type) {
            *a += b;
        }
        self.secrets += other.secrets;
        self.records += other.records;
        self.last = other.last.or(self.last);
        for (key, o) in other.keys {
            let k = self.keys.entry(key).or_default();
            k.findings += o.findings;
            k.records += o.records;
            k.last = o.last.or(k.last);
            k.values.extend(o.values);
        }
    }

    pub fn add(&mut self, f: &PiiFinding, secret: bool) {
        self.total += 1;
        let t = f.type_id as usize;
        if self.by_type.len() <= t {
            self.by_type.resize(t + 1, 0);
        }
        self.by_type[t] += 1;
        self.secrets += u64::from(secret);
        if self.last != Some(f.loc) {
            self.records += 1;
            self.last = Some(f.loc);
        }
        let k = match self.keys.get_mut(&(f.type_id, f.field.clone())) {
            Some(k) => k,
            None => self.keys.entry((f.type_id, f.field.clone())).or_default(),
        };
        k.findings += 1;
        if k.last != Some(f.loc) {
            k.records += 1;
            k.last = Some(f.loc);
        }
        k.values.insert(fingerprint_bits(&f.fingerprint));
    }
}

fn fingerprint_bits(fp: &str) -> u64 {
    u64::from_str_radix(fp, 16).unwrap_or_else(|_| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        fp.hash(&mut h);
        h.finish()
    })
}

/// A run of spilled rows from one input file: its file index and byte range in the spill.
#[derive(Debug, Clone, Copy)]
struct Segment {
    file: u32,
    start: u64,
    end: u64,
}

/// A segment of the spill, read at its positions (`pread`): readers never share a file offset.
struct At<'f> {
    file: &'f File,
    pos: u64,
    end: u64,
}

impl<'f> At<'f> {
    fn new(file: &'f File, s: &Segment) -> At<'f> {
        At {
            file,
            pos: s.start,
            end: s.end,
        }
    }
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let n = buf.len().min((self.end - self.pos) as usize);
        if n == 0 {
            return Ok(0);
        }
        let got = self.file.read_at(&mut buf[..n], self.pos)?;
        if got == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the spill file is shorter than written",
            ));
        }
        self.pos += got as u64;
        Ok(got)
    }
}

/// A file writer that counts the bytes written through it.
#[derive(Debug)]
struct Counting {
    file: BufWriter<File>,
    bytes: u64,
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Findings written to a temporary file (removed when this is dropped) as CSV rows without
/// their `file` cell, in runs of one input file each.
#[derive(Debug)]
pub struct Spill {
    out: Option<csv::Writer<Counting>>,
    path: PathBuf,
    segments: Vec<Segment>,
    /// The first write error: the spill stops, and writing the findings reports it.
    error: Option<String>,
}

impl Spill {
    /// Creates the spill file under the temporary directory (`TMPDIR`).
    pub fn create() -> Spill {
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "logwarden-findings-{}-{n}.spill",
            std::process::id()
        ));
        let opened = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path);
        let (out, error) = match opened {
            Ok(f) => {
                // Unlinked at once where the system allows it: nothing is left behind even if
                // the process is killed.
                #[cfg(unix)]
                let _ = std::fs::remove_file(&path);
                let file = BufWriter::with_capacity(1 << 20, f);
                let w = row_writer(Counting { file, bytes: 0 });
                (Some(w), None)
            }
            Err(e) => (None, Some(format!("{}: {e}", path.display()))),
        };
        Spill {
            out,
            path,
            segments: Vec::new(),
            error,
        }
    }

    /// Appends findings, in the order given.
    pub fn write(&mut self, findings: &[PiiFinding], type_name: impl Fn(TypeId) -> String) {
        if self.error.is_some() {
            return;
        }
        let Some(out) = self.out.as_mut() else {
            return;
        };
        let mut run = 0;
        while run < findings.len() {
            // A run of one file's findings: one segment, bounded by flushed byte counts.
            let file = findings[run].loc.file;
            let end = findings[run..]
                .iter()
                .position(|f| f.loc.file != file)
                .map_or(findings.len(), |n| run + n);
            let written = (|| -> io::Result<(u64, u64)> {
                out.flush()?;
                let start = out.get_ref().bytes;
                for f in &findings[run..end] {
                    out.write_record(cells(f, &type_name(f.type_id)))?;
                }
                out.flush()?;
                Ok((start, out.get_ref().bytes))
            })();
            match written {
                Ok((start, stop)) => match self.segments.last_mut() {
                    Some(s) if s.file == file && s.end == start => s.end = stop,
                    _ => self.segments.push(Segment {
                        file,
                        start,
                        end: stop,
                    }),
                },
                Err(e) => {
                    self.error = Some(format!("{}: {e}", self.path.display()));
                    return;
                }
            }
            run = end;
        }
    }

    /// Marks the spill as failed: writing the findings reports `error`.
    pub fn fail(&mut self, error: String) {
        self.error.get_or_insert(error);
    }

    /// Appends rows as `rows` returns them (CSV rows without their `file` cell) for `file`.
    pub fn write_rows(&mut self, file: u32, rows: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let Some(out) = self.out.as_mut() else {
            return;
        };
        let written = (|| -> io::Result<(u64, u64)> {
            out.flush()?;
            let start = out.get_ref().bytes;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(rows);
            let mut rec = csv::ByteRecord::new();
            while reader.read_byte_record(&mut rec).map_err(io_error)? {
                out.write_byte_record(&rec).map_err(io_error)?;
            }
            out.flush()?;
            Ok((start, out.get_ref().bytes))
        })();
        match written {
            Ok((start, end)) if end > start => self.segments.push(Segment { file, start, end }),
            Ok(_) => {}
            Err(e) => self.error = Some(format!("{}: {e}", self.path.display())),
        }
    }

    /// The spilled rows, file by file in the order written: `(file, CSV rows without their
    /// file cell)`, for a durable state. Call `close` first.
    pub fn rows(&self) -> io::Result<Vec<(u32, Vec<u8>)>> {
        if let Some(e) = &self.error {
            return Err(io::Error::other(format!("spilled findings: {e}")));
        }
        let Some(w) = self.out.as_ref() else {
            return Ok(Vec::new());
        };
        let file: &File = w.get_ref().file.get_ref();
        let mut out: Vec<(u32, Vec<u8>)> = Vec::new();
        for s in &self.segments {
            let mut bytes = Vec::with_capacity((s.end - s.start) as usize);
            At::new(file, s).read_to_end(&mut bytes)?;
            match out.last_mut() {
                Some((f, b)) if *f == s.file => b.extend_from_slice(&bytes),
                _ => out.push((s.file, bytes)),
            }
        }
        Ok(out)
    }

    /// Flushes what is buffered: after this the spill is only read.
    pub fn close(&mut self) {
        if let Some(w) = self.out.as_mut() {
            if let Err(e) = w.flush() {
                self.error
                    .get_or_insert_with(|| format!("{}: {e}", self.path.display()));
            }
        }
    }

    /// Calls `each` with every spilled row, file by file in file order (each file's rows in the
    /// order they were written), with the file's name as the first cell. Call `close` first.
    /// The spill is read at positions, so several threads may read it at once.
    pub fn for_each_row(
        &self,
        files: &[String],
        each: &mut dyn FnMut(&csv::ByteRecord) -> io::Result<()>,
    ) -> io::Result<()> {
        self.for_each_row_in(files, 0..u32::MAX, each)
    }

    /// [`Spill::for_each_row`] of the files whose index is in `range` only.
    pub fn for_each_row_in(
        &self,
        files: &[String],
        range: std::ops::Range<u32>,
        each: &mut dyn FnMut(&csv::ByteRecord) -> io::Result<()>,
    ) -> io::Result<()> {
        if let Some(e) = &self.error {
            return Err(io::Error::other(format!("spilled findings: {e}")));
        }
        let Some(w) = self.out.as_ref() else {
            return Ok(());
        };
        let file: &File = w.get_ref().file.get_ref();
        let mut segments: Vec<Segment> = self
            .segments
            .iter()
            .filter(|s| range.contains(&s.file))
            .copied()
            .collect();
        segments.sort_by_key(|s| s.file);
        let mut rec = csv::ByteRecord::new();
        let mut row = csv::ByteRecord::new();
        for s in segments {
            let mut rows = csv::ReaderBuilder::new()
                .has_headers(false)
                .buffer_capacity(1 << 16)
                .from_reader(At::new(file, &s));
            let name = files.get(s.file as usize).map_or("", String::as_str);
            while rows.read_byte_record(&mut rec).map_err(io_error)? {
                row.clear();
                row.push_field(name.as_bytes());
                row.extend(rec.iter());
                each(&row)?;
            }
        }
        Ok(())
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        #[cfg(not(unix))]
        {
            self.out = None;
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A file index in a durable state, shifted like `Location::file` when the state is loaded
/// after others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileIndex(pub u32);

impl serde::Serialize for FileIndex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for FileIndex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let file: u32 = serde::Deserialize::deserialize(d)?;
        file.checked_add(crate::state::loading::file_base())
            .map(FileIndex)
            .ok_or_else(|| serde::de::Error::custom("file index out of range"))
    }
}

/// The audit's findings as a durable state holds them: counted, and written as the masked rows
/// of `pii_findings.csv` (never a raw value), per input file in input order.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FindingsState {
    pub tally: Tally,
    pub lines: u64,
    /// Of `lines`, those that were not JSON and were audited as text.
    pub text_lines: u64,
    /// Findings of accepted values (`--baseline`, `[pii] ignore_fingerprints`), left out.
    pub suppressed: u64,
    pub classes: [u64; 4],
    /// `(file, CSV rows without their file cell)`.
    pub rows: Vec<(FileIndex, Rows)>,
}

/// Rows of `pii_findings.csv` without their file cell. Loaded as the state of a file's
/// appended part, their `line` cells are shifted past the lines before it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rows(pub Vec<u8>);

impl serde::Serialize for Rows {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&self.0, s)
    }
}

impl<'de> serde::Deserialize<'de> for Rows {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes: Vec<u8> = serde::Deserialize::deserialize(d)?;
        let base = crate::state::loading::line_base();
        if base == 0 {
            return Ok(Rows(bytes));
        }
        let shift = || -> Result<Vec<u8>, csv::Error> {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(bytes.as_slice());
            let mut w = row_writer(Vec::new());
            let mut rec = csv::ByteRecord::new();
            let mut out = csv::ByteRecord::new();
            while reader.read_byte_record(&mut rec)? {
                out.clear();
                for (i, cell) in rec.iter().enumerate() {
                    if i == 0 {
                        let line: u64 = std::str::from_utf8(cell)
                            .ok()
                            .and_then(|c| c.parse().ok())
                            .unwrap_or(0);
                        out.push_field((line + base).to_string().as_bytes());
                    } else {
                        out.push_field(cell);
                    }
                }
                w.write_byte_record(&out)?;
            }
            w.into_inner()
                .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
        };
        shift().map(Rows).map_err(serde::de::Error::custom)
    }
}

/// What a findings writer (`pii_findings.csv`, its SARIF log) does with the rows of the first
/// files, those of the kept prefix of `report --state` (see `state::rendered`). The default
/// renders every row.
#[derive(Default, Clone, Copy)]
pub struct Head<'a> {
    /// The rows of files `0..upto` as rendered by an earlier run: written as they are.
    pub kept: Option<(u32, &'a [u8])>,
    /// The rows of files `0..upto` (kept or rendered now) also put in the mutex for a later run,
    /// unless they grow past [`CAPTURE_MAX`].
    pub capture: Option<(u32, &'a std::sync::Mutex<Option<Vec<u8>>>)>,
}

/// Most bytes of rendered rows kept for later runs (beyond, they are rendered every run).
pub const CAPTURE_MAX: usize = 1 << 30;

/// Adds `bytes` to a capture, which is dropped (`None`) once it would grow past
/// [`CAPTURE_MAX`].
pub fn capture_extend(capture: &mut Option<Vec<u8>>, bytes: &[u8]) {
    if let Some(c) = capture {
        if c.len() + bytes.len() > CAPTURE_MAX {
            *capture = None;
        } else {
            c.extend_from_slice(bytes);
        }
    }
}

/// A writer that also copies what passes through it while capturing.
pub struct Tee<W> {
    out: W,
    capture: Option<Vec<u8>>,
}

impl<W: Write> Tee<W> {
    pub fn new(out: W) -> Tee<W> {
        Tee { out, capture: None }
    }

    /// Starts copying what is written.
    pub fn start(&mut self) {
        self.capture = Some(Vec::new());
    }

    /// Stops copying: what was copied, unless it grew past [`CAPTURE_MAX`].
    pub fn stop(&mut self) -> Option<Vec<u8>> {
        self.capture.take()
    }
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        capture_extend(&mut self.capture, &buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Location;

    fn finding(file: u32, line: u64, masked: &str) -> PiiFinding {
        PiiFinding {
            loc: Location { file, line },
            request_id: Some(format!("req-{line}")),
            ts: None,
            field: "prompt".to_string(),
            type_id: 0,
            masked: masked.to_string(),
            fingerprint: format!("{line:016x}"),
            detector: "test",
        }
    }

    fn collect(spill: &Spill, files: &[String]) -> Vec<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        spill
            .for_each_row(files, &mut |r| {
                out.push(r.iter().map(<[u8]>::to_vec).collect());
                Ok(())
            })
            .unwrap();
        out
    }

    /// Rows come back file by file, with their file's name, whatever the cells hold (quotes,
    /// commas, line breaks), and threads reading the spill at once read the same rows.
    #[test]
    fn the_spill_reads_back_in_file_order_from_any_thread() {
        let mut spill = Spill::create();
        let tricky = ["a, \"quoted\"\nline", "plain", ""];
        let mut findings = Vec::new();
        for file in [1u32, 0, 2] {
            for line in 1..400u64 {
                findings.push(finding(file, line, tricky[line as usize % 3]));
            }
        }
        // Written in runs of one file each, as merges write them.
        for run in findings.chunk_by(|a, b| a.loc.file == b.loc.file) {
            spill.write(run, |_| "EMAIL".to_string());
        }
        spill.close();
        let files: Vec<String> = ["f0", "f,1", "f2"].iter().map(|s| s.to_string()).collect();
        let rows = collect(&spill, &files);
        assert_eq!(rows.len(), 3 * 399);
        let names: Vec<&[u8]> = rows.iter().map(|r| r[0].as_slice()).collect();
        assert!(names[..399].iter().all(|n| *n == b"f0"));
        assert!(names[399..798].iter().all(|n| *n == b"f,1"));
        assert_eq!(rows[399 + 1][6], tricky[2].as_bytes());
        assert_eq!(rows[399][6], tricky[1].as_bytes());
        assert_eq!(rows[400 + 1][6], tricky[0].as_bytes());
        let (a, b) = rayon::join(|| collect(&spill, &files), || collect(&spill, &files));
        assert_eq!(a, rows);
        assert_eq!(b, rows);
        // As a durable state holds them: one run of rows per file, in the order written.
        let kept = spill.rows().unwrap();
        assert_eq!(kept.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 0, 2]);
    }
}
