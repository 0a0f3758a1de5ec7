//! US_SSN detection: `AAA-GG-SSSS`, `AAA GG SSSS` or `AAA.GG.SSSS` with the SSA's structural rules. Bare
//! nine-digit runs are not reported: order numbers and IDs look exactly the same.

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
    let area = &b[p..p + 3];
    if area == b"000" || area == b"666" || area[0] == b'9' {
        return None;
    }
    if &b[p + 4..p + 6] == b"00" || &b[p + 7..p + 11] == b"0000" {
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
