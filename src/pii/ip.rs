//! IP_ADDRESS detection: dotted-quad IPv4 (not version strings or longer dotted runs) and IPv6
//! in full or compressed form, candidates found at `:` and validated by std's parser.

use std::net::Ipv6Addr;

use super::text::{byte, digit_run, word_at, word_before};
use super::{push, Finding, IP};

/// Longest textual IPv6 address (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`).
const MAX_V6: usize = 45;

/// Returns true if the word before `p` (skipping `' '`, `:`, `=` on the same line) is `v`,
/// `ver` or `version`.
fn after_version_word(b: &[u8], p: usize) -> bool {
    let mut j = p;
    while j > 0 && p - j < 3 && matches!(b[j - 1], b' ' | b':' | b'=') {
        j -= 1;
    }
    if j == p {
        return false;
    }
    let end = j;
    while j > 0 && end - j < 8 && b[j - 1].is_ascii_alphabetic() {
        j -= 1;
    }
    if j > 0 && b[j - 1].is_ascii_alphanumeric() {
        return false;
    }
    let word = &b[j..end];
    ["v", "ver", "version"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w.as_bytes()))
}

/// Matches an IPv4 address whose first octet starts at the digit `p`.
pub(super) fn match_v4(text: &str, p: usize) -> Option<usize> {
    let b = text.as_bytes();
    // A preceding dot means a longer dotted run (`1.2.3.4.5`, `300.1.2.999`).
    if word_before(text, p) || (p > 0 && b[p - 1] == b'.') || after_version_word(b, p) {
        return None;
    }
    let mut j = p;
    for k in 0..4 {
        let r = digit_run(b, j);
        if r == 0 || r > 3 {
            return None;
        }
        let v = b[j..j + r]
            .iter()
            .fold(0u32, |a, c| a * 10 + u32::from(c - b'0'));
        if v > 255 {
            return None;
        }
        j += r;
        if k < 3 {
            if byte(b, j) != b'.' {
                return None;
            }
            j += 1;
        }
    }
    if word_at(text, j) || (byte(b, j) == b'.' && byte(b, j + 1).is_ascii_digit()) {
        return None;
    }
    Some(j)
}

fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

/// Appends the IPv6 addresses of `text` to `out`; candidates are the runs of hex digits,
/// colons and dots around each `:`.
pub(super) fn scan_v6(text: &str, out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let mut from = 0;
    for c in memchr::memchr_iter(b':', b) {
        if c < from {
            continue;
        }
        // Both expansions stop at the first byte outside the class and `from` skips the rest of
        // the run, so every byte is visited a bounded number of times even for huge runs.
        let mut s = c;
        while s > 0 && (is_hex(b[s - 1]) || b[s - 1] == b':') {
            s -= 1;
        }
        let mut e = c + 1;
        while e < b.len() && (is_hex(b[e]) || b[e] == b':' || b[e] == b'.') {
            e += 1;
        }
        from = e;
        if let Some((s, e)) = check_v6(text, s, e) {
            push(out, s, e, IP, "ipv6");
        }
    }
}

/// Validates the candidate `s..e`, trimming trailing punctuation; returns the address span.
fn check_v6(text: &str, s: usize, mut e: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    while e > s && b[e - 1] == b'.' {
        e -= 1;
    }
    if e - s > MAX_V6 || e - s < 3 || word_before(text, s) || (s > 0 && b[s - 1] == b'.') {
        return None;
    }
    // A single trailing colon is punctuation (`fe80::1: up`), a double one is part of `1::`.
    if b[e - 1] == b':' && b[e - 2] != b':' {
        e -= 1;
    }
    if word_at(text, e) {
        return None;
    }
    let cand = &text[s..e];
    let colons = cand.bytes().filter(|&c| c == b':').count();
    // Digit-free candidates are almost always code (`a::b`, `dead::beef`), not addresses.
    if colons < 2 || !cand.bytes().any(|c| c.is_ascii_digit()) {
        return None;
    }
    // `[::2]` and `x[1::]` are slices; only loopback `::1` is accepted with a single group.
    let groups = cand.split(':').filter(|g| !g.is_empty()).count();
    if groups < 2 && cand != "::1" {
        return None;
    }
    cand.parse::<Ipv6Addr>().ok().map(|_| (s, e))
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig, IP};

    fn ips(text: &str) -> Vec<String> {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        out.iter()
            .filter(|f| f.type_id == IP)
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn ipv4() {
        for ip in [
            "10.0.0.1",
            "192.168.1.254",
            "255.255.255.255",
            "1.2.3.4",
            "8.8.8.8",
        ] {
            for ctx in [
                "{}",
                "host {}.",
                "x\n{}\t",
                "café {} 日本",
                "日本{}",
                "({})",
                "http://{}:8080/x",
                "{}/24",
                "[{}]",
                "ip={},",
            ] {
                let t = ctx.replace("{}", ip);
                assert_eq!(ips(&t), [ip], "{t:?}");
            }
        }
        assert_eq!(ips("10.0.0.1-10.0.0.9"), ["10.0.0.1", "10.0.0.9"]);
        assert_eq!(ips("10.0.0.1,10.0.0.2"), ["10.0.0.1", "10.0.0.2"]);
    }

    #[test]
    fn ipv4_negatives() {
        for t in [
            "300.1.2.999",
            "1.2.3.4.5",
            "v1.2.3.4",
            "version 1.2.3.4",
            "Version: 1.2.3.4",
            "ver 1.2.3.4",
            "1.2.3",
            "1.2.3.256",
            "1.2.3.1000",
            "x1.2.3.4",
            "1.2.3.4x",
            "a.1.2.3.4",
            "1.2.3.4.",
            "2026.11.23",
            "$1,234.56",
        ] {
            let r = ips(t);
            if t == "1.2.3.4." {
                assert_eq!(r, ["1.2.3.4"]);
            } else {
                assert!(r.is_empty(), "{t:?} -> {r:?}");
            }
        }
    }

    #[test]
    fn ipv6() {
        for ip in [
            "2001:db8::1",
            "fe80::1ff:fe23:4567:890a",
            "::1",
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "::ffff:192.0.2.128",
            "2001:db8:0:0:1::1",
            "FE80::0202:B3FF:FE1E:8329",
        ] {
            for ctx in [
                "{}",
                "addr {}.",
                "x\n{}\t",
                "café {} 日本",
                "[{}]:443",
                "({})",
                "{}%eth0",
            ] {
                let t = ctx.replace("{}", ip);
                if t.len() >= 6 {
                    assert_eq!(ips(&t), [ip], "{t:?}");
                }
            }
        }
        assert_eq!(ips("fe80::1: link up"), ["fe80::1"]);
        let long = format!("{} 2001:db8::1", "1:".repeat(100));
        assert_eq!(ips(&long), ["2001:db8::1"]);
    }

    #[test]
    fn ipv6_negatives() {
        for t in [
            "at 12:30:45",
            "2026-11-23T14:05:09Z",
            "mac 00:1A:2B:3C:4D:5E",
            "123e4567-e89b-12d3-a456-426614174000",
            "std::vector",
            "a::b",
            "dead::beef",
            "xs[::2]",
            "xs[::-1]",
            "::",
            "Note: see this: here",
            "x2001:db8::1",
            "2001:db8::1g",
            "1:2:3",
            "ratio 1:2",
        ] {
            let r = ips(t);
            assert!(r.is_empty(), "{t:?} -> {r:?}");
        }
        let long = "1:".repeat(10_000);
        let _ = ips(&long);
    }
}
