//! Format presets: each maps a log shape onto the logical fields of the native record. A preset
//! is a table of JSON paths (one small file each) plus an optional fix-up for derived fields.

mod native;
mod openai_batch;

use super::json::{scan_object, JsonError, Kind, PathTrie, RawValue};
use super::time::{from_epoch, from_epoch_int, parse_rfc3339};
use super::{CostSource, Dim, ErrorInfo, JsonStr, Record};
use std::fmt;

/// The logical fields a preset can map, as named in `[fields]` of the config.
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
}

impl FormatKind {
    /// Every preset, in the order auto-detection tries them.
    pub const ALL: [FormatKind; 2] = [FormatKind::OpenaiBatch, FormatKind::Native];

    pub fn name(self) -> &'static str {
        match self {
            FormatKind::Native => "native",
            FormatKind::OpenaiBatch => "openai-batch",
        }
    }

    pub fn parse(s: &str) -> Option<FormatKind> {
        FormatKind::ALL.into_iter().find(|k| k.name() == s)
    }

    fn spec(self) -> &'static PresetSpec {
        match self {
            FormatKind::Native => &native::SPEC,
            FormatKind::OpenaiBatch => &openai_batch::SPEC,
        }
    }
}

/// A preset's fix-up of derived fields, run after the generic conversion of the captured slots.
pub type Fixup = fn(&[Option<RawValue<'_>>], &mut Record<'_>);

/// What a preset file provides: its field paths, the top-level keys that identify it, and an
/// optional fix-up run after the generic conversion.
pub struct PresetSpec {
    pub paths: &'static [(Field, &'static str)],
    /// Top-level keys that must all be present for auto-detection to pick this preset.
    pub signature: &'static [&'static str],
    pub fixup: Option<Fixup>,
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
    fixup: Option<Fixup>,
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
        Format {
            kind,
            trie,
            fixup: spec.fixup,
        }
    }

    pub fn kind(&self) -> FormatKind {
        self.kind
    }

    /// Parses one line (without its newline) into a record. A line that parses, or fails only
    /// with `WrongType`, is valid UTF-8 as a whole.
    pub fn parse<'a>(&self, line: &'a [u8]) -> Result<Record<'a>, LineError> {
        let mut slots: [Option<RawValue<'a>>; SLOTS] = [None; SLOTS];
        scan_object(line, &self.trie, &mut slots).map_err(LineError::Json)?;
        let mut rec = convert(&slots)?;
        if let Some(fix) = self.fixup {
            fix(&slots, &mut rec);
        }
        Ok(rec)
    }
}

/// Picks the preset for a file from its first record: the first whose signature keys are all
/// present at the top level, else native.
pub fn detect(first_line: &[u8]) -> FormatKind {
    let mut trie = PathTrie::new();
    let mut keys: Vec<&str> = Vec::new();
    for kind in FormatKind::ALL {
        for key in kind.spec().signature {
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
    for kind in FormatKind::ALL {
        let sig = kind.spec().signature;
        if !sig.is_empty()
            && sig.iter().all(|k| {
                let i = keys.iter().position(|x| x == k).unwrap_or(usize::MAX);
                slots.get(i).is_some_and(|s| s.is_some())
            })
        {
            return kind;
        }
    }
    FormatKind::Native
}

fn non_null<'a>(v: Option<RawValue<'a>>) -> Option<RawValue<'a>> {
    v.filter(|v| v.kind != Kind::Null)
}

/// A number, or a string holding one (lenient, as DuckDB's casts are).
pub fn as_f64(v: RawValue<'_>, field: &'static str) -> Result<f64, LineError> {
    let text = match v.kind {
        Kind::Number => v.text,
        Kind::String if !v.escaped => v.text.trim(),
        _ => return Err(LineError::WrongType(field)),
    };
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(LineError::WrongType(field)),
    }
}

fn as_u64(v: RawValue<'_>, field: &'static str) -> Result<u64, LineError> {
    let x = as_f64(v, field)?;
    if x < 0.0 || x.fract() != 0.0 || x > 9.0e15 {
        return Err(LineError::WrongType(field));
    }
    Ok(x as u64)
}

/// A string field; numbers and booleans are taken as their text (ids are often numeric).
fn as_text<'a>(v: RawValue<'a>, field: &'static str) -> Result<JsonStr<'a>, LineError> {
    match v.kind {
        Kind::String => Ok(JsonStr::raw(v.text, v.escaped)),
        Kind::Number | Kind::Bool => Ok(JsonStr::plain(v.text)),
        _ => Err(LineError::WrongType(field)),
    }
}

/// A timestamp: RFC 3339 string, epoch number, or a string holding an epoch number.
pub fn as_ts(v: RawValue<'_>, field: &'static str) -> Result<i64, LineError> {
    match v.kind {
        Kind::Number => match v.text.parse::<i64>() {
            Ok(i) => Ok(from_epoch_int(i)),
            Err(_) => as_f64(v, field)
                .ok()
                .and_then(from_epoch)
                .ok_or(LineError::WrongType(field)),
        },
        Kind::String if !v.escaped => {
            let t = v.text.trim();
            if let Some(ts) = parse_rfc3339(t) {
                Ok(ts)
            } else if let Ok(i) = t.parse::<i64>() {
                Ok(from_epoch_int(i))
            } else {
                Err(LineError::WrongType(field))
            }
        }
        Kind::String => parse_rfc3339(&super::unescape(v.text)).ok_or(LineError::WrongType(field)),
        _ => Err(LineError::WrongType(field)),
    }
}

fn status(v: RawValue<'_>) -> Result<u16, LineError> {
    let x = as_f64(v, "status")?;
    if x.fract() != 0.0 || !(0.0..=999.0).contains(&x) {
        return Err(LineError::WrongType("status"));
    }
    Ok(x as u16)
}

/// The generic, type-checked conversion of captured slots into a record.
fn convert<'a>(s: &[Option<RawValue<'a>>; SLOTS]) -> Result<Record<'a>, LineError> {
    let get = |f: Field| non_null(s[f.slot()]);
    let mut rec = Record::default();
    if let Some(v) = get(Field::Ts) {
        rec.ts = Some(as_ts(v, "ts")?);
    }
    if let Some(v) = get(Field::RequestId) {
        rec.request_id = Some(as_text(v, "request_id")?);
    }
    if let Some(v) = get(Field::Status) {
        rec.status = Some(status(v)?);
    }
    if let Some(v) = get(Field::LatencyMs) {
        rec.latency_ms = Some(as_f64(v, "latency_ms")?);
    }
    for (dim, field) in [
        (Dim::Model, Field::Model),
        (Dim::Version, Field::Version),
        (Dim::Endpoint, Field::Endpoint),
        (Dim::Stage, Field::Stage),
        (Dim::Tenant, Field::Tenant),
        (Dim::UserId, Field::UserId),
    ] {
        if let Some(v) = get(field) {
            rec.dims[dim as usize] = Some(as_text(v, field.name())?);
        }
    }
    if let Some(v) = get(Field::TokensIn) {
        rec.tokens_in = Some(as_u64(v, "tokens_in")?);
    }
    if let Some(v) = get(Field::TokensOut) {
        rec.tokens_out = Some(as_u64(v, "tokens_out")?);
    }
    if let Some(v) = get(Field::CostUsd) {
        rec.cost_usd = as_f64(v, "cost_usd")?;
        rec.cost_source = CostSource::Logged;
    }
    if let Some(v) = get(Field::Confidence) {
        rec.confidence = Some(as_f64(v, "confidence")?);
    }
    if let Some(v) = get(Field::Rating) {
        rec.rating = Some(as_f64(v, "feedback.rating")?);
    }
    if let Some(v) = get(Field::Comment) {
        rec.comment = Some(as_text(v, "feedback.comment")?);
    }
    if let Some(v) = get(Field::Prompt) {
        rec.prompt = Some(string_only(v, "prompt")?);
    }
    if let Some(v) = get(Field::Response) {
        rec.response = Some(string_only(v, "response")?);
    }
    if let Some(v) = get(Field::Error) {
        rec.error = Some(match v.kind {
            Kind::Object => ErrorInfo {
                kind: get(Field::ErrorType)
                    .map(|v| as_text(v, "error.type"))
                    .transpose()?,
                message: get(Field::ErrorMessage)
                    .map(|v| as_text(v, "error.message"))
                    .transpose()?,
            },
            Kind::String => ErrorInfo {
                kind: None,
                message: Some(JsonStr::raw(v.text, v.escaped)),
            },
            Kind::Bool if v.text == "false" => return Ok(finish_times(s, rec)),
            _ => return Err(LineError::WrongType("error")),
        });
    }
    if let Some(v) = get(Field::Metadata) {
        rec.metadata = Some(v.text);
    }
    Ok(finish_times(s, rec))
}

/// Derives latency from start/end times when the preset maps them and no latency was given.
fn finish_times<'a>(s: &[Option<RawValue<'a>>; SLOTS], mut rec: Record<'a>) -> Record<'a> {
    let start = non_null(s[Field::StartTime.slot()]).and_then(|v| as_ts(v, "start_time").ok());
    let end = non_null(s[Field::EndTime.slot()]).and_then(|v| as_ts(v, "end_time").ok());
    if let (Some(a), Some(b)) = (start, end) {
        if rec.latency_ms.is_none() && b >= a {
            rec.latency_ms = Some((b - a) as f64 / 1000.0);
        }
        if rec.ts.is_none() {
            rec.ts = Some(a);
        }
    }
    rec
}

fn string_only<'a>(v: RawValue<'a>, field: &'static str) -> Result<JsonStr<'a>, LineError> {
    match v.kind {
        Kind::String => Ok(JsonStr::raw(v.text, v.escaped)),
        _ => Err(LineError::WrongType(field)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
