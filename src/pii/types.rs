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
    /// URL credentials: the scheme only, `postgres://***:***`.
    Url,
    /// Person names: the first letter of each word (`J*** S****`).
    Name,
    /// Postal addresses: numbers and postal codes hidden, street types kept, other words
    /// reduced to their first letter (`*** M*** St, S*********`).
    Address,
    /// Nothing but the length class: passwords and other assigned secrets, whose ends are
    /// as secret as their middles.
    Hidden,
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
    /// Lowercase words joined by one space, punctuation dropped (names, addresses).
    Words,
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
    /// `assign::AssignScanner`: secrets assigned to names with a credential keyword.
    Assign,
    /// `national::scan`: national identifiers, wallets, MAC addresses, dates of birth.
    National,
    /// `names::scan`: person names from gazetteers and context cues.
    Names,
    /// `address::scan`: street addresses with their postal codes.
    Address,
}

/// Scanners in the order they run.
pub(crate) const SCANNERS: [Scanner; 7] = [
    Scanner::Email,
    Scanner::Digits,
    Scanner::Ipv6,
    Scanner::Assign,
    Scanner::National,
    Scanner::Names,
    Scanner::Address,
];

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
    /// Whether the value after the literal goes through placeholder rejection
    /// (`placeholder::is_placeholder`); structured formats (PEM, JWT) check themselves.
    pub screen: bool,
    /// A checksum the value after the literal may carry; a value that passes it is reported
    /// with the detector `crc32`.
    pub checksum: Option<fn(&[u8]) -> bool>,
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
    /// ISO 3166 country code of a national identifier (`GB`, `US`), empty for types that
    /// are not national; `[pii] regions` switches types on and off by it.
    pub country: &'static str,
    /// True for types found by keyword alone, without a checksum or a strict format: they are
    /// on only when `[pii] regions` lists their country.
    pub opt_in: bool,
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

/// The rank of every prefixed or structured secret type: a credential beats any looser
/// format inside it, and a vendor format beats a keyword-context guess on the same value.
const SECRET_PRIORITY: u8 = 5;

/// The rank of secrets known only from the name they are assigned to.
const KEYWORD_PRIORITY: u8 = 4;

/// A secret found through the name it is assigned to (`COHERE_API_KEY=…`, `password: …`).
const fn keyword(name: &'static str, mask: Masker, doc: &'static str) -> TypeDef {
    TypeDef {
        name,
        class: Class::Secret,
        data_class: DataClass::Confidential,
        priority: KEYWORD_PRIORITY,
        find: Find::Scanners(&[Scanner::Assign]),
        mask,
        normalize: Normalizer::Trim,
        doc,
        country: "",
        opt_in: false,
    }
}

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
        country: "",
        opt_in: false,
    }
}

/// A national identifier of `country`, found by `national::scan`, masked to its last few
/// characters and fingerprinted on its letters and digits.
const fn national(
    name: &'static str,
    country: &'static str,
    opt_in: bool,
    doc: &'static str,
) -> TypeDef {
    TypeDef {
        name,
        class: Class::Pii,
        data_class: DataClass::Pii,
        priority: 3,
        find: Find::Scanners(&[Scanner::National]),
        mask: Masker::Generic,
        normalize: Normalizer::UpperAlnum,
        doc,
        country,
        opt_in,
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
        country: "",
        opt_in: false,
    }
}

/// A prefix entry whose value is screened for placeholders.
const fn p(literal: &'static str, validate: Validate, detector: &'static str) -> Prefix {
    Prefix {
        literal,
        validate,
        detector,
        screen: true,
        checksum: None,
    }
}

/// A prefix entry whose value is screened for placeholders and ends in a base62 CRC-32.
const fn crc(literal: &'static str, validate: Validate) -> Prefix {
    Prefix {
        literal,
        validate,
        detector: "prefix",
        screen: true,
        checksum: Some(super::checksum::crc32_base62_tail),
    }
}

/// A prefix entry of a structured format that validates itself (no placeholder screen).
const fn raw(literal: &'static str, validate: Validate, detector: &'static str) -> Prefix {
    Prefix {
        literal,
        validate,
        detector,
        screen: false,
        checksum: None,
    }
}

/// A provider secret: prefixes of one validator, masked keeping the longest prefix.
const fn provider(
    name: &'static str,
    prefixes: &'static [Prefix],
    public: &'static [&'static str],
    doc: &'static str,
) -> TypeDef {
    secret(name, prefixes, Masker::Token(public), Normalizer::Trim, doc)
}

use super::providers as v;
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
        "NANP numbers with valid area and exchange codes; `+CC` numbers of any country, and national-format numbers of the phone regions written as phone numbers (trunk prefix, the country's own digit grouping, or a phone word before them; see Phone numbers below), in an assigned range of libphonenumber's numbering plan.",
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
        "`AAA-GG-SSSS`, or nine bare digits after `SSN`/`social security`; area not 000, 666 or 9xx, group and serial not zero.",
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
        country: "",
        opt_in: false,
    },
    // ---- National identifiers, wallets, MAC addresses, dates of birth (src/pii/national.rs) ----
    national("UK_NHS", "GB", false, "NHS number, ten digits (`943 476 5919`), mod-11 check digit, after `NHS`."),
    national("UK_NINO", "GB", false, "National Insurance number `AB123456C` (or `AB 12 34 56 C`): HMRC's prefix rules, suffix A–D."),
    national("CA_SIN", "CA", false, "Social Insurance Number, nine digits (`046 454 286`), Luhn, not starting 0 or 8, after `SIN`/`social insurance`/`NAS`."),
    national("AU_ABN", "AU", false, "Australian Business Number, eleven digits (`51 824 753 556`), weighted mod-89, after `ABN`."),
    national("AU_ACN", "AU", false, "Australian Company Number, nine digits, weighted mod-10 check digit, after `ACN`."),
    national("AU_TFN", "AU", false, "Tax File Number, nine digits, weighted mod-11, after `TFN`/`tax file`."),
    national("AU_MEDICARE", "AU", false, "Medicare card number, ten digits (`2123 45670 1`), first 2–6, weighted check digit, after `Medicare`."),
    national("IN_AADHAAR", "IN", false, "Aadhaar, twelve digits (`2345 6789 0124`), first 2–9, Verhoeff, after `Aadhaar`/`UID`."),
    national("IN_PAN", "IN", false, "Permanent Account Number `ABCPE1234F`: five letters (the fourth a holder kind), four digits, a letter."),
    national("IN_GSTIN", "IN", false, "GST identification number: state code 01–38, a PAN, entity number, `Z`, mod-36 check character."),
    national("ES_NIF", "ES", false, "DNI/NIF `12345678Z`: eight digits and the mod-23 check letter."),
    national("ES_NIE", "ES", false, "Foreigner number `X1234567L`: X/Y/Z, seven digits, mod-23 check letter."),
    national("IT_FISCAL_CODE", "IT", false, "Codice fiscale, 16 characters (homocody letters allowed), month letter, check letter."),
    national("PL_PESEL", "PL", false, "PESEL, eleven digits with a birth date (century in the month) and a weighted check digit, after `PESEL`."),
    national("FI_HETU", "FI", false, "Henkilötunnus `131052-308T`: a date, a century sign, individual number 002–899, mod-31 check character."),
    national("SE_PERSONNUMMER", "SE", false, "Personnummer `811228-9874` (or `19811228-9874`, `+` past 100): a date, Luhn; bare digits after `personnummer`."),
    national("KR_RRN", "KR", false, "Resident Registration Number `YYMMDD-NNNNNNN`: a date, a century/sex digit 1–8, weighted mod-11 check digit (numbers issued before October 2020)."),
    national("SG_NRIC_FIN", "SG", false, "NRIC/FIN `S1234567D`: S, T, F or G, seven digits, weighted check letter."),
    national("ZA_ID", "ZA", false, "South African ID, thirteen digits: a date, citizenship digit 0–2, Luhn, after `ID number`."),
    national("TR_TCKN", "TR", false, "T.C. Kimlik No, eleven digits, first not zero, two check digits, after `TCKN`/`kimlik`."),
    national("DE_TAX_ID", "DE", false, "Steuerliche Identifikationsnummer, eleven digits: one digit repeated, ISO 7064 MOD 11,10, after `Steuer-ID`/`IdNr`/`tax id`."),
    national("US_ITIN", "US", false, "ITIN `9XX-7X-XXXX` or nine digits: 9, a middle group 50–65, 70–88, 90–92 or 94–99, after `ITIN`."),
    national("US_ABA_ROUTING", "US", false, "ABA routing number, nine digits, Federal Reserve prefix, 3-7-1 weights mod 10, after `routing`/`ABA`."),
    national("US_NPI", "US", false, "National Provider Identifier, ten digits starting 1 or 2, Luhn with the `80840` prefix, after `NPI`."),
    national("US_MBI", "US", false, "Medicare Beneficiary Identifier, eleven characters in CMS's letter/digit positions (no S, L, O, I, B, Z)."),
    national("US_PASSPORT", "US", true, "Nine digits, or a letter and eight digits, after `passport` (keyword only: on when `regions` lists US)."),
    national("US_DRIVER_LICENSE", "US", true, "5–13 letters and digits (four or more digits) after `driver`/`driving`/`DL` (keyword only: on when `regions` lists US)."),
    national("US_BANK_NUMBER", "US", true, "8–17 digits after `account number`/`acct`/`bank account` (keyword only: on when `regions` lists US)."),
    TypeDef {
        name: "CRYPTO_BTC",
        class: Class::Identifier,
        data_class: DataClass::Pii,
        priority: 3,
        find: Find::Scanners(&[Scanner::National]),
        mask: Masker::Generic,
        normalize: Normalizer::Trim,
        doc: "Bitcoin address: base58check `1…`/`3…` (double SHA-256 checksum) or `bc1` bech32/bech32m.",
        country: "",
        opt_in: false,
    },
    TypeDef {
        name: "CRYPTO_ETH",
        class: Class::Identifier,
        data_class: DataClass::Pii,
        priority: 3,
        find: Find::Scanners(&[Scanner::National]),
        mask: Masker::Generic,
        normalize: Normalizer::Lowercase,
        doc: "Ethereum address `0x` and 40 hex digits; the EIP-55 checksum when letters of both cases appear.",
        country: "",
        opt_in: false,
    },
    TypeDef {
        name: "MAC_ADDRESS",
        class: Class::Identifier,
        data_class: DataClass::Pii,
        priority: 2,
        find: Find::Scanners(&[Scanner::National]),
        mask: Masker::Generic,
        normalize: Normalizer::UpperAlnum,
        doc: "Six hex pairs joined by `:` or `-`, or `xxxx.xxxx.xxxx`; all-zero and broadcast addresses are not findings.",
        country: "",
        opt_in: false,
    },
    TypeDef {
        name: "DATE_OF_BIRTH",
        class: Class::Pii,
        data_class: DataClass::Pii,
        priority: 3,
        find: Find::Scanners(&[Scanner::National]),
        mask: Masker::Hidden,
        normalize: Normalizer::Digits,
        doc: "A date (`1985-03-14`, `14.03.1985`, `03/14/1985`; year 1900–2026) after `DOB`/`born`/`birthday`/`date of birth`/`Geburtsdatum`/`date de naissance`/….",
        country: "",
        opt_in: false,
    },
    // Names and addresses (issue 17): gazetteer and context based, lowest priority but phones.
    pii(
        "PERSON",
        2,
        Find::Scanners(&[Scanner::Names]),
        Masker::Name,
        Normalizer::Words,
        "A given name and surname from the US Census, SSA and international gazetteers (`Jane Doe`, `Ludwig van Beethoven`), or a name after a cue (`my name is`, `Dear`, `Mr.`/`Dr.`, `regards,`, `cc:`, `my colleague`, `our CTO`, `Attendees:`, JSON keys `name`/`first_name`/`customer`/`patient`…) or before a verb of people (`X said`, `X asked`); not common words alone (`Will`, `May`), AI model or product names (`Claude Sonnet`), places, log levels or code identifiers.",
    ),
    pii(
        "ADDRESS",
        3,
        Find::Scanners(&[Scanner::Address]),
        Masker::Address,
        Normalizer::Words,
        "A street in its country's postal form (`123 Main St`, `Flat 2, Kestrel Court`, `12 rue de la Paix`, `Hauptstraße 5`, `Calle de Alcalá 45`, `ul. Długa 15/3`, `Jl. Merdeka No. 10`, `PO Box 4410`) with its unit, locality, city, region and a postal code of its country's shape (US ZIP, UK postcode, Eircode, Canadian, Dutch, Polish, Portuguese, Brazilian, Nordic and other codes); the whole address as written.",
    ),
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
        "`AKIA`/`ASIA`/`ABIA`/`ACCA` and 16 base32 characters (`A-Z`, `2-7`).",
    ),
    secret(
        "GITHUB_TOKEN",
        &[
            crc("ghp_", s::github_classic),
            crc("gho_", s::github_classic),
            crc("ghu_", s::github_classic),
            crc("ghs_", s::github_classic),
            crc("ghr_", s::github_classic),
            p("github_pat_", s::github_pat, "prefix"),
        ],
        Masker::Token(&["github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"]),
        Normalizer::Trim,
        "`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` and 36 alphanumerics whose last six are a base62 CRC-32 (`detector` = `crc32` when it verifies); `github_pat_` and 70 or more.",
    ),
    secret(
        "OPENAI_API_KEY",
        &[p("sk-", s::openai, "prefix")],
        Masker::Token(&["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"]),
        Normalizer::Trim,
        "`sk-proj-`/`sk-svcacct-` keys with the `T3BlbkFJ` marker or 64 or more random characters; `sk-admin-` and legacy `sk-` keys with the marker; legacy 48-character `sk-` keys.",
    ),
    secret(
        "ANTHROPIC_API_KEY",
        &[p("sk-ant-", s::anthropic, "prefix")],
        Masker::AnthropicToken,
        Normalizer::Trim,
        "`sk-ant-api03-`/`sk-ant-admin01-`/`sk-ant-oat01-`/`sk-ant-ort01-` and exactly 95 characters ending in `AA`.",
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
            "xoxe.xoxp-",
            "xoxe.xoxb-",
            "xoxb-",
            "xoxa-",
            "xoxp-",
            "xoxr-",
            "xoxs-",
            "xoxe-",
            "xapp-",
        ]),
        Normalizer::Trim,
        "`xoxb-`/`xoxp-`/`xoxa-`/`xoxr-`/`xoxs-` tokens with numeric team/user ids and a random last part, `xoxe.xoxp-1-`/`xoxe-1-` and `xapp-1-` tokens, and `hooks.slack.com` webhook URLs with `T…`/`B…` ids.",
    ),
    secret(
        "STRIPE_KEY",
        &[
            p("sk_", s::stripe, "prefix"),
            p("rk_", s::stripe, "prefix"),
            p("whsec_", s::stripe_webhook, "prefix"),
        ],
        Masker::Token(&[
            "sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_",
        ]),
        Normalizer::Trim,
        "Secret and restricted keys `sk_`/`rk_`, `live_` or `test_`, and 16 or more alphanumerics; webhook secrets `whsec_` and 32 or more. Publishable `pk_` keys are not secrets.",
    ),
    secret(
        "PRIVATE_KEY",
        &[raw("-----BEGIN ", s::pem, "pem")],
        Masker::Pem,
        Normalizer::NoWhitespace,
        "PEM or PGP private-key blocks with a base64 body, through the END line (or the body's end).",
    ),
    secret(
        "JWT",
        &[raw("eyJ", s::jwt, "jwt-header")],
        Masker::Jwt,
        Normalizer::Trim,
        "Three base64url segments whose header decodes to a JSON object with `alg`.",
    ),
    // ---- LLM APIs ----
    provider("GOOGLE_API_KEY", &[p("AIza", v::google_api_key, "prefix")], &["AIza"],
        "`AIza` and 35 base64url characters (Google Cloud, Gemini and AI Studio keys)."),
    provider("HUGGINGFACE_TOKEN", &[p("hf_", v::huggingface, "prefix"), p("api_org_", v::huggingface, "prefix")], &["hf_", "api_org_"],
        "`hf_` (user) or `api_org_` (organization) and 34 alphanumerics."),
    provider("GROQ_API_KEY", &[p("gsk_", v::groq, "prefix")], &["gsk_"],
        "`gsk_` and 52 alphanumerics."),
    provider("XAI_API_KEY", &[p("xai-", v::xai, "prefix")], &["xai-"],
        "`xai-` and 80 alphanumerics."),
    provider("OPENROUTER_API_KEY", &[p("sk-or-v1-", v::openrouter, "prefix")], &["sk-or-v1-"],
        "`sk-or-v1-` and 64 hex digits."),
    provider("REPLICATE_API_TOKEN", &[p("r8_", v::replicate, "prefix")], &["r8_"],
        "`r8_` and 37 alphanumerics."),
    provider("PERPLEXITY_API_KEY", &[p("pplx-", v::perplexity, "prefix")], &["pplx-"],
        "`pplx-` and 48 alphanumerics."),
    provider("LANGSMITH_API_KEY", &[p("lsv2_", v::langsmith, "prefix")], &["lsv2_pt_", "lsv2_sk_"],
        "`lsv2_pt_`/`lsv2_sk_`, 32 hex digits, `_`, 10 hex digits."),
    provider("PINECONE_API_KEY", &[p("pcsk_", v::pinecone, "prefix")], &["pcsk_"],
        "`pcsk_`, 5–8 alphanumerics, `_`, 50–80 alphanumerics."),
    // ---- Cloud ----
    provider("AWS_BEDROCK_API_KEY", &[p("ABSK", v::bedrock, "prefix"), p("bedrock-api-key-", v::bedrock, "prefix")], &["ABSK", "bedrock-api-key-"],
        "Long-term `ABSK` keys (base64 of `BedrockAPIKey-…`) and short-term `bedrock-api-key-` keys (base64 of `bedrock.amazonaws.com/…`)."),
    provider("GCP_SERVICE_ACCOUNT_KEY", &[p("private_key_id", v::gcp_key_id, "json-member")], &[],
        "The 40-hex-digit `private_key_id` of a service-account key file (its `private_key` is a PRIVATE_KEY finding)."),
    provider("AZURE_STORAGE_KEY", &[p("AccountKey=", v::azure_storage, "prefix")], &["AccountKey="],
        "`AccountKey=` in a storage connection string and an 88-character base64 key ending in `==`."),
    provider("AZURE_CLIENT_SECRET", &[p("Q~", v::azure_client_secret, "shape")], &[],
        "Entra ID client secrets: three characters, a digit, `Q~`, then 31–34 characters with digits and capitals."),
    provider("ALIBABA_ACCESS_KEY", &[p("LTAI", v::alibaba, "prefix")], &["LTAI"],
        "`LTAI` and 12–20 alphanumerics."),
    provider("TENCENT_SECRET_ID", &[p("AKID", v::tencent, "prefix")], &["AKID"],
        "`AKID` and 32 alphanumerics."),
    // ---- Code and packages ----
    provider("GITLAB_TOKEN", &[
            p("glpat-", v::gitlab, "prefix"), p("gldt-", v::gitlab, "prefix"), p("glrt-", v::gitlab, "prefix"),
            p("glcbt-", v::gitlab, "prefix"), p("glimt-", v::gitlab, "prefix"), p("glsoat-", v::gitlab, "prefix"),
            p("glffct-", v::gitlab, "prefix"), p("gloas-", v::gitlab, "prefix"), p("glptt-", v::gitlab, "prefix"),
        ],
        &["glpat-", "gldt-", "glrt-", "glcbt-", "glimt-", "glsoat-", "glffct-", "gloas-", "glptt-"],
        "`glpat-` and its siblings (`gldt-`, `glrt-`, `glcbt-`, `glimt-`, `glsoat-`, `glffct-`, `gloas-`) and 20 or more base64url characters; `glptt-` and 40 hex digits."),
    provider("BITBUCKET_APP_PASSWORD", &[p("ATBB", v::bitbucket, "prefix")], &["ATBB"],
        "`ATBB` and 28–64 alphanumerics."),
    provider("NPM_TOKEN", &[crc("npm_", v::npm)], &["npm_"],
        "`npm_` and 36 alphanumerics whose last six are a base62 CRC-32 (`detector` = `crc32` when it verifies)."),
    provider("PYPI_TOKEN", &[p("pypi-Ag", v::pypi, "macaroon")], &["pypi-"],
        "`pypi-` and a base64url macaroon whose location decodes to `pypi.org` or `test.pypi.org`."),
    provider("DOCKER_HUB_TOKEN", &[p("dckr_pat_", v::docker, "prefix"), p("dckr_oat_", v::docker, "prefix")], &["dckr_pat_", "dckr_oat_"],
        "`dckr_pat_`/`dckr_oat_` and 20–64 base64url characters."),
    provider("RUBYGEMS_API_KEY", &[p("rubygems_", v::rubygems, "prefix")], &["rubygems_"],
        "`rubygems_` and 48 hex digits."),
    provider("JFROG_TOKEN", &[p("AKCp", v::jfrog, "prefix"), p("cmVmdGtuOjAxOj", v::jfrog, "prefix")], &["AKCp", "cmVmdGtuOjAxOj"],
        "API keys `AKCp` and 69 alphanumerics; reference tokens (base64 of `reftkn:01:…`, 64 characters)."),
    provider("CLOJARS_TOKEN", &[p("CLOJARS_", v::clojars, "prefix")], &["CLOJARS_"],
        "`CLOJARS_` and 60 alphanumerics."),
    provider("CIRCLECI_TOKEN", &[p("CCIPAT_", v::circleci, "prefix")], &["CCIPAT_"],
        "`CCIPAT_`, 22 alphanumerics, `_`, 40 hex digits."),
    provider("BUILDKITE_TOKEN", &[p("bkua_", v::buildkite, "prefix")], &["bkua_"],
        "`bkua_` and 40 hex digits."),
    provider("PULUMI_TOKEN", &[p("pul-", v::pulumi, "prefix")], &["pul-"],
        "`pul-` and 40 hex digits."),
    provider("TERRAFORM_CLOUD_TOKEN", &[p(".atlasv1.", v::terraform, "shape")], &[],
        "14 alphanumerics, `.atlasv1.`, 60–70 base64url characters."),
    provider("VAULT_TOKEN", &[p("hvs.", v::vault, "prefix"), p("hvb.", v::vault, "prefix"), p("hvr.", v::vault, "prefix")], &["hvs.", "hvb.", "hvr."],
        "HashiCorp Vault `hvs.`/`hvb.`/`hvr.` and 24 or more base64url characters."),
    provider("DOPPLER_TOKEN", &[p("dp.", v::doppler, "prefix")], &["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
        "`dp.pt.`/`dp.st.`/`dp.sa.`/`dp.ct.`/`dp.scim.`/`dp.audit.` and 40–44 alphanumerics."),
    provider("TAILSCALE_KEY", &[p("tskey-", v::tailscale, "prefix")], &["tskey-"],
        "`tskey-auth-`/`-client-`/`-api-`/`-webhook-`/`-scim-`, an id and a secret part of 20 or more."),
    provider("AGE_SECRET_KEY", &[p("AGE-SECRET-KEY-1", v::age, "prefix")], &["AGE-SECRET-KEY-1"],
        "`AGE-SECRET-KEY-1` and 58 bech32 characters."),
    provider("ONEPASSWORD_SERVICE_TOKEN", &[p("ops_eyJ", v::onepassword, "prefix")], &["ops_"],
        "`ops_eyJ` and 100 or more base64 characters."),
    provider("FLYIO_TOKEN", &[p("fm2_", v::flyio, "prefix")], &["fm2_"],
        "Fly.io `fm2_` macaroons, 64 or more base64 characters."),
    // ---- Messaging ----
    provider("DISCORD_WEBHOOK", &[p("discord.com/api/webhooks/", v::discord_webhook, "prefix"), p("discordapp.com/api/webhooks/", v::discord_webhook, "prefix")],
        &["https://discord.com/api/webhooks/", "https://discordapp.com/api/webhooks/", "discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
        "`discord.com/api/webhooks/`, a 17–20 digit id, `/`, a 60–70 character token."),
    provider("TELEGRAM_BOT_TOKEN", &[p(":AA", v::telegram, "shape")], &[],
        "An 8–10 digit bot id, `:AA`, and 33 base64url characters."),
    provider("SENDGRID_API_KEY", &[p("SG.", v::sendgrid, "prefix")], &["SG."],
        "`SG.`, 22 base64url characters, `.`, 43 base64url characters."),
    provider("MAILGUN_API_KEY", &[p("key-", v::mailgun, "prefix")], &["key-"],
        "`key-` and 32 hex digits."),
    // ---- Payments ----
    provider("SQUARE_TOKEN", &[p("EAAA", v::square, "prefix"), p("sq0atp-", v::square, "prefix"), p("sq0csp-", v::square, "prefix")], &["EAAA", "sq0atp-", "sq0csp-"],
        "Access tokens `EAAA` and 60 base64url characters; legacy `sq0atp-` (22) and OAuth secrets `sq0csp-` (43)."),
    provider("SHOPIFY_TOKEN", &[p("shpat_", v::shopify, "prefix"), p("shpca_", v::shopify, "prefix"), p("shppa_", v::shopify, "prefix"), p("shpss_", v::shopify, "prefix")],
        &["shpat_", "shpca_", "shppa_", "shpss_"],
        "`shpat_`/`shpca_`/`shppa_`/`shpss_` and 32 hex digits."),
    provider("BRAINTREE_TOKEN", &[p("access_token$", v::braintree, "prefix")], &["access_token$production$", "access_token$sandbox$"],
        "`access_token$production$` (or `$sandbox$`), 16 alphanumerics, `$`, 32 hex digits."),
    provider("SHIPPO_TOKEN", &[p("shippo_live_", v::shippo, "prefix"), p("shippo_test_", v::shippo, "prefix")], &["shippo_live_", "shippo_test_"],
        "`shippo_live_`/`shippo_test_` and 40 hex digits."),
    provider("EASYPOST_API_KEY", &[p("EZAK", v::easypost, "prefix"), p("EZTK", v::easypost, "prefix")], &["EZAK", "EZTK"],
        "`EZAK`/`EZTK` and 54 alphanumerics."),
    provider("DUFFEL_TOKEN", &[p("duffel_live_", v::duffel, "prefix"), p("duffel_test_", v::duffel, "prefix")], &["duffel_live_", "duffel_test_"],
        "`duffel_live_`/`duffel_test_` and 43 base64url characters."),
    provider("FLUTTERWAVE_SECRET_KEY", &[p("FLWSECK", v::flutterwave, "prefix")], &["FLWSECK_TEST-", "FLWSECK-"],
        "`FLWSECK-` (or `FLWSECK_TEST-`), 32 hex digits, `-X`."),
    // ---- Observability and SaaS ----
    provider("SENTRY_TOKEN", &[p("sntrys_", v::sentry, "prefix"), p("sntryu_", v::sentry, "prefix")], &["sntrys_", "sntryu_"],
        "Organization tokens `sntrys_eyJ…` (base64) and user tokens `sntryu_` and 64 hex digits."),
    provider("NEW_RELIC_KEY", &[p("NRAK-", v::new_relic, "prefix"), p("NRII-", v::new_relic, "prefix"), p("NRJS-", v::new_relic, "prefix")], &["NRAK-", "NRII-", "NRJS-"],
        "User keys `NRAK-` and 27 `[A-Z0-9]`; insert keys `NRII-` and 32; browser keys `NRJS-` and 19 hex digits."),
    provider("GRAFANA_TOKEN", &[p("glc_", v::grafana, "prefix"), p("glsa_", v::grafana, "prefix")], &["glc_", "glsa_"],
        "Cloud tokens `glc_` and 32 or more base64 characters; service-account tokens `glsa_`, 32 alphanumerics, `_`, 8 hex digits."),
    provider("ATLASSIAN_API_TOKEN", &[p("ATATT3", v::atlassian, "prefix")], &["ATATT3"],
        "`ATATT3` and 150–300 base64url characters ending in `=` and an 8-hex-digit check value."),
    provider("DATABRICKS_TOKEN", &[p("dapi", v::databricks, "prefix")], &["dapi"],
        "`dapi` and 32 hex digits, optionally `-` and a digit."),
    provider("HEROKU_API_KEY", &[p("HRKU-", v::heroku, "prefix")], &["HRKU-"],
        "`HRKU-` and 30–80 base64url characters."),
    provider("DIGITALOCEAN_TOKEN", &[p("dop_v1_", v::digitalocean, "prefix"), p("doo_v1_", v::digitalocean, "prefix"), p("dor_v1_", v::digitalocean, "prefix")],
        &["dop_v1_", "doo_v1_", "dor_v1_"],
        "`dop_v1_`/`doo_v1_`/`dor_v1_` and 64 hex digits."),
    provider("LINEAR_API_KEY", &[p("lin_api_", v::linear, "prefix"), p("lin_oauth_", v::linear, "prefix")], &["lin_api_", "lin_oauth_"],
        "`lin_api_` and 40 alphanumerics; `lin_oauth_` and 64 hex digits."),
    provider("NOTION_TOKEN", &[p("ntn_", v::notion, "prefix"), p("secret_", v::notion, "prefix")], &["ntn_", "secret_"],
        "`ntn_` and 46 alphanumerics; legacy `secret_` and 43."),
    provider("POSTMAN_API_KEY", &[p("PMAK-", v::postman, "prefix")], &["PMAK-"],
        "`PMAK-`, 24 hex digits, `-`, 34 hex digits."),
    provider("AIRTABLE_TOKEN", &[p("pat", v::airtable, "prefix")], &["pat"],
        "`pat`, 14 alphanumerics, `.`, 64 hex digits."),
    provider("FIGMA_TOKEN", &[p("figd_", v::figma, "prefix")], &["figd_"],
        "`figd_` and 38–48 base64url characters."),
    provider("CLOUDFLARE_ORIGIN_CA_KEY", &[p("v1.0-", v::cloudflare_origin_ca, "prefix")], &["v1.0-"],
        "`v1.0-`, 24 hex digits, `-`, 146 hex digits."),
    provider("VERCEL_TOKEN", &[p("vcp_", v::vercel, "prefix"), p("vci_", v::vercel, "prefix"), p("vca_", v::vercel, "prefix"), p("vcr_", v::vercel, "prefix"), p("vck_", v::vercel, "prefix")],
        &["vcp_", "vci_", "vca_", "vcr_", "vck_"],
        "`vcp_`/`vci_`/`vca_`/`vcr_`/`vck_` and 24–64 alphanumerics."),
    provider("SUPABASE_TOKEN", &[p("sbp_", v::supabase, "prefix"), p("sb_secret_", v::supabase, "prefix")], &["sbp_", "sb_secret_"],
        "Personal tokens `sbp_` and 40 hex digits; secret keys `sb_secret_` and 20–64 base64url characters."),
    provider("MAPBOX_SECRET_TOKEN", &[p("sk.eyJ", v::mapbox, "prefix")], &["sk."],
        "`sk.eyJ`, a base64url payload of 40 or more, `.`, 20 or more characters."),
    provider("PLANETSCALE_TOKEN", &[p("pscale_", v::planetscale, "prefix")], &["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
        "`pscale_tkn_`/`pscale_pw_`/`pscale_oauth_` and 32–64 base64url characters."),
    provider("CONTENTFUL_TOKEN", &[p("CFPAT-", v::contentful, "prefix")], &["CFPAT-"],
        "`CFPAT-` and 43 base64url characters."),
    provider("PREFECT_API_KEY", &[p("pnu_", v::prefect, "prefix")], &["pnu_"],
        "`pnu_` and 36 alphanumerics."),
    provider("README_API_KEY", &[p("rdme_", v::readme, "prefix")], &["rdme_"],
        "`rdme_` and 70 alphanumerics."),
    provider("DYNATRACE_TOKEN", &[p("dt0c01.", v::dynatrace, "prefix")], &["dt0c01."],
        "`dt0c01.`, 24 `[A-Z0-9]`, `.`, 64 `[A-Z0-9]`."),
    // ---- Data ----
    secret("URL_CREDENTIALS", &[raw("://", super::urls::url_credentials, "url-userinfo")], Masker::Url, Normalizer::Trim,
        "`scheme://user:password@host` in URLs and connection strings (postgres, mysql, mongodb(+srv), redis, amqp, JDBC, http, …); the finding is `scheme://user:password`; sample and templated passwords (`password`, `${DB_PASSWORD}`, `****`) are not findings."),
    // ---- Keyword context: formats without a prefix, told by the name they are assigned to ----
    keyword("AWS_SECRET_KEY", Masker::Generic, "40 base64 characters assigned to a name with `aws` and `secret` (`aws_secret_access_key = …`)."),
    keyword("AZURE_API_KEY", Masker::Generic, "32 hex digits (Azure OpenAI, Cognitive Services) or an 88-character base64 key assigned to a name with `azure`."),
    keyword("COHERE_API_KEY", Masker::Generic, "40 alphanumerics assigned to a name with `cohere`."),
    keyword("MISTRAL_API_KEY", Masker::Generic, "32 alphanumerics assigned to a name with `mistral`."),
    keyword("DEEPSEEK_API_KEY", Masker::Token(&["sk-"]), "`sk-` and 32 hex digits assigned to a name with `deepseek`."),
    keyword("TOGETHER_API_KEY", Masker::Generic, "64 hex digits or a `tgp_v1_` key assigned to a name with `together`."),
    keyword("DATADOG_API_KEY", Masker::Generic, "32 (API) or 40 (application) hex digits assigned to a name with `datadog`, `dd_api` or `dd_app`."),
    keyword("TWILIO_AUTH_TOKEN", Masker::Generic, "32 hex digits assigned to a name with `twilio`."),
    keyword("MAILCHIMP_API_KEY", Masker::Generic, "32 hex digits and `-us<N>` assigned to a name with `mailchimp`."),
    keyword("POSTMARK_TOKEN", Masker::Generic, "A UUID assigned to a name with `postmark`."),
    keyword("DISCORD_BOT_TOKEN", Masker::Generic, "`id.timestamp.hmac` bot tokens assigned to a name with `discord`."),
    keyword("CLOUDFLARE_API_TOKEN", Masker::Generic, "40 base64url characters assigned to a name with `cloudflare` or `cf_api`."),
    keyword("PASSWORD", Masker::Hidden, "A value of 8 or more characters mixing three character classes, with 3 bits of entropy per character, assigned to a name with `password`, `passwd` or `pwd`; references (`${…}`, `os.environ[…]`) and placeholders are not findings."),
    keyword("GENERIC_SECRET", Masker::Hidden, "A random-looking value (16 or more characters, 3.5 bits of entropy per character, two character classes) assigned to a name with `secret`, `api_key`, `token` or `access_key`."),
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
                assert_eq!(d.data_class, DataClass::Confidential, "{}", d.name);
                match d.find {
                    Find::Prefixes(_) => assert_eq!(d.priority, SECRET_PRIORITY, "{}", d.name),
                    Find::Scanners(s) => {
                        assert_eq!(s, &[Scanner::Assign], "{}", d.name);
                        assert_eq!(d.priority, KEYWORD_PRIORITY, "{}", d.name);
                    }
                }
            } else {
                assert!(d.priority < KEYWORD_PRIORITY, "{}", d.name);
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
