//! Redaction of findings in text: replace each with a type tag, a mask, or a keyed hash tag,
//! such that scanning the redacted output finds nothing again.

use super::{Detectors, Finding, Fingerprinter};

/// How a finding is rendered in redacted text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedactMode {
    /// `<EMAIL_ADDRESS>`.
    Tag,
    /// The output of [`Detectors::mask`], e.g. `j***@example.com`.
    Mask,
    /// `<EMAIL_ADDRESS:0123456789abcdef>` with the value's keyed fingerprint.
    Hash,
}

/// Most extra redaction rounds; each round only replaces text that is not a replacement, so
/// this is a guard against adversarial custom regexes rather than a limit normally reached.
const MAX_ROUNDS: usize = 4;

/// Returns `text` with every finding replaced: Tag -> `<EMAIL_ADDRESS>`, Mask -> mask(), Hash -> `<EMAIL_ADDRESS:3f9a…16hex>`.
/// Findings are sorted and non-overlapping (as `scan` returns them). Replacement strings must themselves never be
/// detected again by `scan` (redaction must be idempotent: scanning the output finds nothing — test this).
///
/// Findings that are out of range, off char boundaries or overlapping an earlier one are
/// skipped rather than trusted. Because removing a value can change the context of its
/// neighbours (a number that touched an address is no longer touching anything), the output
/// is rescanned and redacted again until it is clean.
pub fn redact_text(
    text: &str,
    findings: &[Finding],
    detectors: &Detectors,
    mode: RedactMode,
    fp: &Fingerprinter,
) -> String {
    if findings.is_empty() {
        return text.to_string();
    }
    let mut out = apply(text, findings, detectors, mode, fp);
    let mut again = Vec::new();
    for _ in 0..MAX_ROUNDS {
        again.clear();
        detectors.scan(&out, &mut again);
        if again.is_empty() {
            break;
        }
        out = apply(&out, &again, detectors, mode, fp);
    }
    out
}

/// Replaces each valid finding of `text` once.
fn apply(
    text: &str,
    findings: &[Finding],
    detectors: &Detectors,
    mode: RedactMode,
    fp: &Fingerprinter,
) -> String {
    let mut out = String::with_capacity(text.len() + 16 * findings.len());
    let mut cur = 0;
    for f in findings {
        let Some(value) = text.get(f.start..f.end) else {
            continue;
        };
        if f.start < cur || value.is_empty() {
            continue;
        }
        out.push_str(&text[cur..f.start]);
        let name = detectors.type_name(f.type_id);
        match mode {
            RedactMode::Tag => {
                out.push('<');
                out.push_str(name);
                out.push('>');
            }
            RedactMode::Mask => out.push_str(&detectors.mask(f.type_id, &detectors.value(text, f))),
            RedactMode::Hash => {
                out.push('<');
                out.push_str(name);
                out.push(':');
                out.push_str(&detectors.fingerprint(fp, f.type_id, &detectors.value(text, f)));
                out.push('>');
            }
        }
        cur = f.end;
    }
    out.push_str(&text[cur..]);
    out
}

/// Returns true if `start..end` lies in the hex payload of a hash tag `<NAME:0123456789abcdef>`.
/// A payload that happens to be all digits could otherwise pass as a card number.
pub(crate) fn inside_hash_tag(b: &[u8], start: usize, end: usize) -> bool {
    if end > b.len() || start >= end || !b[start..end].iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let mut s = start;
    while s > 0 && b[s - 1].is_ascii_hexdigit() && end - s <= 16 {
        s -= 1;
    }
    let mut e = end;
    while e < b.len() && b[e].is_ascii_hexdigit() && e - s <= 16 {
        e += 1;
    }
    if e - s != 16 || b.get(e) != Some(&b'>') || s == 0 || b[s - 1] != b':' {
        return false;
    }
    let colon = s - 1;
    let mut k = colon;
    while k > 0 && colon - k < 64 && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_') {
        k -= 1;
    }
    k < colon && k > 0 && b[k - 1] == b'<'
}

#[cfg(test)]
mod tests {
    use super::super::{PiiConfig, CARD};
    use super::*;

    fn det() -> Detectors {
        Detectors::new(&PiiConfig::default()).unwrap()
    }

    #[test]
    fn modes() {
        let d = det();
        let fp = Fingerprinter::new(b"k");
        let text = "mail bob@corp.io or call (415) 555-0132.";
        let mut f = Vec::new();
        d.scan(text, &mut f);
        assert_eq!(
            redact_text(text, &f, &d, RedactMode::Tag, &fp),
            "mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>."
        );
        assert_eq!(
            redact_text(text, &f, &d, RedactMode::Mask, &fp),
            "mail b***@corp.io or call (***) ***-**32."
        );
        let h = redact_text(text, &f, &d, RedactMode::Hash, &fp);
        let fpe = d.fingerprint(&fp, super::super::EMAIL, "bob@corp.io");
        assert!(
            h.starts_with(&format!(
                "mail <EMAIL_ADDRESS:{fpe}> or call <PHONE_NUMBER:"
            )),
            "{h}"
        );
    }

    #[test]
    fn bad_findings_are_skipped() {
        let d = det();
        let fp = Fingerprinter::new(b"k");
        let mk = |start, end| Finding {
            start,
            end,
            type_id: CARD,
            detector: "t",
            encoding: super::super::Encoding::Plain,
        };
        let text = "héllo wörld";
        let out = redact_text(
            text,
            &[mk(2, 3), mk(100, 200), mk(7, 8), mk(0, 1)],
            &d,
            RedactMode::Tag,
            &fp,
        );
        assert_eq!(out, "héllo <CREDIT_CARD>örld");
    }

    #[test]
    fn hash_tag_payloads_are_not_findings() {
        let t = b"<CREDIT_CARD:4111111111111111>";
        assert!(inside_hash_tag(t, 13, 29));
        let d = det();
        let mut out = Vec::new();
        d.scan("x <CREDIT_CARD:4111111111111111> y", &mut out);
        assert!(out.is_empty(), "{out:?}");
        assert!(!inside_hash_tag(b"id:4111111111111111>", 3, 19));
        assert!(!inside_hash_tag(b"<X:41111111111111110>", 3, 20));
    }
}
