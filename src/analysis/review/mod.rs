//! The weekly failure review: a fold that keeps the cases (low confidence, negative feedback,
//! and with `--include-errors` failed requests) of the period under review with masked
//! excerpts, compact signatures of the cases of the weeks before, and small per-period counts.
//! Memory grows with the number of cases, never with the size of the logs.

pub mod category;
pub mod cluster;
pub mod config;
pub mod counts;
pub mod excerpt;
pub mod period;
pub mod report;
pub mod signature;
pub mod similarity;

pub use category::Category;
pub use config::ReviewConfig;
pub use excerpt::Masker;
pub use period::Selection;
pub use report::ReviewReport;

use super::{Analysis, Line};
use crate::config::Owners;
use crate::record::{Dim, Location, Record};
use category::Signals;
use counts::PeriodCounts;
use period::{Grid, HISTORY_PERIODS, TREND_PERIODS};
use signature::{Signature, SignatureSource};
use std::sync::Arc;

/// Why a request is a case; a request can have several reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Reasons(u8);

impl Reasons {
    pub const LOW_CONFIDENCE: Reasons = Reasons(1);
    pub const NEGATIVE_FEEDBACK: Reasons = Reasons(2);
    pub const ERROR: Reasons = Reasons(4);
    /// Every reason with its CSV name, in the order `reasons` lists them.
    pub const ALL: [(Reasons, &'static str); 3] = [
        (Reasons::LOW_CONFIDENCE, "low_confidence"),
        (Reasons::NEGATIVE_FEEDBACK, "negative_feedback"),
        (Reasons::ERROR, "error"),
    ];

    /// True when every reason of `other` is in `self`.
    pub fn contains(self, other: Reasons) -> bool {
        self.0 & other.0 == other.0
    }

    /// Adds the reasons of `other`.
    pub fn insert(&mut self, other: Reasons) {
        self.0 |= other.0;
    }

    /// True when there is no reason (the request is not a case).
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The reasons `;`-joined in the contract's order: `low_confidence;negative_feedback;error`.
    pub fn join(self) -> String {
        Reasons::ALL
            .iter()
            .filter(|(r, _)| self.contains(*r))
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// Everything the review needs besides the records, shared by all chunks.
#[derive(Debug)]
pub struct ReviewOptions {
    pub config: ReviewConfig,
    pub owners: Owners,
    pub selection: Selection,
    /// Failed requests (non-2xx) are cases too.
    pub include_errors: bool,
    pub masker: Masker,
}

/// One case of the period under review. Every text field is masked and cut already.
#[derive(Debug, Clone)]
pub struct Case {
    /// Request time, epoch microseconds.
    pub ts: i64,
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
    pub signature: Signature,
    /// Index into the report's clusters, set when the report is built.
    pub cluster: usize,
    period: i64,
}

/// A case of an earlier period, kept only as its signature for the cluster history.
#[derive(Debug, Clone)]
struct PastCase {
    period: i64,
    signature: Signature,
}

/// The review fold.
#[derive(Debug)]
pub struct Review {
    opts: Arc<ReviewOptions>,
    grid: Grid,
    needs_metadata: bool,
    counts: PeriodCounts,
    cases: Vec<Case>,
    past: Vec<PastCase>,
    /// Latest period seen (only tracked when the period is chosen from the data).
    latest: Option<i64>,
    min_ts: Option<i64>,
    max_ts: Option<i64>,
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
                        signature: c.signature,
                    });
                }
            }
        }
        self.past.retain(|p| p.period >= w.past_from);
        self.counts.retain_from(w.counts_from);
    }

    fn reasons(&self, rec: &Record<'_>, failed: bool) -> Reasons {
        let cfg = &self.opts.config;
        let mut r = Reasons::default();
        if rec.confidence.is_some_and(|c| c < cfg.min_confidence) {
            r.insert(Reasons::LOW_CONFIDENCE);
        }
        if rec.rating.is_some_and(|x| x < cfg.negative_below) {
            r.insert(Reasons::NEGATIVE_FEEDBACK);
        }
        if failed && self.opts.include_errors {
            r.insert(Reasons::ERROR);
        }
        r
    }

    /// Builds a full case: masks every text now, so no raw text outlives its line.
    fn full_case<'a>(
        &self,
        rec: &Record<'a>,
        line: &Line<'_>,
        ts: i64,
        period: i64,
        reasons: Reasons,
        failed: bool,
    ) -> Case {
        let cfg = &self.opts.config;
        let m = &self.opts.masker;
        let prompt = text(rec.prompt);
        let response = text(rec.response);
        let comment = text(rec.comment);
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
            request_id: m.mask(&text(rec.request_id)),
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
            signature: signature_of(m, &prompt, &response, &error_text),
            cluster: 0,
            period,
        }
    }
}

/// The decoded text of an optional field (empty when absent).
fn text<'a>(v: Option<crate::record::JsonStr<'a>>) -> std::borrow::Cow<'a, str> {
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

/// The signature of a case: from its prompt, else its response, else its error; detected
/// PII is blanked out first, so a pasted value never decides what a case is about.
fn signature_of(masker: &Masker, prompt: &str, response: &str, error: &str) -> Signature {
    let (source, text) = if !prompt.trim().is_empty() {
        (SignatureSource::Prompt, prompt)
    } else if !response.trim().is_empty() {
        (SignatureSource::Response, response)
    } else {
        (SignatureSource::Error, error)
    };
    let head = signature::text_head(text);
    Signature::of_text(source, &masker.blank_pii(head))
}

/// True when a request did not succeed: a non-2xx status, or an error object without a status.
pub fn failed(rec: &Record<'_>) -> bool {
    match rec.status {
        Some(s) => !(200..=299).contains(&s),
        None => rec.error.is_some(),
    }
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
        let failed = failed(rec);
        let reasons = self.reasons(rec, failed);
        self.counts.add(period, rec, reasons, failed);
        if reasons.is_empty() {
            return;
        }
        if period >= w.full_from {
            let case = self.full_case(rec, line, ts, period, reasons, failed);
            self.cases.push(case);
        } else if period >= w.past_from {
            let prompt = text(rec.prompt);
            let response = text(rec.response);
            self.past.push(PastCase {
                period,
                signature: signature_of(&self.opts.masker, &prompt, &response, &error_text(rec)),
            });
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
