//! Input presets: their fixtures, written after the vendors' public schemas, give exactly the
//! SLI rows or requests-table records worked out by hand, detected per file and with
//! `--format`; JSON documents stream record by record; shapes nobody understood are named.

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
    let run = env.run(&[
        "sli",
        "--by",
        "day",
        &otel,
        "-o",
        "out",
        "--min-readable",
        "25",
    ]);
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
    // Nothing read as records: the run fails (issue 21) with the note in its one line.
    let run = env.run(&["sli", "--by", "day,model", &input, "--format", "otel"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "", "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "bedrock.jsonl: no records in 10 lines read as otel; top-level keys: accountId, identity, input, modelId, operation, output, region, requestId, requestMetadata, schemaType, schemaVersion, timestamp; try --format bedrock or map the fields with [fields]"
        ),
        "{}",
        run.stderr
    );
    let run = env.run(&["sli", &input, "--format", "splunk"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "(auto, native, openai-batch, anthropic-batch, bedrock, litellm, otel, langfuse, cloudwatch, azure-openai, mlflow)"
        ),
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

/// The requests-table columns the per-record checks compare.
const RECORD_COLS: [&str; 8] = [
    "request_id",
    "ts",
    "model",
    "status",
    "latency_ms",
    "tokens_in",
    "tokens_out",
    "cost_usd",
];

/// One expected record: request id, epoch µs, model, status, latency ms, tokens in/out, cost.
type Want = (
    &'static str,
    Option<i64>,
    &'static str,
    Option<i64>,
    Option<f64>,
    Option<i64>,
    Option<i64>,
    Option<f64>,
);

/// Runs `query` over a fixture, auto-detected and with `--format`, and compares every record
/// (ordered by request id) with `want`; returns the auto-detected run's stderr.
fn check_records(fixture: &str, format: &str, want: &[Want]) -> String {
    use crate::table_ref::{assert_rows, V};
    let env = Env::new();
    let input = env.fixture(&format!("formats/{fixture}"));
    let sql = format!(
        "SELECT {} FROM requests ORDER BY request_id",
        RECORD_COLS.join(", ")
    );
    let rows: Vec<Vec<V>> = want
        .iter()
        .map(|w| {
            let opt_i = |x: Option<i64>| x.map_or(V::Null, V::I);
            vec![
                V::S(w.0.to_string()),
                w.1.map_or(V::Null, V::Ts),
                if w.2.is_empty() {
                    V::Null
                } else {
                    V::S(w.2.to_string())
                },
                opt_i(w.3),
                w.4.into(),
                opt_i(w.5),
                opt_i(w.6),
                w.7.into(),
            ]
        })
        .collect();
    let mut first_stderr = None;
    for explicit in [false, true] {
        let mut args = vec!["query", "--sql", sql.as_str(), input.as_str()];
        if explicit {
            args.extend(["--format", format]);
        }
        let run = env.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_rows(&run.stdout, &RECORD_COLS, &rows);
        first_stderr.get_or_insert(run.stderr);
    }
    first_stderr.unwrap_or_default()
}

/// 2026-11-23T00:00:00Z in epoch microseconds, and an hour.
const DAY: i64 = 1_795_392_000_000_000;
const HOUR: i64 = 3_600_000_000;
const SEC: i64 = 1_000_000;

#[test]
fn openai_batch_responses_api_records() {
    // Responses bodies: `created_at` and `usage.input_tokens`/`output_tokens`; a 429 body, an
    // expired and a cancelled request have no body, so no time; `incomplete` is a success.
    let stderr = check_records(
        "openai_batch_responses.jsonl",
        "openai-batch",
        &[
            (
                "r-01",
                Some(DAY + 10 * HOUR),
                "gpt-4.1-mini-2025-04-14",
                Some(200),
                None,
                Some(120),
                Some(48),
                None,
            ),
            (
                "r-02",
                Some(DAY + 10 * HOUR + 60 * SEC),
                "gpt-4.1-mini-2025-04-14",
                Some(200),
                None,
                Some(95),
                Some(30),
                None,
            ),
            ("r-03", None, "", Some(429), None, None, None, None),
            ("r-04", None, "", Some(408), None, None, None, None),
            ("r-05", None, "", Some(499), None, None, None, None),
            (
                "r-06",
                Some(DAY + 24 * HOUR + 5 * SEC),
                "gpt-4.1-2025-04-14",
                Some(200),
                None,
                Some(2000),
                Some(512),
                None,
            ),
        ],
    );
    // Some records without a time are normal for a batch: no per-file note, only the count.
    assert!(
        !stderr.contains("openai_batch_responses.jsonl:"),
        "{stderr}"
    );
}

#[test]
fn anthropic_batch_results_records() {
    let stderr = check_records(
        "anthropic_batch.jsonl",
        "anthropic-batch",
        &[
            (
                "ticket-001",
                None,
                "claude-3-5-haiku-20241022",
                Some(200),
                None,
                Some(24),
                Some(11),
                None,
            ),
            (
                "ticket-002",
                None,
                "claude-3-5-haiku-20241022",
                Some(200),
                None,
                Some(310),
                Some(14),
                None,
            ),
            ("ticket-003", None, "", Some(400), None, None, None, None),
            ("ticket-004", None, "", Some(529), None, None, None, None),
            ("ticket-005", None, "", Some(408), None, None, None, None),
            ("ticket-006", None, "", Some(499), None, None, None, None),
        ],
    );
    // Results carry no time: said once, with what the file holds.
    assert!(
        stderr.contains("anthropic_batch.jsonl: 0 of 6 records have a timestamp (read as anthropic-batch); top-level keys: custom_id, result"),
        "{stderr}"
    );
}

#[test]
fn litellm_callback_arguments_and_bedrock_names() {
    check_records(
        "litellm_callbacks.jsonl",
        "litellm",
        &[
            // The inference-profile ARN groups with the Bedrock preset's name for it.
            (
                "call-01",
                Some(DAY + 9 * HOUR),
                "us.anthropic.claude-3-5-haiku-20241022-v1:0",
                Some(200),
                Some(1250.0),
                Some(400),
                Some(75),
                Some(0.00062),
            ),
            (
                "call-02",
                Some(DAY + 9 * HOUR + 300 * SEC),
                "gpt-4o-mini",
                Some(200),
                Some(400.0),
                Some(150),
                Some(10),
                Some(0.00003),
            ),
            (
                "call-03",
                Some(DAY + 9 * HOUR + 360 * SEC),
                "gpt-4o-mini",
                Some(429),
                Some(2000.0),
                None,
                None,
                Some(0.0),
            ),
            (
                "call-04",
                Some(DAY + 9 * HOUR + 420 * SEC),
                "anthropic.claude-3-haiku-20240307-v1:0",
                Some(504),
                Some(30000.0),
                None,
                None,
                Some(0.0),
            ),
        ],
    );
}

#[test]
fn cloudwatch_exports_unwrap_bedrock_records() {
    // A Logs Insights export (a pretty-printed JSON array of `@message` strings).
    let stderr = check_records(
        "cloudwatch_bedrock.json",
        "cloudwatch",
        &[
            (
                "b-01",
                Some(DAY + 12 * HOUR),
                "us.anthropic.claude-3-5-haiku-20241022-v1:0",
                Some(200),
                Some(900.0),
                Some(200),
                Some(40),
                None,
            ),
            (
                "b-02",
                Some(DAY + 12 * HOUR + 5 * SEC),
                "anthropic.claude-3-5-haiku-20241022-v1:0",
                Some(429),
                None,
                Some(120),
                Some(0),
                None,
            ),
            (
                "b-03",
                Some(DAY + 12 * HOUR + 60 * SEC),
                "us.anthropic.claude-3-5-haiku-20241022-v1:0",
                Some(200),
                Some(450.0),
                Some(80),
                Some(20),
                None,
            ),
        ],
    );
    assert!(stderr.is_empty(), "{stderr}");
    // A subscription-filter payload: several events per line.
    check_records(
        "cloudwatch_subscription.jsonl",
        "cloudwatch",
        &[
            (
                "b-04",
                Some(DAY + 13 * HOUR),
                "meta.llama3-1-8b-instruct-v1:0",
                Some(200),
                Some(700.0),
                Some(30),
                Some(60),
                None,
            ),
            (
                "b-05",
                Some(DAY + 13 * HOUR + SEC),
                "meta.llama3-1-8b-instruct-v1:0",
                Some(408),
                None,
                Some(31),
                Some(0),
                None,
            ),
        ],
    );
}

#[test]
fn langfuse_counts_each_generation_once() {
    // An API page, pretty-printed: the AGENT observation sums its generations and the TOOL one
    // made no model call; only the two GENERATIONs and the failed one are records.
    check_records(
        "langfuse_observations.json",
        "langfuse",
        &[
            (
                "obs-gen-1",
                Some(DAY + 15 * HOUR + 100_000),
                "gpt-4o-2024-08-06",
                Some(200),
                Some(1200.0),
                Some(700),
                Some(60),
                Some(0.00235),
            ),
            (
                "obs-gen-2",
                Some(DAY + 15 * HOUR + 2 * SEC),
                "gpt-4o-2024-08-06",
                Some(200),
                Some(2000.0),
                Some(500),
                Some(200),
                Some(0.00325),
            ),
            (
                "obs-gen-3",
                Some(DAY + 32 * HOUR + 1800 * SEC),
                "claude-3-5-sonnet-20241022",
                Some(500),
                Some(30000.0),
                Some(900),
                None,
                None,
            ),
        ],
    );
    // Ingestion events: a generation's create event, not its update.
    check_records(
        "langfuse_events.jsonl",
        "langfuse",
        &[
            (
                "gen-10",
                Some(DAY + 16 * HOUR + 300 * SEC),
                "gpt-4o-mini",
                Some(500),
                Some(300.0),
                Some(40),
                Some(0),
                None,
            ),
            (
                "gen-9",
                Some(DAY + 16 * HOUR + 20_000),
                "gpt-4o-mini",
                Some(200),
                Some(800.0),
                Some(1000),
                Some(120),
                Some(0.000222),
            ),
        ],
    );
}

#[test]
fn otel_console_jaeger_and_resource_span_shapes() {
    // ConsoleSpanExporter: concatenated pretty-printed spans; the invoke_agent and
    // execute_tool spans are not model calls (the agent's usage repeats its chat's).
    check_records(
        "otel_console.json",
        "otel",
        &[
            (
                "0x00000000000000a1",
                Some(DAY + 17 * HOUR + 100_000),
                "gpt-4o-mini",
                Some(200),
                Some(800.0),
                Some(210),
                Some(42),
                None,
            ),
            (
                "0x00000000000000a3",
                Some(DAY + 17 * HOUR + 1_100_000),
                "gpt-4o-mini",
                Some(429),
                Some(500.0),
                None,
                None,
                None,
            ),
        ],
    );
    // Jaeger: microsecond times, `tags`; a Bedrock ARN is shortened; ThrottlingException 429.
    check_records(
        "jaeger.json",
        "otel",
        &[
            (
                "2222222222222222",
                Some(DAY + 18 * HOUR + 100_000),
                "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
                Some(200),
                Some(2400.0),
                Some(900),
                Some(300),
                None,
            ),
            (
                "3333333333333333",
                Some(DAY + 18 * HOUR + 2_600_000),
                "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
                Some(429),
                Some(1500.0),
                None,
                None,
                None,
            ),
        ],
    );
    check_records(
        "otel_resource_spans.jsonl",
        "otel",
        &[
            (
                "b1",
                Some(DAY + 19 * HOUR),
                "gemini-2.0-flash",
                Some(200),
                Some(640.0),
                Some(333),
                Some(77),
                None,
            ),
            (
                "b2",
                Some(DAY + 19 * HOUR + 700_000),
                "text-embedding-004",
                Some(200),
                Some(60.0),
                Some(12),
                None,
                None,
            ),
        ],
    );
}

#[test]
fn azure_diagnostic_and_gateway_logs() {
    check_records(
        "azure_openai.jsonl",
        "azure-openai",
        &[
            (
                "az-01",
                Some(DAY + 20 * HOUR),
                "gpt-4o",
                Some(200),
                Some(842.0),
                None,
                None,
                None,
            ),
            (
                "az-02",
                Some(DAY + 20 * HOUR + 3_500_000),
                "gpt-4o",
                Some(429),
                Some(31.0),
                None,
                None,
                None,
            ),
            (
                "az-03",
                Some(DAY + 20 * HOUR + 10 * SEC),
                "text-embedding-3-large",
                Some(200),
                Some(95.0),
                None,
                None,
                None,
            ),
            (
                "az-04",
                Some(DAY + 20 * HOUR + 60 * SEC),
                "",
                Some(500),
                Some(1210.0),
                None,
                None,
                None,
            ),
        ],
    );
}

#[test]
fn mlflow_trace_counts_model_spans() {
    check_records(
        "mlflow_trace.json",
        "mlflow",
        &[
            (
                "AAAAAAAAAAM=",
                Some(DAY + 21 * HOUR + 400_000),
                "gpt-4o-mini",
                Some(500),
                Some(1100.0),
                None,
                None,
                None,
            ),
            (
                "AAAAAAAAAAQ=",
                Some(DAY + 21 * HOUR + 1_600_000),
                "gpt-4o-mini",
                Some(200),
                Some(1500.0),
                Some(150),
                Some(25),
                Some(0.0000375),
            ),
        ],
    );
}

/// The first record of `line` with its keys written in reverse sorted order.
fn reorder(line: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let obj = v.as_object().unwrap();
    let members: Vec<String> = obj
        .iter()
        .rev()
        .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap(), v))
        .collect();
    format!("{{{}}}", members.join(","))
}

#[test]
fn detection_never_depends_on_key_order() {
    let env = Env::new();
    for (fixture, format) in [
        ("bedrock.jsonl", "bedrock"),
        ("litellm_payload.jsonl", "litellm"),
        ("litellm_spend_logs.jsonl", "litellm"),
        ("litellm_callbacks.jsonl", "litellm"),
        ("otel.jsonl", "otel"),
        ("otel_resource_spans.jsonl", "otel"),
        ("openai_batch_responses.jsonl", "openai-batch"),
        ("anthropic_batch.jsonl", "anthropic-batch"),
        ("langfuse_events.jsonl", "langfuse"),
        ("cloudwatch_subscription.jsonl", "cloudwatch"),
        ("azure_openai.jsonl", "azure-openai"),
    ] {
        let original = std::fs::read_to_string(
            crate::util::manifest_dir()
                .join("tests/fixtures/formats")
                .join(fixture),
        )
        .unwrap();
        let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
        lines[0] = reorder(&lines[0]);
        let path = env.write(&format!("reordered/{fixture}"), lines.join("\n") + "\n");
        // Batch results have no timestamp: accept them (--min-readable 0) to compare detection.
        let sli = ["sli", "--by", "day,model", "-q", "--min-readable", "0"];
        let forced = env.run(&[&sli[..], &[&path, "--format", format]].concat());
        let auto = env.run(&[&sli[..], &[&path]].concat());
        assert_eq!(auto.code, 0, "{fixture}: {}", auto.stderr);
        assert_eq!(auto.stdout, forced.stdout, "{fixture}");
        // The reordered record still counts: the same rows as the original file.
        let plain = env.run(&[&sli[..], &[&env.fixture(&format!("formats/{fixture}"))]].concat());
        assert_eq!(auto.stdout, plain.stdout, "{fixture}");
    }
}

#[test]
fn unsupported_shapes_are_named_once_per_file() {
    let env = Env::new();
    // A shape no preset knows: read as native, nothing understood.
    let unknown = env.write(
        "logs/events.jsonl",
        concat!(
            r#"{"event":"llm_call","data":{"when":"2026-11-23T10:00:00Z","llm":"m","ok":true}}"#,
            "\n",
            r#"{"event":"llm_call","data":{"when":"2026-11-23T10:01:00Z","llm":"m","ok":false}}"#,
            "\n"
        ),
    );
    let run = env.run(&["sli", "--by", "day", &unknown, "--min-readable", "0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let notes: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("events.jsonl:"))
        .collect();
    assert_eq!(
        notes,
        ["logwarden: ".to_string() + &unknown + ": 0 of 2 records have a timestamp, 0 of 2 have a status (read as native); top-level keys: data, event; no preset recognises this shape; map the fields with [fields]"]
    );
    // The same lines mapped with [fields] are understood, and the note is gone.
    env.write(
        "logwarden.toml",
        "[fields]\nts = \"data.when\"\nmodel = \"data.llm\"\nstatus = \"data.code\"\n",
    );
    let mapped = env.write(
        "logs/mapped.jsonl",
        r#"{"event":"llm_call","data":{"when":"2026-11-23T10:00:00Z","llm":"m","code":200}}"#,
    );
    let run = env.run(&["sli", "--by", "day", &mapped]);
    assert!(!run.stderr.contains("mapped.jsonl:"), "{}", run.stderr);
    std::fs::remove_file(env.path("logwarden.toml")).unwrap();

    // A trace export of another tool's shape read with a forced preset: the better fit is named.
    let anthropic = env.fixture("formats/anthropic_batch.jsonl");
    let run = env.run(&["sli", &anthropic, "--format", "openai-batch"]);
    assert!(
        run.stderr
            .contains("try --format anthropic-batch or map the fields with [fields]"),
        "{}",
        run.stderr
    );
    // OTel lines without any model-call span: no records, said per file.
    let spans = env.write(
        "logs/http.jsonl",
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"a","startTimeUnixNano":"1795435200000000000","attributes":[{"key":"http.route","value":{"stringValue":"/health"}}]}]}]}]}"#,
    );
    let run = env.run(&["sli", &spans]);
    assert!(
        run.stderr.contains(
            "http.jsonl: no records in 1 line read as otel; top-level keys: resourceSpans"
        ),
        "{}",
        run.stderr
    );
    // Plain text, a CSV, an array of numbers: nothing is taken for a record.
    for (name, text) in [
        (
            "notes.log",
            "2026-11-23 10:00:00 INFO started\n2026-11-23 10:00:01 INFO ok\n",
        ),
        ("table.json", "[[1, 2],\n [3, 4]]\n"),
    ] {
        let path = env.write(&format!("logs/{name}"), text);
        let run = env.run(&["sli", &path]);
        assert!(
            run.stderr.contains(&format!(
                "{name}: no records in 2 lines read as native; no preset recognises this shape"
            )),
            "{name}: {}",
            run.stderr
        );
    }
}

#[test]
fn summary_json_counts_records_without_time_or_status_per_file() {
    let env = Env::new();
    let anthropic = env.fixture("formats/anthropic_batch.jsonl");
    let bedrock = env.fixture("formats/bedrock.jsonl");
    let run = env.run(&["report", &anthropic, &bedrock, "-o", "out", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(&env.read("out/summary.json")).unwrap();
    let files = summary["scan"]["per_file"].as_array().unwrap();
    let by_name = |n: &str| {
        files
            .iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(n))
            .unwrap()
            .clone()
    };
    let a = by_name("anthropic_batch.jsonl");
    assert_eq!(
        (a["format"].as_str(), a["records"].as_u64()),
        (Some("anthropic-batch"), Some(6))
    );
    assert_eq!(
        (
            a["records_without_ts"].as_u64(),
            a["records_without_status"].as_u64()
        ),
        (Some(6), Some(0))
    );
    let b = by_name("bedrock.jsonl");
    assert_eq!(
        (b["records"].as_u64(), b["records_without_ts"].as_u64()),
        (Some(10), Some(0))
    );
}

#[test]
fn json_documents_stream_record_by_record_with_their_start_lines() {
    let env = Env::new();
    // A pretty-printed array whose second record (starting on line 6) leaks an email address.
    let doc = "[\n  {\n    \"ts\": \"2026-11-23T10:00:00Z\",\n    \"status\": 200\n  },\n  {\n    \"ts\": \"2026-11-23T10:00:01Z\",\n    \"status\": 500,\n    \"prompt\": \"mail dana@example.org\"\n  }\n]\n";
    let path = env.write("doc.json", doc);
    let run = env.run(&["pii", &path, "-o", "out", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let findings = csv_rows(&env.read("out/pii_findings.csv"));
    assert_eq!((findings.len(), findings[0]["line"].as_str()), (1, "6"));
    let sli = env.run(&["sli", "--by", "day", &path, "-q"]);
    assert_eq!(csv_rows(&sli.stdout)[0]["requests"], "2");
    // The same document from standard input and gzip-compressed.
    let stdin = env.run_stdin(&["sli", "--by", "day", "-", "-q"], Some(doc.as_bytes()));
    assert_eq!(stdin.stdout, sli.stdout);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, doc.as_bytes()).unwrap();
    let gz_path = env.write("doc.json.gz", gz.finish().unwrap());
    let run = env.run(&["sli", "--by", "day", &gz_path, "-q"]);
    assert_eq!(run.stdout, sli.stdout);
}
