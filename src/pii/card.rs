//! CREDIT_CARD detection: 13–19 digits, compact or consistently grouped by spaces or dashes,
//! that pass the Luhn check and carry a known issuer prefix (IIN) valid for their length.

use super::text::{byte, digit_at, digit_run, digits_right_ok};

const MIN_LEN: usize = 13;
const MAX_LEN: usize = 19;

/// Returns true if the ASCII digits `d` pass the Luhn checksum.
pub(crate) fn luhn(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, c) in d.iter().rev().enumerate() {
        let mut v = u32::from(c.wrapping_sub(b'0'));
        if v > 9 {
            return false;
        }
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !d.is_empty() && sum.is_multiple_of(10)
}

/// Returns the number formed by the first `n` digits of `d`.
fn prefix(d: &[u8], n: usize) -> u32 {
    d[..n.min(d.len())]
        .iter()
        .fold(0, |acc, c| acc * 10 + u32::from(c.wrapping_sub(b'0')))
}

/// Returns true if `d` starts with an issuer prefix that issues cards of length `d.len()`.
fn issuer_ok(d: &[u8]) -> bool {
    let len = d.len();
    let (p2, p3, p4, p6) = (prefix(d, 2), prefix(d, 3), prefix(d, 4), prefix(d, 6));
    let visa = d[0] == b'4' && matches!(len, 13 | 16 | 19);
    let mastercard = ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16;
    let amex = (p2 == 34 || p2 == 37) && len == 15;
    let discover =
        (p4 == 6011 || p2 == 65 || (644..=649).contains(&p3) || (622_126..=622_925).contains(&p6))
            && (16..=19).contains(&len);
    // Besides today's 3528–3589 range, JCB still has legacy 16-digit (3088, 3096, 3112,
    // 3158, 3337) and 15-digit (1800, 2131) prefixes in circulation and in test generators.
    let jcb = (((3528..=3589).contains(&p4) || matches!(p4, 3088 | 3096 | 3112 | 3158 | 3337))
        && (16..=19).contains(&len))
        || (matches!(p4, 1800 | 2131) && len == 15);
    let diners = ((300..=305).contains(&p3) || p4 == 3095 || matches!(p2, 36 | 38 | 39))
        && (14..=19).contains(&len);
    let unionpay = p2 == 62 && (16..=19).contains(&len);
    // `604` is the `0604` prefix read as a number.
    let maestro = (matches!(
        p4,
        604 | 5018 | 5020 | 5038 | 5893 | 6304 | 6390 | 6759 | 6761 | 6762 | 6763
    ) || (56..=58).contains(&p2))
        && (MIN_LEN..=MAX_LEN).contains(&len);
    let mir = (2200..=2204).contains(&p4) && (16..=19).contains(&len);
    // UATP (airline) cards are 15 digits starting with `1`; Dankort is `5019` and 16 digits.
    let uatp = d[0] == b'1' && len == 15;
    let dankort = p4 == 5019 && len == 16;
    visa || mastercard
        || amex
        || discover
        || jcb
        || diners
        || unionpay
        || maestro
        || mir
        || uatp
        || dankort
}

/// Returns true if the ASCII digits `d` look like a real card number.
pub(crate) fn valid(d: &[u8]) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&d.len()) && issuer_ok(d) && luhn(d)
}

/// Returns true if `p` follows a space-separated group that looks like part of a longer grouped
/// value: four characters with a digit (`FR98 4335…`, `1234 4111…`), as IBANs and long numbers
/// are printed. The digits are then the middle of, typically, an IBAN whose checksum failed, and
/// a card-shaped slice of it is not a card. A plain short number (`exit code 137 4111…`) or a
/// word ending in a digit (`Card5 4111…`) is not such a group.
fn after_digit_group(b: &[u8], p: usize) -> bool {
    if p < 2 || b[p - 1] != b' ' {
        return false;
    }
    let end = p - 1;
    let mut s = end;
    while s > 0 && end - s < 7 && b[s - 1].is_ascii_alphanumeric() {
        s -= 1;
    }
    let group = &b[s..end];
    group.len() == 4
        && !(s > 0 && b[s - 1].is_ascii_alphanumeric())
        && group.iter().any(u8::is_ascii_digit)
}

/// Returns true if `p` follows a run of space-separated four-character groups that starts
/// like an IBAN (`GB49 NWBK 3972…`): a card-shaped slice of an IBAN that failed its own
/// checksum is not a card.
fn inside_grouped_iban(b: &[u8], p: usize) -> bool {
    let mut q = p;
    for _ in 0..8 {
        if q < 5 || b[q - 1] != b' ' {
            return false;
        }
        let gs = q - 5;
        let g = &b[gs..q - 1];
        if !g.iter().all(u8::is_ascii_alphanumeric) || (gs > 0 && b[gs - 1].is_ascii_alphanumeric())
        {
            return false;
        }
        if g[..2].iter().all(u8::is_ascii_alphabetic) && g[2..].iter().all(u8::is_ascii_digit) {
            return true;
        }
        q = gs;
    }
    false
}

/// Matches a card number starting at the digit `p`; the caller checked the left boundary.
pub(super) fn match_at(text: &str, p: usize) -> Option<usize> {
    let b = text.as_bytes();
    let run = digit_run(b, p);
    if run >= MIN_LEN {
        let end = p + run;
        return (run <= MAX_LEN && digits_right_ok(text, end) && valid(&b[p..end])).then_some(end);
    }
    if !(4..=6).contains(&run) {
        return None;
    }
    let sep = byte(b, p + run);
    if sep != b' ' && sep != b'-' {
        return None;
    }
    if sep == b' ' && (after_digit_group(b, p) || inside_grouped_iban(b, p)) {
        return None;
    }
    let mut digits = [0u8; MAX_LEN];
    digits[..run].copy_from_slice(&b[p..p + run]);
    let mut n = run;
    // Group ends (byte offset, digit count) in order; every group but the last has 4–6 digits.
    let mut ends: [(usize, usize); MAX_LEN] = [(0, 0); MAX_LEN];
    let mut groups = 0;
    let mut j = p + run;
    let mut last = run;
    while byte(b, j) == sep && byte(b, j + 1).is_ascii_digit() {
        let g = digit_run(b, j + 1);
        if n + g > MAX_LEN || !(4..=6).contains(&last) {
            if sep == b'-' {
                // A dashed chain is one value; a card cannot be a piece of it.
                return None;
            }
            break;
        }
        digits[n..n + g].copy_from_slice(&b[j + 1..j + 1 + g]);
        n += g;
        j += 1 + g;
        last = g;
        ends[groups] = (j, n);
        groups += 1;
    }
    for k in (0..groups).rev() {
        let (end, count) = ends[k];
        if sep == b'-' && k + 1 != groups {
            break;
        }
        // Grouped cards are printed 4-4-4-1, 4-6-4, 4-6-5, 4-4-4-4 or 4-4-4-4-3; other
        // lengths are a card followed by an unrelated number (`… 1111 51 items`).
        let printed = matches!(count, 13 | 14 | 15 | 16 | 19);
        // A letter right after a grouped card does not make it a word (`…1111thanks` is a
        // card typed without a space); a digit or a `-./:` and a digit still continue a number.
        let continues = digit_at(b, end)
            || (matches!(byte(b, end), b'-' | b'.' | b'/' | b':') && digit_at(b, end + 1));
        if printed && !continues && valid(&digits[..count]) {
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig, CARD};
    use super::*;

    fn cards(text: &str) -> Vec<String> {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        out.iter()
            .filter(|f| f.type_id == CARD)
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn card_after_a_plain_short_number_is_found() {
        let text = "exited with code 137 4881 1247 0429 3632";
        let p = text.find("4881").unwrap();
        assert!(!after_digit_group(text.as_bytes(), p));
        let iban_like = "FR98 4111 1111 1111 1111";
        assert!(after_digit_group(iban_like.as_bytes(), 5));
    }

    #[test]
    fn luhn_and_issuers() {
        assert!(luhn(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
        assert!(!luhn(b""));
        for good in [
            "4111111111111111",
            "4222222222222",
            "5555555555554444",
            "2223003122003222",
            "378282246310005",
            "6011111111111117",
            "3530111333300000",
            "30569309025904",
            "6200000000000005",
            "6759649826438453",
            "4000056655665556",
        ] {
            assert!(valid(good.as_bytes()), "{good}");
        }
        // Luhn-valid but wrong issuer or wrong length for the issuer.
        for bad in [
            "1234567812345670",
            "0000000000000000",
            "37828224631000",
            "9111111111111111",
        ] {
            assert!(!valid(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn spellings_and_contexts() {
        for c in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "3782 822463 10005",
            "5555 5555 5555 4444",
            "6011 0009 9013 9424",
            "4222 2222 2222 2",
        ] {
            for ctx in [
                "{}",
                "card: {}.",
                "x\n{}\t",
                "café {} 日本",
                "日本{}",
                "({})",
                "#{} exp 12/27",
            ] {
                let t = ctx.replace("{}", c);
                assert_eq!(cards(&t), [c], "{t:?}");
            }
        }
        assert_eq!(cards("4111 1111 1111 1111 2026"), ["4111 1111 1111 1111"]);
        assert_eq!(
            cards("6011 0009 9013 9424 51 items"),
            ["6011 0009 9013 9424"]
        );
        assert_eq!(cards("VISA 4111 1111 1111 1111"), ["4111 1111 1111 1111"]);
    }

    #[test]
    fn negatives() {
        for t in [
            "4111111111111112",
            "order 1234567812345678",
            "x4111111111111111",
            "4111111111111111x",
            "4111111111111111_",
            "41111111111111110",
            "4111-1111-1111-1111-1111",
            "4111 1111-1111 1111",
            "1-4111-1111-1111-1111",
            "4111.1111.1111.1111",
            "4111  1111  1111  1111",
            "ts 1732406400000",
            "ISBN 9783161484100",
            "ISBN 978-3-16-148410-0",
            "café4111111111111111",
            "4111111111111111:12",
            "IBAN FR98 4335 2553 1922 8084 7967 322 was rejected",
            "ES07 7934 3649 9196 9882 0331",
            "GB49 NWBK 3972 6018 0101 45",
            "1234 4111 1111 1111 1111",
        ] {
            assert!(cards(t).is_empty(), "{t:?} -> {:?}", cards(t));
        }
    }
}
