//! JSON documents as JSON Lines: a file holding one top-level array of records, or a stream of
//! concatenated (pretty-printed) objects, is rewritten on the fly into one record per line, so
//! it feeds the same line processing with bounded memory. Each record keeps the line number
//! where it starts: the newlines inside it move to just after it.

use std::io::{self, Read};

/// Whether a source that starts with `head` needs reshaping: it opens a top-level array, or
/// its first object does not end on its first line (pretty-printed). JSON Lines, and a first
/// line longer than `head`, are read as they are.
pub fn needs_reshape(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    match head[start] {
        b'[' => true,
        b'{' => {
            let mut depth = 0i64;
            let mut in_string = false;
            let mut escaped = false;
            for &b in &head[start..] {
                if in_string {
                    match (escaped, b) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => depth -= 1,
                    // The first line ended inside the object: pretty-printed.
                    b'\n' => return depth > 0,
                    _ => {}
                }
            }
            false
        }
        _ => false,
    }
}

/// A reader that turns a JSON document stream into JSON Lines (see the module docs).
pub struct Reshape<R> {
    inner: R,
    buf: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    depth: u64,
    in_string: bool,
    escaped: bool,
    /// Newlines seen inside the current record, written after it.
    pending_newlines: u64,
    started: bool,
    eof: bool,
}

impl<R: Read> Reshape<R> {
    pub fn new(inner: R) -> Self {
        Reshape {
            inner,
            buf: vec![0; 1 << 20],
            out: Vec::with_capacity(1 << 20),
            pos: 0,
            depth: 0,
            in_string: false,
            escaped: false,
            pending_newlines: 0,
            started: false,
            eof: false,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && !self.eof {
            let n = match self.inner.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let buf = std::mem::take(&mut self.buf);
            let mut data = &buf[..n];
            if !self.started {
                self.started = true;
                data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
            }
            self.transform(data);
            self.buf = buf;
        }
        Ok(())
    }

    /// Rewrites one piece of input into `out`. String contents, most of the bytes of a log, are
    /// copied in runs found with memchr; only the bytes between strings go through `step`.
    fn transform(&mut self, data: &[u8]) {
        let mut i = 0;
        while i < data.len() {
            if self.in_string && self.depth > 0 {
                if self.escaped {
                    self.out.push(data[i]);
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &data[i..]) {
                    None => {
                        self.out.extend_from_slice(&data[i..]);
                        i = data.len();
                    }
                    Some(off) => {
                        self.out.extend_from_slice(&data[i..i + off + 1]);
                        if data[i + off] == b'"' {
                            self.in_string = false;
                        } else {
                            self.escaped = true;
                        }
                        i += off + 1;
                    }
                }
                continue;
            }
            let b = data[i];
            i += 1;
            if let Some(byte) = self.step(b) {
                self.out.push(byte);
            }
            if self.depth == 0 && b == b'}' {
                // The record just closed: end its line, then restore the newlines it spanned
                // (at least one, so records on one line are split).
                let n = self.pending_newlines.max(1);
                self.out.extend(std::iter::repeat_n(b'\n', n as usize));
                self.pending_newlines = 0;
            }
        }
    }

    /// The output byte for input byte `b` outside strings (before a record's closing newlines).
    fn step(&mut self, b: u8) -> Option<u8> {
        if self.depth == 0 {
            return match b {
                b'{' => {
                    self.depth = 1;
                    Some(b'{')
                }
                // The array around the records, and the commas between them.
                b'[' | b']' | b',' => Some(b' '),
                other => Some(other),
            };
        }
        if self.in_string {
            match (self.escaped, b) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => self.in_string = false,
                _ => {}
            }
            return Some(b);
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => self.depth -= 1,
            b'\n' => {
                self.pending_newlines += 1;
                return Some(b' ');
            }
            b'\r' => return Some(b' '),
            _ => {}
        }
        Some(b)
    }
}

impl<R: Read> Read for Reshape<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.out.len() {
            self.fill()?;
        }
        let n = dst.len().min(self.out.len() - self.pos);
        dst[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reshape(data: &[u8]) -> String {
        let mut out = String::new();
        Reshape::new(data).read_to_string(&mut out).unwrap();
        out
    }

    /// The non-blank lines of the output with their 1-based numbers.
    fn lines(out: &str) -> Vec<(usize, String)> {
        out.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (i + 1, l.trim().to_string()))
            .collect()
    }

    #[test]
    fn arrays_and_pretty_objects_become_lines_at_their_start() {
        let doc = "[\n  {\n    \"a\": 1,\n    \"s\": \"x\\\"}]\\n{\"\n  },\n  {\"b\": [1, {\"c\": 2}]}\n]\n";
        let got = lines(&reshape(doc.as_bytes()));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 2);
        let first: serde_json::Value = serde_json::from_str(&got[0].1).unwrap();
        assert_eq!(first["s"], "x\"}]\n{");
        assert_eq!(got[1], (6, "{\"b\": [1, {\"c\": 2}]}".to_string()));
        let concatenated = "{\n\"a\": 1\n}\n{\n\"a\": 2\n}\n";
        let got = lines(&reshape(concatenated.as_bytes()));
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [1, 4]);
        // A compact array on one line: one record per line, in order.
        let compact = lines(&reshape(b"\xEF\xBB\xBF[{\"a\":1},{\"a\":2}]"));
        assert_eq!(
            compact.iter().map(|g| g.1.as_str()).collect::<Vec<_>>(),
            ["{\"a\":1}", "{\"a\":2}"]
        );
    }

    #[test]
    fn sniffing() {
        assert!(needs_reshape(b"  [\n{\"a\":1}]"));
        assert!(needs_reshape(b"{\n  \"a\": 1\n}\n"));
        assert!(!needs_reshape(b"{\"a\":1}\n{\"a\":2}\n"));
        assert!(!needs_reshape(b"{\"a\":\"{\\n\"}\n"));
        assert!(!needs_reshape(b"2026-11-23T00:00:00Z {\"a\":1}\n"));
        assert!(!needs_reshape(b""));
        // A first line longer than the sniffed head is taken for JSON Lines.
        assert!(!needs_reshape(b"{\"a\":\"very long"));
    }

    proptest! {
        /// Any array of objects, pretty-printed or compact, comes out as exactly its records,
        /// in order, whatever the read sizes.
        #[test]
        fn records_survive(values in proptest::collection::vec((any::<i64>(), "[a-z{}\\[\\],\"\n ]{0,12}"), 0..20), pretty in any::<bool>()) {
            let records: Vec<serde_json::Value> = values
                .iter()
                .map(|(n, s)| serde_json::json!({"n": n, "s": s, "nested": {"list": [1, 2]}}))
                .collect();
            let doc = if pretty {
                serde_json::to_string_pretty(&records).unwrap()
            } else {
                serde_json::to_string(&records).unwrap()
            };
            let out = reshape(doc.as_bytes());
            let got: Vec<serde_json::Value> = out
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            prop_assert_eq!(got, records);
            // Pretty-printed input keeps its line count.
            if pretty && !values.is_empty() {
                prop_assert_eq!(out.matches('\n').count(), doc.matches('\n').count());
            }
        }
    }
}
