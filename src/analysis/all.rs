//! Every analysis in one fold, for `logwarden report`: one scan of the input feeds them all.

use super::cost::{CostAnalysis, CostReport, NEGATIVE_BELOW};
use super::group::GroupSpec;
use super::latency::SampleBudget;
use super::pii::{PiiAudit, PiiContext, PiiReport};
use super::review::report::ReviewReport;
use super::review::{Review, ReviewOptions};
use super::sli::{Sli, SliReport};
use super::slo::{Slo, SloPlan, SloReport};
use super::{Analysis, Line};
use crate::bucket::BucketKind;
use crate::record::Record;
use std::sync::Arc;

/// The analyses of a full report, each fed every record of the one scan.
pub struct AllAnalyses<'d> {
    pub sli: Sli,
    /// The daily totals behind the headline trend charts.
    pub daily: Sli,
    pub pii: PiiAudit<'d>,
    pub slo: Slo,
    pub cost: CostAnalysis,
    pub review: Review,
}

/// The finished reports.
pub struct AllReports {
    pub sli: SliReport,
    pub daily: SliReport,
    pub pii: PiiReport,
    pub slo: SloReport,
    pub cost: CostReport,
    pub review: ReviewReport,
}

impl<'d> AllAnalyses<'d> {
    pub fn new(
        by: &GroupSpec,
        pii: &'d PiiContext<'d>,
        slo: &Arc<SloPlan>,
        review: &Arc<ReviewOptions>,
        budgets: &[Arc<SampleBudget>; 2],
    ) -> Self {
        AllAnalyses {
            sli: Sli::with_budget(by.clone(), &budgets[0]),
            daily: Sli::with_budget(
                GroupSpec {
                    bucket: BucketKind::Day,
                    dims: Vec::new(),
                },
                &budgets[1],
            ),
            pii: PiiAudit::new(pii),
            slo: Slo::new(Arc::clone(slo)),
            cost: CostAnalysis::new(by.clone(), NEGATIVE_BELOW),
            review: Review::new(Arc::clone(review)),
        }
    }
}

impl Analysis for AllAnalyses<'_> {
    type Output = AllReports;

    fn observe(&mut self, rec: &Record<'_>, line: &Line<'_>) {
        self.sli.observe(rec, line);
        self.daily.observe(rec, line);
        self.pii.observe(rec, line);
        self.slo.observe(rec, line);
        self.cost.observe(rec, line);
        self.review.observe(rec, line);
    }

    fn observe_line(&mut self, line: &Line<'_>, rec: Option<&Record<'_>>) {
        self.pii.observe_line(line, rec);
    }

    fn merge(&mut self, other: Self) {
        self.sli.merge(other.sli);
        self.daily.merge(other.daily);
        self.pii.merge(other.pii);
        self.slo.merge(other.slo);
        self.cost.merge(other.cost);
        self.review.merge(other.review);
    }

    fn finish(self) -> AllReports {
        AllReports {
            sli: self.sli.finish(),
            daily: self.daily.finish(),
            pii: self.pii.finish(),
            slo: self.slo.finish(),
            cost: self.cost.finish(),
            review: self.review.finish(),
        }
    }
}
