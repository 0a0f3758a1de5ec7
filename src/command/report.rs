//! `logwarden report`: every analysis from ONE scan of the input, for cron: all the report
//! files, `summary.json` and `index.html` under `-o DIR`, replaced atomically together.

use super::cost::{unpriced_note, CostTables};
use super::pii::{classes_table, findings_table, summary_table, PiiSetup};
use super::sli::sli_table;
use super::slo::{alerts_table, compare_table, slo_table};
use super::{check_skips, skipped_table, sources, Common, Outcome};
use crate::analysis::all::{AllAnalyses, AllReports};
use crate::analysis::group::GroupSpec;
use crate::analysis::pii::DataClass;
use crate::analysis::slo::config::Severity;
use crate::analysis::slo::SloPlan;
use crate::analysis::Analysis;
use crate::output::{OutputSet, Table};
use crate::record::Dim;
use crate::scan::{scan, ScanSummary};
use anyhow::bail;
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
}

/// Runs every analysis in one scan and writes every file.
pub fn run(req: &ReportRequest) -> anyhow::Result<Outcome> {
    let common = &req.common;
    let Some(dir) = &common.output else {
        bail!("report needs -o DIR (it writes a folder of files)");
    };
    let setup = PiiSetup::new(&common.config.pii)?;
    let pii_ctx = setup.context();
    let sources = sources(common)?;
    let slo_plan = Arc::new(SloPlan::new(&common.config, Some(Dim::Version)));
    let (acc, summary) = scan(&sources, &common.scan, || {
        AllAnalyses::new(&req.by, &pii_ctx, &slo_plan)
    })?;
    check_skips(common, &summary)?;
    let reports = acc.finish();
    if !common.quiet {
        eprintln!("logwarden: {}", super::pii::paragraph(&reports.pii));
        if let Some(line) = unpriced_note(&reports.cost) {
            eprintln!("logwarden: {line}");
        }
    }
    let cost = CostTables::build(&reports.cost, &common.config);
    let mut alerts = alerts_table(&reports.slo.alerts);
    // Declining quality trends are alerts too: same leading columns, the rest left empty.
    for a in &cost.quality_alerts {
        let mut row = vec![
            a.bucket.clone(),
            a.alert.clone(),
            a.severity.name().to_string(),
            a.scope.clone(),
            a.metric.clone(),
            crate::output::fmt_f64(a.value),
            crate::output::fmt_f64(a.threshold),
            a.owner.clone(),
        ];
        row.resize(alerts.columns.len(), String::new());
        alerts.push(row);
    }
    let mut tables: Vec<(&str, Table)> = vec![
        ("sli.csv", sli_table(&reports.sli)),
        ("slo.csv", slo_table(&reports.slo.objectives)),
        ("alerts.csv", alerts),
        ("cost.csv", cost.cost.clone()),
        ("cost_anomalies.csv", cost.anomalies.clone()),
        ("cost_forecast.csv", cost.forecast.clone()),
        ("quality_trend.csv", cost.quality.clone()),
        (
            "pii_findings.csv",
            findings_table(&reports.pii, &summary.files),
        ),
        ("pii_summary.csv", summary_table(&reports.pii)),
        ("pii_classes.csv", classes_table(&reports.pii)),
        ("skipped.csv", skipped_table(&summary)),
    ];
    if let Some(c) = &reports.slo.compare {
        tables.push(("compare.csv", compare_table(&c.rows)));
    }
    let mut set = OutputSet::new();
    for (name, t) in &tables {
        set.add(&dir.join(name), &t.to_csv())?;
    }
    let files: Vec<&str> = tables.iter().map(|(n, _)| *n).collect();
    let summary_json = summary_json(common, &summary, &reports, &files);
    set.add(
        &dir.join("summary.json"),
        serde_json::to_string_pretty(&summary_json)?.as_bytes(),
    )?;
    set.commit()?;
    Ok(Outcome {
        findings: !reports.pii.findings.is_empty(),
        alerts: reports
            .slo
            .alerts
            .iter()
            .any(|a| a.severity.at_least(req.min_severity)),
    })
}

/// `summary.json`: headline figures, counts, skipped lines, versions, timing and the config.
fn summary_json(
    common: &Common,
    scan: &ScanSummary,
    r: &AllReports,
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
    let alerts_by_severity: serde_json::Map<String, serde_json::Value> =
        [Severity::P0, Severity::P1, Severity::P2, Severity::P3]
            .iter()
            .map(|s| {
                (
                    s.name().to_string(),
                    json!(r.slo.alerts.iter().filter(|a| a.severity == *s).count()),
                )
            })
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
            "elapsed_seconds": scan.elapsed.as_secs_f64(),
            "threads": common.scan.threads,
        },
        "headline": {
            "requests": total.0,
            "success_rate": if total.0 > 0 { total.1 as f64 / total.0 as f64 } else { 0.0 },
            "errors_5xx": total.2,
            "cost_usd": total.3,
            "days": r.daily.rows.len(),
            "records_without_ts": r.sli.without_ts,
            "alerts": r.slo.alerts.len(),
            "alerts_by_severity": alerts_by_severity,
            "slos_missed": r.slo.objectives.iter().filter(|o| o.met == Some(false)).count(),
        },
        "pii": {
            "findings": r.pii.findings.len(),
            "records_affected": r.pii.records_affected(),
            "by_type": r.pii.by_type().into_iter().map(|(k, v)| (k, json!(v))).collect::<serde_json::Map<_, _>>(),
            "classes": classes,
        },
        "files": files,
        "config_file": common.config.source.as_ref().map(|(p, _)| p.clone()),
        "config": common.config.source.as_ref().map(|(_, t)| serde_json::to_value(t).unwrap_or_default()),
    })
}
