//! The generic, type-checked conversion of captured JSON values into a record, and the small
//! typed readers (numbers, timestamps, text) that preset fix-ups share.

use super::{Field, LineError, SLOTS};
use crate::record::json::{Kind, RawValue};
use crate::record::time::{from_epoch, from_epoch_int, parse_rfc3339, Micros};
use crate::record::{unescape, CostSource, Dim, ErrorInfo, JsonStr, Record};

/// A captured value, unless it is absent or JSON `null`.
#[inline]
pub(super) fn non_null(v: Option<RawValue<'_>>) -> Option<RawValue<'_>> {
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
pub(super) fn as_text<'a>(v: RawValue<'a>, field: &'static str) -> Result<JsonStr<'a>, LineError> {
    match v.kind {
        Kind::String => Ok(JsonStr::raw(v.text, v.escaped)),
        Kind::Number | Kind::Bool => Ok(JsonStr::plain(v.text)),
        _ => Err(LineError::WrongType(field)),
    }
}

/// A timestamp: RFC 3339 string, epoch number, or a string holding an epoch number.
pub fn as_ts(v: RawValue<'_>, field: &'static str) -> Result<Micros, LineError> {
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
        Kind::String => parse_rfc3339(&unescape(v.text)).ok_or(LineError::WrongType(field)),
        _ => Err(LineError::WrongType(field)),
    }
}

/// An HTTP status: an integer 0–999, or a string holding one.
pub(super) fn as_status(v: RawValue<'_>, field: &'static str) -> Result<u16, LineError> {
    let x = as_f64(v, field)?;
    if x.fract() != 0.0 || !(0.0..=999.0).contains(&x) {
        return Err(LineError::WrongType(field));
    }
    Ok(x as u16)
}

/// HTTP statuses of the exception classes of the OpenAI and Anthropic SDKs (which LiteLLM
/// reuses), by definition of those classes; a timeout counts as a gateway timeout.
const ERROR_CLASS_STATUS: &[(&str, u16)] = &[
    ("BadRequestError", 400),
    ("AuthenticationError", 401),
    ("PermissionDeniedError", 403),
    ("NotFoundError", 404),
    ("ConflictError", 409),
    ("UnprocessableEntityError", 422),
    ("RateLimitError", 429),
    ("InternalServerError", 500),
    ("ServiceUnavailableError", 503),
    ("APITimeoutError", 504),
    ("Timeout", 504),
    ("timeout", 504),
    ("OverloadedError", 529),
];

/// The HTTP status an error type stands for: a status code written as text (`"429"`), or a
/// known SDK exception class, qualified or not (`openai.RateLimitError`).
pub(super) fn error_class_status(error_type: &str) -> Option<u16> {
    let name = error_type.trim();
    if let Ok(code) = name.parse::<u16>() {
        return (400..=599).contains(&code).then_some(code);
    }
    let class = name.rsplit(['.', ':']).next().unwrap_or(name);
    ERROR_CLASS_STATUS
        .iter()
        .find(|(known, _)| *known == class)
        .map(|(_, status)| *status)
}

/// The first of `values` that is a non-empty JSON string. Fix-ups use it for optional text
/// whose shape varies between producers (a string in one, an array of blocks in another):
/// other kinds are passed over rather than rejected, since the line itself is well-formed.
pub(super) fn first_string<'a>(values: &[Option<RawValue<'a>>]) -> Option<JsonStr<'a>> {
    values.iter().find_map(|v| match v {
        Some(v) if v.kind == Kind::String && !v.text.is_empty() => {
            Some(JsonStr::raw(v.text, v.escaped))
        }
        _ => None,
    })
}

/// The generic, type-checked conversion of the logical-field slots (the first `SLOTS` of `s`)
/// into a record; any extra slots belong to the preset's fix-up.
#[inline]
pub(super) fn convert<'a, const N: usize>(
    s: &[Option<RawValue<'a>>; N],
) -> Result<Record<'a>, LineError> {
    const { assert!(N >= SLOTS) };
    let get = |f: Field| non_null(s[f.slot()]);
    let mut rec = Record::default();
    if let Some(v) = get(Field::Ts) {
        rec.ts = Some(as_ts(v, "ts")?);
    }
    if let Some(v) = get(Field::RequestId) {
        rec.request_id = Some(as_text(v, "request_id")?);
    }
    if let Some(v) = get(Field::Status) {
        rec.status = Some(as_status(v, "status")?);
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
#[inline]
fn finish_times<'a, const N: usize>(
    s: &[Option<RawValue<'a>>; N],
    mut rec: Record<'a>,
) -> Record<'a> {
    let start = non_null(s[Field::StartTime.slot()]).and_then(|v| as_ts(v, "start_time").ok());
    let end = non_null(s[Field::EndTime.slot()]).and_then(|v| as_ts(v, "end_time").ok());
    if let Some(a) = start {
        if rec.ts.is_none() {
            rec.ts = Some(a);
        }
        if let Some(b) = end {
            if rec.latency_ms.is_none() && b >= a {
                rec.latency_ms = Some(b.ms_since(a));
            }
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
