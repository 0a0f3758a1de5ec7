//! Sanitized copies of log lines: every PII finding inside a JSON string is replaced (tag, mask
//! or keyed hash) and every other byte of the line is kept, so the copy stays one valid JSON
//! object per line with the same line count.

use crate::analysis::pii::LineScanner;
use crate::pii::{redact_text, Detectors, Fingerprinter, RedactMode};
use std::ops::Range;

/// Rewrites lines with their findings redacted.
pub struct Redactor<'d> {
    pub detectors: &'d Detectors,
    pub fingerprints: &'d Fingerprinter,
    pub mode: RedactMode,
}

/// Totals of a redaction pass.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RedactStats {
    pub lines: u64,
    pub lines_changed: u64,
    pub findings: u64,
    /// Lines that were not valid JSON and were redacted as plain text.
    pub raw_lines: u64,
}

impl RedactStats {
    pub fn add(&mut self, o: RedactStats) {
        self.lines += o.lines;
        self.lines_changed += o.lines_changed;
        self.findings += o.findings;
        self.raw_lines += o.raw_lines;
    }
}

impl Redactor<'_> {
    /// Appends the redacted form of `data` (whole lines, newlines included) to `out`.
    pub fn redact_lines(&self, data: &[u8], at_file_start: bool, out: &mut Vec<u8>) -> RedactStats {
        let mut stats = RedactStats::default();
        let mut start = 0;
        while start < data.len() {
            let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
            let mut line = &data[start..end];
            if at_file_start && start == 0 {
                if let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF") {
                    out.extend_from_slice(b"\xEF\xBB\xBF");
                    line = rest;
                }
            }
            stats.lines += 1;
            let n = self.redact_line(line, out, &mut stats);
            if n > 0 {
                stats.lines_changed += 1;
                stats.findings += n;
            }
            if end < data.len() {
                out.push(b'\n');
            }
            start = end + 1;
        }
        stats
    }

    /// Appends the redacted `line` (no newline) to `out`; returns the number of findings.
    fn redact_line(&self, line: &[u8], out: &mut Vec<u8>, stats: &mut RedactStats) -> u64 {
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        let mut found = 0u64;
        let walked = LineScanner::default().scan(self.detectors, line, &mut |_, v, text, hits| {
            found += hits.len() as u64;
            let clean = redact_text(text, hits, self.detectors, self.mode, self.fingerprints);
            edits.push((v.range.clone(), json_escape(&clean)));
        });
        if walked.is_err() {
            // Not JSON: redact it as plain text (valid UTF-8 runs only), so nothing leaks.
            stats.raw_lines += 1;
            return self.redact_raw(line, out);
        }
        let mut pos = 0;
        for (range, replacement) in edits {
            out.extend_from_slice(&line[pos..range.start]);
            out.extend_from_slice(replacement.as_bytes());
            pos = range.end;
        }
        out.extend_from_slice(&line[pos..]);
        found
    }

    fn redact_raw(&self, line: &[u8], out: &mut Vec<u8>) -> u64 {
        let mut found = 0;
        let mut hits = Vec::new();
        for chunk in line.utf8_chunks() {
            let text = chunk.valid();
            hits.clear();
            self.detectors.scan(text, &mut hits);
            if hits.is_empty() {
                out.extend_from_slice(text.as_bytes());
            } else {
                found += hits.len() as u64;
                out.extend_from_slice(
                    redact_text(text, &hits, self.detectors, self.mode, self.fingerprints)
                        .as_bytes(),
                );
            }
            out.extend_from_slice(chunk.invalid());
        }
        found
    }
}

/// Escapes text for the inside of a JSON string (quotes, backslashes, control characters).
pub fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::PiiConfig;

    fn redactor_out(line: &str, mode: RedactMode) -> (String, RedactStats) {
        let det = Detectors::new(&PiiConfig::default()).unwrap();
        let fp = Fingerprinter::new(b"k");
        let r = Redactor {
            detectors: &det,
            fingerprints: &fp,
            mode,
        };
        let mut out = Vec::new();
        let stats = r.redact_lines(line.as_bytes(), true, &mut out);
        (String::from_utf8(out).unwrap(), stats)
    }

    #[test]
    fn replaces_inside_strings_keeps_everything_else() {
        let line = "{\"a\": 1.50, \"prompt\":\"mail john.doe@acme.io\\nnow\", \"n\":[true,null], \"m\":{\"c\":\"card 4111 1111 1111 1111\"}}\r\n{\"clean\":\"x\"}";
        let (out, stats) = redactor_out(line, RedactMode::Tag);
        assert_eq!(
            out,
            "{\"a\": 1.50, \"prompt\":\"mail <EMAIL_ADDRESS>\\nnow\", \"n\":[true,null], \"m\":{\"c\":\"card <CREDIT_CARD>\"}}\r\n{\"clean\":\"x\"}"
        );
        assert_eq!(stats.lines, 2);
        assert_eq!(stats.lines_changed, 1);
        assert_eq!(stats.findings, 2);
        for l in out.lines() {
            serde_json::from_str::<serde_json::Value>(l).unwrap();
        }
    }

    #[test]
    fn invalid_json_is_redacted_as_text() {
        let (out, stats) = redactor_out("not json john.doe@acme.io {", RedactMode::Tag);
        assert_eq!(out, "not json <EMAIL_ADDRESS> {");
        assert_eq!(stats.raw_lines, 1);
    }

    #[test]
    fn escaping_round_trips() {
        let s = "q\"b\\c\n\t\u{1}é";
        let quoted = format!("\"{}\"", json_escape(s));
        assert_eq!(serde_json::from_str::<String>(&quoted).unwrap(), s);
    }
}
