//! `slo.csv`: each objective judged per scope and window (rolling N days ending at the last
//! timestamp, calendar months, ISO weeks): actual vs target, error budget left, burn rate.

use super::config::{Objective, ObjectiveKind, TimeWindow};
use super::timeline::{Series, Totals};
use super::{DataSpan, SLOTS_PER_DAY, SLOT_SECS};
use crate::bucket::BucketKind;

/// One row of `slo.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveRow {
    pub slo: String,
    pub display_name: String,
    pub scope: String,
    /// `30d`, `2026-11` or `2026-W47`.
    pub window: String,
    pub objective: String,
    /// The required fraction of good events, or the budget in USD.
    pub target: f64,
    /// The fraction of good events, or the spend in USD; `None` with nothing to measure.
    pub actual: Option<f64>,
    /// `None` when there was too little traffic to judge.
    pub met: Option<bool>,
    /// Fraction of the allowed bad events (or of the budget) left, in [0, 1].
    pub error_budget_remaining: Option<f64>,
    /// How fast the budget burned: 1 spends exactly the budget over the window.
    pub burn_rate: Option<f64>,
    /// Events the objective counts (requests, or requests with a latency).
    pub requests: u64,
    pub bad: Option<u64>,
    /// The window in epoch seconds, `[from, to)`.
    pub from: i64,
    pub to: i64,
    pub note: String,
}

/// One window instance: its label and slot range.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowInstance {
    pub label: String,
    pub from_slot: i64,
    pub to_slot: i64,
}

/// The windows of kind `w` that the data touches, in time order.
pub fn window_instances(w: TimeWindow, span: &DataSpan) -> Vec<WindowInstance> {
    let last = span.last_ts.secs();
    let calendar = |kind: BucketKind| {
        let mut out = Vec::new();
        let mut start = kind.start(span.first_ts);
        while start <= last {
            let next = kind.next(start);
            out.push(WindowInstance {
                label: kind.label(start).to_string(),
                from_slot: start / SLOT_SECS,
                to_slot: next / SLOT_SECS,
            });
            start = next;
        }
        out
    };
    match w {
        TimeWindow::Rolling { days } => {
            let to_slot = last.div_euclid(SLOT_SECS) + 1;
            vec![WindowInstance {
                label: w.to_string(),
                from_slot: to_slot - i64::from(days) * SLOTS_PER_DAY as i64,
                to_slot,
            }]
        }
        TimeWindow::Month => calendar(BucketKind::Month),
        TimeWindow::Week => calendar(BucketKind::Week),
    }
}

/// Judges `objective` on every series of its scopes and every window instance.
pub fn evaluate(
    objective: &Objective,
    series: &[&Series],
    span: &DataSpan,
    thresholds: &[f64],
    min_requests: u64,
) -> Vec<ObjectiveRow> {
    let windows = window_instances(objective.window, span);
    let mut rows = Vec::new();
    for s in series {
        for w in &windows {
            let totals = s.sum(w.from_slot, w.to_slot);
            if totals.requests == 0 {
                continue;
            }
            let mut row = judge(objective, &totals, thresholds, min_requests);
            row.scope = s.label();
            row.window = w.label.clone();
            row.from = w.from_slot * SLOT_SECS;
            row.to = w.to_slot * SLOT_SECS;
            let covered = coverage(w, span);
            if covered < 1.0 {
                if let ObjectiveKind::Cost { budget_usd } = objective.kind {
                    // Judge the pace: spend so far against the budget of the covered part.
                    row.burn_rate = Some(round9(totals.cost_usd / (budget_usd * covered)));
                }
                let percent = (covered * 100.0).floor();
                let note = if percent < 1.0 {
                    "data covers less than 1% of this window".to_string()
                } else {
                    format!("data covers {percent:.0}% of this window")
                };
                row.note = join_notes(&row.note, &note);
            }
            rows.push(row);
        }
    }
    rows
}

/// The fraction of window `w` that lies within the data's time span.
fn coverage(w: &WindowInstance, span: &DataSpan) -> f64 {
    let data_from = span.first_ts.secs().div_euclid(SLOT_SECS);
    let data_to = span.last_ts.secs().div_euclid(SLOT_SECS) + 1;
    let lo = w.from_slot.max(data_from);
    let hi = w.to_slot.min(data_to);
    ((hi - lo).max(0) as f64 / (w.to_slot - w.from_slot) as f64).clamp(0.0, 1.0)
}

/// Rounds a ratio to 9 decimals, so 0.01179 / 0.005 prints as 2.358, not 2.357999999999998.
fn round9(x: f64) -> f64 {
    crate::output::round_to(x, 9)
}

fn join_notes(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

/// Judges one objective on the totals of one window (scope and window filled in by the
/// caller).
pub fn judge(
    objective: &Objective,
    t: &Totals,
    thresholds: &[f64],
    min_requests: u64,
) -> ObjectiveRow {
    let mut row = ObjectiveRow {
        slo: objective.name.clone(),
        display_name: objective.display_name.clone(),
        scope: String::new(),
        window: String::new(),
        objective: objective.describe(),
        target: 0.0,
        actual: None,
        met: None,
        error_budget_remaining: None,
        burn_rate: None,
        requests: t.requests,
        bad: None,
        from: 0,
        to: 0,
        note: String::new(),
    };
    let (target, total, bad) = match objective.kind {
        ObjectiveKind::Cost { budget_usd } => {
            row.target = budget_usd;
            row.actual = Some(t.cost_usd);
            row.met = Some(t.cost_usd <= budget_usd);
            row.error_budget_remaining =
                Some(round9((1.0 - t.cost_usd / budget_usd).clamp(0.0, 1.0)));
            row.burn_rate = Some(round9(t.cost_usd / budget_usd));
            return row;
        }
        ObjectiveKind::SuccessRate { target } => (target, t.requests, t.failed()),
        ObjectiveKind::Latency {
            threshold_ms,
            target,
        } => {
            let i = thresholds
                .iter()
                .position(|&x| x == threshold_ms)
                .unwrap_or(0);
            (target, t.with_latency, t.slower[i])
        }
    };
    row.target = target;
    row.requests = total;
    if total == 0 {
        row.note = "no request with a latency".into();
        return row;
    }
    row.bad = Some(bad);
    let bad_fraction = bad as f64 / total as f64;
    row.actual = Some(1.0 - bad_fraction);
    if total < min_requests {
        row.note =
            format!("too little traffic to judge: {total} requests < min_requests {min_requests}");
        return row;
    }
    let allowed = 1.0 - target;
    row.met = Some(1.0 - bad_fraction >= target);
    row.error_budget_remaining = Some(round9(
        (1.0 - bad as f64 / (allowed * total as f64)).clamp(0.0, 1.0),
    ));
    row.burn_rate = Some(round9(bad_fraction / allowed));
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::slo::config::Scope;
    use crate::analysis::slo::timeline::SlotCounts;
    use crate::record::time::{Micros, DAY_SECS};

    fn objective(kind: ObjectiveKind, window: TimeWindow) -> Objective {
        Objective {
            name: "o".into(),
            display_name: "o".into(),
            kind,
            window,
            scopes: vec![Scope::All],
        }
    }

    fn totals(requests: u64, success: u64) -> Totals {
        Totals {
            requests,
            success,
            with_latency: requests,
            ..Totals::default()
        }
    }

    #[test]
    fn error_budget_and_burn_rate() {
        let o = objective(
            ObjectiveKind::SuccessRate { target: 0.99 },
            TimeWindow::Month,
        );
        // 10,000 requests allow 100 failures; 25 failed: a quarter spent, burn 0.25.
        let r = judge(&o, &totals(10_000, 9_975), &[], 20);
        assert_eq!(r.met, Some(true));
        assert!((r.error_budget_remaining.unwrap() - 0.75).abs() < 1e-12);
        assert!((r.burn_rate.unwrap() - 0.25).abs() < 1e-12);
        assert!((r.actual.unwrap() - 0.9975).abs() < 1e-12);
        // 300 failures: three budgets spent; nothing left (never negative), burn 3.
        let r = judge(&o, &totals(10_000, 9_700), &[], 20);
        assert_eq!(r.met, Some(false));
        assert_eq!(r.error_budget_remaining, Some(0.0));
        assert!((r.burn_rate.unwrap() - 3.0).abs() < 1e-12);
        // Too little traffic: measured, not judged, and the note says why.
        let r = judge(&o, &totals(5, 0), &[], 20);
        assert_eq!((r.met, r.burn_rate), (None, None));
        assert_eq!(r.actual, Some(0.0));
        assert!(
            r.note.contains("5 requests < min_requests 20"),
            "{}",
            r.note
        );
    }

    #[test]
    fn latency_counts_slow_requests_as_bad() {
        let o = objective(
            ObjectiveKind::Latency {
                threshold_ms: 3000.0,
                target: 0.95,
            },
            TimeWindow::Month,
        );
        let mut t = totals(1000, 1000);
        t.slower[1] = 100;
        let r = judge(&o, &t, &[5000.0, 3000.0], 20);
        assert_eq!(r.bad, Some(100));
        assert_eq!(r.met, Some(false));
        assert!((r.burn_rate.unwrap() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn windows_and_cost_pace() {
        // Data from 2026-11-16 to 2026-12-03 12:00.
        let day = DAY_SECS;
        let first = crate::record::time::days_from_civil(2026, 11, 16) * day;
        let span = DataSpan {
            first_ts: Micros::from_secs(first),
            last_ts: Micros::from_secs(first + 17 * day + day / 2),
        };
        let months = window_instances(TimeWindow::Month, &span);
        assert_eq!(
            months.iter().map(|w| w.label.as_str()).collect::<Vec<_>>(),
            ["2026-11", "2026-12"]
        );
        let weeks = window_instances(TimeWindow::Week, &span);
        assert_eq!(weeks[0].label, "2026-W47");
        assert_eq!(weeks.len(), 3);
        let rolling = window_instances(TimeWindow::Rolling { days: 7 }, &span);
        assert_eq!(rolling[0].to_slot - rolling[0].from_slot, 7 * 288);
        assert_eq!(
            rolling[0].to_slot * SLOT_SECS,
            first + 17 * day + day / 2 + 300
        );

        // 100 USD spent in the first half of a 30-day month against a 150 budget: met so
        // far, a third of the budget left, but burning at 4/3 of the sustainable pace.
        let o = objective(ObjectiveKind::Cost { budget_usd: 150.0 }, TimeWindow::Month);
        let nov = crate::record::time::days_from_civil(2026, 11, 1) * day;
        let span = DataSpan {
            first_ts: Micros::from_secs(nov),
            last_ts: Micros::from_secs(nov + 15 * day - 1),
        };
        let series = Series {
            scope: Scope::All,
            value: None,
            slots: vec![nov / SLOT_SECS],
            counts: vec![SlotCounts {
                requests: 4,
                cost_usd: 100.0,
                ..SlotCounts::default()
            }],
            hour_latencies: Default::default(),
        };
        let rows = evaluate(&o, &[&series], &span, &[], 20);
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.met, Some(true));
        assert!((r.error_budget_remaining.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.burn_rate.unwrap() - 4.0 / 3.0).abs() < 1e-9);
        assert!(
            r.note.contains("data covers 50% of this window"),
            "{}",
            r.note
        );
    }
}
