//! `logwarden sli`: values checked against hand-computed expectations.

use crate::util::{assert_num, csv_header, csv_rows, Env};

#[test]
fn by_day_model_hand_computed() {
    let env = Env::new();
    let input = env.fixture("sli_basic.jsonl");
    let run = env.run(&["sli", "--by", "day,model", &input, "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = env.read("out/sli.csv");
    assert_eq!(
        csv_header(&csv),
        "bucket,model,requests,success,errors_4xx,errors_5xx,success_rate,error_rate_4xx,error_rate_5xx,p50_ms,p95_ms,p99_ms,cost_usd,tokens_in,tokens_out"
            .split(',')
            .collect::<Vec<_>>()
    );
    let rows = csv_rows(&csv);
    let keys: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r["bucket"].clone(), r["model"].clone()))
        .collect();
    assert_eq!(
        keys,
        [
            ("2026-11-23", "a"),
            ("2026-11-23", "b"),
            ("2026-11-24", "a"),
            ("2026-11-24", "b"),
            ("2026-11-24", "")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let a = &rows[0];
    assert_eq!(a["requests"], "4");
    assert_eq!(a["success"], "2");
    assert_eq!(a["errors_4xx"], "1");
    assert_eq!(a["errors_5xx"], "1");
    assert_num(a, "success_rate", 0.5);
    assert_num(a, "error_rate_4xx", 0.25);
    assert_num(a, "error_rate_5xx", 0.25);
    // [100, 200, 300, 400]: h = 3q; linear interpolation between closest ranks.
    assert_num(a, "p50_ms", 250.0);
    assert_num(a, "p95_ms", 385.0);
    assert_num(a, "p99_ms", 397.0);
    assert_num(a, "cost_usd", 1.0);
    assert_eq!(a["tokens_in"], "40");
    assert_eq!(a["tokens_out"], "20");

    let b24 = &rows[3];
    assert_eq!(b24["requests"], "2");
    assert_eq!(b24["errors_5xx"], "1");
    // Only the record with a latency counts toward percentiles.
    assert_num(b24, "p50_ms", 11.0);
    assert_num(b24, "p99_ms", 11.0);
    assert_num(b24, "cost_usd", 0.5);
    assert_eq!(rows[2]["p95_ms"], "1000");
    assert_eq!(rows[4]["requests"], "1");

    let skipped = csv_rows(&env.read("out/skipped.csv"));
    let got: Vec<(String, String)> = skipped
        .iter()
        .map(|r| (r["line"].clone(), r["reason"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("11", "invalid JSON"),
            ("12", "not an object"),
            ("13", "wrong type for status")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert!(
        run.stderr.contains("skipped 3 of 13 lines (1 invalid JSON, 1 not an object, 1 wrong type for status); first at"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(":11"), "{}", run.stderr);
    assert!(
        run.stderr.contains("left out 1 record without a timestamp"),
        "{}",
        run.stderr
    );
}

#[test]
fn stdout_without_output_dir_and_buckets() {
    let env = Env::new();
    let input = env.fixture("sli_basic.jsonl");
    for (by, first) in [
        ("hour", "2026-11-23T10:00Z"),
        ("week", "2026-W48"),
        ("month", "2026-11"),
    ] {
        let run = env.run(&["sli", "--by", by, &input, "-q"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.is_empty(), "--quiet: {}", run.stderr);
        let rows = csv_rows(&run.stdout);
        assert_eq!(rows[0]["bucket"], first, "{by}");
        let total: u64 = rows
            .iter()
            .map(|r| r["requests"].parse::<u64>().unwrap())
            .sum();
        assert_eq!(total, 9, "{by}");
    }
    let run = env.run(&["sli", "--by", "hour", &input, "-q"]);
    let rows = csv_rows(&run.stdout);
    assert_eq!(
        rows[0]["requests"], "2",
        "10:00Z and 11:00+01:00 share an hour"
    );
}

#[test]
fn since_until_filter() {
    let env = Env::new();
    let input = env.fixture("sli_basic.jsonl");
    let run = env.run(&[
        "sli",
        "--by",
        "day",
        &input,
        "-q",
        "--since",
        "2026-11-24",
        "--until",
        "2026-11-24T09:00:00Z",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["requests"], "2");
}

#[test]
fn thread_count_and_chunking_do_not_change_output() {
    let env = Env::new();
    let mut text = String::new();
    for i in 0..3000 {
        let pad = "x".repeat(i % 97);
        text.push_str(&format!(
            "{{\"ts\":{},\"status\":{},\"latency_ms\":{}.{},\"model\":\"m{}\",\"cost_usd\":0.{:03},\"prompt\":\"{pad}\\n\"}}\n",
            1_795_400_000 + i * 97,
            if i % 13 == 0 { 500 } else { 200 },
            i % 1000,
            i % 7,
            i % 3,
            i % 1000
        ));
    }
    let input = env.write("many.jsonl", &text);
    let one = env.run(&["sli", "--by", "hour,model", &input, "-j", "1"]);
    assert_eq!(one.code, 0);
    for j in ["2", "8"] {
        let other = env.run(&["sli", "--by", "hour,model", &input, "-j", j]);
        assert_eq!(other.stdout, one.stdout, "-j {j}");
    }
    // The same bytes through stdin and through gzip give the same table.
    let piped = env.run_stdin(&["sli", "--by", "hour,model", "-"], Some(text.as_bytes()));
    assert_eq!(piped.stdout, one.stdout);
}

/// Past `--max-memory`, percentiles of large groups come from histograms: within 0.5 % of the
/// exact ones, the same for any thread count, small groups still exact, and the run says so.
#[test]
fn max_memory_gives_bounded_approximate_percentiles() {
    let env = Env::new();
    let input = env.path("gen.jsonl");
    let g = env.run(&[
        "gen",
        "--records",
        "30000",
        "--seed",
        "3",
        "--days",
        "3",
        "-o",
        input.to_str().unwrap(),
    ]);
    assert_eq!(g.code, 0, "{}", g.stderr);
    let input = input.to_str().unwrap();
    let exact = env.run(&["sli", "--by", "day,model", input, "-q"]);
    assert_eq!(exact.code, 0, "{}", exact.stderr);
    let approx = env.run(&[
        "sli",
        "--by",
        "day,model",
        input,
        "--max-memory",
        "64K",
        "-j",
        "1",
    ]);
    assert_eq!(approx.code, 0, "{}", approx.stderr);
    assert!(
        approx.stderr.contains("exceed --max-memory"),
        "{}",
        approx.stderr
    );
    for j in ["2", "4"] {
        let other = env.run(&[
            "sli",
            "--by",
            "day,model",
            input,
            "--max-memory",
            "64K",
            "-j",
            j,
            "-q",
        ]);
        assert_eq!(other.stdout, approx.stdout, "-j {j}");
    }
    let (e, a) = (csv_rows(&exact.stdout), csv_rows(&approx.stdout));
    assert_eq!(e.len(), a.len());
    let mut approximated = 0;
    for (x, y) in e.iter().zip(&a) {
        assert_eq!(x["requests"], y["requests"]);
        for col in ["p50_ms", "p95_ms", "p99_ms"] {
            let (xv, yv): (f64, f64) = (x[col].parse().unwrap(), y[col].parse().unwrap());
            assert!(
                (xv - yv).abs() <= 0.005 * xv + 1e-9,
                "{col}: {yv} vs exact {xv}"
            );
            if x["requests"].parse::<u64>().unwrap() <= 1024 {
                assert_eq!(x[col], y[col], "a small group stays exact");
            } else if x[col] != y[col] {
                approximated += 1;
            }
        }
    }
    assert!(
        approximated > 0,
        "the budget was exceeded, so some percentile is approximate"
    );
    assert!(!exact.stderr.contains("max-memory"));
    let bad = env.run(&["sli", input, "--max-memory", "lots"]);
    assert_eq!(bad.code, 2);
}
