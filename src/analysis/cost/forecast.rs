//! The month-end forecast (`cost_forecast.csv`): spend so far in each month of the data, a
//! projection to the month's end from the recent daily run-rate, and the budget's run-out date.

use super::baseline::Span;
use crate::bucket::BucketKind;
use crate::record::time::DAY_SECS as DAY;
use std::collections::BTreeMap;

/// Where a month stands against its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetStatus {
    /// No `[alerts] monthly_budget_usd` configured.
    NoBudget,
    /// Projected to end the month within budget.
    WithinBudget,
    /// Projected to end the month above budget.
    ProjectedOverrun,
    /// Already spent more than the budget.
    OverBudget,
}

impl BudgetStatus {
    pub fn name(self) -> &'static str {
        match self {
            BudgetStatus::NoBudget => "no_budget",
            BudgetStatus::WithinBudget => "within_budget",
            BudgetStatus::ProjectedOverrun => "projected_overrun",
            BudgetStatus::OverBudget => "over_budget",
        }
    }
}

/// One row of `cost_forecast.csv` (day values are bucket starts in epoch seconds).
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRow {
    pub month: i64,
    /// First and last day of the month that the data covers.
    pub first_day: i64,
    pub last_day: i64,
    pub days_in_month: i64,
    pub month_to_date_usd: f64,
    /// The last complete day the projection starts from (may lie in an earlier month).
    pub complete_through: Option<i64>,
    /// Mean daily spend of the last `run_rate_days` complete days up to `complete_through`.
    pub run_rate_usd_per_day: Option<f64>,
    pub run_rate_days: usize,
    /// Days of the month after `complete_through` (projected at the run-rate).
    pub remaining_days: i64,
    pub projected_usd: Option<f64>,
    pub budget_usd: Option<f64>,
    /// Projected spend above the budget (0 when within it).
    pub projected_overrun_usd: Option<f64>,
    /// The day spend reached (or is projected to reach) the budget, if within the month.
    pub budget_runs_out_on: Option<i64>,
    pub status: BudgetStatus,
}

/// Forecasts every month that has data. `daily` holds (day start, spend), ascending; days of
/// the span without records spent nothing. The first and last day count as complete only when
/// the data covers them (see [`Span::cuts`]).
pub fn forecast(
    daily: &[(i64, f64)],
    span: Span,
    budget: Option<f64>,
    run_rate_days: usize,
) -> Vec<ForecastRow> {
    let spend: BTreeMap<i64, f64> = daily.iter().copied().collect();
    let spend_on = |d: i64| spend.get(&d).copied().unwrap_or(0.0);
    let first_day = BucketKind::Day.start(span.first);
    let last_day = BucketKind::Day.start(span.last);
    let complete = |d: i64| d >= first_day && d <= last_day && !span.cuts(BucketKind::Day, d);
    let mut months: Vec<i64> = daily
        .iter()
        .map(|&(d, _)| BucketKind::Month.start_of_secs(d))
        .collect();
    months.dedup();

    months
        .into_iter()
        .map(|month| {
            let month_end = BucketKind::Month.next(month);
            let days_in_month = (month_end - month) / DAY;
            let from = month.max(first_day);
            let to = (month_end - DAY).min(last_day);
            let month_to_date: f64 = spend.range(month..month_end).map(|(_, c)| c).sum();
            // The projection starts after the last complete day up to the month's last data day.
            let anchor = (0..)
                .map(|k| to - k * DAY)
                .take_while(|&d| d >= first_day)
                .find(|&d| complete(d));
            let rate_days: Vec<i64> = match anchor {
                Some(a) => (0..)
                    .map(|k| a - k * DAY)
                    .take_while(|&d| d >= first_day)
                    .filter(|&d| complete(d))
                    .take(run_rate_days)
                    .collect(),
                None => Vec::new(),
            };
            let run_rate = (!rate_days.is_empty()).then(|| {
                rate_days.iter().map(|&d| spend_on(d)).sum::<f64>() / rate_days.len() as f64
            });
            let spent_through_anchor = anchor.map_or(0.0, |a| {
                spend
                    .range(month..(a + DAY).max(month))
                    .map(|(_, c)| c)
                    .sum()
            });
            let projection_start = anchor.map_or(month, |a| (a + DAY).max(month));
            let remaining_days = ((month_end - projection_start) / DAY).max(0);
            let projected = if remaining_days == 0 {
                Some(month_to_date)
            } else {
                run_rate.map(|r| spent_through_anchor + r * remaining_days as f64)
            };

            let mut runs_out = None;
            if let Some(b) = budget {
                let mut cumulative = 0.0;
                for (&d, &c) in spend.range(month..month_end) {
                    cumulative += c;
                    if cumulative >= b {
                        runs_out = Some(d);
                        break;
                    }
                }
                if runs_out.is_none() {
                    if let Some(r) = run_rate.filter(|&r| r > 0.0) {
                        let days_needed = ((b - spent_through_anchor) / r).ceil().max(1.0);
                        if days_needed <= remaining_days as f64 {
                            runs_out = Some(projection_start + (days_needed as i64 - 1) * DAY);
                        }
                    }
                }
            }
            let status = match (budget, projected) {
                (None, _) => BudgetStatus::NoBudget,
                (Some(b), _) if month_to_date >= b => BudgetStatus::OverBudget,
                (Some(b), Some(p)) if p > b => BudgetStatus::ProjectedOverrun,
                _ => BudgetStatus::WithinBudget,
            };
            ForecastRow {
                month,
                first_day: from,
                last_day: to,
                days_in_month,
                month_to_date_usd: month_to_date,
                complete_through: anchor,
                run_rate_usd_per_day: run_rate,
                run_rate_days: rate_days.len(),
                remaining_days,
                projected_usd: projected,
                budget_usd: budget,
                projected_overrun_usd: budget.zip(projected).map(|(b, p)| (p - b).max(0.0)),
                budget_runs_out_on: runs_out,
                status,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::time::parse_rfc3339;

    fn day(s: &str) -> i64 {
        parse_rfc3339(s).unwrap().secs()
    }

    fn span(first: &str, last: &str) -> Span {
        Span {
            first: parse_rfc3339(first).unwrap(),
            last: parse_rfc3339(last).unwrap(),
        }
    }

    /// `n` days of `usd` each from `start`.
    fn flat(start: &str, n: i64, usd: f64) -> Vec<(i64, f64)> {
        (0..n).map(|k| (day(start) + k * DAY, usd)).collect()
    }

    #[test]
    fn projects_from_the_last_seven_complete_days() {
        // November 1–20 at 10 USD/day, except the last seven days at 20.
        let mut daily = flat("2026-11-01", 13, 10.0);
        daily.extend(flat("2026-11-14", 7, 20.0));
        let rows = forecast(
            &daily,
            span("2026-11-01T00:00:05Z", "2026-11-20T23:59:00Z"),
            Some(500.0),
            7,
        );
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.days_in_month, 30);
        assert_eq!(r.month_to_date_usd, 270.0);
        assert_eq!(r.complete_through, Some(day("2026-11-20")));
        assert_eq!(r.run_rate_usd_per_day, Some(20.0));
        assert_eq!(r.remaining_days, 10);
        assert_eq!(r.projected_usd, Some(470.0));
        assert_eq!(r.projected_overrun_usd, Some(0.0));
        assert_eq!(r.budget_runs_out_on, None);
        assert_eq!(r.status, BudgetStatus::WithinBudget);

        // A 400 USD budget runs out on day 20 + ceil(130 / 20) = Nov 27.
        let rows = forecast(
            &daily,
            span("2026-11-01T00:00:05Z", "2026-11-20T23:59:00Z"),
            Some(400.0),
            7,
        );
        assert_eq!(rows[0].budget_runs_out_on, Some(day("2026-11-27")));
        assert_eq!(rows[0].projected_overrun_usd, Some(70.0));
        assert_eq!(rows[0].status, BudgetStatus::ProjectedOverrun);

        // Already over: the day the cumulative spend crossed it.
        let rows = forecast(
            &daily,
            span("2026-11-01T00:00:05Z", "2026-11-20T23:59:00Z"),
            Some(100.0),
            7,
        );
        assert_eq!(rows[0].budget_runs_out_on, Some(day("2026-11-10")));
        assert_eq!(rows[0].status, BudgetStatus::OverBudget);
    }

    #[test]
    fn partial_last_day_and_past_months() {
        // Oct 29–Nov 3; the data ends at 06:00 on Nov 3, so Nov 3 is not a complete day.
        let mut daily = flat("2026-10-29", 5, 10.0);
        daily.push((day("2026-11-03"), 2.5));
        let rows = forecast(
            &daily,
            span("2026-10-29T00:01:00Z", "2026-11-03T06:00:00Z"),
            None,
            7,
        );
        assert_eq!(rows.len(), 2);
        let oct = &rows[0];
        // October is over: the projection is what was spent.
        assert_eq!(oct.first_day, day("2026-10-29"));
        assert_eq!(oct.remaining_days, 0);
        assert_eq!(oct.projected_usd, Some(30.0));
        assert_eq!(oct.status, BudgetStatus::NoBudget);
        let nov = &rows[1];
        assert_eq!(nov.month_to_date_usd, 22.5);
        assert_eq!(nov.complete_through, Some(day("2026-11-02")));
        // The run-rate reaches back into October: five complete days at 10.
        assert_eq!(
            (nov.run_rate_usd_per_day, nov.run_rate_days),
            (Some(10.0), 5)
        );
        // 20 spent through Nov 2, then 28 days at 10.
        assert_eq!(nov.remaining_days, 28);
        assert_eq!(nov.projected_usd, Some(300.0));
        assert_eq!(nov.budget_usd, None);
        assert_eq!(nov.projected_overrun_usd, None);
    }

    #[test]
    fn days_without_records_count_as_zero_spend() {
        let daily = vec![(day("2026-11-01"), 14.0), (day("2026-11-07"), 14.0)];
        let rows = forecast(
            &daily,
            span("2026-11-01T00:00:00Z", "2026-11-07T23:59:59Z"),
            None,
            7,
        );
        assert_eq!(rows[0].run_rate_usd_per_day, Some(4.0));
    }
}
