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

/// A row key as it may be written: unchanged unless it holds a detected value.
pub fn scrub_key(value: &str) -> Cow<'_, str> {
    let s = SCRUBBER.get_or_init(|| KeyScrubber {
        detectors: Detectors::new(&PiiConfig::default()).expect("the default detectors compile"),
        fingerprints: Fingerprinter::new(&fingerprint_key(&PiiConfig::default()).0),
    });
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
}
