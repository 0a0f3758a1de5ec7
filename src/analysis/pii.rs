//! The PII / secret audit: every JSON string value, object key and number of every line,
//! unescaped, through the detectors, and lines that are not JSON as text; findings located by
//! file, line and field path, masked and fingerprinted, never raw.

use super::findings::{self, FileIndex, FindingsState, Spill, Tally};
use super::{Analysis, Line};
use crate::pii::{redact_text, Baseline, Detectors, Finding, Fingerprinter, RedactMode, TypeId};
use crate::record::json::JsonError;
use crate::record::time::Micros;
use crate::record::walk::{format_path_with, walk_values, Seg, StringValue, ValueKind};
use crate::record::{unescape_into, Location, Record};
use std::collections::BTreeMap;

pub use crate::pii::DataClass;

/// How records are classified: the class of a record without findings, and of each finding
/// type (from the type registry: secrets confidential, PII and identifiers pii).
#[derive(Debug, Clone)]
pub struct Classifier {
    pub default: DataClass,
    /// Class per type id (builtins and custom types).
    pub by_type: Vec<DataClass>,
}

impl Classifier {
    /// The default rules for a set of detectors (each type's data class from the registry),
    /// with `overrides` (type name → class).
    pub fn new(
        det: &Detectors,
        default: DataClass,
        overrides: &BTreeMap<String, DataClass>,
    ) -> Classifier {
        let by_type = det
            .types()
            .iter()
            .map(|t| overrides.get(&t.name).copied().unwrap_or(t.data_class))
            .collect();
        Classifier { default, by_type }
    }
}

/// What `LineScanner::scan` calls for each string, key or number with findings: its path, the
/// value (raw text, byte range in the line and kind), the decoded text, and the findings in it.
pub type StringsWithFindings<'a, 'f> =
    dyn FnMut(&[Seg<'a>], &StringValue<'a>, &str, &[Finding]) + 'f;

/// Reusable buffers for running the detectors over every string of a line: the audit, the
/// requests table's `pii_types` and redaction all see lines through it.
#[derive(Debug, Default)]
pub struct LineScanner {
    text: String,
    hits: Vec<Finding>,
}

impl LineScanner {
    /// Calls `f(path, value, decoded text, findings)` for every string value, object key and
    /// number of the JSON `line` that holds findings, in document order. Fails on invalid JSON
    /// (after reporting the values before the error).
    pub fn scan<'a>(
        &mut self,
        det: &Detectors,
        line: &'a [u8],
        f: &mut StringsWithFindings<'a, '_>,
    ) -> Result<(), JsonError> {
        let (text, hits) = (&mut self.text, &mut self.hits);
        walk_values(line, &mut |path, value| {
            let s: &str = if value.escaped {
                text.clear();
                unescape_into(value.raw, text);
                text
            } else {
                value.raw
            };
            hits.clear();
            if value.kind == ValueKind::Number {
                det.scan_number(s, hits);
            } else {
                det.scan(s, hits);
            }
            if !hits.is_empty() {
                f(path, &value, s, hits);
            }
        })
    }
}

/// One finding, as reported: the raw value is gone by the time this exists.
#[derive(Debug, Clone, PartialEq)]
pub struct PiiFinding {
    pub loc: Location,
    pub request_id: Option<String>,
    pub ts: Option<Micros>,
    pub field: String,
    pub type_id: TypeId,
    pub masked: String,
    pub fingerprint: String,
    pub detector: &'static str,
}

/// The field of a finding in an object key: `metadata.<key>` (the path of the object, then
/// this), since the key itself is the value that must not be shown.
pub const KEY_FIELD: &str = "<key>";

/// The field of a finding in a line that is not JSON, audited as text.
pub const LINE_FIELD: &str = "<line>";

/// Shared, read-only parts of the audit, borrowed by every chunk's accumulator.
pub struct PiiContext<'d> {
    pub detectors: &'d Detectors,
    pub fingerprints: &'d Fingerprinter,
    pub classifier: &'d Classifier,
    /// Accepted findings, left out of the report and counted as suppressed.
    pub baseline: &'d Baseline,
}

/// Findings an accumulator holds before it writes them to its spill file.
pub const SPILL_AFTER: usize = 4096;

/// The audit fold.
pub struct PiiAudit<'d> {
    ctx: &'d PiiContext<'d>,
    findings: Vec<PiiFinding>,
    /// Findings already written out of memory, and counts over them.
    spill: Option<Spill>,
    tally: Tally,
    spill_after: usize,
    lines: u64,
    text_lines: u64,
    classes: [u64; 4],
    suppressed: u64,
    // Reused buffers: the audit sees every string of every line.
    scanner: LineScanner,
}

/// The audit's result.
#[derive(Debug, Default)]
pub struct PiiReport {
    /// Findings in input order (file, line, position in the line), when they stayed in memory;
    /// past `SPILL_AFTER` they are all in `spill` instead. `tally` counts them either way.
    pub findings: Vec<PiiFinding>,
    pub spill: Option<Spill>,
    pub tally: Tally,
    /// Lines (records) audited.
    pub lines: u64,
    /// Of them, lines that were not JSON and were audited as text (field `<line>`).
    pub text_lines: u64,
    /// Values longer than a custom type's search window in which a match reached a window's
    /// cut end (see `Detectors::custom_bounded`).
    pub custom_bounded: u64,
    /// Records per data class, indexed like `DataClass::ALL`.
    pub classes: [u64; 4],
    /// Findings left out because their value was accepted (`--baseline`,
    /// `[pii] ignore_fingerprints`); not in `findings`, `tally` or `count()`.
    pub suppressed: u64,
    pub type_names: Vec<String>,
}

/// One row of `pii_summary.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct PiiSummaryRow {
    pub pii_type: String,
    pub field: String,
    pub findings: u64,
    pub records: u64,
    pub distinct_values: u64,
}

/// The data class and accepted findings of the line being audited.
struct LineSeen {
    class: DataClass,
    suppressed: u64,
}

impl<'d> PiiAudit<'d> {
    pub fn new(ctx: &'d PiiContext<'d>) -> Self {
        PiiAudit {
            ctx,
            findings: Vec::new(),
            spill: None,
            tally: Tally::default(),
            spill_after: SPILL_AFTER,
            lines: 0,
            text_lines: 0,
            classes: [0; 4],
            suppressed: 0,
            scanner: LineScanner::default(),
        }
    }

    /// Sets how many findings are held before they are written out of memory (for tests).
    pub fn spill_after(mut self, n: usize) -> Self {
        self.spill_after = n.max(1);
        self
    }

    /// Audits one line: its JSON values, or, when `as_text` and the line is not JSON, the
    /// whole line as text (field `<line>`).
    fn audit(&mut self, line: &Line<'_>, rec: Option<&Record<'_>>, as_text: bool) {
        self.lines += 1;
        let ctx = self.ctx;
        let first = self.findings.len();
        let findings = &mut self.findings;
        // What the line holds, accepted values included: an accepted value still classifies
        // the line (the data is what it is), but is not reported again.
        let mut seen = LineSeen {
            class: ctx.classifier.default,
            suppressed: 0,
        };
        let record = |findings: &mut Vec<PiiFinding>,
                      seen: &mut LineSeen,
                      field: &str,
                      s: &str,
                      hits: &[Finding]| {
            for h in hits {
                // A value found inside a base64 or percent-encoded run is masked and
                // fingerprinted decoded, and its field says how it was written.
                let value = ctx.detectors.value(s, h);
                seen.class = seen.class.max(ctx.classifier.by_type[h.type_id as usize]);
                let fingerprint = ctx
                    .detectors
                    .fingerprint(ctx.fingerprints, h.type_id, &value);
                if ctx.baseline.accepts(&fingerprint) {
                    seen.suppressed += 1;
                    continue;
                }
                let suffix = h.encoding.path_suffix();
                findings.push(PiiFinding {
                    loc: line.loc,
                    request_id: None,
                    ts: None,
                    field: format!("{field}{suffix}"),
                    type_id: h.type_id,
                    masked: ctx.detectors.mask(h.type_id, &value),
                    fingerprint,
                    detector: h.detector,
                });
            }
        };
        let walked = self.scanner.scan(
            ctx.detectors,
            line.text.as_bytes(),
            &mut |path, value, s, hits| {
                // Keys are log content too: a key holding PII is masked in the path, and a
                // finding in a key itself is reported at `<object path>.<key>`.
                let mut field = format_path_with(path, |k| safe_text(ctx, k));
                if value.kind == ValueKind::Key {
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(KEY_FIELD);
                }
                record(findings, &mut seen, &field, s, hits);
            },
        );
        if walked.is_err() && as_text {
            // Not JSON: what the walk reported before the error is dropped, and the whole
            // line is audited as text, as `redact` redacts it.
            findings.truncate(first);
            seen = LineSeen {
                class: ctx.classifier.default,
                suppressed: 0,
            };
            self.text_lines += 1;
            let mut hits = Vec::new();
            ctx.detectors.scan(line.text, &mut hits);
            record(findings, &mut seen, LINE_FIELD, line.text, &hits);
        }
        let class = seen.class;
        self.suppressed += seen.suppressed;
        let new = &mut self.findings[first..];
        if !new.is_empty() {
            let request_id = rec
                .and_then(|r| r.request_id)
                .map(|id| safe_text(ctx, &id.get()));
            let ts = rec.and_then(|r| r.ts);
            for f in new {
                f.request_id.clone_from(&request_id);
                f.ts = ts;
            }
        }
        self.classes[class as usize] += 1;
    }

    /// Settles the audit into a durable state: every finding counted, and written as its
    /// masked row of `pii_findings.csv`.
    pub fn into_state(mut self) -> std::io::Result<FindingsState> {
        let det = self.ctx.detectors;
        let mut rows: Vec<(FileIndex, findings::Rows)> = Vec::new();
        if let Some(mut spill) = self.spill.take() {
            self.spill = None;
            for f in &self.findings {
                self.tally.add(f, det.is_secret(f.type_id));
            }
            spill.write(&self.findings, |t| det.type_name(t).to_string());
            spill.close();
            rows = spill
                .rows()?
                .into_iter()
                .map(|(f, b)| (FileIndex(f), findings::Rows(b)))
                .collect();
        } else {
            self.findings.sort_by_key(|f| f.loc);
            for f in &self.findings {
                self.tally.add(f, det.is_secret(f.type_id));
                let mut w = findings::row_writer(Vec::new());
                w.write_record(findings::cells(f, det.type_name(f.type_id)))
                    .map_err(findings::io_error)?;
                let row = w
                    .into_inner()
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                match rows.last_mut() {
                    Some((file, b)) if file.0 == f.loc.file => b.0.extend_from_slice(&row),
                    _ => rows.push((FileIndex(f.loc.file), findings::Rows(row))),
                }
            }
        }
        Ok(FindingsState {
            tally: self.tally,
            lines: self.lines,
            text_lines: self.text_lines,
            suppressed: self.suppressed,
            classes: self.classes,
            rows,
        })
    }

    /// An audit holding a loaded state's findings, ready to be merged after earlier ones.
    pub fn from_state(ctx: &'d PiiContext<'d>, state: FindingsState) -> Self {
        let mut a = PiiAudit::new(ctx);
        a.tally = state.tally;
        a.lines = state.lines;
        a.text_lines = state.text_lines;
        a.suppressed = state.suppressed;
        a.classes = state.classes;
        if !state.rows.is_empty() {
            let spill = a.spill.get_or_insert_with(Spill::create);
            for (file, rows) in &state.rows {
                spill.write_rows(file.0, &rows.0);
            }
        }
        a
    }

    /// Counts the held findings and writes them to the spill, in the order held.
    fn spill_out(&mut self) {
        let det = self.ctx.detectors;
        for f in &self.findings {
            self.tally.add(f, det.is_secret(f.type_id));
        }
        self.spill
            .get_or_insert_with(Spill::create)
            .write(&self.findings, |t| det.type_name(t).to_string());
        self.findings.clear();
    }
}

impl Analysis for PiiAudit<'_> {
    type Output = PiiReport;

    fn observe(&mut self, _rec: &Record<'_>, _line: &Line<'_>) {}

    fn observe_line(&mut self, line: &Line<'_>, rec: Option<&Record<'_>>) {
        self.audit(line, rec, false);
    }

    fn observe_text_line(&mut self, line: &Line<'_>) {
        self.audit(line, None, true);
    }

    fn merge(&mut self, mut other: Self) {
        if other.spill.is_some() || other.tally.total > 0 {
            // A settled state (loaded from disk) of later files: settle this one, then append.
            self.spill_out();
            other.spill_out();
            self.tally.merge(std::mem::take(&mut other.tally));
            if let (Some(mine), Some(theirs)) = (self.spill.as_mut(), other.spill.as_mut()) {
                theirs.close();
                match theirs.rows() {
                    Ok(rows) => rows.iter().for_each(|(f, r)| mine.write_rows(*f, r)),
                    Err(e) => mine.fail(e.to_string()),
                }
            }
            self.lines += other.lines;
            self.text_lines += other.text_lines;
            self.suppressed += other.suppressed;
            for (a, b) in self.classes.iter_mut().zip(other.classes) {
                *a += b;
            }
            return;
        }
        // Merges come in input order (chunks of a file in order, each file's chunks together),
        // so findings can leave memory as they arrive and be copied out file by file later.
        debug_assert!(other.spill.is_none(), "only the running total spills");
        self.findings.extend(other.findings);
        if self.findings.len() >= self.spill_after {
            self.spill_out();
        }
        self.lines += other.lines;
        self.text_lines += other.text_lines;
        self.suppressed += other.suppressed;
        for (a, b) in self.classes.iter_mut().zip(other.classes) {
            *a += b;
        }
    }

    fn finish(mut self) -> PiiReport {
        let det = self.ctx.detectors;
        if self.spill.is_some() {
            self.spill_out();
            if let Some(s) = self.spill.as_mut() {
                s.close();
            }
        } else {
            // Chunks of streamed files are merged after mapped ones: restore input order.
            self.findings.sort_by_key(|f| f.loc);
            for f in &self.findings {
                self.tally.add(f, det.is_secret(f.type_id));
            }
        }
        PiiReport {
            findings: self.findings,
            spill: self.spill,
            tally: self.tally,
            lines: self.lines,
            text_lines: self.text_lines,
            custom_bounded: det.custom_bounded(),
            classes: self.classes,
            suppressed: self.suppressed,
            type_names: (0..det.type_count() as TypeId)
                .map(|i| det.type_name(i).to_string())
                .collect(),
        }
    }
}

/// The PII types found anywhere in a JSON line, `;`-joined in type order (empty when none):
/// the requests table's `pii_types` column. No masking or fingerprinting is needed for it.
pub fn line_types(det: &Detectors, line: &str, scanner: &mut LineScanner) -> String {
    let mut seen: Vec<TypeId> = Vec::new();
    let _ = scanner.scan(det, line.as_bytes(), &mut |_, _, _, hits| {
        seen.extend(hits.iter().map(|h| h.type_id));
    });
    seen.sort_unstable();
    seen.dedup();
    seen.iter()
        .map(|&t| det.type_name(t))
        .collect::<Vec<_>>()
        .join(";")
}

/// A value to print next to findings (such as a request id): masked if it holds PII itself.
fn safe_text(ctx: &PiiContext<'_>, s: &str) -> String {
    let mut hits = Vec::new();
    ctx.detectors.scan(s, &mut hits);
    if hits.is_empty() {
        s.to_string()
    } else {
        redact_text(s, &hits, ctx.detectors, RedactMode::Mask, ctx.fingerprints)
    }
}

impl PiiReport {
    /// Findings in all.
    pub fn count(&self) -> u64 {
        self.tally.total
    }

    /// Findings per type and field, with records affected and distinct values, sorted by type
    /// (in the contract's order) then field.
    pub fn summary(&self) -> Vec<PiiSummaryRow> {
        self.tally
            .keys
            .iter()
            .map(|((t, field), a)| PiiSummaryRow {
                pii_type: self.type_names[*t as usize].clone(),
                field: field.clone(),
                findings: a.findings,
                records: a.records,
                distinct_values: a.values.len() as u64,
            })
            .collect()
    }

    /// Findings per type name, in type order, only types found.
    pub fn by_type(&self) -> Vec<(String, u64)> {
        self.tally
            .by_type
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (self.type_names[i].clone(), *n))
            .collect()
    }

    /// Number of distinct records with at least one finding.
    pub fn records_affected(&self) -> u64 {
        self.tally.records
    }

    /// Calls `each` with every finding as a row of `pii_findings.csv` (cells in the order of
    /// `findings::COLUMNS`), in input order; `files` names the sources by index. Every writer
    /// of findings (CSV, SARIF) reads them through this one place.
    pub fn for_each_row(
        &self,
        files: &[String],
        each: &mut dyn FnMut(&csv::ByteRecord) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.for_each_row_in(files, 0..u32::MAX, each)
    }

    /// [`PiiReport::for_each_row`] of the files whose index is in `range` only.
    pub fn for_each_row_in(
        &self,
        files: &[String],
        range: std::ops::Range<u32>,
        each: &mut dyn FnMut(&csv::ByteRecord) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        if let Some(s) = &self.spill {
            s.for_each_row_in(files, range.clone(), each)?;
        }
        let mut row = csv::ByteRecord::new();
        for f in self.findings.iter().filter(|f| range.contains(&f.loc.file)) {
            let file = files.get(f.loc.file as usize).map_or("", String::as_str);
            row.clear();
            row.push_field(file.as_bytes());
            for cell in findings::cells(f, &self.type_names[f.type_id as usize]) {
                row.push_field(cell.as_bytes());
            }
            each(&row)?;
        }
        Ok(())
    }

    /// Writes `pii_findings.csv` (header and every finding in input order) to `out`; `files`
    /// names the sources by index.
    pub fn write_findings<W: std::io::Write>(
        &self,
        files: &[String],
        out: W,
    ) -> std::io::Result<()> {
        self.write_findings_with(files, out, findings::Head::default())
    }

    /// [`PiiReport::write_findings`], the rows of the first files as `head` says.
    pub fn write_findings_with<W: std::io::Write>(
        &self,
        files: &[String],
        out: W,
        head: findings::Head<'_>,
    ) -> std::io::Result<()> {
        use findings::{io_error, row_writer, Tee};
        let mut out = Tee::new(out);
        // The rows of files `range`, through a CSV writer of their own over `out`.
        let rows = |out: &mut Tee<W>, range: std::ops::Range<u32>| -> std::io::Result<()> {
            let mut w = row_writer(out);
            self.for_each_row_in(files, range, &mut |row| {
                w.write_byte_record(row).map_err(io_error)
            })?;
            w.flush()
        };
        {
            let mut w = row_writer(&mut out);
            w.write_record(findings::COLUMNS).map_err(io_error)?;
            w.flush()?;
        }
        let mut from = 0;
        if head.capture.is_some() {
            out.start();
        }
        if let Some((upto, bytes)) = head.kept {
            std::io::Write::write_all(&mut out, bytes)?;
            from = upto;
        }
        if let Some((upto, keep)) = head.capture {
            let upto = upto.max(from);
            rows(&mut out, from..upto)?;
            if let Some(bytes) = out.stop() {
                *keep.lock().unwrap_or_else(|e| e.into_inner()) = Some(bytes);
            }
            from = upto;
        }
        rows(&mut out, from..u32::MAX)?;
        std::io::Write::flush(&mut out)
    }
}
