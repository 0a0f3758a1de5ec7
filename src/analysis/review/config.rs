//! The `[review]` section of `logwarden.toml`: what makes a request a case, how long excerpts
//! are, how similar prompts must be to cluster, and the ordered category rules.

use super::category::Category;
use serde::Deserialize;

/// Settings of the weekly failure review, deserialized from `[review]`.
///
/// Values are checked while the config is read (through [`RawReviewConfig`]), so a bad value is
/// reported with the file and line like every other config error.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawReviewConfig")]
pub struct ReviewConfig {
    /// A request whose `confidence` is below this is a case (`low_confidence`).
    pub min_confidence: f64,
    /// A request whose `feedback.rating` is below this is a case (`negative_feedback`).
    pub negative_below: f64,
    /// Characters kept of the prompt and response excerpts (cut on character boundaries).
    pub excerpt_chars: usize,
    /// Characters kept of feedback comments.
    pub comment_chars: usize,
    /// Average TF-IDF cosine similarity between the cases of two groups from which they merge
    /// into one cluster (average linkage).
    pub cluster_similarity: f64,
    /// Cases shown per owner on the review page.
    pub top_cases: usize,
    /// Category rules, tried in order; the first that matches decides a case's category.
    pub rules: Vec<CategoryRule>,
}

/// Default `review.cluster_similarity`, tuned on the development half of the evaluation
/// harness's intents (benches/review/).
pub const DEFAULT_CLUSTER_SIMILARITY: f64 = 0.03;

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            min_confidence: 0.5,
            negative_below: 0.0,
            excerpt_chars: 160,
            comment_chars: 500,
            cluster_similarity: DEFAULT_CLUSTER_SIMILARITY,
            top_cases: 5,
            rules: default_rules(),
        }
    }
}

/// `[review]` as written, before its values are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawReviewConfig {
    min_confidence: f64,
    negative_below: f64,
    excerpt_chars: usize,
    comment_chars: usize,
    cluster_similarity: f64,
    top_cases: usize,
    rules: Option<Vec<CategoryRule>>,
}

impl Default for RawReviewConfig {
    fn default() -> Self {
        let d = ReviewConfig::default();
        RawReviewConfig {
            min_confidence: d.min_confidence,
            negative_below: d.negative_below,
            excerpt_chars: d.excerpt_chars,
            comment_chars: d.comment_chars,
            cluster_similarity: d.cluster_similarity,
            top_cases: d.top_cases,
            rules: None,
        }
    }
}

impl TryFrom<RawReviewConfig> for ReviewConfig {
    type Error = String;

    fn try_from(raw: RawReviewConfig) -> Result<Self, String> {
        if !raw.min_confidence.is_finite() {
            return Err("[review] min_confidence must be a number".into());
        }
        if !raw.negative_below.is_finite() {
            return Err("[review] negative_below must be a number".into());
        }
        if !(1..=100_000).contains(&raw.excerpt_chars) {
            return Err("[review] excerpt_chars must be between 1 and 100000".into());
        }
        if !(1..=100_000).contains(&raw.comment_chars) {
            return Err("[review] comment_chars must be between 1 and 100000".into());
        }
        if !(raw.cluster_similarity > 0.0 && raw.cluster_similarity <= 1.0) {
            return Err("[review] cluster_similarity must be in (0, 1]".into());
        }
        Ok(ReviewConfig {
            min_confidence: raw.min_confidence,
            negative_below: raw.negative_below,
            excerpt_chars: raw.excerpt_chars,
            comment_chars: raw.comment_chars,
            cluster_similarity: raw.cluster_similarity,
            top_cases: raw.top_cases,
            rules: raw.rules.unwrap_or_else(default_rules),
        })
    }
}

/// One category rule: when its signal matches a case, the case gets `category`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawRule")]
pub struct CategoryRule {
    pub category: Category,
    pub signal: Signal,
}

/// What a rule looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// The value at a JSON path of `metadata` (dotted, array indices in brackets), written as
    /// text (`true`, `0`, `refuse`; `null` for JSON null), equals one of the values
    /// (case-insensitive; numbers compare by value).
    Metadata { path: String, equals: Vec<String> },
    /// `error.type` contains one of the words (case-insensitive).
    ErrorType(Vec<String>),
    /// The HTTP status matches one of the patterns: `429`, `4xx`, `5xx` or `non-2xx`.
    Status(Vec<String>),
    /// The feedback comment contains one of the phrases (case-insensitive).
    Comment(Vec<String>),
    /// The case has one of the reasons: `low_confidence`, `negative_feedback`, `error`.
    Reason(Vec<String>),
}

/// A rule as written: exactly one of the signal keys, plus `equals` for `metadata`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    category: Category,
    metadata: Option<String>,
    equals: Option<Vec<String>>,
    error_type: Option<Vec<String>>,
    status: Option<Vec<String>>,
    comment: Option<Vec<String>>,
    reason: Option<Vec<String>>,
}

const REASONS: [&str; 3] = ["low_confidence", "negative_feedback", "error"];

impl TryFrom<RawRule> for CategoryRule {
    type Error = String;

    fn try_from(r: RawRule) -> Result<Self, String> {
        let given = [
            r.metadata.is_some(),
            r.error_type.is_some(),
            r.status.is_some(),
            r.comment.is_some(),
            r.reason.is_some(),
        ];
        if given.iter().filter(|&&g| g).count() != 1 {
            return Err(
                "[[review.rules]] needs exactly one of metadata, error_type, status, comment, reason"
                    .into(),
            );
        }
        let non_empty = |key: &str, v: Vec<String>| {
            let v: Vec<String> = v.into_iter().map(|s| s.trim().to_lowercase()).collect();
            if v.is_empty() || v.iter().any(String::is_empty) {
                Err(format!("[[review.rules]] `{key}` needs non-empty values"))
            } else {
                Ok(v)
            }
        };
        if r.equals.is_some() && r.metadata.is_none() {
            return Err("[[review.rules]] `equals` goes with `metadata`".into());
        }
        let signal = if let Some(path) = r.metadata {
            if path.trim().is_empty() {
                return Err("[[review.rules]] `metadata` needs a JSON path".into());
            }
            let equals = r.equals.ok_or_else(|| {
                format!("[[review.rules]] metadata `{path}` needs `equals = [...]`")
            })?;
            Signal::Metadata {
                path: path.trim().to_string(),
                equals: non_empty("equals", equals)?,
            }
        } else if let Some(v) = r.error_type {
            Signal::ErrorType(non_empty("error_type", v)?)
        } else if let Some(v) = r.status {
            let v = non_empty("status", v)?;
            for s in &v {
                if !valid_status_pattern(s) {
                    return Err(format!(
                        "[[review.rules]] status `{s}` is not a status, `4xx`, `5xx` or `non-2xx`"
                    ));
                }
            }
            Signal::Status(v)
        } else if let Some(v) = r.comment {
            Signal::Comment(non_empty("comment", v)?)
        } else {
            let v = non_empty("reason", r.reason.unwrap_or_default())?;
            if let Some(bad) = v.iter().find(|s| !REASONS.contains(&s.as_str())) {
                return Err(format!(
                    "[[review.rules]] unknown reason `{bad}` (low_confidence, negative_feedback, error)"
                ));
            }
            Signal::Reason(v)
        };
        Ok(CategoryRule {
            category: r.category,
            signal,
        })
    }
}

fn valid_status_pattern(s: &str) -> bool {
    s == "non-2xx"
        || (s.len() == 3
            && s.as_bytes()[0].is_ascii_digit()
            && (s[1..] == *"xx" || s.bytes().all(|b| b.is_ascii_digit())))
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The built-in rules, in order: guardrail refusals and policy errors → policy; failed
/// requests → infra; empty retrieval → data; complaints about speed → infra; complaints about
/// form → ux; what remains of low confidence and negative feedback → model.
pub fn default_rules() -> Vec<CategoryRule> {
    use Category::*;
    let rule = |category, signal| CategoryRule { category, signal };
    vec![
        rule(
            Policy,
            Signal::Metadata {
                path: "guardrail.action".into(),
                equals: words(&["refuse", "refused", "block", "blocked", "deny"]),
            },
        ),
        rule(
            Policy,
            Signal::ErrorType(words(&[
                "content_filter",
                "policy",
                "safety",
                "moderation",
                "guardrail",
            ])),
        ),
        rule(
            Infra,
            Signal::ErrorType(words(&[
                "timeout",
                "overloaded",
                "upstream",
                "unavailable",
                "gateway",
                "rate_limit",
                "internal",
                "server",
            ])),
        ),
        rule(Infra, Signal::Status(words(&["non-2xx"]))),
        rule(
            Data,
            Signal::Metadata {
                path: "retrieval.empty".into(),
                equals: words(&["true"]),
            },
        ),
        rule(
            Data,
            Signal::Metadata {
                path: "context.missing".into(),
                equals: words(&["true"]),
            },
        ),
        rule(
            Infra,
            Signal::Comment(words(&[
                "too slow",
                "took forever",
                "slower",
                "timed out",
                "spinner",
            ])),
        ),
        rule(
            Ux,
            Signal::Comment(words(&[
                "confusing",
                "too long",
                "too verbose",
                "hard to read",
                "unclear",
                "formatting",
                "cut off",
                "wrong language",
                "sent me in circles",
            ])),
        ),
        rule(
            Model,
            Signal::Reason(words(&["low_confidence", "negative_feedback"])),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn defaults_and_overrides() {
        let c = Config::parse("", "c").unwrap();
        assert_eq!(c.review, ReviewConfig::default());
        let c = Config::parse(
            "[review]\nmin_confidence = 0.3\nexcerpt_chars = 40\n[[review.rules]]\ncategory = \"data\"\nmetadata = \"rag.hits\"\nequals = [\"0\"]\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.review.min_confidence, 0.3);
        assert_eq!(c.review.excerpt_chars, 40);
        assert_eq!(c.review.negative_below, 0.0);
        assert_eq!(
            c.review.rules,
            vec![CategoryRule {
                category: Category::Data,
                signal: Signal::Metadata {
                    path: "rag.hits".into(),
                    equals: vec!["0".into()]
                }
            }]
        );
    }

    #[test]
    fn bad_values_name_file_line_and_key() {
        for (text, want) in [
            ("[review]\nexcerpt_chars = 0\n", "excerpt_chars"),
            ("[review]\ncluster_similarity = 1.5\n", "cluster_similarity"),
            ("[review]\nmin_confidnce = 0.2\n", "min_confidnce"),
            (
                "[review]\n[[review.rules]]\ncategory = \"model\"\n",
                "exactly one",
            ),
            (
                "[review]\n[[review.rules]]\ncategory = \"ops\"\nreason = [\"error\"]\n",
                "ops",
            ),
            (
                "[review]\n[[review.rules]]\ncategory = \"infra\"\nstatus = [\"5x\"]\n",
                "5x",
            ),
            (
                "[review]\n[[review.rules]]\ncategory = \"data\"\nmetadata = \"a.b\"\n",
                "equals",
            ),
            (
                "[review]\n[[review.rules]]\ncategory = \"model\"\nreason = [\"slow\"]\n",
                "slow",
            ),
        ] {
            let e = Config::parse(text, "c.toml").unwrap_err().to_string();
            assert!(e.starts_with("c.toml:"), "{e}");
            assert!(e.contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn status_patterns() {
        for ok in ["429", "5xx", "4xx", "non-2xx"] {
            assert!(valid_status_pattern(ok), "{ok}");
        }
        for bad in ["5x", "xx5", "2000", "", "4x4"] {
            assert!(!valid_status_pattern(bad), "{bad}");
        }
    }
}
