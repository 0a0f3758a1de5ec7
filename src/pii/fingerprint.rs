//! Keyed fingerprints of detected values (HMAC-SHA256), so the same value can be counted and
//! correlated across logs without storing it. Values are normalized before hashing.

use std::net::{IpAddr, Ipv4Addr};

use hmac::{Hmac, Mac};

use super::types::Normalizer;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Computes stable keyed fingerprints; cheap to clone and safe to share across threads.
#[derive(Clone)]
pub struct Fingerprinter {
    mac: HmacSha256,
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.write_str("Fingerprinter { .. }")
    }
}

impl Fingerprinter {
    /// Creates a fingerprinter keyed with `key` (any length, including empty).
    pub fn new(key: &[u8]) -> Self {
        let mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
        Fingerprinter { mac }
    }

    /// Stable keyed hash of (type name, value normalized by `normalizer`) as 16 lowercase hex
    /// chars. Normalizing makes trivially different spellings of the same value collide:
    /// emails lowercased; card/SSN/phone digits only; IBAN uppercase alphanumerics only.
    pub fn fingerprint(&self, type_name: &str, normalizer: Normalizer, value: &str) -> String {
        let norm = normalize(normalizer, value);
        let mut mac = self.mac.clone();
        mac.update(type_name.as_bytes());
        // The separator keeps ("AB", "C") and ("A", "BC") apart.
        mac.update(&[0]);
        mac.update(norm.as_bytes());
        let digest = mac.finalize().into_bytes();
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A public id of a fingerprint key: the first 8 bytes of HMAC-SHA256(key, a fixed label), as
/// 16 lowercase hex chars. It tells two runs' keys apart (and whether fingerprints of two
/// reports compare) without revealing the key; summaries print it instead of the key.
pub fn key_id(key: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(b"logwarden fingerprint key id v1");
    let digest = mac.finalize().into_bytes();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Returns the canonical spelling of `value` for fingerprinting.
fn normalize(normalizer: Normalizer, value: &str) -> String {
    let value = value.trim();
    match normalizer {
        Normalizer::Lowercase => value.to_lowercase(),
        Normalizer::Digits => value.chars().filter(char::is_ascii_digit).collect(),
        Normalizer::PhoneDigits => {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            // `+1 415 555 0132` and `(415) 555-0132` are the same NANP number; country
            // code 1 is NANP only, so an 11-digit number starting with 1 always has the trunk.
            if digits.len() == 11 && digits.starts_with('1') {
                digits[1..].to_string()
            } else {
                digits
            }
        }
        Normalizer::UpperAlnum => value
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect(),
        Normalizer::Ip => normalize_ip(value),
        Normalizer::NoWhitespace => value.chars().filter(|c| !c.is_whitespace()).collect(),
        Normalizer::Trim => value.to_string(),
        Normalizer::Words => value
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Canonical IP text: IPv6 compressed lowercase, IPv4 without leading zeros.
fn normalize_ip(value: &str) -> String {
    if let Ok(ip) = value.parse::<IpAddr>() {
        return ip.to_string();
    }
    let octets: Option<Vec<u8>> = value.split('.').map(|o| o.parse().ok()).collect();
    match octets.as_deref() {
        Some(&[a, b, c, d]) => Ipv4Addr::new(a, b, c, d).to_string(),
        _ => value.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::types::BUILTIN;
    use super::*;

    /// A fingerprinter used as the registry's type `name` would use it, or as a custom type.
    trait ByName {
        fn fingerprint_as(&self, name: &str, value: &str) -> String;
    }

    impl ByName for Fingerprinter {
        fn fingerprint_as(&self, name: &str, value: &str) -> String {
            let n = BUILTIN
                .iter()
                .find(|d| d.name == name)
                .map_or(Normalizer::Trim, |d| d.normalize);
            self.fingerprint(name, n, value)
        }
    }

    #[test]
    fn stable_hex_and_keyed() {
        let f = Fingerprinter::new(b"k1");
        let a = f.fingerprint_as("EMAIL_ADDRESS", "bob@corp.io");
        assert_eq!(a.len(), 16);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(a, f.fingerprint_as("EMAIL_ADDRESS", "bob@corp.io"));
        assert_ne!(
            a,
            Fingerprinter::new(b"k2").fingerprint_as("EMAIL_ADDRESS", "bob@corp.io")
        );
        assert_ne!(a, f.fingerprint_as("CUSTOM", "bob@corp.io"));
        assert_eq!(Fingerprinter::new(b"").fingerprint_as("JWT", "x").len(), 16);
        assert_eq!(format!("{f:?}"), "Fingerprinter { .. }");
    }

    #[test]
    fn key_id_is_keyed_and_hides_the_key() {
        let a = key_id(b"TOPSECRET");
        assert_eq!(a.len(), 16);
        assert_eq!(a, key_id(b"TOPSECRET"));
        assert_ne!(a, key_id(b"TOPSECRET2"));
        assert!(!a.contains("TOPSECRET"));
        // The id is not a fingerprint of any value under the same key.
        let f = Fingerprinter::new(b"TOPSECRET");
        assert_ne!(a, f.fingerprint("X", Normalizer::Trim, ""));
    }

    #[test]
    fn spellings_collide() {
        let f = Fingerprinter::new(b"key");
        let same = |t: &str, a: &str, b: &str| {
            assert_eq!(
                f.fingerprint_as(t, a),
                f.fingerprint_as(t, b),
                "{t}: {a} vs {b}"
            );
        };
        same("EMAIL_ADDRESS", "Bob@Corp.IO", "bob@corp.io");
        same("CREDIT_CARD", "4111 1111 1111 1111", "4111-1111-1111-1111");
        same("US_SSN", "123-45-6789", "123 45 6789");
        same("PHONE_NUMBER", "(415) 555-0132", "+1 415.555.0132");
        same("PHONE_NUMBER", "1-415-555-0132", "415 555 0132");
        same(
            "IBAN_CODE",
            "de89 3704 0044 0532 0130 00",
            "DE89370400440532013000",
        );
        same("IP_ADDRESS", "2001:0DB8:0:0::1", "2001:db8::1");
        same("IP_ADDRESS", "010.001.000.001", "10.1.0.1");
        same(
            "PRIVATE_KEY",
            "-----BEGIN X-----\r\nAB\r\n",
            "-----BEGIN X-----\nAB\n",
        );
        assert_ne!(
            f.fingerprint_as("PHONE_NUMBER", "+44 20 7946 0958"),
            f.fingerprint_as("PHONE_NUMBER", "+1 415 555 0132")
        );
    }
}
