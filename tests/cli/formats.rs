//! Input presets (bedrock, litellm, otel): their fixtures, written after the public schemas,
//! give exactly the SLI rows worked out by hand, detected per file and with `--format`.

use crate::util::{csv_header, csv_rows, Env};

const HEADER: &str = "bucket,model,requests,success,errors_4xx,errors_5xx,success_rate,error_rate_4xx,error_rate_5xx,p50_ms,p95_ms,p99_ms,cost_usd,tokens_in,tokens_out";

/// Bedrock: throttling is a 4xx, a model timeout (408) too, an internal error a 5xx; an
/// InvokeModel body has no latency, a stream's last chunk has `invocationLatency`; the
/// foundation-model ARN groups with the plain model id. Day 23 claude latencies [640, 1000].
const BEDROCK: &[&str] = &[
    "2026-11-23,anthropic.claude-3-haiku-20240307-v1:0,4,3,1,0,0.75,0.25,0,820,982,996.4,0,155,102",
    "2026-11-23,meta.llama3-1-8b-instruct-v1:0,1,1,0,0,1,0,0,1500,1500,1500,0,18,64",
    "2026-11-24,anthropic.claude-3-haiku-20240307-v1:0,3,1,1,1,0.3333333333333333,0.3333333333333333,0.3333333333333333,820,820,820,0,50,20",
    "2026-11-24,meta.llama3-1-8b-instruct-v1:0,2,1,1,0,0.5,0.5,0,410,410,410,0,12,30",
];

/// LiteLLM StandardLoggingPayload: latency = endTime − startTime (epoch seconds), cost from
/// `response_cost`; the RateLimitError failure is its error_code 429, the connection error
/// (no code) 500. Day 23 gpt-4o latencies [300, 1250, 1500], day 24 [2500, 30000].
const LITELLM_PAYLOAD: &[&str] = &[
    "2026-11-23,gpt-4o,3,2,1,0,0.6666666666666666,0.3333333333333333,0,1250,1475,1495,0.0073,1800,210",
    "2026-11-23,text-embedding-3-small,1,1,0,0,1,0,0,80,80,80,0.00002,512,0",
    "2026-11-24,gpt-4o,2,1,0,1,0.5,0,0.5,16250,28625,29725,0.0055,1200,200",
];

/// LiteLLM spend-log rows: ISO times, `spend`, the failure's code in metadata.error_information.
/// Day 23 latencies [400, 2800, 3200].
const LITELLM_SPEND: &[&str] = &[
    "2026-11-23,claude-3-5-sonnet-20241022,3,2,1,0,0.6666666666666666,0.3333333333333333,0,2800,3160,3192,0.0235,4300,290",
    "2026-11-24,claude-3-5-sonnet-20241022,1,1,0,0,1,0,0,4000,4000,4000,0.02,2500,300",
];

/// OTel: only spans with gen_ai attributes count (not the HTTP, database or health spans);
/// `openai.RateLimitError` is a 429, `timeout` a 504. Day 23 gpt-4o-mini latencies
/// [120, 850, 1150], day 24 claude [1800, 60000].
const OTEL: &[&str] = &[
    "2026-11-23,claude-sonnet-4,1,1,0,0,1,0,0,2400,2400,2400,0,1500,300",
    "2026-11-23,gpt-4o-mini,3,2,1,0,0.6666666666666666,0.3333333333333333,0,850,1120,1144,0,540,96",
    "2026-11-24,claude-sonnet-4,2,1,0,1,0.5,0,0.5,30900,57090,59418,0,1200,250",
    "2026-11-24,gpt-4o-mini,1,1,0,0,1,0,0,700,700,700,0,100,20",
];

/// Asserts that `csv` is exactly `HEADER` and `rows`, numbers compared to within 1e-9 relative
/// (so `0.0073` matches a sum printed as `0.007299999999999999`), text exactly.
fn assert_table(csv: &str, rows: &[&str]) {
    assert_eq!(csv_header(csv), HEADER.split(',').collect::<Vec<_>>());
    let got: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(got.len(), rows.len(), "rows:\n{csv}");
    for (got, want) in got.iter().zip(rows) {
        let cells: Vec<&str> = got.split(',').collect();
        let wanted: Vec<&str> = want.split(',').collect();
        assert_eq!(cells.len(), wanted.len(), "{got}");
        for (i, (g, w)) in cells.iter().zip(&wanted).enumerate() {
            let column = HEADER.split(',').nth(i).unwrap_or("?");
            match (g.parse::<f64>(), w.parse::<f64>()) {
                (Ok(g), Ok(w)) => assert!(
                    (g - w).abs() <= 1e-9 * w.abs().max(1.0),
                    "{column}: got {g}, want {w} in\n{got}"
                ),
                _ => assert_eq!(g, w, "{column} in\n{got}"),
            }
        }
    }
}

/// Runs `sli --by day,model` on a fixture auto-detected and with `--format NAME`, checks both
/// against the expected rows, and that nothing was skipped.
fn check_preset(fixture: &str, format: &str, rows: &[&str]) {
    let env = Env::new();
    let input = env.fixture(&format!("formats/{fixture}"));
    for explicit in [false, true] {
        let mut args = vec!["sli", "--by", "day,model", input.as_str()];
        if explicit {
            args.extend(["--format", format]);
        }
        let run = env.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
        assert_table(&run.stdout, rows);
    }
}

#[test]
fn bedrock_fixture_sli_rows() {
    check_preset("bedrock.jsonl", "bedrock", BEDROCK);
}

#[test]
fn litellm_payload_fixture_sli_rows() {
    check_preset("litellm_payload.jsonl", "litellm", LITELLM_PAYLOAD);
}

#[test]
fn litellm_spend_log_fixture_sli_rows() {
    check_preset("litellm_spend_logs.jsonl", "litellm", LITELLM_SPEND);
}

#[test]
fn otel_fixture_sli_rows() {
    check_preset("otel.jsonl", "otel", OTEL);
}

#[test]
fn a_directory_of_mixed_presets_is_detected_file_by_file() {
    let env = Env::new();
    for name in [
        "bedrock.jsonl",
        "litellm_payload.jsonl",
        "litellm_spend_logs.jsonl",
        "otel.jsonl",
    ] {
        env.fixture(&format!("formats/{name}"));
    }
    let mut want: Vec<&str> = [BEDROCK, LITELLM_PAYLOAD, LITELLM_SPEND, OTEL].concat();
    // Rows sort by bucket, then model; the fixtures use distinct model names.
    want.sort_by_key(|row| row.split(',').take(2).collect::<Vec<_>>());
    let dir = env.path("formats").display().to_string();
    let one = env.run(&["sli", "--by", "day,model", &dir, "-j", "1"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stderr.is_empty(), "{}", one.stderr);
    assert_table(&one.stdout, &want);
    let many = env.run(&["sli", "--by", "day,model", &dir, "-j", "4"]);
    assert_eq!(many.stdout, one.stdout);
}

#[test]
fn otel_batches_stream_from_stdin_and_gzip() {
    let env = Env::new();
    let bytes = std::fs::read(env.fixture("formats/otel.jsonl")).unwrap();
    let run = env.run_stdin(&["sli", "--by", "day,model", "-"], Some(&bytes));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_table(&run.stdout, OTEL);

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &bytes).unwrap();
    let path = env.write("otel.jsonl.gz", gz.finish().unwrap());
    let run = env.run(&["sli", "--by", "day,model", &path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_table(&run.stdout, OTEL);
}

#[test]
fn since_until_filter_each_span_of_a_batch() {
    let env = Env::new();
    // One batch whose two GenAI spans straddle midnight UTC.
    let span = |id: &str, start: &str| {
        format!(
            r#"{{"spanId":"{id}","startTimeUnixNano":"{start}","endTimeUnixNano":"{start}","attributes":[{{"key":"gen_ai.request.model","value":{{"stringValue":"m"}}}}]}}"#
        )
    };
    let line = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{},{}]}}]}}]}}"#,
        span("late", "1795478399000000000"),
        span("early", "1795478401000000000")
    );
    let input = env.write("batch.jsonl", format!("{line}\n"));
    let run = env.run(&["sli", "--by", "day", &input, "--since", "2026-11-24"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    assert_eq!(rows.len(), 1, "{}", run.stdout);
    assert_eq!(
        (rows[0]["bucket"].as_str(), rows[0]["requests"].as_str()),
        ("2026-11-24", "1")
    );
}

#[test]
fn every_otel_line_is_audited_once_even_without_gen_ai_spans() {
    let env = Env::new();
    let input = env.fixture("formats/otel.jsonl");
    let run = env.run(&["pii", &input, "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["line"].as_str(),
                r["request_id"].as_str(),
                r["field"].as_str(),
                r["masked"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // A line of two GenAI spans: one finding, with the line's first record.
            (
                "1",
                "a1b2c3d4e5f60002",
                "resourceSpans[0].scopeSpans[0].spans[0].attributes[3].value.stringValue",
                "d***@example.com"
            ),
            // A batch with no GenAI span yields no record, yet its strings are audited.
            (
                "4",
                "",
                "resourceSpans[0].scopeSpans[0].spans[0].attributes[2].value.stringValue",
                "l***@example.org"
            ),
        ]
    );
}

#[test]
fn malformed_preset_lines_are_skipped_by_reason() {
    let env = Env::new();
    let otel = env.write(
        "spans.jsonl",
        concat!(
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"a","startTimeUnixNano":"1795435200000000000","attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"m"}}]}]}]}]}"#,
            "\n",
            r#"{"resourceSpans":7}"#,
            "\n",
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"noon","attributes":[{"key":"gen_ai.system","value":{"stringValue":"x"}}]}]}]}]}"#,
            "\n",
            r#"{"resourceSpans":[{"scopeSpans":["#,
            "\n"
        ),
    );
    let run = env.run(&["sli", "--by", "day", &otel, "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("skipped 3 of 4 lines (1 invalid JSON, 1 wrong type for resourceSpans, 1 wrong type for startTimeUnixNano)"),
        "{}",
        run.stderr
    );
    assert_eq!(csv_rows(&env.read("out/sli.csv"))[0]["requests"], "1");

    let litellm = env.write(
        "spend.jsonl",
        concat!(
            r#"{"request_id":"a","call_type":"acompletion","spend":0,"startTime":"2026-11-23T10:00:00","endTime":"2026-11-23T10:00:01","status":"success"}"#,
            "\n",
            r#"{"request_id":"b","call_type":"acompletion","spend":0,"startTime":"2026-11-23T10:00:00","status":"pending"}"#,
            "\n"
        ),
    );
    let run = env.run(&["sli", "--by", "day", &litellm, "--strict"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("spend.jsonl:2: wrong type for status"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_wrong_format_says_so_instead_of_an_empty_report() {
    let env = Env::new();
    let input = env.fixture("formats/bedrock.jsonl");
    let run = env.run(&["sli", "--by", "day,model", &input, "--format", "otel"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("no records in 10 lines read as otel; is --format right?"),
        "{}",
        run.stderr
    );
    let run = env.run(&["sli", &input, "--format", "cloudwatch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("(auto, native, openai-batch, bedrock, litellm, otel)"),
        "{}",
        run.stderr
    );
}

#[test]
fn prices_apply_to_spans_without_a_logged_cost() {
    let env = Env::new();
    let input = env.fixture("formats/otel.jsonl");
    env.write(
        "logwarden.toml",
        "[prices]\n\"gpt-4o-mini\" = { input = 0.15, output = 0.6 }\n",
    );
    let run = env.run(&["sli", "--by", "day,model", &input, "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    let mini23 = rows
        .iter()
        .find(|r| r["bucket"] == "2026-11-23" && r["model"] == "gpt-4o-mini")
        .unwrap();
    // 540 input and 96 output tokens at $0.15 / $0.60 per million.
    crate::util::assert_num(mini23, "cost_usd", (540.0 * 0.15 + 96.0 * 0.6) / 1e6);
}
