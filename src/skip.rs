//! Accounting for lines the scan could not use: counts by reason, the first 1,000 locations
//! (for `skipped.csv`), and the one-line summary printed at the end of a run.

use crate::record::format::LineError;
use crate::record::json::JsonError;
use crate::record::Location;
use std::collections::BTreeMap;
use std::fmt;

/// How many skipped lines are listed individually.
pub const MAX_LISTED: usize = 1000;

/// Why a line was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    InvalidJson,
    InvalidUtf8,
    NotObject,
    WrongType(&'static str),
    TooLong,
}

impl From<LineError> for SkipReason {
    fn from(e: LineError) -> Self {
        match e {
            LineError::Json(JsonError::Invalid) => SkipReason::InvalidJson,
            LineError::Json(JsonError::NotObject) => SkipReason::NotObject,
            LineError::Json(JsonError::BadUtf8) => SkipReason::InvalidUtf8,
            LineError::WrongType(f) => SkipReason::WrongType(f),
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::InvalidJson => f.write_str("invalid JSON"),
            SkipReason::InvalidUtf8 => f.write_str("invalid UTF-8"),
            SkipReason::NotObject => f.write_str("not an object"),
            SkipReason::WrongType(field) => write!(f, "wrong type for {field}"),
            SkipReason::TooLong => f.write_str("line too long"),
        }
    }
}

/// In a durable state, as its message (`wrong type for FIELD` names the field).
impl serde::Serialize for SkipReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for SkipReason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text: String = serde::Deserialize::deserialize(d)?;
        Ok(match text.as_str() {
            "invalid JSON" => SkipReason::InvalidJson,
            "invalid UTF-8" => SkipReason::InvalidUtf8,
            "not an object" => SkipReason::NotObject,
            "line too long" => SkipReason::TooLong,
            t => match t.strip_prefix("wrong type for ") {
                Some(field) => SkipReason::WrongType(intern(field)),
                None => return Err(serde::de::Error::custom("unknown skip reason")),
            },
        })
    }
}

/// The one `'static` copy of a field name read back from a state (there are a few per run).
fn intern(field: &str) -> &'static str {
    static NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut names = NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(n) = names.iter().find(|n| **n == field) {
        return n;
    }
    let n: &'static str = Box::leak(field.to_string().into_boxed_str());
    names.push(n);
    n
}

/// Skipped lines of a scan (or of one chunk, before merging).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SkipLog {
    pub counts: BTreeMap<SkipReason, u64>,
    /// The first skipped lines in input order, at most `MAX_LISTED`.
    pub listed: Vec<(Location, SkipReason)>,
}

impl SkipLog {
    pub fn record(&mut self, loc: Location, reason: SkipReason) {
        *self.counts.entry(reason).or_insert(0) += 1;
        if self.listed.len() < MAX_LISTED {
            self.listed.push((loc, reason));
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Appends a later chunk's log.
    pub fn merge(&mut self, other: SkipLog) {
        for (r, n) in other.counts {
            *self.counts.entry(r).or_insert(0) += n;
        }
        let room = MAX_LISTED.saturating_sub(self.listed.len());
        self.listed.extend(other.listed.into_iter().take(room));
    }

    /// `skipped 3 of 1,000,000 lines (2 invalid JSON, 1 invalid UTF-8); first at a.jsonl:17`.
    pub fn summary(&self, lines: u64, files: &[String]) -> Option<String> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let mut by: Vec<(SkipReason, u64)> = self.counts.iter().map(|(r, n)| (*r, *n)).collect();
        by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let parts: Vec<String> = by
            .iter()
            .map(|(r, n)| format!("{} {r}", thousands(*n)))
            .collect();
        let mut s = format!(
            "skipped {} of {} lines ({})",
            thousands(total),
            thousands(lines),
            parts.join(", ")
        );
        if let Some((loc, _)) = self.listed.first() {
            let name = files.get(loc.file as usize).map_or("?", String::as_str);
            s.push_str(&format!("; first at {name}:{}", loc.line));
        }
        Some(s)
    }
}

/// Formats a count with thousands separators for messages (never in CSV).
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line() {
        let mut log = SkipLog::default();
        log.record(Location { file: 0, line: 17 }, SkipReason::InvalidJson);
        log.record(Location { file: 0, line: 20 }, SkipReason::InvalidUtf8);
        log.record(Location { file: 0, line: 30 }, SkipReason::InvalidJson);
        assert_eq!(
            log.summary(1_000_000, &["logs/a.jsonl".into()]).unwrap(),
            "skipped 3 of 1,000,000 lines (2 invalid JSON, 1 invalid UTF-8); first at logs/a.jsonl:17"
        );
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
    }
}
