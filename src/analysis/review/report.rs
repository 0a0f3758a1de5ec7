//! The finished review: the selected period's cases (sorted, clustered, owned), cluster
//! history, the trend, week-over-week rows and per-owner summaries, ready for the writers.

use super::cluster::cluster;
use super::counts::{PeriodCounts, Tally};
use super::period::{day_label, day_start, iso_week_label, ONE_DAY, TREND_PERIODS};
use super::{Case, Category, Reasons, Review};
use std::collections::{BTreeMap, HashMap};

/// Whether a cluster is new this period, came back, or grew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterStatus {
    /// No similar case in the previous four periods.
    New,
    /// Seen before, and not larger than in any of the previous four periods.
    Recurring,
    /// Seen before, larger now than in each of the previous four periods, and at least a
    /// quarter above their average (over the periods that had any request).
    Growing,
}

impl ClusterStatus {
    pub fn name(self) -> &'static str {
        match self {
            ClusterStatus::New => "new",
            ClusterStatus::Recurring => "recurring",
            ClusterStatus::Growing => "growing",
        }
    }
}

/// One cluster of similar cases.
#[derive(Debug, Clone)]
pub struct ClusterSummary {
    /// `C001`, … numbered by size (largest first), then by first case.
    pub id: String,
    pub size: u64,
    /// Similar cases in each of the previous four periods (most recent first).
    pub history: [u64; 4],
    pub status: ClusterStatus,
    /// The masked prompt (or response, or error) excerpt of a typical case.
    pub representative: String,
    pub top_model: String,
    pub top_version: String,
    pub top_category: Category,
    pub owner: String,
    /// Indices of its cases in `ReviewReport::cases`.
    pub members: Vec<usize>,
}

/// Counts of one period of the trend.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    pub label: String,
    /// Short label for chart axes.
    pub axis: String,
    pub tally: Tally,
}

/// Cases of one day (or week, for long periods) of the period, split so the parts add up.
#[derive(Debug, Clone, Default)]
pub struct DayPoint {
    /// Start of the day (or week), epoch microseconds.
    pub start: i64,
    pub label: String,
    pub low_confidence_only: u64,
    pub negative_feedback_only: u64,
    /// Low confidence and negative feedback together.
    pub both: u64,
    /// Failed requests (any other reasons included).
    pub errors: u64,
}

/// One week-over-week comparison: a metric for all traffic, one model or one release.
#[derive(Debug, Clone)]
pub struct WowRow {
    /// `all`, `model` or `version`.
    pub dimension: &'static str,
    pub value: String,
    /// `cases`, `low_confidence`, `negative_feedback` or `error`.
    pub metric: &'static str,
    pub current: u64,
    pub previous: u64,
    pub requests: u64,
    pub previous_requests: u64,
}

impl WowRow {
    /// The metric's share of requests this period.
    pub fn rate(&self) -> Option<f64> {
        (self.requests > 0).then(|| self.current as f64 / self.requests as f64)
    }

    /// The metric's share of requests in the previous period.
    pub fn previous_rate(&self) -> Option<f64> {
        (self.previous_requests > 0).then(|| self.previous as f64 / self.previous_requests as f64)
    }
}

/// What one owner has to look at.
#[derive(Debug, Clone)]
pub struct OwnerSummary {
    pub owner: String,
    pub cases: u64,
    /// Cases per category owned (only categories with cases).
    pub by_category: Vec<(Category, u64)>,
    pub low_confidence: u64,
    pub negative_feedback: u64,
    pub errors: u64,
    /// Distinct clusters among the owner's cases.
    pub clusters: u64,
    /// The cases to read first: the worst case of each of the owner's largest clusters.
    pub top_cases: Vec<usize>,
}

/// The finished review.
#[derive(Debug, Clone)]
pub struct ReviewReport {
    /// `2026-W47`, or `START..END` for a `--since/--until` range; empty without data.
    pub period_label: String,
    pub period_start: i64,
    pub period_end: i64,
    /// Label of the period compared against.
    pub previous_label: String,
    pub selected_by: &'static str,
    /// False when the default week is the only, partial week of the data.
    pub complete: bool,
    /// False when no record had a timestamp.
    pub has_data: bool,
    pub include_errors: bool,
    pub min_confidence: f64,
    pub negative_below: f64,
    pub data_from: Option<i64>,
    pub data_to: Option<i64>,
    pub without_ts: u64,
    pub current: Tally,
    pub previous: Tally,
    /// Sorted by time, then file and line.
    pub cases: Vec<Case>,
    pub clusters: Vec<ClusterSummary>,
    pub trend: Vec<TrendPoint>,
    pub days: Vec<DayPoint>,
    /// `day`, or `week` when the period is longer than 92 days.
    pub day_unit: &'static str,
    pub wow: Vec<WowRow>,
    pub owners: Vec<OwnerSummary>,
}

/// Longest period charted per day; longer ones are charted per ISO week.
const MAX_DAILY_POINTS: i64 = 92;

/// Builds the report from the finished fold.
pub(super) fn build(r: Review) -> ReviewReport {
    let opts = r.opts.clone();
    let grid = r.grid;
    let (selected, complete) = match (opts.selection.fixed_index(), r.min_ts, r.max_ts) {
        (Some(p), _, _) => (p, true),
        (None, Some(lo), Some(hi)) => grid.last_complete(lo, hi),
        (None, _, _) => (0, false),
    };
    let has_data = r.max_ts.is_some();

    let mut cases: Vec<Case> = Vec::new();
    let mut past: Vec<(i64, super::signature::Signature)> = Vec::new();
    for c in r.cases {
        if c.period == selected {
            cases.push(c);
        } else if c.period < selected && c.period >= selected - 4 {
            past.push((c.period, c.signature));
        }
    }
    past.extend(
        r.past
            .into_iter()
            .filter(|p| p.period < selected && p.period >= selected - 4)
            .map(|p| (p.period, p.signature)),
    );
    cases.sort_by(|a, b| a.ts.cmp(&b.ts).then(a.loc.cmp(&b.loc)));

    let owners = &opts.owners;
    let had_data: [bool; 4] =
        std::array::from_fn(|k| r.counts.period_total(selected - 1 - k as i64).requests > 0);
    let clusters = build_clusters(
        &mut cases,
        &past,
        selected,
        opts.config.cluster_similarity,
        had_data,
        |c| c.owner(owners).to_string(),
    );
    let (days, day_unit) = day_points(&cases, grid.start(selected), grid.end(selected));
    let trend = (selected - (TREND_PERIODS - 1)..=selected)
        .map(|p| TrendPoint {
            label: grid.label(p),
            axis: grid.axis_label(p),
            tally: r.counts.period_total(p),
        })
        .collect();
    let wow = wow_rows(&r.counts, selected, opts.include_errors, |s| {
        opts.masker.mask(s)
    });
    let owner_rows = owner_summaries(&cases, owners, opts.config.top_cases);
    ReviewReport {
        period_label: if has_data || opts.selection.fixed_index().is_some() {
            grid.label(selected)
        } else {
            String::new()
        },
        period_start: grid.start(selected),
        period_end: grid.end(selected),
        previous_label: grid.label(selected - 1),
        selected_by: opts.selection.describe(),
        complete,
        has_data,
        include_errors: opts.include_errors,
        min_confidence: opts.config.min_confidence,
        negative_below: opts.config.negative_below,
        data_from: r.min_ts,
        data_to: r.max_ts,
        without_ts: r.without_ts,
        current: r.counts.period_total(selected),
        previous: r.counts.period_total(selected - 1),
        cases,
        clusters,
        trend,
        days,
        day_unit,
        wow,
        owners: owner_rows,
    }
}

/// The most common value (ties: the smallest).
fn mode<T: Ord + Clone>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, u64> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(v, _)| v)
}

/// Clusters the cases (setting `Case::cluster`) and matches the earlier periods' signatures.
fn build_clusters(
    cases: &mut [Case],
    past: &[(i64, super::signature::Signature)],
    selected: i64,
    threshold: f64,
    had_data: [bool; 4],
    owner_of: impl Fn(Category) -> String,
) -> Vec<ClusterSummary> {
    let sigs: Vec<&super::signature::Signature> = cases.iter().map(|c| &c.signature).collect();
    let clustering = cluster(&sigs, threshold);
    let mut history = vec![[0u64; 4]; clustering.count];
    for (period, sig) in past {
        if let Some(k) = clustering.assign(sig) {
            let back = (selected - period - 1) as usize;
            if back < 4 {
                history[k][back] += 1;
            }
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); clustering.count];
    for (i, &k) in clustering.of.iter().enumerate() {
        members[k].push(i);
    }
    // Largest first, then by first case (cases are sorted by time).
    let mut order: Vec<usize> = (0..clustering.count).collect();
    order.sort_by(|&a, &b| {
        members[b]
            .len()
            .cmp(&members[a].len())
            .then(members[a].first().cmp(&members[b].first()))
    });
    let width = order.len().to_string().len().max(3);
    let mut out = Vec::with_capacity(order.len());
    for (rank, &k) in order.iter().enumerate() {
        let m = &members[k];
        for &i in m {
            cases[i].cluster = rank;
        }
        // The representative is the first case with the cluster's most common signature.
        let common = mode(m.iter().map(|&i| cases[i].signature.tokens().to_vec()));
        let rep = m
            .iter()
            .copied()
            .find(|&i| Some(cases[i].signature.tokens().to_vec()) == common)
            .unwrap_or(m[0]);
        let rc = &cases[rep];
        let representative = [&rc.prompt_excerpt, &rc.response_excerpt, &rc.error]
            .into_iter()
            .find(|s| !s.is_empty())
            .cloned()
            .unwrap_or_default();
        let size = m.len() as u64;
        let h = history[k];
        let status = cluster_status(size, h, had_data);
        let top_category = mode(m.iter().map(|&i| cases[i].category)).unwrap_or(Category::Model);
        out.push(ClusterSummary {
            id: format!("C{:0width$}", rank + 1),
            size,
            history: h,
            status,
            representative,
            top_model: mode(
                m.iter()
                    .map(|&i| cases[i].model.clone().unwrap_or_default()),
            )
            .unwrap_or_default(),
            top_version: mode(
                m.iter()
                    .map(|&i| cases[i].version.clone().unwrap_or_default()),
            )
            .unwrap_or_default(),
            top_category,
            owner: owner_of(top_category),
            members: m.clone(),
        });
    }
    out
}

/// New, growing or recurring, from this period's size and the previous four periods'.
fn cluster_status(size: u64, history: [u64; 4], had_data: [bool; 4]) -> ClusterStatus {
    if history.iter().all(|&n| n == 0) {
        return ClusterStatus::New;
    }
    let periods = had_data.iter().filter(|&&d| d).count().max(1) as f64;
    let mean = history.iter().sum::<u64>() as f64 / periods;
    if history.iter().all(|&n| size > n) && size as f64 >= 1.25 * mean {
        ClusterStatus::Growing
    } else {
        ClusterStatus::Recurring
    }
}

/// Cases per day of the period (per ISO week when it is longer than 92 days).
fn day_points(cases: &[Case], start: i64, end: i64) -> (Vec<DayPoint>, &'static str) {
    let weekly = (end - start) / ONE_DAY > MAX_DAILY_POINTS;
    let step = if weekly { 7 * ONE_DAY } else { ONE_DAY };
    let first = if weekly {
        crate::bucket::BucketKind::Week.start(start) * crate::record::time::MICROS
    } else {
        day_start(start)
    };
    let n = ((end - first + step - 1) / step).clamp(0, 10_000) as usize;
    let mut days: Vec<DayPoint> = (0..n)
        .map(|i| {
            let t = first + i as i64 * step;
            DayPoint {
                start: t,
                label: if weekly {
                    iso_week_label(t)
                } else {
                    day_label(t)
                },
                ..DayPoint::default()
            }
        })
        .collect();
    for c in cases {
        let Some(d) = days.get_mut(((c.ts - first) / step) as usize) else {
            continue;
        };
        let low = c.reasons.contains(Reasons::LOW_CONFIDENCE);
        let neg = c.reasons.contains(Reasons::NEGATIVE_FEEDBACK);
        if c.reasons.contains(Reasons::ERROR) {
            d.errors += 1;
        } else if low && neg {
            d.both += 1;
        } else if low {
            d.low_confidence_only += 1;
        } else {
            d.negative_feedback_only += 1;
        }
    }
    (days, if weekly { "week" } else { "day" })
}

/// Week-over-week rows: for all traffic, each model and each release, the count of each
/// metric in the selected and the previous period.
fn wow_rows(
    counts: &PeriodCounts,
    selected: i64,
    include_errors: bool,
    mask: impl Fn(&str) -> String,
) -> Vec<WowRow> {
    type Pair = (Tally, Tally);
    let mut all: Pair = Default::default();
    let mut by_model: BTreeMap<String, Pair> = BTreeMap::new();
    let mut by_version: BTreeMap<String, Pair> = BTreeMap::new();
    for (k, t) in counts.iter() {
        let slot = |pair: &mut Pair| {
            if k.period == selected {
                pair.0.combine(t);
            } else if k.period == selected - 1 {
                pair.1.combine(t);
            }
        };
        if k.period != selected && k.period != selected - 1 {
            continue;
        }
        slot(&mut all);
        slot(
            by_model
                .entry(k.model.clone().unwrap_or_default())
                .or_default(),
        );
        slot(
            by_version
                .entry(k.version.clone().unwrap_or_default())
                .or_default(),
        );
    }
    type Metric = (&'static str, fn(&Tally) -> u64);
    let mut metrics: Vec<Metric> = vec![
        ("cases", |t| t.cases),
        ("low_confidence", |t| t.low_confidence),
        ("negative_feedback", |t| t.negative_feedback),
    ];
    if include_errors {
        metrics.push(("error", |t| t.errors));
    }
    let mut rows = Vec::new();
    let groups = std::iter::once(("all", "all".to_string(), all))
        .chain(by_model.into_iter().map(|(v, p)| ("model", mask(&v), p)))
        .chain(
            by_version
                .into_iter()
                .map(|(v, p)| ("version", mask(&v), p)),
        );
    for (dimension, value, (cur, prev)) in groups {
        for (metric, get) in &metrics {
            rows.push(WowRow {
                dimension,
                value: value.clone(),
                metric,
                current: get(&cur),
                previous: get(&prev),
                requests: cur.requests,
                previous_requests: prev.requests,
            });
        }
    }
    rows
}

/// Severity order for a person reading cases: negative feedback with a comment first, then
/// lower confidence, then time.
fn severity_key(c: &Case) -> (bool, bool, i64, i64) {
    let commented = c.reasons.contains(Reasons::NEGATIVE_FEEDBACK) && !c.comment.is_empty();
    let conf = c.confidence.map_or(i64::MAX, |x| (x * 1e6) as i64);
    (
        !commented,
        !c.reasons.contains(Reasons::LOW_CONFIDENCE),
        conf,
        c.ts,
    )
}

/// One row per owner with cases (in category order), with the cases to read first.
fn owner_summaries(
    cases: &[Case],
    owners: &crate::config::Owners,
    top: usize,
) -> Vec<OwnerSummary> {
    let mut order: Vec<String> = Vec::new();
    let mut of_owner: HashMap<String, Vec<usize>> = HashMap::new();
    for cat in Category::ALL {
        let o = cat.owner(owners).to_string();
        if !order.contains(&o) {
            order.push(o);
        }
    }
    for (i, c) in cases.iter().enumerate() {
        of_owner
            .entry(c.category.owner(owners).to_string())
            .or_default()
            .push(i);
    }
    let mut out = Vec::new();
    for owner in order {
        let Some(list) = of_owner.remove(&owner) else {
            continue;
        };
        let mut by_category: BTreeMap<Category, u64> = BTreeMap::new();
        let mut per_cluster: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &i in &list {
            *by_category.entry(cases[i].category).or_default() += 1;
            per_cluster.entry(cases[i].cluster).or_default().push(i);
        }
        // Clusters are ranked by size, so BTreeMap order is largest first.
        let mut top_cases: Vec<usize> = Vec::new();
        for members in per_cluster.values() {
            if top_cases.len() == top {
                break;
            }
            if let Some(&worst) = members.iter().min_by_key(|&&i| severity_key(&cases[i])) {
                top_cases.push(worst);
            }
        }
        if top_cases.len() < top {
            let mut rest: Vec<usize> = list
                .iter()
                .copied()
                .filter(|i| !top_cases.contains(i))
                .collect();
            rest.sort_by_key(|&i| severity_key(&cases[i]));
            top_cases.extend(rest.into_iter().take(top - top_cases.len()));
        }
        let count = |r: Reasons| {
            list.iter()
                .filter(|&&i| cases[i].reasons.contains(r))
                .count() as u64
        };
        out.push(OwnerSummary {
            owner,
            cases: list.len() as u64,
            by_category: by_category.into_iter().collect(),
            low_confidence: count(Reasons::LOW_CONFIDENCE),
            negative_feedback: count(Reasons::NEGATIVE_FEEDBACK),
            errors: count(Reasons::ERROR),
            clusters: per_cluster.len() as u64,
            top_cases,
        });
    }
    out
}
