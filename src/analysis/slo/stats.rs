//! The statistics behind alerts and release comparison: the normal tail, an exact binomial
//! tail, the two-proportion z-test and the Mann-Whitney U test (normal approximation, ties).

use std::f64::consts::PI;

/// The complementary error function, to about 1e-15 relative error over the whole line.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.0 {
        // Maclaurin series of erf; below 2 the terms cancel by less than 1e-2.
        let mut term = x;
        let mut sum = x;
        let x2 = x * x;
        for n in 1..200 {
            term *= -x2 / n as f64;
            let add = term / (2 * n + 1) as f64;
            sum += add;
            if add.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        return 1.0 - 2.0 / PI.sqrt() * sum;
    }
    if x > 27.0 {
        return 0.0;
    }
    // Continued fraction erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
    // evaluated by the modified Lentz method; it converges fast for x ≥ 2.
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..500 {
        let a = k as f64 / 2.0;
        d = x + a * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = x + a / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / PI.sqrt() / f
}

/// P(Z > z) for a standard normal Z.
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The natural log of the gamma function for x > 0 (Lanczos, g = 7; about 1e-15 relative).
pub fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the approximation in its accurate range.
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// P(X ≥ k) for X ~ Binomial(n, p): the one-sided p-value of seeing `k` or more bad events in
/// `n` when each is bad with probability `p`. Exact: terms are summed from the far side of the
/// mode outwards until they stop mattering, so it costs O(√n) even for millions of trials.
pub fn binomial_sf(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let nf = n as f64;
    let ln_choose_n = ln_gamma(nf + 1.0);
    let (lp, lq) = (p.ln(), (-p).ln_1p());
    let ln_pmf = |i: u64| {
        let i = i as f64;
        ln_choose_n - ln_gamma(i + 1.0) - ln_gamma(nf - i + 1.0) + i * lp + (nf - i) * lq
    };
    let mode = ((nf + 1.0) * p).floor() as u64;
    // Sum the smaller tail, where terms shrink monotonically away from the mode.
    let (upper, start) = if k > mode { (true, k) } else { (false, k - 1) };
    let mut sum = 0.0;
    let mut i = start;
    loop {
        let t = ln_pmf(i).exp();
        sum += t;
        if t <= sum * 1e-17 {
            break;
        }
        if upper {
            if i == n {
                break;
            }
            i += 1;
        } else {
            if i == 0 {
                break;
            }
            i -= 1;
        }
    }
    if upper {
        sum.min(1.0)
    } else {
        (1.0 - sum).clamp(0.0, 1.0)
    }
}

/// The result of a two-sample test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestResult {
    /// The standardised statistic; positive when the first sample is larger.
    pub z: f64,
    /// The two-sided p-value.
    pub p_value: f64,
}

/// The pooled two-proportion z-test of `x1` of `n1` against `x2` of `n2` (two-sided).
/// `None` when a side is empty; p = 1 when both proportions are 0 or both are 1.
pub fn two_proportion_z(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<TestResult> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let (p1, p2) = (x1 as f64 / n1f, x2 as f64 / n2f);
    let pooled = (x1 + x2) as f64 / (n1f + n2f);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1f + 1.0 / n2f)).sqrt();
    if se == 0.0 {
        return Some(TestResult {
            z: 0.0,
            p_value: 1.0,
        });
    }
    let z = (p1 - p2) / se;
    Some(TestResult {
        z,
        p_value: (2.0 * normal_sf(z.abs())).min(1.0),
    })
}

/// Fisher's exact test of `x1` of `n1` against `x2` of `n2` (two-sided, as SciPy's
/// `fisher_exact`: the tables no more likely than the observed one). `None` when a side is
/// empty or the table is too large to enumerate (then the z-test is accurate anyway).
pub fn fisher_exact(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<f64> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    let n = n1 + n2;
    let k = x1 + x2;
    let lo = k.saturating_sub(n2);
    let hi = k.min(n1);
    if hi - lo > 2_000_000 {
        return None;
    }
    let ln_choose = |a: u64, b: u64| {
        ln_gamma(a as f64 + 1.0) - ln_gamma(b as f64 + 1.0) - ln_gamma((a - b) as f64 + 1.0)
    };
    let ln_total = ln_choose(n, n1);
    let ln_p = |i: u64| ln_choose(k, i) + ln_choose(n - k, n1 - i) - ln_total;
    let observed = ln_p(x1);
    // Relative slack as SciPy uses, so tables as likely as the observed one count despite
    // rounding.
    let cutoff = observed + (1.0 + 1e-7_f64).ln();
    let p: f64 = (lo..=hi)
        .map(ln_p)
        .filter(|&l| l <= cutoff)
        .map(f64::exp)
        .sum();
    Some(p.min(1.0))
}

/// Compares two proportions: Fisher's exact test when any expected cell of the 2×2 table is
/// below 5 (where the normal approximation overstates significance), else the pooled z-test.
/// Returns the result and the name of the test used.
pub fn compare_proportions(
    x1: u64,
    n1: u64,
    x2: u64,
    n2: u64,
) -> Option<(TestResult, &'static str)> {
    let z = two_proportion_z(x1, n1, x2, n2)?;
    let n = (n1 + n2) as f64;
    let (k, not_k) = ((x1 + x2) as f64, (n1 + n2 - x1 - x2) as f64);
    let smallest = [
        n1 as f64 * k,
        n1 as f64 * not_k,
        n2 as f64 * k,
        n2 as f64 * not_k,
    ]
    .into_iter()
    .fold(f64::INFINITY, f64::min)
        / n;
    if smallest < 5.0 {
        if let Some(p) = fisher_exact(x1, n1, x2, n2) {
            return Some((TestResult { z: z.z, p_value: p }, "fisher_exact"));
        }
    }
    Some((z, "two_proportion_z"))
}

/// The Mann-Whitney U test of `a` against `b` (two-sided), normal approximation with the tie
/// correction of the variance and a continuity correction of 1/2, as SciPy's
/// `mannwhitneyu(a, b, method="asymptotic")`. Sorts both slices. `z` is positive when `a`
/// tends to be larger. `None` when a side is empty.
pub fn mann_whitney(a: &mut [f32], b: &mut [f32]) -> Option<MannWhitney> {
    let (na, nb) = (a.len(), b.len());
    if na == 0 || nb == 0 {
        return None;
    }
    let (rank_sum_a, ties) = rank_sum(a, b);
    let (naf, nbf) = (na as f64, nb as f64);
    let n = naf + nbf;
    let u_a = rank_sum_a - naf * (naf + 1.0) / 2.0;
    let mean = naf * nbf / 2.0;
    let var = naf * nbf / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)).max(1.0));
    let (z, p_value) = if var <= 0.0 {
        (0.0, 1.0)
    } else {
        let sd = var.sqrt();
        let dev = u_a - mean;
        let z = (dev.abs() - 0.5).max(0.0) / sd * dev.signum();
        (z, (2.0 * normal_sf(z.abs())).min(1.0))
    };
    Some(MannWhitney {
        u: u_a,
        common_language: u_a / (naf * nbf),
        test: TestResult { z, p_value },
    })
}

/// The rank sum of `a` in the pooled sample (mid-ranks), and Σ(t³ − t) over tied groups.
/// Sorts both slices.
pub fn rank_sum(a: &mut [f32], b: &mut [f32]) -> (f64, f64) {
    a.sort_unstable_by(f32::total_cmp);
    b.sort_unstable_by(f32::total_cmp);
    let (na, nb) = (a.len(), b.len());
    let (mut i, mut j) = (0, 0);
    let (mut before, mut sum, mut ties) = (0.0_f64, 0.0_f64, 0.0_f64);
    while i < na || j < nb {
        let v = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if y.total_cmp(x).is_lt() => *y,
            (Some(x), _) => *x,
            (None, Some(y)) => *y,
            (None, None) => break,
        };
        let i0 = i;
        while i < na && a[i].total_cmp(&v).is_eq() {
            i += 1;
        }
        let j0 = j;
        while j < nb && b[j].total_cmp(&v).is_eq() {
            j += 1;
        }
        let t = ((i - i0) + (j - j0)) as f64;
        sum += (i - i0) as f64 * (before + (t + 1.0) / 2.0);
        ties += t * t * t - t;
        before += t;
    }
    (sum, ties)
}

/// The result of a Mann-Whitney U test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    /// U of the first sample: pairs (x from a, y from b) with x > y, ties counting 1/2.
    pub u: f64,
    /// U / (na·nb): the chance that a random value of `a` exceeds one of `b` (ties halved).
    pub common_language: f64,
    pub test: TestResult,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) {
        assert!(
            (got - want).abs() <= rel * want.abs().max(1e-300),
            "got {got}, want {want}"
        );
    }

    #[test]
    fn erfc_and_normal_tail_match_reference_values() {
        // Reference values from scipy.special.erfc and scipy.stats.norm.sf.
        close(erfc(0.0), 1.0, 1e-15);
        close(erfc(0.5), 0.4795001221869535, 1e-14);
        close(erfc(1.0), 0.15729920705028516, 1e-14);
        close(erfc(2.0), 0.004677734981047266, 1e-13);
        close(erfc(3.0), 2.2090496998585445e-05, 1e-13);
        close(erfc(6.0), 2.1519736712498913e-17, 1e-12);
        close(erfc(-1.0), 1.8427007929497148, 1e-15);
        close(normal_sf(1.959963984540054), 0.025, 1e-12);
        close(normal_sf(3.090232306167813), 0.001, 1e-11);
        assert_eq!(erfc(40.0), 0.0);
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        close(ln_gamma(1.0).exp(), 1.0, 1e-14);
        close(ln_gamma(5.0).exp(), 24.0, 1e-13);
        close(ln_gamma(0.5).exp(), PI.sqrt(), 1e-13);
        // ln(100!) = 363.73937555556347
        close(ln_gamma(101.0), 363.73937555556347, 1e-14);
    }

    #[test]
    fn binomial_tail_matches_scipy() {
        // scipy.stats.binom.sf(k - 1, n, p)
        close(binomial_sf(3, 25, 0.01), 0.0019506768897388216, 1e-10);
        close(binomial_sf(8, 150, 0.01), 0.00014955708162200007, 1e-9);
        close(binomial_sf(45, 4000, 0.01), 0.23331881978063407, 1e-9);
        close(binomial_sf(60, 4000, 0.01), 0.001784327351990388, 1e-9);
        close(binomial_sf(1, 10, 0.5), 0.9990234375, 1e-13);
        close(
            binomial_sf(600, 1_000_000, 0.0005),
            7.74506258311731e-06,
            1e-8,
        );
        assert_eq!(binomial_sf(0, 10, 0.3), 1.0);
        assert_eq!(binomial_sf(11, 10, 0.3), 0.0);
        assert_eq!(binomial_sf(10, 10, 1.0), 1.0);
    }

    #[test]
    fn two_proportion_z_matches_reference() {
        // statsmodels.stats.proportion.proportions_ztest([45, 60], [1000, 1000]) (pooled):
        // z = -1.5038585877973938, p = 2·norm.sf(|z|) = 0.1326177819292726.
        let t = two_proportion_z(45, 1000, 60, 1000).unwrap();
        close(t.z, -1.5038585877973938, 1e-12);
        close(t.p_value, 0.1326177819292726, 1e-10);
        let t = two_proportion_z(0, 50, 0, 70).unwrap();
        assert_eq!(t.p_value, 1.0);
        assert!(two_proportion_z(1, 0, 1, 2).is_none());
    }

    #[test]
    fn fisher_exact_matches_scipy() {
        // scipy.stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
        close(
            fisher_exact(3, 466, 16, 16548).unwrap(),
            0.014273022872355703,
            1e-9,
        );
        close(
            fisher_exact(0, 50, 5, 50).unwrap(),
            0.05628449442882433,
            1e-9,
        );
        close(
            fisher_exact(7, 100, 1, 200).unwrap(),
            0.002287277302604547,
            1e-9,
        );
        // Few events: Fisher; the z-test would claim p = 0.0005 for the first table.
        let (t, name) = compare_proportions(3, 466, 16, 16548).unwrap();
        assert_eq!(name, "fisher_exact");
        close(t.p_value, 0.014273022872355703, 1e-9);
        let (_, name) = compare_proportions(45, 1000, 60, 1000).unwrap();
        assert_eq!(name, "two_proportion_z");
    }

    #[test]
    fn mann_whitney_matches_scipy() {
        // The example of the SciPy documentation (no ties): U = 17, p = 0.11134688653314041.
        let mut m = [19.0, 22.0, 16.0, 29.0, 24.0];
        let mut f = [20.0, 11.0, 17.0, 12.0];
        let r = mann_whitney(&mut m, &mut f).unwrap();
        assert_eq!(r.u, 17.0);
        close(r.test.p_value, 0.11134688653314041, 1e-12);
        assert!(r.test.z > 0.0);
        // With ties: scipy.stats.mannwhitneyu(a, b, method="asymptotic") gives U = 8.5,
        // p = 0.025279736885893914.
        let mut a = [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0];
        let mut b = [2.0, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 7.0];
        let r = mann_whitney(&mut a, &mut b).unwrap();
        assert_eq!(r.u, 8.5);
        close(r.test.p_value, 0.025279736885893914, 1e-12);
        assert!(r.test.z < 0.0);
        close(r.common_language, 8.5 / 56.0, 1e-15);
        // All equal: no evidence either way.
        let r = mann_whitney(&mut [5.0; 4], &mut [5.0; 3]).unwrap();
        assert_eq!(r.test.p_value, 1.0);
        assert!(mann_whitney(&mut [], &mut [1.0]).is_none());
    }
}
