//! The cost fold behind `logwarden cost`: spend per `--by` group, plus per day (and hour) in
//! total and per dimension value for the anomaly, forecast and quality-drift rules.

pub mod anomaly;
pub mod baseline;
pub mod config;
pub mod driver;
pub mod forecast;
pub mod quality;
pub mod stats;
pub mod table;
pub mod trend;

#[cfg(test)]
mod testkit;

use super::group::{GroupKey, GroupSpec, Groups};
use super::{Analysis, Line};
use crate::bucket::BucketKind;
use crate::record::{Dim, Record};
use baseline::Span;
use stats::{CostStats, DailyStats};

pub use config::{CostConfig, QualityConfig};

/// Ratings below this are negative feedback (the contract's `review.negative_below` default).
pub const NEGATIVE_BELOW: f64 = 0.0;

/// Groups of one dimension at a fixed bucket width.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(bound(
    serialize = "T: serde::Serialize",
    deserialize = "T: serde::Deserialize<'de> + Default"
))]
struct DimGroups<T> {
    dim: Dim,
    groups: Groups<T>,
}

/// The cost fold.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CostAnalysis {
    negative_below: f64,
    /// The `--by` table (`cost.csv`).
    table: Groups<CostStats>,
    /// Per day in total, and per day and value of each tracked dimension.
    day_total: Groups<DailyStats>,
    day_by_dim: Vec<DimGroups<DailyStats>>,
    /// Per hour, when `--by` starts with `hour`.
    hour_total: Option<Groups<CostStats>>,
    hour_by_dim: Vec<DimGroups<CostStats>>,
    anomaly_dims: Vec<Dim>,
    span: Option<Span>,
    without_ts: u64,
}

impl CostAnalysis {
    /// A fold for `cost --by spec`; ratings below `negative_below` count as negative feedback.
    ///
    /// Days are always tracked per model and per version (quality drift, unpriced counts) and
    /// per every `--by` dimension (anomalies); hours only when the `--by` bucket is `hour`.
    pub fn new(spec: GroupSpec, negative_below: f64) -> Self {
        let anomaly_dims = dims_with(&[Dim::Model], &spec.dims);
        let day_dims = dims_with(&[Dim::Model, Dim::Version], &spec.dims);
        let hourly = spec.bucket == BucketKind::Hour;
        CostAnalysis {
            negative_below,
            day_total: Groups::new(GroupSpec {
                bucket: BucketKind::Day,
                dims: Vec::new(),
            }),
            day_by_dim: day_dims
                .iter()
                .map(|&dim| DimGroups {
                    dim,
                    groups: groups_of(BucketKind::Day, dim),
                })
                .collect(),
            hour_total: hourly.then(|| {
                Groups::new(GroupSpec {
                    bucket: BucketKind::Hour,
                    dims: Vec::new(),
                })
            }),
            hour_by_dim: if hourly {
                anomaly_dims
                    .iter()
                    .map(|&dim| DimGroups {
                        dim,
                        groups: groups_of(BucketKind::Hour, dim),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            table: Groups::new(spec),
            anomaly_dims,
            span: None,
            without_ts: 0,
        }
    }
}

/// Groups of one dimension at bucket width `kind`.
fn groups_of<T: Default>(kind: BucketKind, dim: Dim) -> Groups<T> {
    Groups::new(GroupSpec {
        bucket: kind,
        dims: vec![dim],
    })
}

/// `first` followed by the dimensions of `more` not already in it.
fn dims_with(first: &[Dim], more: &[Dim]) -> Vec<Dim> {
    let mut dims = first.to_vec();
    for d in more {
        if !dims.contains(d) {
            dims.push(*d);
        }
    }
    dims
}

/// One dimension's groups, sorted by bucket then value.
#[derive(Debug, Clone, PartialEq)]
pub struct DimRows<T> {
    pub dim: Dim,
    pub rows: Vec<(GroupKey, T)>,
}

/// Everything the cost fold gathered, sorted; the tables are derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct CostReport {
    pub spec: GroupSpec,
    /// The `--by` groups.
    pub table: Vec<(GroupKey, CostStats)>,
    /// Per day: total (bucket start, stats) and per value of each tracked dimension.
    pub daily_total: Vec<(i64, DailyStats)>,
    pub daily_by_dim: Vec<DimRows<DailyStats>>,
    /// Per hour (only when `--by` starts with `hour`).
    pub hourly_total: Vec<(i64, CostStats)>,
    pub hourly_by_dim: Vec<DimRows<CostStats>>,
    /// The dimensions whose values are checked for anomalies: model, then the `--by` ones.
    pub anomaly_dims: Vec<Dim>,
    /// First and last timestamp seen; `None` when no record had one.
    pub span: Option<Span>,
    /// Records left out for want of a timestamp.
    pub without_ts: u64,
}

impl CostReport {
    /// Per day rows of one dimension, when it was tracked.
    pub fn daily(&self, dim: Dim) -> Option<&[(GroupKey, DailyStats)]> {
        self.daily_by_dim
            .iter()
            .find(|d| d.dim == dim)
            .map(|d| d.rows.as_slice())
    }

    /// Unpriced requests per model (absent model as an empty name), largest count first.
    pub fn unpriced_by_model(&self) -> Vec<(String, u64)> {
        let mut by_model: std::collections::BTreeMap<String, u64> = Default::default();
        for (key, s) in self.daily(Dim::Model).unwrap_or(&[]) {
            if s.cost.unpriced > 0 {
                let name = key.dims.first().cloned().flatten().unwrap_or_default();
                *by_model.entry(name).or_default() += s.cost.unpriced;
            }
        }
        let mut v: Vec<(String, u64)> = by_model.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
}

impl Analysis for CostAnalysis {
    type Output = CostReport;

    fn observe(&mut self, rec: &Record<'_>, _line: &Line<'_>) {
        let Some(ts) = rec.ts else {
            self.without_ts += 1;
            return;
        };
        self.span = Some(match self.span {
            None => Span {
                first: ts,
                last: ts,
            },
            Some(s) => Span {
                first: s.first.min(ts),
                last: s.last.max(ts),
            },
        });
        self.table.entry(ts, rec).add(rec);
        self.day_total.entry(ts, rec).add(rec, self.negative_below);
        for d in &mut self.day_by_dim {
            d.groups.entry(ts, rec).add(rec, self.negative_below);
        }
        if let Some(h) = &mut self.hour_total {
            h.entry(ts, rec).add(rec);
        }
        for d in &mut self.hour_by_dim {
            d.groups.entry(ts, rec).add(rec);
        }
    }

    fn merge(&mut self, other: Self) {
        self.table.merge(other.table, CostStats::combine);
        self.day_total.merge(other.day_total, DailyStats::combine);
        for (a, b) in self.day_by_dim.iter_mut().zip(other.day_by_dim) {
            a.groups.merge(b.groups, DailyStats::combine);
        }
        if let (Some(a), Some(b)) = (&mut self.hour_total, other.hour_total) {
            a.merge(b, CostStats::combine);
        }
        for (a, b) in self.hour_by_dim.iter_mut().zip(other.hour_by_dim) {
            a.groups.merge(b.groups, CostStats::combine);
        }
        self.span = match (self.span, other.span) {
            (Some(a), Some(b)) => Some(Span {
                first: a.first.min(b.first),
                last: a.last.max(b.last),
            }),
            (a, b) => a.or(b),
        };
        self.without_ts += other.without_ts;
    }

    fn finish(self) -> CostReport {
        let totals = |g: Groups<DailyStats>| {
            g.into_sorted()
                .into_iter()
                .map(|(k, v)| (k.bucket, v))
                .collect()
        };
        CostReport {
            spec: self.table.spec().clone(),
            table: self.table.into_sorted(),
            daily_total: totals(self.day_total),
            daily_by_dim: self
                .day_by_dim
                .into_iter()
                .map(|d| DimRows {
                    dim: d.dim,
                    rows: d.groups.into_sorted(),
                })
                .collect(),
            hourly_total: self
                .hour_total
                .map(|g| {
                    g.into_sorted()
                        .into_iter()
                        .map(|(k, v)| (k.bucket, v))
                        .collect()
                })
                .unwrap_or_default(),
            hourly_by_dim: self
                .hour_by_dim
                .into_iter()
                .map(|d| DimRows {
                    dim: d.dim,
                    rows: d.groups.into_sorted(),
                })
                .collect(),
            anomaly_dims: self.anomaly_dims,
            span: self.span,
            without_ts: self.without_ts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::{req, MONDAY};
    use super::*;
    use crate::record::Location;

    fn fold_chunks(recs: &[Record<'static>], cuts: &[usize], by: &str) -> CostReport {
        let line = Line {
            loc: Location { file: 0, line: 1 },
            text: "",
        };
        let spec = GroupSpec::parse(by).unwrap();
        let mut bounds = vec![0];
        bounds.extend_from_slice(cuts);
        bounds.push(recs.len());
        let mut parts: Vec<CostAnalysis> = bounds
            .windows(2)
            .map(|w| {
                let mut a = CostAnalysis::new(spec.clone(), NEGATIVE_BELOW);
                for r in &recs[w[0]..w[1]] {
                    a.observe(r, &line);
                }
                a
            })
            .collect();
        // Merge right to left, as a different grouping than the scan's left fold.
        let mut acc = parts.pop().unwrap();
        while let Some(mut left) = parts.pop() {
            left.merge(acc);
            acc = left;
        }
        acc.finish()
    }

    #[test]
    fn chunking_never_changes_the_report() {
        let models = ["a", "b", "c"];
        let recs: Vec<Record<'static>> = (0..500)
            .map(|k: i64| {
                let mut r = req(
                    MONDAY + k * 3917,
                    models[(k % 3) as usize],
                    0.1 + (k % 7) as f64 * 0.013_7,
                    100 + k as u64,
                    10,
                );
                r.confidence = Some(0.5 + (k % 10) as f64 * 0.031);
                r.rating = (k % 4 == 0).then_some(-1.0);
                if k % 11 == 0 {
                    r.ts = None;
                }
                r
            })
            .collect();
        for by in ["day,model", "hour,model,version"] {
            let whole = fold_chunks(&recs, &[], by);
            for cuts in [
                vec![1],
                vec![250],
                vec![7, 8, 300, 499],
                vec![100, 200, 300, 400],
            ] {
                assert_eq!(fold_chunks(&recs, &cuts, by), whole, "cuts {cuts:?}");
            }
            assert_eq!(whole.without_ts, 46);
        }
    }
}
