//! Secrets in assignments of code, config and env files (`password = "…"`, `api_key: …`,
//! `COHERE_API_KEY=…`): a keyword in the name, then the value, kept only if it is not a
//! reference or placeholder and has the entropy of a real secret. The name also tells the
//! vendor of keys whose format has no prefix (Azure, Cohere, Mistral, DeepSeek, Datadog, …).

use super::placeholder::{is_placeholder, shannon};
use super::types::id;
use super::{push, Enabled, Finding, TypeId};

/// Words that make a name a credential's name.
const KEYWORDS: [&str; 9] = [
    "password",
    "passwd",
    "pwd",
    "secret",
    "api_key",
    "apikey",
    "api-key",
    "token",
    "access_key",
];

/// Longest value considered; longer runs are documents, not secrets.
const MAX_VALUE: usize = 256;

/// The assignment scanner. It holds no state: candidates are found from the operators, which
/// `memchr` finds far faster than an automaton over case-insensitive keywords would.
pub(super) struct AssignScanner;

impl AssignScanner {
    /// Creates the scanner.
    pub(super) fn new() -> Self {
        AssignScanner
    }

    /// Appends the assigned secrets of `text` whose types are enabled to `out`.
    pub(super) fn scan(&self, text: &str, en: &Enabled, out: &mut Vec<Finding>) {
        let b = text.as_bytes();
        let mut next = 0;
        for p in memchr::memchr2_iter(b'=', b':', b) {
            if p < next {
                continue;
            }
            // The name ends before optional closing quotes, an escape or a `]`.
            let mut ne = p;
            while ne > 0
                && p - ne < 4
                && matches!(b[ne - 1], b' ' | b'\t' | b'"' | b'\'' | b'\\' | b']')
            {
                ne -= 1;
            }
            let mut ns = ne;
            while ns > 0 && ne - ns < 64 && is_name(b[ns - 1]) {
                ns -= 1;
            }
            if ne - ns < 3 || !has_keyword(&b[ns..ne]) {
                continue;
            }
            let Some((vs, ve)) = value_after(b, ne) else {
                continue;
            };
            let name = text[ns..ne].to_ascii_lowercase();
            if let Some(type_id) = classify(&name, &b[vs..ve]) {
                if en.on(type_id) {
                    push(out, vs, ve, type_id, "assignment");
                    next = ve;
                }
            }
        }
    }
}

/// True if `name` contains a credential keyword, in any case.
fn has_keyword(name: &[u8]) -> bool {
    KEYWORDS.iter().any(|k| {
        name.windows(k.len())
            .any(|w| w.eq_ignore_ascii_case(k.as_bytes()))
    })
}

/// Characters of a name (`DB_PASSWORD`, `spring.datasource.password`, `x-api-key`).
fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')
}

/// After a name ending at `i`: an optional closing quote (escaped or not), an assignment
/// operator (`=`, `:`, `:=`, `=>`; not `==`), an optional opening quote, then the value.
/// Returns the value's span.
fn value_after(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    let skip_ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    if b.get(i) == Some(&b'\\') {
        i += 1;
    }
    if matches!(b.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    if b.get(i) == Some(&b']') {
        i += 1;
    }
    i = skip_ws(i);
    match (b.get(i), b.get(i + 1)) {
        (Some(b'='), Some(b'=')) => return None,
        (Some(b':'), Some(b'=')) | (Some(b'='), Some(b'>')) => i += 2,
        (Some(b'=' | b':'), _) => i += 1,
        _ => return None,
    }
    i = skip_ws(i);
    if b.get(i) == Some(&b'\\') && matches!(b.get(i + 1), Some(b'"' | b'\'')) {
        i += 1;
    }
    let quote = match b.get(i) {
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            i += 1;
            Some(q)
        }
        _ => None,
    };
    let start = i;
    let limit = (start + MAX_VALUE + 1).min(b.len());
    let mut e = start;
    while e < limit {
        let c = b[e];
        let stop = match quote {
            Some(q) => c == q || c == b'\\' || c == b'\n' || c == b'\r',
            None => {
                c.is_ascii_whitespace()
                    || matches!(
                        c,
                        b',' | b';'
                            | b'&'
                            | b')'
                            | b'}'
                            | b']'
                            | b'"'
                            | b'\''
                            | b'\\'
                            | b'<'
                            | b'>'
                    )
            }
        };
        if stop {
            break;
        }
        e += 1;
    }
    if e == limit && limit - start > MAX_VALUE {
        return None;
    }
    if let Some(q) = quote {
        let closed = b.get(e) == Some(&q) || b.get(e) == Some(&b'\\');
        if !closed {
            return None;
        }
    }
    (e > start).then_some((start, e))
}

/// True if `value` refers to a secret held elsewhere instead of holding one: variables,
/// templates, environment and vault lookups, masked or empty values, paths and URLs.
fn is_reference(value: &[u8]) -> bool {
    let lower = value.to_ascii_lowercase();
    let starts = |p: &[u8]| lower.starts_with(p);
    value.first().is_some_and(|c| {
        matches!(
            c,
            b'$' | b'%' | b'{' | b'<' | b'[' | b'(' | b'/' | b'~' | b'@'
        )
    }) || starts(b"process.env")
        || starts(b"os.environ")
        || starts(b"os.getenv")
        || starts(b"getenv")
        || starts(b"env.")
        || starts(b"env(")
        || starts(b"secrets.")
        || starts(b"vault:")
        || starts(b"enc[")
        || starts(b"./")
        || starts(b"null")
        || starts(b"none")
        || starts(b"true")
        || starts(b"false")
        || starts(b"bearer")
        || starts(b"basic")
        || lower.windows(3).any(|w| w == b"://")
        || value.iter().all(|c| c.is_ascii_digit() || *c == b'.')
}

/// How many of lowercase, uppercase, digits and other symbols `value` mixes.
fn classes(value: &[u8]) -> usize {
    let lower = value.iter().any(u8::is_ascii_lowercase);
    let upper = value.iter().any(u8::is_ascii_uppercase);
    let digit = value.iter().any(u8::is_ascii_digit);
    let symbol = value
        .iter()
        .any(|c| c.is_ascii_punctuation() && !matches!(c, b'_' | b'-' | b'.'));
    usize::from(lower) + usize::from(upper) + usize::from(digit) + usize::from(symbol)
}

/// `n` bytes, all of `class`.
fn all(value: &[u8], n: usize, class: impl Fn(u8) -> bool) -> bool {
    value.len() == n && value.iter().all(|&c| class(c))
}

fn hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

fn alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// The vendor a name announces, if the value has that vendor's key shape.
fn vendor(name: &str, v: &[u8]) -> Option<TypeId> {
    let has = |w: &str| name.contains(w);
    let b64 = |c: u8| c.is_ascii_alphanumeric() || c == b'/' || c == b'+';
    let tok = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    if has("aws") && has("secret") && all(v, 40, b64) {
        return Some(id("AWS_SECRET_KEY"));
    }
    if has("azure")
        && (all(v, 32, hex)
            || (v.len() == 88 && v.ends_with(b"==") && v[..86].iter().all(|&c| b64(c))))
    {
        return Some(id("AZURE_API_KEY"));
    }
    if has("cohere") && all(v, 40, alnum) {
        return Some(id("COHERE_API_KEY"));
    }
    if has("mistral") && all(v, 32, alnum) {
        return Some(id("MISTRAL_API_KEY"));
    }
    if has("deepseek") && v.starts_with(b"sk-") && all(&v[3..], 32, hex) {
        return Some(id("DEEPSEEK_API_KEY"));
    }
    if has("together") && (all(v, 64, hex) || (v.starts_with(b"tgp_v1_") && v.len() >= 40)) {
        return Some(id("TOGETHER_API_KEY"));
    }
    if (has("datadog") || has("dd_api") || has("dd_app")) && (all(v, 32, hex) || all(v, 40, hex)) {
        return Some(id("DATADOG_API_KEY"));
    }
    if has("twilio") && all(v, 32, hex) {
        return Some(id("TWILIO_AUTH_TOKEN"));
    }
    if has("mailchimp")
        && v.len() >= 36
        && v[..32].iter().all(|&c| hex(c))
        && v[32..].starts_with(b"-us")
    {
        return Some(id("MAILCHIMP_API_KEY"));
    }
    if has("postmark") && is_uuid(v) {
        return Some(id("POSTMARK_TOKEN"));
    }
    if has("discord") && discord_bot_token(v) {
        return Some(id("DISCORD_BOT_TOKEN"));
    }
    if (has("cloudflare") || has("cf_api")) && all(v, 40, tok) {
        return Some(id("CLOUDFLARE_API_TOKEN"));
    }
    None
}

/// `8-4-4-4-12` hex digits.
fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, &c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Discord bot tokens: base64 of the bot's numeric id (23–28), `.`, 6, `.`, 27–38 characters.
fn discord_bot_token(v: &[u8]) -> bool {
    let parts: Vec<&[u8]> = v.split(|&c| c == b'.').collect();
    parts.len() == 3
        && (23..=28).contains(&parts[0].len())
        && parts[1].len() == 6
        && (27..=38).contains(&parts[2].len())
}

/// The type of an assigned value, or `None` if it is not a secret: vendor keys by name and
/// shape; passwords of 8 or more characters mixing three character classes; other secrets,
/// keys and tokens of 16 or more random-looking characters.
fn classify(name: &str, value: &[u8]) -> Option<TypeId> {
    if value.len() < 8 || is_reference(value) || is_placeholder(value) {
        return None;
    }
    if let Some(t) = vendor(name, value) {
        return Some(t);
    }
    let entropy = shannon(value);
    if name.contains("pass") || name.contains("pwd") {
        return (classes(value) >= 3 && entropy >= 3.0).then(|| id("PASSWORD"));
    }
    let random = value.len() >= 16 && entropy >= 3.5 && classes(value) >= 2;
    random.then(|| id("GENERIC_SECRET"))
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig};

    fn found(text: &str) -> Vec<(String, String)> {
        Detectors::new(&PiiConfig::default()).unwrap().found(text)
    }

    #[test]
    fn assignments_in_many_syntaxes() {
        let pw = "hunter2-Xq9#kLm2";
        for t in [
            format!("password = \"{pw}\""),
            format!("DB_PASSWORD={pw}"),
            format!("  db.password: '{pw}'"),
            format!("{{\"password\": \"{pw}\"}}"),
            format!("{{\\\"password\\\": \\\"{pw}\\\"}}"),
            format!("set pwd := `{pw}`;"),
            format!("$conf['smtp_passwd'] => '{pw}'"),
        ] {
            assert_eq!(found(&t), [("PASSWORD".to_string(), pw.to_string())], "{t}");
        }
        let key = "q9XvB2mL7rT4wK8nZ3pD6sF1";
        assert_eq!(
            found(&format!("client_secret: {key}")),
            [("GENERIC_SECRET".to_string(), key.to_string())]
        );
    }

    #[test]
    fn vendor_keys_by_name() {
        let cases = [
            (
                "AWS_SECRET_ACCESS_KEY",
                "wJ8rXtU2nFEMk/K7MDENG/bPxRfiCYq3Zt9LpQ5v",
                "AWS_SECRET_KEY",
            ),
            (
                "AZURE_OPENAI_API_KEY",
                "3f9a0c7b21e84d5f9a6c0e1b7d2f4a83",
                "AZURE_API_KEY",
            ),
            (
                "COHERE_API_KEY",
                "z63FfkCzJr4i0B3JrTAwR4y9ojfljoQoaF1Llqsa",
                "COHERE_API_KEY",
            ),
            (
                "MISTRAL_API_KEY",
                "Zq8Lm2Rt6Vw0Yb4Nc7Hd3Kf9Jg5Ps1Xa",
                "MISTRAL_API_KEY",
            ),
            (
                "DEEPSEEK_API_KEY",
                "sk-3f9a0c7b21e84d5f9a6c0e1b7d2f4a83",
                "DEEPSEEK_API_KEY",
            ),
            (
                "TOGETHER_API_KEY",
                "3f9a0c7b21e84d5f9a6c0e1b7d2f4a833f9a0c7b21e84d5f9a6c0e1b7d2f4a84",
                "TOGETHER_API_KEY",
            ),
            (
                "DD_API_KEY",
                "3f9a0c7b21e84d5f9a6c0e1b7d2f4a83",
                "DATADOG_API_KEY",
            ),
            (
                "TWILIO_AUTH_TOKEN",
                "3f9a0c7b21e84d5f9a6c0e1b7d2f4a83",
                "TWILIO_AUTH_TOKEN",
            ),
            (
                "MAILCHIMP_API_KEY",
                "3f9a0c7b21e84d5f9a6c0e1b7d2f4a83-us21",
                "MAILCHIMP_API_KEY",
            ),
            (
                "POSTMARK_SERVER_TOKEN",
                "3f9a0c7b-21e8-4d5f-9a6c-0e1b7d2f4a83",
                "POSTMARK_TOKEN",
            ),
            (
                "DISCORD_BOT_TOKEN",
                "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.Gx7Yq2.Zq8Lm2Rt6Vw0Yb4Nc7Hd3Kf9Jg5Ps1Xa",
                "DISCORD_BOT_TOKEN",
            ),
            (
                "CLOUDFLARE_API_TOKEN",
                "z63FfkCzJr4i0B3JrTAwR4y9ojfljoQoaF1Llqsa",
                "CLOUDFLARE_API_TOKEN",
            ),
        ];
        for (name, value, ty) in cases {
            let t = format!("export {name}=\"{value}\"");
            assert_eq!(found(&t), [(ty.to_string(), value.to_string())], "{t}");
        }
    }

    #[test]
    fn references_placeholders_and_weak_values_are_not_secrets() {
        for t in [
            "password = \"${DB_PASSWORD}\"",
            "password: {{ vault.db }}",
            "password = os.environ['DB_PASSWORD']",
            "password = process.env.DB_PASSWORD",
            "password: <your-password>",
            "password = \"changeme\"",
            "password = \"password123\"",
            "password: ********",
            "api_key = \"your_api_key_here\"",
            "api_key = \"xxxxxxxxxxxxxxxxxxxxxxxx\"",
            "token == \"abcdefgh12345678\"",
            "max_tokens: 4096",
            "token_type: bearer",
            "the password: is written down somewhere",
            "secret: null",
            "API_KEY=REPLACE_WITH_YOUR_KEY",
            "token = \"abcdefghijklmnopqrstuvwx\"",
        ] {
            assert!(found(t).is_empty(), "{t} -> {:?}", found(t));
        }
    }
}
