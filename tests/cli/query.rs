//! `logwarden query`: the requests table's values on a hand-written fixture, SQL errors, query
//! files, output formats and atomic `-o`, thread-count independence.

use crate::table_ref::{assert_rows, V};
use crate::util::{csv_header, csv_rows, Env};

const ALL_COLUMNS: &str = "ts,request_id,status,latency_ms,model,version,endpoint,stage,tenant,user_id,tokens_in,tokens_out,cost_usd,cost_source,confidence,rating,success,reasons,error_type,pii_types,file,line,date";

#[test]
fn table_values_hand_computed() {
    let env = Env::new();
    let input = env.fixture("requests_table.jsonl");
    let run = env.run(&["query", "--sql", "SELECT * FROM requests", &input]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(csv_header(&run.stdout).join(","), ALL_COLUMNS);
    assert!(
        run.stderr.contains("skipped 1 of 6 lines (1 invalid JSON)"),
        "{}",
        run.stderr
    );
    let cols: Vec<&str> = ALL_COLUMNS.split(',').collect();
    let s = |x: &str| V::S(x.to_string());
    let n = V::Null;
    let file = s(&input);
    // 2026-11-23T10:00:00Z etc. in epoch microseconds.
    let day = 1_795_392_000_000_000i64;
    let hour = 3_600_000_000i64;
    let want = vec![
        vec![
            V::Ts(day + 10 * hour),
            s("r1"),
            V::I(200),
            V::F(100.0),
            s("m-a"),
            s("v1"),
            s("/chat"),
            s("full"),
            s("t1"),
            s("u1"),
            V::I(10),
            V::I(5),
            V::F(0.5),
            s("logged"),
            V::F(0.9),
            n.clone(),
            s("true"),
            s(""),
            n.clone(),
            s(""),
            file.clone(),
            V::I(1),
            s("2026-11-23"),
        ],
        // -02:00 offset: 23:30 local is 01:30 UTC the next day; "503" as a string is a status.
        vec![
            V::Ts(day + 25 * hour + hour / 2),
            s("r2"),
            V::I(503),
            V::F(250.5),
            s("m-b"),
            n.clone(),
            n.clone(),
            n.clone(),
            s("t1"),
            s("u2"),
            V::I(20),
            V::I(0),
            n.clone(),
            s("unpriced"),
            n.clone(),
            n.clone(),
            s("false"),
            s("error"),
            s("overloaded"),
            s(""),
            file.clone(),
            V::I(2),
            s("2026-11-24"),
        ],
        // Epoch seconds; an escaped model name; every reason at once.
        vec![
            V::Ts(day + 24 * hour),
            s("r3"),
            V::I(429),
            n.clone(),
            s("m-a"),
            n.clone(),
            n.clone(),
            n.clone(),
            s("t2"),
            s("u1"),
            V::I(7),
            V::I(1),
            V::F(0.25),
            s("logged"),
            V::F(0.3),
            V::F(-1.0),
            s("false"),
            s("low_confidence;negative_feedback;error"),
            n.clone(),
            s(""),
            file.clone(),
            V::I(3),
            s("2026-11-24"),
        ],
        // No timestamp: kept, with no date.
        vec![
            n.clone(),
            s("r4"),
            V::I(200),
            V::F(50.0),
            s("m-a"),
            n.clone(),
            n.clone(),
            n.clone(),
            s("t2"),
            n.clone(),
            n.clone(),
            n.clone(),
            V::F(0.125),
            s("logged"),
            n.clone(),
            n.clone(),
            s("true"),
            s(""),
            n.clone(),
            s(""),
            file.clone(),
            V::I(4),
            n.clone(),
        ],
        // Line 5 is broken; thresholds are strict (confidence 0.5 and rating 0 are fine).
        vec![
            V::Ts(day + 12 * hour + 500_000),
            s("r\u{e9} 5"),
            V::I(200),
            V::F(150.0),
            s("m-b"),
            n.clone(),
            n.clone(),
            n.clone(),
            s("t1"),
            s("u1"),
            V::I(1),
            V::I(1),
            V::F(0.0),
            s("logged"),
            V::F(0.5),
            V::F(0.0),
            s("true"),
            s(""),
            n.clone(),
            s(""),
            file.clone(),
            V::I(6),
            s("2026-11-23"),
        ],
    ];
    assert_rows(&run.stdout, &cols, &want);
    assert!(
        run.stdout.contains("2026-11-23T12:00:00.500Z"),
        "{}",
        run.stdout
    );
}

#[test]
fn group_by_hand_computed() {
    let env = Env::new();
    let input = env.fixture("requests_table.jsonl");
    let sql = "SELECT tenant, count(*) AS requests, sum(cost_usd) AS cost, \
               quantile_cont(latency_ms, 0.5) AS p50, avg(CASE WHEN success THEN 1.0 ELSE 0.0 END) AS ok \
               FROM requests GROUP BY tenant ORDER BY tenant";
    let run = env.run(&["query", "-q", "--sql", sql, &input]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "--quiet");
    // t1: latencies 100, 250.5, 150 → median 150; cost 0.5 + (unpriced) + 0; 2 of 3 succeeded.
    // t2: latency only 50; cost 0.25 + 0.125.
    let want = vec![
        vec![
            V::S("t1".into()),
            V::I(3),
            V::F(0.5),
            V::F(150.0),
            V::F(2.0 / 3.0),
        ],
        vec![
            V::S("t2".into()),
            V::I(2),
            V::F(0.375),
            V::F(50.0),
            V::F(0.5),
        ],
    ];
    assert_rows(
        &run.stdout,
        &["tenant", "requests", "cost", "p50", "ok"],
        &want,
    );
}

#[test]
fn sql_errors_exit_2_with_the_message_and_query_on_one_line() {
    let env = Env::new();
    let input = env.fixture("requests_table.jsonl");
    for (sql, needle) in [
        ("SELECT nope\nFROM requests", "nope"),
        ("SELEC * FROM requests", "SELEC"),
        ("SELECT * FROM elsewhere", "elsewhere"),
        (
            "SELECT min(latency_ms), max(latency_ms) FROM requests",
            "with AS",
        ),
        ("SELECT 1; SELECT 2", "one"),
    ] {
        let run = env.run(&["query", "--sql", sql, &input]);
        assert_eq!(run.code, 2, "{sql}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{sql}");
        assert_eq!(run.stderr.lines().count(), 1, "{sql}: {}", run.stderr);
        assert!(run.stderr.contains("SQL error"), "{}", run.stderr);
        assert!(run.stderr.contains(needle), "{sql}: {}", run.stderr);
        let one_line_query = sql.replace('\n', " ");
        assert!(
            run.stderr.contains(&format!("query: {one_line_query}")),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_bad_query_fails_before_the_scan_and_keeps_the_old_output() {
    let env = Env::new();
    env.write("out.csv", "old");
    // The input does not exist: the query is checked first, so the SQL error is what shows.
    let run = env.run(&[
        "query",
        "--sql",
        "SELECT nope FROM requests",
        "missing.jsonl",
        "-o",
        "out.csv",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
    assert_eq!(env.read("out.csv"), "old");
    let run = env.run(&[
        "query",
        "--sql",
        "SELECT 1 AS one FROM requests",
        "missing.jsonl",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.jsonl"), "{}", run.stderr);
}

#[test]
fn query_file_leading_comments_and_usage_errors() {
    let env = Env::new();
    let input = env.fixture("requests_table.jsonl");
    env.write("q.sql", "-- Requests per model.\nSELECT model, count(*) AS n\nFROM requests\nGROUP BY model\nORDER BY model;\n");
    let from_file = env.run(&["query", "q.sql", &input]);
    assert_eq!(from_file.code, 0, "{}", from_file.stderr);
    assert_eq!(from_file.stdout, "model,n\nm-a,3\nm-b,2\n");
    let inline = env.run(&["query", "--sql", &env.read("q.sql"), &input]);
    assert_eq!(inline.stdout, from_file.stdout);

    let not_sql = env.run(&["query", &input]);
    assert_eq!(not_sql.code, 2);
    assert!(
        not_sql.stderr.contains("is not a .sql file"),
        "{}",
        not_sql.stderr
    );
    let no_input = env.run(&["query", "q.sql"]);
    assert_eq!(no_input.code, 2);
    assert!(no_input.stderr.contains("no input"), "{}", no_input.stderr);
    let missing = env.run(&["query", "nope.sql", &input]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nope.sql"), "{}", missing.stderr);
    let bad_format = env.run(&["query", "q.sql", &input, "--output-format", "xlsx"]);
    assert_eq!(bad_format.code, 2);
    assert!(bad_format.stderr.contains("xlsx"), "{}", bad_format.stderr);
}

#[test]
fn output_formats_and_atomic_file() {
    let env = Env::new();
    let input = env.fixture("requests_table.jsonl");
    let sql = "SELECT request_id, ts, latency_ms, success FROM requests WHERE ts IS NOT NULL ORDER BY line";

    let run = env.run(&["query", "--sql", sql, &input, "-o", "sub/out.parquet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    use polars::prelude::*;
    let file = std::fs::File::open(env.path("sub/out.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    assert_eq!(df.height(), 4);
    let ids: Vec<Option<&str>> = df
        .column("request_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(ids, [Some("r1"), Some("r2"), Some("r3"), Some("r\u{e9} 5")]);
    assert_eq!(
        df.column("ts").unwrap().dtype(),
        &DataType::Datetime(TimeUnit::Microseconds, None)
    );

    let run = env.run(&["query", "--sql", sql, &input, "-o", "out.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&env.read("out.json")).unwrap();
    assert_eq!(json[0]["request_id"], "r1");
    assert_eq!(json[0]["ts"], "2026-11-23T10:00:00Z");
    assert_eq!(json[2]["latency_ms"], serde_json::Value::Null);
    assert_eq!(json[3]["success"], true);

    let run = env.run(&["query", "--sql", sql, &input, "--output-format", "ndjson"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1]["latency_ms"], 250.5);

    // An explicit format wins over the extension; the file appears only when complete.
    let run = env.run(&[
        "query",
        "--sql",
        sql,
        &input,
        "-o",
        "out.txt",
        "--output-format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env
        .read("out.txt")
        .starts_with("request_id,ts,latency_ms,success\nr1,2026-11-23T10:00:00Z,100,true\n"));
    let leftovers: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn numbers_are_plain_decimals() {
    let env = Env::new();
    let input = env.fixture("requests_table.jsonl");
    let sql = "SELECT sum(cost_usd) / 1000000000.0 AS tiny, sum(tokens_in) * 100000000000000000000.0 AS huge, 7 / 2 AS half FROM requests";
    let run = env.run(&["query", "-q", "--sql", sql, &input]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let row = &csv_rows(&run.stdout)[0];
    assert!(row["tiny"].starts_with("0.000000000875"), "{row:?}");
    assert_eq!(row["huge"], "3800000000000000000000");
    assert_eq!(row["half"], "3.5");
    let data = run.stdout.lines().nth(1).unwrap();
    assert!(!data.contains(['e', 'E']), "{data}");
}

#[test]
fn results_do_not_depend_on_threads_and_filters_apply() {
    let env = Env::new();
    let run = env.run(&["gen", "--records", "20000", "-o", "logs.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Many 4 MiB chunks: row order must still be input order, whatever the thread count.
    let sql = "SELECT line, request_id, model, latency_ms FROM requests";
    let one = env.run(&["query", "-j", "1", "--sql", sql, "logs.jsonl"]);
    let two = env.run(&["query", "-j", "2", "--sql", sql, "logs.jsonl"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout, two.stdout);
    let lines: Vec<i64> = csv_rows(&one.stdout)
        .iter()
        .map(|r| r["line"].parse().unwrap())
        .collect();
    assert_eq!(lines, (1..=20_000).collect::<Vec<i64>>());

    let sql = "SELECT min(ts) AS first, max(ts) AS last, count(*) AS n FROM requests";
    let run = env.run(&[
        "query",
        "--sql",
        sql,
        "logs.jsonl",
        "--since",
        "2026-11-02",
        "--until",
        "2026-11-03",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let row = &csv_rows(&run.stdout)[0];
    assert!(row["first"].starts_with("2026-11-02T"), "{row:?}");
    assert!(row["last"].starts_with("2026-11-02T"), "{row:?}");
    let sli = env.run(&[
        "sli",
        "--by",
        "day",
        "logs.jsonl",
        "--since",
        "2026-11-02",
        "--until",
        "2026-11-03",
    ]);
    assert_eq!(row["n"], csv_rows(&sli.stdout)[0]["requests"]);

    // Standard input works like a file (named `-`).
    let bytes = std::fs::read(env.path("logs.jsonl")).unwrap();
    let run = env.run_stdin(
        &[
            "query",
            "--sql",
            "SELECT file, count(*) AS n FROM requests GROUP BY file",
            "-",
        ],
        Some(&bytes),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "file,n\n-,20000\n");
}

#[test]
fn reasons_follow_the_review_thresholds_of_the_config() {
    let env = Env::new();
    env.write(
        "logs.jsonl",
        concat!(
            "{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200,\"confidence\":0.7,\"feedback\":{\"rating\":1}}\n",
            "{\"ts\":\"2026-11-23T10:01:00Z\",\"status\":200,\"confidence\":0.95,\"feedback\":{\"rating\":1}}\n",
            "{\"ts\":\"2026-11-23T10:02:00Z\",\"status\":200,\"error\":{\"type\":\"content_filter\"}}\n",
        ),
    );
    let sql = "SELECT reasons FROM requests ORDER BY ts";
    let defaults = env.run(&["query", "--sql", sql, "logs.jsonl", "-q"]);
    assert_eq!(defaults.code, 0, "{}", defaults.stderr);
    assert_eq!(
        defaults.stdout, "reasons\n\"\"\n\"\"\nerror\n",
        "a 2xx with an error object is an error"
    );
    env.write(
        "strict.toml",
        "[review]\nmin_confidence = 0.8\nnegative_below = 2\n",
    );
    let strict = env.run(&[
        "query",
        "--sql",
        sql,
        "logs.jsonl",
        "-q",
        "--config",
        "strict.toml",
    ]);
    assert_eq!(strict.code, 0, "{}", strict.stderr);
    assert_eq!(
        strict.stdout,
        "reasons\nlow_confidence;negative_feedback\nnegative_feedback\nerror\n"
    );
}
