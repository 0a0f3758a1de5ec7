//! SLIs per time bucket and dimension: requests, success and error rates, latency percentiles
//! (exact within the run's memory budget, see `latency`), cost and tokens (`sli.csv`).

use super::cost::stats::ExactSum;
use super::group::{GroupKey, GroupSpec, Groups};
use super::latency::{Latencies, SampleBudget};
use super::{Analysis, Line};
use crate::record::Record;
use std::sync::Arc;

/// Running totals of one group.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SliStats {
    pub requests: u64,
    pub success: u64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    /// Spend, summed exactly (fixed point) so that splitting or compressing the input never
    /// changes a digit of `cost_usd`.
    pub cost: ExactSum,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// Every latency seen (or, past the memory budget, their histogram).
    pub latencies: Latencies,
}

impl SliStats {
    /// Counts one record.
    pub fn add(&mut self, rec: &Record<'_>) {
        self.requests += 1;
        let class = rec.status_class();
        self.success += u64::from(class.is_success());
        self.errors_4xx += u64::from(class.is_4xx());
        self.errors_5xx += u64::from(class.is_5xx());
        self.cost.add(rec.cost_usd);
        self.tokens_in += rec.tokens_in.unwrap_or(0);
        self.tokens_out += rec.tokens_out.unwrap_or(0);
        if let Some(l) = rec.latency_ms {
            self.latencies.push(l);
        }
    }

    /// Adds another group's totals.
    pub fn combine(&mut self, other: SliStats) {
        self.requests += other.requests;
        self.success += other.success;
        self.errors_4xx += other.errors_4xx;
        self.errors_5xx += other.errors_5xx;
        self.cost.combine(other.cost);
        self.tokens_in += other.tokens_in;
        self.tokens_out += other.tokens_out;
        self.latencies.combine(other.latencies);
    }

    /// Turns the totals into a finished row; `approximate` when the run's latencies exceeded
    /// the memory budget (see `latency`).
    pub fn finish(self, approximate: bool) -> SliValues {
        let q = self.latencies.quantiles(&[0.5, 0.95, 0.99], approximate);
        let n = self.requests.max(1) as f64;
        SliValues {
            requests: self.requests,
            success: self.success,
            errors_4xx: self.errors_4xx,
            errors_5xx: self.errors_5xx,
            success_rate: self.success as f64 / n,
            error_rate_4xx: self.errors_4xx as f64 / n,
            error_rate_5xx: self.errors_5xx as f64 / n,
            p50_ms: q[0],
            p95_ms: q[1],
            p99_ms: q[2],
            cost_usd: self.cost.value(),
            tokens_in: self.tokens_in,
            tokens_out: self.tokens_out,
        }
    }
}

/// The finished SLIs of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct SliValues {
    pub requests: u64,
    pub success: u64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    pub success_rate: f64,
    pub error_rate_4xx: f64,
    pub error_rate_5xx: f64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub cost_usd: f64,
    pub tokens_in: u64,
    pub tokens_out: u64,
}

/// The SLI fold.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Sli {
    groups: Groups<SliStats>,
    /// Records left out because they have no timestamp.
    without_ts: u64,
    /// Not in a durable state: a loaded state takes the run's budget when merged.
    #[serde(skip)]
    budget: Arc<SampleBudget>,
    /// Latencies kept by this part and not yet counted against the budget.
    #[serde(skip)]
    unspent: u64,
    /// Latencies seen by this part and the parts merged into it.
    samples: u64,
}

/// Latencies are counted against the budget in batches of this many.
const SPEND_BATCH: u64 = 4096;

/// The SLI table, sorted by bucket then dimensions.
#[derive(Debug, Clone)]
pub struct SliReport {
    pub spec: GroupSpec,
    pub rows: Vec<(GroupKey, SliValues)>,
    pub without_ts: u64,
    /// True when the latencies exceeded the memory budget: percentiles of groups past
    /// `latency::SMALL` requests come from histograms (within `latency::RELATIVE_ERROR`).
    pub approximate: bool,
}

impl Sli {
    /// Exact percentiles whatever the input size.
    pub fn new(spec: GroupSpec) -> Self {
        Sli::with_budget(spec, &Arc::new(SampleBudget::unlimited()))
    }

    /// Readies a state loaded from disk for merging: every latency it holds is counted against
    /// the budget of the accumulator it is merged into.
    pub fn charge_on_merge(&mut self) {
        self.unspent = self.samples;
    }

    /// Exact percentiles while the parts sharing `budget` keep at most its samples.
    pub fn with_budget(spec: GroupSpec, budget: &Arc<SampleBudget>) -> Self {
        Sli {
            groups: Groups::new(spec),
            without_ts: 0,
            budget: Arc::clone(budget),
            unspent: 0,
            samples: 0,
        }
    }
}

impl Analysis for Sli {
    type Output = SliReport;

    fn observe(&mut self, rec: &Record<'_>, _line: &Line<'_>) {
        let Some(ts) = rec.ts else {
            self.without_ts += 1;
            return;
        };
        let stats = self.groups.entry(ts, rec);
        stats.add(rec);
        if rec.latency_ms.is_some() {
            self.samples += 1;
            self.unspent += 1;
            if self.unspent == SPEND_BATCH {
                self.budget.spend(self.unspent);
                self.unspent = 0;
            }
            if self.budget.is_over() {
                stats.latencies.shrink();
            }
        }
    }

    fn merge(&mut self, other: Self) {
        self.groups.merge(other.groups, SliStats::combine);
        self.without_ts += other.without_ts;
        self.samples += other.samples;
        // A chunk rarely reaches a spending batch: what it kept is counted as it is merged.
        self.budget.spend(other.unspent);
        // Merged groups grow past what any one chunk held: shrink them here too.
        if self.budget.is_over() {
            self.groups.values_mut().for_each(|s| s.latencies.shrink());
        }
    }

    fn finish(self) -> SliReport {
        let spec = self.groups.spec().clone();
        // Decided from the exact total, so it never depends on chunking or threads.
        let approximate = self.samples > self.budget.max();
        SliReport {
            spec,
            rows: self
                .groups
                .into_sorted()
                .into_iter()
                .map(|(k, s)| (k, s.finish(approximate)))
                .collect(),
            without_ts: self.without_ts,
            approximate,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::latency::SMALL;
    use crate::record::Location;

    /// Chunks too small to reach a spending batch still count against the budget when merged,
    /// so the merged groups switch to histograms and memory stays bounded.
    #[test]
    fn small_parts_spend_the_budget_when_merged() {
        let budget = Arc::new(SampleBudget::new(500));
        let spec = GroupSpec::parse("month").unwrap();
        let line = Line {
            loc: Location { file: 0, line: 1 },
            text: "{}",
        };
        let mut acc = Sli::with_budget(spec.clone(), &budget);
        for part in 0..100 {
            let mut s = Sli::with_budget(spec.clone(), &budget);
            for i in 0..50 {
                let rec = Record {
                    ts: Some(crate::record::time::Micros::from_secs(1_795_400_000)),
                    status: Some(200),
                    latency_ms: Some(f64::from(part * 50 + i)),
                    ..Record::default()
                };
                s.observe(&rec, &line);
            }
            acc.merge(s);
        }
        assert!(budget.is_over());
        let held: Vec<bool> = acc
            .groups
            .values_mut()
            .map(|g| matches!(g.latencies, Latencies::Sketch(_)))
            .collect();
        assert_eq!(held, [true], "5,000 samples > {SMALL}: kept as a histogram");
        let report = acc.finish();
        assert!(report.approximate);
        let p50 = report.rows[0].1.p50_ms.unwrap();
        assert!((p50 - 2499.5).abs() <= 0.005 * 2499.5, "{p50}");
    }
}
