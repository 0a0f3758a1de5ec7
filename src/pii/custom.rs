//! User-defined PII types from `[[pii.custom]]`: a regex plus an optional checksum validator,
//! compiled under size limits and run on bounded windows, so no pattern can make a long value
//! cost more than linear time.

use regex::{Regex, RegexBuilder};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{card, iban, push, CustomType, Finding, PiiConfigError, TypeId, BUILTIN};

/// Checksum a custom match must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Validator {
    /// Luhn over the digits of the match (separators ignored).
    Luhn,
    /// ISO 7064 mod-97 over the alphanumerics, IBAN style (first four moved to the end).
    Mod97,
}

/// Most bytes a compiled custom regex may take (the `regex` crate's size limit): a pattern
/// such as `\w{1000}{1000}` is rejected when the config is loaded, not run.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Most bytes of the lazy DFA's cache per regex.
const DFA_SIZE_LIMIT: usize = 4 << 20;
/// Texts longer than this are searched in windows of this many bytes, so a search that must
/// look far ahead (`[0-9]+X|[0-9]` over a long run of digits) costs at most a window per
/// match instead of the rest of the text: the time per value is linear in its length.
pub const WINDOW: usize = 2048;
/// Consecutive windows overlap by this many bytes; a match is found whole when it is no longer
/// than this. A match that reaches the end of a window that is not the last may be cut there:
/// such values are counted as having hit the bound.
pub const OVERLAP: usize = 256;

/// One compiled custom type.
#[derive(Debug)]
pub(super) struct CustomDetector {
    /// The type id assigned to this custom type.
    pub(super) type_id: TypeId,
    regex: Regex,
    validator: Option<Validator>,
    detector: &'static str,
}

/// Compiles the custom types, numbering them from `first_id`.
pub(super) fn compile(
    types: &[CustomType],
    first_id: usize,
) -> Result<Vec<CustomDetector>, PiiConfigError> {
    let mut out: Vec<CustomDetector> = Vec::with_capacity(types.len());
    for (k, t) in types.iter().enumerate() {
        let invalid = |reason| PiiConfigError::InvalidName {
            name: t.name.clone(),
            reason,
        };
        if t.name.is_empty()
            || !t
                .name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            return Err(invalid("use only letters, digits and '_'"));
        }
        let clash = BUILTIN
            .iter()
            .map(|d| d.name)
            .chain(types[..k].iter().map(|c| c.name.as_str()))
            .any(|n| n.eq_ignore_ascii_case(&t.name));
        if clash {
            return Err(invalid("the name is already used by another type"));
        }
        let type_id =
            TypeId::try_from(first_id + k).map_err(|_| invalid("too many custom types"))?;
        let validator = match t.validator.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) if v.eq_ignore_ascii_case("luhn") => Some(Validator::Luhn),
            Some(v) if v.eq_ignore_ascii_case("mod97") => Some(Validator::Mod97),
            Some(v) => {
                return Err(PiiConfigError::UnknownValidator {
                    name: t.name.clone(),
                    validator: v.to_string(),
                })
            }
        };
        if t.regex.is_empty() {
            return Err(PiiConfigError::EmptyRegex {
                name: t.name.clone(),
            });
        }
        let regex = RegexBuilder::new(&t.regex)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(DFA_SIZE_LIMIT)
            .build()
            .map_err(|source| PiiConfigError::CustomRegex {
                name: t.name.clone(),
                source,
            })?;
        if regex.is_match("") {
            return Err(PiiConfigError::EmptyRegex {
                name: t.name.clone(),
            });
        }
        let detector = match validator {
            None => "custom",
            Some(Validator::Luhn) => "custom+luhn",
            Some(Validator::Mod97) => "custom+mod97",
        };
        out.push(CustomDetector {
            type_id,
            regex,
            validator,
            detector,
        });
    }
    Ok(out)
}

impl CustomDetector {
    /// Appends the validated matches of this type in `text` to `out`. Texts longer than
    /// [`WINDOW`] are searched window by window; when a match reaches the cut end of a window
    /// the value hit the bound, and `bounded` is incremented once for it.
    pub(super) fn scan(&self, text: &str, out: &mut Vec<Finding>, bounded: &AtomicU64) {
        if text.len() <= WINDOW {
            self.scan_window(text, 0, text.len(), out);
            return;
        }
        let mut hit_bound = false;
        let mut start = 0;
        // Matches are taken from each window while they start before `next`, where the
        // following window begins; that window finds the later ones, whole.
        while start < text.len() {
            let end = floor_char_boundary(text, (start + WINDOW).min(text.len()));
            let last = end == text.len();
            let next = if last {
                text.len()
            } else {
                ceil_char_boundary(text, (end - OVERLAP).max(start + 1))
            };
            let before = out.len();
            self.scan_window(&text[..end], start, next, out);
            if !last && out[before..].iter().any(|f| f.end == end) {
                hit_bound = true;
            }
            start = next;
        }
        if hit_bound {
            bounded.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Appends the validated matches of `haystack` that start in `from..until`. The search
    /// starts at `from` but sees the text before it, so `\b` and look-behind-like context at
    /// a window's start are what they are in the whole text.
    fn scan_window(&self, haystack: &str, from: usize, until: usize, out: &mut Vec<Finding>) {
        let mut pos = from;
        while pos <= haystack.len() {
            let Some(m) = self.regex.find_at(haystack, pos) else {
                break;
            };
            if m.start() >= until {
                break;
            }
            pos = if m.is_empty() {
                ceil_char_boundary(haystack, m.end() + 1)
            } else {
                m.end()
            };
            if m.is_empty() || !self.passes(m.as_str()) {
                continue;
            }
            push(out, m.start(), m.end(), self.type_id, self.detector);
        }
    }

    fn passes(&self, value: &str) -> bool {
        match self.validator {
            None => true,
            Some(Validator::Luhn) => {
                let digits: Vec<u8> = value.bytes().filter(u8::is_ascii_digit).collect();
                digits.len() >= 2 && card::luhn(&digits)
            }
            Some(Validator::Mod97) => {
                let alnum: Vec<u8> = value.bytes().filter(u8::is_ascii_alphanumeric).collect();
                alnum.len() > 4 && iban::mod97(&alnum) == Some(1)
            }
        }
    }
}

/// The largest char boundary of `s` at or before `i`.
fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `s` at or after `i`.
fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::super::{CustomType, Detectors, PiiConfig};

    fn ct(name: &str, regex: &str, validator: Option<&str>, secret: bool) -> CustomType {
        CustomType {
            name: name.into(),
            regex: regex.into(),
            validator: validator.map(Into::into),
            secret,
        }
    }

    fn cfg(custom: Vec<CustomType>) -> PiiConfig {
        PiiConfig {
            custom,
            ..PiiConfig::default()
        }
    }

    #[test]
    fn custom_types_get_ids_after_builtins() {
        let d = Detectors::new(&cfg(vec![
            ct("EMPLOYEE_ID", r"\bEMP-\d{6}\b", None, false),
            ct("INTERNAL_TOKEN", r"\bitk_[A-Za-z0-9]{24}\b", None, true),
            ct("ACCOUNT", r"\bACC\d{11}\b", Some("luhn"), false),
        ]))
        .unwrap();
        let first = super::super::BUILTIN_COUNT as u16;
        assert_eq!(d.type_count(), usize::from(first) + 3);
        assert_eq!(d.type_name(first), "EMPLOYEE_ID");
        assert!(!d.is_secret(first) && d.is_secret(first + 1));
        let text =
            "emp EMP-123456 tok itk_abcdefghijABCDEFGHIJ0123 acc ACC79927398713 bad ACC79927398710";
        let mut out = Vec::new();
        d.scan(text, &mut out);
        let got: Vec<(&str, &str)> = out
            .iter()
            .map(|f| (d.type_name(f.type_id), &text[f.start..f.end]))
            .collect();
        assert_eq!(
            got,
            [
                ("EMPLOYEE_ID", "EMP-123456"),
                ("INTERNAL_TOKEN", "itk_abcdefghijABCDEFGHIJ0123"),
                ("ACCOUNT", "ACC79927398713"),
            ]
        );
        assert_eq!(out[0].detector, "custom");
        assert_eq!(out[2].detector, "custom+luhn");
    }

    #[test]
    fn mod97_validator_and_disable() {
        let mut c = cfg(vec![ct(
            "BANK",
            r"\b[A-Z]{2}\d{2}-[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{2}\b",
            Some("mod97"),
            false,
        )]);
        let d = Detectors::new(&c).unwrap();
        let mut out = Vec::new();
        d.scan(
            "x DE89-3704-0044-0532-0130-00 y DE88-3704-0044-0532-0130-00",
            &mut out,
        );
        assert_eq!(out.len(), 1);
        // The dashed IBAN is a built-in finding too.
        c.disable = vec!["bank".into(), "iban_code".into()];
        let d = Detectors::new(&c).unwrap();
        out.clear();
        d.scan("x DE89-3704-0044-0532-0130-00 y", &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn long_values_are_searched_in_windows_and_bounded() {
        let d = Detectors::new(&cfg(vec![ct("EMP", r"\bEMP-\d{6}\b", None, false)])).unwrap();
        // Matches everywhere in a long text, including across window edges, found once each.
        let mut text = String::new();
        let mut want = Vec::new();
        for i in 0..600 {
            text.push_str(&"é ".repeat(i % 7));
            want.push(text.len());
            text.push_str(&format!("EMP-{:06} ", i));
        }
        assert!(text.len() > 4 * super::WINDOW);
        let mut out = Vec::new();
        d.scan(&text, &mut out);
        let got: Vec<usize> = out.iter().map(|f| f.start).collect();
        assert_eq!(got, want);
        assert_eq!(d.custom_bounded(), 0);
        // A match longer than the overlap is cut at a window edge, and counted.
        let d = Detectors::new(&cfg(vec![ct("RUN", r"Q{300,}", None, false)])).unwrap();
        let text = format!("{}{}", "x".repeat(super::WINDOW - 400), "Q".repeat(1000));
        let mut out = Vec::new();
        d.scan(&text, &mut out);
        assert!(!out.is_empty());
        assert_eq!(d.custom_bounded(), 1);
    }

    #[test]
    fn pathological_pattern_runs_in_linear_time() {
        // Quadratic with whole-text searches: every one-digit match rescans the digit run.
        let d = Detectors::new(&cfg(vec![ct("Q", "[0-9]+X|[0-9]", None, false)])).unwrap();
        let text = "7".repeat(100_000);
        let mut out = Vec::new();
        d.scan(&text, &mut out);
        assert_eq!(out.iter().filter(|f| f.end - f.start == 1).count(), 100_000);
    }

    #[test]
    fn empty_and_oversized_regexes_are_rejected() {
        for re in ["", "x*", "(?:)"] {
            let e = Detectors::new(&cfg(vec![ct("E", re, None, false)]))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("matches the empty string") || e.contains("empty"),
                "{e}"
            );
        }
        let e = Detectors::new(&cfg(vec![ct("BIG", r"\w{1000}{1000}", None, false)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("BIG") && e.contains("size limit"), "{e}");
    }

    #[test]
    fn config_errors() {
        let e = Detectors::new(&cfg(vec![ct("BAD", "(", None, false)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("[pii.custom]") && e.contains("BAD"), "{e}");
        let e = Detectors::new(&cfg(vec![ct("X", "x", Some("crc32"), false)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("crc32") && e.contains("validator"), "{e}");
        let e = Detectors::new(&cfg(vec![ct("email_address", "x", None, false)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("already used"), "{e}");
        let e = Detectors::new(&cfg(vec![
            ct("A", "x", None, false),
            ct("A", "y", None, false),
        ]))
        .unwrap_err()
        .to_string();
        assert!(e.contains("already used"), "{e}");
        let e = Detectors::new(&cfg(vec![ct("has space", "x", None, false)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("letters"), "{e}");
    }
}
