//! Accepted findings: the fingerprints of values already reported and accepted, read from a
//! baseline file (`--baseline`: a previous `pii_findings.csv` or one fingerprint per line) and
//! from `[pii] ignore_fingerprints`; the audit leaves findings of these values out and counts them.

use std::collections::HashSet;
use std::path::Path;

/// The number of hex digits of a fingerprint (`Fingerprinter::fingerprint`).
pub const FINGERPRINT_DIGITS: usize = 16;

/// Fingerprints of accepted values, as the 64-bit numbers their 16 hex digits spell.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    accepted: HashSet<u64>,
}

/// A baseline file or config entry that cannot be read; the message names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read baseline: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A line is neither a fingerprint nor a readable `pii_findings.csv` row.
    #[error("{path}:{line}: {reason}")]
    Line {
        path: String,
        line: u64,
        reason: String,
    },
    /// An `ignore_fingerprints` entry is not a fingerprint.
    /// The entry itself is not printed: it may be a raw value pasted by mistake.
    #[error("[pii] ignore_fingerprints entry {index} is not a fingerprint (16 hex digits, as in the fingerprint column of pii_findings.csv)")]
    Config { index: usize },
}

/// Parses a fingerprint: exactly 16 hex digits (either case), surrounding spaces ignored.
pub fn parse_fingerprint(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.len() != FINGERPRINT_DIGITS || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

impl Baseline {
    /// The fingerprints of `[pii] ignore_fingerprints`.
    pub fn from_config(entries: &[String]) -> Result<Baseline, BaselineError> {
        let mut b = Baseline::default();
        for (i, e) in entries.iter().enumerate() {
            let fp = parse_fingerprint(e).ok_or(BaselineError::Config { index: i + 1 })?;
            b.accepted.insert(fp);
        }
        Ok(b)
    }

    /// Adds the fingerprints of a baseline file.
    pub fn add_file(&mut self, path: &Path) -> Result<(), BaselineError> {
        let text = std::fs::read(path).map_err(|source| BaselineError::Read {
            path: path.display().to_string(),
            source,
        })?;
        self.add_text(&path.display().to_string(), &text)
    }

    /// Adds the fingerprints of a baseline file's contents; `name` is used in errors. A file
    /// whose first line is a CSV header with a `fingerprint` column is read as CSV (a previous
    /// `pii_findings.csv`); any other file holds one fingerprint per line, with blank lines and
    /// `#` comments allowed.
    pub fn add_text(&mut self, name: &str, text: &[u8]) -> Result<(), BaselineError> {
        let line_err = |line: u64, reason: String| BaselineError::Line {
            path: name.to_string(),
            line,
            reason,
        };
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
        let header = String::from_utf8_lossy(first);
        let is_csv = header.contains(',')
            && header
                .trim_end()
                .split(',')
                .any(|c| c.trim_matches('"') == "fingerprint");
        if !is_csv {
            for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
                let line = i as u64 + 1;
                let s = std::str::from_utf8(raw)
                    .map_err(|_| line_err(line, "not UTF-8 text".into()))?
                    .trim();
                if s.is_empty() || s.starts_with('#') {
                    continue;
                }
                let fp = parse_fingerprint(s).ok_or_else(|| {
                    line_err(
                        line,
                        "not a fingerprint (16 hex digits), and the file has no pii_findings.csv header with a fingerprint column".into(),
                    )
                })?;
                self.accepted.insert(fp);
            }
            return Ok(());
        }
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text);
        let column = rdr
            .headers()
            .map_err(|e| line_err(1, format!("unreadable CSV header: {e}")))?
            .iter()
            .position(|c| c == "fingerprint")
            .unwrap_or_default();
        let mut rec = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {
                    let line = rec.position().map_or(0, |p| p.line());
                    let cell = rec.get(column).unwrap_or_default();
                    let fp = parse_fingerprint(cell).ok_or_else(|| {
                        line_err(
                            line,
                            "the fingerprint cell is not a fingerprint (16 hex digits)".into(),
                        )
                    })?;
                    self.accepted.insert(fp);
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    let reason = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!("{len} cells where the header has {expected_len}"),
                        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_string(),
                        _ => "unreadable CSV row".to_string(),
                    };
                    return Err(line_err(line, reason));
                }
            }
        }
        Ok(())
    }

    /// True when the fingerprint (16 hex digits) is accepted.
    pub fn accepts(&self, fingerprint: &str) -> bool {
        !self.accepted.is_empty()
            && parse_fingerprint(fingerprint).is_some_and(|fp| self.accepted.contains(&fp))
    }

    /// The number of distinct accepted fingerprints.
    pub fn len(&self) -> usize {
        self.accepted.len()
    }

    /// True when nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.accepted.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_one_per_line_with_comments() {
        let mut b = Baseline::default();
        b.add_text(
            "fp.txt",
            b"# accepted 2026-11\n\n0123456789abcdef\r\n  FEDCBA9876543210  \n",
        )
        .unwrap();
        assert_eq!(b.len(), 2);
        assert!(b.accepts("0123456789abcdef"));
        assert!(b.accepts("fedcba9876543210"));
        assert!(!b.accepts("0123456789abcde0"));
        assert!(!b.accepts("not hex"));
    }

    #[test]
    fn previous_findings_csv() {
        let csv = "file,line,request_id,ts,field,pii_type,masked,fingerprint,detector\n\
                   a.jsonl,3,r1,,prompt,EMAIL_ADDRESS,\"j***@example.com\",00000000000000ff,regex\n\
                   a.jsonl,9,r2,,\"metadata.a,b\",EMAIL_ADDRESS,x,00000000000000fe,regex\n";
        let mut b = Baseline::default();
        b.add_text("old/pii_findings.csv", csv.as_bytes()).unwrap();
        assert_eq!(b.len(), 2);
        assert!(b.accepts("00000000000000ff") && b.accepts("00000000000000fe"));
        // An empty findings file (header only) accepts nothing and is not an error.
        let mut e = Baseline::default();
        e.add_text("x.csv", b"file,line,fingerprint\n").unwrap();
        assert!(e.is_empty());
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let mut b = Baseline::default();
        let e = b
            .add_text("fp.txt", b"0123456789abcdef\n0123456789abcdeg\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("fp.txt:2: not a fingerprint"), "{e}");
        let e = b
            .add_text(
                "f.csv",
                b"file,line,fingerprint\na,1,00000000000000ff\na,2,oops\n",
            )
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("f.csv:3: "), "{e}");
        let e = b
            .add_text("f.csv", b"file,line,fingerprint\na,1\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("f.csv:2: 2 cells where the header has 3"),
            "{e}"
        );
        let e = b.add_text("bin", b"\xff\xfe\n").unwrap_err().to_string();
        assert!(e.starts_with("bin:1: not UTF-8"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn config_entries_are_checked() {
        assert_eq!(
            Baseline::from_config(&["00000000000000ff".into()])
                .unwrap()
                .len(),
            1
        );
        let e = Baseline::from_config(&["00000000000000ff".into(), "hunter2".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("ignore_fingerprints entry 2"), "{e}");
        assert!(
            !e.contains("hunter2"),
            "the entry may be a raw value: never printed"
        );
    }

    #[test]
    fn missing_file_is_named() {
        let mut b = Baseline::default();
        let e = b
            .add_file(Path::new("/nonexistent/baseline.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/nonexistent/baseline.csv: cannot read baseline"),
            "{e}"
        );
    }
}
