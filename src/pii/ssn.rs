//! US_SSN detection: `AAA-GG-SSSS`, `AAA GG SSSS` or `AAA.GG.SSSS` with the SSA's structural rules. Bare
//! nine-digit runs are reported only after an SSN keyword (`national.rs`, the keyword walk):
//! order numbers and IDs look exactly the same.

use super::text::{byte, digits_right_ok, exact_digits};

/// Matches an SSN whose area number starts at the digit `p`; the caller checked the left
/// boundary. Returns the end offset.
pub(super) fn match_at(text: &str, p: usize) -> Option<usize> {
    let b = text.as_bytes();
    let sep = byte(b, p + 3);
    if !(sep == b'-' || sep == b' ' || sep == b'.')
        || !exact_digits(b, p, 3)
        || !exact_digits(b, p + 4, 2)
        || byte(b, p + 6) != sep
        || !exact_digits(b, p + 7, 4)
    {
        return None;
    }
    if !rules_ok(&b[p..p + 3], &b[p + 4..p + 6], &b[p + 7..p + 11]) {
        return None;
    }
    let end = p + 11;
    if !digits_right_ok(text, end) {
        return None;
    }
    // Space-separated digit groups are common in tables and long numbers, so the spaced form
    // must not touch further digit groups on either side.
    if sep == b' ' {
        let before_digit = p >= 2 && b[p - 1] == b' ' && b[p - 2].is_ascii_digit();
        let after_digit = byte(b, end) == b' ' && byte(b, end + 1).is_ascii_digit();
        if before_digit || after_digit {
            return None;
        }
    }
    Some(end)
}

/// The SSA's structural rules on the three groups' ASCII digits: the area is not 000, 666 or
/// 9xx (ITINs and sample numbers), the group not 00 and the serial not 0000.
pub(super) fn rules_ok(area: &[u8], group: &[u8], serial: &[u8]) -> bool {
    area != b"000" && area != b"666" && area[0] != b'9' && group != b"00" && serial != b"0000"
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig, SSN};

    fn ssns(text: &str) -> Vec<String> {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        out.iter()
            .filter(|f| f.type_id == SSN)
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn positives() {
        for s in [
            "123-45-6789",
            "123 45 6789",
            "123.45.6789",
            "078.05.1123",
            "078-05-1120",
            "899-99-9999",
            "001-01-0001",
        ] {
            for ctx in [
                "{}",
                "SSN: {}.",
                "x\n{}\t",
                "café {} 日本",
                "日本{}",
                "({})",
                "ssn={}",
            ] {
                let t = ctx.replace("{}", s);
                assert_eq!(ssns(&t), [s], "{t:?}");
            }
        }
    }

    #[test]
    fn bare_nine_digits_only_after_an_ssn_keyword() {
        for t in [
            "my SSN is 452340095, thanks",
            "social security number: 076771610",
            "SSN=212097694",
            "{\"ssn\": \"219099999\"}",
            "Soc Sec 078051120.",
        ] {
            assert_eq!(ssns(t).len(), 1, "{t:?}");
        }
        for t in [
            "order 452340095 shipped",
            "my SSN is 000340095",
            "my SSN is 666340095",
            "my SSN is 912340095",
            "SSN 452000095",
            "SSN 452340000",
            "SSN 4523400951",
            "SSN 45234009",
            "ssnx 452340095",
            "SSN\n452340095",
            "SSN ab452340095",
        ] {
            assert!(ssns(t).is_empty(), "{t:?} -> {:?}", ssns(t));
        }
    }

    #[test]
    fn negatives() {
        for t in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "999-99-9999",
            "123-00-4567",
            "123-45-0000",
            "123-45 6789",
            "123 45-6789",
            "123456789",
            "1234-45-6789",
            "123-45-67890",
            "555-123-45-6789",
            "123-45-6789-1",
            "x123-45-6789",
            "123-45-6789x",
            "12 123 45 6789",
            "123 45 6789 12",
            "café123-45-6789",
            "123.45-6789",
            "1.123.45.6789",
            "123.45.6789.1",
        ] {
            assert!(ssns(t).is_empty(), "{t:?} -> {:?}", ssns(t));
        }
    }
}
