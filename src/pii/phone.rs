//! PHONE_NUMBER detection: NANP numbers in their common separated spellings, `+`-prefixed
//! international (E.164) numbers and national-format numbers of the configured regions, both
//! validated by numbering-plan metadata. Bare digit runs are never phones: too many IDs look alike.

use super::phone_plan::{self, NationalPlans};
use super::text::{byte, digit_at, digit_run, digits_right_ok, exact_digits, word_at, word_before};

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

/// True when a parenthesized number may start at `q`: no digit right before it, unless a
/// finding ends there.
pub(super) fn paren_left_ok(text: &str, q: usize, after_finding: bool) -> bool {
    after_finding || !digit_before(text, q)
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

/// The digits of a candidate number and where each of its digit groups ends, so a candidate
/// can be shortened group by group until the numbering plan accepts it.
struct Groups {
    /// The digits, separators and a `(0)` trunk digit left out.
    digits: [u8; 24],
    /// How many digits are in `digits`.
    len: usize,
    /// For each group: its end in the text, the digits up to it, its own length, and the
    /// separator that joined it to the previous group (0 for none).
    ends: [(usize, usize, usize, u8); 12],
    /// How many groups are in `ends`.
    count: usize,
}

impl Groups {
    fn new() -> Groups {
        Groups {
            digits: [0; 24],
            len: 0,
            ends: [(0, 0, 0, 0); 12],
            count: 0,
        }
    }

    /// Appends the digit run `b[k..k + r]`.
    fn push_digits(&mut self, b: &[u8], k: usize, r: usize) -> bool {
        if self.len + r > self.digits.len() {
            return false;
        }
        self.digits[self.len..self.len + r].copy_from_slice(&b[k..k + r]);
        self.len += r;
        true
    }

    /// Records a group that ends at `end`, `r` digits long, joined by `sep`.
    fn close(&mut self, end: usize, r: usize, sep: u8) {
        self.ends[self.count] = (end, self.len, r, sep);
        self.count += 1;
    }

    /// The digits of the first `n` groups, as text.
    fn digits_of(&self, n: usize) -> &str {
        std::str::from_utf8(&self.digits[..self.ends[n - 1].1]).unwrap_or("")
    }

    /// True when the first `n` groups may stand alone: the group after them (if any) was
    /// joined by a space, which may separate an unrelated number (`… 0958 51 items`), while
    /// a dash or dot chain is one value and is judged whole.
    fn can_end_after(&self, n: usize) -> bool {
        n == self.count || self.ends[n].3 == b' '
    }
}

/// Matches the digits of an international number after `+` (at `p`): groups separated by
/// single spaces, dashes or dots, optionally with a parenthesized group like `(0)`. The longest
/// prefix of whole groups that the numbering plan of its country code accepts is the number.
fn international(b: &[u8], p: usize) -> Option<usize> {
    if byte(b, p) == b'0' {
        return None;
    }
    let first = digit_run(b, p);
    let mut g = Groups::new();
    if first > E164_MAX || !g.push_digits(b, p, first) {
        return None;
    }
    g.close(p + first, first, 0);
    let mut last_group = first;
    let mut j = p + first;
    let mut after_paren = false;
    while g.len <= E164_MAX && g.count < g.ends.len() {
        let c = byte(b, j);
        let (k, sep) = if is_sep(c) { (j + 1, c) } else { (j, 0) };
        if byte(b, k) == b'(' && !after_paren {
            let r = digit_run(b, k + 1);
            if r == 0 || r > 4 || byte(b, k + 1 + r) != b')' {
                break;
            }
            // The UK-style `(0)` trunk digit is not dialled from abroad, so it is not counted.
            let trunk_zero = r == 1 && byte(b, k + 1) == b'0';
            if !(trunk_zero || g.push_digits(b, k + 1, r)) {
                break;
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
        if g.len + r > E164_MAX {
            // A dash or dot chain is one value and is rejected whole when too long.
            if sep == b'-' || sep == b'.' {
                return None;
            }
            break;
        }
        g.push_digits(b, k, r);
        j = k + r;
        g.close(j, r, if after_paren { b' ' } else { sep });
        last_group = r;
        after_paren = false;
    }
    (1..=g.count)
        .rev()
        .find_map(|n| {
            let digits = g.digits_of(n);
            ((E164_MIN..=E164_MAX).contains(&digits.len())
                && g.can_end_after(n)
                && phone_plan::is_valid_international(digits))
            .then_some(g.ends[n - 1].0)
        })
        .or_else(|| written_international(&g))
}

/// A `+` number outside the assigned ranges of its plan but written as a phone number: the
/// country code alone as the first group, then groups joined by spaces or dashes (no dots,
/// no date shape), the whole of a length its country's numbers have (`+44 7700 900461`, in
/// Ofcom's range for drama). Such numbers are masked as phones: a fictional-looking range is
/// still a number someone typed. Returns the end of the whole candidate.
fn written_international(g: &Groups) -> Option<usize> {
    let code_len = g.ends[0].1;
    if g.count < 3 || !(1..=3).contains(&code_len) || !g.can_end_after(g.count) {
        return None;
    }
    let seps_ok = (1..g.count).all(|i| matches!(g.ends[i].3, b' ' | b'-'));
    let len = |i: usize| if i < g.count { g.ends[i].2 } else { 0 };
    let date = date_groups(len(1), len(2), len(3));
    let digits = g.digits_of(g.count);
    if !seps_ok || date || !(E164_MIN..=E164_MAX).contains(&digits.len()) {
        return None;
    }
    possible_after_code(&digits[..code_len], &digits[code_len..]).then_some(g.ends[g.count - 1].0)
}

/// True when `code` is a country calling code and `nsn` (the digits dialled after it) has a
/// length libphonenumber calls possible for it, without the country's trunk `0`.
fn possible_after_code(code: &str, nsn: &str) -> bool {
    let Ok(code) = code.parse::<u16>() else {
        return false;
    };
    let (lengths, trunk_zero) = possible_lengths(code);
    lengths.contains(&(nsn.len() as u16)) && !(trunk_zero && nsn.starts_with('0'))
}

/// The national number lengths that the numbering plans of a country code allow (the lengths
/// behind libphonenumber's `isPossibleNumber`: the general descriptor's and those of the types
/// a person is reached on), and whether a leading `0` is that country's trunk prefix (never
/// dialled after the country code), built once for every code from `phone_meta`.
fn possible_lengths(code: u16) -> (&'static [u16], bool) {
    type Table = std::collections::HashMap<u16, (Vec<u16>, bool)>;
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = Table::new();
        for meta in super::phone_meta::all() {
            let (lengths, trunk_zero) = t.entry(meta.code).or_default();
            *trunk_zero |= meta.national_prefix.as_deref() == Some("0");
            // Fixed line, mobile, personal number, VoIP, UAN (of `Meta::kinds`).
            let kinds = [0, 1, 5, 6, 8].map(|k| meta.kinds[k].as_ref().map(|d| &d.lengths));
            let all = std::iter::once(&meta.general).chain(kinds.into_iter().flatten());
            for &l in all.flatten() {
                if !lengths.contains(&l) {
                    lengths.push(l);
                }
            }
        }
        t
    });
    table
        .get(&code)
        .map_or((&[], false), |(l, z)| (l.as_slice(), *z))
}

/// Fewest digits of a national-format number, trunk prefix included.
pub(super) const NATIONAL_MIN: usize = 8;
/// Most digits of a national-format number, trunk prefix included.
pub(super) const NATIONAL_MAX: usize = 13;

/// Matches a national-format number (no `+`) of one of `plans` at `p`: at the first digit, or
/// at the `(` of a parenthesized first group when `paren`. The number is written in at least
/// two digit groups joined by single spaces, dashes or dots (`020 7946 0958`,
/// `06.12.34.56.78`, `(11) 91234-5678`), and these groups are the whole run of digit groups
/// (`6525 4809 0187 6989` holds no number `0187 6989`). Its national number must be in an
/// assigned range of a region's plan, and it must look written as a phone number: with the
/// region's trunk prefix (`0`), or grouped the way that country writes its numbers
/// ([`phone_plan::RegionPlan::is_written_grouping`]), or right after a phone word such as `Tel.`,
/// `móvil` or a `"phone"` key ([`word_before_number`]). Otherwise too many ids, versions and
/// other types' values look alike (`946-93-2018`, `399.2.5.6687`, `3408 339830`). Right
/// after the name of another kind of number (`my TFN is`, `Aadhaar`, `order`) it is none.
pub(super) fn match_national(
    text: &str,
    p: usize,
    paren: bool,
    plans: &NationalPlans,
) -> Option<usize> {
    let b = text.as_bytes();
    if continues_plus_number(b, p) || continues_chain(b, p) {
        return None;
    }
    let mut g = Groups::new();
    let mut j = p;
    if paren {
        let r = digit_run(b, p + 1);
        if !(1..=5).contains(&r) || byte(b, p + 1 + r) != b')' {
            return None;
        }
        g.push_digits(b, p + 1, r);
        g.close(p + 2 + r, r, 0);
        j = p + 2 + r;
        if matches!(byte(b, j), b' ' | b'-') && digit_at(b, j + 1) {
            j += 1;
        }
        let r = digit_run(b, j);
        if r == 0 || r > 8 {
            return None;
        }
        g.push_digits(b, j, r);
        j += r;
        g.close(j, r, b' ');
    } else {
        // A first group of up to five digits, or six with the trunk `0` glued on (India's
        // own national format: `074104 16797`).
        let r = digit_run(b, p);
        if r > 5 && !(r == 6 && b[p] == b'0') {
            return None;
        }
        g.push_digits(b, p, r);
        j += r;
        g.close(j, r, 0);
    }
    let mut dots = None;
    // German and Austrian numbers set the trunk-prefixed area code apart with one slash
    // (`030/12345678`, `089 / 1234567`); never a second one (`01/05/2026` is a date).
    let slash = if paren || b[p] != b'0' {
        0
    } else {
        slash_len(b, j)
    };
    let mut slashed = false;
    while g.count < g.ends.len() {
        let (sep, skip) = if g.count == 1 && slash > 0 {
            slashed = true;
            (b'/', slash)
        } else {
            (byte(b, j), 1)
        };
        if !(is_sep(sep) || (sep == b'/' && skip == slash && g.count == 1)) {
            break;
        }
        // Dots never mix with other separators (`1.2-3` is no phone number).
        let dotted = sep == b'.';
        if *dots.get_or_insert(dotted) != dotted {
            break;
        }
        let r = digit_run(b, j + skip);
        if r == 0 || r > 8 || g.len + r > NATIONAL_MAX {
            break;
        }
        g.push_digits(b, j + skip, r);
        j += skip + r;
        g.close(j, r, sep);
    }
    let n = g.count;
    if n < 2
        || continues_after(b, j)
        || (slashed && (byte(b, j) == b'/' || slash_len(b, j) > 0))
        || looks_like_date_or_address(&g, dots == Some(true))
    {
        return None;
    }
    let digits = g.digits_of(n);
    if !(NATIONAL_MIN..=NATIONAL_MAX).contains(&digits.len()) {
        return None;
    }
    if n == 2 && dots == Some(true) {
        return None; // `0123.4567` is a decimal number.
    }
    // A 3-3-4 number whose area code could be NANP's (it does not start with a trunk `0`) is
    // judged by NANP's rules alone: `415-155-0132` breaks them, and is not then taken for a
    // Mexican or Italian number unless a phone word says so.
    let nanp_shape =
        n == 3 && digits.as_bytes()[0] != b'0' && (0..3).map(|i| g.ends[i].2).eq([3, 3, 4]);
    // Where the writer put separators, counted in digits from the start.
    let mut breaks = [0usize; 12];
    for (k, e) in g.ends[..n - 1].iter().enumerate() {
        breaks[k] = e.1;
    }
    let breaks = &breaks[..n - 1];
    let mut word = None;
    let valid = plans.get().iter().any(|plan| {
        let (nsn, trunk) = match plan.national_prefix.as_deref() {
            Some(tp) if digits.starts_with(tp) => (&digits[tp.len()..], true),
            Some(_) if !paren => return false,
            _ => (digits, false),
        };
        if !plan.is_valid(nsn) {
            return false;
        }
        let shaped = trunk || (!nanp_shape && plan.is_written_grouping(nsn, breaks));
        match *word.get_or_insert_with(|| word_before_number(text, p)) {
            NumberWord::Phone => true,
            NumberWord::Other => false,
            NumberWord::None => shaped,
        }
    });
    if !valid {
        return None;
    }
    finish(text, g.ends[n - 1].0)
}

/// Matches a national number written as one bare run of digits (`612345678`) at `p`, `run`
/// digits long: only right after a phone word (`Tel.`, `móvil`, a `"phone"` key), with the
/// region's trunk prefix where it has one, in an assigned range of its plan. Without such a
/// word a bare run is an id, an order number or a timestamp as often as a phone number.
pub(super) fn match_national_bare(
    text: &str,
    p: usize,
    run: usize,
    plans: &NationalPlans,
) -> Option<usize> {
    if !(NATIONAL_MIN..=NATIONAL_MAX).contains(&run) {
        return None;
    }
    let b = text.as_bytes();
    let end = p + run;
    if continues_chain(b, p)
        || continues_after(b, end)
        || word_before_number(text, p) != NumberWord::Phone
    {
        return None;
    }
    let digits = &text[p..end];
    let valid = plans
        .get()
        .iter()
        .any(|plan| match plan.national_prefix.as_deref() {
            Some(tp) if digits.starts_with(tp) => plan.is_valid(&digits[tp.len()..]),
            Some(_) => false,
            None => plan.is_valid(digits),
        });
    if !valid {
        return None;
    }
    finish(text, end)
}

/// Matches a number written as a phone number right after a phone word (`Phone: 06-35/610
/// 8374`, `call me on (351) 969141777`, `mobile +45 17257786`) whatever its country: the
/// phone word says what it is, so neither a numbering plan of the phone regions nor an
/// assigned range is asked for. `s` is where it starts (a digit, `+` or `(`). The number is
/// digit groups joined by one space, dash, dot or slash (or ` / `), with up to two
/// parenthesized groups (`(0)`, `(351)`, `(+358)`), 7 to 15 digits, ending in a digit; not a
/// date, a decimal number or an IPv4 address; one bare run only with a `+`. Returns its end.
pub(super) fn match_after_phone_word(text: &str, s: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut j = s;
    if byte(b, j) == b'+' {
        j += 1;
    }
    let (mut digits, mut groups, mut parens) = (0usize, [0usize; 8], 0usize);
    let mut n = 0usize;
    let mut seps = [0u8; 8];
    let mut end = None;
    // The digits as dialled (a `(0)` trunk group left out), and whether they start with a
    // country code (`+45 …`, `(+358) …`).
    let (mut dialled, mut dn) = ([0u8; 16], 0usize);
    let mut keep = |k: usize, r: usize, dn: &mut usize| {
        for &c in &b[k..k + r] {
            if *dn < dialled.len() {
                dialled[*dn] = c;
                *dn += 1;
            }
        }
    };
    let international = byte(b, s) == b'+' || (byte(b, s) == b'(' && byte(b, s + 1) == b'+');
    loop {
        // An optional separator, then a group: digits or a parenthesized group.
        let sep = match byte(b, j) {
            c @ (b'-' | b'.' | b'/') if n > 0 => {
                j += 1;
                c
            }
            b' ' if n > 0 && byte(b, j + 1) == b'/' && byte(b, j + 2) == b' ' => {
                j += 3;
                b'/'
            }
            b' ' if n > 0 => {
                j += 1;
                b' '
            }
            _ => 0,
        };
        if byte(b, j) == b'(' && parens < 2 {
            let plus = usize::from(byte(b, j + 1) == b'+');
            let r = digit_run(b, j + 1 + plus);
            if r == 0 || r > 5 || byte(b, j + 1 + plus + r) != b')' {
                break;
            }
            parens += 1;
            digits += r;
            // A trunk `0` in parentheses after a country code is not dialled: `(0)20`,
            // `+62 (0247) …`.
            let trunk = usize::from(international && b[j + 1 + plus] == b'0');
            keep(j + 1 + plus + trunk, r - trunk, &mut dn);
            j += 2 + plus + r;
            // The group after a closing parenthesis may follow it directly or after a
            // space, dash or slash (`(07) 3123 4567`, `(17)/292-8610`, `(0)20`).
            if matches!(byte(b, j), b' ' | b'-' | b'/') && digit_at(b, j + 1) {
                j += 1;
            }
            if !digit_at(b, j) {
                break;
            }
        } else if !digit_at(b, j) || (sep == 0 && n > 0) {
            break;
        }
        let r = digit_run(b, j);
        if n >= groups.len() {
            return None;
        }
        groups[n] = r;
        seps[n] = sep;
        keep(j, r, &mut dn);
        n += 1;
        digits += r;
        j += r;
        end = Some(j);
        if digits > 15 {
            return None;
        }
    }
    let end = end?;
    // One bare run of digits (`Tel. 999999999`) is left to the numbering plans: written
    // without a `+`, a separator or parentheses it is an id as often as a phone number.
    // A one-digit last group is a suffix or a check digit (`612345678-2`), not a phone's.
    let written = (n >= 2 || parens > 0 || b[s] == b'+') && groups[n - 1] >= 2;
    if !written || !(7..=15).contains(&digits) || continues_after(b, end) || continues_chain(b, s) {
        return None;
    }
    let (groups, seps) = (&groups[..n], &seps[..n]);
    let only = |c: u8| seps[1..].iter().all(|&x| x == c);
    let date = n == 3
        && parens == 0
        && seps[1] == seps[2]
        && seps[1] != b' '
        && (date_groups(groups[0], groups[1], groups[2])
            || matches!((groups[0], groups[1], groups[2]), (1..=2, 1..=2, 2)));
    let decimal = n == 2 && seps[1] == b'.' && groups[1] <= 3;
    let ipv4 = n == 4 && only(b'.') && groups.iter().all(|&g| g <= 3);
    // A round number in thousands (`reach 1 000 000 users`, `2.500.000`).
    let round = n >= 3
        && parens == 0
        && groups[0] <= 3
        && groups[1..].iter().all(|&g| g == 3)
        && text[..end].ends_with("000");
    if date || decimal || ipv4 || round {
        return None;
    }
    // After a country code the number's length is known: one libphonenumber calls impossible
    // for that country (a digit short or too many) is not taken for a phone number.
    if international {
        let dialled = std::str::from_utf8(&dialled[..dn]).ok()?;
        // Calling codes are prefix-free: at most one of the three cuts is a code.
        let possible = (1..=3)
            .any(|cl| cl < dialled.len() && possible_after_code(&dialled[..cl], &dialled[cl..]));
        if !possible {
            return None;
        }
    }
    finish(text, end)
}

/// The length of a slash between digit groups at `j` (`/` or ` / `, a digit after it), else 0.
pub(super) fn slash_len(b: &[u8], j: usize) -> usize {
    if byte(b, j) == b'/' && digit_at(b, j + 1) {
        1
    } else if byte(b, j) == b' '
        && byte(b, j + 1) == b'/'
        && byte(b, j + 2) == b' '
        && digit_at(b, j + 3)
    {
        3
    } else {
        0
    }
}

/// True when the value at `p` continues a chain that starts earlier: a digit group and a
/// separator (`4809 0187 6989`, the tail of a card or an IBAN), a word joined by a dash,
/// dot, underscore or slash (`bf82a02b-0981-4950`, a UUID's middle), or an IBAN's country,
/// check digits and bank code (`NL64 ABNA 0562 6547 60`).
fn continues_chain(b: &[u8], p: usize) -> bool {
    if p < 2 {
        return false;
    }
    let (c, d) = (b[p - 1], b[p - 2]);
    (is_sep(c) && d.is_ascii_digit())
        || (matches!(c, b'-' | b'.' | b'_' | b'/') && d.is_ascii_alphanumeric())
        || (c == b' ' && p >= 10 && iban_head(&b[p - 10..p - 1]))
}

/// True for `CCdd BBBB`: an IBAN's country code, check digits and a bank code of letters.
fn iban_head(h: &[u8]) -> bool {
    h[..2].iter().all(u8::is_ascii_uppercase)
        && h[2..4].iter().all(u8::is_ascii_digit)
        && h[4] == b' '
        && h[5..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// True when the digit groups ending at `e` go on: another group after a separator, or a word
/// joined by a dash, dot or underscore (`0981-4950-a8cb`).
fn continues_after(b: &[u8], e: usize) -> bool {
    let c = byte(b, e);
    (is_sep(c) && digit_at(b, e + 1))
        || (matches!(c, b'-' | b'.' | b'_') && byte(b, e + 1).is_ascii_alphanumeric())
}

/// Words that name a phone number, in the languages of the default phone regions, as JSON
/// keys are written too (`phone_number` and `mobilePhone` hold one).
const PHONE_WORDS: &[&str] = &[
    "phone",
    "telephone",
    "phonenumber",
    "tel",
    "tele",
    "tél",
    "téléphone",
    "ph",
    "fax",
    "mobile",
    "mob",
    "cell",
    "cellphone",
    "msisdn",
    "whatsapp",
    "sms",
    "telefon",
    "handy",
    "mobil",
    "rufnummer",
    "telefonnummer",
    "handynummer",
    "mobilnummer",
    "portable",
    "teléfono",
    "telefono",
    "móvil",
    "movil",
    "celular",
    "cel",
    "telefone",
    "telemóvel",
    "cellulare",
    "telefoon",
    "telefoonnummer",
    "mobiel",
    "gsm",
    "tlf",
    "tfno",
    // Verbs that take a number: `call me on`, `dial`, `llámame al`, `appelez-moi au`.
    "call",
    "dial",
    "reach",
    "contact",
    "llamar",
    "llámame",
    "llamame",
    "anrufen",
    "appeler",
    "appelez",
    "appelle",
    "chiamare",
    "chiamami",
    "bellen",
    "bel",
    "ligar",
    "ligue",
];

/// Phone words of scripts written without spaces, found anywhere in the word before a number.
const PHONE_WORDS_CJK: &[&str] = &["電話", "电话", "手机", "携帯", "전화", "휴대폰", "핸드폰"];

/// Short words that may stand between a phone word and its number (`phone number is`,
/// `Tel. Nr.`, `numéro de téléphone`, `móvil es el`… only these, at most three).
const PHONE_FILLERS: &[&str] = &[
    "no", "nr", "nº", "n", "num", "number", "numbers", "numero", "número", "numéro", "nummer",
    "is", "es", "est", "ist", "è", "é", "my", "mi", "mio", "mia", "mon", "ma", "mein", "meine",
    "meu", "minha", "our", "your", "de", "di", "del", "do", "da", "du", "on", "at", "me", "us",
    "al", "mich", "unter", "moi", "au", "mij", "op", "el", "la", "il", "le", "the",
];

/// Names of other kinds of numbers: a number right after one of them is not a phone number
/// whatever its shape (`my TFN is 807 251 654`, `henkilötunnus 08178-7456`).
const OTHER_NUMBER_WORDS: &[&str] = &[
    "id",
    "ids",
    "order",
    "invoice",
    "ticket",
    "ref",
    "reference",
    "account",
    "acct",
    "card",
    "iban",
    "bic",
    "build",
    "version",
    "sample",
    "serial",
    "sku",
    "pin",
    "ssn",
    "itin",
    "sin",
    "nas",
    "tfn",
    "abn",
    "acn",
    "medicare",
    "aadhaar",
    "aadhar",
    "uid",
    "pan",
    "gstin",
    "nhs",
    "nino",
    "pesel",
    "hetu",
    "henkilötunnus",
    "personnummer",
    "tckn",
    "kimlik",
    "rrn",
    "nric",
    "dni",
    "nie",
    "nif",
    "cpf",
    "curp",
    "rfc",
    "steuerid",
    "idnr",
    "tin",
    "passport",
    "license",
    "licence",
    "routing",
    "aba",
    "npi",
    "mbi",
    "zip",
    "postcode",
    "plz",
];

/// What the word before a number says about it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum NumberWord {
    /// A phone word or a key naming one (`Tel.`, `móvil`, `"phone_number":`).
    Phone,
    /// The name of another kind of number (`TFN`, `order`, `Aadhaar`).
    Other,
    /// Neither.
    None,
}

/// What stands right before `p` on its line, skipping punctuation and at most three short
/// filler words (`phone number is`, `Tel. Nr.:`, `my TFN is`): a phone word, the name of
/// another kind of number, or neither.
pub(super) fn word_before_number(text: &str, p: usize) -> NumberWord {
    let mut from = p.saturating_sub(48);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let Some(window) = text.get(from..p) else {
        return NumberWord::None;
    };
    let mut rest = window.rsplit('\n').next().unwrap_or("");
    for _ in 0..=3 {
        rest = rest.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
        let start = rest
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &rest[start..];
        if word.is_empty() {
            return NumberWord::None;
        }
        if is_phone_word(word) {
            return NumberWord::Phone;
        }
        if is_word_of(word, OTHER_NUMBER_WORDS) {
            return NumberWord::Other;
        }
        if !PHONE_FILLERS.contains(&word.to_lowercase().as_str()) {
            return NumberWord::None;
        }
        rest = &rest[..start];
    }
    NumberWord::None
}

/// True when `word` is a phone word or a compound key made of one (`phone_number`,
/// `mobilePhone`, `TEL`, `お電話`).
fn is_phone_word(word: &str) -> bool {
    (!word.is_ascii() && PHONE_WORDS_CJK.iter().any(|w| word.contains(w)))
        || is_word_of(word, PHONE_WORDS)
}

/// True when `word`, lowercased, or one of the parts of a snake_case or camelCase key made of
/// it (`invoice_id`, `mobilePhone`) is in `list`.
fn is_word_of(word: &str, list: &[&str]) -> bool {
    if list.contains(&word.to_lowercase().as_str()) {
        return true;
    }
    let mut part = String::new();
    let mut prev_lower = false;
    for c in word.chars().chain(std::iter::once('_')) {
        if c == '_' || (c.is_uppercase() && prev_lower) {
            if !part.is_empty() && list.contains(&part.as_str()) {
                return true;
            }
            part.clear();
        }
        if c != '_' {
            part.extend(c.to_lowercase());
        }
        prev_lower = c.is_lowercase();
    }
    false
}

/// True when digit groups before `p` go back to a `+` (`+91 98765 4321`): what starts at `p`
/// belongs to that international number, valid or not.
fn continues_plus_number(b: &[u8], p: usize) -> bool {
    let mut i = p;
    while i > 0 && p - i < 24 {
        let c = b[i - 1];
        if c == b'+' {
            return true;
        }
        if !(c.is_ascii_digit() || is_sep(c) || c == b'(' || c == b')') {
            return false;
        }
        i -= 1;
    }
    false
}

/// True when three digit groups of these lengths read as a date with a four-digit year,
/// year first or last (`2026-11-23`, `23.11.2026`).
fn date_groups(a: usize, b: usize, c: usize) -> bool {
    matches!((a, b, c), (4, 1..=2, 1..=2) | (1..=2, 1..=2, 4))
}

/// True when the groups start like a date (`2026-11-23`, `23.11.2026`, `1-2-2026`) or are a
/// dotted IPv4 address, which a numbering plan may happen to accept.
fn looks_like_date_or_address(g: &Groups, dotted: bool) -> bool {
    let len = |i: usize| if i < g.count { g.ends[i].2 } else { 0 };
    let same_sep = g.count >= 3 && g.ends[1].3 == g.ends[2].3 && g.ends[1].3 != b' ';
    let date = same_sep && date_groups(len(0), len(1), len(2));
    let ipv4 = dotted && g.count == 4 && (0..4).all(|i| len(i) <= 3);
    date || ipv4
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig, PHONE};

    fn phones(text: &str) -> Vec<String> {
        phones_in(&[], text)
    }

    /// The phone numbers found in `text` with `[pii] regions` set to `regions`.
    fn phones_in(regions: &[&str], text: &str) -> Vec<String> {
        let cfg = PiiConfig {
            regions: regions.iter().map(|r| r.to_string()).collect(),
            ..PiiConfig::default()
        };
        let d = Detectors::new(&cfg).unwrap();
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
            "+52 55 1234 5678",
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
        let chain = "+44 20 7946 0958".repeat(8);
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

    #[test]
    fn international_numbers_must_be_in_an_assigned_range() {
        for t in [
            "+44 00 7946 0958",   // GB numbers never start with 0
            "+33 0 23 45 67 89",  // nor French ones
            "+49 30 12",          // too short for any German range
            "+999 1234 5678",     // unassigned country code
            "+91 98765 4321",     // one digit short of an Indian mobile
            "+81 3-1234-5678-90", // a dashed chain longer than Japanese numbers
            "+86 100 0000 0000 0",
        ] {
            assert!(phones(t).is_empty(), "{t:?} -> {:?}", phones(t));
        }
        // A spaced group after a complete number is left out when the whole is not valid.
        assert_eq!(phones("+33 6 12 34 56 78 90 ok"), ["+33 6 12 34 56 78"]);
    }

    #[test]
    fn numbers_written_as_phones_outside_the_assigned_ranges() {
        // Ofcom's drama range: a valid length for +44, not in the live plan.
        for (t, want) in [
            ("call me on +44 7700 900461 please", "+44 7700 900461"),
            ("mobile: +44-7700-900123", "+44-7700-900123"),
            ("+61 491 570 006 is the number", "+61 491 570 006"),
        ] {
            assert_eq!(phones(t), [want], "{t:?}");
        }
        for t in [
            "+447700900461",          // unspaced: only numbers in an assigned range
            "+44 7700 9004",          // no +44 number has eight digits
            "+44 0770 0900461",       // the trunk 0 is never dialled after +44
            "+44 7700 9004611 2",     // too long
            "+32 2024-12-03",         // a date after a code
            "+44 7700.900.461",       // dotted
            "+999 1234 5678",         // unassigned country code
            "score +30 5 12",         // too short
            "version +4 1.2.3 build", // no plan
            "+1 555 0100 555",        // +1 is NANP only
        ] {
            assert!(phones(t).is_empty(), "{t:?} -> {:?}", phones(t));
        }
    }

    #[test]
    fn any_countrys_writing_after_a_phone_word() {
        for (t, want) in [
            ("Phone: 06-35/610 8374", "06-35/610 8374"),
            ("my mobile number is (351) 969141777", "(351) 969141777"),
            ("call me on +45 17257786 after six", "+45 17257786"),
            ("Tel.: 37 19 07 66", "37 19 07 66"),
            ("mobile: (17)/292-8610", "(17)/292-8610"),
            ("Phone: +90 (762) 1988353", "+90 (762) 1988353"),
            ("cell (+358) 108382250", "(+358) 108382250"),
            ("Fax 00420 606 665 338", "00420 606 665 338"),
            ("telefon: +4780379302", "+4780379302"),
            ("reach me at 60/134-8231", "60/134-8231"),
            ("contact: 256 996 074", "256 996 074"),
            ("reach us on 3811 6463", "3811 6463"),
            ("my mobile number is 907 4 391", "907 4 391"),
            ("\"phone\": \"+62 (0247) 501 1702\"", "+62 (0247) 501 1702"),
        ] {
            assert_eq!(phones(t), [want], "{t:?}");
        }
        for t in [
            "Phone: 2026-12-03",             // a date
            "call me on 03.12.2026 at noon", // a date
            "phone 12/05/26 please",         // a short date
            "Phone: 1234567.89",             // an amount
            "phone: 10.0.12.255",            // an IPv4 address
            "Tel. 999999999",                // one bare run: left to the plans
            "phone: 612345678-2",            // a check digit after a dash
            "Phone: +44 20 7946 09",
            "mobile +4420794609",
            "phone 12 34 56",                             // six digits
            "we hope to reach 1 000 000 users",           // a round number
            "contact 2.500.000 leads",                    // the same with dots
            "phone x1234 5678 90",                        // not at a token start
            "call me on 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9", // more than 15 digits
        ] {
            assert!(phones(t).is_empty(), "{t:?} -> {:?}", phones(t));
        }
    }

    #[test]
    fn national_formats_of_the_default_regions() {
        let mut bad = Vec::new();
        for p in [
            "020 7946 0958",   // GB London
            "0161 496 0123",   // GB Manchester
            "07912 345678",    // GB mobile
            "030 12345678",    // DE Berlin
            "0151 23456789",   // DE mobile
            "089-1234567",     // DE Munich
            "01 23 45 67 89",  // FR Paris
            "06.12.34.56.78",  // FR mobile
            "06-12-34-56-78",  // FR mobile, dashed
            "612 34 56 78",    // ES mobile
            "912 34 56 78",    // ES Madrid
            "912-34-56-78",    // ES Madrid, dashed
            "347 1234567",     // IT mobile, operator code apart
            "02 1234 5678",    // IT Milan
            "55-1234-5678",    // MX Mexico City, dashed
            "33 1234 5678",    // MX Guadalajara
            "222 1234567",     // MX Puebla, area code apart
            "0471 12345",      // DE Koblenz, a short subscriber number
            "0512 345 678",    // NL
            "011 2345 6789",   // IN Delhi
            "(03) 9123 4567",  // AU Melbourne
            "06-1234-5678",    // JP Osaka
            "0120-123-456",    // JP toll free
            "(11) 3456-7890",  // BR São Paulo fixed line
            "06 6982 1234",    // IT Rome
            "347 1234567",     // IT mobile
            "020 123 4567",    // NL Amsterdam
            "06-12345678",     // NL mobile
            "09876 543210",    // IN mobile
            "074104 16797",    // IN mobile as libphonenumber writes it (trunk on a 5-digit group)
            "081234 56872",    // IN mobile, the same
            "030/12345678",    // DE Berlin, the area code set apart by a slash
            "0151/23456789",   // DE mobile, the same
            "089 / 1234567",   // DE Munich, spaced slash
            "0611/123456",     // DE Wiesbaden
            "(02) 9374 4000",  // AU Sydney
            "0412 345 678",    // AU mobile
            "(11) 91234-5678", // BR São Paulo mobile
            "(21) 3456-7890",  // BR Rio fixed line
            "03-1234-5678",    // JP Tokyo
            "090-1234-5678",   // JP mobile
            "55 1234 5678",    // MX Mexico City
            "(020) 7946 0958", // GB with the trunk prefix in parentheses
        ] {
            for ctx in [
                "{}",
                "Tel. {} ok",
                "電話{}まで",
                "café {} 日本",
                "({})",
                "\"{}\"",
                "x\n{}\t",
            ] {
                let t = ctx.replace("{}", p);
                if phones(&t) != [p] {
                    bad.push(format!("{t:?} -> {:?}", phones(&t)));
                }
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn national_numbers_without_trunk_prefix_need_their_countrys_grouping_or_a_phone_word() {
        let mut bad = Vec::new();
        // Other groupings of valid Spanish, Italian and Mexican numbers: shapes of ids,
        // SSNs, versions and order numbers, not how these countries write phone numbers.
        for t in [
            "Sample ID 946-93-2018 from the fixtures",
            "Sample ID 666-13-5091",
            "ref 91 123 45 67 ok",
            "Build 399.2.5.6687 failed",
            "due 01/05/2026 at the latest",
            "period 03/2024 closed",
            "ref 0171/2345/6789 filed",
            "path 12/030/12345678 ok",
            "ratio 30/12345678",
            "0301/2345678/",
            "order 3408 339830 shipped",
            "ticket 6123 45 678",
            "ids 612 345678 99",
            "v3471.234.567",
            "612.34.56.78",
        ] {
            if !phones(t).is_empty() {
                bad.push(format!("{t:?} -> {:?}", phones(t)));
            }
        }
        // After a phone word (or a JSON key naming one), any grouping of a valid number is
        // one, and so is a bare run of digits.
        for (t, p) in [
            ("Teléfono: 91 123 45 67", "91 123 45 67"),
            ("mi móvil es 612345678", "612345678"),
            ("Tel. 612345678", "612345678"),
            ("cellulare 3471234567", "3471234567"),
            ("telefono: 347-12-34-567", "347-12-34-567"),
            // 3-3-4 is NANP's shape: Italy's and Mexico's own 3-3-4 need the word.
            ("cellulare 347 123 4567", "347 123 4567"),
            ("Tel. 222 123 4567", "222 123 4567"),
            ("call me on 200 123 9341 after six", "200 123 9341"),
            ("call 347 123 4567", "347 123 4567"),
            ("{\"phone\": \"5512345678\"}", "5512345678"),
            ("{\"mobile_phone\":\"020 79 46 09 58\"}", "020 79 46 09 58"),
            ("phoneNumber=07912345678", "07912345678"),
            ("Handy: 015123456789", "015123456789"),
            ("my phone number is 0612345678", "0612345678"),
            ("Tel. Nr.: 03012345678", "03012345678"),
            ("numéro de téléphone : 0612345678", "0612345678"),
            ("お電話番号09012345678まで", "09012345678"),
            ("WhatsApp +34 612345678", "+34 612345678"),
        ] {
            if phones(t) != [p] {
                bad.push(format!("{t:?} -> {:?}", phones(t)));
            }
        }
        // A bare run needs the phone word right before it, on its line, a valid number, and
        // the country's trunk prefix where it has one.
        for t in [
            "order 612345678 shipped",
            "id 5512345678",
            "ts 1732406400",
            "phone\n612345678",
            "the phone rang. Order 612345678",
            "hotel 612345678",
            "excel 3471234567",
            "Tel. 999999999",
            "Tel. 6123456789012",
            "phone: 612345678901",
            "Handy: 15123456789",
            "phone: 612345678-2",
            "phone 612345678abc",
            "phone: id612345678",
        ] {
            if !phones(t).is_empty() {
                bad.push(format!("{t:?} -> {:?}", phones(t)));
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn national_numbers_are_whole_runs_of_digit_groups() {
        let mut bad = Vec::new();
        for t in [
            // The tail or middle of a card, an IBAN or an order number.
            "card 6525 4809 0187 6989.",
            "Your order number is 4667 0697 3669 2591.",
            "IBAN ES38 0396 5411 1939 4033 8630, rejected",
            "IBAN NL74 RABO 8149 0600 20, rejected",
            "IBAN NL64 ABNA 0562 6547 60, rejected",
            // Right after the name of another kind of number.
            "my TFN is 807 251 654 ok",
            "The my Aadhaar is 347 7277 6750 was rejected",
            "henkilötunnus 08178-7456 invalid",
            "order no. 020 7946 0958",
            "order 4744 0288 0763 3565 and",
            "trace bf82a02b-0981-4950-a8cb-f0457c273d34",
            "trace b33668db-3403-4412-8562-d872b329e68f",
            "x_0612345678",
            // A number that runs on into more groups.
            "020 7946 0958 1234",
            "06 12 34 56 78 90 12",
            "06-12-34-56-78-a",
        ] {
            if !phones(t).is_empty() {
                bad.push(format!("{t:?} -> {:?}", phones(t)));
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn phone_words() {
        use super::{word_before_number, NumberWord};
        for t in [
            "Tel. ",
            "tel: ",
            "Phone number: ",
            "\"phone_number\": \"",
            "\"mobilePhone\":\"",
            "TELEFONO ",
            "Teléfono móvil: ",
            "my cell is ",
            "Handynummer ",
            "電話",
            "N° de téléphone : ",
            "call me on ",
            "please call ",
            "llámame al ",
            "appelez-moi au ",
            "Dial ",
        ] {
            assert_eq!(word_before_number(t, t.len()), NumberWord::Phone, "{t:?}");
        }
        for t in [
            "hotel ",
            "excel ",
            "phone\n",
            "the phone rang for ",
            "telephoned ",
            "Tel. 123 ",
            "",
            "número ",
        ] {
            assert_eq!(word_before_number(t, t.len()), NumberWord::None, "{t:?}");
        }
        for t in [
            "my TFN is ",
            "Aadhaar: ",
            "order no. ",
            "\"invoice_id\": \"",
            "phone rang for the order ",
        ] {
            assert_eq!(word_before_number(t, t.len()), NumberWord::Other, "{t:?}");
        }
    }

    #[test]
    fn national_numbers_outside_the_plans_or_shapes_are_not_phones() {
        let mut bad = Vec::new();
        for t in [
            "02079460958",        // bare run: too many ids look alike
            "00 12 34 56 78",     // an international access prefix, no number
            "030 1",              // too short
            "0151 2345678901234", // too long
            "1234 5678",          // no trunk prefix and no plan without one fits
            "23.11.2026",         // dates in every order
            "2026-11-23",
            "23-11-2026 14:05",
            "2026-11-23 14:05:09",
            "12.03.2026 0612",
            "10.0.19045.2965", // versions
            "v6.12.34.56.78",
            "4.15.2",
            "0123.4567",        // a decimal number
            "id06 12 34 56 78", // glued to a word
            "192.168.100.200",  // an address
            "order 0042-1234-5678-9012",
        ] {
            let found: Vec<String> = phones(t)
                .into_iter()
                .filter(|f| f != "192.168.100.200")
                .collect();
            if !found.is_empty() {
                bad.push(format!("{t:?} -> {found:?}"));
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
        // With France alone, a French number that runs on is no number at all.
        for t in ["06 12 34 56 78-9", "06 12 34 56 789", "06 12 34 56 78.9"] {
            assert!(phones_in(&["FR"], t).is_empty(), "{t:?}");
        }
        // Digits after a `+CC` that is no valid number are not read as a national number.
        assert!(phones("+91 98765 4321").is_empty());
        assert!(phones("+1 123 456 7890").is_empty());
    }

    #[test]
    fn regions_select_the_national_plans() {
        // Only the listed regions' national numbers are read; `+` numbers always are.
        assert_eq!(phones_in(&["GB"], "ring 020 7946 0958"), ["020 7946 0958"]);
        assert!(phones_in(&["GB"], "ring 06 12 34 56 78").is_empty());
        assert_eq!(
            phones_in(&["fr"], "ring 06 12 34 56 78"),
            ["06 12 34 56 78"]
        );
        assert_eq!(
            phones_in(&["GB"], "+33 6 12 34 56 78"),
            ["+33 6 12 34 56 78"]
        );
        // A region outside the defaults works when listed.
        assert_eq!(phones_in(&["ZA"], "ring 021 123 4567"), ["021 123 4567"]);
        assert!(phones_in(&["ZA"], "ring 020 7946 0958").is_empty());
        // NANP keeps its own rules whatever the regions.
        assert_eq!(phones_in(&["DE"], "415-555-0132"), ["415-555-0132"]);
    }
}
