//! Tables for people: a [`Table`] written as a Markdown or an HTML table through one
//! [`MarkupExporter`] trait, with numbers formatted by column kind (after hyperfine's
//! `src/export/markup.rs`, where every markup is a small impl and the export is shared).

use super::{escape_html, fmt_change, fmt_count, fmt_pct, fmt_rate_change};
use crate::output::{Cell, Exporter, Kind, Look, Table};
use crate::report::review_md::escape_md;

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Which way a change went, for markups that can colour it (a rate that rose reads red).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Flat,
    Up,
    Down,
}

/// A cell formatted for people, not yet escaped.
#[derive(Debug, Clone, PartialEq)]
pub struct Formatted {
    pub text: String,
    pub align: Align,
    pub trend: Trend,
    /// Where the cell links to, for markups with links.
    pub link: Option<String>,
    /// How its column is shown, for markups that can show it.
    pub look: Look,
}

/// A table markup: how to write the header, one row and the end.
pub trait MarkupExporter {
    fn begin(&self, header: &[(&str, Align)]) -> String;
    fn row(&self, cells: &[Formatted]) -> String;
    fn end(&self) -> String;
}

/// The direction of a change cell; other cells are flat.
fn trend(cell: &Cell) -> Trend {
    match cell {
        Cell::RateChange {
            current: Some(a),
            previous: Some(b),
        } if *a > b + 1e-12 => Trend::Up,
        Cell::RateChange {
            current: Some(a),
            previous: Some(b),
        } if a + 1e-12 < *b => Trend::Down,
        _ => Trend::Flat,
    }
}

/// A cell as people read it: counts with thousands separators, fractions as percentages,
/// money in dollars, milliseconds with their unit, changes with their relative size.
pub fn human(cell: &Cell, kind: Kind) -> String {
    match (cell, kind) {
        (Cell::Empty, Kind::Text) => String::new(),
        (Cell::Empty, _) => "–".into(),
        (Cell::Text(s) | Cell::Link { text: s, .. }, _) => s.clone(),
        (Cell::Int(n), Kind::Percent) => fmt_pct(Some(*n as f64)),
        (Cell::Int(n), _) if *n >= 0 => fmt_count(*n as u64),
        (Cell::Int(n), _) => format!("−{}", fmt_count(n.unsigned_abs())),
        (Cell::Float(x), Kind::Percent) => fmt_pct(Some(*x)),
        (Cell::Float(x), Kind::Money) => format!("${x:.2}"),
        (Cell::Float(x), Kind::Ms) => format!("{} ms", fmt_count(x.max(0.0).round() as u64)),
        (Cell::Float(x), _) => super::svg::fmt_value(*x),
        (Cell::Change { current, previous }, _) => fmt_change(*current, *previous),
        (Cell::RateChange { current, previous }, _) => fmt_rate_change(*current, *previous),
    }
}

impl<T: MarkupExporter> Exporter for T {
    fn export(&self, table: &Table) -> Vec<u8> {
        let align = |k: Kind| {
            if k.is_numeric() {
                Align::Right
            } else {
                Align::Left
            }
        };
        let header: Vec<(&str, Align)> = table
            .columns()
            .iter()
            .map(|c| (c.name.as_str(), align(c.kind)))
            .collect();
        let mut out = self.begin(&header);
        for r in table.rows() {
            let cells: Vec<Formatted> = r
                .iter()
                .zip(table.columns())
                .map(|(cell, c)| Formatted {
                    text: human(cell, c.kind),
                    align: align(c.kind),
                    trend: trend(cell),
                    link: match cell {
                        Cell::Link { href, .. } => Some(href.clone()),
                        _ => None,
                    },
                    look: c.look,
                })
                .collect();
            out.push_str(&self.row(&cells));
        }
        out.push_str(&self.end());
        out.into_bytes()
    }
}

/// A GitHub-flavoured Markdown table (pipes escaped, numbers right-aligned).
pub struct Markdown;

impl MarkupExporter for Markdown {
    fn begin(&self, header: &[(&str, Align)]) -> String {
        let names: Vec<String> = header.iter().map(|(n, _)| escape_md(n)).collect();
        let rules: Vec<&str> = header
            .iter()
            .map(|(_, a)| match a {
                Align::Left => "---",
                Align::Right => "---:",
            })
            .collect();
        format!("| {} |\n|{}|\n", names.join(" | "), rules.join("|"))
    }

    fn row(&self, cells: &[Formatted]) -> String {
        let cells: Vec<String> = cells.iter().map(|c| escape_md(&c.text)).collect();
        format!("| {} |\n", cells.join(" | "))
    }

    fn end(&self) -> String {
        String::new()
    }
}

/// An HTML table in the page stylesheet's terms (`class="n"` right-aligns a number, `x` sets
/// an excerpt smaller, `badge b-VALUE` colours a status); a row with an anchor cell takes its
/// text as the row's `id`.
pub struct Html;

fn class(a: Align, t: Trend, look: Look) -> &'static str {
    match (a, t) {
        (Align::Left, _) if look == Look::Excerpt => " class=\"x\"",
        (Align::Left, _) => "",
        (Align::Right, Trend::Flat) => " class=\"n\"",
        (Align::Right, Trend::Up) => " class=\"n up\"",
        (Align::Right, Trend::Down) => " class=\"n down\"",
    }
}

impl MarkupExporter for Html {
    fn begin(&self, header: &[(&str, Align)]) -> String {
        let mut h = String::from("<table><thead><tr>");
        for (name, a) in header {
            h.push_str(&format!(
                "<th{}>{}</th>",
                class(*a, Trend::Flat, Look::Plain),
                escape_html(name)
            ));
        }
        h.push_str("</tr></thead><tbody>");
        h
    }

    fn row(&self, cells: &[Formatted]) -> String {
        let mut h = match cells.iter().find(|c| c.look == Look::Anchor) {
            Some(c) => format!("<tr id=\"{}\">", escape_html(&c.text)),
            None => String::from("<tr>"),
        };
        for c in cells {
            let text = escape_html(&c.text);
            let inner = match &c.link {
                Some(href) => format!("<a href=\"{}\">{text}</a>", escape_html(href)),
                None => text,
            };
            let inner = match c.look {
                Look::Plain | Look::Excerpt => inner,
                Look::Anchor => format!("<code>{inner}</code>"),
                Look::Badge => format!("<span class=\"badge b-{inner}\">{inner}</span>"),
                Look::Strong => format!("<b>{inner}</b>"),
            };
            h.push_str(&format!(
                "<td{}>{inner}</td>",
                class(c.align, c.trend, c.look)
            ));
        }
        h.push_str("</tr>");
        h
    }

    fn end(&self) -> String {
        "</tbody></table>".into()
    }
}

/// Writes `table` with `exporter` as text.
pub fn to_text(exporter: &impl Exporter, table: &Table) -> String {
    String::from_utf8(exporter.export(table)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{def, Cell, Kind, Look, Table};

    fn table() -> Table {
        let rows = [("a|b", 1234u64, 1000u64, Some(0.25)), ("<c>", 5, 0, None)];
        Table::build(
            &[
                def("Name", Kind::Text, |r: &(&str, u64, u64, Option<f64>)| {
                    r.0.into()
                }),
                def(
                    "Cases",
                    Kind::Integer,
                    |r: &(&str, u64, u64, Option<f64>)| Cell::count(r.1),
                ),
                def(
                    "Change",
                    Kind::Integer,
                    |r: &(&str, u64, u64, Option<f64>)| Cell::Change {
                        current: r.1,
                        previous: r.2,
                    },
                ),
                def(
                    "Rate",
                    Kind::Percent,
                    |r: &(&str, u64, u64, Option<f64>)| Cell::opt(r.3),
                ),
            ],
            &rows,
        )
    }

    #[test]
    fn one_table_three_markups() {
        let t = table();
        assert_eq!(
            to_text(&Markdown, &t),
            "| Name | Cases | Change | Rate |\n|---|---:|---:|---:|\n| a\\|b | 1,234 | +234 (+23%) | 25.0% |\n| &lt;c&gt; | 5 | +5 | – |\n"
        );
        assert_eq!(
            to_text(&Html, &t),
            "<table><thead><tr><th>Name</th><th class=\"n\">Cases</th><th class=\"n\">Change</th><th class=\"n\">Rate</th></tr></thead><tbody><tr><td>a|b</td><td class=\"n\">1,234</td><td class=\"n\">+234 (+23%)</td><td class=\"n\">25.0%</td></tr><tr><td>&lt;c&gt;</td><td class=\"n\">5</td><td class=\"n\">+5</td><td class=\"n\">–</td></tr></tbody></table>"
        );
        // Looks change the page only.
        let looks = Table::build(
            &[
                def("id", Kind::Text, |r: &(&str, &str, u64, &str)| r.0.into()).look(Look::Anchor),
                def("status", Kind::Text, |r: &(&str, &str, u64, &str)| {
                    r.1.into()
                })
                .look(Look::Badge),
                def("n", Kind::Integer, |r: &(&str, &str, u64, &str)| {
                    Cell::count(r.2)
                })
                .look(Look::Strong),
                def("text", Kind::Text, |r: &(&str, &str, u64, &str)| r.3.into())
                    .look(Look::Excerpt),
            ],
            &[("C1<", "new", 1200, "a & b")],
        );
        assert_eq!(
            to_text(&Html, &looks),
            "<table><thead><tr><th>id</th><th>status</th><th class=\"n\">n</th><th>text</th></tr></thead><tbody><tr id=\"C1&lt;\"><td><code>C1&lt;</code></td><td><span class=\"badge b-new\">new</span></td><td class=\"n\"><b>1,200</b></td><td class=\"x\">a &amp; b</td></tr></tbody></table>"
        );
        assert_eq!(
            to_text(&Markdown, &looks),
            "| id | status | n | text |\n|---|---|---:|---|\n| C1&lt; | new | 1,200 | a & b |\n"
        );
        let joined = looks
            .clone()
            .join_columns("status", "text", "status · text", " · ");
        assert_eq!(
            String::from_utf8(joined.to_csv()).unwrap(),
            "id,status · text,n\nC1<,new · a & b,1200\n"
        );
        // The same table as CSV keeps plain values.
        assert_eq!(
            String::from_utf8(t.to_csv()).unwrap(),
            "Name,Cases,Change,Rate\na|b,1234,234,0.25\n<c>,5,5,\n"
        );
    }
}
