//! `logwarden query`: SQL (polars SQL) over the normalized requests table, registered as
//! `requests`; the result as CSV on stdout, or CSV / JSON / Parquet in `-o FILE`.

use super::pii::PiiSetup;
use super::{check_skips, sources, Common, Outcome};
use crate::analysis::pii::{line_types, LineScanner};
use crate::analysis::reasons::FailureRules;
use crate::analysis::{Analysis, Line};
use crate::output::AtomicFile;
use crate::pii::Detectors;
use crate::record::Record;
use crate::scan::{scan, ScanSummary};
use crate::table::schema::Col;
use crate::table::write::{is_broken_pipe, write_table, TableFormat};
use crate::table::{sql, ColumnSet, RequestsTable, TableContext};
use anyhow::{bail, Context};
use polars::prelude::DataFrame;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// What `logwarden query` was asked to run.
#[derive(Debug, Clone)]
pub struct QueryRequest {
    /// The query text.
    pub sql: String,
    /// The result's format; `None` picks it from the `-o` file's extension, else CSV.
    pub format: Option<TableFormat>,
}

/// Runs a query.
pub fn run(common: &Common, req: &QueryRequest) -> anyhow::Result<Outcome> {
    limit_polars_threads(common.scan.threads);
    let format = req
        .format
        .or_else(|| common.output.as_deref().and_then(format_from_extension))
        .unwrap_or(TableFormat::Csv);
    if common.output.is_none() && format.is_binary() && std::io::stdout().is_terminal() {
        bail!(crate::cli::UsageError(format!(
            "query: {} output is binary; write it with -o FILE or pipe it",
            format.name()
        )));
    }
    // A typo in the query fails before the scan, not after it; and only the columns the
    // query reads are built.
    let columns = sql::prepare(&req.sql)?;
    let (table, _summary) = scan_table(common, columns)?;
    let mut result = sql::run(table, &req.sql)?;
    match &common.output {
        Some(path) => {
            let mut file = AtomicFile::create(path)?;
            write_table(&mut result, format, &mut file)
                .with_context(|| format!("{}: cannot write", path.display()))?;
            file.commit()?;
        }
        None => write_stdout(&mut result, format)?,
    }
    Ok(Outcome::default())
}

/// Scans the inputs into the requests table (and reports skipped lines).
pub(crate) fn scan_table(
    common: &Common,
    columns: ColumnSet,
) -> anyhow::Result<(DataFrame, ScanSummary)> {
    let sources = sources(common)?;
    let names: Vec<String> = sources.iter().map(|s| s.name.clone()).collect();
    // The `reasons` column uses the review's thresholds, so `query` and `review` label a
    // request the same way.
    let rules = FailureRules {
        min_confidence: common.config.review.min_confidence,
        negative_below: common.config.review.negative_below,
    };
    let ctx = TableContext::new(&names, rules, columns);
    let (table, summary) = if columns.contains(Col::PiiTypes) {
        // Only a query that reads `pii_types` pays for auditing every string.
        let detectors = PiiSetup::new(&common.config.pii)?.detectors;
        let (acc, summary) = scan(&sources, &common.scan, || TableWithPii {
            table: RequestsTable::new(&ctx),
            detectors: &detectors,
            types: String::new(),
            scanner: LineScanner::default(),
        })?;
        (acc.table, summary)
    } else {
        scan(&sources, &common.scan, || RequestsTable::new(&ctx))?
    };
    check_skips(common, &summary, super::Needs::Records)?;
    let table = table.into_frame().context("building the requests table")?;
    Ok((table, summary))
}

/// The requests table with its `pii_types` column filled by a PII scan of each line.
struct TableWithPii<'d> {
    table: RequestsTable,
    detectors: &'d Detectors,
    /// The types of the current line, set before its records are observed.
    types: String,
    scanner: LineScanner,
}

impl Analysis for TableWithPii<'_> {
    type Output = ();

    fn observe_line(&mut self, line: &Line<'_>, _rec: Option<&Record<'_>>) {
        self.types = line_types(self.detectors, line.text, &mut self.scanner);
    }

    fn observe(&mut self, rec: &Record<'_>, line: &Line<'_>) {
        self.table.observe(rec, line);
        if !self.types.is_empty() {
            self.table.set_pii_types(line.loc, &self.types);
        }
    }

    fn merge(&mut self, other: Self) {
        self.table.merge(other.table);
    }

    fn finish(self) {}
}

/// The format implied by an output file name (`.csv`, `.json`, `.ndjson`/`.jsonl`, `.parquet`).
pub fn format_from_extension(path: &Path) -> Option<TableFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "csv" => Some(TableFormat::Csv),
        "json" => Some(TableFormat::Json),
        "ndjson" | "jsonl" => Some(TableFormat::Ndjson),
        "parquet" | "pq" => Some(TableFormat::Parquet),
        _ => None,
    }
}

/// Polars sizes its own thread pool once, from `POLARS_MAX_THREADS`; honour `-j N` by setting
/// it before polars first runs (an explicit environment value wins).
pub(crate) fn limit_polars_threads(threads: usize) {
    if threads > 0 && std::env::var_os("POLARS_MAX_THREADS").is_none() {
        std::env::set_var("POLARS_MAX_THREADS", threads.to_string());
    }
}

/// Writes the result to stdout; a closed pipe (`| head`) is a normal end.
fn write_stdout(result: &mut DataFrame, format: TableFormat) -> anyhow::Result<()> {
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let written = write_table(result, format, &mut out).map_err(|e| {
        if is_broken_pipe(&e) {
            None
        } else {
            Some(e)
        }
    });
    match written {
        Ok(()) => match out.flush() {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("stdout"),
            _ => Ok(()),
        },
        Err(None) => Ok(()),
        Err(Some(e)) => Err(e).context("stdout"),
    }
}
