//! `logwarden pii` on national identifiers, wallets, MAC addresses and dates of birth: each
//! planted value is one row of `pii_findings.csv` with its type, field and detector, decoys
//! with broken check digits are not, `[pii] regions` selects countries, and no raw value
//! appears in any output.

use crate::util::{csv_header, csv_rows, Env};

/// (prompt text, expected type, the raw value).
const PLANTED: &[(&str, &str, &str)] = &[
    (
        "my NHS number is 943 476 5919, thanks",
        "UK_NHS",
        "943 476 5919",
    ),
    ("NI number AB123456C please", "UK_NINO", "AB123456C"),
    ("mi DNI es 12345678Z.", "ES_NIF", "12345678Z"),
    (
        "codice fiscale RSSMRA85T10A562S",
        "IT_FISCAL_CODE",
        "RSSMRA85T10A562S",
    ),
    ("Steuer-ID 65929970489", "DE_TAX_ID", "65929970489"),
    ("hetu 131052-308T", "FI_HETU", "131052-308T"),
    (
        "my Aadhaar is 2345 6789 0124",
        "IN_AADHAAR",
        "2345 6789 0124",
    ),
    (
        "routing number 021000021 for the wire",
        "US_ABA_ROUTING",
        "021000021",
    ),
    (
        "send to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed now",
        "CRYPTO_ETH",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    ),
    (
        "btc bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "CRYPTO_BTC",
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    ),
    (
        "device 00:1A:2B:3C:4D:5E joined",
        "MAC_ADDRESS",
        "00:1A:2B:3C:4D:5E",
    ),
    ("Geburtsdatum: 14.03.1985", "DATE_OF_BIRTH", "14.03.1985"),
];

/// Decoys next to the same keywords: a broken check digit, a digit too few, no keyword.
const DECOYS: &[&str] = &[
    "my NHS number is 9434765918",
    "Steuer-ID 65929970488",
    "mi DNI es 12345678A",
    "order 9434765919 shipped on 2026-03-14",
    "device 00:00:00:00:00:00",
];

fn input() -> String {
    let mut s = String::new();
    for (i, (text, _, _)) in PLANTED.iter().enumerate() {
        s.push_str(&format!(
            "{{\"request_id\":\"n{i}\",\"ts\":\"2026-11-23T10:00:00Z\",\"prompt\":\"{text}\"}}\n"
        ));
    }
    for (i, text) in DECOYS.iter().enumerate() {
        s.push_str(&format!(
            "{{\"request_id\":\"d{i}\",\"ts\":\"2026-11-23T10:00:00Z\",\"prompt\":\"{text}\"}}\n"
        ));
    }
    s
}

#[test]
fn national_findings_rows_and_no_raw_values() {
    let env = Env::new();
    let input = env.write("in.jsonl", input());
    let run = env.run(&["pii", &input, "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = env.read("out/pii_findings.csv");
    assert_eq!(
        csv_header(&text),
        [
            "file",
            "line",
            "request_id",
            "ts",
            "field",
            "pii_type",
            "masked",
            "fingerprint",
            "detector"
        ]
    );
    let rows = csv_rows(&text);
    let got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["request_id"].clone(),
                r["field"].clone(),
                r["pii_type"].clone(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = PLANTED
        .iter()
        .enumerate()
        .map(|(i, (_, ty, _))| (format!("n{i}"), "prompt".to_string(), ty.to_string()))
        .collect();
    assert_eq!(got, want);
    for r in &rows {
        assert_eq!(r["fingerprint"].len(), 16);
        assert!(!r["detector"].is_empty() && !r["masked"].is_empty());
    }
    let summary = env.read("out/pii_summary.csv");
    assert!(
        summary.contains("UK_NHS") && summary.contains("CRYPTO_ETH"),
        "{summary}"
    );
    let outputs = [
        "out/pii_findings.csv",
        "out/pii_summary.csv",
        "out/pii_classes.csv",
    ];
    for f in outputs {
        let t = env.read(f);
        for (_, _, raw) in PLANTED {
            assert!(!t.contains(raw), "{raw} in {f}");
        }
    }
    assert!(!run.stdout.contains("943 476 5919") && !run.stderr.contains("943 476 5919"));
    // Redaction removes every planted value, and auditing the copy finds nothing national.
    let red = env.run(&["redact", &input, "-o", "red.jsonl"]);
    assert_eq!(red.code, 0, "{}", red.stderr);
    let copy = env.read("red.jsonl");
    for (_, _, raw) in PLANTED {
        assert!(!copy.contains(raw), "{raw} survived redaction");
    }
}

#[test]
fn regions_limit_national_types() {
    let env = Env::new();
    let input = env.write("in.jsonl", input());
    env.write("logwarden.toml", "[pii]\nregions = [\"GB\"]\n");
    let cfg = env.path("logwarden.toml");
    let run = env.run(&[
        "pii",
        &input,
        "-o",
        "out",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&env.read("out/pii_findings.csv"));
    let types: Vec<&str> = rows.iter().map(|r| r["pii_type"].as_str()).collect();
    assert!(
        types.contains(&"UK_NHS") && types.contains(&"UK_NINO"),
        "{types:?}"
    );
    assert!(
        !types.contains(&"ES_NIF") && !types.contains(&"DE_TAX_ID"),
        "{types:?}"
    );
    // Types without a country stay on.
    assert!(
        types.contains(&"CRYPTO_ETH") && types.contains(&"DATE_OF_BIRTH"),
        "{types:?}"
    );
    env.write("bad.toml", "[pii]\nregions = [\"XX\"]\n");
    let bad = env.path("bad.toml");
    let run = env.run(&[
        "pii",
        &input,
        "-o",
        "out2",
        "--config",
        bad.to_str().unwrap(),
    ]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("regions") && run.stderr.contains("XX"),
        "{}",
        run.stderr
    );
}
