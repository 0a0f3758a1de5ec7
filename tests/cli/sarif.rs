//! `pii_findings.sarif`: valid against the official SARIF 2.1.0 schema (vendored under
//! `tests/schemas/`), one rule per type, results located by file, line and JSON path, the same
//! findings as `pii_findings.csv`, and no raw value.

use crate::util::{csv_rows, manifest_dir, missing_tool, python, Env};

/// Errors of `doc` against the vendored SARIF 2.1.0 schema (Draft 4), from Python's
/// `jsonschema` (the reference implementation); `None` when that tool is missing.
fn schema_errors(env: &Env, doc: &serde_json::Value) -> Option<Vec<String>> {
    let schema = manifest_dir().join("tests/schemas/sarif-schema-2.1.0.json");
    let file = env.write("check.sarif", serde_json::to_string(doc).unwrap());
    let script = "import json, sys, jsonschema\n\
        s = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))\n\
        for e in jsonschema.Draft4Validator(s).iter_errors(d): print(list(e.absolute_path), e.message[:200])\n";
    let out = std::process::Command::new(python())
        .args(["-c", script])
        .arg(&schema)
        .arg(&file)
        .output()
        .ok()?;
    if !out.status.success() {
        missing_tool(&format!(
            "python jsonschema ({})",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

fn assert_valid(env: &Env, doc: &serde_json::Value) {
    if let Some(errors) = schema_errors(env, doc) {
        assert!(errors.is_empty(), "{errors:?}");
    }
}

#[test]
fn pii_writes_schema_valid_sarif_matching_the_csv() {
    let env = Env::new();
    let gen = env.run(&[
        "gen",
        "--records",
        "3000",
        "--seed",
        "5",
        "--truth",
        "truth.csv",
        "-o",
        "logs dir/a.jsonl",
    ]);
    assert_eq!(gen.code, 0, "{}", gen.stderr);
    let run = env.run(&["pii", "logs dir/a.jsonl", "-o", "out", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = env.read("out/pii_findings.sarif");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_valid(&env, &doc);
    // The schema really checks: a result without a message is rejected.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    if let Some(errors) = schema_errors(&env, &broken) {
        assert!(
            !errors.is_empty(),
            "the schema rejects a result without message"
        );
    }

    let run0 = &doc["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 60, "one rule per type");
    assert!(rules
        .iter()
        .all(|r| !r["help"]["text"].as_str().unwrap().is_empty()));
    let results = run0["results"].as_array().unwrap();
    let rows = csv_rows(&env.read("out/pii_findings.csv"));
    assert!(rows.len() > 50);
    assert_eq!(results.len(), rows.len());
    for (r, row) in results.iter().zip(&rows) {
        let loc = &r["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "logs%20dir/a.jsonl"
        );
        assert_eq!(
            loc["physicalLocation"]["region"]["startLine"].to_string(),
            row["line"]
        );
        assert_eq!(
            loc["logicalLocations"][0]["fullyQualifiedName"],
            *row["field"]
        );
        assert_eq!(r["ruleId"], *row["pii_type"]);
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], *row["pii_type"]);
        assert_eq!(
            r["partialFingerprints"]["valueFingerprint/v1"],
            *row["fingerprint"]
        );
        assert_eq!(r["partialFingerprints"]["maskedValue/v1"], *row["masked"]);
    }
    for row in csv_rows(&env.read("truth.csv")) {
        assert!(
            !text.contains(row["value"].as_str()),
            "a raw value leaked into SARIF"
        );
    }
}

#[test]
fn report_writes_sarif_and_an_empty_run_is_valid() {
    let env = Env::new();
    env.write(
        "clean.jsonl",
        "{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200,\"prompt\":\"nothing to see\"}\n",
    );
    let run = env.run(&["report", "clean.jsonl", "-o", "rep", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&env.read("rep/pii_findings.sarif")).unwrap();
    assert_valid(&env, &doc);
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 0);
    let summary: serde_json::Value = serde_json::from_str(&env.read("rep/summary.json")).unwrap();
    assert!(summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "pii_findings.sarif"));
}

#[test]
fn many_spilled_findings_stream_into_sarif() {
    let env = Env::new();
    let mut logs = String::new();
    for i in 0..6000 {
        logs.push_str(&format!(
            "{{\"prompt\":\"mail user{i}@corp-example.org\"}}\n"
        ));
    }
    env.write("many.jsonl", logs);
    let run = env.run(&["pii", "many.jsonl", "-o", "out", "-q", "-j", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&env.read("out/pii_findings.sarif")).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6000);
    let lines: Vec<u64> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "input order");
    assert_valid(&env, &doc);
}
