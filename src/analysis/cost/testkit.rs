//! Test helpers: synthetic records and a one-chunk run of the cost fold.

use super::{CostAnalysis, CostReport};
use crate::analysis::group::GroupSpec;
use crate::analysis::{Analysis, Line};
use crate::record::time::Micros;
use crate::record::{CostSource, Dim, JsonStr, Location, Record};

/// Epoch seconds of 2026-11-02T00:00:00Z, a Monday.
pub const MONDAY: i64 = 1_793_577_600;

/// A successful request at `secs` (epoch seconds) with a logged cost.
pub fn req(
    secs: i64,
    model: &'static str,
    cost: f64,
    tokens_in: u64,
    tokens_out: u64,
) -> Record<'static> {
    let mut r = Record {
        ts: Some(Micros::from_secs(secs)),
        status: Some(200),
        tokens_in: Some(tokens_in),
        tokens_out: Some(tokens_out),
        cost_usd: cost,
        cost_source: CostSource::Logged,
        ..Record::default()
    };
    r.dims[Dim::Model as usize] = Some(JsonStr::plain(model));
    r.dims[Dim::Version as usize] = Some(JsonStr::plain("v1"));
    r
}

/// `n` requests spread evenly over the day starting at `day` (the first at 00:00, the last
/// just before midnight, so the day counts as fully covered).
pub fn day_of(
    day: i64,
    n: u64,
    model: &'static str,
    cost: f64,
    tin: u64,
    tout: u64,
) -> Vec<Record<'static>> {
    (0..n)
        .map(|k| {
            let at = if n <= 1 {
                0
            } else {
                k as i64 * 86_399 / (n as i64 - 1)
            };
            req(day + at, model, cost, tin, tout)
        })
        .collect()
}

/// Runs the fold over `recs` split into two chunks (to exercise `merge`).
pub fn fold(recs: &[Record<'static>], by: &str) -> CostReport {
    let line = Line {
        loc: Location { file: 0, line: 1 },
        text: "",
    };
    let spec = GroupSpec::parse(by).expect("valid --by");
    let mut a = CostAnalysis::new(spec.clone(), 0.0);
    let mut b = CostAnalysis::new(spec, 0.0);
    let half = recs.len() / 2;
    for r in &recs[..half] {
        a.observe(r, &line);
    }
    for r in &recs[half..] {
        b.observe(r, &line);
    }
    a.merge(b);
    a.finish()
}
