//! Unit tests of the national identifiers, wallets, MAC addresses and dates of birth: for
//! each type a valid value in several spellings and contexts, a broken check digit, a wrong
//! length, glued neighbours and unicode neighbours.

use super::super::{Detectors, PiiConfig};

fn det() -> Detectors {
    Detectors::new(&PiiConfig::default()).unwrap()
}

fn det_regions(r: &[&str]) -> Detectors {
    Detectors::new(&PiiConfig {
        regions: r.iter().map(|s| s.to_string()).collect(),
        ..PiiConfig::default()
    })
    .unwrap()
}

/// (type, context prefix, valid values, invalid values: bad check digit, wrong length, …).
const CASES: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "UK_NHS",
        "NHS number: ",
        &["9434765919", "943 476 5919", "943-476-5919"],
        &["9434765918", "943476591", "94347659190"],
    ),
    (
        "UK_NINO",
        "ref ",
        &["AB123456C", "AB 12 34 56 C"],
        &[
            "AB123456E",
            "DA123456C",
            "GB123456A",
            "AB12345C",
            "AB1234567C",
        ],
    ),
    (
        "CA_SIN",
        "SIN ",
        &["130692544", "130 692 544", "130-692-544"],
        &["130692545", "046454286", "13069254"],
    ),
    (
        "AU_ABN",
        "ABN ",
        &["51824753556", "51 824 753 556"],
        &["51824753557", "5182475355"],
    ),
    (
        "AU_ACN",
        "ACN ",
        &["000000019", "005 749 986"],
        &["005749987", "00574998"],
    ),
    (
        "AU_TFN",
        "TFN: ",
        &["123456782", "123 456 782"],
        &["123456789", "12345678"],
    ),
    (
        "AU_MEDICARE",
        "Medicare card ",
        &["2123456701", "2123 45670 1"],
        &["2123456711", "7123456701"],
    ),
    (
        "IN_AADHAAR",
        "Aadhaar ",
        &["234567890124", "2345 6789 0124"],
        &["234567890125", "134567890124", "23456789012"],
    ),
    (
        "IN_PAN",
        "pan ",
        &["ABCPE1234F"],
        &["ABCXE1234F", "ABCPE12345", "ABCPE1234"],
    ),
    (
        "IN_GSTIN",
        "GSTIN ",
        &["27AAPFU0939F1ZV"],
        &["27AAPFU0939F1ZW", "99AAPFU0939F1ZV", "27AAPFU0939F1Z"],
    ),
    (
        "ES_NIF",
        "DNI ",
        &["12345678Z", "12345678-Z"],
        &["12345678A", "1234567Z"],
    ),
    (
        "ES_NIE",
        "NIE ",
        &["X1234567L", "Y1234567X", "Z1234567R"],
        &["X1234567A", "W1234567L"],
    ),
    (
        "IT_FISCAL_CODE",
        "CF ",
        &["RSSMRA85T10A562S", "MRTMTT91D08F205J"],
        &["RSSMRA85T10A562T", "RSSMRA85T10A562", "RSSMRA85X10A562S"],
    ),
    (
        "PL_PESEL",
        "PESEL ",
        &["44051401359", "02070803628"],
        &["44051401358", "44151401359", "4405140135"],
    ),
    (
        "FI_HETU",
        "hetu ",
        &[
            "131052-308T",
            "131052A308T",
            "131052-0040",
            "170153-0170",
            "021074-7986",
        ],
        &["131052-308U", "131352-308T", "131052-001T", "131052-0041"],
    ),
    (
        "SE_PERSONNUMMER",
        "",
        &["811228-9874", "19811228-9874", "811228+9874"],
        &["811228-9875", "811328-9874", "81122-9874"],
    ),
    (
        "KR_RRN",
        "",
        &["800101-1234560"],
        &["800101-1234568", "800101-9234560", "801301-1234560"],
    ),
    (
        "SG_NRIC_FIN",
        "NRIC ",
        &["S1234567D", "T1234567J", "F1234567N", "G1234567X"],
        &["S1234567A", "A1234567D", "S123456D"],
    ),
    (
        "ZA_ID",
        "ID number ",
        &["8001015009087"],
        &["8001015009088", "8013015009087", "800101500908"],
    ),
    (
        "TR_TCKN",
        "TCKN ",
        &["10000000146"],
        &["10000000147", "00000000146", "1000000014"],
    ),
    (
        "DE_TAX_ID",
        "Steuer-ID ",
        &["65929970489", "26954371827"],
        &["65929970488", "65929970499", "12345678901", "6592997048"],
    ),
    (
        "US_ITIN",
        "ITIN ",
        &["912-70-1234", "912 91 1234"],
        &["912-93-1234", "812-70-1234", "912-70-123"],
    ),
    (
        "US_ABA_ROUTING",
        "routing number ",
        &["011000015", "021000021"],
        &["011000016", "991000015", "01100001"],
    ),
    (
        "US_NPI",
        "NPI ",
        &["1234567893"],
        &["1234567894", "3234567893", "123456789"],
    ),
    (
        "US_MBI",
        "MBI ",
        &["1EG4TE5MK73", "1EG4-TE5-MK73"],
        &["1SG4TE5MK73", "0EG4TE5MK73", "1EG4TE5MK7"],
    ),
    (
        "CRYPTO_BTC",
        "send to ",
        &[
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
        ],
        &[
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr",
            "bc1qar0srrr7xfkvy5l643lydnW9re59gtzzwf5mdq",
        ],
    ),
    (
        "CRYPTO_ETH",
        "wallet ",
        &[
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
        ],
        &[
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae",
            "0x0000000000000000000000000000000000000000",
        ],
    ),
    (
        "MAC_ADDRESS",
        "device ",
        &[
            "00:1A:2B:3C:4D:5E",
            "00-1a-2b-3c-4d-5e",
            "001a.2b3c.4d5e",
            "aa:bb:cc:dd:ee:01",
        ],
        &[
            "00:1A:2B:3C:4D",
            "00:1A:2B:3C:4D:5E:6F",
            "00:1A-2B:3C:4D:5E",
            "00:00:00:00:00:00",
            "ff:ff:ff:ff:ff:ff",
        ],
    ),
    (
        "DATE_OF_BIRTH",
        "DOB: ",
        &["1985-03-14", "14.03.1985", "03/14/1985", "4/7/1990"],
        &["1985-13-14", "1885-03-14", "2099-01-01", "1985-02-30"],
    ),
];

#[test]
fn every_type_valid_invalid_and_lengths() {
    let d = det_regions(&[
        "GB", "CA", "AU", "IN", "ES", "IT", "PL", "FI", "SE", "KR", "SG", "ZA", "TR", "DE", "US",
    ]);
    let mut failures = Vec::new();
    for (ty, ctx, valid, invalid) in CASES {
        for v in *valid {
            for wrap in [
                "{c}{v}",
                "{c}{v}.",
                "x\n{c}{v}\tz",
                "({c}{v})",
                "{c}{v} 日本",
                "“{c}{v}”",
            ] {
                let t = wrap.replace("{c}", ctx).replace("{v}", v);
                let got = d.found(&t);
                if got != [(ty.to_string(), v.to_string())] {
                    failures.push(format!("{ty}: {t:?} -> {got:?}"));
                }
            }
        }
        for v in *invalid {
            let t = format!("{ctx}{v}");
            let got = d.found(&t);
            if got.iter().any(|(t2, _)| t2 == ty) {
                failures.push(format!("{ty}: invalid {t:?} -> {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn glued_and_unicode_neighbours_are_not_values() {
    let d = det();
    for t in [
        "refAB123456C",
        "AB123456Cx",
        "café12345678Z",
        "12345678Zé",
        "id_X1234567L",
        "RSSMRA85T10A562Sx",
        "x131052-308T",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedz",
        "ts 1:00:1A:2B:3C:4D:5E",
    ] {
        let f = d.found(t);
        assert!(f.is_empty(), "{t:?} -> {f:?}");
    }
}

#[test]
fn weak_formats_need_their_keyword() {
    let d = det();
    for t in [
        "order 9434765919 shipped",
        "count 046454286",
        "id 51824753556",
        "ref 234567890124",
        "x 44051401359",
        "n 10000000146",
        "v 65929970489",
        "z 8001015009087",
        "id 1234567893 in prose",
        "on 1985-03-14 we met",
        "ticket 011000015",
    ] {
        let f = d.found(t);
        assert!(f.is_empty(), "{t:?} -> {f:?}");
    }
    // The keyword must be on the same line and a whole word.
    assert!(d.found("NHS\n9434765919").is_empty());
    assert!(d.found("using 046454286").is_empty());
    assert!(
        d.found("passport 123456789").is_empty(),
        "keyword-only types are opt-in"
    );
    // A JSON key counts as the keyword when the JSON is text.
    assert_eq!(
        d.found(r#"{"nhs_number": "943 476 5919"}"#),
        [("UK_NHS".to_string(), "943 476 5919".to_string())]
    );
}

#[test]
fn regions_select_types() {
    let gb = det_regions(&["gb"]);
    assert_eq!(gb.found("AB123456C").len(), 1);
    assert!(gb.found("12345678Z").is_empty());
    let us = det_regions(&["US"]);
    assert_eq!(
        us.found("passport no 123456789"),
        [("US_PASSPORT".to_string(), "123456789".to_string())]
    );
    assert_eq!(
        us.found("bank account 000123456789"),
        [("US_BANK_NUMBER".to_string(), "000123456789".to_string())]
    );
    assert_eq!(
        us.found("driver's license D1234567"),
        [("US_DRIVER_LICENSE".to_string(), "D1234567".to_string())]
    );
    // Wallets, MAC addresses and dates of birth have no country and stay on.
    assert_eq!(us.found("mac 00:1A:2B:3C:4D:5E").len(), 1);
    let err = Detectors::new(&PiiConfig {
        regions: vec!["XX".into()],
        ..PiiConfig::default()
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("regions") && err.contains("XX") && err.contains("GB"),
        "{err}"
    );
}

#[test]
fn masks_and_fingerprints_hide_the_value() {
    let d = det();
    let fp = super::super::Fingerprinter::new(b"k");
    for (ty, ctx, valid, _) in CASES {
        let Some(f) = ({
            let t = format!("{ctx}{}", valid[0]);
            let mut out = Vec::new();
            d.scan(&t, &mut out);
            out.first().copied()
        }) else {
            continue;
        };
        let v = valid[0];
        let m = d.mask(f.type_id, v);
        assert!(!m.contains(v), "{ty}: {m}");
        let kept = m.chars().filter(|c| c.is_ascii_alphanumeric()).count();
        assert!(kept * 3 <= v.len(), "{ty}: {m} keeps too much");
        let a = d.fingerprint(&fp, f.type_id, v);
        assert!(!a.contains(v));
    }
    // Separators do not change a national identifier's fingerprint.
    let id = super::UK_NHS;
    assert_eq!(
        d.fingerprint(&fp, id, "943 476 5919"),
        d.fingerprint(&fp, id, "9434765919")
    );
}

#[test]
fn logs_are_not_values() {
    let d = det();
    for t in [
        "2026-12-02T23:21:01Z request 550e8400-e29b-41d4-a716-446655440000 took 123 ms",
        "version 1.2.3 build 20261202 sha 1a2b3c4d5e6f7a8b9c0d",
        "1790000000123 1790000000 12:34:56.789",
        "commit 3f5e2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f",
        "tx 0x3f5e2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3f5e2a1b9c8d7e6f5a4b3c2d",
        "model gpt-4o-2024-08-06 and claude-3-5-sonnet-20241022",
        "port 8080, pid 12345, exit 137",
    ] {
        let f: Vec<_> = d
            .found(t)
            .into_iter()
            .filter(|(ty, _)| ty != "IP_ADDRESS" && ty != "PHONE_NUMBER")
            .collect();
        assert!(f.is_empty(), "{t:?} -> {f:?}");
    }
}
