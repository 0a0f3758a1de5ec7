//! Planted person names and postal addresses in many phrasings and locales, and decoys for
//! them (AI model names, common words that are names, cities, log levels, code identifiers,
//! numbered titles that end in a street word). Drawn from a stream of their own, so the other
//! planted values of a record stay as they were.

use super::pii::PiiKind;
use super::plant::{Field, Insert, Truth};
use super::rng::Rng;

/// The random stream of names and addresses (see `Rng::derive`).
pub(crate) const STREAM_PEOPLE: u64 = 17;

/// Given names of several locales (some outside the detector's gazetteers on purpose).
const GIVEN: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "Michael",
    "Jennifer",
    "David",
    "Linda",
    "Thomas",
    "Susan",
    "Daniel",
    "Karen",
    "Emily",
    "Kevin",
    "Laura",
    "Brian",
    "Rachel",
    "Olivia",
    "Ethan",
    "Sophie",
    "Lukas",
    "Hannah",
    "Jürgen",
    "Camille",
    "Élodie",
    "Mateo",
    "Lucía",
    "Giulia",
    "Lorenzo",
    "Priya",
    "Arjun",
    "Wei",
    "Mei",
    "Kenji",
    "Yuki",
    "Fatima",
    "Omar",
    "Aisha",
    "Chinedu",
    "Olga",
    "Dmitri",
    "Katarzyna",
    "Piotr",
    "Ingrid",
    "Lars",
    "Zeynep",
    "Mehmet",
    "Ana",
    "João",
    "Siobhan",
    "Niamh",
    "Tariq",
    "Anneliese",
];

/// Surnames of several locales.
const SURNAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Garcia",
    "Miller",
    "Davis",
    "Martinez",
    "Anderson",
    "Thompson",
    "Robinson",
    "Walsh",
    "O'Connor",
    "Becker",
    "Schneider",
    "Müller",
    "Dubois",
    "Moreau",
    "Fernández",
    "Rossi",
    "Esposito",
    "Patel",
    "Sharma",
    "Chen",
    "Zhang",
    "Tanaka",
    "Nakamura",
    "Hassan",
    "Okafor",
    "Ivanova",
    "Kowalski",
    "Nowak",
    "Johansson",
    "Yılmaz",
    "Santos",
    "Nguyen",
    "Kim",
    "Fitzgerald",
    "Lindqvist",
    "Abernathy",
];

/// Phrasings of a name in text: `{}` is the name; the flag says whether only the surname
/// is used (after an honorific).
const PERSON_CONTEXTS: &[(&str, bool)] = &[
    ("my name is {}", false),
    ("Dear {},", false),
    ("Hi {}, quick question:", false),
    ("Best regards,\n{}", false),
    ("Thanks,\n{}", false),
    ("cc: {}", false),
    ("please contact {} about the refund", false),
    ("{\"customer\": \"{}\", \"plan\": \"pro\"}", false),
    ("{\"patient_name\":\"{}\"}", false),
    ("{\"name\": \"{}\"}", false),
    ("Mr. {} asked for a callback", true),
    ("Ms. {} is on leave", true),
    ("Dr. {} will review the chart", false),
    ("I spoke with {} yesterday", false),
    ("the ticket was assigned to {}", false),
    ("yesterday {} called about the invoice", false),
    ("Je m'appelle {}", false),
    ("Ich heiße {}", false),
    ("Me llamo {}", false),
    ("signed, {}", false),
    ("author: {}", false),
    ("forwarded by {} on Monday", false),
];

/// Phrasings of an address: `{}` is the address.
const ADDRESS_CONTEXTS: &[&str] = &[
    "ship it to {}",
    "my address is {}",
    "I live at {}",
    "deliver to: {}",
    "{\"address\": \"{}\"}",
    "the office is at {}",
    "Lieferadresse: {}",
    "adresse : {}",
    "dirección: {}",
    "indirizzo: {}",
    "billing address {}",
];

const US_STREETS: &[&str] = &[
    "Main",
    "Oak",
    "Maple",
    "Cedar",
    "Elm",
    "Pine",
    "Washington",
    "Lake",
    "Hillcrest",
    "Sunset",
    "Park",
    "Highland",
    "Franklin",
    "Madison",
];
const US_SUFFIXES: &[&str] = &[
    "St", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd", "Lane", "Dr", "Drive", "Way", "Court",
];
const US_CITIES: &[(&str, &str)] = &[
    ("Springfield", "IL"),
    ("Portland", "OR"),
    ("Austin", "TX"),
    ("Denver", "CO"),
    ("Columbus", "OH"),
    ("Raleigh", "NC"),
    ("San Diego", "CA"),
    ("Brooklyn", "NY"),
];
const UK: &[(&str, &str)] = &[
    ("London", "SW1A 1AA"),
    ("Manchester", "M1 1AE"),
    ("Leeds", "LS1 4DY"),
    ("Bristol", "BS1 5TR"),
    ("Edinburgh", "EH1 1YZ"),
];
const UK_STREETS: &[&str] = &[
    "Baker Street",
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Mill Lane",
];
const DE: &[(&str, &str)] = &[
    ("10115", "Berlin"),
    ("80331", "München"),
    ("50667", "Köln"),
    ("20095", "Hamburg"),
    ("60311", "Frankfurt am Main"),
];
const DE_STREETS: &[&str] = &[
    "Hauptstraße",
    "Bahnhofstraße",
    "Lindenstr.",
    "Goethestraße",
    "Schillerstraße",
    "Berliner Straße",
    "Gartenweg",
];
const FR: &[(&str, &str)] = &[
    ("75002", "Paris"),
    ("69001", "Lyon"),
    ("13001", "Marseille"),
    ("31000", "Toulouse"),
];
const FR_STREETS: &[&str] = &[
    "rue de la Paix",
    "avenue Victor Hugo",
    "boulevard Saint-Germain",
    "rue du Faubourg",
    "place de la République",
];
const ES: &[(&str, &str)] = &[
    ("28014", "Madrid"),
    ("08001", "Barcelona"),
    ("41001", "Sevilla"),
];
const ES_STREETS: &[&str] = &[
    "Calle de Alcalá",
    "Calle Mayor",
    "Avenida de la Constitución",
    "Paseo del Prado",
    "Carrer de Mallorca",
];
const IT: &[(&str, &str)] = &[("00184", "Roma"), ("20121", "Milano"), ("50122", "Firenze")];
const IT_STREETS: &[&str] = &[
    "Via Roma",
    "Via Garibaldi",
    "Corso Vittorio Emanuele",
    "Piazza Navona",
    "Viale Europa",
];
const CA: &[(&str, &str, &str)] = &[
    ("Toronto", "ON", "M5V 3L9"),
    ("Ottawa", "ON", "K1A 0B1"),
    ("Vancouver", "BC", "V6B 1A1"),
];

/// Sentences that look like they hold a name or address but do not.
const DECOYS: &[&str] = &[
    "Claude Sonnet answered faster than Gemini Flash.",
    "We compared Llama Guard with Mistral Large and Grok Beta.",
    "I am Claude, an AI assistant made by Anthropic.",
    "Will you send the report? May I ask why?",
    "Bill Payment failed, so Mark Complete was disabled.",
    "Grant Access to the Rose Garden team.",
    "The Summer Sale starts Monday; Hunter Green is sold out.",
    "We flew from Paris to London via Sydney.",
    "INFO request ok; ERROR upstream timeout; WARN retrying.",
    "Error Handler raised in UserService.getName().",
    "Call JohnSmith.run() before MarkDown.render().",
    "Dear Customer, your order has shipped.",
    "Hi Team, the build is green.",
    "The Charlotte Douglas Airport lounge was full.",
    "New York and San Francisco and Los Angeles offices.",
    "Top 10 Scenic Road Trips for 2026.",
    "We processed 500 Main requests in 3 Park regions.",
    "See section 4 Way Forward for details.",
    "Room 101 is booked at 12:30.",
    "Version 2 Street Fighter patch notes.",
];

pub(crate) fn person(rng: &mut Rng) -> (String, String) {
    let (ctx, surname_only) = *rng.pick(PERSON_CONTEXTS);
    let given = *rng.pick(GIVEN);
    let last = *rng.pick(SURNAMES);
    let name = if surname_only {
        last.to_string()
    } else if rng.chance(0.1) {
        let middle = (b'A' + rng.below(26) as u8) as char;
        format!("{given} {middle}. {last}")
    } else {
        format!("{given} {last}")
    };
    (ctx.replace("{}", &name), name)
}

pub(crate) fn address(rng: &mut Rng) -> (String, String) {
    let ctx = *rng.pick(ADDRESS_CONTEXTS);
    let n = rng.range(1, 2400);
    let a = match rng.below(7) {
        0 | 1 => {
            let (city, st) = *rng.pick(US_CITIES);
            let unit = if rng.chance(0.3) {
                format!(
                    ", Apt {}{}",
                    rng.range(1, 30),
                    (b'A' + rng.below(6) as u8) as char
                )
            } else {
                String::new()
            };
            format!(
                "{n} {} {}{unit}, {city}, {st} {:05}",
                rng.pick(US_STREETS),
                rng.pick(US_SUFFIXES),
                rng.range(10_001, 99_950)
            )
        }
        2 => {
            let (city, pc) = *rng.pick(UK);
            format!(
                "{} {}, {city} {pc}",
                rng.range(1, 240),
                rng.pick(UK_STREETS)
            )
        }
        3 => {
            let (plz, city) = *rng.pick(DE);
            format!(
                "{} {}, {plz} {city}",
                rng.pick(DE_STREETS),
                rng.range(1, 180)
            )
        }
        4 => {
            let (cp, city) = *rng.pick(FR);
            format!(
                "{} {}, {cp} {city}",
                rng.range(1, 120),
                rng.pick(FR_STREETS)
            )
        }
        5 => {
            if rng.chance(0.5) {
                let (cp, city) = *rng.pick(ES);
                format!(
                    "{} {}, {cp} {city}",
                    rng.pick(ES_STREETS),
                    rng.range(1, 200)
                )
            } else {
                let (cap, city) = *rng.pick(IT);
                format!(
                    "{} {}, {cap} {city}",
                    rng.pick(IT_STREETS),
                    rng.range(1, 200)
                )
            }
        }
        _ => {
            let (city, pr, pc) = *rng.pick(CA);
            format!("{n} {} Street, {city}, {pr} {pc}", rng.pick(US_STREETS))
        }
    };
    (ctx.replace("{}", &a), a)
}

/// Plants names, addresses and their decoys into `field` (text `target`), from the
/// record's own stream `rng`: adds the insertions to `ins` and the truth rows to `truth`.
/// `batch` says the record is an OpenAI Batch line (whose only text is the answer), and
/// `has_response` whether the call produced an answer.
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
    let mut add = |rng: &mut Rng, sentence: String| {
        let ins_one = super::plant::place_decoy(rng, target, sentence);
        ins.push(ins_one);
    };
    if rng.chance(0.003) {
        let (s, v) = person(rng);
        add(rng, format!("{s}\n"));
        truth.push(Truth {
            field,
            kind: PiiKind::Person,
            value: v,
        });
    }
    if rng.chance(0.002) {
        let (s, v) = address(rng);
        add(rng, format!("{s}.\n"));
        truth.push(Truth {
            field,
            kind: PiiKind::Address,
            value: v,
        });
    }
    if rng.chance(0.004) {
        let d = rng_decoy(rng);
        add(rng, d);
    }
}

fn rng_decoy(rng: &mut Rng) -> String {
    (*rng.pick(DECOYS)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_sit_in_their_sentences() {
        let mut rng = Rng::new(5);
        for _ in 0..500 {
            let (s, v) = person(&mut rng);
            assert!(s.contains(&v));
            let (s, v) = address(&mut rng);
            assert!(s.contains(&v));
        }
    }
}
