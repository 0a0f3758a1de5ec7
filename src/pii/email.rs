//! EMAIL_ADDRESS detection: every `@` (found with memchr) is expanded by hand into an RFC-ish
//! local part and a dotted domain ending in an alphabetic TLD.

use super::text::{word_at, word_before};
use super::{push, Finding, EMAIL};

/// Longest local part RFC 5321 allows.
const MAX_LOCAL: usize = 64;
/// Longest domain RFC 1035 allows.
const MAX_DOMAIN: usize = 253;

/// Characters accepted in a local part. The full RFC set (`/`, `=`, `'`, …) would swallow
/// neighbouring syntax such as `key=bob@x.io` or quotes, so only the common subset is used.
fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// Appends every email address in `text` to `out`.
pub(super) fn scan(text: &str, out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let mut floor = 0;
    for at in memchr::memchr_iter(b'@', b) {
        if at < floor {
            continue;
        }
        if let Some((s, e)) = match_at(text, at, floor) {
            push(out, s, e, EMAIL, "email");
            floor = e;
        }
    }
}

/// Tries to build an address around the `@` at `at`, not extending left of `floor`.
fn match_at(text: &str, at: usize, floor: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut s = at;
    while s > floor && is_local(b[s - 1]) {
        s -= 1;
        if at - s > MAX_LOCAL {
            return None;
        }
    }
    // Leading dots are sentence punctuation (`…see.bob@x.io` is rare, `…bob@x.io` after `...` is not).
    while s < at && b[s] == b'.' {
        s += 1;
    }
    if s == at || b[at - 1] == b'.' || b[s..at].windows(2).any(|w| w == b"..") {
        return None;
    }
    if word_before(text, s) || url_password(b, s) {
        return None;
    }
    let (e, glued_digits) = domain_end(b, at + 1)?;
    if word_at(text, e) && !glued_digits {
        return None;
    }
    Some((s, e))
}

/// True if the local part starting at `s` is the password of a URL's `user:password@host`
/// (`postgres://app:xxxxxxxx@db.example.com`): a placeholder password is no finding of its
/// own, and a real one is URL_CREDENTIALS.
fn url_password(b: &[u8], s: usize) -> bool {
    if s == 0 || b[s - 1] != b':' {
        return false;
    }
    let stop = s.saturating_sub(256);
    let mut i = s - 1;
    while i > stop && !matches!(b[i - 1], b'/' | b'@' | b' ' | b'\t' | b'\n' | b'"' | b'\'') {
        i -= 1;
    }
    i >= 3 && &b[i - 3..i] == b"://"
}

/// Common top-level domains: the only ones recognised with digits glued after them
/// (`jane@example.org1111`), where a typo or a missing space is likelier than a host name such
/// as `deploy@api.prod2`.
const COMMON_TLDS: &[&[u8]] = &[
    b"com", b"org", b"net", b"edu", b"gov", b"io", b"co", b"uk", b"de", b"fr", b"jp", b"cn", b"ru",
    b"br", b"in", b"it", b"es", b"nl", b"ca", b"au", b"us", b"info", b"biz", b"me", b"ai", b"app",
    b"dev",
];

/// Parses a domain starting at `start` and returns the end of its longest prefix that has at
/// least two labels and ends in an alphabetic TLD of two or more letters, and whether that end
/// splits a common TLD from digits glued after it (the address then ends before them).
fn domain_end(b: &[u8], start: usize) -> Option<(usize, bool)> {
    let mut j = start;
    let mut labels = 0;
    let mut best = None;
    loop {
        let ls = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') && j - ls < 64 {
            j += 1;
        }
        // A label cannot end with a hyphen; trailing hyphens are punctuation after the domain.
        let mut le = j;
        while le > ls && b[le - 1] == b'-' {
            le -= 1;
        }
        if le == ls || b[ls] == b'-' || le - start > MAX_DOMAIN {
            break;
        }
        labels += 1;
        let label = &b[ls..le];
        let alpha = label.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        // An internationalised TLD is written in punycode (`xn--p1ai`, Cyrillic `рф`).
        let punycode = label.len() > 4 && label[..4].eq_ignore_ascii_case(b"xn--");
        if labels >= 2 && label.len() >= 2 && (alpha == label.len() || punycode) {
            best = Some((le, false));
        }
        if le != j {
            break;
        }
        if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_alphanumeric() {
            j += 1;
        } else {
            // The last label: a common TLD with only digits after it.
            let tld = &label[..alpha];
            if labels >= 2
                && alpha < label.len()
                && label[alpha..].iter().all(u8::is_ascii_digit)
                && COMMON_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld))
            {
                best = Some((ls + alpha, true));
            }
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        scan(text, &mut out);
        out.iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn positives() {
        assert_eq!(emails("john@example.com"), ["john@example.com"]);
        assert_eq!(
            emails("Mail: John.Doe+tag@Mail.Example.CO.uk."),
            ["John.Doe+tag@Mail.Example.CO.uk"]
        );
        assert_eq!(
            emails("<a_b-c%d@sub-domain.example.org>"),
            ["a_b-c%d@sub-domain.example.org"]
        );
        assert_eq!(emails("line\n\tbob@corp.io\n"), ["bob@corp.io"]);
        assert_eq!(emails("mailto:x@y.io,z@w.io"), ["x@y.io", "z@w.io"]);
        assert_eq!(emails("\"bob@corp.io\""), ["bob@corp.io"]);
        assert_eq!(emails("日本語bob@corp.io日本"), ["bob@corp.io"]);
        assert_eq!(emails("café bob@corp.io ok"), ["bob@corp.io"]);
        assert_eq!(emails("see ...bob@corp.io"), ["bob@corp.io"]);
        assert_eq!(emails("bob@corp.io-"), ["bob@corp.io"]);
        assert_eq!(emails("xjohn@example.comx"), ["xjohn@example.comx"]);
        assert_eq!(emails("bob@corp.io.123"), ["bob@corp.io"]);
        // Digits glued after a common TLD end the address; after a host name they do not.
        assert_eq!(emails("jane@example.org1111 1111"), ["jane@example.org"]);
        assert_eq!(emails("x jane@example.COM42."), ["jane@example.COM"]);
    }

    #[test]
    fn negatives() {
        for t in [
            "user@localhost",
            "user@10.0.0.1",
            "@mention only",
            "a@b",
            "bob.@corp.io",
            "bo..b@corp.io",
            "caféx@corp.io",
            "bob@corp.io_x",
            "bob@corp.iné",
            "bob@exämple.com",
            "j***@example.com",
            "bob@corp.c",
            "x@-corp.io",
            "deploy@api.prod2",
            "root@web.node01",
            "bob@corp.io1x",
            "mongodb+srv://etl:xxxxxxxxxxxxxxxx@cluster0.a1b2c.mongodb.net/prod",
            "postgres://app:changeme@db.example.com:5432/app",
        ] {
            assert!(emails(t).is_empty(), "{t:?} -> {:?}", emails(t));
        }
        // Not a URL's password: a colon in prose, and a user without a password.
        assert_eq!(emails("To: jane@corp.io"), ["jane@corp.io"]);
        assert_eq!(emails("mail:jane@corp.io"), ["jane@corp.io"]);
        let long = format!("{}@corp.io", "a".repeat(65));
        assert!(emails(&long).is_empty());
    }

    #[test]
    fn many_ats_stay_linear_and_safe() {
        let s = "a@".repeat(50_000) + "b.io";
        let _ = emails(&s);
        let s = format!("x@{}", "a.".repeat(100_000));
        assert!(emails(&s).is_empty());
        let s = "@é@日@\u{10FFFF}@";
        assert!(emails(s).is_empty());
    }
}
