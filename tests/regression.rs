//! Regression and robustness tests: arbitrary bytes through every parser, the detectors and
//! redaction (never a panic; redaction keeps valid JSON, non-string values, and is idempotent),
//! plus tests named after bugs found in this project.

use logwarden::input::BlockReader;
use logwarden::pii::{redact_text, Fingerprinter, RedactMode};
use logwarden::record::format::{Format, FormatKind};
use logwarden::record::walk::{walk_strings, walk_values, ValueKind};
use logwarden::redact::Redactor;
use proptest::prelude::*;

/// The fuzz targets' properties (fuzz/checks.rs), replayed here on every input the fuzzers
/// found (fuzz/regressions/<target>/) so CI keeps them fixed without running a fuzzer.
#[path = "../fuzz/checks.rs"]
mod checks;
use checks::{detectors, same_shape};

fn replay(target: &str, check: fn(&[u8])) {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no regression inputs", dir.display());
    for path in files {
        let data = std::fs::read(&path).expect("read regression input");
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            panic!("{target}: {} fails again", path.display());
        }
    }
}

#[test]
fn fuzz_regressions_json_line() {
    replay("json_line", checks::json_line);
}

#[test]
fn fuzz_regressions_detectors() {
    replay("detectors", |data| {
        for chunk in data.utf8_chunks() {
            checks::detector_text(chunk.valid());
        }
    });
}

#[test]
fn fuzz_regressions_redaction() {
    replay("redaction", checks::redaction);
}

#[test]
fn fuzz_regressions_report() {
    replay("report", checks::report);
}

/// Fragments that make random text interesting: PII, decoys, escapes, unicode, JSON syntax.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("john.doe@acme.io".to_string()),
        Just("4111 1111 1111 1111".to_string()),
        Just("123-45-6789".to_string()),
        Just("+44 20 7946 0958".to_string()),
        Just("(415) 555-0132".to_string()),
        Just("DE89 3704 0044 0532 0130 00".to_string()),
        Just("10.0.0.1".to_string()),
        Just("2001:db8::1".to_string()),
        Just("AKIAZ3MPLQRSTUV23XYZ".to_string()),
        Just("ghp_abcdefghijklmnopqrstuvwxyz0123456789".to_string()),
        Just("sk-proj-abcdefghijklmnopqrstuvwxyz012345".to_string()),
        Just("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig".to_string()),
        Just("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----".to_string()),
        Just("2026-11-23T14:05:09Z".to_string()),
        Just("300.1.2.999".to_string()),
        Just("café 日本 😀".to_string()),
        Just("\"\\\n\t".to_string()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..8).prop_map(|v| v.join(" "))
}

/// A JSON object line with random strings in the usual places and some non-string values.
fn json_line() -> impl Strategy<Value = String> {
    (text(), text(), text(), any::<i32>(), any::<bool>()).prop_map(|(p, r, c, n, b)| {
        serde_json::json!({
            "ts": "2026-11-23T10:00:00Z", "status": 200, "latency_ms": n, "ok": b,
            "prompt": p, "response": r,
            "metadata": {"messages": [{"content": c}, n, null], "deep": [[{"x": r}]]}
        })
        .to_string()
    })
}

fn redact(line: &[u8], mode: RedactMode) -> Vec<u8> {
    let fp = Fingerprinter::new(b"k");
    let r = Redactor {
        detectors: detectors(),
        fingerprints: &fp,
        mode,
    };
    let mut out = Vec::new();
    r.redact_lines(line, false, &mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// No byte sequence makes a preset or the walker panic.
    #[test]
    fn parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for kind in FormatKind::ALL {
            let _ = Format::new(kind, &[]).records(&bytes, |_| {});
        }
        let _ = walk_strings(&bytes, &mut |_, _| {});
    }

    /// Near-JSON (a valid line with one byte changed) never panics either.
    #[test]
    fn mutated_json_never_panics(line in json_line(), pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = line.into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] = byte;
        for kind in FormatKind::ALL {
            let _ = Format::new(kind, &[]).records(&bytes, |_| {});
        }
        let _ = redact(&bytes, RedactMode::Tag);
    }

    /// Detector spans are in bounds and on char boundaries, and redaction is clean and idempotent.
    #[test]
    fn detectors_and_redaction(s in text()) {
        let d = detectors();
        let fp = Fingerprinter::new(b"k");
        let mut hits = Vec::new();
        d.scan(&s, &mut hits);
        for h in &hits {
            prop_assert!(h.start < h.end && h.end <= s.len());
            prop_assert!(s.is_char_boundary(h.start) && s.is_char_boundary(h.end));
        }
        for mode in [RedactMode::Tag, RedactMode::Mask, RedactMode::Hash] {
            let once = redact_text(&s, &hits, d, mode, &fp);
            let mut again = Vec::new();
            d.scan(&once, &mut again);
            prop_assert!(again.is_empty(), "{:?} left {:?} in {:?}", mode, again, once);
        }
    }

    /// Redacting a JSON line keeps it valid JSON with the same non-string values, re-audits
    /// clean, and a second redaction changes nothing.
    #[test]
    fn redaction_keeps_json_and_is_idempotent(line in json_line()) {
        for mode in [RedactMode::Tag, RedactMode::Mask, RedactMode::Hash] {
            let once = redact(line.as_bytes(), mode);
            let a: serde_json::Value = serde_json::from_str(&line).unwrap();
            let b: serde_json::Value = serde_json::from_slice(&once).expect("still JSON");
            prop_assert!(same_shape(&a, &b));
            prop_assert_eq!(redact(&once, mode), once.clone());
            let mut found = 0;
            walk_values(&once, &mut |_, v| {
                let s = logwarden::record::JsonStr::raw(v.raw, v.escaped).get();
                let mut hits = Vec::new();
                if v.kind == ValueKind::Number {
                    detectors().scan_number(&s, &mut hits);
                } else {
                    detectors().scan(&s, &mut hits);
                }
                found += hits.len();
            }).unwrap();
            prop_assert_eq!(found, 0);
        }
    }
}

/// Bug: the stream block reader looped forever, returning empty blocks, when a carried-over
/// partial line was already as long as the block target.
#[test]
fn block_reader_terminates_on_long_unfinished_line() {
    let mut data = b"{\"a\":1}\n".to_vec();
    data.extend(std::iter::repeat_n(b'x', 50_000));
    data.extend_from_slice(b"\n{\"b\":2}");
    let mut r = BlockReader::new(data.as_slice(), 4096, 1 << 20);
    let mut joined = Vec::new();
    let mut blocks = 0;
    while let Some(b) = r.next_block().unwrap() {
        joined.extend_from_slice(&b.data);
        blocks += 1;
        assert!(blocks < 100, "the reader must make progress");
    }
    assert_eq!(joined, data);
}

/// Bug: a valid card right after a plain short number (`exited with code 137 4881 …`) was
/// taken for the middle of a grouped IBAN and missed.
#[test]
fn card_after_exit_code_is_found() {
    let s = "build step 3/7 exited with code 137 4881 1247 0429 3632";
    let mut hits = Vec::new();
    detectors().scan(s, &mut hits);
    let names: Vec<&str> = hits
        .iter()
        .map(|h| detectors().type_name(h.type_id))
        .collect();
    assert_eq!(names, ["CREDIT_CARD"]);
}
