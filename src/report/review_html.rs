//! `review.html`: the weekly failure review as one self-contained page — headline numbers,
//! charts, owners, clusters, week over week and the cases to read first, all text masked.

use super::markup::{to_text, Html};
use super::review_tables::{
    clusters_page_view, owner_slug, owners_table, resolved_view, wow_sections,
};
use super::svg::{self, Chart, Series};
use super::{escape_html as esc, fmt_change, fmt_count, fmt_pct, page, plural};
use crate::analysis::review::counts::Tally;
use crate::analysis::review::report::ReviewReport;
use crate::analysis::review::{Case, Reasons};
use std::fmt::Write;

/// Colours of the reasons, shared by charts and chips.
pub const LOW_COLOR: &str = "#4e79a7";
pub const NEG_COLOR: &str = "#f28e2b";
pub const BOTH_COLOR: &str = "#b07aa1";
pub const ERR_COLOR: &str = "#e15759";

/// Clusters listed in the table and bars on the page; the CSV has all of them.
const CLUSTERS_SHOWN: usize = 25;
const CLUSTER_BARS: usize = 10;

/// Renders the page. `files` names the inputs by `Location::file`.
pub fn render(r: &ReviewReport, files: &[String]) -> String {
    let title = if r.period_label.is_empty() {
        "Failure review".to_string()
    } else {
        format!("Failure review {}", r.period_label)
    };
    let mut h = page::start(&title);
    header(&mut h, r);
    if !r.has_data {
        h.push_str("<p class=\"note\">No record with a timestamp was found in the input, so there is no week to review.</p>");
        h.push_str(&page::end(&footer(r)));
        return h;
    }
    cards(&mut h, r);
    charts(&mut h, r);
    owners(&mut h, r);
    clusters(&mut h, r);
    week_over_week(&mut h, r);
    top_cases(&mut h, r, files);
    h.push_str(&page::end(&footer(r)));
    h
}

fn header(h: &mut String, r: &ReviewReport) {
    let _ = write!(
        h,
        "<header><h1>Failure review <span class=\"period\">{}</span></h1>",
        esc(&r.period_label)
    );
    if r.has_data {
        let last_day = crate::analysis::review::period::last_day_label(r.period_end);
        let first_day = crate::analysis::review::period::day_label(r.period_start);
        let _ = write!(
            h,
            "<p class=\"sub\">{} to {} (UTC) · chosen by {} · compared with {}</p>",
            esc(&first_day),
            esc(&last_day),
            esc(r.selected_by),
            esc(&r.previous_label)
        );
        let _ = write!(
            h,
            "<p class=\"sub small\">A case is a request with confidence below {}, feedback rating below {}{}. Every excerpt is masked for PII.</p>",
            r.min_confidence,
            r.negative_below,
            if r.include_errors {
                ", or a failed (non-2xx) status"
            } else {
                ""
            }
        );
    }
    h.push_str("</header>");
    if r.has_data && !r.complete {
        h.push_str("<p class=\"note\">The data does not cover a whole week yet: this is the latest, partial week.</p>");
    }
    if r.without_ts > 0 {
        let _ = write!(
            h,
            "<p class=\"note\">{} without a timestamp could not be placed in a week and {} left out.</p>",
            plural(r.without_ts, "record"),
            if r.without_ts == 1 { "is" } else { "are" }
        );
    }
}

fn rate(n: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| n as f64 / of as f64)
}

/// A headline card: title, big number, and a line of context with a coloured change.
fn card(h: &mut String, title: &str, value: &str, detail: &str, change: Option<(u64, u64)>) {
    let delta = match change {
        Some((cur, prev)) => {
            let class = match cur.cmp(&prev) {
                std::cmp::Ordering::Greater => "up",
                std::cmp::Ordering::Less => "down",
                std::cmp::Ordering::Equal => "",
            };
            format!(
                "<span class=\"{class}\">{}</span> vs previous · ",
                esc(&fmt_change(cur, prev))
            )
        }
        None => String::new(),
    };
    let _ = write!(
        h,
        "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"d\">{delta}{}</div></div>",
        esc(title),
        esc(value),
        esc(detail)
    );
}

fn cards(h: &mut String, r: &ReviewReport) {
    let (c, p) = (&r.current, &r.previous);
    h.push_str("<section class=\"cards\">");
    card(
        h,
        "Requests",
        &fmt_count(c.requests),
        &format!("{} before", fmt_count(p.requests)),
        None,
    );
    card(
        h,
        "Cases",
        &fmt_count(c.cases),
        &format!("{} of requests", fmt_pct(rate(c.cases, c.requests))),
        Some((c.cases, p.cases)),
    );
    card(
        h,
        "Low confidence",
        &fmt_count(c.low_confidence),
        &fmt_pct(rate(c.low_confidence, c.requests)),
        Some((c.low_confidence, p.low_confidence)),
    );
    card(
        h,
        "Negative feedback",
        &fmt_count(c.negative_feedback),
        &fmt_pct(rate(c.negative_feedback, c.requests)),
        Some((c.negative_feedback, p.negative_feedback)),
    );
    card(
        h,
        if r.include_errors {
            "Errors"
        } else {
            "Failed requests"
        },
        &fmt_count(c.errors),
        &if r.include_errors {
            fmt_pct(rate(c.errors, c.requests))
        } else {
            "not cases (see --include-errors)".to_string()
        },
        Some((c.errors, p.errors)),
    );
    let [new, growing, recurring, resolved] = r.status_counts();
    card(
        h,
        "Clusters",
        &fmt_count(r.current_clusters().count() as u64),
        &format!("{new} new · {growing} growing · {recurring} recurring · {resolved} resolved"),
        None,
    );
    h.push_str("</section>");
}

/// The axis label of the day or week starting at `start` (a bucket start, epoch seconds).
fn day_axis_label(start: i64, unit: &str, n: usize) -> String {
    use crate::bucket::BucketKind;
    if unit == "week" {
        return BucketKind::Week.label(start).to_string();
    }
    let label = BucketKind::Day.label(start).to_string();
    if n <= 14 {
        let name = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            [crate::bucket::weekday_at(start) as usize];
        format!("{name} {}", &label[8..])
    } else {
        label[5..].to_string()
    }
}

fn charts(h: &mut String, r: &ReviewReport) {
    let n = r.days.len();
    let labels: Vec<String> = r
        .days
        .iter()
        .map(|d| day_axis_label(d.start, r.day_unit, n))
        .collect();
    let pick = |f: fn(&crate::analysis::review::report::DayPoint) -> u64| {
        r.days.iter().map(|d| f(d) as f64).collect::<Vec<f64>>()
    };
    let mut series = vec![
        Series::new("low confidence", LOW_COLOR, pick(|d| d.low_confidence_only)),
        Series::new(
            "negative feedback",
            NEG_COLOR,
            pick(|d| d.negative_feedback_only),
        ),
        Series::new("both", BOTH_COLOR, pick(|d| d.both)),
    ];
    if r.include_errors {
        series.push(Series::new("error", ERR_COLOR, pick(|d| d.errors)));
    }
    let daily = svg::stacked_bars(&Chart {
        title: format!("Cases per {} by reason", r.day_unit),
        labels,
        series,
        width: 560,
        height: 250,
        y: svg::YAxis::FromZero,
    });
    // Periods without any request are gaps, not zeros.
    let t = |f: fn(&Tally) -> u64| {
        r.trend
            .iter()
            .map(|p| {
                if p.tally.requests == 0 {
                    f64::NAN
                } else {
                    f(&p.tally) as f64
                }
            })
            .collect()
    };
    let mut lines = vec![
        Series::new("cases", "#333333", t(|t| t.cases)),
        Series::new("low confidence", LOW_COLOR, t(|t| t.low_confidence)),
        Series::new("negative feedback", NEG_COLOR, t(|t| t.negative_feedback)),
    ];
    if r.include_errors {
        lines.push(Series::new("errors", ERR_COLOR, t(|t| t.errors)));
    }
    let trend = svg::line_chart(&Chart {
        title: "Cases over the last 8 periods".into(),
        labels: r.trend.iter().map(|p| p.axis.clone()).collect(),
        series: lines,
        width: 560,
        height: 250,
        y: svg::YAxis::FromZero,
    });
    let _ = write!(
        h,
        "<section class=\"grid2\"><figure><figcaption>Cases per {} by reason</figcaption><p class=\"hint\">Each case counted once: “both” is low confidence with negative feedback{}.</p>{daily}</figure><figure><figcaption>Trend over the last {} periods</figcaption><p class=\"hint\">Cases per period, by reason (a case with two reasons is in both lines); periods without data are left blank.</p>{trend}</figure></section>",
        r.day_unit,
        if r.include_errors { "; “error” is any failed request" } else { "" },
        r.trend.len()
    );
    if !r.clusters.is_empty() {
        let rows: Vec<(String, f64, String)> = r
            .current_clusters()
            .take(CLUSTER_BARS)
            .map(|c| {
                (
                    format!("{} · {} · {}", c.id, c.label, c.representative),
                    c.size as f64,
                    status_color(c.status.name()).to_string(),
                )
            })
            .collect();
        let _ = write!(
            h,
            "<section><h2>Top clusters</h2><p class=\"muted small\">Cases grouped by what their whole text says (TF-IDF of stemmed words, without greetings, signatures, quoted replies or text shared by unrelated cases). <span class=\"badge b-new\">new</span> <span class=\"badge b-growing\">growing</span> <span class=\"badge b-recurring\">recurring</span> compare with the previous four periods.</p><figure>{}</figure></section>",
            svg::horizontal_bars("Largest clusters this period", &rows, 1100)
        );
    }
}

/// The colour of a cluster status (`new`, `growing`, `recurring`) in charts: the same as its
/// badge, on this page and on `index.html`.
pub fn status_color(status: &str) -> &'static str {
    match status {
        "new" => "#4e79a7",
        "growing" => "#e15759",
        _ => "#8c7b70",
    }
}

fn owners(h: &mut String, r: &ReviewReport) {
    h.push_str("<section><h2>Owners</h2><p class=\"muted small\">A cluster belongs to the owner of its most common category, with all its cases.</p>");
    h.push_str(&to_text(&Html, &owners_table(r)));
    if r.owners.is_empty() {
        h.push_str("<p class=\"muted\">No cases in this period.</p>");
    }
    h.push_str("</section>");
}

fn clusters(h: &mut String, r: &ReviewReport) {
    if r.clusters.is_empty() {
        return;
    }
    // Axis labels of the previous four periods, most recent first.
    let prev: Vec<String> = r
        .trend
        .iter()
        .rev()
        .skip(1)
        .take(4)
        .map(|p| p.axis.clone())
        .collect();
    h.push_str("<section><h2>Clusters</h2>");
    h.push_str(&to_text(
        &Html,
        &clusters_page_view(r, &prev, CLUSTERS_SHOWN),
    ));
    let current = r.current_clusters().count();
    if current > CLUSTERS_SHOWN {
        let _ = write!(
            h,
            "<p class=\"muted small\">{} more clusters (most of them single cases) are listed in failure_clusters.csv.</p>",
            fmt_count((current - CLUSTERS_SHOWN) as u64)
        );
    }
    let resolved = resolved_view(r, CLUSTERS_SHOWN);
    if !resolved.rows().is_empty() {
        let _ = write!(
            h,
            "<h3>Resolved</h3><p class=\"muted small\">Clusters of {} with no similar case this period.</p>",
            esc(&r.previous_label)
        );
        h.push_str(&to_text(&Html, &resolved));
    }
    h.push_str("</section>");
}

fn week_over_week(h: &mut String, r: &ReviewReport) {
    let _ = write!(
        h,
        "<section><h2>Week over week</h2><p class=\"muted small\">{} compared with {}. Rates are shares of all requests of the same scope; red means a higher rate than before.</p><h3>By reason</h3>",
        esc(&r.period_label),
        esc(&r.previous_label)
    );
    for (title, table) in wow_sections(r) {
        if title != "By reason" {
            let _ = write!(
                h,
                "<h3>{title} <span class=\"muted small\">(all cases)</span></h3>"
            );
        }
        h.push_str(&to_text(&Html, &table));
    }
    h.push_str("</section>");
}

fn reason_chips(reasons: Reasons) -> String {
    let mut s = String::new();
    for (r, class, name) in [
        (Reasons::LOW_CONFIDENCE, "c-low", "low confidence"),
        (Reasons::NEGATIVE_FEEDBACK, "c-neg", "negative feedback"),
        (Reasons::ERROR, "c-err", "error"),
    ] {
        if reasons.contains(r) {
            let _ = write!(s, "<span class=\"chip {class}\">{name}</span>");
        }
    }
    s
}

fn case_card(h: &mut String, c: &Case, r: &ReviewReport, files: &[String]) {
    let cluster = r.clusters.get(c.cluster).map_or("", |k| k.id.as_str());
    let color = if c.reasons.contains(Reasons::ERROR) {
        ERR_COLOR
    } else if c.reasons.contains(Reasons::NEGATIVE_FEEDBACK) {
        NEG_COLOR
    } else {
        LOW_COLOR
    };
    let mut meta = vec![
        format!("<a href=\"#{0}\">{0}</a>", esc(cluster)),
        esc(&c.ts.rfc3339()),
        format!("<code>{}</code>", esc(&c.request_id)),
    ];
    let model = [c.model.as_deref(), c.version.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !model.is_empty() {
        meta.push(esc(&model));
    }
    if let Some(s) = c.status {
        meta.push(format!("status {s}"));
    }
    if let Some(x) = c.confidence {
        meta.push(format!("confidence {}", svg::fmt_value(x)));
    }
    if let Some(x) = c.rating {
        meta.push(format!("rating {}", svg::fmt_value(x)));
    }
    meta.push(c.category.name().to_string());
    let file = files.get(c.loc.file as usize).map_or("?", String::as_str);
    let _ = write!(
        h,
        "<div class=\"case\" style=\"border-left-color:{color}\"><div class=\"meta\">{} {} · <span class=\"small\">{}:{}</span></div>",
        reason_chips(c.reasons),
        meta.join(" · "),
        esc(file),
        c.loc.line
    );
    for (name, text) in [
        ("Prompt", &c.prompt_excerpt),
        ("Response", &c.response_excerpt),
        ("Comment", &c.comment),
        ("Error", &c.error),
    ] {
        if !text.is_empty() {
            let _ = write!(h, "<p><b>{name}</b> {}</p>", esc(text));
        }
    }
    h.push_str("</div>");
}

fn top_cases(h: &mut String, r: &ReviewReport, files: &[String]) {
    if r.owners.is_empty() {
        return;
    }
    h.push_str("<section><h2>Cases to read first</h2><p class=\"muted small\">Per owner, the worst case of each of its largest clusters: negative feedback with a comment first, then the lowest confidence.</p>");
    for o in &r.owners {
        let _ = write!(
            h,
            "<h3 id=\"owner-{}\">{} <span class=\"muted small\">{} in {}</span></h3>",
            owner_slug(&o.owner),
            esc(&o.owner),
            plural(o.cases, "case"),
            plural(o.clusters, "cluster")
        );
        for &i in &o.top_cases {
            if let Some(c) = r.cases.get(i) {
                case_card(h, c, r, files);
            }
        }
    }
    h.push_str("</section>");
}

fn footer(r: &ReviewReport) -> String {
    let mut f = String::from("<p>Files next to this page: failures.csv (every case), failure_clusters.csv (every cluster), review_wow.csv (week over week). Weeks are ISO weeks in UTC.</p>");
    if let (Some(a), Some(b)) = (r.data_from, r.data_to) {
        let _ = write!(
            f,
            "<p>Data from {} to {}.</p>",
            esc(&a.rfc3339()),
            esc(&b.rfc3339())
        );
    }
    f
}
