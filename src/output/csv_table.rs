//! A plain table of already-formatted cells and its CSV rendering, plus the number formats the
//! contract asks for: plain decimals, no thousands separators, no exponent.

/// A header and rows of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Table {
        Table {
            columns: columns.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// RFC 4180 CSV with a header row and `\n` line ends.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        // Writing into a Vec cannot fail.
        let _ = w.write_record(&self.columns);
        for r in &self.rows {
            let _ = w.write_record(r);
        }
        w.into_inner().unwrap_or_default()
    }
}

/// Significant digits a float keeps in a table: more than any logged cost, latency or rate
/// holds, fewer than the 15–17 where the noise of summing floats shows (`12553.899999999918`
/// prints as `12553.9`).
pub const SIGNIFICANT_DIGITS: usize = 12;

/// Formats a float as a plain decimal: rounded to `SIGNIFICANT_DIGITS` significant digits, then
/// the shortest form that reads back as that rounded value (Rust's `Display` for `f64`, which
/// never uses an exponent).
pub fn fmt_f64(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let rounded: f64 = format!("{:.*e}", SIGNIFICANT_DIGITS - 1, x)
        .parse()
        .unwrap_or(x);
    if rounded == 0.0 {
        return "0".into();
    }
    format!("{rounded}")
}

/// Rounds `x` to `decimals` places (0 to 12) for reading, hiding float noise from sums: the one
/// rounding helper every table uses.
pub fn round_to(x: f64, decimals: usize) -> f64 {
    const SCALE: [f64; 13] = [
        1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
    ];
    let s = SCALE[decimals.min(12)];
    (x * s).round() / s
}

/// An optional float; empty when absent.
pub fn fmt_opt(x: Option<f64>) -> String {
    x.map(fmt_f64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals() {
        assert_eq!(fmt_f64(1e21), "1000000000000000000000");
        assert_eq!(fmt_f64(1.5e-7), "0.00000015");
        assert_eq!(fmt_f64(-0.0), "0");
        assert_eq!(fmt_f64(f64::NAN), "");
        assert_eq!(fmt_opt(None), "");
    }

    #[test]
    fn float_noise_is_rounded_away() {
        assert_eq!(fmt_f64(12553.899999999918), "12553.9");
        assert_eq!(fmt_f64(0.000006259999999999999), "0.00000626");
        assert_eq!(fmt_f64(0.1 + 0.2), "0.3");
        assert_eq!(fmt_f64(1973.6263930000002), "1973.626393");
        assert_eq!(fmt_f64(-0.017857142857142856), "-0.0178571428571");
        assert_eq!(fmt_f64(123456789012345.0), "123456789012000");
    }

    proptest::proptest! {
        /// The printed text reads back within 12 significant digits of the value, has no
        /// exponent, and printing what was read gives the same text (a fixed point).
        #[test]
        fn printed_floats_round_trip(x in -1e15f64..1e15) {
            let text = fmt_f64(x);
            proptest::prop_assert!(!text.contains('e'));
            let back: f64 = text.parse().unwrap();
            proptest::prop_assert!((back - x).abs() <= x.abs() * 1e-11 + f64::MIN_POSITIVE);
            proptest::prop_assert_eq!(fmt_f64(back), text);
        }
    }

    #[test]
    fn quoting() {
        let mut t = Table::new(["a", "b"]);
        t.push(vec!["x,y".into(), "say \"hi\"\nthere".into()]);
        assert_eq!(
            String::from_utf8(t.to_csv()).unwrap(),
            "a,b\n\"x,y\",\"say \"\"hi\"\"\nthere\"\n"
        );
    }
}
