//! Timestamps: RFC 3339 strings with any offset, or epoch numbers in s/ms/µs/ns (told apart by
//! magnitude), all turned into microseconds since the Unix epoch, UTC.

/// Microseconds per second.
pub const MICROS: i64 = 1_000_000;
/// Seconds per day (UTC days have no leap seconds here, as in every log tool).
pub const DAY_SECS: i64 = 86_400;

/// An instant: microseconds since the Unix epoch, UTC. Every timestamp a record carries is one;
/// seconds appear only where a bucket start or a label needs them ([`Micros::secs`]), and the
/// calendar arithmetic on them lives in `bucket.rs` and this file.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Micros(pub i64);

impl Micros {
    /// The instant `secs` seconds after the epoch (saturating far outside the calendar).
    pub const fn from_secs(secs: i64) -> Micros {
        Micros(secs.saturating_mul(MICROS))
    }

    /// The instant `ns` nanoseconds after the epoch, rounded down to the microsecond.
    pub const fn from_nanos(ns: i64) -> Micros {
        Micros(ns.div_euclid(1000))
    }

    /// Nanoseconds since the epoch (saturating), for formats that count in them.
    pub const fn nanos(self) -> i64 {
        self.0.saturating_mul(1000)
    }

    /// Whole seconds since the epoch, rounded down (also before 1970).
    pub const fn secs(self) -> i64 {
        self.0.div_euclid(MICROS)
    }

    /// The UTC day (days since 1970-01-01) holding this instant.
    pub const fn day(self) -> i64 {
        self.secs().div_euclid(DAY_SECS)
    }

    /// Seconds since the start of this instant's UTC day.
    pub const fn second_of_day(self) -> i64 {
        self.secs().rem_euclid(DAY_SECS)
    }

    /// RFC 3339 UTC, with milliseconds or microseconds only when non-zero.
    pub fn rfc3339(self) -> String {
        format_rfc3339(self)
    }

    /// The current time (the epoch on a clock set before it).
    pub fn now() -> Micros {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(Micros(0), |d| Micros(d.as_micros() as i64))
    }

    /// Milliseconds from `earlier` to this instant (a latency from start and end times).
    pub fn ms_since(self, earlier: Micros) -> f64 {
        (self.0 - earlier.0) as f64 / 1000.0
    }

    /// Days (with their fraction) from `earlier` to this instant.
    pub fn days_since(self, earlier: Micros) -> f64 {
        (self.0 - earlier.0) as f64 / (DAY_SECS * MICROS) as f64
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn num(b: &[u8], range: std::ops::Range<usize>) -> Option<u32> {
    let s = b.get(range)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

/// Parses an RFC 3339 date-time (`2026-11-23T14:05:09.123+02:00`, `Z`, a space instead of `T`,
/// no offset meaning UTC) or a bare date (`2026-11-23`, midnight UTC) into epoch microseconds.
pub fn parse_rfc3339(s: &str) -> Option<Micros> {
    let b = s.trim().as_bytes();
    let year = num(b, 0..4)? as i64;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = num(b, 5..7)?;
    let day = num(b, 8..10)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Some(Micros::from_secs(days * DAY_SECS));
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(13) != Some(&b':') {
        return None;
    }
    let hour = num(b, 11..13)?;
    let minute = num(b, 14..16)?;
    let (second, mut i) = if b.get(16) == Some(&b':') {
        (num(b, 17..19)?, 19)
    } else {
        (0, 16)
    };
    // Leap seconds (":60") are folded onto the next second's start, as most tools do.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut micros: i64 = 0;
    if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
        i += 1;
        let start = i;
        let mut scale = 100_000i64;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            micros += (c - b'0') as i64 * scale;
            scale /= 10;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_secs: i64 = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let oh = num(b, i + 1..i + 3)? as i64;
            let om = match (b.get(i + 3), b.len() - i) {
                (Some(b':'), 6) => num(b, i + 4..i + 6)? as i64,
                (_, 5) => num(b, i + 3..i + 5)? as i64,
                (None, 3) => 0,
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let off = oh * 3600 + om * 60;
            if sign == b'+' {
                off
            } else {
                -off
            }
        }
        _ => return None,
    };
    let secs =
        days * DAY_SECS + hour as i64 * 3600 + minute as i64 * 60 + second as i64 - offset_secs;
    Some(Micros(secs * MICROS + micros))
}

/// Interprets an epoch number by magnitude: below 1e11 seconds, below 1e14 milliseconds, below
/// 1e17 microseconds, else nanoseconds (so any date 1973–5138 reads right in every unit).
pub fn from_epoch(v: f64) -> Option<Micros> {
    if !v.is_finite() {
        return None;
    }
    let a = v.abs();
    let micros = if a < 1e11 {
        v * 1e6
    } else if a < 1e14 {
        v * 1e3
    } else if a < 1e17 {
        v
    } else {
        v / 1e3
    };
    if micros.abs() > 9.2e18 {
        return None;
    }
    Some(Micros(micros.round() as i64))
}

/// Parses an integer epoch exactly (no float rounding for nanosecond values).
pub fn from_epoch_int(v: i64) -> Micros {
    let a = v.unsigned_abs();
    Micros(if a < 100_000_000_000 {
        v.saturating_mul(MICROS)
    } else if a < 100_000_000_000_000 {
        v.saturating_mul(1000)
    } else if a < 100_000_000_000_000_000 {
        v
    } else {
        v / 1000
    })
}

/// Formats epoch microseconds as RFC 3339 UTC with millisecond precision when non-zero.
pub fn format_rfc3339(at: Micros) -> String {
    let sub = at.0.rem_euclid(MICROS);
    let days = at.day();
    let sod = at.second_of_day();
    let (y, m, d) = civil_from_days(days);
    let base = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    );
    if sub == 0 {
        format!("{base}Z")
    } else if sub % 1000 == 0 {
        format!("{base}.{:03}Z", sub / 1000)
    } else {
        format!("{base}.{sub:06}Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_forms() {
        let base = parse_rfc3339("2026-11-23T14:05:09Z").unwrap();
        assert_eq!(base, Micros::from_secs(1_795_442_709));
        assert_eq!(parse_rfc3339("2026-11-23T16:05:09+02:00"), Some(base));
        assert_eq!(parse_rfc3339("2026-11-23T09:05:09-0500"), Some(base));
        assert_eq!(parse_rfc3339("2026-11-23 14:05:09"), Some(base));
        assert_eq!(
            parse_rfc3339("2026-11-23t14:05:09.5z"),
            Some(Micros(base.0 + 500_000))
        );
        assert_eq!(
            parse_rfc3339("2026-11-23T14:05:09.123456789Z"),
            Some(Micros(base.0 + 123_456))
        );
        assert_eq!(
            parse_rfc3339("2026-11-23"),
            Some(Micros::from_secs(1_795_392_000))
        );
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "2026-11-23T25:00:00Z",
            "yesterday",
            "2026-11-23T14:05:09Zjunk",
            "",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert!(parse_rfc3339("2024-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn epoch_magnitudes() {
        let s = 1_795_442_709i64;
        assert_eq!(from_epoch_int(s), Micros::from_secs(s));
        assert_eq!(from_epoch_int(s * 1000), Micros::from_secs(s));
        assert_eq!(from_epoch_int(s * 1_000_000), Micros::from_secs(s));
        assert_eq!(from_epoch_int(s * 1_000_000_000), Micros::from_secs(s));
        assert_eq!(
            from_epoch(1_795_442_709.25),
            Some(Micros(s * MICROS + 250_000))
        );
        assert_eq!(from_epoch(f64::NAN), None);
    }

    #[test]
    fn civil_round_trip() {
        for days in [-1000, 0, 1, 20_000, 20_415, 100_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(
            format_rfc3339(Micros(1_795_442_709 * MICROS + 123_000)),
            "2026-11-23T14:05:09.123Z"
        );
    }
}
