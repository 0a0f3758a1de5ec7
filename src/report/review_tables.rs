//! The tables of the weekly review, each defined once as a typed [`Table`]: week over week and
//! clusters (written as CSV by `review` and `report`, and shown in `review.md` and
//! `review.html` through views of the same table), and owners (on both pages).

use crate::analysis::review::report::{ClusterSummary, OwnerSummary, ReviewReport, WowRow};
use crate::output::{def, Cell, Kind, Look, Table};

/// `review_wow.csv`: each metric for all traffic, each model and each release, in the period
/// and the one before, with rates as fractions of the scope's requests.
pub fn wow_table(r: &ReviewReport) -> Table {
    Table::build(
        &[
            def("period", Kind::Text, |_: &WowRow| {
                r.period_label.as_str().into()
            }),
            def("compared_to", Kind::Text, |_: &WowRow| {
                r.previous_label.as_str().into()
            }),
            def("dimension", Kind::Text, |w: &WowRow| w.dimension.into()),
            def("value", Kind::Text, |w: &WowRow| w.value.as_str().into()),
            def("metric", Kind::Text, |w: &WowRow| w.metric.into()),
            def("current", Kind::Integer, |w: &WowRow| {
                Cell::count(w.current)
            }),
            def("previous", Kind::Integer, |w: &WowRow| {
                Cell::count(w.previous)
            }),
            def("change", Kind::Integer, |w: &WowRow| Cell::Change {
                current: w.current,
                previous: w.previous,
            }),
            def("requests", Kind::Integer, |w: &WowRow| {
                Cell::count(w.requests)
            }),
            def("previous_requests", Kind::Integer, |w: &WowRow| {
                Cell::count(w.previous_requests)
            }),
            def("rate", Kind::Percent, |w: &WowRow| Cell::opt(w.rate())),
            def("previous_rate", Kind::Percent, |w: &WowRow| {
                Cell::opt(w.previous_rate())
            }),
            def("rate_change", Kind::Percent, |w: &WowRow| {
                Cell::RateChange {
                    current: w.rate(),
                    previous: w.previous_rate(),
                }
            }),
        ],
        &r.wow,
    )
}

/// The sections of the week-over-week view for people: title, first column's title, and the
/// view of [`wow_table`] (by reason for all traffic; all cases by model and by release).
pub fn wow_sections(r: &ReviewReport) -> Vec<(&'static str, Table)> {
    let wow = wow_table(r);
    let picks = |first: &'static str, source: &'static str| {
        [
            (source, first),
            ("current", "This period"),
            ("previous", "Previous"),
            ("change", "Change"),
            ("rate", "Rate"),
            ("previous_rate", "Previous rate"),
            ("rate_change", "Rate change"),
            ("requests", "Requests"),
        ]
    };
    let mut out = vec![(
        "By reason",
        wow.view(&picks("Reason", "metric"), |w| w.text("dimension") == "all")
            .map_column("Reason", |c| match c {
                Cell::Text(m) => Cell::Text(m.replace('_', " ")),
                other => other.clone(),
            }),
    )];
    for (dim, title, first) in [
        ("model", "By model", "Model"),
        ("version", "By release", "Release"),
    ] {
        let t = wow
            .view(&picks(first, "value"), |w| {
                w.text("dimension") == dim && w.text("metric") == "cases"
            })
            .map_column(first, |c| match c {
                Cell::Text(v) if v.is_empty() => "(none)".into(),
                other => other.clone(),
            });
        if !t.rows().is_empty() {
            out.push((title, t));
        }
    }
    out
}

/// `failure_clusters.csv`: one row per cluster, largest first, then the clusters of the
/// previous period that have no case now (`resolved`, size 0).
pub fn clusters_table(r: &ReviewReport) -> Table {
    let history =
        |k: usize| move |c: &ClusterSummary| Cell::count(c.history.get(k).copied().unwrap_or(0));
    Table::build(
        &[
            def("cluster", Kind::Text, |c: &ClusterSummary| {
                c.id.as_str().into()
            })
            .look(Look::Anchor),
            def("size", Kind::Integer, |c: &ClusterSummary| {
                Cell::count(c.size)
            })
            .look(Look::Strong),
            def("size_w1", Kind::Integer, history(0)),
            def("size_w2", Kind::Integer, history(1)),
            def("size_w3", Kind::Integer, history(2)),
            def("size_w4", Kind::Integer, history(3)),
            def("status", Kind::Text, |c: &ClusterSummary| {
                c.status.name().into()
            })
            .look(Look::Badge),
            def("representative", Kind::Text, |c: &ClusterSummary| {
                c.representative.as_str().into()
            })
            .look(Look::Excerpt),
            def("top_model", Kind::Text, |c: &ClusterSummary| {
                c.top_model.as_str().into()
            }),
            def("top_version", Kind::Text, |c: &ClusterSummary| {
                c.top_version.as_str().into()
            }),
            def("top_category", Kind::Text, |c: &ClusterSummary| {
                if c.is_resolved() {
                    Cell::Text(String::new())
                } else {
                    c.top_category.name().into()
                }
            }),
            def("owner", Kind::Text, |c: &ClusterSummary| {
                c.owner.as_str().into()
            }),
            def("label", Kind::Text, |c: &ClusterSummary| {
                c.label.as_str().into()
            }),
        ],
        &r.clusters,
    )
}

/// The clusters of this period for people, at most `shown`, with the sizes of the previous
/// periods titled by their axis labels (`prev`, most recent first).
pub fn clusters_view(r: &ReviewReport, prev: &[String], shown: usize) -> Table {
    let history = ["size_w1", "size_w2", "size_w3", "size_w4"];
    let mut picks: Vec<(&str, &str)> = vec![
        ("cluster", "Cluster"),
        ("label", "Label"),
        ("status", "Status"),
        ("size", "Cases"),
    ];
    picks.extend(history.iter().zip(prev).map(|(h, l)| (*h, l.as_str())));
    picks.extend([
        ("top_category", "Category"),
        ("owner", "Owner"),
        ("top_model", "Model"),
        ("top_version", "Release"),
        ("representative", "Representative (masked)"),
    ]);
    clusters_table(r)
        .view(&picks, |c| c.text("status") != "resolved")
        .head(shown)
}

/// [`clusters_view`] as `review.html` shows it: category and owner in one column, model and
/// release in another.
pub fn clusters_page_view(r: &ReviewReport, prev: &[String], shown: usize) -> Table {
    clusters_view(r, prev, shown)
        .join_columns("Category", "Owner", "Category · owner", " · ")
        .join_columns("Model", "Release", "Model · release", " · ")
}

/// The clusters of the previous period with no case now, at most `shown`, with their size then.
pub fn resolved_view(r: &ReviewReport, shown: usize) -> Table {
    let then = format!("Cases in {}", r.previous_label);
    clusters_table(r)
        .view(
            &[
                ("cluster", "Cluster"),
                ("label", "Label"),
                ("size_w1", then.as_str()),
            ],
            |c| c.text("status") == "resolved",
        )
        .head(shown)
}

/// An HTML id fragment for an owner name (`#owner-…` on `review.html`).
pub fn owner_slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The owners of this period's cases: each cluster and its cases under the owner of the
/// cluster's majority category, so the case and cluster columns add up to the review's.
pub fn owners_table(r: &ReviewReport) -> Table {
    let total = r.cases.len() as u64;
    let mut defs = vec![
        def("Owner", Kind::Text, |o: &OwnerSummary| Cell::Link {
            text: o.owner.clone(),
            href: format!("#owner-{}", owner_slug(&o.owner)),
        }),
        def("Categories", Kind::Text, |o: &OwnerSummary| {
            o.by_category
                .iter()
                .map(|(c, n)| format!("{} {}", c.name(), super::fmt_count(*n)))
                .collect::<Vec<_>>()
                .join(" · ")
                .into()
        }),
        def("Cases", Kind::Integer, |o: &OwnerSummary| {
            Cell::count(o.cases)
        }),
        def("Share", Kind::Percent, move |o: &OwnerSummary| {
            Cell::opt((total > 0).then(|| o.cases as f64 / total as f64))
        }),
        def("Low confidence", Kind::Integer, |o: &OwnerSummary| {
            Cell::count(o.low_confidence)
        }),
        def("Negative feedback", Kind::Integer, |o: &OwnerSummary| {
            Cell::count(o.negative_feedback)
        }),
    ];
    if r.include_errors {
        defs.push(def("Errors", Kind::Integer, |o: &OwnerSummary| {
            Cell::count(o.errors)
        }));
    }
    defs.push(def("Clusters", Kind::Integer, |o: &OwnerSummary| {
        Cell::count(o.clusters)
    }));
    Table::build(&defs, &r.owners)
}
