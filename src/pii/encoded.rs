//! Values hidden by an encoding: base64 runs (standard or URL-safe, 24 characters or more)
//! that decode to text, and percent-encoded runs (`jane.doe%40corp-example.org`), are decoded
//! and scanned once more (one level deep), and each finding is located back in the original:
//! exactly for percent-encoding, on the base64 groups that hold the value for base64.

use std::borrow::Cow;

use super::{Detectors, Encoding, Finding};

/// Shortest base64 run worth decoding: 18 bytes of text.
const MIN_RUN: usize = 24;

/// Distance between sampled bytes; any run of [`MIN_RUN`] holds two consecutive samples.
const STEP: usize = MIN_RUN / 2;

/// Base64 characters of either alphabet (`+/` standard, `-_` URL-safe), padding excluded.
fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_')
}

/// The 6-bit value of a base64 character of either alphabet.
fn b64_value(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    }))
}

/// Decodes base64 of either alphabet, with or without padding; `None` on a bad character or
/// an impossible length.
pub(super) fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    let s = s
        .strip_suffix(b"==")
        .or_else(|| s.strip_suffix(b"="))
        .unwrap_or(s);
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for &c in s {
        acc = (acc << 6) | b64_value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// True if decoded bytes are text: valid UTF-8 of which at least 95 % are printable characters
/// or ordinary whitespace.
fn as_text(bytes: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(bytes).ok()?;
    let total = s.chars().count();
    let printable = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .count();
    (total >= 12 && printable * 100 >= total * 95).then_some(s)
}

/// A cheap test before decoding: base64 of text mixes upper and lower case, while the long
/// runs that logs are full of (hex hashes, UUIDs, trace ids, slugs) do not; and its first
/// group decodes to printable ASCII or to the lead bytes of UTF-8.
fn could_be_text(run: &[u8]) -> bool {
    let upper = run.iter().any(u8::is_ascii_uppercase);
    let lower = run.iter().any(u8::is_ascii_lowercase);
    upper
        && lower
        && base64_decode(&run[..8]).is_some_and(|d| {
            d.iter().all(|&c| {
                (0x20..0x7f).contains(&c) || matches!(c, b'\n' | b'\r' | b'\t') || c >= 0x80
            })
        })
}

/// The value of an encoded finding, decoded; `None` if the span no longer decodes.
pub(super) fn decode_value(text: &str, f: &Finding) -> Option<String> {
    let raw = text.get(f.start..f.end)?;
    match f.encoding {
        Encoding::Plain => Some(raw.to_string()),
        Encoding::Base64 { skip, len } => {
            let bytes = base64_decode(raw.as_bytes())?;
            let (s, e) = (usize::from(skip), usize::from(skip) + usize::from(len));
            String::from_utf8(bytes.get(s..e)?.to_vec()).ok()
        }
        Encoding::Percent => Some(percent_decode(raw).0.into_owned()),
    }
}

/// Decodes `%XX` escapes; returns the text and, for each decoded byte (and the end), the
/// offset in `s` it came from. Invalid escapes and invalid UTF-8 results are kept as written.
fn percent_decode(s: &str) -> (Cow<'_, str>, Vec<usize>) {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut map = Vec::with_capacity(b.len() + 1);
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                map.push(i);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        map.push(i);
        i += 1;
    }
    map.push(b.len());
    match String::from_utf8(out) {
        Ok(t) => (Cow::Owned(t), map),
        Err(_) => (Cow::Borrowed(s), (0..=b.len()).collect()),
    }
}

/// True if `start..end` overlaps a finding of `found`.
fn overlaps(found: &[Finding], start: usize, end: usize) -> bool {
    found.iter().any(|f| f.start < end && start < f.end)
}

/// Appends the findings hidden in base64 and percent-encoded runs of `text` to `out`, where
/// `out[base..]` already holds the plain findings of `text` (sorted, disjoint); keeps the
/// whole sorted and disjoint.
pub(super) fn scan(det: &Detectors, text: &str, out: &mut Vec<Finding>, base: usize) {
    let mut extra: Vec<Finding> = Vec::new();
    let mut inner: Vec<Finding> = Vec::new();
    if text.len() >= MIN_RUN {
        base64_runs(text.as_bytes(), |s, e| {
            if overlaps(&out[base..], s, e) || !could_be_text(&text.as_bytes()[s..e]) {
                return;
            }
            let Some(bytes) = base64_decode(&text.as_bytes()[s..e]) else {
                return;
            };
            let Some(decoded) = as_text(&bytes) else {
                return;
            };
            inner.clear();
            det.scan_plain(decoded, &mut inner);
            for f in &inner {
                let gs = s + f.start / 3 * 4;
                let ge = (s + f.end.div_ceil(3) * 4).min(e);
                let (Ok(skip), Ok(len)) =
                    (u8::try_from(f.start % 3), u16::try_from(f.end - f.start))
                else {
                    continue;
                };
                if !overlaps(&extra, gs, ge) {
                    extra.push(Finding {
                        start: gs,
                        end: ge,
                        encoding: Encoding::Base64 { skip, len },
                        ..*f
                    });
                }
            }
        });
    }
    for (s, e) in percent_runs(text.as_bytes()) {
        if overlaps(&out[base..], s, e) {
            continue;
        }
        let (decoded, map) = percent_decode(&text[s..e]);
        if decoded.len() == e - s {
            continue;
        }
        inner.clear();
        det.scan_plain(&decoded, &mut inner);
        for f in &inner {
            let (fs, fe) = (s + map[f.start], s + map[f.end]);
            let encoded = text.as_bytes()[fs..fe].contains(&b'%');
            if encoded
                && !overlaps(&extra, fs, fe)
                && text.is_char_boundary(fs)
                && text.is_char_boundary(fe)
            {
                extra.push(Finding {
                    start: fs,
                    end: fe,
                    encoding: Encoding::Percent,
                    ..*f
                });
            }
        }
    }
    if extra.is_empty() {
        return;
    }
    out.extend(extra);
    out[base..].sort_by_key(|f| f.start);
}

/// Calls `f(start, end)` for every maximal base64 run of [`MIN_RUN`] characters or more (with
/// its `=` padding), sampling every [`STEP`]th byte so prose costs a fraction of its length.
fn base64_runs(b: &[u8], mut f: impl FnMut(usize, usize)) {
    let n = b.len();
    let mut k = 0;
    while k + STEP < n {
        if !(is_b64(b[k]) && is_b64(b[k + STEP / 2]) && is_b64(b[k + STEP])) {
            k += STEP;
            continue;
        }
        let mut e = k + 1;
        while e < n && is_b64(b[e]) {
            e += 1;
        }
        if e <= k + STEP {
            // The run holding `k` ends before the next sample, which starts a pair of its own.
            k += STEP;
            continue;
        }
        let mut s = k;
        while s > 0 && is_b64(b[s - 1]) {
            s -= 1;
        }
        let run_end = e;
        while e < n && b[e] == b'=' && e - run_end < 2 {
            e += 1;
        }
        if run_end - s >= MIN_RUN {
            f(s, e);
        }
        k = (e / STEP + 1) * STEP;
    }
}

/// Maximal runs of URL characters that hold a `%XX` escape: a query value, a path segment.
fn percent_runs(b: &[u8]) -> Vec<(usize, usize)> {
    let stop = |c: u8| {
        c.is_ascii_whitespace()
            || matches!(
                c,
                b'"' | b'\'' | b'<' | b'>' | b'&' | b'?' | b'=' | b';' | b',' | b'(' | b')'
            )
    };
    let mut runs = Vec::new();
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'%', &b[from..]).map(|p| from + p) {
        let escaped = b.get(p + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(p + 2).is_some_and(u8::is_ascii_hexdigit);
        if !escaped {
            from = p + 1;
            continue;
        }
        let mut s = p;
        while s > 0 && !stop(b[s - 1]) {
            s -= 1;
        }
        let mut e = p;
        while e < b.len() && !stop(b[e]) {
            e += 1;
        }
        runs.push((s, e));
        from = e.max(p + 1);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig, RedactMode};
    use super::*;

    fn b64(s: &str) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in s.as_bytes().chunks(3) {
            let n =
                chunk.iter().fold(0u32, |a, &c| (a << 8) | u32::from(c)) << (8 * (3 - chunk.len()));
            for k in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            }
        }
        while !out.len().is_multiple_of(4) {
            out.push('=');
        }
        out
    }

    fn found(text: &str) -> Vec<(String, String, Encoding)> {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        out.iter()
            .map(|f| {
                (
                    d.type_name(f.type_id).to_string(),
                    d.value(text, f).into_owned(),
                    f.encoding,
                )
            })
            .collect()
    }

    #[test]
    fn decoder_round_trips() {
        for s in ["", "a", "ab", "abc", "hello world, this is text"] {
            assert_eq!(base64_decode(b64(s).as_bytes()).unwrap(), s.as_bytes());
        }
        assert!(base64_decode(b"abcde").is_none());
        assert!(base64_decode(b"ab!d").is_none());
    }

    #[test]
    fn secrets_and_pii_inside_base64_are_found() {
        let inner = "config: key AKIAQYLPMN5HHHFPZAM2 owner jane.doe@corp-example.org end";
        let text = format!("please decode {} thanks", b64(inner));
        let got = found(&text);
        let kinds: Vec<(&str, &str)> = got
            .iter()
            .map(|(t, v, _)| (t.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("AWS_ACCESS_KEY", "AKIAQYLPMN5HHHFPZAM2"),
                ("EMAIL_ADDRESS", "jane.doe@corp-example.org")
            ]
        );
        assert!(got.iter().all(|g| matches!(g.2, Encoding::Base64 { .. })));
    }

    #[test]
    fn percent_encoded_values_are_found_in_place() {
        let text = "GET /u?mail=jane.doe%40corp-example.org&x=1";
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            &text[out[0].start..out[0].end],
            "jane.doe%40corp-example.org"
        );
        assert_eq!(d.value(text, &out[0]), "jane.doe@corp-example.org");
        assert_eq!(out[0].encoding, Encoding::Percent);
    }

    #[test]
    fn binary_and_plain_runs_are_left_alone() {
        for t in [
            "sha256 3f9a0c7b21e84d5f9a6c0e1b7d2f4a833f9a0c7b21e84d5f9a6c0e1b7d2f4a84",
            "id 550e8400-e29b-41d4-a716-446655440000 ok",
            "a-very-long-hyphenated-slug-for-the-docs-page",
            "100% done, 50%% left",
            &b64("just some harmless words in a blob"),
        ] {
            assert!(found(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn redaction_of_encoded_findings_re_audits_clean() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let fp = super::super::Fingerprinter::new(b"k");
        let inner =
            "token ghp_Zq8Lm2Rt6Vw0Yb4Nc7Hd3Kf9Jg5Ps1Xa7Qe and mail bob.smith@corp-example.org ok";
        for text in [
            format!("b64 {} end", b64(inner)),
            "q=bob.smith%40corp-example.org&y=2".to_string(),
        ] {
            let mut f = Vec::new();
            d.scan(&text, &mut f);
            assert!(!f.is_empty(), "{text}");
            for mode in [RedactMode::Tag, RedactMode::Mask, RedactMode::Hash] {
                let red = super::super::redact_text(&text, &f, &d, mode, &fp);
                let mut again = Vec::new();
                d.scan(&red, &mut again);
                assert!(again.is_empty(), "{mode:?}: {red}");
            }
        }
    }

    #[test]
    fn sampling_finds_runs_at_every_offset() {
        let blob = b64("mail jane.doe@corp-example.org now");
        for pad in 0..30 {
            let text = format!("{}{} x", " ".repeat(pad), blob);
            assert_eq!(found(&text).len(), 1, "{pad}");
        }
    }
}
