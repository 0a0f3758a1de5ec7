//! `logwarden export`: the normalized requests table as a day-partitioned Parquet (or CSV)
//! dataset under `-o DIR`, for DuckDB, Spark, Trino or any engine that reads Hive layouts.

use super::query::{limit_polars_threads, scan_table};
use super::{skipped_table, Common, Outcome};
use crate::skip::thousands;
use crate::table::export::export;
use crate::table::write::TableFormat;
use crate::table::ColumnSet;

/// What `logwarden export` was asked to write.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// `Parquet` or `Csv`.
    pub format: TableFormat,
}

/// Runs the export.
pub fn run(common: &Common, req: &ExportRequest) -> anyhow::Result<Outcome> {
    let Some(dir) = &common.output else {
        anyhow::bail!(crate::cli::UsageError(
            "export: -o DIR is required (the dataset is a directory of day partitions)".into()
        ));
    };
    limit_polars_threads(common.scan.threads);
    let (table, summary) = scan_table(common, ColumnSet::all())?;
    let skipped = skipped_table(&summary).to_csv();
    let partitions = export(
        &table,
        dir,
        req.format,
        &[("skipped.csv", skipped)],
        common.quiet,
    )?;
    if !common.quiet {
        eprintln!(
            "logwarden: export: {} rows in {} day partitions written to {}",
            thousands(table.height() as u64),
            partitions.len(),
            dir.display()
        );
    }
    Ok(Outcome::default())
}
