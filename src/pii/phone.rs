//! PHONE_NUMBER detection: NANP numbers in their common separated spellings and `+`-prefixed
//! international (E.164) numbers. Bare digit runs are never phones: too many IDs look alike.

use super::text::{byte, digit_run, digits_right_ok, exact_digits, word_at, word_before};

/// Most digits an E.164 number can have.
const E164_MAX: usize = 15;
/// Fewest digits accepted after `+`; shorter runs are scores, percentages or offsets.
const E164_MIN: usize = 8;

/// NANP area codes and exchanges start with 2–9.
fn nxx(b: &[u8], i: usize) -> bool {
    matches!(byte(b, i), b'2'..=b'9')
}

fn is_sep(c: u8) -> bool {
    matches!(c, b' ' | b'-' | b'.')
}

/// Matches the ten-digit NANP body at `i`: `(AAA) EEE-SSSS` or `AAA s EEE s SSSS`, where the
/// two separators agree except for the common `AAA EEE-SSSS` spelling. Returns the end.
fn nanp_core(b: &[u8], i: usize) -> Option<usize> {
    let (ex, s1) = if byte(b, i) == b'(' {
        let a = i + 1;
        if !exact_digits(b, a, 3) || byte(b, a + 3) != b')' || !nxx(b, a) {
            return None;
        }
        let j = a + 4;
        (if is_sep(byte(b, j)) { j + 1 } else { j }, None)
    } else {
        if !exact_digits(b, i, 3) || !nxx(b, i) || !is_sep(byte(b, i + 3)) {
            return None;
        }
        (i + 4, Some(byte(b, i + 3)))
    };
    if !exact_digits(b, ex, 3) || !nxx(b, ex) {
        return None;
    }
    let s2 = byte(b, ex + 3);
    if !is_sep(s2) {
        return None;
    }
    if let Some(s1) = s1 {
        if s1 != s2 && !(s1 == b' ' && s2 == b'-') {
            return None;
        }
    }
    exact_digits(b, ex + 4, 4).then_some(ex + 8)
}

/// Extends a number ending at `end` over an extension: `x123`, ` x123`, ` ext. 123`.
fn with_extension(b: &[u8], end: usize) -> usize {
    let mut j = end;
    if byte(b, j) == b' ' {
        j += 1;
    }
    let k = match byte(b, j) {
        b'x' | b'X' => j + 1,
        b'e' | b'E'
            if b.get(j..j + 3)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"ext")) =>
        {
            let mut k = j + 3;
            if byte(b, k) == b'.' {
                k += 1;
            }
            if byte(b, k) == b' ' {
                k += 1;
            }
            k
        }
        _ => return end,
    };
    let n = digit_run(b, k);
    if (1..=5).contains(&n) {
        k + n
    } else {
        end
    }
}

/// Applies the extension and right-boundary rules to a number body ending at `end`.
fn finish(text: &str, end: usize) -> Option<usize> {
    let end = with_extension(text.as_bytes(), end);
    digits_right_ok(text, end).then_some(end)
}

/// Matches a NANP number starting at the digit `p`: an area code, the `1` trunk prefix, or
/// the `001` international access prefix.
pub(super) fn match_nanp(text: &str, p: usize) -> Option<usize> {
    let b = text.as_bytes();
    let end = if byte(b, p) == b'1' && is_sep(byte(b, p + 1)) {
        nanp_core(b, p + 2)?
    } else if b.get(p..p + 3) == Some(b"001") && is_sep(byte(b, p + 3)) {
        nanp_core(b, p + 4)?
    } else {
        nanp_core(b, p)?
    };
    finish(text, end)
}

/// True when a JSON number is a NANP phone number written as E.164 without its `+`
/// (`14158675309`): eleven digits, the `1` country code, then a valid area code and exchange.
/// Numbers of other countries are not read from bare digits: too many ids look alike.
pub(super) fn is_json_number_phone(number: &str) -> bool {
    number.len() == 11
        && number.starts_with('1')
        && match_plus(&format!("+{number}"), 0, false) == Some(12)
}

/// Matches `(AAA) EEE-SSSS` whose opening parenthesis is at `q`; `after_finding` when a
/// finding ends at `q` (what comes before it then does not count).
pub(super) fn match_paren(text: &str, q: usize, after_finding: bool) -> Option<usize> {
    if digit_before(text, q) && !after_finding {
        return None;
    }
    let end = nanp_core(text.as_bytes(), q)?;
    finish(text, end)
}

/// True when an ASCII digit sits right before `q` (`12(415) …` is a longer number). A letter
/// there is allowed, as libphonenumber allows it before a leading `+` or `(`:
/// `tel+44 20 7946 0958` and `call(415) 555-0132` are phone numbers.
fn digit_before(text: &str, q: usize) -> bool {
    q > 0 && text.as_bytes()[q - 1].is_ascii_digit()
}

/// Matches a `+`-prefixed number whose `+` is at `q`. `+1` numbers must be valid NANP.
/// `after_finding` when a finding ends at `q` (what comes before it then does not count).
pub(super) fn match_plus(text: &str, q: usize, after_finding: bool) -> Option<usize> {
    let b = text.as_bytes();
    // Glued to a word or a number, only a number written with separators: base64 and other
    // encodings hold `+` among letters and digits, and `3+919876543210` is a sum, but neither
    // holds a spaced or dashed number (`call0+44 20 7946 0958` is a phone number).
    let glued = (word_before(text, q) || digit_before(text, q)) && !after_finding;
    let p = q + 1;
    let end = if byte(b, p) == b'1' {
        let n = byte(b, p + 1);
        if is_sep(n) {
            nanp_core(b, p + 2)?
        } else if n == b'(' {
            nanp_core(b, p + 1)?
        } else if exact_digits(b, p, 11) && nxx(b, p + 1) && nxx(b, p + 4) {
            p + 11
        } else {
            return None;
        }
    } else {
        international(b, p)?
    };
    let spaced = b[p..end].iter().any(|&c| is_sep(c) || c == b'(');
    if glued && !spaced {
        return None;
    }
    // A spaced `+` number followed directly by a word (`+44 20 7946 0958thanks`) is still
    // visibly a phone number; unspaced, it is part of a longer token.
    let end = with_extension(b, end);
    let word_after = word_at(text, end) && !byte(b, end).is_ascii_digit();
    (digits_right_ok(text, end) || (spaced && word_after)).then_some(end)
}

/// Returns the most digits (country code included) a number with a country code that is
/// exactly `cc` can have, for the common codes; other codes get the E.164 maximum. It stops
/// a complete number from absorbing an unrelated space-separated number after it.
fn max_digits(cc: &[u8]) -> usize {
    match cc {
        b"7" | b"27" | b"31" | b"32" | b"33" | b"34" | b"36" | b"40" | b"41" | b"48" | b"51"
        | b"56" | b"61" | b"66" => 11,
        b"45" | b"47" | b"65" => 10,
        b"20" | b"30" | b"44" | b"46" | b"57" | b"60" | b"63" | b"64" | b"81" | b"82" | b"84"
        | b"90" | b"91" | b"92" | b"351" | b"353" | b"966" | b"971" | b"972" => 12,
        b"39" | b"43" | b"52" | b"54" | b"55" | b"62" | b"86" | b"234" => 13,
        b"49" => 14,
        _ => E164_MAX,
    }
}

/// Matches the digits of an international number after `+` (at `p`): groups separated by
/// single spaces, dashes or dots, optionally with a parenthesized group like `(0)`.
fn international(b: &[u8], p: usize) -> Option<usize> {
    if byte(b, p) == b'0' {
        return None;
    }
    let first = digit_run(b, p);
    let cap = max_digits(&b[p..p + first]);
    let mut digits = first;
    let mut end = p + first;
    let mut last_group = first;
    let mut j = end;
    let mut after_paren = false;
    let mut groups = 1;
    while digits <= E164_MAX && groups < 12 {
        let c = byte(b, j);
        let (k, sep) = if is_sep(c) { (j + 1, c) } else { (j, 0) };
        if byte(b, k) == b'(' && !after_paren {
            let r = digit_run(b, k + 1);
            if r == 0 || r > 4 || byte(b, k + 1 + r) != b')' {
                break;
            }
            // The UK-style `(0)` trunk digit is not dialled from abroad, so it is not counted.
            if !(r == 1 && byte(b, k + 1) == b'0') {
                digits += r;
            }
            j = k + 2 + r;
            after_paren = true;
            continue;
        }
        if sep == 0 && !after_paren {
            break;
        }
        let r = digit_run(b, k);
        // `+1234567.89` is an amount: dots only separate short groups.
        if r == 0 || (sep == b'.' && (r > 4 || last_group > 4)) {
            break;
        }
        // A space may separate an unrelated number, so spaces stop at the country's length; a
        // dash or dot chain is one value and is rejected whole when too long.
        if sep == b' ' && digits + r > cap {
            break;
        }
        if digits + r > E164_MAX {
            if sep == b'-' || sep == b'.' {
                return None;
            }
            break;
        }
        digits += r;
        j = k + r;
        end = j;
        last_group = r;
        after_paren = false;
        groups += 1;
    }
    (E164_MIN..=E164_MAX).contains(&digits).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig, PHONE};

    fn phones(text: &str) -> Vec<String> {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        out.iter()
            .filter(|f| f.type_id == PHONE)
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn nanp_spellings() {
        for p in [
            "(415) 555-0132",
            "(415)555-0132",
            "(415) 555 0132",
            "415-555-0132",
            "415.555.0132",
            "415 555 0132",
            "415 555-0132",
            "+1 415 555 0132",
            "+1-415-555-0132",
            "+1.415.555.0132",
            "+1 (415) 555-0132",
            "+1(415)555-0132",
            "+14155550132",
            "1-415-555-0132",
            "1 (415) 555-0132",
            "1.415.555.0132",
            "001-415-555-0132",
            "415-555-0132x1234",
            "(415)555-0132 x12",
            "+1-415-555-0132 ext. 123",
            "415.555.0132 ext 7",
        ] {
            for ctx in [
                "{}",
                "call {} now",
                "x\n{}\t",
                "café {} 日本",
                "日本{}",
                "({})",
                "tel:{}.",
            ] {
                let t = ctx.replace("{}", p);
                assert_eq!(phones(&t), [p], "{t:?}");
            }
        }
    }

    #[test]
    fn international() {
        for p in [
            "+44 20 7946 0958",
            "+49 30 1234567",
            "+33 1 23 45 67 89",
            "+44 (0)20 7946 0958",
            "+86 138 0013 8000",
            "+7 495 123-45-67",
            "+919876543210",
            "+33.1.23.45.67.89",
            "+52 1 55 1234 5678",
            "+60 11-2345 6789",
            "+39 06 1234 5678",
            "+353 87 123 4567",
        ] {
            assert_eq!(phones(&format!("ring {p}, ok")), [p]);
        }
        // A following space-separated number that would overflow E.164 is not swallowed.
        assert_eq!(phones("+44 20 7946 0958 2026 12 34"), ["+44 20 7946 0958"]);
        assert_eq!(phones("+44 20 7946 0958 51 items"), ["+44 20 7946 0958"]);
        assert_eq!(phones("+33 1 23 45 67 89 12"), ["+33 1 23 45 67 89"]);
        // Glued to a word before its `+` or `(`, a number written with separators is still one.
        assert_eq!(phones("call h+44 20 7946 0958"), ["+44 20 7946 0958"]);
        assert_eq!(phones("call0+44 20 7946 0958"), ["+44 20 7946 0958"]);
        assert_eq!(phones("call +44 20 7946 0958thanks"), ["+44 20 7946 0958"]);
        assert_eq!(phones("x+44-20-7946-0958ddd"), ["+44-20-7946-0958"]);
        assert_eq!(phones("tel+1-415-555-0132"), ["+1-415-555-0132"]);
        assert_eq!(phones("call(415) 555-0132"), ["(415) 555-0132"]);
        // Right after another phone, the digit before the `+` is that phone's: both are found
        // (redacting the first would expose the second anyway).
        let chain = "+44 20 7946 09".repeat(8);
        assert_eq!(phones(&chain).len(), 8, "{:?}", phones(&chain));
        assert_eq!(
            phones("+1 415 555 0132(415) 555-0133"),
            ["+1 415 555 0132", "(415) 555-0133"]
        );
    }

    #[test]
    fn decoys() {
        for t in [
            "4155550132",
            "id 41555501321",
            "2026-11-23",
            "2026-11-23T14:05:09Z",
            "at 12:30:45",
            "1.2.3.4",
            "v4.15.555.0132",
            "123e4567-e89b-12d3-a456-426614174000",
            "ts 1732406400000",
            "order 4155550132",
            "$1,234.56",
            "price 415.55",
            "ssn 123-45-6789",
            "card 4111 1111 1111 1111",
            "(123) 555-0132",
            "415-155-0132",
            "015-555-0132",
            "415-555-01321",
            "415-555-0132-7",
            "12-415-555-0132",
            "x415-555-0132",
            "415-555.0132",
            "+1 123 456 7890",
            "+12345",
            "+2.5%",
            "+1234567.89",
            "+0 123 456 789",
            "3+919876543210",
            "12(415) 555-0132",
            "a+919876543210",
            "+919876543210abc",
            "iVBOR+14155550132/xyz",
            "+44-20-7946-0958-1234-99",
            "café415-555-0132",
            "ISBN 978-0-306-40615-7",
            "415-555-0132x123456",
            "415-555-0132xyz",
        ] {
            assert!(phones(t).is_empty(), "{t:?} -> {:?}", phones(t));
        }
    }
}
