//! Planted national identifiers, crypto and MAC addresses and dates of birth, in the formats
//! their issuers print, with carrier sentences that hold their keywords; and their decoys (a
//! broken check digit, a digit too few) next to the same keywords.

use super::rng::{Rng, HEX};
use crate::pii::national_check as check;

/// One plantable kind: its truth-file label, how a valid value is made, and carriers.
pub(crate) struct Kind {
    pub label: &'static str,
    make: fn(&mut Rng) -> String,
    pub carriers: &'static [&'static str],
}

/// Draws digits until `valid` accepts them (the validators are the schemes' definitions;
/// the detector's tests pin them to published examples).
fn digits_until(rng: &mut Rng, n: usize, first: &[u8], valid: fn(&[u8]) -> bool) -> String {
    loop {
        let mut s = String::with_capacity(n);
        s.push(*rng.pick(first) as char);
        rng.push_digits(&mut s, n - 1);
        if valid(s.as_bytes()) {
            return s;
        }
    }
}

/// Groups `s` by `sizes` with `sep`.
fn group(s: &str, sizes: &[usize], sep: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (i, n) in sizes.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&s[at..at + n]);
        at += n;
    }
    out
}

/// `s` grouped by `sizes` half of the time, bare otherwise.
fn maybe_group(rng: &mut Rng, s: String, sizes: &[usize]) -> String {
    match rng.below(3) {
        0 => s,
        1 => group(&s, sizes, " "),
        _ => group(&s, sizes, "-"),
    }
}

const D19: &[u8] = b"123456789";
const D09: &[u8] = b"0123456789";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn nhs(r: &mut Rng) -> String {
    let s = digits_until(r, 10, D19, check::uk_nhs);
    maybe_group(r, s, &[3, 3, 4])
}
fn nino(r: &mut Rng) -> String {
    loop {
        let mut s = String::new();
        r.push_chars(&mut s, UPPER, 2);
        r.push_digits(&mut s, 6);
        r.push_chars(&mut s, b"ABCD", 1);
        if check::uk_nino(s.as_bytes()) {
            return if r.chance(0.3) {
                group(&s, &[2, 2, 2, 2, 1], " ")
            } else {
                s
            };
        }
    }
}
fn sin(r: &mut Rng) -> String {
    let s = digits_until(r, 9, b"1234567", check::ca_sin);
    maybe_group(r, s, &[3, 3, 3])
}
fn abn(r: &mut Rng) -> String {
    let s = digits_until(r, 11, D19, check::au_abn);
    maybe_group(r, s, &[2, 3, 3, 3])
}
fn acn(r: &mut Rng) -> String {
    let s = digits_until(r, 9, D09, check::au_acn);
    maybe_group(r, s, &[3, 3, 3])
}
fn tfn(r: &mut Rng) -> String {
    let s = digits_until(r, 9, D19, check::au_tfn);
    maybe_group(r, s, &[3, 3, 3])
}
fn medicare(r: &mut Rng) -> String {
    let s = digits_until(r, 10, b"23456", check::au_medicare);
    maybe_group(r, s, &[4, 5, 1])
}
fn aadhaar(r: &mut Rng) -> String {
    let s = digits_until(r, 12, b"23456789", check::in_aadhaar);
    if r.chance(0.5) {
        group(&s, &[4, 4, 4], " ")
    } else {
        s
    }
}
fn pan(r: &mut Rng) -> String {
    let mut s = String::new();
    r.push_chars(&mut s, UPPER, 3);
    r.push_chars(&mut s, b"ABCFGHLJPT", 1);
    r.push_chars(&mut s, UPPER, 1);
    r.push_digits(&mut s, 4);
    r.push_chars(&mut s, UPPER, 1);
    s
}
fn gstin(r: &mut Rng) -> String {
    let body = format!("{:02}{}{}Z", r.range(1, 37), pan(r), r.range(1, 9));
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for &c in alphabet {
        let s = format!("{body}{}", c as char);
        if check::in_gstin(s.as_bytes()) {
            return s;
        }
    }
    unreachable_check(body)
}
/// Every scheme above has a check character for every body; reaching this is a bug in the
/// generator, reported with the body (random, not personal data).
fn unreachable_check(body: String) -> String {
    panic!("no check character completes {body}")
}
fn with_letter(body: String, alphabet: &[u8], valid: fn(&[u8]) -> bool) -> String {
    for &c in alphabet {
        let s = format!("{body}{}", c as char);
        if valid(s.as_bytes()) {
            return s;
        }
    }
    unreachable_check(body)
}
fn nif(r: &mut Rng) -> String {
    let mut b = String::new();
    r.push_digits(&mut b, 8);
    with_letter(b, UPPER, check::es_nif)
}
fn nie(r: &mut Rng) -> String {
    let mut b = String::new();
    r.push_chars(&mut b, b"XYZ", 1);
    r.push_digits(&mut b, 7);
    with_letter(b, UPPER, check::es_nie)
}
fn fiscal(r: &mut Rng) -> String {
    let mut b = String::new();
    r.push_chars(&mut b, b"BCDFGLMNPRSTVZ", 3);
    r.push_chars(&mut b, b"AEIOUBCDFGLMNPRSTVZ", 3);
    b.push_str(&format!("{:02}", r.range(40, 99)));
    r.push_chars(&mut b, b"ABCDEHLMPRST", 1);
    b.push_str(&format!("{:02}", r.range(1, 71)));
    r.push_chars(&mut b, b"ABCDEFGHILMZ", 1);
    b.push_str(&format!("{:03}", r.range(1, 999)));
    with_letter(b, UPPER, check::it_fiscal_code)
}
fn date_parts(r: &mut Rng, from: u64, to: u64) -> (u64, u64, u64) {
    (r.range(from, to), r.range(1, 12), r.range(1, 28))
}
fn pesel(r: &mut Rng) -> String {
    loop {
        let (y, m, d) = date_parts(r, 1930, 2015);
        let mm = if y >= 2000 { m + 20 } else { m };
        let mut s = format!("{:02}{mm:02}{d:02}", y % 100);
        r.push_digits(&mut s, 5);
        if check::pl_pesel(s.as_bytes()) {
            return s;
        }
    }
}
fn hetu(r: &mut Rng) -> String {
    let (y, m, d) = date_parts(r, 1940, 2015);
    let sign = if y >= 2000 { 'A' } else { '-' };
    let body = format!("{d:02}{m:02}{:02}{sign}{:03}", y % 100, r.range(2, 899));
    with_letter(body, b"0123456789ABCDEFHJKLMNPRSTUVWXY", check::fi_hetu)
}
fn personnummer(r: &mut Rng) -> String {
    loop {
        let (y, m, d) = date_parts(r, 1930, 2015);
        let mut tail = String::new();
        r.push_digits(&mut tail, 4);
        let ten = format!("{:02}{m:02}{d:02}{tail}", y % 100);
        let full = format!("{}{}", y / 100, ten);
        if check::se_personnummer(full.as_bytes()) {
            return if r.chance(0.5) {
                format!("{}-{}", &full[..8], &full[8..])
            } else {
                format!("{}-{}", &ten[..6], &ten[6..])
            };
        }
    }
}
fn rrn(r: &mut Rng) -> String {
    loop {
        let (y, m, d) = date_parts(r, 1940, 2015);
        let g = if y >= 2000 {
            r.range(3, 4)
        } else {
            r.range(1, 2)
        };
        let mut s = format!("{:02}{m:02}{d:02}{g}", y % 100);
        r.push_digits(&mut s, 6);
        if check::kr_rrn(s.as_bytes()) {
            return format!("{}-{}", &s[..6], &s[6..]);
        }
    }
}
fn nric(r: &mut Rng) -> String {
    let mut b = String::new();
    r.push_chars(&mut b, b"STFG", 1);
    r.push_digits(&mut b, 7);
    with_letter(b, UPPER, check::sg_nric)
}
fn za(r: &mut Rng) -> String {
    loop {
        let (y, m, d) = date_parts(r, 1940, 2015);
        let mut s = format!("{:02}{m:02}{d:02}", y % 100);
        r.push_digits(&mut s, 4);
        s.push_str(if r.chance(0.8) { "0" } else { "1" });
        r.push_digits(&mut s, 2);
        if check::za_id(s.as_bytes()) {
            return s;
        }
    }
}
fn tckn(r: &mut Rng) -> String {
    digits_until(r, 11, D19, check::tr_tckn)
}
fn de_tax(r: &mut Rng) -> String {
    let s = digits_until(r, 11, D19, check::de_tax_id);
    if r.chance(0.3) {
        group(&s, &[2, 3, 3, 3], " ")
    } else {
        s
    }
}
fn itin(r: &mut Rng) -> String {
    let mid = *r.pick(&[50u64, 57, 65, 70, 78, 88, 90, 92, 94, 99]);
    format!("9{:02}-{mid:02}-{:04}", r.below(100), r.below(10000))
}
fn aba(r: &mut Rng) -> String {
    digits_until(r, 9, b"0126", check::us_aba)
}
fn npi(r: &mut Rng) -> String {
    digits_until(r, 10, b"12", check::us_npi)
}
fn mbi(r: &mut Rng) -> String {
    const L: &[u8] = b"ACDEFGHJKMNPQRTUVWXY";
    const AN: &[u8] = b"ACDEFGHJKMNPQRTUVWXY0123456789";
    let mut s = String::new();
    r.push_chars(&mut s, D19, 1);
    r.push_chars(&mut s, L, 1);
    r.push_chars(&mut s, AN, 1);
    r.push_digits(&mut s, 1);
    r.push_chars(&mut s, L, 1);
    r.push_chars(&mut s, AN, 1);
    r.push_digits(&mut s, 1);
    r.push_chars(&mut s, L, 2);
    r.push_digits(&mut s, 2);
    if r.chance(0.3) {
        group(&s, &[4, 3, 4], "-")
    } else {
        s
    }
}
const B58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
fn btc(r: &mut Rng) -> String {
    use sha2::{Digest, Sha256};
    if r.chance(0.4) {
        // bech32 v0 (20-byte program) with its checksum.
        let mut data: Vec<u8> = vec![0];
        let prog: Vec<u8> = (0..32).map(|_| r.below(32) as u8).collect();
        data.extend(prog);
        let hrp = [b'b', b'c'];
        let mut vals: Vec<u8> = hrp.iter().map(|c| c >> 5).collect();
        vals.push(0);
        vals.extend(hrp.iter().map(|c| c & 31));
        vals.extend(&data);
        vals.extend([0u8; 6]);
        let pm = check::bech32_polymod(vals.into_iter()) ^ 1;
        for i in 0..6 {
            data.push(((pm >> (5 * (5 - i))) & 31) as u8);
        }
        let cs = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
        return format!(
            "bc1{}",
            data.iter()
                .map(|&v| cs[v as usize] as char)
                .collect::<String>()
        );
    }
    let mut bytes = vec![if r.chance(0.6) { 0u8 } else { 5 }];
    bytes.extend((0..20).map(|_| r.below(256) as u8));
    let h = Sha256::digest(Sha256::digest(&bytes));
    bytes.extend_from_slice(&h[..4]);
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    let mut num = bytes.clone();
    let mut out = Vec::new();
    while num.iter().any(|&b| b != 0) {
        let mut rem = 0u32;
        for b in num.iter_mut() {
            let acc = (rem << 8) | u32::from(*b);
            *b = (acc / 58) as u8;
            rem = acc % 58;
        }
        out.push(B58[rem as usize]);
    }
    out.extend(std::iter::repeat_n(b'1', zeros));
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
fn eth(r: &mut Rng) -> String {
    let mut hex = String::new();
    r.push_chars(&mut hex, HEX, 40);
    let hex = hex.to_ascii_lowercase();
    if r.chance(0.3) {
        return format!("0x{hex}");
    }
    let hash = check::keccak256(hex.as_bytes());
    let cased: String = hex
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let nib = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0xF;
            if nib >= 8 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    format!("0x{cased}")
}
fn mac(r: &mut Rng) -> String {
    let mut parts = Vec::new();
    for _ in 0..6 {
        let mut p = String::new();
        r.push_chars(&mut p, b"0123456789abcdef", 2);
        parts.push(p);
    }
    let s = parts.join(if r.chance(0.7) { ":" } else { "-" });
    if r.chance(0.5) {
        s.to_ascii_uppercase()
    } else {
        s
    }
}
fn dob(r: &mut Rng) -> String {
    let (y, m, d) = date_parts(r, 1930, 2010);
    match r.below(3) {
        0 => format!("{y}-{m:02}-{d:02}"),
        1 => format!("{d:02}.{m:02}.{y}"),
        _ => format!("{m:02}/{d:02}/{y}"),
    }
}

/// Every national kind the generator plants.
pub(crate) const KINDS: &[Kind] = &[
    Kind {
        label: "UK_NHS",
        make: nhs,
        carriers: &["my NHS number is ", "NHS no. ", "nhs_number="],
    },
    Kind {
        label: "UK_NINO",
        make: nino,
        carriers: &["my NI number is ", "National Insurance: ", "NINO "],
    },
    Kind {
        label: "CA_SIN",
        make: sin,
        carriers: &["my SIN is ", "social insurance number ", "SIN: "],
    },
    Kind {
        label: "AU_ABN",
        make: abn,
        carriers: &["our ABN is ", "ABN: "],
    },
    Kind {
        label: "AU_ACN",
        make: acn,
        carriers: &["ACN ", "company ACN: "],
    },
    Kind {
        label: "AU_TFN",
        make: tfn,
        carriers: &["my TFN is ", "tax file number "],
    },
    Kind {
        label: "AU_MEDICARE",
        make: medicare,
        carriers: &["Medicare card ", "my medicare number is "],
    },
    Kind {
        label: "IN_AADHAAR",
        make: aadhaar,
        carriers: &["my Aadhaar is ", "Aadhaar no: ", "UID "],
    },
    Kind {
        label: "IN_PAN",
        make: pan,
        carriers: &["PAN ", "my PAN card is ", ""],
    },
    Kind {
        label: "IN_GSTIN",
        make: gstin,
        carriers: &["GSTIN ", "GST number: ", ""],
    },
    Kind {
        label: "ES_NIF",
        make: nif,
        carriers: &["mi DNI es ", "NIF: ", ""],
    },
    Kind {
        label: "ES_NIE",
        make: nie,
        carriers: &["NIE ", "mi NIE es ", ""],
    },
    Kind {
        label: "IT_FISCAL_CODE",
        make: fiscal,
        carriers: &["codice fiscale ", "CF: ", ""],
    },
    Kind {
        label: "PL_PESEL",
        make: pesel,
        carriers: &["PESEL ", "mój PESEL to "],
    },
    Kind {
        label: "FI_HETU",
        make: hetu,
        carriers: &["henkilötunnus ", "hetu: ", ""],
    },
    Kind {
        label: "SE_PERSONNUMMER",
        make: personnummer,
        carriers: &["personnummer ", "mitt personnummer är ", ""],
    },
    Kind {
        label: "KR_RRN",
        make: rrn,
        carriers: &["주민등록번호 ", "RRN: ", ""],
    },
    Kind {
        label: "SG_NRIC_FIN",
        make: nric,
        carriers: &["NRIC ", "my FIN is ", ""],
    },
    Kind {
        label: "ZA_ID",
        make: za,
        carriers: &["my ID number is ", "South African ID "],
    },
    Kind {
        label: "TR_TCKN",
        make: tckn,
        carriers: &["TC kimlik no ", "TCKN: "],
    },
    Kind {
        label: "DE_TAX_ID",
        make: de_tax,
        carriers: &["Steuer-ID ", "meine Steuer-IdNr. ist ", "tax id "],
    },
    Kind {
        label: "US_ITIN",
        make: itin,
        carriers: &["ITIN ", "my ITIN is "],
    },
    Kind {
        label: "US_ABA_ROUTING",
        make: aba,
        carriers: &["routing number ", "ABA "],
    },
    Kind {
        label: "US_NPI",
        make: npi,
        carriers: &["NPI ", "provider NPI: "],
    },
    Kind {
        label: "US_MBI",
        make: mbi,
        carriers: &["Medicare MBI ", "MBI: ", ""],
    },
    Kind {
        label: "CRYPTO_BTC",
        make: btc,
        carriers: &["send BTC to ", "wallet ", ""],
    },
    Kind {
        label: "CRYPTO_ETH",
        make: eth,
        carriers: &["send ETH to ", "wallet ", ""],
    },
    Kind {
        label: "MAC_ADDRESS",
        make: mac,
        carriers: &["device MAC ", "hw addr ", ""],
    },
    Kind {
        label: "DATE_OF_BIRTH",
        make: dob,
        carriers: &["DOB: ", "I was born ", "date of birth ", "Geburtsdatum: "],
    },
];

/// Draws a national kind uniformly.
pub(crate) fn draw(rng: &mut Rng) -> u8 {
    rng.below(KINDS.len() as u64) as u8
}

/// A valid value of kind `i`.
pub(crate) fn make(i: u8, rng: &mut Rng) -> String {
    (KINDS[usize::from(i)].make)(rng)
}

/// A decoy sentence: a kind's keyword and a value with a broken check digit or one digit too
/// few, which no detector may report.
pub(crate) fn decoy(rng: &mut Rng) -> String {
    // Kinds whose last character is a check digit or letter over the whole value.
    // (NHS numbers are left out: grouped `3 3 4` with a broken check digit they are phone
    // numbers, and reported as such.)
    const CHECKED: &[usize] = &[2, 3, 5, 7, 9, 10, 11, 12, 13, 14, 17, 19, 20, 22, 23];
    let i = *rng.pick(CHECKED);
    let k = &KINDS[i];
    let valid = (k.make)(rng);
    let carrier = k.carriers[0];
    let broken = if rng.chance(0.5) {
        // Change the check character to another one of the same class.
        let mut b = valid.into_bytes();
        let last = b.len() - 1;
        b[last] = if b[last].is_ascii_digit() {
            b'0' + (b[last] - b'0' + 1 + rng.below(9) as u8) % 10
        } else {
            b'A' + (b[last] - b'A' + 1 + rng.below(25) as u8) % 26
        };
        String::from_utf8(b).unwrap_or_default()
    } else {
        // Drop one digit that is not the first.
        let pos: Vec<usize> = valid
            .char_indices()
            .skip(1)
            .filter(|(_, c)| c.is_ascii_digit())
            .map(|(j, _)| j)
            .collect();
        let mut v = valid;
        if let Some(&j) = pos.get(rng.below(pos.len().max(1) as u64) as usize) {
            v.remove(j);
        }
        v
    };
    format!("The {carrier}{broken} was rejected as invalid.")
}
