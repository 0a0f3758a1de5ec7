//! `logwarden slo`: SLO compliance, error budgets and burn rates (`slo.csv`), alerts with
//! severity and owner (`alerts.csv`), and with `--compare` the release or stage comparison
//! (`compare.csv`).

use super::{check_skips, emit, note_left_out, sources, Common, Outcome};
use crate::analysis::slo::alerts::Alert;
use crate::analysis::slo::compare::CompareRow;
use crate::analysis::slo::config::Severity;
use crate::analysis::slo::objectives::ObjectiveRow;
use crate::analysis::slo::{Slo, SloPlan, SloReport};
use crate::analysis::Analysis;
use crate::output::{fmt_f64, fmt_opt, Table};
use crate::record::time::Micros;
use crate::record::Dim;
use crate::scan::scan;
use std::sync::Arc;

/// What `logwarden slo` was asked for beyond the common options.
#[derive(Debug, Clone)]
pub struct SloRequest {
    /// `--compare version|stage`.
    pub compare: Option<Dim>,
    /// `--min-severity`: the least urgent alert that counts for `--fail-on alerts`.
    pub min_severity: Severity,
}

/// Runs the SLO report.
pub fn run(common: &Common, req: &SloRequest) -> anyhow::Result<Outcome> {
    let sources = sources(common)?;
    let plan = Arc::new(SloPlan::new(&common.config, req.compare));
    let (acc, summary) = scan(&sources, &common.scan, || Slo::new(Arc::clone(&plan)))?;
    check_skips(common, &summary, super::Needs::Timestamps)?;
    let report = acc.finish();
    note_left_out(common, "slo", report.without_ts, "a timestamp");
    let slo = slo_table(&report.objectives);
    let alerts = alerts_table(&report.alerts);
    let mut files = vec![("slo.csv", &slo), ("alerts.csv", &alerts)];
    let compare = report.compare.as_ref().map(|c| compare_table(&c.rows));
    if let Some(c) = &compare {
        files.push(("compare.csv", c));
    }
    emit(common, &summary, &slo, &files)?;
    if !common.quiet {
        for note in report.compare.iter().flat_map(|c| &c.notes) {
            eprintln!("logwarden: slo: {note}");
        }
        eprintln!(
            "logwarden: slo: {}",
            alert_summary(&report, common.output.is_none())
        );
    }
    let fired = report
        .alerts
        .iter()
        .any(|a| a.severity.at_least(req.min_severity));
    Ok(Outcome {
        findings: false,
        alerts: fired,
    })
}

/// One stderr line: how many alerts of each severity, and where to find them.
fn alert_summary(report: &SloReport, to_stdout: bool) -> String {
    if report.alerts.is_empty() {
        return "no alerts".into();
    }
    let counts: Vec<String> = [Severity::P0, Severity::P1, Severity::P2, Severity::P3]
        .into_iter()
        .filter_map(|s| {
            let n = report.alerts.iter().filter(|a| a.severity == s).count();
            (n > 0).then(|| format!("{n} {}", s.name()))
        })
        .collect();
    let mut line = format!("{} alerts ({})", report.alerts.len(), counts.join(", "));
    if to_stdout {
        line.push_str("; write them to alerts.csv with -o DIR");
    }
    line
}

/// A time as the `from`/`to` columns write it (RFC 3339, UTC).
fn time(secs: i64) -> String {
    Micros::from_secs(secs).rfc3339()
}

/// `slo.csv`: the contract's columns, then `requests, bad, from, to, display_name, note`.
pub fn slo_table(rows: &[ObjectiveRow]) -> Table {
    let mut t = Table::new([
        "slo",
        "scope",
        "window",
        "objective",
        "target",
        "actual",
        "met",
        "error_budget_remaining",
        "burn_rate",
        "requests",
        "bad",
        "from",
        "to",
        "display_name",
        "note",
    ]);
    for r in rows {
        t.push(vec![
            r.slo.clone(),
            r.scope.clone(),
            r.window.clone(),
            r.objective.clone(),
            fmt_f64(r.target),
            fmt_opt(r.actual),
            r.met.map(|m| m.to_string()).unwrap_or_default(),
            fmt_opt(r.error_budget_remaining),
            fmt_opt(r.burn_rate),
            r.requests.to_string(),
            r.bad.map(|b| b.to_string()).unwrap_or_default(),
            time(r.from),
            time(r.to),
            r.display_name.clone(),
            r.note.clone(),
        ]);
    }
    t
}

/// `alerts.csv`: the contract's columns, then `window, slo, from, until, requests, bad,
/// p_value, note`.
pub fn alerts_table(rows: &[Alert]) -> Table {
    let mut t = Table::new([
        "bucket",
        "alert",
        "severity",
        "scope",
        "metric",
        "value",
        "threshold",
        "owner",
        "window",
        "slo",
        "from",
        "until",
        "requests",
        "bad",
        "p_value",
        "note",
    ]);
    for a in rows {
        t.push(vec![
            a.bucket.clone(),
            a.alert.to_string(),
            a.severity.name().to_string(),
            a.scope.clone(),
            a.metric.to_string(),
            fmt_f64(a.value),
            fmt_f64(a.threshold),
            a.owner.clone(),
            a.window.clone(),
            a.slo.clone(),
            time(a.from),
            time(a.until),
            a.requests.to_string(),
            a.bad.map(|b| b.to_string()).unwrap_or_default(),
            fmt_opt(a.p_value.map(round_p)),
            a.note.clone(),
        ]);
    }
    t
}

/// `compare.csv`: the contract's columns, then `p_value, test, current_n, previous_n,
/// relative_change, from, to, note`.
pub fn compare_table(rows: &[CompareRow]) -> Table {
    let mut t = Table::new([
        "dimension",
        "value",
        "baseline",
        "metric",
        "current",
        "previous",
        "change",
        "verdict",
        "p_value",
        "test",
        "current_n",
        "previous_n",
        "relative_change",
        "from",
        "to",
        "note",
    ]);
    for r in rows {
        t.push(vec![
            r.dimension.to_string(),
            r.value.clone(),
            r.baseline.clone(),
            r.metric.to_string(),
            fmt_opt(r.current),
            fmt_opt(r.previous),
            fmt_opt(r.change),
            r.verdict.name().to_string(),
            fmt_opt(r.p_value.map(round_p)),
            r.test.to_string(),
            r.current_n.to_string(),
            r.previous_n.to_string(),
            fmt_opt(r.relative_change),
            time(r.from),
            time(r.to),
            r.note.clone(),
        ]);
    }
    t
}

/// p-values to 12 decimals: plain decimals stay short, and anything below 5e-13 is 0.
fn round_p(x: f64) -> f64 {
    crate::output::round_to(x, 12)
}
