//! The registry of built-in PII and secret types: one definition per type (name, class, data
//! class, how it is found and validated, how it is masked and normalised, its priority), from
//! which detection, masking, fingerprints, tallies and the documented type list are derived.

use super::TypeId;

/// What kind of value a type is; decides whether findings count as secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Personal data about a person (email, phone, card, SSN, IBAN).
    Pii,
    /// A value that identifies a machine or account rather than a person (IP address).
    Identifier,
    /// A credential: whoever holds it can act as its owner.
    Secret,
}

impl Class {
    /// The lowercase name used in docs.
    pub fn name(self) -> &'static str {
        match self {
            Class::Pii => "pii",
            Class::Identifier => "identifier",
            Class::Secret => "secret",
        }
    }
}

/// Data classes, from least to most sensitive; a record takes the most sensitive class of its
/// findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataClass {
    Public,
    Internal,
    Confidential,
    Pii,
}

impl DataClass {
    /// Every class, least sensitive first (the row order of `pii_classes.csv`).
    pub const ALL: [DataClass; 4] = [
        DataClass::Public,
        DataClass::Internal,
        DataClass::Confidential,
        DataClass::Pii,
    ];

    /// The name used in config and reports.
    pub fn name(self) -> &'static str {
        match self {
            DataClass::Public => "public",
            DataClass::Internal => "internal",
            DataClass::Confidential => "confidential",
            DataClass::Pii => "pii",
        }
    }

    /// Parses a class name as written in config.
    pub fn parse(s: &str) -> Option<DataClass> {
        DataClass::ALL.into_iter().find(|c| c.name() == s)
    }
}

/// How a detected value is masked for display; see `mask::apply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Masker {
    /// First character of the local part and the domain, digits in the domain masked.
    Email,
    /// Last 2–4 digits (a quarter of the digits), separators kept.
    PhoneDigits,
    /// Last four digits, separators kept.
    LastFourDigits,
    /// Country code and last four characters.
    Iban,
    /// First octet or group.
    Ip,
    /// The BEGIN line only.
    Pem,
    /// A fixed shape: nothing of the token is kept.
    Jwt,
    /// The longest matching public prefix of the list, then the last 2–4 characters.
    Token(&'static [&'static str]),
    /// Anthropic keys: `sk-ant-` and the key kind (`api03-`), then the last 4 characters.
    AnthropicToken,
    /// No public prefix: the last 2–4 characters only (custom types).
    Generic,
}

/// How a value is spelled canonically before it is fingerprinted, so trivially different
/// spellings of the same value get the same fingerprint; see `fingerprint::normalize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalizer {
    /// Lowercase (emails).
    Lowercase,
    /// Digits only (cards, SSNs).
    Digits,
    /// Digits only, without the NANP trunk `1` of an 11-digit number.
    PhoneDigits,
    /// Uppercase letters and digits only (IBANs).
    UpperAlnum,
    /// Canonical IP text (compressed IPv6, IPv4 without leading zeros).
    Ip,
    /// Whitespace removed (PEM blocks, whose line breaks vary).
    NoWhitespace,
    /// Surrounding whitespace trimmed only (tokens and custom types).
    Trim,
}

/// A shared text scanner that finds several types in one pass; it runs when any type that
/// names it is enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanner {
    /// `email::scan`.
    Email,
    /// `digits::scan`: phone, card, SSN, IBAN and IPv4 from one walk over digit runs.
    Digits,
    /// `ip::scan_v6`.
    Ipv6,
}

/// Scanners in the order they run.
pub(crate) const SCANNERS: [Scanner; 3] = [Scanner::Email, Scanner::Digits, Scanner::Ipv6];

/// Checks a candidate whose literal prefix starts at byte `s` of the text; returns the span of
/// the value (its start may lie before `s`, e.g. a URL scheme before a host prefix).
pub type Validate = fn(text: &str, s: usize) -> Option<(usize, usize)>;

/// A literal that announces a value of a type, with the validator that decides and delimits it.
#[derive(Debug, Clone, Copy)]
pub struct Prefix {
    /// The literal searched for by the prefix automaton.
    pub literal: &'static str,
    /// Decides whether a real value starts here.
    pub validate: Validate,
    /// The `detector` column of findings made through this prefix.
    pub detector: &'static str,
}

/// How the values of a type are found.
#[derive(Debug, Clone, Copy)]
pub enum Find {
    /// By shared text scanners (which push the type ids themselves).
    Scanners(&'static [Scanner]),
    /// After one of these literal prefixes, found together with every other prefix in one
    /// Aho-Corasick pass.
    Prefixes(&'static [Prefix]),
}

/// The definition of one built-in type.
#[derive(Debug, Clone, Copy)]
pub struct TypeDef {
    /// The name in reports, config and redaction tags (`EMAIL_ADDRESS`).
    pub name: &'static str,
    /// Whether the type is personal data, an identifier or a secret.
    pub class: Class,
    /// The data class a record with a finding of this type gets by default.
    pub data_class: DataClass,
    /// Overlap resolution rank: the more specific a format, the higher.
    pub priority: u8,
    /// How values are found.
    pub find: Find,
    /// How values are masked.
    pub mask: Masker,
    /// How values are spelled before fingerprinting.
    pub normalize: Normalizer,
    /// One sentence for the docs: the format and how it is validated.
    pub doc: &'static str,
}

impl TypeDef {
    /// True for credentials.
    pub fn is_secret(&self) -> bool {
        self.class == Class::Secret
    }
}

/// A type as the detectors see it at run time: a built-in definition or a custom type.
#[derive(Debug, Clone)]
pub struct TypeInfo {
    /// The type's name.
    pub name: String,
    /// Whether findings of the type count as secrets, PII or identifiers.
    pub class: Class,
    /// Default data class of a record with a finding of this type.
    pub data_class: DataClass,
    /// Overlap resolution rank.
    pub priority: u8,
    /// How values are masked.
    pub mask: Masker,
    /// How values are spelled before fingerprinting.
    pub normalize: Normalizer,
}

impl TypeInfo {
    /// The run-time view of a built-in definition.
    pub fn builtin(d: &TypeDef) -> TypeInfo {
        TypeInfo {
            name: d.name.to_string(),
            class: d.class,
            data_class: d.data_class,
            priority: d.priority,
            mask: d.mask,
            normalize: d.normalize,
        }
    }

    /// A custom type from `[[pii.custom]]`: generic masking, trimmed fingerprints; a secret
    /// ranks with the built-in secrets and is confidential, other custom types rank with
    /// emails and are PII.
    pub fn custom(name: &str, secret: bool) -> TypeInfo {
        TypeInfo {
            name: name.to_string(),
            class: if secret { Class::Secret } else { Class::Pii },
            data_class: if secret {
                DataClass::Confidential
            } else {
                DataClass::Pii
            },
            priority: if secret { SECRET_PRIORITY } else { 3 },
            mask: Masker::Generic,
            normalize: Normalizer::Trim,
        }
    }

    /// True for credentials.
    pub fn is_secret(&self) -> bool {
        self.class == Class::Secret
    }
}

/// The rank of every secret type: a credential beats any looser format inside it.
const SECRET_PRIORITY: u8 = 4;

/// A built-in PII (personal data) type.
const fn pii(
    name: &'static str,
    priority: u8,
    find: Find,
    mask: Masker,
    normalize: Normalizer,
    doc: &'static str,
) -> TypeDef {
    TypeDef {
        name,
        class: Class::Pii,
        data_class: DataClass::Pii,
        priority,
        find,
        mask,
        normalize,
        doc,
    }
}

/// A built-in secret type found after literal prefixes.
const fn secret(
    name: &'static str,
    prefixes: &'static [Prefix],
    mask: Masker,
    normalize: Normalizer,
    doc: &'static str,
) -> TypeDef {
    TypeDef {
        name,
        class: Class::Secret,
        data_class: DataClass::Confidential,
        priority: SECRET_PRIORITY,
        find: Find::Prefixes(prefixes),
        mask,
        normalize,
        doc,
    }
}

/// A prefix entry.
const fn p(literal: &'static str, validate: Validate, detector: &'static str) -> Prefix {
    Prefix {
        literal,
        validate,
        detector,
    }
}

use super::secrets as s;

/// Every built-in type; a type's [`TypeId`] is its index here, and custom types follow.
/// The order is the order of `pii_summary.csv`'s types and of `pii_types` lists.
pub const BUILTIN: &[TypeDef] = &[
    pii(
        "EMAIL_ADDRESS",
        3,
        Find::Scanners(&[Scanner::Email]),
        Masker::Email,
        Normalizer::Lowercase,
        "`local@domain.tld`; the domain needs a known or plausible TLD.",
    ),
    pii(
        "PHONE_NUMBER",
        1,
        Find::Scanners(&[Scanner::Digits]),
        Masker::PhoneDigits,
        Normalizer::PhoneDigits,
        "NANP numbers with valid area and exchange codes, and `+CC` international numbers with a plausible length for the country code.",
    ),
    pii(
        "CREDIT_CARD",
        2,
        Find::Scanners(&[Scanner::Digits]),
        Masker::LastFourDigits,
        Normalizer::Digits,
        "13–19 digits, grouped or not; Luhn check and a known issuer prefix.",
    ),
    pii(
        "US_SSN",
        2,
        Find::Scanners(&[Scanner::Digits]),
        Masker::LastFourDigits,
        Normalizer::Digits,
        "`AAA-GG-SSSS`; area not 000, 666 or 9xx, group and serial not zero.",
    ),
    pii(
        "IBAN_CODE",
        3,
        Find::Scanners(&[Scanner::Digits]),
        Masker::Iban,
        Normalizer::UpperAlnum,
        "Country code, check digits and BBAN of the country's length; ISO 7064 mod-97.",
    ),
    TypeDef {
        name: "IP_ADDRESS",
        class: Class::Identifier,
        data_class: DataClass::Pii,
        priority: 2,
        find: Find::Scanners(&[Scanner::Digits, Scanner::Ipv6]),
        mask: Masker::Ip,
        normalize: Normalizer::Ip,
        doc: "IPv4 (octets ≤ 255, not version or build numbers) and IPv6 (standard parser).",
    },
    secret(
        "AWS_ACCESS_KEY",
        &[
            p("AKIA", s::aws, "prefix"),
            p("ASIA", s::aws, "prefix"),
            p("ABIA", s::aws, "prefix"),
            p("ACCA", s::aws, "prefix"),
        ],
        Masker::Token(&["AKIA", "ASIA", "ABIA", "ACCA"]),
        Normalizer::Trim,
        "`AKIA`/`ASIA`/`ABIA`/`ACCA` and 16 uppercase letters or digits.",
    ),
    secret(
        "GITHUB_TOKEN",
        &[
            p("ghp_", s::github_classic, "prefix"),
            p("gho_", s::github_classic, "prefix"),
            p("ghu_", s::github_classic, "prefix"),
            p("ghs_", s::github_classic, "prefix"),
            p("ghr_", s::github_classic, "prefix"),
            p("github_pat_", s::github_pat, "prefix"),
        ],
        Masker::Token(&["github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"]),
        Normalizer::Trim,
        "`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` and 36 or more alphanumerics; `github_pat_` and 70 or more.",
    ),
    secret(
        "OPENAI_API_KEY",
        &[p("sk-", s::openai, "prefix")],
        Masker::Token(&["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"]),
        Normalizer::Trim,
        "`sk-` (also `sk-proj-`, `sk-svcacct-`) and 32 or more random-looking token characters.",
    ),
    secret(
        "ANTHROPIC_API_KEY",
        &[p("sk-ant-", s::anthropic, "prefix")],
        Masker::AnthropicToken,
        Normalizer::Trim,
        "`sk-ant-` and 40 or more random-looking token characters.",
    ),
    secret(
        "SLACK_TOKEN",
        &[
            p("xox", s::slack_token, "prefix"),
            p("xapp-", s::slack_token, "prefix"),
            p("hooks.slack.com/", s::slack_webhook, "prefix"),
        ],
        Masker::Token(&[
            "https://hooks.slack.com/services/",
            "https://hooks.slack.com/workflows/",
            "https://hooks.slack.com/triggers/",
            "http://hooks.slack.com/services/",
            "hooks.slack.com/services/",
            "hooks.slack.com/workflows/",
            "hooks.slack.com/triggers/",
            "xoxb-",
            "xoxa-",
            "xoxp-",
            "xoxr-",
            "xoxs-",
            "xoxe-",
            "xapp-",
        ]),
        Normalizer::Trim,
        "`xoxb-`/`xoxp-`/`xoxa-`/`xoxr-`/`xoxs-`/`xoxe-`/`xapp-` tokens with digits, and `hooks.slack.com` webhook URLs.",
    ),
    secret(
        "STRIPE_KEY",
        &[
            p("sk_", s::stripe, "prefix"),
            p("rk_", s::stripe, "prefix"),
            p("pk_", s::stripe, "prefix"),
        ],
        Masker::Token(&[
            "sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_",
        ]),
        Normalizer::Trim,
        "`sk_`/`rk_`/`pk_`, `live_` or `test_`, and 16 or more alphanumerics.",
    ),
    secret(
        "PRIVATE_KEY",
        &[p("-----BEGIN ", s::pem, "pem")],
        Masker::Pem,
        Normalizer::NoWhitespace,
        "PEM or PGP private-key blocks with a base64 body, through the END line (or the body's end).",
    ),
    secret(
        "JWT",
        &[p("eyJ", s::jwt, "jwt-header")],
        Masker::Jwt,
        Normalizer::Trim,
        "Three base64url segments whose header decodes to a JSON object with `alg`.",
    ),
];

/// Number of built-in types.
pub const BUILTIN_COUNT: usize = BUILTIN.len();

/// The id of the built-in type named `name`; a compile error if there is none, so the
/// constants below cannot drift from the table.
pub(crate) const fn id(name: &str) -> TypeId {
    let mut i = 0;
    while i < BUILTIN.len() {
        if eq(BUILTIN[i].name.as_bytes(), name.as_bytes()) {
            return i as TypeId;
        }
        i += 1;
    }
    panic!("no built-in type of that name")
}

/// `a == b` for byte strings, usable in constants.
const fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The built-in types' definitions as a Markdown table (name, class, data class, format and
/// validation): the type list of `docs/pii.md`, which a test keeps equal to this.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| type | class | data class | format and validation |\n|---|---|---|---|\n");
    for d in BUILTIN {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            d.name,
            d.class.name(),
            d.data_class.name(),
            d.doc
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_well_formed() {
        for (i, d) in BUILTIN.iter().enumerate() {
            assert!(
                d.name
                    .bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_'),
                "{}",
                d.name
            );
            assert_eq!(usize::from(id(d.name)), i);
            assert!(!d.doc.is_empty() && d.doc.ends_with('.'), "{}", d.name);
        }
    }

    #[test]
    fn secrets_are_prefixed_and_confidential() {
        for d in BUILTIN {
            if d.is_secret() {
                assert!(matches!(d.find, Find::Prefixes(_)), "{}", d.name);
                assert_eq!(d.data_class, DataClass::Confidential, "{}", d.name);
                assert_eq!(d.priority, SECRET_PRIORITY, "{}", d.name);
            }
        }
    }

    #[test]
    fn docs_list_every_type() {
        let docs = include_str!("../../docs/pii.md");
        let begin =
            "<!-- types:begin (generated from src/pii/types.rs; a test keeps them equal) -->\n";
        let end = "<!-- types:end -->";
        let s = docs
            .find(begin)
            .expect("docs/pii.md has the types:begin marker")
            + begin.len();
        let e = docs[s..]
            .find(end)
            .expect("docs/pii.md has the types:end marker")
            + s;
        let table = markdown_table();
        if docs[s..e] != table {
            panic!(
                "docs/pii.md's type table differs from src/pii/types.rs; replace it with:\n{table}"
            );
        }
    }
}
