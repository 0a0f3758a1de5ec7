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

impl AllAnalyses<'_> {
    /// [`Analysis::finish`], with `after_pii` run on the PII report as soon as it is finished,
    /// while the other analyses (the review's clustering the longest) are still finishing:
    /// `report` writes `pii_findings.csv` and its SARIF log meanwhile.
    pub fn finish_with<R: Send>(
        self,
        after_pii: impl FnOnce(&PiiReport) -> R + Send,
    ) -> (AllReports, R) {
        use super::Analysis;
        let AllAnalyses {
            sli,
            daily,
            pii,
            slo,
            cost,
            review,
        } = self;
        let (mut sli_r, mut daily_r, mut pii_r, mut slo_r, mut cost_r, mut review_r) =
            (None, None, None, None, None, None);
        rayon::scope(|s| {
            s.spawn(|_| review_r = Some(review.finish()));
            s.spawn(|_| sli_r = Some(sli.finish()));
            s.spawn(|_| daily_r = Some(daily.finish()));
            s.spawn(|_| slo_r = Some(slo.finish()));
            s.spawn(|_| cost_r = Some(cost.finish()));
            s.spawn(|_| {
                let report = pii.finish();
                let after = after_pii(&report);
                pii_r = Some((report, after));
            });
        });
        let (pii, after) = pii_r.expect("every finish ran in the scope");
        let reports = AllReports {
            sli: sli_r.expect("every finish ran in the scope"),
            daily: daily_r.expect("every finish ran in the scope"),
            pii,
            slo: slo_r.expect("every finish ran in the scope"),
            cost: cost_r.expect("every finish ran in the scope"),
            review: review_r.expect("every finish ran in the scope"),
        };
        (reports, after)
    }
}
