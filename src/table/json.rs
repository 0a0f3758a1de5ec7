//! JSON output of query results with the number format of every logwarden table: plain
//! decimals (never an exponent), RFC 3339 UTC timestamps, null for a non-finite float.

use crate::record::time::{civil_from_days, Micros};
use polars::prelude::*;
use std::io::Write;

/// Writes `df` as one JSON array of row objects, or (`lines`) one object per line.
pub fn write_json<W: Write>(df: &DataFrame, lines: bool, mut out: W) -> PolarsResult<()> {
    let columns: Vec<Series> = df
        .columns()
        .iter()
        .map(|c| c.as_materialized_series().rechunk())
        .collect();
    let keys: Vec<String> = columns.iter().map(|s| json_string(s.name())).collect();
    let mut row = Vec::with_capacity(256);
    if !lines {
        out.write_all(b"[")?;
    }
    for i in 0..df.height() {
        row.clear();
        if !lines && i > 0 {
            row.push(b',');
        }
        row.push(b'{');
        for (j, (key, s)) in keys.iter().zip(&columns).enumerate() {
            if j > 0 {
                row.push(b',');
            }
            row.extend_from_slice(key.as_bytes());
            row.push(b':');
            write_value(&mut row, &s.get(i)?);
        }
        row.push(b'}');
        if lines {
            row.push(b'\n');
        }
        out.write_all(&row)?;
    }
    if !lines {
        out.write_all(b"]\n")?;
    }
    out.flush()?;
    Ok(())
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn write_float(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        // Rust's shortest round-trip form never uses an exponent; a whole number keeps no ".0".
        let _ = write!(out, "{x}");
    } else {
        out.extend_from_slice(b"null");
    }
}

fn micros(v: i64, unit: TimeUnit) -> Micros {
    Micros(match unit {
        TimeUnit::Nanoseconds => v.div_euclid(1000),
        TimeUnit::Microseconds => v,
        TimeUnit::Milliseconds => v.saturating_mul(1000),
    })
}

/// Appends one value as JSON.
fn write_value(out: &mut Vec<u8>, v: &AnyValue<'_>) {
    let text = |out: &mut Vec<u8>, s: &str| out.extend_from_slice(json_string(s).as_bytes());
    match v {
        AnyValue::Null => out.extend_from_slice(b"null"),
        AnyValue::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        AnyValue::String(s) => text(out, s),
        AnyValue::StringOwned(s) => text(out, s),
        AnyValue::UInt8(n) => write_int(out, *n),
        AnyValue::UInt16(n) => write_int(out, *n),
        AnyValue::UInt32(n) => write_int(out, *n),
        AnyValue::UInt64(n) => write_int(out, *n),
        AnyValue::Int8(n) => write_int(out, *n),
        AnyValue::Int16(n) => write_int(out, *n),
        AnyValue::Int32(n) => write_int(out, *n),
        AnyValue::Int64(n) => write_int(out, *n),
        AnyValue::Float32(x) => write_float(out, f64::from(*x)),
        AnyValue::Float64(x) => write_float(out, *x),
        AnyValue::Date(days) => {
            let (y, m, d) = civil_from_days(i64::from(*days));
            text(out, &format!("{y:04}-{m:02}-{d:02}"));
        }
        AnyValue::Datetime(t, unit, _) => text(out, &micros(*t, *unit).rfc3339()),
        AnyValue::DatetimeOwned(t, unit, _) => text(out, &micros(*t, *unit).rfc3339()),
        AnyValue::List(s) | AnyValue::Array(s, _) => {
            out.push(b'[');
            for (k, item) in s.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                write_value(out, &item);
            }
            out.push(b']');
        }
        AnyValue::Struct(_, _, fields) => {
            out.push(b'{');
            for (k, (field, item)) in fields.iter().zip(v._iter_struct_av()).enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(json_string(field.name()).as_bytes());
                out.push(b':');
                write_value(out, &item);
            }
            out.push(b'}');
        }
        // Categoricals, durations, times, decimals, …: their display text.
        other => text(out, &other.to_string()),
    }
}

fn write_int(out: &mut Vec<u8>, n: impl std::fmt::Display) {
    let _ = write!(out, "{n}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_timestamps_and_nesting() {
        let ts = Int64Chunked::from_vec("ts".into(), vec![1_795_000_000_310_000, 0])
            .into_datetime(TimeUnit::Microseconds, None);
        let list = Series::new("l".into(), [1i64, 2]).implode().unwrap();
        let list = list
            .into_series()
            .extend_constant(AnyValue::Null, 1)
            .unwrap();
        let df = DataFrame::new(
            2,
            vec![
                ts.into_series().into_column(),
                Column::new("x".into(), [8.75e-10, f64::NAN]),
                Column::new("n".into(), [Some(2i64), None]),
                Column::new("s".into(), ["a\"b", "é"]),
                list.into_column(),
            ],
        )
        .unwrap();
        let mut out = Vec::new();
        write_json(&df, true, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"ts\":\"2026-11-18T11:06:40.310Z\",\"x\":0.000000000875,\"n\":2,\"s\":\"a\\\"b\",\"l\":[1,2]}\n\
             {\"ts\":\"1970-01-01T00:00:00Z\",\"x\":null,\"n\":null,\"s\":\"é\",\"l\":null}\n"
        );
        let mut out = Vec::new();
        write_json(&df, false, &mut out).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(parsed.as_array().unwrap().len(), 2);
        let mut out = Vec::new();
        write_json(&df.head(Some(0)), false, &mut out).unwrap();
        assert_eq!(out, b"[]\n");
    }
}
