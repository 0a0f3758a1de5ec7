//! Check-digit schemes of national identifiers and crypto addresses, as pure functions over
//! the compact value (uppercase ASCII letters and digits, separators removed).

use sha2::{Digest, Sha256};

/// The digit values of ASCII digits `d`, or `None` if any byte is not a digit.
fn digits<const N: usize>(d: &[u8]) -> Option<[u32; N]> {
    if d.len() != N {
        return None;
    }
    let mut out = [0u32; N];
    for (o, &c) in out.iter_mut().zip(d) {
        if !c.is_ascii_digit() {
            return None;
        }
        *o = u32::from(c - b'0');
    }
    Some(out)
}

/// Luhn over ASCII digits.
pub(crate) fn luhn(d: &[u8]) -> bool {
    super::card::luhn(d)
}

/// Weighted sum of the first `w.len()` digits.
fn weighted(d: &[u32], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(a, b)| a * b).sum()
}

/// UK NHS number: ten digits, weights 10..2, check `11 - sum % 11` (11 → 0, 10 invalid).
pub(crate) fn uk_nhs(c: &[u8]) -> bool {
    let Some(d) = digits::<10>(c) else {
        return false;
    };
    let check = 11 - weighted(&d, &[10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == d[9] && d.iter().any(|&x| x != d[0])
}

/// UK National Insurance number: two prefix letters (not D, F, I, Q, U, V; second not O;
/// not BG, GB, KN, NK, NT, TN, ZZ), six digits, suffix A–D.
pub(crate) fn uk_nino(c: &[u8]) -> bool {
    if c.len() != 9 || !c[2..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let (a, b, s) = (c[0], c[1], c[8]);
    let bad = |x: u8| matches!(x, b'D' | b'F' | b'I' | b'Q' | b'U' | b'V');
    a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && !bad(a)
        && !bad(b)
        && b != b'O'
        && !matches!(
            &c[..2],
            b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
        )
        && matches!(s, b'A'..=b'D')
}

/// Canadian SIN: nine digits, Luhn, not starting with 0 or 8 (not issued).
pub(crate) fn ca_sin(c: &[u8]) -> bool {
    c.len() == 9 && c.iter().all(u8::is_ascii_digit) && !matches!(c[0], b'0' | b'8') && luhn(c)
}

/// Australian Business Number: eleven digits; subtract 1 from the first, weights
/// 10,1,3,…,19, sum divisible by 89.
pub(crate) fn au_abn(c: &[u8]) -> bool {
    let Some(mut d) = digits::<11>(c) else {
        return false;
    };
    if d[0] == 0 {
        return false;
    }
    d[0] -= 1;
    weighted(&d, &[10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]).is_multiple_of(89)
}

/// Australian Company Number: nine digits, weights 8..1, check `(10 - sum % 10) % 10`.
pub(crate) fn au_acn(c: &[u8]) -> bool {
    let Some(d) = digits::<9>(c) else {
        return false;
    };
    (10 - weighted(&d, &[8, 7, 6, 5, 4, 3, 2, 1]) % 10) % 10 == d[8]
}

/// Australian Tax File Number: nine digits, weights 1,4,3,7,5,8,6,9,10, sum divisible by 11.
pub(crate) fn au_tfn(c: &[u8]) -> bool {
    let Some(d) = digits::<9>(c) else {
        return false;
    };
    d.iter().any(|&x| x != d[0]) && weighted(&d, &[1, 4, 3, 7, 5, 8, 6, 9, 10]).is_multiple_of(11)
}

/// Australian Medicare number: ten digits (card number, check digit, issue number), first
/// 2–6, weights 1,3,7,9,1,3,7,9 on the first eight, check digit `sum % 10` ninth.
pub(crate) fn au_medicare(c: &[u8]) -> bool {
    let Some(d) = digits::<10>(c) else {
        return false;
    };
    (2..=6).contains(&d[0]) && weighted(&d, &[1, 3, 7, 9, 1, 3, 7, 9]) % 10 == d[8]
}

const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// Verhoeff checksum over ASCII digits (the last digit is the check digit).
pub(crate) fn verhoeff(d: &[u8]) -> bool {
    let mut c = 0u8;
    for (i, &x) in d.iter().rev().enumerate() {
        if !x.is_ascii_digit() {
            return false;
        }
        c = VERHOEFF_D[usize::from(c)][usize::from(VERHOEFF_P[i % 8][usize::from(x - b'0')])];
    }
    !d.is_empty() && c == 0
}

/// Indian Aadhaar: twelve digits, the first 2–9, Verhoeff.
pub(crate) fn in_aadhaar(c: &[u8]) -> bool {
    c.len() == 12 && matches!(c[0], b'2'..=b'9') && verhoeff(c)
}

/// Indian PAN: five letters (the fourth the holder kind), four digits, a letter.
pub(crate) fn in_pan(c: &[u8]) -> bool {
    c.len() == 10
        && c[..5].iter().all(u8::is_ascii_uppercase)
        && b"ABCFGHLJPT".contains(&c[3])
        && c[5..9].iter().all(u8::is_ascii_digit)
        && c[9].is_ascii_uppercase()
}

/// The value of a base-36 character (`0-9A-Z`).
fn b36(x: u8) -> Option<u32> {
    match x {
        b'0'..=b'9' => Some(u32::from(x - b'0')),
        b'A'..=b'Z' => Some(u32::from(x - b'A') + 10),
        _ => None,
    }
}

/// Indian GSTIN: state code 01–38, a PAN, entity number, `Z`, and a mod-36 check character.
pub(crate) fn in_gstin(c: &[u8]) -> bool {
    if c.len() != 15 || !c[..2].iter().all(u8::is_ascii_digit) || c[13] != b'Z' {
        return false;
    }
    let state = u32::from(c[0] - b'0') * 10 + u32::from(c[1] - b'0');
    if !(1..=38).contains(&state) || !in_pan(&c[2..12]) {
        return false;
    }
    let mut sum = 0;
    for (i, &x) in c[..14].iter().enumerate() {
        let Some(v) = b36(x) else {
            return false;
        };
        let p = v * if i % 2 == 0 { 1 } else { 2 };
        sum += p / 36 + p % 36;
    }
    let check = (36 - sum % 36) % 36;
    b36(c[14]) == Some(check)
}

const NIF_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// Spanish NIF (DNI): eight digits and the letter of the number mod 23.
pub(crate) fn es_nif(c: &[u8]) -> bool {
    let Some(d) = digits::<8>(c.get(..8).unwrap_or(&[])) else {
        return false;
    };
    let n = d.iter().fold(0u32, |a, x| a * 10 + x);
    c.len() == 9 && NIF_LETTERS[(n % 23) as usize] == c[8]
}

/// Spanish NIE: X, Y or Z (read as 0, 1, 2), seven digits and the mod-23 letter.
pub(crate) fn es_nie(c: &[u8]) -> bool {
    if c.len() != 9 {
        return false;
    }
    let lead = match c[0] {
        b'X' => b'0',
        b'Y' => b'1',
        b'Z' => b'2',
        _ => return false,
    };
    let mut nif = [0u8; 9];
    nif[0] = lead;
    nif[1..].copy_from_slice(&c[1..]);
    es_nif(&nif)
}

/// Italian codice fiscale: 16 characters (letters, with digits at 6–7, 9–10, 12–14, which
/// homocody may replace by `LMNPQRSTUV`), a valid month letter, and the check letter.
pub(crate) fn it_fiscal_code(c: &[u8]) -> bool {
    if c.len() != 16 {
        return false;
    }
    const DIGIT_POS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
    for (i, &x) in c.iter().enumerate() {
        let ok = if DIGIT_POS.contains(&i) {
            x.is_ascii_digit() || b"LMNPQRSTUV".contains(&x)
        } else {
            x.is_ascii_uppercase()
        };
        if !ok {
            return false;
        }
    }
    if !b"ABCDEHLMPRST".contains(&c[8]) || c[..6].iter().all(|&x| x == c[0]) {
        return false;
    }
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let mut sum = 0;
    for (i, &x) in c[..15].iter().enumerate() {
        let v = if x.is_ascii_digit() {
            usize::from(x - b'0')
        } else {
            usize::from(x - b'A')
        };
        // Positions are 1-based in the standard: odd positions use the table.
        sum += if i % 2 == 0 { ODD[v] } else { v as u32 };
    }
    u32::from(c[15] - b'A') == sum % 26
}

/// Returns true if `(year, month, day)` is a real calendar date.
pub(crate) fn valid_date(year: u32, month: u32, day: u32) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Polish PESEL: eleven digits, a birth date whose month encodes the century, weights
/// 1,3,7,9,… and check `(10 - sum % 10) % 10`.
pub(crate) fn pl_pesel(c: &[u8]) -> bool {
    let Some(d) = digits::<11>(c) else {
        return false;
    };
    let (yy, mm, dd) = (d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    let (century, month) = match mm {
        1..=12 => (1900, mm),
        21..=32 => (2000, mm - 20),
        41..=52 => (2100, mm - 40),
        61..=72 => (2200, mm - 60),
        81..=92 => (1800, mm - 80),
        _ => return false,
    };
    valid_date(century + yy, month, dd)
        && (10 - weighted(&d, &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10) % 10 == d[10]
}

const HETU_CHECK: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// Finnish HETU: `DDMMYY`, a century sign (`+`, `-`, `A`–`F`, `U`–`Y`), a three-digit
/// individual number 002–899 and a check character of the nine digits mod 31. `raw` is the
/// value as written (the sign is part of it).
pub(crate) fn fi_hetu(raw: &[u8]) -> bool {
    if raw.len() != 11
        || !raw[..6].iter().all(u8::is_ascii_digit)
        || !raw[7..10].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let century = match raw[6].to_ascii_uppercase() {
        b'+' => 1800,
        b'-' | b'U'..=b'Y' => 1900,
        b'A'..=b'F' => 2000,
        _ => return false,
    };
    let n = |i: usize| u32::from(raw[i] - b'0');
    let (dd, mm, yy) = (n(0) * 10 + n(1), n(2) * 10 + n(3), n(4) * 10 + n(5));
    let individual = n(7) * 100 + n(8) * 10 + n(9);
    if !valid_date(century + yy, mm, dd) || !(2..=899).contains(&individual) {
        return false;
    }
    let all = raw[..6]
        .iter()
        .chain(&raw[7..10])
        .fold(0u32, |a, &x| a * 10 + u32::from(x - b'0'));
    HETU_CHECK[(all % 31) as usize] == raw[10].to_ascii_uppercase()
}

/// Swedish personnummer / samordningsnummer: `YYMMDDNNNN` or `YYYYMMDDNNNN` digits, a
/// date (day + 60 for coordination numbers), Luhn over the last ten.
pub(crate) fn se_personnummer(c: &[u8]) -> bool {
    let ten = match c.len() {
        10 => c,
        12 => &c[2..],
        _ => return false,
    };
    let Some(d) = digits::<10>(ten) else {
        return false;
    };
    let year = if c.len() == 12 {
        let cc = u32::from(c[0] - b'0') * 10 + u32::from(c[1] - b'0');
        if !(18..=20).contains(&cc) {
            return false;
        }
        cc * 100 + d[0] * 10 + d[1]
    } else {
        2000 + d[0] * 10 + d[1]
    };
    let mut day = d[4] * 10 + d[5];
    if day > 60 {
        day -= 60;
    }
    valid_date(year, d[2] * 10 + d[3], day) && luhn(ten)
}

/// South Korean RRN: `YYMMDD` and seven digits, the first 1–8 (century and sex); weights
/// 2..9,2..5 and check `(11 - sum % 11) % 10` (numbers issued before October 2020).
pub(crate) fn kr_rrn(c: &[u8]) -> bool {
    let Some(d) = digits::<13>(c) else {
        return false;
    };
    let century = match d[6] {
        1 | 2 | 5 | 6 => 1900,
        3 | 4 | 7 | 8 => 2000,
        _ => return false,
    };
    valid_date(
        century + d[0] * 10 + d[1],
        d[2] * 10 + d[3],
        d[4] * 10 + d[5],
    ) && (11 - weighted(&d, &[2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]) % 11) % 10 == d[12]
}

/// Singapore NRIC/FIN: S, T, F or G, seven digits and a check letter (weights 2,7,6,5,4,3,2;
/// +4 for T and G).
pub(crate) fn sg_nric(c: &[u8]) -> bool {
    if c.len() != 9 || !c[1..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let (offset, table): (u32, &[u8; 11]) = match c[0] {
        b'S' => (0, b"JZIHGFEDCBA"),
        b'T' => (4, b"JZIHGFEDCBA"),
        b'F' => (0, b"XWUTRQPNMLK"),
        b'G' => (4, b"XWUTRQPNMLK"),
        _ => return false,
    };
    let d: Vec<u32> = c[1..8].iter().map(|&x| u32::from(x - b'0')).collect();
    let sum = weighted(&d, &[2, 7, 6, 5, 4, 3, 2]) + offset;
    table[(sum % 11) as usize] == c[8]
}

/// South African ID: thirteen digits, `YYMMDD` a date, citizenship digit 0–2, Luhn.
pub(crate) fn za_id(c: &[u8]) -> bool {
    let Some(d) = digits::<13>(c) else {
        return false;
    };
    // The century is not encoded; any year is possible, so check against a leap year when
    // the date is 29 February.
    valid_date(2000, d[2] * 10 + d[3], d[4] * 10 + d[5]) && d[10] <= 2 && luhn(c)
}

/// Turkish TCKN: eleven digits, the first not zero; d10 and d11 are check digits.
pub(crate) fn tr_tckn(c: &[u8]) -> bool {
    let Some(d) = digits::<11>(c) else {
        return false;
    };
    let odd = d[0] + d[2] + d[4] + d[6] + d[8];
    let even = d[1] + d[3] + d[5] + d[7];
    d[0] != 0 && (odd * 7 + 10 * 9 - even) % 10 == d[9] && d[..10].iter().sum::<u32>() % 10 == d[10]
}

/// German tax id (Steuerliche Identifikationsnummer): eleven digits, the first not zero; in
/// the first ten one digit appears two or three times and no other repeats (a triple not
/// adjacent in a row); ISO 7064 MOD 11,10 check digit.
pub(crate) fn de_tax_id(c: &[u8]) -> bool {
    let Some(d) = digits::<11>(c) else {
        return false;
    };
    if d[0] == 0 {
        return false;
    }
    let mut counts = [0u8; 10];
    for &x in &d[..10] {
        counts[x as usize] += 1;
    }
    let repeated: Vec<u8> = counts.iter().copied().filter(|&n| n > 1).collect();
    if repeated.len() != 1 || repeated[0] > 3 {
        return false;
    }
    if repeated[0] == 3 && d[..10].windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        return false;
    }
    let mut product = 10;
    for &x in &d[..10] {
        let mut sum = (x + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = (11 - product) % 10;
    check == d[10]
}

/// US ITIN: nine digits starting with 9, the middle group 50–65, 70–88, 90–92 or 94–99.
pub(crate) fn us_itin(c: &[u8]) -> bool {
    let Some(d) = digits::<9>(c) else {
        return false;
    };
    let mid = d[3] * 10 + d[4];
    d[0] == 9 && matches!(mid, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

/// ABA routing number: nine digits, a Federal Reserve prefix, 3-7-1 weights mod 10.
pub(crate) fn us_aba(c: &[u8]) -> bool {
    let Some(d) = digits::<9>(c) else {
        return false;
    };
    let pre = d[0] * 10 + d[1];
    matches!(pre, 0..=12 | 21..=32 | 61..=72 | 80)
        && weighted(&d, &[3, 7, 1, 3, 7, 1, 3, 7, 1]).is_multiple_of(10)
        && d.iter().any(|&x| x != 0)
}

/// US NPI: ten digits starting 1 or 2, Luhn over `80840` and the number.
pub(crate) fn us_npi(c: &[u8]) -> bool {
    if c.len() != 10 || !matches!(c[0], b'1' | b'2') {
        return false;
    }
    let mut full = *b"80840__________";
    full[5..].copy_from_slice(c);
    luhn(&full)
}

/// US Medicare Beneficiary Identifier: 11 characters, digits and letters (no S, L, O, I, B,
/// Z) in the fixed positions of CMS's format.
pub(crate) fn us_mbi(c: &[u8]) -> bool {
    if c.len() != 11 {
        return false;
    }
    let letter = |x: u8| x.is_ascii_uppercase() && !b"SLOIBZ".contains(&x);
    let alnum = |x: u8| letter(x) || x.is_ascii_digit();
    matches!(c[0], b'1'..=b'9')
        && letter(c[1])
        && alnum(c[2])
        && c[3].is_ascii_digit()
        && letter(c[4])
        && alnum(c[5])
        && c[6].is_ascii_digit()
        && letter(c[7])
        && letter(c[8])
        && c[9].is_ascii_digit()
        && c[10].is_ascii_digit()
}

const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// A Bitcoin legacy address: base58 of version 0x00 (`1…`) or 0x05 (`3…`), 20 bytes of hash
/// and the first four bytes of a double SHA-256.
pub(crate) fn btc_base58(s: &[u8]) -> bool {
    if !(26..=35).contains(&s.len()) || !matches!(s[0], b'1' | b'3') {
        return false;
    }
    let mut bytes = [0u8; 25];
    for &ch in s {
        let Some(v) = BASE58.iter().position(|&x| x == ch) else {
            return false;
        };
        let mut carry = v as u32;
        for b in bytes.iter_mut().rev() {
            carry += u32::from(*b) * 58;
            *b = (carry & 0xFF) as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return false;
        }
    }
    // Each leading `1` is one leading zero byte; a mismatch means a different length.
    let ones = s.iter().take_while(|&&x| x == b'1').count();
    let zeros = bytes.iter().take_while(|&&x| x == 0).count();
    let version_ok = match s[0] {
        b'1' => ones == zeros,
        _ => ones == 0 && bytes[0] == 5,
    };
    let hash = Sha256::digest(Sha256::digest(&bytes[..21]));
    version_ok && hash[..4] == bytes[21..]
}

const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The BIP-173 checksum polymod over 5-bit values.
pub(crate) fn bech32_polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk = 1u32;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// A Bitcoin segwit address: `bc1`, bech32 (witness v0) or bech32m (v1+) data, one case.
pub(crate) fn btc_bech32(s: &[u8]) -> bool {
    if !(14..=74).contains(&s.len()) {
        return false;
    }
    let lower = s.iter().all(|c| !c.is_ascii_uppercase());
    let upper = s.iter().all(|c| !c.is_ascii_lowercase());
    if !(lower || upper) || !s[..3].eq_ignore_ascii_case(b"bc1") {
        return false;
    }
    let mut data = Vec::with_capacity(s.len());
    for &c in &s[3..] {
        let Some(v) = BECH32.iter().position(|&x| x == c.to_ascii_lowercase()) else {
            return false;
        };
        data.push(v as u8);
    }
    if data.len() < 7 {
        return false;
    }
    let hrp = [b'b', b'c'];
    let expanded = hrp
        .iter()
        .map(|c| c >> 5)
        .chain([0])
        .chain(hrp.iter().map(|c| c & 31))
        .chain(data.iter().copied());
    let pm = bech32_polymod(expanded);
    let version = data[0];
    let program_len = (data.len() - 7) * 5 / 8;
    match version {
        0 => pm == 1 && matches!(program_len, 20 | 32),
        1..=16 => pm == 0x2bc8_30a3 && (2..=40).contains(&program_len),
        _ => false,
    }
}

/// Keccak-256 (the pre-standard padding Ethereum uses) of `data`.
pub(crate) fn keccak256(data: &[u8]) -> [u8; 32] {
    const RC: [u64; 24] = [
        0x0000_0000_0000_0001,
        0x0000_0000_0000_8082,
        0x8000_0000_0000_808A,
        0x8000_0000_8000_8000,
        0x0000_0000_0000_808B,
        0x0000_0000_8000_0001,
        0x8000_0000_8000_8081,
        0x8000_0000_0000_8009,
        0x0000_0000_0000_008A,
        0x0000_0000_0000_0088,
        0x0000_0000_8000_8009,
        0x0000_0000_8000_000A,
        0x0000_0000_8000_808B,
        0x8000_0000_0000_008B,
        0x8000_0000_0000_8089,
        0x8000_0000_0000_8003,
        0x8000_0000_0000_8002,
        0x8000_0000_0000_0080,
        0x0000_0000_0000_800A,
        0x8000_0000_8000_000A,
        0x8000_0000_8000_8081,
        0x8000_0000_0000_8080,
        0x0000_0000_8000_0001,
        0x8000_0000_8000_8008,
    ];
    const ROT: [u32; 25] = [
        0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56,
        14,
    ];
    const RATE: usize = 136;
    fn absorb(st: &mut [u64; 25], blk: &[u8]) {
        for (i, w) in blk.chunks_exact(8).enumerate() {
            st[i] ^= u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        }
        for rc in RC {
            let mut c = [0u64; 5];
            for x in 0..5 {
                c[x] = st[x] ^ st[x + 5] ^ st[x + 10] ^ st[x + 15] ^ st[x + 20];
            }
            for x in 0..5 {
                let d = c[(x + 4) % 5] ^ c[(x + 1) % 5].rotate_left(1);
                for y in 0..5 {
                    st[x + 5 * y] ^= d;
                }
            }
            let mut b = [0u64; 25];
            for x in 0..5 {
                for y in 0..5 {
                    b[y + 5 * ((2 * x + 3 * y) % 5)] = st[x + 5 * y].rotate_left(ROT[x + 5 * y]);
                }
            }
            for x in 0..5 {
                for y in 0..5 {
                    st[x + 5 * y] =
                        b[x + 5 * y] ^ (!b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
                }
            }
            st[0] ^= rc;
        }
    }
    let mut st = [0u64; 25];
    let full = data.len() / RATE;
    for k in 0..full {
        absorb(&mut st, &data[k * RATE..(k + 1) * RATE]);
    }
    let last = &data[full * RATE..];
    let mut pad = [0u8; RATE];
    pad[..last.len()].copy_from_slice(last);
    pad[last.len()] ^= 0x01;
    pad[RATE - 1] ^= 0x80;
    absorb(&mut st, &pad);
    let mut out = [0u8; 32];
    for i in 0..4 {
        out[i * 8..i * 8 + 8].copy_from_slice(&st[i].to_le_bytes());
    }
    out
}

/// An Ethereum address: `0x` and 40 hex digits; when letters of both cases appear, the
/// EIP-55 mixed-case checksum must hold.
pub(crate) fn eth_address(s: &[u8]) -> bool {
    if s.len() != 42 || &s[..2] != b"0x" || !s[2..].iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let hex = &s[2..];
    let has_upper = hex.iter().any(u8::is_ascii_uppercase);
    let has_lower = hex.iter().any(u8::is_ascii_lowercase);
    if !(has_upper && has_lower) {
        // One digit value only is a placeholder (`0x000…0`), not an address.
        return hex.iter().any(|&x| x != hex[0]);
    }
    let lower: Vec<u8> = hex.iter().map(u8::to_ascii_lowercase).collect();
    let hash = keccak256(&lower);
    hex.iter().enumerate().all(|(i, &c)| {
        let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0xF;
        !c.is_ascii_alphabetic() || c.is_ascii_uppercase() == (nibble >= 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keccak_known_vectors() {
        let hex = |b: [u8; 32]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
        assert_eq!(
            hex(keccak256(b"abc")),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
        );
    }

    #[test]
    fn verhoeff_known() {
        assert!(verhoeff(b"2363"));
        assert!(!verhoeff(b"2364"));
    }
}
