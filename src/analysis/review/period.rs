//! The review period: the ISO week (or `--since/--until` range) under review and the equal
//! periods before it, as indices on a grid, plus the rule that picks the default week.

use crate::bucket::{BucketKind, BucketLabel, HOUR_SECS};
use crate::record::time::{Micros, DAY_SECS, MICROS};

/// Lengths on the grid, in microseconds: a `--since/--until` period may be any length.
const HOUR: i64 = HOUR_SECS * MICROS;
const WEEK: i64 = 7 * DAY_SECS * MICROS;
/// 1970-01-05, the first Monday after the epoch: the origin of the ISO-week grid.
const FIRST_MONDAY: Micros = Micros::from_secs(4 * DAY_SECS);

/// Periods in the trend chart, the selected one included.
pub const TREND_PERIODS: i64 = 8;
/// Periods before the selected one whose cases are kept (as signatures) for cluster history.
pub const HISTORY_PERIODS: i64 = 4;

/// Which period the user asked to review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The last complete ISO week in the data (see [`Grid::last_complete`]).
    LatestWeek,
    /// The ISO week starting on this Monday.
    Week(Micros),
    /// `since <= ts < until`.
    Range { since: Micros, until: Micros },
}

impl Selection {
    /// Builds the selection from `--week` (Monday, epoch seconds, as a bucket start),
    /// `--since` and `--until`. One bound alone makes a one-week range from it.
    pub fn from_flags(
        week: Option<i64>,
        since: Option<Micros>,
        until: Option<Micros>,
    ) -> Result<Selection, String> {
        match (week, since, until) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                Err("review: give either --week or --since/--until, not both".into())
            }
            (Some(monday), None, None) => Ok(Selection::Week(Micros::from_secs(monday))),
            (None, None, None) => Ok(Selection::LatestWeek),
            (None, since, until) => {
                let since = since
                    .unwrap_or_else(|| Micros(until.unwrap_or_default().0.saturating_sub(WEEK)));
                let until = until.unwrap_or_else(|| Micros(since.0.saturating_add(WEEK)));
                if since >= until {
                    return Err("review: --since must be before --until".into());
                }
                Ok(Selection::Range { since, until })
            }
        }
    }

    /// The grid of periods for this selection.
    pub fn grid(&self) -> Grid {
        match *self {
            Selection::LatestWeek => Grid {
                origin: FIRST_MONDAY,
                len: WEEK,
            },
            Selection::Week(monday) => Grid {
                origin: monday,
                len: WEEK,
            },
            Selection::Range { since, until } => Grid {
                origin: since,
                len: until.0 - since.0,
            },
        }
    }

    /// The selected period's index when it is known before the scan.
    pub fn fixed_index(&self) -> Option<i64> {
        match self {
            Selection::LatestWeek => None,
            Selection::Week(_) | Selection::Range { .. } => Some(0),
        }
    }

    /// How the period was chosen, for the report header.
    pub fn describe(&self) -> &'static str {
        match self {
            Selection::LatestWeek => "the last complete ISO week in the data",
            Selection::Week(_) => "--week",
            Selection::Range { .. } => "--since/--until",
        }
    }
}

/// Equal, adjacent periods: period `p` covers `[origin + p·len, origin + (p+1)·len)`, `len`
/// in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grid {
    origin: Micros,
    len: i64,
}

impl Grid {
    /// The index of the period holding `ts`.
    pub fn index(&self, ts: Micros) -> i64 {
        (ts.0 as i128 - self.origin.0 as i128).div_euclid(self.len as i128) as i64
    }

    /// Start of period `p`.
    pub fn start(&self, p: i64) -> Micros {
        Micros(self.origin.0.saturating_add(p.saturating_mul(self.len)))
    }

    /// End (exclusive) of period `p`.
    pub fn end(&self, p: i64) -> Micros {
        self.start(p.saturating_add(1))
    }

    /// True when the periods are ISO weeks.
    pub fn is_weekly(&self) -> bool {
        self.len == WEEK && (self.origin.0 - FIRST_MONDAY.0).rem_euclid(WEEK) == 0
    }

    /// The default period: the last ISO week that is complete in the data, i.e. the last week
    /// the data reaches the final hour of (a timestamp at or after Sunday 23:00 UTC, or any
    /// later one). When the data does not cover a whole week (it starts inside the week of its
    /// latest timestamp, which is itself incomplete), that last, partial week.
    ///
    /// Returns the period index and whether it is complete.
    pub fn last_complete(&self, min_ts: Micros, max_ts: Micros) -> (i64, bool) {
        let last = self.index(max_ts);
        if max_ts.0 >= self.end(last).0 - HOUR {
            (last, true)
        } else if min_ts < self.start(last) {
            (last - 1, true)
        } else {
            (last, false)
        }
    }

    /// The period's label: `2026-W47` for ISO weeks, else `START..END` in RFC 3339.
    pub fn label(&self, p: i64) -> String {
        if self.is_weekly() {
            week_label(self.start(p)).to_string()
        } else {
            format!("{}..{}", short_time(self.start(p)), short_time(self.end(p)))
        }
    }

    /// A short label for chart axes: `W47` for weeks, else the start date.
    pub fn axis_label(&self, p: i64) -> String {
        if self.is_weekly() {
            let l = week_label(self.start(p)).to_string();
            l.split_once('-').map_or(l.clone(), |(_, w)| w.to_string())
        } else {
            day_label(self.start(p))
        }
    }
}

fn week_label(ts: Micros) -> BucketLabel {
    BucketKind::Week.label(BucketKind::Week.start(ts))
}

/// `2026-11-23` for a timestamp (UTC day).
pub fn day_label(ts: Micros) -> String {
    BucketKind::Day.label(BucketKind::Day.start(ts)).to_string()
}

/// The UTC day of the last instant before `end` (the last day of a period ending there).
pub fn last_day_label(end: Micros) -> String {
    day_label(Micros(end.0 - 1))
}

/// The ISO week label (`2026-W47`) of a timestamp.
pub fn iso_week_label(ts: Micros) -> String {
    week_label(ts).to_string()
}

/// A date when the time is midnight, else the full RFC 3339 time.
fn short_time(ts: Micros) -> String {
    if ts == Micros::from_secs(BucketKind::Day.start(ts)) {
        day_label(ts)
    } else {
        ts.rfc3339()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket::parse_iso_week;
    use crate::record::time::parse_rfc3339;

    fn t(s: &str) -> Micros {
        parse_rfc3339(s).unwrap()
    }

    #[test]
    fn weeks_on_the_default_grid() {
        let g = Selection::LatestWeek.grid();
        let p = g.index(t("2026-11-22T23:59:59Z"));
        assert_eq!(g.label(p), "2026-W47");
        assert_eq!(g.label(p + 1), "2026-W48");
        assert_eq!(g.index(t("2026-11-23T00:00:00Z")), p + 1);
        assert_eq!(g.start(p), t("2026-11-16T00:00:00Z"));
        assert_eq!(g.axis_label(p), "W47");
        // Before the epoch too.
        let q = g.index(t("1969-12-30T00:00:00Z"));
        assert_eq!(g.label(q), "1970-W01");
    }

    #[test]
    fn explicit_week_is_period_zero() {
        let monday = parse_iso_week("2026-W47").unwrap();
        let s = Selection::from_flags(Some(monday), None, None).unwrap();
        let g = s.grid();
        assert_eq!(g.index(t("2026-11-16T00:00:00Z")), 0);
        assert_eq!(g.index(t("2026-11-15T23:59:59.999Z")), -1);
        assert_eq!(g.index(t("2026-11-23T00:00:00Z")), 1);
        assert_eq!(g.label(-1), "2026-W46");
        assert!(g.is_weekly());
    }

    #[test]
    fn ranges() {
        let s = Selection::from_flags(None, Some(t("2026-11-01")), Some(t("2026-11-11"))).unwrap();
        let g = s.grid();
        assert_eq!(g.label(0), "2026-11-01..2026-11-11");
        assert_eq!(g.label(-1), "2026-10-22..2026-11-01");
        assert!(!g.is_weekly());
        let one = Selection::from_flags(None, Some(t("2026-11-01")), None).unwrap();
        assert_eq!(
            one,
            Selection::Range {
                since: t("2026-11-01"),
                until: t("2026-11-08")
            }
        );
        assert!(Selection::from_flags(None, Some(t("2026-11-02")), Some(t("2026-11-01"))).is_err());
        assert!(Selection::from_flags(Some(0), Some(Micros(0)), None).is_err());
    }

    #[test]
    fn default_week_selection() {
        let g = Selection::LatestWeek.grid();
        let w47 = g.index(t("2026-11-18T00:00:00Z"));
        // Data through Sunday's last hour: that week is complete.
        assert_eq!(
            g.last_complete(t("2026-10-26T00:00:00Z"), t("2026-11-22T23:10:00Z")),
            (w47, true)
        );
        // Data stopping on Sunday afternoon: the week before.
        assert_eq!(
            g.last_complete(t("2026-10-26T00:00:00Z"), t("2026-11-22T15:00:00Z")),
            (w47 - 1, true)
        );
        // Data reaching into a new week: the week before it.
        assert_eq!(
            g.last_complete(t("2026-10-26T00:00:00Z"), t("2026-11-23T00:00:00Z")),
            (w47, true)
        );
        // Less than a week of data, all inside one week: that partial week.
        assert_eq!(
            g.last_complete(t("2026-11-17T00:00:00Z"), t("2026-11-19T00:00:00Z")),
            (w47, false)
        );
    }
}
