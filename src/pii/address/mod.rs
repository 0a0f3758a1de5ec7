//! Postal addresses (`ADDRESS`): a street with its house number in the order of its country
//! (`221B Baker Street`, `12 rue de la Paix`, `Hauptstraße 5`, `Calle de Alcalá 45`, `ul.
//! Długa 5/3`, `Jl. Merdeka No. 10`), with the unit, locality, city, region and postal code
//! written after it, the postal code checked by the format of its country.
//!
//! The scan anchors on digit runs, capitalized words and a few lowercase street types only;
//! everything else is skipped a word at a time.

use super::{push, Enabled, Finding, ADDRESS};

mod words;
use words::*;

// Kinds of words in the lists of `words.rs`, as bits of one lookup.
const SUFFIX: u16 = 1;
const WEAK_SUFFIX: u16 = 1 << 1;
const ABBREV: u16 = 1 << 2;
const LATIN: u16 = 1 << 3;
const WEAK_LATIN: u16 = 1 << 4;
const UNIT: u16 = 1 << 5;
const UNIT_FIRST: u16 = 1 << 6;
const TYPE_WORD: u16 = 1 << 7;
const STRONG_TYPE: u16 = 1 << 8;
const FR_TYPE: u16 = 1 << 9;
const PARTICLE: u16 = 1 << 10;
const STATE: u16 = 1 << 11;
const NOT_PLACE: u16 = 1 << 12;
const VN: u16 = 1 << 13;

/// Builds the lexicon of [`kind`] ahead of need (see `pii::warm_up`).
pub(super) fn warm() {
    kind("");
}

/// The kinds of `word` (exact spelling; the lowercase lists are looked up in lowercase): one
/// hash lookup instead of a walk over each list.
fn kind(word: &str) -> u16 {
    type Lexicon = std::collections::HashMap<Box<str>, u16, foldhash::fast::FixedState>;
    static LEXICON: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    let lexicon = LEXICON.get_or_init(|| {
        let mut m = Lexicon::default();
        for (list, bit) in [
            (SUFFIXES, SUFFIX),
            (WEAK_SUFFIXES, WEAK_SUFFIX),
            (ABBREVIATED, ABBREV),
            (LATIN_TYPES, LATIN),
            (WEAK_LATIN_TYPES, WEAK_LATIN),
            (UNITS, UNIT),
            (UNITS_FIRST, UNIT_FIRST),
            (TYPE_WORDS, TYPE_WORD),
            (STRONG_TYPE_WORDS, STRONG_TYPE),
            (FR_TYPES, FR_TYPE),
            (PARTICLES, PARTICLE),
            (STATES, STATE),
            (NOT_PLACES, NOT_PLACE),
            (VN_WORDS, VN),
        ] {
            for w in list {
                *m.entry(Box::from(*w)).or_insert(0) |= bit;
            }
        }
        // The lowercase lists are read capitalized too (`Straße`, `Phường`, `Rue`).
        for (list, bit) in [
            (TYPE_WORDS, TYPE_WORD),
            (STRONG_TYPE_WORDS, STRONG_TYPE),
            (FR_TYPES, FR_TYPE),
            (VN_WORDS, VN),
        ] {
            for w in list {
                let mut cs = w.chars();
                let cap: String = cs
                    .next()
                    .into_iter()
                    .flat_map(char::to_uppercase)
                    .chain(cs)
                    .collect();
                *m.entry(cap.into_boxed_str()).or_insert(0) |= bit;
            }
        }
        m
    });
    lexicon.get(word).copied().unwrap_or(0)
}

/// Finds postal addresses in `text` and appends them as `ADDRESS` findings.
pub(crate) fn scan(text: &str, en: &Enabled, out: &mut Vec<Finding>) {
    if !en.on(ADDRESS) {
        return;
    }
    let b = text.as_bytes();
    // Every street but a Vietnamese one written without digits has a digit near its start
    // (house number, unit, box or postal code): a word farther than this from the next digit
    // is skipped without a look.
    const DIGIT_REACH: usize = 64;
    let mut next_digit = 0;
    let mut i = 0;
    while i < b.len() {
        if next_digit < i {
            next_digit = b[i..]
                .iter()
                .position(u8::is_ascii_digit)
                .map_or(b.len(), |k| i + k);
            if next_digit == b.len() {
                break;
            }
        }
        if next_digit - i > DIGIT_REACH {
            i = next_digit - DIGIT_REACH;
            continue;
        }
        let c = b[i];
        let boundary = i == 0 || {
            let p = b[i - 1];
            !(p.is_ascii_alphanumeric() || b"._-/:$#+@=".contains(&p) || p >= 0x80)
        };
        if !boundary || !(c.is_ascii_alphanumeric() || c >= 0xC0) {
            i += 1;
            continue;
        }
        let anchor = c.is_ascii_digit()
            || c.is_ascii_uppercase()
            || matches!(c, b'u' | b'a' | b'p' | b'o') && polish_type(&b[i..])
            || c >= 0xC0 && text[i..].chars().next().is_some_and(char::is_uppercase);
        if !anchor {
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || !text.is_char_boundary(i)) {
                i += 1;
            }
            continue;
        }
        let found = if c.is_ascii_digit() {
            number_first(text, i)
                .map(|e| (unit_before(text, i), e))
                .or_else(|| {
                    // Vietnamese addresses hold a word with diacritics (`đường`, `Phường`).
                    let near = &b[i..b.len().min(i + 48)];
                    let after = near.iter().position(|x| !x.is_ascii_digit() && *x != b'/');
                    let likely = after.is_some_and(|k| near[k] == b' ' || near[k] == b',')
                        && near.iter().any(|&x| x >= 0xC3);
                    likely
                        .then(|| vietnamese(text, i).map(|e| (i, e)))
                        .flatten()
                })
        } else {
            // A street's first word is at most eight words before its first digit.
            let spaces = b[i..next_digit].iter().filter(|&&x| x == b' ').count();
            (spaces <= 8)
                .then(|| type_first(text, i, spaces).map(|e| (initials_before(text, i), e)))
                .flatten()
        };
        match found {
            Some((s, e)) => {
                push(out, s, e, ADDRESS, "street");
                i = e;
            }
            None => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || !text.is_char_boundary(i)) {
                    i += 1;
                }
            }
        }
    }
}

/// True if `b` starts with a Polish street type written in lowercase (`ul.`, `al.`, `pl.`,
/// `os.`, `ulica`, `aleja`, `plac`, `osiedle`).
fn polish_type(b: &[u8]) -> bool {
    [
        &b"ul. "[..],
        b"al. ",
        b"pl. ",
        b"os. ",
        b"ulica ",
        b"aleja ",
        b"plac ",
        b"osiedle ",
    ]
    .iter()
    .any(|p| b.starts_with(p))
}

/// The start of a unit written before the house number at `s` (`Flat 3, 14 Baker Street`,
/// `Unit 5, 200 Bay St`), or `s`.
fn unit_before(text: &str, s: usize) -> usize {
    let Some(before) = text[..s]
        .strip_suffix(", ")
        .or_else(|| text[..s].strip_suffix(",\n"))
        .or_else(|| text[..s].strip_suffix('\n'))
    else {
        return s;
    };
    let Some((rest, id)) = before.rsplit_once(' ') else {
        return s;
    };
    let unit_start = rest.rfind(' ').map_or(0, |k| k + 1);
    let unit = &rest[unit_start..];
    let id_ok = !id.is_empty()
        && id.len() <= 5
        && id.bytes().any(|c| c.is_ascii_digit())
        && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
    if id_ok && is_unit(unit) && unit != "#" {
        unit_start
    } else {
        s
    }
}

/// The start of initials written before a street name at `s` (`H.C. Andersens Boulevard`),
/// or `s`.
fn initials_before(text: &str, s: usize) -> usize {
    let Some(before) = text[..s].strip_suffix(' ') else {
        return s;
    };
    let w_start = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |k| k + 1);
    if is_initials(&before[w_start..]) {
        w_start
    } else {
        s
    }
}

/// Reads a house number at `s` (`12`, `221B`, `12-14`, `5a`, `8/3`, `10/03`); returns its
/// end. A leading zero (`003`) is allowed only when `zero` is set.
fn house_number(text: &str, s: usize, zero: bool) -> Option<usize> {
    let b = text.as_bytes();
    let mut e = s;
    while e < b.len() && b[e].is_ascii_digit() {
        e += 1;
    }
    if e == s || e - s > 5 || b[s] == b'0' && !zero {
        return None;
    }
    if e + 1 < b.len() && (b[e] == b'-' || b[e] == b'/') && b[e + 1].is_ascii_digit() {
        let m = e + 1;
        e = m;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        if e - m > 4 {
            return None;
        }
    }
    if e < b.len()
        && b[e].is_ascii_alphabetic()
        && !b.get(e + 1).is_some_and(|c| c.is_ascii_alphanumeric())
    {
        e += 1;
    }
    if b.get(e).is_some_and(|c| {
        c.is_ascii_alphanumeric()
            || *c == b'.' && b.get(e + 1).is_some_and(u8::is_ascii_digit)
            || matches!(*c, b'/' | b':' | b'-') && b.get(e + 1).is_some_and(u8::is_ascii_digit)
    }) {
        return None;
    }
    // Hungarian house numbers end with a period (`Fő utca 12., 1011 Budapest`).
    if text[e..].starts_with(".,") || text[e..].starts_with(".\n") {
        e += 1;
    }
    Some(e)
}

/// A house number after an optional marker (`N° 51`, `No. 12`, `Nr. 5`); returns its end.
fn marked_number(text: &str, s: usize, zero: bool) -> Option<usize> {
    let rest = &text[s..];
    let skip = NUMBER_MARKERS
        .iter()
        .find(|m| rest.starts_with(**m))
        .map_or(0, |m| m.len());
    house_number(text, s + skip, zero)
}

/// The word at `s`: letters, digits, apostrophes, hyphens and inner periods (`M.H`); returns
/// its end.
fn word_end(text: &str, s: usize) -> usize {
    let mut e = s;
    let mut it = text[s..].char_indices().peekable();
    while let Some((k, ch)) = it.next() {
        if ch.is_alphanumeric() || ch == '\'' || ch == '’' || ch == '-' || ch == '/' && k == 1 {
            e = s + k + ch.len_utf8();
        } else if ch == '.' && e > s {
            // A period inside initials (`H.C.`, `M.H`) or ending an abbreviation (`St.`).
            e = s + k + 1;
            if !it.peek().is_some_and(|(_, n)| n.is_alphabetic()) {
                break;
            }
        } else {
            break;
        }
    }
    e
}

/// The next word after one space (or `, ` when `comma`), as (start, end).
fn next_word(text: &str, pos: usize, comma: bool) -> Option<(usize, usize)> {
    let rest = &text[pos..];
    // After a house number or unit, the street may follow a comma or a line break.
    let skip = if comma && (rest.starts_with(", ") || rest.starts_with(",\n")) {
        2
    } else if rest.starts_with(' ') || comma && rest.starts_with('\n') {
        1
    } else {
        return None;
    };
    let s = pos + skip;
    let e = word_end(text, s);
    (e > s).then_some((s, e))
}

fn trim_dot(w: &str) -> &str {
    w.strip_suffix('.').unwrap_or(w)
}

fn is_title(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase)
        && cs.clone().any(char::is_lowercase)
        && !cs.any(|c| c.is_ascii_digit())
}

/// `H.C.`, `M.H`, `J.`: initials inside a name.
fn is_initials(w: &str) -> bool {
    w.len() <= 6
        && w.contains('.')
        && w.starts_with(|c: char| c.is_uppercase())
        && w.chars().all(|c| c.is_uppercase() || c == '.')
}

fn is_ordinal(w: &str) -> bool {
    let d = w.bytes().take_while(u8::is_ascii_digit).count();
    d > 0 && matches!(&w[d..], "st" | "nd" | "rd" | "th")
}

fn is_direction(w: &str) -> bool {
    matches!(
        trim_dot(w),
        "N" | "S" | "E" | "W" | "NE" | "NW" | "SE" | "SW" | "North" | "South" | "East" | "West"
    )
}

fn is_unit(w: &str) -> bool {
    kind(w) & UNIT != 0
}

/// `12 Main Street …`, `12 rue de la Paix …`, `01, Mall Chowk, …`.
fn number_first(text: &str, s: usize) -> Option<usize> {
    let zero = text.as_bytes()[s] == b'0';
    let ne = house_number(text, s, true)?;
    if copyright_year(text, s, ne) {
        return None;
    }
    let (w1s, w1e) = next_word(text, ne, true)?;
    let w1 = &text[w1s..w1e];
    if let Some(e) = english(text, s, ne, zero).or_else(|| upper_case_us(text, ne)) {
        return Some(e);
    }
    // French style: the type word first, in lowercase (`12 rue de la Paix`) or capitalized when
    // it is no English word (`12 Rue de la Paix`, not `2 Place Settings`).
    let k1 = kind(w1);
    let capital_homograph = w1.starts_with(char::is_uppercase)
        && (k1 & (SUFFIX | WEAK_SUFFIX) != 0
            || [
                "route",
                "passage",
                "cours",
                "promenade",
                "square",
                "esplanade",
            ]
            .iter()
            .any(|x| x.eq_ignore_ascii_case(w1)));
    if k1 & FR_TYPE != 0 && !capital_homograph {
        let mut end = w1e;
        // The end of the last name word: trailing particles are not part of the street.
        let mut named_end = None;
        for _ in 0..6 {
            let Some((ws, we)) = next_word(text, end, false) else {
                break;
            };
            let w = &text[ws..we];
            let elided = w.len() > 2 && (w.starts_with("l'") || w.starts_with("d'"));
            if (is_title(w) || elided) && !is_unit(w) {
                named_end = Some(we);
            } else if kind(w) & PARTICLE == 0 {
                break;
            }
            end = we;
        }
        let end = named_end?;
        let t = tail(text, end);
        if zero && !t.is_some_and(|t| t.coded) {
            return None;
        }
        return Some(t.map_or(end, |t| t.end));
    }
    None
}

/// True if the number at `s..ne` is a year of a copyright line (`(c) 2019 Jane Green`,
/// `Copyright 1994-2013 Larry Wall`) or a range of years (`2011-2014, Anthony Green`).
fn copyright_year(text: &str, s: usize, ne: usize) -> bool {
    let n = &text[s..ne];
    let year = |y: &str| y.len() == 4 && (y.starts_with("19") || y.starts_with("20"));
    if n.split_once('-').is_some_and(|(a, b)| year(a) && year(b)) {
        return true;
    }
    let before = text[..s].trim_end();
    let tail_start = before.char_indices().rev().nth(9).map_or(0, |(k, _)| k);
    let before = &before.as_bytes()[tail_start..];
    year(&n[..n.len().min(4)])
        && ["(c)", "©", "copyright", "copr.", "(c),"].iter().any(|c| {
            before.len() >= c.len()
                && before[before.len() - c.len()..].eq_ignore_ascii_case(c.as_bytes())
        })
}

/// English style after the house number ending at `ne`: name words, then a suffix. A house
/// number with a leading zero needs a region or postal code after the street.
fn english(text: &str, s: usize, ne: usize, zero: bool) -> Option<usize> {
    let e = english_street(text, ne, true)?;
    let (e, common, abbreviated) = e;
    let t = tail(text, e);
    let strong = if zero || !common {
        t.is_some_and(|t| t.coded)
    } else {
        t.is_some() || abbreviated || cue_before(&text[..s])
    };
    strong.then(|| t.map_or(e, |t| t.end))
}

/// A US or Canadian address in capitals, as USPS Publication 28 writes it (`1600 PENNSYLVANIA
/// AVE NW, WASHINGTON, DC 20500`, `42 ELM ST APT 4B, PORTLAND OR 97205`): name words, a
/// suffix, an optional unit, a city, and a state with its ZIP or postal code, all required;
/// the house number ends at `ne`.
fn upper_case_us(text: &str, ne: usize) -> Option<usize> {
    let caps = |w: &str| w.len() > 1 && w.bytes().all(|c| c.is_ascii_uppercase() || c == b'\'');
    let as_title = |w: &str| -> String {
        let mut t = w[..1].to_string();
        t.push_str(&w[1..].to_ascii_lowercase());
        t
    };
    let mut end = ne;
    let mut names = 0;
    let mut street_end = None;
    let mut first = true;
    while let Some((ws, we)) = next_word(text, end, first) {
        first = false;
        let w = trim_dot(&text[ws..we]);
        let k = if caps(w) { kind(&as_title(w)) } else { 0 };
        if names > 0 && k & (SUFFIX | WEAK_SUFFIX) != 0 {
            street_end = Some(ws + w.len());
            break;
        }
        if !(caps(w) || is_ordinal(&w.to_ascii_lowercase()) || is_direction(w)) || names == 3 {
            return None;
        }
        names += 1;
        end = we;
    }
    let mut end = street_end?;
    // A direction after the suffix (`AVE NW`), then a unit (`APT 4B`, `STE 200`, `# 12`).
    if let Some((ds, de)) = next_word(text, end, false) {
        if is_direction(&text[ds..de]) {
            end = de;
        }
    }
    let (p, _) = separator(text, end)?;
    let ue = word_end(text, p);
    if matches!(
        trim_dot(&text[p..ue]),
        "APT" | "STE" | "UNIT" | "SUITE" | "FL" | "RM" | "#"
    ) {
        let (_, ie) = next_word(text, ue, false)?;
        end = ie;
    }
    // The city, then the state and code.
    let (p, _) = separator(text, end)?;
    let mut ce = word_end(text, p);
    if !caps(&text[p..ce]) || kind(&text[p..ce]) & STATE != 0 {
        return None;
    }
    for _ in 0..2 {
        match next_word(text, ce, false) {
            Some((ws, we)) if caps(&text[ws..we]) && kind(&text[ws..we]) & STATE == 0 => ce = we,
            _ => break,
        }
    }
    let (q, _) = separator(text, ce)?;
    let se = q + 2;
    if kind(text.get(q..se)?) & STATE == 0 || text.as_bytes().get(se) != Some(&b' ') {
        return None;
    }
    let z = &text[se + 1..];
    zip_len(z).or_else(|| ca_postal_len(z)).map(|n| se + 1 + n)
}

/// Name words and a suffix after `pos` (`Main Street`, `Pennsylvania Ave NW`, `Jasmine Island`);
/// returns the street's end, whether the suffix is a common one and whether it is abbreviated.
fn english_street(text: &str, pos: usize, comma: bool) -> Option<(usize, bool, bool)> {
    let mut end = pos;
    let mut names = 0;
    let mut first = comma;
    while let Some((ws, we)) = next_word(text, end, first) {
        first = false;
        let w = &text[ws..we];
        let bare = trim_dot(w);
        let k = kind(bare);
        let common = k & SUFFIX != 0;
        if names > 0 && k & (SUFFIX | WEAK_SUFFIX) != 0 {
            // A second suffix word belongs to the name (`Cook Lodge Road`).
            if let Some((xs, xe)) = next_word(text, we, false) {
                let x = trim_dot(&text[xs..xe]);
                if names < 3 && kind(x) & (SUFFIX | WEAK_SUFFIX) != 0 {
                    names += 1;
                    end = we;
                    continue;
                }
            }
            let abbreviated = k & ABBREV != 0;
            let mut e = if w.ends_with('.') && !abbreviated {
                we - 1
            } else {
                we
            };
            if let Some((ds, de)) = next_word(text, e, false) {
                if is_direction(&text[ds..de]) {
                    e = de;
                }
            }
            return Some((e, common, abbreviated));
        }
        if !(is_title(w) || is_ordinal(w) || is_direction(w) || names > 0 && w == "Of")
            || is_unit(w)
        {
            return None;
        }
        names += 1;
        end = we;
        if names == 4 {
            return None;
        }
    }
    None
}

/// A street starting with the capitalized (or lowercase type) word at `s`: a type before the
/// name (`Calle de Alcalá 45`, `ul. Długa 5`), a street word at the end of the name
/// (`Hauptstraße 5`, `Győri utca 12.`), a unit before the street (`Flat 3, Baker Street`), a
/// military address, a Vietnamese address, or name words and a number before a postal code
/// (`Horní Stromky 59, 132 69 Brno`).
fn type_first(text: &str, s: usize, spaces: usize) -> Option<usize> {
    let e = word_end(text, s);
    let w = &text[s..e];
    if w.starts_with(|c: char| c.is_lowercase()) && kind(w) & (LATIN | WEAK_LATIN) == 0 {
        return None;
    }
    let k = kind(w);
    if k & (LATIN | WEAK_LATIN) != 0 {
        if let Some(end) = latin(text, e, k & LATIN == 0) {
            return Some(end);
        }
    }
    if k & UNIT_FIRST != 0 {
        if let Some(end) = unit_first(text, e) {
            return Some(end);
        }
    }
    if matches!(w, "Unit" | "PSC" | "CMR" | "USNS" | "USS") {
        if let Some(end) = military(text, e) {
            return Some(end);
        }
    }
    if let Some(end) = post_box(text, s) {
        return Some(end);
    }
    if w == "Số" {
        return vietnamese(text, next_word(text, e, false)?.0);
    }
    // A street word ends the name within four words, then comes the number.
    (spaces <= 5).then(|| ending_first(text, s, e)).flatten()
}

/// A post office box with a region or postal code after it (`PO Box 1234, Springfield, IL
/// 62704`, `PO Box 8, Tahitipu 9301`, `Postfach 10 01 23, 10115 Berlin`).
fn post_box(text: &str, s: usize) -> Option<usize> {
    let rest = &text[s..];
    let word = POST_BOXES.iter().find(|w| rest.starts_with(**w))?;
    let ns = s + word.len();
    let b = text.as_bytes();
    let mut ne = ns + digits_at(b, ns);
    // Grouped box numbers (`Postfach 10 01 23`).
    while ne > ns && b.get(ne) == Some(&b' ') && digits_at(b, ne + 1) == 2 {
        ne += 3;
    }
    if ne == ns || ne - ns > 9 || alnum_at(b, ne) {
        return None;
    }
    let t = tail(text, ne)?;
    t.coded.then_some(t.end)
}

/// The name and house number after a Latin-order type word ending at `e` (`Calle de Alcalá
/// 45`, `Rua Faria, 80`, `Av. 4 N° 51`, `Jl. Cikutra Barat No. 339`); `weak`: the type is an
/// ordinary word too, so a tail must follow.
fn latin(text: &str, e: usize, weak: bool) -> Option<usize> {
    let mut end = e;
    let mut named_end = None;
    for _ in 0..6 {
        let Some((ws, we)) = next_word(text, end, false) else {
            break;
        };
        let x = &text[ws..we];
        let marked = |at: usize| NUMBER_MARKERS.iter().any(|m| text[at..].starts_with(*m));
        if is_title(x) && !is_unit(x)
            || is_initials(x)
            || named_end.is_some() && x.chars().all(|c| "IVX".contains(c))
            // A numbered street (`Av. 4 N° 51`, `Diagonal 3 N° 839`).
            || x.len() <= 3
                && x.bytes().all(|c| c.is_ascii_digit())
                && text[we..].starts_with(' ')
                && marked(we + 1)
        {
            named_end = Some(we);
        } else if kind(x) & PARTICLE == 0 {
            break;
        }
        end = we;
    }
    let named_end = named_end?;
    // The house number, after an optional comma and marker.
    let rest = &text[named_end..];
    let skip = if rest.starts_with(", ") {
        2
    } else if rest.starts_with(' ') {
        1
    } else if !weak {
        // `Strada Lipscani\nBucurești, 030031`: no number, the rest on the next line.
        0
    } else {
        return None;
    };
    let ns = named_end + skip;
    // No house number: `S/N` (sin número, sem número), or a region or postal code after the
    // street (`Aleea Pompiliu Diaconescu, Fetesti-Gara, 240647`).
    let Some(mut ne) = marked_number(text, ns, true).or_else(|| {
        ["S/N", "s/n", "s/nº"]
            .iter()
            .find(|x| text[ns..].starts_with(**x))
            .map(|x| ns + x.len())
    }) else {
        let t = tail(text, named_end)?;
        return t.coded.then_some(t.end);
    };
    // An interior number right after the house number (`Solano 470 174, …`).
    if let Some(ie) = text[ne..]
        .strip_prefix(' ')
        .and_then(|r| house_number(r, 0, true).filter(|n| r[*n..].starts_with(',')))
    {
        ne += 1 + ie;
    }
    let t = tail(text, ne);
    if weak && t.is_none() {
        return None;
    }
    Some(t.map_or(ne, |t| t.end))
}

/// A street written with a street word at the end (`Hauptstraße 5`, `Keizersgracht 123`,
/// `Berliner Straße 12`, `Győri utca 219.`, `Ady Endre utca 12.`), or a typeless street
/// before a postal code (`Horní Stromky 59, 132 69 Brno`), starting at `s`, its first word
/// ending at `e`.
fn ending_first(text: &str, s: usize, e: usize) -> Option<usize> {
    let w = &text[s..e];
    if !is_title(w) && !is_initials(w) {
        return None;
    }
    // Up to four words: the last one ends in a street word or is one.
    let mut end = e;
    let mut strong = None;
    let mut words = 1;
    let mut lower = 0;
    loop {
        let last = &text[s..end];
        let last = &last[last.rfind(' ').map_or(0, |k| k + 1)..];
        let k = kind(last);
        if words > 1 && k & TYPE_WORD != 0 {
            strong = Some(k & STRONG_TYPE != 0);
            break;
        }
        // A compound street word is the whole name, or follows initials (`H.C. Ørsteds Vej`)
        // or a hyphenated given name (`Armin-Grein Groth-Platz`).
        let alone = words == 1 || words == 2 && (is_initials(w) || w.contains('-'));
        if let Some(ending_strong) = alone.then(|| compound_ending(last)).flatten() {
            if is_title(last) {
                strong = Some(ending_strong);
                break;
            }
        }
        let Some((ws, we)) = next_word(text, end, false) else {
            break;
        };
        let x = &text[ws..we];
        if words == 4 || house_number(text, ws, true).is_some() {
            break;
        }
        if !(is_title(x) || kind(x) & (TYPE_WORD | PARTICLE) != 0) {
            // One lowercase word inside a name, before the street word (`Ady endre utca`).
            let type_next = next_word(text, we, false)
                .is_some_and(|(ts, te)| kind(&text[ts..te]) & TYPE_WORD != 0);
            if lower > 0 || !x.chars().all(char::is_lowercase) || !type_next {
                break;
            }
            lower += 1;
        }
        end = we;
        words += 1;
    }
    // The house number, after an optional comma or marker.
    let rest = &text[end..];
    let skip = if rest.starts_with(", ") {
        2
    } else if rest.starts_with(' ') {
        1
    } else {
        return None;
    };
    let ns = end + skip;
    let ne = marked_number(text, ns, strong.is_some())?;
    if ne - ns > 9 {
        return None;
    }
    let t = tail(text, ne);
    match strong {
        Some(true) => Some(t.map_or(ne, |t| t.end)),
        Some(false) => t.map(|t| t.end),
        // No street word: a postal code with its city must follow at once.
        None => {
            let lead = typeless_postal(text, ne)?;
            let t = tail(text, ne)?;
            (t.end >= lead).then_some(t.end)
        }
    }
}

/// After a typeless street's house number ending at `ne`: `, ` and a postal code of a
/// distinctive shape (`132 69`, `31-615`, `1234 AB`) or five digits, then a city that ends the
/// sentence or the value (`, 10117 Berlin`); returns the city's end.
fn typeless_postal(text: &str, ne: usize) -> Option<usize> {
    let (p, strong) = separator(text, ne)?;
    if !strong {
        return None;
    }
    let (pe, shape) = postal(text, p)?;
    if matches!(shape, Shape::Plain4 | Shape::Plain6 | Shape::Plain8) {
        return None;
    }
    let ce = city(text, pe)?;
    let plain = shape == Shape::Plain5;
    let ends = text[ce..]
        .chars()
        .next()
        .is_none_or(|c| matches!(c, '.' | ',' | '"' | '\n' | ')' | ';' | '!' | '?'));
    (!plain || ends).then_some(ce)
}

/// A unit before the street, the unit word ending at `e`: its number, then a house number
/// and street, or a street alone with a region or postal code after it (`Flat 1, Joanne
/// Coves, Emmaland, B3 0UR`).
fn unit_first(text: &str, e: usize) -> Option<usize> {
    let (is, ie) = next_word(text, e, false)?;
    let id = &text[is..ie];
    if id.len() > 6 || !id.bytes().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let (ns, _) = separator(text, ie)?;
    if text.as_bytes()[ns].is_ascii_digit() {
        return number_first(text, ns);
    }
    let (se, _, _) = english_street(text, ie, true)?;
    let t = tail(text, se)?;
    t.coded.then_some(t.end)
}

/// A US military address (`Unit 1453 Box 8401, DPO AP 14647`, `PSC 1234, Box 5678, APO AE
/// 09123`, `USNS Brown, FPO AA 34021`) after its first word ending at `e`.
fn military(text: &str, e: usize) -> Option<usize> {
    let mut end = e;
    for _ in 0..4 {
        let rest = &text[end..];
        let after = rest.strip_prefix(", ").or_else(|| rest.strip_prefix(' '))?;
        let at = text.len() - after.len();
        if ["APO ", "FPO ", "DPO "]
            .iter()
            .any(|p| after.starts_with(p))
        {
            let r = &after[4..];
            if ["AA ", "AE ", "AP "].iter().any(|p| r.starts_with(p)) {
                let n = zip_len(&r[3..])?;
                return Some(at + 7 + n);
            }
            return None;
        }
        let (_, we) = next_word(text, end, true)?;
        end = we;
    }
    None
}

/// A Vietnamese address from its house number at `s` (`Số 7/76 đường số 64 Xã Diên Hồng tỉnh
/// Đồng Tháp`, `87 Quang Trung, Phường Bình Thuận, Sơn La`): numbers, capitalized words and
/// street or administrative words, with two of the last, or one capitalized administrative
/// word (`Phường`, `Quận`, `Tỉnh`) with a name after it.
fn vietnamese(text: &str, s: usize) -> Option<usize> {
    let mut end = house_number(text, s, false)?;
    let mut last = end;
    let mut keywords = 0;
    let mut admin = false;
    let mut named_after_admin = false;
    for _ in 0..16 {
        let Some((ws, we)) = next_word(text, end, true) else {
            break;
        };
        let w = &text[ws..we];
        if kind(w) & VN != 0 {
            keywords += 1;
            admin |= matches!(w, "Phường" | "Xã" | "Quận" | "Huyện" | "Tỉnh" | "Thành");
        } else if is_title(w) || house_number(text, ws, true) == Some(we) {
            last = if w.ends_with('.') { we - 1 } else { we };
            named_after_admin |= admin;
        } else {
            break;
        }
        end = we;
    }
    (keywords >= 2 || named_after_admin).then_some(last)
}

/// The street-word ending of a compound street name (`Hauptstraße`, `Groth-Platz`,
/// `Karl-Marx-Allee`, `Storgatan`): `Some(true)` for a strong ending, `Some(false)` for a weak
/// one; the word is longer than its ending by three or more bytes, the ending's ASCII letters
/// in either case. One hash lookup per possible ending length.
fn compound_ending(word: &str) -> Option<bool> {
    type Endings = std::collections::HashMap<Box<str>, bool, foldhash::fast::FixedState>;
    static ENDINGS: std::sync::OnceLock<Endings> = std::sync::OnceLock::new();
    let endings = ENDINGS.get_or_init(|| {
        let mut m = Endings::default();
        for w in WEAK_ENDINGS {
            m.insert(Box::from(*w), false);
        }
        for w in STRONG_ENDINGS {
            m.insert(Box::from(*w), true);
        }
        m
    });
    let b = word.as_bytes();
    let mut buf = [0u8; 12];
    for len in (3..=buf.len().min(b.len().saturating_sub(3))).rev() {
        let start = b.len() - len;
        if !word.is_char_boundary(start) {
            continue;
        }
        let low = &mut buf[..len];
        low.copy_from_slice(&b[start..]);
        low.make_ascii_lowercase();
        if let Some(strong) = std::str::from_utf8(low).ok().and_then(|e| endings.get(e)) {
            return Some(*strong);
        }
    }
    None
}

/// True if the text before a street ends with an address cue (`at`, `address:`, `live`).
fn cue_before(before: &str) -> bool {
    let t = before.trim_end();
    let w = t
        .rsplit(|c: char| c.is_whitespace() || c == '"' || c == '(')
        .next()
        .unwrap_or("");
    let w = w.to_ascii_lowercase();
    CUES.contains(&w.as_str()) || w.ends_with("address:") || w.ends_with("address\":")
}

/// What follows a street: where it ends, and whether it holds a region or postal code.
#[derive(Debug, Clone, Copy)]
struct Tail {
    end: usize,
    coded: bool,
}

/// The separator between two parts of an address at `pos` (`, `, ` , `, a line break, or a
/// space); returns the next part's start and whether the separator was a comma or a line
/// break.
fn separator(text: &str, pos: usize) -> Option<(usize, bool)> {
    let b = text.as_bytes();
    let spaces = |mut p: usize, max: usize| {
        let s = p;
        while b.get(p) == Some(&b' ') && p - s < max {
            p += 1;
        }
        p
    };
    let mut p = spaces(pos, 2);
    let mut strong = false;
    if b.get(p) == Some(&b',') {
        p = spaces(p + 1, 2);
        strong = true;
    }
    if b.get(p) == Some(&b'\n') {
        // An indented next line (`Foundation, Inc.,\n    51 Franklin St`).
        p = spaces(p + 1, 12);
        strong = true;
    }
    (p > pos && p < b.len()).then_some((p, strong))
}

/// The unit, floor, locality, city, region and postal code after a street ending at `e`, in
/// any order their countries write them (`, Apt 4B, Portland, OR 97205`, `, 10115 Berlin`,
/// `, Savinesti (Poiana Teiului), 501916`, ` T92 YRFD Kirsty Ville`); `None` when nothing
/// follows.
fn tail(text: &str, e: usize) -> Option<Tail> {
    let mut end = e;
    let mut coded = false;
    let mut any = false;
    // The last part was a city with no code: a second one needs a code after it.
    let mut city_only = false;
    for _ in 0..8 {
        let Some((p, strong)) = separator(text, end) else {
            break;
        };
        if let Some(ue) = unit_at(text, p) {
            end = ue;
            any = true;
            city_only = false;
            continue;
        }
        if let Some(fe) = floor_at(text, p).filter(|_| strong) {
            end = fe;
            any = true;
            continue;
        }
        if let Some(ke) = coded_at(text, p, city_only) {
            end = ke;
            any = true;
            coded = true;
            city_only = false;
            continue;
        }
        if !strong {
            break;
        }
        let Some(ce) = city(text, p) else {
            break;
        };
        if let Some(ke) = code_after_city(text, ce) {
            end = ke;
            any = true;
            coded = true;
            city_only = false;
            continue;
        }
        if city_only {
            let next = separator(text, ce).filter(|x| x.1);
            let then_coded = next.is_some_and(|(q, _)| {
                coded_at(text, q, true).is_some()
                    || city(text, q).is_some_and(|c2| code_after_city(text, c2).is_some())
            });
            if !then_coded {
                break;
            }
        }
        end = ce;
        any = true;
        city_only = true;
    }
    any.then_some(Tail { end, coded })
}

/// A unit and its number at `p` (`Apt 4B`, `Suite 200`, `#12`, `Piano 7`, `RD 5`); returns
/// its end.
fn unit_at(text: &str, p: usize) -> Option<usize> {
    let ue = word_end(text, p);
    let u = &text[p..ue];
    if u.starts_with('#') && u.len() > 1 {
        return Some(ue);
    }
    if text[p..].starts_with('#') {
        let e = word_end(text, p + 1);
        return (e > p + 1).then_some(e);
    }
    // An ordinal floor (`Fifth Floor`, `2nd Floor`, `3rd Fl`).
    if is_ordinal(u) || ORDINALS.contains(&u) {
        let (fs, fe) = next_word(text, ue, false)?;
        return matches!(&text[fs..fe], "Floor" | "Fl" | "Fl." | "Flr").then_some(fe);
    }
    if !is_unit(u) {
        return None;
    }
    next_word(text, ue, false)
        .filter(|(is, ie)| {
            let id = &text[*is..*ie];
            id.len() <= 6 && id.bytes().any(|c| c.is_ascii_digit())
        })
        .map(|x| x.1)
}

/// A floor and door (`3º B`, `2. OG`, `4ª izq.`) at `p`; returns their end.
fn floor_at(text: &str, p: usize) -> Option<usize> {
    let fe = word_end(text, p);
    let f = &text[p..fe];
    let digits = f.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 || !matches!(&f[digits..], "º" | "ª" | "." | "o" | "a" | "") {
        return None;
    }
    let (ds, de) = next_word(text, fe, false)?;
    let d = text[ds..de].trim_end_matches('.');
    (d.chars().count() <= 4 && d.chars().all(char::is_alphabetic)).then_some(de)
}

/// A region with its postal code, or a postal code with the city after it, at `p`
/// (`IL 62704`, `NSW, 2991`, `GTO 81003`, `10115 Berlin`, `SW1A 2AA`, `92174-218 Peixoto /
/// MG`); `bare`: a plain number alone counts (it follows a city); returns the end.
fn coded_at(text: &str, p: usize, bare: bool) -> Option<usize> {
    let b = text.as_bytes();
    // A region code (two to four capitals) and a postal code.
    let caps = b[p..].iter().take_while(|c| c.is_ascii_uppercase()).count();
    if (2..=5).contains(&caps) && !b.get(p + caps).is_some_and(u8::is_ascii_alphanumeric) {
        let re = p + caps;
        for sep in [" ", ", ", "  "] {
            if text[re..].starts_with(sep) {
                if let Some((pe, shape)) = postal(text, re + sep.len()) {
                    if !matches!(shape, Shape::Plain6 | Shape::Plain8) {
                        return Some(pe);
                    }
                }
            }
        }
        if kind(&text[p..re]) & STATE != 0 {
            return Some(re);
        }
    }
    let (pe, shape) = postal(text, p)?;
    // The city after a continental postal code (`10115 Berlin`, `1015 CJ Amsterdam`), and a
    // French CEDEX (`69003 Lyon CEDEX`, `75008 Paris CEDEX 08`).
    if let Some(mut ce) = city(text, pe) {
        if text[ce..].starts_with(" CEDEX") && !alnum_at(b, ce + 6) {
            ce += 6;
            let d = digits_at(b, ce + 1);
            if b.get(ce) == Some(&b' ') && (1..=2).contains(&d) && !alnum_at(b, ce + 1 + d) {
                ce += 1 + d;
            }
        }
        // A Danish postal district letter (`1553 København V`).
        if shape == Shape::Plain4
            && text[ce..].starts_with(' ')
            && text[ce + 1..].starts_with(|c: char| c.is_uppercase())
        {
            let l = text[ce + 1..].chars().next().map_or(1, char::len_utf8);
            if !text[ce + 1 + l..].starts_with(|c: char| c.is_alphanumeric()) {
                return Some(ce + 1 + l);
            }
        }
        return Some(province_after(text, ce));
    }
    if shape == Shape::Plain8 {
        return None;
    }
    let plain = matches!(shape, Shape::Plain4 | Shape::Plain5 | Shape::Plain6);
    if plain && !bare {
        // `, 00026, Civitella (RM)`: a five-digit code is an address part when a city
        // follows (not `2009, Pierre Ossman`).
        let (q, strong) = separator(text, pe)?;
        return (shape == Shape::Plain5 && strong && city(text, q).is_some()).then_some(pe);
    }
    Some(pe)
}

/// A code after a city ending at `ce`: a state and ZIP, a region, a postal code, an Indian
/// PIN after a hyphen (`Suryapet-453840`), a Brazilian state (`Azevedo / RJ`); returns its
/// end.
fn code_after_city(text: &str, ce: usize) -> Option<usize> {
    if let Some(pin) = text[ce..].strip_prefix('-') {
        let b = pin.as_bytes();
        if b.len() >= 6
            && b[..6].iter().all(u8::is_ascii_digit)
            && b[0] != b'0'
            && !b.get(6).is_some_and(u8::is_ascii_alphanumeric)
        {
            return Some(ce + 7);
        }
    }
    for sep in [", ", " "] {
        let Some(after) = text[ce..].strip_prefix(sep) else {
            continue;
        };
        let ss = ce + sep.len();
        if let Some(e) = coded_at(text, ss, true) {
            return Some(e);
        }
        // A state written out, then its ZIP (`Illinois 62704`).
        if let Some(name) = STATE_NAMES.iter().find(|n| after.starts_with(**n)) {
            let st_end = ss + name.len();
            if let Some(z) = text[st_end..].strip_prefix(' ') {
                if let Some(n) = zip_len(z) {
                    return Some(st_end + 1 + n);
                }
            }
        }
    }
    None
}

/// One to six words of a city at `pos` (after one space), capitalized or particles, and a
/// parenthesised district or province (`Frankfurt am Main`, `San María José de la Montaña`,
/// `Savinesti (Poiana Teiului)`, `Civitella (RM)`); an Indian PIN after a hyphen is not part
/// of it (`Suryapet-453840`).
fn city(text: &str, pos: usize) -> Option<usize> {
    let s = pos + usize::from(text[pos..].starts_with(' '));
    let e = word_end(text, s);
    let mut w = text[s..e].trim_end_matches('.');
    if let Some(k) = w.find('-') {
        if w[k + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            w = &w[..k];
        }
    }
    let particle_first = kind(w) & PARTICLE != 0
        && next_word(text, s + w.len(), false).is_some_and(|(ns, ne)| is_title(&text[ns..ne]));
    if !(is_title(w) || particle_first) || is_unit(w) || kind(w) & (STATE | NOT_PLACE) != 0 {
        return None;
    }
    let mut end = s + w.len();
    // The end of the last capitalized word: a city does not end with a particle.
    let mut named = end;
    for _ in 0..6 {
        if text[end..].starts_with(" (") {
            let close = text[end..]
                .char_indices()
                .take(42)
                .find(|(_, c)| *c == ')')?
                .0;
            let inner = &text[end + 2..end + close];
            if close > 40
                || inner.contains(['\n', ','])
                || !inner
                    .split(' ')
                    .all(|x| is_title(x) || x.bytes().all(|c| c.is_ascii_uppercase()))
            {
                break;
            }
            named = end + close + 1;
            break;
        }
        let Some((ws, we)) = next_word(text, end, false) else {
            break;
        };
        let x = &text[ws..we];
        if (is_title(x) && !x.ends_with('.') || x.len() > 1 && x.starts_with('-'))
            && !is_unit(x)
            && kind(x) & STATE == 0
        {
            end = we;
            named = we;
        } else if kind(x) & PARTICLE != 0 {
            end = we;
        } else if matches!(x, "altos" | "bajos") && text[..end].ends_with("los") {
            end = we;
            named = we;
        } else {
            // A sentence may end right after the city (`Frankfurt am Main.`).
            if x.len() > 3 && is_title(trim_dot(x)) && x.ends_with('.') {
                named = we - 1;
            }
            break;
        }
    }
    Some(named)
}

/// The shape of a postal code: plain numbers are weak evidence, shaped ones are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Plain4,
    Plain5,
    Plain6,
    /// A Brazilian CEP without its hyphen (`01310100`): only with a city after it.
    Plain8,
    Shaped,
}

/// A postal code at `p` in one of the formats of the postal services: US ZIP and ZIP+4, UK
/// postcode, Canadian postal code, Irish Eircode, Dutch `1234 AB`, Polish `00-950`,
/// Portuguese `1000-001`, Brazilian CEP `01310-100`, Swedish, Czech and Slovak `123 45`,
/// country-prefixed `H-1011`, `D-10115`, and plain four, five or six digits; returns its end
/// and shape.
fn postal(text: &str, p: usize) -> Option<(usize, Shape)> {
    let b = text.as_bytes();
    let rest = &text[p..];
    let c0 = *b.get(p)?;
    if c0.is_ascii_uppercase() {
        if let Some(e) = uk_postcode_at(text, p) {
            return Some((e, Shape::Shaped));
        }
        if let Some(n) = ca_postal_len(rest) {
            return Some((p + n, Shape::Shaped));
        }
        if let Some(n) = eircode_len(rest) {
            return Some((p + n, Shape::Shaped));
        }
        // A country prefix (`H-4907`, `D-10115`, `CH-8001`).
        let caps = rest.bytes().take_while(u8::is_ascii_uppercase).count();
        if (1..=2).contains(&caps) && b.get(p + caps) == Some(&b'-') {
            let d = digits_at(b, p + caps + 1);
            if (4..=5).contains(&d) && !alnum_at(b, p + caps + 1 + d) {
                return Some((p + caps + 1 + d, Shape::Shaped));
            }
        }
        return None;
    }
    let d = digits_at(b, p);
    let e = p + d;
    let next = |k: usize| b.get(e + k).copied();
    match d {
        5 => {
            if next(0) == Some(b'-') {
                let m = digits_at(b, e + 1);
                if (m == 4 || m == 3) && !alnum_at(b, e + 1 + m) {
                    return Some((e + 1 + m, Shape::Shaped));
                }
            }
            (!alnum_at(b, e) && &b[p..e] != b"00000").then_some((e, Shape::Plain5))
        }
        4 => {
            if next(0) == Some(b'-') && digits_at(b, e + 1) == 3 && !alnum_at(b, e + 4) {
                return Some((e + 4, Shape::Shaped));
            }
            // Dutch `1015 CJ` / `1015CJ` (never SA, SD, SS).
            let gap = usize::from(next(0) == Some(b' '));
            let l = b.get(e + gap..e + gap + 2);
            if b[p] != b'0'
                && l.is_some_and(|l| {
                    l.iter().all(u8::is_ascii_uppercase) && !matches!(l, b"SA" | b"SD" | b"SS")
                })
                && !alnum_at(b, e + gap + 2)
            {
                return Some((e + gap + 2, Shape::Shaped));
            }
            (!alnum_at(b, e) && &b[p..e] != b"0000").then_some((e, Shape::Plain4))
        }
        3 => {
            let ok = next(0) == Some(b' ') && digits_at(b, e + 1) == 2 && !alnum_at(b, e + 3);
            ok.then_some((e + 3, Shape::Shaped))
        }
        2 => {
            let ok = next(0) == Some(b'-') && digits_at(b, e + 1) == 3 && !alnum_at(b, e + 4);
            ok.then_some((e + 4, Shape::Shaped))
        }
        6 => (!alnum_at(b, e)).then_some((e, Shape::Plain6)),
        8 => (!alnum_at(b, e)).then_some((e, Shape::Plain8)),
        _ => None,
    }
}

fn digits_at(b: &[u8], p: usize) -> usize {
    b.get(p..)
        .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
}

fn alnum_at(b: &[u8], p: usize) -> bool {
    b.get(p).is_some_and(u8::is_ascii_alphanumeric)
}

/// Irish Eircode (`D02 X285`, `T92YRFD`): a routing key (a letter and two digits, or `D6W`)
/// and four characters of its alphabet; returns its length.
fn eircode_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let key = b.len() >= 3
        && b"ACDEFHKNPRTVWXY".contains(&b[0])
        && b[1].is_ascii_digit()
        && (b[2].is_ascii_digit() || &b[..3] == b"D6W");
    if !key {
        return None;
    }
    let gap = usize::from(b.get(3) == Some(&b' '));
    let id = b.get(3 + gap..7 + gap)?;
    let ok = id
        .iter()
        .all(|c| c.is_ascii_digit() || b"ACDEFHKNPRTVWXY".contains(c))
        && !alnum_at(b, 7 + gap);
    ok.then_some(7 + gap)
}

/// An Italian province code after the city (`Milano MI`, `Milano (MI)`) or a Brazilian state
/// (`Peixoto / MG`, `Santos - SP`); returns the new end.
fn province_after(text: &str, ce: usize) -> usize {
    let b = text.as_bytes();
    for (open, close) in [(" ", ""), (" (", ")"), (" / ", ""), (" - ", "")] {
        let s = ce + open.len();
        let e = s + 2;
        if text[ce..].starts_with(open)
            && b.get(s..e)
                .is_some_and(|x| x.iter().all(u8::is_ascii_uppercase))
            && text[e..].starts_with(close)
            && !b
                .get(e + close.len())
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            return e + close.len();
        }
    }
    ce
}

/// US ZIP (`62704`, `62704-1234`): the length of the code at the start of `s`.
fn zip_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..5].iter().all(u8::is_ascii_digit) || &b[..5] == b"00000" {
        return None;
    }
    let mut n = 5;
    if b.len() >= 10 && b[5] == b'-' && b[6..10].iter().all(u8::is_ascii_digit) {
        n = 10;
    }
    (!b.get(n).is_some_and(u8::is_ascii_alphanumeric)).then_some(n)
}

/// Canadian postal code (`K1A 0B1`, `K1A0B1`): letters without D, F, I, O, Q, U; no W or Z
/// first.
fn ca_postal_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.len() < 6 {
        return None;
    }
    let gap = usize::from(b[3] == b' ');
    if b.len() < 6 + gap {
        return None;
    }
    let letter = |c: u8, first: bool| {
        c.is_ascii_uppercase() && !b"DFIOQU".contains(&c) && !(first && (c == b'W' || c == b'Z'))
    };
    let ok = letter(b[0], true)
        && b[1].is_ascii_digit()
        && letter(b[2], false)
        && b[3 + gap].is_ascii_digit()
        && letter(b[4 + gap], false)
        && b[5 + gap].is_ascii_digit();
    (ok && !b.get(6 + gap).is_some_and(u8::is_ascii_alphanumeric)).then_some(6 + gap)
}

/// Returns true if `s` is exactly a UK postcode (`SW1A 2AA`, `M1 1AE`, `EC1A 1BB`).
fn is_uk_postcode(s: &str) -> bool {
    let Some((out, inw)) = s.split_once(' ') else {
        return false;
    };
    let o = out.as_bytes();
    let i = inw.as_bytes();
    if !(2..=4).contains(&o.len()) || i.len() != 3 {
        return false;
    }
    let letters = o.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) || !o.get(letters).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let rest = &o[letters + 1..];
    if rest.len() > 1
        || rest
            .first()
            .is_some_and(|c| !(c.is_ascii_digit() || c.is_ascii_uppercase()))
    {
        return false;
    }
    i[0].is_ascii_digit()
        && i[1..]
            .iter()
            .all(|c| c.is_ascii_uppercase() && !b"CIKMOV".contains(c))
}

/// The end of a UK postcode starting at `s`, if there is one.
fn uk_postcode_at(text: &str, s: usize) -> Option<usize> {
    let rest = &text[s..];
    let out_len = rest.find(' ')?;
    if out_len > 4 {
        return None;
    }
    let e = s + out_len + 4;
    let cand = text.get(s..e)?;
    (is_uk_postcode(cand)
        && !text
            .as_bytes()
            .get(e)
            .is_some_and(u8::is_ascii_alphanumeric))
    .then_some(e)
}

/// Street words kept by the mask: common suffixes, types, particles and units.
fn kept(word: &str) -> bool {
    let bare = trim_dot(word);
    let low = word.to_lowercase();
    // Not the weak suffixes: they are ordinary words (`Mill`, `Lake`) that may be part of
    // the name.
    SUFFIXES.contains(&bare)
        || FR_TYPES.contains(&low.as_str())
        || LATIN_TYPES.contains(&word)
        || WEAK_LATIN_TYPES.contains(&word)
        || PARTICLES.contains(&word)
        || UNITS.contains(&word)
        || TYPE_WORDS.contains(&low.as_str())
}

/// Masks an address: numbers and postal codes fully, street suffixes and types kept, every
/// other word reduced to its first letter (`*** M*** St, S*********`).
pub(crate) fn mask(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (k, word) in value.split(' ').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        let core = word.trim_end_matches([',', '.']);
        let punct = &word[core.len()..];
        if core.bytes().any(|c| c.is_ascii_digit())
            || core.len() <= 2 && core.chars().all(char::is_uppercase)
        {
            out.extend(
                core.chars()
                    .map(|c| if c.is_alphanumeric() { '*' } else { c }),
            );
        } else if kept(core) || kept(word) {
            out.push_str(core);
        } else {
            let low = core.to_lowercase();
            let de = STRONG_ENDINGS
                .iter()
                .chain(WEAK_ENDINGS)
                .filter(|d| low.len() > d.len() + 2 && low.ends_with(*d))
                .max_by_key(|d| d.len());
            let keep_tail = de.map_or(0, |d| d.chars().count());
            let n = core.chars().count();
            for (j, c) in core.chars().enumerate() {
                if j == 0 || j >= n - keep_tail || !c.is_alphanumeric() {
                    out.push(c);
                } else {
                    out.push('*');
                }
            }
        }
        out.push_str(punct);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig};
    use super::*;

    fn addrs(text: &str) -> Vec<String> {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        out.iter()
            .filter(|f| d.type_name(f.type_id) == "ADDRESS")
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn addresses_per_country_form() {
        for (text, want) in [
            (
                "ship it to 123 Main St, Springfield, IL 62704 please",
                "123 Main St, Springfield, IL 62704",
            ),
            (
                "I live at 42 Oak Avenue, Apt 4B, Portland, OR 97205-1234.",
                "42 Oak Avenue, Apt 4B, Portland, OR 97205-1234",
            ),
            (
                "office: 1600 Pennsylvania Ave NW, Washington, DC 20500",
                "1600 Pennsylvania Ave NW, Washington, DC 20500",
            ),
            (
                "send it to 221B Baker Street, London NW1 6XE today",
                "221B Baker Street, London NW1 6XE",
            ),
            (
                "at 10 Downing Street, London, SW1A 2AA",
                "10 Downing Street, London, SW1A 2AA",
            ),
            (
                "delivered to 350 King Street West, Toronto, ON M5V 3L9",
                "350 King Street West, Toronto, ON M5V 3L9",
            ),
            (
                "my address is Schillerstraße 136, 60311 Frankfurt am Main.\\n bye",
                "Schillerstraße 136, 60311 Frankfurt am Main",
            ),
            (
                "Lieferung an Hauptstraße 5, 10115 Berlin bitte",
                "Hauptstraße 5, 10115 Berlin",
            ),
            (
                "wohnt in der Berliner Straße 12a, 80331 München",
                "Berliner Straße 12a, 80331 München",
            ),
            ("Lindenstr. 3, 50667 Köln", "Lindenstr. 3, 50667 Köln"),
            (
                "envoyez à 12 rue de la Paix, 75002 Paris merci",
                "12 rue de la Paix, 75002 Paris",
            ),
            (
                "au 8 avenue des Champs-Élysées, 75008 Paris",
                "8 avenue des Champs-Élysées, 75008 Paris",
            ),
            (
                "vivo en Calle de Alcalá 45, 28014 Madrid",
                "Calle de Alcalá 45, 28014 Madrid",
            ),
            (
                "abito in Via Roma 10, 00184 Roma",
                "Via Roma 10, 00184 Roma",
            ),
            ("the shop at 5 Elm Rd is closed", "5 Elm Rd"),
            // The whole span: units before the number, localities before the city, state
            // names, floors and doors, province codes, Dutch and Canadian-French forms.
            (
                "ship to 123 Main St., Springfield, IL 62704 please",
                "123 Main St., Springfield, IL 62704",
            ),
            (
                "my address is 500 W 5th St Apt 12, Austin, TX 78701 thanks",
                "500 W 5th St Apt 12, Austin, TX 78701",
            ),
            (
                "deliver to 350 Fifth Avenue, Suite 3300, New York, NY 10118 by Friday",
                "350 Fifth Avenue, Suite 3300, New York, NY 10118",
            ),
            (
                "Please ship to 4 Privet Drive, Little Whinging, Surrey GU1 3AB today",
                "4 Privet Drive, Little Whinging, Surrey GU1 3AB",
            ),
            (
                "Flat 3, 14 Baker Street, London W1U 3BW is my address",
                "Flat 3, 14 Baker Street, London W1U 3BW",
            ),
            (
                "I moved to 5 Kings Road, Chelsea, London SW3 4ND last week",
                "5 Kings Road, Chelsea, London SW3 4ND",
            ),
            (
                "bitte an Karl-Marx-Allee 90, 10243 Berlin senden",
                "Karl-Marx-Allee 90, 10243 Berlin",
            ),
            (
                "j'habite 12, rue de Rivoli, 75001 Paris depuis mai",
                "12, rue de Rivoli, 75001 Paris",
            ),
            (
                "mi dirección es Calle Mayor 12, 3º B, 28013 Madrid",
                "Calle Mayor 12, 3º B, 28013 Madrid",
            ),
            (
                "envíalo a C/ Gran Vía 28, 28013 Madrid hoy",
                "C/ Gran Vía 28, 28013 Madrid",
            ),
            (
                "abito in Via Garibaldi 15, 20121 Milano MI da anni",
                "Via Garibaldi 15, 20121 Milano MI",
            ),
            (
                "mijn adres is Keizersgracht 123, 1015 CJ Amsterdam.",
                "Keizersgracht 123, 1015 CJ Amsterdam",
            ),
            (
                "stuur het naar Laan van Meerdervoort 50, 2517 AB Den Haag",
                "Laan van Meerdervoort 50, 2517 AB Den Haag",
            ),
            (
                "woon op Kerkstraat 7, 3511 LX Utrecht",
                "Kerkstraat 7, 3511 LX Utrecht",
            ),
            (
                "1200 rue Sainte-Catherine Ouest, Montréal, QC H3B 1K9",
                "1200 rue Sainte-Catherine Ouest, Montréal, QC H3B 1K9",
            ),
            (
                "Unit 5, 200 Bay St, Toronto ON M5J 2J5",
                "Unit 5, 200 Bay St, Toronto ON M5J 2J5",
            ),
            (
                "ship to 12 Elm Street, Springfield, Illinois 62704",
                "12 Elm Street, Springfield, Illinois 62704",
            ),
            (
                "Wohnung: Schillerstraße 4, 2. OG, 60313 Frankfurt am Main",
                "Schillerstraße 4, 2. OG, 60313 Frankfurt am Main",
            ),
        ] {
            let got = addrs(text);
            assert_eq!(got, vec![want.to_string()], "{text:?}");
        }
    }

    #[test]
    fn non_addresses() {
        for text in [
            "Top 10 Scenic Road Trips of the year",
            "version 2.3 Street Fighter",
            "we processed 500 Main requests",
            "error 404 Not Found",
            "at 12:30 Main Street was closed",
            "the 3 rue tests failed",
            "Via email 3 times",
            "Hauptstraße ist lang",
            // Dutch street words without a postcode or a strong ending, and a unit that is
            // not before a street.
            "de Stationsplein 5 bus is late",
            "Room 101, 3 tests failed",
            "Flat 3, the rest is fine",
        ] {
            assert!(addrs(text).is_empty(), "{text:?}: {:?}", addrs(text));
        }
    }

    /// One example per country form of the national postal standards (USPS Publication 28,
    /// Royal Mail, An Post, Canada Post, Australia Post, NZ Post, India Post, Deutsche Post,
    /// La Poste, Correos, Poste Italiane, CTT, Correios, PostNL, Poczta Polska, PostNord,
    /// Posti, Česká pošta, Magyar Posta, Poșta Română, PTT, Pos Indonesia, VNPost): the whole
    /// address as written, in prose, after a cue or alone.
    #[test]
    fn addresses_of_many_countries() {
        for (text, want) in [
            // United States: suffixes and units of Publication 28, PO boxes, military.
            (
                "Deliver to 4821 Quail Hollow Apt. 12, Riverton, WY 82501 by noon",
                "4821 Quail Hollow Apt. 12, Riverton, WY 82501",
            ),
            (
                "ship to 77 Harbor Crossing, Suite 210, Annapolis, MD 21401-3320.",
                "77 Harbor Crossing, Suite 210, Annapolis, MD 21401-3320",
            ),
            (
                "mail it to PO Box 4410, Tulsa, OK 74159 please",
                "PO Box 4410, Tulsa, OK 74159",
            ),
            (
                "Unit 2050 Box 4190, APO AP 96278-2050 is my mailing address",
                "Unit 2050 Box 4190, APO AP 96278-2050",
            ),
            (
                "USNS Comfort, FPO AE 09510 for the crew",
                "USNS Comfort, FPO AE 09510",
            ),
            // Multi-line in a JSON string value (decoded) and a floor written out.
            (
                "Address:\n12 Orchard Lane\nSpringfield, IL 62704",
                "12 Orchard Lane\nSpringfield, IL 62704",
            ),
            (
                "write to 51 Elm Street, Fifth Floor, Boston, MA  02110-1301 USA",
                "51 Elm Street, Fifth Floor, Boston, MA  02110-1301",
            ),
            // USPS Publication 28 capitals.
            (
                "Ship to 1600 PENNSYLVANIA AVE NW, WASHINGTON, DC 20500 today",
                "1600 PENNSYLVANIA AVE NW, WASHINGTON, DC 20500",
            ),
            (
                "ADDRESS: 42 ELM ST APT 4B, PORTLAND OR 97205-1234",
                "42 ELM ST APT 4B, PORTLAND OR 97205-1234",
            ),
            (
                "101 MARKET ST, SAN FRANCISCO, CA 94105",
                "101 MARKET ST, SAN FRANCISCO, CA 94105",
            ),
            // One part per line, as forms and JSON strings hold them.
            (
                "{\"address\": \"Flat 18\nHeron Crossing\nAshwick\nBA3 5QT\"}",
                "Flat 18\nHeron Crossing\nAshwick\nBA3 5QT",
            ),
            (
                "cím: Kossuth Lajos utca 5.\nH-7621 Pécs",
                "Kossuth Lajos utca 5.\nH-7621 Pécs",
            ),
            ("adresa: Lipová 12\n602 00 Brno", "Lipová 12\n602 00 Brno"),
            (
                "Unit 3\n41 Wattle Avenue\nGlenroy VIC 3046",
                "Unit 3\n41 Wattle Avenue\nGlenroy VIC 3046",
            ),
            // United Kingdom: flat first, building without number, post town, postcode.
            (
                "Flat 2, Kestrel Court, Ashby Road, Loughborough LE11 3TU",
                "Flat 2, Kestrel Court, Ashby Road, Loughborough LE11 3TU",
            ),
            (
                "Flat 4, Wharfside Mews, Bristol, BS1 6UX thanks",
                "Flat 4, Wharfside Mews, Bristol, BS1 6UX",
            ),
            (
                "at 9 Carlton Rise, Headingley, Leeds LS6 3AA",
                "9 Carlton Rise, Headingley, Leeds LS6 3AA",
            ),
            // Ireland: Eircode.
            (
                "my address is 14 Parnell Street, Ennis, Co. Clare V95 K2P6",
                "14 Parnell Street, Ennis",
            ),
            (
                "send to 3 Mill Road, Dublin D08 XY25.",
                "3 Mill Road, Dublin D08 XY25",
            ),
            // Canada: English and French, postal code with or without its space.
            (
                "ship to 250 Bank Street, Ottawa, ON K2P 1X4",
                "250 Bank Street, Ottawa, ON K2P 1X4",
            ),
            (
                "livrez au 4521 montée Saint-Hubert, Laval, QC H7P3K2 svp",
                "4521 montée Saint-Hubert, Laval, QC H7P3K2",
            ),
            // Australia and New Zealand: unit/number, state and postcode, RD and PO Box.
            (
                "Send to Unit 4/12 Smith St, Fitzroy VIC 3065",
                "Unit 4/12 Smith St, Fitzroy VIC 3065",
            ),
            (
                "deliver to 8/3 Banksia Circuit, Kambah, ACT, 2902",
                "8/3 Banksia Circuit, Kambah, ACT, 2902",
            ),
            (
                "at 76 Totara Crescent, RD 2, Kerikeri 0294",
                "76 Totara Crescent, RD 2, Kerikeri 0294",
            ),
            (
                "post it to PO Box 118, Whakatane 3158",
                "PO Box 118, Whakatane 3158",
            ),
            // India: house number, nagar or marg, city and PIN.
            (
                "courier to 22, Ashok Nagar, Jaipur-302001 today",
                "22, Ashok Nagar, Jaipur-302001",
            ),
            (
                "my flat is H.No. 5, Gandhi Marg, Indore 452001",
                "H.No. 5, Gandhi Marg, Indore 452001",
            ),
            // Germany, Austria, Switzerland.
            (
                "Lieferadresse: Am Lindenhof 7, 04109 Leipzig",
                "Am Lindenhof 7, 04109 Leipzig",
            ),
            (
                "bitte an Mariahilfer Straße 88a, 1070 Wien",
                "Mariahilfer Straße 88a, 1070 Wien",
            ),
            (
                "Adresse: Seefeldweg 12, 8008 Zürich.",
                "Seefeldweg 12, 8008 Zürich",
            ),
            (
                "Postfach 10 01 23, 10115 Berlin ist die Adresse",
                "Postfach 10 01 23, 10115 Berlin",
            ),
            // France: number, type, CEDEX.
            (
                "envoyez au 3 impasse des Lilas, 69003 Lyon CEDEX merci",
                "3 impasse des Lilas, 69003 Lyon CEDEX",
            ),
            (
                "au 18 boulevard Haussmann, 75009 Paris",
                "18 boulevard Haussmann, 75009 Paris",
            ),
            // Spain, Mexico, Argentina.
            (
                "vivo en Travesía del Pilar 9, 2º izq., 50001 Zaragoza",
                "Travesía del Pilar 9, 2º izq., 50001 Zaragoza",
            ),
            (
                "enviar a Avenida Insurgentes Sur 1602 Int. 4, Ciudad de México, CDMX 03940",
                "Avenida Insurgentes Sur 1602 Int. 4, Ciudad de México, CDMX 03940",
            ),
            (
                "mi casa: Calle Florida N° 540 Piso 3, Rosario 2000, Santa Fe",
                "Calle Florida N° 540 Piso 3, Rosario 2000, Santa Fe",
            ),
            (
                "Pasaje Los Olmos S/N, 41001 Sevilla",
                "Pasaje Los Olmos S/N, 41001 Sevilla",
            ),
            // Italy: civico after a comma, CAP, province.
            (
                "abito in Viale Monza, 44, 20127 Milano (MI) da due anni",
                "Viale Monza, 44, 20127 Milano (MI)",
            ),
            (
                "spedire a Contrada San Leo, 12 Interno 3, 87036, Rende (CS)",
                "Contrada San Leo, 12 Interno 3, 87036, Rende (CS)",
            ),
            // Portugal and Brazil.
            (
                "morada: Rua do Carmo, 21, 1200-093 Lisboa",
                "Rua do Carmo, 21, 1200-093 Lisboa",
            ),
            (
                "entregar na Rua das Acácias, 120, Jardim Paulista, 01415-000 São Paulo - SP",
                "Rua das Acácias, 120, Jardim Paulista, 01415-000 São Paulo - SP",
            ),
            // Netherlands and Belgium.
            (
                "adres: Oudegracht 231, 3511NK Utrecht",
                "Oudegracht 231, 3511NK Utrecht",
            ),
            (
                "Bezorgen op Veldstraat 12, 9000 Gent aub",
                "Veldstraat 12, 9000 Gent",
            ),
            // Poland.
            (
                "adres: ul. Długa 15/3, 80-831 Gdańsk",
                "ul. Długa 15/3, 80-831 Gdańsk",
            ),
            (
                "wyślij na al. Jerozolimskie 65, 00-697 Warszawa",
                "al. Jerozolimskie 65, 00-697 Warszawa",
            ),
            // Sweden, Norway, Denmark, Finland.
            (
                "Leverans till Sveavägen 44, 111 34 Stockholm",
                "Sveavägen 44, 111 34 Stockholm",
            ),
            (
                "send til Bjørnveien 12B, 0387 Oslo",
                "Bjørnveien 12B, 0387 Oslo",
            ),
            (
                "adresse: H.C. Andersens Boulevard 27, 1553 København V",
                "H.C. Andersens Boulevard 27, 1553 København V",
            ),
            (
                "toimitus: Aleksis Kiven katu 17, 00510 Helsinki",
                "Aleksis Kiven katu 17, 00510 Helsinki",
            ),
            // Czech Republic, Hungary, Romania, Turkey.
            (
                "adresa: Na Příkopě 33, 110 00 Praha",
                "Na Příkopě 33, 110 00 Praha",
            ),
            (
                "cím: Petőfi Sándor utca 12., H-1052 Budapest",
                "Petőfi Sándor utca 12., H-1052 Budapest",
            ),
            (
                "adresa: Strada Lipscani Nr. 14, București, 030031",
                "Strada Lipscani Nr. 14, București, 030031",
            ),
            (
                "adres: Bağdat Caddesi No: 210, 34728 Kadıköy",
                "Bağdat Caddesi No: 210, 34728 Kadıköy",
            ),
            // Indonesia and Vietnam.
            (
                "kirim ke Jl. Merdeka No. 10, Bandung, Jawa Barat 40111",
                "Jl. Merdeka No. 10, Bandung, Jawa Barat 40111",
            ),
            (
                "giao đến Số 12 đường Lê Lợi, Phường Bến Nghé, Quận 1",
                "Số 12 đường Lê Lợi, Phường Bến Nghé, Quận 1",
            ),
        ] {
            let got = addrs(text);
            assert_eq!(got, vec![want.to_string()], "{text:?}");
        }
    }

    /// Text close to an address that is not one: numbers and street words in prose, product
    /// and place names, code, log lines, dates and copyright lines.
    #[test]
    fn decoy_battery() {
        for text in [
            "Version 2 Street Fighter",
            "Route 66 diner",
            "Main Street Capital",
            "3 Way Handshake",
            "Section 5 Avenue of approach",
            "Plaza Hotel",
            "Via Appia",
            "the Via Appia Antica is 16 km long",
            "runs on port 8080 Street View tiles",
            "the best way 2 do it",
            "2 Place Settings",
            "Top 10 Scenic Road Trips",
            "We deployed 3 Data Center regions",
            "Chapter 3 Treasure Island",
            "the 5 Star Point of sale",
            "src/pii/address.rs:412 Main loop",
            "INFO 2026-11-02 12:00:01 Worker 3 Park thread",
            "ERROR 404 Not Found at /api/v2/users/12",
            "Released on 12 May 2024, 10:30 CET",
            "Copyright (c) 1994-2013 Larry Wall\n Copyright (c) 2011 Jane Green",
            "(C) 2019 Anthony Green\nLicense: GPL-3+",
            "2011-2014, Anthony Green\nLicense: Expat",
            "Copyright (c) 2007 Paulo R. Zanoni, Tiago Vignatti\nCopyright (c) 2009 Tiago",
            "Windows 11, 22000 Build is out",
            "Python 3, 12345 Lines of code",
            "Gang of Four 2 edition",
            "et al. Nature 2019, 45 Pages",
            "the Plaza 5 screen is broken",
            "Corso 2 starts on Monday",
            "see Figure 12, Section 4",
            "Llama 3 Field test, Gemini 2 Island mode",
            "we sold 400 Green Tea packs",
            "the 7 Hills of Rome",
            "iPhone 15 Pro Max, 256 GB",
            "apt-get install libc6 2.36-9",
            "Room 12, 3 people",
            "Suite 3 of the tests failed",
            "pl. 5 items",
            "ul. 3 is missing",
            "ERROR 500 INTERNAL SERVER ERROR, RETRY IN 30 S",
            "TOP 10 SCENIC ROAD TRIPS, VOL 2",
            "HTTP 404 NOT FOUND ST, IN 2024",
        ] {
            assert!(addrs(text).is_empty(), "{text:?}: {:?}", addrs(text));
        }
    }

    #[test]
    fn postal_codes() {
        assert!(
            is_uk_postcode("SW1A 2AA") && is_uk_postcode("M1 1AE") && is_uk_postcode("EC1A 1BB")
        );
        assert!(
            !is_uk_postcode("SW1A 2CA")
                && !is_uk_postcode("1W1A 2AA")
                && !is_uk_postcode("SW1A2AA")
                && !is_uk_postcode("RD 8AB")
                && !is_uk_postcode("A 1AB")
        );
        // An outward code of letters only once panicked (index past its end).
        let _ = addrs("Please ship it to 975 Burke Street, RD 8, Daytown 9389.");
        assert_eq!(zip_len("62704"), Some(5));
        assert_eq!(zip_len("62704-1234 x"), Some(10));
        assert_eq!(zip_len("00000"), None);
        assert_eq!(zip_len("627041"), None);
        assert_eq!(ca_postal_len("K1A 0B1"), Some(7));
        assert_eq!(ca_postal_len("D1A 0B1"), None);
        assert_eq!(ca_postal_len("W1A 0B1"), None);
        let shape = |s: &str| postal(s, 0);
        assert_eq!(shape("10115 Berlin"), Some((5, Shape::Plain5)));
        assert_eq!(shape("1010 Wien"), Some((4, Shape::Plain4)));
        assert_eq!(shape("1015 CJ Amsterdam"), Some((7, Shape::Shaped)));
        assert_eq!(shape("1015CJ"), Some((6, Shape::Shaped)));
        assert_eq!(shape("2517 SA"), Some((4, Shape::Plain4)));
        assert_eq!(shape("00-950 Warszawa"), Some((6, Shape::Shaped)));
        assert_eq!(shape("1000-001 Lisboa"), Some((8, Shape::Shaped)));
        assert_eq!(shape("01310-100 São Paulo"), Some((9, Shape::Shaped)));
        assert_eq!(shape("114 55 Stockholm"), Some((6, Shape::Shaped)));
        assert_eq!(shape("H-1011 Budapest"), Some((6, Shape::Shaped)));
        assert_eq!(shape("110001"), Some((6, Shape::Plain6)));
        assert_eq!(shape("D02 X285"), Some((8, Shape::Shaped)));
        assert_eq!(shape("T92YRFD"), Some((7, Shape::Shaped)));
        assert_eq!(shape("K1A0B1"), Some((6, Shape::Shaped)));
        assert_eq!(shape("1011A"), None);
        assert_eq!(shape("00000"), None);
        assert_eq!(shape("123456789"), None);
        assert_eq!(eircode_len("D02 B285"), None);
    }

    #[test]
    fn masks_keep_the_street_type() {
        assert_eq!(mask("123 Main St, Springfield"), "*** M*** St, S**********");
        assert_eq!(
            mask("Hauptstraße 5, 10115 Berlin"),
            "H****straße *, ***** B*****"
        );
        assert_eq!(
            mask("12 rue de la Paix, 75002 Paris"),
            "** rue de la P***, ***** P****"
        );
    }
}
