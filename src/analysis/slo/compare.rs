//! `compare.csv` (`slo --compare version|stage`): each release against the one before it (by
//! first appearance), or each rollout stage against `full`, over the hours both served
//! traffic, with a verdict from a significance test plus a minimum practical effect.

use super::config::CompareConfig;
use super::stats::{compare_proportions, mann_whitney, MannWhitney};
use crate::analysis::group::GroupKey;
use crate::analysis::quantile::quantile_sorted;
use crate::record::{Dim, Record};
use std::collections::BTreeMap;

/// Totals of one release or stage in one hour.
#[derive(Debug, Clone, Default)]
pub struct VariantStats {
    pub requests: u64,
    pub success: u64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    /// Latencies as f32 (7 significant digits), for the rank test and percentiles.
    pub latencies: Vec<f32>,
    /// Earliest timestamp seen (epoch µs).
    pub first_ts: Option<i64>,
}

impl VariantStats {
    pub fn add(&mut self, rec: &Record<'_>, ts: i64) {
        self.requests += 1;
        match rec.status {
            Some(200..=299) => self.success += 1,
            Some(400..=499) => self.errors_4xx += 1,
            Some(500..=599) => self.errors_5xx += 1,
            _ => {}
        }
        if let Some(l) = rec.latency_ms {
            self.latencies.push(l as f32);
        }
        self.first_ts = Some(self.first_ts.map_or(ts, |f| f.min(ts)));
    }

    pub fn combine(&mut self, other: VariantStats) {
        self.requests += other.requests;
        self.success += other.success;
        self.errors_4xx += other.errors_4xx;
        self.errors_5xx += other.errors_5xx;
        self.latencies.extend(other.latencies);
        self.first_ts = match (self.first_ts, other.first_ts) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// The verdict on one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Regressed,
    Unchanged,
    Improved,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Regressed => "regressed",
            Verdict::Unchanged => "unchanged",
            Verdict::Improved => "improved",
        }
    }
}

/// One row of `compare.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub dimension: &'static str,
    pub value: String,
    pub baseline: String,
    pub metric: &'static str,
    pub current: Option<f64>,
    pub previous: Option<f64>,
    /// current − previous.
    pub change: Option<f64>,
    pub verdict: Verdict,
    pub p_value: Option<f64>,
    /// `two_proportion_z`, `fisher_exact` (few events) or `mann_whitney_u`.
    pub test: &'static str,
    /// Events each side contributed (requests, or requests with a latency).
    pub current_n: u64,
    pub previous_n: u64,
    /// change / previous.
    pub relative_change: Option<f64>,
    /// The compared period, epoch seconds `[from, to)`.
    pub from: i64,
    pub to: i64,
    pub note: String,
}

/// The comparison and anything the user should hear about it.
#[derive(Debug, Clone, Default)]
pub struct CompareReport {
    pub rows: Vec<CompareRow>,
    pub notes: Vec<String>,
}

/// A rate metric: its name, whether higher is better, and the count of its event.
type RateMetric = (&'static str, bool, fn(&VariantStats) -> u64);

/// A variant's hours, in time order.
type Hours = BTreeMap<i64, VariantStats>;

/// Compares the variants of `dim` found in `groups` (keyed by hour and the dimension value).
pub fn compare(
    dim: Dim,
    groups: Vec<(GroupKey, VariantStats)>,
    cfg: &CompareConfig,
    min_requests: u64,
) -> CompareReport {
    let mut variants: BTreeMap<String, Hours> = BTreeMap::new();
    for (key, stats) in groups {
        if let Some(Some(v)) = key.dims.into_iter().next() {
            variants.entry(v).or_default().insert(key.bucket, stats);
        }
    }
    let first_seen = |h: &Hours| {
        h.values()
            .filter_map(|s| s.first_ts)
            .min()
            .unwrap_or(i64::MAX)
    };
    let mut order: Vec<(i64, String)> = variants
        .iter()
        .map(|(name, h)| (first_seen(h), name.clone()))
        .collect();
    order.sort();
    let mut report = CompareReport::default();
    let pairs: Vec<(String, String)> = match dim {
        Dim::Stage => {
            if !variants.contains_key("full") {
                report
                    .notes
                    .push("--compare stage: no request has stage `full`, the baseline".into());
                return report;
            }
            order
                .iter()
                .filter(|(_, s)| s != "full")
                .map(|(_, s)| (s.clone(), "full".to_string()))
                .collect()
        }
        _ => order
            .windows(2)
            .map(|w| (w[1].1.clone(), w[0].1.clone()))
            .collect(),
    };
    if pairs.is_empty() {
        report.notes.push(format!(
            "--compare {}: fewer than two values to compare",
            dim.name()
        ));
    }
    for (current, baseline) in pairs {
        let rows = compare_pair(
            dim,
            (&current, &variants[&current]),
            (&baseline, &variants[&baseline]),
            cfg,
            min_requests,
        );
        report.rows.extend(rows);
    }
    report
}

/// The two sides of a comparison, restricted to the hours both served traffic when they
/// did so enough; otherwise their whole lifetimes.
fn sides(
    cur: &Hours,
    prev: &Hours,
    min_requests: u64,
) -> (VariantStats, VariantStats, i64, i64, String) {
    let shared: Vec<i64> = cur
        .keys()
        .filter(|h| prev.contains_key(h))
        .copied()
        .collect();
    let total = |h: &Hours, keys: &[i64]| keys.iter().map(|k| h[k].requests).sum::<u64>();
    let concurrent = !shared.is_empty()
        && total(cur, &shared) >= min_requests.max(1)
        && total(prev, &shared) >= min_requests.max(1);
    let hours: Vec<i64> = if concurrent {
        shared
    } else {
        cur.keys().chain(prev.keys()).copied().collect()
    };
    let collect = |h: &Hours| {
        let mut s = VariantStats::default();
        for (k, v) in h {
            if !concurrent || hours.binary_search(k).is_ok() {
                s.combine(v.clone());
            }
        }
        s
    };
    let from = hours.iter().copied().min().unwrap_or(0);
    let to = hours.iter().copied().max().unwrap_or(0) + 3600;
    let note = if concurrent {
        format!("{} hours in which both served traffic", hours.len())
    } else {
        "never enough concurrent traffic: whole lifetimes compared".to_string()
    };
    (collect(cur), collect(prev), from, to, note)
}

fn compare_pair(
    dim: Dim,
    (cur_name, cur): (&str, &Hours),
    (prev_name, prev): (&str, &Hours),
    cfg: &CompareConfig,
    min_requests: u64,
) -> Vec<CompareRow> {
    let (mut c, mut p, from, to, note) = sides(cur, prev, min_requests);
    let row = |metric, test| CompareRow {
        dimension: dim.name(),
        value: cur_name.to_string(),
        baseline: prev_name.to_string(),
        metric,
        current: None,
        previous: None,
        change: None,
        verdict: Verdict::Unchanged,
        p_value: None,
        test,
        current_n: 0,
        previous_n: 0,
        relative_change: None,
        from,
        to,
        note: note.clone(),
    };
    let mut rows = Vec::new();
    // Rates: (metric, higher is better, count of the event).
    let rates: [RateMetric; 3] = [
        ("success_rate", true, |s| s.success),
        ("error_rate_5xx", false, |s| s.errors_5xx),
        ("error_rate_4xx", false, |s| s.errors_4xx),
    ];
    for (metric, higher_better, count) in rates {
        let mut r = row(metric, "two_proportion_z");
        r.current_n = c.requests;
        r.previous_n = p.requests;
        if let Some((t, test)) = compare_proportions(count(&c), c.requests, count(&p), p.requests) {
            r.test = test;
            let (cr, pr) = (
                count(&c) as f64 / c.requests as f64,
                count(&p) as f64 / p.requests as f64,
            );
            let change = cr - pr;
            r.current = Some(cr);
            r.previous = Some(pr);
            r.change = Some(change);
            r.relative_change = (pr > 0.0).then(|| change / pr);
            r.p_value = Some(t.p_value);
            if t.p_value < cfg.alpha && change.abs() >= cfg.min_rate_change {
                r.verdict = if (change > 0.0) == higher_better {
                    Verdict::Improved
                } else {
                    Verdict::Regressed
                };
            }
        }
        rows.push(r);
    }
    let (nc, np) = (c.latencies.len() as u64, p.latencies.len() as u64);
    // Sorts both samples, which the percentiles below rely on.
    let mw = mann_whitney(&mut c.latencies, &mut p.latencies);
    let widen = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<f64>>();
    let (cs, ps) = (widen(&c.latencies), widen(&p.latencies));
    for (metric, q) in [("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99)] {
        let mut r = row(metric, "mann_whitney_u");
        r.current_n = nc;
        r.previous_n = np;
        if let Some(MannWhitney { test, .. }) = mw {
            let cq = round2(quantile_sorted(&cs, q));
            let pq = round2(quantile_sorted(&ps, q));
            let change = round2(cq - pq);
            let relative = (pq > 0.0).then(|| change / pq);
            r.current = Some(cq);
            r.previous = Some(pq);
            r.change = Some(change);
            r.relative_change = relative;
            r.p_value = Some(test.p_value);
            let shifted = relative.is_some_and(|rel| {
                rel.abs() >= cfg.min_latency_change && (rel > 0.0) == (test.z > 0.0)
            });
            if test.p_value < cfg.alpha && shifted {
                r.verdict = if change > 0.0 {
                    Verdict::Regressed
                } else {
                    Verdict::Improved
                };
            }
        } else {
            r.note = format!("{}; no latencies on one side", r.note);
        }
        rows.push(r);
    }
    rows
}

/// Rounds to 0.01 ms: latencies kept as f32 are exact to about that.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic log-normal latencies (median 800 ms, σ = 0.5) from a 64-bit LCG.
    fn latencies(seed: u64, n: usize, mult: f64) -> Vec<f32> {
        let mut state = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut uniform = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| {
                let (u1, u2) = (uniform(), uniform());
                let normal = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
                (800.0 * (0.5 * normal).exp() * mult) as f32
            })
            .collect()
    }

    /// `per_hour` requests in each hour of `hours`, every `fail_every`-th a 5xx.
    fn variant(
        name: &str,
        hours: std::ops::Range<i64>,
        per_hour: usize,
        mult: f64,
        fail_every: u64,
    ) -> Vec<(GroupKey, VariantStats)> {
        hours
            .map(|h| {
                let n = per_hour as u64;
                let failed = n / fail_every;
                let stats = VariantStats {
                    requests: n,
                    success: n - failed,
                    errors_4xx: 0,
                    errors_5xx: failed,
                    latencies: latencies(h as u64 * 1000 + name.len() as u64, per_hour, mult),
                    first_ts: Some(h * 3600 * 1_000_000),
                };
                let key = GroupKey {
                    bucket: h * 3600,
                    dims: vec![Some(name.to_string())],
                };
                (key, stats)
            })
            .collect()
    }

    fn verdicts(rows: &[CompareRow], value: &str) -> Vec<(&'static str, Verdict)> {
        rows.iter()
            .filter(|r| r.value == value)
            .map(|r| (r.metric, r.verdict))
            .collect()
    }

    #[test]
    fn releases_against_their_predecessor_over_shared_hours() {
        let mut groups = variant("1.0", 0..20, 2000, 1.0, 200);
        // 1.1 is 60 % slower and fails 5 % of requests; 1.2 is 3 % slower than 1.1 and
        // healthy again.
        groups.extend(variant("1.1", 10..30, 2000, 1.6, 20));
        groups.extend(variant("1.2", 20..40, 2000, 1.6 * 1.03, 200));
        let report = compare(Dim::Version, groups, &CompareConfig::default(), 20);
        assert!(report.notes.is_empty());
        use Verdict::*;
        assert_eq!(
            verdicts(&report.rows, "1.1"),
            [
                ("success_rate", Regressed),
                ("error_rate_5xx", Regressed),
                ("error_rate_4xx", Unchanged),
                ("p50_ms", Regressed),
                ("p95_ms", Regressed),
                ("p99_ms", Regressed),
            ]
        );
        let r11 = &report.rows[3];
        assert_eq!((r11.baseline.as_str(), r11.test), ("1.0", "mann_whitney_u"));
        // Only hours 10..20 are shared: 10 hours of 2000 requests per side.
        assert_eq!((r11.current_n, r11.previous_n), (20_000, 20_000));
        assert_eq!((r11.from, r11.to), (10 * 3600, 20 * 3600));
        assert!(r11.note.starts_with("10 hours"), "{}", r11.note);
        assert!((r11.relative_change.unwrap() - 0.6).abs() < 0.05);
        // 1.2: errors back to 0.5 % (improved); 3 % slower is statistically clear with
        // 20,000 requests a side, but below the 10 % that matters.
        let r12: Vec<&CompareRow> = report.rows.iter().filter(|r| r.value == "1.2").collect();
        assert_eq!(r12[0].verdict, Improved);
        assert_eq!(r12[3].metric, "p50_ms");
        assert!(r12[3].p_value.unwrap() < 0.001, "{:?}", r12[3].p_value);
        assert!(r12.iter().skip(3).all(|r| r.verdict == Unchanged));
    }

    #[test]
    fn stages_against_full_and_fallbacks() {
        let mut groups = variant("full", 0..10, 100, 1.0, 1000);
        groups.extend(variant("beta", 20..22, 100, 1.0, 1000));
        let report = compare(Dim::Stage, groups, &CompareConfig::default(), 20);
        assert_eq!(report.rows.len(), 6);
        assert!(report.rows.iter().all(|r| r.baseline == "full"));
        assert!(report.rows.iter().all(|r| r.verdict == Verdict::Unchanged));
        // Never served in the same hour: whole lifetimes, and the note says so.
        assert!(report.rows[0].note.contains("whole lifetimes"));
        assert_eq!(report.rows[0].current_n, 200);
        assert_eq!(report.rows[0].previous_n, 1000);

        let report = compare(
            Dim::Stage,
            variant("beta", 0..2, 10, 1.0, 1000),
            &CompareConfig::default(),
            20,
        );
        assert!(report.rows.is_empty());
        assert!(report.notes[0].contains("stage `full`"));
        let report = compare(
            Dim::Version,
            variant("1.0", 0..2, 10, 1.0, 1000),
            &CompareConfig::default(),
            20,
        );
        assert!(report.notes[0].contains("fewer than two"));
    }
}
