//! Categories of failure (the RACI idea: whose problem is it?) and the evaluation of the
//! ordered `[[review.rules]]` that map a case's signals onto one of them.

use super::config::{CategoryRule, Signal};
use super::Reasons;
use crate::config::Owners;
use serde::Deserialize;
use serde_json::Value;

/// What kind of problem a case is, which decides who owns it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The answer was poor: the model or its prompt.
    Model,
    /// The request failed or was slow: serving infrastructure.
    Infra,
    /// Retrieval or context was missing: the data pipeline.
    Data,
    /// The answer's form (length, language, formatting) put the user off.
    Ux,
    /// A guardrail or policy refused the request.
    Policy,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 5] = [
        Category::Model,
        Category::Infra,
        Category::Data,
        Category::Ux,
        Category::Policy,
    ];

    /// The name used in CSV and the config.
    pub fn name(self) -> &'static str {
        match self {
            Category::Model => "model",
            Category::Infra => "infra",
            Category::Data => "data",
            Category::Ux => "ux",
            Category::Policy => "policy",
        }
    }

    /// The team that owns this category in the `[owners]` table.
    pub fn owner(self, owners: &Owners) -> &str {
        match self {
            Category::Model => &owners.model,
            Category::Infra => &owners.infra,
            Category::Data => &owners.data,
            Category::Ux => &owners.ux,
            Category::Policy => &owners.policy,
        }
    }
}

/// What the rules can look at for one case. Text fields are raw here; they are read, never
/// stored.
#[derive(Debug, Default)]
pub struct Signals<'a> {
    pub status: Option<u16>,
    pub error_type: Option<&'a str>,
    pub comment: Option<&'a str>,
    /// The parsed `metadata`, when the record had valid metadata and a rule needs it.
    pub metadata: Option<&'a Value>,
    pub reasons: Reasons,
    /// True when the request did not succeed (non-2xx, or an error without a status).
    pub failed: bool,
}

/// True when any rule reads `metadata`, so the caller knows whether to parse it.
pub fn needs_metadata(rules: &[CategoryRule]) -> bool {
    rules
        .iter()
        .any(|r| matches!(r.signal, Signal::Metadata { .. }))
}

/// The category of the first matching rule; when none matches, `infra` for a failed request
/// and `model` for the rest.
pub fn classify(rules: &[CategoryRule], s: &Signals<'_>) -> Category {
    rules
        .iter()
        .find(|r| matches(&r.signal, s))
        .map(|r| r.category)
        .unwrap_or(if s.failed {
            Category::Infra
        } else {
            Category::Model
        })
}

fn matches(signal: &Signal, s: &Signals<'_>) -> bool {
    match signal {
        Signal::Metadata { path, equals } => s
            .metadata
            .and_then(|m| lookup(m, path))
            .is_some_and(|v| equals.iter().any(|want| value_equals(v, want))),
        Signal::ErrorType(words) => s.error_type.is_some_and(|t| contains_any(t, words)),
        Signal::Comment(words) => s.comment.is_some_and(|c| contains_any(c, words)),
        Signal::Status(patterns) => patterns.iter().any(|p| status_matches(p, s)),
        Signal::Reason(names) => names.iter().any(|n| match n.as_str() {
            "low_confidence" => s.reasons.contains(Reasons::LOW_CONFIDENCE),
            "negative_feedback" => s.reasons.contains(Reasons::NEGATIVE_FEEDBACK),
            "error" => s.reasons.contains(Reasons::ERROR),
            _ => false,
        }),
    }
}

/// True when `text` contains one of the (lowercase) words, ignoring case.
fn contains_any(text: &str, words: &[String]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|w| lower.contains(w.as_str()))
}

fn status_matches(pattern: &str, s: &Signals<'_>) -> bool {
    if pattern == "non-2xx" {
        return s.failed;
    }
    let Some(status) = s.status else {
        return false;
    };
    let text = format!("{status:03}");
    pattern
        .bytes()
        .zip(text.bytes())
        .all(|(p, t)| p == b'x' || p == t)
        && text.len() == pattern.len()
}

/// The value at a dotted path with bracketed array indices (`a.b[0].c`).
pub fn lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = root;
    for part in crate::record::format::split_path(path) {
        cur = match part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
            Some(index) => cur.get(index.parse::<usize>().ok()?)?,
            None => cur.get(part.as_str())?,
        };
    }
    Some(cur)
}

/// Compares a JSON value with a rule's text: strings ignoring case, numbers by value, booleans
/// and null by their JSON spelling.
fn value_equals(v: &Value, want: &str) -> bool {
    match v {
        Value::String(s) => s.eq_ignore_ascii_case(want),
        Value::Bool(b) => want == if *b { "true" } else { "false" },
        Value::Null => want == "null",
        Value::Number(n) => match (n.as_f64(), want.parse::<f64>()) {
            (Some(a), Ok(b)) => a == b,
            _ => false,
        },
        Value::Array(_) | Value::Object(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::default_rules;
    use super::*;

    fn signals<'a>(meta: Option<&'a Value>) -> Signals<'a> {
        Signals {
            status: Some(200),
            reasons: Reasons::LOW_CONFIDENCE,
            metadata: meta,
            ..Signals::default()
        }
    }

    #[test]
    fn default_rules_cover_each_category() {
        let rules = default_rules();
        let refuse: Value =
            serde_json::from_str(r#"{"guardrail":{"action":"refuse"},"retrieval":{"empty":true}}"#)
                .unwrap();
        assert_eq!(classify(&rules, &signals(Some(&refuse))), Category::Policy);
        let empty: Value = serde_json::from_str(
            r#"{"guardrail":{"action":"allow"},"retrieval":{"docs":0,"empty":true}}"#,
        )
        .unwrap();
        assert_eq!(classify(&rules, &signals(Some(&empty))), Category::Data);
        assert_eq!(classify(&rules, &signals(None)), Category::Model);

        let timeout = Signals {
            status: Some(504),
            error_type: Some("upstream_timeout"),
            failed: true,
            reasons: Reasons::ERROR,
            ..Signals::default()
        };
        assert_eq!(classify(&rules, &timeout), Category::Infra);
        let filtered = Signals {
            status: Some(400),
            error_type: Some("Content_Filter"),
            failed: true,
            ..Signals::default()
        };
        assert_eq!(classify(&rules, &filtered), Category::Policy);

        let long = Signals {
            comment: Some("Way TOO LONG and confusing"),
            reasons: Reasons::NEGATIVE_FEEDBACK,
            ..signals(None)
        };
        assert_eq!(classify(&rules, &long), Category::Ux);
        let slow = Signals {
            comment: Some("too slow, gave up waiting"),
            ..signals(None)
        };
        assert_eq!(classify(&rules, &slow), Category::Infra);
    }

    #[test]
    fn fallback_when_no_rule_matches() {
        let failed = Signals {
            status: Some(503),
            failed: true,
            ..Signals::default()
        };
        assert_eq!(classify(&[], &failed), Category::Infra);
        assert_eq!(classify(&[], &signals(None)), Category::Model);
    }

    #[test]
    fn metadata_paths_and_values() {
        let v: Value =
            serde_json::from_str(r#"{"a":{"b":[{"c":0.0},{"c":"X"}]},"n":null,"t":false}"#)
                .unwrap();
        assert_eq!(lookup(&v, "a.b[1].c"), Some(&Value::String("X".into())));
        assert_eq!(lookup(&v, "a.b[2].c"), None);
        assert_eq!(lookup(&v, "a.x"), None);
        assert!(value_equals(lookup(&v, "a.b[0].c").unwrap(), "0"));
        assert!(value_equals(lookup(&v, "a.b[1].c").unwrap(), "x"));
        assert!(value_equals(lookup(&v, "n").unwrap(), "null"));
        assert!(value_equals(lookup(&v, "t").unwrap(), "false"));
        assert!(!value_equals(lookup(&v, "a").unwrap(), "a"));
    }

    #[test]
    fn status_patterns_match() {
        let s = |status| Signals {
            status: Some(status),
            failed: !(200..300).contains(&status),
            ..Signals::default()
        };
        assert!(status_matches("5xx", &s(503)));
        assert!(!status_matches("5xx", &s(429)));
        assert!(status_matches("429", &s(429)));
        assert!(status_matches("non-2xx", &s(404)));
        assert!(!status_matches("non-2xx", &s(204)));
    }
}
