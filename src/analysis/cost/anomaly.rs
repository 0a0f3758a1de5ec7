//! Cost anomalies (`cost_anomalies.csv`): buckets whose spend departs from their robust
//! baseline, in total and per dimension value, with the driver, a severity and an owner.

use super::baseline::{pick_baseline, season, BaselinePick, Robust, Span};
use super::driver::{usd, Decomposition, Factor};
use super::stats::CostStats;
use super::{CostConfig, CostReport, DimRows};
use crate::bucket::BucketKind;
use crate::config::Owners;
use crate::record::Dim;
use std::collections::{BTreeMap, HashMap};

/// Whether spend rose or fell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Spike,
    Drop,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Spike => "spike",
            Direction::Drop => "drop",
        }
    }
}

/// The rule that found an anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Spend departs from its baseline.
    Spend,
    /// Cost per request departs from its baseline, and spend moved the same way: requests got
    /// pricier (or cheaper) even if traffic hid part of it.
    UnitCost,
    /// Both.
    Both,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Spend => "spend",
            Rule::UnitCost => "cost_per_request",
            Rule::Both => "spend+cost_per_request",
        }
    }
}

/// Alert severity, shared with the SLO alerts so `alerts.csv` has one scale.
pub use crate::analysis::slo::alert_config::Severity;

/// One row of `cost_anomalies.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Anomaly {
    /// Day, or hour when `--by` starts with `hour`.
    pub kind: BucketKind,
    pub bucket: i64,
    /// `None` for the total over everything.
    pub dim: Option<Dim>,
    pub value: Option<String>,
    pub direction: Direction,
    pub cost_usd: f64,
    /// Median cost of the baseline buckets.
    pub baseline_usd: f64,
    pub ratio: f64,
    /// `None` when the baseline has no spread at all (only with `mad_floor = 0`).
    pub z_score: Option<f64>,
    /// Which rule fired: spend, cost per request, or both.
    pub rule: Rule,
    /// Cost per request now and its baseline median; their ratio and robust z-score.
    pub cost_per_request: Option<f64>,
    pub baseline_cost_per_request: Option<f64>,
    pub unit_ratio: Option<f64>,
    pub unit_z_score: Option<f64>,
    /// `model=gpt-4o: tokens_per_request`: the value that moved most and the factor that did.
    pub driver: String,
    pub driver_detail: String,
    pub severity: Severity,
    pub owner: String,
    pub requests: u64,
    pub baseline_requests: f64,
    /// First and last baseline bucket (starts, epoch seconds) and how many there were.
    pub baseline_from: i64,
    pub baseline_to: i64,
    pub baseline_buckets: usize,
}

impl Anomaly {
    /// `total`, or `dimension=value` (`model=gpt-4o`; an absent value as `(none)`).
    pub fn scope(&self) -> String {
        match self.dim {
            None => "total".to_string(),
            Some(d) => scope_of(d, self.value.as_deref()),
        }
    }
}

fn scope_of(dim: Dim, value: Option<&str>) -> String {
    format!("{}={}", dim.name(), value.unwrap_or("(none)"))
}

/// Buckets whose number exceeds this are not gap-filled (a stray timestamp decades away).
const MAX_FILLED_BUCKETS: i64 = 200_000;

/// A time series of one scope: bucket starts (ascending) and their spend.
struct Series<'a> {
    dim: Option<Dim>,
    value: Option<&'a str>,
    points: Vec<(i64, &'a CostStats)>,
}

/// One dimension's rows as (bucket start, value, spend), sorted by bucket then value.
type DimSpend<'a> = (Dim, Vec<(i64, Option<&'a str>, &'a CostStats)>);

/// A bucket's cost per request against its baseline.
struct UnitCost {
    baseline: f64,
    ratio: f64,
    z: Option<f64>,
}

/// A bucket judged anomalous, before its driver is worked out.
struct Judged {
    index: usize,
    pick: BaselinePick,
    robust: Robust,
    ratio: f64,
    z: Option<f64>,
    unit: Option<UnitCost>,
    rule: Rule,
    direction: Direction,
    baseline_requests: f64,
}

/// Cost per request of a bucket; `None` without requests.
fn unit_cost(s: &CostStats) -> Option<f64> {
    (s.requests > 0).then(|| s.cost_usd() / s.requests as f64)
}

/// Finds the cost anomalies of a report: per day always, and per hour when the `--by` bucket
/// is `hour`; in total and per value of the model and `--by` dimensions. Sorted by bucket,
/// days before hours, total before dimension values.
pub fn find_anomalies(report: &CostReport, cfg: &CostConfig, owners: &Owners) -> Vec<Anomaly> {
    let Some(span) = report.span else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let day_total: Vec<(i64, &CostStats)> = report
        .daily_total
        .iter()
        .map(|(b, s)| (*b, &s.cost))
        .collect();
    let day_dims: Vec<DimSpend<'_>> = report
        .daily_by_dim
        .iter()
        .filter(|d| report.anomaly_dims.contains(&d.dim))
        .map(|d| (d.dim, flatten(d, |s| &s.cost)))
        .collect();
    detect(
        BucketKind::Day,
        span,
        &day_total,
        &day_dims,
        cfg,
        owners,
        &mut out,
    );
    if !report.hourly_total.is_empty() {
        let hour_total: Vec<(i64, &CostStats)> =
            report.hourly_total.iter().map(|(b, s)| (*b, s)).collect();
        let hour_dims: Vec<DimSpend<'_>> = report
            .hourly_by_dim
            .iter()
            .map(|d| (d.dim, flatten(d, |s| s)))
            .collect();
        detect(
            BucketKind::Hour,
            span,
            &hour_total,
            &hour_dims,
            cfg,
            owners,
            &mut out,
        );
    }
    let dim_rank = |d: Option<Dim>| {
        d.map_or(0, |d| {
            1 + report
                .anomaly_dims
                .iter()
                .position(|&x| x == d)
                .unwrap_or(99)
        })
    };
    // Absent values sort last, as in every other table.
    out.sort_by(|a, b| {
        (
            a.bucket,
            a.kind == BucketKind::Hour,
            dim_rank(a.dim),
            a.value.is_none(),
            &a.value,
        )
            .cmp(&(
                b.bucket,
                b.kind == BucketKind::Hour,
                dim_rank(b.dim),
                b.value.is_none(),
                &b.value,
            ))
    });
    out
}

fn flatten<T>(
    rows: &DimRows<T>,
    cost: impl Fn(&T) -> &CostStats,
) -> Vec<(i64, Option<&str>, &CostStats)> {
    rows.rows
        .iter()
        .map(|(k, s)| (k.bucket, k.dims.first().and_then(|v| v.as_deref()), cost(s)))
        .collect()
}

/// Judges every series of one bucket width and appends the anomalies to `out`.
fn detect(
    kind: BucketKind,
    span: Span,
    total: &[(i64, &CostStats)],
    by_dim: &[DimSpend<'_>],
    cfg: &CostConfig,
    owners: &Owners,
    out: &mut Vec<Anomaly>,
) {
    let total_series = Series {
        dim: None,
        value: None,
        points: fill_gaps(kind, total),
    };
    let mut series = Vec::new();
    for (dim, rows) in by_dim {
        let mut by_value: BTreeMap<Option<&str>, Vec<(i64, &CostStats)>> = BTreeMap::new();
        for &(bucket, value, stats) in rows {
            by_value.entry(value).or_default().push((bucket, stats));
        }
        series.extend(by_value.into_iter().map(|(value, points)| Series {
            dim: Some(*dim),
            value,
            points,
        }));
    }
    // Per-value spend by bucket, to find which value moved a total.
    let lookup: Vec<HashMap<i64, &CostStats>> = series
        .iter()
        .map(|s| s.points.iter().copied().collect())
        .collect();

    for j in judge(kind, span, &total_series.points, true, cfg) {
        let (driver, detail, factor) = total_driver(&total_series, &j, &series, &lookup);
        out.push(anomaly(
            kind,
            &total_series,
            &j,
            driver,
            detail,
            factor,
            cfg,
            owners,
        ));
    }
    for s in &series {
        // A release's or rollout stage's traffic share moves with every rollout by design, so
        // only its cost per request is judged.
        let spend_rule = !matches!(s.dim, Some(Dim::Version | Dim::Stage));
        for j in judge(kind, span, &s.points, spend_rule, cfg) {
            let now = s.points[j.index].1;
            let base: Vec<&CostStats> = j.pick.indices.iter().map(|&i| s.points[i].1).collect();
            let d = Decomposition::of(now, &base);
            let factor = d.driver(j.direction == Direction::Spike);
            let driver = format!(
                "{}: {}",
                scope_of(s.dim.unwrap_or(Dim::Model), s.value),
                factor.name()
            );
            let detail = format!(
                "cost x{:.2} vs baseline median {} USD: {}",
                j.ratio,
                usd(j.robust.median),
                d.describe()
            );
            out.push(anomaly(kind, s, &j, driver, detail, factor, cfg, owners));
        }
    }
}

/// The total's buckets with the empty buckets inside the data filled in (a day without any
/// record is a real zero for the total, unlike for one model).
fn fill_gaps<'a>(kind: BucketKind, total: &[(i64, &'a CostStats)]) -> Vec<(i64, &'a CostStats)> {
    let (Some(first), Some(last)) = (total.first(), total.last()) else {
        return Vec::new();
    };
    if (last.0 - first.0) / kind.min_secs() > MAX_FILLED_BUCKETS {
        return total.to_vec();
    }
    let mut out = Vec::with_capacity(total.len());
    let mut next = first.0;
    for &(bucket, stats) in total {
        while next < bucket {
            out.push((next, &CostStats::EMPTY));
            next = kind.next(next);
        }
        out.push((bucket, stats));
        next = kind.next(bucket);
    }
    out
}

/// Applies the anomaly rules to every point of a series (the spend rule only if `spend_rule`).
fn judge(
    kind: BucketKind,
    span: Span,
    points: &[(i64, &CostStats)],
    spend_rule: bool,
    cfg: &CostConfig,
) -> Vec<Judged> {
    let kinds: Vec<u32> = points.iter().map(|(b, _)| season(kind, *b)).collect();
    let partial: Vec<bool> = points.iter().map(|(b, _)| span.cuts(kind, *b)).collect();
    let mut out = Vec::new();
    for (i, &(_, now)) in points.iter().enumerate() {
        let Some(pick) = pick_baseline(
            &kinds,
            &partial,
            i,
            cfg.baseline_buckets,
            cfg.min_baseline_buckets,
        ) else {
            continue;
        };
        let costs: Vec<f64> = pick
            .indices
            .iter()
            .map(|&j| points[j].1.cost_usd())
            .collect();
        let Some(robust) = Robust::of(&costs) else {
            continue;
        };
        let requests: Vec<f64> = pick
            .indices
            .iter()
            .map(|&j| points[j].1.requests as f64)
            .collect();
        let baseline_requests = Robust::of(&requests).map_or(0.0, |r| r.median);
        // A series is judged only where it usually carries enough requests: a handful of
        // requests swings by multiples from chance alone.
        if baseline_requests < cfg.min_requests as f64 {
            continue;
        }
        // Nothing to compare against: a series that usually costs nothing (unpriced, free).
        if robust.median <= 0.0 {
            continue;
        }
        let x = now.cost_usd();
        let ratio = x / robust.median;
        // Sampling noise sets a floor under σ: the spend of about n requests whose costs
        // spread with coefficient of variation cv wobbles by √((1 + cv²) / n) of itself
        // (a compound Poisson sum), and their mean cost by cv / √n.
        let mut cv2s: Vec<f64> = pick
            .indices
            .iter()
            .filter_map(|&j| points[j].1.cost_cv2())
            .collect();
        let cv2 = super::baseline::median(&mut cv2s).unwrap_or(0.0);
        let spend_noise = if baseline_requests > 0.0 {
            robust.median * ((1.0 + cv2) / baseline_requests).sqrt()
        } else {
            0.0
        };
        let z = robust.z(x, cfg.mad_floor, spend_noise);
        let beyond = |z: Option<f64>, sign: f64| z.is_none_or(|z| sign * z >= cfg.z_threshold);
        // Cost per request, judged only on a bucket with enough requests of its own.
        let unit = unit_cost(now)
            .filter(|_| now.requests >= cfg.min_requests)
            .and_then(|u| {
                let base: Vec<f64> = pick
                    .indices
                    .iter()
                    .filter_map(|&j| unit_cost(points[j].1))
                    .collect();
                let r = Robust::of(&base)
                    .filter(|r| base.len() >= cfg.min_baseline_buckets && r.median > 0.0)?;
                let mean_noise = r.median * (cv2 / now.requests as f64).sqrt();
                Some(UnitCost {
                    baseline: r.median,
                    ratio: u / r.median,
                    z: r.z(u, cfg.mad_floor, mean_noise),
                })
            });
        let spend_spike = spend_rule && ratio >= cfg.ratio_above && beyond(z, 1.0);
        let unit_spike = ratio > 1.0
            && unit
                .as_ref()
                .is_some_and(|u| u.ratio >= cfg.unit_ratio_above && beyond(u.z, 1.0));
        // A bucket cut by the end of the data is low because it is short, not cheap.
        let spend_drop = spend_rule && ratio <= cfg.ratio_below && beyond(z, -1.0) && !partial[i];
        let unit_drop = ratio < 1.0
            && !partial[i]
            && unit
                .as_ref()
                .is_some_and(|u| u.ratio <= cfg.unit_ratio_below && beyond(u.z, -1.0));
        let (direction, rule) = match (spend_spike, unit_spike, spend_drop, unit_drop) {
            (true, true, ..) => (Direction::Spike, Rule::Both),
            (true, false, ..) => (Direction::Spike, Rule::Spend),
            (false, true, ..) => (Direction::Spike, Rule::UnitCost),
            (_, _, true, true) => (Direction::Drop, Rule::Both),
            (_, _, true, false) => (Direction::Drop, Rule::Spend),
            (_, _, false, true) => (Direction::Drop, Rule::UnitCost),
            _ => continue,
        };
        out.push(Judged {
            index: i,
            pick,
            robust,
            ratio,
            z,
            unit,
            rule,
            direction,
            baseline_requests,
        });
    }
    out
}

/// The value (of any checked dimension) whose spend moved most in the direction of a total's
/// change, measured against its own median over the total's baseline buckets.
fn total_driver(
    total: &Series<'_>,
    j: &Judged,
    series: &[Series<'_>],
    lookup: &[HashMap<i64, &CostStats>],
) -> (String, String, Factor) {
    let bucket = total.points[j.index].0;
    let base_buckets: Vec<i64> = j.pick.indices.iter().map(|&i| total.points[i].0).collect();
    let sign = if j.direction == Direction::Spike {
        1.0
    } else {
        -1.0
    };
    let total_delta = total.points[j.index].1.cost_usd() - j.robust.median;
    let mut best: Option<(usize, f64)> = None;
    for (k, map) in lookup.iter().enumerate() {
        // Rollouts shift spend between releases and stages by design; they explain nothing.
        if matches!(series[k].dim, Some(Dim::Version | Dim::Stage)) {
            continue;
        }
        let now = map.get(&bucket).map_or(0.0, |s| s.cost_usd());
        let mut base: Vec<f64> = base_buckets
            .iter()
            .map(|b| map.get(b).map_or(0.0, |s| s.cost_usd()))
            .collect();
        let delta = now - super::baseline::median(&mut base).unwrap_or(0.0);
        if best.is_none_or(|(_, d)| sign * delta > sign * d) {
            best = Some((k, delta));
        }
    }
    let now = total.points[j.index].1;
    let base: Vec<&CostStats> = j.pick.indices.iter().map(|&i| total.points[i].1).collect();
    let overall = Decomposition::of(now, &base);
    let head = format!(
        "cost x{:.2} vs baseline median {} USD: {}",
        j.ratio,
        usd(j.robust.median),
        overall.describe()
    );
    match best.filter(|(_, d)| sign * d > 0.0) {
        Some((k, delta)) => {
            let s = &series[k];
            let map = &lookup[k];
            let empty = CostStats::EMPTY;
            let v_now = map.get(&bucket).copied().unwrap_or(&empty);
            let v_base: Vec<&CostStats> = base_buckets
                .iter()
                .filter_map(|b| map.get(b).copied())
                .collect();
            let d = Decomposition::of(v_now, &v_base);
            let factor = d.driver(j.direction == Direction::Spike);
            let scope = scope_of(s.dim.unwrap_or(Dim::Model), s.value);
            let detail = format!(
                "{head}; {scope} moved most ({} of {} USD): {}",
                signed_usd(delta),
                signed_usd(total_delta),
                d.describe()
            );
            (format!("{scope}: {}", factor.name()), detail, factor)
        }
        None => {
            let factor = overall.driver(j.direction == Direction::Spike);
            (format!("total: {}", factor.name()), head, factor)
        }
    }
}

fn signed_usd(x: f64) -> String {
    if x >= 0.0 {
        format!("+{}", usd(x))
    } else {
        usd(x)
    }
}

#[allow(clippy::too_many_arguments)]
fn anomaly(
    kind: BucketKind,
    s: &Series<'_>,
    j: &Judged,
    driver: String,
    driver_detail: String,
    factor: Factor,
    cfg: &CostConfig,
    owners: &Owners,
) -> Anomaly {
    let (bucket, now) = s.points[j.index];
    // Severity follows the larger of the spend and cost-per-request ratios.
    let ratio = j.unit.as_ref().map_or(j.ratio, |u| u.ratio.max(j.ratio));
    let severity = match j.direction {
        Direction::Spike if ratio >= cfg.p1_ratio => Severity::P1,
        Direction::Spike if ratio >= cfg.p2_ratio => Severity::P2,
        // A fall in spend is worth a look (lost traffic, a logging gap) but is never urgent
        // as a cost matter; the SLO report owns outages.
        _ => Severity::P3,
    };
    let first = j.pick.indices.first().map_or(bucket, |&i| s.points[i].0);
    let last = j.pick.indices.last().map_or(bucket, |&i| s.points[i].0);
    Anomaly {
        kind,
        bucket,
        dim: s.dim,
        value: s.value.map(str::to_string),
        direction: j.direction,
        cost_usd: now.cost_usd(),
        baseline_usd: j.robust.median,
        ratio: j.ratio,
        z_score: j.z,
        rule: j.rule,
        cost_per_request: unit_cost(now),
        baseline_cost_per_request: j.unit.as_ref().map(|u| u.baseline),
        unit_ratio: j.unit.as_ref().map(|u| u.ratio),
        unit_z_score: j.unit.as_ref().and_then(|u| u.z),
        driver,
        driver_detail,
        severity,
        owner: factor.owner(owners).to_string(),
        requests: now.requests,
        baseline_requests: j.baseline_requests,
        baseline_from: first,
        baseline_to: last,
        baseline_buckets: j.pick.indices.len(),
    }
}

#[cfg(test)]
#[path = "anomaly_tests.rs"]
mod tests;
