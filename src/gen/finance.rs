//! Financial and identity numbers with real check digits (cards with Luhn, IBANs with
//! mod 97, SSNs within issued ranges), plus the validators tests use to tell them apart.

use super::rng::Rng;

/// Returns the Luhn check digit for a payload of ASCII digits.
pub(crate) fn luhn_digit(payload: &[u8]) -> u8 {
    let mut sum = 0u32;
    for (i, d) in payload.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    ((10 - sum % 10) % 10) as u8
}

/// Returns true if the digits of `s` (separators ignored) pass the Luhn check.
#[cfg(test)]
pub(crate) fn luhn_valid(s: &str) -> bool {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
    digits.len() >= 12 && luhn_digit(&digits[..digits.len() - 1]) == digits[digits.len() - 1] - b'0'
}

/// Returns card digits with a real issuer prefix, and whether it is an Amex (4-6-5 grouping).
pub(crate) fn card_digits(rng: &mut Rng) -> (Vec<u8>, bool) {
    let (prefix, len): (String, usize) = match rng.below(5) {
        0 | 1 => ("4".into(), 16),
        2 => (
            if rng.chance(0.7) {
                rng.range(51, 55).to_string()
            } else {
                rng.range(2221, 2720).to_string()
            },
            16,
        ),
        3 => ((if rng.chance(0.5) { "34" } else { "37" }).into(), 15),
        _ => ((if rng.chance(0.5) { "6011" } else { "65" }).into(), 16),
    };
    let mut d: Vec<u8> = prefix.into_bytes();
    while d.len() < len - 1 {
        d.push(b'0' + rng.below(10) as u8);
    }
    let amex = len == 15;
    (d, amex)
}

pub(crate) fn group_card(rng: &mut Rng, d: &[u8], amex: bool) -> String {
    let sep = *rng.pick(&["", " ", "-", " "]);
    let groups: &[usize] = if amex { &[4, 6, 5] } else { &[4, 4, 4, 4] };
    let mut out = String::with_capacity(20);
    let mut at = 0;
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(std::str::from_utf8(&d[at..at + g]).unwrap_or_default());
        at += g;
    }
    out
}

pub(crate) fn credit_card(rng: &mut Rng) -> String {
    let (mut d, amex) = card_digits(rng);
    let c = luhn_digit(&d);
    d.push(b'0' + c);
    group_card(rng, &d, amex)
}

/// Country code, BBAN pattern (`A` letter, `9` digit) and plausible bank codes.
const IBAN_SPECS: &[(&str, &str, &[&str])] = &[
    ("DE", "999999999999999999", &[]),
    (
        "GB",
        "AAAA99999999999999",
        &["NWBK", "BARC", "HBUK", "LOYD", "MIDL"],
    ),
    ("FR", "99999999999999999999999", &[]),
    ("NL", "AAAA9999999999", &["ABNA", "INGB", "RABO", "TRIO"]),
    ("ES", "99999999999999999999", &[]),
    ("IT", "A9999999999999999999999", &[]),
    ("CH", "99999999999999999", &[]),
];

fn iban_mod97(country: &str, check: &str, bban: &str) -> u32 {
    let mut rem = 0u32;
    for c in bban.chars().chain(country.chars()).chain(check.chars()) {
        let v = if c.is_ascii_digit() {
            c as u32 - '0' as u32
        } else {
            c.to_ascii_uppercase() as u32 - 'A' as u32 + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem
}

/// Returns an IBAN; with `valid` false the check digits are deliberately wrong.
pub(crate) fn iban(rng: &mut Rng, valid: bool) -> String {
    let (cc, pat, banks) = *rng.pick(IBAN_SPECS);
    let mut bban = String::with_capacity(30);
    if banks.is_empty() {
        rng.fill_pattern(&pat.replace('9', "X"), &mut bban);
    } else {
        bban.push_str(rng.pick::<&str>(banks));
        rng.fill_pattern(&pat[4..].replace('9', "X"), &mut bban);
    }
    let good = 98 - iban_mod97(cc, "00", &bban);
    let check = if valid {
        good
    } else {
        // Any other value in 2..=98 differs by less than 97, so mod 97 can no longer be 1.
        let mut c = rng.range(2, 98) as u32;
        if c == good {
            c = if good == 98 { 2 } else { good + 1 };
        }
        c
    };
    let compact = format!("{cc}{check:02}{bban}");
    if rng.chance(0.6) {
        return compact;
    }
    let mut out = String::with_capacity(compact.len() + 8);
    for (i, ch) in compact.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// Returns true if `s` (spaces ignored) is an IBAN whose mod-97 check holds.
#[cfg(test)]
pub(crate) fn iban_valid(s: &str) -> bool {
    let c: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    c.len() >= 15 && c.is_ascii() && iban_mod97(&c[..2], &c[2..4], &c[4..]) == 1
}

/// Returns true if `s` is a dashed SSN that the SSA could have issued.
#[cfg(test)]
pub(crate) fn ssn_valid(s: &str) -> bool {
    let p: Vec<&str> = s.split('-').collect();
    if p.len() != 3 || p[0].len() != 3 || p[1].len() != 2 || p[2].len() != 4 {
        return false;
    }
    let n: Vec<u32> = p.iter().filter_map(|x| x.parse().ok()).collect();
    n.len() == 3 && n[0] != 0 && n[0] != 666 && n[0] < 900 && n[1] != 0 && n[2] != 0
}
