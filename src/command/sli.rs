//! `logwarden sli`: the SLI table (`sli.csv`).

use super::{check_skips, emit, note_left_out, sources, Common, Outcome};
use crate::analysis::group::GroupSpec;
use crate::analysis::sli::{Sli, SliReport};
use crate::analysis::Analysis;
use crate::output::{fmt_f64, fmt_opt, Table};
use crate::scan::scan;

/// Runs the SLI report.
pub fn run(common: &Common, by: GroupSpec) -> anyhow::Result<Outcome> {
    let sources = sources(common)?;
    let budget = common.sample_budget(1);
    let (acc, summary) = scan(&sources, &common.scan, || {
        Sli::with_budget(by.clone(), &budget)
    })?;
    check_skips(common, &summary, super::Needs::Timestamps)?;
    let report = acc.finish();
    common.note_approximate(report.approximate);
    note_left_out(common, "sli", report.without_ts, "a timestamp");
    let table = sli_table(&report);
    emit(common, &summary, &table, &[("sli.csv", &table)])?;
    Ok(Outcome::default())
}

/// `sli.csv`: bucket, the `--by` dimensions, then the SLI columns of the contract.
pub fn sli_table(report: &SliReport) -> Table {
    let mut cols = vec!["bucket".to_string()];
    cols.extend(report.spec.dims.iter().map(|d| d.name().to_string()));
    cols.extend(
        [
            "requests",
            "success",
            "errors_4xx",
            "errors_5xx",
            "success_rate",
            "error_rate_4xx",
            "error_rate_5xx",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "cost_usd",
            "tokens_in",
            "tokens_out",
        ]
        .map(String::from),
    );
    let mut t = Table::new(cols);
    for (key, v) in &report.rows {
        let mut row = vec![report.spec.bucket.label(key.bucket).to_string()];
        row.extend(key.dims.iter().map(|d| d.clone().unwrap_or_default()));
        row.extend([
            v.requests.to_string(),
            v.success.to_string(),
            v.errors_4xx.to_string(),
            v.errors_5xx.to_string(),
            fmt_f64(v.success_rate),
            fmt_f64(v.error_rate_4xx),
            fmt_f64(v.error_rate_5xx),
            fmt_opt(v.p50_ms),
            fmt_opt(v.p95_ms),
            fmt_opt(v.p99_ms),
            fmt_f64(v.cost_usd),
            v.tokens_in.to_string(),
            v.tokens_out.to_string(),
        ]);
        t.push(row);
    }
    t
}
