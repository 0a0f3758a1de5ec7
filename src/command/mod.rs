//! Commands: each takes a plain request (built by `cli`), runs the scan and analyses, writes its
//! files, and returns an outcome from which `main` derives the exit status in one place.

pub mod config;
pub mod cost;
#[cfg(feature = "table")]
mod export;
mod gen;
pub mod pii;
#[cfg(feature = "table")]
mod query;
mod redact;
mod report;
pub mod review;
pub mod sli;
pub mod slo;

#[cfg(feature = "table")]
pub use export::ExportRequest;
pub use gen::GenRequest;
pub use pii::PiiRequest;
#[cfg(feature = "table")]
pub use query::QueryRequest;
pub use redact::RedactRequest;
pub use report::ReportRequest;
pub use slo::SloRequest;

use crate::config::Config;
use crate::input::{discover_with, Discovery, Source};
use crate::output::{OutputFolder, OutputLock, Table};
use crate::record::Location;
use crate::scan::{ScanOptions, ScanSummary};
use anyhow::{bail, Context};
use std::path::PathBuf;

/// When a finished run should exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Never,
    Findings,
    Alerts,
    Any,
}

/// Options every scanning command shares.
#[derive(Debug, Clone)]
pub struct Common {
    pub inputs: Vec<String>,
    pub output: Option<PathBuf>,
    pub scan: ScanOptions,
    pub strict: bool,
    pub quiet: bool,
    pub fail_on: FailOn,
    pub config: Config,
    /// Bytes the exact latency percentiles may keep (`--max-memory`).
    pub max_memory: u64,
    /// The least share (0–1) of non-blank lines that must be read as records the command can
    /// use (`--min-readable`); below it the run fails with exit status 2.
    pub min_readable: f64,
    /// Which files of directories and globs are read (`--include`, `--exclude`).
    pub filter: crate::input::FileFilter,
}

/// What a command needs of a line for the line to count as read (`--min-readable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// A record of any kind (audits, tables).
    Records,
    /// A record with a timestamp (time-based reports: SLIs, SLOs, cost, review).
    Timestamps,
}

impl Common {
    /// The sample budget of one of `analyses` percentile-keeping analyses of the run.
    pub fn sample_budget(
        &self,
        analyses: u64,
    ) -> std::sync::Arc<crate::analysis::latency::SampleBudget> {
        use crate::analysis::latency::{SampleBudget, BYTES_PER_SAMPLE};
        std::sync::Arc::new(SampleBudget::new(
            self.max_memory / BYTES_PER_SAMPLE / analyses.max(1),
        ))
    }

    /// Says (unless quiet) that percentiles are approximate because of `--max-memory`.
    pub fn note_approximate(&self, approximate: bool) {
        if approximate && !self.quiet {
            eprintln!(
                "logwarden: the latencies exceed --max-memory {} MiB: p50/p95/p99 of groups with more than {} requests come from histograms (within {} %)",
                self.max_memory >> 20,
                crate::analysis::latency::SMALL,
                crate::analysis::latency::RELATIVE_ERROR * 100.0
            );
        }
    }
}

/// What the user asked for.
#[derive(Debug)]
pub enum Request {
    Sli {
        common: Box<Common>,
        by: crate::analysis::group::GroupSpec,
    },
    Slo {
        common: Box<Common>,
        slo: SloRequest,
    },
    Cost {
        common: Box<Common>,
        by: crate::analysis::group::GroupSpec,
    },
    Review {
        common: Box<Common>,
        selection: crate::analysis::review::Selection,
        include_errors: bool,
    },
    Gen(Box<GenRequest>),
    Pii(Box<PiiRequest>),
    Redact(Box<RedactRequest>),
    Config(config::ConfigRequest, bool),
    Report(Box<ReportRequest>),
    /// `logwarden merge`: the report finished from states (the inputs are state files).
    Merge(Box<ReportRequest>),
    #[cfg(feature = "table")]
    Query {
        common: Box<Common>,
        query: QueryRequest,
    },
    #[cfg(feature = "table")]
    Export {
        common: Box<Common>,
        export: ExportRequest,
    },
}

/// What a finished run found, for the exit status.
#[derive(Debug, Default, Clone, Copy)]
pub struct Outcome {
    pub findings: bool,
    pub alerts: bool,
}

impl Outcome {
    /// True when `--fail-on` asks for status 1 on what was found.
    pub fn fails(&self, on: FailOn) -> bool {
        match on {
            FailOn::Never => false,
            FailOn::Findings => self.findings,
            FailOn::Alerts => self.alerts,
            FailOn::Any => self.findings || self.alerts,
        }
    }
}

/// The lock on the output folder of a command that writes one, taken before the scan: a second
/// run writing the same folder waits until this one has swapped its folder in.
fn lock_output_folder(req: &Request) -> anyhow::Result<Option<OutputLock>> {
    let common = match req {
        Request::Sli { common, .. }
        | Request::Slo { common, .. }
        | Request::Cost { common, .. }
        | Request::Review { common, .. } => common,
        Request::Pii(r) => &r.common,
        Request::Report(r) | Request::Merge(r) => &r.common,
        #[cfg(feature = "table")]
        Request::Export { common, .. } => common,
        _ => return Ok(None),
    };
    match &common.output {
        Some(dir) => Ok(Some(OutputFolder::lock(dir, common.quiet)?)),
        None => Ok(None),
    }
}

/// Runs a request; the error, if any, is one line for stderr and exit status 2.
pub fn run(req: Request) -> anyhow::Result<(Outcome, FailOn)> {
    let _lock = lock_output_folder(&req)?;
    match req {
        Request::Sli { common, by } => Ok((sli::run(&common, by)?, common.fail_on)),
        Request::Slo { common, slo } => Ok((slo::run(&common, &slo)?, common.fail_on)),
        Request::Cost { common, by } => Ok((cost::run(&common, by)?, common.fail_on)),
        Request::Review {
            common,
            selection,
            include_errors,
        } => Ok((
            review::run(&common, selection, include_errors)?,
            common.fail_on,
        )),
        Request::Gen(g) => Ok((gen::run(&g)?, FailOn::Never)),
        Request::Pii(r) => Ok((pii::run(&r)?, r.common.fail_on)),
        Request::Redact(r) => Ok((redact::run(&r)?, r.common.fail_on)),
        Request::Report(r) => Ok((report::run(&r)?, r.common.fail_on)),
        Request::Merge(r) => Ok((report::merge(&r)?, r.common.fail_on)),
        Request::Config(c, quiet) => Ok((config::run(&c, quiet)?, FailOn::Never)),
        #[cfg(feature = "table")]
        Request::Query { common, query } => Ok((query::run(&common, &query)?, common.fail_on)),
        #[cfg(feature = "table")]
        Request::Export { common, export } => Ok((export::run(&common, &export)?, common.fail_on)),
    }
}

/// An error and its causes as one stderr line: `context: cause: cause`, leaving out a cause
/// whose text the line already holds (an I/O error wrapped with its own message would
/// otherwise read `stream: incomplete deflate stream: incomplete deflate stream`).
pub fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string().replace(['\n', '\r'], " ");
        if line.contains(text.trim()) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(text.trim());
    }
    line
}

/// Resolves the inputs of a command, and readies the scrubbing of row keys (`pii::scrub_key`)
/// with the run's `[pii]` detectors and key.
pub(crate) fn sources(common: &Common) -> anyhow::Result<Vec<Source>> {
    Ok(discovery(common)?.sources)
}

/// Resolves the inputs as `sources` does, keeping the files found but not read (for
/// `summary.json`); says on stderr (unless quiet) which files were not read and why, and which
/// inputs named a file already read.
pub(crate) fn discovery(common: &Common) -> anyhow::Result<Discovery> {
    crate::pii::configure_keys(&common.config.pii).map_err(|e| anyhow::anyhow!("{e}"))?;
    let found = discover_with(&common.inputs, &common.filter)?;
    if !common.quiet {
        for line in found.notes() {
            eprintln!("logwarden: {line}");
        }
    }
    Ok(found)
}

/// Reports skipped lines after a scan: the one-line summary on stderr; under `--strict` an
/// error naming the first malformed line; and an error when less than `--min-readable` of the
/// lines could be read as records the command can use (`needs`), so that unreadable input or a
/// wrong `--format` never ends in an "all clear" report.
pub(crate) fn check_skips(
    common: &Common,
    summary: &ScanSummary,
    needs: Needs,
) -> anyhow::Result<()> {
    if common.strict {
        if let Some((loc, reason)) = summary.skipped.listed.first() {
            bail!("{}: {reason} (--strict)", where_is(summary, *loc));
        }
    }
    if let Some(line) = unreadable(summary, needs, common.min_readable) {
        bail!("{line}");
    }
    if !common.quiet {
        if let Some(line) = summary.skipped.summary(summary.lines, &summary.files) {
            eprintln!("logwarden: {line}");
        }
        if summary.withheld_numbers > 0 {
            eprintln!(
                "logwarden: left out {} values of numeric fields (latency, cost, token counts) that hold PII; `logwarden pii` lists them",
                crate::skip::thousands(summary.withheld_numbers)
            );
        }
        // Valid lines that gave no record at all, or records without the time or status the
        // reports need (logs read with the wrong --format, or a shape no preset knows), would
        // otherwise end in silently empty or partial reports: once per file, say what was seen.
        if summary.out_of_range == 0 {
            for line in crate::scan::understanding_notes(summary) {
                eprintln!("logwarden: {line}");
            }
        }
    }
    Ok(())
}

/// The one-line error of a run where less than `min_share` of the non-blank lines gave a
/// record the command can use, or `None` when enough did (or there was no line at all).
pub(crate) fn unreadable(summary: &ScanSummary, needs: Needs, min_share: f64) -> Option<String> {
    use crate::skip::thousands;
    let totals = summary.totals();
    let lines = totals.lines;
    let usable = match needs {
        Needs::Records => totals.read_lines,
        Needs::Timestamps => totals.timed_lines,
    };
    // Valid lines that hold no request (OTel batches without GenAI spans) are neither read
    // nor unread, unless no line at all gave a record (then the format is likely wrong).
    let base = if totals.read_lines > 0 {
        lines - totals.empty_lines
    } else {
        lines
    };
    if lines == 0 || usable as f64 >= min_share * base as f64 {
        return None;
    }
    let inputs = match summary.files.as_slice() {
        [one] => one.clone(),
        files => format!("{} inputs", files.len()),
    };
    let mut parts = vec![match needs {
        Needs::Records => format!(
            "{inputs}: only {} of {} lines could be read as records",
            thousands(usable),
            thousands(lines)
        ),
        Needs::Timestamps => format!(
            "{inputs}: only {} of {} lines gave a record with a timestamp ({} read as records)",
            thousands(usable),
            thousands(lines),
            thousands(totals.read_lines)
        ),
    }];
    if let Some(skips) = summary.skipped.summary(lines, &summary.files) {
        parts.push(skips);
    }
    // The note says what the records looked like and which --format would fit better.
    if let Some(note) = crate::scan::understanding_notes(summary).into_iter().next() {
        parts.push(note);
    } else if totals.read_lines == 0 {
        parts.push("is this JSON Lines (one JSON object per line)?".into());
    }
    parts.push(format!(
        "the run needs at least {} % (--min-readable)",
        round_percent(min_share)
    ));
    Some(parts.join("; "))
}

/// A share as a percentage without needless decimals (`0.5` → `50`, `0.125` → `12.5`).
fn round_percent(share: f64) -> String {
    let p = (share * 1000.0).round() / 10.0;
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p}")
    }
}

/// `file:line` of a location.
pub(crate) fn where_is(summary: &ScanSummary, loc: Location) -> String {
    let name = summary
        .files
        .get(loc.file as usize)
        .map_or("?", String::as_str);
    format!("{name}:{}", loc.line)
}

/// `skipped.csv`: file, line, reason of the first 1,000 skipped lines.
pub(crate) fn skipped_table(summary: &ScanSummary) -> Table {
    let mut t = Table::new(["file", "line", "reason"]);
    for (loc, reason) in &summary.skipped.listed {
        let name = summary
            .files
            .get(loc.file as usize)
            .cloned()
            .unwrap_or_default();
        t.push(vec![name, loc.line.to_string(), reason.to_string()]);
    }
    t
}

/// Writes a command's tables: under `-o DIR` as one folder (plus `skipped.csv`) swapped in whole;
/// otherwise the main table to stdout.
pub(crate) fn emit(
    common: &Common,
    summary: &ScanSummary,
    main: &Table,
    files: &[(&str, &Table)],
) -> anyhow::Result<()> {
    match &common.output {
        None => crate::output::write_stdout(&main.to_csv()).context("stdout"),
        Some(dir) => {
            let folder = OutputFolder::begin(dir, common.quiet)?;
            for (name, table) in files {
                folder.add(name, &table.to_csv())?;
            }
            folder.add("skipped.csv", &skipped_table(summary).to_csv())?;
            folder.commit()?;
            Ok(())
        }
    }
}

/// Reports records a report left out for lack of a field it needs.
pub(crate) fn note_left_out(common: &Common, report: &str, n: u64, what: &str) {
    if n > 0 && !common.quiet {
        eprintln!(
            "logwarden: {report}: left out {} record{} without {what}",
            crate::skip::thousands(n),
            if n == 1 { "" } else { "s" }
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_line_drops_repeated_causes() {
        let io = std::io::Error::other("incomplete deflate stream");
        let e = anyhow::Error::new(io).context("logs/a.jsonl.gz: incomplete deflate stream");
        assert_eq!(
            super::one_line(&e),
            "logs/a.jsonl.gz: incomplete deflate stream"
        );
        let e = anyhow::anyhow!("disk full\nretry").context("out/sli.csv: cannot write");
        assert_eq!(
            super::one_line(&e),
            "out/sli.csv: cannot write: disk full retry"
        );
    }
}
