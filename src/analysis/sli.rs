//! SLIs per time bucket and dimension: requests, success and error rates, exact latency
//! percentiles, cost and tokens (`sli.csv`).

use super::group::{GroupKey, GroupSpec, Groups};
use super::quantile::quantiles;
use super::{Analysis, Line};
use crate::record::Record;

/// Running totals of one group.
#[derive(Debug, Clone, Default)]
pub struct SliStats {
    pub requests: u64,
    pub success: u64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    pub cost_usd: f64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// Every latency seen, kept for exact percentiles.
    pub latencies: Vec<f64>,
}

impl SliStats {
    /// Counts one record.
    pub fn add(&mut self, rec: &Record<'_>) {
        self.requests += 1;
        match rec.status {
            Some(200..=299) => self.success += 1,
            Some(400..=499) => self.errors_4xx += 1,
            Some(500..=599) => self.errors_5xx += 1,
            _ => {}
        }
        self.cost_usd += rec.cost_usd;
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
        self.cost_usd += other.cost_usd;
        self.tokens_in += other.tokens_in;
        self.tokens_out += other.tokens_out;
        self.latencies.extend(other.latencies);
    }

    /// Turns the totals into a finished row.
    pub fn finish(mut self) -> SliValues {
        let q = quantiles(&mut self.latencies, &[0.5, 0.95, 0.99]);
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
            cost_usd: self.cost_usd,
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
#[derive(Debug, Clone)]
pub struct Sli {
    groups: Groups<SliStats>,
    /// Records left out because they have no timestamp.
    without_ts: u64,
}

/// The SLI table, sorted by bucket then dimensions.
#[derive(Debug, Clone)]
pub struct SliReport {
    pub spec: GroupSpec,
    pub rows: Vec<(GroupKey, SliValues)>,
    pub without_ts: u64,
}

impl Sli {
    pub fn new(spec: GroupSpec) -> Self {
        Sli {
            groups: Groups::new(spec),
            without_ts: 0,
        }
    }
}

impl Analysis for Sli {
    type Output = SliReport;

    fn observe(&mut self, rec: &Record<'_>, _line: &Line<'_>) {
        match rec.ts {
            Some(ts) => self.groups.entry(ts, rec).add(rec),
            None => self.without_ts += 1,
        }
    }

    fn merge(&mut self, other: Self) {
        self.groups.merge(other.groups, SliStats::combine);
        self.without_ts += other.without_ts;
    }

    fn finish(self) -> SliReport {
        let spec = self.groups.spec().clone();
        SliReport {
            spec,
            rows: self
                .groups
                .into_sorted()
                .into_iter()
                .map(|(k, s)| (k, s.finish()))
                .collect(),
            without_ts: self.without_ts,
        }
    }
}
