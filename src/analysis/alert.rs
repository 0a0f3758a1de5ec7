//! One alert model: SLO threshold and burn-rate alerts, cost anomalies and declining quality
//! trends are rows of one `Alert` type on one P0–P3 scale, collected in one `AlertList` that
//! `alerts.csv`, `--fail-on alerts`, `summary.json` and the index page all read.

use crate::analysis::cost::anomaly::{Anomaly, Direction, Rule};
use crate::analysis::cost::quality::QualityRow;
use crate::bucket::BucketKind;

pub use crate::analysis::slo::alert_config::Severity;

/// Where an alert came from; decides nothing about its severity, only how it is described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A threshold, outage or burn-rate alert of the SLO report.
    Slo,
    /// A cost anomaly (`cost_anomalies.csv`).
    Cost,
    /// A declining quality trend (`quality_trend.csv`).
    Quality,
}

/// One row of `alerts.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub source: Source,
    /// Hour, day or ISO-week label of when it started (`2026-11-23T14:00Z`, `2026-11-23`,
    /// `2026-W48`).
    pub bucket: String,
    /// `outage`, `success_rate_low`, `p95_high`, `daily_cost_high`, `burn_rate`, `cost_spike`,
    /// `cost_drop` or `quality_declining`.
    pub alert: &'static str,
    pub severity: Severity,
    pub scope: String,
    /// `success_rate`, `p95_ms`, `cost_usd`, `cost_per_request`, `burn_rate`, or a quality
    /// metric (`mean_confidence`, `negative_feedback_rate`).
    pub metric: &'static str,
    pub value: f64,
    pub threshold: f64,
    pub owner: String,
    /// `hour`, `day`, `week`, `60m` (outage) or the burn windows `1h/5m`.
    pub window: String,
    /// The objective a burn-rate alert is about.
    pub slo: String,
    /// When it fired, epoch seconds `[from, until)`.
    pub from: i64,
    pub until: i64,
    pub requests: u64,
    pub bad: Option<u64>,
    /// Chance of a breach this large from traffic that meets the threshold (threshold alerts).
    pub p_value: Option<f64>,
    pub note: String,
}

impl Alert {
    /// A cost anomaly as an alert: `cost_spike` or `cost_drop`, on the metric whose rule fired
    /// (spend, or cost per request when only that moved), its value against the baseline median.
    pub fn from_anomaly(a: &Anomaly) -> Alert {
        let (metric, value, threshold) = match (a.rule, a.cost_per_request) {
            (Rule::UnitCost, Some(unit)) => (
                "cost_per_request",
                unit,
                a.baseline_cost_per_request.unwrap_or(0.0),
            ),
            _ => ("cost_usd", a.cost_usd, a.baseline_usd),
        };
        let mut note = format!("{} vs baseline", a.direction.name());
        if !a.driver.is_empty() {
            note.push_str(&format!("; driver {}", a.driver));
            if !a.driver_detail.is_empty() {
                note.push_str(&format!(" ({})", a.driver_detail));
            }
        }
        Alert {
            source: Source::Cost,
            bucket: a.kind.label(a.bucket).to_string(),
            alert: match a.direction {
                Direction::Spike => "cost_spike",
                Direction::Drop => "cost_drop",
            },
            severity: a.severity,
            scope: a.scope(),
            metric,
            value,
            threshold,
            owner: a.owner.clone(),
            window: a.kind.name().to_string(),
            slo: String::new(),
            from: a.bucket,
            until: a.kind.next(a.bucket),
            requests: a.requests,
            bad: None,
            p_value: None,
            note,
        }
    }

    /// A declining quality trend as an alert: bucket the ISO week, value the week's level and
    /// threshold the level the trend window started from (the Sen's-slope line at its first
    /// day). `None` for a row that is not declining.
    pub fn from_quality(r: &QualityRow) -> Option<Alert> {
        if !r.declining {
            return None;
        }
        let test = r.test.as_ref()?;
        Some(Alert {
            source: Source::Quality,
            bucket: BucketKind::Week.label(r.week).to_string(),
            alert: "quality_declining",
            severity: r.severity.unwrap_or(Severity::P3),
            scope: r.scope(),
            metric: r.metric.name(),
            value: r.current,
            threshold: test.start_level,
            owner: r.owner.clone(),
            window: "week".to_string(),
            slo: String::new(),
            from: r.week,
            until: BucketKind::Week.next(r.week),
            requests: r.samples,
            bad: None,
            p_value: Some(test.q_value),
            note: format!(
                "{} declining over {} daily points",
                r.metric.name(),
                r.points
            ),
        })
    }
}

/// Every alert of a run, in the order `alerts.csv` lists them: SLO alerts, then cost
/// anomalies, then quality declines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertList {
    pub alerts: Vec<Alert>,
}

impl AlertList {
    /// Adds alerts at the end.
    pub fn extend(&mut self, alerts: impl IntoIterator<Item = Alert>) {
        self.alerts.extend(alerts);
    }

    /// Adds the cost anomalies.
    pub fn extend_anomalies(&mut self, anomalies: &[Anomaly]) {
        self.extend(anomalies.iter().map(Alert::from_anomaly));
    }

    /// Adds the declining quality trends.
    pub fn extend_quality(&mut self, rows: &[QualityRow]) {
        self.extend(rows.iter().filter_map(Alert::from_quality));
    }

    pub fn len(&self) -> usize {
        self.alerts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
    }

    /// True when an alert at least as urgent as `min` fired: what `--fail-on alerts` tests.
    pub fn fires(&self, min: Severity) -> bool {
        self.alerts.iter().any(|a| a.severity.at_least(min))
    }

    /// How many alerts of each severity, P0 first.
    pub fn by_severity(&self) -> [(Severity, usize); 4] {
        [Severity::P0, Severity::P1, Severity::P2, Severity::P3]
            .map(|s| (s, self.alerts.iter().filter(|a| a.severity == s).count()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(severity: Severity) -> Alert {
        Alert {
            source: Source::Slo,
            bucket: "2026-11-23".into(),
            alert: "outage",
            severity,
            scope: "all".into(),
            metric: "success_rate",
            value: 0.0,
            threshold: 0.5,
            owner: "Platform".into(),
            window: "60m".into(),
            slo: String::new(),
            from: 0,
            until: 3600,
            requests: 10,
            bad: Some(10),
            p_value: None,
            note: String::new(),
        }
    }

    #[test]
    fn fires_counts_only_alerts_at_or_above_the_minimum() {
        let mut list = AlertList::default();
        assert!(!list.fires(Severity::P3));
        list.extend([alert(Severity::P2)]);
        assert!(list.fires(Severity::P3));
        assert!(list.fires(Severity::P2));
        assert!(!list.fires(Severity::P1));
        list.extend([alert(Severity::P0)]);
        assert!(list.fires(Severity::P0));
        assert_eq!(
            list.by_severity().map(|(_, n)| n),
            [1, 0, 1, 0],
            "one P0 and one P2"
        );
    }
}
