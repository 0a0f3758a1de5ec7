//! Command-line parsing (clap). The parsed arguments are turned at once into the plain request
//! types of `command`; nothing past `Cli::into_request` sees clap.

use crate::analysis::group::GroupSpec;
use crate::command::{Common, FailOn, Request};
#[cfg(feature = "table")]
use crate::command::{ExportRequest, QueryRequest};
use crate::config::Config;
use crate::record::format::FormatKind;
use crate::record::time::parse_rfc3339;
use crate::scan::ScanOptions;
#[cfg(feature = "table")]
use crate::table::write::TableFormat;
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;

/// logwarden: audit AI-service request logs (JSONL) for PII and secrets, SLIs/SLOs, cost and
/// failures, in one fast pass.
#[derive(Debug, Parser)]
#[command(name = "logwarden", version, about, long_about = None, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 finished; 1 finished and --fail-on matched; 2 usage, config, input or output error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// SLIs per time bucket and dimension: requests, success and error rates, p50/p95/p99, cost, tokens (sli.csv).
    Sli {
        #[command(flatten)]
        common: CommonArgs,
        /// Grouping: a bucket (hour, day, week, month) then dimensions (model, version, endpoint, stage, tenant, user_id).
        #[arg(long, default_value = "day")]
        by: String,
    },
    /// Retroactive PII / secret audit: every JSON string, located by file, line and field; masked, fingerprinted (pii_findings.csv, pii_summary.csv, pii_classes.csv).
    Pii {
        #[command(flatten)]
        common: CommonArgs,
        /// Exit with status 1 when anything is found (findings; any means the same here). Only findings not accepted by --baseline count.
        #[arg(long, value_enum, value_name = "WHAT")]
        fail_on: Option<FailOnFindings>,
        /// Accepted findings: a previous pii_findings.csv, or a file of fingerprints (one per line). Findings of the values in it are not reported again, only counted as suppressed.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// Sanitized copy of the logs: the same lines with every finding replaced (-o FILE_OR_DIR; .gz/.zst stay compressed).
    #[command(mut_arg("output", |a| a
        .value_name("FILE_OR_DIR")
        .help("Where the copy goes: a file for one input, a directory mirroring the inputs for several (required; only standard input may go to standard output without it).")))]
    Redact {
        #[command(flatten)]
        common: CommonArgs,
        /// Exit with status 1 when anything was replaced (findings; any means the same here).
        #[arg(long, value_enum, value_name = "WHAT")]
        fail_on: Option<FailOnFindings>,
        /// Replacement: tag (<EMAIL_ADDRESS>), mask (j***@example.com) or hash (<EMAIL_ADDRESS:keyed-hash>).
        #[arg(long, default_value = "tag")]
        mode: String,
    },
    /// Everything in ONE scan of the input, for cron: every report file, summary.json and an index.html overview under -o DIR.
    #[command(mut_arg("output", |a| a
        .help("Output directory (required): every report file, summary.json and index.html.")))]
    Report {
        #[command(flatten)]
        common: CommonArgs,
        /// Grouping of sli.csv and cost.csv (and the dimensions whose cost anomalies are checked): a bucket (hour, day, week, month) then dimensions (model, version, endpoint, stage, tenant, user_id).
        #[arg(long, default_value = "day,model")]
        by: String,
        /// Exit with status 1 when PII or a secret is found (findings), an alert at or above --min-severity fired (alerts), or either (any).
        #[arg(long, value_enum, value_name = "WHAT")]
        fail_on: Option<FailOnReport>,
        /// With --fail-on alerts|any: the least urgent alert severity that counts (P0 most urgent).
        #[arg(long, value_name = "SEVERITY", default_value = "P3")]
        min_severity: String,
        /// Accepted findings: a previous pii_findings.csv, or a file of fingerprints (one per line). Findings of the values in it are not reported again, only counted as suppressed.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Also write the run's folded state to FILE (after the reports; -o may then be left out), for `logwarden merge`.
        #[arg(long, value_name = "FILE")]
        emit_state: Option<PathBuf>,
        /// Keep each input file's folded state in DIR: the next run reuses unchanged files, reads grown ones from their old end, and scans only the rest.
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Finish `report` from states written by `report --emit-state` (one per shard, in input order): the same files as one run over all the shards' inputs.
    Merge {
        #[command(flatten)]
        common: CommonArgs,
        /// Grouping of sli.csv (as given to every shard's report).
        #[arg(long, default_value = "day,model")]
        by: String,
        /// Exit with status 1 when the merged report has findings, alerts (at --min-severity or more urgent) or any of them.
        #[arg(long, value_enum, value_name = "WHAT")]
        fail_on: Option<FailOnReport>,
        /// With --fail-on alerts|any: the least urgent alert severity that counts (P0 most urgent).
        #[arg(long, value_name = "SEVERITY", default_value = "P3")]
        min_severity: String,
        /// Also write the merged state to FILE (a state of all the shards, to merge again later).
        #[arg(long, value_name = "FILE")]
        emit_state: Option<PathBuf>,
    },
    /// Configuration: write a commented default logwarden.toml, or check one.
    Config {
        #[command(subcommand)]
        action: ConfigCmd,
    },
    /// SLO compliance, error budgets and burn rates (slo.csv), alerts with severity and owner (alerts.csv), release comparison (compare.csv).
    Slo {
        #[command(flatten)]
        common: CommonArgs,
        /// Exit with status 1 when an SLO alert at or above --min-severity fired (alerts; any means the same here).
        #[arg(long, value_enum, value_name = "WHAT")]
        fail_on: Option<FailOnAlerts>,
        /// Compare each release with the previous one (version) or each stage with full (stage); writes compare.csv.
        #[arg(long, value_name = "DIM")]
        compare: Option<String>,
        /// With --fail-on alerts: the least urgent severity that counts (P0 most urgent; default P3 = any alert).
        #[arg(long, value_name = "SEVERITY", default_value = "P3")]
        min_severity: String,
    },
    /// Cost per bucket and dimension, cost anomalies, month-end forecast and quality drift (cost.csv, cost_anomalies.csv, cost_forecast.csv, quality_trend.csv).
    Cost {
        #[command(flatten)]
        common: CommonArgs,
        /// Exit with status 1 on a cost anomaly or a declining quality trend (alerts; any means the same here).
        #[arg(long, value_enum, value_name = "WHAT")]
        fail_on: Option<FailOnAlerts>,
        /// Grouping of cost.csv: a bucket (hour, day, week, month) then dimensions (model, version, endpoint, stage, tenant, user_id). Anomalies are checked per day (and per hour with --by hour) in total, per model and per --by dimension.
        #[arg(long, default_value = "day,model")]
        by: String,
    },
    /// Weekly failure review: low-confidence and negative-feedback cases with masked excerpts, clusters, owners, week over week (failures.csv, failure_clusters.csv, review_wow.csv, review.md, review.html).
    Review {
        #[command(flatten)]
        common: CommonArgs,
        /// ISO week to review, e.g. 2026-W47 (default: the last complete ISO week in the data; --since/--until pick any other period).
        #[arg(long, value_name = "WEEK")]
        week: Option<String>,
        /// Failed requests (non-2xx) are cases too (reason `error`).
        #[arg(long)]
        include_errors: bool,
    },
    /// Deterministic realistic sample logs (JSONL) with planted incidents, PII and decoys.
    Gen(GenArgs),
    #[cfg(feature = "table")]
    /// SQL (polars SQL) over the normalized requests table, named `requests`: CSV on stdout or -o FILE.
    #[command(mut_arg("inputs", |a| a
        .value_name("[FILE.sql] INPUT")
        .help("The query as FILE.sql (when --sql is not given), then log files, directories, globs, or - for stdin.")))]
    #[command(mut_arg("output", |a| a
        .value_name("FILE")
        .help("Write the result to FILE (atomically) instead of CSV on stdout.")))]
    Query(QueryArgs),
    #[cfg(feature = "table")]
    /// The normalized requests table as a dataset partitioned by day: DIR/date=YYYY-MM-DD/part-0.parquet.
    #[command(mut_arg("output", |a| a
        .value_name("DIR")
        .required(true)
        .help("Dataset directory: written beside it, then renamed into place (replaces a previous export).")))]
    Export(ExportArgs),
}

#[cfg(feature = "table")]
/// Options of `logwarden query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The query, inline (otherwise the first argument is a FILE.sql).
    #[arg(long, value_name = "SQL", allow_hyphen_values = true)]
    pub sql: Option<String>,
    /// Result format: csv, json (an array), ndjson (one object per line), parquet. Default: from the -o file's extension, else csv.
    #[arg(long = "output-format", value_name = "FORMAT")]
    pub output_format: Option<String>,
}

#[cfg(feature = "table")]
/// Options of `logwarden export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// File format of the partitions: parquet or csv.
    #[arg(
        long = "output-format",
        value_name = "FORMAT",
        default_value = "parquet"
    )]
    pub output_format: String,
}

/// `logwarden config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Write a commented logwarden.toml with every section (to FILE, or stdout).
    Init {
        /// Output file (default: stdout).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Validate a configuration file (default: the one logwarden would use).
    Check {
        /// The file to check.
        file: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(short = 'q', long)]
        quiet: bool,
    },
}

/// Options of `logwarden gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Number of records (lines) to write.
    #[arg(long, default_value_t = 10_000)]
    pub records: u64,
    /// Seed: the same seed and options always give the same bytes.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Days the records are spread over.
    #[arg(long, default_value_t = 28)]
    pub days: u32,
    /// First day (RFC 3339 date, UTC; default 2026-10-26).
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// Output shape: native or openai-batch.
    #[arg(long, default_value = "native")]
    pub format: String,
    /// Plant a cost spike: DAY:MODEL:FACTOR (0-based day; that model's input tokens multiplied).
    #[arg(long, value_name = "DAY:MODEL:FACTOR")]
    pub spike: Option<String>,
    /// Also write the planted PII values as CSV (line, field, pii_type, value) — raw values, for tests only.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
    /// Output file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Options shared by every command that scans logs.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Log files, directories (searched for *.jsonl, *.ndjson, *.json, *.log, also .gz/.zst), globs, or - for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Output directory, written whole and swapped in at the end; runs into one DIR take turns
    /// (query: a file; redact: a file or directory). Default: the main table as CSV on stdout.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: all cores). Results never depend on it.
    #[arg(short = 'j', long = "threads", value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Input shape: auto (detected per file by scoring every preset on its first records), native, openai-batch, anthropic-batch, bedrock, litellm, otel, langfuse, cloudwatch, azure-openai, mlflow.
    #[arg(long, default_value = "auto", value_name = "FORMAT")]
    pub format: String,
    /// Configuration file (default: $LOGWARDEN_CONFIG, else ./logwarden.toml if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Keep requests at or after this time (RFC 3339 date or date-time, UTC).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Keep requests before this time (RFC 3339 date or date-time, UTC).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Stop with exit status 2 at the first malformed line instead of skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Print nothing but errors.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Fail (exit status 2) when less than this share of the non-blank lines, in percent, could be read as records the command uses (for time-based reports: records with a timestamp).
    #[arg(long, value_name = "PERCENT", default_value_t = 50.0)]
    pub min_readable: f64,
    /// Read only the files of directories and globs whose name or relative path matches GLOB (repeatable; replaces the log-name rule). Files named on the command line are always read.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Do not read the files of directories and globs whose name or relative path matches GLOB (repeatable), e.g. '*.gz' or 'archive/**'.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Skip (and count) lines longer than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_line_bytes: usize,
    /// Memory for exact latency percentiles (e.g. 512M, 8G; default a quarter of RAM). Past it,
    /// p50/p95/p99 of large groups come from histograms within 0.5 %, and the run says so.
    #[arg(long, value_name = "SIZE")]
    pub max_memory: Option<String>,
}

/// `--fail-on` of commands whose only finding is PII or secrets (`pii`, `redact`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOnFindings {
    Findings,
    Any,
}

/// `--fail-on` of commands whose only finding is alerts (`slo`, `cost`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOnAlerts {
    Alerts,
    Any,
}

/// `--fail-on` of `report`, which finds both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOnReport {
    Findings,
    Alerts,
    Any,
}

impl From<Option<FailOnFindings>> for FailOn {
    fn from(v: Option<FailOnFindings>) -> FailOn {
        v.map_or(FailOn::Never, |_| FailOn::Findings)
    }
}

impl From<Option<FailOnAlerts>> for FailOn {
    fn from(v: Option<FailOnAlerts>) -> FailOn {
        v.map_or(FailOn::Never, |_| FailOn::Alerts)
    }
}

impl From<Option<FailOnReport>> for FailOn {
    fn from(v: Option<FailOnReport>) -> FailOn {
        match v {
            None => FailOn::Never,
            Some(FailOnReport::Findings) => FailOn::Findings,
            Some(FailOnReport::Alerts) => FailOn::Alerts,
            Some(FailOnReport::Any) => FailOn::Any,
        }
    }
}

/// Parses a size: a number with an optional K, M, G or T suffix (powers of 1024; `B`/`iB`
/// after it allowed).
fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (num, shift) = match t.char_indices().last()? {
        (i, 'k' | 'K') => (&t[..i], 10),
        (i, 'm' | 'M') => (&t[..i], 20),
        (i, 'g' | 'G') => (&t[..i], 30),
        (i, 't' | 'T') => (&t[..i], 40),
        _ => (t, 0),
    };
    let x: f64 = num.trim().parse().ok()?;
    let bytes = x * (1u64 << shift) as f64;
    (x.is_finite() && x > 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// A quarter of the machine's memory (`MemTotal` of /proc/meminfo), else 4 GiB.
fn default_max_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            let line = m.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb * 1024 / 4)
        })
        .unwrap_or(4 << 30)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512M"), Some(512 << 20));
        assert_eq!(parse_size("8G"), Some(8 << 30));
        assert_eq!(parse_size("1.5GiB"), Some(3 << 29));
        assert_eq!(parse_size("100000"), Some(100_000));
        assert_eq!(parse_size("2kB"), Some(2048));
        for bad in ["", "G", "-1G", "0", "lots", "1e30T", "NaN"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }
}

/// A command line that parses but asks for something impossible.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

fn parse_severity(s: &str) -> Result<crate::analysis::slo::config::Severity, UsageError> {
    crate::analysis::slo::config::Severity::parse(s)
        .ok_or_else(|| UsageError(format!("unknown --min-severity `{s}` (P0, P1, P2, P3)")))
}

fn parse_time(flag: &str, s: &str) -> Result<crate::record::time::Micros, UsageError> {
    parse_rfc3339(s).ok_or_else(|| {
        UsageError(format!(
            "{flag} `{s}` is not an RFC 3339 date or date-time (e.g. 2026-11-23 or 2026-11-23T14:00:00Z)"
        ))
    })
}

impl CommonArgs {
    fn into_common(self, fail_on: FailOn) -> anyhow::Result<Common> {
        let config_path = Config::locate(self.config.as_deref());
        let config = match &config_path {
            Some(p) => Config::load(p)?,
            None => Config::default(),
        };
        let format = match self.format.as_str() {
            "auto" => None,
            f => Some(FormatKind::parse(f).ok_or_else(|| {
                UsageError(format!(
                    "unknown --format `{f}` (auto, {})",
                    FormatKind::ALL.map(FormatKind::name).join(", ")
                ))
            })?),
        };
        if !(0.0..=100.0).contains(&self.min_readable) {
            return Err(UsageError(format!(
                "--min-readable `{}` is not a percentage from 0 to 100",
                self.min_readable
            ))
            .into());
        }
        let since = self
            .since
            .as_deref()
            .map(|s| parse_time("--since", s))
            .transpose()?;
        let until = self
            .until
            .as_deref()
            .map(|s| parse_time("--until", s))
            .transpose()?;
        let max_memory = match self.max_memory.as_deref() {
            None => default_max_memory(),
            Some(m) => parse_size(m).ok_or_else(|| {
                UsageError(format!(
                    "--max-memory `{m}` is not a size such as 512M or 8G"
                ))
            })?,
        };
        let filter = crate::input::FileFilter::new(&self.include, &self.exclude)
            .map_err(|e| UsageError(format!("--include/--exclude: {e}")))?;
        let scan = ScanOptions {
            threads: self.threads,
            format,
            fields: config.field_overrides(),
            since,
            until,
            max_line_bytes: self.max_line_bytes.max(1),
            prices: crate::prices::PriceTable::new(&config.prices),
            progress: !self.quiet && std::io::stderr().is_terminal(),
            ..ScanOptions::default()
        };
        Ok(Common {
            inputs: self.inputs,
            output: self.output,
            scan,
            strict: self.strict,
            quiet: self.quiet,
            fail_on,
            config,
            max_memory,
            min_readable: self.min_readable / 100.0,
            filter,
        })
    }
}

impl Cli {
    /// Converts parsed arguments into a request for the library.
    pub fn into_request(self) -> anyhow::Result<Request> {
        Ok(match self.command {
            Cmd::Sli { common, by } => Request::Sli {
                by: GroupSpec::parse(&by).map_err(UsageError)?,
                common: Box::new(common.into_common(FailOn::Never)?),
            },
            Cmd::Pii {
                common,
                fail_on,
                baseline,
            } => Request::Pii(Box::new(crate::command::PiiRequest {
                common: common.into_common(fail_on.into())?,
                baseline,
            })),
            Cmd::Redact {
                common,
                mode,
                fail_on,
            } => {
                let mode = match mode.as_str() {
                    "tag" => crate::pii::RedactMode::Tag,
                    "mask" => crate::pii::RedactMode::Mask,
                    "hash" => crate::pii::RedactMode::Hash,
                    m => {
                        return Err(
                            UsageError(format!("unknown --mode `{m}` (tag, mask, hash)")).into(),
                        )
                    }
                };
                Request::Redact(Box::new(crate::command::RedactRequest {
                    common: common.into_common(fail_on.into())?,
                    mode,
                }))
            }
            Cmd::Report {
                common,
                by,
                fail_on,
                min_severity,
                baseline,
                emit_state,
                state,
            } => Request::Report(Box::new(crate::command::ReportRequest {
                by: GroupSpec::parse(&by).map_err(UsageError)?,
                min_severity: parse_severity(&min_severity)?,
                baseline,
                common: common.into_common(fail_on.into())?,
                emit_state,
                state,
            })),
            Cmd::Merge {
                common,
                by,
                fail_on,
                min_severity,
                emit_state,
            } => Request::Merge(Box::new(crate::command::ReportRequest {
                by: GroupSpec::parse(&by).map_err(UsageError)?,
                min_severity: parse_severity(&min_severity)?,
                baseline: None,
                common: common.into_common(fail_on.into())?,
                emit_state,
                state: None,
            })),
            Cmd::Config { action } => match action {
                ConfigCmd::Init { output, force } => Request::Config(
                    crate::command::config::ConfigRequest::Init { output, force },
                    false,
                ),
                ConfigCmd::Check { file, quiet } => Request::Config(
                    crate::command::config::ConfigRequest::Check { path: file },
                    quiet,
                ),
            },
            Cmd::Slo {
                common,
                fail_on,
                compare,
                min_severity,
            } => {
                use crate::record::Dim;
                let compare = match compare.as_deref() {
                    None => None,
                    Some("version") => Some(Dim::Version),
                    Some("stage") => Some(Dim::Stage),
                    Some(x) => {
                        return Err(
                            UsageError(format!("unknown --compare `{x}` (version, stage)")).into(),
                        )
                    }
                };
                let min_severity = parse_severity(&min_severity)?;
                Request::Slo {
                    common: Box::new(common.into_common(fail_on.into())?),
                    slo: crate::command::SloRequest {
                        compare,
                        min_severity,
                    },
                }
            }
            Cmd::Cost {
                common,
                by,
                fail_on,
            } => Request::Cost {
                by: GroupSpec::parse(&by).map_err(UsageError)?,
                common: Box::new(common.into_common(fail_on.into())?),
            },
            Cmd::Review {
                common,
                week,
                include_errors,
            } => {
                let mut common = common.into_common(FailOn::Never)?;
                let week = week
                    .map(|w| {
                        crate::bucket::parse_iso_week(w.trim()).ok_or_else(|| {
                            UsageError(format!("--week `{w}` is not an ISO week such as 2026-W47"))
                        })
                    })
                    .transpose()?;
                // The review picks its period itself and reads the weeks before it too.
                let selection = crate::analysis::review::Selection::from_flags(
                    week,
                    common.scan.since.take(),
                    common.scan.until.take(),
                )
                .map_err(UsageError)?;
                Request::Review {
                    common: Box::new(common),
                    selection,
                    include_errors,
                }
            }
            Cmd::Gen(g) => Request::Gen(Box::new(g.into_request()?)),
            #[cfg(feature = "table")]
            Cmd::Query(q) => q.into_request()?,
            #[cfg(feature = "table")]
            Cmd::Export(e) => {
                let format = match e.output_format.as_str() {
                    "parquet" => TableFormat::Parquet,
                    "csv" => TableFormat::Csv,
                    f => {
                        return Err(UsageError(format!(
                            "export: unknown --output-format `{f}` (parquet, csv)"
                        ))
                        .into())
                    }
                };
                Request::Export {
                    common: Box::new(e.common.into_common(FailOn::Never)?),
                    export: ExportRequest { format },
                }
            }
        })
    }
}

#[cfg(feature = "table")]
impl QueryArgs {
    fn into_request(mut self) -> anyhow::Result<Request> {
        let format = self
            .output_format
            .as_deref()
            .map(|f| {
                TableFormat::parse(f).ok_or_else(|| {
                    UsageError(format!(
                        "query: unknown --output-format `{f}` (csv, json, ndjson, parquet)"
                    ))
                })
            })
            .transpose()?;
        let sql = match self.sql.take() {
            Some(sql) => sql,
            None => {
                let first = self.common.inputs.remove(0);
                if !first.to_ascii_lowercase().ends_with(".sql") {
                    return Err(UsageError(format!(
                        "query: `{first}` is not a .sql file; give the query with --sql \"...\" or as FILE.sql before the inputs"
                    ))
                    .into());
                }
                std::fs::read_to_string(&first)
                    .map_err(|e| UsageError(format!("{first}: cannot read the query: {e}")))?
            }
        };
        if sql.trim().is_empty() {
            return Err(UsageError("query: the query is empty".into()).into());
        }
        if self.common.inputs.is_empty() {
            return Err(UsageError(
                "query: no input given (pass log files, directories, globs, or - for standard input after the query)".into(),
            )
            .into());
        }
        Ok(Request::Query {
            common: Box::new(self.common.into_common(FailOn::Never)?),
            query: QueryRequest { sql, format },
        })
    }
}

impl GenArgs {
    fn into_request(self) -> Result<crate::command::GenRequest, UsageError> {
        use crate::gen::{CostSpike, GenConfig, GenFormat, DEFAULT_START};
        let format = match self.format.as_str() {
            "native" => GenFormat::Native,
            "openai-batch" => GenFormat::OpenaiBatch,
            f => {
                return Err(UsageError(format!(
                    "gen: unknown --format `{f}` (native, openai-batch)"
                )))
            }
        };
        let start = match &self.start {
            Some(s) => parse_time("--start", s)?.secs(),
            None => DEFAULT_START,
        };
        let spike = match &self.spike {
            None => None,
            Some(s) => {
                let parts: Vec<&str> = s.splitn(3, ':').collect();
                let bad = || {
                    UsageError(format!(
                        "--spike `{s}` must be DAY:MODEL:FACTOR, e.g. 12:gpt-4o:3"
                    ))
                };
                if parts.len() != 3 {
                    return Err(bad());
                }
                Some(CostSpike {
                    day: parts[0].parse().map_err(|_| bad())?,
                    model: parts[1].to_string(),
                    factor: parts[2].parse().map_err(|_| bad())?,
                })
            }
        };
        if self.days == 0 {
            return Err(UsageError("gen: --days must be at least 1".into()));
        }
        Ok(crate::command::GenRequest {
            config: GenConfig {
                records: self.records,
                seed: self.seed,
                days: self.days,
                start,
                format,
                spike,
            },
            truth: self.truth,
            output: self.output,
        })
    }
}
