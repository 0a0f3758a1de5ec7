//! The normalized requests table: one row per request, built by a fold over records into
//! per-chunk column builders and turned into a polars DataFrame for SQL (`query`) and `export`.

mod columns;
pub mod export;
mod functions;
mod json;
pub mod schema;
pub mod sql;
pub mod write;

use crate::analysis::reasons::{FailureRules, Reasons};
use crate::analysis::{Analysis, Line};
use crate::record::{CostSource, Dim, Location, Record};
use columns::{concat_codes, Dictionary, Nullable, Strings, NULL_CODE};
use polars::prelude::*;
pub use schema::{Col, ColumnSet};
use std::sync::Arc;

/// What every chunk of one table shares: the columns to build, the dictionary, file names, the
/// failure rules, and the codes of the fixed labels.
#[derive(Debug)]
pub struct TableContext {
    columns: ColumnSet,
    dict: Dictionary,
    files: Vec<u32>,
    rules: FailureRules,
    cost_sources: [u32; 3],
    reasons: [u32; Reasons::COMBINATIONS],
    no_pii: u32,
}

impl TableContext {
    /// A context for a scan of `files` (the sources' names, indexed by `Location::file`) that
    /// builds `columns` (`ColumnSet::all()` for the whole table).
    pub fn new(files: &[String], rules: FailureRules, columns: ColumnSet) -> Arc<TableContext> {
        let dict = Dictionary::new();
        let cost_sources = [
            dict.code(cost_source_label(CostSource::Logged)),
            dict.code(cost_source_label(CostSource::Priced)),
            dict.code(cost_source_label(CostSource::Unpriced)),
        ];
        let reasons = std::array::from_fn(|i| dict.code(Reasons::from_index(i).label()));
        Arc::new(TableContext {
            columns,
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

/// The rows of one chunk (or, after merging, of consecutive chunks), column by column; columns
/// the table does not build stay empty.
#[derive(Debug, Default)]
struct Part {
    rows: usize,
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
    /// The line of the last rows and how many rows it gave (for the PII hook).
    last_line: Option<Location>,
    rows_of_last_line: usize,
    /// Dictionary codes of the raw text values seen in this part, after `pii::scrub_key`: each
    /// distinct value is scanned for PII once per part.
    scrubbed: std::collections::HashMap<Box<str>, u32>,
}

/// The dictionary code of a text value as it may be written: a value holding PII becomes its
/// keyed hash tags (`pii::scrub_key`), like the row keys of every other report.
fn scrubbed_code(
    cache: &mut std::collections::HashMap<Box<str>, u32>,
    dict: &Dictionary,
    v: Option<crate::record::JsonStr<'_>>,
) -> u32 {
    let Some(v) = v else { return NULL_CODE };
    let raw = v.get();
    if let Some(&code) = cache.get(&*raw) {
        return code;
    }
    let code = dict.code(&crate::pii::scrub_key(&raw));
    cache.insert(raw.into(), code);
    code
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
        self.parts.iter().map(|p| p.rows).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hook for the PII audit: records the PII types found in `line` (`;`-joined names such as
    /// `EMAIL_ADDRESS;US_SSN`) on every row that came from that line. Call it while folding
    /// the same chunk, right after the line's records were observed (a line's rows are the
    /// last rows of the current part); for any other line it does nothing. Until an audit
    /// calls it, `pii_types` is empty on every row.
    pub fn set_pii_types(&mut self, line: Location, types: &str) {
        if !self.ctx.columns.contains(Col::PiiTypes) {
            return;
        }
        let Some(part) = self.parts.last_mut() else {
            return;
        };
        if part.last_line != Some(line) {
            return;
        }
        let code = self.ctx.dict.code(types);
        let n = part.pii_types.len();
        for slot in &mut part.pii_types[n - part.rows_of_last_line..] {
            *slot = code;
        }
    }

    /// Builds the DataFrame: the context's columns, in table order.
    pub fn into_frame(self) -> PolarsResult<DataFrame> {
        let ctx = self.ctx;
        let parts = self.parts;
        let height = parts.iter().map(|p| p.rows).sum::<usize>();
        let dict = &ctx.dict;
        let wants_ts = ctx.columns.contains(Col::Ts) || ctx.columns.contains(Col::Date);
        let mut ts = wants_ts.then(|| Nullable::concat(parts.iter().map(|p| &p.ts)));
        let mut date = ctx
            .columns
            .contains(Col::Date)
            .then(|| ts.as_ref().map(ts_to_date))
            .flatten();
        let mut cols: Vec<Column> = Vec::with_capacity(Col::ALL.len());
        for c in ctx.columns.iter() {
            let name = c.name();
            let nullable_f64 = |get: fn(&Part) -> &Nullable<f64>| {
                Nullable::concat(parts.iter().map(get)).into_series(name)
            };
            let nullable_i64 = |get: fn(&Part) -> &Nullable<i64>| {
                Nullable::concat(parts.iter().map(get)).into_series(name)
            };
            let codes = |get: fn(&Part) -> &Vec<u32>| {
                dict.series(name, concat_codes(parts.iter().map(get)))
            };
            let series = match c {
                Col::Ts => ts
                    .take()
                    .unwrap_or_default()
                    .into_series(name)
                    .into_datetime(TimeUnit::Microseconds, None),
                Col::RequestId => Strings::concat_series(name, parts.iter().map(|p| &p.request_id)),
                Col::Status => Nullable::concat(parts.iter().map(|p| &p.status)).into_series(name),
                Col::LatencyMs => nullable_f64(|p| &p.latency_ms),
                Col::Model
                | Col::Version
                | Col::Endpoint
                | Col::Stage
                | Col::Tenant
                | Col::UserId => {
                    let d = Dim::ALL[c as usize - Col::Model as usize];
                    dict.series(
                        name,
                        concat_codes(parts.iter().map(|p| &p.dims[d as usize])),
                    )
                }
                Col::TokensIn => nullable_i64(|p| &p.tokens_in),
                Col::TokensOut => nullable_i64(|p| &p.tokens_out),
                Col::CostUsd => nullable_f64(|p| &p.cost_usd),
                Col::CostSource => codes(|p| &p.cost_source),
                Col::Confidence => nullable_f64(|p| &p.confidence),
                Col::Rating => nullable_f64(|p| &p.rating),
                Col::Success => {
                    let v: Vec<bool> = parts
                        .iter()
                        .flat_map(|p| p.success.iter().copied())
                        .collect();
                    BooleanChunked::from_slice(name.into(), &v).into_series()
                }
                Col::Reasons => codes(|p| &p.reasons),
                Col::ErrorType => codes(|p| &p.error_type),
                Col::PiiTypes => codes(|p| &p.pii_types),
                Col::File => codes(|p| &p.file),
                Col::Line => {
                    let v: Vec<i64> = parts.iter().flat_map(|p| p.line.iter().copied()).collect();
                    Int64Chunked::from_vec(name.into(), v).into_series()
                }
                Col::Date => date
                    .take()
                    .unwrap_or_else(|| ts_to_date(&Nullable::default())),
            };
            cols.push(series.into_column());
        }
        DataFrame::new(height, cols)
    }

    /// An empty table with every column, to plan a query before scanning.
    pub fn empty_frame() -> PolarsResult<DataFrame> {
        let ctx = TableContext::new(&[], FailureRules::default(), ColumnSet::all());
        RequestsTable::new(&ctx).into_frame()
    }
}

/// The UTC day of each timestamp, as a polars Date column.
fn ts_to_date(ts: &Nullable<i64>) -> Series {
    let mut days = Nullable::<i32>::default();
    for i in 0..ts.len() {
        days.push(
            ts.get(i)
                .map(|t| crate::record::time::Micros(t).day() as i32),
        );
    }
    days.into_series(Col::Date.name()).into_date()
}

impl Analysis for RequestsTable {
    type Output = PolarsResult<DataFrame>;

    fn observe(&mut self, rec: &Record<'_>, line: &Line<'_>) {
        let ctx = &*self.ctx;
        let Some(p) = self.parts.last_mut() else {
            return;
        };
        let want = |c: Col| ctx.columns.contains(c);
        let dict = &ctx.dict;
        p.rows += 1;
        if p.last_line == Some(line.loc) {
            p.rows_of_last_line += 1;
        } else {
            p.last_line = Some(line.loc);
            p.rows_of_last_line = 1;
        }
        if want(Col::Ts) || want(Col::Date) {
            p.ts.push(rec.ts.map(|t| t.0));
        }
        if want(Col::RequestId) {
            let id = rec.request_id.map(|s| s.get());
            let id = id.as_deref().map(crate::pii::scrub_key);
            p.request_id.push(id.as_deref());
        }
        if want(Col::Status) {
            p.status.push(rec.status.map(i32::from));
        }
        if want(Col::LatencyMs) {
            p.latency_ms.push(rec.latency_ms);
        }
        for d in Dim::ALL {
            if want(Col::of_dim(d)) {
                let code = scrubbed_code(&mut p.scrubbed, dict, rec.dim(d));
                p.dims[d as usize].push(code);
            }
        }
        if want(Col::TokensIn) {
            p.tokens_in.push(rec.tokens_in.map(saturating_i64));
        }
        if want(Col::TokensOut) {
            p.tokens_out.push(rec.tokens_out.map(saturating_i64));
        }
        if want(Col::CostUsd) {
            let known = rec.cost_source != CostSource::Unpriced;
            p.cost_usd.push(known.then_some(rec.cost_usd));
        }
        if want(Col::CostSource) {
            p.cost_source.push(
                ctx.cost_sources[match rec.cost_source {
                    CostSource::Logged => 0,
                    CostSource::Priced => 1,
                    CostSource::Unpriced => 2,
                }],
            );
        }
        if want(Col::Confidence) {
            p.confidence.push(rec.confidence);
        }
        if want(Col::Rating) {
            p.rating.push(rec.rating);
        }
        if want(Col::Success) {
            p.success.push(rec.is_success());
        }
        if want(Col::Reasons) {
            p.reasons
                .push(ctx.reasons[Reasons::of(rec, &ctx.rules).index()]);
        }
        if want(Col::ErrorType) {
            let code = scrubbed_code(&mut p.scrubbed, dict, rec.error.and_then(|e| e.kind));
            p.error_type.push(code);
        }
        if want(Col::PiiTypes) {
            p.pii_types.push(ctx.no_pii);
        }
        if want(Col::File) {
            p.file.push(
                ctx.files
                    .get(line.loc.file as usize)
                    .copied()
                    .unwrap_or(NULL_CODE),
            );
        }
        if want(Col::Line) {
            p.line.push(saturating_i64(line.loc.line));
        }
    }

    fn merge(&mut self, other: Self) {
        // Merged parts take no more rows: their caches can go.
        for p in &mut self.parts {
            p.scrubbed = Default::default();
        }
        self.parts.extend(other.parts.into_iter().map(|mut p| {
            p.scrubbed = Default::default();
            p
        }));
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
