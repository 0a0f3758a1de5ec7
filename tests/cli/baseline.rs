//! Accepted findings: `--baseline` (a previous `pii_findings.csv` or a file of fingerprints) on
//! `pii` and `report`, and `[pii] ignore_fingerprints`; only new values are reported and fail
//! the run, and the suppressed ones are counted.

use crate::util::{csv_rows, Env};

/// Yesterday's logs: three distinct values.
const OLD: &str = concat!(
    "{\"request_id\":\"a\",\"prompt\":\"mail jane.doe@corp-example.org please\"}\n",
    "{\"request_id\":\"b\",\"prompt\":\"call +1 415 555 0132\"}\n",
    "{\"request_id\":\"c\",\"prompt\":\"mail jane.doe@corp-example.org again\"}\n",
);

/// Today's logs: the old values again (one differently cased), and one new address.
const NEW: &str = concat!(
    "{\"request_id\":\"d\",\"prompt\":\"mail Jane.Doe@corp-example.org\"}\n",
    "{\"request_id\":\"e\",\"prompt\":\"call (415) 555-0132 or mail new.person@corp-example.org\"}\n",
);

fn fingerprints(csv: &str) -> Vec<String> {
    csv_rows(csv)
        .iter()
        .map(|r| r["fingerprint"].clone())
        .collect()
}

#[test]
fn previous_findings_suppress_the_same_values_only() {
    let env = Env::new();
    env.write("old.jsonl", OLD);
    env.write("new.jsonl", NEW);
    assert_eq!(env.run(&["pii", "old.jsonl", "-o", "old", "-q"]).code, 0);
    assert_eq!(csv_rows(&env.read("old/pii_findings.csv")).len(), 3);
    let run = env.run(&[
        "pii",
        "new.jsonl",
        "-o",
        "out",
        "--baseline",
        "old/pii_findings.csv",
        "--fail-on",
        "findings",
    ]);
    assert_eq!(
        run.code, 1,
        "a new value still fails the run: {}",
        run.stderr
    );
    let rows = csv_rows(&env.read("out/pii_findings.csv"));
    assert_eq!(rows.len(), 1, "only the new address: {rows:?}");
    assert_eq!(rows[0]["request_id"], "e");
    assert_eq!(rows[0]["pii_type"], "EMAIL_ADDRESS");
    assert!(
        run.stderr
            .contains("2 findings of accepted values suppressed"),
        "{}",
        run.stderr
    );
    // The summary table counts what is reported.
    let summary = csv_rows(&env.read("out/pii_summary.csv"));
    let total: u64 = summary
        .iter()
        .map(|r| r["findings"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 1);

    // Accepting today's new value too: nothing new, exit 0 under --fail-on findings.
    let mut all = fingerprints(&env.read("old/pii_findings.csv"));
    all.extend(fingerprints(&env.read("out/pii_findings.csv")));
    env.write(
        "accepted.txt",
        format!("# accepted by security, 2026-12\n\n{}\n", all.join("\n")),
    );
    let quiet = env.run(&[
        "pii",
        "new.jsonl",
        "--baseline",
        "accepted.txt",
        "--fail-on",
        "findings",
    ]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert_eq!(csv_rows(&quiet.stdout).len(), 0);
    assert!(
        quiet
            .stderr
            .contains("no findings in 2 records. 3 findings of accepted values suppressed"),
        "{}",
        quiet.stderr
    );
}

#[test]
fn report_takes_the_baseline_for_cron() {
    let env = Env::new();
    env.write("old.jsonl", OLD);
    assert_eq!(env.run(&["pii", "old.jsonl", "-o", "old", "-q"]).code, 0);
    let nightly = env.run(&[
        "report",
        "old.jsonl",
        "-o",
        "rep",
        "--baseline",
        "old/pii_findings.csv",
        "--fail-on",
        "findings",
        // The lines are prompts only, without a timestamp: the audit is what is checked.
        "--min-readable",
        "0",
        "-q",
    ]);
    assert_eq!(
        nightly.code, 0,
        "accepted findings do not fire: {}",
        nightly.stderr
    );
    let summary: serde_json::Value = serde_json::from_str(&env.read("rep/summary.json")).unwrap();
    assert_eq!(summary["pii"]["findings"], 0);
    assert_eq!(summary["pii"]["suppressed"], 3);
    assert_eq!(csv_rows(&env.read("rep/pii_findings.csv")).len(), 0);
    // Without the baseline the same run fires.
    let noisy = env.run(&[
        "report",
        "old.jsonl",
        "-o",
        "rep2",
        "--fail-on",
        "findings",
        "--min-readable",
        "0",
        "-q",
    ]);
    assert_eq!(noisy.code, 1, "{}", noisy.stderr);
}

#[test]
fn ignore_fingerprints_in_config() {
    let env = Env::new();
    env.write("old.jsonl", OLD);
    let first = env.run(&["pii", "old.jsonl", "-q"]);
    let phone = csv_rows(&first.stdout)
        .into_iter()
        .find(|r| r["pii_type"] == "PHONE_NUMBER")
        .unwrap();
    env.write(
        "logwarden.toml",
        format!(
            "[pii]\nignore_fingerprints = [\"{}\"]\n",
            phone["fingerprint"].to_uppercase()
        ),
    );
    let run = env.run(&["pii", "old.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["pii_type"] == "EMAIL_ADDRESS"));
    assert!(
        run.stderr
            .contains("1 findings of accepted values suppressed"),
        "{}",
        run.stderr
    );
    env.write(
        "logwarden.toml",
        "[pii]\nignore_fingerprints = [\"4111111111111111x\"]\n",
    );
    let bad = env.run(&["pii", "old.jsonl"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("ignore_fingerprints entry 1"),
        "{}",
        bad.stderr
    );
    assert!(
        !bad.stderr.contains("4111111111111111"),
        "the entry is never echoed"
    );
}

#[test]
fn a_bad_baseline_is_one_line_naming_file_and_line() {
    let env = Env::new();
    env.write("old.jsonl", OLD);
    env.write("fp.txt", "0123456789abcdef\njane.doe@corp-example.org\n");
    let run = env.run(&["pii", "old.jsonl", "-o", "out", "--baseline", "fp.txt"]);
    assert_eq!(run.code, 2);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].contains("fp.txt:2: not a fingerprint"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("jane.doe"),
        "the line's content is never echoed"
    );
    assert!(!env.path("out").exists(), "nothing is written");
    let missing = env.run(&["report", "old.jsonl", "-o", "rep", "--baseline", "nope.csv"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("nope.csv: cannot read baseline"),
        "{}",
        missing.stderr
    );
    // A baseline made with another key matches nothing, and the run says why.
    assert_eq!(env.run(&["pii", "old.jsonl", "-o", "old", "-q"]).code, 0);
    env.write("logwarden.toml", "[pii]\nkey = \"rotated\"\n");
    let other = env.run(&["pii", "old.jsonl", "--baseline", "old/pii_findings.csv"]);
    assert_eq!(other.code, 0);
    assert!(
        other
            .stderr
            .contains("a baseline made with another key matches nothing"),
        "{}",
        other.stderr
    );
}
