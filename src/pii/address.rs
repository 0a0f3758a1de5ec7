//! Postal addresses (`ADDRESS`): a house number and a street (`221B Baker Street`,
//! `12 rue de la Paix`, `Hauptstraße 5`, `Calle de Alcalá 45`, `Via Roma 10`) with an
//! optional unit, city, state or province and postal code, the postal code validated by the
//! format of its country (US ZIP, UK postcode, Canadian postal code, German, French, Spanish
//! and Italian codes).
//!
//! The scan anchors on digit runs and capitalized words only; everything else is skipped a
//! byte at a time.

use super::{push, Enabled, Finding, ADDRESS};

/// English street suffixes (after the name), with their usual abbreviations.
const SUFFIXES: &[&str] = &[
    "Street",
    "St",
    "Avenue",
    "Ave",
    "Av",
    "Road",
    "Rd",
    "Boulevard",
    "Blvd",
    "Lane",
    "Ln",
    "Drive",
    "Dr",
    "Way",
    "Court",
    "Ct",
    "Place",
    "Pl",
    "Terrace",
    "Ter",
    "Circle",
    "Cir",
    "Parkway",
    "Pkwy",
    "Highway",
    "Hwy",
    "Square",
    "Sq",
    "Crescent",
    "Cres",
    "Close",
    "Gardens",
    "Row",
    "Mews",
    "Grove",
    "Trail",
    "Trl",
    "Alley",
    "Pike",
    "Plaza",
    "Walk",
    "Hill",
    "Park",
    "Green",
    "Loop",
    "Expressway",
    "Freeway",
    "Turnpike",
    "Broadway",
    "Embankment",
    "Wharf",
];

/// Abbreviated suffixes: specific enough to stand without a city or cue after them.
const ABBREVIATED: &[&str] = &[
    "St", "Ave", "Rd", "Blvd", "Ln", "Ct", "Pkwy", "Hwy", "Cres", "Trl", "Ter", "Cir", "Sq",
];

/// Street types written before the name, after the house number (French style).
const FR_TYPES: &[&str] = &[
    "rue",
    "avenue",
    "av.",
    "boulevard",
    "bd",
    "place",
    "chemin",
    "allée",
    "allee",
    "impasse",
    "quai",
    "cours",
    "route",
    "square",
    "faubourg",
    "passage",
];

/// Street types written before the name, before the house number (Spanish, Italian,
/// Portuguese style).
const LATIN_TYPES: &[&str] = &[
    "Calle", "C/", "Avenida", "Avda.", "Paseo", "Plaza", "Camino", "Carrer", "Ronda", "Via",
    "Viale", "Piazza", "Corso", "Largo", "Vicolo", "Rua", "Travessa", "Praça", "Avinguda", "Laan",
];

/// German street-word endings (`Hauptstraße`, `Lindenstr.`) and the same as separate
/// words (`Berliner Straße`).
const DE_ENDINGS: &[&str] = &[
    "straße", "strasse", "str.", "gasse", "allee", "platz", "weg", "ring", "damm", "ufer",
    "chaussee", "steig", "pfad",
];

/// Dutch street-word endings (`Keizersgracht`, `Kerkstraat`, `Stationsplein`).
const NL_ENDINGS: &[&str] = &[
    "straat", "gracht", "laan", "plein", "kade", "singel", "dijk", "steeg",
];

/// US state names, for `Springfield, Illinois 62704` (then a ZIP must follow).
const STATE_NAMES: &[&str] = &[
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
];

/// Particles inside street names.
const PARTICLES: &[&str] = &[
    "de", "du", "des", "la", "le", "les", "l'", "d'", "del", "las", "los", "di", "della", "dei",
    "delle", "da", "do", "dos", "das", "of", "the", "y", "i", "dell'", "sur", "en", "van", "der",
    "den",
];

/// Unit designators.
const UNITS: &[&str] = &[
    "Apt",
    "Apt.",
    "Apartment",
    "Suite",
    "Ste",
    "Ste.",
    "Unit",
    "Flat",
    "Fl",
    "Floor",
    "Room",
    "Rm",
    "#",
    "Bldg",
    "Building",
    "Piso",
    "Wohnung",
    "Whg.",
];

/// US state and Canadian province codes.
const STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "PR", "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK",
    "YT",
];

/// Words before a street that make a bare `number name suffix` an address.
const CUES: &[&str] = &[
    "at", "address", "address:", "live", "lives", "living", "located", "to", "ship", "deliver",
    "visit", "moved", "office", "home", "is", "from", "on", "near", "in",
];

/// Which country's postal code format a street implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    English,
    French,
    German,
    Latin,
    /// Dutch street words (`Keizersgracht 123, 1015 CJ Amsterdam`).
    Dutch,
}

/// Finds postal addresses in `text` and appends them as `ADDRESS` findings.
pub(crate) fn scan(text: &str, en: &Enabled, out: &mut Vec<Finding>) {
    if !en.on(ADDRESS) {
        return;
    }
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let boundary = i == 0 || {
            let p = b[i - 1];
            !(p.is_ascii_alphanumeric() || b"._-/:$#+@=".contains(&p) || p >= 0x80)
        };
        if !boundary || !(c.is_ascii_digit() || c.is_ascii_uppercase()) {
            i += 1;
            continue;
        }
        let found = if c.is_ascii_digit() {
            number_first(text, i)
        } else {
            type_first(text, i)
        };
        match found {
            Some(e) => {
                let s = if c.is_ascii_digit() {
                    unit_before(text, i)
                } else {
                    i
                };
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

/// The start of a unit written before the house number at `s` (`Flat 3, 14 Baker Street`,
/// `Unit 5, 200 Bay St`), or `s`.
fn unit_before(text: &str, s: usize) -> usize {
    let Some(before) = text[..s].strip_suffix(", ") else {
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
    if id_ok && UNITS.contains(&unit) && unit != "#" {
        unit_start
    } else {
        s
    }
}

/// Reads a house number at `s` (`12`, `221B`, `12-14`, `5a`); returns its end.
fn house_number(text: &str, s: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut e = s;
    while e < b.len() && b[e].is_ascii_digit() {
        e += 1;
    }
    if e == s || e - s > 5 || b[s] == b'0' {
        return None;
    }
    if e + 1 < b.len() && b[e] == b'-' && b[e + 1].is_ascii_digit() {
        e += 1;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
    } else if e < b.len()
        && b[e].is_ascii_alphabetic()
        && !b.get(e + 1).is_some_and(|c| c.is_ascii_alphanumeric())
    {
        e += 1;
    }
    if b.get(e).is_some_and(|c| {
        c.is_ascii_alphanumeric() || *c == b'.' && b.get(e + 1).is_some_and(u8::is_ascii_digit)
    }) {
        return None;
    }
    Some(e)
}

/// The word at `s`: letters, digits, apostrophes, periods and hyphens inside; returns its end.
fn word_end(text: &str, s: usize) -> usize {
    let mut e = s;
    for (k, ch) in text[s..].char_indices() {
        if ch.is_alphanumeric() || ch == '\'' || ch == '’' || ch == '-' || ch == '/' && k == 1 {
            e = s + k + ch.len_utf8();
        } else if ch == '.' && e > s {
            // A trailing period belongs to an abbreviation (`St.`, `Avda.`).
            e = s + k + 1;
            break;
        } else {
            break;
        }
    }
    e
}

/// The next word after one space (or `, ` when `comma`), as (start, end).
fn next_word(text: &str, pos: usize, comma: bool) -> Option<(usize, usize)> {
    let rest = &text[pos..];
    let skip = if comma && rest.starts_with(", ") {
        2
    } else if rest.starts_with(' ') {
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

/// `12 Main Street …`, `12 rue de la Paix …`.
fn number_first(text: &str, s: usize) -> Option<usize> {
    let ne = house_number(text, s)?;
    let (w1s, w1e) = next_word(text, ne, true)?;
    let w1 = &text[w1s..w1e];
    if let Some(e) = english(text, s, ne) {
        return Some(e);
    }
    // French style: the type word first.
    if FR_TYPES.contains(&w1.to_lowercase().as_str()) {
        let mut end = w1e;
        // The end of the last name word: trailing particles are not part of the street.
        let mut named_end = None;
        for _ in 0..6 {
            let Some((ws, we)) = next_word(text, end, false) else {
                break;
            };
            let w = &text[ws..we];
            let elided = w.len() > 2 && (w.starts_with("l'") || w.starts_with("d'"));
            if is_title(w) || elided {
                named_end = Some(we);
            } else if !PARTICLES.contains(&w) {
                break;
            }
            end = we;
        }
        let end = named_end?;
        return Some(tail(text, end, Form::French).unwrap_or(end));
    }
    None
}

/// English style after the house number ending at `ne`: name words, then a suffix.
fn english(text: &str, s: usize, ne: usize) -> Option<usize> {
    let mut end = ne;
    let mut names = 0;
    let mut k = 0;
    let mut first = true;
    while let Some((ws, we)) = next_word(text, end, first) {
        first = false;
        let w = &text[ws..we];
        let bare = trim_dot(w);
        if names > 0 && SUFFIXES.contains(&bare) {
            let mut e = if w.ends_with('.') && !ABBREVIATED.contains(&bare) {
                we - 1
            } else {
                we
            };
            if let Some((ds, de)) = next_word(text, e, false) {
                if is_direction(&text[ds..de]) {
                    e = de;
                }
            }
            let t = tail(text, e, Form::English);
            let strong = t.is_some() || ABBREVIATED.contains(&bare) || cue_before(&text[..s]);
            return strong.then(|| t.unwrap_or(e));
        }
        if !(is_title(w) || is_ordinal(w) || is_direction(w)) {
            return None;
        }
        names += 1;
        end = we;
        k += 1;
        if k == 4 {
            return None;
        }
    }
    None
}

/// `Hauptstraße 5 …`, `Berliner Straße 12 …`, `Calle de Alcalá 45 …`, `Via Roma 10 …`.
fn type_first(text: &str, s: usize) -> Option<usize> {
    let e = word_end(text, s);
    let w = &text[s..e];
    let low = w.to_lowercase();
    let (form, street_end) = if LATIN_TYPES.contains(&w) {
        let mut end = e;
        let mut named_end = None;
        for _ in 0..6 {
            let Some((ws, we)) = next_word(text, end, false) else {
                break;
            };
            let x = &text[ws..we];
            if is_title(x) || (named_end.is_some() && x.chars().all(|c| "IVX".contains(c))) {
                named_end = Some(we);
            } else if !PARTICLES.contains(&x) {
                break;
            }
            end = we;
        }
        (Form::Latin, named_end?)
    } else if is_title(w)
        && NL_ENDINGS
            .iter()
            .any(|d| low.len() > d.len() + 2 && low.ends_with(d))
    {
        (Form::Dutch, e)
    } else if is_title(w)
        && DE_ENDINGS
            .iter()
            .any(|d| low.len() > d.len() + 2 && low.ends_with(d))
    {
        (Form::German, e)
    } else if is_title(w) {
        let (ws, we) = next_word(text, e, false)?;
        let x = text[ws..we].to_lowercase();
        if !DE_ENDINGS.contains(&x.as_str()) || !is_title(&text[ws..we]) && x != "str." {
            return None;
        }
        (Form::German, we)
    } else {
        return None;
    };
    // The house number, after an optional comma.
    let rest = &text[street_end..];
    let skip = if rest.starts_with(", ") {
        2
    } else if rest.starts_with(' ') {
        1
    } else {
        return None;
    };
    let ns = street_end + skip;
    let ne = house_number(text, ns)?;
    if ne - ns > 5 {
        return None;
    }
    let t = tail(text, ne, form);
    let strong = t.is_some()
        || match form {
            Form::German => {
                DE_ENDINGS[..3].iter().any(|d| low.ends_with(d)) || {
                    text[e..].trim_start().to_lowercase().starts_with("stra")
                }
            }
            Form::Dutch => low.ends_with("straat") || low.ends_with("gracht"),
            _ => true,
        };
    strong.then(|| t.unwrap_or(ne))
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

/// The optional unit, city, state and postal code after a street ending at `e`; returns the
/// new end, or `None` when nothing follows.
fn tail(text: &str, e: usize, form: Form) -> Option<usize> {
    let mut end = e;
    let mut any = false;
    // Unit.
    if let Some((us, ue)) = next_word(text, end, true) {
        let u = &text[us..ue];
        if UNITS.contains(&u) || u.starts_with('#') && u.len() > 1 {
            let id_end = if u.starts_with('#') && u.len() > 1 {
                Some(ue)
            } else {
                next_word(text, ue, false)
                    .filter(|(is, ie)| {
                        let id = &text[*is..*ie];
                        id.len() <= 6 && id.bytes().any(|c| c.is_ascii_digit())
                    })
                    .map(|x| x.1)
            };
            if let Some(ie) = id_end {
                end = ie;
                any = true;
            }
        }
    }
    // Postal code first, then the city (continental Europe), after an optional floor and
    // door (`, 3º B`, `, 2. OG`).
    if form != Form::English {
        let starts = [Some(end), floor_after(text, end)];
        for start in starts.into_iter().flatten() {
            if let Some((ps, pe)) = next_word(text, start, true) {
                if postal_eu(&text[ps..pe], form) {
                    // A Dutch postcode's two letters (`1015 CJ`).
                    let pe = nl_letters(text, pe).unwrap_or(pe);
                    if let Some(ce) = city(text, pe, false) {
                        return Some(province_after(text, ce));
                    }
                }
            }
        }
        // A Canadian street in French: `, Montréal, QC H3B 1K9`.
        if let Some(e2) = english_tail(text, end, true) {
            return Some(e2);
        }
        return any.then_some(end);
    }
    english_tail(text, end, false).or(any.then_some(end))
}

/// A floor and door after the house number (`, 3º B`, `, 2. OG`, `, 4ª izq.`); returns
/// their end.
fn floor_after(text: &str, end: usize) -> Option<usize> {
    let (fs, fe) = next_word(text, end, true)?;
    let f = &text[fs..fe];
    let digits = f.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 || !matches!(&f[digits..], "º" | "ª" | "." | "o" | "a" | "") {
        return None;
    }
    let (ds, de) = next_word(text, fe, false)?;
    let d = text[ds..de].trim_end_matches('.');
    (d.chars().count() <= 4 && d.chars().all(char::is_alphabetic)).then_some(de)
}

/// The end of a Dutch postcode's letters after its four digits ending at `pe` (` CJ`).
fn nl_letters(text: &str, pe: usize) -> Option<usize> {
    let b = text.as_bytes();
    if pe < 4 || !b[pe - 4..pe].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let l = b.get(pe + 1..pe + 3)?;
    let ok = b[pe] == b' '
        && l.iter().all(u8::is_ascii_uppercase)
        && !matches!(l, b"SA" | b"SD" | b"SS")
        && !b.get(pe + 3).is_some_and(u8::is_ascii_alphanumeric);
    ok.then_some(pe + 3)
}

/// An Italian province code after the city (`Milano MI`, `Milano (MI)`); returns the new end.
fn province_after(text: &str, ce: usize) -> usize {
    let b = text.as_bytes();
    for (open, close) in [("", ""), ("(", ")")] {
        let s = ce + 1 + open.len();
        let e = s + 2;
        if b.get(ce) == Some(&b' ')
            && text[ce + 1..].starts_with(open)
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

/// The English-order tail after a street (and unit) ending at `end`: city, then state and
/// ZIP, or a UK / Canadian postcode; a locality may come before the city when a code follows
/// (`Chelsea, London SW3 4ND`). `coded`: only a tail that ends in a state or code counts.
fn english_tail(text: &str, end: usize, coded: bool) -> Option<usize> {
    let rest = &text[end..];
    if !rest.starts_with(", ") {
        return None;
    }
    // A UK postcode right after the street.
    if let Some(pe) = uk_postcode_at(text, end + 2) {
        return Some(pe);
    }
    let ce = city(text, end, true)?;
    if let Some(e) = state_or_code(text, ce) {
        return Some(e);
    }
    // A locality before the city (`Chelsea, London SW3 4ND`).
    if let Some(ce2) = city(text, ce, true) {
        if let Some(e) = state_or_code(text, ce2) {
            return Some(e);
        }
    }
    // A city alone after a street is still part of the address.
    (!coded).then_some(ce)
}

/// A state or province with its ZIP or postal code, or a UK / Canadian postcode, after a city
/// ending at `ce`; returns its end.
fn state_or_code(text: &str, ce: usize) -> Option<usize> {
    // `, IL 62704`, ` IL 62704`, `, ON K1A 0B1`, ` SW1A 2AA`, `, SW1A 2AA`.
    for sep in [", ", " "] {
        let Some(after) = text[ce..].strip_prefix(sep) else {
            continue;
        };
        let ss = ce + sep.len();
        if after.len() >= 2
            && STATES.contains(&&after[..2])
            && !after
                .as_bytes()
                .get(2)
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            let st_end = ss + 2;
            if let Some(z) = text[st_end..].strip_prefix(' ') {
                if let Some(n) = zip_len(z).or_else(|| ca_postal_len(z)) {
                    return Some(st_end + 1 + n);
                }
            }
            return Some(st_end);
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
        if let Some(pe) = uk_postcode_at(text, ss) {
            return Some(pe);
        }
        if let Some(n) = ca_postal_len(after) {
            return Some(ss + n);
        }
    }
    None
}

/// One to three capitalized words of a city after `, ` (or a space when `comma` is false).
fn city(text: &str, pos: usize, comma: bool) -> Option<usize> {
    let (s, e) = if comma {
        text[pos..].strip_prefix(", ")?;
        (pos + 2, word_end(text, pos + 2))
    } else {
        next_word(text, pos, false)?
    };
    let w = text[s..e].trim_end_matches('.');
    if !is_title(w) || UNITS.contains(&w) {
        return None;
    }
    let mut end = s + w.len();
    // The end of the last capitalized word: a city does not end with a particle.
    let mut named = end;
    for _ in 0..2 {
        let Some((ws, we)) = next_word(text, end, false) else {
            break;
        };
        let x = &text[ws..we];
        if is_title(x) && !x.ends_with('.') {
            end = we;
            named = we;
        } else if matches!(x, "am" | "an" | "der" | "sur" | "de") {
            end = we;
        } else {
            // A sentence may end right after the city (`Frankfurt am Main.`).
            if x.len() > 3 && is_title(trim_dot(x)) {
                named = we - 1;
            }
            break;
        }
    }
    Some(named)
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

/// Canadian postal code (`K1A 0B1`): letters without D, F, I, O, Q, U; no W or Z first.
fn ca_postal_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.len() < 7 || b[3] != b' ' {
        return None;
    }
    let letter = |c: u8, first: bool| {
        c.is_ascii_uppercase() && !b"DFIOQU".contains(&c) && !(first && (c == b'W' || c == b'Z'))
    };
    let ok = letter(b[0], true)
        && b[1].is_ascii_digit()
        && letter(b[2], false)
        && b[4].is_ascii_digit()
        && letter(b[5], false)
        && b[6].is_ascii_digit();
    (ok && !b.get(7).is_some_and(u8::is_ascii_alphanumeric)).then_some(7)
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

/// A continental postal code as written before the city, checked by the street's form:
/// German PLZ 01001–99998, French 01000–98999, Spanish 01000–52999, Italian CAP 00010–98168;
/// four-digit codes (Austria, Switzerland, Belgium, Denmark…) 1000–9999.
fn postal_eu(code: &str, form: Form) -> bool {
    let code = code.trim_end_matches(',');
    if !code.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let Ok(n) = code.parse::<u32>() else {
        return false;
    };
    match code.len() {
        4 => (1000..=9999).contains(&n),
        5 => match form {
            Form::German => (1001..=99998).contains(&n),
            Form::French => (1000..=98999).contains(&n),
            Form::Latin => (10..=98168).contains(&n),
            Form::English | Form::Dutch => false,
        },
        _ => false,
    }
}

/// Street words kept by the mask: suffixes, types, particles and units.
fn kept(word: &str) -> bool {
    let bare = trim_dot(word);
    SUFFIXES.contains(&bare)
        || FR_TYPES.contains(&word.to_lowercase().as_str())
        || LATIN_TYPES.contains(&word)
        || PARTICLES.contains(&word)
        || UNITS.contains(&word)
        || DE_ENDINGS.contains(&word.to_lowercase().as_str())
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
            let de = DE_ENDINGS
                .iter()
                .find(|d| low.len() > d.len() + 2 && low.ends_with(*d));
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
        assert!(postal_eu("10115", Form::German) && !postal_eu("00999", Form::German));
        assert!(postal_eu("75002", Form::French) && !postal_eu("99000", Form::French));
        assert!(postal_eu("1010", Form::German) && !postal_eu("0999", Form::German));
        assert!(!postal_eu("1011A", Form::Latin));
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
