//! `logwarden report`: one scan writes every file; a second run replaces them atomically.

use crate::util::{csv_rows, Env};

/// The files every report writes.
const FILES: [&str; 19] = [
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
    "pii_findings.sarif",
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
    // Declining quality trends join the SLO alerts in alerts.csv: the ISO week, its span, the
    // week's observations and the trend test's adjusted p-value.
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
        assert!(a["window"] == "week" && a["slo"].is_empty() && !a["note"].is_empty());
        assert!(
            a["from"].ends_with('Z') && a["until"].ends_with('Z'),
            "{a:?}"
        );
        assert!(a["p_value"].parse::<f64>().unwrap() < 0.1, "{a:?}");
        assert!(a["value"].parse::<f64>().unwrap() < a["threshold"].parse::<f64>().unwrap());
    }
    // Each alert row of the page says since when, how urgent, what broke, how badly, whose.
    let section = &index[index.find("<h2>Alerts</h2>").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains(
        "<th>Since</th><th>Severity</th><th>What broke</th><th>How badly</th><th>Owner</th>"
    ));
    let rows: Vec<Vec<&str>> = section
        .split("<tr>")
        .skip(2)
        .map(|r| {
            r.split("<td>")
                .skip(1)
                .map(|c| &c[..c.find("</td>").unwrap()])
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), alerts.len().min(25));
    for r in &rows {
        assert_eq!(r.len(), 5, "{r:?}");
        assert!(matches!(r[1], "P0" | "P1" | "P2" | "P3"), "{r:?}");
        assert!(
            [", threshold ", ", baseline ", ", from "]
                .iter()
                .any(|w| r[3].contains(w)),
            "{r:?}"
        );
        assert!(!r[4].is_empty(), "{r:?}");
    }
    let q = quality[0];
    assert!(
        rows.iter().any(|r| r[0] == q["bucket"]
            && r[2].starts_with("quality declining")
            && r[2].contains(q["scope"].as_str())),
        "{rows:?}"
    );
}

/// Four weeks of steady, healthy traffic, then one day whose requests cost five times as much:
/// a cost anomaly and nothing else.
fn cost_spike_only() -> String {
    let mut out = String::new();
    for day in 1..=28 {
        for i in 0..24 {
            let cost = if day == 28 { 0.05 } else { 0.01 };
            out.push_str(&format!(
                "{{\"ts\":\"2026-11-{day:02}T{i:02}:15:00Z\",\"status\":200,\"latency_ms\":120,\"model\":\"gpt-4o\",\"tokens_in\":100,\"tokens_out\":20,\"cost_usd\":{cost}}}\n"
            ));
        }
    }
    out
}

#[test]
fn fail_on_alerts_counts_a_cost_spike_alone() {
    let env = Env::new();
    env.write("logs.jsonl", cost_spike_only());
    let slo = env.run(&["slo", "logs.jsonl", "-q", "--fail-on", "alerts"]);
    assert_eq!(slo.code, 0, "no SLO alert: {}", slo.stderr);
    let run = env.run(&[
        "report",
        "logs.jsonl",
        "-o",
        "out",
        "-q",
        "--fail-on",
        "alerts",
    ]);
    assert_eq!(run.code, 1, "the cost spike is an alert: {}", run.stderr);
    let alerts = csv_rows(&env.read("out/alerts.csv"));
    let spikes: Vec<_> = alerts
        .iter()
        .filter(|a| a["alert"] == "cost_spike")
        .collect();
    assert!(
        spikes
            .iter()
            .any(|a| a["bucket"] == "2026-11-28" && a["scope"] == "total"),
        "{alerts:?}"
    );
    for a in &spikes {
        assert!(!a["owner"].is_empty() && !a["severity"].is_empty(), "{a:?}");
        assert!(a["value"].parse::<f64>().unwrap() > a["threshold"].parse::<f64>().unwrap());
    }
    // summary.json, alerts.csv and the index card count the same alerts.
    let summary: serde_json::Value = serde_json::from_str(&env.read("out/summary.json")).unwrap();
    assert_eq!(summary["headline"]["alerts"], alerts.len());
    let by_severity: u64 = summary["headline"]["alerts_by_severity"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_severity as usize, alerts.len());
    let index = env.read("out/index.html");
    let card = format!(
        "<div class=\"k\">Alerts</div><div class=\"v\">{}</div>",
        alerts.len()
    );
    assert!(
        index.contains(&card),
        "index card shows {} alerts",
        alerts.len()
    );
    // `cost --fail-on alerts` agrees, and a minimum severity above the spike's is not met.
    let cost = env.run(&["cost", "logs.jsonl", "-q", "--fail-on", "alerts"]);
    assert_eq!(cost.code, 1, "{}", cost.stderr);
    let p0 = env.run(&[
        "report",
        "logs.jsonl",
        "-o",
        "out2",
        "-q",
        "--fail-on",
        "alerts",
        "--min-severity",
        "P0",
    ]);
    assert_eq!(p0.code, 0, "a cost spike is never P0: {}", p0.stderr);
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

/// `index.html` says what it read and over which time, scales the success rate to the data in
/// percent, prints rates with one decimal, names the cluster colours, and gives every
/// burn-rate page its objective, burn rate and threshold.
#[test]
fn the_overview_page_names_input_objective_value_and_threshold() {
    let env = Env::new();
    let run = env.run(&[
        "gen",
        "--records",
        "20000",
        "--seed",
        "7",
        "-o",
        "logs.jsonl",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.run(&["report", "logs.jsonl", "-o", "out", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let index = env.read("out/index.html");
    // Under the title: the input and the data's first and last minute.
    let meta = &index[index.find("id=\"provenance\"").expect("provenance line")..];
    let meta = &meta[..meta.find("</p>").unwrap()];
    assert!(
        meta.contains("<b>Input</b> <code>logs.jsonl</code>"),
        "{meta}"
    );
    assert!(meta.contains("<b>Data</b> 2026-10-26 00:"), "{meta}");
    assert!(
        meta.contains(" to 2026-11-22 2") && meta.contains(" UTC (28 days)"),
        "{meta}"
    );
    // The version that made it; the time is in summary.json, so the page stays the same
    // bytes for the same input.
    assert!(
        meta.contains("<b>Made by</b> logwarden ") && meta.contains("(time in summary.json)"),
        "{meta}"
    );
    // The success-rate card has one decimal and a unit: "98.8 %", not "98.800 %".
    let card = &index[index
        .find("<div class=\"k\">Success rate</div><div class=\"v\">")
        .unwrap()..];
    let value = &card
        [card.find("class=\"v\">").unwrap() + 10..card.find("</div><div class=\"d\">").unwrap()];
    let (number, unit) = value.split_once(' ').unwrap();
    assert_eq!(unit, "%", "{value}");
    assert_eq!(number.split_once('.').unwrap().1.len(), 1, "{value}");
    // The success-rate chart is labelled in percent and starts near the data, not at 0.
    let sli = &index[index
        .find("aria-label=\"Success rate per day (%)\"")
        .unwrap()..];
    let sli = &sli[..sli.find("</svg>").unwrap()];
    assert!(sli.contains("100%</text>"), "{sli}");
    assert!(!sli.contains(">0%</text>"), "{sli}");
    // The cluster chart's colours have a legend.
    assert!(index.contains("coloured by status"), "cluster legend");
    assert!(
        index.contains("<span class=\"badge b-"),
        "cluster legend badges"
    );
    // Each planted incident pages; its row names the objective, the burn and the threshold.
    let alerts = csv_rows(&env.read("out/alerts.csv"));
    let pages: Vec<_> = alerts
        .iter()
        .filter(|a| a["alert"] == "burn_rate" && a["severity"] == "P1")
        .collect();
    assert!(!pages.is_empty(), "the planted incidents page");
    for a in pages {
        // Since when, how urgent and what broke start the row.
        let what = format!(
            "<tr><td>{}</td><td>P1</td><td>burn rate of {} · {} · {}</td>",
            a["bucket"], a["slo"], a["scope"], a["window"]
        );
        let row = &index[index.find(&what).unwrap_or_else(|| panic!("{what}"))..];
        let row = &row[..row.find("</tr>").unwrap()];
        let value: f64 = a["value"].parse().unwrap();
        let threshold: f64 = a["threshold"].parse().unwrap();
        let badly = format!("burn rate {value:.1}×, threshold {threshold:.1}×; ");
        assert!(row.contains(&badly), "{row} lacks {badly}");
        assert!(row.contains(&format!("<td>{}</td>", a["owner"])), "{row}");
    }
}
