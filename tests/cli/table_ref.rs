//! An independent reference for the requests-table tests: JSONL read with serde_json into plain
//! structs, exact percentiles by hand, and a row-by-row comparison of a CSV result.

use crate::util::csv_rows;
use logwarden::record::time::{from_epoch, from_epoch_int, parse_rfc3339};
use serde_json::Value;

/// One native record, as the tests need it.
#[derive(Debug, Clone, Default)]
pub struct Req {
    /// 1-based line in the file.
    pub line: i64,
    pub ts: Option<i64>,
    pub request_id: Option<String>,
    pub status: Option<i64>,
    pub latency: Option<f64>,
    pub model: Option<String>,
    pub version: Option<String>,
    pub endpoint: Option<String>,
    pub stage: Option<String>,
    pub tenant: Option<String>,
    pub user_id: Option<String>,
    pub tokens_in: Option<i64>,
    pub tokens_out: Option<i64>,
    pub cost: Option<f64>,
    pub confidence: Option<f64>,
    pub rating: Option<f64>,
    pub error_type: Option<String>,
}

impl Req {
    /// UTC day number (days since 1970-01-01).
    pub fn day(&self) -> Option<i64> {
        self.ts.map(|t| t.div_euclid(86_400_000_000))
    }

    pub fn is_success(&self) -> bool {
        matches!(self.status, Some(200..=299))
    }
}

/// Reads a native-format JSONL file (every line a valid record, as `gen` writes them).
pub fn load(path: &str) -> Vec<Req> {
    let text = std::fs::read_to_string(path).unwrap();
    let text_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(String::from);
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let v: Value = serde_json::from_str(l).unwrap();
            let ts = match v.get("ts") {
                Some(Value::String(s)) => parse_rfc3339(s),
                Some(Value::Number(n)) => n
                    .as_i64()
                    .map(from_epoch_int)
                    .or_else(|| n.as_f64().and_then(from_epoch)),
                _ => None,
            }
            .map(|t| t.0);
            Req {
                line: i as i64 + 1,
                ts,
                request_id: text_of(&v, "request_id"),
                status: v.get("status").and_then(Value::as_i64),
                latency: v.get("latency_ms").and_then(Value::as_f64),
                model: text_of(&v, "model"),
                version: text_of(&v, "version"),
                endpoint: text_of(&v, "endpoint"),
                stage: text_of(&v, "stage"),
                tenant: text_of(&v, "tenant"),
                user_id: text_of(&v, "user_id"),
                tokens_in: v.get("tokens_in").and_then(Value::as_i64),
                tokens_out: v.get("tokens_out").and_then(Value::as_i64),
                cost: v.get("cost_usd").and_then(Value::as_f64),
                confidence: v.get("confidence").and_then(Value::as_f64),
                rating: v.pointer("/feedback/rating").and_then(Value::as_f64),
                error_type: v
                    .pointer("/error/type")
                    .and_then(Value::as_str)
                    .map(String::from),
            }
        })
        .collect()
}

/// Exact quantile with linear interpolation between closest ranks (numpy's default).
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    Some(v[lo] + (h - lo as f64) * (v[hi] - v[lo]))
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// `YYYY-MM-DD` of a day number.
pub fn date_label(day: i64) -> String {
    let (y, m, d) = logwarden::record::time::civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// An expected cell.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    S(String),
    I(i64),
    F(f64),
    /// A timestamp (epoch µs), compared after parsing the cell as RFC 3339.
    Ts(i64),
    Null,
}

impl From<&str> for V {
    fn from(s: &str) -> V {
        V::S(s.to_string())
    }
}

impl From<Option<String>> for V {
    fn from(s: Option<String>) -> V {
        s.map_or(V::Null, V::S)
    }
}

impl From<i64> for V {
    fn from(n: i64) -> V {
        V::I(n)
    }
}

impl From<f64> for V {
    fn from(x: f64) -> V {
        V::F(x)
    }
}

impl From<Option<f64>> for V {
    fn from(x: Option<f64>) -> V {
        x.map_or(V::Null, V::F)
    }
}

/// Asserts that the CSV `text` has exactly the rows `want` in the columns `cols`.
pub fn assert_rows(text: &str, cols: &[&str], want: &[Vec<V>]) {
    let rows = csv_rows(text);
    assert_eq!(rows.len(), want.len(), "row count; output:\n{text}");
    for (i, (row, expected)) in rows.iter().zip(want).enumerate() {
        for (col, exp) in cols.iter().zip(expected) {
            let cell = row
                .get(*col)
                .unwrap_or_else(|| panic!("no column {col} in:\n{text}"));
            let ok = match exp {
                V::S(s) => cell == s,
                V::I(n) => cell.parse::<i64>().ok() == Some(*n),
                V::F(x) => cell
                    .parse::<f64>()
                    .is_ok_and(|got| (got - x).abs() <= 1e-9 * x.abs().max(1.0)),
                V::Ts(t) => parse_rfc3339(cell).map(|c| c.0) == Some(*t),
                V::Null => cell.is_empty(),
            };
            assert!(ok, "row {i}, column {col}: got {cell:?}, want {exp:?}");
        }
    }
}
