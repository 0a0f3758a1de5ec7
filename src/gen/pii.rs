//! Planted PII and secret values: contact details, network addresses, API keys and tokens,
//! private keys and JWTs in their real formats (numbers with check digits live in `finance`).

use super::finance;
use super::rng::{Rng, ALNUM, HEX};
use crate::pii::checksum::{base62_6, crc32};

/// A kind of planted sensitive value; `as_str` is the `pii_type` column of the truth file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PiiKind {
    Email,
    Phone,
    CreditCard,
    Ssn,
    Iban,
    Ipv4,
    Ipv6,
    AwsAccessKey,
    GithubToken,
    OpenaiKey,
    AnthropicKey,
    SlackToken,
    StripeKey,
    PrivateKey,
    Jwt,
    /// A national identifier, wallet, MAC address or date of birth: an index into
    /// `national::KINDS`.
    National(u8),
    /// Planted by `people`, from its own stream (not drawn from [`KINDS`]).
    Person,
    /// Planted by `people`, from its own stream (not drawn from [`KINDS`]).
    Address,
    /// A provider secret: an index into `secrets::KINDS`. Planted by `secrets`, from its own
    /// stream (not drawn from [`KINDS`]).
    Secret(u8),
}

/// Every kind with its relative planting frequency.
pub(crate) const KINDS: &[(PiiKind, f64)] = &[
    (PiiKind::Email, 20.0),
    (PiiKind::Phone, 15.0),
    (PiiKind::CreditCard, 10.0),
    (PiiKind::Ssn, 6.0),
    (PiiKind::Iban, 6.0),
    (PiiKind::Ipv4, 8.0),
    (PiiKind::Ipv6, 4.0),
    (PiiKind::AwsAccessKey, 5.0),
    (PiiKind::GithubToken, 4.0),
    (PiiKind::OpenaiKey, 5.0),
    (PiiKind::AnthropicKey, 4.0),
    (PiiKind::SlackToken, 3.0),
    (PiiKind::StripeKey, 3.0),
    (PiiKind::PrivateKey, 2.0),
    (PiiKind::Jwt, 5.0),
    // Drawn as one kind, then one of `national::KINDS` uniformly.
    (PiiKind::National(0), 25.0),
];

impl PiiKind {
    /// Returns the `pii_type` label written to the truth file (the contract's type names).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PiiKind::Email => "EMAIL_ADDRESS",
            PiiKind::Phone => "PHONE_NUMBER",
            PiiKind::CreditCard => "CREDIT_CARD",
            PiiKind::Ssn => "US_SSN",
            PiiKind::Iban => "IBAN_CODE",
            PiiKind::Ipv4 => "IP_ADDRESS",
            PiiKind::Ipv6 => "IP_ADDRESS",
            PiiKind::AwsAccessKey => "AWS_ACCESS_KEY",
            PiiKind::GithubToken => "GITHUB_TOKEN",
            PiiKind::OpenaiKey => "OPENAI_API_KEY",
            PiiKind::AnthropicKey => "ANTHROPIC_API_KEY",
            PiiKind::SlackToken => "SLACK_TOKEN",
            PiiKind::StripeKey => "STRIPE_KEY",
            PiiKind::PrivateKey => "PRIVATE_KEY",
            PiiKind::Jwt => "JWT",
            PiiKind::National(i) => super::national::KINDS[usize::from(i)].label,
            PiiKind::Person => "PERSON",
            PiiKind::Address => "ADDRESS",
            PiiKind::Secret(i) => super::secrets::KINDS[usize::from(i)].label,
        }
    }

    /// Draws a kind according to [`KINDS`].
    pub(crate) fn draw(rng: &mut Rng) -> PiiKind {
        let w: Vec<f64> = KINDS.iter().map(|k| k.1).collect();
        match KINDS[rng.weighted(&w)].0 {
            PiiKind::National(_) => PiiKind::National(super::national::draw(rng)),
            k => k,
        }
    }
}

/// First names used in emails, JWT claims and prose.
pub(crate) const FIRST: &[&str] = &[
    "john", "maria", "wei", "priya", "olga", "ahmed", "lucas", "sofia", "kenji", "fatima", "liam",
    "chloe", "diego", "anna", "noah", "emma", "mateo", "aiko", "omar", "ines",
];
const LAST: &[&str] = &[
    "smith",
    "garcia",
    "chen",
    "patel",
    "ivanova",
    "hassan",
    "mueller",
    "rossi",
    "tanaka",
    "kowalski",
    "nguyen",
    "dubois",
    "silva",
    "oconnor",
    "johansson",
    "okafor",
];
const MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "yahoo.co.uk",
    "proton.me",
    "icloud.com",
    "acme-corp.com",
    "globex.io",
    "web.de",
    "hotmail.fr",
    "fastmail.fm",
    "initech.co",
    "umbrella-health.org",
];
const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// The base64url alphabet (RFC 4648 §5).
pub(crate) const B64URL: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// The standard base64 alphabet (RFC 4648 §4).
pub(crate) const B64STD: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Generates one value of `kind`.
pub(crate) fn make(kind: PiiKind, rng: &mut Rng) -> String {
    let mut s = String::with_capacity(48);
    match kind {
        PiiKind::Email => email(rng, &mut s),
        PiiKind::Phone => phone(rng, &mut s),
        PiiKind::CreditCard => s = finance::credit_card(rng),
        PiiKind::Ssn => {
            let area = loop {
                let a = rng.range(1, 899);
                if a != 666 {
                    break a;
                }
            };
            s = format!(
                "{area:03}-{:02}-{:04}",
                rng.range(1, 99),
                rng.range(1, 9999)
            );
        }
        PiiKind::Iban => s = finance::iban(rng, true),
        PiiKind::Ipv4 => s = ipv4(rng),
        PiiKind::Ipv6 => s = ipv6(rng),
        PiiKind::AwsAccessKey => {
            s.push_str(if rng.chance(0.85) { "AKIA" } else { "ASIA" });
            rng.push_chars(&mut s, B32, 16);
        }
        PiiKind::GithubToken => {
            // The last six characters are the base62 CRC-32 of the other thirty; they are drawn
            // and then overwritten, so the stream advances as it did before they were checked.
            s.push_str("ghp_");
            rng.push_chars(&mut s, ALNUM, 36);
            let crc = base62_6(crc32(&s.as_bytes()[4..34]));
            s.truncate(34);
            s.push_str(std::str::from_utf8(&crc).unwrap_or_default());
        }
        PiiKind::OpenaiKey => {
            s.push_str("sk-proj-");
            rng.push_chars(&mut s, B64URL, 74);
            s.push_str("T3BlbkFJ");
            rng.push_chars(&mut s, B64URL, 73);
            rng.push_chars(&mut s, ALNUM, 1);
        }
        PiiKind::AnthropicKey => {
            s.push_str("sk-ant-api03-");
            rng.push_chars(&mut s, B64URL, 93);
            s.push_str("AA");
        }
        PiiKind::SlackToken => {
            s.push_str("xoxb-");
            rng.push_digits(&mut s, 11);
            s.push('-');
            rng.push_digits(&mut s, 13);
            s.push('-');
            rng.push_chars(&mut s, ALNUM, 24);
        }
        PiiKind::StripeKey => {
            s.push_str("sk_live_");
            if rng.chance(0.5) {
                s.push_str("51");
                rng.push_chars(&mut s, ALNUM, 97);
            } else {
                rng.push_chars(&mut s, ALNUM, 24);
            }
        }
        PiiKind::PrivateKey => s = pem(rng),
        PiiKind::Jwt => s = jwt(rng),
        PiiKind::National(i) => s = super::national::make(i, rng),
        PiiKind::Person => s = super::people::person(rng).1,
        PiiKind::Address => s = super::people::address(rng).1,
        PiiKind::Secret(i) => s = super::secrets::make(usize::from(i), rng),
    }
    s
}

fn email(rng: &mut Rng, s: &mut String) {
    let (f, l) = (*rng.pick(FIRST), *rng.pick(LAST));
    match rng.below(5) {
        0 => s.push_str(&format!("{f}.{l}")),
        1 => s.push_str(&format!("{f}_{l}{}", rng.range(1, 99))),
        2 => s.push_str(&format!("{}{l}", &f[..1])),
        3 => s.push_str(&format!(
            "{f}.{l}+{}",
            rng.pick(&["billing", "work", "news", "ai"])
        )),
        _ => s.push_str(&format!("{}.{}", f.to_uppercase(), l)),
    }
    s.push('@');
    s.push_str(rng.pick::<&str>(MAIL_DOMAINS));
}

fn phone(rng: &mut Rng, s: &mut String) {
    if rng.chance(0.6) {
        // NANP: area and exchange never start with 0/1, avoid N11 and the fictional 555.
        let area = loop {
            let a = rng.range(200, 989);
            if a % 100 != 11 && (a / 10) % 10 != 9 {
                break a;
            }
        };
        let exch = loop {
            let e = rng.range(200, 999);
            if e % 100 != 11 && e != 555 {
                break e;
            }
        };
        let line = rng.range(0, 9999);
        let out = match rng.below(5) {
            0 => format!("({area}) {exch}-{line:04}"),
            1 => format!("{area}-{exch}-{line:04}"),
            2 => format!("{area}.{exch}.{line:04}"),
            3 => format!("+1 {area} {exch} {line:04}"),
            _ => format!("+1-{area}-{exch}-{line:04}"),
        };
        s.push_str(&out);
    } else {
        let pat = *rng.pick(&[
            "+44 20 [01378]XXX XXXX",
            "+44 7[123]XX XXXXXX",
            "+49 30 NXXXXXXX",
            "+49 15[1279] XXXXXXXX",
            "+33 1 NX XX XX XX",
            "+33 6 [0124578]X XX XX XX",
            "+81 3-NXXX-XXXX",
            "+81 90-NXXX-XXXX",
            "+91 9[89]XXX XXXXX",
            "+61 2 [26789]XXX XXXX",
            "+61 4[236]X XXX XXX",
            "+55 11 9NXXX-XXXX",
        ]);
        rng.fill_pattern(pat, s);
    }
}

fn ipv4(rng: &mut Rng) -> String {
    // Public-looking first octets only: client addresses in logs are rarely private.
    let a = loop {
        let a = rng.range(1, 223);
        if ![10, 100, 127, 169, 172, 192].contains(&a) {
            break a;
        }
    };
    format!(
        "{a}.{}.{}.{}",
        rng.below(256),
        rng.below(256),
        rng.range(1, 254)
    )
}

fn ipv6(rng: &mut Rng) -> String {
    let head = *rng.pick(&[
        "2001:4860",
        "2a02:8108",
        "2600:1f18",
        "2607:f8b0",
        "2a01:4f8",
        "2400:cb00",
    ]);
    let tail: Vec<String> = (0..6)
        .map(|_| format!("{:x}", rng.below(0x10000)))
        .collect();
    if rng.chance(0.35) {
        // Compress a run of two zero groups the way RFC 5952 writers do.
        let i = rng.range(1, 3) as usize;
        format!(
            "{head}:{}::{}",
            tail[..i].join(":"),
            tail[i + 2..].join(":")
        )
    } else {
        format!("{head}:{}", tail.join(":"))
    }
}

/// Encodes bytes as base64url without padding, as JWTs do.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    base64(bytes, B64URL, false)
}

/// Encodes bytes in base64 with `alphabet`, padded with `=` to whole groups when `pad`.
pub(crate) fn base64(bytes: &[u8], alphabet: &[u8], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(char::from(alphabet[((n >> (18 - 6 * k)) & 63) as usize]));
        }
        if pad {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

fn jwt(rng: &mut Rng) -> String {
    let rs = rng.chance(0.4);
    let header = if rs {
        let mut kid = String::new();
        rng.push_chars(&mut kid, HEX, 8);
        format!(r#"{{"alg":"RS256","typ":"JWT","kid":"{kid}"}}"#)
    } else {
        r#"{"alg":"HS256","typ":"JWT"}"#.to_string()
    };
    let iat = 1_790_000_000 + rng.below(10_000_000);
    let payload = format!(
        r#"{{"sub":"usr_{}","name":"{} {}","iat":{iat},"exp":{},"scope":"read write"}}"#,
        rng.range(10_000, 99_999),
        rng.pick(FIRST),
        rng.pick(LAST),
        iat + 3600
    );
    let sig: Vec<u8> = (0..if rs { 256 } else { 32 })
        .map(|_| rng.below(256) as u8)
        .collect();
    format!(
        "{}.{}.{}",
        base64url(header.as_bytes()),
        base64url(payload.as_bytes()),
        base64url(&sig)
    )
}

fn pem(rng: &mut Rng) -> String {
    let (label, lead, lines) = *rng.pick(&[
        ("RSA PRIVATE KEY", "MIIEpAIBAAKCAQEA", 25usize),
        ("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 26),
        ("EC PRIVATE KEY", "MHcCAQEEI", 3),
        (
            "OPENSSH PRIVATE KEY",
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
            7,
        ),
    ]);
    let mut body = String::from(lead);
    let total = lines * 64 - rng.range(4, 40) as usize;
    rng.push_chars(&mut body, B64STD, total - lead.len());
    let mut out = format!("-----BEGIN {label}-----\n");
    for (i, chunk) in body.as_bytes().chunks(64).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    out.push_str(&format!("\n-----END {label}-----"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::finance::{iban_valid, luhn_valid, ssn_valid};

    #[test]
    fn planted_values_validate() {
        let mut rng = Rng::new(11);
        for _ in 0..500 {
            assert!(luhn_valid(&make(PiiKind::CreditCard, &mut rng)));
            assert!(iban_valid(&make(PiiKind::Iban, &mut rng)));
            assert!(ssn_valid(&make(PiiKind::Ssn, &mut rng)));
            let aws = make(PiiKind::AwsAccessKey, &mut rng);
            assert_eq!(aws.len(), 20);
            assert_ne!(aws, "AKIAIOSFODNN7EXAMPLE");
            assert_eq!(make(PiiKind::GithubToken, &mut rng).len(), 40);
            assert_eq!(make(PiiKind::AnthropicKey, &mut rng).len(), 13 + 95);
        }
        assert!(iban_valid("DE89 3704 0044 0532 0130 00"));
        assert!(iban_valid("GB29NWBK60161331926819"));
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(!ssn_valid("912-34-5678") && !ssn_valid("000-12-3456"));
    }

    #[test]
    fn jwt_parts_decode() {
        let mut rng = Rng::new(5);
        let t = make(PiiKind::Jwt, &mut rng);
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert!(
            parts[0].starts_with("eyJ"),
            "header must be base64url of a JSON object: {t}"
        );
        assert_eq!(
            base64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        );
    }
}
