//! The properties the fuzz targets check, shared with `tests/regression.rs` (which replays every
//! file under `fuzz/regressions/<target>/` through the same function). Each function panics
//! when a property fails, which is how libFuzzer and the tests notice.
#![allow(dead_code)] // each target uses one of the checks

use logwarden::pii::{redact_text, Detectors, Fingerprinter, PiiConfig, RedactMode};
use logwarden::record::format::{Format, FormatKind, LineError};
use logwarden::record::json::{validate, JsonError};
use logwarden::record::walk::walk_strings;
use logwarden::record::JsonStr;
use logwarden::redact::Redactor;
use std::sync::OnceLock;

pub fn detectors() -> &'static Detectors {
    static D: OnceLock<Detectors> = OnceLock::new();
    D.get_or_init(|| Detectors::new(&PiiConfig::default()).expect("default detectors"))
}

fn formats() -> &'static [Format] {
    static F: OnceLock<Vec<Format>> = OnceLock::new();
    F.get_or_init(|| {
        FormatKind::ALL
            .iter()
            .map(|&k| Format::new(k, &[]))
            .collect()
    })
}

/// Every string value of a JSON text, decoded, as serde_json reads them.
fn serde_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| serde_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| serde_strings(x, out)),
        _ => {}
    }
}

/// True when the text has a `\uD800`–`\uDFFF` escape (serde_json reports a lone one as an
/// unexpected end of a hex escape when a non-escape follows it).
fn has_surrogate_escape(bytes: &[u8]) -> bool {
    bytes.windows(4).any(|w| {
        w[0] == b'\\'
            && w[1] == b'u'
            && w[2].eq_ignore_ascii_case(&b'd')
            && b"89abcdefABCDEF".contains(&w[3])
    })
}

/// One line through the JSON scanner, the string walker and every format preset:
/// - the validator agrees with serde_json, except where JSON leaves the reader free (lone
///   surrogate escapes, numbers beyond f64, nesting deeper than serde_json's limit);
/// - on valid JSON the walker finds the same string values serde_json does;
/// - the walker and the validator accept the same lines;
/// - a preset that yields records (or fails only on a field's type) was given valid UTF-8, which
///   the scan relies on, and never accepts a line the validator rejects; its records hold
///   finite numbers.
pub fn json_line(bytes: &[u8]) {
    let ours = validate(bytes);
    let theirs = serde_json::from_slice::<serde_json::Value>(bytes);
    match (&ours, &theirs) {
        (Err(e), Ok(_)) => panic!("valid JSON rejected as {e:?}"),
        (Ok(()), Err(e)) => {
            let msg = e.to_string();
            assert!(
                msg.contains("surrogate")
                    || (msg.contains("hex escape") && has_surrogate_escape(bytes))
                    || msg.contains("number out of range")
                    || msg.contains("recursion limit"),
                "invalid JSON accepted (serde_json: {msg})"
            );
        }
        _ => {}
    }

    let mut walked = Vec::new();
    let walk = walk_strings(bytes, &mut |_, v| {
        assert_eq!(&bytes[v.range.clone()], v.raw.as_bytes());
        walked.push(JsonStr::raw(v.raw, v.escaped).get().into_owned());
    });
    assert_eq!(walk.is_ok(), ours.is_ok(), "walker and validator disagree");
    if let (Ok(()), Ok(value)) = (&walk, &theirs) {
        let mut expected = Vec::new();
        serde_strings(value, &mut expected);
        // serde_json keeps the last of duplicate keys and sorts objects by key; compare as sorted
        // lists, and allow extra strings only for lines with duplicate keys.
        expected.sort();
        walked.sort();
        if expected.len() == walked.len() {
            assert_eq!(walked, expected, "walked strings differ from serde_json's");
        } else {
            assert!(expected.len() < walked.len());
            let mut rest = walked.iter().peekable();
            for e in &expected {
                while rest.peek().is_some_and(|w| *w < e) {
                    rest.next();
                }
                assert_eq!(
                    rest.next(),
                    Some(e),
                    "a string serde_json reads was not walked"
                );
            }
        }
    }

    let utf8 = std::str::from_utf8(bytes).is_ok();
    for format in formats() {
        let result = format.records(bytes, |rec| {
            assert!(rec.latency_ms.is_none_or(f64::is_finite));
            assert!(rec.cost_usd.is_finite());
            assert!(rec.confidence.is_none_or(f64::is_finite));
            assert!(rec.rating.is_none_or(f64::is_finite));
            for d in rec.dims.iter().flatten() {
                let _ = d.get();
            }
        });
        match result {
            Ok(_) | Err(LineError::WrongType(_)) => {
                assert!(
                    utf8,
                    "{:?} accepted a line that is not UTF-8",
                    format.kind()
                );
                assert!(
                    ours.is_ok(),
                    "{:?} accepted a line the validator rejects",
                    format.kind()
                );
            }
            Err(LineError::Json(JsonError::NotObject)) => assert!(ours.is_ok()),
            Err(LineError::Json(_)) => {}
        }
    }
}

/// One text through the detectors: spans in bounds, on char boundaries, in order and not
/// overlapping; each redaction mode leaves nothing a second scan finds, and is idempotent.
pub fn detector_text(text: &str) {
    let d = detectors();
    let fp = Fingerprinter::new(b"fuzz");
    let mut hits = Vec::new();
    d.scan(text, &mut hits);
    let mut last_end = 0;
    for h in &hits {
        assert!(h.start < h.end && h.end <= text.len(), "span out of bounds");
        assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
        assert!(h.start >= last_end, "findings overlap or are out of order");
        last_end = h.end;
        assert!(!d.type_name(h.type_id).is_empty());
    }
    for mode in [RedactMode::Tag, RedactMode::Mask, RedactMode::Hash] {
        let once = redact_text(text, &hits, d, mode, &fp);
        let mut again = Vec::new();
        d.scan(&once, &mut again);
        assert!(again.is_empty(), "{mode:?} redaction left a finding");
    }
}

/// True when `after` is what redaction may make of `before`: the same structure, the same
/// keys except renamed ones (as many), the same numbers, booleans and nulls, except numbers
/// that became strings.
pub fn same_shape(before: &serde_json::Value, after: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (before, after) {
        (Value::String(_), Value::String(_)) | (Value::Number(_), Value::String(_)) => true,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_shape(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, x)| b.get(k).is_none_or(|y| same_shape(x, y)))
        }
        (x, y) => x == y,
    }
}

/// Bytes (one or more lines) through redaction in every mode: never a panic; the same number
/// of lines; a line that was JSON stays JSON with the same keys and non-string values; the
/// output re-audits clean and a second redaction changes nothing.
pub fn redaction(bytes: &[u8]) {
    let fp = Fingerprinter::new(b"fuzz");
    for mode in [RedactMode::Tag, RedactMode::Mask, RedactMode::Hash] {
        let r = Redactor {
            detectors: detectors(),
            fingerprints: &fp,
            mode,
        };
        let mut once = Vec::new();
        r.redact_lines(bytes, true, &mut once);
        let lines_in = bytes.split(|&b| b == b'\n').count();
        assert_eq!(once.split(|&b| b == b'\n').count(), lines_in, "line count");
        for (a, b) in bytes
            .split(|&b| b == b'\n')
            .zip(once.split(|&b| b == b'\n'))
        {
            if let Ok(before) = serde_json::from_slice::<serde_json::Value>(a) {
                let after: serde_json::Value =
                    serde_json::from_slice(b).expect("a JSON line stays JSON");
                assert!(same_shape(&before, &after), "{mode:?} changed a value");
            }
        }
        let mut twice = Vec::new();
        let stats = r.redact_lines(&once, true, &mut twice);
        assert_eq!(stats.findings, 0, "{mode:?} output still has findings");
        assert_eq!(twice, once, "{mode:?} is not idempotent");
    }
}

/// Bytes as a log file through `logwarden report` (every analysis and every output file), with
/// the format preset and the `--by` grouping picked by the first byte: the run succeeds (bad
/// lines are skipped and counted, never fatal), every CSV parses with a constant column count,
/// no number is NaN, and nothing the detectors flag in the input appears in any output.
pub fn report(bytes: &[u8]) {
    use clap::Parser;
    const FORMATS: [&str; 6] = [
        "auto",
        "native",
        "openai-batch",
        "bedrock",
        "litellm",
        "otel",
    ];
    const GROUPINGS: [&str; 4] = [
        "day,model",
        "hour,version,endpoint,stage,tenant,user_id",
        "week,tenant",
        "month",
    ];
    let (format, by, data) = match bytes.split_first() {
        Some((&b, rest)) => (
            FORMATS[b as usize % FORMATS.len()],
            GROUPINGS[(b as usize / FORMATS.len()) % GROUPINGS.len()],
            rest,
        ),
        None => ("auto", "day,model", bytes),
    };
    let dir = scratch_dir();
    let input = dir.join("in.jsonl");
    let out = dir.join("out");
    let config = dir.join("fuzz.toml");
    std::fs::write(&input, data).expect("write input");
    std::fs::write(
        &config,
        format!(
            "[pii]\nkey = \"{CONFIG_KEY}\"\nallow_values = [\"{}\", \"{}\"]\n",
            CONFIG_ALLOWED[0], CONFIG_ALLOWED[1]
        ),
    )
    .expect("write config");
    let args = [
        "logwarden",
        "report",
        "-q",
        "--min-readable",
        "0",
        "-j",
        "1",
        "--format",
        format,
        "--by",
        by,
        input.to_str().expect("utf-8 path"),
        "-o",
        out.to_str().expect("utf-8 path"),
        "--config",
        config.to_str().expect("utf-8 path"),
    ];
    let cli = logwarden::cli::Cli::try_parse_from(args).expect("arguments");
    let request = cli.into_request().expect("request");
    if let Err(e) = logwarden::command::run(request) {
        panic!("report failed on this input: {e:#}");
    }

    // Values the detectors find in the input must not reach any output file.
    let mut secrets = Vec::new();
    for chunk in data.utf8_chunks() {
        let mut hits = Vec::new();
        detectors().scan(chunk.valid(), &mut hits);
        secrets.extend(
            hits.iter()
                .map(|h| chunk.valid()[h.start..h.end].to_string()),
        );
    }
    // Nor may a secret of the configuration, unless the input holds it.
    let configured: Vec<&str> = std::iter::once(CONFIG_KEY)
        .chain(CONFIG_ALLOWED)
        .filter(|s| memchr::memmem::find(data, s.as_bytes()).is_none())
        .collect();
    let mut checked_summary = false;
    for entry in std::fs::read_dir(&out).expect("output dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read(&path).expect("read output");
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        checked_summary |= name == "summary.json";
        for s in &configured {
            assert!(
                memchr::memmem::find(&text, s.as_bytes()).is_none(),
                "{name}: a configured secret leaked into the output"
            );
        }
        if name.ends_with(".csv") {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_reader(&text[..]);
            let width = rdr.headers().expect("header").len();
            for row in rdr.records() {
                let row = row.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(row.len(), width, "{name}: ragged row");
                // A computed NaN, not log text (a request id may be the string "NaN").
                assert!(
                    !row.iter().any(|f| f == "NaN") || memchr::memmem::find(data, b"NaN").is_some(),
                    "{name}: NaN in {row:?}"
                );
            }
        }
        // Short values (a bare IP, say) can appear in outputs by coincidence; long ones cannot,
        // unless they are only the tail or head of a longer number (`912-34-567` + `4111 1111
        // 1111 1111` is no card where it stands, and no detector could say otherwise).
        // Likewise a one-word value (a key) that is only part of a longer word: `AKIA…EXAMPLE8`
        // is no access key where it stands.
        let word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
        for s in secrets.iter().filter(|s| s.len() >= 12) {
            let b = s.as_bytes();
            let one_word = b.iter().all(word);
            for at in memchr::memmem::find_iter(&text, b) {
                let before = at.checked_sub(1).map(|i| text[i]);
                let after = text.get(at + b.len()).copied();
                let glued_before = (b[0].is_ascii_digit()
                    && before.is_some_and(|c| c.is_ascii_digit()))
                    || (one_word && before.is_some_and(|c| word(&c)));
                let glued_after = (b[b.len() - 1].is_ascii_digit()
                    && after.is_some_and(|c| c.is_ascii_digit()))
                    || (one_word && after.is_some_and(|c| word(&c)));
                assert!(
                    glued_before || glued_after,
                    "{name}: a detected value leaked into the output"
                );
            }
        }
    }
    assert!(checked_summary, "summary.json was written and checked");
}

/// The fingerprint key and allowlisted values of the report target's configuration: none may
/// appear in any output file (summary.json included).
const CONFIG_KEY: &str = "fuzz-KEY-never-in-output-7Qz";
const CONFIG_ALLOWED: [&str; 2] = ["allowed-fuzz-9931@corp-example.io", "allowed-literal-Zk27"];

/// A per-process scratch directory, reused across runs.
fn scratch_dir() -> std::path::PathBuf {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            std::path::PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("logwarden-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    })
    .clone()
}
