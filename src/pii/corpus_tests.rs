//! Whole-module tests over mixed corpora: decoy-heavy prose, redaction idempotence in every
//! mode, and robustness against arbitrary unicode and pathological digit runs.

use super::*;

fn det() -> Detectors {
    Detectors::new(&PiiConfig::default()).unwrap()
}

fn typed(d: &Detectors, text: &str) -> Vec<(String, String)> {
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

/// Prose full of numbers that are not PII.
const DECOYS: &str =
    "Release v1.2.3.4 shipped on 2026-11-23 at 14:05:09 (2026-11-23T14:05:09Z, epoch \
1732406400000 / 1732406400). Build 300.1.2.999 and 10.0.0.1.5 failed; version 4.15.2.1 passed. \
Request id 123e4567-e89b-12d3-a456-426614174000, trace 4bf92f3577b34da6a3ce929d0e0e4736. \
Order #1234567812345678 cost $1,234.56 (EUR 1.234,56) plus 19% VAT; qty 4155550132? no. \
ISBN 978-3-16-148410-0 and 9783161484100; page 12-34; score 3:2; ratio 16:9; at 12:30:45. \
MAC 00:00:00:00:00:00; C++ std::vector and a::b; python xs[::2] and xs[1::]; hash \
d41d8cd98f00b204e9800998ecf8427e; sha 0123456789abcdef0123456789abcdef01234567. \
Coordinates 37.7749, -122.4194; temps +21.5 C; offset +05:30; diff +12 -3 lines; \
user@localhost is not an email, nor is @handle or foo@bar. Model gpt-4o-2024-08-06, \
claude-3-5-sonnet-20241022, sk-learn docs, task-runner-pipeline-for-data-ingestion-v2, \
ghp_short, AKIA-short, eyJ-not-a-jwt, -----BEGIN PUBLIC KEY----- ok. 日本語 ２０２６年 \
café 123 456 7890 12 is a list. Room 101, floor 5, 3 of 4 items, 1.5x faster, 99.9% SLO.";

const PII: &[(&str, &str)] = &[
    ("EMAIL_ADDRESS", "jane.doe+ops@mail.example.co.uk"),
    ("PHONE_NUMBER", "(415) 555-0132"),
    ("PHONE_NUMBER", "+44 20 7946 0958"),
    ("CREDIT_CARD", "4111 1111 1111 1111"),
    ("CREDIT_CARD", "378282246310005"),
    ("US_SSN", "123-45-6789"),
    ("IBAN_CODE", "GB82 WEST 1234 5698 7654 32"),
    ("IP_ADDRESS", "192.168.10.24"),
    ("IP_ADDRESS", "2001:db8::8a2e:370:7334"),
    ("AWS_ACCESS_KEY", "AKIAQYLPMN5HHHFPZAM2"),
    ("GITHUB_TOKEN", "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3sXy"),
    ("OPENAI_API_KEY", "sk-proj-Ab3dEf6hIj9kLm2nOp5qT3BlbkFJRs8tUv1wXy4zAb7dEf0h"),
    ("ANTHROPIC_API_KEY", "sk-ant-api03-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA_2O76UMFxFkM_R5Kjp1vRt-1fjORS_6ilI8ihN5KXSc7Tvo_hBKqFYAA"),
    ("SLACK_TOKEN", "xoxb-731904286153-5820461937024-Kq7ZtW2mXv9LpR4sNb6YhJ3d"),
    ("STRIPE_KEY", "sk_live_51HqLyjWDarjtT1zdp7dcAbCd"),
    ("JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
];

fn pii_corpus() -> String {
    let mut s = String::new();
    for (i, (_, v)) in PII.iter().enumerate() {
        let sep = ["\n", " ", "\t", " · ", " 日本 ", ", "][i % 6];
        s.push_str(&format!("value {v}{sep}"));
    }
    s.push_str("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDgk3v7aKbH2B3qk5QxM3o2xj2YOEw5X5gUJrl2K9bC2AAAAJg=\n-----END OPENSSH PRIVATE KEY-----\n");
    s
}

#[test]
fn decoy_prose_has_no_findings() {
    let d = det();
    assert_eq!(typed(&d, DECOYS), Vec::<(String, String)>::new());
}

#[test]
fn every_value_found_once_with_its_type() {
    let d = det();
    let corpus = pii_corpus();
    let got = typed(&d, &corpus);
    let mut expected: Vec<(String, String)> = PII
        .iter()
        .map(|(t, v)| (t.to_string(), v.to_string()))
        .collect();
    let pem_start = corpus.find("-----BEGIN").unwrap();
    let pem_end = corpus.find("-----END OPENSSH PRIVATE KEY-----").unwrap() + 33;
    expected.push(("PRIVATE_KEY".into(), corpus[pem_start..pem_end].to_string()));
    assert_eq!(got, expected);
}

#[test]
fn redaction_is_idempotent_in_every_mode() {
    let d = det();
    let fp = Fingerprinter::new(b"test-key");
    let corpus = format!("{DECOYS}\n{}\n{DECOYS}", pii_corpus());
    for mode in [RedactMode::Tag, RedactMode::Mask, RedactMode::Hash] {
        let mut f = Vec::new();
        d.scan(&corpus, &mut f);
        assert_eq!(f.len(), PII.len() + 1);
        let red = redact_text(&corpus, &f, &d, mode, &fp);
        let mut again = Vec::new();
        d.scan(&red, &mut again);
        assert!(again.is_empty(), "{mode:?}: {:?}", typed(&d, &red));
        for (_, v) in PII {
            assert!(!red.contains(v), "{mode:?} leaked {v}");
        }
        // Decoys survive redaction untouched.
        assert!(red.contains("2026-11-23T14:05:09Z") && red.contains("300.1.2.999"));
    }
}

#[test]
fn redaction_resolves_neighbours_that_reappear() {
    // The phone touches the address; once the address is gone the phone stands alone.
    let d = det();
    let fp = Fingerprinter::new(b"k");
    let text = "hosts 10.0.0.1-415-555-0132 and bob@corp.io.10.0.0.1";
    for mode in [RedactMode::Tag, RedactMode::Mask, RedactMode::Hash] {
        let mut f = Vec::new();
        d.scan(text, &mut f);
        let red = redact_text(text, &f, &d, mode, &fp);
        let mut again = Vec::new();
        d.scan(&red, &mut again);
        assert!(again.is_empty(), "{mode:?}: {red}");
    }
}

#[test]
fn hash_mode_never_rescans_even_for_digit_only_hashes() {
    let d = det();
    for key in 0..2000u32 {
        let fp = Fingerprinter::new(&key.to_le_bytes());
        let text = "card 4111111111111111 ssn 123-45-6789 ip 10.1.2.3";
        let mut f = Vec::new();
        d.scan(text, &mut f);
        let red = redact_text(text, &f, &d, RedactMode::Hash, &fp);
        let mut again = Vec::new();
        d.scan(&red, &mut again);
        assert!(again.is_empty(), "{red}");
    }
}

/// Deterministic xorshift generator so the fuzz corpus is reproducible without extra crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn arbitrary_input_never_panics_and_spans_are_valid() {
    let d = det();
    let fp = Fingerprinter::new(b"k");
    let atoms = [
        "0",
        "1",
        "4",
        "9",
        "5",
        "-",
        ".",
        " ",
        ":",
        "+",
        "(",
        ")",
        "@",
        "/",
        "_",
        "a",
        "Z",
        "e",
        "é",
        "日",
        "\u{10FFFF}",
        "\n",
        "\\n",
        "eyJ",
        "sk-",
        "AKIA",
        "xoxb-",
        "-----BEGIN ",
        "PRIVATE KEY-----",
        "-----END ",
        "DE89",
        "::",
        "ghp_",
        "hooks.slack.com/",
        "services/",
        "<",
        ">",
        "\u{0301}",
        "٣",
    ];
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..3000 {
        let len = (rng.next() % 120) as usize;
        let s: String = (0..len)
            .map(|_| atoms[(rng.next() % atoms.len() as u64) as usize])
            .collect();
        let mut out = Vec::new();
        d.scan(&s, &mut out);
        for w in out.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
        for f in &out {
            assert!(f.start < f.end && s.is_char_boundary(f.start) && s.is_char_boundary(f.end));
            let v = &s[f.start..f.end];
            let m = d.mask(f.type_id, v);
            assert!(!m.contains(v) || v.is_empty(), "{v:?} -> {m:?}");
        }
        for mode in [RedactMode::Tag, RedactMode::Mask, RedactMode::Hash] {
            let red = redact_text(&s, &out, &d, mode, &fp);
            let mut again = Vec::new();
            d.scan(&red, &mut again);
            assert!(again.is_empty(), "{mode:?} {s:?} -> {red:?}");
        }
    }
}

#[test]
fn huge_and_weird_inputs() {
    let d = det();
    let mut out = Vec::new();
    for s in [
        "9".repeat(1_000_000),
        "4111 ".repeat(200_000),
        "1-".repeat(300_000),
        "1.".repeat(300_000),
        "a@".repeat(300_000),
        ":1".repeat(300_000),
        "é1".repeat(300_000),
        "DE89".repeat(200_000),
        "eyJ.".repeat(200_000),
        "(415) ".repeat(100_000),
        "+1 ".repeat(200_000),
    ] {
        out.clear();
        d.scan(&s, &mut out);
    }
}
