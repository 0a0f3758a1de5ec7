//! `export`: the requests table written as a Hive-partitioned dataset (`DIR/date=YYYY-MM-DD/
//! part-0.parquet`), every file written through the `OutputFolder` and swapped in whole.

use super::write::{write_table, TableFormat};
use crate::output::OutputFolder;
use crate::record::time::civil_from_days;
use polars::prelude::*;
use std::collections::BTreeMap;
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
    Polars { path: String, source: PolarsError },
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
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
    let mut folder = OutputFolder::begin(dir, quiet)?;
    let partitions = write_partitions(table, &mut folder, format)?;
    for (name, bytes) in extra {
        folder.add(name, bytes)?;
    }
    folder.add(SUCCESS_MARKER, b"")?;
    folder.commit()?;
    Ok(partitions)
}

/// Splits the rows by `date` (input order kept within a day) and writes one file per day into
/// `folder`.
fn write_partitions(
    table: &DataFrame,
    folder: &mut OutputFolder,
    format: TableFormat,
) -> Result<Vec<Partition>, ExportError> {
    let shown = folder.dir().display().to_string();
    let polars_err = |source| ExportError::Polars {
        path: shown.clone(),
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
        let file = format!("{name}/part-0.{}", format.name());
        // A polars error is kept aside so it is reported as itself, not as an I/O error.
        let mut failed = None;
        let wrote = folder.write_with(&file, |out| {
            write_table(&mut part, format, out).map_err(|e| match e {
                PolarsError::IO { error, .. } => {
                    std::io::Error::new(error.kind(), error.to_string())
                }
                e => {
                    failed = Some(e);
                    std::io::Error::other("polars")
                }
            })
        });
        if let Some(source) = failed {
            return Err(ExportError::Polars {
                path: folder.dir().join(&file).display().to_string(),
                source,
            });
        }
        wrote?;
        written.push(Partition { dir: name, rows: n });
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let name = p.strip_prefix(dir).unwrap().display().to_string();
                    out.push((name, fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    fn dated(columns: Vec<Column>) -> DataFrame {
        let days = Column::new(PARTITION_COLUMN.into(), [20_415i32])
            .cast(&DataType::Date)
            .unwrap();
        let mut all = vec![days];
        all.extend(columns);
        DataFrame::new(1, all).unwrap()
    }

    #[test]
    fn a_failed_export_leaves_the_previous_dataset() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let good = dated(vec![Column::new("x".into(), [1.5])]);
        let written = export(
            &good,
            &out,
            TableFormat::Csv,
            &[("skipped.csv", b"a\n".to_vec())],
            true,
        )
        .unwrap();
        assert_eq!(
            written,
            [Partition {
                dir: "date=2025-11-23".into(),
                rows: 1
            }]
        );
        let before = files(&out);
        assert!(before
            .iter()
            .any(|(n, b)| n == "date=2025-11-23/part-0.csv" && b == b"x\n1.5\n"));
        assert!(before.iter().any(|(n, _)| n == SUCCESS_MARKER));

        // CSV cannot hold a list: the export fails after it has begun writing.
        let list = Series::new("l".into(), [1i64, 2]).implode().unwrap();
        let bad = dated(vec![list.into_series().into_column()]);
        let e = export(&bad, &out, TableFormat::Csv, &[], true).unwrap_err();
        assert!(e.to_string().contains("--output-format json"), "{e}");
        assert_eq!(files(&out), before, "the previous dataset is untouched");
        let left: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "out")
            .collect();
        for work in &left {
            assert_eq!(
                fs::read_dir(root.path().join(work)).unwrap().count(),
                0,
                "no staged files are left in `{work}`"
            );
        }
    }
}
