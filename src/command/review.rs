//! `logwarden review`: the weekly failure review (`failures.csv`, `failure_clusters.csv`,
//! `review_wow.csv`, `review.md`, `review.html`).

use super::{check_skips, note_left_out, skipped_table, sources, Common, Outcome};
use crate::analysis::review::report::ReviewReport;
use crate::analysis::review::{Masker, Review, ReviewOptions, Selection};
use crate::analysis::Analysis;
use crate::output::{fmt_opt, OutputFolder, Table};
use crate::report::{review_html, review_md};
use crate::scan::scan;
use anyhow::{bail, Context};
use std::sync::Arc;

/// Runs the review. The period is selected inside the analysis (the scan reads everything),
/// because the review also needs the weeks before the period for trends and cluster history.
pub fn run(common: &Common, selection: Selection, include_errors: bool) -> anyhow::Result<Outcome> {
    let masker = Masker::new(&common.config.pii).context("config [pii]")?;
    let opts = Arc::new(ReviewOptions {
        config: common.config.review.clone(),
        owners: common.config.owners.clone(),
        selection,
        include_errors,
        masker,
        memo: None,
    });
    let mut scan_opts = common.scan.clone();
    scan_opts.since = None;
    scan_opts.until = None;
    let sources = sources(common)?;
    let (acc, summary) = scan(&sources, &scan_opts, || Review::new(opts.clone()))?;
    check_skips(common, &summary, super::Needs::Timestamps)?;
    let report = acc.finish();
    if let Some(line) = outside_the_data(&report) {
        bail!("{line}");
    }
    note_left_out(common, "review", report.without_ts, "a timestamp");
    if !common.quiet {
        if report.has_data {
            eprintln!(
                "logwarden: review {} ({}): {} cases in {} clusters",
                report.period_label,
                report.selected_by,
                crate::skip::thousands(report.cases.len() as u64),
                crate::skip::thousands(report.current_clusters().count() as u64)
            );
        } else {
            eprintln!("logwarden: review: no record with a timestamp, nothing to review");
        }
    }
    let failures = failures_table(&report, &summary.files);
    match &common.output {
        None => crate::output::write_stdout(&failures.to_csv()).context("stdout")?,
        Some(dir) => {
            let set = OutputFolder::begin(dir, common.quiet)?;
            set.add("failures.csv", &failures.to_csv())?;
            set.add("failure_clusters.csv", &clusters_table(&report).to_csv())?;
            set.add("review_wow.csv", &wow_table(&report).to_csv())?;
            set.add(
                "review.md",
                review_md::render(&report, &summary.files).as_bytes(),
            )?;
            set.add(
                "review.html",
                review_html::render(&report, &summary.files).as_bytes(),
            )?;
            set.add("skipped.csv", &skipped_table(&summary).to_csv())?;
            set.commit()?;
        }
    }
    Ok(Outcome::default())
}

/// The error of a review period (`--week`, `--since`/`--until`) that holds no record of the
/// data, naming the data's range; `None` when the period and the data overlap.
fn outside_the_data(report: &ReviewReport) -> Option<String> {
    let (Some(from), Some(to)) = (report.data_from, report.data_to) else {
        return None;
    };
    if to >= report.period_start && from < report.period_end {
        return None;
    }
    use crate::analysis::review::period::day_label as day;
    use crate::bucket::BucketKind;
    Some(format!(
        "review: {} ({}) is outside the data, which runs from {} to {} ({} to {}); pick a week in that range",
        report.period_label,
        report.selected_by,
        day(from),
        day(to),
        BucketKind::Week.label(BucketKind::Week.start(from)),
        BucketKind::Week.label(BucketKind::Week.start(to)),
    ))
}

/// `failures.csv`: one row per case, in the contract's columns, then `error`.
pub fn failures_table(r: &ReviewReport, files: &[String]) -> Table {
    let mut t = Table::new([
        "week",
        "ts",
        "request_id",
        "file",
        "line",
        "reasons",
        "category",
        "owner",
        "status",
        "model",
        "version",
        "confidence",
        "rating",
        "cluster",
        "prompt_excerpt",
        "response_excerpt",
        "comment",
        "error",
        "cluster_label",
    ]);
    for c in &r.cases {
        t.push(vec![
            crate::analysis::review::period::iso_week_label(c.ts),
            c.ts.rfc3339(),
            c.request_id.clone(),
            files.get(c.loc.file as usize).cloned().unwrap_or_default(),
            c.loc.line.to_string(),
            c.reasons.label().to_string(),
            c.category.name().to_string(),
            c.owner.clone(),
            c.status.map(|s| s.to_string()).unwrap_or_default(),
            c.model.clone().unwrap_or_default(),
            c.version.clone().unwrap_or_default(),
            fmt_opt(c.confidence),
            fmt_opt(c.rating),
            r.clusters
                .get(c.cluster)
                .map(|k| k.id.clone())
                .unwrap_or_default(),
            c.prompt_excerpt.clone(),
            c.response_excerpt.clone(),
            c.comment.clone(),
            c.error.clone(),
            r.clusters
                .get(c.cluster)
                .map(|k| k.label.clone())
                .unwrap_or_default(),
        ]);
    }
    t
}

pub use crate::report::review_tables::{clusters_table, wow_table};
