//! Every analysis in one fold, for `logwarden report`: one scan of the input feeds them all.

use super::cost::{CostAnalysis, CostReport, NEGATIVE_BELOW};
use super::group::GroupSpec;
use super::latency::SampleBudget;
use super::pii::{PiiAudit, PiiContext, PiiReport};
use super::review::report::ReviewReport;
use super::review::{Review, ReviewOptions};
use super::sli::{Sli, SliReport};
use super::slo::{Slo, SloPlan, SloReport};
use crate::bucket::BucketKind;
use std::sync::Arc;

crate::composite_analysis! {
    /// The analyses of a full report, each fed every record of the one scan.
    pub struct AllAnalyses<'d> => AllReports {
        sli: Sli => SliReport,
        /// The daily totals behind the headline trend charts.
        daily: Sli => SliReport,
        pii: PiiAudit<'d> => PiiReport,
        slo: Slo => SloReport,
        cost: CostAnalysis => CostReport,
        review: Review => ReviewReport,
    }
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
