//! The normalized requests table: one row per request, built by a fold over records into
//! per-chunk column builders and turned into a polars DataFrame for SQL (`query`) and `export`.

mod columns;
pub mod export;
pub mod sql;
pub mod write;

use crate::analysis::reasons::{FailureRules, Reasons};
use crate::analysis::{Analysis, Line};
use crate::record::{CostSource, Dim, Location, Record};
use columns::{concat_codes, Dictionary, Nullable, Strings, NULL_CODE};
use polars::prelude::*;
use std::sync::Arc;

/// The columns of the table, in order, with their types and meaning (shown in the README).
pub const COLUMNS: [(&str, &str, &str); 23] = [
    (
        "ts",
        "timestamp (µs)",
        "request time, UTC (stored without a zone: UTC wall-clock time)",
    ),
    ("request_id", "string", ""),
    ("status", "int32", "HTTP status"),
    ("latency_ms", "float64", ""),
    ("model", "categorical", ""),
    ("version", "categorical", "deployed release"),
    ("endpoint", "categorical", ""),
    ("stage", "categorical", "rollout stage"),
    ("tenant", "categorical", ""),
    ("user_id", "categorical", ""),
    ("tokens_in", "int64", ""),
    ("tokens_out", "int64", ""),
    (
        "cost_usd",
        "float64",
        "logged or priced cost; null when unpriced",
    ),
    ("cost_source", "categorical", "logged, priced or unpriced"),
    ("confidence", "float64", ""),
    ("rating", "float64", "feedback rating"),
    ("success", "boolean", "2xx status"),
    (
        "reasons",
        "categorical",
        "low_confidence;negative_feedback;error, empty for none",
    ),
    ("error_type", "categorical", "error.type"),
    (
        "pii_types",
        "categorical",
        "PII types found in the line, ;-joined",
    ),
    ("file", "categorical", "input file"),
    ("line", "int64", "1-based line in the file"),
    ("date", "date", "UTC day of ts (the export's partition key)"),
];

/// Names of the categorical columns (cast to plain strings for SQL).
pub const CATEGORICAL_COLUMNS: [&str; 11] = [
    "model",
    "version",
    "endpoint",
    "stage",
    "tenant",
    "user_id",
    "cost_source",
    "reasons",
    "error_type",
    "pii_types",
    "file",
];

/// What every chunk of one table shares: the dictionary, file names, the failure rules, and
/// the codes of the fixed labels.
#[derive(Debug)]
pub struct TableContext {
    dict: Dictionary,
    files: Vec<u32>,
    rules: FailureRules,
    cost_sources: [u32; 3],
    reasons: [u32; Reasons::COMBINATIONS],
    no_pii: u32,
}

impl TableContext {
    /// A context for a scan of `files` (the sources' names, indexed by `Location::file`).
    pub fn new(files: &[String], rules: FailureRules) -> Arc<TableContext> {
        let dict = Dictionary::new();
        let cost_sources = [
            dict.code(cost_source_label(CostSource::Logged)),
            dict.code(cost_source_label(CostSource::Priced)),
            dict.code(cost_source_label(CostSource::Unpriced)),
        ];
        let reasons = std::array::from_fn(|i| dict.code(Reasons::from_index(i).label()));
        Arc::new(TableContext {
            files: files.iter().map(|f| dict.code(f)).collect(),
            no_pii: dict.code(""),
            dict,
            rules,
            cost_sources,
            reasons,
        })
    }
}

/// How a cost source is written in the table.
pub fn cost_source_label(s: CostSource) -> &'static str {
    match s {
        CostSource::Logged => "logged",
        CostSource::Priced => "priced",
        CostSource::Unpriced => "unpriced",
    }
}

/// The rows of one chunk (or, after merging, of consecutive chunks), column by column.
#[derive(Debug, Default)]
struct Part {
    ts: Nullable<i64>,
    request_id: Strings,
    status: Nullable<i32>,
    latency_ms: Nullable<f64>,
    dims: [Vec<u32>; 6],
    tokens_in: Nullable<i64>,
    tokens_out: Nullable<i64>,
    cost_usd: Nullable<f64>,
    cost_source: Vec<u32>,
    confidence: Nullable<f64>,
    rating: Nullable<f64>,
    success: Vec<bool>,
    reasons: Vec<u32>,
    error_type: Vec<u32>,
    pii_types: Vec<u32>,
    file: Vec<u32>,
    line: Vec<i64>,
}

/// The requests-table fold: `observe` appends a row per record, `merge` appends the later
/// chunk's rows, `finish` builds the DataFrame (rows in input order).
#[derive(Debug)]
pub struct RequestsTable {
    ctx: Arc<TableContext>,
    parts: Vec<Part>,
}

impl RequestsTable {
    pub fn new(ctx: &Arc<TableContext>) -> RequestsTable {
        RequestsTable {
            ctx: Arc::clone(ctx),
            parts: vec![Part::default()],
        }
    }

    /// Rows so far.
    pub fn len(&self) -> usize {
        self.parts.iter().map(|p| p.line.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hook for the PII audit: records the PII types found in `line` (`;`-joined names such as
    /// `EMAIL_ADDRESS;US_SSN`) on every row that came from that line. Call it while folding
    /// the same chunk, right after the line's records were observed (a line's rows are the
    /// last rows of the current part); rows of other lines are left alone. Until an audit
    /// calls it, `pii_types` is empty on every row.
    pub fn set_pii_types(&mut self, line: Location, types: &str) {
        let Some(part) = self.parts.last_mut() else {
            return;
        };
        let code = self.ctx.dict.code(types);
        let file_code = self.ctx.files.get(line.file as usize).copied();
        for i in (0..part.line.len()).rev() {
            if part.line[i] != line.line as i64 || Some(part.file[i]) != file_code {
                break;
            }
            part.pii_types[i] = code;
        }
    }

    /// Builds the DataFrame.
    pub fn into_frame(self) -> PolarsResult<DataFrame> {
        let ctx = self.ctx;
        let parts = self.parts;
        let height = parts.iter().map(|p| p.line.len()).sum::<usize>();
        let dict = &ctx.dict;
        let ts = Nullable::concat(parts.iter().map(|p| &p.ts));
        let date = ts_to_date(&ts);
        let mut cols: Vec<Column> = Vec::with_capacity(23);
        cols.push(
            ts.into_series("ts")
                .into_datetime(TimeUnit::Microseconds, None)
                .into_column(),
        );
        cols.push(Strings::concat_series("request_id", parts.iter().map(|p| &p.request_id)).into());
        cols.push(
            Nullable::concat(parts.iter().map(|p| &p.status))
                .into_series("status")
                .into(),
        );
        cols.push(
            Nullable::concat(parts.iter().map(|p| &p.latency_ms))
                .into_series("latency_ms")
                .into(),
        );
        for d in Dim::ALL {
            let codes = concat_codes(parts.iter().map(|p| &p.dims[d as usize]));
            cols.push(dict.series(d.name(), codes).into());
        }
        for (name, get) in [
            (
                "tokens_in",
                (|p: &Part| &p.tokens_in) as fn(&Part) -> &Nullable<i64>,
            ),
            ("tokens_out", |p: &Part| &p.tokens_out),
        ] {
            cols.push(
                Nullable::concat(parts.iter().map(get))
                    .into_series(name)
                    .into(),
            );
        }
        cols.push(
            Nullable::concat(parts.iter().map(|p| &p.cost_usd))
                .into_series("cost_usd")
                .into(),
        );
        cols.push(
            dict.series(
                "cost_source",
                concat_codes(parts.iter().map(|p| &p.cost_source)),
            )
            .into(),
        );
        cols.push(
            Nullable::concat(parts.iter().map(|p| &p.confidence))
                .into_series("confidence")
                .into(),
        );
        cols.push(
            Nullable::concat(parts.iter().map(|p| &p.rating))
                .into_series("rating")
                .into(),
        );
        let success: Vec<bool> = parts
            .iter()
            .flat_map(|p| p.success.iter().copied())
            .collect();
        cols.push(
            BooleanChunked::from_slice("success".into(), &success)
                .into_series()
                .into(),
        );
        drop(success);
        for (name, get) in [
            ("reasons", (|p: &Part| &p.reasons) as fn(&Part) -> &Vec<u32>),
            ("error_type", |p: &Part| &p.error_type),
            ("pii_types", |p: &Part| &p.pii_types),
            ("file", |p: &Part| &p.file),
        ] {
            cols.push(
                dict.series(name, concat_codes(parts.iter().map(get)))
                    .into(),
            );
        }
        let line: Vec<i64> = parts.iter().flat_map(|p| p.line.iter().copied()).collect();
        drop(parts);
        cols.push(
            Int64Chunked::from_vec("line".into(), line)
                .into_series()
                .into(),
        );
        cols.push(date.into_column());
        DataFrame::new(height, cols)
    }

    /// An empty table with the full schema, to check a query before scanning.
    pub fn empty_frame() -> PolarsResult<DataFrame> {
        let ctx = TableContext::new(&[], FailureRules::default());
        RequestsTable::new(&ctx).into_frame()
    }
}

/// The UTC day of each timestamp, as a polars Date column.
fn ts_to_date(ts: &Nullable<i64>) -> Series {
    const MICROS_PER_DAY: i64 = 86_400 * crate::record::time::MICROS;
    let mut days = Nullable::<i32>::default();
    for i in 0..ts.len() {
        days.push(ts.get(i).map(|t| t.div_euclid(MICROS_PER_DAY) as i32));
    }
    days.into_series("date").into_date()
}

impl Analysis for RequestsTable {
    type Output = PolarsResult<DataFrame>;

    fn observe(&mut self, rec: &Record<'_>, line: &Line<'_>) {
        let ctx = &*self.ctx;
        let Some(p) = self.parts.last_mut() else {
            return;
        };
        let dict = &ctx.dict;
        let code_of = |v: Option<crate::record::JsonStr<'_>>| match v {
            Some(s) => dict.code(&s.get()),
            None => NULL_CODE,
        };
        p.ts.push(rec.ts);
        p.request_id
            .push(rec.request_id.map(|s| s.get()).as_deref());
        p.status.push(rec.status.map(i32::from));
        p.latency_ms.push(rec.latency_ms);
        for d in Dim::ALL {
            p.dims[d as usize].push(code_of(rec.dim(d)));
        }
        p.tokens_in.push(rec.tokens_in.map(saturating_i64));
        p.tokens_out.push(rec.tokens_out.map(saturating_i64));
        p.cost_usd
            .push((rec.cost_source != CostSource::Unpriced).then_some(rec.cost_usd));
        p.cost_source.push(
            ctx.cost_sources[match rec.cost_source {
                CostSource::Logged => 0,
                CostSource::Priced => 1,
                CostSource::Unpriced => 2,
            }],
        );
        p.confidence.push(rec.confidence);
        p.rating.push(rec.rating);
        p.success.push(rec.is_success());
        p.reasons
            .push(ctx.reasons[Reasons::of(rec, &ctx.rules).index()]);
        p.error_type.push(code_of(rec.error.and_then(|e| e.kind)));
        p.pii_types.push(ctx.no_pii);
        p.file.push(
            ctx.files
                .get(line.loc.file as usize)
                .copied()
                .unwrap_or(NULL_CODE),
        );
        p.line.push(saturating_i64(line.loc.line));
    }

    fn merge(&mut self, other: Self) {
        self.parts.extend(other.parts);
    }

    fn finish(self) -> PolarsResult<DataFrame> {
        self.into_frame()
    }
}

fn saturating_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;
