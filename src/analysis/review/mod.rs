//! The weekly failure review: a fold that keeps the cases (low confidence, negative feedback,
//! and with `--include-errors` failed requests) of the period under review with masked
//! excerpts, the normalized texts of the cases of the weeks before, and small per-period counts.
//! Memory grows with the number of cases, never with the size of the logs.

pub mod boilerplate;
pub mod category;
pub mod cluster;
pub mod config;
pub mod counts;
pub mod excerpt;
pub mod memo;
pub mod period;
pub mod report;
pub mod text;
pub mod vector;

pub use category::Category;
pub use config::ReviewConfig;
pub use excerpt::Masker;
pub use period::Selection;
pub use report::ReviewReport;

use super::{Analysis, Line};
use crate::analysis::reasons::FailureRules;
pub use crate::analysis::reasons::Reasons;
use crate::config::Owners;
use crate::record::time::Micros;
use crate::record::{Dim, Location, Record};
use category::Signals;
use counts::PeriodCounts;
use period::{Grid, HISTORY_PERIODS, TREND_PERIODS};
use std::sync::Arc;
use text::{Doc, Normalizer, Source, Vocabulary};

/// Everything the review needs besides the records, shared by all chunks.
#[derive(Debug)]
pub struct ReviewOptions {
    pub config: ReviewConfig,
    pub owners: Owners,
    pub selection: Selection,
    /// Failed requests (non-2xx) are cases too.
    pub include_errors: bool,
    pub masker: Masker,
    /// `report --state DIR`: the clustering kept in `DIR` (see `memo.rs`).
    pub memo: Option<Arc<memo::ClusterMemo>>,
}

/// One case of the period under review. Every text field is masked and cut already.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Case {
    /// Request time.
    pub ts: Micros,
    pub loc: Location,
    pub request_id: String,
    pub reasons: Reasons,
    pub category: Category,
    /// The owner of the category, from `[owners]`.
    pub owner: String,
    pub status: Option<u16>,
    pub model: Option<String>,
    pub version: Option<String>,
    pub confidence: Option<f64>,
    pub rating: Option<f64>,
    pub prompt_excerpt: String,
    pub response_excerpt: String,
    pub comment: String,
    /// `type: message` of the request's error, if any.
    pub error: String,
    /// The normalized text the case is grouped by.
    pub doc: Doc,
    /// Index into the report's clusters, set when the report is built.
    pub cluster: usize,
    period: i64,
}

/// A case of an earlier period, kept only as its normalized text for the cluster history.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PastCase {
    period: i64,
    doc: Doc,
}

/// The review fold.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Review {
    /// Not in a durable state: the options of the run that loads it.
    #[serde(skip, default = "crate::state::loading::review_options")]
    opts: Arc<ReviewOptions>,
    grid: Grid,
    needs_metadata: bool,
    counts: PeriodCounts,
    cases: Vec<Case>,
    past: Vec<PastCase>,
    /// The readable words of the tokens, for cluster labels.
    vocab: Vocabulary,
    #[serde(skip)]
    normalizer: Normalizer,
    /// Latest period seen (only tracked when the period is chosen from the data).
    latest: Option<i64>,
    min_ts: Option<Micros>,
    max_ts: Option<Micros>,
    without_ts: u64,
}

/// Which periods the fold keeps, in full, as signatures, and as counts.
#[derive(Debug, Clone, Copy)]
struct Windows {
    counts_from: i64,
    past_from: i64,
    full_from: i64,
    upto: i64,
}

impl ReviewOptions {
    /// The default options (`report`'s latest week), for a state decoded outside a run's
    /// loading context.
    pub(crate) fn default_for_loading() -> ReviewOptions {
        ReviewOptions {
            config: ReviewConfig::default(),
            owners: Owners::default(),
            selection: Selection::LatestWeek,
            include_errors: false,
            masker: Masker::new(&crate::pii::PiiConfig::default())
                .expect("the default detectors compile"),
            memo: None,
        }
    }
}

impl Review {
    /// A fresh accumulator.
    pub fn new(opts: Arc<ReviewOptions>) -> Review {
        Review {
            grid: opts.selection.grid(),
            needs_metadata: category::needs_metadata(&opts.config.rules),
            opts,
            counts: PeriodCounts::default(),
            cases: Vec::new(),
            past: Vec::new(),
            vocab: Vocabulary::default(),
            normalizer: Normalizer::default(),
            latest: None,
            min_ts: None,
            max_ts: None,
            without_ts: 0,
        }
    }

    /// The windows for the periods seen so far. When the week is chosen from the data, it is
    /// the latest period or the one before, so both are kept in full until `finish`.
    fn windows(&self) -> Windows {
        let (full_from, upto) = match self.opts.selection.fixed_index() {
            Some(p) => (p, p),
            None => match self.latest {
                Some(m) => (m - 1, m),
                None => (i64::MIN, i64::MAX),
            },
        };
        Windows {
            counts_from: full_from.saturating_sub(TREND_PERIODS - 1),
            past_from: full_from.saturating_sub(HISTORY_PERIODS),
            full_from,
            upto,
        }
    }

    /// Drops or compacts what fell out of the windows after the latest period moved on.
    fn prune(&mut self) {
        let w = self.windows();
        if self.cases.iter().any(|c| c.period < w.full_from) {
            let cases = std::mem::take(&mut self.cases);
            for c in cases {
                if c.period >= w.full_from {
                    self.cases.push(c);
                } else if c.period >= w.past_from {
                    self.past.push(PastCase {
                        period: c.period,
                        doc: c.doc,
                    });
                }
            }
        }
        self.past.retain(|p| p.period >= w.past_from);
        self.counts.retain_from(w.counts_from);
    }

    /// The reasons `rec` is a case (errors only with `--include-errors`), and whether it
    /// failed, both by the one definition in `analysis::reasons`.
    fn reasons(&self, rec: &Record<'_>) -> (Reasons, bool) {
        let cfg = &self.opts.config;
        let rules = FailureRules {
            min_confidence: cfg.min_confidence,
            negative_below: cfg.negative_below,
        };
        let all = Reasons::of(rec, &rules);
        let failed = all.contains(Reasons::ERROR);
        let reasons = if self.opts.include_errors {
            all
        } else {
            all.without_error()
        };
        (reasons, failed)
    }

    /// Builds a full case: masks every text now, so no raw text outlives its line.
    fn full_case<'a>(
        &mut self,
        rec: &Record<'a>,
        line: &Line<'_>,
        ts: Micros,
        period: i64,
        reasons: Reasons,
        failed: bool,
    ) -> Case {
        let cfg = &self.opts.config;
        let m = &self.opts.masker;
        let prompt = field_text(rec.prompt);
        let response = field_text(rec.response);
        let comment = field_text(rec.comment);
        let error_type = rec.error.and_then(|e| e.kind).map(|k| k.get());
        let error_text = error_text(rec);
        let metadata = match rec.metadata {
            Some(raw) if self.needs_metadata => serde_json::from_str(raw).ok(),
            _ => None,
        };
        let signals = Signals {
            status: rec.status,
            error_type: error_type.as_deref(),
            comment: Some(&comment),
            metadata: metadata.as_ref(),
            reasons,
            failed,
        };
        let category = category::classify(&cfg.rules, &signals);
        Case {
            ts,
            loc: line.loc,
            request_id: m.mask(&field_text(rec.request_id)),
            reasons,
            category,
            owner: category.owner(&self.opts.owners).to_string(),
            status: rec.status,
            model: rec.dim(Dim::Model).map(|v| m.mask(&v.get())),
            version: rec.dim(Dim::Version).map(|v| m.mask(&v.get())),
            confidence: rec.confidence,
            rating: rec.rating,
            prompt_excerpt: m.excerpt(&prompt, cfg.excerpt_chars),
            response_excerpt: m.excerpt(&response, cfg.excerpt_chars),
            comment: m.excerpt(&comment, cfg.comment_chars),
            error: m.excerpt(&error_text, cfg.excerpt_chars),
            doc: doc_of(
                &self.normalizer,
                &mut self.vocab,
                m,
                &prompt,
                &response,
                &error_text,
            ),
            cluster: 0,
            period,
        }
    }
}

/// The decoded text of an optional field (empty when absent).
fn field_text<'a>(v: Option<crate::record::JsonStr<'a>>) -> std::borrow::Cow<'a, str> {
    v.map(|s| s.get()).unwrap_or_default()
}

/// `type: message` of a record's error (either part may be missing).
fn error_text(rec: &Record<'_>) -> String {
    let Some(e) = rec.error else {
        return String::new();
    };
    match (e.kind.map(|k| k.get()), e.message.map(|m| m.get())) {
        (Some(k), Some(m)) => format!("{k}: {m}"),
        (Some(k), None) => k.into_owned(),
        (None, Some(m)) => m.into_owned(),
        (None, None) => String::new(),
    }
}

/// The normalized text of a case: its prompt, else its response, else its error; detected
/// PII is blanked out first, so a pasted value never decides what a case is about.
fn doc_of(
    normalizer: &Normalizer,
    vocab: &mut Vocabulary,
    masker: &Masker,
    prompt: &str,
    response: &str,
    error: &str,
) -> Doc {
    let (source, text) = if !prompt.trim().is_empty() {
        (Source::Prompt, prompt)
    } else if !response.trim().is_empty() {
        (Source::Response, response)
    } else {
        (Source::Error, error)
    };
    let head = text::prefix(text, text::MAX_TEXT_BYTES);
    normalizer.doc(source, &masker.blank_pii(head), vocab)
}

impl Analysis for Review {
    type Output = ReviewReport;

    fn observe(&mut self, rec: &Record<'_>, line: &Line<'_>) {
        let Some(ts) = rec.ts else {
            self.without_ts += 1;
            return;
        };
        self.min_ts = Some(self.min_ts.map_or(ts, |m| m.min(ts)));
        self.max_ts = Some(self.max_ts.map_or(ts, |m| m.max(ts)));
        let period = self.grid.index(ts);
        if self.opts.selection.fixed_index().is_none() && self.latest.is_none_or(|m| period > m) {
            self.latest = Some(period);
            self.prune();
        }
        let w = self.windows();
        if period < w.counts_from || period > w.upto {
            return;
        }
        let (reasons, failed) = self.reasons(rec);
        self.counts.add(period, rec, reasons, failed);
        if reasons.is_empty() {
            return;
        }
        if period >= w.full_from {
            let case = self.full_case(rec, line, ts, period, reasons, failed);
            self.cases.push(case);
        } else if period >= w.past_from {
            let prompt = field_text(rec.prompt);
            let response = field_text(rec.response);
            let doc = doc_of(
                &self.normalizer,
                &mut self.vocab,
                &self.opts.masker,
                &prompt,
                &response,
                &error_text(rec),
            );
            self.past.push(PastCase { period, doc });
        }
    }

    fn merge(&mut self, other: Review) {
        self.without_ts += other.without_ts;
        self.min_ts = match (self.min_ts, other.min_ts) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max_ts = match (self.max_ts, other.max_ts) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.counts.merge(other.counts);
        self.cases.extend(other.cases);
        self.past.extend(other.past);
        self.vocab.merge(other.vocab);
        let moved = match (self.latest, other.latest) {
            (Some(a), Some(b)) => b > a,
            (None, Some(_)) => true,
            _ => false,
        };
        if moved {
            self.latest = other.latest;
        }
        // The other side may hold periods that are old for this side's latest: prune always.
        self.prune();
    }

    fn finish(self) -> ReviewReport {
        report::build(self)
    }
}

#[cfg(test)]
mod tests;
