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
use crate::analysis::group::GroupSpec;
use crate::analysis::pii::DataClass;
use crate::analysis::review::{Masker, ReviewOptions, Selection};
use crate::analysis::slo::config::Severity;
use crate::analysis::slo::SloPlan;
use crate::analysis::Analysis;
use crate::output::{OutputFolder, Table};
use crate::record::Dim;
use crate::report::index_html::{render as render_index, Overview};
use crate::report::{review_html, review_md};
use crate::scan::{scan, ScanSummary};
use anyhow::bail;
use anyhow::Context;
use serde_json::json;
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
}

/// Runs every analysis in one scan and writes every file.
pub fn run(req: &ReportRequest) -> anyhow::Result<Outcome> {
    let common = &req.common;
    let Some(dir) = &common.output else {
        bail!("report needs -o DIR (it writes a folder of files)");
    };
    let setup = PiiSetup::with_baseline(&common.config.pii, req.baseline.as_deref())?;
    let pii_ctx = setup.context();
    let found = discovery(common)?;
    let sources = &found.sources;
    let slo_plan = Arc::new(SloPlan::new(&common.config, Some(Dim::Version)));
    let review = Arc::new(ReviewOptions {
        config: common.config.review.clone(),
        owners: common.config.owners.clone(),
        selection: Selection::LatestWeek,
        include_errors: false,
        masker: Masker::new(&common.config.pii).context("config [pii]")?,
    });
    // sli.csv and the daily totals each keep latencies: half the memory each.
    let budgets = [common.sample_budget(2), common.sample_budget(2)];
    let (acc, summary) = scan(sources, &common.scan, || {
        AllAnalyses::new(&req.by, &pii_ctx, &slo_plan, &review, &budgets)
    })?;
    check_skips(common, &summary, super::Needs::Timestamps)?;
    let reports = acc.finish();
    common.note_approximate(reports.sli.approximate || reports.daily.approximate);
    if !common.quiet {
        eprintln!("logwarden: {}", super::pii::paragraph(&reports.pii));
        if let Some(note) = super::pii::baseline_note(&setup, &reports.pii) {
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
    let alerts = alerts_table(&alert_list.alerts);
    let mut tables: Vec<(&str, Table)> = vec![
        ("sli.csv", sli_table(&reports.sli)),
        ("slo.csv", slo_table(&reports.slo.objectives)),
        ("alerts.csv", alerts),
        ("cost.csv", cost.cost.clone()),
        ("cost_anomalies.csv", cost.anomalies.clone()),
        ("cost_forecast.csv", cost.forecast.clone()),
        ("quality_trend.csv", cost.quality.clone()),
        ("pii_summary.csv", summary_table(&reports.pii)),
        ("pii_classes.csv", classes_table(&reports.pii)),
        ("skipped.csv", skipped_table(&summary)),
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
    let mut set = OutputFolder::begin(dir, common.quiet)?;
    // The findings are streamed (they may be spilled to disk), not built as a table.
    add_findings(&mut set, "pii_findings.csv", &reports.pii, &summary.files)?;
    add_sarif(
        &mut set,
        "pii_findings.sarif",
        &setup,
        &reports.pii,
        &summary.files,
    )?;
    for (name, t) in &tables {
        set.add(name, &t.to_csv())?;
    }
    set.add(
        "review.md",
        review_md::render(&reports.review, &summary.files).as_bytes(),
    )?;
    set.add(
        "review.html",
        review_html::render(&reports.review, &summary.files).as_bytes(),
    )?;
    let mut files: Vec<&str> = Vec::new();
    for (n, _) in &tables {
        if *n == "pii_summary.csv" {
            files.push("pii_findings.csv");
            files.push("pii_findings.sarif");
        }
        files.push(n);
    }
    files.extend(["review.md", "review.html", "summary.json"]);
    let mut summary_json = summary_json(common, &summary, &reports, &alert_list, &files);
    summary_json["not_read"] = found.not_read_json();
    summary_json["input_note"] = json!(input_note(&summary, &reports, found.not_read.len()));
    set.add(
        "summary.json",
        serde_json::to_string_pretty(&summary_json)?.as_bytes(),
    )?;
    let mut page = overview(&reports, &summary_json, &alert_list, &files);
    page.input_note = input_note(&summary, &reports, found.not_read.len());
    page.input_clean =
        summary.skipped.total() == 0 && reports.sli.without_ts == 0 && found.not_read.is_empty();
    let page = render_index(&page);
    set.add("index.html", page.as_bytes())?;
    set.commit()?;
    Ok(Outcome {
        findings: reports.pii.count() > 0,
        alerts: alert_list.fires(req.min_severity),
    })
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
    let h = &summary["headline"];
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
                a.alert.to_string(),
                a.severity.name().to_string(),
                a.scope.clone(),
                a.owner.clone(),
            ]
        })
        .collect();
    // Most urgent first, then most recent.
    alert_rows.sort_by(|a, b| a[2].cmp(&b[2]).then(b[0].cmp(&a[0])));
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
                // New and growing problems stand out in orange.
                match c.status.name() {
                    "recurring" => crate::report::svg::PALETTE[0].to_string(),
                    _ => crate::report::svg::PALETTE[1].to_string(),
                },
            )
        })
        .collect();
    Overview {
        cards: vec![
            (
                "Requests".into(),
                h["requests"].to_string(),
                format!("{} days", h["days"]),
            ),
            (
                "Success rate".into(),
                format!("{:.3} %", h["success_rate"].as_f64().unwrap_or(0.0) * 100.0),
                format!("{} 5xx", h["errors_5xx"]),
            ),
            (
                "Cost".into(),
                format!("${:.2}", h["cost_usd"].as_f64().unwrap_or(0.0)),
                format!("{anomaly_count} anomalies"),
            ),
            (
                "Alerts".into(),
                alerts.len().to_string(),
                format!("{} SLOs missed", h["slos_missed"]),
            ),
            (
                "PII findings".into(),
                r.pii.count().to_string(),
                match r.pii.suppressed {
                    0 => format!("in {} lines", r.pii.records_affected()),
                    s => format!("in {} lines, {s} accepted", r.pii.records_affected()),
                },
            ),
            (
                "Failure cases".into(),
                r.review.cases.len().to_string(),
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
        "generated_at": crate::record::time::format_rfc3339(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_micros() as i64)
        ),
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
