//! JWT detection: three base64url segments `eyJ….eyJ….sig` whose header decodes to a JSON
//! object naming an `"alg"`.

use memchr::memmem;

/// Longest header segment decoded; real headers are tens of bytes.
const MAX_HEADER: usize = 2048;

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// Decodes unpadded base64url, the alphabet of JWT segments; `None` on any character outside
/// it or on an impossible length (the one decoder is [`super::encoded::base64_decode`]).
pub(crate) fn b64url_decode(s: &[u8]) -> Option<Vec<u8>> {
    if !s.iter().all(|&c| is_b64url(c)) {
        return None;
    }
    super::encoded::base64_decode(s)
}

/// Returns true if the decoded header is a JSON object with an `"alg"` member.
fn header_ok(seg: &[u8]) -> bool {
    if seg.len() > MAX_HEADER {
        return false;
    }
    let Some(json) = b64url_decode(seg) else {
        return false;
    };
    let json = json.trim_ascii();
    json.first() == Some(&b'{')
        && json.last() == Some(&b'}')
        && memmem::find(json, b"\"alg\"").is_some()
}

/// Matches a JWT whose header segment starts (with `eyJ`) at `s`; returns the end.
pub(super) fn match_at(b: &[u8], s: usize) -> Option<usize> {
    if s > 0 && (is_b64url(b[s - 1]) || b[s - 1] == b'.') {
        return None;
    }
    let seg = |i: usize| {
        b.get(i..)
            .map_or(0, |r| r.iter().take_while(|&&c| is_b64url(c)).count())
    };
    let h = seg(s);
    let p = s + h + 1;
    if b.get(s + h) != Some(&b'.') || !b.get(p..)?.starts_with(b"eyJ") {
        return None;
    }
    let pl = seg(p);
    let g = p + pl + 1;
    if pl < 4 || b.get(p + pl) != Some(&b'.') || !header_ok(&b[s..s + h]) {
        return None;
    }
    let sl = seg(g);
    // An unsigned token (`alg: none`) ends with its dot; keep the dot in the span.
    let end = if sl == 0 { g } else { g + sl };
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig, JWT};
    use super::*;

    const IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    fn jwts(text: &str) -> Vec<String> {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        out.iter()
            .filter(|f| f.type_id == JWT)
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn decoder() {
        assert_eq!(
            b64url_decode(b"eyJhbGciOiJIUzI1NiJ9").unwrap(),
            b"{\"alg\":\"HS256\"}"
        );
        assert_eq!(b64url_decode(b"").unwrap(), b"");
        assert_eq!(b64url_decode(b"TQ").unwrap(), b"M");
        assert_eq!(b64url_decode(b"TWE").unwrap(), b"Ma");
        assert!(b64url_decode(b"T").is_none());
        assert!(b64url_decode(b"ab+/").is_none());
    }

    #[test]
    fn positives() {
        let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.";
        for tok in [IO, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", none] {
            for ctx in [
                "{}",
                "Authorization: Bearer {}",
                "x\n{}\t",
                "café {} 日本",
                "\"{}\"",
                "token={}&a=1",
            ] {
                let t = ctx.replace("{}", tok);
                assert_eq!(jwts(&t), [tok], "{t:?}");
            }
        }
        assert_eq!(jwts(&format!("{IO}.")), [IO]);
    }

    #[test]
    fn negatives() {
        for t in [
            // Header without "alg".
            "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2ln",
            // Payload not a JSON object.
            "eyJhbGciOiJIUzI1NiJ9.aGVsbG8.c2ln",
            // Two segments only.
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0",
            "xeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
            "eyJhbGciOiJIUzI1NiJ9",
            "eyJ***.***.***",
            "eyJ.eyJ.eyJ",
        ] {
            assert!(jwts(t).is_empty(), "{t:?} -> {:?}", jwts(t));
        }
    }
}
