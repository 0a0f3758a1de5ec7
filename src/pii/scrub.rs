//! Row keys: the dimension values a report groups by (model, version, tenant, user_id, …) are
//! log content too, and a `user_id` is often an email address. A key holding a detected value
//! is written with each value as its keyed hash tag (`<EMAIL_ADDRESS:3f9a…>`): still a distinct,
//! stable key, matching the fingerprints of `pii_findings.csv`, and never the raw value.

use super::{redact_text, Detectors, Fingerprinter, PiiConfig, PiiConfigError, RedactMode};
use std::borrow::Cow;
use std::sync::OnceLock;

/// The fingerprint key used when neither `[pii] key` nor `LOGWARDEN_PII_KEY` is set: stable, so
/// fingerprints compare across runs, but not secret: anyone can recompute them for a guessed
/// value.
pub const DEFAULT_KEY: &str = "logwarden-default-fingerprint-key";

/// The fingerprint key: `[pii] key`, else `$LOGWARDEN_PII_KEY`, else [`DEFAULT_KEY`]; and
/// whether it is the built-in one.
pub fn fingerprint_key(cfg: &PiiConfig) -> (Vec<u8>, bool) {
    if let Some(k) = &cfg.key {
        return (k.as_bytes().to_vec(), false);
    }
    match std::env::var("LOGWARDEN_PII_KEY") {
        Ok(k) if !k.is_empty() => (k.into_bytes(), false),
        _ => (DEFAULT_KEY.as_bytes().to_vec(), true),
    }
}

/// Where the fingerprint key of `cfg` comes from: `"config"` (`[pii] key`), `"environment"`
/// (`LOGWARDEN_PII_KEY`) or `"built-in"` ([`DEFAULT_KEY`]), in the order [`fingerprint_key`]
/// looks.
pub fn key_source(cfg: &PiiConfig) -> &'static str {
    if cfg.key.is_some() {
        "config"
    } else if std::env::var("LOGWARDEN_PII_KEY").is_ok_and(|k| !k.is_empty()) {
        "environment"
    } else {
        "built-in"
    }
}

struct KeyScrubber {
    detectors: Detectors,
    fingerprints: Fingerprinter,
}

static SCRUBBER: OnceLock<KeyScrubber> = OnceLock::new();

/// Sets the detectors and key of [`scrub_key`] from a run's `[pii]` section. The first call of
/// the process wins (a run has one configuration); without one the defaults apply.
pub fn configure_keys(cfg: &PiiConfig) -> Result<(), PiiConfigError> {
    if SCRUBBER.get().is_none() {
        let detectors = Detectors::new(cfg)?;
        let _ = SCRUBBER.set(KeyScrubber {
            detectors,
            fingerprints: Fingerprinter::new(&fingerprint_key(cfg).0),
        });
    }
    Ok(())
}

/// The run's scrubber, or one with the default detectors when none was configured.
fn scrubber() -> &'static KeyScrubber {
    SCRUBBER.get_or_init(|| KeyScrubber {
        detectors: Detectors::new(&PiiConfig::default()).expect("the default detectors compile"),
        fingerprints: Fingerprinter::new(&fingerprint_key(&PiiConfig::default()).0),
    })
}

/// A row key as it may be written: unchanged unless it holds a detected value.
pub fn scrub_key(value: &str) -> Cow<'_, str> {
    let s = scrubber();
    let mut hits = Vec::new();
    s.detectors.scan(value, &mut hits);
    if hits.is_empty() {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(redact_text(
            value,
            &hits,
            &s.detectors,
            RedactMode::Hash,
            &s.fingerprints,
        ))
    }
}

/// Numbers below this are never checked by [`number_holds_pii`]: written out they have at most
/// five digits before the point, fewer than any value the built-in detectors report.
const NUMBER_CHECK_FROM: f64 = 1e5;

/// True when `value`, written as JSON would write it, is a value the PII audit flags (a
/// 16-digit card number in `latency_ms`, an E.164 phone number in `tokens_in`): such a number
/// is a leaked value, and a report must not print it as a measurement. Uses the run's
/// detectors, as [`scrub_key`] does.
pub fn number_holds_pii(value: f64) -> bool {
    if !value.is_finite() || value.abs() < NUMBER_CHECK_FROM {
        return false;
    }
    let s = scrubber();
    let mut hits = Vec::new();
    s.detectors.scan_number(&value.to_string(), &mut hits);
    !hits.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_key_wins() {
        let cfg = PiiConfig {
            key: Some("k1".into()),
            ..PiiConfig::default()
        };
        assert_eq!(fingerprint_key(&cfg), (b"k1".to_vec(), false));
    }

    #[test]
    fn keys_with_pii_become_distinct_hash_tags() {
        assert_eq!(scrub_key("gpt-4o-mini"), "gpt-4o-mini");
        assert_eq!(scrub_key("v2.3.1"), "v2.3.1");
        let a = scrub_key("john.doe@acme.io").into_owned();
        let b = scrub_key("jane.roe@acme.io").into_owned();
        assert!(a.starts_with("<EMAIL_ADDRESS:") && a.ends_with('>'), "{a}");
        assert_ne!(a, b);
        assert_eq!(scrub_key("john.doe@acme.io"), a, "stable");
        let mixed = scrub_key("team-a/john.doe@acme.io").into_owned();
        assert!(mixed.starts_with("team-a/<EMAIL_ADDRESS:"), "{mixed}");
    }

    #[test]
    fn numbers_holding_pii() {
        assert!(number_holds_pii(4_539_149_458_073_027.0), "a card number");
        assert!(number_holds_pii(14_158_675_309.0), "an E.164 phone number");
        assert!(!number_holds_pii(1_764_000_000_000.0), "epoch milliseconds");
        assert!(!number_holds_pii(1234.5));
        assert!(!number_holds_pii(0.00042));
        assert!(!number_holds_pii(f64::NAN));
    }
}
