//! Typed readers over a parsed JSON tree, for the presets whose shapes nest records or vary too
//! much for a path table (trace exports, wrapped log events): paths, text, numbers, times.

use super::{split_path, Field, LineError};
use crate::record::json::{scan_object, PathTrie};
use crate::record::time::{from_epoch, from_epoch_int, parse_rfc3339, Micros};
use crate::record::{CostSource, Dim, JsonStr, Record};
use serde_json::Value;

/// Parses a line into a tree after the scanner has validated it, so a malformed line is
/// classified (invalid JSON, not an object, bad UTF-8) exactly as for the table presets.
pub(super) fn parse_line(line: &[u8], field: &'static str) -> Result<Value, LineError> {
    scan_object(line, &PathTrie::new(), &mut []).map_err(LineError::Json)?;
    // Valid JSON that serde still refuses (a lone surrogate escape, nesting past 128 levels)
    // cannot be one of these documents.
    serde_json::from_slice(line).map_err(|_| LineError::WrongType(field))
}

/// The value at a dotted path with `[i]` indices (`response.body.output[0].content`).
pub fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = v;
    for seg in split_path(path) {
        cur = match seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(i) => cur.get(i.parse::<usize>().ok()?)?,
            None => cur.get(seg.as_str())?,
        };
    }
    Some(cur).filter(|v| !v.is_null())
}

/// The first of `paths` that holds a value.
pub(super) fn first<'v>(v: &'v Value, paths: &[&str]) -> Option<&'v Value> {
    paths.iter().find_map(|p| at(v, p))
}

/// A non-empty string value.
pub(super) fn text(v: Option<&Value>) -> Option<JsonStr<'_>> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(JsonStr::plain)
}

/// The first non-empty string among `paths`.
pub(super) fn first_text<'v>(v: &'v Value, paths: &[&str]) -> Option<JsonStr<'v>> {
    paths.iter().find_map(|p| text(at(v, p)))
}

/// A finite number, or a string holding one.
pub(super) fn number(v: Option<&Value>) -> Option<f64> {
    let x = match v? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    x.is_finite().then_some(x)
}

/// The first number among `paths`.
pub(super) fn first_number(v: &Value, paths: &[&str]) -> Option<f64> {
    paths.iter().find_map(|p| number(at(v, p)))
}

/// A token count: a non-negative whole number (or a string holding one).
pub(super) fn count(v: Option<&Value>) -> Option<u64> {
    number(v)
        .filter(|x| *x >= 0.0 && x.fract() == 0.0 && *x <= 9.0e15)
        .map(|x| x as u64)
}

/// The first count among `paths`.
pub(super) fn first_count(v: &Value, paths: &[&str]) -> Option<u64> {
    paths.iter().find_map(|p| count(at(v, p)))
}

/// A time: an RFC 3339 string, or an epoch number (or numeric string) read by magnitude.
/// `Err` for a value that is present but is no time at all.
pub(super) fn time(v: Option<&Value>, field: &'static str) -> Result<Option<Micros>, LineError> {
    let Some(v) = v else { return Ok(None) };
    let parsed = match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Some(from_epoch_int(i)),
            None => n.as_f64().and_then(from_epoch),
        },
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => parse_rfc3339(s).or_else(|| {
            let t = s.trim();
            t.parse::<i64>()
                .ok()
                .map(from_epoch_int)
                .or_else(|| t.parse::<f64>().ok().and_then(from_epoch))
        }),
        _ => None,
    };
    parsed.map(Some).ok_or(LineError::WrongType(field))
}

/// Latency between two times (microseconds), when the end is not before the start.
pub(super) fn span_ms(start: Option<Micros>, end: Option<Micros>) -> Option<f64> {
    match (start, end) {
        (Some(a), Some(b)) if b >= a => Some(b.ms_since(a)),
        _ => None,
    }
}

/// Sets the logged cost of a record.
pub(super) fn set_cost(rec: &mut Record<'_>, cost: Option<f64>) {
    if let Some(c) = cost {
        rec.cost_usd = c;
        rec.cost_source = CostSource::Logged;
    }
}

/// How many of `keys` an object has (for detection scores).
pub(super) fn has_keys(v: &Value, keys: &[&str]) -> u32 {
    keys.iter().filter(|k| at(v, k).is_some()).count() as u32
}

/// `[fields]` entries of a tree preset: each names a path in the record's own object, whose
/// value replaces the field.
pub(super) fn apply_overrides<'v>(
    rec: &mut Record<'v>,
    root: &'v Value,
    overrides: &[(Field, String)],
) -> Result<(), LineError> {
    for (field, path) in overrides {
        let Some(v) = at(root, path) else { continue };
        let dim = match field {
            Field::Model => Some(Dim::Model),
            Field::Version => Some(Dim::Version),
            Field::Endpoint => Some(Dim::Endpoint),
            Field::Stage => Some(Dim::Stage),
            Field::Tenant => Some(Dim::Tenant),
            Field::UserId => Some(Dim::UserId),
            _ => None,
        };
        if let Some(d) = dim {
            rec.dims[d as usize] = text(Some(v)).or(rec.dims[d as usize]);
            continue;
        }
        let name = field.name();
        let num = || number(Some(v)).ok_or(LineError::WrongType(name));
        match field {
            Field::Ts => rec.ts = time(Some(v), "ts")?.or(rec.ts),
            Field::RequestId => rec.request_id = text(Some(v)).or(rec.request_id),
            Field::Status => {
                let s = num()?;
                if s.fract() != 0.0 || !(0.0..=999.0).contains(&s) {
                    return Err(LineError::WrongType(name));
                }
                rec.status = Some(s as u16);
            }
            Field::LatencyMs => rec.latency_ms = Some(num()?),
            Field::TokensIn => {
                rec.tokens_in = Some(count(Some(v)).ok_or(LineError::WrongType(name))?)
            }
            Field::TokensOut => {
                rec.tokens_out = Some(count(Some(v)).ok_or(LineError::WrongType(name))?)
            }
            Field::CostUsd => set_cost(rec, Some(num()?)),
            Field::Confidence => rec.confidence = Some(num()?),
            Field::Rating => rec.rating = Some(num()?),
            Field::Comment => rec.comment = text(Some(v)).or(rec.comment),
            Field::Prompt => rec.prompt = text(Some(v)).or(rec.prompt),
            Field::Response => rec.response = text(Some(v)).or(rec.response),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_times_and_counts() {
        let v = json!({"a": {"b": [{"c": "x"}, {"c": 5}]}, "t": "2026-11-23T14:00:00.1234567Z", "n": null});
        assert_eq!(at(&v, "a.b[1].c"), Some(&json!(5)));
        assert_eq!(at(&v, "n"), None);
        assert_eq!(text(at(&v, "a.b[0].c")).unwrap().get(), "x");
        assert_eq!(count(at(&v, "a.b[1].c")), Some(5));
        assert_eq!(
            time(at(&v, "t"), "ts").unwrap(),
            Some(Micros(1_795_442_400_123_456))
        );
        assert_eq!(
            time(Some(&json!(1795442400)), "ts").unwrap(),
            Some(Micros::from_secs(1_795_442_400))
        );
        assert_eq!(
            time(Some(&json!("soon")), "ts"),
            Err(LineError::WrongType("ts"))
        );
        assert_eq!(count(Some(&json!(-1))), None);
    }
}
