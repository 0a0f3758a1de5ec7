//! SQL functions polars SQL lacks but queries written for DuckDB, Spark or Trino use every day,
//! registered with the SQL context: `date_trunc(unit, ts)`.

use crate::bucket::BucketKind;
use crate::record::time::{civil_from_days, days_from_civil, Micros, DAY_SECS, MICROS};
use polars::prelude::*;
use polars::sql::{FunctionOptions, FunctionRegistry};

/// The extra functions, looked up by polars SQL when a name is not one of its own.
pub struct ExtraFunctions;

impl FunctionRegistry for ExtraFunctions {
    fn register(&mut self, name: &str, _fun: UserDefinedFunction) -> PolarsResult<()> {
        polars_bail!(ComputeError: "cannot register SQL function `{name}`")
    }

    fn get_udf(&self, name: &str) -> PolarsResult<Option<UserDefinedFunction>> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "date_trunc" => {
                let mut udf = UserDefinedFunction::new(
                    "date_trunc".into(),
                    BaseColumnUdf::new(date_trunc, date_trunc_field),
                );
                udf.options = FunctionOptions::elementwise();
                Some(udf)
            }
            _ => None,
        })
    }

    fn contains(&self, name: &str) -> bool {
        name.eq_ignore_ascii_case("date_trunc")
    }
}

/// A truncation unit of `date_trunc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TruncUnit {
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    /// ISO week: back to Monday.
    Week,
    Month,
    Quarter,
    Year,
}

impl TruncUnit {
    fn parse(s: &str) -> Option<TruncUnit> {
        let s = s.trim().to_ascii_lowercase();
        Some(match s.strip_suffix('s').unwrap_or(&s) {
            "millisecond" | "ms" => TruncUnit::Millisecond,
            "second" => TruncUnit::Second,
            "minute" => TruncUnit::Minute,
            "hour" => TruncUnit::Hour,
            "day" => TruncUnit::Day,
            "week" => TruncUnit::Week,
            "month" => TruncUnit::Month,
            "quarter" => TruncUnit::Quarter,
            "year" => TruncUnit::Year,
            _ => return None,
        })
    }

    /// The start of the unit holding `t` (epoch microseconds, UTC).
    fn truncate(self, t: i64) -> i64 {
        let at = Micros(t);
        let floor = |width: i64| t - t.rem_euclid(width);
        let bucket = |kind: BucketKind| Micros::from_secs(kind.start(at)).0;
        let day = |days: i64| Micros::from_secs(days * DAY_SECS).0;
        let (y, m, _) = civil_from_days(at.day());
        match self {
            TruncUnit::Millisecond => floor(1000),
            TruncUnit::Second => floor(MICROS),
            TruncUnit::Minute => floor(60 * MICROS),
            TruncUnit::Hour => bucket(BucketKind::Hour),
            TruncUnit::Day => bucket(BucketKind::Day),
            TruncUnit::Week => bucket(BucketKind::Week),
            TruncUnit::Month => bucket(BucketKind::Month),
            TruncUnit::Quarter => day(days_from_civil(y, (m - 1) / 3 * 3 + 1, 1)),
            TruncUnit::Year => day(days_from_civil(y, 1, 1)),
        }
    }
}

const MICROSECONDS: DataType = DataType::Datetime(TimeUnit::Microseconds, None);

/// `date_trunc(unit, ts)`: `ts` (a timestamp or date) truncated to the start of its `unit`
/// (millisecond … year; `week` starts on Monday), as a timestamp, like DuckDB and PostgreSQL.
fn date_trunc(args: &mut [Column]) -> PolarsResult<Column> {
    polars_ensure!(args.len() == 2, SQLSyntax: "date_trunc expects 2 arguments: a unit such as 'day' and a timestamp");
    let name = args[0].name().clone();
    let units = args[0].cast(&DataType::String)?;
    let Some(unit_text) = units.str()?.iter().flatten().next().map(str::to_string) else {
        // No unit to read (no rows, or only nulls): every result is null.
        return Ok(Column::full_null(name, args[1].len(), &MICROSECONDS));
    };
    let unit = TruncUnit::parse(&unit_text).ok_or_else(|| {
        polars_err!(SQLSyntax: "date_trunc: unknown unit '{unit_text}' (millisecond, second, minute, hour, day, week, month, quarter, year)")
    })?;
    polars_ensure!(
        units.str()?.iter().flatten().all(|u| u == unit_text),
        SQLSyntax: "date_trunc: the unit must be a constant such as 'day'"
    );
    let ts = args[1].cast(&MICROSECONDS)?;
    let truncated = ts.datetime()?.physical().apply_values(|t| unit.truncate(t));
    Ok(truncated
        .into_datetime(TimeUnit::Microseconds, None)
        .into_series()
        .with_name(name)
        .into_column())
}

/// The output field of `date_trunc`: a microsecond timestamp, named like the call's first input
/// (as polars names every function's result).
fn date_trunc_field(_schema: &Schema, fields: &[Field]) -> PolarsResult<Field> {
    let name = fields.first().map(|f| f.name().clone()).unwrap_or_default();
    Ok(Field::new(name, MICROSECONDS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::time::parse_rfc3339;

    fn at(s: &str) -> i64 {
        parse_rfc3339(s).unwrap().0
    }

    #[test]
    fn units_truncate_like_duckdb() {
        let t = at("2026-11-26T14:35:07.123456Z");
        let cases = [
            ("millisecond", "2026-11-26T14:35:07.123Z"),
            ("second", "2026-11-26T14:35:07Z"),
            ("minutes", "2026-11-26T14:35:00Z"),
            ("HOUR", "2026-11-26T14:00:00Z"),
            ("day", "2026-11-26T00:00:00Z"),
            ("week", "2026-11-23T00:00:00Z"),
            ("month", "2026-11-01T00:00:00Z"),
            ("quarter", "2026-10-01T00:00:00Z"),
            ("year", "2026-01-01T00:00:00Z"),
        ];
        for (unit, want) in cases {
            assert_eq!(
                TruncUnit::parse(unit).unwrap().truncate(t),
                at(want),
                "{unit}"
            );
        }
        assert_eq!(TruncUnit::parse("fortnight"), None);
        // Before 1970 the floor still goes down, not toward zero.
        assert_eq!(
            TruncUnit::Day.truncate(at("1969-12-31T23:00:00Z")),
            at("1969-12-31T00:00:00Z")
        );
    }
}
