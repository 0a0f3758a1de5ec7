//! `alerts.csv`: threshold alerts per hour and day (success rate, p95, daily cost), total
//! outages, and the severity and owner routing every alert shares.

use super::config::{Scope, Severity};
use super::stats::binomial_sf;
use super::timeline::{Series, Totals};
use super::{SLOT_MINUTES, SLOT_SECS};
use crate::analysis::quantile::quantile_sorted;
use crate::bucket::BucketKind;
use crate::config::{Alerts, Owners};

pub use crate::analysis::alert::{Alert, Source};

/// The owner of a set of failures, from the `[owners]` RACI table: 5xx and 429 are the
/// infrastructure's (the service failed or shed load), other 4xx the product's (its callers
/// send requests the API rejects), failures without a usable status the data team's (the
/// log is incomplete). The largest group decides; ties go to infrastructure.
pub fn failure_owner<'a>(t: &Totals, owners: &'a Owners) -> &'a str {
    let infra = t.errors_5xx + t.errors_429;
    let product = t.errors_4xx;
    let data = t.unknown();
    if product > infra && product >= data {
        &owners.ux
    } else if data > infra && data > product {
        &owners.data
    } else {
        &owners.infra
    }
}

/// A short account of what failed, for the `note` column.
pub fn failure_note(t: &Totals) -> String {
    format!(
        "{} of {} requests failed ({} 5xx, {} 429, {} other 4xx, {} without status)",
        t.failed(),
        t.requests,
        t.errors_5xx,
        t.errors_429,
        t.errors_4xx,
        t.unknown()
    )
}

/// Threshold alerts of one series: success rate and p95 per hour and day, daily cost (on the
/// `all` scope), and outages. `p95_index` is the p95 threshold's slot in the slower counters.
pub fn threshold_alerts(s: &Series, cfg: &Alerts, owners: &Owners, p95_index: usize) -> Vec<Alert> {
    let mut out = Vec::new();
    for kind in [BucketKind::Hour, BucketKind::Day] {
        for (start, t) in buckets(s, kind) {
            let label = kind.label(start).to_string();
            let base = |alert, metric| Alert {
                source: Source::Slo,
                bucket: label.clone(),
                alert,
                severity: Severity::P3,
                scope: s.label(),
                metric,
                value: 0.0,
                threshold: 0.0,
                owner: String::new(),
                window: kind.name().to_string(),
                slo: String::new(),
                from: start,
                until: kind.next(start),
                requests: t.requests,
                bad: None,
                p_value: None,
                note: String::new(),
            };
            if let Some(a) =
                success_rate_alert(&t, cfg, owners, base("success_rate_low", "success_rate"))
            {
                out.push(a);
            }
            if let Some(a) = p95_alert(
                s,
                kind,
                start,
                &t,
                cfg,
                owners,
                p95_index,
                base("p95_high", "p95_ms"),
            ) {
                out.push(a);
            }
            if let (BucketKind::Day, Scope::All, Some(limit)) = (kind, s.scope, cfg.daily_cost_usd)
            {
                if t.cost_usd > limit {
                    let mut a = base("daily_cost_high", "cost_usd");
                    a.severity = cfg.severity.daily_cost;
                    a.value = t.cost_usd;
                    a.threshold = limit;
                    // Spend follows prompts and model choice: the model owner's, per the RACI.
                    a.owner = owners.model.clone();
                    a.note = format!(
                        "spent {:.2} USD against a daily limit of {limit}",
                        t.cost_usd
                    );
                    out.push(a);
                }
            }
        }
    }
    out.extend(outages(s, cfg, owners));
    out
}

/// Hour or day totals of a series, in time order (start in epoch seconds).
fn buckets(s: &Series, kind: BucketKind) -> Vec<(i64, Totals)> {
    let mut out: Vec<(i64, Totals)> = Vec::new();
    for (slot, c) in s.slots.iter().zip(&s.counts) {
        let start = kind.start_of_secs(slot * SLOT_SECS);
        match out.last_mut() {
            Some((st, t)) if *st == start => t.add(c),
            _ => {
                let mut t = Totals::default();
                t.add(c);
                out.push((start, t));
            }
        }
    }
    out
}

/// Success rate below the threshold, with enough traffic, by more than chance explains.
fn success_rate_alert(t: &Totals, cfg: &Alerts, owners: &Owners, mut a: Alert) -> Option<Alert> {
    if t.requests < cfg.min_requests || t.requests == 0 {
        return None;
    }
    let rate = t.success as f64 / t.requests as f64;
    if rate >= cfg.success_rate_below {
        return None;
    }
    let p = binomial_sf(t.failed(), t.requests, 1.0 - cfg.success_rate_below);
    if p >= cfg.significance {
        return None;
    }
    a.severity = cfg.severity.success_rate;
    a.value = rate;
    a.threshold = cfg.success_rate_below;
    a.owner = failure_owner(t, owners).to_string();
    a.bad = Some(t.failed());
    a.p_value = Some(p);
    a.note = failure_note(t);
    Some(a)
}

/// p95 above the threshold, when the share of requests slower than it is clearly above 5 %.
#[allow(clippy::too_many_arguments)]
fn p95_alert(
    s: &Series,
    kind: BucketKind,
    start: i64,
    t: &Totals,
    cfg: &Alerts,
    owners: &Owners,
    p95_index: usize,
    mut a: Alert,
) -> Option<Alert> {
    if t.with_latency < cfg.min_requests || t.with_latency == 0 {
        return None;
    }
    let slow = t.slower[p95_index];
    let p = binomial_sf(slow, t.with_latency, 0.05);
    if slow as f64 <= 0.05 * t.with_latency as f64 || p >= cfg.significance {
        return None;
    }
    let end = kind.next(start);
    let mut values: Vec<f64> = s
        .hour_latencies
        .range(start..end)
        .flat_map(|(_, v)| v.iter().map(|&x| f64::from(x)))
        .collect();
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let p95 = quantile_sorted(&values, 0.95);
    if p95 <= cfg.p95_ms_above {
        return None;
    }
    a.severity = cfg.severity.p95;
    a.value = (p95 * 100.0).round() / 100.0;
    a.threshold = cfg.p95_ms_above;
    a.owner = owners.infra.clone();
    a.requests = t.with_latency;
    a.bad = Some(slow);
    a.p_value = Some(p);
    a.note = format!(
        "{slow} of {} requests slower than {} ms",
        t.with_latency, cfg.p95_ms_above
    );
    Some(a)
}

/// The label of the hour holding `secs` (epoch seconds), as the `bucket` column writes it.
pub fn hour_bucket(secs: i64) -> String {
    let hour = BucketKind::Hour;
    hour.label(hour.start_of_secs(secs)).to_string()
}

/// Total outages: 60 minutes with at least `min_requests` requests and not one success.
/// Overlapping or adjacent outage windows are reported as one alert.
pub fn outages(s: &Series, cfg: &Alerts, owners: &Owners) -> Vec<Alert> {
    const WINDOW_SLOTS: i64 = 60 / SLOT_MINUTES as i64;
    // (first slot of the first failing window, last slot at which the window failed)
    let mut episodes: Vec<(i64, i64)> = Vec::new();
    let mut lo = 0;
    for (i, &slot) in s.slots.iter().enumerate() {
        while s.slots[lo] <= slot - WINDOW_SLOTS {
            lo += 1;
        }
        let (requests, success) = s.counts[lo..=i].iter().fold((0u64, 0u64), |(n, ok), c| {
            (n + u64::from(c.requests), ok + u64::from(c.success))
        });
        if requests < cfg.min_requests.max(1) || success > 0 {
            continue;
        }
        match episodes.last_mut() {
            Some((_, last)) if slot - *last <= WINDOW_SLOTS => *last = slot,
            _ => episodes.push((s.slots[lo], slot)),
        }
    }
    episodes
        .into_iter()
        .map(|(first, last)| {
            let t = s.sum(first, last + 1);
            Alert {
                source: Source::Slo,
                bucket: hour_bucket(first * SLOT_SECS),
                alert: "outage",
                severity: cfg.severity.outage,
                scope: s.label(),
                metric: "success_rate",
                value: 0.0,
                threshold: 0.0,
                owner: failure_owner(&t, owners).to_string(),
                window: "60m".into(),
                slo: String::new(),
                from: first * SLOT_SECS,
                until: (last + 1) * SLOT_SECS,
                requests: t.requests,
                bad: Some(t.failed()),
                p_value: None,
                note: format!(
                    "no successful request for at least 60 minutes; {}",
                    failure_note(&t)
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::slo::config::AlertSeverities;
    use crate::analysis::slo::timeline::SlotCounts;

    fn series(slots: Vec<(i64, u32, u32)>) -> Series {
        Series {
            scope: Scope::All,
            value: None,
            slots: slots.iter().map(|s| s.0).collect(),
            counts: slots
                .iter()
                .map(|&(_, requests, success)| SlotCounts {
                    requests,
                    success,
                    errors_5xx: requests - success,
                    ..SlotCounts::default()
                })
                .collect(),
            hour_latencies: Default::default(),
        }
    }

    #[test]
    fn owners_follow_the_failures() {
        let owners = Owners::default();
        let mut t = Totals {
            requests: 100,
            success: 90,
            errors_5xx: 6,
            errors_4xx: 4,
            ..Totals::default()
        };
        assert_eq!(failure_owner(&t, &owners), "Platform");
        t.errors_5xx = 2;
        t.errors_429 = 1;
        t.errors_4xx = 7;
        assert_eq!(failure_owner(&t, &owners), "Product");
        t.errors_4xx = 1;
        assert_eq!(
            failure_owner(&t, &owners),
            "Data",
            "6 failures without status"
        );
        t.errors_4xx = 3;
        t.errors_5xx = 3;
        t.errors_429 = 0;
        t.success = 94;
        assert_eq!(failure_owner(&t, &owners), "Platform", "ties go to infra");
    }

    #[test]
    fn success_rate_alerts_need_traffic_and_evidence() {
        let cfg = Alerts::default();
        let owners = Owners::default();
        // Hour 0: 200 requests, 30 failed: an alert. Hour 1: 100 requests, 2 failed (98 %):
        // below 99 % but well within chance (p ≈ 0.26). Hour 2: 10 requests, all failed:
        // under min_requests, so no rate alert.
        let s = series(vec![(0, 200, 170), (12, 100, 98), (24, 10, 0)]);
        let alerts = threshold_alerts(&s, &cfg, &owners, 0);
        let hours: Vec<_> = alerts
            .iter()
            .filter(|a| a.alert == "success_rate_low" && a.window == "hour")
            .collect();
        assert_eq!(hours.len(), 1);
        assert_eq!(hours[0].bucket, "1970-01-01T00:00Z");
        assert_eq!(hours[0].severity, Severity::P2);
        assert_eq!(hours[0].owner, "Platform");
        assert!((hours[0].value - 0.85).abs() < 1e-12);
        assert!(hours[0].p_value.unwrap() < 1e-10);
        // The day: 310 requests, 42 failed.
        let days: Vec<_> = alerts.iter().filter(|a| a.window == "day").collect();
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].bucket, "1970-01-01");
        // Severities come from [alerts.severity].
        let paging = Alerts {
            severity: AlertSeverities {
                success_rate: Severity::P1,
                ..AlertSeverities::default()
            },
            ..Alerts::default()
        };
        assert!(threshold_alerts(&s, &paging, &owners, 0)
            .iter()
            .all(|a| a.severity == Severity::P1));
        // Every breach alerts with significance 1.
        let all = Alerts {
            significance: 1.0,
            ..Alerts::default()
        };
        let n = threshold_alerts(&s, &all, &owners, 0)
            .iter()
            .filter(|a| a.alert == "success_rate_low" && a.window == "hour")
            .count();
        assert_eq!(n, 2);
    }

    #[test]
    fn outage_is_a_full_hour_without_success() {
        let cfg = Alerts::default();
        let owners = Owners::default();
        // Slots 100..=115 (80 minutes) fail completely, 2 requests each; traffic around it
        // is healthy.
        let mut slots = vec![(90, 5, 5), (99, 5, 5)];
        slots.extend((100..=115).map(|s| (s, 2, 0)));
        slots.push((116, 5, 5));
        let alerts = outages(&series(slots), &cfg, &owners);
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        let a = &alerts[0];
        assert_eq!(a.severity, Severity::P0);
        assert_eq!(a.from, 100 * 300);
        assert_eq!(a.until, 116 * 300);
        assert_eq!(a.requests, 32);
        assert_eq!(a.owner, "Platform");
        // 59 minutes of failure is not an outage hour.
        let mut slots = vec![(99, 5, 5)];
        slots.extend((100..=110).map(|s| (s, 2, 0)));
        slots.push((111, 5, 5));
        assert!(outages(&series(slots), &cfg, &owners).is_empty());
    }
}
