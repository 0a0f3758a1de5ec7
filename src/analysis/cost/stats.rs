//! The per-group accumulators of the cost fold: exact money and confidence sums (fixed point,
//! so merging chunks in any grouping gives the same totals), request, token and feedback counts.

use crate::record::{CostSource, Record};

/// A sum kept exactly in fixed point (`UNITS` per unit: 1e12, a picodollar, by default), so
/// that addition is associative and a total never depends on how the input was chunked.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct ExactSum<const UNITS: i128 = 1_000_000_000_000>(i128);

/// Units of the sum of squared costs: 1e18, so that the square of a sub-cent request cost
/// keeps its precision.
pub const SQUARE_UNITS: i128 = 1_000_000_000_000_000_000;

impl<const UNITS: i128> ExactSum<UNITS> {
    /// Adds one value (rounded to the units; non-finite values saturate or count as 0).
    #[inline]
    pub fn add(&mut self, x: f64) {
        // `as` saturates on overflow and maps NaN to 0, so no input can panic here.
        self.0 = self.0.saturating_add((x * UNITS as f64).round() as i128);
    }

    /// Adds another sum.
    #[inline]
    pub fn combine(&mut self, other: Self) {
        self.0 = self.0.saturating_add(other.0);
    }

    /// The sum as a float.
    pub fn value(self) -> f64 {
        self.0 as f64 / UNITS as f64
    }
}

/// Spend and volume of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CostStats {
    pub requests: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub cost: ExactSum,
    /// Sum of squared request costs, for the spread of per-request cost.
    pub cost_squares: ExactSum<SQUARE_UNITS>,
    /// Requests whose cost came from the `[prices]` table.
    pub priced: u64,
    /// Requests with neither a logged cost nor a price: their cost counts as 0.
    pub unpriced: u64,
}

impl CostStats {
    /// A group with nothing in it (a bucket without records).
    pub const EMPTY: CostStats = CostStats {
        requests: 0,
        tokens_in: 0,
        tokens_out: 0,
        cost: ExactSum(0),
        cost_squares: ExactSum(0),
        priced: 0,
        unpriced: 0,
    };

    /// Counts one record.
    #[inline]
    pub fn add(&mut self, rec: &Record<'_>) {
        self.requests += 1;
        self.tokens_in = self.tokens_in.saturating_add(rec.tokens_in.unwrap_or(0));
        self.tokens_out = self.tokens_out.saturating_add(rec.tokens_out.unwrap_or(0));
        self.cost.add(rec.cost_usd);
        self.cost_squares.add(rec.cost_usd * rec.cost_usd);
        match rec.cost_source {
            CostSource::Logged => {}
            CostSource::Priced => self.priced += 1,
            CostSource::Unpriced => self.unpriced += 1,
        }
    }

    /// Adds another group's totals.
    pub fn combine(&mut self, other: CostStats) {
        self.requests += other.requests;
        self.tokens_in = self.tokens_in.saturating_add(other.tokens_in);
        self.tokens_out = self.tokens_out.saturating_add(other.tokens_out);
        self.cost.combine(other.cost);
        self.cost_squares.combine(other.cost_squares);
        self.priced += other.priced;
        self.unpriced += other.unpriced;
    }

    /// Total spend in USD.
    pub fn cost_usd(&self) -> f64 {
        self.cost.value()
    }

    /// The squared coefficient of variation of per-request cost (variance ÷ mean²); `None`
    /// with fewer than two requests or no spend.
    pub fn cost_cv2(&self) -> Option<f64> {
        if self.requests < 2 {
            return None;
        }
        let n = self.requests as f64;
        let mean = self.cost_usd() / n;
        (mean > 0.0).then(|| (self.cost_squares.value() / n / (mean * mean) - 1.0).max(0.0))
    }

    /// Input plus output tokens.
    pub fn tokens(&self) -> u64 {
        self.tokens_in.saturating_add(self.tokens_out)
    }
}

/// The quality signals of one group: success, confidence and feedback.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QualityStats {
    pub requests: u64,
    pub success: u64,
    /// Records with a confidence, and the sum of their confidences.
    pub confidence_n: u64,
    pub confidence_sum: ExactSum,
    /// Records with a feedback rating, and those rated below the negative threshold.
    pub feedback: u64,
    pub negative: u64,
}

impl QualityStats {
    /// Counts one record; a rating below `negative_below` is negative feedback.
    #[inline]
    pub fn add(&mut self, rec: &Record<'_>, negative_below: f64) {
        self.requests += 1;
        if rec.is_success() {
            self.success += 1;
        }
        if let Some(c) = rec.confidence.filter(|c| c.is_finite()) {
            self.confidence_n += 1;
            self.confidence_sum.add(c);
        }
        if let Some(r) = rec.rating.filter(|r| r.is_finite()) {
            self.feedback += 1;
            if r < negative_below {
                self.negative += 1;
            }
        }
    }

    /// Adds another group's totals.
    pub fn combine(&mut self, other: QualityStats) {
        self.requests += other.requests;
        self.success += other.success;
        self.confidence_n += other.confidence_n;
        self.confidence_sum.combine(other.confidence_sum);
        self.feedback += other.feedback;
        self.negative += other.negative;
    }
}

/// Everything kept per day (and dimension value): spend for the anomaly and forecast rules,
/// quality for the drift test.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DailyStats {
    pub cost: CostStats,
    pub quality: QualityStats,
}

impl DailyStats {
    /// Counts one record.
    #[inline]
    pub fn add(&mut self, rec: &Record<'_>, negative_below: f64) {
        self.cost.add(rec);
        self.quality.add(rec, negative_below);
    }

    /// Adds another group's totals.
    pub fn combine(&mut self, other: DailyStats) {
        self.cost.combine(other.cost);
        self.quality.combine(other.quality);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_sums_do_not_depend_on_grouping() {
        let xs = [0.1, 0.2, 0.3, 1e-9, 123.456789, 0.000_000_000_4];
        let mut all: ExactSum = ExactSum::default();
        xs.iter().for_each(|&x| all.add(x));
        let (mut a, mut b): (ExactSum, ExactSum) = Default::default();
        xs[..2].iter().for_each(|&x| a.add(x));
        xs[2..].iter().for_each(|&x| b.add(x));
        a.combine(b);
        assert_eq!(a, all);
        assert!((all.value() - 124.056_789_001_4).abs() < 1e-12);
        let mut s: ExactSum = ExactSum::default();
        s.add(f64::NAN);
        s.add(f64::INFINITY);
        s.add(1.0);
        assert!(s.value() > 1e20, "saturates instead of panicking");
    }

    #[test]
    fn counts_cost_sources_and_feedback() {
        let mut c = CostStats::default();
        let logged = Record {
            cost_usd: 0.5,
            cost_source: CostSource::Logged,
            tokens_in: Some(10),
            ..Record::default()
        };
        let unpriced = Record {
            tokens_out: Some(4),
            ..Record::default()
        };
        c.add(&logged);
        c.add(&unpriced);
        assert_eq!(
            (c.requests, c.tokens(), c.unpriced, c.priced),
            (2, 14, 1, 0)
        );
        assert_eq!(c.cost_usd(), 0.5);
        // Costs 0.5 and 0: mean 0.25, E[c²] 0.125, so CV² = 0.125 / 0.0625 − 1 = 1.
        assert_eq!(c.cost_cv2(), Some(1.0));

        let mut q = QualityStats::default();
        q.add(
            &Record {
                status: Some(200),
                confidence: Some(0.75),
                rating: Some(-1.0),
                ..Record::default()
            },
            0.0,
        );
        q.add(
            &Record {
                status: Some(503),
                rating: Some(0.0),
                ..Record::default()
            },
            0.0,
        );
        assert_eq!((q.requests, q.success, q.confidence_n), (2, 1, 1));
        assert_eq!((q.feedback, q.negative), (2, 1));
        assert_eq!(q.confidence_sum.value(), 0.75);
    }
}
