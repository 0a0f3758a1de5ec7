//! One hand-written pass over the digit runs of a text that feeds the digit-shaped detectors
//! (phone, card, SSN, IBAN, IPv4), so prose costs one SWAR scan instead of several regexes.

use super::phone_plan::NationalPlans;
use super::text::{byte, digit_run, digits_left_ok, next_digit};
use super::{card, iban, ip, phone, push, ssn, Enabled, Finding};
use super::{CARD, IBAN, IP, PHONE, SSN};

/// Appends the phone, card, SSN, IBAN and IPv4 findings of `text` to `out`; `plans` are the
/// numbering plans of the regions whose national-format phone numbers are detected.
pub(super) fn scan(text: &str, en: &Enabled, plans: &NationalPlans, out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(p) = next_digit(b, i) {
        let run = digit_run(b, p);
        i = p + run;
        let prev = if p > 0 { b[p - 1] } else { b' ' };
        let next = byte(b, i);
        if !worth_a_look(b, p, run, prev, next) {
            // A bare run of a national number's length is a phone number only after a phone
            // word (`Tel. 612345678`); the run's shape rules out every other type here.
            if en.on(PHONE)
                && (phone::NATIONAL_MIN..=phone::NATIONAL_MAX).contains(&run)
                && digits_left_ok(text, p)
            {
                if let Some(e) = phone::match_national_bare(text, p, run, plans) {
                    push(out, p, e, PHONE, "phone-national");
                    continue;
                }
            }
            if en.on(PHONE) {
                i = i.max(phone_after_word(text, p, prev, next, out));
            }
            continue;
        }
        if prev.is_ascii_alphabetic() {
            // A digit run glued to letters is an IBAN's check digits (`DE89…`), or the first
            // group of a card typed without a space (`Card:4111 1111…` is found anyway;
            // `Contact4111 1111 1111 1111` too): grouped, Luhn and issuer checks leave no doubt.
            // An ungrouped run glued to letters (`order4111111111111111`) is an identifier.
            if en.on(IBAN) && p >= 2 && b[p - 2].is_ascii_alphabetic() {
                if let Some(e) = iban::match_at(text, p - 2) {
                    push(out, p - 2, e, IBAN, "mod97");
                    i = i.max(e);
                    continue;
                }
            }
            if en.on(CARD) && run == 4 && matches!(next, b' ' | b'-') {
                if let Some(e) = card::match_at(text, p) {
                    push(out, p, e, CARD, "luhn+iin");
                    i = i.max(e);
                }
            }
            continue;
        }
        // A `+` or `(` right after a finding is at a boundary whatever that finding ends with:
        // once it is redacted, the number is there on its own (`…7946 09+44 19 7946 0958`).
        let after_finding = out.last().is_some_and(|f: &Finding| f.end == p - 1);
        let found_before = out.len();
        if prev == b'+' {
            if en.on(PHONE) {
                if let Some(e) = phone::match_plus(text, p - 1, after_finding) {
                    push(out, p - 1, e, PHONE, "phone-intl");
                }
            }
        } else {
            if prev == b'(' && en.on(PHONE) {
                if let Some(e) = phone::match_paren(text, p - 1, after_finding) {
                    push(out, p - 1, e, PHONE, "phone-nanp");
                } else if phone::paren_left_ok(text, p - 1, after_finding) {
                    if let Some(e) = phone::match_national(text, p - 1, true, plans) {
                        push(out, p - 1, e, PHONE, "phone-national");
                    }
                }
            }
            if digits_left_ok(text, p) {
                digit_shapes(text, p, run, en, plans, out);
            }
        }
        // What the numbering plans did not take may still be a phone number by the word
        // before it (any country's writing, or a number outside the assigned ranges).
        if en.on(PHONE) && out.len() == found_before {
            i = i.max(phone_after_word(text, p, prev, next, out));
        }
        if en.on(IP) && next == b'.' {
            if let Some(e) = ip::match_v4(text, p) {
                push(out, p, e, IP, "ipv4");
            }
        }
    }
}

/// Pushes the number starting with the digit run at `p` (or the `+`, `(` or `(+` before it)
/// that is written as a phone number right after a phone word (`Phone: 06-35/610 8374`), as
/// `phone::match_after_phone_word` reads it; `prev` and `next` are the bytes around the run.
/// Returns the end of the finding, or 0.
fn phone_after_word(text: &str, p: usize, prev: u8, next: u8, out: &mut Vec<Finding>) -> usize {
    let Some((s, e)) = phone_word_number(text, p, prev, next) else {
        return 0;
    };
    push(out, s, e, PHONE, "phone-word");
    e
}

/// The start and end of the number `phone_after_word` pushes.
fn phone_word_number(text: &str, p: usize, prev: u8, next: u8) -> Option<(usize, usize)> {
    // One bare run is a phone number only after `+` (see there): else a separator follows.
    if !(matches!(next, b' ' | b'-' | b'.' | b'/' | b')') || prev == b'+' || prev == b'(') {
        return None;
    }
    let b = text.as_bytes();
    let s = match prev {
        b'+' if p >= 2 && b[p - 2] == b'(' => p - 2,
        b'+' | b'(' => p - 1,
        _ => p,
    };
    // It starts a token: after a space, a colon or a quote (`Tel.:`, `"phone": "…"`), and a
    // word ends a few bytes before it (checked first: most numbers of a log follow none).
    let gap = |c: u8| matches!(c, b' ' | b':' | b'"' | b'\'' | b'\t' | b'=' | b'>' | b'.');
    if s == 0 || b[s - 1] == b'.' || !gap(b[s - 1]) {
        return None;
    }
    let mut k = s - 1;
    while k > 0 && s - k < 5 && gap(b[k]) {
        k -= 1;
    }
    if !(b[k].is_ascii_alphabetic() || b[k] >= 0x80 || b[k] == b'_') {
        return None;
    }
    let e = phone::match_after_phone_word(text, s)?;
    (phone::word_before_number(text, s) == phone::NumberWord::Phone).then_some((s, e))
}

/// Cheap shape test on a digit run and its neighbours that discards the short numbers of
/// ordinary prose (`42 users`, `in 2026,`) before any detector runs.
#[inline]
fn worth_a_look(b: &[u8], p: usize, run: usize, prev: u8, next: u8) -> bool {
    if prev.is_ascii_alphabetic() {
        return run >= 2;
    }
    if prev == b'+' || prev == b'(' || next == b'.' {
        return true;
    }
    // A trunk-prefixed area code before a slash (`030/12345678`).
    if next == b'/' && b[p] == b'0' && (2..=6).contains(&run) {
        return true;
    }
    match run {
        1 => b[p] == b'1' && matches!(next, b' ' | b'-' | b'.'),
        // National numbers start with a two-digit trunk and area code (`06 12 34 56 78`).
        2 => matches!(next, b' ' | b'-'),
        3 => matches!(next, b' ' | b'-' | b'.'),
        4..=6 => matches!(next, b' ' | b'-'),
        _ => run >= 13,
    }
}

/// Tries the phone, SSN and card shapes that start at the digit run `p..p + run`.
fn digit_shapes(
    text: &str,
    p: usize,
    run: usize,
    en: &Enabled,
    plans: &NationalPlans,
    out: &mut Vec<Finding>,
) {
    let b = text.as_bytes();
    if en.on(PHONE) {
        // NANP starts with a three-digit area code or the one-digit `1` trunk prefix; other
        // national numbers with a trunk or area code of two to five digits.
        let nanp = if run == 3 || (run == 1 && b[p] == b'1') {
            phone::match_nanp(text, p)
        } else {
            None
        };
        if let Some(e) = nanp {
            push(out, p, e, PHONE, "phone-nanp");
        } else if ((2..=5).contains(&run) || (run == 6 && b[p] == b'0'))
            && ((is_sep_byte(byte(b, p + run)) && byte(b, p + run + 1).is_ascii_digit())
                || (b[p] == b'0' && phone::slash_len(b, p + run) > 0))
        {
            if let Some(e) = phone::match_national(text, p, false, plans) {
                push(out, p, e, PHONE, "phone-national");
            }
        } else if (phone::NATIONAL_MIN..=phone::NATIONAL_MAX).contains(&run) {
            if let Some(e) = phone::match_national_bare(text, p, run, plans) {
                push(out, p, e, PHONE, "phone-national");
            }
        }
    }
    if en.on(SSN) && run == 3 {
        if let Some(e) = ssn::match_at(text, p) {
            push(out, p, e, SSN, "ssn-rules");
        }
    }
    if en.on(CARD) && run >= 4 {
        if let Some(e) = card::match_at(text, p) {
            push(out, p, e, CARD, "luhn+iin");
        }
    }
}

/// True for the separators of digit groups in phone numbers.
fn is_sep_byte(c: u8) -> bool {
    matches!(c, b' ' | b'-' | b'.')
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig};
    use super::*;

    #[test]
    fn grouped_card_glued_to_words_is_found_but_not_an_identifier() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let found = |s: &str| {
            let mut h = Vec::new();
            d.scan(s, &mut h);
            h.iter()
                .map(|f| {
                    (
                        d.type_name(f.type_id).to_string(),
                        s[f.start..f.end].to_string(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found("Contact4111 1111 1111 1111 thanks"),
            [("CREDIT_CARD".to_string(), "4111 1111 1111 1111".to_string())]
        );
        assert_eq!(found("id4111-1111-1111-1111").len(), 1);
        assert_eq!(
            found("Card: 4111 1111 1111 1111Ltthanks"),
            [("CREDIT_CARD".to_string(), "4111 1111 1111 1111".to_string())]
        );
        assert!(found("4111 1111 1111 11112").is_empty(), "a longer number");
        assert!(found("4111 1111 1111 1111.5").is_empty(), "a decimal");
        assert!(found("order4111111111111111 shipped").is_empty());
        assert!(
            found("build1234 5678 9012 3456").is_empty(),
            "fails Luhn/issuer"
        );
        // After a word ending in a digit, a grouped card is a card; after a four-character
        // group with a digit (the middle of an IBAN or a longer number), it is not.
        for t in [
            "Card5 4111 1111 1111 1111 thanks",
            "x5 4111 1111 1111 1111",
            "AB123 4111 1111 1111 1111",
        ] {
            assert_eq!(found(t).len(), 1, "{t}");
        }
        assert!(found("FR98 4111 1111 1111 1111").is_empty());
        assert!(found("1234 4111 1111 1111 1111").is_empty());
        // An IBAN still wins over a card-shaped slice of it.
        let iban = found("DE89 3704 0044 0532 0130 00");
        assert_eq!(iban.len(), 1);
        assert_eq!(iban[0].0, "IBAN_CODE");
    }

    #[test]
    fn prose_numbers_are_discarded_early() {
        let b = b"in 2026, 42% of users and 7 teams";
        assert!(!worth_a_look(b, 3, 4, b' ', b','));
        assert!(!worth_a_look(b, 9, 2, b' ', b'%'));
        assert!(!worth_a_look(b, 27, 1, b' ', b' '));
        // Shapes that can start a value are kept.
        assert!(worth_a_look(b"1-415", 0, 1, b' ', b'-'));
        assert!(worth_a_look(b"10.0", 0, 2, b' ', b'.'));
        assert!(worth_a_look(b"DE89", 2, 2, b'E', b'3'));
        assert!(worth_a_look(b"+44", 1, 2, b'+', b' '));
    }

    #[test]
    fn one_pass_feeds_every_digit_family() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let text =
            "a 415-555-0132 b 4111111111111111 c 123-45-6789 d DE89370400440532013000 e 10.0.0.1";
        let mut out = Vec::new();
        d.scan(text, &mut out);
        let names: Vec<&str> = out.iter().map(|f| d.type_name(f.type_id)).collect();
        assert_eq!(
            names,
            [
                "PHONE_NUMBER",
                "CREDIT_CARD",
                "US_SSN",
                "IBAN_CODE",
                "IP_ADDRESS"
            ]
        );
    }
}
