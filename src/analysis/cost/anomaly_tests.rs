//! Unit tests of the anomaly rules on synthetic four-week series.

use super::*;
use crate::analysis::cost::testkit::{day_of, fold, MONDAY};
use crate::record::Record;

use crate::record::time::DAY_SECS as DAY;

/// One model's traffic on one day: requests, cost per request, tokens in and out per request.
#[derive(Clone, Copy)]
struct Traffic {
    n: u64,
    cost: f64,
    tin: u64,
    tout: u64,
}

/// 28 days from a Monday. Model `a`: 40 requests a weekday at 0.01 USD; model `b`: 30 at
/// 0.05 USD; weekends carry half the traffic; counts wobble by a couple of requests a day.
/// `edit` may change any day's traffic.
fn world(days: i64, edit: impl Fn(i64, &str, &mut Traffic)) -> Vec<Record<'static>> {
    let mut recs = Vec::new();
    for d in 0..days {
        let weekend = d % 7 >= 5;
        for (model, n, cost, tin, tout) in [("a", 40, 0.01, 1000, 100), ("b", 30, 0.05, 2000, 200)]
        {
            let wobble = (d * 7 % 5) as u64;
            let n = if weekend { n / 2 } else { n } + wobble;
            let mut t = Traffic { n, cost, tin, tout };
            edit(d, model, &mut t);
            recs.extend(day_of(MONDAY + d * DAY, t.n, model, t.cost, t.tin, t.tout));
        }
    }
    recs
}

fn run(recs: &[Record<'static>], by: &str) -> Vec<Anomaly> {
    find_anomalies(&fold(recs, by), &CostConfig::default(), &Owners::default())
}

fn day_label(a: &Anomaly) -> String {
    a.kind.label(a.bucket).to_string()
}

#[test]
fn weekly_shape_alone_raises_nothing() {
    let found = run(&world(28, |_, _, _| {}), "day,model");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_token_spike_is_found_in_total_and_model_with_its_driver() {
    // Day 16 (a Wednesday): model b's input tokens ×4, its cost ×3.5.
    let recs = world(28, |d, m, t| {
        if d == 16 && m == "b" {
            t.tin *= 4;
            t.cost *= 3.5;
        }
    });
    let found = run(&recs, "day,model");
    assert_eq!(found.len(), 2, "{found:#?}");
    let (total, b) = (&found[0], &found[1]);
    assert!(found.iter().all(|a| day_label(a) == "2026-11-18"));
    assert_eq!(total.scope(), "total");
    assert_eq!(total.direction, Direction::Spike);
    assert_eq!(total.driver, "model=b: tokens_per_request");
    assert!(
        total.driver_detail.contains("model=b moved most"),
        "{}",
        total.driver_detail
    );
    assert_eq!(b.scope(), "model=b");
    assert_eq!(b.driver, "model=b: tokens_per_request");
    assert!(
        b.driver_detail.contains("input 2000 -> 8000"),
        "{}",
        b.driver_detail
    );
    assert!((b.ratio - 3.5).abs() < 0.2, "{}", b.ratio);
    assert_eq!(b.severity, Severity::P1);
    assert_eq!(b.owner, "ML");
    // The baseline is the seven weekdays before (a Wednesday compares with weekdays only).
    assert_eq!(b.baseline_buckets, 7);
    assert_eq!(b.baseline_from, MONDAY + 7 * DAY);
    assert_eq!(b.baseline_to, MONDAY + 15 * DAY);
    assert!(b.z_score.unwrap() >= 4.0);
}

#[test]
fn ratio_floors_keep_small_moves_quiet_and_severity_follows_ratio() {
    let pricier = |factor: f64| {
        world(28, move |d, m, t| {
            if d == 16 && m == "b" {
                t.cost *= factor;
            }
        })
    };
    // ×1.3 on a perfectly steady series: a huge z-score, but below both ratio floors.
    assert!(run(&pricier(1.3), "day,model").is_empty());
    // ×1.45: below the spend floor (1.5), above the cost-per-request floor (1.4).
    let found = run(&pricier(1.45), "day,model");
    let b = found.iter().find(|a| a.scope() == "model=b").unwrap();
    assert_eq!((b.rule, b.severity), (Rule::UnitCost, Severity::P3));
    assert!((b.unit_ratio.unwrap() - 1.45).abs() < 1e-9);
    // ×2.2: both rules, P2, a price move owned by the platform.
    let found = run(&pricier(2.2), "day,model");
    let b = found.iter().find(|a| a.scope() == "model=b").unwrap();
    assert_eq!((b.rule, b.severity), (Rule::Both, Severity::P2));
    assert_eq!(b.driver, "model=b: price_per_token");
    assert_eq!(b.owner, "Platform");
}

#[test]
fn a_traffic_surge_is_a_spend_anomaly_only() {
    let recs = world(28, |d, m, t| {
        if d == 10 && m == "a" {
            t.n *= 3;
        }
    });
    let found = run(&recs, "day,model");
    let a = found.iter().find(|a| a.scope() == "model=a").unwrap();
    assert_eq!((a.rule, a.direction), (Rule::Spend, Direction::Spike));
    assert_eq!(a.driver, "model=a: requests");
    assert!((a.unit_ratio.unwrap() - 1.0).abs() < 1e-9);
}

#[test]
fn drops_are_p3_and_a_cut_last_day_is_not_a_drop() {
    // Model a loses most of its traffic on day 23 (a Wednesday).
    let recs = world(28, |d, m, t| {
        if d == 23 && m == "a" {
            t.n = 5;
        }
    });
    let found = run(&recs, "day,model");
    assert_eq!(found.len(), 1, "{found:#?}");
    let a = &found[0];
    assert_eq!(
        (a.scope().as_str(), a.direction),
        ("model=a", Direction::Drop)
    );
    assert_eq!(a.driver, "model=a: requests");
    assert_eq!((a.severity, a.owner.as_str()), (Severity::P3, "Platform"));

    // The data stops at 06:00 on its last day: that day is short, not cheap.
    let mut cut = world(27, |_, _, _| {});
    cut.extend(world(28, |_, _, _| {}).into_iter().filter(|r| {
        let ts = r.ts.unwrap().secs();
        (MONDAY + 27 * DAY..MONDAY + 27 * DAY + 6 * 3600).contains(&ts)
    }));
    assert!(run(&cut, "day,model").is_empty());
}

#[test]
fn spikes_at_the_start_use_later_buckets() {
    let recs = world(28, |d, m, t| {
        if d <= 1 && m == "a" {
            t.cost *= 4.0;
        }
    });
    let found = run(&recs, "day,model");
    let a: Vec<&Anomaly> = found.iter().filter(|a| a.scope() == "model=a").collect();
    assert_eq!(a.len(), 2, "{found:#?}");
    assert_eq!(a[0].bucket, MONDAY);
    assert!(a[0].baseline_to > a[0].bucket, "borrows following weekdays");
    // Day 0's spike is in day 1's baseline, but the median shrugs it off.
    assert_eq!(a[1].bucket, MONDAY + DAY);
}

#[test]
fn thin_series_and_free_models_are_not_judged() {
    // Model c: 3 requests a day (below min_requests), one day at 100×; model d: 5 requests a
    // day, one day 60. Series that usually carry so few requests are not judged.
    let mut recs = world(28, |_, _, _| {});
    for d in 0..28 {
        let cost = if d == 20 { 1.0 } else { 0.01 };
        recs.extend(day_of(MONDAY + d * DAY, 3, "c", cost, 10, 10));
        recs.extend(day_of(
            MONDAY + d * DAY,
            if d == 20 { 60 } else { 5 },
            "d",
            0.01,
            10,
            10,
        ));
        recs.extend(day_of(
            MONDAY + d * DAY,
            30,
            "free",
            if d == 20 { 1.0 } else { 0.0 },
            10,
            10,
        ));
    }
    let found = run(&recs, "day,model");
    assert!(
        found.iter().all(|a| a.value.as_deref() != Some("c")),
        "{found:#?}"
    );
    assert!(
        found.iter().all(|a| a.value.as_deref() != Some("d")),
        "{found:#?}"
    );
    assert!(
        found.iter().all(|a| a.value.as_deref() != Some("free")),
        "{found:#?}"
    );
}

#[test]
fn hours_compare_with_the_same_hour_and_a_missing_day_is_a_total_drop() {
    use crate::analysis::cost::testkit::req;
    // 25 requests an hour (12 on weekends); model a costs ×10 from 12:00 to 17:59 on day 17;
    // no records at all on day 24 (a Thursday).
    let mut recs = Vec::new();
    for d in (0..28).filter(|&d| d != 24) {
        for h in 0..24 {
            let cost = if d == 17 && (12..18).contains(&h) {
                0.1
            } else {
                0.01
            };
            let per_hour = if d % 7 >= 5 { 12 } else { 25 };
            for k in 0..per_hour {
                recs.push(req(
                    MONDAY + d * DAY + h * 3600 + (2 * k + 1) * 60,
                    "a",
                    cost,
                    100,
                    10,
                ));
            }
        }
    }
    let found = run(&recs, "hour,model");
    let days: Vec<String> = found
        .iter()
        .filter(|a| a.kind == BucketKind::Day)
        .map(|a| format!("{} {} {}", day_label(a), a.scope(), a.direction.name()))
        .collect();
    assert_eq!(
        days,
        [
            "2026-11-19 total spike",
            "2026-11-19 model=a spike",
            "2026-11-26 total drop"
        ]
    );
    let spiked_hours: Vec<String> = found
        .iter()
        .filter(|a| a.kind == BucketKind::Hour && a.direction == Direction::Spike)
        .map(|a| format!("{} {}", day_label(a), a.scope()))
        .collect();
    let want: Vec<String> = (12..18)
        .flat_map(|h| ["total", "model=a"].map(|s| format!("2026-11-19T{h}:00Z {s}")))
        .collect();
    assert_eq!(spiked_hours, want);
    // The missing day's hours are drops of the total; nothing else is.
    let dropped: Vec<&Anomaly> = found
        .iter()
        .filter(|a| a.kind == BucketKind::Hour && a.direction == Direction::Drop)
        .collect();
    assert_eq!(dropped.len(), 24);
    assert!(dropped
        .iter()
        .all(|a| day_label(a).starts_with("2026-11-26T") && a.scope() == "total"));
    // Rows are sorted by bucket, the day before its hours.
    let pos = |label: &str| {
        found
            .iter()
            .position(|a| day_label(a).starts_with(label))
            .unwrap()
    };
    assert!(pos("2026-11-19") < pos("2026-11-19T"));
}
