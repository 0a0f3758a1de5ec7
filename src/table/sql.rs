//! SQL over the requests table with polars SQL: the table is registered as `requests`, its
//! categorical columns seen as plain strings so every string function and `LIKE` applies.

use super::{RequestsTable, CATEGORICAL_COLUMNS};
use polars::error::{PolarsError, PolarsWarning};
use polars::prelude::*;
use polars::sql::SQLContext;
use std::panic::{catch_unwind, AssertUnwindSafe};

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

/// Checks a query against an empty table with the full schema, so a typo or an unknown column
/// fails at once instead of after a long scan.
pub fn check(sql: &str) -> Result<(), SqlError> {
    let empty = RequestsTable::empty_frame().map_err(|e| SqlError::new(clean(&e), sql))?;
    run(empty, sql).map(drop)
}

/// Runs `sql` over `table` (registered as `requests`) and returns the result.
pub fn run(table: DataFrame, sql: &str) -> Result<DataFrame, SqlError> {
    route_polars_warnings();
    let view = sql_view(table);
    let outcome = without_panic_message(|| {
        let mut ctx = SQLContext::new();
        ctx.register(TABLE_NAME, view);
        ctx.execute(sql).and_then(LazyFrame::collect)
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

/// The table as SQL sees it: categorical columns cast to strings. Only the columns a query
/// reads are cast (projection pushdown), so unused columns cost nothing.
fn sql_view(table: DataFrame) -> LazyFrame {
    let casts: Vec<Expr> = CATEGORICAL_COLUMNS
        .iter()
        .map(|c| col(*c).cast(DataType::String))
        .collect();
    table.lazy().with_columns(casts)
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
        let e = check("SELECT nope\nFROM requests").unwrap_err();
        let msg = e.to_string();
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.contains("nope"), "{msg}");
        assert!(msg.ends_with("query: SELECT nope FROM requests"), "{msg}");
        assert!(!msg.contains("Resolved plan"), "{msg}");
        let e = check("SELEC 1").unwrap_err();
        assert!(e.message.contains("SQL"), "{e}");
    }

    #[test]
    fn duplicate_names_get_a_hint() {
        let e = check("SELECT min(latency_ms), max(latency_ms) FROM requests").unwrap_err();
        assert!(e.message.contains("with AS"), "{e}");
    }

    #[test]
    fn string_functions_apply_to_categorical_columns() {
        check("SELECT upper(model) AS u, model LIKE 'gpt%' AS g, length(tenant) FROM requests")
            .unwrap();
        check("SELECT model, count(*) FROM requests WHERE ts >= '2026-11-01' GROUP BY model")
            .unwrap();
    }
}
