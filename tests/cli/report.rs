//! `logwarden report`: one scan writes every file; a second run replaces them atomically.

use crate::util::{csv_rows, Env};

/// The files every report writes.
const FILES: [&str; 18] = [
    "failures.csv",
    "failure_clusters.csv",
    "review_wow.csv",
    "review.md",
    "review.html",
    "index.html",
    "cost.csv",
    "cost_anomalies.csv",
    "cost_forecast.csv",
    "quality_trend.csv",
    "slo.csv",
    "alerts.csv",
    "sli.csv",
    "pii_findings.csv",
    "pii_summary.csv",
    "pii_classes.csv",
    "skipped.csv",
    "summary.json",
];

#[test]
fn one_scan_writes_every_file() {
    let env = Env::new();
    env.run(&[
        "gen",
        "--records",
        "3000",
        "--seed",
        "8",
        "-o",
        "logs.jsonl",
    ]);
    let run = env.run(&["report", "logs.jsonl", "-o", "out", "--fail-on", "findings"]);
    assert_eq!(run.code, 1, "findings were planted: {}", run.stderr);
    for f in FILES {
        assert!(env.path("out").join(f).exists(), "{f}");
    }
    let summary: serde_json::Value = serde_json::from_str(&env.read("out/summary.json")).unwrap();
    assert_eq!(summary["scan"]["scans"], 1, "one pass over the input");
    assert_eq!(summary["scan"]["records"], 3000);
    assert_eq!(summary["headline"]["requests"], 3000);
    // The report's tables equal the single commands' tables.
    let sli = env.run(&["sli", "--by", "day,model", "logs.jsonl", "-q"]);
    assert_eq!(env.read("out/sli.csv"), sli.stdout);
    let pii = env.run(&["pii", "logs.jsonl", "-q"]);
    assert_eq!(env.read("out/pii_findings.csv"), pii.stdout);
    let findings = csv_rows(&env.read("out/pii_findings.csv"));
    // The overview page is self-contained and links every file.
    let index = env.read("out/index.html");
    assert!(!index.contains("<script"));
    assert!(
        !index.contains("src=\"http") && !index.contains("href=\"http"),
        "no network"
    );
    for f in FILES.iter().filter(|f| **f != "index.html") {
        assert!(
            index.contains(&format!("href=\"{f}\"")),
            "index.html links {f}"
        );
    }
    assert_eq!(summary["pii"]["findings"], findings.len());
    // Declining quality trends join the SLO alerts in alerts.csv, the SLO-only columns empty.
    let alerts = csv_rows(&env.read("out/alerts.csv"));
    let quality: Vec<_> = alerts
        .iter()
        .filter(|a| a["alert"] == "quality_declining")
        .collect();
    assert!(!quality.is_empty(), "gen plants a quality decline");
    for a in &quality {
        assert!(
            a["scope"].starts_with("model=") && !a["owner"].is_empty(),
            "{a:?}"
        );
        assert!(a["window"].is_empty() && a["slo"].is_empty() && a["note"].is_empty());
        assert!(a["value"].parse::<f64>().unwrap() < a["threshold"].parse::<f64>().unwrap());
    }
}

#[test]
fn a_failed_run_keeps_the_previous_report() {
    let env = Env::new();
    env.run(&["gen", "--records", "500", "-o", "logs.jsonl"]);
    assert_eq!(
        env.run(&["report", "logs.jsonl", "-o", "out", "-q"]).code,
        0
    );
    let before = env.read("out/sli.csv");
    let run = env.run(&["report", "missing.jsonl", "-o", "out", "-q"]);
    assert_eq!(run.code, 2);
    assert_eq!(env.read("out/sli.csv"), before);
    let leftovers: Vec<_> = std::fs::read_dir(env.path("out"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left behind");
}
