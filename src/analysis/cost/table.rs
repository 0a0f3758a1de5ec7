//! The rows of `cost.csv`: each `--by` group's spend with its unit costs, its share of the
//! bucket's total and its change versus the same group in the previous bucket.

use super::stats::CostStats;
use super::CostReport;
use crate::analysis::group::GroupKey;
use std::collections::HashMap;

/// One finished row of `cost.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct CostRow {
    pub key: GroupKey,
    pub requests: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub cost_usd: f64,
    pub cost_per_request: Option<f64>,
    /// USD per 1,000 tokens (input plus output); `None` without token counts.
    pub cost_per_1k_tokens: Option<f64>,
    /// This group's fraction of its bucket's spend; `None` when the bucket spent nothing.
    pub share_of_total: Option<f64>,
    /// (cost − previous) / previous against the same group in the bucket just before; `None`
    /// in the first bucket, when the group was absent there, or spent nothing there.
    pub change_vs_previous: Option<f64>,
    pub unpriced_requests: u64,
    pub priced_requests: u64,
}

/// Computes the `cost.csv` rows, in the report's order (bucket, then dimension values).
pub fn cost_rows(report: &CostReport) -> Vec<CostRow> {
    let kind = report.spec.bucket;
    let mut bucket_totals: HashMap<i64, super::stats::ExactSum> = HashMap::new();
    let mut index: HashMap<(i64, &[Option<String>]), &CostStats> = HashMap::new();
    for (key, s) in &report.table {
        bucket_totals.entry(key.bucket).or_default().combine(s.cost);
        index.insert((key.bucket, key.dims.as_slice()), s);
    }
    report
        .table
        .iter()
        .map(|(key, s)| {
            let cost = s.cost_usd();
            let total = bucket_totals.get(&key.bucket).map_or(0.0, |t| t.value());
            let previous_start = kind.previous(key.bucket);
            let change = index
                .get(&(previous_start, key.dims.as_slice()))
                .map(|p| p.cost_usd())
                .filter(|&p| p != 0.0)
                .map(|p| (cost - p) / p);
            CostRow {
                key: key.clone(),
                requests: s.requests,
                tokens_in: s.tokens_in,
                tokens_out: s.tokens_out,
                cost_usd: cost,
                cost_per_request: (s.requests > 0).then(|| cost / s.requests as f64),
                cost_per_1k_tokens: (s.tokens() > 0).then(|| cost / s.tokens() as f64 * 1000.0),
                share_of_total: (total != 0.0).then(|| (cost / total).clamp(0.0, 1.0)),
                change_vs_previous: change,
                unpriced_requests: s.unpriced,
                priced_requests: s.priced,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::cost::CostAnalysis;
    use crate::analysis::group::GroupSpec;
    use crate::analysis::{Analysis, Line};
    use crate::record::{CostSource, JsonStr, Location, Record};

    fn rec(ts: &str, model: &'static str, cost: Option<f64>, tin: u64) -> Record<'static> {
        let mut r = Record {
            ts: crate::record::time::parse_rfc3339(ts),
            tokens_in: Some(tin),
            tokens_out: Some(0),
            ..Record::default()
        };
        r.dims[0] = Some(JsonStr::plain(model));
        if let Some(c) = cost {
            r.cost_usd = c;
            r.cost_source = CostSource::Logged;
        }
        r
    }

    fn fold(recs: &[Record<'static>], by: &str) -> CostReport {
        let line = Line {
            loc: Location { file: 0, line: 1 },
            text: "",
        };
        let mut a = CostAnalysis::new(GroupSpec::parse(by).unwrap(), 0.0);
        for r in recs {
            a.observe(r, &line);
        }
        a.finish()
    }

    #[test]
    fn shares_changes_and_unpriced() {
        let report = fold(
            &[
                rec("2026-11-02T10:00:00Z", "a", Some(3.0), 1000),
                rec("2026-11-02T11:00:00Z", "b", Some(1.0), 500),
                rec("2026-11-03T10:00:00Z", "a", Some(6.0), 1000),
                rec("2026-11-03T10:00:00Z", "a", None, 1000),
                rec("2026-11-05T10:00:00Z", "b", Some(2.0), 1000),
            ],
            "day,model",
        );
        let rows = cost_rows(&report);
        assert_eq!(rows.len(), 4);
        let a1 = &rows[0];
        assert_eq!(a1.share_of_total, Some(0.75));
        assert_eq!(a1.change_vs_previous, None);
        assert_eq!(a1.cost_per_1k_tokens, Some(3.0));
        let a2 = &rows[2];
        assert_eq!((a2.requests, a2.unpriced_requests), (2, 1));
        assert_eq!(a2.cost_per_request, Some(3.0));
        assert_eq!(a2.change_vs_previous, Some(1.0));
        assert_eq!(a2.share_of_total, Some(1.0));
        // b skipped a day: no previous bucket to compare with.
        assert_eq!(rows[3].change_vs_previous, None);
        assert_eq!(report.unpriced_by_model(), vec![("a".to_string(), 1)]);
    }
}
