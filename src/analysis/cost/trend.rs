//! Trend statistics for quality drift: the Mann-Kendall test (with the tie correction and its
//! two-sided p-value from the normal approximation) and Sen's slope.

/// The complementary error function, erfc(x) = 1 − erf(x), with a fractional error below
/// 1.2e-7 everywhere (the Chebyshev fit of Numerical Recipes, `erfcc`).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let ans = t * (-z * z + poly).exp();
    if x >= 0.0 {
        ans
    } else {
        2.0 - ans
    }
}

/// The standard normal cumulative distribution function Φ(x).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The result of a Mann-Kendall trend test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannKendall {
    /// Number of points.
    pub n: usize,
    /// S = Σ sign(x_j − x_i) over all pairs i < j: positive for a rising series.
    pub s: i64,
    /// Variance of S under "no trend", corrected for ties.
    pub var_s: f64,
    /// The normal score with continuity correction: (S − sign S) / √var.
    pub z: f64,
    /// Two-sided p-value of "no monotonic trend".
    pub p_value: f64,
}

/// Runs the Mann-Kendall test on `xs` in time order; `None` with fewer than 3 points or any
/// non-finite value.
pub fn mann_kendall(xs: &[f64]) -> Option<MannKendall> {
    let n = xs.len();
    if n < 3 || xs.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mut s: i64 = 0;
    for i in 0..n {
        for j in i + 1..n {
            s += match xs[j].total_cmp(&xs[i]) {
                std::cmp::Ordering::Greater => 1,
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
            };
        }
    }
    // Tie groups reduce the variance: Σ t(t−1)(2t+5) over groups of equal values.
    let mut sorted = xs.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let mut ties = 0.0;
    let mut run = 1usize;
    for k in 1..=n {
        if k < n && sorted[k] == sorted[k - 1] {
            run += 1;
        } else {
            let t = run as f64;
            ties += t * (t - 1.0) * (2.0 * t + 5.0);
            run = 1;
        }
    }
    let nf = n as f64;
    let var_s = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
    let z = if var_s <= 0.0 || s == 0 {
        0.0
    } else {
        (s - s.signum()) as f64 / var_s.sqrt()
    };
    Some(MannKendall {
        n,
        s,
        var_s,
        z,
        p_value: erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0),
    })
}

/// Sen's slope: the median of (x_j − x_i) / (t_j − t_i) over all pairs with distinct times.
/// `None` when no pair has distinct times.
pub fn sen_slope(ts: &[f64], xs: &[f64]) -> Option<f64> {
    let mut slopes = Vec::with_capacity(xs.len() * xs.len().saturating_sub(1) / 2);
    for i in 0..xs.len().min(ts.len()) {
        for j in i + 1..xs.len().min(ts.len()) {
            let dt = ts[j] - ts[i];
            if dt != 0.0 {
                slopes.push((xs[j] - xs[i]) / dt);
            }
        }
    }
    super::baseline::median(&mut slopes)
}

/// Benjamini-Hochberg adjusted p-values (q-values): flagging every test with q < α keeps the
/// expected share of false discoveries among the flags at α, however many series are tested.
/// Same order as `p_values`; identical to R's `p.adjust(p, "BH")`.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut q = vec![1.0; m];
    let mut running = 1.0f64;
    for rank in (1..=m).rev() {
        let i = order[rank - 1];
        running = running.min(p_values[i] * m as f64 / rank as f64);
        q[i] = running.clamp(0.0, 1.0);
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn erfc_matches_reference_values() {
        // Reference values from C's erfc (Python's math.erfc).
        for (x, want) in [
            (1.0, 0.157_299_207_050_285_13),
            (0.1, 0.887_537_083_981_715_2),
            (3.5, 7.430_983_723_414_128e-7),
            (-0.7, 1.677_801_193_837_418_4),
            (0.0, 1.0),
        ] {
            assert!(close(erfc(x), want, 1.2e-7), "erfc({x}) = {}", erfc(x));
        }
        assert!(close(normal_cdf(1.96), 0.975_002_104_851_779_5, 1e-7));
        assert!(close(
            normal_cdf(-1.96),
            1.0 - 0.975_002_104_851_779_5,
            1e-6
        ));
    }

    #[test]
    fn mann_kendall_known_values() {
        // Expected values from the textbook formulas (as in pymannkendall's original_test).
        let mk = mann_kendall(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(mk.s, 10);
        assert!(close(mk.var_s, 16.666_666_666_666_668, 1e-12));
        assert!(close(mk.z, 2.204_540_768_504_860_4, 1e-12));
        assert!(close(mk.p_value, 0.027_486_336_111_510_353, 1e-6));

        // Falling, with ties.
        let mk = mann_kendall(&[5.0, 3.0, 4.0, 2.0, 2.0, 1.0, 3.0, 1.0, 0.0, 1.0]).unwrap();
        assert_eq!(mk.s, -30);
        assert!(close(mk.var_s, 119.333_333_333_333_33, 1e-12));
        assert!(close(mk.z, -2.654_710_159_983_487_5, 1e-12));
        assert!(close(mk.p_value, 0.007_937_657_788_413_916, 1e-6));

        let mk = mann_kendall(&[1., 2., 2., 3., 3., 3., 4., 2., 5., 1., 6., 4.]).unwrap();
        assert_eq!(mk.s, 30);
        assert!(close(mk.var_s, 203.333_333_333_333_34, 1e-12));
        assert!(close(mk.p_value, 0.041_978_630_703_935_89, 1e-6));
    }

    #[test]
    fn mann_kendall_edges() {
        let flat = mann_kendall(&[2.0; 6]).unwrap();
        assert_eq!((flat.s, flat.z, flat.p_value), (0, 0.0, 1.0));
        assert_eq!(mann_kendall(&[1.0, 2.0]), None);
        assert_eq!(mann_kendall(&[1.0, f64::NAN, 2.0]), None);
        // A noiseless 28-day decline is overwhelmingly significant.
        let xs: Vec<f64> = (0..28).map(|d| 0.9 - 0.004 * f64::from(d)).collect();
        let mk = mann_kendall(&xs).unwrap();
        assert_eq!(mk.s, -(28 * 27 / 2));
        assert!(mk.p_value < 1e-8);
    }

    #[test]
    fn benjamini_hochberg_matches_r() {
        // R: p.adjust(c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216), "BH")
        let q = benjamini_hochberg(&[
            0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216,
        ]);
        let want = [
            0.01,
            0.04,
            0.084,
            0.084,
            0.084,
            0.1,
            0.105_714_285_714_285_72,
            0.216,
            0.216,
            0.216,
        ];
        for (got, want) in q.iter().zip(want) {
            assert!(close(*got, want, 1e-12), "{q:?}");
        }
        // Input order is kept.
        let q = benjamini_hochberg(&[0.04, 0.001, 0.5, 0.03]);
        let want = [
            0.053_333_333_333_333_34,
            0.004,
            0.5,
            0.053_333_333_333_333_34,
        ];
        for (got, want) in q.iter().zip(want) {
            assert!(close(*got, want, 1e-12), "{q:?}");
        }
        assert!(benjamini_hochberg(&[]).is_empty());
    }

    #[test]
    fn sen_slope_known_values() {
        let s = sen_slope(&[0.0, 1.0, 2.0, 4.0, 5.0], &[1.0, 1.5, 3.5, 4.0, 6.0]).unwrap();
        assert!(close(s, 0.916_666_666_666_666_7, 1e-12));
        // One outlier does not move it.
        let s = sen_slope(&[0., 1., 2., 3., 4.], &[0., 1., 50., 3., 4.]).unwrap();
        assert_eq!(s, 1.0);
        assert_eq!(sen_slope(&[1.0, 1.0], &[0.0, 5.0]), None);
    }
}
