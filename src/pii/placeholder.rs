//! Placeholder rejection for secrets: the filled-in, templated and low-entropy "keys" of docs,
//! tutorials and code samples (`ghp_xxxx…`, `…TokenHere`, `${API_KEY}`, `abcdef123456`), which
//! logs of AI services are full of and which must not be reported as leaks.

/// Words that real random key material does not contain but sample keys do.
const WORDS: [&str; 17] = [
    "example",
    "sample",
    "placeholder",
    "dummy",
    "your",
    "here",
    "xxxx",
    "****",
    "####",
    "....",
    "redacted",
    "changeme",
    "insert",
    "notreal",
    "fake",
    "token",
    "apikey",
];

/// True if `body` (a candidate secret without its public prefix) looks like a placeholder:
/// one character making half of it, a sample word, a template (`<…>`, `${…}`, `{{…}}`), an
/// ascending or descending run of seven, a short repeated unit, or too little entropy for its
/// length. Bodies shorter than eight bytes are left to the type's own rules.
pub(crate) fn is_placeholder(body: &[u8]) -> bool {
    let n = body.len();
    if n < 8 {
        return false;
    }
    let mut counts = [0u16; 256];
    for &c in body {
        counts[usize::from(c)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0);
    if usize::from(top) * 2 >= n {
        return true;
    }
    if body
        .windows(2)
        .any(|w| w == b"${" || w == b"{{" || w == b"}}" || w == b"%s")
        || body.contains(&b'<')
        || body.contains(&b'>')
    {
        return true;
    }
    if WORDS
        .iter()
        .any(|w| contains_ignore_case(body, w.as_bytes()))
    {
        return true;
    }
    if sequential_run(body) >= 7 || periodic(body) {
        return true;
    }
    let h = entropy(&counts, n);
    (n >= 20 && h < 3.0) || h < 2.5
}

/// Case-insensitive substring test for an ASCII lowercase `needle`.
fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| {
        w.iter()
            .zip(needle)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
    })
}

/// Length of the longest run of alphanumerics each one above (or each one below) the previous:
/// `abcdef`, `123456`, `987654`.
fn sequential_run(body: &[u8]) -> usize {
    let (mut best, mut up, mut down) = (1, 1, 1);
    for w in body.windows(2) {
        let alnum = w[0].is_ascii_alphanumeric() && w[1].is_ascii_alphanumeric();
        up = if alnum && w[1] == w[0].wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && w[1].wrapping_add(1) == w[0] {
            down + 1
        } else {
            1
        };
        best = best.max(up).max(down);
    }
    best
}

/// True if the whole body repeats a unit of at most eight bytes (`abababab`, `a1b2c3a1b2c3`).
fn periodic(body: &[u8]) -> bool {
    (1..=8).any(|p| body.len() >= 2 * p && body.iter().skip(p).zip(body).all(|(a, b)| a == b))
}

/// Shannon entropy in bits per byte of a body with byte `counts` and length `n`.
fn entropy(counts: &[u16; 256], n: usize) -> f64 {
    let n = n as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Shannon entropy in bits per byte of `s` (0 for an empty string).
pub(crate) fn shannon(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u16; 256];
    for &c in s {
        counts[usize::from(c)] = counts[usize::from(c)].saturating_add(1);
    }
    entropy(&counts, s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "XXXXXXXXXXXXXXXXXXXXXXXX",
            "************************",
            "000000000000000000000000",
            "################",
            "AKIAEXAMPLEKEY12",
            "your_api_key_here",
            "SlackAppConfigurationAccessTokenHere",
            "${OPENAI_API_KEY}",
            "{{ secrets.TOKEN }}",
            "<your-token>",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "1234567890abcdefghij",
            "zyxwvutsrqponm",
            "sk_test_1234567abcdefgh",
            "abababababababababab",
            "a1b2c3d4a1b2c3d4a1b2c3d4",
            "aaaabbbbaaaabbbbccccaaaa",
            "this_is_a_fake_key_for_docs",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn random_keys_are_not_placeholders() {
        for k in [
            "Zq8Lm2Rt6Vw0Yb4Nc7Hd3Kf9Jg5Ps1Xa",
            "f3a91c07be5d48e2a6c0d9b71e4f2a83",
            "Q7TZ2MJKD4XW6R3N",
            "mB9vK2pX8cN4qL7wR1tY5uH3jF6gD0sA-_zE",
            "7319-48262-AbC4dE9fG2hJ",
            "short",
        ] {
            assert!(!is_placeholder(k.as_bytes()), "{k}");
        }
    }

    #[test]
    fn entropy_values() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"aaaa"), 0.0);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-9);
    }
}
