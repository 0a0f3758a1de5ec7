//! The SLO fold behind `logwarden slo`: good/bad counters per scope in 5-minute slots during
//! the scan; after it, objectives per window (`slo.csv`), threshold and burn-rate alerts
//! (`alerts.csv`) and the release or stage comparison (`compare.csv`).

pub mod alert_config;
pub mod alerts;
pub mod burn;
pub mod compare;
pub mod config;
pub mod objectives;
pub mod stats;
pub mod stratified;
pub mod timeline;

use self::alerts::{threshold_alerts, Alert};
use self::compare::{CompareReport, VariantStats};
use self::config::{latency_thresholds, CompareConfig, Objective, Scope};
use self::objectives::ObjectiveRow;
use self::timeline::{DayPage, Observation, Series};
use super::group::{GroupSpec, Groups};
use super::{Analysis, Line};
use crate::bucket::BucketKind;
use crate::config::{Alerts, Config, Owners};
use crate::record::time::{Micros, DAY_SECS};
use crate::record::{Dim, Record};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Width of the finest counters: every window and burn rate is computed from these.
pub const SLOT_MINUTES: u32 = 5;
pub const SLOT_SECS: i64 = SLOT_MINUTES as i64 * 60;
pub const SLOTS_PER_DAY: usize = (DAY_SECS / SLOT_SECS) as usize;
/// Distinct latency thresholds counted per slot (objectives plus the p95 alert).
pub const MAX_LATENCY_THRESHOLDS: usize = 8;

/// The first and last timestamp of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DataSpan {
    pub first_ts: Micros,
    pub last_ts: Micros,
}

impl DataSpan {
    fn widen(span: &mut Option<DataSpan>, other: DataSpan) {
        *span = Some(match *span {
            None => other,
            Some(s) => DataSpan {
                first_ts: s.first_ts.min(other.first_ts),
                last_ts: s.last_ts.max(other.last_ts),
            },
        });
    }
}

/// Everything the fold needs to know up front, shared by the accumulators of all chunks.
#[derive(Debug, Clone)]
pub struct SloPlan {
    pub objectives: Vec<Objective>,
    pub alerts: Alerts,
    pub owners: Owners,
    pub compare_config: CompareConfig,
    /// `--compare version|stage`.
    pub compare: Option<Dim>,
    /// Latency thresholds with a "slower than" counter per slot.
    pub thresholds: Vec<f64>,
    /// Scopes with a timeline, and whether each keeps hourly latencies (for p95 alerts).
    pub tracked: Vec<(Scope, bool)>,
}

impl SloPlan {
    /// Resolves the objectives and scopes of `config`.
    pub fn new(config: &Config, compare: Option<Dim>) -> SloPlan {
        let objectives = config.slo.objectives(&config.alerts);
        let mut thresholds = latency_thresholds(&objectives, &config.alerts);
        thresholds.truncate(MAX_LATENCY_THRESHOLDS);
        let mut tracked: Vec<(Scope, bool)> = Vec::new();
        let scopes = objectives
            .iter()
            .flat_map(|o| o.scopes.iter())
            .chain(&config.alerts.scopes);
        for &scope in scopes {
            let keep = config.alerts.scopes.contains(&scope);
            if !tracked.iter().any(|(s, _)| *s == scope) {
                tracked.push((scope, keep));
            }
        }
        SloPlan {
            objectives,
            alerts: config.alerts.clone(),
            owners: config.owners.clone(),
            compare_config: config.slo.compare.clone(),
            compare,
            thresholds,
            tracked,
        }
    }
}

/// The SLO fold.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Slo {
    /// Not in a durable state: the plan of the run that loads it.
    #[serde(skip, default = "crate::state::loading::slo_plan")]
    plan: Arc<SloPlan>,
    /// One per tracked scope: day pages keyed by day and the scope's dimension value.
    timelines: Vec<Groups<DayPage>>,
    /// Per hour and compared value, when `--compare` asked for it.
    compare: Option<Groups<VariantStats>>,
    span: Option<DataSpan>,
    without_ts: u64,
}

/// What `logwarden slo` reports.
#[derive(Debug, Clone)]
pub struct SloReport {
    pub objectives: Vec<ObjectiveRow>,
    /// Sorted by start time, then alert, scope and window.
    pub alerts: Vec<Alert>,
    pub compare: Option<CompareReport>,
    pub span: Option<DataSpan>,
    /// Records left out for lack of a timestamp.
    pub without_ts: u64,
}

impl Slo {
    pub fn new(plan: Arc<SloPlan>) -> Slo {
        let timelines = plan
            .tracked
            .iter()
            .map(|&(scope, _)| {
                Groups::new(GroupSpec {
                    bucket: BucketKind::Day,
                    dims: match scope {
                        Scope::All => Vec::new(),
                        Scope::Dim(d) => vec![d],
                    },
                })
            })
            .collect();
        let compare = plan.compare.map(|d| {
            Groups::new(GroupSpec {
                bucket: BucketKind::Hour,
                dims: vec![d],
            })
        });
        Slo {
            plan,
            timelines,
            compare,
            span: None,
            without_ts: 0,
        }
    }
}

impl Analysis for Slo {
    type Output = SloReport;

    fn observe(&mut self, rec: &Record<'_>, _line: &Line<'_>) {
        let Some(ts) = rec.ts else {
            self.without_ts += 1;
            return;
        };
        DataSpan::widen(
            &mut self.span,
            DataSpan {
                first_ts: ts,
                last_ts: ts,
            },
        );
        let obs = Observation::of(rec, &self.plan.thresholds);
        let slot = (ts.second_of_day() / SLOT_SECS) as usize;
        for (groups, &(scope, keep)) in self.timelines.iter_mut().zip(&self.plan.tracked) {
            if let Scope::Dim(d) = scope {
                if rec.dim(d).is_none() {
                    continue;
                }
            }
            groups.entry(ts, rec).add(slot, &obs, keep);
        }
        if let (Some(groups), Some(d)) = (&mut self.compare, self.plan.compare) {
            if rec.dim(d).is_some() {
                groups.entry(ts, rec).add(rec, ts);
            }
        }
    }

    fn merge(&mut self, other: Self) {
        for (a, b) in self.timelines.iter_mut().zip(other.timelines) {
            a.merge(b, DayPage::combine);
        }
        if let (Some(a), Some(b)) = (&mut self.compare, other.compare) {
            a.merge(b, VariantStats::combine);
        }
        if let Some(s) = other.span {
            DataSpan::widen(&mut self.span, s);
        }
        self.without_ts += other.without_ts;
    }

    fn finish(self) -> SloReport {
        let plan = self.plan;
        let compare = match (self.compare, plan.compare) {
            (Some(groups), Some(dim)) => Some(compare::compare(
                dim,
                groups.into_sorted(),
                &plan.compare_config,
                plan.alerts.min_requests,
            )),
            _ => None,
        };
        let mut report = SloReport {
            objectives: Vec::new(),
            alerts: Vec::new(),
            compare,
            span: self.span,
            without_ts: self.without_ts,
        };
        let Some(span) = self.span else {
            return report;
        };
        let series: Vec<(Scope, Vec<Series>)> = self
            .timelines
            .into_iter()
            .zip(&plan.tracked)
            .map(|(groups, &(scope, _))| (scope, scope_series(scope, groups)))
            .collect();
        let of_scope = |scope: Scope| -> Vec<&Series> {
            series
                .iter()
                .filter(|(s, _)| *s == scope)
                .flat_map(|(_, v)| v.iter())
                .collect()
        };
        let a = &plan.alerts;
        let burn_context = burn::BurnContext {
            data_first_slot: span.first_ts.secs().div_euclid(SLOT_SECS),
            thresholds: &plan.thresholds,
            min_requests: a.min_requests,
            significance: a.significance,
            owners: &plan.owners,
        };
        for o in &plan.objectives {
            for &scope in &o.scopes {
                let list = of_scope(scope);
                report.objectives.extend(objectives::evaluate(
                    o,
                    &list,
                    &span,
                    &plan.thresholds,
                    a.min_requests,
                ));
                for s in list {
                    report
                        .alerts
                        .extend(burn::burn_alerts(o, s, &a.burn_rate, &burn_context));
                }
            }
        }
        let p95_index = plan
            .thresholds
            .iter()
            .position(|&t| t == a.p95_ms_above)
            .unwrap_or(0);
        for &scope in &a.scopes {
            for s in of_scope(scope) {
                report
                    .alerts
                    .extend(threshold_alerts(s, a, &plan.owners, p95_index));
            }
        }
        report.alerts.sort_by(|x, y| {
            (x.from, x.alert, &x.scope, &x.window, &x.slo)
                .cmp(&(y.from, y.alert, &y.scope, &y.window, &y.slo))
        });
        report
    }
}

/// The series of one scope, one per dimension value (sorted), from its day pages.
fn scope_series(scope: Scope, groups: Groups<DayPage>) -> Vec<Series> {
    let mut per_value: BTreeMap<Option<String>, Vec<(i64, DayPage)>> = BTreeMap::new();
    for (key, page) in groups.into_sorted() {
        let value = key.dims.into_iter().next().flatten();
        per_value.entry(value).or_default().push((key.bucket, page));
    }
    per_value
        .into_iter()
        .map(|(value, pages)| Series::from_pages(scope, value, pages))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{JsonStr, Location};

    /// Three days of traffic on models `a` and `b`, 40 requests per 5 minutes; model `b`
    /// fails completely from 10:00 to 11:30 on the second day.
    fn records() -> Vec<Record<'static>> {
        let day = DAY_SECS;
        let start = 20_000 * day;
        let mut out = Vec::new();
        for slot in 0..(3 * 288) {
            for i in 0..40u32 {
                let secs = start + slot * 300 + i64::from(i) * 7;
                let model = if i % 2 == 0 { "a" } else { "b" };
                let in_outage = (day + 10 * 3600..day + 11 * 3600 + 1800).contains(&(secs - start));
                let status = if model == "b" && in_outage {
                    503
                } else if i == 39 && slot % 10 == 0 {
                    404
                } else {
                    200
                };
                let mut rec = Record {
                    ts: Some(Micros::from_secs(secs)),
                    status: Some(status),
                    latency_ms: Some(f64::from(100 + (i * 37 + slot as u32) % 900)),
                    cost_usd: 0.001,
                    ..Record::default()
                };
                rec.dims[Dim::Model as usize] = Some(JsonStr::plain(model));
                rec.dims[Dim::Version as usize] =
                    Some(JsonStr::plain(if slot < 400 { "v1" } else { "v2" }));
                out.push(rec);
            }
        }
        out
    }

    fn plan() -> Arc<SloPlan> {
        let config = Config::parse(
            "[alerts]\nscopes = [\"all\", \"model\"]\n[slo]\nscopes = [\"all\", \"model\"]\n",
            "test",
        )
        .unwrap();
        Arc::new(SloPlan::new(&config, Some(Dim::Version)))
    }

    fn fold(recs: &[Record<'_>], cuts: &[usize]) -> SloReport {
        let line = Line {
            loc: Location { file: 0, line: 1 },
            text: "",
        };
        let plan = plan();
        let mut bounds = vec![0];
        bounds.extend_from_slice(cuts);
        bounds.push(recs.len());
        let mut parts = bounds.windows(2).map(|w| {
            let mut acc = Slo::new(Arc::clone(&plan));
            for r in &recs[w[0]..w[1]] {
                acc.observe(r, &line);
            }
            acc
        });
        let mut acc = parts.next().unwrap();
        for p in parts {
            acc.merge(p);
        }
        acc.finish()
    }

    #[test]
    fn chunking_never_changes_the_report() {
        let recs = records();
        let whole = fold(&recs, &[]);
        let n = recs.len();
        for cuts in [
            vec![n / 2],
            vec![1, n / 3, n - 7],
            vec![n / 5, 2 * n / 5, 3 * n / 5],
        ] {
            let split = fold(&recs, &cuts);
            assert_eq!(split.objectives, whole.objectives, "cuts {cuts:?}");
            assert_eq!(split.alerts, whole.alerts, "cuts {cuts:?}");
            assert_eq!(
                split.compare.as_ref().unwrap().rows,
                whole.compare.as_ref().unwrap().rows
            );
        }
    }

    #[test]
    fn an_outage_of_one_model_is_p0_and_pages() {
        let report = fold(&records(), &[]);
        let outages: Vec<&Alert> = report
            .alerts
            .iter()
            .filter(|a| a.alert == "outage")
            .collect();
        assert_eq!(outages.len(), 1, "{outages:?}");
        assert_eq!(outages[0].scope, "model=b");
        assert_eq!(outages[0].severity, config::Severity::P0);
        assert_eq!(outages[0].owner, "Platform");
        // 90 minutes of outage on one of two models: the `all` scope burns at 50 % bad,
        // 100× the 0.5 % budget, so it pages; model `a` never alerts on success rate.
        assert!(report.alerts.iter().any(|a| a.alert == "burn_rate"
            && a.scope == "all"
            && a.severity == config::Severity::P1
            && a.slo == "availability"));
        assert!(!report
            .alerts
            .iter()
            .any(|a| a.scope == "model=a" && a.metric != "p95_ms" && a.slo != "latency"));
        // Objectives: one row per objective and scope value over the 30-day window.
        let scopes: Vec<(&str, &str)> = report
            .objectives
            .iter()
            .map(|r| (r.slo.as_str(), r.scope.as_str()))
            .collect();
        assert_eq!(
            scopes,
            [
                ("availability", "all"),
                ("availability", "model=a"),
                ("availability", "model=b"),
                ("latency", "all"),
                ("latency", "model=a"),
                ("latency", "model=b"),
            ]
        );
        assert!(report.objectives[0].note.contains("data covers 10%"));
    }
}
