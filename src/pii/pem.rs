//! PRIVATE_KEY detection: PEM (and PGP armor) private-key blocks from the BEGIN line through
//! the matching END line, or through the end of the base64 body when END is missing.

use memchr::memmem;

/// Fewest base64 characters a block must carry; a bare header quoted in prose is not a key.
const MIN_BODY: usize = 20;

fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=')
}

/// Returns the label of a private-key BEGIN line at `s` (`RSA PRIVATE KEY`, `PRIVATE KEY`,
/// `PGP PRIVATE KEY BLOCK`, …) and the offset just past its closing dashes.
fn header(b: &[u8], s: usize) -> Option<(&[u8], usize)> {
    let ls = s + "-----BEGIN ".len();
    let rest = b.get(ls..)?;
    let n = rest
        .iter()
        .take(40)
        .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || **c == b' ')
        .count();
    let label = &rest[..n];
    if !rest[n..].starts_with(b"-----") {
        return None;
    }
    let core = label.strip_suffix(b" BLOCK").unwrap_or(label);
    let algo = core.strip_suffix(b"PRIVATE KEY")?;
    let ok_algo = algo.is_empty()
        || (algo.ends_with(b" ") && algo[..algo.len() - 1].iter().all(|c| *c != b' '));
    ok_algo.then_some((label, ls + n + 5))
}

/// Matches a private-key block whose `-----BEGIN ` starts at `s`; returns the end.
pub(super) fn match_at(text: &str, s: usize) -> Option<usize> {
    let b = text.as_bytes();
    let (label, body) = header(b, s)?;
    // The block cannot extend into the next BEGIN; bounding both searches keeps repeated
    // unterminated headers linear.
    let limit = memmem::find(&b[body..], b"-----BEGIN ").map_or(b.len(), |k| body + k);
    if let Some(e) = terminated(b, label, body, limit) {
        return Some(e);
    }
    unterminated(b, body, limit)
}

/// Finds `-----END <label>-----` before `limit` and accepts the block if everything between is
/// key material: base64, whitespace (real or JSON-escaped) and `Key: value` headers.
fn terminated(b: &[u8], label: &[u8], body: usize, limit: usize) -> Option<usize> {
    let k = memmem::find(&b[body..limit], b"-----END ")?;
    let end_label = body + k + "-----END ".len();
    let after = end_label + label.len();
    if b.get(end_label..after)? != label || b.get(after..after + 5)? != b"-----" {
        return None;
    }
    let inner = &b[body..body + k];
    let clean = inner.iter().all(|&c| {
        is_b64(c) || c.is_ascii_whitespace() || matches!(c, b'\\' | b':' | b',' | b'-' | b'.')
    });
    let b64 = inner.iter().filter(|&&c| is_b64(c)).count();
    (clean && b64 >= MIN_BODY).then_some(after + 5)
}

/// Without an END line, takes the base64 lines (after optional `Key: value` headers and blank
/// lines) and ends at the last base64 character. A line may also hold several long base64
/// tokens, which is how a key looks after a log pipeline flattened its newlines.
fn unterminated(b: &[u8], body: usize, limit: usize) -> Option<usize> {
    let mut j = body;
    let mut end = body;
    let mut count = 0;
    while j < limit {
        let (ls, le, next) = line(b, j, limit);
        let content = b[ls..le].trim_ascii();
        if content.is_empty() {
            if count > 0 {
                break;
            }
        } else {
            let (n, tok_end, whole) = body_tokens(&b[ls..le]);
            if n == 0 {
                // `Proc-Type: 4,ENCRYPTED` and friends precede the body of encrypted keys.
                if count == 0 && is_header_line(content) {
                    j = next;
                    continue;
                }
                break;
            }
            count += n;
            end = ls + tok_end;
            if !whole {
                break;
            }
        }
        j = next;
    }
    (count >= MIN_BODY).then_some(end)
}

/// Reads the base64 tokens of one line: a lone token of any length, or tokens of at least 16
/// characters (or ending in `=` padding) when there are several, so trailing prose words stop
/// the body. Returns the base64 character count, the end of the last accepted token, and
/// whether the whole line was accepted.
fn body_tokens(line: &[u8]) -> (usize, usize, bool) {
    let single = line
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
        .count()
        == 1;
    let mut count = 0;
    let mut last_end = 0;
    let mut i = 0;
    while i < line.len() {
        if line[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let s = i;
        while i < line.len() && !line[i].is_ascii_whitespace() {
            i += 1;
        }
        let tok = &line[s..i];
        let chars_ok = tok.iter().all(|&c| is_b64(c) || c == b'.');
        if !chars_ok || !(single || tok.len() >= 16 || tok.ends_with(b"=")) {
            return (count, last_end, false);
        }
        count += tok.iter().filter(|&&c| is_b64(c)).count();
        last_end = i;
    }
    (count, last_end, true)
}

/// Returns the line starting at `i`: its content range and where the next line starts.
/// Both real newlines and the JSON escape `\n` end a line, since logs are sometimes
/// double-escaped.
fn line(b: &[u8], i: usize, limit: usize) -> (usize, usize, usize) {
    let mut j = i;
    while j < limit {
        if b[j] == b'\n' {
            return (i, j, j + 1);
        }
        if b[j] == b'\\' && j + 1 < limit && matches!(b[j + 1], b'n' | b'r') {
            return (i, j, j + 2);
        }
        j += 1;
    }
    (i, limit, limit)
}

fn is_header_line(s: &[u8]) -> bool {
    let n = s
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
        .count();
    n > 0 && s.get(n) == Some(&b':')
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig, PRIVATE_KEY};

    const BODY: &str = "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\nZ1BjP5CE/Wm/Rr500PRK+Lh9x5eJPo5CAZ3/ANBE0sTK0ZsDGMak2m1g7\n3VHqIxFTz0Ta1d+NAjwnLe4nOb7/eEJbDPkk05ShhBrJGBKKxb8n104o/\n5p8HAsZrdzC2Q==";

    fn keys(text: &str) -> Vec<String> {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        out.iter()
            .filter(|f| f.type_id == PRIVATE_KEY)
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn terminated_blocks() {
        for label in [
            "RSA PRIVATE KEY",
            "PRIVATE KEY",
            "EC PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY",
            "DSA PRIVATE KEY",
        ] {
            let key = format!("-----BEGIN {label}-----\n{BODY}\n-----END {label}-----");
            for ctx in ["{}", "key:\n{}\nthanks", "café {} 日本", "\"{}\""] {
                let t = ctx.replace("{}", &key);
                assert_eq!(keys(&t), [key.as_str()], "{t:?}");
            }
            let escaped = key.replace('\n', "\\n");
            assert_eq!(keys(&escaped), [escaped.as_str()]);
            let flat = key.replace('\n', " ");
            assert_eq!(keys(&flat), [flat.as_str()]);
        }
        let enc = format!("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\n{BODY}\n-----END RSA PRIVATE KEY-----");
        assert_eq!(keys(&enc), [enc.as_str()]);
    }

    #[test]
    fn unterminated_blocks() {
        let head = "-----BEGIN RSA PRIVATE KEY-----";
        let t = format!("here:\n{head}\n{BODY}\n\nThanks for the help");
        assert_eq!(keys(&t), [format!("{head}\n{BODY}")]);
        let t = format!("{head}\n{BODY}\nThanks for the help");
        assert_eq!(keys(&t), [format!("{head}\n{BODY}")]);
        let t = format!("{head}\n{BODY}");
        assert_eq!(keys(&t), [t.as_str()]);
        let flat = BODY.replace('\n', " ");
        let t = format!("{head} {flat} thanks for the help");
        assert_eq!(keys(&t), [format!("{head} {flat}")]);
        let t = format!("{head}\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyu...\n");
        assert_eq!(
            keys(&t),
            [format!("{head}\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyu...")]
        );
    }

    #[test]
    fn negatives() {
        for t in [
            "files start with -----BEGIN RSA PRIVATE KEY----- and end with an END line",
            "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END CERTIFICATE-----",
            "-----BEGIN RSA PRIVATE KEY----- [redacted]\n-----END RSA PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----",
        ] {
            assert!(keys(t).is_empty(), "{t:?} -> {:?}", keys(t));
        }
    }

    #[test]
    fn two_blocks_stay_separate() {
        let a = format!("-----BEGIN EC PRIVATE KEY-----\n{BODY}");
        let b = format!("-----BEGIN PRIVATE KEY-----\n{BODY}\n-----END PRIVATE KEY-----");
        let t = format!("{a}\n{b}");
        assert_eq!(keys(&t), [a, b]);
    }
}
