//! Stratified two-sample tests for comparing releases hour by hour: the Cochran-Mantel-Haenszel
//! test for rates and van Elteren's stratified rank-sum test for latency. Comparing within each
//! hour keeps an incident or the daily traffic shape from favouring the side that happened to
//! serve more of those hours (Simpson's paradox).

use super::stats::{normal_sf, rank_sum, TestResult};

/// One hour's 2×2 table: `x1` events of `n1` on the current side, `x2` of `n2` on the previous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table2x2 {
    pub x1: u64,
    pub n1: u64,
    pub x2: u64,
    pub n2: u64,
}

/// The Cochran-Mantel-Haenszel test of a common odds ratio of 1 across strata, with the
/// continuity correction (as statsmodels' `StratifiedTable.test_null_odds(correction=True)`).
/// `z` is positive when the current side has more events than expected. `None` when no
/// stratum has both sides.
pub fn cochran_mantel_haenszel(tables: &[Table2x2]) -> Option<TestResult> {
    let (mut deviation, mut variance) = (0.0_f64, 0.0_f64);
    for t in tables {
        let n = (t.n1 + t.n2) as f64;
        if t.n1 == 0 || t.n2 == 0 || n < 2.0 {
            continue;
        }
        let events = (t.x1 + t.x2) as f64;
        let (n1, n2) = (t.n1 as f64, t.n2 as f64);
        deviation += t.x1 as f64 - n1 * events / n;
        variance += n1 * n2 * events * (n - events) / (n * n * (n - 1.0));
    }
    if variance <= 0.0 {
        // All events or none in every stratum (or no stratum with both sides): no evidence.
        let compared = tables.iter().any(|t| t.n1 > 0 && t.n2 > 0);
        return compared.then_some(TestResult {
            z: 0.0,
            p_value: 1.0,
        });
    }
    let corrected = (deviation.abs() - 0.5).max(0.0);
    let z = corrected / variance.sqrt() * deviation.signum();
    Some(TestResult {
        z,
        p_value: (2.0 * normal_sf(z.abs())).min(1.0),
    })
}

/// Van Elteren's stratified Wilcoxon rank-sum test: each stratum's rank sum of the current
/// sample, centred and weighted by 1/(N+1), summed over strata (mid-ranks for ties, tie-corrected
/// variances, normal approximation). Sorts every sample. `z` is positive when the current side
/// tends to be larger. With one stratum it is the Mann-Whitney z without continuity correction.
pub fn van_elteren(strata: &mut [(Vec<f32>, Vec<f32>)]) -> Option<TestResult> {
    let (mut statistic, mut variance) = (0.0_f64, 0.0_f64);
    for (cur, prev) in strata.iter_mut() {
        let (n1, n2) = (cur.len() as f64, prev.len() as f64);
        if cur.is_empty() || prev.is_empty() {
            continue;
        }
        let n = n1 + n2;
        let (rank_sum, ties) = rank_sum(cur, prev);
        let weight = 1.0 / (n + 1.0);
        statistic += weight * (rank_sum - n1 * (n + 1.0) / 2.0);
        variance +=
            weight * weight * n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)).max(1.0));
    }
    if variance <= 0.0 {
        // Every value tied (or no stratum with both sides): no evidence either way.
        let compared = strata.iter().any(|(c, p)| !c.is_empty() && !p.is_empty());
        return compared.then_some(TestResult {
            z: 0.0,
            p_value: 1.0,
        });
    }
    let z = statistic / variance.sqrt();
    Some(TestResult {
        z,
        p_value: (2.0 * normal_sf(z.abs())).min(1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::slo::stats::{mann_whitney, two_proportion_z};

    #[test]
    fn cmh_matches_statsmodels() {
        // statsmodels StratifiedTable([[[3, 97], [10, 890]], [[30, 170], [5, 45]],
        // [[1, 49], [2, 148]]]).test_null_odds(correction=True):
        // statistic 1.8176933944945857, p 0.17758808380318925.
        let tables = [
            Table2x2 {
                x1: 3,
                n1: 100,
                x2: 10,
                n2: 900,
            },
            Table2x2 {
                x1: 30,
                n1: 200,
                x2: 5,
                n2: 50,
            },
            Table2x2 {
                x1: 1,
                n1: 50,
                x2: 2,
                n2: 150,
            },
        ];
        let t = cochran_mantel_haenszel(&tables).unwrap();
        assert!((t.z * t.z - 1.8176933944945857).abs() < 1e-10, "{t:?}");
        assert!((t.p_value - 0.17758808380318925).abs() < 1e-10, "{t:?}");
        assert!(cochran_mantel_haenszel(&[Table2x2 {
            x1: 0,
            n1: 0,
            x2: 1,
            n2: 5
        }])
        .is_none());
    }

    #[test]
    fn stratifying_removes_simpsons_paradox() {
        // Hour 1 is an incident (30 % errors on both sides), hour 2 is healthy (1 % on both).
        // The current side served mostly the incident hour, so pooled it looks much worse.
        let tables = [
            Table2x2 {
                x1: 300,
                n1: 1000,
                x2: 30,
                n2: 100,
            },
            Table2x2 {
                x1: 1,
                n1: 100,
                x2: 10,
                n2: 1000,
            },
        ];
        let pooled = two_proportion_z(301, 1100, 40, 1100).unwrap();
        assert!(pooled.p_value < 1e-30);
        let strat = cochran_mantel_haenszel(&tables).unwrap();
        assert!(strat.p_value > 0.5, "{strat:?}");

        // The same for latency: within each hour both sides draw from the same values.
        let slow: Vec<f32> = (0..100).map(|i| 3000.0 + i as f32).collect();
        let fast: Vec<f32> = (0..100).map(|i| 500.0 + i as f32).collect();
        let mut strata = vec![
            (slow.repeat(5), slow.clone()),
            (fast.clone(), fast.repeat(5)),
        ];
        let t = van_elteren(&mut strata).unwrap();
        assert!(t.p_value > 0.99, "{t:?}");
        let mut pooled_cur: Vec<f32> = [slow.repeat(5), fast.clone()].concat();
        let mut pooled_prev: Vec<f32> = [slow, fast.repeat(5)].concat();
        let mw = mann_whitney(&mut pooled_cur, &mut pooled_prev).unwrap();
        assert!(mw.test.p_value < 1e-30);
    }

    #[test]
    fn one_stratum_van_elteren_is_mann_whitney() {
        // SciPy: mannwhitneyu(a, b, method="asymptotic", use_continuity=False) on the tied
        // sample of the stats tests gives p = 0.021677475411440248.
        let a = vec![1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0];
        let b = vec![2.0, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 7.0];
        let t = van_elteren(&mut [(a, b)]).unwrap();
        assert!((t.p_value - 0.021677475411440248).abs() < 1e-12, "{t:?}");
        assert!(t.z < 0.0);
        assert!(van_elteren(&mut [(vec![], vec![1.0])]).is_none());
    }
}
