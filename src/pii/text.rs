//! Shared byte and character classification helpers for the PII detectors.
//! Every helper takes byte offsets and never slices a `&str` off a char boundary.

/// Returns true for characters of scripts that are written without spaces between words
/// (CJK, kana, hangul, Thai, fullwidth forms). Such characters act as boundaries, because a
/// phone number or email written directly after Japanese text is still a separate token.
pub(crate) fn is_cjk_like(c: char) -> bool {
    matches!(
        c as u32,
        0x0E00..=0x0EFF
            | 0x1100..=0x11FF
            | 0x2E80..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7AF
            | 0xF900..=0xFAFF
            | 0xFF00..=0xFFEF
            | 0x20000..=0x3FFFF
    )
}

/// Returns true if `c` continues a word: ASCII alphanumerics, `_`, and non-ASCII letters or
/// digits of space-separated scripts (so `café415-555-0132` is not a phone number).
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        c.is_alphanumeric() && !is_cjk_like(c)
    }
}

/// Returns the character that ends just before byte offset `i`, if any.
pub(crate) fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

/// Returns the character that starts at byte offset `i`, if any.
pub(crate) fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

/// Returns true if a word character ends right before byte offset `i`.
pub(crate) fn word_before(text: &str, i: usize) -> bool {
    match text.as_bytes().get(i.wrapping_sub(1)) {
        Some(&b) if i > 0 && b < 0x80 => b.is_ascii_alphanumeric() || b == b'_',
        _ => char_before(text, i).is_some_and(is_word_char),
    }
}

/// Returns true if a word character starts at byte offset `i`.
pub(crate) fn word_at(text: &str, i: usize) -> bool {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => b.is_ascii_alphanumeric() || b == b'_',
        Some(_) => char_at(text, i).is_some_and(is_word_char),
        None => false,
    }
}

/// Returns the byte at `i`, or 0 past the end, which no detector treats as meaningful.
#[inline]
pub(crate) fn byte(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// Returns true if the byte at `i` is an ASCII digit.
#[inline]
pub(crate) fn digit_at(b: &[u8], i: usize) -> bool {
    byte(b, i).is_ascii_digit()
}

/// Returns the number of consecutive ASCII digits starting at `i`.
#[inline]
pub(crate) fn digit_run(b: &[u8], i: usize) -> usize {
    b.get(i..)
        .map_or(0, |s| s.iter().take_while(|c| c.is_ascii_digit()).count())
}

/// Returns true if exactly `n` digits start at `i` (the run is not longer).
#[inline]
pub(crate) fn exact_digits(b: &[u8], i: usize, n: usize) -> bool {
    (0..n).all(|k| digit_at(b, i + k)) && !digit_at(b, i + n)
}

/// Left boundary shared by the digit-shaped detectors (phone, card, SSN): the value must not
/// continue a word or a longer separated number such as `12-415-555-0132` or `1.4111…`.
pub(crate) fn digits_left_ok(text: &str, p: usize) -> bool {
    if p == 0 {
        return true;
    }
    let b = text.as_bytes();
    let prev = b[p - 1];
    if matches!(prev, b'-' | b'.' | b'/' | b':') && p >= 2 && b[p - 2].is_ascii_digit() {
        return false;
    }
    !word_before(text, p)
}

/// Right boundary shared by the digit-shaped detectors, mirroring [`digits_left_ok`].
pub(crate) fn digits_right_ok(text: &str, e: usize) -> bool {
    let b = text.as_bytes();
    if matches!(byte(b, e), b'-' | b'.' | b'/' | b':') && digit_at(b, e + 1) {
        return false;
    }
    !word_at(text, e)
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Finds the first ASCII digit at or after `i`, eight bytes at a time.
///
/// This is the hot loop for prose: XOR with `0x30` maps `'0'..='9'` to `0..=9`, and the
/// classic "has byte less than 10" bit trick flags them. Borrows only propagate towards
/// higher bytes, so the lowest flagged byte is always exact.
#[inline]
pub(crate) fn next_digit(b: &[u8], mut i: usize) -> Option<usize> {
    while i + 16 <= b.len() {
        let w1 = u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
        let w2 = u64::from_le_bytes(b[i + 8..i + 16].try_into().unwrap_or([0; 8]));
        let x1 = w1 ^ (0x30 * LO);
        let x2 = w2 ^ (0x30 * LO);
        let t1 = x1.wrapping_sub(10 * LO) & !x1 & HI;
        let t2 = x2.wrapping_sub(10 * LO) & !x2 & HI;
        if t1 != 0 {
            return Some(i + (t1.trailing_zeros() / 8) as usize);
        }
        if t2 != 0 {
            return Some(i + 8 + (t2.trailing_zeros() / 8) as usize);
        }
        i += 16;
    }
    b.get(i..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|k| i + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_digit_matches_naive_search() {
        let samples = [
            "",
            "no digits here at all, none!",
            "abcdefghijklmnop7",
            "x9",
            "héllo wörld ÿ 5 after unicode",
            "::::;;;;<<<<>>>>////....----0",
            "\u{0660}\u{0661} arabic-indic digits are not ASCII 1",
        ];
        for s in samples {
            let b = s.as_bytes();
            for start in 0..=b.len() {
                let naive = b[start..]
                    .iter()
                    .position(u8::is_ascii_digit)
                    .map(|k| k + start);
                assert_eq!(next_digit(b, start), naive, "{s:?} from {start}");
            }
        }
    }

    #[test]
    fn every_byte_value_is_classified_correctly() {
        for v in 0u8..=255 {
            let mut buf = [b'a'; 20];
            buf[11] = v;
            let expected = if v.is_ascii_digit() { Some(11) } else { None };
            assert_eq!(next_digit(&buf, 0), expected, "byte {v}");
        }
    }

    #[test]
    fn word_boundaries_respect_scripts() {
        assert!(word_before("café", 5));
        assert!(!word_before("日本", 6));
        assert!(!word_before("a ", 2));
        assert!(word_at("x_", 1));
        assert!(!word_at("x", 1));
        assert!(!word_before("x", 0));
        // Offsets inside a multi-byte char never panic.
        assert!(!word_at("é", 1));
        assert!(!word_before("é", 1));
    }

    #[test]
    fn digit_boundaries() {
        assert!(digits_left_ok("call 415", 5));
        assert!(!digits_left_ok("12-415", 3));
        assert!(digits_left_ok("tel-415", 4));
        assert!(!digits_right_ok("415-555-0132-1", 12));
        assert!(digits_right_ok("415-555-0132.", 12));
    }
}
