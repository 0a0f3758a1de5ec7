//! Prefix-anchored secret detection: one Aho-Corasick automaton over the literal prefixes of
//! every prefixed type in the registry finds all candidates in a single pass; each prefix's
//! validator then decides and delimits the value. The validators of the original types live here.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::types::{Find, Validate, BUILTIN};
use super::{jwt, pem, placeholder, push, Enabled, Finding, TypeId};

/// One prefix of the automaton: the type it announces, its validator and detector name.
#[derive(Debug, Clone, Copy)]
struct Entry {
    type_id: TypeId,
    validate: Validate,
    detector: &'static str,
    screen: bool,
    checksum: Option<fn(&[u8]) -> bool>,
}

/// The compiled prefix automaton.
pub(super) struct SecretScanner {
    ac: AhoCorasick,
    entries: Vec<Entry>,
}

impl SecretScanner {
    /// Builds the automaton over the prefixes of every prefixed built-in type. Longer literals
    /// come first, so where two start at the same byte (`sk-ant-`, `sk-`) the longer, more
    /// specific one owns the candidate. With this many short literals a DFA over every byte
    /// is faster than the SIMD Teddy prefilter (measured: Teddy's 2-byte fingerprints of
    /// `sk`, `pa`, `ke`, … match English text constantly).
    pub(super) fn new() -> Self {
        let mut all: Vec<(&'static str, Entry)> = Vec::new();
        for (i, d) in BUILTIN.iter().enumerate() {
            if let Find::Prefixes(list) = d.find {
                for p in list {
                    let e = Entry {
                        type_id: i as TypeId,
                        validate: p.validate,
                        detector: p.detector,
                        screen: p.screen,
                        checksum: p.checksum,
                    };
                    all.push((p.literal, e));
                }
            }
        }
        all.sort_by_key(|(lit, _)| std::cmp::Reverse(lit.len()));
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::DFA))
            .build(all.iter().map(|(lit, _)| lit))
            .expect("the static secret prefixes always compile");
        SecretScanner {
            ac,
            entries: all.into_iter().map(|(_, e)| e).collect(),
        }
    }

    /// Appends the secrets of `text` whose types are enabled to `out`.
    pub(super) fn scan(&self, text: &str, en: &Enabled, out: &mut Vec<Finding>) {
        let b = text.as_bytes();
        let mut covered = 0;
        for m in self.ac.find_iter(b) {
            let s = m.start();
            if s < covered {
                continue;
            }
            let entry = self.entries[m.pattern().as_usize()];
            if !en.on(entry.type_id) {
                continue;
            }
            let Some((s, e)) = (entry.validate)(text, s) else {
                continue;
            };
            // The part after the literal is what a placeholder fills in and what a checksum
            // covers (for a value that starts before its literal, the part after it too).
            let body = &b[m.end().clamp(s, e)..e];
            if entry.screen && placeholder::is_placeholder(body) {
                continue;
            }
            let detector = match entry.checksum {
                Some(check) if check(body) => "crc32",
                _ => entry.detector,
            };
            push(out, s, e, entry.type_id, detector);
            covered = e;
        }
    }
}

/// PRIVATE_KEY: a PEM block whose `-----BEGIN ` is at `s`.
pub(super) fn pem(text: &str, s: usize) -> Option<(usize, usize)> {
    pem::match_at(text, s).map(|e| (s, e))
}

/// JWT: a token whose header segment starts at `s`.
pub(super) fn jwt(text: &str, s: usize) -> Option<(usize, usize)> {
    jwt::match_at(text.as_bytes(), s).map(|e| (s, e))
}

/// GITHUB_TOKEN, classic kinds: `ghp_` and its siblings, then 36 or more alphanumerics.
pub(super) fn github_classic(text: &str, s: usize) -> Option<(usize, usize)> {
    token(text.as_bytes(), s, 4, 36, |c| c.is_ascii_alphanumeric()).map(|e| (s, e))
}

/// GITHUB_TOKEN, fine-grained: `github_pat_`, then 70 or more alphanumerics or `_`.
pub(super) fn github_pat(text: &str, s: usize) -> Option<(usize, usize)> {
    token(text.as_bytes(), s, 11, 70, |c| {
        c.is_ascii_alphanumeric() || c == b'_'
    })
    .map(|e| (s, e))
}

/// True if `c` can continue a token body of the `[A-Za-z0-9_-]` family.
fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Left boundary for prefixed tokens: not glued to a preceding identifier or token.
fn left_ok(b: &[u8], s: usize) -> bool {
    s == 0 || !is_token_char(b[s - 1])
}

/// Length of the run of `class` bytes starting at `i`.
fn run(b: &[u8], i: usize, class: impl Fn(u8) -> bool) -> usize {
    b.get(i..)
        .map_or(0, |r| r.iter().take_while(|&&c| class(c)).count())
}

/// A prefix of `plen` bytes followed by at least `min` bytes of `class`; the body is maximal,
/// so the right boundary is implied. Returns the end.
fn token(b: &[u8], s: usize, plen: usize, min: usize, class: impl Fn(u8) -> bool) -> Option<usize> {
    if !left_ok(b, s) {
        return None;
    }
    let n = run(b, s + plen, class);
    (n >= min).then_some(s + plen + n)
}

/// AWS_ACCESS_KEY: the four-letter prefix and exactly sixteen `[A-Z0-9]`.
pub(super) fn aws(text: &str, s: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    if s > 0 && b[s - 1].is_ascii_alphanumeric() {
        return None;
    }
    let n = run(b, s + 4, |c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let e = s + 4 + n;
    let base32 = b[s + 4..e]
        .iter()
        .all(|&c| !matches!(c, b'0' | b'1' | b'8' | b'9'));
    (n == 16 && base32 && !b.get(e).is_some_and(u8::is_ascii_alphanumeric)).then_some((s, e))
}

/// True if a random-looking body has a digit or mixed case; real keys essentially always do,
/// while slugs such as `sk-this-is-a-long-hyphenated-phrase` do not.
fn looks_random(body: &[u8]) -> bool {
    let digit = body.iter().any(u8::is_ascii_digit);
    let upper = body.iter().any(u8::is_ascii_uppercase);
    let lower = body.iter().any(u8::is_ascii_lowercase);
    digit || (upper && lower)
}

/// The body of an `sk-` key: the maximal run of token characters after `sk-` at `s`.
fn sk_body(b: &[u8], s: usize) -> Option<usize> {
    left_ok(b, s).then(|| s + 3 + run(b, s + 3, is_token_char))
}

/// ANTHROPIC_API_KEY: `sk-ant-`, a key kind (`api03`, `admin01`, `oat01`, …: letters then two
/// digits), `-`, and exactly 95 characters ending in `AA`.
pub(super) fn anthropic(text: &str, s: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let e = sk_body(b, s)?;
    let rest = &b[s + 7..e];
    let letters = rest.iter().take_while(|c| c.is_ascii_lowercase()).count();
    let kind_ok = letters >= 3
        && rest
            .get(letters..letters + 3)
            .is_some_and(|k| k[0].is_ascii_digit() && k[1].is_ascii_digit() && k[2] == b'-');
    let key = rest.get(letters + 3..)?;
    // The length is fixed, so a key glued to the next word still ends where it must.
    let key = key.get(..95)?;
    let end = s + 7 + letters + 3 + 95;
    (kind_ok && key.ends_with(b"AA") && looks_random(key)).then_some((s, end))
}

/// OPENAI_API_KEY: project and service-account keys (`sk-proj-`, `sk-svcacct-`) with the
/// `T3BlbkFJ` marker (base64 of `OpenAI`) or 64 or more random characters; admin keys
/// (`sk-admin-`) and legacy keys with the marker; legacy 48-alphanumeric keys. `sk-ant-` and
/// `sk-or-v1-` belong to other validators.
pub(super) fn openai(text: &str, s: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let e = sk_body(b, s)?;
    let body = &b[s + 3..e];
    let marker = memchr::memmem::find(body, b"T3BlbkFJ").is_some();
    let ok = if let Some(rest) = body
        .strip_prefix(b"proj-")
        .or_else(|| body.strip_prefix(b"svcacct-"))
    {
        (marker && rest.len() >= 40) || (rest.len() >= 64 && looks_random(rest))
    } else if let Some(rest) = body.strip_prefix(b"admin-") {
        marker && rest.len() >= 40
    } else {
        (marker && body.len() >= 40)
            || (body.len() == 48
                && body.iter().all(u8::is_ascii_alphanumeric)
                && looks_random(body))
    };
    ok.then_some((s, e))
}

/// STRIPE_KEY: `sk_` or `rk_`, then `live_` or `test_`, then 16 or more alphanumerics.
pub(super) fn stripe(text: &str, s: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mode = b.get(s + 3..s + 8)?;
    if mode != b"live_" && mode != b"test_" {
        return None;
    }
    token(b, s, 8, 16, |c| c.is_ascii_alphanumeric()).map(|e| (s, e))
}

/// STRIPE_KEY: webhook signing secrets, `whsec_` and 32 or more alphanumerics.
pub(super) fn stripe_webhook(text: &str, s: usize) -> Option<(usize, usize)> {
    token(text.as_bytes(), s, 6, 32, |c| c.is_ascii_alphanumeric()).map(|e| (s, e))
}

/// SLACK_TOKEN: `xox[abprs]-` and `xapp-` tokens (numeric team/app/user ids of eight or more
/// digits, `-`-separated, and a last part of eight or more), and `xoxe.xoxp-1-` / `xoxe-1-`
/// configuration and refresh tokens (60 or more characters after the version).
pub(super) fn slack_token(text: &str, s: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let body_class = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
    let trimmed_end = |from: usize| {
        let mut e = from + run(b, from, body_class);
        while e > from && b[e - 1] == b'-' {
            e -= 1;
        }
        e
    };
    let rest = &b[s + 3..];
    for lead in [&b"e.xoxp-1-"[..], b"e.xoxb-1-", b"e-1-"] {
        if rest.starts_with(lead) {
            let from = s + 3 + lead.len();
            let e = trimmed_end(from);
            return (e - from >= 60).then_some((s, e));
        }
    }
    // `xapp-` leaves `p-` after `xox`'s three bytes too.
    if !matches!(
        rest.get(..2),
        Some([b'a' | b'b' | b'p' | b'r' | b's', b'-'])
    ) {
        return None;
    }
    let from = s + 5;
    let e = trimmed_end(from);
    let body = &b[from..e];
    let parts: Vec<&[u8]> = body.split(|&c| c == b'-').collect();
    let id = parts
        .iter()
        .any(|p| p.len() >= 8 && p.iter().all(u8::is_ascii_digit));
    let last = parts.last().map_or(0, |p| p.len());
    (parts.len() >= 3 && id && last >= 8).then_some((s, e))
}

/// SLACK_TOKEN: incoming-webhook URLs, with or without the scheme:
/// `hooks.slack.com/services/T…/B…/…`.
pub(super) fn slack_webhook(text: &str, s: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let start = [&b"https://"[..], b"http://"]
        .iter()
        .find(|p| s >= p.len() && b[s - p.len()..s].eq_ignore_ascii_case(p))
        .map_or(s, |p| s - p.len());
    if start > 0 && (b[start - 1].is_ascii_alphanumeric() || matches!(b[start - 1], b'.' | b'-')) {
        return None;
    }
    let path = s + "hooks.slack.com/".len();
    let rest = b.get(path..)?;
    let kind = [&b"services/"[..], b"workflows/", b"triggers/"]
        .into_iter()
        .find(|k| rest.starts_with(k))?;
    let body = path + kind.len();
    let n = run(b, body, |c| {
        c.is_ascii_alphanumeric() || matches!(c, b'/' | b'_' | b'-' | b'+')
    });
    let mut e = body + n;
    while e > body && b[e - 1] == b'/' {
        e -= 1;
    }
    if kind == b"services/" {
        // `T…/B…/secret`: workspace and hook ids, then a 24-character secret.
        let parts: Vec<&[u8]> = b[body..e].split(|&c| c == b'/').collect();
        let id = |p: &[u8], lead: u8| {
            p.first() == Some(&lead)
                && (9..=12).contains(&p.len())
                && p.iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        };
        let ok = parts.len() == 3
            && id(parts[0], b'T')
            && id(parts[1], b'B')
            && parts[2].len() >= 20
            && parts[2].iter().all(u8::is_ascii_alphanumeric)
            // The hook ids are real in docs that fill only the secret (`…/000…`).
            && !placeholder::is_placeholder(parts[2]);
        return ok.then_some((start, e));
    }
    (e - body >= 20 && b[body..e].contains(&b'/')).then_some((start, e))
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig};

    fn secrets(text: &str) -> Vec<(String, String)> {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(text, &mut out);
        out.iter()
            .map(|f| {
                (
                    d.type_name(f.type_id).to_string(),
                    text[f.start..f.end].to_string(),
                )
            })
            .collect()
    }

    fn rnd(n: usize, alphabet: &[u8]) -> String {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ n as u64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize] as char
            })
            .collect()
    }

    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const DIGITS: &[u8] = b"0123456789";
    const HEX: &[u8] = b"0123456789abcdef";
    const UPNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// A classic GitHub token with a valid CRC-32 checksum.
    fn github_with_checksum(prefix: &str) -> String {
        let body = rnd(30, ALNUM);
        let crc = super::super::checksum::base62_6(super::super::checksum::crc32(body.as_bytes()));
        format!("{prefix}{body}{}", std::str::from_utf8(&crc).unwrap())
    }

    fn positives() -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY", "AKIAQYLPMN5HHHFPZAM2".into()),
            ("AWS_ACCESS_KEY", format!("ASIA{}", rnd(16, B32))),
            ("GITHUB_TOKEN", format!("ghp_{}", rnd(36, ALNUM))),
            ("GITHUB_TOKEN", github_with_checksum("ghs_")),
            (
                "GITHUB_TOKEN",
                format!("github_pat_11{}_{}", rnd(20, ALNUM), rnd(59, ALNUM)),
            ),
            (
                "OPENAI_API_KEY",
                format!("sk-{}T3BlbkFJ{}", rnd(20, ALNUM), rnd(20, ALNUM)),
            ),
            (
                "OPENAI_API_KEY",
                format!(
                    "sk-proj-{}-{}_{}",
                    rnd(60, ALNUM),
                    rnd(40, ALNUM),
                    rnd(20, ALNUM)
                ),
            ),
            ("OPENAI_API_KEY", format!("sk-svcacct-{}", rnd(64, ALNUM))),
            (
                "OPENAI_API_KEY",
                format!("sk-admin-{}T3BlbkFJ{}", rnd(30, ALNUM), rnd(30, ALNUM)),
            ),
            ("OPENAI_API_KEY", format!("sk-{}", rnd(48, ALNUM))),
            (
                "ANTHROPIC_API_KEY",
                format!("sk-ant-api03-{}-{}AA", rnd(80, ALNUM), rnd(12, ALNUM)),
            ),
            (
                "ANTHROPIC_API_KEY",
                format!("sk-ant-admin01-{}AA", rnd(93, ALNUM)),
            ),
            (
                "SLACK_TOKEN",
                format!(
                    "xoxb-{}-{}-{}",
                    rnd(12, DIGITS),
                    rnd(13, DIGITS),
                    rnd(24, ALNUM)
                ),
            ),
            (
                "SLACK_TOKEN",
                format!(
                    "xoxp-{}-{}-{}-{}",
                    rnd(10, DIGITS),
                    rnd(11, DIGITS),
                    rnd(12, DIGITS),
                    rnd(32, HEX)
                ),
            ),
            (
                "SLACK_TOKEN",
                format!(
                    "xapp-1-A{}-{}-{}",
                    rnd(10, UPNUM),
                    rnd(13, DIGITS),
                    rnd(64, HEX)
                ),
            ),
            ("SLACK_TOKEN", format!("xoxe.xoxp-1-{}", rnd(140, ALNUM))),
            (
                "SLACK_TOKEN",
                format!(
                    "https://hooks.slack.com/services/T{}/B{}/{}",
                    rnd(8, UPNUM),
                    rnd(10, UPNUM),
                    rnd(24, ALNUM)
                ),
            ),
            (
                "SLACK_TOKEN",
                format!(
                    "hooks.slack.com/services/T{}/B{}/{}",
                    rnd(10, UPNUM),
                    rnd(8, UPNUM),
                    rnd(24, ALNUM)
                ),
            ),
            ("STRIPE_KEY", format!("sk_live_{}", rnd(24, ALNUM))),
            ("STRIPE_KEY", format!("rk_test_{}", rnd(99, ALNUM))),
            ("STRIPE_KEY", format!("whsec_{}", rnd(32, ALNUM))),
        ]
    }

    #[test]
    fn github_checksum_names_the_detector() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let good = github_with_checksum("ghp_");
        let mut bad = good.clone();
        bad.replace_range(10..11, if &good[10..11] == "a" { "b" } else { "a" });
        for (tok, det) in [(good, "crc32"), (bad, "prefix")] {
            let mut out = Vec::new();
            d.scan(&tok, &mut out);
            assert_eq!(out.len(), 1, "{tok}");
            assert_eq!(out[0].detector, det, "{tok}");
        }
    }

    #[test]
    fn prefixed_secrets_in_contexts() {
        for (ty, v) in positives() {
            for ctx in [
                "{}",
                "key: {}.",
                "x\n{}\t",
                "café {} 日本",
                "\"{}\"",
                "Bearer {}",
                "k={}&x=1",
            ] {
                let t = ctx.replace("{}", &v);
                assert_eq!(secrets(&t), [(ty.to_string(), v.clone())], "{t:?}");
            }
        }
    }

    #[test]
    fn decoys() {
        let long_slug = "sk-this-is-a-very-long-hyphenated-phrase-for-the-docs";
        let x36 = "x".repeat(36);
        let placeholders = [
            format!("ghp_{x36}"),
            format!("gho_{x36}"),
            format!("ghu_{x36}"),
            format!("ghs_{}", "X".repeat(36)),
            format!("ghr_{x36}"),
            format!("github_pat_{}", "x".repeat(82)),
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789".to_string(),
            "ghp_1234567890abcdefghijklmnopqrstuvwxyz".to_string(),
            "xoxe.xoxp-1-SlackAppConfigurationAccessTokenHere".to_string(),
            "xoxb-12345-abcd234".to_string(),
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx".to_string(),
            "xoxb-your-bot-token-here".to_string(),
            "xoxp-0000000000-0000000000-0000000000-00000000000000000000000000000000".to_string(),
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
                .to_string(),
            "https://hooks.slack.com/services/T0RRPJ5TUG/B0ZWM506NCM/000000000000000000000000"
                .to_string(),
            "hooks.slack.com/services/T04KQ7A2B3C/B05LMN8PQ2R/abcdefghijklmnopqrstuvwx".to_string(),
            format!("sk-ant-api03-{}AA", rnd(40, ALNUM)),
            format!("sk-ant-api03-{}", rnd(95, ALNUM)),
            format!("sk-ant-api03-{}AA", "x".repeat(93)),
            format!("sk-admin-{}", rnd(60, ALNUM)),
            format!("sk-proj-{}", "x".repeat(120)),
            format!("sk-proj-{}", rnd(40, ALNUM)),
            "sk-your-openai-api-key-goes-here-please-replace".to_string(),
            format!("sk-{}", rnd(32, HEX)),
            format!("sk_live_{}", "x".repeat(24)),
            "sk_test_EXAMPLEKEY0123abcdEXAMPLE".to_string(),
            format!("pk_live_{}", rnd(24, ALNUM)),
            "AKIAXXXXXXXXXXXXXXXX".to_string(),
            "AKIA2E0A8F3B244C9986".to_string(),
        ];
        for t in placeholders.iter().map(String::as_str).chain([
            "AKIA2E0A8F3B244C998",
            "AKIA2E0A8F3B244C99867",
            "XAKIA2E0A8F3B244C9986",
            "akia2e0a8f3b244c9986",
            "AKIA2E0A8F3B244C998a",
            "ghp_short",
            "xghp_0123456789abcdefghijABCDEFGHIJ012345",
            "sk-short-key-123",
            long_slug,
            "task-0123456789abcdefghijABCDEFGHIJ0123456789",
            "sk-ant-api03-short1",
            "sk_live_short",
            "sk_prod_0123456789abcdefABCDEF",
            "xoxb-nodigitsatall",
            "xoxb-12",
            "see hooks.slack.com/services/ for docs",
            "AKIAIOSFODNN7EXAMPLE",
            "key AKIAI44QH8DHBEXAMPLE",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        ]) {
            assert!(secrets(t).is_empty(), "{t:?} -> {:?}", secrets(t));
        }
    }

    #[test]
    fn openai_vs_anthropic_vs_stripe() {
        let ant = format!("sk-ant-api03-{}AA", rnd(93, ALNUM));
        assert_eq!(secrets(&ant)[0].0, "ANTHROPIC_API_KEY");
        let oai = format!("sk-{}", rnd(48, ALNUM));
        assert_eq!(secrets(&oai)[0].0, "OPENAI_API_KEY");
        let stripe = format!("sk_test_{}", rnd(24, ALNUM));
        assert_eq!(secrets(&stripe)[0].0, "STRIPE_KEY");
    }

    #[test]
    fn pathological_repeats_are_safe() {
        for unit in [
            "sk-",
            "AKIA",
            "ghp_",
            "xoxb-",
            "eyJ",
            "-----BEGIN ",
            "hooks.slack.com/",
        ] {
            let s = unit.repeat(20_000);
            let _ = secrets(&s);
        }
    }
}
