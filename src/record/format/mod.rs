//! Format presets: each maps a log shape onto the logical fields of the native record. A preset
//! is a table of JSON paths (one small file each) plus an optional fix-up for derived fields, or,
//! for shapes with many records per line (OTel), a reader of its own.

mod bedrock;
mod convert;
mod litellm;
mod native;
mod openai_batch;
mod otel;

pub use convert::{as_f64, as_ts};

use super::json::{scan_object, JsonError, PathTrie, RawValue};
use super::Record;
use std::fmt;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Ts,
    RequestId,
    Status,
    LatencyMs,
    Model,
    Version,
    Endpoint,
    Stage,
    Tenant,
    UserId,
    TokensIn,
    TokensOut,
    CostUsd,
    Confidence,
    Rating,
    Comment,
    Prompt,
    Response,
    Error,
    ErrorType,
    ErrorMessage,
    Metadata,
    /// Start and end times from which latency is derived (LiteLLM, OTel).
    StartTime,
    EndTime,
}

impl Field {
    /// Every field, in slot order.
    pub const ALL: [Field; 24] = [
        Field::Ts,
        Field::RequestId,
        Field::Status,
        Field::LatencyMs,
        Field::Model,
        Field::Version,
        Field::Endpoint,
        Field::Stage,
        Field::Tenant,
        Field::UserId,
        Field::TokensIn,
        Field::TokensOut,
        Field::CostUsd,
        Field::Confidence,
        Field::Rating,
        Field::Comment,
        Field::Prompt,
        Field::Response,
        Field::Error,
        Field::ErrorType,
        Field::ErrorMessage,
        Field::Metadata,
        Field::StartTime,
        Field::EndTime,
    ];

    /// The name used in `[fields]` and in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Field::Ts => "ts",
            Field::RequestId => "request_id",
            Field::Status => "status",
            Field::LatencyMs => "latency_ms",
            Field::Model => "model",
            Field::Version => "version",
            Field::Endpoint => "endpoint",
            Field::Stage => "stage",
            Field::Tenant => "tenant",
            Field::UserId => "user_id",
            Field::TokensIn => "tokens_in",
            Field::TokensOut => "tokens_out",
            Field::CostUsd => "cost_usd",
            Field::Confidence => "confidence",
            Field::Rating => "feedback.rating",
            Field::Comment => "feedback.comment",
            Field::Prompt => "prompt",
            Field::Response => "response",
            Field::Error => "error",
            Field::ErrorType => "error.type",
            Field::ErrorMessage => "error.message",
            Field::Metadata => "metadata",
            Field::StartTime => "start_time",
            Field::EndTime => "end_time",
        }
    }

    /// Parses a `[fields]` key (`rating` and `comment` are accepted as short forms).
    pub fn parse(name: &str) -> Option<Field> {
        match name {
            "rating" => Some(Field::Rating),
            "comment" => Some(Field::Comment),
            _ => Field::ALL.into_iter().find(|f| f.name() == name),
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Number of capture slots a preset fills.
pub const SLOTS: usize = Field::ALL.len();

/// Why a line yields no record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineError {
    Json(JsonError),
    /// A field holds a value of the wrong type (e.g. `"status": "ok"`).
    WrongType(&'static str),
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::Json(JsonError::Invalid) => f.write_str("invalid JSON"),
            LineError::Json(JsonError::NotObject) => f.write_str("not an object"),
            LineError::Json(JsonError::BadUtf8) => f.write_str("invalid UTF-8"),
            LineError::WrongType(field) => write!(f, "wrong type for {field}"),
        }
    }
}

/// The format names accepted by `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormatKind {
    Native,
    OpenaiBatch,
    Bedrock,
    Litellm,
    Otel,
}

impl FormatKind {
    /// Every preset. Auto-detection tries them in this order; native, which has no signature,
    /// is the fallback.
    pub const ALL: [FormatKind; 5] = [
        FormatKind::Native,
        FormatKind::OpenaiBatch,
        FormatKind::Bedrock,
        FormatKind::Litellm,
        FormatKind::Otel,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FormatKind::Native => "native",
            FormatKind::OpenaiBatch => "openai-batch",
            FormatKind::Bedrock => "bedrock",
            FormatKind::Litellm => "litellm",
            FormatKind::Otel => "otel",
        }
    }

    pub fn parse(s: &str) -> Option<FormatKind> {
        FormatKind::ALL.into_iter().find(|k| k.name() == s)
    }

    fn spec(self) -> &'static PresetSpec {
        match self {
            FormatKind::Native => &native::SPEC,
            FormatKind::OpenaiBatch => &openai_batch::SPEC,
            FormatKind::Bedrock => &bedrock::SPEC,
            FormatKind::Litellm => &litellm::SPEC,
            FormatKind::Otel => &otel::SPEC,
        }
    }
}

/// A preset's fix-up of derived fields, run after the generic conversion. It sees every slot:
/// the logical fields (index `Field::slot`) and then the preset's `extra` paths (`SLOTS + i`).
pub type Fixup = for<'a> fn(&[Option<RawValue<'a>>], &mut Record<'a>) -> Result<(), LineError>;

/// The reader of a preset whose lines hold several records: it calls the sink once per record
/// and returns how many there were. `overrides` are the `[fields]` entries, which it interprets
/// in its own terms. It either fails before calling the sink or not at all.
pub type ManyReader = fn(
    line: &[u8],
    overrides: &[(Field, String)],
    sink: &mut dyn FnMut(&mut Record<'_>),
) -> Result<usize, LineError>;

/// Most extra paths a preset may capture for its fix-up.
pub const MAX_EXTRA: usize = 20;

/// The slot of `path` in a preset's `extra` list, for its fix-up. Evaluated at compile time, so
/// a path missing from the list (or past `MAX_EXTRA`) is a build error, not a wrong slot.
pub const fn extra_slot(extra: &[&str], path: &str) -> usize {
    let mut i = 0;
    while i < extra.len() && i < MAX_EXTRA {
        let (a, b) = (extra[i].as_bytes(), path.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return SLOTS + i;
            }
        }
        i += 1;
    }
    panic!("path is not among the preset's first MAX_EXTRA extra paths")
}

/// What a preset file provides: its field paths, the top-level keys that identify it, and an
/// optional fix-up run after the generic conversion.
pub struct PresetSpec {
    pub paths: &'static [(Field, &'static str)],
    /// Paths only the fix-up reads (values whose type varies between producers, or that need
    /// translating, such as an error code); captured into the slots after the logical fields.
    pub extra: &'static [&'static str],
    /// Sets of top-level keys: auto-detection picks this preset when every key of any one set
    /// is present in a file's first record.
    pub signatures: &'static [&'static [&'static str]],
    pub fixup: Option<Fixup>,
    /// Set for presets with several records per line; `paths`, `extra` and `fixup` are then
    /// unused.
    pub many: Option<ManyReader>,
}

/// Splits `a.b[0].c` into `["a", "b", "[0]", "c"]`.
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                out.push(rest[..open].to_string());
            }
            rest = &rest[open..];
            while let Some(close) = rest.find(']') {
                out.push(rest[..=close].to_string());
                rest = &rest[close + 1..];
            }
            if !rest.is_empty() {
                out.push(rest.to_string());
            }
        } else {
            out.push(rest.to_string());
        }
    }
    out
}

/// A ready-to-use format: the compiled path trie of a preset (with `[fields]` overrides).
pub struct Format {
    kind: FormatKind,
    trie: PathTrie,
    /// True when the preset captures extra paths, so lines need the wider slot array.
    wide: bool,
    fixup: Option<Fixup>,
    many: Option<ManyReader>,
    overrides: Vec<(Field, String)>,
}

impl Format {
    /// Builds a preset, with `overrides` (from `[fields]`) replacing or adding field paths.
    pub fn new(kind: FormatKind, overrides: &[(Field, String)]) -> Format {
        let spec = kind.spec();
        let mut trie = PathTrie::new();
        for field in Field::ALL {
            let over = overrides.iter().find(|(f, _)| *f == field);
            match over {
                Some((_, path)) => trie.insert(&split_path(path), field.slot()),
                None => {
                    for (f, path) in spec.paths {
                        if *f == field {
                            trie.insert(&split_path(path), field.slot());
                        }
                    }
                }
            }
        }
        for (i, path) in spec.extra.iter().take(MAX_EXTRA).enumerate() {
            trie.insert(&split_path(path), SLOTS + i);
        }
        Format {
            kind,
            trie,
            wide: !spec.extra.is_empty(),
            fixup: spec.fixup,
            many: spec.many,
            overrides: overrides.to_vec(),
        }
    }

    pub fn kind(&self) -> FormatKind {
        self.kind
    }

    /// Reads the records of one line (without its newline), calling `sink` with each (by
    /// reference, so the scan can fill in derived fields such as a priced cost), and
    /// returns how many there were: one for every preset but otel, whose lines hold a batch of
    /// spans (possibly none of them GenAI calls). On error no record was passed to `sink`. A
    /// line that yields records, or fails only with `WrongType`, is valid UTF-8 as a whole.
    #[inline]
    pub fn records<F>(&self, line: &[u8], mut sink: F) -> Result<usize, LineError>
    where
        F: FnMut(&mut Record<'_>),
    {
        if let Some(read) = self.many {
            return read(line, &self.overrides, &mut sink);
        }
        let mut rec = self.parse(line)?;
        sink(&mut rec);
        Ok(1)
    }

    /// Parses a line of a one-record-per-line preset (every preset but otel) into its record.
    #[inline]
    pub(crate) fn parse<'a>(&self, line: &'a [u8]) -> Result<Record<'a>, LineError> {
        if self.wide {
            self.parse_slots::<{ SLOTS + MAX_EXTRA }>(line)
        } else {
            // The common case (native, openai-batch): no room for extra slots to clear per line.
            self.parse_slots::<SLOTS>(line)
        }
    }

    #[inline(always)]
    fn parse_slots<'a, const N: usize>(&self, line: &'a [u8]) -> Result<Record<'a>, LineError> {
        let mut slots: [Option<RawValue<'a>>; N] = [None; N];
        scan_object(line, &self.trie, &mut slots).map_err(LineError::Json)?;
        let mut rec = convert::convert(&slots)?;
        if let Some(fix) = self.fixup {
            fix(&slots, &mut rec)?;
        }
        Ok(rec)
    }
}

/// Picks the preset for a file from its first record: the first whose signature keys (any one
/// set of them) are all present at the top level, else native.
pub fn detect(first_line: &[u8]) -> FormatKind {
    let mut trie = PathTrie::new();
    let mut keys: Vec<&str> = Vec::new();
    for kind in FormatKind::ALL {
        for key in kind.spec().signatures.iter().flat_map(|s| s.iter()) {
            if !keys.contains(key) {
                keys.push(key);
            }
        }
    }
    for (i, key) in keys.iter().enumerate() {
        trie.insert(&[*key], i);
    }
    let mut slots = vec![None; keys.len()];
    if scan_object(first_line, &trie, &mut slots).is_err() {
        return FormatKind::Native;
    }
    let present = |k: &&str| {
        keys.iter()
            .position(|x| x == k)
            .and_then(|i| slots.get(i))
            .is_some_and(|s| s.is_some())
    };
    FormatKind::ALL
        .into_iter()
        .find(|kind| {
            kind.spec()
                .signatures
                .iter()
                .any(|sig| !sig.is_empty() && sig.iter().all(present))
        })
        .unwrap_or(FormatKind::Native)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{CostSource, Dim};

    #[test]
    fn native_full_record() {
        let f = Format::new(FormatKind::Native, &[]);
        let line = r#"{"ts":"2026-11-23T14:00:00Z","request_id":"r1","status":"503","latency_ms":12.5,"model":"m","tokens_in":10,"tokens_out":3,"cost_usd":0.5,"confidence":0.4,"feedback":{"rating":-1,"comment":"bad\nanswer"},"prompt":"p","response":"r","error":{"type":"overloaded","message":"x"},"metadata":{"a":[1]}}"#;
        let r = f.parse(line.as_bytes()).unwrap();
        assert_eq!(r.status, Some(503));
        assert_eq!(r.latency_ms, Some(12.5));
        assert_eq!(r.dim(Dim::Model).unwrap().get(), "m");
        assert_eq!(r.tokens_in, Some(10));
        assert_eq!(r.cost_source, CostSource::Logged);
        assert_eq!(r.rating, Some(-1.0));
        assert_eq!(r.comment.unwrap().get(), "bad\nanswer");
        assert_eq!(r.error.unwrap().kind.unwrap().get(), "overloaded");
        assert_eq!(r.metadata, Some(r#"{"a":[1]}"#));
    }

    #[test]
    fn wrong_types_are_named() {
        let f = Format::new(FormatKind::Native, &[]);
        assert_eq!(
            f.parse(r#"{"status":"ok"}"#.as_bytes()).err(),
            Some(LineError::WrongType("status"))
        );
        assert_eq!(
            f.parse(r#"{"ts":"yesterday"}"#.as_bytes()).err(),
            Some(LineError::WrongType("ts"))
        );
        assert_eq!(
            f.parse(r#"{"tokens_in":-3}"#.as_bytes()).err(),
            Some(LineError::WrongType("tokens_in"))
        );
        assert_eq!(
            f.parse(r#"{"prompt":["a"]}"#.as_bytes()).err(),
            Some(LineError::WrongType("prompt"))
        );
        assert!(f
            .parse(r#"{"status":null,"error":null}"#.as_bytes())
            .is_ok());
    }

    #[test]
    fn overrides_map_other_shapes() {
        let f = Format::new(
            FormatKind::Native,
            &[
                (Field::LatencyMs, "timing.total_ms".into()),
                (Field::Model, "req.models[1]".into()),
            ],
        );
        let r = f
            .parse(br#"{"timing":{"total_ms":42},"req":{"models":["a","b"]}}"#)
            .unwrap();
        assert_eq!(r.latency_ms, Some(42.0));
        assert_eq!(r.dim(Dim::Model).unwrap().get(), "b");
    }

    #[test]
    fn split_paths() {
        assert_eq!(split_path("a.b[0].c"), vec!["a", "b", "[0]", "c"]);
        assert_eq!(split_path("x[1][2]"), vec!["x", "[1]", "[2]"]);
    }

    #[test]
    fn detects_presets() {
        assert_eq!(
            detect(r#"{"id":"b","custom_id":"c","response":{}}"#.as_bytes()),
            FormatKind::OpenaiBatch
        );
        assert_eq!(detect(r#"{"ts":1}"#.as_bytes()), FormatKind::Native);
        assert_eq!(detect(b"garbage"), FormatKind::Native);
        assert_eq!(
            detect(br#"{"schemaType":"ModelInvocationLog","modelId":"m"}"#),
            FormatKind::Bedrock
        );
        assert_eq!(
            detect(br#"{"timestamp":"2026-11-23T00:00:00Z","requestId":"r","modelId":"m"}"#),
            FormatKind::Bedrock
        );
        // `modelId` alone is not enough: a native line may well carry one.
        assert_eq!(detect(br#"{"ts":1,"modelId":"m"}"#), FormatKind::Native);
        for line in [
            &br#"{"startTime":1795442400.5,"response_cost":0.1}"#[..],
            br#"{"request_id":"r","startTime":"2026-11-23T00:00:00","spend":0}"#,
            br#"{"id":"r","startTime":1,"call_type":"acompletion"}"#,
        ] {
            assert_eq!(detect(line), FormatKind::Litellm);
        }
        assert_eq!(detect(br#"{"startTime":1}"#), FormatKind::Native);
        assert_eq!(detect(br#"{"resourceSpans":[]}"#), FormatKind::Otel);
    }

    #[test]
    fn names_round_trip_and_extras_fit() {
        for kind in FormatKind::ALL {
            assert_eq!(FormatKind::parse(kind.name()), Some(kind));
            let spec = kind.spec();
            assert!(spec.extra.len() <= MAX_EXTRA, "{}", kind.name());
            // A preset has a path table or a reader of its own, not both.
            assert!(spec.many.is_none() || (spec.paths.is_empty() && spec.fixup.is_none()));
        }
    }

    #[test]
    fn one_record_per_line_for_table_presets() {
        let f = Format::new(FormatKind::Native, &[]);
        let mut seen = Vec::new();
        let n = f
            .records(br#"{"request_id":"a","status":200}"#, |r| {
                seen.push(r.request_id.unwrap().get().into_owned())
            })
            .unwrap();
        assert_eq!((n, seen), (1, vec!["a".to_string()]));
        let mut called = false;
        let err = f.records(br#"{"status":"ok"}"#, |_| called = true);
        assert_eq!(err, Err(LineError::WrongType("status")));
        assert!(!called);
    }
}
