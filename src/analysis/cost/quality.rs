//! Quality drift (`quality_trend.csv`): weekly success rate, mean confidence and negative-feedback
//! rate per model and per release, each with a Mann-Kendall trend test over the daily values of
//! the last N weeks, flagged `declining` when the metric significantly worsens; plus the alert
//! rows the SLO and report layer append to `alerts.csv`.

use super::anomaly::Severity;
use super::stats::QualityStats;
use super::trend::{benjamini_hochberg, mann_kendall, sen_slope};
use super::{CostReport, QualityConfig};
use crate::bucket::BucketKind;
use crate::config::Owners;
use crate::record::time::DAY_SECS as DAY;
use crate::record::Dim;
use std::collections::BTreeMap;

/// A quality metric of `quality_trend.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    SuccessRate,
    MeanConfidence,
    NegativeFeedbackRate,
}

impl Metric {
    pub const ALL: [Metric; 3] = [
        Metric::SuccessRate,
        Metric::MeanConfidence,
        Metric::NegativeFeedbackRate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::SuccessRate => "success_rate",
            Metric::MeanConfidence => "mean_confidence",
            Metric::NegativeFeedbackRate => "negative_feedback_rate",
        }
    }

    /// True when a rising value is an improvement.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Metric::NegativeFeedbackRate)
    }

    /// The metric's value and the number of observations behind it; `None` without any.
    pub fn of(self, q: &QualityStats) -> Option<(f64, u64)> {
        let (num, den) = match self {
            Metric::SuccessRate => (q.success as f64, q.requests),
            Metric::MeanConfidence => (q.confidence_sum.value(), q.confidence_n),
            Metric::NegativeFeedbackRate => (q.negative as f64, q.feedback),
        };
        (den > 0).then(|| ((num / den as f64).clamp(0.0, 1.0), den))
    }

    /// Who owns a decline: errors are the platform's, answer quality the model owner's.
    pub fn owner(self, owners: &Owners) -> &str {
        match self {
            Metric::SuccessRate => &owners.infra,
            Metric::MeanConfidence | Metric::NegativeFeedbackRate => &owners.model,
        }
    }
}

/// The direction of a significant trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Up,
    Down,
    /// No significant trend.
    Flat,
}

impl Trend {
    pub fn name(self) -> &'static str {
        match self {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Flat => "flat",
        }
    }
}

/// The trend test of one window.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendTest {
    /// The Sen's-slope line at the first tested day (the level the window started from).
    pub start_level: f64,
    pub slope_per_week: f64,
    /// The line's change from the first to the last tested day.
    pub change: f64,
    pub mk_z: f64,
    pub p_value: f64,
    /// The p-value adjusted for every series tested in the same week (Benjamini-Hochberg).
    pub q_value: f64,
    /// Up or down when `q_value` is below α.
    pub trend: Trend,
}

/// One row of `quality_trend.csv`: a metric of one model or release in one ISO week.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityRow {
    pub week: i64,
    pub dim: Dim,
    pub value: Option<String>,
    pub metric: Metric,
    /// The week's value and its number of observations.
    pub current: f64,
    pub samples: u64,
    /// The trend window: first and last day (starts, epoch seconds).
    pub window_from: i64,
    pub window_to: i64,
    /// Days in the window with enough observations to be a point of the test.
    pub points: usize,
    /// `None` when the window has too few daily points to test.
    pub test: Option<TrendTest>,
    /// True when the metric worsens significantly by at least `min_change`.
    pub declining: bool,
    pub severity: Option<Severity>,
    pub owner: String,
}

impl QualityRow {
    /// `model=gpt-4o-mini`, as in `alerts.csv`.
    pub fn scope(&self) -> String {
        format!(
            "{}={}",
            self.dim.name(),
            self.value.as_deref().unwrap_or("(none)")
        )
    }
}

/// Computes `quality_trend.csv`: per model and per version, per ISO week with data, the three
/// metrics and the trend test over the daily values of the `cfg.weeks` weeks ending with it.
pub fn quality_trend(report: &CostReport, cfg: &QualityConfig, owners: &Owners) -> Vec<QualityRow> {
    let mut out = Vec::new();
    for dim in [Dim::Model, Dim::Version] {
        let Some(rows) = report.daily(dim) else {
            continue;
        };
        let mut by_value: BTreeMap<Option<&str>, Vec<(i64, &QualityStats)>> = BTreeMap::new();
        for (key, s) in rows {
            let value = key.dims.first().and_then(|v| v.as_deref());
            by_value
                .entry(value)
                .or_default()
                .push((key.bucket, &s.quality));
        }
        for (value, days) in by_value {
            series_rows(dim, value, &days, cfg, owners, &mut out);
        }
    }
    // Absent values (records without a model or version) sort last.
    out.sort_by(|a, b| {
        (a.week, a.dim, a.value.is_none(), &a.value, a.metric).cmp(&(
            b.week,
            b.dim,
            b.value.is_none(),
            &b.value,
            b.metric,
        ))
    });
    for week in out.chunk_by_mut(|a, b| a.week == b.week) {
        judge_week(week, cfg);
    }
    out
}

/// Adjusts the p-values of one week's tests for their number, then sets each row's trend and
/// its `declining` flag: a significant worsening of at least `min_change` across the window.
fn judge_week(rows: &mut [QualityRow], cfg: &QualityConfig) {
    let p: Vec<f64> = rows
        .iter()
        .filter_map(|r| r.test.as_ref().map(|t| t.p_value))
        .collect();
    let mut q = benjamini_hochberg(&p).into_iter();
    for r in rows.iter_mut() {
        let Some(t) = r.test.as_mut() else {
            continue;
        };
        t.q_value = q.next().unwrap_or(1.0);
        t.trend = match (t.q_value < cfg.alpha, t.mk_z < 0.0) {
            (false, _) => Trend::Flat,
            (true, true) => Trend::Down,
            (true, false) => Trend::Up,
        };
        let worse = if r.metric.higher_is_better() {
            Trend::Down
        } else {
            Trend::Up
        };
        r.declining = t.trend == worse && t.change.abs() >= cfg.min_change;
        r.severity = r.declining.then(|| {
            // A decline of five times the minimum (five points by default) is a P2.
            if t.change.abs() >= 5.0 * cfg.min_change.max(0.01) {
                Severity::P2
            } else {
                Severity::P3
            }
        });
    }
}

/// The rows of one model or release, `days` ascending.
fn series_rows(
    dim: Dim,
    value: Option<&str>,
    days: &[(i64, &QualityStats)],
    cfg: &QualityConfig,
    owners: &Owners,
    out: &mut Vec<QualityRow>,
) {
    let mut weeks: Vec<i64> = days
        .iter()
        .map(|&(d, _)| BucketKind::Week.start_of_secs(d))
        .collect();
    weeks.dedup();
    let window_days = cfg.weeks as i64 * 7;
    for week in weeks {
        let week_end = BucketKind::Week.next(week);
        let mut weekly = QualityStats::default();
        for (_, q) in days.iter().filter(|(d, _)| (week..week_end).contains(d)) {
            weekly.combine((*q).clone());
        }
        let window_from = week_end - window_days * DAY;
        let in_window: Vec<&(i64, &QualityStats)> = days
            .iter()
            .filter(|(d, _)| (window_from..week_end).contains(d))
            .collect();
        for metric in Metric::ALL {
            let Some((current, samples)) = metric.of(&weekly) else {
                continue;
            };
            let (ts, xs): (Vec<f64>, Vec<f64>) = in_window
                .iter()
                .filter_map(|(d, q)| {
                    metric
                        .of(q)
                        .filter(|&(_, n)| n >= cfg.min_daily_samples)
                        .map(|(x, _)| (((d - window_from) / DAY) as f64, x))
                })
                .unzip();
            let test = (xs.len() >= cfg.min_points)
                .then(|| run_test(&ts, &xs))
                .flatten();
            out.push(QualityRow {
                week,
                dim,
                value: value.map(str::to_string),
                metric,
                current,
                samples,
                window_from,
                window_to: week_end - DAY,
                points: xs.len(),
                test,
                declining: false,
                severity: None,
                owner: metric.owner(owners).to_string(),
            });
        }
    }
}

/// Mann-Kendall and Sen's slope over daily points (`ts` in days from the window start); the
/// q-value and trend are set once the whole week's tests are known.
fn run_test(ts: &[f64], xs: &[f64]) -> Option<TrendTest> {
    let mk = mann_kendall(xs)?;
    let slope = sen_slope(ts, xs)?;
    let mut residuals: Vec<f64> = ts.iter().zip(xs).map(|(t, x)| x - slope * t).collect();
    let intercept = super::baseline::median(&mut residuals)?;
    let (first, last) = (ts.first()?, ts.last()?);
    Some(TrendTest {
        start_level: intercept + slope * first,
        slope_per_week: slope * 7.0,
        change: slope * (last - first),
        mk_z: mk.z,
        p_value: mk.p_value,
        q_value: mk.p_value,
        trend: Trend::Flat,
    })
}

#[cfg(test)]
#[path = "quality_tests.rs"]
mod tests;
