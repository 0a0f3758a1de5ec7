//! `export`: the requests table written as a Hive-partitioned dataset (`DIR/date=YYYY-MM-DD/
//! part-0.parquet`), staged in a sibling directory and renamed into place in one step.

use super::write::{write_table, TableFormat};
use crate::record::time::civil_from_days;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

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
    #[error("{0}: exists and is not a logwarden export (it holds `{1}`); choose a new or empty directory")]
    NotAnExport(String, String),
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
/// at the top. A previous export at `dir` is replaced; anything else there is an error.
pub fn export(
    table: &DataFrame,
    dir: &Path,
    format: TableFormat,
    extra: &[(&str, Vec<u8>)],
) -> Result<Vec<Partition>, ExportError> {
    if dir.exists() {
        check_replaceable(dir)?;
    }
    let staging = sibling(dir, "tmp");
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).map_err(io_err(&staging))?;
    let cleanup = RemoveOnDrop(staging.clone());
    let partitions = write_partitions(table, &staging, format)?;
    for (name, bytes) in extra {
        write_file(&staging.join(name), bytes)?;
    }
    write_file(&staging.join(SUCCESS_MARKER), b"")?;
    swap_into_place(&staging, dir)?;
    std::mem::forget(cleanup);
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

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let mut f = fs::File::create(path).map_err(io_err(path))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(io_err(path))
}

/// An existing directory may be replaced only when it is empty or holds nothing but what an
/// export writes, so a mistyped `-o` never deletes unrelated files.
fn check_replaceable(dir: &Path) -> Result<(), ExportError> {
    if !dir.is_dir() {
        return Err(ExportError::NotAnExport(
            dir.display().to_string(),
            "a file".into(),
        ));
    }
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let ours = if is_dir {
            name.starts_with(&format!("{PARTITION_COLUMN}="))
        } else {
            name == SUCCESS_MARKER || name == "skipped.csv"
        };
        if !ours {
            return Err(ExportError::NotAnExport(dir.display().to_string(), name));
        }
    }
    Ok(())
}

/// `.NAME.KIND-PID` next to `dir`, on the same file system so renames are atomic.
fn sibling(dir: &Path, kind: &str) -> PathBuf {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    parent.join(format!(".{name}.{kind}-{}", std::process::id()))
}

/// Renames the staged export to `dir`, moving a previous export aside first and deleting it
/// only after the new one is in place.
fn swap_into_place(staging: &Path, dir: &Path) -> Result<(), ExportError> {
    if !dir.exists() {
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        return fs::rename(staging, dir).map_err(io_err(dir));
    }
    let old = sibling(dir, "old");
    let _ = fs::remove_dir_all(&old);
    fs::rename(dir, &old).map_err(io_err(dir))?;
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(&old, dir);
        return Err(io_err(dir)(e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Removes a staging directory when the export fails before it was renamed into place.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> DataFrame {
        let days = Int32Chunked::from_slice_options(
            PARTITION_COLUMN.into(),
            &[Some(20_415), None, Some(20_414), Some(20_415)],
        )
        .into_date();
        DataFrame::new(
            4,
            vec![
                Column::new("line".into(), [1i64, 2, 3, 4]),
                days.into_series().into_column(),
            ],
        )
        .unwrap()
    }

    #[test]
    fn partitions_by_day_in_order_and_replaces_previous_export() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let parts = export(&table(), &dir, TableFormat::Csv, &[]).unwrap();
        let names: Vec<(&str, usize)> = parts.iter().map(|p| (p.dir.as_str(), p.rows)).collect();
        assert_eq!(
            names,
            [
                ("date=2025-11-22", 1),
                ("date=2025-11-23", 2),
                ("date=__HIVE_DEFAULT_PARTITION__", 1)
            ]
        );
        let day = fs::read_to_string(dir.join("date=2025-11-23/part-0.csv")).unwrap();
        assert_eq!(day, "line\n1\n4\n");
        assert!(dir.join(SUCCESS_MARKER).exists());
        // A second export replaces the first; nothing is left beside it.
        export(&table().head(Some(1)), &dir, TableFormat::Csv, &[]).unwrap();
        assert!(!dir.join("date=2025-11-22").exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_to_replace_a_foreign_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("home");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("notes.txt"), "keep me").unwrap();
        let e = export(&table(), &dir, TableFormat::Csv, &[]).unwrap_err();
        assert!(e.to_string().contains("notes.txt"), "{e}");
        assert_eq!(
            fs::read_to_string(dir.join("notes.txt")).unwrap(),
            "keep me"
        );
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
