//! `pii_findings.sarif`: the audit's findings as SARIF 2.1.0 (OASIS), for code-scanning
//! dashboards: one rule per PII type with its registry description, one result per finding
//! located by file and line (physical) and JSON path (logical), never the raw value.

use crate::analysis::findings::{capture_extend, Head, COLUMNS};
use crate::analysis::pii::PiiReport;
use crate::pii::{Class, TypeInfo, BUILTIN};
use serde::Serialize;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::io::{self, Write};

/// The schema URI written into the file.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The `partialFingerprints` key of a finding's keyed value fingerprint (the `fingerprint`
/// column of `pii_findings.csv`): results with the same value share it across runs.
pub const VALUE_FINGERPRINT: &str = "valueFingerprint/v1";

/// The `partialFingerprints` key of a finding's masked value (the `masked` column).
pub const MASKED_VALUE: &str = "maskedValue/v1";

/// The SARIF level of a type's findings: secrets are errors, personal data warnings,
/// identifiers notes.
fn level(class: Class) -> &'static str {
    match class {
        Class::Secret => "error",
        Class::Pii => "warning",
        Class::Identifier => "note",
    }
}

/// The rule of one type: its id is the type name; its description comes from the registry.
fn rule(t: &TypeInfo) -> Value {
    let doc = BUILTIN.iter().find(|d| d.name == t.name).map_or(
        "A user-defined type from [[pii.custom]] in the configuration.",
        |d| d.doc,
    );
    let action = match t.class {
        Class::Secret => {
            "Rotate or revoke the credential, then redact the logs that hold it (logwarden redact)."
        }
        Class::Pii | Class::Identifier => {
            "Redact the logs that hold it (logwarden redact) and check why it was logged."
        }
    };
    json!({
        "id": t.name,
        "name": t.name,
        "shortDescription": { "text": format!("{} ({})", t.name, t.class.name()) },
        "fullDescription": { "text": doc },
        "help": { "text": format!("{doc} {action}") },
        "defaultConfiguration": { "level": level(t.class) },
        "properties": {
            "tags": [t.class.name(), "logs"],
            "data_class": t.data_class.name(),
        },
    })
}

/// Percent-encodes a file name as a URI reference: absolute paths become `file://` URIs,
/// relative ones stay relative; `/` and unreserved characters are kept.
pub fn file_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One SARIF result, serialized in this field order (the order the file has always had).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    level: &'static str,
    message: Message,
    locations: [Location<'a>; 1],
    partial_fingerprints: Fingerprints<'a>,
    properties: Properties<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: Physical,
    logical_locations: [Logical<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
struct Artifact {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Logical<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

/// The keys are [`VALUE_FINGERPRINT`] and [`MASKED_VALUE`] (a test keeps them equal).
#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "valueFingerprint/v1")]
    value: &'a str,
    #[serde(rename = "maskedValue/v1")]
    masked: &'a str,
}

/// The finding's request id, time and detector, each only when known.
#[derive(Serialize)]
struct Properties<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    request_id: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    ts: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    detector: &'a str,
}

/// The cell of `row` (in `COLUMNS` order) under column `name`.
fn cell<'r>(row: &'r csv::ByteRecord, name: &str) -> Cow<'r, str> {
    let i = COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
    String::from_utf8_lossy(row.get(i).unwrap_or_default())
}

/// Writes the result of one row of `pii_findings.csv` (cells in `COLUMNS` order).
fn write_result<W: Write>(
    out: &mut W,
    row: &csv::ByteRecord,
    types: &[TypeInfo],
) -> io::Result<()> {
    let pii_type = cell(row, "pii_type");
    let index = types.iter().position(|t| t.name == pii_type);
    let class = index.map_or(Class::Secret, |i| types[i].class);
    let field = cell(row, "field");
    let masked = cell(row, "masked");
    let (request_id, ts, detector) = (
        cell(row, "request_id"),
        cell(row, "ts"),
        cell(row, "detector"),
    );
    let fingerprint = cell(row, "fingerprint");
    let result = SarifResult {
        rule_id: &pii_type,
        level: level(class),
        message: Message {
            text: format!("{pii_type} in `{field}`: {masked}"),
        },
        locations: [Location {
            physical_location: Physical {
                artifact_location: Artifact {
                    uri: file_uri(&cell(row, "file")),
                },
                region: Region {
                    start_line: cell(row, "line").parse().unwrap_or(1).max(1),
                },
            },
            logical_locations: [Logical {
                fully_qualified_name: &field,
                kind: "member",
            }],
        }],
        partial_fingerprints: Fingerprints {
            value: &fingerprint,
            masked: &masked,
        },
        properties: Properties {
            request_id: &request_id,
            ts: &ts,
            detector: &detector,
        },
        rule_index: index,
    };
    serde_json::to_writer(out, &result).map_err(io::Error::from)
}

/// Findings rendered as SARIF results per batch (the batch's rows are held in memory).
const RESULT_BATCH: usize = 8192;
/// Rows rendered by one task of a batch.
const RESULT_SLICE: usize = 512;

/// Writes the SARIF log of `report` to `out`, streaming the results (the findings may have
/// been spilled to disk); `types` are the run's types (`Detectors::types`), `files` names the
/// sources by index.
pub fn write<W: Write>(
    report: &PiiReport,
    types: &[TypeInfo],
    files: &[String],
    out: W,
) -> io::Result<()> {
    write_with(report, types, files, out, Head::default())
}

/// [`write`], the results of the first files as `head` says (the kept bytes are results each
/// after `,\n`).
pub fn write_with<W: Write>(
    report: &PiiReport,
    types: &[TypeInfo],
    files: &[String],
    out: W,
    head: Head<'_>,
) -> io::Result<()> {
    write_in_batches(
        report,
        types,
        files,
        out,
        [RESULT_BATCH, RESULT_SLICE],
        head,
    )
}

/// [`write_with`] with results rendered `sizes[0]` rows at a time, `sizes[1]` rows per task.
fn write_in_batches<W: Write>(
    report: &PiiReport,
    types: &[TypeInfo],
    files: &[String],
    mut out: W,
    sizes: [usize; 2],
    head: Head<'_>,
) -> io::Result<()> {
    let [batch_rows, slice_rows] = sizes;
    let tool = json!({
        "driver": {
            "name": "logwarden",
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": types.iter().map(rule).collect::<Vec<_>>(),
        }
    });
    let run_properties = json!({
        "records": report.lines,
        "findings": report.count(),
        "suppressed": report.suppressed,
    });
    write!(
        out,
        "{{\"$schema\":\"{SCHEMA_URI}\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":"
    )?;
    serde_json::to_writer(&mut out, &tool)?;
    write!(
        out,
        ",\"columnKind\":\"unicodeCodePoints\",\"properties\":{run_properties},\"results\":["
    )?;
    // The results are rendered a batch of rows at a time, the batch's slices in parallel,
    // and written in row order: the SARIF file is the largest output of a report.
    let mut first = true;
    // The results of the first files, kept or rendered now, for a later run.
    let mut capture: Option<Vec<u8>> = head.capture.map(|_| Vec::new());
    if let Some((_, bytes)) = head.kept {
        if let Some(rest) = bytes.strip_prefix(b",") {
            out.write_all(rest)?;
            first = false;
        }
        capture_extend(&mut capture, bytes);
    }
    let mut batch: Vec<csv::ByteRecord> = Vec::with_capacity(batch_rows);
    let mut flush = |batch: &mut Vec<csv::ByteRecord>,
                     out: &mut W,
                     capture: &mut Option<Vec<u8>>|
     -> io::Result<()> {
        use rayon::prelude::*;
        let parts = batch
            .par_chunks(slice_rows)
            .map(|rows| {
                let mut buf = Vec::with_capacity(rows.len() * 512);
                for row in rows {
                    buf.extend_from_slice(b",\n");
                    write_result(&mut buf, row, types)?;
                }
                Ok(buf)
            })
            .collect::<io::Result<Vec<Vec<u8>>>>()?;
        for part in parts {
            // Every result follows ",\n" but the first, which follows "\n".
            let skip = usize::from(std::mem::take(&mut first) && !part.is_empty());
            out.write_all(&part[skip..])?;
            capture_extend(capture, &part);
        }
        batch.clear();
        Ok(())
    };
    let mut rows = |range: std::ops::Range<u32>,
                    out: &mut W,
                    capture: &mut Option<Vec<u8>>|
     -> io::Result<()> {
        report.for_each_row_in(files, range, &mut |row| {
            batch.push(row.clone());
            if batch.len() >= batch_rows {
                flush(&mut batch, out, capture)?;
            }
            Ok(())
        })?;
        flush(&mut batch, out, capture)
    };
    let mut from = head.kept.map_or(0, |k| k.0);
    if let Some((upto, keep)) = head.capture {
        let upto = upto.max(from);
        rows(from..upto, &mut out, &mut capture)?;
        if let Some(c) = capture.take() {
            *keep.lock().unwrap_or_else(|e| e.into_inner()) = Some(c);
        }
        from = upto;
    }
    rows(from..u32::MAX, &mut out, &mut capture)?;
    out.write_all(b"\n]}]}\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_keys_are_the_published_ones() {
        let f = Fingerprints {
            value: "v",
            masked: "m",
        };
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            format!("{{\"{VALUE_FINGERPRINT}\":\"v\",\"{MASKED_VALUE}\":\"m\"}}")
        );
    }

    /// Results rendered in batches and slices of any size make the same file as one batch; the
    /// results of the first files rendered and kept, then written as kept, make the same file
    /// too (and so do the rows of `pii_findings.csv`).
    #[test]
    fn batches_and_kept_heads_render_the_same_log() {
        use crate::analysis::pii::PiiAudit;
        use crate::analysis::Analysis;
        use crate::command::pii::PiiSetup;
        use std::sync::Mutex;
        let dir = tempfile::tempdir().unwrap();
        let mut names = Vec::new();
        for (f, n) in [("a", 23), ("b", 0), ("c", 9), ("d", 4)] {
            let path = dir.path().join(format!("{f}.jsonl"));
            let mut lines: String = (0..n)
                .map(|i| format!("{{\"ts\":1795442400,\"prompt\":\"mail {f}{i}@example.com\"}}\n"))
                .collect();
            lines.push_str("{\"ts\":1795442400,\"prompt\":\"nothing here\"}\n");
            std::fs::write(&path, lines).unwrap();
            names.push(path.display().to_string());
        }
        let sources = crate::input::discover(&names).unwrap();
        let setup = PiiSetup::new(&crate::pii::PiiConfig::default()).unwrap();
        let ctx = setup.context();
        let opts = crate::scan::ScanOptions::default();
        let (audit, _) = crate::scan::scan(&sources, &opts, || PiiAudit::new(&ctx)).unwrap();
        let report = audit.finish();
        assert_eq!(report.count(), 36);
        let types = setup.detectors.types();
        let files: Vec<String> = ["a.jsonl", "b.jsonl", "c d.jsonl", "d.jsonl"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let render = |sizes: [usize; 2], head: Head<'_>| {
            let mut out = Vec::new();
            write_in_batches(&report, types, &files, &mut out, sizes, head).unwrap();
            out
        };
        let whole = render([1000, 1000], Head::default());
        let log: Value = serde_json::from_slice(&whole).unwrap();
        assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 36);
        for sizes in [[1, 1], [3, 2], [5, 5], [23, 4], [24, 7]] {
            assert!(render(sizes, Head::default()) == whole, "{sizes:?}");
        }
        let csv = |head: Head<'_>| {
            let mut out = Vec::new();
            report.write_findings_with(&files, &mut out, head).unwrap();
            out
        };
        let whole_csv = csv(Head::default());
        // Rendered and kept for the first `upto` files; then those written as kept while the
        // first `more` files are rendered and kept (a prefix folded anew over more files).
        fn kept_of(
            write: &dyn Fn(Head<'_>) -> Vec<u8>,
            want: &[u8],
            upto: u32,
            kept: Option<(u32, &[u8])>,
        ) -> Vec<u8> {
            let keep: Mutex<Option<Vec<u8>>> = Mutex::new(None);
            let head = Head {
                kept,
                capture: Some((upto, &keep)),
            };
            assert!(write(head) == want, "upto {upto}");
            keep.into_inner().unwrap().expect("kept")
        }
        for upto in 0..=4u32 {
            for sizes in [[1000, 1000], [5, 2]] {
                let sarif = |head: Head<'_>| render(sizes, head);
                let bytes = kept_of(&sarif, &whole, upto, None);
                let head = Head {
                    kept: Some((upto, &bytes)),
                    capture: None,
                };
                assert!(sarif(head) == whole, "upto {upto} {sizes:?}");
                for more in upto..=4 {
                    let grown = kept_of(&sarif, &whole, more, Some((upto, &bytes)));
                    assert_eq!(grown, kept_of(&sarif, &whole, more, None), "{upto} {more}");
                }
            }
            let bytes = kept_of(&csv, &whole_csv, upto, None);
            let head = Head {
                kept: Some((upto, &bytes)),
                capture: None,
            };
            assert_eq!(csv(head), whole_csv, "{upto}");
            for more in upto..=4 {
                let grown = kept_of(&csv, &whole_csv, more, Some((upto, &bytes)));
                assert_eq!(
                    grown,
                    kept_of(&csv, &whole_csv, more, None),
                    "{upto} {more}"
                );
            }
        }
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(file_uri("logs/a b.jsonl"), "logs/a%20b.jsonl");
        assert_eq!(file_uri("/var/log/x#1.log"), "file:///var/log/x%231.log");
        assert_eq!(file_uri("-"), "-");
        assert_eq!(file_uri("é"), "%C3%A9");
    }

    #[test]
    fn every_builtin_rule_has_help_and_a_level() {
        for d in BUILTIN {
            let r = rule(&TypeInfo::builtin(d));
            assert_eq!(r["id"], d.name);
            assert!(r["help"]["text"].as_str().unwrap().starts_with(d.doc));
            let lvl = r["defaultConfiguration"]["level"].as_str().unwrap();
            assert_eq!(lvl == "error", d.is_secret(), "{}", d.name);
        }
    }
}
