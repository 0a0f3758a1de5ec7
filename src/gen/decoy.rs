//! Decoys: values that look like PII or secrets but are not (failed checksums, reserved
//! ranges, documentation placeholders, ids and digests); never written to the truth file.

use super::finance::{card_digits, group_card, iban, luhn_digit};
use super::rng::{Rng, ALNUM, HEX};

/// Returns a value that looks sensitive but is not, with a short sentence carrying it.
pub(crate) fn decoy(rng: &mut Rng) -> String {
    match rng.below(13) {
        12 => super::national::decoy(rng),
        0 => {
            let (mut d, amex) = card_digits(rng);
            let good = luhn_digit(&d);
            d.push(b'0' + (good + 1 + rng.below(9) as u8) % 10);
            format!("Your order number is {}.", group_card(rng, &d, amex))
        }
        1 => {
            let (a, g, s) = match rng.below(3) {
                0 => (rng.range(900, 999), rng.range(1, 99), rng.range(1, 9999)),
                1 => (0, rng.range(1, 99), rng.range(1, 9999)),
                _ => (666, rng.range(1, 99), rng.range(1, 9999)),
            };
            format!("Sample ID {a:03}-{g:02}-{s:04} from the test fixtures.")
        }
        2 => format!(
            "The IBAN on file, {}, was rejected by the bank.",
            iban(rng, false)
        ),
        3 => format!(
            "Build {}.{}.{}.{} failed on the release branch.",
            rng.range(256, 999),
            rng.below(20),
            rng.below(20),
            rng.range(256, 9999)
        ),
        4 => {
            let mut u = String::new();
            for (i, n) in [8, 4, 4, 4, 12].iter().enumerate() {
                if i > 0 {
                    u.push('-');
                }
                rng.push_chars(&mut u, HEX, *n);
            }
            format!("trace id {u}")
        }
        5 => format!(
            "Event logged at 2026-{:02}-{:02}T{:02}:{:02}:00Z by the scheduler.",
            rng.range(1, 12),
            rng.range(1, 28),
            rng.below(24),
            rng.below(60)
        ),
        6 => format!(
            "created_at={}",
            1_790_000_000_000u64 + rng.below(9_000_000_000)
        ),
        7 => format!(
            "The plan costs ${},{:03}.{:02} per year.",
            rng.range(1, 9),
            rng.below(1000),
            rng.below(100)
        ),
        8 => format!(
            "Upgraded the SDK to v{}.{}.{}.",
            rng.range(1, 4),
            rng.below(30),
            rng.below(20)
        ),
        9 => {
            if rng.chance(0.5) {
                "The docs use AKIAIOSFODNN7EXAMPLE as the example key.".to_string()
            } else {
                "Example secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY (from the AWS docs)."
                    .to_string()
            }
        }
        10 => {
            let mut h = String::new();
            let n = if rng.chance(0.5) { 40 } else { 64 };
            rng.push_chars(&mut h, HEX, n);
            format!("checksum {h}")
        }
        _ => {
            let mut tail = String::new();
            rng.push_chars(&mut tail, ALNUM, 4);
            format!("key ending in sk-…{tail} (redacted)")
        }
    }
}
