//! Prefix-anchored secret detection (AWS, GitHub, OpenAI, Anthropic, Slack, Stripe, plus the
//! PEM and JWT entry points): one Aho-Corasick automaton finds every prefix in a single pass.

use aho_corasick::{AhoCorasick, MatchKind};

use super::{jwt, pem, push, Enabled, Finding, TypeId};
use super::{ANTHROPIC, AWS, GITHUB, JWT, OPENAI, PRIVATE_KEY, SLACK, STRIPE};

/// What a prefix announces; decides which body rules apply after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Aws,
    GithubClassic,
    GithubPat,
    SkDash,
    Stripe,
    SlackToken,
    SlackWebhook,
    Pem,
    Jwt,
}

/// Every prefix with its kind; longer variants (`sk_live_`, `xoxb-`) are checked by the
/// handlers, because fewer, shorter patterns keep the automaton's SIMD prefilter precise.
/// Stripe's `sk_` (underscore) and OpenAI's `sk-` (dash) are distinct prefixes, so the two
/// never compete for the same text.
const PREFIXES: [(&str, Kind); 19] = [
    ("AKIA", Kind::Aws),
    ("ASIA", Kind::Aws),
    ("ABIA", Kind::Aws),
    ("ACCA", Kind::Aws),
    ("ghp_", Kind::GithubClassic),
    ("gho_", Kind::GithubClassic),
    ("ghu_", Kind::GithubClassic),
    ("ghs_", Kind::GithubClassic),
    ("ghr_", Kind::GithubClassic),
    ("github_pat_", Kind::GithubPat),
    ("sk-", Kind::SkDash),
    ("sk_", Kind::Stripe),
    ("rk_", Kind::Stripe),
    ("pk_", Kind::Stripe),
    ("xox", Kind::SlackToken),
    ("xapp-", Kind::SlackToken),
    ("hooks.slack.com/", Kind::SlackWebhook),
    ("-----BEGIN ", Kind::Pem),
    ("eyJ", Kind::Jwt),
];

/// The compiled prefix automaton.
pub(super) struct SecretScanner {
    ac: AhoCorasick,
}

impl SecretScanner {
    /// Builds the automaton over [`PREFIXES`].
    pub(super) fn new() -> Self {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(PREFIXES.iter().map(|(p, _)| p))
            .expect("the static secret prefixes always compile");
        SecretScanner { ac }
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
            let kind = PREFIXES[m.pattern().as_usize()].1;
            let hit: Option<(usize, usize, TypeId, &'static str)> = match kind {
                Kind::Aws => aws(b, s).map(|e| (s, e, AWS, "prefix")),
                Kind::GithubClassic => token(b, s, 4, 36, |c| c.is_ascii_alphanumeric())
                    .map(|e| (s, e, GITHUB, "prefix")),
                Kind::GithubPat => token(b, s, 11, 70, |c| c.is_ascii_alphanumeric() || c == b'_')
                    .map(|e| (s, e, GITHUB, "prefix")),
                Kind::SkDash => sk_dash(b, s),
                Kind::Stripe => stripe(b, s).map(|e| (s, e, STRIPE, "prefix")),
                Kind::SlackToken => slack_token(b, s).map(|e| (s, e, SLACK, "prefix")),
                Kind::SlackWebhook => slack_webhook(b, s).map(|(s, e)| (s, e, SLACK, "prefix")),
                Kind::Pem => pem::match_at(text, s).map(|e| (s, e, PRIVATE_KEY, "pem")),
                Kind::Jwt => jwt::match_at(b, s).map(|e| (s, e, JWT, "jwt-header")),
            };
            if let Some((s, e, id, detector)) = hit {
                if en.on(id) {
                    push(out, s, e, id, detector);
                    covered = e;
                }
            }
        }
    }
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

/// AWS access key ID: the four-letter prefix and exactly sixteen `[A-Z0-9]`.
fn aws(b: &[u8], s: usize) -> Option<usize> {
    if s > 0 && b[s - 1].is_ascii_alphanumeric() {
        return None;
    }
    let n = run(b, s + 4, |c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let e = s + 4 + n;
    (n == 16 && !b.get(e).is_some_and(u8::is_ascii_alphanumeric)).then_some(e)
}

/// True if a random-looking body has a digit or mixed case; real keys essentially always do,
/// while slugs such as `sk-this-is-a-long-hyphenated-phrase` do not.
fn looks_random(body: &[u8]) -> bool {
    let digit = body.iter().any(u8::is_ascii_digit);
    let upper = body.iter().any(u8::is_ascii_uppercase);
    let lower = body.iter().any(u8::is_ascii_lowercase);
    digit || (upper && lower)
}

/// `sk-` keys: Anthropic (`sk-ant-…`, body of 40 or more) or OpenAI (body of 32 or more,
/// including `sk-proj-…`, `sk-svcacct-…` and legacy `sk-…T3BlbkFJ…`).
fn sk_dash(b: &[u8], s: usize) -> Option<(usize, usize, TypeId, &'static str)> {
    if !left_ok(b, s) {
        return None;
    }
    let n = run(b, s + 3, is_token_char);
    let e = s + 3 + n;
    let body = &b[s + 3..e];
    if let Some(rest) = body.strip_prefix(b"ant-") {
        return (rest.len() >= 40 && looks_random(rest)).then_some((s, e, ANTHROPIC, "prefix"));
    }
    (n >= 32 && looks_random(body)).then_some((s, e, OPENAI, "prefix"))
}

/// Stripe keys: `sk_`, `rk_` or `pk_`, then `live_` or `test_`, then 16 or more alphanumerics.
fn stripe(b: &[u8], s: usize) -> Option<usize> {
    let mode = b.get(s + 3..s + 8)?;
    if mode != b"live_" && mode != b"test_" {
        return None;
    }
    token(b, s, 8, 16, |c| c.is_ascii_alphanumeric())
}

/// Slack `xox[abeprs]-` and `xapp-` tokens: at least ten `[A-Za-z0-9-]` containing a digit.
fn slack_token(b: &[u8], s: usize) -> Option<usize> {
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
    (body.len() >= 10 && body.iter().any(u8::is_ascii_digit)).then_some(e)
}

/// Slack incoming-webhook URLs, with or without the scheme: `hooks.slack.com/services/T…/B…/…`.
fn slack_webhook(b: &[u8], s: usize) -> Option<(usize, usize)> {
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
