//! A validating, allocation-free JSON scanner over one line: it finds the values a format asks for
//! by path and skips everything else with SIMD byte searches, so long prompt strings cost a memchr.

use memchr::memchr2;

/// Why a line is not a usable JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// The text is not valid JSON (truncated, bad token, control character in a string, …).
    Invalid,
    /// Valid JSON, but the top level is not an object.
    NotObject,
}

/// The kind of a JSON value found at a requested path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    Bool,
    Null,
    Object,
    Array,
}

/// One value located in the line: for strings `text` is the content between the quotes (still
/// escaped when `escaped` is set); for every other kind it is the value's full JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawValue<'a> {
    pub kind: Kind,
    pub text: &'a str,
    pub escaped: bool,
}

impl<'a> RawValue<'a> {
    /// Returns the boolean value of a `true`/`false` literal.
    pub fn as_bool(&self) -> Option<bool> {
        match (self.kind, self.text) {
            (Kind::Bool, "true") => Some(true),
            (Kind::Bool, _) => Some(false),
            _ => None,
        }
    }
}

/// A trie of JSON paths: each node maps object keys to a slot (the value is captured) and/or a
/// child node (the value, when it is an object, is descended into).
#[derive(Debug, Clone, Default)]
pub struct PathTrie {
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    edges: Vec<TrieEdge>,
}

#[derive(Debug, Clone)]
struct TrieEdge {
    key: Box<str>,
    slot: Option<usize>,
    child: Option<usize>,
}

impl PathTrie {
    /// Creates a trie with only the root (top-level object) node.
    pub fn new() -> Self {
        PathTrie {
            nodes: vec![TrieNode::default()],
        }
    }

    /// Registers `path` (keys from the top-level object down) so its value lands in `slot`.
    pub fn insert<S: AsRef<str>>(&mut self, path: &[S], slot: usize) {
        let mut node = 0;
        for (depth, key) in path.iter().enumerate() {
            let key = key.as_ref();
            let last = depth + 1 == path.len();
            let pos = match self.nodes[node].edges.iter().position(|e| &*e.key == key) {
                Some(p) => p,
                None => {
                    self.nodes[node].edges.push(TrieEdge {
                        key: key.into(),
                        slot: None,
                        child: None,
                    });
                    self.nodes[node].edges.len() - 1
                }
            };
            if last {
                self.nodes[node].edges[pos].slot = Some(slot);
            } else {
                let child = match self.nodes[node].edges[pos].child {
                    Some(c) => c,
                    None => {
                        self.nodes.push(TrieNode::default());
                        let c = self.nodes.len() - 1;
                        self.nodes[node].edges[pos].child = Some(c);
                        c
                    }
                };
                node = child;
            }
        }
    }

    fn lookup(&self, node: usize, key: &[u8]) -> Option<&TrieEdge> {
        self.nodes[node]
            .edges
            .iter()
            .find(|e| e.key.as_bytes() == key)
    }
}

/// Scans `line` (already known to be UTF-8) as one JSON object, validating all of it, and stores
/// the values at the trie's paths into `slots` (later duplicates win, as in most JSON readers).
pub fn scan_object<'a>(
    line: &'a str,
    trie: &PathTrie,
    slots: &mut [Option<RawValue<'a>>],
) -> Result<(), JsonError> {
    let mut p = Parser {
        b: line.as_bytes(),
        s: line,
        i: 0,
    };
    p.ws();
    if p.peek() != Some(b'{') {
        // Distinguish "valid JSON but not an object" from garbage.
        return match p.skip_value() {
            Ok(()) => {
                p.ws();
                if p.i == p.b.len() {
                    Err(JsonError::NotObject)
                } else {
                    Err(JsonError::Invalid)
                }
            }
            Err(e) => Err(e),
        };
    }
    p.object_with_trie(trie, 0, slots)?;
    p.ws();
    if p.i != p.b.len() {
        return Err(JsonError::Invalid);
    }
    Ok(())
}

/// Checks that `text` is exactly one valid JSON value.
pub fn validate(text: &str) -> Result<(), JsonError> {
    let mut p = Parser {
        b: text.as_bytes(),
        s: text,
        i: 0,
    };
    p.ws();
    p.skip_value()?;
    p.ws();
    if p.i == p.b.len() {
        Ok(())
    } else {
        Err(JsonError::Invalid)
    }
}

pub(crate) struct Parser<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) s: &'a str,
    pub(crate) i: usize,
}

/// True when any byte of `bytes` is below 0x20, which JSON forbids inside strings.
#[inline]
fn has_control(bytes: &[u8]) -> bool {
    const LO: u64 = 0x2020_2020_2020_2020;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if v.wrapping_sub(LO) & !v & HI != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&c| c < 0x20)
}

impl<'a> Parser<'a> {
    #[inline]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    pub(crate) fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    #[inline]
    fn expect(&mut self, c: u8) -> Result<(), JsonError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(JsonError::Invalid)
        }
    }

    /// Parses a string starting at the opening quote; returns its raw content and whether it
    /// holds escapes.
    #[inline]
    pub(crate) fn string(&mut self) -> Result<(&'a str, bool), JsonError> {
        self.expect(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            let rest = &self.b[self.i..];
            let Some(off) = memchr2(b'"', b'\\', rest) else {
                return Err(JsonError::Invalid);
            };
            if has_control(&rest[..off]) {
                return Err(JsonError::Invalid);
            }
            self.i += off;
            if self.b[self.i] == b'"' {
                let text = &self.s[start..self.i];
                self.i += 1;
                return Ok((text, escaped));
            }
            escaped = true;
            match self.b.get(self.i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 2,
                Some(b'u') => {
                    let hex = self
                        .b
                        .get(self.i + 2..self.i + 6)
                        .ok_or(JsonError::Invalid)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(JsonError::Invalid);
                    }
                    self.i += 6;
                }
                _ => return Err(JsonError::Invalid),
            }
        }
    }

    /// Validates a number per the JSON grammar and returns its text.
    #[inline]
    fn number(&mut self) -> Result<&'a str, JsonError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(JsonError::Invalid),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(JsonError::Invalid);
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(JsonError::Invalid);
            }
            self.digits();
        }
        Ok(&self.s[start..self.i])
    }

    #[inline]
    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
    }

    #[inline]
    fn literal(&mut self, word: &[u8]) -> Result<(), JsonError> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(JsonError::Invalid)
        }
    }

    /// Parses any value, returning it as a `RawValue` (containers are validated and skipped).
    #[inline]
    fn raw_value(&mut self) -> Result<RawValue<'a>, JsonError> {
        let start = self.i;
        let kind = match self.peek() {
            Some(b'"') => {
                let (text, escaped) = self.string()?;
                return Ok(RawValue {
                    kind: Kind::String,
                    text,
                    escaped,
                });
            }
            Some(b'-' | b'0'..=b'9') => {
                let text = self.number()?;
                return Ok(RawValue {
                    kind: Kind::Number,
                    text,
                    escaped: false,
                });
            }
            Some(b't') => {
                self.literal(b"true")?;
                Kind::Bool
            }
            Some(b'f') => {
                self.literal(b"false")?;
                Kind::Bool
            }
            Some(b'n') => {
                self.literal(b"null")?;
                Kind::Null
            }
            Some(b'{') => {
                self.skip_value()?;
                Kind::Object
            }
            Some(b'[') => {
                self.skip_value()?;
                Kind::Array
            }
            _ => return Err(JsonError::Invalid),
        };
        Ok(RawValue {
            kind,
            text: &self.s[start..self.i],
            escaped: false,
        })
    }

    /// Skips one value of any depth without recursion, so 100,000 nested brackets cannot
    /// overflow the stack: the container stack is a bit vector on the heap.
    pub(crate) fn skip_value(&mut self) -> Result<(), JsonError> {
        // true = object, false = array
        let mut stack: Vec<bool> = Vec::new();
        loop {
            self.ws();
            // A value is expected here.
            match self.peek() {
                Some(b'{') => {
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                    } else {
                        stack.push(true);
                        self.ws();
                        self.string()?;
                        self.ws();
                        self.expect(b':')?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                    } else {
                        stack.push(false);
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                }
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                _ => return Err(JsonError::Invalid),
            }
            // After a complete value: close containers or move to the next element.
            loop {
                let Some(&top) = stack.last() else {
                    return Ok(());
                };
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        if top {
                            self.ws();
                            self.string()?;
                            self.ws();
                            self.expect(b':')?;
                        }
                        break;
                    }
                    Some(b'}') if top => {
                        self.i += 1;
                        stack.pop();
                    }
                    Some(b']') if !top => {
                        self.i += 1;
                        stack.pop();
                    }
                    _ => return Err(JsonError::Invalid),
                }
            }
        }
    }

    /// Handles the value at the cursor for a trie edge (or skips it when there is none).
    fn value_at_edge(
        &mut self,
        trie: &PathTrie,
        edge: Option<&TrieEdge>,
        slots: &mut [Option<RawValue<'a>>],
    ) -> Result<(), JsonError> {
        match edge {
            None => self.skip_value()?,
            Some(edge) => {
                if let (Some(child), Some(b'{' | b'[')) = (edge.child, self.peek()) {
                    let start = self.i;
                    if self.peek() == Some(b'{') {
                        self.object_with_trie(trie, child, slots)?;
                    } else {
                        self.array_with_trie(trie, child, slots)?;
                    }
                    if let Some(slot) = edge.slot {
                        let kind = if self.b[start] == b'{' {
                            Kind::Object
                        } else {
                            Kind::Array
                        };
                        slots[slot] = Some(RawValue {
                            kind,
                            text: &self.s[start..self.i],
                            escaped: false,
                        });
                    }
                } else {
                    let v = self.raw_value()?;
                    if let Some(slot) = edge.slot {
                        slots[slot] = Some(v);
                    }
                }
            }
        }
        Ok(())
    }

    /// Walks an array whose elements are matched against index edges (`[0]`, `[1]`, …) of trie
    /// node `node`.
    fn array_with_trie(
        &mut self,
        trie: &PathTrie,
        node: usize,
        slots: &mut [Option<RawValue<'a>>],
    ) -> Result<(), JsonError> {
        self.expect(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        let mut index = 0usize;
        loop {
            self.ws();
            let key = format!("[{index}]");
            self.value_at_edge(trie, trie.lookup(node, key.as_bytes()), slots)?;
            index += 1;
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(JsonError::Invalid),
            }
        }
    }

    /// Walks an object whose keys are matched against trie node `node`; captured values go to
    /// `slots`, objects under a child edge are descended into (depth is bounded by the trie).
    fn object_with_trie(
        &mut self,
        trie: &PathTrie,
        node: usize,
        slots: &mut [Option<RawValue<'a>>],
    ) -> Result<(), JsonError> {
        self.expect(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            let (key, key_escaped) = self.string()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            let edge = if key_escaped {
                let decoded = crate::record::unescape(key);
                trie.lookup(node, decoded.as_bytes())
            } else {
                trie.lookup(node, key.as_bytes())
            };
            self.value_at_edge(trie, edge, slots)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(JsonError::Invalid),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trie(paths: &[&str]) -> PathTrie {
        let mut t = PathTrie::new();
        for (i, p) in paths.iter().enumerate() {
            let parts: Vec<&str> = p.split('.').collect();
            t.insert(&parts, i);
        }
        t
    }

    fn scan<'a>(
        line: &'a str,
        t: &PathTrie,
        n: usize,
    ) -> Result<Vec<Option<RawValue<'a>>>, JsonError> {
        let mut slots = vec![None; n];
        scan_object(line, t, &mut slots)?;
        Ok(slots)
    }

    #[test]
    fn captures_top_level_and_nested() {
        let t = trie(&["a", "b.c", "b", "d"]);
        let s = scan(
            r#"{"a": 1.5, "x": [1, {"y": "z"}], "b": {"c": "h\"i", "e": null}, "d": true}"#,
            &t,
            4,
        )
        .unwrap();
        assert_eq!(s[0].unwrap().text, "1.5");
        assert_eq!(s[1].unwrap().text, r#"h\"i"#);
        assert!(s[1].unwrap().escaped);
        assert_eq!(s[2].unwrap().kind, Kind::Object);
        assert_eq!(s[2].unwrap().text, r#"{"c": "h\"i", "e": null}"#);
        assert_eq!(s[3].unwrap().as_bool(), Some(true));
    }

    #[test]
    fn nested_path_on_non_object_is_captured_only_when_slot() {
        let t = trie(&["b.c"]);
        let s = scan(r#"{"b": "plain"}"#, &t, 1).unwrap();
        assert!(s[0].is_none());
    }

    #[test]
    fn rejects_invalid() {
        let t = trie(&["a"]);
        for bad in [
            r#"{"a": 1"#,
            r#"{"a": 01}"#,
            r#"{"a": "x"} trailing"#,
            r#"{"a": "tab	inside"}"#,
            r#"{"a": "\x"}"#,
            r#"{"a": "\u12"}"#,
            r#"{"a" 1}"#,
            r#"{"a": 1,}"#,
            r#"{"a": [1,]}"#,
            r#"{"a": tru}"#,
            r#"{a: 1}"#,
            "",
            "{",
        ] {
            assert_eq!(scan(bad, &t, 1).err(), Some(JsonError::Invalid), "{bad}");
        }
        assert_eq!(scan("[1, 2]", &t, 1).err(), Some(JsonError::NotObject));
        assert_eq!(scan(" 42 ", &t, 1).err(), Some(JsonError::NotObject));
        assert_eq!(scan(r#""s""#, &t, 1).err(), Some(JsonError::NotObject));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let line = format!("{{\"a\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
        let t = trie(&["a"]);
        assert!(scan(&line, &t, 1).is_ok());
        let unbalanced = format!("{{\"a\": {}}}", "[".repeat(depth));
        assert_eq!(scan(&unbalanced, &t, 1).err(), Some(JsonError::Invalid));
    }

    #[test]
    fn escaped_keys_match() {
        let t = trie(&["ts"]);
        let s = scan(r#"{"t\u0073": "x"}"#, &t, 1).unwrap();
        assert_eq!(s[0].unwrap().text, "x");
    }

    #[test]
    fn control_detection() {
        assert!(has_control(b"abc\x01defghijk"));
        assert!(has_control(b"abcdefghijk\n"));
        assert!(!has_control("abcdéfghijk€ ~".as_bytes()));
    }

    #[test]
    fn validate_any_value() {
        assert!(validate(r#" {"a": [1, -2.5e3, "x", null, false]} "#).is_ok());
        assert!(validate("[").is_err());
    }
}
