//! National and financial identifiers, crypto wallet addresses, MAC addresses and dates of
//! birth: one walk over the digit runs of a text, each candidate grouped by its separators and
//! told apart by length, shape and check digits, with keyword context where the shape is weak.

use super::national_check as check;
use super::text::{byte, next_digit, word_at, word_before};
use super::{push, types, Enabled, Finding, TypeId};

pub(crate) const UK_NHS: TypeId = types::id("UK_NHS");
pub(crate) const UK_NINO: TypeId = types::id("UK_NINO");
pub(crate) const CA_SIN: TypeId = types::id("CA_SIN");
pub(crate) const AU_ABN: TypeId = types::id("AU_ABN");
pub(crate) const AU_ACN: TypeId = types::id("AU_ACN");
pub(crate) const AU_TFN: TypeId = types::id("AU_TFN");
pub(crate) const AU_MEDICARE: TypeId = types::id("AU_MEDICARE");
pub(crate) const IN_AADHAAR: TypeId = types::id("IN_AADHAAR");
pub(crate) const IN_PAN: TypeId = types::id("IN_PAN");
pub(crate) const IN_GSTIN: TypeId = types::id("IN_GSTIN");
pub(crate) const ES_NIF: TypeId = types::id("ES_NIF");
pub(crate) const ES_NIE: TypeId = types::id("ES_NIE");
pub(crate) const IT_FISCAL_CODE: TypeId = types::id("IT_FISCAL_CODE");
pub(crate) const PL_PESEL: TypeId = types::id("PL_PESEL");
pub(crate) const FI_HETU: TypeId = types::id("FI_HETU");
pub(crate) const SE_PERSONNUMMER: TypeId = types::id("SE_PERSONNUMMER");
pub(crate) const KR_RRN: TypeId = types::id("KR_RRN");
pub(crate) const SG_NRIC_FIN: TypeId = types::id("SG_NRIC_FIN");
pub(crate) const ZA_ID: TypeId = types::id("ZA_ID");
pub(crate) const TR_TCKN: TypeId = types::id("TR_TCKN");
pub(crate) const DE_TAX_ID: TypeId = types::id("DE_TAX_ID");
pub(crate) const US_ITIN: TypeId = types::id("US_ITIN");
pub(crate) const US_ABA_ROUTING: TypeId = types::id("US_ABA_ROUTING");
pub(crate) const US_NPI: TypeId = types::id("US_NPI");
pub(crate) const US_MBI: TypeId = types::id("US_MBI");
pub(crate) const US_PASSPORT: TypeId = types::id("US_PASSPORT");
pub(crate) const US_DRIVER_LICENSE: TypeId = types::id("US_DRIVER_LICENSE");
pub(crate) const US_BANK_NUMBER: TypeId = types::id("US_BANK_NUMBER");
pub(crate) const CRYPTO_BTC: TypeId = types::id("CRYPTO_BTC");
pub(crate) const CRYPTO_ETH: TypeId = types::id("CRYPTO_ETH");
pub(crate) const MAC_ADDRESS: TypeId = types::id("MAC_ADDRESS");
pub(crate) const DATE_OF_BIRTH: TypeId = types::id("DATE_OF_BIRTH");

/// The words that must precede a value of a type whose format alone is too weak (within
/// [`CONTEXT_WINDOW`] bytes on the same line, as whole words, case-insensitive).
pub(crate) fn keywords(id: TypeId) -> &'static [&'static str] {
    match id {
        UK_NHS => &["nhs"],
        CA_SIN => &["sin", "social insurance", "assurance sociale", "nas"],
        AU_ABN => &["abn", "business number"],
        AU_ACN => &["acn", "company number"],
        AU_TFN => &["tfn", "tax file"],
        AU_MEDICARE => &["medicare"],
        IN_AADHAAR => &["aadhaar", "aadhar", "uidai", "uid"],
        PL_PESEL => &["pesel"],
        ZA_ID => &[
            "id number",
            "identity number",
            "south african id",
            "rsa id",
            "za id",
        ],
        TR_TCKN => &["tckn", "kimlik", "tc no", "t.c."],
        DE_TAX_ID => &[
            "steuer-id",
            "steuerid",
            "steuer-idnr",
            "steueridentifikationsnummer",
            "identifikationsnummer",
            "idnr",
            "tax id",
            "tin",
        ],
        US_ITIN => &["itin"],
        super::SSN => &["ssn", "social security", "soc sec", "ss#"],
        US_ABA_ROUTING => &["routing", "aba", "rtn", "transit number"],
        US_NPI => &["npi", "national provider"],
        KR_RRN => &["rrn", "resident registration", "주민등록번호"],
        SE_PERSONNUMMER => &[
            "personnummer",
            "samordningsnummer",
            "personal identity number",
        ],
        US_PASSPORT => &["passport"],
        US_DRIVER_LICENSE => &["driver", "driving", "dl", "dln"],
        US_BANK_NUMBER => &[
            "account number",
            "account no",
            "acct",
            "bank account",
            "checking account",
            "savings account",
        ],
        DATE_OF_BIRTH => &[
            "dob",
            "d.o.b",
            "born",
            "birthday",
            "birth date",
            "birthdate",
            "date of birth",
            "date_of_birth",
            "birth_date",
            "geburtsdatum",
            "geboren",
            "date de naissance",
            "né le",
            "née le",
            "fecha de nacimiento",
            "data di nascita",
            "födelsedatum",
            "syntymäaika",
        ],
        _ => &[],
    }
}

/// How far before a value its keyword may stand, in bytes, on the same line.
pub(crate) const CONTEXT_WINDOW: usize = 64;

/// Most characters (letters and digits, separators not counted) a national identifier has.
const MAX_COMPACT: usize = 16;
const MAX_GROUPS: usize = 6;

/// Appends the findings of every national identifier, wallet, MAC address and date of birth
/// in `text` to `out`.
pub(super) fn scan(text: &str, en: &Enabled, out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(p) = next_digit(b, i) {
        let mut ts = p;
        while ts > 0 && b[ts - 1].is_ascii_alphanumeric() {
            ts -= 1;
        }
        let mut te = p;
        while te < b.len() && b[te].is_ascii_alphanumeric() {
            te += 1;
        }
        i = te;
        if let Some(e) = mac(text, ts, en, out) {
            i = i.max(e);
            continue;
        }
        // Every value has five or more letters and digits; a shorter token starts one only
        // when a separator and a digit or capital follow (`943 476…`, `1EG4-TE5…`). This
        // drops the short numbers of prose (`42 users`, `in 2026,`) at once.
        if te - ts < 5 {
            let sep = byte(b, te);
            let next = byte(b, te + 1);
            let goes_on = matches!(sep, b' ' | b'-' | b'.' | b'/' | b'+')
                && (next.is_ascii_digit() || next.is_ascii_uppercase());
            if !goes_on {
                continue;
            }
        }
        if word_before(text, ts) {
            continue;
        }
        if te - ts > MAX_COMPACT {
            wallet(text, ts, te, en, out);
            continue;
        }
        if ts >= 2 && b[ts - 2].is_ascii_digit() {
            // The middle of a longer number or a date; after a space, only a run of digits
            // continues a number (`$2065.76 6K03D66GU63` is a number and then a value).
            let joined = matches!(b[ts - 1], b'-' | b'.' | b'/' | b':' | b'+');
            let spaced = b[ts - 1] == b' ' && b[ts..te].iter().all(u8::is_ascii_digit);
            if joined || spaced {
                continue;
            }
        }
        // A value may open with a short group of letters (`AB 12 34 56 C`, `X-1234567-L`).
        if ts >= 3 && matches!(b[ts - 1], b' ' | b'-') && b[ts - 2].is_ascii_uppercase() {
            let mut ls = ts - 2;
            while ls > 0 && b[ls - 1].is_ascii_uppercase() {
                ls -= 1;
            }
            if ts - 1 - ls <= 2 && !word_before(text, ls) {
                if let Some(e) = groups(text, ls, en, out) {
                    i = i.max(e);
                    continue;
                }
            }
        }
        if let Some(e) = groups(text, ts, en, out) {
            i = i.max(e);
        }
    }
}

/// A candidate: up to [`MAX_GROUPS`] runs of letters and digits joined by single separators.
struct Groups {
    /// Uppercased letters and digits of all groups.
    compact: [u8; MAX_COMPACT],
    /// End offset in the text of each group.
    ends: [usize; MAX_GROUPS],
    /// Characters of each group.
    lens: [u8; MAX_GROUPS],
    /// Compact length up to and including each group.
    upto: [u8; MAX_GROUPS],
    /// The separator after each group.
    seps: [u8; MAX_GROUPS],
    n: usize,
}

fn collect(b: &[u8], ts: usize) -> Groups {
    let mut g = Groups {
        compact: [0; MAX_COMPACT],
        ends: [0; MAX_GROUPS],
        lens: [0; MAX_GROUPS],
        upto: [0; MAX_GROUPS],
        seps: [0; MAX_GROUPS],
        n: 0,
    };
    let mut j = ts;
    let mut cl = 0;
    while g.n < MAX_GROUPS {
        let gs = j;
        let cl0 = cl;
        while j < b.len() && b[j].is_ascii_alphanumeric() && cl < MAX_COMPACT {
            g.compact[cl] = b[j].to_ascii_uppercase();
            cl += 1;
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_alphanumeric() {
            break;
        }
        g.ends[g.n] = j;
        g.lens[g.n] = (cl - cl0) as u8;
        g.upto[g.n] = cl as u8;
        let sep = byte(b, j);
        g.n += 1;
        if j > gs
            && matches!(sep, b' ' | b'-' | b'.' | b'/' | b'+')
            && byte(b, j + 1).is_ascii_alphanumeric()
        {
            g.seps[g.n - 1] = sep;
            j += 1;
        } else {
            break;
        }
    }
    g
}

/// What a candidate looks like to the type rules.
struct Cand<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    /// Letters and digits, uppercased.
    c: &'a [u8],
    /// Characters per group.
    lens: &'a [u8],
    /// The separator between groups: 0 for one group, `?` when they differ.
    sep: u8,
}

impl Cand<'_> {
    fn digits(&self) -> bool {
        self.c.iter().all(u8::is_ascii_digit)
    }
    fn shape(&self, lens: &[u8]) -> bool {
        self.lens == lens
    }
    /// True if the keyword of `id` precedes the value.
    fn context(&self, id: TypeId) -> bool {
        has_keyword(self.text, self.start, keywords(id))
    }
    fn raw(&self) -> &[u8] {
        &self.text.as_bytes()[self.start..self.end]
    }
}

/// Tries every prefix of the groups at `ts`, longest first; pushes the first that is a value.
fn groups(text: &str, ts: usize, en: &Enabled, out: &mut Vec<Finding>) -> Option<usize> {
    let b = text.as_bytes();
    let g = collect(b, ts);
    for k in (1..=g.n).rev() {
        let end = g.ends[k - 1];
        let lens = &g.lens[..k];
        let seps = &g.seps[..k - 1];
        let sep = match seps.first() {
            None => 0,
            Some(&s) if seps.iter().all(|&x| x == s) => s,
            Some(_) => b'?',
        };
        if k < g.n && g.seps[k - 1] == sep && sep != 0 && byte(b, end + 1).is_ascii_digit() {
            // The same separator and more digits: a prefix of a longer grouped number.
            continue;
        }
        if k == g.n && matches!(byte(b, end), b'-' | b'.' | b'/' | b':') && digit_after(b, end) {
            continue;
        }
        if word_at(text, end) {
            continue;
        }
        let cand = Cand {
            text,
            start: ts,
            end,
            c: &g.compact[..usize::from(g.upto[k - 1])],
            lens,
            sep,
        };
        if let Some((id, detector)) = classify(&cand, en) {
            push(out, ts, end, id, detector);
            return Some(end);
        }
    }
    None
}

fn digit_after(b: &[u8], i: usize) -> bool {
    byte(b, i + 1).is_ascii_digit()
}

/// Decides which type, if any, the candidate is; returns it with the detector name.
fn classify(c: &Cand<'_>, en: &Enabled) -> Option<(TypeId, &'static str)> {
    let n = c.c.len();
    let digits = c.digits();
    let plain_or =
        |lens: &[u8]| c.lens.len() == 1 || (c.shape(lens) && matches!(c.sep, b' ' | b'-'));
    let ctx = |id: TypeId| en.on(id) && c.context(id);
    if digits {
        if c.lens.len() == 3
            && matches!(c.sep, b'-' | b'/' | b'.')
            && en.on(DATE_OF_BIRTH)
            && date(c)
            && c.context(DATE_OF_BIRTH)
        {
            return Some((DATE_OF_BIRTH, "date+context"));
        }
        match n {
            9 => {
                if en.on(US_ITIN) && check::us_itin(c.c) {
                    // `9XX-7X-XXXX` is also how invalid SSNs and sample ids look.
                    if c.shape(&[3, 2, 4]) && matches!(c.sep, b'-' | b' ') && c.context(US_ITIN) {
                        return Some((US_ITIN, "itin-ranges+context"));
                    }
                    if c.lens.len() == 1 && c.context(US_ITIN) {
                        return Some((US_ITIN, "itin-ranges+context"));
                    }
                }
                if c.lens.len() == 1
                    && ctx(super::SSN)
                    && super::ssn::rules_ok(&c.c[..3], &c.c[3..5], &c.c[5..])
                {
                    return Some((super::SSN, "ssn-rules+context"));
                }
                if plain_or(&[3, 3, 3]) {
                    if ctx(US_ABA_ROUTING) && check::us_aba(c.c) {
                        return Some((US_ABA_ROUTING, "aba-371+context"));
                    }
                    if ctx(CA_SIN) && check::ca_sin(c.c) {
                        return Some((CA_SIN, "luhn+context"));
                    }
                    if ctx(AU_TFN) && check::au_tfn(c.c) {
                        return Some((AU_TFN, "mod11+context"));
                    }
                    if ctx(AU_ACN) && check::au_acn(c.c) {
                        return Some((AU_ACN, "mod10+context"));
                    }
                }
            }
            10 => {
                if plain_or(&[3, 3, 4]) && ctx(UK_NHS) && check::uk_nhs(c.c) {
                    return Some((UK_NHS, "mod11+context"));
                }
                if plain_or(&[4, 5, 1]) && ctx(AU_MEDICARE) && check::au_medicare(c.c) {
                    return Some((AU_MEDICARE, "mod10+context"));
                }
                if c.lens.len() == 1 && ctx(US_NPI) && check::us_npi(c.c) {
                    return Some((US_NPI, "luhn80840+context"));
                }
                if c.shape(&[6, 4]) && matches!(c.sep, b'-' | b'+') {
                    let se = en.on(SE_PERSONNUMMER) && check::se_personnummer(c.c);
                    // A HETU whose check character is a digit (`131052-0040`) is all digits.
                    let fi = en.on(FI_HETU) && check::fi_hetu(c.raw());
                    // Valid both ways: a Swedish coordination number (day + 60) is rarer
                    // than a Finnish date of birth.
                    let coordination = (c.c[4] - b'0') * 10 + (c.c[5] - b'0') > 60;
                    if se && !(fi && coordination) {
                        return Some((SE_PERSONNUMMER, "luhn+date"));
                    }
                    if fi {
                        return Some((FI_HETU, "mod31+date"));
                    }
                } else if c.lens.len() == 1 && ctx(SE_PERSONNUMMER) && check::se_personnummer(c.c) {
                    return Some((SE_PERSONNUMMER, "luhn+date+context"));
                }
            }
            11 => {
                if plain_or(&[2, 3, 3, 3]) && ctx(AU_ABN) && check::au_abn(c.c) {
                    return Some((AU_ABN, "mod89+context"));
                }
                if plain_or(&[2, 3, 3, 3]) && ctx(DE_TAX_ID) && check::de_tax_id(c.c) {
                    return Some((DE_TAX_ID, "mod11-10+context"));
                }
                if c.lens.len() == 1 {
                    if ctx(PL_PESEL) && check::pl_pesel(c.c) {
                        return Some((PL_PESEL, "pesel+context"));
                    }
                    if ctx(TR_TCKN) && check::tr_tckn(c.c) {
                        return Some((TR_TCKN, "tckn+context"));
                    }
                }
            }
            12 => {
                if plain_or(&[4, 4, 4]) && ctx(IN_AADHAAR) && check::in_aadhaar(c.c) {
                    return Some((IN_AADHAAR, "verhoeff+context"));
                }
                if c.shape(&[8, 4]) && c.sep == b'-' && en.on(SE_PERSONNUMMER) {
                    if check::se_personnummer(c.c) {
                        return Some((SE_PERSONNUMMER, "luhn+date"));
                    }
                } else if c.lens.len() == 1 && ctx(SE_PERSONNUMMER) && check::se_personnummer(c.c) {
                    return Some((SE_PERSONNUMMER, "luhn+date+context"));
                }
            }
            13 => {
                if c.shape(&[6, 7]) && c.sep == b'-' && en.on(KR_RRN) && check::kr_rrn(c.c) {
                    return Some((KR_RRN, "rrn+date"));
                }
                if c.lens.len() == 1 {
                    if ctx(ZA_ID) && check::za_id(c.c) {
                        return Some((ZA_ID, "luhn+date+context"));
                    }
                    if ctx(KR_RRN) && check::kr_rrn(c.c) {
                        return Some((KR_RRN, "rrn+date+context"));
                    }
                }
            }
            _ => {}
        }
        if c.lens.len() == 1 && (6..=17).contains(&n) {
            if n == 9 && ctx(US_PASSPORT) {
                return Some((US_PASSPORT, "keyword"));
            }
            if (8..=17).contains(&n) && ctx(US_BANK_NUMBER) {
                return Some((US_BANK_NUMBER, "keyword"));
            }
        }
    } else {
        // The HETU's century sign is part of the value: a letter, or `-`/`+` between groups.
        let hetu_shape =
            (c.lens.len() == 1 && n == 11) || (c.shape(&[6, 4]) && matches!(c.sep, b'-' | b'+'));
        if hetu_shape && en.on(FI_HETU) && check::fi_hetu(c.raw()) {
            return Some((FI_HETU, "mod31+date"));
        }
        match n {
            9 => {
                if plain_or(&[2, 2, 2, 2, 1]) && en.on(UK_NINO) && check::uk_nino(c.c) {
                    return Some((UK_NINO, "nino-prefix"));
                }
                if plain_or(&[8, 1]) && en.on(ES_NIF) && check::es_nif(c.c) {
                    return Some((ES_NIF, "mod23"));
                }
                if plain_or(&[1, 7, 1]) && en.on(ES_NIE) && check::es_nie(c.c) {
                    return Some((ES_NIE, "mod23"));
                }
                if c.lens.len() == 1 && en.on(SG_NRIC_FIN) && check::sg_nric(c.c) {
                    return Some((SG_NRIC_FIN, "nric-check"));
                }
                if c.lens.len() == 1
                    && en.on(US_PASSPORT)
                    && c.c[0].is_ascii_uppercase()
                    && c.c[1..].iter().all(u8::is_ascii_digit)
                    && c.context(US_PASSPORT)
                {
                    return Some((US_PASSPORT, "keyword"));
                }
            }
            10 if c.lens.len() == 1 && en.on(IN_PAN) && check::in_pan(c.c) => {
                return Some((IN_PAN, "pan-shape"));
            }
            11 if plain_or(&[4, 3, 4]) && en.on(US_MBI) && check::us_mbi(c.c) => {
                return Some((US_MBI, "mbi-shape"));
            }
            15 if c.lens.len() == 1 && en.on(IN_GSTIN) && check::in_gstin(c.c) => {
                return Some((IN_GSTIN, "mod36"));
            }
            16 if c.lens.len() == 1 && en.on(IT_FISCAL_CODE) && check::it_fiscal_code(c.c) => {
                return Some((IT_FISCAL_CODE, "check-char"));
            }
            _ => {}
        }
        if c.lens.len() == 1
            && (5..=13).contains(&n)
            && ctx(US_DRIVER_LICENSE)
            && c.c.iter().filter(|x| x.is_ascii_digit()).count() >= 4
        {
            return Some((US_DRIVER_LICENSE, "keyword"));
        }
    }
    None
}

/// True if the three digit groups are a date of birth: year-month-day, day-month-year or
/// month/day/year, with a year from 1900 to 2026.
fn date(c: &Cand<'_>) -> bool {
    let num = |from: usize, len: u8| {
        c.c[from..from + usize::from(len)]
            .iter()
            .fold(0u32, |a, &x| a * 10 + u32::from(x - b'0'))
    };
    let (l0, l1, l2) = (c.lens[0], c.lens[1], c.lens[2]);
    let (a, m, z) = (
        num(0, l0),
        num(usize::from(l0), l1),
        num(usize::from(l0 + l1), l2),
    );
    let year_ok = |y: u32| (1900..=2026).contains(&y);
    if l0 == 4 && l1 == 2 && l2 == 2 {
        return year_ok(a) && check::valid_date(a, m, z);
    }
    if (1..=2).contains(&l0) && (1..=2).contains(&l1) && l2 == 4 && year_ok(z) {
        return check::valid_date(z, m, a) || (c.sep == b'/' && check::valid_date(z, a, m));
    }
    false
}

/// True if one of `words` stands, as a whole word, in the [`CONTEXT_WINDOW`] bytes before
/// `start` on the same line.
pub(crate) fn has_keyword(text: &str, start: usize, words: &[&str]) -> bool {
    let b = text.as_bytes();
    let from = start.saturating_sub(CONTEXT_WINDOW);
    let from = b[from..start]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(from, |k| from + k + 1);
    let mut buf = [0u8; CONTEXT_WINDOW];
    let win = &mut buf[..start - from];
    for (d, s) in win.iter_mut().zip(&b[from..start]) {
        *d = s.to_ascii_lowercase();
    }
    let win = &*win;
    words.iter().any(|w| {
        let w = w.as_bytes();
        let mut k = 0;
        while let Some(pos) = find(&win[k..], w) {
            let s = k + pos;
            let e = s + w.len();
            let left = s == 0 || !win[s - 1].is_ascii_alphanumeric();
            let right = e == win.len() || !win[e].is_ascii_alphabetic();
            if left && right {
                return true;
            }
            k = s + 1;
        }
        false
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Crypto addresses: tokens longer than any national identifier that start like one.
fn wallet(text: &str, ts: usize, te: usize, en: &Enabled, out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let tok = &b[ts..te];
    if word_at(text, te) {
        return;
    }
    if tok.len() == 42 && tok.starts_with(b"0x") {
        if en.on(CRYPTO_ETH) && check::eth_address(tok) {
            let mixed = tok[2..].iter().any(u8::is_ascii_uppercase)
                && tok[2..].iter().any(u8::is_ascii_lowercase);
            push(
                out,
                ts,
                te,
                CRYPTO_ETH,
                if mixed { "eip55" } else { "eth-hex" },
            );
        }
        return;
    }
    if !en.on(CRYPTO_BTC) {
        return;
    }
    if tok.len() >= 14 && tok[..3].eq_ignore_ascii_case(b"bc1") {
        if check::btc_bech32(tok) {
            push(out, ts, te, CRYPTO_BTC, "bech32");
        }
    } else if check::btc_base58(tok) {
        push(out, ts, te, CRYPTO_BTC, "base58check");
    }
}

/// A MAC address that contains the token at `ts`: six hex pairs joined by `:` or `-` (the
/// same throughout), or three dot-separated groups of four hex digits.
fn mac(text: &str, ts: usize, en: &Enabled, out: &mut Vec<Finding>) -> Option<usize> {
    if !en.on(MAC_ADDRESS) {
        return None;
    }
    let b = text.as_bytes();
    let hex = |i: usize| byte(b, i).is_ascii_hexdigit();
    let pair_sep = |i: usize| matches!(byte(b, i + 2), b':' | b'-');
    let dotted = hex(ts) && (0..4).all(|k| hex(ts + k)) && byte(b, ts + 4) == b'.';
    let pair = pair_sep(ts) && hex(ts) && hex(ts + 1);
    let after_pair = ts >= 3 && matches!(b[ts - 1], b':' | b'-');
    if !(dotted || pair || after_pair) {
        return None;
    }
    // Step back over earlier pairs to the first one.
    let mut s = ts;
    while s >= 3 && matches!(b[s - 1], b':' | b'-') && hex(s - 2) && hex(s - 3) && ts - s < 15 {
        s -= 3;
    }
    if word_before(text, s) || (s > 0 && matches!(b[s - 1], b':' | b'-' | b'.')) {
        return None;
    }
    let end = if dotted && s == ts {
        let ok = (0..3).all(|g| (0..4).all(|k| hex(s + g * 5 + k)))
            && b[s + 4] == b'.'
            && byte(b, s + 9) == b'.';
        if !ok {
            return None;
        }
        s + 14
    } else {
        let sep = byte(b, s + 2);
        if !matches!(sep, b':' | b'-') {
            return None;
        }
        for g in 0..6 {
            let at = s + g * 3;
            if !(hex(at) && hex(at + 1)) || (g < 5 && byte(b, at + 2) != sep) {
                return None;
            }
        }
        s + 17
    };
    if word_at(text, end)
        || (matches!(byte(b, end), b':' | b'-' | b'.') && byte(b, end + 1).is_ascii_hexdigit())
    {
        return None;
    }
    let v = &b[s..end];
    let digits: Vec<u8> = v.iter().copied().filter(u8::is_ascii_hexdigit).collect();
    // All-zero and broadcast addresses are placeholders, not devices.
    if digits.iter().all(|&x| x == b'0') || digits.iter().all(|&x| x.eq_ignore_ascii_case(&b'f')) {
        return Some(end);
    }
    push(out, s, end, MAC_ADDRESS, "mac");
    Some(end)
}

#[cfg(test)]
#[path = "national_tests.rs"]
mod tests;
