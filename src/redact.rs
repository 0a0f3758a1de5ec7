//! Sanitized copies of log lines: every PII finding inside a JSON string, object key or number
//! is replaced (tag, mask or keyed hash) and every other byte of the line is kept, so the copy
//! stays one valid JSON object per line with the same line count. A number holding a finding
//! becomes a string; a redacted key stays unique within its object.

use crate::analysis::pii::LineScanner;
use crate::pii::{redact_text, Detectors, Fingerprinter, RedactMode};
use crate::record::walk::{walk_values, ValueKind};
use std::collections::{HashMap, HashSet};
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
        // Redacted keys: (object, range in the line, redacted text).
        let mut keys: Vec<(usize, Range<usize>, String)> = Vec::new();
        let mut found = 0u64;
        let walked = LineScanner::default().scan(self.detectors, line, &mut |_, v, text, hits| {
            found += hits.len() as u64;
            let clean = redact_text(text, hits, self.detectors, self.mode, self.fingerprints);
            match v.kind {
                ValueKind::String => edits.push((v.range.clone(), json_escape(&clean))),
                // A number holding a value becomes a string: the value must go, and no
                // replacement is a number.
                ValueKind::Number => {
                    edits.push((v.range.clone(), format!("\"{}\"", json_escape(&clean))))
                }
                ValueKind::Key => keys.push((v.object, v.range.clone(), clean)),
            }
        });
        if walked.is_err() {
            // Not JSON: redact it as plain text (valid UTF-8 runs only), so nothing leaks.
            stats.raw_lines += 1;
            return self.redact_raw(line, out);
        }
        if !keys.is_empty() {
            edits.extend(unique_keys(line, keys));
            edits.sort_by_key(|(r, _)| r.start);
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

/// The edits of redacted keys, each made unique within its object: a redacted key that equals
/// another key of the object (`<EMAIL_ADDRESS>` twice in tag mode) gets `#2`, `#3`, … appended.
fn unique_keys(
    line: &[u8],
    keys: Vec<(usize, Range<usize>, String)>,
) -> Vec<(Range<usize>, String)> {
    let redacted: HashSet<usize> = keys.iter().map(|(o, ..)| *o).collect();
    let changed: HashSet<usize> = keys.iter().map(|(_, r, _)| r.start).collect();
    // The keys that stay as they are, in the objects concerned, as written.
    let mut taken: HashMap<usize, HashSet<String>> = HashMap::new();
    let _ = walk_values(line, &mut |_, v| {
        if v.kind == ValueKind::Key
            && redacted.contains(&v.object)
            && !changed.contains(&v.range.start)
        {
            taken.entry(v.object).or_default().insert(
                crate::record::JsonStr::raw(v.raw, v.escaped)
                    .get()
                    .into_owned(),
            );
        }
    });
    keys.into_iter()
        .map(|(object, range, clean)| {
            let names = taken.entry(object).or_default();
            let mut name = clean.clone();
            let mut n = 2;
            while names.contains(&name) {
                name = format!("{clean}#{n}");
                n += 1;
            }
            names.insert(name.clone());
            (range, json_escape(&name))
        })
        .collect()
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
    fn keys_and_numbers_are_redacted_and_keys_stay_unique() {
        let line = r#"{"ts":"2026-11-23T10:00:00Z","metadata":{"alice.zq@corp.io":{"n":1},"bob.zq@corp.io":2,"<EMAIL_ADDRESS>#2":3},"4539149458073027":1,"user_id":14158675309,"n":12}"#;
        let (out, stats) = redactor_out(line, RedactMode::Tag);
        assert_eq!(
            out,
            r#"{"ts":"2026-11-23T10:00:00Z","metadata":{"<EMAIL_ADDRESS>":{"n":1},"<EMAIL_ADDRESS>#3":2,"<EMAIL_ADDRESS>#2":3},"<CREDIT_CARD>":1,"user_id":"<PHONE_NUMBER>","n":12}"#
        );
        assert_eq!(stats.findings, 4);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["metadata"].as_object().unwrap().len(), 3, "no key lost");
        let (again, s2) = redactor_out(&out, RedactMode::Tag);
        assert_eq!((again.as_str(), s2.findings), (out.as_str(), 0));
    }

    #[test]
    fn escaping_round_trips() {
        let s = "q\"b\\c\n\t\u{1}é";
        let quoted = format!("\"{}\"", json_escape(s));
        assert_eq!(serde_json::from_str::<String>(&quoted).unwrap(), s);
    }
}
