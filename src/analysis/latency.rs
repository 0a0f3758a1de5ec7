//! Latency percentiles in bounded memory. A group keeps every latency (exact percentiles, as
//! DuckDB's `quantile_cont`) while the analysis' sample budget (`--max-memory`) lasts. Once an
//! analysis holds more samples than its budget, each group past [`SMALL`] samples switches to a
//! log-bucket histogram whose percentiles are within [`RELATIVE_ERROR`] of the exact ones, and
//! its samples are freed.
//!
//! The result never depends on chunking or thread count: whether the budget was exceeded is
//! decided at `finish` from the analysis' exact total, and then every group with more than
//! `SMALL` samples is answered from its histogram (one built from exact samples is the same
//! histogram), every other group exactly (such a group never switched: it never held more than
//! `SMALL` samples in any part).

use super::quantile::quantiles;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Groups with at most this many samples always answer exactly: their samples take no more
/// memory than a histogram would.
pub const SMALL: usize = 1024;

/// The histogram's bound on the relative error of a percentile.
pub const RELATIVE_ERROR: f64 = 0.005;

/// Bytes a kept sample costs on average (8 for the value, growth slack of the vector).
pub const BYTES_PER_SAMPLE: u64 = 12;

/// How many samples the analysis may keep, and how many its parts kept so far (shared by the
/// parts of one analysis across threads).
#[derive(Debug)]
pub struct SampleBudget {
    max: u64,
    kept: AtomicU64,
    over: AtomicBool,
}

/// Unlimited: what a loaded state holds until it is merged into a run's accumulator.
impl Default for SampleBudget {
    fn default() -> Self {
        SampleBudget::unlimited()
    }
}

impl SampleBudget {
    /// A budget of `max` samples.
    pub fn new(max: u64) -> SampleBudget {
        SampleBudget {
            max,
            kept: AtomicU64::new(0),
            over: AtomicBool::new(false),
        }
    }

    /// No limit.
    pub fn unlimited() -> SampleBudget {
        SampleBudget::new(u64::MAX)
    }

    pub fn max(&self) -> u64 {
        self.max
    }

    /// Counts `n` more kept samples (callers batch their counts).
    pub fn spend(&self, n: u64) {
        let kept = self.kept.fetch_add(n, Ordering::Relaxed) + n;
        if kept > self.max {
            self.over.store(true, Ordering::Relaxed);
        }
    }

    /// True once the parts together kept more than the budget.
    #[inline]
    pub fn is_over(&self) -> bool {
        self.over.load(Ordering::Relaxed)
    }
}

/// The latencies of one group.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Latencies {
    Exact(#[serde(with = "crate::state::compact::f64s")] Vec<f64>),
    Sketch(LogHistogram),
}

impl Default for Latencies {
    fn default() -> Self {
        Latencies::Exact(Vec::new())
    }
}

impl Latencies {
    #[inline]
    pub fn push(&mut self, x: f64) {
        match self {
            Latencies::Exact(v) => v.push(x),
            Latencies::Sketch(h) => h.add(x),
        }
    }

    pub fn len(&self) -> u64 {
        match self {
            Latencies::Exact(v) => v.len() as u64,
            Latencies::Sketch(h) => h.count(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Switches a group past [`SMALL`] samples to a histogram, freeing its samples.
    pub fn shrink(&mut self) {
        if let Latencies::Exact(v) = self {
            if v.len() > SMALL {
                *self = Latencies::Sketch(LogHistogram::from_values(v));
            }
        }
    }

    pub fn combine(&mut self, other: Latencies) {
        match (&mut *self, other) {
            (Latencies::Exact(a), Latencies::Exact(b)) => a.extend(b),
            (Latencies::Sketch(a), Latencies::Sketch(b)) => a.merge(&b),
            (Latencies::Sketch(a), Latencies::Exact(b)) => b.iter().for_each(|&x| a.add(x)),
            (Latencies::Exact(a), Latencies::Sketch(mut b)) => {
                a.iter().for_each(|&x| b.add(x));
                *self = Latencies::Sketch(b);
            }
        }
    }

    /// The quantiles `qs`: exact unless `approximate` and the group is past [`SMALL`] samples.
    pub fn quantiles(self, qs: &[f64], approximate: bool) -> Vec<Option<f64>> {
        let hist = match self {
            Latencies::Exact(mut v) if !approximate || v.len() <= SMALL => {
                return quantiles(&mut v, qs)
            }
            Latencies::Exact(v) => LogHistogram::from_values(&v),
            Latencies::Sketch(h) => h,
        };
        qs.iter().map(|&q| hist.quantile(q)).collect()
    }
}

/// A log-bucket histogram (as DDSketch): bucket `i` holds values in (γ^(i-1), γ^i] with
/// γ = (1+α)/(1-α), answered as 2γ^i/(γ+1), within α of any value in it. Zero has its own
/// count; the exact minimum and maximum are kept. Mergeable and order-independent.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LogHistogram {
    zeros: u64,
    /// Index of `counts[0]`.
    offset: i32,
    counts: Vec<u64>,
    n: u64,
    min: f64,
    max: f64,
}

/// Values at or below this (in ms) count as zero: far below any measurable latency.
const TINY: f64 = 1e-9;

fn gamma() -> f64 {
    (1.0 + RELATIVE_ERROR) / (1.0 - RELATIVE_ERROR)
}

impl LogHistogram {
    pub fn from_values(values: &[f64]) -> LogHistogram {
        let mut h = LogHistogram::default();
        values.iter().for_each(|&x| h.add(x));
        h
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    fn index(x: f64) -> i32 {
        (x.ln() / gamma().ln())
            .ceil()
            .clamp(i32::MIN as f64 / 2.0, i32::MAX as f64 / 2.0) as i32
    }

    fn value(i: i32) -> f64 {
        let g = gamma();
        2.0 * g.powi(i) / (g + 1.0)
    }

    pub fn add(&mut self, x: f64) {
        if self.n == 0 {
            self.min = x;
            self.max = x;
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        self.n += 1;
        // Zero (and anything not a positive latency) has its own count.
        if x > TINY && x.is_finite() {
            let i = Self::index(x);
            self.cover(i);
            self.counts[(i - self.offset) as usize] += 1;
        } else {
            self.zeros += 1;
        }
    }

    /// Grows the buckets to include index `i`.
    fn cover(&mut self, i: i32) {
        if self.counts.is_empty() {
            self.offset = i;
            self.counts.push(0);
        } else if i < self.offset {
            let grow = (self.offset - i) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = i;
        } else if (i - self.offset) as usize >= self.counts.len() {
            self.counts.resize((i - self.offset) as usize + 1, 0);
        }
    }

    pub fn merge(&mut self, o: &LogHistogram) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = o.clone();
            return;
        }
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
        self.n += o.n;
        self.zeros += o.zeros;
        if o.counts.is_empty() {
            return;
        }
        self.cover(o.offset);
        self.cover(o.offset + o.counts.len() as i32 - 1);
        let base = (o.offset - self.offset) as usize;
        for (slot, &c) in self.counts[base..].iter_mut().zip(&o.counts) {
            *slot += c;
        }
    }

    /// The value of 0-based rank `r` (r < n): its bucket's value, kept within [min, max].
    fn at_rank(&self, r: u64) -> f64 {
        if r < self.zeros {
            return self.min.max(0.0).min(self.max);
        }
        let mut seen = self.zeros;
        for (k, &c) in self.counts.iter().enumerate() {
            seen += c;
            if r < seen {
                return Self::value(self.offset + k as i32).clamp(self.min, self.max);
            }
        }
        self.max
    }

    /// The `q` quantile with the exact definition's interpolation between closest ranks.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let h = (self.n - 1) as f64 * q.clamp(0.0, 1.0);
        let lo = h.floor() as u64;
        let frac = h - lo as f64;
        let a = self.at_rank(lo);
        if frac == 0.0 || lo + 1 >= self.n {
            return Some(a);
        }
        let b = self.at_rank(lo + 1);
        Some(a + frac * (b - a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::quantile::quantile_sorted;

    fn exact(values: &mut [f64], q: f64) -> f64 {
        values.sort_unstable_by(f64::total_cmp);
        quantile_sorted(values, q)
    }

    /// Deterministic log-normal-ish latencies.
    fn sample(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = ((s >> 11) as f64 / (1u64 << 53) as f64).max(1e-12);
                let v = ((s >> 3) % 1000) as f64 / 1000.0;
                (800.0 * (-2.0 * u.ln()).sqrt() * (1.0 + v)).max(0.0)
            })
            .collect()
    }

    #[test]
    fn histogram_quantiles_within_relative_error() {
        for seed in 0..5 {
            let mut v = sample(20_000, seed);
            v.extend([0.0, 0.0, 1e-3, 1e6]);
            let h = LogHistogram::from_values(&v);
            for q in [0.0, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
                let want = exact(&mut v, q);
                let got = h.quantile(q).unwrap();
                assert!(
                    (got - want).abs() <= RELATIVE_ERROR * want.abs() + 1e-9,
                    "q={q}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn merge_equals_one_histogram_in_any_order() {
        let v = sample(5000, 9);
        let whole = LogHistogram::from_values(&v);
        for parts in [2, 3, 7, 64] {
            let mut chunks: Vec<LogHistogram> = v
                .chunks(v.len() / parts)
                .map(LogHistogram::from_values)
                .collect();
            chunks.reverse();
            let mut merged = LogHistogram::default();
            for c in &chunks {
                merged.merge(c);
            }
            assert_eq!(merged.count(), whole.count());
            for q in [0.5, 0.95, 0.99] {
                assert_eq!(merged.quantile(q), whole.quantile(q));
            }
        }
    }

    #[test]
    fn mixed_exact_and_sketch_parts_give_the_sketch_answer() {
        let v = sample(3000, 4);
        let mut a = Latencies::Exact(v[..2000].to_vec());
        a.shrink();
        assert!(matches!(a, Latencies::Sketch(_)));
        let b = Latencies::Exact(v[2000..].to_vec());
        a.combine(b);
        let whole = Latencies::Exact(v.clone());
        let qs = [0.5, 0.95, 0.99];
        assert_eq!(a.quantiles(&qs, true), whole.clone().quantiles(&qs, true));
        // Without the budget exceeded, the exact answer.
        let mut sorted = v.clone();
        assert_eq!(
            whole.quantiles(&[0.95], false)[0],
            Some(exact(&mut sorted, 0.95))
        );
    }

    #[test]
    fn small_groups_stay_exact() {
        let mut l = Latencies::Exact(vec![3.0, 1.0, 2.0]);
        l.shrink();
        assert_eq!(l.quantiles(&[0.5], true), vec![Some(2.0)]);
    }

    #[test]
    fn budget_trips_once_exceeded() {
        let b = SampleBudget::new(10);
        b.spend(10);
        assert!(!b.is_over());
        b.spend(1);
        assert!(b.is_over());
    }
}
