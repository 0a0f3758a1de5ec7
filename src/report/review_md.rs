//! `review.md`: the weekly failure review as Markdown (tables, text bars and sparklines), for
//! wikis, tickets and terminals. Same content as the HTML page, all text masked.

use super::markup::{to_text, Markdown};
use super::review_tables::{clusters_view, owners_table, resolved_view, wow_sections};
use super::{fmt_change, fmt_count, fmt_pct, plural};
use crate::analysis::review::counts::Tally;
use crate::analysis::review::period::{day_label, last_day_label};
use crate::analysis::review::report::ReviewReport;
use std::fmt::Write;

const CLUSTERS_SHOWN: usize = 25;

/// Escapes text for a Markdown table cell or list item: markup characters and pipes are
/// backslash-escaped, angle brackets become entities (no raw HTML reaches the renderer).
pub fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A sparkline of block characters scaled to the largest value.
pub fn sparkline(values: &[u64]) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .map(|&v| BLOCKS[((v as f64 / max as f64) * 7.0).round() as usize])
        .collect()
}

/// A horizontal text bar of up to `width` cells.
fn bar(v: u64, max: u64, width: usize) -> String {
    let n = if max == 0 {
        0
    } else {
        ((v as f64 / max as f64) * width as f64).round() as usize
    };
    "█".repeat(n)
}

fn rate(n: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| n as f64 / of as f64)
}

/// Renders the Markdown page. `files` names the inputs by `Location::file`.
pub fn render(r: &ReviewReport, files: &[String]) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# Failure review {}\n", escape_md(&r.period_label));
    if !r.has_data {
        m.push_str(
            "No record with a timestamp was found in the input, so there is no week to review.\n",
        );
        return m;
    }
    let _ = writeln!(
        m,
        "{} to {} (UTC) · chosen by {} · compared with {}\n",
        day_label(r.period_start),
        last_day_label(r.period_end),
        escape_md(r.selected_by),
        escape_md(&r.previous_label)
    );
    let _ = writeln!(
        m,
        "A case is a request with confidence below {}, feedback rating below {}{}. Every excerpt is masked for PII.\n",
        r.min_confidence,
        r.negative_below,
        if r.include_errors { ", or a failed (non-2xx) status" } else { "" }
    );
    if !r.complete {
        m.push_str(
            "> The data does not cover a whole week yet: this is the latest, partial week.\n\n",
        );
    }
    if r.without_ts > 0 {
        let _ = writeln!(
            m,
            "> {} without a timestamp {} left out.\n",
            plural(r.without_ts, "record"),
            if r.without_ts == 1 { "is" } else { "are" }
        );
    }
    headline(&mut m, r);
    days(&mut m, r);
    trend(&mut m, r);
    owners(&mut m, r);
    clusters(&mut m, r);
    wow(&mut m, r);
    cases(&mut m, r, files);
    m
}

fn headline(m: &mut String, r: &ReviewReport) {
    let (c, p) = (&r.current, &r.previous);
    m.push_str("## Headline\n\n| | This period | Previous | Change | Share of requests |\n|---|---:|---:|---:|---:|\n");
    let _ = writeln!(
        m,
        "| Requests | {} | {} | {} | |",
        fmt_count(c.requests),
        fmt_count(p.requests),
        fmt_change(c.requests, p.requests)
    );
    let errors = if r.include_errors {
        "Errors"
    } else {
        "Failed requests (not cases)"
    };
    for (name, get) in [
        ("Cases", (|t: &Tally| t.cases) as fn(&Tally) -> u64),
        ("Low confidence", |t| t.low_confidence),
        ("Negative feedback", |t| t.negative_feedback),
        (errors, |t| t.errors),
    ] {
        let _ = writeln!(
            m,
            "| {name} | {} | {} | {} | {} |",
            fmt_count(get(c)),
            fmt_count(get(p)),
            fmt_change(get(c), get(p)),
            fmt_pct(rate(get(c), c.requests))
        );
    }
    let [new, growing, recurring, resolved] = r.status_counts();
    let _ = writeln!(
        m,
        "| Clusters | {} | | {new} new · {growing} growing · {recurring} recurring · {resolved} resolved | |\n",
        r.current_clusters().count(),
    );
}

fn days(m: &mut String, r: &ReviewReport) {
    let _ = writeln!(
        m,
        "## Cases per {}\n\n| {} | Low confidence | Negative feedback | Both | {}Total | |\n|---|---:|---:|---:|{}---:|---|",
        r.day_unit,
        if r.day_unit == "week" { "Week" } else { "Day" },
        if r.include_errors { "Errors | " } else { "" },
        if r.include_errors { "---:|" } else { "" }
    );
    let total = |d: &crate::analysis::review::report::DayPoint| {
        d.low_confidence_only + d.negative_feedback_only + d.both + d.errors
    };
    let max = r.days.iter().map(total).max().unwrap_or(0);
    for d in &r.days {
        let _ = write!(
            m,
            "| {} | {} | {} | {} | ",
            d.label, d.low_confidence_only, d.negative_feedback_only, d.both
        );
        if r.include_errors {
            let _ = write!(m, "{} | ", d.errors);
        }
        let _ = writeln!(m, "{} | {} |", total(d), bar(total(d), max, 24));
    }
    m.push('\n');
}

fn trend(m: &mut String, r: &ReviewReport) {
    let cases: Vec<u64> = r.trend.iter().map(|p| p.tally.cases).collect();
    let _ = writeln!(
        m,
        "## Trend over the last {} periods\n\nCases: `{}`\n\n| Period | Requests | Cases | Case rate | Low confidence | Negative feedback | Failed |\n|---|---:|---:|---:|---:|---:|---:|",
        r.trend.len(),
        sparkline(&cases)
    );
    for p in &r.trend {
        let t = &p.tally;
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} | {} | {} | {} |",
            escape_md(&p.label),
            fmt_count(t.requests),
            fmt_count(t.cases),
            fmt_pct(rate(t.cases, t.requests)),
            fmt_count(t.low_confidence),
            fmt_count(t.negative_feedback),
            fmt_count(t.errors)
        );
    }
    m.push('\n');
}

fn owners(m: &mut String, r: &ReviewReport) {
    m.push_str("## Owners\n\n");
    m.push_str(&to_text(&Markdown, &owners_table(r)));
    if r.owners.is_empty() {
        m.push_str("\nNo cases in this period.\n");
    }
    m.push('\n');
}

fn clusters(m: &mut String, r: &ReviewReport) {
    if r.clusters.is_empty() {
        return;
    }
    let prev: Vec<String> = r
        .trend
        .iter()
        .rev()
        .skip(1)
        .take(4)
        .map(|p| p.axis.clone())
        .collect();
    m.push_str("## Clusters\n\nCases grouped by what their whole text says (TF-IDF of stemmed words without greetings, signatures, quoted replies or text shared by unrelated cases; average linkage). The label is the cluster's most distinguishing words.\n\n");
    m.push_str(&to_text(
        &Markdown,
        &clusters_view(r, &prev, CLUSTERS_SHOWN),
    ));
    let current = r.current_clusters().count();
    if current > CLUSTERS_SHOWN {
        let _ = writeln!(
            m,
            "\n{} more clusters are listed in failure_clusters.csv.",
            current - CLUSTERS_SHOWN
        );
    }
    let resolved = resolved_view(r, CLUSTERS_SHOWN);
    if !resolved.rows().is_empty() {
        let _ = writeln!(
            m,
            "\n### Resolved\n\nClusters of {} with no similar case this period.\n",
            escape_md(&r.previous_label)
        );
        m.push_str(&to_text(&Markdown, &resolved));
    }
    m.push('\n');
}

fn wow(m: &mut String, r: &ReviewReport) {
    let _ = writeln!(
        m,
        "## Week over week\n\n{} compared with {}.\n",
        escape_md(&r.period_label),
        escape_md(&r.previous_label)
    );
    for (title, table) in wow_sections(r) {
        let note = if title == "By reason" {
            ""
        } else {
            " (all cases)"
        };
        let _ = writeln!(m, "### {title}{note}\n");
        m.push_str(&to_text(&Markdown, &table));
        m.push('\n');
    }
}

fn cases(m: &mut String, r: &ReviewReport, files: &[String]) {
    if r.owners.is_empty() {
        return;
    }
    m.push_str("## Cases to read first\n\n");
    for o in &r.owners {
        let _ = writeln!(
            m,
            "### {} — {} in {}\n",
            escape_md(&o.owner),
            plural(o.cases, "case"),
            plural(o.clusters, "cluster")
        );
        for &i in &o.top_cases {
            let Some(c) = r.cases.get(i) else { continue };
            let mut meta = vec![
                format!(
                    "**{}**",
                    r.clusters.get(c.cluster).map_or("", |k| k.id.as_str())
                ),
                c.ts.rfc3339(),
                format!("`{}`", c.request_id.replace('`', "'")),
            ];
            for v in [&c.model, &c.version].into_iter().flatten() {
                meta.push(escape_md(v));
            }
            meta.push(escape_md(&c.reasons.label().replace(';', ", ")));
            if let Some(x) = c.confidence {
                meta.push(format!("confidence {x}"));
            }
            if let Some(x) = c.rating {
                meta.push(format!("rating {x}"));
            }
            meta.push(c.category.name().to_string());
            let file = files.get(c.loc.file as usize).map_or("?", String::as_str);
            meta.push(format!("{}:{}", escape_md(file), c.loc.line));
            let _ = writeln!(m, "- {}", meta.join(" · "));
            for (name, text) in [
                ("Prompt", &c.prompt_excerpt),
                ("Response", &c.response_excerpt),
                ("Comment", &c.comment),
                ("Error", &c.error),
            ] {
                if !text.is_empty() {
                    let _ = writeln!(m, "  - {name}: {}", escape_md(text));
                }
            }
        }
        m.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_bars() {
        assert_eq!(
            escape_md("j***@x.io | <b>_a_"),
            "j\\*\\*\\*@x.io \\| &lt;b&gt;\\_a\\_"
        );
        assert_eq!(sparkline(&[0, 5, 10]), "▁▅█");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(0, 0, 4), "");
    }
}
