//! `logwarden cost`: spend per bucket and dimension (`cost.csv`), cost anomalies, the month-end
//! forecast and quality drift, from one scan.

use super::{check_skips, emit, note_left_out, sources, Common, Outcome};
use crate::analysis::alert::{AlertList, Severity};
use crate::analysis::cost::anomaly::{find_anomalies, Anomaly};
use crate::analysis::cost::forecast::{forecast, ForecastRow};
use crate::analysis::cost::quality::{quality_trend, QualityRow};
use crate::analysis::cost::table::cost_rows;
use crate::analysis::cost::{CostAnalysis, CostReport, NEGATIVE_BELOW};
use crate::analysis::group::GroupSpec;
use crate::analysis::Analysis;
use crate::bucket::BucketKind;
use crate::config::Config;
use crate::output::{fmt_f64, fmt_opt, Table};
use crate::scan::scan;
use crate::skip::thousands;

/// The four tables of the cost report.
#[derive(Debug, Clone)]
pub struct CostTables {
    pub cost: Table,
    pub anomalies: Table,
    pub forecast: Table,
    pub quality: Table,
    /// The anomalies and declining quality trends as alerts, in `alerts.csv` order: what
    /// `--fail-on alerts` tests and what `report` adds to the SLO alerts.
    pub alerts: AlertList,
}

impl CostTables {
    /// Derives every table from a finished cost fold.
    pub fn build(report: &CostReport, config: &Config) -> CostTables {
        let anomalies = find_anomalies(report, &config.cost, &config.owners);
        let daily: Vec<(i64, f64)> = report
            .daily_total
            .iter()
            .map(|(d, s)| (*d, s.cost.cost_usd()))
            .collect();
        let forecast_rows = report.span.map_or_else(Vec::new, |span| {
            forecast(
                &daily,
                span,
                config.alerts.monthly_budget_usd,
                config.cost.run_rate_days,
            )
        });
        let quality_rows = quality_trend(report, &config.quality, &config.owners);
        let mut alerts = AlertList::default();
        alerts.extend_anomalies(&anomalies);
        alerts.extend_quality(&quality_rows);
        CostTables {
            cost: cost_table(report),
            anomalies: anomalies_table(&anomalies),
            forecast: forecast_table(&forecast_rows),
            quality: quality_table(&quality_rows),
            alerts,
        }
    }
}

/// Runs the cost report.
pub fn run(common: &Common, by: GroupSpec) -> anyhow::Result<Outcome> {
    let sources = sources(common)?;
    let (acc, summary) = scan(&sources, &common.scan, || {
        CostAnalysis::new(by.clone(), NEGATIVE_BELOW)
    })?;
    check_skips(common, &summary, super::Needs::Timestamps)?;
    let report = acc.finish();
    note_left_out(common, "cost", report.without_ts, "a timestamp");
    if !common.quiet {
        if let Some(line) = unpriced_note(&report) {
            eprintln!("logwarden: {line}");
        }
    }
    let tables = CostTables::build(&report, &common.config);
    emit(
        common,
        &summary,
        &tables.cost,
        &[
            ("cost.csv", &tables.cost),
            ("cost_anomalies.csv", &tables.anomalies),
            ("cost_forecast.csv", &tables.forecast),
            ("quality_trend.csv", &tables.quality),
        ],
    )?;
    Ok(Outcome {
        findings: false,
        // Every anomaly and decline counts: `cost` has no --min-severity.
        alerts: tables.alerts.fires(Severity::P3),
    })
}

/// The stderr line about requests that have neither a logged cost nor a price, per model, so
/// a total that looks cheap is never silently missing spend.
pub fn unpriced_note(report: &CostReport) -> Option<String> {
    let by_model = report.unpriced_by_model();
    let unpriced: u64 = by_model.iter().map(|(_, n)| n).sum();
    if unpriced == 0 {
        return None;
    }
    let requests: u64 = report
        .daily_total
        .iter()
        .map(|(_, s)| s.cost.requests)
        .sum();
    const SHOWN: usize = 8;
    let mut models: Vec<String> = by_model
        .iter()
        .take(SHOWN)
        .map(|(m, n)| {
            let name = if m.is_empty() { "(no model)" } else { m };
            format!("{name} {}", thousands(*n))
        })
        .collect();
    if by_model.len() > SHOWN {
        models.push(format!("and {} more models", by_model.len() - SHOWN));
    }
    Some(format!(
        "cost: {} of {} requests are unpriced (no cost_usd, and no [prices] entry or no token counts) and count as 0 USD: {}; add their prices under [prices] in logwarden.toml",
        thousands(unpriced),
        thousands(requests),
        models.join(", ")
    ))
}

/// Rounds a ratio or score for reading (4 decimals).
fn round4(x: f64) -> f64 {
    crate::output::round_to(x, 4)
}

/// Rounds a USD amount to a nano-dollar, hiding float noise from summing days.
fn round9(x: f64) -> f64 {
    crate::output::round_to(x, 9)
}

/// Rounds a level or slope for reading (6 decimals).
fn round6(x: f64) -> f64 {
    crate::output::round_to(x, 6)
}

/// `cost.csv`: bucket, the `--by` dimensions, then the cost columns.
pub fn cost_table(report: &CostReport) -> Table {
    let mut cols = vec!["bucket".to_string()];
    cols.extend(report.spec.dims.iter().map(|d| d.name().to_string()));
    cols.extend(
        [
            "requests",
            "tokens_in",
            "tokens_out",
            "cost_usd",
            "cost_per_request",
            "cost_per_1k_tokens",
            "share_of_total",
            "change_vs_previous",
            "unpriced_requests",
            "priced_requests",
        ]
        .map(String::from),
    );
    let mut t = Table::new(cols);
    for r in cost_rows(report) {
        let mut row = vec![report.spec.bucket.label(r.key.bucket).to_string()];
        row.extend(r.key.dims.iter().map(|d| d.clone().unwrap_or_default()));
        row.extend([
            r.requests.to_string(),
            r.tokens_in.to_string(),
            r.tokens_out.to_string(),
            fmt_f64(r.cost_usd),
            fmt_opt(r.cost_per_request),
            fmt_opt(r.cost_per_1k_tokens),
            fmt_opt(r.share_of_total),
            fmt_opt(r.change_vs_previous),
            r.unpriced_requests.to_string(),
            r.priced_requests.to_string(),
        ]);
        t.push(row);
    }
    t
}

/// `cost_anomalies.csv`.
pub fn anomalies_table(anomalies: &[Anomaly]) -> Table {
    let mut t = Table::new([
        "bucket",
        "scope",
        "dimension",
        "value",
        "cost_usd",
        "baseline_usd",
        "ratio",
        "z_score",
        "driver",
        "driver_detail",
        "severity",
        "owner",
        "direction",
        "rule",
        "requests",
        "baseline_requests",
        "cost_per_request",
        "baseline_cost_per_request",
        "unit_ratio",
        "unit_z_score",
        "baseline_from",
        "baseline_to",
        "baseline_buckets",
    ]);
    for a in anomalies {
        t.push(vec![
            a.kind.label(a.bucket).to_string(),
            a.scope(),
            a.dim.map(|d| d.name().to_string()).unwrap_or_default(),
            a.value.clone().unwrap_or_default(),
            fmt_f64(a.cost_usd),
            fmt_f64(a.baseline_usd),
            fmt_f64(round4(a.ratio)),
            fmt_opt(a.z_score.map(round4)),
            a.driver.clone(),
            a.driver_detail.clone(),
            a.severity.name().to_string(),
            a.owner.clone(),
            a.direction.name().to_string(),
            a.rule.name().to_string(),
            a.requests.to_string(),
            fmt_f64(a.baseline_requests),
            fmt_opt(a.cost_per_request),
            fmt_opt(a.baseline_cost_per_request),
            fmt_opt(a.unit_ratio.map(round4)),
            fmt_opt(a.unit_z_score.map(round4)),
            a.kind.label(a.baseline_from).to_string(),
            a.kind.label(a.baseline_to).to_string(),
            a.baseline_buckets.to_string(),
        ]);
    }
    t
}

/// `cost_forecast.csv`.
pub fn forecast_table(rows: &[ForecastRow]) -> Table {
    let day = |d: i64| BucketKind::Day.label(d).to_string();
    let mut t = Table::new([
        "month",
        "first_day",
        "last_day",
        "days_in_month",
        "month_to_date_usd",
        "complete_through",
        "run_rate_usd_per_day",
        "run_rate_days",
        "remaining_days",
        "projected_usd",
        "budget_usd",
        "projected_overrun_usd",
        "budget_runs_out_on",
        "status",
    ]);
    for r in rows {
        t.push(vec![
            BucketKind::Month.label(r.month).to_string(),
            day(r.first_day),
            day(r.last_day),
            r.days_in_month.to_string(),
            fmt_f64(round9(r.month_to_date_usd)),
            r.complete_through.map(day).unwrap_or_default(),
            fmt_opt(r.run_rate_usd_per_day.map(round9)),
            r.run_rate_days.to_string(),
            r.remaining_days.to_string(),
            fmt_opt(r.projected_usd.map(round9)),
            fmt_opt(r.budget_usd),
            fmt_opt(r.projected_overrun_usd.map(round9)),
            r.budget_runs_out_on.map(day).unwrap_or_default(),
            r.status.name().to_string(),
        ]);
    }
    t
}

/// `quality_trend.csv`.
pub fn quality_table(rows: &[QualityRow]) -> Table {
    let day = |d: i64| BucketKind::Day.label(d).to_string();
    let mut t = Table::new([
        "week",
        "dimension",
        "value",
        "metric",
        "current",
        "samples",
        "window_from",
        "window_to",
        "points",
        "start_level",
        "slope_per_week",
        "change",
        "mk_z",
        "p_value",
        "q_value",
        "trend",
        "flag",
        "severity",
        "owner",
    ]);
    for r in rows {
        let test = r.test.as_ref();
        t.push(vec![
            BucketKind::Week.label(r.week).to_string(),
            r.dim.name().to_string(),
            r.value.clone().unwrap_or_default(),
            r.metric.name().to_string(),
            fmt_f64(round6(r.current)),
            r.samples.to_string(),
            day(r.window_from),
            day(r.window_to),
            r.points.to_string(),
            fmt_opt(test.map(|t| round6(t.start_level))),
            fmt_opt(test.map(|t| round6(t.slope_per_week))),
            fmt_opt(test.map(|t| round6(t.change))),
            fmt_opt(test.map(|t| round4(t.mk_z))),
            fmt_opt(test.map(|t| t.p_value)),
            fmt_opt(test.map(|t| t.q_value)),
            test.map(|t| t.trend.name().to_string()).unwrap_or_default(),
            if r.declining { "declining" } else { "" }.to_string(),
            r.severity.map(|s| s.name().to_string()).unwrap_or_default(),
            r.owner.clone(),
        ]);
    }
    t
}
