//! JSON string bodies: find the closing quote while validating escapes and rejecting control
//! bytes, noting non-ASCII bytes so UTF-8 is checked only where needed; one SSE2 block for short
//! strings, then AVX2 32 bytes at a time (escapes handled inside the loop), scalar elsewhere.

use super::JsonError;

/// Length of the escape sequence starting at the backslash `b[i]` (2, or 6 for `\\uXXXX`).
#[inline(always)]
fn escape_len(b: &[u8], i: usize) -> Result<usize, JsonError> {
    match b.get(i + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(2),
        Some(b'u') => match b.get(i + 2..i + 6) {
            Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => Ok(6),
            _ => Err(JsonError::Invalid),
        },
        _ => Err(JsonError::Invalid),
    }
}

/// What scanning a string body found: the offset of the closing quote, whether the body holds
/// escapes, and whether it holds non-ASCII bytes (so UTF-8 needs checking).
type StringEnd = (usize, bool, bool);

/// Scans a string body from `i` (just after the opening quote) to its closing quote,
/// validating escapes and rejecting control bytes, with SIMD where the CPU has it.
#[inline]
pub(super) fn string_body(b: &[u8], i: usize) -> Result<StringEnd, JsonError> {
    #[cfg(target_arch = "x86_64")]
    {
        // Most strings (keys, ids, model names) end within 16 bytes: one inlined block first.
        if let Some(end) = first_block_sse2(b, i) {
            return Ok(end);
        }
        // Long runs (prompts, responses) dominate the bytes of a log: 32 at a time, escapes
        // handled inside the loop so a string with many `\\n` is still one pass.
        if avx2_available() {
            // SAFETY: AVX2 support was just checked at run time.
            return unsafe { string_body_avx2(b, i) };
        }
    }
    string_body_scalar(b, i, false, false)
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn avx2_available() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    // 0 = unknown, 1 = no, 2 = yes: detection is cached so the hot path pays one load.
    static STATE: AtomicU8 = AtomicU8::new(0);
    match STATE.load(Ordering::Relaxed) {
        0 => {
            let yes = std::arch::is_x86_feature_detected!("avx2");
            STATE.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
            yes
        }
        s => s == 2,
    }
}

/// The byte-at-a-time scan (tails, and CPUs without AVX2).
#[inline]
fn string_body_scalar(
    b: &[u8],
    mut i: usize,
    mut escaped: bool,
    mut high: bool,
) -> Result<StringEnd, JsonError> {
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => return Ok((i, escaped, high)),
            b'\\' => {
                escaped = true;
                i += escape_len(b, i)?;
            }
            0..=0x1F => return Err(JsonError::Invalid),
            _ => {
                high |= c >= 0x80;
                i += 1;
            }
        }
    }
    Err(JsonError::Invalid)
}

/// Checks the 16 bytes at `i`: when the first special byte among them is the closing quote,
/// the whole string is done; any other case (escape, control, no hit, short tail) is left to
/// the full scan.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn first_block_sse2(b: &[u8], i: usize) -> Option<StringEnd> {
    use std::arch::x86_64::*;
    if i + 16 > b.len() {
        return None;
    }
    // SAFETY: SSE2 is baseline on x86_64 and i + 16 <= len.
    unsafe {
        let v = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
        let is_control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
        let hit = _mm_or_si128(
            _mm_or_si128(
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)),
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8)),
            ),
            is_control,
        );
        let mask = _mm_movemask_epi8(hit) as u32;
        if mask == 0 {
            return None;
        }
        let off = mask.trailing_zeros() as usize;
        if b[i + off] != b'"' {
            return None;
        }
        let high_bits = _mm_movemask_epi8(v) as u32;
        Some((i + off, false, high_bits & ((1u32 << off) - 1) != 0))
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn string_body_avx2(b: &[u8], mut i: usize) -> Result<StringEnd, JsonError> {
    use std::arch::x86_64::*;
    let (mut escaped, mut high) = (false, false);
    let quote = _mm256_set1_epi8(b'"' as i8);
    let backslash = _mm256_set1_epi8(b'\\' as i8);
    let control = _mm256_set1_epi8(0x1F);
    'blocks: while i + 32 <= b.len() {
        // SAFETY: i + 32 <= len, so the unaligned load stays within `b`.
        let v = unsafe { _mm256_loadu_si256(b.as_ptr().add(i) as *const __m256i) };
        let is_control = _mm256_cmpeq_epi8(_mm256_min_epu8(v, control), v);
        let hit = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)),
            is_control,
        );
        let mut mask = _mm256_movemask_epi8(hit) as u32;
        let high_bits = _mm256_movemask_epi8(v) as u32;
        while mask != 0 {
            let off = mask.trailing_zeros() as usize;
            match b[i + off] {
                b'"' => {
                    high |= high_bits & ((1u32 << off) - 1) != 0;
                    return Ok((i + off, escaped, high));
                }
                b'\\' => {
                    escaped = true;
                    let next = off + escape_len(b, i + off)?;
                    if next >= 32 {
                        // The escape runs past this block: continue after it.
                        high |= high_bits != 0;
                        i += next;
                        continue 'blocks;
                    }
                    // Drop the hits inside the escape (an escaped quote or backslash).
                    mask &= !((1u32 << next) - 1);
                }
                _ => return Err(JsonError::Invalid),
            }
        }
        high |= high_bits != 0;
        i += 32;
    }
    string_body_scalar(b, i, escaped, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_bodies() {
        for (text, want) in [
            ("abcdefghijklmnopqrstuvwxyz\"", Ok((26, false, false))),
            ("abc\u{1}defghijklmnopqrstuvwxyz\"", Err(JsonError::Invalid)),
            (
                "caf\u{e9} au lait\\n, s'il vous plait\"",
                Ok((32, true, true)),
            ),
            ("no end", Err(JsonError::Invalid)),
            ("0123456789abcdef\u{e9}\"", Ok((18, false, true))),
            ("0123456789abcde\"\u{e9}", Ok((15, false, false))),
            ("a\\\"b\\u00e9\\\\\"", Ok((12, true, false))),
            ("bad \\x escape\"", Err(JsonError::Invalid)),
            ("bad \\u12 escape\"", Err(JsonError::Invalid)),
        ] {
            assert_eq!(string_body(text.as_bytes(), 0), want, "{text:?}");
            assert_eq!(
                string_body_scalar(text.as_bytes(), 0, false, false),
                want,
                "{text:?}"
            );
        }
        // Long bodies take the 32-byte path: a quote, escape or control byte at every offset,
        // with and without non-ASCII before it, must agree with the scalar scan.
        for len in [40usize, 64, 95, 200] {
            for at in 0..len {
                for kind in 0..4 {
                    let mut v = vec![b'a'; len];
                    v[len - 1] = b'"';
                    if at > 2 && kind % 2 == 1 {
                        v[at / 2] = 0xC3;
                        v[at / 2 + 1] = 0xA9;
                    }
                    match kind / 2 {
                        0 if at + 1 < len => {
                            v[at] = b'\\';
                            v[at + 1] = b'"';
                        }
                        _ => v[at] = [b'"', 0x01][at % 2],
                    }
                    assert_eq!(
                        string_body(&v, 0),
                        string_body_scalar(&v, 0, false, false),
                        "len {len} at {at} kind {kind}"
                    );
                }
            }
        }
    }
}
