//! `compare.csv` (`slo --compare version|stage`): each release against the one before it (by
//! first appearance), or each rollout stage against `full`, hour by hour over the hours both
//! served traffic, with a verdict from a stratified test plus a minimum practical effect.

use super::config::CompareConfig;
use super::stats::{compare_proportions, mann_whitney, TestResult};
use super::stratified::{cochran_mantel_haenszel, van_elteren, Table2x2};
use crate::analysis::group::GroupKey;
use crate::analysis::quantile::quantile_sorted;
use crate::record::time::Micros;
use crate::record::{Dim, Record};
use std::collections::BTreeMap;

/// Totals of one release or stage in one hour.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct VariantStats {
    pub requests: u64,
    pub success: u64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    /// Latencies as f32 (7 significant digits), for the rank test and percentiles (in a
    /// state, compact and sorted: their order means nothing).
    #[serde(with = "crate::state::compact::f32s")]
    pub latencies: Vec<f32>,
    /// Earliest timestamp seen.
    pub first_ts: Option<Micros>,
}

impl VariantStats {
    pub fn add(&mut self, rec: &Record<'_>, ts: Micros) {
        self.requests += 1;
        let class = rec.status_class();
        self.success += u64::from(class.is_success());
        self.errors_4xx += u64::from(class.is_4xx());
        self.errors_5xx += u64::from(class.is_5xx());
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
    /// The baseline at the current side's mix of hours (each hour weighted as on the
    /// current side), so a busier or worse hour on one side does not tilt the comparison.
    pub previous: Option<f64>,
    /// current − previous.
    pub change: Option<f64>,
    pub verdict: Verdict,
    pub p_value: Option<f64>,
    /// `cochran_mantel_haenszel` or `van_elteren` (hour by hour); `two_proportion_z`,
    /// `fisher_exact` (few events) or `mann_whitney_u` (whole lifetimes).
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
            .unwrap_or(Micros(i64::MAX))
    };
    let mut order: Vec<(Micros, String)> = variants
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

/// What is compared: (current, previous) per hour in which both served traffic, or a single
/// pair of whole lifetimes when they never overlapped enough.
struct Strata {
    pairs: Vec<(VariantStats, VariantStats)>,
    from: i64,
    to: i64,
    note: String,
}

fn strata(cur: &Hours, prev: &Hours, min_requests: u64) -> Strata {
    let shared: Vec<i64> = cur
        .keys()
        .filter(|h| prev.contains_key(h))
        .copied()
        .collect();
    let total = |h: &Hours| shared.iter().map(|k| h[k].requests).sum::<u64>();
    let enough = min_requests.max(1);
    if let (Some(&first), Some(&last)) = (shared.first(), shared.last()) {
        if total(cur) >= enough && total(prev) >= enough {
            return Strata {
                pairs: shared
                    .iter()
                    .map(|k| (cur[k].clone(), prev[k].clone()))
                    .collect(),
                from: first,
                to: last + 3600,
                note: format!(
                    "{} hours in which both served traffic, compared hour by hour",
                    shared.len()
                ),
            };
        }
    }
    let lifetime = |h: &Hours| {
        let mut s = VariantStats::default();
        for v in h.values() {
            s.combine(v.clone());
        }
        s
    };
    let hours = || cur.keys().chain(prev.keys()).copied();
    Strata {
        pairs: vec![(lifetime(cur), lifetime(prev))],
        from: hours().min().unwrap_or(0),
        to: hours().max().unwrap_or(0) + 3600,
        note: "never enough concurrent traffic: whole lifetimes compared".into(),
    }
}

fn compare_pair(
    dim: Dim,
    (cur_name, cur): (&str, &Hours),
    (prev_name, prev): (&str, &Hours),
    cfg: &CompareConfig,
    min_requests: u64,
) -> Vec<CompareRow> {
    let Strata {
        pairs,
        from,
        to,
        note,
    } = strata(cur, prev, min_requests);
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
        let tables: Vec<Table2x2> = pairs
            .iter()
            .map(|(c, p)| Table2x2 {
                x1: count(c),
                n1: c.requests,
                x2: count(p),
                n2: p.requests,
            })
            .collect();
        let mut r = row(metric, "two_proportion_z");
        if let Some(rate) = compare_rates(&tables) {
            r.test = rate.test;
            r.current_n = rate.n1;
            r.previous_n = rate.n2;
            let change = rate.current - rate.previous;
            r.current = Some(rate.current);
            r.previous = Some(rate.previous);
            r.change = Some(change);
            r.relative_change = (rate.previous > 0.0).then(|| change / rate.previous);
            r.p_value = Some(rate.result.p_value);
            if rate.result.p_value < cfg.alpha && change.abs() >= cfg.min_rate_change {
                r.verdict = if (change > 0.0) == higher_better {
                    Verdict::Improved
                } else {
                    Verdict::Regressed
                };
            }
        }
        rows.push(r);
    }
    let latency = compare_latency(pairs);
    for (metric, q) in [("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99)] {
        let mut r = row(metric, "mann_whitney_u");
        let Some(lat) = &latency else {
            r.note = format!("{}; no latencies on one side", r.note);
            rows.push(r);
            continue;
        };
        r.test = lat.test;
        r.current_n = lat.current.len() as u64;
        r.previous_n = lat.previous.len() as u64;
        let cq = round2(quantile_sorted(&lat.current, q));
        let pq = round2(weighted_quantile(&lat.previous, q));
        let change = round2(cq - pq);
        let relative = (pq > 0.0).then(|| change / pq);
        r.current = Some(cq);
        r.previous = Some(pq);
        r.change = Some(change);
        r.relative_change = relative;
        r.p_value = Some(lat.result.p_value);
        let shifted = relative.is_some_and(|rel| {
            rel.abs() >= cfg.min_latency_change && (rel > 0.0) == (lat.result.z > 0.0)
        });
        if lat.result.p_value < cfg.alpha && shifted {
            r.verdict = if change > 0.0 {
                Verdict::Regressed
            } else {
                Verdict::Improved
            };
        }
        rows.push(r);
    }
    rows
}

/// A rate on both sides, its test, and the name of the test.
struct RateComparison {
    current: f64,
    /// The previous side's rate at the current side's mix of hours (direct standardisation).
    previous: f64,
    n1: u64,
    n2: u64,
    result: TestResult,
    test: &'static str,
}

fn compare_rates(tables: &[Table2x2]) -> Option<RateComparison> {
    let (x1, n1) = tables.iter().fold((0, 0), |(x, n), t| (x + t.x1, n + t.n1));
    let n2: u64 = tables.iter().map(|t| t.n2).sum();
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let previous: f64 = tables
        .iter()
        .filter(|t| t.n2 > 0)
        .map(|t| t.n1 as f64 / n1 as f64 * (t.x2 as f64 / t.n2 as f64))
        .sum();
    let (result, test) = match tables {
        [t] => compare_proportions(t.x1, t.n1, t.x2, t.n2)?,
        _ => (cochran_mantel_haenszel(tables)?, "cochran_mantel_haenszel"),
    };
    Some(RateComparison {
        current: x1 as f64 / n1 as f64,
        previous,
        n1,
        n2,
        result,
        test,
    })
}

/// Latency on both sides: the current sample sorted, the previous one as sorted
/// (value, weight) pairs that give each hour the weight it has on the current side.
struct LatencyComparison {
    current: Vec<f64>,
    previous: Vec<(f64, f64)>,
    result: TestResult,
    test: &'static str,
}

fn compare_latency(pairs: Vec<(VariantStats, VariantStats)>) -> Option<LatencyComparison> {
    let mut strata: Vec<(Vec<f32>, Vec<f32>)> = pairs
        .into_iter()
        .map(|(c, p)| (c.latencies, p.latencies))
        .collect();
    let (result, test) = match strata.as_mut_slice() {
        [(c, p)] => (mann_whitney(c, p)?.test, "mann_whitney_u"),
        many => (van_elteren(many)?, "van_elteren"),
    };
    let n_current: usize = strata.iter().map(|(c, _)| c.len()).sum();
    let mut current = Vec::with_capacity(n_current);
    let mut previous = Vec::new();
    for (c, p) in &strata {
        current.extend(c.iter().map(|&x| f64::from(x)));
        if !p.is_empty() {
            let weight = c.len() as f64 / n_current as f64 / p.len() as f64;
            previous.extend(p.iter().map(|&x| (f64::from(x), weight)));
        }
    }
    current.sort_unstable_by(f64::total_cmp);
    previous.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    Some(LatencyComparison {
        current,
        previous,
        result,
        test,
    })
}

/// The `q` quantile of sorted (value, weight) pairs. With equal weights it is the exact
/// quantile (linear interpolation between closest ranks); otherwise the weighted one: the
/// smallest value whose cumulative weight reaches q of the total.
fn weighted_quantile(sorted: &[(f64, f64)], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let first = sorted[0].1;
    if sorted.iter().all(|w| w.1 == first) {
        let values: Vec<f64> = sorted.iter().map(|w| w.0).collect();
        return quantile_sorted(&values, q);
    }
    let total: f64 = sorted.iter().map(|w| w.1).sum();
    let target = q.clamp(0.0, 1.0) * total;
    let mut cumulative = 0.0;
    for &(v, w) in sorted {
        cumulative += w;
        if cumulative >= target {
            return v;
        }
    }
    sorted[sorted.len() - 1].0
}

/// Rounds to 0.01 ms: latencies kept as f32 are exact to about that.
fn round2(x: f64) -> f64 {
    crate::output::round_to(x, 2)
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
                    first_ts: Some(Micros::from_secs(h * 3600)),
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
        assert_eq!((r11.baseline.as_str(), r11.test), ("1.0", "van_elteren"));
        assert_eq!(report.rows[0].test, "cochran_mantel_haenszel");
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
    fn an_incident_in_a_busy_hour_of_one_side_is_not_a_regression() {
        // Both releases serve hours 0..10 alike, except that hour 5 is an incident (every
        // 3rd request fails, latency ×3) in which the new release took most of the traffic.
        let mut groups = Vec::new();
        for h in 0..10 {
            let (mult, fail_every) = if h == 5 { (3.0, 3) } else { (1.0, 200) };
            let new_share = if h == 5 { 2000 } else { 100 };
            groups.extend(variant("old", h..h + 1, 1000, mult, fail_every));
            groups.extend(variant("next", h..h + 1, new_share, mult, fail_every));
        }
        let report = compare(Dim::Version, groups, &CompareConfig::default(), 20);
        for r in &report.rows {
            assert_eq!(r.verdict, Verdict::Unchanged, "{r:?}");
        }
        // Pooled, the new release fails 24 % of requests against 3.8 %; at its own mix of
        // hours the old one fails as often.
        let success = &report.rows[0];
        assert!((success.current.unwrap() - success.previous.unwrap()).abs() < 0.01);
        assert!(success.p_value.unwrap() > 0.05);
        let p50 = &report.rows[3];
        assert!(p50.relative_change.unwrap().abs() < 0.1, "{p50:?}");
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
