//! Writers for query results and exports: CSV with plain decimals and RFC 3339 UTC timestamps,
//! JSON (an array, or one object per line; see `json`), and Parquet.

use polars::prelude::*;
use std::io::Write;

/// How timestamps are written in CSV and JSON: RFC 3339, UTC, fraction only when non-zero.
pub const DATETIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.fZ";

/// The file formats a table can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// RFC 4180 CSV with a header row.
    Csv,
    /// One JSON array of row objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// Apache Parquet (zstd-compressed).
    Parquet,
}

impl TableFormat {
    pub const ALL: [TableFormat; 4] = [
        TableFormat::Csv,
        TableFormat::Json,
        TableFormat::Ndjson,
        TableFormat::Parquet,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Json => "json",
            TableFormat::Ndjson => "ndjson",
            TableFormat::Parquet => "parquet",
        }
    }

    pub fn parse(s: &str) -> Option<TableFormat> {
        TableFormat::ALL.into_iter().find(|f| f.name() == s)
    }

    /// True for binary formats that should not be written to a terminal.
    pub fn is_binary(self) -> bool {
        self == TableFormat::Parquet
    }
}

/// Writes `df` to `out` in `format`.
pub fn write_table<W: Write>(df: &mut DataFrame, format: TableFormat, out: W) -> PolarsResult<()> {
    if format != TableFormat::Parquet {
        *df = finite_or_null(df)?;
    }
    match format {
        TableFormat::Csv => {
            if let Some((name, dtype)) = df.schema().iter().find(|(_, t)| t.is_nested()) {
                polars_bail!(InvalidOperation:
                    "column `{name}` is a {dtype}, which CSV cannot hold; use --output-format json or ndjson, or turn it into text (e.g. array_to_string(...))");
            }
            CsvWriter::new(out)
                .include_header(true)
                .with_float_scientific(Some(false))
                .with_datetime_format(Some(DATETIME_FORMAT.into()))
                .with_line_terminator("\n".into())
                .finish(df)
        }
        TableFormat::Json | TableFormat::Ndjson => {
            super::json::write_json(df, format == TableFormat::Ndjson, out)
        }
        TableFormat::Parquet => ParquetWriter::new(out)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)
            .map(drop),
    }
}

/// `df` with infinite and NaN floats (e.g. from a division by zero) replaced by nulls, since
/// they are not numbers a CSV or JSON reader accepts; DuckDB gives NULL there too.
fn finite_or_null(df: &DataFrame) -> PolarsResult<DataFrame> {
    let mut columns = Vec::with_capacity(df.width());
    for c in df.columns() {
        let column = match c.dtype() {
            DataType::Float64 => c
                .f64()?
                .apply(|v| v.filter(|x| x.is_finite()))
                .into_series()
                .into_column(),
            DataType::Float32 => c
                .f32()?
                .apply(|v| v.filter(|x| x.is_finite()))
                .into_series()
                .into_column(),
            _ => c.clone(),
        };
        columns.push(column);
    }
    DataFrame::new(df.height(), columns)
}

/// True when a polars error is a closed pipe on output (`| head`), which is a normal end.
pub fn is_broken_pipe(e: &PolarsError) -> bool {
    match e {
        PolarsError::IO { error, .. } => error.kind() == std::io::ErrorKind::BrokenPipe,
        PolarsError::Context { error, .. } => is_broken_pipe(error),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> DataFrame {
        let ts = Int64Chunked::from_vec(
            "ts".into(),
            vec![1_795_000_000_310_000, 1_795_000_000_000_000],
        )
        .into_datetime(TimeUnit::Microseconds, None);
        DataFrame::new(
            2,
            vec![
                ts.into_series().into_column(),
                Column::new("x".into(), [0.00000015, 1e21]),
                Column::new("s".into(), ["a,b", "c"]),
            ],
        )
        .unwrap()
    }

    #[test]
    fn csv_plain_decimals_and_rfc3339() {
        let mut out = Vec::new();
        write_table(&mut sample(), TableFormat::Csv, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ts,x,s\n2026-11-18T11:06:40.310Z,0.00000015,\"a,b\"\n2026-11-18T11:06:40Z,1000000000000000000000,c\n"
        );
    }

    #[test]
    fn json_and_ndjson() {
        let mut out = Vec::new();
        write_table(&mut sample(), TableFormat::Ndjson, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["ts"], "2026-11-18T11:06:40.310Z");
        assert_eq!(lines[0]["s"], "a,b");
        let mut out = Vec::new();
        write_table(&mut sample(), TableFormat::Json, &mut out).unwrap();
        let all: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(all.as_array().unwrap().len(), 2);
        assert_eq!(all[1]["x"].as_f64(), Some(1e21));
    }

    #[test]
    fn parquet_round_trip() {
        let mut out = Vec::new();
        let mut df = sample();
        write_table(&mut df, TableFormat::Parquet, &mut out).unwrap();
        let back = ParquetReader::new(std::io::Cursor::new(out))
            .finish()
            .unwrap();
        assert!(back.equals(&df));
    }

    #[test]
    fn non_finite_floats_become_empty_and_nested_columns_are_refused() {
        let mut df = DataFrame::new(
            3,
            vec![Column::new("x".into(), [1.5, f64::INFINITY, f64::NAN])],
        )
        .unwrap();
        let mut out = Vec::new();
        write_table(&mut df, TableFormat::Csv, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "x\n1.5\n\n\n");
        let list = Series::new("l".into(), [1i64, 2]).implode().unwrap();
        let mut df = DataFrame::new(1, vec![list.into_series().into_column()]).unwrap();
        let e = write_table(&mut df, TableFormat::Csv, Vec::new()).unwrap_err();
        assert!(e.to_string().contains("--output-format json"), "{e}");
        write_table(&mut df, TableFormat::Json, Vec::new()).unwrap();
    }

    #[test]
    fn format_names() {
        for f in TableFormat::ALL {
            assert_eq!(TableFormat::parse(f.name()), Some(f));
        }
        assert_eq!(TableFormat::parse("xlsx"), None);
    }
}
