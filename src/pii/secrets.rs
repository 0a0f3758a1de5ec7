//! Prefix-anchored secret detection: one Aho-Corasick automaton over the literal prefixes of
//! every prefixed type in the registry finds all candidates in a single pass; each prefix's
//! validator then decides and delimits the value. The validators of the original types live here.

use aho_corasick::{AhoCorasick, MatchKind};

use super::types::{Find, Validate, BUILTIN};
use super::{jwt, pem, push, Enabled, Finding, TypeId};

/// One prefix of the automaton: the type it announces, its validator and detector name.
#[derive(Debug, Clone, Copy)]
struct Entry {
    type_id: TypeId,
    validate: Validate,
    detector: &'static str,
}

/// The compiled prefix automaton.
pub(super) struct SecretScanner {
    ac: AhoCorasick,
    entries: Vec<Entry>,
}

impl SecretScanner {
    /// Builds the automaton over the prefixes of every prefixed built-in type. Longer literals
    /// come first, so where two start at the same byte (`sk-ant-`, `sk-`) the longer, more
    /// specific one owns the candidate.
    pub(super) fn new() -> Self {
        let mut all: Vec<(&'static str, Entry)> = Vec::new();
        for (i, d) in BUILTIN.iter().enumerate() {
            if let Find::Prefixes(list) = d.find {
                for p in list {
                    let e = Entry {
                        type_id: i as TypeId,
                        validate: p.validate,
                        detector: p.detector,
                    };
                    all.push((p.literal, e));
                }
            }
        }
        all.sort_by_key(|(lit, _)| std::cmp::Reverse(lit.len()));
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(all.iter().map(|(lit, _)| lit))
            .expect("the static secret prefixes always compile");
        SecretScanner {
            ac,
            entries: all.into_iter().map(|(_, e)| e).collect(),
        }
    }

    /// Appends the secrets of `text` whose types are enabled to `out`.
    pub(super) fn scan(&self, text: &str, en: &Enabled, out: &mut Vec<Finding>) {
        let mut covered = 0;
        for m in self.ac.find_iter(text.as_bytes()) {
            let s = m.start();
            if s < covered {
                continue;
            }
            let entry = self.entries[m.pattern().as_usize()];
            if let Some((s, e)) = (entry.validate)(text, s) {
                if en.on(entry.type_id) {
                    push(out, s, e, entry.type_id, entry.detector);
                    covered = e;
                }
            }
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
    (n == 16 && !b.get(e).is_some_and(u8::is_ascii_alphanumeric)).then_some((s, e))
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

/// ANTHROPIC_API_KEY: `sk-ant-` and a random-looking body of 40 or more.
pub(super) fn anthropic(text: &str, s: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let e = sk_body(b, s)?;
    let rest = &b[s + 7..e];
    (rest.len() >= 40 && looks_random(rest)).then_some((s, e))
}

/// OPENAI_API_KEY: `sk-` and a random-looking body of 32 or more (including `sk-proj-…`,
/// `sk-svcacct-…` and legacy `sk-…T3BlbkFJ…`). `sk-ant-` belongs to Anthropic's validator.
pub(super) fn openai(text: &str, s: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let e = sk_body(b, s)?;
    let body = &b[s + 3..e];
    (body.len() >= 32 && looks_random(body)).then_some((s, e))
}

/// STRIPE_KEY: `sk_`, `rk_` or `pk_`, then `live_` or `test_`, then 16 or more alphanumerics.
pub(super) fn stripe(text: &str, s: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mode = b.get(s + 3..s + 8)?;
    if mode != b"live_" && mode != b"test_" {
        return None;
    }
    token(b, s, 8, 16, |c| c.is_ascii_alphanumeric()).map(|e| (s, e))
}

/// SLACK_TOKEN: `xox[abeprs]-` and `xapp-` tokens, at least ten `[A-Za-z0-9-]` with a digit.
pub(super) fn slack_token(text: &str, s: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let kind = b.get(s + 3..s + 5)?;
    // `xapp-` leaves `p-` here too.
    let known = matches!(kind, [b'a' | b'b' | b'e' | b'p' | b'r' | b's', b'-']);
    if !known || !left_ok(b, s) {
        return None;
    }
    let n = run(b, s + 5, |c| c.is_ascii_alphanumeric() || c == b'-');
    let mut e = s + 5 + n;
    while e > s + 5 && b[e - 1] == b'-' {
        e -= 1;
    }
    let body = &b[s + 5..e];
    (body.len() >= 10 && body.iter().any(u8::is_ascii_digit)).then_some((s, e))
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
    const UPNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    fn positives() -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY", "AKIA2E0A8F3B244C9986".into()),
            ("AWS_ACCESS_KEY", format!("ASIA{}", rnd(16, UPNUM))),
            ("GITHUB_TOKEN", format!("ghp_{}", rnd(36, ALNUM))),
            ("GITHUB_TOKEN", format!("ghs_{}", rnd(36, ALNUM))),
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
                "ANTHROPIC_API_KEY",
                format!("sk-ant-api03-{}-{}AA", rnd(80, ALNUM), rnd(12, ALNUM)),
            ),
            (
                "ANTHROPIC_API_KEY",
                format!("sk-ant-admin01-{}", rnd(50, ALNUM)),
            ),
            (
                "SLACK_TOKEN",
                "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx".into(),
            ),
            (
                "SLACK_TOKEN",
                "xoxp-1234567890-1234567890-1234567890-0123456789abcdef0123456789abcdef".into(),
            ),
            (
                "SLACK_TOKEN",
                "xapp-1-A0123456789-1234567890123-abcdef0123456789".into(),
            ),
            (
                "SLACK_TOKEN",
                "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
                    .into(),
            ),
            (
                "SLACK_TOKEN",
                "hooks.slack.com/services/T024BE7LD/B01234567/abcdEFGHijklMNOPqrstUVWX".into(),
            ),
            ("STRIPE_KEY", format!("sk_live_{}", rnd(24, ALNUM))),
            ("STRIPE_KEY", format!("rk_test_{}", rnd(99, ALNUM))),
            ("STRIPE_KEY", format!("pk_live_{}", rnd(16, ALNUM))),
        ]
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
        for t in [
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
        ] {
            assert!(secrets(t).is_empty(), "{t:?} -> {:?}", secrets(t));
        }
    }

    #[test]
    fn openai_vs_anthropic_vs_stripe() {
        let ant = format!("sk-ant-api03-{}", rnd(90, ALNUM));
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
