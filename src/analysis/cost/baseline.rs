//! Robust baselines for cost series: which earlier buckets a bucket is compared with (same
//! seasonal kind, complete buckets only), their median and MAD, and the robust z-score.

use crate::analysis::quantile::quantile_sorted;
use crate::bucket::{hour_of_day, is_weekend, BucketKind};
use crate::record::time::Micros;

/// The seasonal kind of a bucket; a bucket is only ever compared with buckets of its own kind.
///
/// Days split into weekdays and weekend days (traffic, and so spend, usually halves on
/// weekends); hours into the hour of the day times weekday/weekend; weeks and months are one
/// kind each.
pub fn season(kind: BucketKind, start: i64) -> u32 {
    let weekend = u32::from(is_weekend(start));
    match kind {
        BucketKind::Day => weekend,
        BucketKind::Hour => hour_of_day(start) * 2 + weekend,
        BucketKind::Week | BucketKind::Month => 0,
    }
}

/// The time the data covers: first and last record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub first: Micros,
    pub last: Micros,
}

impl Span {
    /// True when the bucket starting at `start` is cut by the start or end of the data by more
    /// than a twentieth of its length (a day that starts after 01:12 or ends before 22:48), so
    /// its total is not comparable with whole buckets.
    pub fn cuts(&self, kind: BucketKind, start: i64) -> bool {
        let end = kind.next(start);
        let slack = (end - start) / 20;
        self.first.secs() > start + slack || self.last.secs() < end - slack
    }
}

/// Where a bucket's baseline came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselinePick {
    /// Indices of the baseline points, in time order.
    pub indices: Vec<usize>,
    /// True when later buckets had to fill in (too little history before the bucket).
    pub uses_later: bool,
}

/// Chooses the baseline of point `i`: the last `size` earlier points of the same kind that
/// are complete. Near the start of the data, where fewer than `size` such points exist, the
/// following points of the same kind fill the baseline up to `size` (the median shrugs off
/// one odd bucket among them). `None` when even that gives fewer than `min`.
pub fn pick_baseline(
    kinds: &[u32],
    partial: &[bool],
    i: usize,
    size: usize,
    min: usize,
) -> Option<BaselinePick> {
    let usable = |j: &usize| kinds[*j] == kinds[i] && !partial[*j];
    let mut indices: Vec<usize> = (0..i).rev().filter(usable).take(size).collect();
    indices.reverse();
    let before = indices.len();
    indices.extend((i + 1..kinds.len()).filter(usable).take(size - before));
    let uses_later = indices.len() > before;
    (indices.len() >= min.max(1)).then_some(BaselinePick {
        indices,
        uses_later,
    })
}

/// The median of `values` (sorted in place); `None` when empty.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    Some(quantile_sorted(values, 0.5))
}

/// Median and median absolute deviation of a baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Robust {
    pub median: f64,
    pub mad: f64,
}

impl Robust {
    /// Median and MAD of `values`; `None` when empty.
    pub fn of(values: &[f64]) -> Option<Robust> {
        let mut v = values.to_vec();
        let median = median(&mut v)?;
        let mut dev: Vec<f64> = v.iter().map(|x| (x - median).abs()).collect();
        let mad = self::median(&mut dev)?;
        Some(Robust { median, mad })
    }

    /// The robust z-score of `x`: (x − median) / σ with σ = 1.4826 · max(MAD, floor · |median|)
    /// (1.4826 makes the MAD estimate the standard deviation of normal data), and never below
    /// `min_sigma`. `None` when the baseline has no spread at all (only with zero floors).
    pub fn z(&self, x: f64, floor: f64, min_sigma: f64) -> Option<f64> {
        let sigma = (1.4826 * self.mad.max(floor * self.median.abs())).max(min_sigma);
        (sigma > 0.0).then(|| (x - self.median) / sigma)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::time::parse_rfc3339;

    fn secs(s: &str) -> i64 {
        parse_rfc3339(s).unwrap().secs()
    }

    #[test]
    fn weekends_and_hours_are_their_own_kinds() {
        // 2026-11-21 is a Saturday.
        assert_eq!(season(BucketKind::Day, secs("2026-11-20")), 0);
        assert_eq!(season(BucketKind::Day, secs("2026-11-21")), 1);
        assert_eq!(season(BucketKind::Day, secs("2026-11-22")), 1);
        assert_eq!(season(BucketKind::Day, secs("2026-11-23")), 0);
        assert_eq!(
            season(BucketKind::Hour, secs("2026-11-20T14:00:00Z")),
            season(BucketKind::Hour, secs("2026-11-19T14:00:00Z"))
        );
        assert_ne!(
            season(BucketKind::Hour, secs("2026-11-20T14:00:00Z")),
            season(BucketKind::Hour, secs("2026-11-20T15:00:00Z"))
        );
        assert_eq!(season(BucketKind::Week, secs("2026-11-21")), 0);
    }

    #[test]
    fn baseline_is_trailing_same_kind_and_complete() {
        // Mon..Sun twice, then Mon: kinds 0 0 0 0 0 1 1 0 0 0 0 0 1 1 0.
        let kinds: Vec<u32> = (0..15).map(|d| u32::from(d % 7 >= 5)).collect();
        let mut partial = vec![false; 15];
        let p = pick_baseline(&kinds, &partial, 14, 7, 3).unwrap();
        assert_eq!(p.indices, vec![3, 4, 7, 8, 9, 10, 11]);
        assert!(!p.uses_later);
        // A Sunday compares with weekend days only.
        let p = pick_baseline(&kinds, &partial, 13, 7, 3).unwrap();
        assert_eq!(p.indices, vec![5, 6, 12]);
        // Partial buckets never enter a baseline.
        partial[11] = true;
        let p = pick_baseline(&kinds, &partial, 14, 7, 3).unwrap();
        assert_eq!(p.indices, vec![2, 3, 4, 7, 8, 9, 10]);
    }

    #[test]
    fn start_of_data_borrows_later_buckets() {
        let kinds: Vec<u32> = (0..15).map(|d| u32::from(d % 7 >= 5)).collect();
        let partial = vec![false; 15];
        let p = pick_baseline(&kinds, &partial, 1, 7, 3).unwrap();
        assert_eq!(p.indices, vec![0, 2, 3, 4, 7, 8, 9]);
        assert!(p.uses_later);
        let p = pick_baseline(&kinds, &partial, 5, 7, 3).unwrap();
        assert_eq!(p.indices, vec![6, 12, 13]);
        assert!(pick_baseline(&kinds[..7], &partial[..7], 5, 7, 3).is_none());
    }

    #[test]
    fn robust_statistics() {
        let r = Robust::of(&[10.0, 12.0, 11.0, 50.0, 9.0]).unwrap();
        assert_eq!(r.median, 11.0);
        // Deviations 1, 1, 0, 39, 2 → MAD 1.
        assert_eq!(r.mad, 1.0);
        // The floor (5 % of 11 = 0.55) is below the MAD here.
        assert!((r.z(14.0, 0.05, 0.0).unwrap() - 3.0 / 1.4826).abs() < 1e-12);
        // A σ floor (the noise of a small count) caps the score.
        assert!((r.z(14.0, 0.05, 2.0).unwrap() - 1.5).abs() < 1e-12);
        // A flat series: the floor keeps z finite and modest.
        let flat = Robust::of(&[100.0; 7]).unwrap();
        assert_eq!(flat.mad, 0.0);
        assert!((flat.z(110.0, 0.05, 0.0).unwrap() - 10.0 / (1.4826 * 5.0)).abs() < 1e-12);
        assert_eq!(flat.z(110.0, 0.0, 0.0), None);
        assert_eq!(Robust::of(&[]), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0, 10.0]), Some(2.5));
    }

    #[test]
    fn cut_buckets() {
        let span = Span {
            first: parse_rfc3339("2026-11-02T00:00:30Z").unwrap(),
            last: parse_rfc3339("2026-11-09T13:00:00Z").unwrap(),
        };
        assert!(!span.cuts(BucketKind::Day, secs("2026-11-02")));
        assert!(!span.cuts(BucketKind::Day, secs("2026-11-05")));
        assert!(span.cuts(BucketKind::Day, secs("2026-11-09")));
        assert!(span.cuts(BucketKind::Week, secs("2026-11-09")));
        assert!(!span.cuts(BucketKind::Hour, secs("2026-11-09T12:00:00Z")));
    }
}
