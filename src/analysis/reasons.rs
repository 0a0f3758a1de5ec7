//! Why a request counts as a failure: low confidence, negative feedback, an error. Shared by
//! the weekly review and the requests table so both label a request the same way.

use crate::record::Record;

/// Default `review.min_confidence`: a confidence below this is `low_confidence`.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.5;

/// Default `review.negative_below`: a feedback rating below this is `negative_feedback`.
pub const DEFAULT_NEGATIVE_BELOW: f64 = 0.0;

/// The thresholds that turn a record into failure reasons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FailureRules {
    /// A confidence strictly below this is `low_confidence`.
    pub min_confidence: f64,
    /// A rating strictly below this is `negative_feedback`.
    pub negative_below: f64,
}

impl Default for FailureRules {
    fn default() -> Self {
        FailureRules {
            min_confidence: DEFAULT_MIN_CONFIDENCE,
            negative_below: DEFAULT_NEGATIVE_BELOW,
        }
    }
}

/// A set of failure reasons, written `;`-joined in a fixed order
/// (`low_confidence;negative_feedback;error`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Reasons(u8);

impl Reasons {
    pub const NONE: Reasons = Reasons(0);
    pub const LOW_CONFIDENCE: Reasons = Reasons(1);
    pub const NEGATIVE_FEEDBACK: Reasons = Reasons(2);
    /// The request failed: a status outside 2xx, or an `error` object.
    pub const ERROR: Reasons = Reasons(4);

    /// Number of distinct sets (every combination of the three reasons).
    pub const COMBINATIONS: usize = 8;

    /// The reasons that apply to `rec` under `rules`.
    pub fn of(rec: &Record<'_>, rules: &FailureRules) -> Reasons {
        let mut bits = 0;
        if rec.confidence.is_some_and(|c| c < rules.min_confidence) {
            bits |= Self::LOW_CONFIDENCE.0;
        }
        if rec.rating.is_some_and(|r| r < rules.negative_below) {
            bits |= Self::NEGATIVE_FEEDBACK.0;
        }
        let failed_status = rec.status_class().is_failure();
        if failed_status || rec.error.is_some() {
            bits |= Self::ERROR.0;
        }
        Reasons(bits)
    }

    /// The set with index `i` (`0..COMBINATIONS`), for enumerating every label.
    pub fn from_index(i: usize) -> Reasons {
        Reasons((i % Self::COMBINATIONS) as u8)
    }

    /// A dense index in `0..COMBINATIONS`.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    pub fn contains(self, other: Reasons) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The union of two sets.
    pub fn with(self, other: Reasons) -> Reasons {
        Reasons(self.0 | other.0)
    }

    /// The `;`-joined label; empty for no reason.
    pub fn label(self) -> &'static str {
        const LABELS: [&str; Reasons::COMBINATIONS] = [
            "",
            "low_confidence",
            "negative_feedback",
            "low_confidence;negative_feedback",
            "error",
            "low_confidence;error",
            "negative_feedback;error",
            "low_confidence;negative_feedback;error",
        ];
        LABELS[self.index()]
    }

    /// The label without `error`, for reports where errors are opt-in (`--include-errors`).
    pub fn without_error(self) -> Reasons {
        Reasons(self.0 & !Self::ERROR.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::ErrorInfo;

    #[test]
    fn thresholds_are_strict_and_labels_ordered() {
        let rules = FailureRules::default();
        let mut rec = Record {
            status: Some(200),
            confidence: Some(0.5),
            rating: Some(0.0),
            ..Record::default()
        };
        assert_eq!(Reasons::of(&rec, &rules), Reasons::NONE);
        rec.confidence = Some(0.49);
        rec.rating = Some(-1.0);
        rec.status = Some(503);
        let r = Reasons::of(&rec, &rules);
        assert_eq!(r.label(), "low_confidence;negative_feedback;error");
        assert_eq!(
            r.without_error().label(),
            "low_confidence;negative_feedback"
        );
        assert!(r.contains(Reasons::ERROR));
    }

    #[test]
    fn error_object_or_failed_status_is_error() {
        let rules = FailureRules::default();
        let rec = Record {
            status: Some(200),
            error: Some(ErrorInfo::default()),
            ..Record::default()
        };
        assert_eq!(Reasons::of(&rec, &rules), Reasons::ERROR);
        let no_status = Record::default();
        assert!(Reasons::of(&no_status, &rules).is_empty());
        let custom = FailureRules {
            min_confidence: 0.9,
            negative_below: 1.0,
        };
        let rec = Record {
            confidence: Some(0.8),
            rating: Some(0.0),
            ..Record::default()
        };
        assert_eq!(
            Reasons::of(&rec, &custom).label(),
            "low_confidence;negative_feedback"
        );
        for i in 0..Reasons::COMBINATIONS {
            assert_eq!(Reasons::from_index(i).index(), i);
        }
    }
}
