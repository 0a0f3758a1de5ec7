//! Format presets: each maps a log shape onto the logical fields of the native record. A preset
//! is a table of JSON paths (one small file each) plus an optional fix-up for derived fields, or,
//! for shapes that nest records or vary too much for a table (traces, wrapped events), a reader
//! of its own. Detection scores every preset on a file's first records.

mod anthropic_batch;
mod azure_openai;
mod bedrock;
mod cloudwatch;
mod convert;
mod langfuse;
mod litellm;
mod mlflow;
mod native;
mod openai_batch;
mod otel;
pub mod value;

pub use convert::{as_f64, as_ts};

use super::json::{scan_object, JsonError, PathTrie, RawValue};
use super::{Dim, JsonStr, Record};
use serde_json::Value;
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
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum FormatKind {
    #[default]
    Native,
    OpenaiBatch,
    AnthropicBatch,
    Bedrock,
    Litellm,
    Otel,
    Langfuse,
    Cloudwatch,
    AzureOpenai,
    Mlflow,
}

impl FormatKind {
    /// Every preset. Detection scores them all; on a tie the earlier one wins, and native is
    /// the fallback when none scores.
    pub const ALL: [FormatKind; 10] = [
        FormatKind::Native,
        FormatKind::OpenaiBatch,
        FormatKind::AnthropicBatch,
        FormatKind::Bedrock,
        FormatKind::Litellm,
        FormatKind::Otel,
        FormatKind::Langfuse,
        FormatKind::Cloudwatch,
        FormatKind::AzureOpenai,
        FormatKind::Mlflow,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FormatKind::Native => "native",
            FormatKind::OpenaiBatch => "openai-batch",
            FormatKind::AnthropicBatch => "anthropic-batch",
            FormatKind::Bedrock => "bedrock",
            FormatKind::Litellm => "litellm",
            FormatKind::Otel => "otel",
            FormatKind::Langfuse => "langfuse",
            FormatKind::Cloudwatch => "cloudwatch",
            FormatKind::AzureOpenai => "azure-openai",
            FormatKind::Mlflow => "mlflow",
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
            FormatKind::AnthropicBatch => &anthropic_batch::SPEC,
            FormatKind::Langfuse => &langfuse::SPEC,
            FormatKind::Cloudwatch => &cloudwatch::SPEC,
            FormatKind::AzureOpenai => &azure_openai::SPEC,
            FormatKind::Mlflow => &mlflow::SPEC,
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
pub const MAX_EXTRA: usize = 24;

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

/// How well one record (parsed) fits a preset: 0 when it is not that shape at all, else more
/// for more of the preset's keys present with the right types.
pub type Score = fn(&Value) -> u32;

/// What a preset file provides: its field paths, how to recognise it, and an optional fix-up
/// run after the generic conversion.
pub struct PresetSpec {
    pub paths: &'static [(Field, &'static str)],
    /// Paths only the fix-up reads (values whose type varies between producers, or that need
    /// translating, such as an error code); captured into the slots after the logical fields.
    pub extra: &'static [&'static str],
    /// The detection score of a record; presets whose required keys are missing score 0.
    pub score: Score,
    pub fixup: Option<Fixup>,
    /// Set for presets with several records per line; `paths`, `extra` and `fixup` are then
    /// unused.
    pub many: Option<ManyReader>,
}

/// Checks a `[fields]` table: every key a field of the native record, every value a JSON path.
pub fn validate_fields(
    fields: &std::collections::BTreeMap<String, String>,
) -> Result<(), crate::config::Invalid> {
    use crate::config::Invalid;
    for (key, json_path) in fields {
        if Field::parse(key).is_none() {
            return Err(Invalid::at(
                key,
                format!("[fields] unknown field `{key}` (expected one of the native record's fields, e.g. ts, status, latency_ms, model)"),
            ));
        }
        if let Err(why) = check_path(json_path) {
            return Err(Invalid::at(
                key,
                format!("[fields] {key} = \"{json_path}\" is not a JSON path: {why} (write keys with dots and indices in brackets, e.g. choices[0].message.content)"),
            ));
        }
    }
    Ok(())
}

/// Splits `a.b[0].c` into `["a", "b", "[0]", "c"]`.
/// Checks a `[fields]` path: dot-separated keys, each non-empty, optionally followed by array
/// indices in brackets (`timing.total_ms`, `choices[0].message`); `Err` says what is wrong.
pub fn check_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if key.is_empty() && rest.is_empty() {
            return Err("it has an empty key (two dots in a row, or a dot at an end)".into());
        }
        if key.contains(']') {
            return Err(format!("`{part}` has a `]` without its `[`"));
        }
        while !rest.is_empty() {
            let Some(close) = rest.find(']') else {
                return Err(format!("`{part}` has a `[` without its `]`"));
            };
            let index = &rest[1..close];
            if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "`[{index}]` is not an array index (a number such as [0])"
                ));
            }
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(format!("`{part}` has text after an index"));
            }
        }
    }
    Ok(())
}

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
    /// The presets a wrapper (cloudwatch) reads its unwrapped messages with.
    inner: Vec<Format>,
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
            inner: if kind == FormatKind::Cloudwatch {
                FormatKind::ALL
                    .into_iter()
                    .filter(|k| *k != FormatKind::Cloudwatch)
                    .map(|k| Format::new(k, overrides))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// The preset of an unwrapped message, by the same scores as file detection.
    pub(crate) fn inner_for(&self, message: &Value) -> Option<&Format> {
        let kind = best_kind(&[Some(message)], |k| k != FormatKind::Cloudwatch)?;
        self.inner.iter().find(|f| f.kind == kind)
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
        if self.kind == FormatKind::Cloudwatch {
            return cloudwatch::read(self, line, &mut sink);
        }
        // Model names are made consistent here, once for every preset but native (which is
        // logwarden's own shape and kept exactly as written).
        let native = self.kind == FormatKind::Native;
        let mut sink = |rec: &mut Record<'_>| {
            if !native {
                shorten_bedrock_model(rec);
            }
            sink(rec)
        };
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

/// The Bedrock model id inside a model name: an ARN (inference profile, provisioned throughput,
/// imported model) is cut to its last path segment, and LiteLLM's `bedrock/` route prefixes are
/// dropped, so the same model groups under one name whichever log it came from.
pub fn bedrock_model_id(model: &str) -> &str {
    let mut m = model;
    for prefix in ["bedrock/converse/", "bedrock/invoke/", "bedrock/"] {
        if let Some(rest) = m.strip_prefix(prefix) {
            m = rest;
            break;
        }
    }
    if m.starts_with("arn:aws") && m.contains(":bedrock:") {
        if let Some(slash) = m.rfind('/') {
            if slash + 1 < m.len() {
                return &m[slash + 1..];
            }
        }
    }
    if m.len() == model.len() {
        model
    } else {
        m
    }
}

/// Applies [`bedrock_model_id`] to a record's model.
fn shorten_bedrock_model(rec: &mut Record<'_>) {
    if let Some(model) = rec.dims[Dim::Model as usize] {
        if !model.is_escaped() {
            let raw = model.raw_text();
            let short = bedrock_model_id(raw);
            if short.len() != raw.len() {
                rec.dims[Dim::Model as usize] = Some(JsonStr::plain(short));
            }
        }
    }
}

/// Most records of a file that detection looks at.
pub const DETECT_SAMPLE: usize = 8;

/// The scores of every preset over a sample of parsed records (`None` for a line that is not
/// JSON), in `FormatKind::ALL` order.
pub fn scores(sample: &[Option<&Value>]) -> Vec<(FormatKind, u32)> {
    FormatKind::ALL
        .into_iter()
        .map(|k| {
            let score = k.spec().score;
            (k, sample.iter().flatten().map(|v| score(v)).sum())
        })
        .collect()
}

fn best_kind(
    sample: &[Option<&Value>],
    allowed: impl Fn(FormatKind) -> bool,
) -> Option<FormatKind> {
    let mut best: Option<(FormatKind, u32)> = None;
    for (k, s) in scores(sample) {
        if s > 0 && allowed(k) && best.is_none_or(|(_, b)| s > b) {
            best = Some((k, s));
        }
    }
    best.map(|(k, _)| k)
}

/// Picks the preset for a file from its first records (lines, without newline): every preset
/// scores each record by its required keys and their types, the highest total wins (an earlier
/// preset on a tie), and native when none scores. Key order never matters.
pub fn detect(lines: &[&[u8]]) -> FormatKind {
    let parsed: Vec<Option<Value>> = lines.iter().map(|l| sample_value(l)).collect();
    let refs: Vec<Option<&Value>> = parsed.iter().map(Option::as_ref).collect();
    detect_parsed(&refs)
}

/// [`detect`] over records already parsed (`None` for a line that is not JSON).
pub fn detect_parsed(sample: &[Option<&Value>]) -> FormatKind {
    best_kind(sample, |_| true).unwrap_or(FormatKind::Native)
}

/// A sample line as a tree: the JSON object, or for a CloudWatch Logs export line
/// (`2026-11-23T14:00:00.000Z {…}`) the event it stands for.
pub fn sample_value(line: &[u8]) -> Option<Value> {
    if let Ok(v) = serde_json::from_slice::<Value>(line) {
        return Some(v);
    }
    cloudwatch::prefixed_event(line)
}

/// What the preset readers' unit tests compare: the fields a record of each trace format fills.
#[cfg(test)]
pub(super) mod testing {
    use super::{Format, FormatKind};
    use crate::record::Dim;

    /// Model, time (µs), status, latency, tokens in, tokens out and cost of one record.
    pub type Row = (
        String,
        Option<i64>,
        Option<u16>,
        Option<f64>,
        Option<u64>,
        Option<u64>,
        f64,
    );

    /// The [`Row`]s `line` gives when read as `kind`.
    pub fn rows(kind: FormatKind, line: &str) -> Vec<Row> {
        let mut out = Vec::new();
        Format::new(kind, &[])
            .records(line.as_bytes(), |r| {
                out.push((
                    r.dim(Dim::Model)
                        .map(|m| m.get().into_owned())
                        .unwrap_or_default(),
                    r.ts.map(|t| t.0),
                    r.status,
                    r.latency_ms,
                    r.tokens_in,
                    r.tokens_out,
                    r.cost_usd,
                ))
            })
            .unwrap();
        out
    }
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
        for ok in ["a", "a.b[0].c", "x[1][2]", "timing.total_ms", "[0].a"] {
            assert_eq!(check_path(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "a..b", "a..b[x]", ".a", "a.", "a[", "a]", "a[x]", "a[]", "a[0]b",
        ] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
        assert_eq!(split_path("a.b[0].c"), vec!["a", "b", "[0]", "c"]);
        assert_eq!(split_path("x[1][2]"), vec!["x", "[1]", "[2]"]);
    }

    fn one(line: &[u8]) -> FormatKind {
        detect(&[line])
    }

    #[test]
    fn detects_presets() {
        assert_eq!(
            one(br#"{"id":"batch_req_1","custom_id":"c","response":{"status_code":200}}"#),
            FormatKind::OpenaiBatch
        );
        // Keys in any order; `custom_id` alone decides nothing.
        assert_eq!(
            one(br#"{"result":{"type":"succeeded","message":{}},"custom_id":"c"}"#),
            FormatKind::AnthropicBatch
        );
        assert_eq!(one(br#"{"ts":1}"#), FormatKind::Native);
        assert_eq!(one(b"garbage"), FormatKind::Native);
        assert_eq!(
            one(br#"{"schemaType":"ModelInvocationLog","modelId":"m"}"#),
            FormatKind::Bedrock
        );
        assert_eq!(
            one(br#"{"timestamp":"2026-11-23T00:00:00Z","requestId":"r","modelId":"m"}"#),
            FormatKind::Bedrock
        );
        // `modelId` alone is not enough: a native line may well carry one.
        assert_eq!(one(br#"{"ts":1,"modelId":"m"}"#), FormatKind::Native);
        for line in [
            &br#"{"startTime":1795442400.5,"response_cost":0.1}"#[..],
            br#"{"request_id":"r","startTime":"2026-11-23T00:00:00","spend":0}"#,
            br#"{"id":"r","startTime":1,"call_type":"acompletion"}"#,
            br#"{"start_time":"2026-11-23 00:00:00","end_time":"2026-11-23 00:00:01","response_cost":0.1,"model":"m"}"#,
        ] {
            assert_eq!(one(line), FormatKind::Litellm);
        }
        assert_eq!(one(br#"{"startTime":1}"#), FormatKind::Native);
        // `startTime` with an observation type is Langfuse, not LiteLLM.
        assert_eq!(
            one(br#"{"type":"GENERATION","startTime":"2026-11-23T00:00:00Z","model":"m","traceId":"t"}"#),
            FormatKind::Langfuse
        );
        assert_eq!(one(br#"{"resourceSpans":[]}"#), FormatKind::Otel);
        assert_eq!(one(br#"{"resource":{},"scopeSpans":[]}"#), FormatKind::Otel);
        assert_eq!(
            one(br#"{"@timestamp":"2026-11-23 00:00:00.000","@message":"{\"modelId\":\"m\"}"}"#),
            FormatKind::Cloudwatch
        );
        assert_eq!(
            one(br#"{"results":[[{"field":"@message","value":"{}"}]],"status":"Complete"}"#),
            FormatKind::Cloudwatch
        );
        assert_eq!(
            one(br#"{"info":{"trace_id":"tr-1"},"data":{"spans":[]}}"#),
            FormatKind::Mlflow
        );
        assert_eq!(
            one(br#"{"time":"2026-11-23T00:00:00Z","resourceId":"/X","category":"RequestResponse","resultSignature":"200"}"#),
            FormatKind::AzureOpenai
        );
    }

    #[test]
    fn bedrock_ids_shorten() {
        for (given, want) in [
            ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0", "us.anthropic.claude-3-haiku-20240307-v1:0"),
            ("bedrock/arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-1-8b-instruct-v1:0", "meta.llama3-1-8b-instruct-v1:0"),
            ("bedrock/converse/anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"),
            ("anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"),
            ("gpt-4o", "gpt-4o"),
            ("arn:aws:iam::1:role/x", "arn:aws:iam::1:role/x"),
        ] {
            assert_eq!(bedrock_model_id(given), want);
        }
    }

    #[test]
    fn names_round_trip_and_extras_fit() {
        for kind in FormatKind::ALL {
            assert_eq!(FormatKind::parse(kind.name()), Some(kind));
            let spec = kind.spec();
            assert!(spec.extra.len() <= MAX_EXTRA, "{}", kind.name());
            // A preset has a path table or a reader of its own, not both.
            assert!(spec.many.is_none() || (spec.paths.is_empty() && spec.fixup.is_none()));
            // No preset claims an empty object.
            assert_eq!((spec.score)(&serde_json::json!({})), 0, "{}", kind.name());
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
