//! The finished review: the selected period's cases (sorted, clustered, owned), cluster
//! history, the trend, week-over-week rows and per-owner summaries, ready for the writers.

use super::boilerplate::{Boilerplate, SegmentKeys};
use super::cluster::{cluster, Assigner, ClusterSum};
use super::counts::{PeriodCounts, Tally};
use super::memo::{self, ClusterMemo, Geometry};
use super::period::TREND_PERIODS;
use super::text::{Doc, Vocabulary};
use super::vector::{term_counts, Idf, SparseVec};
use super::{Case, Category, Reasons, Review};
use crate::bucket::BucketKind;
use crate::record::time::{Micros, DAY_SECS};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Whether a cluster is new this period, came back, grew, or went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterStatus {
    /// Fewer than [`NEW_MAX_PAST`] similar cases (or a tenth of its size) in the previous
    /// four periods together.
    New,
    /// Seen before and not growing.
    Recurring,
    /// Seen before, at least [`GROWING_MIN`] cases, at least 1.5 times the mean of the
    /// previous periods that had data, and above it by at least three standard deviations
    /// of a Poisson count with that mean (`size - mean >= 3·sqrt(max(mean, 1))`).
    Growing,
    /// At least [`RESOLVED_MIN`] cases in the previous period, none this period.
    Resolved,
}

/// Fewest cases of a growing cluster: 2 -> 3 is noise, not growth.
pub const GROWING_MIN: u64 = 5;
/// Fewest cases in the previous period for a cluster that is gone now to be listed.
pub const RESOLVED_MIN: u64 = 3;
/// Matched past cases below which a cluster still counts as new.
pub const NEW_MAX_PAST: u64 = 2;

impl ClusterStatus {
    pub fn name(self) -> &'static str {
        match self {
            ClusterStatus::New => "new",
            ClusterStatus::Recurring => "recurring",
            ClusterStatus::Growing => "growing",
            ClusterStatus::Resolved => "resolved",
        }
    }
}

/// One cluster of similar cases.
#[derive(Debug, Clone)]
pub struct ClusterSummary {
    /// `C` and six hex digits derived from the cluster's label terms, so the same problem
    /// keeps its id across runs and weeks (a clash gets `-2`, `-3`, … by size).
    pub id: String,
    /// Its most distinguishing words (c-TF-IDF over the clusters of the period).
    pub label: String,
    pub size: u64,
    /// Similar cases in each of the previous four periods (most recent first).
    pub history: [u64; 4],
    pub status: ClusterStatus,
    /// The masked prompt (or response, or error) excerpt of its most central case (empty for
    /// a resolved cluster, whose cases are not kept).
    pub representative: String,
    pub top_model: String,
    pub top_version: String,
    pub top_category: Category,
    pub owner: String,
    /// Indices of its cases in `ReviewReport::cases`.
    pub members: Vec<usize>,
}

impl ClusterSummary {
    /// True for a cluster of the previous period with no case now.
    pub fn is_resolved(&self) -> bool {
        self.status == ClusterStatus::Resolved
    }
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
    /// Start of the day (or week): a bucket start, in epoch seconds.
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
    /// Its cases by their own category (a cluster owned here may hold cases of another
    /// category; only categories with cases).
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
    pub period_start: Micros,
    pub period_end: Micros,
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
    pub data_from: Option<Micros>,
    pub data_to: Option<Micros>,
    pub without_ts: u64,
    pub current: Tally,
    pub previous: Tally,
    /// Sorted by time, then file and line.
    pub cases: Vec<Case>,
    /// The period's clusters, largest first, then the resolved ones (size 0).
    pub clusters: Vec<ClusterSummary>,
    pub trend: Vec<TrendPoint>,
    pub days: Vec<DayPoint>,
    /// `day`, or `week` when the period is longer than 92 days.
    pub day_unit: &'static str,
    pub wow: Vec<WowRow>,
    pub owners: Vec<OwnerSummary>,
}

impl ReviewReport {
    /// The clusters of the period (without the resolved ones).
    pub fn current_clusters(&self) -> impl Iterator<Item = &ClusterSummary> {
        self.clusters.iter().filter(|c| !c.is_resolved())
    }

    /// The clusters of the previous period that have no case now.
    pub fn resolved_clusters(&self) -> impl Iterator<Item = &ClusterSummary> {
        self.clusters.iter().filter(|c| c.is_resolved())
    }

    /// Number of clusters of each status, in the order new, growing, recurring, resolved.
    pub fn status_counts(&self) -> [usize; 4] {
        let n = |s: ClusterStatus| self.clusters.iter().filter(|k| k.status == s).count();
        [
            n(ClusterStatus::New),
            n(ClusterStatus::Growing),
            n(ClusterStatus::Recurring),
            n(ClusterStatus::Resolved),
        ]
    }
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
    let mut past: Vec<(i64, Doc)> = Vec::new();
    for c in r.cases {
        if c.period == selected {
            cases.push(c);
        } else if c.period < selected && c.period >= selected - 4 {
            past.push((c.period, c.doc));
        }
    }
    past.extend(
        r.past
            .into_iter()
            .filter(|p| p.period < selected && p.period >= selected - 4)
            .map(|p| (p.period, p.doc)),
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
        &r.vocab,
        opts.memo.as_deref(),
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
    let owner_rows = owner_summaries(&cases, &clusters, owners, opts.config.top_cases);
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

/// Distinct content texts of a set of documents, as weighted points in a canonical order.
struct Points {
    /// Each point's content tokens, segments separated by `u32::MAX`; sorted.
    keys: Vec<Vec<u32>>,
    /// Each point's term counts (unigrams and bigrams).
    counts: Vec<Vec<(u32, u32)>>,
    /// Documents per point.
    weights: Vec<u32>,
    /// The point of each input document.
    of: Vec<usize>,
}

impl Points {
    /// The points of `docs`, whose segment keys are those of learned documents `first..`.
    fn of(docs: &[&Doc], boilerplate: &Boilerplate, keys: &SegmentKeys, first: usize) -> Points {
        let keys: Vec<Vec<u32>> = docs
            .par_iter()
            .enumerate()
            .map(|(j, d)| {
                let mut key = Vec::with_capacity(d.tokens().len() + 4);
                let content = boilerplate.content_keyed(d, keys.of(first + j));
                for (i, s) in content.into_iter().enumerate() {
                    if i > 0 {
                        key.push(u32::MAX);
                    }
                    key.extend_from_slice(s);
                }
                key
            })
            .collect();
        let mut distinct: Vec<&Vec<u32>> = keys.iter().collect();
        distinct.par_sort_unstable();
        distinct.dedup();
        let index: HashMap<&Vec<u32>, usize> =
            distinct.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        let of: Vec<usize> = keys.iter().map(|k| index[k]).collect();
        let mut weights = vec![0u32; distinct.len()];
        for &p in &of {
            weights[p] += 1;
        }
        let keys: Vec<Vec<u32>> = distinct.into_iter().cloned().collect();
        let counts = keys
            .par_iter()
            .map(|k| {
                let segments: Vec<&[u32]> = k.split(|&t| t == u32::MAX).collect();
                term_counts(&segments)
            })
            .collect();
        Points {
            keys,
            counts,
            weights,
            of,
        }
    }

    fn vectors(&self, idf: &Idf) -> Vec<SparseVec> {
        self.counts.par_iter().map(|c| idf.vector(c)).collect()
    }
}

/// One cluster before it is summarized: its points and their sum.
struct Group<'p> {
    points: Vec<usize>,
    sum: &'p ClusterSum,
}

/// Clusters the cases (setting `Case::cluster`), matches the earlier periods' cases to the
/// clusters for their history, and lists the clusters of the previous period that are gone.
/// With a memo (`report --state`), the clustering is reused when its inputs are unchanged.
#[allow(clippy::too_many_arguments)]
fn build_clusters(
    cases: &mut [Case],
    past: &[(i64, Doc)],
    selected: i64,
    threshold: f64,
    had_data: [bool; 4],
    vocab: &Vocabulary,
    memo: Option<&ClusterMemo>,
    owner_of: impl Fn(Category) -> String,
) -> Vec<ClusterSummary> {
    let docs = || cases.iter().map(|c| &c.doc);
    let make = || {
        geometry(
            &docs().collect::<Vec<_>>(),
            past,
            selected,
            threshold,
            vocab,
        )
    };
    let g = match memo {
        Some(m) => m.get_or_make(memo::key(docs(), past, selected, threshold, vocab), make),
        None => make(),
    };
    summaries(cases, &g, had_data, owner_of)
}

/// What clustering finds in the texts of the cases (`docs`, in order) and of the earlier
/// periods' cases: each case's point and each point's cluster, each cluster's central point,
/// history and label, and the clusters of the previous period that are gone.
fn geometry(
    docs: &[&Doc],
    past: &[(i64, Doc)],
    selected: i64,
    threshold: f64,
    vocab: &Vocabulary,
) -> Geometry {
    let all_docs: Vec<&Doc> = docs
        .iter()
        .copied()
        .chain(past.iter().map(|p| &p.1))
        .collect();
    let (boilerplate, keys) = Boilerplate::learn_keyed(&all_docs);
    let past_docs: Vec<&Doc> = past.iter().map(|p| &p.1).collect();
    let cur = Points::of(docs, &boilerplate, &keys, 0);
    let old = Points::of(&past_docs, &boilerplate, &keys, docs.len());
    let mut idf = Idf::default();
    for p in [&cur, &old] {
        for (c, &w) in p.counts.iter().zip(&p.weights) {
            idf.add(c, w);
        }
    }
    let cur_vecs = cur.vectors(&idf);
    let threshold = threshold.max(BACKGROUND_FACTOR * background(&cur_vecs));
    let clustering = cluster(&cur_vecs, &cur.weights, threshold);
    let count = clustering.sums.len();

    // History: each earlier case joins the cluster its members are most similar to.
    let old_vecs = old.vectors(&idf);
    let assigner = Assigner::new(&clustering.sums, threshold);
    let assigned: Vec<Option<usize>> = old_vecs.par_iter().map(|v| assigner.assign(v)).collect();
    let mut history = vec![[0u64; 4]; count];
    let mut left_per_period: Vec<[u64; 4]> = vec![[0; 4]; old.keys.len()];
    for ((period, _), &p) in past.iter().zip(&old.of) {
        let back = (selected - period - 1) as usize;
        if back >= 4 {
            continue;
        }
        match assigned[p] {
            Some(k) => history[k][back] += 1,
            None => left_per_period[p][back] += 1,
        }
    }
    // Resolved: earlier cases that match no cluster now, clustered among themselves.
    let left: Vec<usize> = (0..old.keys.len())
        .filter(|&p| assigned[p].is_none())
        .collect();
    let left_vecs: Vec<SparseVec> = left.iter().map(|&p| old_vecs[p].clone()).collect();
    let left_weights: Vec<u32> = left.iter().map(|&p| old.weights[p]).collect();
    let gone = cluster(&left_vecs, &left_weights, threshold);
    let mut gone_history = vec![[0u64; 4]; gone.sums.len()];
    let mut gone_points: Vec<Vec<usize>> = vec![Vec::new(); gone.sums.len()];
    for (i, &k) in gone.of.iter().enumerate() {
        for b in 0..4 {
            gone_history[k][b] += left_per_period[left[i]][b];
        }
        gone_points[k].push(left[i]);
    }

    let mut points_of: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (p, &k) in clustering.of.iter().enumerate() {
        points_of[k].push(p);
    }
    // The central point of each cluster: the one most similar to the cluster on average.
    let central: Vec<Option<u32>> = (0..count)
        .map(|k| {
            let sum = &clustering.sums[k];
            points_of[k]
                .iter()
                .copied()
                .map(|p| (sum.similarity_to(&cur_vecs[p]), p))
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
                .map(|x| x.1 as u32)
        })
        .collect();

    // Labels over the current clusters and the resolved ones together.
    let resolved: Vec<usize> = (0..gone.sums.len())
        .filter(|&k| gone_history[k][0] >= RESOLVED_MIN)
        .collect();
    let mut groups: Vec<(Group, &Points)> = (0..count)
        .map(|k| {
            (
                Group {
                    points: points_of[k].clone(),
                    sum: &clustering.sums[k],
                },
                &cur,
            )
        })
        .collect();
    groups.extend(resolved.iter().map(|&k| {
        (
            Group {
                points: gone_points[k].clone(),
                sum: &gone.sums[k],
            },
            &old,
        )
    }));
    Geometry {
        case_point: cur.of.iter().map(|&p| p as u32).collect(),
        point_cluster: clustering.of.iter().map(|&k| k as u32).collect(),
        central,
        history,
        labels: labels(&groups, vocab),
        resolved: resolved.iter().map(|&k| gone_history[k]).collect(),
    }
}

/// The clusters of a [`Geometry`] summarized from their cases (setting `Case::cluster`):
/// largest first, each with its representative, most common model, version and category, and
/// owner; then the resolved ones.
fn summaries(
    cases: &mut [Case],
    g: &Geometry,
    had_data: [bool; 4],
    owner_of: impl Fn(Category) -> String,
) -> Vec<ClusterSummary> {
    let count = g.central.len();
    // Members of each current cluster, by case.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &p) in g.case_point.iter().enumerate() {
        members[g.point_cluster[p as usize] as usize].push(i);
    }
    // Largest first, then by first case (cases are sorted by time).
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| {
        members[b]
            .len()
            .cmp(&members[a].len())
            .then(members[a].first().cmp(&members[b].first()))
    });
    let mut ids = IdMaker::default();
    let resolved = g.resolved.len();
    let mut out = Vec::with_capacity(order.len() + resolved);
    for (rank, &k) in order.iter().enumerate() {
        let m = &members[k];
        for &i in m {
            cases[i].cluster = rank;
        }
        // The representative: of the cases of the central point, the shortest (the same
        // words with the least boilerplate around them).
        let rep = m
            .iter()
            .copied()
            .filter(|&i| Some(g.case_point[i]) == g.central[k])
            .min_by_key(|&i| (cases[i].prompt_excerpt.chars().count(), i))
            .unwrap_or(m[0]);
        let rc = &cases[rep];
        let representative = [&rc.prompt_excerpt, &rc.response_excerpt, &rc.error]
            .into_iter()
            .find(|s| !s.is_empty())
            .cloned()
            .unwrap_or_default();
        let size = m.len() as u64;
        let h = g.history[k];
        let top_category = mode(m.iter().map(|&i| cases[i].category)).unwrap_or(Category::Model);
        let (label, terms) = &g.labels[k];
        out.push(ClusterSummary {
            id: ids.make(terms),
            label: label.clone(),
            size,
            history: h,
            status: cluster_status(size, h, had_data),
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
    let mut gone_order: Vec<usize> = (0..resolved).collect();
    gone_order.sort_by(|&a, &b| {
        let (ha, hb) = (g.resolved[a], g.resolved[b]);
        hb[0]
            .cmp(&ha[0])
            .then(g.labels[count + a].0.cmp(&g.labels[count + b].0))
    });
    for j in gone_order {
        let (label, terms) = &g.labels[count + j];
        out.push(ClusterSummary {
            id: ids.make(terms),
            label: label.clone(),
            size: 0,
            history: g.resolved[j],
            status: ClusterStatus::Resolved,
            representative: String::new(),
            top_model: String::new(),
            top_version: String::new(),
            top_category: Category::Model,
            owner: String::new(),
            members: Vec::new(),
        });
    }
    out
}

/// Clusters merge only when their average similarity is this many times the background
/// similarity of two random texts of the period (texts that share stock phrases, such as long
/// prompts assembled from templates, are all somewhat similar).
const BACKGROUND_FACTOR: f64 = 3.0;

/// Fewest distinct texts for the background similarity to be estimated.
const BACKGROUND_MIN_TEXTS: usize = 100;

/// The average cosine similarity of two distinct texts of the period: the cohesion of all of
/// them taken as one cluster (0 when there are too few to tell).
fn background(vectors: &[SparseVec]) -> f64 {
    if vectors.len() < BACKGROUND_MIN_TEXTS {
        return 0.0;
    }
    let mut sum: HashMap<u32, f64> = HashMap::new();
    for v in vectors {
        for (t, x) in v.iter() {
            *sum.entry(t).or_default() += f64::from(x);
        }
    }
    let total = vectors.len() as f64;
    let sq: f64 = sum.values().map(|x| x * x).sum();
    let b = ((sq - total) / (total * total - total)).clamp(0.0, 1.0);
    if std::env::var_os("LOGWARDEN_DEBUG_BACKGROUND").is_some() {
        eprintln!("background similarity {b:.4}");
    }
    b
}

/// Words in a cluster label.
const LABEL_WORDS: usize = 4;
/// Label terms that make a cluster's id.
const ID_TERMS: usize = 3;

/// A short label per group, c-TF-IDF style (BERTopic): the words most frequent in the group
/// relative to their frequency over all groups, `tf(t, g) / |g| · ln(1 + A / f(t))` with `A`
/// the mean number of words per group. Placeholders (`<num>`, …) are never label words.
/// Returns each label and the token ids its id is made from.
fn labels(groups: &[(Group, &Points)], vocab: &Vocabulary) -> Vec<(String, Vec<u32>)> {
    let is_word = |t: u32| vocab.word(t).is_some_and(|w| !w.starts_with('<'));
    let tf: Vec<Vec<(u32, f64)>> = groups
        .par_iter()
        .map(|(g, pts)| {
            let mut counts: HashMap<u32, f64> = HashMap::new();
            for &p in &g.points {
                let w = f64::from(pts.weights[p]);
                for &t in &pts.keys[p] {
                    if t != u32::MAX && is_word(t) {
                        *counts.entry(t).or_default() += w;
                    }
                }
            }
            let mut v: Vec<(u32, f64)> = counts.into_iter().collect();
            v.sort_unstable_by_key(|x| x.0);
            v
        })
        .collect();
    let mut total: HashMap<u32, f64> = HashMap::new();
    let mut words = 0.0;
    for v in &tf {
        for &(t, n) in v {
            *total.entry(t).or_default() += n;
            words += n;
        }
    }
    let mean = words / groups.len().max(1) as f64;
    tf.par_iter()
        .zip(groups.par_iter())
        .map(|(v, (g, _))| {
            let size: f64 = v.iter().map(|x| x.1).sum::<f64>().max(1.0);
            let mut scored: Vec<(f64, u32)> = v
                .iter()
                .map(|&(t, n)| (n / size * (1.0 + mean / total[&t]).ln(), t))
                .collect();
            // Ties (common in small groups) go to the term heavier in the group's vectors.
            scored.sort_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then_with(|| {
                        let wa = g.sum.terms.get(&a.1).copied().unwrap_or(0.0);
                        let wb = g.sum.terms.get(&b.1).copied().unwrap_or(0.0);
                        wb.total_cmp(&wa)
                    })
                    .then(a.1.cmp(&b.1))
            });
            scored.truncate(LABEL_WORDS);
            let label = scored
                .iter()
                .filter_map(|&(_, t)| vocab.word(t))
                .collect::<Vec<_>>()
                .join(" ");
            let mut terms: Vec<u32> = scored.iter().take(ID_TERMS).map(|x| x.1).collect();
            terms.sort_unstable();
            (label, terms)
        })
        .collect()
}

/// Cluster ids from label terms, unique within a report.
#[derive(Default)]
struct IdMaker {
    seen: HashMap<String, u32>,
}

impl IdMaker {
    fn make(&mut self, terms: &[u32]) -> String {
        let key = super::text::segment_hash(terms) & 0x00ff_ffff;
        let base = format!("C{key:06x}");
        let n = self.seen.entry(base.clone()).or_default();
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base}-{n}")
        }
    }
}

/// New, growing or recurring, from this period's size and the previous four periods'
/// (see [`ClusterStatus`] for the tests).
fn cluster_status(size: u64, history: [u64; 4], had_data: [bool; 4]) -> ClusterStatus {
    let past: u64 = history.iter().sum();
    if past < NEW_MAX_PAST.max(size / 10) {
        return ClusterStatus::New;
    }
    let periods = had_data.iter().filter(|&&d| d).count().max(1) as f64;
    let mean = past as f64 / periods;
    let s = size as f64;
    if size >= GROWING_MIN && s >= 1.5 * mean && s - mean >= 3.0 * mean.max(1.0).sqrt() {
        ClusterStatus::Growing
    } else {
        ClusterStatus::Recurring
    }
}

/// Cases per day of the period (per ISO week when it is longer than 92 days).
fn day_points(cases: &[Case], start: Micros, end: Micros) -> (Vec<DayPoint>, &'static str) {
    let weekly = (end.0 - start.0) / Micros::from_secs(DAY_SECS).0 > MAX_DAILY_POINTS;
    let kind = if weekly {
        BucketKind::Week
    } else {
        BucketKind::Day
    };
    // Days and weeks have one length, so a case's point is found by division.
    let step = kind.min_secs();
    let first = kind.start(start);
    let mut days: Vec<DayPoint> = Vec::new();
    let mut t = first;
    while Micros::from_secs(t) < end && days.len() < 10_000 {
        days.push(DayPoint {
            start: t,
            label: kind.label(t).to_string(),
            ..DayPoint::default()
        });
        t = kind.next(t);
    }
    for c in cases {
        let Some(d) = days.get_mut(((kind.start(c.ts) - first) / step) as usize) else {
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
    (days, kind.name())
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
fn severity_key(c: &Case) -> (bool, bool, i64, Micros) {
    let commented = c.reasons.contains(Reasons::NEGATIVE_FEEDBACK) && !c.comment.is_empty();
    let conf = c.confidence.map_or(i64::MAX, |x| (x * 1e6) as i64);
    (
        !commented,
        !c.reasons.contains(Reasons::LOW_CONFIDENCE),
        conf,
        c.ts,
    )
}

/// One row per owner with cases (in category order), with the cases to read first. A cluster
/// has one owner, that of its majority category (ties: the first category in
/// [`Category::ALL`] order), and its cases go with it, so every cluster and every case is
/// counted under exactly one owner and the table's totals are the review's.
fn owner_summaries(
    cases: &[Case],
    clusters: &[ClusterSummary],
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
        let owner = clusters
            .get(c.cluster)
            .filter(|k| !k.is_resolved())
            .map_or_else(|| c.category.owner(owners).to_string(), |k| k.owner.clone());
        of_owner.entry(owner).or_default().push(i);
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
