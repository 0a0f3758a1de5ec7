//! Calendar arithmetic and timestamp spelling (RFC 3339 variants) without a date crate.

/// Returns the number of days from 1970-01-01 to the given proleptic Gregorian date.
pub(crate) const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    // Howard Hinnant's algorithm: shift the year to start in March so leap days come last.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Returns `(year, month, day)` for a count of days since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Returns the ISO weekday (0 = Monday … 6 = Sunday) of a count of days since 1970-01-01.
pub(crate) fn weekday(days: i64) -> u32 {
    // 1970-01-01 was a Thursday, i.e. ISO index 3.
    (days + 3).rem_euclid(7) as u32
}

/// How a timestamp is spelled in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TsStyle {
    /// `2026-11-23T14:05:09.123Z`, the house style.
    Millis,
    /// `2026-11-23T14:05:09Z`.
    Seconds,
    /// `2026-11-23T14:05:09.123456Z`.
    Micros,
    /// Local time with a numeric offset in minutes, e.g. `2026-11-23T16:05:09.123+02:00`.
    Offset(i32),
    /// A JSON number of milliseconds since the epoch.
    EpochMillis,
}

fn push2(out: &mut String, v: u32) {
    out.push(char::from(b'0' + (v / 10) as u8));
    out.push(char::from(b'0' + (v % 10) as u8));
}

fn push_padded(out: &mut String, v: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut n = v;
    let mut i = 20;
    while n > 0 || i == 20 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    for _ in (20 - i)..width {
        out.push('0');
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// Appends the date `YYYY-MM-DD` for days since the epoch.
pub(crate) fn push_date(out: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    push_padded(out, y.max(0) as u64, 4);
    out.push('-');
    push2(out, m);
    out.push('-');
    push2(out, d);
}

/// Appends the timestamp `ms` (epoch milliseconds) spelled in `style`.
///
/// `micros` supplies the extra sub-millisecond digits for [`TsStyle::Micros`]. Epoch-number
/// styles append bare digits, so the caller must not quote them.
pub(crate) fn push_ts(out: &mut String, ms: i64, style: TsStyle, micros: u32) {
    let shifted = match style {
        TsStyle::EpochMillis => {
            push_padded(out, ms.max(0) as u64, 1);
            return;
        }
        TsStyle::Offset(off) => ms + i64::from(off) * 60_000,
        _ => ms,
    };
    let days = shifted.div_euclid(86_400_000);
    let in_day = shifted.rem_euclid(86_400_000) as u32;
    push_date(out, days);
    out.push('T');
    push2(out, in_day / 3_600_000);
    out.push(':');
    push2(out, in_day / 60_000 % 60);
    out.push(':');
    push2(out, in_day / 1000 % 60);
    let millis = in_day % 1000;
    match style {
        TsStyle::Seconds => out.push('Z'),
        TsStyle::Millis => {
            out.push('.');
            push_padded(out, u64::from(millis), 3);
            out.push('Z');
        }
        TsStyle::Micros => {
            out.push('.');
            push_padded(out, u64::from(millis) * 1000 + u64::from(micros % 1000), 6);
            out.push('Z');
        }
        TsStyle::Offset(off) => {
            out.push('.');
            push_padded(out, u64::from(millis), 3);
            out.push(if off < 0 { '-' } else { '+' });
            let a = off.unsigned_abs();
            push2(out, a / 60);
            out.push(':');
            push2(out, a % 60);
        }
        TsStyle::EpochMillis => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [-1000i64, 0, 59, 60, 11_016, 20_752, 40_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(2026, 10, 26), 20_752);
        assert_eq!(weekday(20_752), 0, "2026-10-26 is a Monday");
    }

    #[test]
    fn spellings() {
        let ms = days_from_civil(2026, 11, 23) * 86_400_000 + (14 * 3600 + 5 * 60 + 9) * 1000 + 123;
        let spell = |style, micros| {
            let mut s = String::new();
            push_ts(&mut s, ms, style, micros);
            s
        };
        assert_eq!(spell(TsStyle::Millis, 0), "2026-11-23T14:05:09.123Z");
        assert_eq!(spell(TsStyle::Seconds, 0), "2026-11-23T14:05:09Z");
        assert_eq!(spell(TsStyle::Micros, 456), "2026-11-23T14:05:09.123456Z");
        assert_eq!(
            spell(TsStyle::Offset(120), 0),
            "2026-11-23T16:05:09.123+02:00"
        );
        assert_eq!(
            spell(TsStyle::Offset(-300), 0),
            "2026-11-23T09:05:09.123-05:00"
        );
        assert_eq!(spell(TsStyle::EpochMillis, 0), ms.to_string());
    }
}
