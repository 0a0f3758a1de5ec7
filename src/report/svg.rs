//! Small self-contained SVG charts for report pages: vertical (optionally stacked) bars, lines
//! and labelled horizontal bars, with axes, gridlines, a legend and hover titles. The output
//! scales with its container (`viewBox`) and needs no script, font or network.

use super::escape_html as esc;
use std::fmt::Write;

/// One named series of values, one per label.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    /// Any CSS colour, e.g. `#4e79a7`.
    pub color: String,
}

impl Series {
    pub fn new(name: impl Into<String>, color: impl Into<String>, values: Vec<f64>) -> Series {
        Series {
            name: name.into(),
            values,
            color: color.into(),
        }
    }
}

/// How the y axis of a chart is scaled and labelled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum YAxis {
    /// From zero to a nice maximum, plain numbers (counts, ms, USD).
    #[default]
    FromZero,
    /// Fractions labelled as percentages and scaled to the data (line charts): from a nice
    /// value at or below the smallest point, never below 0 %, to one at or above the largest,
    /// never above 100 %, spanning at least one percentage point. A success rate between
    /// 97 % and 99.6 % fills the plot instead of lying flat along the top of a 0–1 axis.
    Percent,
}

/// A chart: labels along the x axis and one or more series.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Accessible name of the chart (`aria-label`), also used in hover titles.
    pub title: String,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// Size of the drawing in user units; the SVG scales to its container's width.
    pub width: u32,
    pub height: u32,
    /// Scale and labels of the y axis (bars always start at zero).
    pub y: YAxis,
}

/// A qualitative palette that stays readable in print and for common colour blindness
/// (Tableau 10).
pub const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f",
];

const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 26.0;

/// Plain number for axes and titles: integers without decimals, others with up to 3.
pub fn fmt_value(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// More gridlines than this would be unreadable (and means the scale is degenerate).
const MAX_TICKS: usize = 20;

/// A "nice" axis maximum and tick step (1, 2 or 5 times a power of ten) covering `max`.
fn nice_scale(max: f64, ticks: usize) -> (f64, f64) {
    if max.is_nan() || max <= 0.0 || !max.is_finite() {
        return (1.0, 1.0);
    }
    let raw = max / ticks.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw - 1e-12)
        .unwrap_or(10.0 * mag);
    let step = if max >= 1.0 { step.max(1.0) } else { step };
    let top = (max / step).ceil() * step;
    if top.is_finite() {
        (top, step)
    } else {
        // Near f64::MAX the rounded-up top overflows: use the data's own maximum.
        (max, max / ticks.max(1) as f64)
    }
}

/// The y range `(low, high, step)` of a line chart over values from `min` to `max`.
fn y_range(min: f64, max: f64, axis: YAxis) -> (f64, f64, f64) {
    match axis {
        YAxis::FromZero => {
            let (top, step) = nice_scale(max, 4);
            (0.0, top, step)
        }
        YAxis::Percent => {
            if !(min.is_finite() && max.is_finite()) {
                return (0.0, 1.0, 0.25);
            }
            let (min, max) = (min.clamp(0.0, 1.0), max.clamp(0.0, 1.0));
            let max = max.max(min + 0.01).min(1.0);
            let min = min.min(max - 0.01).max(0.0);
            let (_, step) = nice_scale(max - min, 4);
            // Snapped to the step so the ticks land on round percentages.
            let low = ((min / step + 1e-9).floor() * step).max(0.0);
            let high = ((max / step - 1e-9).ceil() * step).min(1.0);
            (low, high, step)
        }
    }
}

/// A y tick label in the axis' unit.
fn tick_label(v: f64, axis: YAxis) -> String {
    match axis {
        YAxis::FromZero => fmt_value(v),
        YAxis::Percent => format!("{}%", fmt_value(v * 100.0)),
    }
}

fn open_svg(out: &mut String, c: &Chart) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="11">"#,
        w = c.width,
        h = c.height,
        t = esc(&c.title)
    );
}

/// The legend along the top, one swatch per series.
fn legend(out: &mut String, series: &[Series]) {
    let mut x = LEFT;
    for s in series {
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="8" width="10" height="10" rx="2" fill="{}"/><text x="{:.1}" y="17" fill="#333">{}</text>"##,
            esc(&s.color),
            x + 14.0,
            esc(&s.name)
        );
        x += 24.0 + 6.5 * s.name.chars().count() as f64;
    }
}

/// Horizontal gridlines and y tick labels from `low` to `high`.
fn y_axis(out: &mut String, c: &Chart, (low, high, step): (f64, f64, f64)) {
    let plot_h = c.height as f64 - TOP - BOTTOM;
    // Counted, not accumulated: a float loop bound could never be reached.
    let n = (((high - low) / step).round() as usize).min(MAX_TICKS);
    for i in 0..=n {
        let v = low + step * i as f64;
        let y = TOP + plot_h * (1.0 - (v - low) / (high - low));
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#666">{}</text>"##,
            c.width as f64 - RIGHT,
            LEFT - 6.0,
            y + 3.5,
            tick_label(v, c.y)
        );
    }
}

/// X labels under slot centres, thinned so they do not overlap.
fn x_labels(out: &mut String, c: &Chart, slot: f64) {
    let longest = c
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1) as f64;
    let every = ((longest * 6.2 + 6.0) / slot).ceil().max(1.0) as usize;
    let y = c.height as f64 - BOTTOM + 15.0;
    for (i, l) in c.labels.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let x = LEFT + slot * (i as f64 + 0.5);
        let _ = write!(
            out,
            r##"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" fill="#444">{}</text>"##,
            esc(l)
        );
    }
}

fn plot_width(c: &Chart) -> f64 {
    (c.width as f64 - LEFT - RIGHT).max(1.0)
}

/// Vertical bars, the series stacked on each other (one series gives a plain bar chart).
pub fn stacked_bars(c: &Chart) -> String {
    let mut out = String::new();
    open_svg(&mut out, c);
    legend(&mut out, &c.series);
    let n = c.labels.len().max(1);
    let totals: Vec<f64> = (0..n)
        .map(|i| {
            c.series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0).max(0.0))
                .sum()
        })
        .collect();
    let range = y_range(
        0.0,
        totals.iter().copied().fold(0.0, f64::max),
        YAxis::FromZero,
    );
    y_axis(&mut out, c, range);
    let top = range.1;
    let slot = plot_width(c) / n as f64;
    let bar = (slot * 0.7).max(1.0);
    let plot_h = c.height as f64 - TOP - BOTTOM;
    // Totals are written over the bars only when the widest fits its slot: overlapping
    // numbers read worse than none (every bar keeps its hover title).
    let widest = totals
        .iter()
        .map(|t| fmt_value(*t).chars().count())
        .max()
        .unwrap_or(0) as f64;
    let totals_fit = bar >= 14.0 && widest * 6.0 + 2.0 <= slot;
    for (i, (label, &total)) in c.labels.iter().zip(&totals).enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let mut base = 0.0;
        for s in &c.series {
            let v = s.values.get(i).copied().unwrap_or(0.0).max(0.0);
            if v <= 0.0 {
                continue;
            }
            let y0 = TOP + plot_h * (1.0 - base / top);
            let y1 = TOP + plot_h * (1.0 - (base + v) / top);
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y1:.1}" width="{bar:.1}" height="{:.1}" fill="{}"><title>{} · {}: {}</title></rect>"#,
                (y0 - y1).max(0.5),
                esc(&s.color),
                esc(label),
                esc(&s.name),
                fmt_value(v)
            );
            base += v;
        }
        if total > 0.0 && totals_fit {
            let _ = write!(
                out,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333" font-size="10">{}</text>"##,
                x + bar / 2.0,
                TOP + plot_h * (1.0 - total / top) - 3.0,
                fmt_value(total)
            );
        }
    }
    x_labels(&mut out, c, slot);
    out.push_str("</svg>");
    out
}

/// Lines with a dot per value, one per series.
pub fn line_chart(c: &Chart) -> String {
    let mut out = String::new();
    open_svg(&mut out, c);
    legend(&mut out, &c.series);
    let finite = || {
        c.series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .filter(|v| v.is_finite())
    };
    let max = finite().fold(0.0, f64::max);
    let min = finite().fold(f64::INFINITY, f64::min);
    let (low, high, step) = y_range(if min.is_finite() { min } else { 0.0 }, max, c.y);
    y_axis(&mut out, c, (low, high, step));
    let n = c.labels.len().max(1);
    let slot = plot_width(c) / n as f64;
    let plot_h = c.height as f64 - TOP - BOTTOM;
    let point = |i: usize, v: f64| {
        (
            LEFT + slot * (i as f64 + 0.5),
            TOP + plot_h * (1.0 - (v.clamp(low, high) - low) / (high - low)),
        )
    };
    for s in &c.series {
        // A missing value (not finite) breaks the line rather than dropping to zero.
        let mut runs: Vec<Vec<String>> = vec![Vec::new()];
        for (i, &v) in s.values.iter().enumerate().take(c.labels.len()) {
            if v.is_finite() {
                let (x, y) = point(i, v);
                runs.last_mut()
                    .expect("never empty")
                    .push(format!("{x:.1},{y:.1}"));
            } else if !runs.last().is_some_and(Vec::is_empty) {
                runs.push(Vec::new());
            }
        }
        for run in runs.iter().filter(|r| r.len() > 1) {
            let _ = write!(
                out,
                r#"<polyline fill="none" stroke="{}" stroke-width="2.2" stroke-linejoin="round" points="{}"/>"#,
                esc(&s.color),
                run.join(" ")
            );
        }
        for (i, &v) in s.values.iter().enumerate().take(c.labels.len()) {
            if !v.is_finite() {
                continue;
            }
            let (x, y) = point(i, v);
            let _ = write!(
                out,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.2" fill="{}"><title>{} · {}: {}</title></circle>"#,
                esc(&s.color),
                esc(&c.labels[i]),
                esc(&s.name),
                match c.y {
                    YAxis::FromZero => fmt_value(v),
                    YAxis::Percent => super::fmt_percent(Some(v)),
                }
            );
        }
    }
    x_labels(&mut out, c, slot);
    out.push_str("</svg>");
    out
}

/// One labelled horizontal bar per row, for rankings with long labels (top clusters). Each
/// row may have its own colour; the value is written at the bar's end.
pub fn horizontal_bars(title: &str, rows: &[(String, f64, String)], width: u32) -> String {
    let row_h = 24.0;
    let label_w = (width as f64 * 0.45).round();
    let height = (rows.len().max(1) as f64 * row_h + 8.0).round();
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="11">"#,
        esc(title)
    );
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let bar_space = width as f64 - label_w - 48.0;
    let max_chars = ((label_w - 8.0) / 6.0).max(4.0) as usize;
    for (i, (label, v, color)) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let shown: String = if label.chars().count() > max_chars {
            let mut s: String = label.chars().take(max_chars - 1).collect();
            s.push('…');
            s
        } else {
            label.clone()
        };
        let w = (bar_space * v.max(0.0) / max).max(1.0);
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}<title>{}</title></text><rect x="{label_w:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" rx="2" fill="{}"><title>{}: {}</title></rect><text x="{:.1}" y="{:.1}" fill="#333">{}</text>"##,
            label_w - 8.0,
            y + 15.0,
            esc(&shown),
            esc(label),
            y + 4.0,
            row_h - 8.0,
            esc(color),
            esc(label),
            fmt_value(*v),
            label_w + w + 5.0,
            y + 15.0,
            fmt_value(*v)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> Chart {
        Chart {
            title: "Cases <by> day".into(),
            labels: vec!["Mon".into(), "Tue".into(), "Wed".into()],
            series: vec![
                Series::new("low", PALETTE[0], vec![1.0, 2.0, 0.0]),
                Series::new("neg & co", PALETTE[1], vec![3.0, 0.0, 0.0]),
            ],
            width: 400,
            height: 200,
            y: YAxis::FromZero,
        }
    }

    fn balanced(svg: &str) {
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<svg").count(), svg.matches("</svg>").count());
        assert_eq!(
            svg.matches("<title>").count(),
            svg.matches("</title>").count()
        );
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn scales_are_nice() {
        assert_eq!(nice_scale(7.0, 4), (8.0, 2.0));
        assert_eq!(nice_scale(100.0, 4), (100.0, 50.0));
        assert_eq!(nice_scale(0.0, 4), (1.0, 1.0));
        assert_eq!(nice_scale(3.0, 4), (3.0, 1.0));
        let (top, step) = nice_scale(0.3, 4);
        assert!((step - 0.1).abs() < 1e-12 && (0.3..0.31).contains(&top));
        assert_eq!(fmt_value(2.0), "2");
        assert_eq!(fmt_value(0.125), "0.125");
        assert_eq!(fmt_value(0.1 + 0.2), "0.3");
    }

    #[test]
    fn percent_axes_fit_the_data() {
        let (low, high, step) = y_range(0.92, 0.995, YAxis::Percent);
        assert!(
            (low - 0.92).abs() < 1e-9 && (high - 1.0).abs() < 1e-9,
            "{low} {high}"
        );
        assert!((step - 0.02).abs() < 1e-12);
        // A flat 100 % still spans a percentage point; nothing leaves 0–100 %.
        let (low, high, _) = y_range(1.0, 1.0, YAxis::Percent);
        assert!((low - 0.99).abs() < 1e-9 && high == 1.0, "{low} {high}");
        assert_eq!(y_range(0.0, 0.001, YAxis::Percent).0, 0.0);
        assert_eq!(tick_label(0.94, YAxis::Percent), "94%");
        let svg = line_chart(&Chart {
            series: vec![Series::new("rate", "#000", vec![0.97, 0.99, 0.995])],
            y: YAxis::Percent,
            ..chart()
        });
        balanced(&svg);
        assert!(svg.contains(">97%<") && svg.contains(">100%<"), "{svg}");
        assert!(!svg.contains(">0%<"));
        assert!(svg.contains("<title>Tue · rate: 99.0 %</title>"), "{svg}");
    }

    #[test]
    fn stacked_bars_stack_and_escape() {
        let svg = stacked_bars(&chart());
        balanced(&svg);
        assert!(svg.contains("aria-label=\"Cases &lt;by&gt; day\""));
        assert!(svg.contains("neg &amp; co"));
        // Three non-zero segments, each with a hover title.
        assert_eq!(svg.matches("<rect x=").count() - 2, 3);
        assert!(svg.contains("<title>Mon · neg &amp; co: 3</title>"));
    }

    #[test]
    fn lines_and_horizontal_bars() {
        let svg = line_chart(&chart());
        balanced(&svg);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 6);
        let gap = line_chart(&Chart {
            series: vec![Series::new("s", "#000", vec![1.0, f64::NAN, 2.0])],
            ..chart()
        });
        balanced(&gap);
        assert_eq!(
            gap.matches("<polyline").count(),
            0,
            "single points are dots only"
        );
        assert_eq!(gap.matches("<circle").count(), 2);
        let svg = horizontal_bars(
            "top",
            &[
                (
                    "C001 a very long representative label that will be cut".into(),
                    10.0,
                    "#f00".into(),
                ),
                ("C002 <short>".into(), 5.0, "#0f0".into()),
            ],
            600,
        );
        balanced(&svg);
        assert!(svg.contains("C002 &lt;short&gt;"));
        assert!(svg.contains("…"));
        let empty = stacked_bars(&Chart {
            labels: vec![],
            series: vec![],
            ..chart()
        });
        balanced(&empty);
    }
}
