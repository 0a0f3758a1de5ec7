//! SQL over the requests table with polars SQL: the table is registered as `requests`, its
//! categorical columns seen as plain strings so every string function and `LIKE` applies.

use super::functions::ExtraFunctions;
use super::{Col, ColumnSet, RequestsTable};
use polars::error::{PolarsError, PolarsWarning};
use polars::prelude::*;
use polars::sql::SQLContext;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

/// The table name queries use.
pub const TABLE_NAME: &str = "requests";

/// A query polars could not plan or run: the cause and the query, each on one line.
#[derive(Debug, thiserror::Error)]
#[error("SQL error: {message}; query: {query}")]
pub struct SqlError {
    pub message: String,
    pub query: String,
}

impl SqlError {
    fn new(message: String, sql: &str) -> SqlError {
        SqlError {
            message,
            query: one_line(sql),
        }
    }
}

/// Plans and runs a query over an empty table with the full schema, so a typo or an unknown
/// column fails at once instead of after a long scan, and returns the columns the query reads
/// (polars pushes its projection down to the probe source, which records it).
pub fn prepare(sql: &str) -> Result<ColumnSet, SqlError> {
    let empty = RequestsTable::empty_frame().map_err(|e| SqlError::new(clean(&e), sql))?;
    let probe = Arc::new(ProbeScan {
        empty,
        read: Mutex::new(ColumnSet::none()),
    });
    let source = LazyFrame::anonymous_scan(
        probe.clone(),
        ScanArgsAnonymous {
            schema: Some(probe.empty.schema().clone()),
            name: "requests",
            ..ScanArgsAnonymous::default()
        },
    )
    .map_err(|e| SqlError::new(clean(&e), sql))?;
    execute(as_strings(source, ColumnSet::all()), sql)?;
    let read = *probe.read.lock().unwrap_or_else(|e| e.into_inner());
    // A query that reads no column (`SELECT count(*)`) still needs the row count.
    Ok(if read.is_empty() {
        ColumnSet::none().with(Col::Line)
    } else {
        read
    })
}

/// Rewrites each string literal that is an RFC 3339 date-time with a zone (`Z` or an offset,
/// e.g. `'2026-11-20T00:00:00Z'`, `'2026-11-20T01:00:00+01:00'`) into the UTC time without a
/// zone (`'2026-11-20 00:00:00'`), which polars compares with the UTC `ts` column, as DuckDB
/// does with such literals. Other literals, identifiers and comments are left as they are.
pub fn utc_literals(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(open) = rest.find('\'') {
        out.push_str(&rest[..open]);
        let body_start = open + 1;
        // The literal ends at the next quote that is not doubled ('' is an escaped quote).
        let mut end = None;
        let bytes = rest.as_bytes();
        let mut i = body_start;
        while i < bytes.len() {
            if bytes[i] == b'\'' {
                if bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                end = Some(i);
                break;
            }
            i += 1;
        }
        let Some(end) = end else {
            out.push_str(&rest[open..]);
            return out;
        };
        let body = &rest[body_start..end];
        match zoned_datetime(body) {
            Some(utc) => {
                out.push('\'');
                out.push_str(&utc);
                out.push('\'');
            }
            None => out.push_str(&rest[open..=end]),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The UTC time of an RFC 3339 date-time with a zone, as `YYYY-MM-DD HH:MM:SS[.ffffff]`.
fn zoned_datetime(text: &str) -> Option<String> {
    let zoned = text.len() > 19
        && matches!(text.as_bytes().get(10), Some(b'T' | b't' | b' '))
        && (text.ends_with(['Z', 'z']) || text[19..].contains(['+', '-']));
    if !zoned {
        return None;
    }
    let utc = crate::record::time::parse_rfc3339(text)?.rfc3339();
    Some(utc.trim_end_matches('Z').replacen('T', " ", 1))
}

/// Runs `sql` over `table` (registered as `requests`) and returns the result.
pub fn run(table: DataFrame, sql: &str) -> Result<DataFrame, SqlError> {
    let present = ColumnSet::from_names(table.get_column_names().iter().map(|n| n.as_str()));
    execute(as_strings(table.lazy(), present), sql)
}

fn execute(source: LazyFrame, sql: &str) -> Result<DataFrame, SqlError> {
    route_polars_warnings();
    let rewritten = utc_literals(sql);
    let outcome = without_panic_message(|| {
        let mut ctx = SQLContext::new().with_function_registry(Arc::new(ExtraFunctions));
        ctx.register(TABLE_NAME, source);
        ctx.execute(&rewritten).and_then(LazyFrame::collect)
    });
    match outcome {
        Ok(Ok(df)) => Ok(df),
        Ok(Err(e)) => Err(SqlError::new(clean(&e), sql)),
        Err(panic) => Err(SqlError::new(
            format!("polars failed on this query: {panic}"),
            sql,
        )),
    }
}

/// The table as SQL sees it: categorical columns cast to strings, so every string function and
/// `LIKE` applies. Only the columns a query reads are cast (projection pushdown).
fn as_strings(source: LazyFrame, present: ColumnSet) -> LazyFrame {
    let casts: Vec<Expr> = present
        .iter()
        .filter(|c| c.is_categorical())
        .map(|c| col(c.name()).cast(DataType::String))
        .collect();
    source.with_columns(casts)
}

/// A source with the table's schema and no rows that records which columns polars reads.
struct ProbeScan {
    empty: DataFrame,
    read: Mutex<ColumnSet>,
}

impl AnonymousScan for ProbeScan {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn scan(&self, args: AnonymousScanArgs) -> PolarsResult<DataFrame> {
        let columns: Vec<PlSmallStr> = match &args.with_columns {
            Some(names) => names.to_vec(),
            None => self.empty.get_column_names_owned(),
        };
        let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        *read = columns
            .iter()
            .filter_map(|n| Col::parse(n))
            .fold(*read, ColumnSet::with);
        self.empty.select(columns)
    }

    fn schema(&self, _infer_schema_length: Option<usize>) -> PolarsResult<SchemaRef> {
        Ok(self.empty.schema().clone())
    }

    fn allows_projection_pushdown(&self) -> bool {
        true
    }
}

/// Runs `f`, turning a panic inside polars into an error message instead of a crash (and
/// keeping the default hook from printing a backtrace banner on stderr).
fn without_panic_message<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .map_or_else(|| "internal error".to_string(), |s| one_line(&s))
    })
}

/// Polars prints warnings on stderr on its own; keep them to one line each and drop
/// deprecation notices about polars' own API, which a query author cannot act on.
fn route_polars_warnings() {
    fn warn(message: &str, kind: PolarsWarning) {
        if !matches!(kind, PolarsWarning::Deprecation) {
            eprintln!("logwarden: query: warning: {}", one_line(message));
        }
    }
    polars::error::set_warning_function(warn);
}

/// The useful part of a polars error: its message without the plan dump that follows.
fn clean(e: &PolarsError) -> String {
    let text = e.to_string();
    let text = text
        .split("\n\nResolved plan until failure")
        .next()
        .unwrap_or(&text);
    let text = text.split("\n\nError originated").next().unwrap_or(text);
    let mut message = one_line(text);
    if message.contains("duplicate output name") {
        // Polars SQL names an unaliased expression after the column it reads, so
        // `min(x), max(x)` collide where DuckDB would name them `min(x)` and `max(x)`.
        message = format!(
            "{}; polars SQL names an expression after its column, so give each one a name with AS (e.g. min(latency_ms) AS min_ms)",
            message.split(". It's possible").next().unwrap_or(&message)
        );
    }
    message
}

/// Collapses whitespace runs (newlines included) into single spaces.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_one_line_with_the_query() {
        let e = prepare("SELECT nope\nFROM requests").unwrap_err();
        let msg = e.to_string();
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.contains("nope"), "{msg}");
        assert!(msg.ends_with("query: SELECT nope FROM requests"), "{msg}");
        assert!(!msg.contains("Resolved plan"), "{msg}");
        let e = prepare("SELEC 1").unwrap_err();
        assert!(e.message.contains("SQL"), "{e}");
    }

    #[test]
    fn duplicate_names_get_a_hint() {
        let e = prepare("SELECT min(latency_ms), max(latency_ms) FROM requests").unwrap_err();
        assert!(e.message.contains("with AS"), "{e}");
    }

    #[test]
    fn zoned_literals_become_utc() {
        assert_eq!(
            utc_literals(
                "select * from requests where ts >= '2026-11-20T00:00:00Z' and model = 'it''s'"
            ),
            "select * from requests where ts >= '2026-11-20 00:00:00' and model = 'it''s'"
        );
        assert_eq!(
            utc_literals("where ts < '2026-11-20T01:30:00.5+01:00' or x = 'a-b'"),
            "where ts < '2026-11-20 00:30:00.500' or x = 'a-b'"
        );
        assert_eq!(
            utc_literals("where d = '2026-11-20' and s = 'open"),
            "where d = '2026-11-20' and s = 'open"
        );
    }

    #[test]
    fn date_trunc_is_available() {
        let e = prepare("SELECT date_trunc('fortnight', ts) AS d FROM requests").unwrap_err();
        assert!(e.message.contains("fortnight"), "{e}");
        prepare("SELECT date_trunc('day', ts) AS d, count(*) AS n FROM requests GROUP BY d")
            .unwrap();
    }

    #[test]
    fn prepare_finds_the_columns_a_query_reads() {
        let names =
            |sql: &str| -> Vec<&str> { prepare(sql).unwrap().iter().map(Col::name).collect() };
        assert_eq!(
            names("SELECT model, avg(latency_ms) AS a FROM requests WHERE tenant LIKE 'a%' GROUP BY model"),
            ["latency_ms", "model", "tenant"]
        );
        // Polars reads one (cheap) column to count rows.
        assert_eq!(names("SELECT count(*) AS n FROM requests").len(), 1);
        assert_eq!(names("SELECT * FROM requests").len(), 23);
        assert_eq!(
            names("WITH t AS (SELECT model FROM requests) SELECT r.date, t.model FROM requests r JOIN t ON r.model = t.model"),
            ["model", "date"]
        );
        assert_eq!(
            names("SELECT count(*) AS n FROM (SELECT DISTINCT * FROM requests)").len(),
            23
        );
    }

    #[test]
    fn string_functions_apply_to_categorical_columns() {
        prepare("SELECT upper(model) AS u, model LIKE 'gpt%' AS g, length(tenant) FROM requests")
            .unwrap();
        prepare("SELECT model, count(*) FROM requests WHERE ts >= '2026-11-01' GROUP BY model")
            .unwrap();
    }
}
