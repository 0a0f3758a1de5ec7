//! `logwarden report`: every analysis from ONE scan of the input, for cron: all the report
//! files, `summary.json` and `index.html` under `-o DIR`, replaced atomically together.

use super::cost::{unpriced_note, CostTables};
use super::pii::{add_findings, add_sarif, classes_table, summary_table, PiiSetup};
use super::review::{clusters_table, failures_table, wow_table};
use super::sli::sli_table;
use super::slo::{alerts_table, compare_table, slo_table};
use super::{check_skips, discovery, skipped_table, Common, Outcome};
use crate::analysis::alert::{AlertList, Source};
use crate::analysis::all::{AllAnalyses, AllReports};
use crate::analysis::findings::Head;
use crate::analysis::group::GroupSpec;
use crate::analysis::latency::SampleBudget;
use crate::analysis::pii::{DataClass, PiiContext};
use crate::analysis::review::memo::ClusterMemo;
use crate::analysis::review::{Masker, ReviewOptions, Selection};
use crate::analysis::slo::config::Severity;
use crate::analysis::slo::SloPlan;
use crate::analysis::Analysis;
use crate::input::Discovery;
use crate::output::{AtomicFile, OutputFolder, Table};
use crate::record::Dim;
use crate::report::index_html::{render as render_index, Overview};
use crate::report::{review_html, review_md};
use crate::scan::{scan, ScanSummary};
use crate::state::incremental::{self, Folding};
use crate::state::loading::Loading;
use crate::state::rendered::{Part, Rendered};
use crate::state::{self, Header};
use anyhow::bail;
use anyhow::Context;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// What `report` was asked for.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    pub common: Common,
    /// Grouping of `sli.csv`.
    pub by: GroupSpec,
    /// With `--fail-on alerts`: the least urgent severity that counts.
    pub min_severity: Severity,
    /// Accepted findings (`--baseline`), as for `pii`.
    pub baseline: Option<std::path::PathBuf>,
    /// `--emit-state FILE`: also write the run's folded state there (after the reports).
    pub emit_state: Option<PathBuf>,
    /// `--state DIR`: reuse the folded state of unchanged files, scan only what is new.
    pub state: Option<PathBuf>,
}

/// What every accumulator of a report run shares: the PII detectors, the SLO plan, the review
/// options and the latency budgets.
struct Plan {
    setup: PiiSetup,
    slo: Arc<SloPlan>,
    review: Arc<ReviewOptions>,
    budgets: [Arc<SampleBudget>; 2],
}

impl Plan {
    /// The plan of a run; `state` is `--state DIR`, where the review's clustering is kept.
    fn new(
        common: &Common,
        baseline: Option<&std::path::Path>,
        state: Option<&std::path::Path>,
    ) -> anyhow::Result<Plan> {
        Ok(Plan {
            setup: PiiSetup::with_baseline(&common.config.pii, baseline)?,
            slo: Arc::new(SloPlan::new(&common.config, Some(Dim::Version))),
            review: Arc::new(ReviewOptions {
                config: common.config.review.clone(),
                owners: common.config.owners.clone(),
                selection: Selection::LatestWeek,
                include_errors: false,
                masker: Masker::new(&common.config.pii).context("config [pii]")?,
                memo: state.map(|dir| Arc::new(ClusterMemo::in_dir(dir))),
            }),
            // sli.csv and the daily totals each keep latencies: half the memory each.
            budgets: [common.sample_budget(2), common.sample_budget(2)],
        })
    }

    fn fresh<'d>(&self, by: &GroupSpec, pii: &'d PiiContext<'d>) -> AllAnalyses<'d> {
        AllAnalyses::new(by, pii, &self.slo, &self.review, &self.budgets)
    }

    /// The decode context of a state whose first file is input `file_base`.
    fn loading(&self, file_base: usize, line_base: u64) -> anyhow::Result<Loading> {
        Ok(Loading {
            file_base: u32::try_from(file_base).context("too many input files")?,
            line_base,
            slo: Arc::clone(&self.slo),
            review: Arc::clone(&self.review),
        })
    }
}

/// Runs every analysis in one scan and writes every file.
pub fn run(req: &ReportRequest) -> anyhow::Result<Outcome> {
    let common = &req.common;
    if common.output.is_none() && req.emit_state.is_none() {
        bail!("report needs -o DIR (it writes a folder of files) or --emit-state FILE");
    }
    crate::timing::phase("start");
    crate::pii::warm_up(&common.config.pii);
    let plan = Plan::new(common, req.baseline.as_deref(), req.state.as_deref())?;
    crate::timing::phase("detectors and plans set up");
    let pii_ctx = plan.setup.context();
    let found = discovery(common)?;
    crate::timing::phase("inputs found");
    if let Some(dir) = &req.state {
        return run_incremental(req, dir, &plan, &pii_ctx, &found);
    }
    let (acc, summary) = scan(&found.sources, &common.scan, || {
        plan.fresh(&req.by, &pii_ctx)
    })?;
    finish(req, &plan, &pii_ctx, acc, summary, Some(&found), None)
}

/// `report --state DIR`: the inputs folded from the kept per-file states (`state::incremental`),
/// finished as a full scan's; the new state is written after the outputs.
fn run_incremental<'d>(
    req: &ReportRequest,
    dir: &std::path::Path,
    plan: &Plan,
    pii_ctx: &'d PiiContext<'d>,
    found: &Discovery,
) -> anyhow::Result<Outcome> {
    let common = &req.common;
    // One file scanned alone, into the body of a one-file state.
    let scan_one = |source: &crate::input::Source,
                    opts: &crate::scan::ScanOptions|
     -> anyhow::Result<Vec<u8>> {
        let budgets = [common.sample_budget(2), common.sample_budget(2)];
        let (mut acc, summary) = scan(std::slice::from_ref(source), opts, || {
            AllAnalyses::new(&req.by, pii_ctx, &plan.slo, &plan.review, &budgets)
        })?;
        state::encode_body(pii_ctx, &mut acc, &summary)
    };
    let fresh = || plan.fresh(&req.by, pii_ctx);
    let folding = Folding {
        pii_ctx,
        scan_one: &scan_one,
        fresh: &fresh,
        loading: plan.loading(0, 0)?,
        budgets: [plan.budgets[0].max(), plan.budgets[1].max()],
        scan: &common.scan,
        quiet: common.quiet,
    };
    let header = header(req)?;
    let folded = incremental::fold(dir, &header, &found.sources, &folding)?;
    if let Some(memo) = &plan.review.memo {
        memo.clear_leftovers()?;
    }
    // The kept prefix's findings as rendered by an earlier night, and those of the prefix this
    // night keeps (when it is folded anew, or none was kept).
    let rendered = (folded.prefix.is_some() || folded.next_prefix.is_some())
        .then(|| Rendered::open(dir, folded.prefix, folded.next_prefix, &header.config_hash));
    if let Some(r) = &rendered {
        r.clear_leftovers()?;
    }
    let pending = folded.pending;
    // The new state is written (beside the old one) while the reports are finished, and put
    // in place after the outputs: a run stopped before that leaves the previous state whole.
    let (outcome, prepared) = std::thread::scope(|s| {
        let writing = s.spawn(move || pending.prepare());
        let outcome = finish(
            req,
            plan,
            pii_ctx,
            folded.acc,
            folded.summary,
            Some(found),
            Some(Incremental {
                note: folded.note,
                rendered: rendered.as_ref(),
            }),
        );
        let prepared = writing
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("writing the state failed")));
        (outcome, prepared)
    });
    let outcome = outcome?;
    crate::timing::phase("outputs written (state written beside)");
    let prepared = prepared?;
    // The clustering and the prefix's rendered findings made by this run, kept for the next
    // (caches: a failure to keep one is said, and the run goes on).
    if let Some(memo) = &plan.review.memo {
        if let Err(e) = memo.save() {
            eprintln!(
                "logwarden: {}: cannot keep the review's clustering: {e:#}",
                dir.join(crate::analysis::review::memo::MEMO_FILE).display()
            );
        }
    }
    if let Some(r) = &rendered {
        if let Err(e) = r.save() {
            eprintln!(
                "logwarden: {}: cannot keep the rendered findings: {e:#}",
                dir.join(crate::state::rendered::RENDERED_FILE).display()
            );
        }
    }
    prepared.commit()?;
    crate::timing::phase("state in place");
    Ok(outcome)
}

/// The header of the run's states: `Header::report`, its configuration hash also covering the
/// `--baseline` file (accepted findings are left out of the folded findings, so a state made
/// with another baseline is not reused).
fn header(req: &ReportRequest) -> anyhow::Result<Header> {
    use sha2::{Digest, Sha256};
    let mut h = Header::report(&req.common, &req.by);
    if let Some(path) = &req.baseline {
        let bytes =
            std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
        let mut d = Sha256::new();
        d.update(h.config_hash.as_bytes());
        d.update(b"baseline");
        d.update(&bytes);
        h.config_hash = d.finalize().iter().map(|b| format!("{b:02x}")).collect();
    }
    Ok(h)
}

/// `logwarden merge`: loads the states named by the inputs, in order, merges them as the scan
/// merges chunks, and finishes the reports (and, with `--emit-state`, the merged state).
pub fn merge(req: &ReportRequest) -> anyhow::Result<Outcome> {
    let common = &req.common;
    if common.output.is_none() && req.emit_state.is_none() {
        bail!("merge needs -o DIR (it writes a folder of files) or --emit-state FILE");
    }
    let started = std::time::Instant::now();
    crate::pii::configure_keys(&common.config.pii).map_err(|e| anyhow::anyhow!("{e}"))?;
    let plan = Plan::new(common, None, None)?;
    let pii_ctx = plan.setup.context();
    let want = header(req)?;
    let mut acc = plan.fresh(&req.by, &pii_ctx);
    let mut summary = ScanSummary::default();
    for name in &common.inputs {
        let bytes = state::read_file(std::path::Path::new(name))?;
        let loading = plan.loading(summary.files.len(), 0)?;
        let body = state::decode_report(name, &bytes, &want, &loading)?;
        drop(bytes);
        let (part, scan) = body.into_analyses(&pii_ctx);
        acc.merge(part);
        summary.append(scan);
    }
    summary.elapsed = started.elapsed();
    finish(req, &plan, &pii_ctx, acc, summary, None, None)
}

/// Encodes the folded state of a run (the findings are settled into masked rows, then put
/// back, so the reports finish from the same accumulator).
fn encode_state<'d>(
    req: &ReportRequest,
    pii_ctx: &'d PiiContext<'d>,
    acc: &mut AllAnalyses<'d>,
    summary: &ScanSummary,
) -> anyhow::Result<Vec<u8>> {
    let mut bytes = state::MAGIC.to_vec();
    bytes = postcard::to_extend(&header(req)?, bytes)
        .map_err(|e| anyhow::anyhow!("encoding the state: {e}"))?;
    bytes.extend(state::encode_body(pii_ctx, acc, summary)?);
    Ok(bytes)
}

/// What an incremental run adds to its finish: the `incremental` block of `summary.json`, and
/// the kept prefix's rendered findings.
struct Incremental<'a> {
    note: serde_json::Value,
    rendered: Option<&'a Rendered>,
}

/// Finishes the reports from the merged accumulator and writes every file; then the state.
fn finish<'d>(
    req: &ReportRequest,
    plan: &Plan,
    pii_ctx: &'d PiiContext<'d>,
    mut acc: AllAnalyses<'d>,
    summary: ScanSummary,
    found: Option<&Discovery>,
    incremental: Option<Incremental<'_>>,
) -> anyhow::Result<Outcome> {
    let common = &req.common;
    check_skips(common, &summary, super::Needs::Timestamps)?;
    let state = match &req.emit_state {
        Some(path) => Some((path, encode_state(req, pii_ctx, &mut acc, &summary)?)),
        None => None,
    };
    crate::timing::phase("finishing the reports");
    let set = match &common.output {
        Some(dir) => Some(OutputFolder::begin(dir, common.quiet)?),
        None => None,
    };
    let reports = acc.finish();
    crate::timing::phase("reports finished");
    let rendered = incremental.as_ref().and_then(|i| i.rendered);
    // Whether the review's clustering and the prefix's findings were those kept in the state
    // directory.
    let incremental = incremental.map(|i| {
        let mut note = i.note;
        if let Some(reused) = plan.review.memo.as_ref().and_then(|m| m.reused()) {
            note["review_clusters_reused"] = json!(reused);
        }
        if let Some(r) = rendered.filter(|_| note["prefix_files"].as_u64() > Some(0)) {
            note["findings_rows_reused"] = json!(r.reused());
        }
        note
    });
    common.note_approximate(reports.sli.approximate || reports.daily.approximate);
    if !common.quiet {
        eprintln!("logwarden: {}", super::pii::paragraph(&reports.pii));
        if let Some(note) = super::pii::baseline_note(&plan.setup, &reports.pii) {
            eprintln!("logwarden: {note}");
        }
        if let Some(line) = unpriced_note(&reports.cost) {
            eprintln!("logwarden: {line}");
        }
    }
    let cost = CostTables::build(&reports.cost, &common.config);
    // One list of alerts: the SLO's, then the cost anomalies and quality declines. alerts.csv,
    // summary.json, the index page and --fail-on all read it.
    let mut alert_list = AlertList::default();
    alert_list.extend(reports.slo.alerts.iter().cloned());
    alert_list.extend(cost.alerts.alerts.iter().cloned());
    if let Some(set) = set {
        // The findings and their SARIF log (the largest files) are written beside the others.
        let files = &summary.files;
        let ((findings, sarif), rest) = rayon::join(
            || {
                let head = |part| rendered.map_or(Head::default(), |r| r.head(part));
                rayon::join(
                    || {
                        let head = head(Part::Csv);
                        add_findings(&set, "pii_findings.csv", &reports.pii, files, head)
                    },
                    || {
                        let (setup, pii) = (&plan.setup, &reports.pii);
                        let head = head(Part::Sarif);
                        add_sarif(&set, "pii_findings.sarif", setup, pii, files, head)
                    },
                )
            },
            || {
                let tables = tables(&reports, &cost, &alert_list, &summary);
                crate::timing::phase("tables built");
                write_files(
                    common,
                    &set,
                    &summary,
                    &reports,
                    &alert_list,
                    &tables,
                    found,
                    incremental,
                )
            },
        );
        findings?;
        sarif?;
        rest?;
        set.commit()?;
    }
    // After the reports: a run stopped before this leaves the previous state file whole.
    if let Some((path, bytes)) = state {
        let mut f = AtomicFile::create(path)?;
        f.write_all(&bytes)
            .with_context(|| format!("{}", path.display()))?;
        f.commit()?;
    }
    Ok(Outcome {
        findings: reports.pii.count() > 0,
        alerts: alert_list.fires(req.min_severity),
    })
}

/// Writes every file of the report but the findings and their SARIF log into `set` (the tables
/// side by side); the caller swaps the folder in once every file is written.
#[allow(clippy::too_many_arguments)]
fn write_files(
    common: &Common,
    set: &OutputFolder,
    summary: &ScanSummary,
    reports: &AllReports,
    alert_list: &AlertList,
    tables: &[(&str, Table)],
    found: Option<&Discovery>,
    incremental: Option<serde_json::Value>,
) -> anyhow::Result<()> {
    let pages = rayon::join(
        || review_md::render(&reports.review, &summary.files),
        || review_html::render(&reports.review, &summary.files),
    );
    {
        use rayon::prelude::*;
        tables
            .par_iter()
            .try_for_each(|(name, t)| set.add(name, &t.to_csv()))?;
    }
    set.add("review.md", pages.0.as_bytes())?;
    set.add("review.html", pages.1.as_bytes())?;
    let mut files: Vec<&str> = Vec::new();
    for (n, _) in tables {
        if *n == "pii_summary.csv" {
            files.push("pii_findings.csv");
            files.push("pii_findings.sarif");
        }
        files.push(n);
    }
    files.extend(["review.md", "review.html", "summary.json"]);
    let not_read = found.map_or(0, |f| f.not_read.len());
    let mut summary_json = summary_json(common, summary, reports, alert_list, &files);
    summary_json["not_read"] = found.map_or_else(|| json!([]), Discovery::not_read_json);
    summary_json["input_note"] = json!(input_note(summary, reports, not_read));
    if let Some(note) = incremental {
        summary_json["incremental"] = note;
    }
    set.add(
        "summary.json",
        serde_json::to_string_pretty(&summary_json)?.as_bytes(),
    )?;
    let mut page = overview(reports, &summary_json, alert_list, &files);
    page.input_note = input_note(summary, reports, not_read);
    page.input_clean = summary.skipped.total() == 0 && reports.sli.without_ts == 0 && not_read == 0;
    let page = render_index(&page);
    set.add("index.html", page.as_bytes())?;
    Ok(())
}

/// The CSV tables of a report, in the order `summary.json` lists them.
fn tables<'r>(
    reports: &AllReports,
    cost: &CostTables,
    alert_list: &AlertList,
    summary: &ScanSummary,
) -> Vec<(&'r str, Table)> {
    let mut tables: Vec<(&str, Table)> = vec![
        ("sli.csv", sli_table(&reports.sli)),
        ("slo.csv", slo_table(&reports.slo.objectives)),
        ("alerts.csv", alerts_table(&alert_list.alerts)),
        ("cost.csv", cost.cost.clone()),
        ("cost_anomalies.csv", cost.anomalies.clone()),
        ("cost_forecast.csv", cost.forecast.clone()),
        ("quality_trend.csv", cost.quality.clone()),
        ("pii_summary.csv", summary_table(&reports.pii)),
        ("pii_classes.csv", classes_table(&reports.pii)),
        ("skipped.csv", skipped_table(summary)),
    ];
    if let Some(c) = &reports.slo.compare {
        tables.push(("compare.csv", compare_table(&c.rows)));
    }
    tables.push((
        "failures.csv",
        failures_table(&reports.review, &summary.files),
    ));
    tables.push(("failure_clusters.csv", clusters_table(&reports.review)));
    tables.push(("review_wow.csv", wow_table(&reports.review)));
    tables
}

/// What an alert row of `index.html` says broke: the alert, its objective (burn rates) and
/// window, and its scope (`p95_high · model=gpt-4o · day`).
fn what_broke(a: &crate::analysis::alert::Alert) -> String {
    let mut s = a.alert.replace('_', " ");
    if !a.slo.is_empty() {
        s.push_str(&format!(" of {}", a.slo));
    }
    if !a.scope.is_empty() {
        s.push_str(&format!(" · {}", a.scope));
    }
    if !a.window.is_empty() {
        s.push_str(&format!(" · {}", a.window));
    }
    s
}

/// How badly: the metric's value against its threshold or baseline, in the metric's unit, and
/// the bad requests when counted (`p95 6,230 ms, threshold 5,000 ms; 12 of 3,400 requests`).
fn how_badly(a: &crate::analysis::alert::Alert) -> String {
    let fmt = |v: f64| -> String {
        match a.metric {
            "success_rate" | "negative_feedback_rate" => crate::report::fmt_percent(Some(v)),
            "p95_ms" => format!("{} ms", crate::skip::thousands(v.max(0.0).round() as u64)),
            "cost_usd" | "cost_per_request" => {
                if v.abs() >= 100.0 {
                    format!("${}", crate::skip::thousands(v.round() as u64))
                } else {
                    format!("${v:.4}")
                }
            }
            "burn_rate" => format!("{v:.1}×"),
            _ => format!("{v:.3}"),
        }
    };
    let against = match a.source {
        Source::Slo => "threshold",
        Source::Cost => "baseline",
        Source::Quality => "from",
    };
    let mut s = format!(
        "{} {}, {against} {}",
        a.metric.replace('_', " "),
        fmt(a.value),
        fmt(a.threshold)
    );
    if let Some(bad) = a.bad {
        s.push_str(&format!(
            "; {} of {} requests",
            crate::skip::thousands(bad),
            crate::skip::thousands(a.requests)
        ));
    }
    s
}

/// The data of `index.html`, from the finished reports and the run's alerts (typed data, never
/// re-read from the rendered tables).
fn overview(
    r: &AllReports,
    summary: &serde_json::Value,
    alerts: &AlertList,
    files: &[&str],
) -> Overview {
    let day =
        |k: &crate::analysis::group::GroupKey| r.daily.spec.bucket.label(k.bucket).to_string();
    use crate::report::{fmt_count, plural};
    let h = &summary["headline"];
    let count = |v: &serde_json::Value| fmt_count(v.as_u64().unwrap_or(0));
    let anomalies = alerts.alerts.iter().filter(|a| a.source == Source::Cost);
    let anomaly_count = anomalies.clone().count();
    let anomaly_days: Vec<String> = anomalies
        .filter(|a| a.scope == "total")
        .map(|a| a.bucket.clone())
        .collect();
    let mut alert_rows: Vec<[String; 5]> = alerts
        .alerts
        .iter()
        .map(|a| {
            [
                a.bucket.clone(),
                a.severity.name().to_string(),
                what_broke(a),
                how_badly(a),
                a.owner.clone(),
            ]
        })
        .collect();
    // Most urgent first, then most recent.
    alert_rows.sort_by(|a, b| a[1].cmp(&b[1]).then(b[0].cmp(&a[0])));
    let clusters = r
        .review
        .current_clusters()
        .take(10)
        .map(|c| {
            (
                format!("{} · {}", c.label, c.representative)
                    .chars()
                    .take(60)
                    .collect::<String>(),
                c.size as f64,
                c.status.name().to_string(),
            )
        })
        .collect();
    Overview {
        cards: vec![
            (
                "Requests".into(),
                count(&h["requests"]),
                format!("{} days", h["days"]),
            ),
            (
                "Success rate".into(),
                crate::report::fmt_percent(h["success_rate"].as_f64()),
                format!("{} 5xx", count(&h["errors_5xx"])),
            ),
            (
                "Cost".into(),
                format!("${:.2}", h["cost_usd"].as_f64().unwrap_or(0.0)),
                match anomaly_count {
                    1 => "1 anomaly".to_string(),
                    n => format!("{} anomalies", fmt_count(n as u64)),
                },
            ),
            (
                "Alerts".into(),
                fmt_count(alerts.len() as u64),
                format!(
                    "{} missed",
                    plural(h["slos_missed"].as_u64().unwrap_or(0), "SLO")
                ),
            ),
            (
                "PII findings".into(),
                fmt_count(r.pii.count()),
                match r.pii.suppressed {
                    0 => format!("in {} lines", fmt_count(r.pii.records_affected())),
                    s => format!(
                        "in {} lines, {} accepted",
                        fmt_count(r.pii.records_affected()),
                        fmt_count(s)
                    ),
                },
            ),
            (
                "Failure cases".into(),
                fmt_count(r.review.cases.len() as u64),
                format!(
                    "{} clusters, {}",
                    r.review.current_clusters().count(),
                    r.review.period_label
                ),
            ),
        ],
        days: r.daily.rows.iter().map(|(k, _)| day(k)).collect(),
        requests: r
            .daily
            .rows
            .iter()
            .map(|(_, v)| v.requests as f64)
            .collect(),
        success_rate: r.daily.rows.iter().map(|(_, v)| v.success_rate).collect(),
        p95_ms: r
            .daily
            .rows
            .iter()
            .map(|(_, v)| v.p95_ms.unwrap_or(f64::NAN))
            .collect(),
        cost_usd: r.daily.rows.iter().map(|(_, v)| v.cost_usd).collect(),
        anomaly_days,
        pii_by_type: r.pii.by_type(),
        clusters,
        alerts: alert_rows,
        files: files.iter().map(|f| f.to_string()).collect(),
        input_note: String::new(),
        input_clean: true,
        inputs: summary["inputs"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        data_range: r.review.data_from.zip(r.review.data_to),
        generated: format!("logwarden {}", env!("CARGO_PKG_VERSION")),
    }
}

/// One sentence on what was read: lines, files, skipped lines and records without a
/// timestamp, and files found but not read (shown at the top of `index.html`).
fn input_note(scan: &ScanSummary, r: &AllReports, not_read: usize) -> String {
    use crate::skip::thousands;
    let files = scan.files.len();
    let mut note = format!(
        "Read {} lines from {} file{}",
        thousands(scan.lines),
        thousands(files as u64),
        if files == 1 { "" } else { "s" }
    );
    let skipped = scan.skipped.total();
    note.push_str(&match skipped {
        0 => "; no line skipped".to_string(),
        n => format!("; skipped {} (see skipped.csv)", thousands(n)),
    });
    if r.sli.without_ts > 0 {
        note.push_str(&format!(
            "; {} records without a timestamp left out of the time-based reports",
            thousands(r.sli.without_ts)
        ));
    }
    if scan.out_of_range > 0 {
        note.push_str(&format!(
            "; {} records outside --since/--until",
            thousands(scan.out_of_range)
        ));
    }
    if not_read > 0 {
        note.push_str(&format!(
            "; {} file{} found but not read (summary.json not_read)",
            thousands(not_read as u64),
            if not_read == 1 { "" } else { "s" }
        ));
    }
    note.push('.');
    note
}

/// `summary.json`: headline figures, counts, skipped lines, versions, timing and the config.
fn summary_json(
    common: &Common,
    scan: &ScanSummary,
    r: &AllReports,
    alerts: &AlertList,
    files: &[&str],
) -> serde_json::Value {
    let total = r
        .daily
        .rows
        .iter()
        .fold((0u64, 0u64, 0u64, 0f64), |a, (_, v)| {
            (
                a.0 + v.requests,
                a.1 + v.success,
                a.2 + v.errors_5xx,
                a.3 + v.cost_usd,
            )
        });
    let skipped: serde_json::Map<String, serde_json::Value> = scan
        .skipped
        .counts
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let classes: serde_json::Map<String, serde_json::Value> = DataClass::ALL
        .iter()
        .map(|c| (c.name().to_string(), json!(r.pii.classes[*c as usize])))
        .collect();
    let alerts_by_severity: serde_json::Map<String, serde_json::Value> = alerts
        .by_severity()
        .iter()
        .map(|(s, n)| (s.name().to_string(), json!(n)))
        .collect();
    json!({
        "logwarden_version": env!("CARGO_PKG_VERSION"),
        "generated_at": crate::record::time::Micros::now().rfc3339(),
        "inputs": scan.files,
        "formats": scan.formats.iter().map(|f| f.name()).collect::<Vec<_>>(),
        "scan": {
            "scans": scan.scans,
            "bytes": scan.bytes,
            "lines": scan.lines,
            "records": scan.records,
            "out_of_range": scan.out_of_range,
            "skipped": scan.skipped.total(),
            "skipped_by_reason": skipped,
            "priced": scan.priced,
            "unpriced": scan.unpriced,
            "withheld_numbers": scan.withheld_numbers,
            "elapsed_seconds": scan.elapsed.as_secs_f64(),
            "threads": common.scan.threads,
            "max_memory_bytes": common.max_memory,
            "approximate_percentiles": r.sli.approximate || r.daily.approximate,
            "per_file": scan.per_file_json(),
        },
        "headline": {
            "requests": total.0,
            "success_rate": if total.0 > 0 { total.1 as f64 / total.0 as f64 } else { 0.0 },
            "errors_5xx": total.2,
            "cost_usd": total.3,
            "days": r.daily.rows.len(),
            "lines": scan.lines,
            "skipped_lines": scan.skipped.total(),
            "records_without_ts": r.sli.without_ts,
            "alerts": alerts.len(),
            "alerts_by_severity": alerts_by_severity,
            "slos_missed": r.slo.objectives.iter().filter(|o| o.met == Some(false)).count(),
        },
        "pii": {
            "findings": r.pii.count(),
            "suppressed": r.pii.suppressed,
            "records_affected": r.pii.records_affected(),
            "by_type": r.pii.by_type().into_iter().map(|(k, v)| (k, json!(v))).collect::<serde_json::Map<_, _>>(),
            "classes": classes,
            "text_lines": r.pii.text_lines,
            "custom_bounded": r.pii.custom_bounded,
            // Whether a key was set and its public id; never the key itself.
            "key": {
                "set": !crate::pii::fingerprint_key(&common.config.pii).1,
                "source": crate::pii::key_source(&common.config.pii),
                "id": crate::pii::key_id(&crate::pii::fingerprint_key(&common.config.pii).0),
            },
        },
        "files": files,
        "config_file": common.config.source.as_ref().map(|(p, _)| p.clone()),
        "config": common.config.source.as_ref().map(|(_, t)| serde_json::to_value(t).unwrap_or_default()),
    })
}
