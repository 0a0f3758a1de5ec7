//! `[cost]` and `[quality]` in logwarden.toml: the cost-anomaly rules, the forecast run-rate
//! window and the quality-trend test, each with a documented default.

use crate::config::{Invalid, Validate};
use serde::Deserialize;

/// `[cost]`: when a bucket's cost counts as an anomaly, and how the forecast reads the run-rate.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CostConfig {
    /// Buckets of the same kind (weekday or weekend day; same hour of day) in a baseline.
    pub baseline_buckets: usize,
    /// Fewest buckets a baseline needs before a bucket is judged. Near the start of the data,
    /// where fewer than `baseline_buckets` earlier ones exist, following buckets of the same
    /// kind fill the baseline up.
    pub min_baseline_buckets: usize,
    /// A bucket is anomalous only when its robust z-score reaches this (in either direction).
    pub z_threshold: f64,
    /// …and its cost is at least this multiple of the baseline median (a spike)…
    pub ratio_above: f64,
    /// …or at most this multiple (a drop).
    pub ratio_below: f64,
    /// The cost-per-request rule's ratios: a bucket whose cost per request is at least this
    /// multiple of its baseline (with the z-score threshold, and spend up as well) is a spike…
    pub unit_ratio_above: f64,
    /// …and at most this multiple (with spend down) a drop. Cost per request does not carry
    /// traffic noise, so it can afford tighter ratios than spend.
    pub unit_ratio_below: f64,
    /// The MAD never counts as less than this fraction of the median, so a very flat series
    /// does not turn small wobbles into huge z-scores.
    pub mad_floor: f64,
    /// Spikes with at least this ratio are P1.
    pub p1_ratio: f64,
    /// Spikes with at least this ratio are P2; smaller spikes and all drops are P3.
    pub p2_ratio: f64,
    /// A bucket is judged only when its baseline median has at least this many requests (and
    /// the cost-per-request rule only when the bucket itself has as many).
    pub min_requests: u64,
    /// Complete days averaged into the forecast's daily run-rate.
    pub run_rate_days: usize,
}

impl Default for CostConfig {
    fn default() -> Self {
        CostConfig {
            baseline_buckets: 7,
            min_baseline_buckets: 3,
            z_threshold: 4.0,
            ratio_above: 1.5,
            ratio_below: 0.5,
            unit_ratio_above: 1.4,
            unit_ratio_below: 0.7,
            mad_floor: 0.05,
            p1_ratio: 3.0,
            p2_ratio: 2.0,
            min_requests: 20,
            run_rate_days: 7,
        }
    }
}

impl Validate for CostConfig {
    /// Checks the values serde cannot.
    fn validate(&self) -> Result<(), Invalid> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(Invalid::at(
                    name,
                    format!("[cost] {name} must be a positive number, got {v}"),
                ))
            }
        };
        positive("z_threshold", self.z_threshold)?;
        positive("ratio_above", self.ratio_above)?;
        positive("ratio_below", self.ratio_below)?;
        positive("unit_ratio_above", self.unit_ratio_above)?;
        positive("unit_ratio_below", self.unit_ratio_below)?;
        positive("p1_ratio", self.p1_ratio)?;
        positive("p2_ratio", self.p2_ratio)?;
        if !(self.mad_floor.is_finite() && self.mad_floor >= 0.0) {
            return Err(Invalid::at(
                "mad_floor",
                format!(
                    "[cost] mad_floor must be a non-negative fraction, got {}",
                    self.mad_floor
                ),
            ));
        }
        if self.ratio_above <= 1.0 {
            return Err(Invalid::at(
                "ratio_above",
                format!(
                    "[cost] ratio_above must be above 1, got {}",
                    self.ratio_above
                ),
            ));
        }
        if self.unit_ratio_above <= 1.0 {
            return Err(Invalid::at(
                "unit_ratio_above",
                format!(
                    "[cost] unit_ratio_above must be above 1, got {}",
                    self.unit_ratio_above
                ),
            ));
        }
        if self.unit_ratio_below >= 1.0 {
            return Err(Invalid::at(
                "unit_ratio_below",
                format!(
                    "[cost] unit_ratio_below must be below 1, got {}",
                    self.unit_ratio_below
                ),
            ));
        }
        if self.ratio_below >= 1.0 {
            return Err(Invalid::at(
                "ratio_below",
                format!(
                    "[cost] ratio_below must be below 1, got {}",
                    self.ratio_below
                ),
            ));
        }
        if self.baseline_buckets == 0 {
            return Err(Invalid::at(
                "baseline_buckets",
                "[cost] baseline_buckets must be at least 1",
            ));
        }
        if self.min_baseline_buckets == 0 || self.min_baseline_buckets > self.baseline_buckets {
            return Err(Invalid::at(
                "min_baseline_buckets",
                format!(
                    "[cost] min_baseline_buckets must be between 1 and baseline_buckets ({}), got {}",
                    self.baseline_buckets, self.min_baseline_buckets
                ),
            ));
        }
        if self.run_rate_days == 0 {
            return Err(Invalid::at(
                "run_rate_days",
                "[cost] run_rate_days must be at least 1",
            ));
        }
        Ok(())
    }
}

/// `[quality]`: the weekly quality-drift test.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct QualityConfig {
    /// Weeks in the trend window (the week of the row and the ones before it).
    pub weeks: usize,
    /// False-discovery rate of the trend flags: a trend is significant when its Mann-Kendall
    /// p-value, adjusted (Benjamini-Hochberg) for every series tested in the same week, is
    /// below this.
    pub alpha: f64,
    /// Smallest change across the window (on the Sen's-slope line, in the metric's own units,
    /// e.g. 0.01 = one percentage point) that a significant decline must reach to be flagged.
    pub min_change: f64,
    /// Days with fewer observations of a metric than this are left out of its test.
    pub min_daily_samples: u64,
    /// Fewest daily points a window needs before it is tested.
    pub min_points: usize,
}

impl Default for QualityConfig {
    fn default() -> Self {
        QualityConfig {
            weeks: 4,
            alpha: 0.05,
            min_change: 0.01,
            min_daily_samples: 20,
            min_points: 10,
        }
    }
}

impl Validate for QualityConfig {
    /// Checks the values serde cannot.
    fn validate(&self) -> Result<(), Invalid> {
        if self.weeks < 2 {
            return Err(Invalid::at(
                "weeks",
                format!("[quality] weeks must be at least 2, got {}", self.weeks),
            ));
        }
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(Invalid::at(
                "alpha",
                format!(
                    "[quality] alpha must be between 0 and 1, got {}",
                    self.alpha
                ),
            ));
        }
        if !(self.min_change.is_finite() && self.min_change >= 0.0) {
            return Err(Invalid::at(
                "min_change",
                format!(
                    "[quality] min_change must be a non-negative number, got {}",
                    self.min_change
                ),
            ));
        }
        if self.min_points < 4 {
            return Err(Invalid::at(
                "min_points",
                format!(
                    "[quality] min_points must be at least 4, got {}",
                    self.min_points
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_name_the_key() {
        assert_eq!(CostConfig::default().validate(), Ok(()));
        assert_eq!(QualityConfig::default().validate(), Ok(()));
        let bad = CostConfig {
            ratio_below: 1.2,
            ..CostConfig::default()
        };
        assert_eq!(bad.validate().unwrap_err().to_string(), "ratio_below");
        let bad = CostConfig {
            min_baseline_buckets: 9,
            ..CostConfig::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "min_baseline_buckets"
        );
        let bad = QualityConfig {
            alpha: 1.5,
            ..QualityConfig::default()
        };
        assert!(bad.validate().unwrap_err().message.contains("alpha"));
    }
}
