//! The PII / secret audit: every JSON string value of every line, unescaped, through the
//! detectors; findings located by file, line and field path, masked and fingerprinted, never raw.

use super::{Analysis, Line};
use crate::pii::{mask, redact_text, Detectors, Finding, Fingerprinter, RedactMode, TypeId};
use crate::record::json::JsonError;
use crate::record::walk::{format_path_with, walk_strings, Seg, StringValue};
use crate::record::{unescape_into, Location, Record};
use std::collections::{BTreeMap, HashSet};

/// Data classes, from least to most sensitive; a record takes the most sensitive class of its
/// findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataClass {
    Public,
    Internal,
    Confidential,
    Pii,
}

impl DataClass {
    pub const ALL: [DataClass; 4] = [
        DataClass::Public,
        DataClass::Internal,
        DataClass::Confidential,
        DataClass::Pii,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DataClass::Public => "public",
            DataClass::Internal => "internal",
            DataClass::Confidential => "confidential",
            DataClass::Pii => "pii",
        }
    }

    pub fn parse(s: &str) -> Option<DataClass> {
        DataClass::ALL.into_iter().find(|c| c.name() == s)
    }
}

/// How records are classified: the class of a record without findings, and of each finding
/// type (secrets default to confidential, other PII types to pii).
#[derive(Debug, Clone)]
pub struct Classifier {
    pub default: DataClass,
    /// Class per type id (builtins and custom types).
    pub by_type: Vec<DataClass>,
}

impl Classifier {
    /// The default rules for a set of detectors, with `overrides` (type name → class).
    pub fn new(
        det: &Detectors,
        default: DataClass,
        overrides: &BTreeMap<String, DataClass>,
    ) -> Classifier {
        let by_type = (0..det.type_count() as TypeId)
            .map(|id| {
                overrides
                    .get(det.type_name(id))
                    .copied()
                    .unwrap_or(if det.is_secret(id) {
                        DataClass::Confidential
                    } else {
                        DataClass::Pii
                    })
            })
            .collect();
        Classifier { default, by_type }
    }
}

/// What `LineScanner::scan` calls for each string with findings: its path, the value (raw text
/// and byte range in the line), the decoded text, and the findings in it.
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
    /// Calls `f(path, value, decoded text, findings)` for every string value of the JSON
    /// `line` that holds findings, in document order. Fails on invalid JSON.
    pub fn scan<'a>(
        &mut self,
        det: &Detectors,
        line: &'a [u8],
        f: &mut StringsWithFindings<'a, '_>,
    ) -> Result<(), JsonError> {
        let (text, hits) = (&mut self.text, &mut self.hits);
        walk_strings(line, &mut |path, value| {
            let s: &str = if value.escaped {
                text.clear();
                unescape_into(value.raw, text);
                text
            } else {
                value.raw
            };
            hits.clear();
            det.scan(s, hits);
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
    pub ts: Option<i64>,
    pub field: String,
    pub type_id: TypeId,
    pub masked: String,
    pub fingerprint: String,
    pub detector: &'static str,
}

/// Shared, read-only parts of the audit, borrowed by every chunk's accumulator.
pub struct PiiContext<'d> {
    pub detectors: &'d Detectors,
    pub fingerprints: &'d Fingerprinter,
    pub classifier: &'d Classifier,
}

/// The audit fold.
pub struct PiiAudit<'d> {
    ctx: &'d PiiContext<'d>,
    findings: Vec<PiiFinding>,
    lines: u64,
    classes: [u64; 4],
    // Reused buffers: the audit sees every string of every line.
    scanner: LineScanner,
}

/// The audit's result.
#[derive(Debug, Clone, Default)]
pub struct PiiReport {
    /// Findings in input order (file, line, position in the line).
    pub findings: Vec<PiiFinding>,
    /// Lines (records) audited.
    pub lines: u64,
    /// Records per data class, indexed like `DataClass::ALL`.
    pub classes: [u64; 4],
    pub type_names: Vec<String>,
    pub secret: Vec<bool>,
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

impl<'d> PiiAudit<'d> {
    pub fn new(ctx: &'d PiiContext<'d>) -> Self {
        PiiAudit {
            ctx,
            findings: Vec::new(),
            lines: 0,
            classes: [0; 4],
            scanner: LineScanner::default(),
        }
    }
}

impl Analysis for PiiAudit<'_> {
    type Output = PiiReport;

    fn observe(&mut self, _rec: &Record<'_>, _line: &Line<'_>) {}

    fn observe_line(&mut self, line: &Line<'_>, rec: Option<&Record<'_>>) {
        self.lines += 1;
        let ctx = self.ctx;
        let mut class = ctx.classifier.default;
        let first = self.findings.len();
        let findings = &mut self.findings;
        let _ = self.scanner.scan(
            ctx.detectors,
            line.text.as_bytes(),
            &mut |path, _, s, hits| {
                // Keys are log content too: a key holding PII is masked in the path.
                let field = format_path_with(path, |k| safe_text(ctx, k));
                for h in hits {
                    let value = &s[h.start..h.end];
                    let name = ctx.detectors.type_name(h.type_id);
                    class = class.max(ctx.classifier.by_type[h.type_id as usize]);
                    findings.push(PiiFinding {
                        loc: line.loc,
                        request_id: None,
                        ts: None,
                        field: field.clone(),
                        type_id: h.type_id,
                        masked: mask(name, value),
                        fingerprint: ctx.fingerprints.fingerprint(name, value),
                        detector: h.detector,
                    });
                }
            },
        );
        if self.findings.len() > first {
            let request_id = rec
                .and_then(|r| r.request_id)
                .map(|id| safe_text(ctx, &id.get()));
            let ts = rec.and_then(|r| r.ts);
            for f in &mut self.findings[first..] {
                f.request_id.clone_from(&request_id);
                f.ts = ts;
            }
        }
        self.classes[class as usize] += 1;
    }

    fn merge(&mut self, other: Self) {
        self.findings.extend(other.findings);
        self.lines += other.lines;
        for (a, b) in self.classes.iter_mut().zip(other.classes) {
            *a += b;
        }
    }

    fn finish(mut self) -> PiiReport {
        // Chunks of streamed files are merged after mapped ones: restore input order.
        self.findings.sort_by_key(|f| f.loc);
        let det = self.ctx.detectors;
        PiiReport {
            findings: self.findings,
            lines: self.lines,
            classes: self.classes,
            type_names: (0..det.type_count() as TypeId)
                .map(|i| det.type_name(i).to_string())
                .collect(),
            secret: (0..det.type_count() as TypeId)
                .map(|i| det.is_secret(i))
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
    /// Findings, records affected and distinct values per type and field, sorted by type
    /// (in the contract's order) then field.
    pub fn summary(&self) -> Vec<PiiSummaryRow> {
        #[derive(Default)]
        struct Acc<'a> {
            findings: u64,
            records: HashSet<Location>,
            values: HashSet<&'a str>,
        }
        let mut by: BTreeMap<(TypeId, &str), Acc<'_>> = BTreeMap::new();
        for f in &self.findings {
            let a = by.entry((f.type_id, f.field.as_str())).or_default();
            a.findings += 1;
            a.records.insert(f.loc);
            a.values.insert(&f.fingerprint);
        }
        by.into_iter()
            .map(|((t, field), a)| PiiSummaryRow {
                pii_type: self.type_names[t as usize].clone(),
                field: field.to_string(),
                findings: a.findings,
                records: a.records.len() as u64,
                distinct_values: a.values.len() as u64,
            })
            .collect()
    }

    /// Findings per type name, in type order, only types found.
    pub fn by_type(&self) -> Vec<(String, u64)> {
        let mut counts = vec![0u64; self.type_names.len()];
        for f in &self.findings {
            counts[f.type_id as usize] += 1;
        }
        counts
            .into_iter()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .map(|(i, n)| (self.type_names[i].clone(), n))
            .collect()
    }

    /// Number of distinct records with at least one finding.
    pub fn records_affected(&self) -> u64 {
        let mut n = 0;
        let mut last = None;
        for f in &self.findings {
            if last != Some(f.loc) {
                n += 1;
                last = Some(f.loc);
            }
        }
        n
    }
}
