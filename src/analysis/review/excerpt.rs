//! Masked excerpts: every piece of request text the review writes (prompts, responses,
//! comments, error messages, identifiers) goes through the PII detectors in mask mode here,
//! so a person can recognise a value's shape (`j***@example.com`) without learning it.

use crate::pii::{
    fingerprint_key, redact_text, Detectors, Fingerprinter, PiiConfig, PiiConfigError, RedactMode,
};

/// The PII detectors and fingerprinter, built once and shared by every chunk.
pub struct Masker {
    detectors: Detectors,
    fingerprinter: Fingerprinter,
}

impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Masker").finish_non_exhaustive()
    }
}

impl Masker {
    /// Compiles the detectors of `[pii]`.
    pub fn new(cfg: &PiiConfig) -> Result<Masker, PiiConfigError> {
        Ok(Masker {
            detectors: Detectors::new(cfg)?,
            fingerprinter: Fingerprinter::new(&fingerprint_key(cfg).0),
        })
    }

    /// `text` with every detected value replaced by its mask.
    pub fn mask(&self, text: &str) -> String {
        let mut findings = Vec::new();
        self.detectors.scan(text, &mut findings);
        redact_text(
            text,
            &findings,
            &self.detectors,
            RedactMode::Mask,
            &self.fingerprinter,
        )
    }

    /// `text` with every detected value blanked out (replaced by a space), for signatures: a
    /// pasted key or address says nothing about what the request was about.
    pub fn blank_pii<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let mut findings = Vec::new();
        self.detectors.scan(text, &mut findings);
        if findings.is_empty() {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut cur = 0;
        for f in &findings {
            if f.start < cur || text.get(f.start..f.end).is_none() {
                continue;
            }
            out.push_str(&text[cur..f.start]);
            out.push(' ');
            cur = f.end;
        }
        out.push_str(&text[cur..]);
        std::borrow::Cow::Owned(out)
    }

    /// A one-line masked excerpt of at most `max_chars` characters of `text`, with `…` when
    /// it was cut. Whitespace runs and control characters become one space first (so the
    /// detectors see the text as it will be written), the whole text is masked, then cut; the
    /// cut piece is masked again, because cutting can leave a shorter value that a detector
    /// now recognises (a card number that was the prefix of a longer digit run).
    pub fn excerpt(&self, text: &str, max_chars: usize) -> String {
        let flat = collapse_whitespace(text);
        let masked = self.mask(&flat);
        match cut_chars(&masked, max_chars) {
            None => masked,
            Some(head) => {
                let mut out = self.mask(head.trim_end());
                out.push('…');
                out
            }
        }
    }
}

/// `text` on one line: whitespace and control characters collapsed to single spaces, trimmed.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        }
    }
    out
}

/// The first `max_chars` characters of `text` when it is longer, else `None`.
pub fn cut_chars(text: &str, max_chars: usize) -> Option<&str> {
    text.char_indices().nth(max_chars).map(|(i, _)| &text[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masker() -> Masker {
        Masker::new(&PiiConfig::default()).unwrap()
    }

    #[test]
    fn masks_before_cutting() {
        let m = masker();
        let e = m.excerpt(
            "Write to john.doe@corp.io\n\tor call (415) 555-0132 today",
            200,
        );
        assert_eq!(e, "Write to j***@corp.io or call (***) ***-**32 today");
        // The cut falls inside the address: its mask is cut, never the raw value.
        let e = m.excerpt("mail john.doe@corp.io now", 12);
        assert_eq!(e, "mail j***@co…");
    }

    #[test]
    fn cutting_never_exposes_a_shorter_value() {
        let m = masker();
        // 19 digits: not a card as a whole, but its first 16 are a valid Visa number.
        let e = m.excerpt("id 4111111111111111999 end", 19);
        assert!(!e.contains("4111111111111111"), "{e}");
        assert!(e.ends_with('…'));
    }

    #[test]
    fn cuts_on_character_boundaries() {
        let m = masker();
        assert_eq!(
            m.excerpt("héllo wörld 日本語のテキスト 🚀🚀", 14),
            "héllo wörld 日本…"
        );
        assert_eq!(m.excerpt("🚀🚀🚀", 2), "🚀🚀…");
        assert_eq!(m.excerpt("🚀🚀", 2), "🚀🚀");
        assert_eq!(m.excerpt("", 5), "");
        assert_eq!(collapse_whitespace("  a\r\n\u{1b}[0m b  "), "a [0m b");
    }

    #[test]
    fn blanking_removes_values() {
        let m = masker();
        assert_eq!(m.blank_pii("reset for bob@corp.io now"), "reset for   now");
        assert_eq!(m.blank_pii("nothing here"), "nothing here");
    }
}
