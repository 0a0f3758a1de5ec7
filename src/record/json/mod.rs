//! A validating, allocation-free JSON scanner over one line: it finds the values a format asks for
//! by path and skips everything else with SIMD byte searches, so long prompt strings cost a memchr.

mod strings;
mod trie;

use strings::string_body;
pub use trie::PathTrie;
use trie::TrieEdge;

/// Why a line is not a usable JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// The text is not valid JSON (truncated, bad token, control character in a string, …).
    Invalid,
    /// Valid JSON, but the top level is not an object.
    NotObject,
    /// A string holds bytes that are not UTF-8.
    BadUtf8,
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

/// Scans `line` as one JSON object (checking UTF-8 inside strings as it goes), validating all of it, and stores
/// the values at the trie's paths into `slots` (later duplicates win, as in most JSON readers).
pub fn scan_object<'a>(
    line: &'a [u8],
    trie: &PathTrie,
    slots: &mut [Option<RawValue<'a>>],
) -> Result<(), JsonError> {
    let mut p = Parser { b: line, i: 0 };
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

/// Finds the value of the last object member named `quoted_key` (the key with its quotes, as
/// in `"\"latencyMs\""`) anywhere in `text`, which must be JSON that was already validated. It
/// reaches values no fixed path can, such as a metric in the last of a variable number of
/// stream chunks. A quote inside a string is always escaped, so string contents never match.
pub fn last_member<'a>(text: &'a str, quoted_key: &str) -> Option<RawValue<'a>> {
    let b = text.as_bytes();
    let finder = memchr::memmem::FinderRev::new(quoted_key.as_bytes());
    let mut end = b.len();
    while let Some(at) = finder.rfind(&b[..end]) {
        end = at;
        let backslashes = b[..at].iter().rev().take_while(|&&c| c == b'\\').count();
        if backslashes % 2 == 1 {
            continue;
        }
        let mut p = Parser {
            b,
            i: at + quoted_key.len(),
        };
        p.ws();
        if p.peek() != Some(b':') {
            continue;
        }
        p.i += 1;
        p.ws();
        if let Some(v) = p.cold_value() {
            return Some(v);
        }
    }
    None
}

/// Checks that `text` is exactly one valid JSON value.
pub fn validate(text: &[u8]) -> Result<(), JsonError> {
    let mut p = Parser { b: text, i: 0 };
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
    pub(crate) i: usize,
}

impl<'a> Parser<'a> {
    /// The text from `start` to the cursor: a span of ASCII tokens (numbers, literals) or a
    /// whole container whose strings were checked as they were parsed.
    #[inline]
    fn text(&self, start: usize) -> &'a str {
        // SAFETY: spans passed here were fully parsed: outside strings the parser accepts only
        // ASCII bytes, and every string inside was checked by `string`.
        unsafe { std::str::from_utf8_unchecked(&self.b[start..self.i]) }
    }

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
    /// holds escapes. Non-ASCII content is checked to be UTF-8 here, so a line that parses is
    /// valid UTF-8 as a whole (everything outside strings must be ASCII to parse).
    #[inline]
    pub(crate) fn string(&mut self) -> Result<(&'a str, bool), JsonError> {
        self.expect(b'"')?;
        let start = self.i;
        let (end, escaped, non_ascii) = string_body(self.b, start)?;
        let raw = &self.b[start..end];
        self.i = end + 1;
        let text = if non_ascii {
            simdutf8::basic::from_utf8(raw).map_err(|_| JsonError::BadUtf8)?
        } else {
            // SAFETY: every byte of `raw` is ASCII (no high bit was seen), hence valid UTF-8.
            unsafe { std::str::from_utf8_unchecked(raw) }
        };
        Ok((text, escaped))
    }

    /// Validates a number per the JSON grammar and returns its text.
    #[inline]
    pub(crate) fn number(&mut self) -> Result<&'a str, JsonError> {
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
        Ok(self.text(start))
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
            text: self.text(start),
            escaped: false,
        })
    }

    /// Like `raw_value`, for rare callers: kept apart so the hot scan keeps `raw_value` inlined.
    #[cold]
    fn cold_value(&mut self) -> Option<RawValue<'a>> {
        let start = self.i;
        let first = self.peek()?;
        if first == b'"' {
            let (text, escaped) = self.string().ok()?;
            return Some(RawValue {
                kind: Kind::String,
                text,
                escaped,
            });
        }
        self.skip_value().ok()?;
        let kind = match first {
            b'{' => Kind::Object,
            b'[' => Kind::Array,
            b't' | b'f' => Kind::Bool,
            b'n' => Kind::Null,
            _ => Kind::Number,
        };
        Some(RawValue {
            kind,
            text: self.text(start),
            escaped: false,
        })
    }

    /// Skips a number or a `true`/`false`/`null` literal.
    pub(crate) fn skip_scalar(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number().map(|_| ()),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => Err(JsonError::Invalid),
        }
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
                            text: self.text(start),
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
        scan_object(line.as_bytes(), t, &mut slots)?;
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
    fn utf8_checked_inside_strings_only() {
        let t = trie(&["a"]);
        let mut slots = vec![None; 1];
        let bad = b"{\"a\": \"ok \xff\xfe\"}";
        assert_eq!(scan_object(bad, &t, &mut slots), Err(JsonError::BadUtf8));
        let outside = b"{\"a\": 1, \xc3\xa9: 2}";
        assert_eq!(
            scan_object(outside, &t, &mut slots),
            Err(JsonError::Invalid)
        );
    }

    #[test]
    fn last_member_skips_string_contents() {
        let text = r#"[{"m":{"latencyMs":5}},{"text":"say \"latencyMs\": 9"},{"m":{"latencyMs" : 7}},{"x":"\\"}]"#;
        let v = last_member(text, "\"latencyMs\"").unwrap();
        assert_eq!((v.kind, v.text), (Kind::Number, "7"));
        let only_in_string = r#"[{"text":"\"latencyMs\": 9"}]"#;
        assert_eq!(last_member(only_in_string, "\"latencyMs\""), None);
        assert_eq!(last_member(r#"{"a":"latencyMs"}"#, "\"latencyMs\""), None);
    }

    #[test]
    fn validate_any_value() {
        assert!(validate(br#" {"a": [1, -2.5e3, "x", null, false]} "#).is_ok());
        assert!(validate(b"[").is_err());
    }
}
