//! The one table model: typed columns and cells, defined once and written by exporters (CSV
//! here; Markdown and HTML in `report::markup`), plus the number formats the contract asks
//! for: plain decimals, no thousands separators, no exponent.

/// What a column holds. CSV always writes the plain value; an exporter for people formats by
/// kind (thousands separators, percentages, units) and right-aligns the numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text, written as it is (escaped by each markup).
    Text,
    /// A count.
    Integer,
    /// A plain number.
    Float,
    /// A fraction of 1 (`0.25`), shown to people as a percentage (`25.0%`).
    Percent,
    /// US dollars.
    Money,
    /// Milliseconds.
    Ms,
}

impl Kind {
    /// True for the kinds whose values are numbers (right-aligned on pages).
    pub fn is_numeric(self) -> bool {
        self != Kind::Text
    }
}

/// How a page shows a column's cells beyond what their kind says; CSV and Markdown write the
/// plain text whatever the look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Look {
    #[default]
    Plain,
    /// An identifier set as code that also names its row, so an in-page link (`#C1a2b3c`)
    /// reaches it.
    Anchor,
    /// A badge coloured by its value (`new`, `growing`, …).
    Badge,
    /// Emphasised.
    Strong,
    /// Long text, set smaller.
    Excerpt,
}

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value: an empty CSV field, a blank cell.
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    /// Text that pages may link to `href` (an in-page anchor such as `#owner-ml`); CSV and
    /// Markdown write the text.
    Link {
        text: String,
        href: String,
    },
    /// A change between two counts: CSV writes the difference, pages also its relative size
    /// (`+12 (+12%)`).
    Change {
        current: u64,
        previous: u64,
    },
    /// A change between two rates: CSV writes the difference (empty when either is unknown),
    /// pages percentage points (`+0.40 pts`).
    RateChange {
        current: Option<f64>,
        previous: Option<f64>,
    },
}

impl Cell {
    /// A float, or an empty cell when absent.
    pub fn opt(x: Option<f64>) -> Cell {
        x.map_or(Cell::Empty, Cell::Float)
    }

    /// A count.
    pub fn count(n: u64) -> Cell {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// The plain text CSV holds: integers as they are, floats by [`fmt_f64`], changes as the
    /// signed difference.
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Link { text: s, .. } => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Float(x) => fmt_f64(*x),
            Cell::Change { current, previous } => (*current as i64 - *previous as i64).to_string(),
            Cell::RateChange { current, previous } => {
                fmt_opt(current.zip(*previous).map(|(a, b)| a - b))
            }
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

/// A column: its name (the CSV header), what it holds and how pages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    pub look: Look,
}

/// One column of a table definition: its name, its kind and how to read its value from a row
/// of type `T`. A table defined as a list of these pairs every header with its value by
/// construction.
pub struct Def<'a, T> {
    pub name: &'a str,
    pub kind: Kind,
    pub look: Look,
    pub get: Box<dyn Fn(&T) -> Cell + 'a>,
}

impl<T> Def<'_, T> {
    /// The same column shown with `look` on pages.
    pub fn look(mut self, look: Look) -> Self {
        self.look = look;
        self
    }
}

/// A column definition: `def("size", Kind::Integer, |c: &Cluster| Cell::count(c.size))`.
pub fn def<'a, T>(name: &'a str, kind: Kind, get: impl Fn(&T) -> Cell + 'a) -> Def<'a, T> {
    Def {
        name,
        kind,
        look: Look::Plain,
        get: Box::new(get),
    }
}

/// A header of typed columns and rows of cells, each row as long as the header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table of text columns, for tables whose cells are formatted by their writer.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Table {
        Table::typed(columns.into_iter().map(|name| Column {
            name: name.into(),
            kind: Kind::Text,
            look: Look::Plain,
        }))
    }

    /// A table of typed columns.
    pub fn typed(columns: impl IntoIterator<Item = Column>) -> Table {
        Table {
            columns: columns.into_iter().collect(),
            rows: Vec::new(),
        }
    }

    /// A table with one row per item of `items`, each column read by its definition.
    pub fn build<'b, T: 'b>(defs: &[Def<'_, T>], items: impl IntoIterator<Item = &'b T>) -> Table {
        let mut t = Table::typed(defs.iter().map(|d| Column {
            name: d.name.to_string(),
            kind: d.kind,
            look: d.look,
        }));
        for item in items {
            t.rows.push(defs.iter().map(|d| (d.get)(item)).collect());
        }
        t
    }

    /// Appends a row of text cells.
    ///
    /// # Panics
    /// When the row's length differs from the header's: a programming error that would
    /// shift every later column.
    pub fn push(&mut self, row: Vec<String>) {
        self.push_cells(row.into_iter().map(Cell::Text).collect());
    }

    /// Appends a row of cells.
    ///
    /// # Panics
    /// When the row's length differs from the header's.
    pub fn push_cells(&mut self, row: Vec<Cell>) {
        assert_eq!(
            row.len(),
            self.columns.len(),
            "a table row must have one cell per column"
        );
        self.rows.push(row);
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn rows(&self) -> &[Vec<Cell>] {
        &self.rows
    }

    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// A view for people: the rows `keep` accepts, with the columns `picks` names (source
    /// column, new title) in that order. The cells are the same values, so every rendering
    /// of a table reads one definition.
    ///
    /// # Panics
    /// When a pick names no column of this table.
    pub fn view(&self, picks: &[(&str, &str)], keep: impl Fn(&RowRef<'_>) -> bool) -> Table {
        let index: Vec<usize> = picks
            .iter()
            .map(|(name, _)| {
                self.column(name)
                    .unwrap_or_else(|| panic!("no column `{name}` to view"))
            })
            .collect();
        let mut t = Table::typed(index.iter().zip(picks).map(|(&i, (_, title))| Column {
            name: title.to_string(),
            kind: self.columns[i].kind,
            look: self.columns[i].look,
        }));
        for cells in &self.rows {
            if keep(&RowRef { table: self, cells }) {
                t.rows
                    .push(index.iter().map(|&i| cells[i].clone()).collect());
            }
        }
        t
    }

    /// The same table with the cells of column `name` replaced by `f` of them.
    pub fn map_column(mut self, name: &str, f: impl Fn(&Cell) -> Cell) -> Table {
        if let Some(i) = self.column(name) {
            for r in &mut self.rows {
                r[i] = f(&r[i]);
            }
        }
        self
    }

    /// The same table with the columns `first` and `second` shown as one text column titled
    /// `title` in the place of `first`, each cell their plain texts joined by `sep` (a page's
    /// `Category · owner`).
    ///
    /// # Panics
    /// When either column is missing.
    pub fn join_columns(mut self, first: &str, second: &str, title: &str, sep: &str) -> Table {
        let (Some(a), Some(b)) = (self.column(first), self.column(second)) else {
            panic!("no columns `{first}` and `{second}` to join");
        };
        self.columns[a].name = title.to_string();
        self.columns[a].kind = Kind::Text;
        self.columns.remove(b);
        for r in &mut self.rows {
            r[a] = Cell::Text(format!("{}{sep}{}", r[a].plain(), r[b].plain()));
            r.remove(b);
        }
        self
    }

    /// The same table with only its first `n` rows.
    pub fn head(mut self, n: usize) -> Table {
        self.rows.truncate(n);
        self
    }

    /// RFC 4180 CSV with a header row and `\n` line ends.
    pub fn to_csv(&self) -> Vec<u8> {
        Csv.export(self)
    }
}

/// One row of a table, read by column name.
pub struct RowRef<'t> {
    table: &'t Table,
    cells: &'t [Cell],
}

impl RowRef<'_> {
    /// The cell of column `name` (empty when there is no such column).
    pub fn get(&self, name: &str) -> &Cell {
        self.table
            .column(name)
            .map_or(&Cell::Empty, |i| &self.cells[i])
    }

    /// The text of column `name` (empty unless it is a text cell).
    pub fn text(&self, name: &str) -> &str {
        match self.get(name) {
            Cell::Text(s) | Cell::Link { text: s, .. } => s,
            _ => "",
        }
    }
}

/// Writes a whole table in one format (after hyperfine's `export::Exporter`).
pub trait Exporter {
    fn export(&self, table: &Table) -> Vec<u8>;
}

/// RFC 4180 CSV of the plain values.
pub struct Csv;

impl Exporter for Csv {
    fn export(&self, table: &Table) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        // Writing into a Vec cannot fail.
        let _ = w.write_record(table.columns.iter().map(|c| &c.name));
        for r in &table.rows {
            let _ = w.write_record(r.iter().map(Cell::plain));
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
    fn typed_tables_write_plain_csv() {
        struct Row {
            name: &'static str,
            n: u64,
            prev: u64,
            rate: Option<f64>,
        }
        let defs = [
            def("name", Kind::Text, |r: &Row| r.name.into()),
            def("n", Kind::Integer, |r: &Row| Cell::count(r.n)),
            def("change", Kind::Integer, |r: &Row| Cell::Change {
                current: r.n,
                previous: r.prev,
            }),
            def("rate", Kind::Percent, |r: &Row| Cell::opt(r.rate)),
            def("rate_change", Kind::Percent, |r: &Row| Cell::RateChange {
                current: r.rate,
                previous: Some(0.1),
            }),
        ];
        let rows = [
            Row {
                name: "a",
                n: 3,
                prev: 5,
                rate: Some(0.1 + 0.2),
            },
            Row {
                name: "b,c",
                n: 0,
                prev: 0,
                rate: None,
            },
        ];
        let t = Table::build(&defs, &rows);
        assert_eq!(t.column("rate"), Some(3));
        assert_eq!(t.columns()[1].kind, Kind::Integer);
        assert_eq!(
            String::from_utf8(t.to_csv()).unwrap(),
            "name,n,change,rate,rate_change\na,3,-2,0.3,0.2\n\"b,c\",0,0,,\n"
        );
    }

    #[test]
    #[should_panic(expected = "one cell per column")]
    fn a_short_row_is_refused() {
        Table::new(["a", "b"]).push(vec!["x".into()]);
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
