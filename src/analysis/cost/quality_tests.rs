//! Unit tests of the quality-drift rows and alerts on synthetic four-week series.

use super::*;
use crate::analysis::cost::testkit::{fold, req, MONDAY};
use crate::record::time::DAY_SECS;
use crate::record::Record;

/// A deterministic value in [0, 1) for (day, request).
fn unit(d: i64, k: i64) -> f64 {
    let mut x = (d as u64) << 32 | k as u64;
    x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// 28 days from a Monday, 60 requests a day per model, all rated. Model `drifting` loses
/// 0.004 confidence a day and gains 0.5 points of negative feedback a day; `steady` does not.
fn world() -> Vec<Record<'static>> {
    let mut recs = Vec::new();
    for d in 0..28 {
        for (model, drift) in [("drifting", 1.0), ("steady", 0.0)] {
            for k in 0..60 {
                let mut r = req(MONDAY + d * DAY_SECS + k * 1400, model, 0.01, 100, 10);
                let noise = unit(d, k) - 0.5;
                r.confidence = Some(0.9 - drift * 0.004 * d as f64 + 0.1 * noise);
                let p_negative = 0.1 + drift * 0.005 * d as f64;
                r.rating = Some(if unit(d + 1000, k) < p_negative {
                    -1.0
                } else {
                    1.0
                });
                if unit(d + 2000, k) < 0.02 {
                    r.status = Some(503);
                }
                recs.push(r);
            }
        }
    }
    recs
}

fn rows() -> Vec<QualityRow> {
    let report = fold(&world(), "day");
    quality_trend(&report, &QualityConfig::default(), &Owners::default())
}

fn find<'a>(rows: &'a [QualityRow], week: &str, scope: &str, metric: Metric) -> &'a QualityRow {
    rows.iter()
        .find(|r| {
            BucketKind::Week.label(r.week).to_string() == week
                && r.scope() == scope
                && r.metric == metric
        })
        .unwrap_or_else(|| panic!("no row {week} {scope} {}", metric.name()))
}

#[test]
fn a_slow_confidence_decline_is_flagged_and_a_steady_model_is_not() {
    let rows = rows();
    let r = find(&rows, "2026-W48", "model=drifting", Metric::MeanConfidence);
    let t = r.test.as_ref().expect("28 daily points are tested");
    assert_eq!(r.points, 28);
    assert_eq!(t.trend, Trend::Down);
    assert!(t.p_value < 1e-6, "{}", t.p_value);
    assert!(
        (t.slope_per_week + 0.028).abs() < 0.004,
        "{}",
        t.slope_per_week
    );
    assert!((t.start_level - 0.9).abs() < 0.01, "{}", t.start_level);
    assert!(r.declining);
    assert_eq!((r.severity, r.owner.as_str()), (Some(Severity::P2), "ML"));
    assert_eq!(r.samples, 7 * 60);
    assert_eq!(r.window_from, MONDAY);
    assert_eq!(r.window_to, MONDAY + 27 * DAY_SECS);

    let neg = find(
        &rows,
        "2026-W48",
        "model=drifting",
        Metric::NegativeFeedbackRate,
    );
    assert_eq!(neg.test.as_ref().unwrap().trend, Trend::Up);
    assert!(neg.declining, "more negative feedback is a decline");

    assert!(
        rows.iter()
            .all(|r| !(r.declining && r.scope() == "model=steady")),
        "{:#?}",
        rows.iter()
            .filter(|r| r.declining && r.scope() == "model=steady")
            .collect::<Vec<_>>()
    );
    let success = find(&rows, "2026-W48", "model=steady", Metric::SuccessRate);
    assert!(!success.declining);
    assert!((success.current - 0.98).abs() < 0.03);
    // The release carries half the drift and is reported too.
    assert!(rows.iter().any(|r| r.scope() == "version=v1"));
}

#[test]
fn short_windows_are_not_tested() {
    let rows = rows();
    let first = find(&rows, "2026-W45", "model=drifting", Metric::MeanConfidence);
    assert_eq!((first.points, first.test.as_ref()), (7, None));
    assert!(!first.declining);
    // Two weeks of data: 14 points, enough to test.
    let second = find(&rows, "2026-W46", "model=drifting", Metric::MeanConfidence);
    assert_eq!(second.points, 14);
    assert!(second.test.is_some());
}

#[test]
fn alerts_carry_week_scope_level_and_start_level() {
    let rows = rows();
    let alerts: Vec<_> = rows
        .iter()
        .filter_map(crate::analysis::alert::Alert::from_quality)
        .collect();
    assert!(!alerts.is_empty());
    assert!(alerts.iter().all(|a| a.alert == "quality_declining"));
    let a = alerts
        .iter()
        .find(|a| {
            a.bucket == "2026-W48" && a.scope == "model=drifting" && a.metric == "mean_confidence"
        })
        .expect("the latest week's decline is an alert");
    assert_eq!(a.severity, Severity::P2);
    assert!(
        a.value < a.threshold,
        "value {} threshold {}",
        a.value,
        a.threshold
    );
    assert!((a.value - (0.9 - 0.004 * 24.0)).abs() < 0.01, "{}", a.value);
    assert_eq!(a.owner, "ML");
    assert!(alerts.iter().all(|a| a.scope != "model=steady"));
}
