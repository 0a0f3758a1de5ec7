//! Allowlists: exact values, whole-value patterns, email domains and the built-in list of
//! well-known documentation placeholders that must not be reported as leaks.

use std::collections::HashSet;

use regex::RegexSet;

use super::{PiiConfig, PiiConfigError, TypeId, AWS, EMAIL};

/// Placeholder credentials published in vendor documentation (the AWS docs' example key pair).
/// They appear in countless tutorials and are never real, so gitleaks-style scanners skip them.
const DOC_PLACEHOLDERS: [&str; 4] = [
    "AKIAIOSFODNN7EXAMPLE",
    "AKIAI44QH8DHBEXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    // Stripe's documentation test key, printed in every Stripe API example.
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
];

/// The compiled allowlist consulted for every finding before it is reported.
#[derive(Debug)]
pub(crate) struct Allowlist {
    values: HashSet<String>,
    patterns: Option<RegexSet>,
    email_domains: Vec<String>,
    defaults: bool,
}

impl Allowlist {
    /// Compiles the allowlist settings of `cfg`.
    pub(crate) fn new(cfg: &PiiConfig) -> Result<Self, PiiConfigError> {
        let mut anchored = Vec::with_capacity(cfg.allow_patterns.len());
        for p in &cfg.allow_patterns {
            // Compile each pattern alone first so the error names the offending entry.
            let a = format!("^(?:{p})$");
            regex::Regex::new(&a).map_err(|source| PiiConfigError::AllowPattern {
                pattern: p.clone(),
                source,
            })?;
            anchored.push(a);
        }
        let patterns = if anchored.is_empty() {
            None
        } else {
            Some(
                RegexSet::new(&anchored).map_err(|source| PiiConfigError::AllowPattern {
                    pattern: cfg.allow_patterns.join(" | "),
                    source,
                })?,
            )
        };
        Ok(Allowlist {
            values: cfg.allow_values.iter().cloned().collect(),
            patterns,
            email_domains: cfg
                .allow_email_domains
                .iter()
                .map(|d| {
                    d.trim()
                        .trim_start_matches('@')
                        .trim_matches('.')
                        .to_ascii_lowercase()
                })
                .filter(|d| !d.is_empty())
                .collect(),
            defaults: cfg.default_allowlist,
        })
    }

    /// Returns true if `value`, detected as type `id`, must not be reported.
    pub(crate) fn is_allowed(&self, id: TypeId, value: &str) -> bool {
        if self.defaults
            && (DOC_PLACEHOLDERS.contains(&value) || (id == AWS && value.contains("EXAMPLE")))
        {
            return true;
        }
        if self.values.contains(value) {
            return true;
        }
        if id == EMAIL && !self.email_domains.is_empty() {
            if let Some((_, domain)) = value.rsplit_once('@') {
                let domain = domain.to_ascii_lowercase();
                let hit = self.email_domains.iter().any(|d| {
                    domain == *d
                        || (domain.len() > d.len()
                            && domain.ends_with(d.as_str())
                            && domain.as_bytes()[domain.len() - d.len() - 1] == b'.')
                });
                if hit {
                    return true;
                }
            }
        }
        self.patterns.as_ref().is_some_and(|p| p.is_match(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(cfg: PiiConfig) -> Allowlist {
        Allowlist::new(&cfg).unwrap()
    }

    #[test]
    fn default_placeholders() {
        let a = allow(PiiConfig::default());
        assert!(a.is_allowed(AWS, "AKIAIOSFODNN7EXAMPLE"));
        assert!(a.is_allowed(AWS, "ASIAXXEXAMPLEXXXXXXX"));
        assert!(!a.is_allowed(AWS, "AKIA2E0A8F3B244C9986"));
        assert!(!a.is_allowed(2, "4111111111111111"));
        assert!(!a.is_allowed(EMAIL, "john@example.com"));
        let off = allow(PiiConfig {
            default_allowlist: false,
            ..PiiConfig::default()
        });
        assert!(!off.is_allowed(AWS, "AKIAIOSFODNN7EXAMPLE"));
    }

    #[test]
    fn values_patterns_domains() {
        let a = allow(PiiConfig {
            allow_values: vec!["10.0.0.1".into()],
            allow_patterns: vec![r"192\.168\.\d+\.\d+".into()],
            allow_email_domains: vec!["Example.com".into()],
            ..PiiConfig::default()
        });
        assert!(a.is_allowed(5, "10.0.0.1"));
        assert!(a.is_allowed(5, "192.168.1.20"));
        // Patterns must match the whole value.
        assert!(!a.is_allowed(5, "1192.168.1.20"));
        assert!(a.is_allowed(EMAIL, "Bob@EXAMPLE.com"));
        assert!(a.is_allowed(EMAIL, "bob@mail.example.com"));
        assert!(!a.is_allowed(EMAIL, "bob@notexample.com"));
    }

    #[test]
    fn bad_pattern_is_reported() {
        let err = Allowlist::new(&PiiConfig {
            allow_patterns: vec!["(unclosed".into()],
            ..PiiConfig::default()
        })
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("allow_patterns") && err.contains("(unclosed"),
            "{err}"
        );
    }
}
