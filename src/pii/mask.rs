//! Masking of detected values: keep just enough (public prefixes, the last few digits, the
//! email domain) for a person to recognize a value without learning it.

use super::types::Masker;

/// Masks a detected value so a person can recognize it without learning it: `j***@example.com`,
/// `****-****-****-4242` (keep separators, last 4 digits), `***-**-6789`, phone keeps last 2-4 digits,
/// IBAN keeps country + last 4, IPs keep first octet (`10.*.*.*`), secrets keep their public prefix and
/// last 2-4 chars (`AKIA************MPLE`, `sk-ant-…`, `ghp_****…`), PEM -> `-----BEGIN RSA PRIVATE KEY----- [redacted]`, JWT -> `eyJ***.***.***`.
/// It must never reveal more than about a quarter of the characters, and for values <= 6 chars nothing but type-shape.
pub fn apply(masker: Masker, value: &str) -> String {
    let n = value.chars().count();
    let masked = if n <= 6 {
        shape(value)
    } else {
        match masker {
            Masker::Email => email(value),
            Masker::PhoneDigits => {
                let digits = value.chars().filter(char::is_ascii_digit).count();
                keep_last_digits(value, (digits / 4).clamp(2, 4))
            }
            Masker::LastFourDigits => keep_last_digits(value, 4),
            Masker::Iban => iban(value),
            Masker::Ip => ip(value),
            Masker::Pem => pem(value),
            Masker::Jwt => "eyJ***.***.***".to_string(),
            Masker::Token(public) => secret(value, public_prefix(public, value)),
            Masker::AnthropicToken => secret(value, anthropic_prefix(value)),
            Masker::Generic => secret(value, 0),
            Masker::Url => url(value),
            Masker::Hidden => "*".repeat(n.min(16)),
            Masker::Name => super::names::mask(value),
            Masker::Address => super::address::mask(value),
        }
    };
    // Values made only of punctuation would survive shape masking unchanged.
    if masked.contains(value) {
        return "*".repeat(n.clamp(1, 8));
    }
    masked
}

/// Replaces every letter and digit with `*`, keeping punctuation: only the shape remains.
fn shape(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_alphanumeric() { '*' } else { c })
        .collect()
}

/// `john.doe@example.com` -> `j***@example.com`. Digits in the domain are masked too: the
/// address may hide an IP or a number that must not resurface once the address is masked.
fn email(value: &str) -> String {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return secret(value, 0);
    };
    let first: String = local.chars().take(1).collect();
    let domain: String = domain
        .chars()
        .map(|c| if c.is_ascii_digit() { '*' } else { c })
        .collect();
    format!("{first}***@{domain}")
}

/// Masks every letter and digit except the last `keep` digits; separators are kept.
fn keep_last_digits(value: &str, keep: usize) -> String {
    let total = value.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + keep > total {
                    return c;
                }
                '*'
            } else if c.is_alphanumeric() {
                '*'
            } else {
                c
            }
        })
        .collect()
}

/// Keeps the country code and the last four characters of an IBAN, and its spacing.
fn iban(value: &str) -> String {
    let total = value.chars().filter(|c| c.is_alphanumeric()).count();
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                return c;
            }
            seen += 1;
            if seen <= 2 || seen + 4 > total {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// `10.1.2.3` -> `10.*.*.*`; IPv6 keeps its first group: `2001:db8::1` -> `2001:*::*`.
fn ip(value: &str) -> String {
    let sep = if value.contains(':') { ':' } else { '.' };
    let mut parts = value.split(sep);
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.map(|g| if g.is_empty() { "" } else { "*" }).collect();
    let mut out = String::from(first);
    for g in rest {
        out.push(sep);
        out.push_str(g);
    }
    out
}

/// Keeps the BEGIN line of a PEM block and drops everything else.
fn pem(value: &str) -> String {
    let header = value.find("-----BEGIN ").and_then(|s| {
        let after = s + "-----BEGIN ".len();
        value[after..]
            .find("-----")
            .map(|k| &value[s..after + k + "-----".len()])
    });
    match header {
        Some(h) => format!("{h} [redacted]"),
        None => "-----BEGIN PRIVATE KEY----- [redacted]".to_string(),
    }
}

/// Returns the length of the first of `public` (the type's public prefixes, longest first where
/// one extends another) that `value` starts with, or 0.
fn public_prefix(public: &[&str], value: &str) -> usize {
    public
        .iter()
        .find(|p| value.starts_with(*p))
        .map_or(0, |p| p.len())
}

/// `postgres://admin:S3cr3t` -> `postgres://***:***`: only the scheme is kept.
fn url(value: &str) -> String {
    match value.split_once("://") {
        Some((scheme, info)) if info.starts_with(':') => format!("{scheme}://:***"),
        Some((scheme, _)) => format!("{scheme}://***:***"),
        None => "***".to_string(),
    }
}

/// Anthropic keys keep `sk-ant-` and the key kind (`api03-`), which is public and helps triage.
fn anthropic_prefix(value: &str) -> usize {
    if !value.starts_with("sk-ant-") {
        return 0;
    }
    let kind = value[7..].bytes().take(10).position(|c| c == b'-');
    kind.map_or(7, |k| 7 + k + 1)
}

/// Keeps the `prefix` bytes (ASCII, public) and the last 2–4 characters of the rest, when the
/// rest is long enough that they are at most a quarter of it.
fn secret(value: &str, prefix: usize) -> String {
    let (head, rest) = value.split_at(prefix.min(value.len()));
    let chars: Vec<char> = rest.chars().collect();
    let r = chars.len();
    let tail = if r >= 16 {
        4
    } else if r >= 8 {
        2
    } else {
        0
    };
    let stars = (r - tail).min(32);
    let mut out = String::with_capacity(head.len() + stars + 16);
    out.push_str(head);
    out.extend(std::iter::repeat_n('*', stars));
    out.extend(&chars[r - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::super::types::BUILTIN;
    use super::*;

    /// Masks as the registry's type `name` would, or as a custom type.
    fn mask(name: &str, value: &str) -> String {
        let m = BUILTIN
            .iter()
            .find(|d| d.name == name)
            .map_or(Masker::Generic, |d| d.mask);
        apply(m, value)
    }

    #[test]
    fn documented_examples() {
        assert_eq!(
            mask("EMAIL_ADDRESS", "john@example.com"),
            "j***@example.com"
        );
        assert_eq!(
            mask("CREDIT_CARD", "4242-4242-4242-4242"),
            "****-****-****-4242"
        );
        assert_eq!(mask("CREDIT_CARD", "4242424242424242"), "************4242");
        assert_eq!(mask("US_SSN", "123-45-6789"), "***-**-6789");
        assert_eq!(mask("PHONE_NUMBER", "(415) 555-0132"), "(***) ***-**32");
        assert_eq!(mask("PHONE_NUMBER", "+44 20 7946 0958"), "+** ** **** *958");
        assert_eq!(
            mask("IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
            "DE** **** **** **** **30 00"
        );
        assert_eq!(mask("IP_ADDRESS", "10.1.2.3"), "10.*.*.*");
        assert_eq!(mask("IP_ADDRESS", "2001:db8::1"), "2001:*::*");
        assert_eq!(
            mask("AWS_ACCESS_KEY", "AKIA2E0A8F3B244CMPLE"),
            "AKIA************MPLE"
        );
        assert_eq!(
            mask(
                "PRIVATE_KEY",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"
            ),
            "-----BEGIN RSA PRIVATE KEY----- [redacted]"
        );
        assert_eq!(
            mask("JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"),
            "eyJ***.***.***"
        );
        assert!(mask(
            "ANTHROPIC_API_KEY",
            &format!("sk-ant-api03-{}", "a1".repeat(45))
        )
        .starts_with("sk-ant-api03-***"));
        assert!(mask("GITHUB_TOKEN", &format!("ghp_{}", "Ab1".repeat(12))).starts_with("ghp_****"));
    }

    #[test]
    fn short_values_keep_only_shape() {
        assert_eq!(mask("EMAIL_ADDRESS", "a@b.co"), "*@*.**");
        assert_eq!(mask("IP_ADDRESS", "::1"), "::*");
        assert_eq!(mask("CUSTOM", "------"), "******");
        assert_eq!(mask("CUSTOM", ""), "*");
    }

    #[test]
    fn never_reveals_the_value() {
        let samples = [
            ("EMAIL_ADDRESS", "bob@10.0.0.1.nip.io"),
            ("PHONE_NUMBER", "+1 415 555 0132"),
            ("CREDIT_CARD", "4111 1111 1111 1111"),
            ("IBAN_CODE", "NO9386011117947"),
            ("IP_ADDRESS", "fe80::1ff:fe23:4567:890a"),
            ("OPENAI_API_KEY", "sk-proj-abcdefghijklmnopqrstuvwxyz012345"),
            (
                "SLACK_TOKEN",
                "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            ),
            ("STRIPE_KEY", "sk_live_0123456789abcdefABCDEF"),
            ("EMPLOYEE_ID", "EMP-123456"),
            ("EMPLOYEE_ID", "日本語のテキスト値です"),
        ];
        for (t, v) in samples {
            let m = mask(t, v);
            assert!(!m.contains(v), "{t} {v} -> {m}");
            let kept = m.chars().filter(|c| *c != '*').count();
            assert!(kept < v.chars().count(), "{t} {v} -> {m}");
        }
        assert_eq!(
            mask("EMAIL_ADDRESS", "bob@10.0.0.1.nip.io"),
            "b***@**.*.*.*.nip.io"
        );
        assert_eq!(mask("EMPLOYEE_ID", "EMP-123456"), "********56");
    }
}
