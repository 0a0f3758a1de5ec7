//! Trust under faults (issue 20): no configured secret in any output, keys, numbers and
//! non-JSON lines audited, numeric fields holding PII never printed, custom regexes bounded,
//! bad `[pii]`/`[fields]`/`[prices]` entries rejected with file and line.

use crate::util::{csv_rows, Env};

const KEY: &str = "TOPSECRET-k3y-9Zq";
const ALLOWED: [&str; 2] = ["allow-me-7731@corp-example.io", "4000-0566-5566-5556"];

/// Every file under `dir`, recursively, as bytes.
fn files_under(dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push((
                p.display().to_string(),
                std::fs::read(&p).unwrap_or_default(),
            ));
        }
    }
}

#[test]
fn no_configured_secret_reaches_any_output_or_stderr() {
    let env = Env::new();
    env.write(
        "k.toml",
        format!(
            "[pii]\nkey = \"{KEY}\"\nallow_values = [\"{}\", \"{}\"]\n",
            ALLOWED[0], ALLOWED[1]
        ),
    );
    let input = env.fixture("pii_basic.jsonl");
    let runs: Vec<Vec<&str>> = vec![
        vec!["report", &input, "-o", "out/report"],
        vec!["sli", &input, "-o", "out/sli"],
        vec!["slo", &input, "-o", "out/slo"],
        vec!["pii", &input, "-o", "out/pii"],
        vec!["pii", &input],
        vec!["cost", &input, "-o", "out/cost"],
        vec!["review", &input, "-o", "out/review"],
        vec!["redact", &input, "-o", "out/redact/"],
        vec!["query", "--sql", "SELECT * FROM requests", &input],
        vec!["export", &input, "-o", "out/export"],
        vec!["config", "check", "k.toml"],
    ];
    let mut seen_summary = false;
    for args in runs {
        let mut args = args.clone();
        if args[0] != "config" {
            args.extend(["--config", "k.toml"]);
        }
        let run = env.run(&args);
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
        let mut outputs = vec![
            ("stdout".to_string(), run.stdout.into_bytes()),
            ("stderr".to_string(), run.stderr.into_bytes()),
        ];
        files_under(&env.path("out"), &mut outputs);
        for (name, bytes) in &outputs {
            seen_summary |= name.ends_with("summary.json");
            for secret in std::iter::once(KEY).chain(ALLOWED) {
                assert!(
                    memchr::memmem::find(bytes, secret.as_bytes()).is_none(),
                    "{args:?}: {name} holds the configured secret {secret:?}"
                );
            }
        }
    }
    assert!(seen_summary, "summary.json was checked");
    let summary: serde_json::Value =
        serde_json::from_str(&env.read("out/report/summary.json")).unwrap();
    assert_eq!(summary["pii"]["key"]["set"], true);
    assert_eq!(summary["pii"]["key"]["source"], "config");
    assert_eq!(summary["pii"]["key"]["id"].as_str().unwrap().len(), 16);
}

#[test]
fn keys_are_audited_and_redacted_uniquely() {
    let env = Env::new();
    let input = env.write(
        "k.jsonl",
        "{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200,\"metadata\":{\"alice.zq@corp.io\":{\"n\":1},\"bob.zq@corp.io\":2},\"4539149458073027\":1}\n",
    );
    let run = env.run(&["redact", &input, "-o", "o.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = env.read("o.jsonl");
    for raw in ["alice.zq@corp.io", "bob.zq@corp.io", "4539149458073027"] {
        assert!(!out.contains(raw), "{out}");
    }
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["metadata"].as_object().unwrap().len(), 2, "{out}");
    let run = env.run(&["pii", &input]);
    let rows = csv_rows(&run.stdout);
    let fields: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["field"].as_str(), r["pii_type"].as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("metadata.<key>", "EMAIL_ADDRESS"),
            ("metadata.<key>", "EMAIL_ADDRESS"),
            ("<key>", "CREDIT_CARD"),
        ]
    );
    assert!(!run.stdout.contains("alice.zq@corp.io"));
    // The sanitized copy audits clean.
    let again = env.run(&["pii", "o.jsonl", "--fail-on", "findings"]);
    assert_eq!(again.code, 0, "{}", again.stdout);
}

#[test]
fn lines_that_are_not_json_are_audited_as_text() {
    let env = Env::new();
    let input = env.write(
        "t.jsonl",
        "{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200}\n{\"ts\":\"2026-11-23T10:00:01Z\",\"prompt\":\"mail bob.zq@corp.io key AKIAQYLPMN5HHHFPZAM2 ssn 123-45-6789\n",
    );
    let run = env.run(&["pii", &input, "--fail-on", "findings"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    let types: Vec<&str> = rows.iter().map(|r| r["pii_type"].as_str()).collect();
    assert_eq!(types, ["EMAIL_ADDRESS", "AWS_ACCESS_KEY", "US_SSN"]);
    assert!(rows
        .iter()
        .all(|r| r["field"] == "<line>" && r["line"] == "2"));
    assert!(
        run.stderr
            .contains("1 line was not JSON and was audited as text"),
        "{}",
        run.stderr
    );
    // redact treats the same line as text, consistently.
    let red = env.run(&["redact", &input, "-o", "r.jsonl"]);
    assert!(
        red.stderr.contains("1 lines were not JSON"),
        "{}",
        red.stderr
    );
    assert!(!env.read("r.jsonl").contains("123-45-6789"));
}

#[test]
fn numbers_are_scanned_and_flagged_numbers_never_printed() {
    let env = Env::new();
    let input = env.write(
        "n.jsonl",
        "{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200,\"model\":\"m\",\"latency_ms\":\"4539149458073027\",\"user\":14158675309,\"tokens_in\":4539149458073027}\n\
         {\"ts\":\"2026-11-23T10:00:01Z\",\"status\":200,\"model\":\"m\",\"latency_ms\":120,\"cost_usd\":4539149458073027}\n",
    );
    let pii = env.run(&["pii", &input]);
    let rows = csv_rows(&pii.stdout);
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["field"].as_str(), r["pii_type"].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("latency_ms", "CREDIT_CARD"),
            ("user", "PHONE_NUMBER"),
            ("tokens_in", "CREDIT_CARD"),
            ("cost_usd", "CREDIT_CARD"),
        ]
    );
    let raw = ["4539149458073027", "4.539149458073027", "14158675309"];
    for args in [
        vec!["sli", input.as_str()],
        vec!["cost", input.as_str()],
        vec![
            "query",
            "--sql",
            "SELECT latency_ms, cost_usd, tokens_in FROM requests",
            input.as_str(),
        ],
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        for r in raw {
            assert!(
                !run.stdout.contains(r),
                "{args:?} printed {r}: {}",
                run.stdout
            );
        }
        assert!(
            run.stderr.contains("left out 3 values of numeric fields"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let sli = csv_rows(&env.run(&["sli", &input]).stdout);
    assert_eq!(sli[0]["p50_ms"], "120");
    // redact turns a number holding a value into a string.
    env.run(&["redact", &input, "-o", "r.jsonl"]);
    let red = env.read("r.jsonl");
    assert!(red.contains("\"user\":\"<PHONE_NUMBER>\""), "{red}");
}

#[test]
fn custom_regex_is_bounded_and_checked() {
    let env = Env::new();
    env.write(
        "logwarden.toml",
        "[[pii.custom]]\nname = \"SLOW\"\nregex = \"[0-9]+X|[0-9]\"\n",
    );
    // Quadratic over the whole value: 100,000 digits took about a minute before.
    let line = format!(
        "{{\"prompt\":\"{}\",\"note\":\"{}QQQ\"}}\n",
        "7".repeat(100_000),
        "8".repeat(3000)
    );
    let input = env.write("long.jsonl", line);
    let run = env.run(&["pii", &input, "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = csv_rows(&env.read("out/pii_summary.csv"));
    let slow = summary
        .iter()
        .find(|r| r["pii_type"] == "SLOW" && r["field"] == "prompt")
        .unwrap();
    assert_eq!(slow["findings"], "100000");
    // A match reaching a window's cut end is reported as hitting the bound.
    env.write(
        "logwarden.toml",
        "[[pii.custom]]\nname = \"RUN\"\nregex = \"Q{300,}\"\n",
    );
    let input = env.write(
        "run.jsonl",
        format!(
            "{{\"prompt\":\"{}{}\"}}\n",
            "x".repeat(1900),
            "Q".repeat(2000)
        ),
    );
    let run = env.run(&["pii", &input]);
    assert!(
        run.stderr.contains("1 values longer than 2,048 bytes"),
        "{}",
        run.stderr
    );
    for (regex, needle) in [
        ("", "empty"),
        ("x*", "empty"),
        ("\\\\w{1000}{1000}", "size limit"),
    ] {
        env.write(
            "bad.toml",
            format!("[pii]\nkey = \"k\"\n\n[[pii.custom]]\nname = \"BAD\"\nregex = \"{regex}\"\n"),
        );
        let run = env.run(&["config", "check", "bad.toml"]);
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.contains("bad.toml:6:") && run.stderr.contains(needle),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn bad_pii_fields_and_prices_entries_name_file_and_line() {
    let env = Env::new();
    let cases = [
        ("[pii]\ndisable = [\"NOPE\"]\n", "c.toml:2: [pii] disable"),
        (
            "[owners]\nmodel = \"ML\"\n[fields]\nlatency_ms = \"a..b[x]\"\n",
            "c.toml:4: [fields] latency_ms",
        ),
        (
            "[prices]\n\"gpt-4o[*\" = { input = 1, output = 2 }\n",
            "c.toml:2: [prices] `gpt-4o[*`",
        ),
        (
            "[pii]\nallow_patterns = [\"(\"]\n",
            "c.toml:2: [pii] allow_patterns",
        ),
    ];
    for (text, want) in cases {
        env.write("c.toml", text);
        let run = env.run(&["config", "check", "c.toml"]);
        assert_eq!(run.code, 2, "{text}");
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains(want), "{text}: {}", run.stderr);
        assert!(!run.stderr.contains("[pii] [pii]"), "{}", run.stderr);
    }
}

#[test]
fn cost_sums_do_not_depend_on_how_the_data_is_split() {
    use std::io::Write;
    let env = Env::new();
    let costs = [0.1, 0.2, 0.3, 0.000_123_4, 1e-7, 0.7, 123.456_789, 0.05];
    let mut all = String::new();
    for i in 0..300 {
        all.push_str(&format!(
            "{{\"ts\":\"2026-11-23T10:{:02}:00Z\",\"status\":200,\"model\":\"m\",\"cost_usd\":{}}}\n",
            i % 60,
            costs[i % costs.len()]
        ));
    }
    env.write("one/all.jsonl", &all);
    let lines: Vec<&str> = all.lines().collect();
    for (k, part) in lines.chunks(97).enumerate() {
        env.write(&format!("split/p{k}.jsonl"), part.join("\n") + "\n");
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(all.as_bytes()).unwrap();
    env.write("gz/all.jsonl.gz", gz.finish().unwrap());
    let cost = |dir: &str| {
        let run = env.run(&["sli", dir, "-j", "3"]);
        csv_rows(&run.stdout)[0]["cost_usd"].clone()
    };
    let one = cost("one");
    assert_eq!(cost("split"), one);
    assert_eq!(cost("gz"), one);
}
