//! End-to-end tests of the generator: determinism, the record contract, ground truth,
//! decoys, the batch shape and config validation (shared fixtures live here too).

use super::*;
use crate::gen::finance::{iban_valid, luhn_valid, ssn_valid};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::OnceLock;

pub(super) fn cfg(records: u64, seed: u64) -> GenConfig {
    GenConfig {
        records,
        seed,
        ..GenConfig::default()
    }
}

pub(super) fn gen(c: &GenConfig) -> (Vec<u8>, GenSummary) {
    let mut out = Vec::new();
    let s = generate(c, &mut out).expect("generate");
    (out, s)
}

/// A shared 20k-record native run with truth, reused by several tests.
pub(super) struct Run {
    pub(super) lines: Vec<Value>,
    pub(super) truth: Vec<Vec<String>>,
    pub(super) summary: GenSummary,
}

pub(super) fn shared() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let (mut out, mut truth) = (Vec::new(), Vec::new());
        let summary = generate_with_truth(&cfg(20_000, 7), &mut out, &mut truth).expect("generate");
        Run {
            lines: parse_lines(&out),
            truth: parse_csv(&String::from_utf8(truth).expect("utf8")),
            summary,
        }
    })
}

pub(super) fn parse_lines(out: &[u8]) -> Vec<Value> {
    assert_eq!(out.last(), Some(&b'\n'));
    out.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            serde_json::from_slice(l)
                .unwrap_or_else(|e| panic!("bad line {e}: {}", String::from_utf8_lossy(l)))
        })
        .collect()
}

/// Parses RFC 4180 CSV (quoted fields may hold commas, quotes and newlines).
pub(super) fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, _) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, _) => field.push(c),
        }
    }
    rows
}

/// Follows a path like `metadata.messages[1].content`.
pub(super) fn at_path<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(v, |cur, seg| match seg.split_once('[') {
            Some((name, idx)) => cur
                .get(name)?
                .get(idx.trim_end_matches(']').parse::<usize>().ok()?),
            None => cur.get(seg),
        })
}

/// Returns epoch ms of a record's `ts` in any of the spellings the generator uses.
pub(super) fn ts_ms(v: &Value) -> i64 {
    if let Some(n) = v.as_i64() {
        return n;
    }
    let s = v.as_str().expect("ts string");
    let num = |a: usize, b: usize| s[a..b].parse::<i64>().expect("digits");
    let days = clock::days_from_civil(num(0, 4), num(5, 7) as u32, num(8, 10) as u32);
    let mut ms = days * 86_400_000 + (num(11, 13) * 3600 + num(14, 16) * 60 + num(17, 19)) * 1000;
    let rest = &s[19..];
    let frac_len = rest.find(['Z', '+', '-']).expect("zone");
    if frac_len > 1 {
        ms += rest[1..4].parse::<i64>().expect("millis");
    }
    let zone = &rest[frac_len..];
    if zone != "Z" {
        let off = zone[1..3].parse::<i64>().unwrap() * 60 + zone[4..6].parse::<i64>().unwrap();
        ms -= if zone.starts_with('-') { -off } else { off } * 60_000;
    }
    ms
}

pub(super) fn day_of(v: &Value) -> usize {
    ((ts_ms(&v["ts"]) - DEFAULT_START * 1000) / 86_400_000) as usize
}

#[test]
fn same_config_same_bytes_other_seed_other_bytes() {
    let (a, sa) = gen(&cfg(3000, 1));
    let (b, sb) = gen(&cfg(3000, 1));
    let (c, _) = gen(&cfg(3000, 2));
    assert!(a == b, "same config must give identical bytes");
    assert_eq!(sa, sb);
    assert_ne!(a, c);
    assert_eq!(sa.bytes, a.len() as u64);
}

#[test]
fn thread_count_does_not_change_bytes() {
    let c = cfg(2500, 3);
    let with = |n| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("pool");
        pool.install(|| gen(&c).0)
    };
    assert!(with(1) == with(3));
}

#[test]
fn record_counts_are_exact() {
    for n in [0u64, 1, 1023, 1024, 1025, 2049] {
        let (out, s) = gen(&cfg(n, 5));
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count() as u64, n);
        assert_eq!(s.records, n);
    }
}

#[test]
fn every_line_has_the_contract_fields() {
    let run = shared();
    assert_eq!(run.lines.len(), 20_000);
    let mut ids = HashSet::new();
    let (mut no_cost, mut feedback, mut odd_ts, mut low_conf, mut conf_n) = (0, 0, 0, 0, 0);
    for v in &run.lines {
        let o = v.as_object().expect("object");
        let ts = &o["ts"];
        assert!(ts.is_string() || ts.is_u64());
        if !ts
            .as_str()
            .is_some_and(|s| s.len() == 24 && s.ends_with('Z'))
        {
            odd_ts += 1;
        }
        assert!(
            ids.insert(o["request_id"].as_str().expect("request_id").to_string()),
            "duplicate id"
        );
        let status = o["status"].as_u64().expect("status");
        assert!((200..600).contains(&status));
        assert!(o["latency_ms"].as_f64().expect("latency") >= 1.0);
        for k in [
            "model", "version", "endpoint", "tenant", "user_id", "prompt", "response",
        ] {
            assert!(o[k].is_string(), "{k} must be a string");
        }
        assert!(["internal", "beta", "full"].contains(&o["stage"].as_str().unwrap()));
        assert!(o["tokens_in"].is_u64() && o["tokens_out"].is_u64());
        match o.get("cost_usd") {
            Some(c) => assert!(c.as_f64().expect("cost") >= 0.0),
            None => no_cost += 1,
        }
        match o["confidence"].as_f64() {
            Some(c) => {
                assert!((0.0..=1.0).contains(&c));
                conf_n += 1;
                low_conf += usize::from(c < 0.5);
            }
            None => assert!(o["confidence"].is_null() && status >= 400),
        }
        if let Some(f) = o.get("feedback") {
            feedback += 1;
            assert!([-1, 0, 1].contains(&f["rating"].as_i64().expect("rating")));
            assert!(f["comment"].is_string());
        }
        assert_eq!(o["error"].is_null(), status < 400);
        if status >= 400 {
            assert!(o["error"]["type"].is_string() && o["error"]["message"].is_string());
        }
        let m = &o["metadata"];
        assert_eq!(m["messages"][0]["role"], "system");
        assert!(m["retrieval"]["docs"].is_u64() && m["retrieval"]["empty"].is_boolean());
        assert!(m["client"]["ip"].is_string() && m["client"]["ua"].is_string());
        assert!(["allow", "refuse"].contains(&m["guardrail"]["action"].as_str().unwrap()));
    }
    let pct = |n: usize, d: usize| 100.0 * n as f64 / d as f64;
    assert!(
        (1.5..5.0).contains(&pct(no_cost, 20_000)),
        "cost omitted {}%",
        pct(no_cost, 20_000)
    );
    assert!(
        (11.0..20.0).contains(&pct(feedback, 20_000)),
        "feedback {}%",
        pct(feedback, 20_000)
    );
    assert!(
        (3.0..7.5).contains(&pct(odd_ts, 20_000)),
        "odd ts {}%",
        pct(odd_ts, 20_000)
    );
    assert!(
        (3.0..8.0).contains(&pct(low_conf, conf_n)),
        "low confidence {}%",
        pct(low_conf, conf_n)
    );
}

#[test]
fn truth_values_occur_at_their_paths() {
    let run = shared();
    assert_eq!(run.truth[0], ["line", "field", "pii_type", "value"]);
    let rows = &run.truth[1..];
    assert_eq!(rows.len() as u64, run.summary.pii_planted);
    let mut kinds = HashSet::new();
    let mut lines = HashSet::new();
    let (mut at_start, mut at_end, mut after_escape) = (0, 0, 0);
    for r in rows {
        let line: usize = r[0].parse().expect("line");
        let (field, kind, value) = (&r[1], r[2].as_str(), &r[3]);
        let text = at_path(&run.lines[line - 1], field)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{field} missing"));
        assert!(
            text.contains(value.as_str()),
            "line {line} {field}: {value:?} not in {text:?}"
        );
        at_start += usize::from(text.starts_with(value.as_str()));
        at_end += usize::from(text.ends_with(value.as_str()));
        after_escape += usize::from(
            text.contains(&format!("\n{value}")) || text.contains(&format!("\t{value}")),
        );
        match kind {
            "CREDIT_CARD" => assert!(luhn_valid(value), "{value}"),
            "IBAN_CODE" => assert!(iban_valid(value), "{value}"),
            "US_SSN" => assert!(ssn_valid(value), "{value}"),
            "AWS_ACCESS_KEY" => assert!(value.len() == 20 && value != "AKIAIOSFODNN7EXAMPLE"),
            "GITHUB_TOKEN" if !value.starts_with("github_pat_") => {
                let body = value.as_bytes().get(4..).unwrap_or_default();
                assert!(value.len() == 40 && crate::pii::checksum::crc32_base62_tail(body))
            }
            "ANTHROPIC_API_KEY" => assert!(
                (value.starts_with("sk-ant-api03-") || value.starts_with("sk-ant-admin01-"))
                    && value.ends_with("AA")
            ),
            "PRIVATE_KEY" => assert!(value.starts_with("-----BEGIN ") && value.contains('\n')),
            _ => {}
        }
        kinds.insert(kind.to_string());
        lines.insert(line);
    }
    // National kinds are one entry of `pii::KINDS`; PERSON and ADDRESS come from `people`,
    // provider secrets from `secrets` (checked by the next test).
    for label in pii::KINDS
        .iter()
        .filter(|k| !matches!(k.0, pii::PiiKind::National(_)))
        .map(|k| k.0.as_str())
        .chain(["PERSON", "ADDRESS"])
    {
        assert!(kinds.contains(label), "{label} never planted: {kinds:?}");
    }
    // Records whose turn it is to carry a provider secret (one in `secrets::EVERY`) are
    // left out: the rate is that of the values drawn with the record.
    let drawn = |line: &usize| !(*line as u64 - 1).is_multiple_of(super::secrets::EVERY);
    let turns = 20_000_u64.div_ceil(super::secrets::EVERY);
    let rate = 100.0 * lines.iter().filter(|l| drawn(l)).count() as f64 / (20_000 - turns) as f64;
    assert!((2.2..4.5).contains(&rate), "PII in {rate}% of records");
    assert!(
        at_start > 0 && at_end > 0 && after_escape > 0,
        "{at_start} {at_end} {after_escape}"
    );
    let fields: HashSet<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    for f in [
        "prompt",
        "response",
        "feedback.comment",
        "metadata.messages[1].content",
        "metadata.client.ip",
    ] {
        assert!(fields.contains(f), "no PII planted in {f}");
    }
}

#[test]
fn every_secret_type_of_the_registry_is_planted() {
    let planted: HashSet<&str> = shared().truth[1..].iter().map(|r| r[2].as_str()).collect();
    for d in crate::pii::types::BUILTIN.iter().filter(|d| d.is_secret()) {
        assert!(
            planted.contains(d.name),
            "{} is never planted in 20,000 records: give it a maker in gen/secrets.rs",
            d.name
        );
    }
}

#[test]
fn decoys_fail_their_checksums() {
    let mut rng = rng::Rng::new(1);
    let (mut cards, mut ssns, mut ibans) = (0, 0, 0);
    for _ in 0..3000 {
        let d = decoy::decoy(&mut rng);
        if let Some(n) = d.strip_prefix("Your order number is ") {
            cards += 1;
            assert!(!luhn_valid(n), "{d}");
        } else if let Some(n) = d.strip_prefix("Sample ID ") {
            ssns += 1;
            assert!(!ssn_valid(&n[..11]), "{d}");
        } else if let Some(n) = d.strip_prefix("The IBAN on file, ") {
            ibans += 1;
            assert!(!iban_valid(n.split(',').next().unwrap()), "{d}");
        }
    }
    assert!(cards > 100 && ssns > 100 && ibans > 100);
    let all: String = shared()
        .lines
        .iter()
        .map(|v| v["prompt"].as_str().unwrap().to_string() + v["response"].as_str().unwrap())
        .collect();
    assert!(
        all.contains("AKIAIOSFODNN7EXAMPLE"),
        "placeholder decoy appears"
    );
    assert!(!shared()
        .truth
        .iter()
        .any(|r| r[3] == "AKIAIOSFODNN7EXAMPLE"));
}

#[test]
fn batch_format_lines_have_the_batch_shape() {
    let c = GenConfig {
        format: GenFormat::OpenaiBatch,
        ..cfg(3000, 4)
    };
    let (mut out, mut truth) = (Vec::new(), Vec::new());
    generate_with_truth(&c, &mut out, &mut truth).expect("generate");
    let lines = parse_lines(&out);
    let (mut null_resp, mut http_err) = (0, 0);
    for v in &lines {
        assert!(v["id"].as_str().unwrap().starts_with("batch_req_"));
        assert!(v["custom_id"].as_str().unwrap().starts_with("req_"));
        if v["response"].is_null() {
            null_resp += 1;
            assert!(v["error"]["code"].is_string() && v["error"]["message"].is_string());
            continue;
        }
        let code = v["response"]["status_code"].as_u64().unwrap();
        let body = &v["response"]["body"];
        if code == 200 {
            assert_eq!(body["object"], "chat.completion");
            assert!(body["choices"][0]["message"]["content"].is_string());
            let u = &body["usage"];
            assert_eq!(
                u["total_tokens"].as_u64(),
                Some(
                    u["prompt_tokens"].as_u64().unwrap() + u["completion_tokens"].as_u64().unwrap()
                )
            );
        } else {
            http_err += 1;
            assert!(body["error"]["message"].is_string());
        }
    }
    assert!(null_resp > 0 && http_err > 0);
    for r in &parse_csv(&String::from_utf8(truth).unwrap())[1..] {
        let line = &lines[r[0].parse::<usize>().unwrap() - 1];
        let text = at_path(line, &r[1])
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{r:?} {line}"));
        assert!(text.contains(r[3].as_str()));
    }
}

#[test]
fn invalid_configs_are_rejected() {
    let mut sink = Vec::new();
    assert!(generate(
        &GenConfig {
            days: 0,
            ..cfg(10, 1)
        },
        &mut sink
    )
    .is_err());
    let bad = CostSpike {
        day: 3,
        model: "nope".into(),
        factor: 2.0,
    };
    assert!(generate(
        &GenConfig {
            spike: Some(bad),
            ..cfg(10, 1)
        },
        &mut sink
    )
    .is_err());
    let late = CostSpike {
        day: 40,
        model: "gpt-4o".into(),
        factor: 2.0,
    };
    assert!(generate(
        &GenConfig {
            spike: Some(late),
            ..cfg(10, 1)
        },
        &mut sink
    )
    .is_err());
    let short = gen(&GenConfig {
        days: 3,
        ..cfg(300, 1)
    })
    .1;
    assert!(short.incident_days.is_empty());
}
