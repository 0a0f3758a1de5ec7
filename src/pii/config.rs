//! The `[pii]` section of `logwarden.toml` and the errors reported while compiling it.

use serde::{Deserialize, Serialize};

/// Settings of the PII detectors, deserialized from the `[pii]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PiiConfig {
    /// Type names (built-in or custom, case-insensitive) that are not detected at all.
    pub disable: Vec<String>,
    /// Exact values that are never reported, whatever type they are detected as.
    pub allow_values: Vec<String>,
    /// Regexes; a finding whose whole value matches one of them is not reported.
    pub allow_patterns: Vec<String>,
    /// Email domains (subdomains included) whose addresses are not reported, e.g. `example.com`.
    pub allow_email_domains: Vec<String>,
    /// Whether well-known documentation placeholders such as `AKIAIOSFODNN7EXAMPLE` are ignored.
    pub default_allowlist: bool,
    /// Key for fingerprints; when absent the caller falls back to `LOGWARDEN_PII_KEY`.
    pub key: Option<String>,
    /// Additional user-defined types (`[[pii.custom]]`), numbered after the built-ins.
    pub custom: Vec<CustomType>,
    /// Data class of a record without findings: public, internal, confidential or pii.
    pub default_class: String,
    /// Data class per type name, overriding the defaults (secrets → confidential, else pii).
    pub classes: std::collections::BTreeMap<String, String>,
    /// Fingerprints of accepted findings (16 hex digits each): findings of these values are
    /// left out of the reports and counted as suppressed, like a `--baseline` file's.
    pub ignore_fingerprints: Vec<String>,
    /// Countries (ISO 3166 codes such as `GB`, `DE`) whose national identifiers are detected;
    /// empty means every national type with a checksum or strict format (not the keyword-only
    /// US passport, driver licence and bank account types).
    pub regions: Vec<String>,
}

impl Default for PiiConfig {
    fn default() -> Self {
        PiiConfig {
            disable: Vec::new(),
            allow_values: Vec::new(),
            allow_patterns: Vec::new(),
            allow_email_domains: Vec::new(),
            default_allowlist: true,
            key: None,
            custom: Vec::new(),
            default_class: "internal".into(),
            classes: std::collections::BTreeMap::new(),
            ignore_fingerprints: Vec::new(),
            regions: Vec::new(),
        }
    }
}

/// A user-defined PII type: every match of `regex` that passes the optional validator is a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomType {
    /// Type name used in reports and redaction tags; letters, digits and `_` only.
    pub name: String,
    /// Regex (Rust `regex` syntax) matching the values of this type.
    pub regex: String,
    /// Optional checksum a match must pass: `"luhn"` or `"mod97"`.
    #[serde(default)]
    pub validator: Option<String>,
    /// Whether values of this type are secrets (reported and counted as such).
    #[serde(default)]
    pub secret: bool,
}

/// An invalid `[pii]` configuration; every message names the offending key.
#[derive(Debug, thiserror::Error)]
pub enum PiiConfigError {
    /// A `[[pii.custom]]` regex failed to compile.
    #[error("[pii.custom] regex of type {name:?} is invalid: {source}")]
    CustomRegex {
        /// Name of the custom type.
        name: String,
        /// The regex compiler's error.
        source: regex::Error,
    },
    /// A `[[pii.custom]]` regex is empty or matches the empty string, so it would find
    /// nothing or everything.
    #[error("[pii.custom] regex of type {name:?} is empty or matches the empty string; give a pattern for the values themselves")]
    EmptyRegex {
        /// Name of the custom type.
        name: String,
    },
    /// A `[[pii.custom]]` type has a validator other than `luhn` or `mod97`.
    #[error("[pii.custom] type {name:?} has unknown validator {validator:?} (expected \"luhn\" or \"mod97\")")]
    UnknownValidator {
        /// Name of the custom type.
        name: String,
        /// The rejected validator name.
        validator: String,
    },
    /// A `[[pii.custom]]` type name is empty, has characters other than letters, digits and
    /// `_`, or repeats a built-in or earlier custom name.
    #[error("[pii.custom] type name {name:?} is invalid: {reason}")]
    InvalidName {
        /// The rejected name.
        name: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// An entry of `disable` names no known type.
    #[error("[pii] disable: unknown PII type {name:?} (known types: {known})")]
    UnknownType {
        /// The unknown name.
        name: String,
        /// Comma-separated list of the valid names.
        known: String,
    },
    /// An entry of `regions` is not the country of any national type.
    #[error("[pii] regions: unknown region {region:?} (known regions: {known})")]
    UnknownRegion {
        /// The unknown region.
        region: String,
        /// Comma-separated list of the valid regions.
        known: String,
    },
    /// An entry of `allow_patterns` failed to compile.
    #[error("[pii] allow_patterns entry {pattern:?} is invalid: {source}")]
    AllowPattern {
        /// The rejected pattern.
        pattern: String,
        /// The regex compiler's error.
        source: regex::Error,
    },
}

/// Replaces the secrets of a parsed `[pii]` table in place, so the configuration can be
/// recorded (in `summary.json`) without them: `key` becomes a note with the key's public id
/// ([`super::key_id`]), and `allow_values` and `allow_patterns` (which may spell out the very
/// values a report must not show) become a count.
pub fn scrub_secrets(table: &mut toml::Table) {
    let Some(toml::Value::Table(pii)) = table.get_mut("pii") else {
        return;
    };
    if let Some(toml::Value::String(key)) = pii.get("key") {
        let note = format!("<not shown; key id {}>", super::key_id(key.as_bytes()));
        pii.insert("key".into(), toml::Value::String(note));
    }
    for (name, what) in [("allow_values", "values"), ("allow_patterns", "patterns")] {
        if let Some(toml::Value::Array(list)) = pii.get(name) {
            let note = format!("<{} {what} not shown>", list.len());
            pii.insert(name.into(), toml::Value::String(note));
        }
    }
}

impl crate::config::Validate for PiiConfig {
    /// Compiles the rules once (custom types, allowlist patterns, disabled types, regions) and
    /// checks the data classes, so a bad `[pii]` value is refused before any input is read.
    fn validate(&self) -> Result<(), crate::config::Invalid> {
        use super::{DataClass, Detectors};
        use crate::config::Invalid;
        // The `[[pii.custom]]` entry named `name` (the last one: a repeated name is refused
        // at its second use), at `key` inside it.
        let custom = |name: &str, key: &str, e: Invalid| {
            let i = self
                .custom
                .iter()
                .rposition(|c| c.name == name)
                .unwrap_or(0);
            e.in_key(key).in_index(i).in_key("custom")
        };
        let detectors = Detectors::new(self).map_err(|e| {
            let message = e.to_string();
            match &e {
                PiiConfigError::CustomRegex { name, .. } | PiiConfigError::EmptyRegex { name } => {
                    custom(name, "regex", Invalid::here(message))
                }
                PiiConfigError::UnknownValidator { name, .. } => {
                    custom(name, "validator", Invalid::here(message))
                }
                PiiConfigError::InvalidName { name, .. } => {
                    custom(name, "name", Invalid::here(message))
                }
                PiiConfigError::UnknownType { name, .. } => {
                    let i = self.disable.iter().position(|d| d == name).unwrap_or(0);
                    Invalid::here(message).in_index(i).in_key("disable")
                }
                PiiConfigError::AllowPattern { pattern, .. } => {
                    let i = self
                        .allow_patterns
                        .iter()
                        .position(|p| p == pattern)
                        .unwrap_or(0);
                    Invalid::here(message).in_index(i).in_key("allow_patterns")
                }
                PiiConfigError::UnknownRegion { region, .. } => {
                    let i = self.regions.iter().position(|r| r == region).unwrap_or(0);
                    Invalid::here(message).in_index(i).in_key("regions")
                }
            }
        })?;
        if DataClass::parse(&self.default_class).is_none() {
            return Err(Invalid::at(
                "default_class",
                format!(
                    "[pii] default_class = \"{}\": expected one of public, internal, confidential, pii",
                    self.default_class
                ),
            ));
        }
        for (t, c) in &self.classes {
            let at = |m: String| Invalid::at(t, m).in_key("classes");
            if !detectors.types().iter().any(|d| d.name == *t) {
                return Err(at(format!("[pii.classes] unknown type `{t}`")));
            }
            if DataClass::parse(c).is_none() {
                return Err(at(format!(
                    "[pii.classes] {t} = \"{c}\": expected one of public, internal, confidential, pii"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_scrubbed_from_the_recorded_table() {
        let mut t: toml::Table = toml::from_str(
            "[pii]\nkey = \"TOPSECRET\"\nallow_values = [\"123-45-6789\", \"x@y.io\"]\nallow_patterns = [\"a@b\\\\.io\"]\ndisable = [\"JWT\"]\n",
        )
        .unwrap();
        scrub_secrets(&mut t);
        let text = toml::to_string(&t).unwrap();
        for secret in ["TOPSECRET", "123-45-6789", "x@y.io", "a@b"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains(&super::super::key_id(b"TOPSECRET")), "{text}");
        assert!(
            text.contains("<2 values not shown>") && text.contains("JWT"),
            "{text}"
        );
    }

    #[test]
    fn defaults() {
        let c = PiiConfig::default();
        assert!(c.default_allowlist);
        assert!(c.custom.is_empty() && c.key.is_none());
    }

    #[test]
    fn error_messages_name_the_key() {
        let e = PiiConfigError::UnknownValidator {
            name: "EMP".into(),
            validator: "crc".into(),
        };
        let m = e.to_string();
        assert!(m.contains("[pii.custom]") && m.contains("EMP") && m.contains("crc"));
    }
}
