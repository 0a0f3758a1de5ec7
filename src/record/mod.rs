//! The record layer: a borrowed view of one request (the contract's native fields by logical
//! name), built from a line by a format preset without materialising a JSON tree.

pub mod format;
pub mod json;
pub mod status;
pub mod time;
pub mod walk;

use std::borrow::Cow;

/// A JSON string as it appears in the line: raw content between the quotes, decoded on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonStr<'a> {
    raw: &'a str,
    escaped: bool,
}

impl<'a> JsonStr<'a> {
    /// Wraps the raw (possibly escaped) content of a JSON string.
    pub fn raw(raw: &'a str, escaped: bool) -> Self {
        JsonStr { raw, escaped }
    }

    /// Wraps text that is already decoded.
    pub fn plain(text: &'a str) -> Self {
        JsonStr {
            raw: text,
            escaped: false,
        }
    }

    /// The decoded text; borrowed unless the string holds escapes.
    pub fn get(&self) -> Cow<'a, str> {
        if self.escaped {
            Cow::Owned(unescape(self.raw))
        } else {
            Cow::Borrowed(self.raw)
        }
    }

    /// True when the decoded text is empty.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The text as it appears in the line, escapes and all.
    pub fn raw_text(&self) -> &'a str {
        self.raw
    }

    /// True when the raw text holds escapes, so `get` has to decode it.
    pub fn is_escaped(&self) -> bool {
        self.escaped
    }
}

/// Decodes the escapes of a JSON string body that the scanner has already validated. Lone
/// surrogates become U+FFFD, as in most JSON readers.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    unescape_into(raw, &mut out);
    out
}

/// Like `unescape`, appending to `out` (so a hot loop can reuse one buffer).
pub fn unescape_into(raw: &str, out: &mut String) {
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let Some(off) = memchr::memchr(b'\\', &b[i..]) else {
            out.push_str(&raw[i..]);
            break;
        };
        out.push_str(&raw[i..i + off]);
        i += off;
        let Some(&c) = b.get(i + 1) else { break };
        i += 2;
        match c {
            b'n' => out.push('\n'),
            b't' => out.push('\t'),
            b'r' => out.push('\r'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'u' => {
                let hi = hex4(b, i);
                i += 4;
                let cp = match hi {
                    Some(h @ 0xD800..=0xDBFF) => {
                        let pair = (b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u'))
                            .then(|| hex4(b, i + 2))
                            .flatten();
                        match pair {
                            Some(lo @ 0xDC00..=0xDFFF) => {
                                i += 6;
                                0x10000 + ((h - 0xD800) << 10) + (lo - 0xDC00)
                            }
                            _ => 0xFFFD,
                        }
                    }
                    Some(h) => h,
                    None => 0xFFFD,
                };
                out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
            }
            other => out.push(other as char),
        }
    }
}

fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i + 4)?;
    let s = std::str::from_utf8(s).ok()?;
    u32::from_str_radix(s, 16).ok()
}

/// The dimensions a report can group by.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Dim {
    Model,
    Version,
    Endpoint,
    Stage,
    Tenant,
    UserId,
}

impl Dim {
    /// Every dimension, in column order.
    pub const ALL: [Dim; 6] = [
        Dim::Model,
        Dim::Version,
        Dim::Endpoint,
        Dim::Stage,
        Dim::Tenant,
        Dim::UserId,
    ];

    /// The column / field name of the dimension.
    pub fn name(self) -> &'static str {
        match self {
            Dim::Model => "model",
            Dim::Version => "version",
            Dim::Endpoint => "endpoint",
            Dim::Stage => "stage",
            Dim::Tenant => "tenant",
            Dim::UserId => "user_id",
        }
    }

    /// Parses a dimension name as written on the command line or in the config.
    pub fn parse(name: &str) -> Option<Dim> {
        Dim::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// Where a record's cost came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CostSource {
    /// `cost_usd` was in the record.
    Logged,
    /// Priced from the `[prices]` table and the token counts.
    Priced,
    /// Neither: the cost counts as 0 and the request as unpriced.
    #[default]
    Unpriced,
}

/// The `error` object of a request.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ErrorInfo<'a> {
    pub kind: Option<JsonStr<'a>>,
    pub message: Option<JsonStr<'a>>,
}

/// One request, borrowed from its line: the logical fields of the contract's native record.
#[derive(Debug, Clone, Default)]
pub struct Record<'a> {
    /// Request time.
    pub ts: Option<time::Micros>,
    pub request_id: Option<JsonStr<'a>>,
    pub status: Option<u16>,
    pub latency_ms: Option<f64>,
    /// Dimension values, indexed by `Dim as usize`.
    pub dims: [Option<JsonStr<'a>>; 6],
    pub tokens_in: Option<u64>,
    pub tokens_out: Option<u64>,
    /// The resolved cost (logged, priced or 0); see `cost_source`.
    pub cost_usd: f64,
    pub cost_source: CostSource,
    pub confidence: Option<f64>,
    pub rating: Option<f64>,
    pub comment: Option<JsonStr<'a>>,
    pub prompt: Option<JsonStr<'a>>,
    pub response: Option<JsonStr<'a>>,
    pub error: Option<ErrorInfo<'a>>,
    /// Raw JSON text of `metadata`, when present.
    pub metadata: Option<&'a str>,
}

impl<'a> Record<'a> {
    /// The value of a dimension, if present.
    pub fn dim(&self, d: Dim) -> Option<JsonStr<'a>> {
        self.dims[d as usize]
    }

    /// The class of the record's status: the one classification every analysis reads.
    pub fn status_class(&self) -> status::StatusClass {
        status::StatusClass::of(self.status)
    }

    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        self.status_class().is_success()
    }
}

/// Where a record came from: the file (index into the scan's file list) and 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: u32,
    pub line: u64,
}

/// In a durable state, as `(file, line)`. A state loaded after others (`logwarden merge`, or a
/// file's state in an incremental run) has its file indices shifted past theirs, and the state
/// of a file's appended part its line numbers past the lines before it, by the bases that
/// `state::loading` sets while it decodes.
impl serde::Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&(self.file, self.line), s)
    }
}

impl<'de> serde::Deserialize<'de> for Location {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (file, line): (u32, u64) = serde::Deserialize::deserialize(d)?;
        let file = file
            .checked_add(crate::state::loading::file_base())
            .ok_or_else(|| serde::de::Error::custom("file index out of range"))?;
        let line = line
            .checked_add(crate::state::loading::line_base())
            .ok_or_else(|| serde::de::Error::custom("line number out of range"))?;
        Ok(Location { file, line })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_all_forms() {
        assert_eq!(unescape(r#"a\nb\t\"q\"\\ \/"#), "a\nb\t\"q\"\\ /");
        assert_eq!(unescape(r#"caf\u00e9 \ud83d\ude00"#), "café 😀");
        assert_eq!(unescape(r#"lone \ud83d x"#), "lone \u{FFFD} x");
        assert_eq!(unescape("plain"), "plain");
    }
}
