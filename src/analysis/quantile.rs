//! Exact quantiles with linear interpolation between closest ranks (numpy's default and
//! DuckDB's `quantile_cont`).

/// Sorts `values` and returns the quantiles `qs` (each in [0, 1]); `None` when empty.
pub fn quantiles(values: &mut [f64], qs: &[f64]) -> Vec<Option<f64>> {
    if values.is_empty() {
        return vec![None; qs.len()];
    }
    values.sort_unstable_by(f64::total_cmp);
    qs.iter()
        .map(|&q| Some(quantile_sorted(values, q)))
        .collect()
}

/// The `q` quantile of non-empty sorted `sorted`: position h = (n-1)·q, interpolated.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = h - lo as f64;
    if frac == 0.0 || lo == hi {
        sorted[lo]
    } else {
        sorted[lo] + frac * (sorted[hi] - sorted[lo])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [50, 95, 99]) = [3.0, 8.8, 9.76]
        let mut v = vec![10.0, 1.0, 3.0, 2.0, 4.0];
        let q = quantiles(&mut v, &[0.5, 0.95, 0.99]);
        assert_eq!(q[0], Some(3.0));
        assert!((q[1].unwrap() - 8.8).abs() < 1e-12);
        assert!((q[2].unwrap() - 9.76).abs() < 1e-12);
        assert_eq!(quantiles(&mut [7.0], &[0.99]), vec![Some(7.0)]);
        assert_eq!(quantiles(&mut [], &[0.5]), vec![None]);
    }
}
