//! `export`: the requests table written as a Hive-partitioned dataset (`DIR/date=YYYY-MM-DD/
//! part-0.parquet`), staged in the output's work area and swapped in whole (`OutputFolder`).

use super::write::{write_table, TableFormat};
use crate::record::time::civil_from_days;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// The partition column (taken from the path by readers, so not repeated inside the files).
pub const PARTITION_COLUMN: &str = "date";

/// The directory name Hive, Spark and DuckDB use for rows whose partition value is null.
pub const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// The marker file written last into a finished export (the Hadoop convention).
pub const SUCCESS_MARKER: &str = "_SUCCESS";

/// An export that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: cannot write export: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: cannot write export: {source}")]
    Polars { path: String, source: PolarsError },
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// One written partition.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    /// `date=2026-11-23` (or the null partition).
    pub dir: String,
    pub rows: usize,
}

/// Writes `table` under `dir`, partitioned by day, plus `extra` files (such as `skipped.csv`)
/// at the top and `_SUCCESS` last, then swaps the complete dataset in for a previous one at
/// `dir`; a `dir` holding anything logwarden did not write is refused.
pub fn export(
    table: &DataFrame,
    dir: &Path,
    format: TableFormat,
    extra: &[(&str, Vec<u8>)],
    quiet: bool,
) -> Result<Vec<Partition>, ExportError> {
    let mut folder = crate::output::OutputFolder::begin(dir, quiet)?;
    let partitions = write_partitions(table, folder.staging(), format)?;
    for (name, bytes) in extra {
        folder.add(name, bytes)?;
    }
    folder.add(SUCCESS_MARKER, b"")?;
    folder.commit()?;
    Ok(partitions)
}

/// Splits the rows by `date` (input order kept within a day) and writes one file per day.
fn write_partitions(
    table: &DataFrame,
    staging: &Path,
    format: TableFormat,
) -> Result<Vec<Partition>, ExportError> {
    let polars_err = |source| ExportError::Polars {
        path: staging.display().to_string(),
        source,
    };
    let days = table
        .column(PARTITION_COLUMN)
        .and_then(|c| c.date().map(|d| d.physical().clone()))
        .map_err(polars_err)?;
    // Null dates sort last (`None` after every `Some` under this key).
    let mut rows_by_day: BTreeMap<(bool, i32), Vec<IdxSize>> = BTreeMap::new();
    for (i, day) in days.iter().enumerate() {
        rows_by_day
            .entry((day.is_none(), day.unwrap_or(0)))
            .or_default()
            .push(i as IdxSize);
    }
    let files = table.drop(PARTITION_COLUMN).map_err(polars_err)?;
    let mut written = Vec::with_capacity(rows_by_day.len());
    for ((is_null, day), rows) in rows_by_day {
        let name = if is_null {
            format!("{PARTITION_COLUMN}={NULL_PARTITION}")
        } else {
            let (y, m, d) = civil_from_days(i64::from(day));
            format!("{PARTITION_COLUMN}={y:04}-{m:02}-{d:02}")
        };
        let n = rows.len();
        let idx = IdxCa::from_vec("idx".into(), rows);
        let mut part = files.take(&idx).map_err(polars_err)?;
        let sub = staging.join(&name);
        fs::create_dir_all(&sub).map_err(io_err(&sub))?;
        let path = sub.join(format!("part-0.{}", format.name()));
        let file = fs::File::create(&path).map_err(io_err(&path))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        write_table(&mut part, format, &mut out).map_err(|source| ExportError::Polars {
            path: path.display().to_string(),
            source,
        })?;
        let file = out
            .into_inner()
            .map_err(|e| io_err(&path)(e.into_error()))?;
        file.sync_all().map_err(io_err(&path))?;
        written.push(Partition { dir: name, rows: n });
    }
    Ok(written)
}
