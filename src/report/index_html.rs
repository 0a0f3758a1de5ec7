//! `index.html` of `logwarden report`: one self-contained page (inline CSS and SVG, no script)
//! with the headline numbers, SLI and cost trends (anomaly days marked), PII counts by type,
//! the week's failure clusters, the top alerts, and links to every file written.

use super::escape_html as esc;
use super::markup::{to_text, Html};
use super::page;
use super::review_html::status_color;
use super::svg::{horizontal_bars, line_chart, stacked_bars, Chart, Series, YAxis, PALETTE};
use crate::output::Table;
use crate::record::time::Micros;

/// Everything the overview shows, already computed by the analyses.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    /// Headline cards: label, value, detail.
    pub cards: Vec<(String, String, String)>,
    /// Day labels of the trend charts.
    pub days: Vec<String>,
    pub requests: Vec<f64>,
    pub success_rate: Vec<f64>,
    pub p95_ms: Vec<f64>,
    pub cost_usd: Vec<f64>,
    /// Days flagged in `cost_anomalies.csv` (total scope).
    pub anomaly_days: Vec<String>,
    /// PII findings per type.
    pub pii_by_type: Vec<(String, u64)>,
    /// The week's largest failure clusters: label, size, status (`new`, `growing`,
    /// `recurring`), which gives the bar its colour.
    pub clusters: Vec<(String, f64, String)>,
    /// Alert rows: since (the bucket it started in), severity, what broke (alert, objective,
    /// scope, window), how badly (value against threshold or baseline), owner.
    pub alerts: Vec<[String; 5]>,
    /// Files written next to the page.
    pub files: Vec<String>,
    /// What was read: lines, skipped lines, records without a timestamp, files not read.
    pub input_note: String,
    /// True when nothing was skipped, left out or not read (the note is then shown plainly).
    pub input_clean: bool,
    /// The input files as given (paths), shown under the title.
    pub inputs: Vec<String>,
    /// First and last timestamp of the data, when any record had one.
    pub data_range: Option<(Micros, Micros)>,
    /// Which version made the page. The time it was made is in `summary.json`
    /// (`generated_at`), not here: the same input gives the same page, byte for byte,
    /// however it was sharded or merged.
    pub generated: String,
}

/// PII types drawn one bar each; the rest share one bar.
const PII_TYPES_SHOWN: usize = 12;

/// Alert rows on the page; the rest are counted and left to `alerts.csv`.
const ALERTS_SHOWN: usize = 25;

/// Inputs listed by name under the title before the rest are counted.
const INPUTS_SHOWN: usize = 3;

/// The line under the title: what was read, which time it covers, and what made the page.
fn provenance(o: &Overview) -> String {
    let mut parts = Vec::new();
    if !o.inputs.is_empty() {
        let mut names: Vec<String> = o.inputs.iter().take(INPUTS_SHOWN).cloned().collect();
        if o.inputs.len() > INPUTS_SHOWN {
            names.push(format!("{} more", o.inputs.len() - INPUTS_SHOWN));
        }
        parts.push(format!(
            "<b>Input</b> {}",
            names
                .iter()
                .map(|n| format!("<code>{}</code>", esc(n)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some((from, to)) = o.data_range {
        let minute = |t: Micros| {
            let s = t.rfc3339();
            format!("{} {}", &s[..10], &s[11..16])
        };
        let days = to.days_since(from);
        parts.push(format!(
            "<b>Data</b> {} to {} UTC ({:.0} days)",
            minute(from),
            minute(to),
            days.ceil()
        ));
    }
    if !o.generated.is_empty() {
        parts.push(format!(
            "<b>Made by</b> {} (time in summary.json)",
            esc(&o.generated)
        ));
    }
    parts.join(" · ")
}

/// Renders the page.
pub fn render(o: &Overview) -> String {
    let mut h = page::start("logwarden report");
    h.push_str("<h1>logwarden report</h1>");
    let meta = provenance(o);
    if !meta.is_empty() {
        h.push_str(&format!("<p class=\"small\" id=\"provenance\">{meta}</p>"));
    }
    if !o.input_note.is_empty() {
        // Unread input is shown first and loudly: a report of half the data is not all clear.
        let style = if o.input_clean {
            "muted"
        } else {
            "warn\" style=\"border:2px solid #c0392b;padding:.5em;font-weight:bold"
        };
        h.push_str(&format!(
            "<p class=\"{style}\" id=\"input\">{}</p>",
            esc(&o.input_note)
        ));
    }
    h.push_str("<section class=\"cards\">");
    for (k, v, d) in &o.cards {
        h.push_str(&format!(
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"d\">{}</div></div>",
            esc(k),
            esc(v),
            esc(d)
        ));
    }
    h.push_str("</section>");

    let chart = |title: &str, series: Vec<Series>| Chart {
        title: title.to_string(),
        labels: o.days.clone(),
        series,
        width: 640,
        height: 220,
        y: YAxis::FromZero,
    };
    let sli = line_chart(&Chart {
        y: YAxis::Percent,
        ..chart(
            "Success rate per day (%)",
            vec![Series::new(
                "success rate",
                PALETTE[0],
                o.success_rate.clone(),
            )],
        )
    });
    let latency = line_chart(&chart(
        "p95 latency per day (ms)",
        vec![Series::new("p95 ms", PALETTE[1], o.p95_ms.clone())],
    ));
    // Anomaly days in red: each day's cost goes to exactly one of the two series.
    let (normal, flagged): (Vec<f64>, Vec<f64>) = o
        .days
        .iter()
        .zip(&o.cost_usd)
        .map(|(d, c)| {
            if o.anomaly_days.contains(d) {
                (0.0, *c)
            } else {
                (*c, 0.0)
            }
        })
        .unzip();
    let cost = stacked_bars(&chart(
        "Cost per day (USD)",
        vec![
            Series::new("cost", PALETTE[0], normal),
            Series::new("anomaly", PALETTE[2], flagged),
        ],
    ));
    let requests = stacked_bars(&chart(
        "Requests per day",
        vec![Series::new("requests", PALETTE[3], o.requests.clone())],
    ));
    h.push_str(&format!(
        "<section class=\"grid2\"><figure><figcaption>SLI trend</figcaption>{sli}</figure><figure><figcaption>Latency trend</figcaption>{latency}</figure><figure><figcaption>Cost trend <span class=\"muted small\">(red: days in cost_anomalies.csv)</span></figcaption>{cost}</figure><figure><figcaption>Traffic</figcaption>{requests}</figure></section>"
    ));

    h.push_str("<section class=\"grid2\">");
    // The most frequent types, then the rest as one bar: a hundred types of one finding
    // each would push the alerts off the first screen.
    let mut by_count: Vec<&(String, u64)> = o.pii_by_type.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut pii: Vec<(String, f64, String)> = by_count
        .iter()
        .take(PII_TYPES_SHOWN)
        .map(|(t, n)| (t.clone(), *n as f64, PALETTE[2].to_string()))
        .collect();
    let rest = &by_count[PII_TYPES_SHOWN.min(by_count.len())..];
    if !rest.is_empty() {
        pii.push((
            format!("{} other types", rest.len()),
            rest.iter().map(|(_, n)| *n as f64).sum(),
            PALETTE[7].to_string(),
        ));
    }
    if pii.is_empty() {
        h.push_str("<figure><figcaption>PII findings by type</figcaption><p class=\"muted\">No PII or secret found.</p></figure>");
    } else {
        h.push_str(&format!(
            "<figure><figcaption>PII findings by type <span class=\"muted small\">(pii_findings.csv; every type in pii_summary.csv)</span></figcaption>{}</figure>",
            horizontal_bars("PII findings by type", &pii, 640)
        ));
    }
    if o.clusters.is_empty() {
        h.push_str("<figure><figcaption>Failure clusters this week</figcaption><p class=\"muted\">No failure cases in the review week.</p></figure>");
    } else {
        let bars: Vec<(String, f64, String)> = o
            .clusters
            .iter()
            .map(|(label, n, status)| (label.clone(), *n, status_color(status).to_string()))
            .collect();
        // The legend names the colours that are on the chart, in the review page's order.
        let legend: Vec<String> = ["new", "growing", "recurring"]
            .iter()
            .filter(|s| o.clusters.iter().any(|c| c.2 == **s))
            .map(|s| format!("<span class=\"badge b-{s}\">{s}</span>"))
            .collect();
        h.push_str(&format!(
            "<figure><figcaption>Failure clusters this week <span class=\"muted small\">(failure_clusters.csv, review.html)</span></figcaption><p class=\"muted small\">Cases per cluster, coloured by status against the previous four periods: {}.</p>{}</figure>",
            legend.join(" "),
            horizontal_bars("Failure clusters", &bars, 640)
        ));
    }
    h.push_str("</section>");

    h.push_str("<section><h2>Alerts</h2>");
    if o.alerts.is_empty() {
        h.push_str("<p class=\"muted\">No alert fired.</p>");
    } else {
        let mut table = Table::new(["Since", "Severity", "What broke", "How badly", "Owner"]);
        for a in o.alerts.iter().take(ALERTS_SHOWN) {
            table.push(a.to_vec());
        }
        h.push_str(&to_text(&Html, &table));
        if o.alerts.len() > ALERTS_SHOWN {
            h.push_str(&format!(
                "<p class=\"muted small\">{} more in alerts.csv.</p>",
                o.alerts.len() - ALERTS_SHOWN
            ));
        }
    }
    h.push_str("</section>");

    h.push_str("<section><h2>Files</h2><ul>");
    for f in &o.files {
        h.push_str(&format!("<li><a href=\"{0}\">{0}</a></li>", esc(f)));
    }
    h.push_str("</ul></section>");
    h.push_str(&page::end(""));
    h
}
