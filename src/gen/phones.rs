//! Planted national-format phone numbers of the default phone regions (GB, DE, FR, ES, IT,
//! NL, IN, AU, BR, JP, MX), each in its country's usual spelling, bare digit runs and other
//! spellings after a phone word, and decoys that share their digit-group shapes (dates,
//! versions, timestamps, addresses, ids, SSN-shaped ids, card and IBAN tails, UUID parts, bare
//! runs without a phone word). Drawn from a stream of their own, so the other planted values
//! of a record stay as they were.

use super::pii::PiiKind;
use super::plant::{Field, Insert, Truth};
use super::rng::Rng;

/// The random stream of national phone numbers (see `Rng::derive`).
pub(crate) const STREAM_PHONES: u64 = 18;

/// National spellings, from each country's numbering plan: `N` is a digit 2–9, `X` any digit.
const NATIONAL: &[&str] = &[
    "020 7NXX XXXX",   // GB London
    "0161 NXX XXXX",   // GB Manchester
    "07912 NXXXXX",    // GB mobile
    "030 NXXXXXXX",    // DE Berlin
    "089 NXXXXXX",     // DE Munich
    "0151 NXXXXXXX",   // DE mobile
    "01 NX XX XX XX",  // FR Paris
    "06 NX XX XX XX",  // FR mobile
    "06.NX.XX.XX.XX",  // FR mobile, dotted
    "6NX XX XX XX",    // ES mobile
    "91N XX XX XX",    // ES Madrid
    "06 NXXX XXXX",    // IT Rome
    "347 NXXXXXX",     // IT mobile
    "020 NXX XXXX",    // NL Amsterdam
    "06-NXXXXXXX",     // NL mobile
    "098NX XXXXX",     // IN mobile with trunk prefix
    "(02) NXXX XXXX",  // AU Sydney
    "04NX XXX XXX",    // AU mobile
    "(11) 9NXXX-XXXX", // BR São Paulo mobile
    "(21) 3XXX-XXXX",  // BR Rio fixed line
    "03-NXXX-XXXX",    // JP Tokyo
    "090-NXXX-XXXX",   // JP mobile
    "55 NXXX XXXX",    // MX Mexico City
];

/// How a national number sits in its sentence (`{}` is the number).
const CONTEXTS: &[&str] = &[
    "Tel. {}",
    "call me on {}",
    "Handy: {}",
    "mon portable : {}",
    "móvil {}",
    "telefono {}, grazie",
    "電話{}まで",
    "ring {} (mobile)",
    "\"phone\": \"{}\"",
    "bel mij op {}.",
];

/// Spellings that are phone numbers only after a phone word: bare runs, and groupings that
/// are not the country's own (`91 NXX XX XX` for Madrid's `91N XX XX XX`) or that share the
/// NANP 3-3-4 shape.
const AFTER_A_WORD: &[&str] = &[
    "6NXXXXXXX",    // ES mobile
    "91 NXX XX XX", // ES Madrid, area code apart
    "3NXXXXXXXX",   // IT mobile
    "347 NXX XXXX", // IT mobile, 3-3-4
    "55NXXXXXXX",   // MX Mexico City
    "222 NXX XXXX", // MX Puebla, 3-3-4
    "07912NXXXXX",  // GB mobile
    "0151NXXXXXXX", // DE mobile
    "06NXXXXXXX",   // FR mobile
    "090NXXXXXXX",  // JP mobile
    "04NXXXXXXX",   // AU mobile
    "098NXXXXXXX",  // IN mobile
];

/// Phone words before the spellings of [`AFTER_A_WORD`] (`{}` is the number).
const WORD_CONTEXTS: &[&str] = &[
    "Tel. {}",
    "Handy: {}",
    "mi móvil es {}",
    "teléfono: {}",
    "cellulare {}",
    "WhatsApp {}",
    "phone number: {}",
    "\"phone\": \"{}\"",
    "{\"mobile_phone\":\"{}\"}",
    "お電話{}まで",
];

/// Digit-group shapes that are not phone numbers.
const DECOYS: &[&str] = &[
    "released on 23.11.2026 at 14.05",
    "build 2026-11-23 14:05:09",
    "upgrade to 4.15.2 then 10.0.19045",
    "pid 4021 8872 exited",
    "served 1 234 567 requests",
    "the ticket 2026-1234 is closed",
    "ratio 0.5 to 1.25",
    "invoice 12.03.2026 paid",
    "order 612345678 shipped",
    "Sample ID 946-93-2018 from the fixtures",
    "build 399.2.5.6687 failed",
    "order number 3408 339830 94172",
    "ref 6525 4809 0187 6989 closed",
    "trace bf82a02b-0981-4950-a8cb-f0457c273d34",
    "ts 1732406400 epoch",
    "moved 91 123 45 67 rows",
];

/// Returns a national phone number and its sentence.
pub(crate) fn national(rng: &mut Rng) -> (String, String) {
    let (pat, ctx) = if rng.chance(0.25) {
        (*rng.pick(AFTER_A_WORD), *rng.pick(WORD_CONTEXTS))
    } else {
        (*rng.pick(NATIONAL), *rng.pick(CONTEXTS))
    };
    let mut number = String::new();
    rng.fill_pattern(pat, &mut number);
    (ctx.replace("{}", &number), number)
}

/// Plants national phone numbers and their decoys into `field` (text `target`) from the
/// record's own stream `rng`: adds the insertions to `ins` and the truth rows to `truth`.
/// `batch` says the record is an OpenAI Batch line, and `has_response` whether the call
/// produced an answer.
pub(crate) fn plant(
    rng: &mut Rng,
    field: Field,
    (batch, has_response): (bool, bool),
    target: &str,
    ins: &mut Vec<Insert>,
    truth: &mut Vec<Truth>,
) {
    if !field.holds_prose(batch, has_response) {
        return;
    }
    if rng.chance(0.001) {
        let (s, v) = national(rng);
        ins.push(super::plant::place_decoy(rng, target, format!("{s}\n")));
        truth.push(Truth {
            field,
            kind: PiiKind::Phone,
            value: v,
        });
    }
    if rng.chance(0.001) {
        let d = (*rng.pick(DECOYS)).to_string();
        ins.push(super::plant::place_decoy(rng, target, d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::{Detectors, PiiConfig};

    #[test]
    fn every_planted_spelling_is_found_whole_and_decoys_are_not() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut rng = Rng::new(11);
        for _ in 0..3000 {
            let (s, v) = national(&mut rng);
            let mut out = Vec::new();
            d.scan(&s, &mut out);
            let found: Vec<&str> = out.iter().map(|f| &s[f.start..f.end]).collect();
            assert_eq!(found, [v.as_str()], "{s:?}");
        }
        // The `+` numbers of the main stream are valid too.
        for _ in 0..3000 {
            let v = crate::gen::pii::make(PiiKind::Phone, &mut rng);
            let s = format!("call {v} now");
            let mut out = Vec::new();
            d.scan(&s, &mut out);
            let found: Vec<&str> = out.iter().map(|f| &s[f.start..f.end]).collect();
            assert_eq!(found, [v.as_str()], "{s:?}");
        }
        for t in DECOYS {
            let mut out = Vec::new();
            d.scan(t, &mut out);
            assert!(out.is_empty(), "{t:?}: {out:?}");
        }
    }
}
