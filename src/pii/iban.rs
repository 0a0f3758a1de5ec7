//! IBAN_CODE detection: country code, check digits and BBAN, compact or grouped in fours, with
//! the exact per-country length of the ISO 13616 registry and an on-the-fly mod-97 check.

use super::text::{byte, word_at, word_before};

/// Returns the IBAN length registered for the country code `cc` (uppercase), if any.
fn country_len(cc: [u8; 2]) -> Option<usize> {
    let len = match &cc {
        b"NO" => 15,
        b"BE" => 16,
        b"DK" | b"FI" | b"FO" | b"GL" | b"NL" | b"SD" | b"FK" => 18,
        b"MK" | b"SI" => 19,
        b"AT" | b"BA" | b"EE" | b"KZ" | b"LT" | b"LU" | b"XK" | b"MN" => 20,
        b"CH" | b"HR" | b"LI" | b"LV" => 21,
        b"BG" | b"BH" | b"CR" | b"DE" | b"GB" | b"GE" | b"IE" | b"ME" | b"RS" | b"VA" => 22,
        b"AE" | b"GI" | b"IL" | b"IQ" | b"TL" | b"OM" | b"SO" => 23,
        b"AD" | b"CZ" | b"ES" | b"MD" | b"PK" | b"RO" | b"SA" | b"SE" | b"SK" | b"TN" | b"VG" => 24,
        b"LY" | b"PT" | b"ST" => 25,
        b"IS" | b"TR" => 26,
        b"FR" | b"GR" | b"IT" | b"MC" | b"MR" | b"SM" | b"BI" | b"DJ" => 27,
        // French overseas departments and territories use the French format.
        b"GF" | b"GP" | b"MQ" | b"RE" | b"PF" | b"TF" | b"YT" | b"NC" | b"PM" | b"WF" | b"BL"
        | b"MF" => 27,
        b"AL" | b"AZ" | b"BY" | b"CY" | b"DO" | b"GT" | b"HU" | b"LB" | b"PL" | b"SV" | b"NI"
        | b"HN" => 28,
        b"BR" | b"EG" | b"PS" | b"QA" | b"UA" => 29,
        b"JO" | b"KW" | b"MU" | b"YE" => 30,
        b"MT" | b"SC" => 31,
        b"LC" => 32,
        b"RU" => 33,
        _ => return None,
    };
    Some(len)
}

/// Computes the ISO 7064 mod-97 remainder of an IBAN given as alphanumerics (spaces skipped),
/// rotating the first four characters to the end without building a big integer.
pub(crate) fn mod97(chars: &[u8]) -> Option<u32> {
    let alnum = || chars.iter().copied().filter(|c| *c != b' ');
    let rotated = alnum().skip(4).chain(alnum().take(4));
    let mut r = 0u32;
    for c in rotated {
        r = match c {
            b'0'..=b'9' => (r * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => (r * 100 + u32::from(c - b'A') + 10) % 97,
            b'a'..=b'z' => (r * 100 + u32::from(c - b'a') + 10) % 97,
            _ => return None,
        };
    }
    Some(r)
}

/// Matches an IBAN whose country code starts at `s` (two ASCII letters followed by two digits).
pub(super) fn match_at(text: &str, s: usize) -> Option<usize> {
    let b = text.as_bytes();
    let cc = [
        byte(b, s).to_ascii_uppercase(),
        byte(b, s + 1).to_ascii_uppercase(),
    ];
    let len = country_len(cc)?;
    if !byte(b, s + 2).is_ascii_digit() || !byte(b, s + 3).is_ascii_digit() || word_before(text, s)
    {
        return None;
    }
    let mut count = 4;
    let mut j = s + 4;
    let sep = byte(b, j);
    if sep == b' ' || sep == b'-' {
        // Grouped form: fours separated by single spaces (or single dashes, the same one
        // throughout), the last group may be shorter.
        while count < len {
            if byte(b, j) != sep {
                return None;
            }
            let g = b[j + 1..]
                .iter()
                .take(5)
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            if g == 0 || g > 4 || count + g > len || (g < 4 && count + g < len) {
                return None;
            }
            count += g;
            j += 1 + g;
        }
    } else {
        let run = b[j..]
            .iter()
            .take(len)
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        count += run;
        j += run;
    }
    if count != len || word_at(text, j) {
        return None;
    }
    if sep == b'-' {
        let compact: Vec<u8> = b[s..j].iter().copied().filter(|&c| c != b'-').collect();
        return (mod97(&compact) == Some(1)).then_some(j);
    }
    (mod97(&b[s..j]) == Some(1)).then_some(j)
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig, IBAN};
    use super::*;

    fn ibans(text: &str) -> Vec<String> {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        out.iter()
            .filter(|f| f.type_id == IBAN)
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    const VALID: [&str; 8] = [
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "BE68539007547034",
        "NO9386011117947",
        "MT84MALT011000012345MTLCAST001S",
        "CH9300762011623852957",
    ];

    #[test]
    fn mod97_checks() {
        for v in VALID {
            assert_eq!(mod97(v.as_bytes()), Some(1), "{v}");
        }
        assert_eq!(mod97(b"DE89 3704 0044 0532 0130 00"), Some(1));
        assert_ne!(mod97(b"DE88370400440532013000"), Some(1));
        assert_eq!(mod97(b"DE89-3704"), None);
    }

    #[test]
    fn compact_and_grouped() {
        for v in VALID {
            let grouped: Vec<String> = v
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            let dashed = grouped.join("-");
            let grouped = grouped.join(" ");
            for form in [v.to_string(), grouped, dashed, v.to_lowercase()] {
                for ctx in [
                    "{}",
                    "IBAN: {}.",
                    "x\n{}\t",
                    "café {} 日本",
                    "日本{}",
                    "({})",
                ] {
                    let t = ctx.replace("{}", &form);
                    assert_eq!(ibans(&t), [form.as_str()], "{t:?}");
                }
            }
        }
    }

    #[test]
    fn negatives() {
        for t in [
            "DE88370400440532013000",
            "DE8937040044053201300",
            "DE893704004405320130001",
            "XDE89370400440532013000",
            "DE89370400440532013000X",
            "DE89 3704 0044 0532 0130 0",
            "DE89 3704 0044 0532 013 000",
            "DE89  3704 0044 0532 0130 00",
            "DE89-3704 0044-0532-0130-00",
            "DE89-3704-0044-0532-0130-0",
            "ZZ89370400440532013000",
            "café DE89370400440532013000é",
        ] {
            assert!(ibans(t).is_empty(), "{t:?} -> {:?}", ibans(t));
        }
    }
}
