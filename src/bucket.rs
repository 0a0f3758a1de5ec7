//! UTC time buckets (hour, day, ISO week, month): the start of the bucket holding a timestamp,
//! and its label as the contract writes it (`2026-11-23T14:00Z`, `2026-11-23`, `2026-W47`, `2026-11`).

use crate::record::time::{civil_from_days, days_from_civil, Micros, DAY_SECS};
use std::fmt;

/// The width of a time bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum BucketKind {
    Hour,
    Day,
    Week,
    Month,
}

impl BucketKind {
    pub fn parse(s: &str) -> Option<BucketKind> {
        match s {
            "hour" => Some(BucketKind::Hour),
            "day" => Some(BucketKind::Day),
            "week" => Some(BucketKind::Week),
            "month" => Some(BucketKind::Month),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            BucketKind::Hour => "hour",
            BucketKind::Day => "day",
            BucketKind::Week => "week",
            BucketKind::Month => "month",
        }
    }

    /// Start of the bucket holding `ts`, in epoch seconds: bucket keys are whole seconds,
    /// which is all a bucket start needs and what `summary.json` and the states hold.
    pub fn start(self, ts: Micros) -> i64 {
        let secs = ts.secs();
        match self {
            BucketKind::Hour => secs - secs.rem_euclid(HOUR_SECS),
            BucketKind::Day => secs - secs.rem_euclid(DAY_SECS),
            BucketKind::Week => {
                let days = ts.day();
                (days - weekday(days)) * DAY_SECS
            }
            BucketKind::Month => {
                let (y, m, _) = civil_from_days(ts.day());
                days_from_civil(y, m, 1) * DAY_SECS
            }
        }
    }

    /// Start (epoch seconds) of the bucket holding the second `secs` (a bucket start of
    /// another kind, for instance).
    pub fn start_of_secs(self, secs: i64) -> i64 {
        self.start(Micros::from_secs(secs))
    }

    /// Start (epoch seconds) of the bucket before the one starting at `start`.
    pub fn previous(self, start: i64) -> i64 {
        self.start_of_secs(start - 1)
    }

    /// The shortest length of a bucket in seconds (a month is at least 28 days), for
    /// estimating how many buckets a time range holds.
    pub fn min_secs(self) -> i64 {
        match self {
            BucketKind::Hour => HOUR_SECS,
            BucketKind::Day => DAY_SECS,
            BucketKind::Week => 7 * DAY_SECS,
            BucketKind::Month => 28 * DAY_SECS,
        }
    }

    /// Start (epoch seconds) of the bucket after the one starting at `start`.
    pub fn next(self, start: i64) -> i64 {
        match self {
            BucketKind::Hour => start + HOUR_SECS,
            BucketKind::Day => start + DAY_SECS,
            BucketKind::Week => start + 7 * DAY_SECS,
            BucketKind::Month => {
                let (y, m, _) = civil_from_days(start.div_euclid(DAY_SECS));
                let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                days_from_civil(y, m, 1) * DAY_SECS
            }
        }
    }

    /// The label of the bucket starting at `start`.
    pub fn label(self, start: i64) -> BucketLabel {
        BucketLabel { kind: self, start }
    }
}

/// Monday = 0 … Sunday = 6 for a day count since 1970-01-01 (a Thursday).
pub fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

/// Seconds per hour.
pub const HOUR_SECS: i64 = 3600;

/// Monday = 0 … Sunday = 6 for the UTC day holding the second `secs`.
pub fn weekday_at(secs: i64) -> i64 {
    weekday(secs.div_euclid(DAY_SECS))
}

/// True when the second `secs` falls on a Saturday or Sunday (UTC).
pub fn is_weekend(secs: i64) -> bool {
    weekday_at(secs) >= 5
}

/// The hour of the UTC day (0–23) holding the second `secs`.
pub fn hour_of_day(secs: i64) -> u32 {
    (secs.rem_euclid(DAY_SECS) / HOUR_SECS) as u32
}

/// ISO 8601 week-numbering year and week of the week starting on Monday `monday` (day count).
pub fn iso_week(monday: i64) -> (i64, u32) {
    let thursday = monday + 3;
    let (y, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
    (y, week as u32)
}

/// Parses `2026-W47` into the epoch seconds of that week's Monday.
pub fn parse_iso_week(s: &str) -> Option<i64> {
    let (y, w) = s.split_once("-W").or_else(|| s.split_once("-w"))?;
    let y: i64 = y.parse().ok()?;
    let w: i64 = w.parse().ok()?;
    // The week holding January 4th is week 1.
    let jan4 = days_from_civil(y, 1, 4);
    let monday1 = jan4 - weekday(jan4);
    let monday = monday1 + (w - 1) * 7;
    if !(1..=53).contains(&w) || iso_week(monday).0 != y {
        return None;
    }
    Some(monday * DAY_SECS)
}

/// A bucket's label, formatted lazily.
#[derive(Debug, Clone, Copy)]
pub struct BucketLabel {
    kind: BucketKind,
    start: i64,
}

impl fmt::Display for BucketLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.start.div_euclid(DAY_SECS);
        let (y, m, d) = civil_from_days(days);
        match self.kind {
            BucketKind::Hour => {
                let h = hour_of_day(self.start);
                write!(f, "{y:04}-{m:02}-{d:02}T{h:02}:00Z")
            }
            BucketKind::Day => write!(f, "{y:04}-{m:02}-{d:02}"),
            BucketKind::Week => {
                let (wy, w) = iso_week(days);
                write!(f, "{wy:04}-W{w:02}")
            }
            BucketKind::Month => write!(f, "{y:04}-{m:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::time::parse_rfc3339;

    fn label(kind: BucketKind, ts: &str) -> String {
        let t = parse_rfc3339(ts).unwrap();
        kind.label(kind.start(t)).to_string()
    }

    #[test]
    fn labels() {
        assert_eq!(
            label(BucketKind::Hour, "2026-11-23T14:59:59.9Z"),
            "2026-11-23T14:00Z"
        );
        assert_eq!(label(BucketKind::Day, "2026-11-23T23:59:59Z"), "2026-11-23");
        assert_eq!(label(BucketKind::Week, "2026-11-23T00:00:00Z"), "2026-W48");
        assert_eq!(label(BucketKind::Week, "2026-11-22T23:00:00Z"), "2026-W47");
        assert_eq!(label(BucketKind::Month, "2026-11-30T23:00:00Z"), "2026-11");
        // ISO years differ from calendar years at the edges.
        assert_eq!(label(BucketKind::Week, "2027-01-01T00:00:00Z"), "2026-W53");
        assert_eq!(label(BucketKind::Week, "2024-12-30T00:00:00Z"), "2025-W01");
        assert_eq!(label(BucketKind::Day, "1969-12-31T23:00:00Z"), "1969-12-31");
    }

    #[test]
    fn week_parse_round_trip() {
        for w in ["2026-W47", "2026-W01", "2026-W53", "2025-W01"] {
            let start = parse_iso_week(w).unwrap();
            assert_eq!(BucketKind::Week.label(start).to_string(), w);
        }
        assert_eq!(parse_iso_week("2025-W53"), None);
        assert_eq!(parse_iso_week("junk"), None);
    }

    #[test]
    fn next_month_and_week() {
        let t = parse_rfc3339("2026-12-15T00:00:00Z").unwrap();
        let s = BucketKind::Month.start(t);
        assert_eq!(
            BucketKind::Month
                .label(BucketKind::Month.next(s))
                .to_string(),
            "2027-01"
        );
        let w = BucketKind::Week.start(t);
        assert_eq!(BucketKind::Week.next(w) - w, 7 * DAY_SECS);
    }
}
