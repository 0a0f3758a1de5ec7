//! `logwarden slo`: hand-computed SLO rows, alert routing and exit codes on small inputs, and
//! the planted incidents and release regression of `gen` data found (and nothing else).

use crate::util::{assert_num, csv_header, csv_rows, Env};
use std::collections::{BTreeSet, HashMap};

/// One native record as a JSONL line.
fn line(ts: &str, status: u16, latency: f64, model: &str) -> String {
    format!(
        r#"{{"ts":"{ts}","status":{status},"latency_ms":{latency},"model":"{model}","cost_usd":0.5}}"#
    )
}

/// 2026-11-23, 10:00–11:59 UTC: 200 requests on model `a` spread over two hours with 4 failed
/// (2 × 503, 2 × 404) and 20 slower than 10 s; and 12 requests on model `tiny`.
fn small_log(env: &Env) -> String {
    let mut lines = Vec::new();
    for i in 0..200 {
        let (h, m) = (10 + i / 100, (i % 100) * 36 / 60);
        let ts = format!("2026-11-23T{h:02}:{m:02}:{:02}Z", (i * 7) % 60);
        let status = match i {
            10 | 110 => 503,
            20 | 120 => 404,
            _ => 200,
        };
        let latency = if i % 10 == 5 { 12_000.0 } else { 250.0 };
        lines.push(line(&ts, status, latency, "a"));
    }
    for i in 0..12 {
        let ts = format!("2026-11-23T10:{:02}:00Z", i * 4);
        lines.push(line(&ts, 500, 100.0, "tiny"));
    }
    env.write("small.jsonl", lines.join("\n") + "\n")
}

fn by<'a>(
    rows: &'a [HashMap<String, String>],
    pairs: &[(&str, &str)],
) -> Vec<&'a HashMap<String, String>> {
    rows.iter()
        .filter(|r| pairs.iter().all(|(k, v)| r[*k] == *v))
        .collect()
}

#[test]
fn slo_rows_hand_computed() {
    let env = Env::new();
    let input = small_log(&env);
    env.write(
        "logwarden.toml",
        "[slo]\nscopes = [\"all\", \"model\"]\n[alerts]\nmonthly_budget_usd = 50\n",
    );
    let run = env.run(&["slo", &input, "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = env.read("out/slo.csv");
    assert_eq!(
        csv_header(&csv)[..9],
        "slo,scope,window,objective,target,actual,met,error_budget_remaining,burn_rate"
            .split(',')
            .collect::<Vec<_>>()
    );
    let rows = csv_rows(&csv);
    let keys: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r["slo"].as_str(), r["scope"].as_str(), r["window"].as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("availability", "all", "30d"),
            ("availability", "model=a", "30d"),
            ("availability", "model=tiny", "30d"),
            ("latency", "all", "30d"),
            ("latency", "model=a", "30d"),
            ("latency", "model=tiny", "30d"),
            ("cost", "all", "2026-11"),
        ]
    );
    // all: 212 requests, 16 failed (4 on a, 12 on tiny). Allowed: 1 % of 212 = 2.12.
    let all = &rows[0];
    assert_eq!(all["requests"], "212");
    assert_eq!(all["bad"], "16");
    assert_num(all, "actual", 196.0 / 212.0);
    assert_eq!(all["met"], "false");
    assert_num(all, "error_budget_remaining", 0.0);
    assert_num(
        all,
        "burn_rate",
        ((16.0 / 212.0) / 0.01_f64 * 1e9).round() / 1e9,
    );
    // model a: 4 of 200 failed: 2 % bad against 1 % allowed, burn 2, budget gone.
    let a = &rows[1];
    assert_num(a, "actual", 0.98);
    assert_num(a, "burn_rate", 2.0);
    assert_eq!(a["objective"], "success_rate >= 0.99");
    assert_eq!(a["target"], "0.99");
    // model tiny: 12 requests < min_requests 20: measured, not judged, and says why.
    let tiny = &rows[2];
    assert_eq!(tiny["actual"], "0");
    assert_eq!(tiny["met"], "");
    assert_eq!(tiny["burn_rate"], "");
    assert!(
        tiny["note"].contains("12 requests < min_requests 20"),
        "{}",
        tiny["note"]
    );
    // Latency on a: 20 of 200 slower than 10000 ms: 90 % fast against 95 %, burn 2.
    let lat = &rows[4];
    assert_num(lat, "actual", 0.9);
    assert_num(lat, "burn_rate", 2.0);
    assert_num(lat, "error_budget_remaining", 0.0);
    assert_eq!(lat["met"], "false");
    // Cost: 212 × 0.5 = 106 USD against a 50 USD month.
    let cost = &rows[6];
    assert_num(cost, "actual", 106.0);
    assert_num(cost, "target", 50.0);
    assert_eq!(cost["met"], "false");
    assert_num(cost, "error_budget_remaining", 0.0);
    assert_eq!(cost["from"], "2026-11-01T00:00:00Z");
    assert!(cost["note"].contains("data covers"), "{}", cost["note"]);
    // Rolling windows end at the slot of the last timestamp.
    assert_eq!(all["to"], "2026-11-23T12:00:00Z");
    assert_eq!(all["from"], "2026-10-24T12:00:00Z");
}

#[test]
fn alerts_route_severity_and_owner() {
    let env = Env::new();
    // Hour 10:00 on model `down`: every request fails (4 a minute), while `up` is healthy.
    // Hour 11:00: `down` recovers.
    let mut lines = Vec::new();
    for i in 0..120 {
        for s in [0, 15, 30, 45] {
            let ts = format!("2026-11-23T{:02}:{:02}:{s:02}Z", 10 + i / 60, i % 60);
            let status = if i < 60 { 503 } else { 200 };
            lines.push(line(&ts, status, 120.0, "down"));
            lines.push(line(&ts, 200, 120.0, "up"));
        }
    }
    let input = env.write("outage.jsonl", lines.join("\n") + "\n");
    env.write(
        "team.toml",
        "[owners]\ninfra = \"SRE on call\"\n[alerts]\nscopes = [\"all\", \"model\"]\n",
    );
    let run = env.run(&["slo", &input, "--config", "team.toml", "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = env.read("out/alerts.csv");
    assert_eq!(
        csv_header(&csv)[..8],
        "bucket,alert,severity,scope,metric,value,threshold,owner"
            .split(',')
            .collect::<Vec<_>>()
    );
    let rows = csv_rows(&csv);
    let outage = by(&rows, &[("alert", "outage")]);
    assert_eq!(outage.len(), 1, "{rows:?}");
    assert_eq!(outage[0]["scope"], "model=down");
    assert_eq!(outage[0]["severity"], "P0");
    assert_eq!(outage[0]["owner"], "SRE on call");
    assert_eq!(outage[0]["bucket"], "2026-11-23T10:00Z");
    assert_eq!(outage[0]["metric"], "success_rate");
    // Threshold alerts: the hour and the day of `down`, and the hour of `all` (50 %).
    let low = by(&rows, &[("alert", "success_rate_low")]);
    let got: BTreeSet<(&str, &str)> = low
        .iter()
        .map(|r| (r["bucket"].as_str(), r["scope"].as_str()))
        .collect();
    let want: BTreeSet<(&str, &str)> = [
        ("2026-11-23T10:00Z", "model=down"),
        ("2026-11-23", "model=down"),
        ("2026-11-23T10:00Z", "all"),
        ("2026-11-23", "all"),
    ]
    .into();
    assert_eq!(got, want);
    assert!(low
        .iter()
        .all(|r| r["severity"] == "P2" && r["owner"] == "SRE on call"));
    let hour_down = by(
        &rows,
        &[
            ("scope", "model=down"),
            ("window", "hour"),
            ("alert", "success_rate_low"),
        ],
    );
    assert_num(hour_down[0], "value", 0.0);
    assert_num(hour_down[0], "threshold", 0.99);
    // Nothing about the healthy model.
    assert!(by(&rows, &[("scope", "model=up")]).is_empty());
    // Page-level burn on `all` (50 % bad against 1 % allowed = 50x, 480 requests an hour).
    let pages = by(&rows, &[("alert", "burn_rate"), ("severity", "P1")]);
    assert!(pages
        .iter()
        .any(|r| r["window"] == "1h/5m" && r["slo"] == "availability"));

    // --fail-on alerts: P0 fired, so every threshold fails; P0 is the most urgent.
    for (min, code) in [("P0", 1), ("P3", 1)] {
        let run = env.run(&[
            "slo",
            &input,
            "--config",
            "team.toml",
            "--fail-on",
            "alerts",
            "--min-severity",
            min,
            "-q",
        ]);
        assert_eq!(run.code, code, "--min-severity {min}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
    }
    // Without the model scope, the `all` scope still pages (P1) but sees no outage (P0).
    let run = env.run(&["slo", &input, "--fail-on", "alerts", "--min-severity", "P0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.run(&["slo", &input, "--fail-on", "alerts", "--min-severity", "P1"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn stdout_and_usage_errors() {
    let env = Env::new();
    let input = small_log(&env);
    let run = env.run(&["slo", &input]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .starts_with("slo,scope,window,objective,target,actual,met,"));
    assert!(run.stderr.contains("alerts"), "{}", run.stderr);
    for (args, want) in [
        (
            vec!["slo", &input, "--compare", "model"],
            "unknown --compare `model`",
        ),
        (
            vec!["slo", &input, "--min-severity", "P7"],
            "unknown --min-severity",
        ),
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains(want), "{}", run.stderr);
    }
    env.write(
        "bad.toml",
        "[slo]\n[[slo.objectives]]\nname = \"x\"\nindicator = \"latency\"\ntarget = 0.9\n",
    );
    let run = env.run(&["slo", &input, "--config", "bad.toml"]);
    assert_eq!(run.code, 2);
    // A missing key points at the header of the entry that lacks it.
    assert!(
        run.stderr.contains("bad.toml:2:") && run.stderr.contains("needs a value"),
        "{}",
        run.stderr
    );
}

/// What `gen` planted for a seed, learned from the library rather than hard-coded.
fn planted(records: u64, seed: u64) -> (BTreeSet<String>, String) {
    let cfg = logwarden::gen::GenConfig {
        records,
        seed,
        ..Default::default()
    };
    let summary = logwarden::gen::generate(&cfg, &mut std::io::sink()).unwrap();
    let days = summary
        .incident_days
        .iter()
        .map(|&d| {
            logwarden::bucket::BucketKind::Day
                .label(cfg.start + i64::from(d) * 86_400)
                .to_string()
        })
        .collect();
    (
        days,
        summary
            .regressed_version
            .expect("28 days plant a regression"),
    )
}

#[test]
fn gen_incidents_raise_alerts_and_the_regressed_release_is_found() {
    for seed in [7u64, 23] {
        let env = Env::new();
        let records = 40_000;
        let run = env.run(&[
            "gen",
            "--records",
            &records.to_string(),
            "--seed",
            &seed.to_string(),
            "-o",
            "logs.jsonl",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let (incident_days, regressed) = planted(records, seed);
        assert_eq!(incident_days.len(), 2);

        let run = env.run(&["slo", "logs.jsonl", "--compare", "version", "-o", "out"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let alerts = csv_rows(&env.read("out/alerts.csv"));
        let alert_days: BTreeSet<String> = alerts
            .iter()
            .filter(|a| a["metric"] == "success_rate")
            .map(|a| a["bucket"][..10].to_string())
            .collect();
        // Every incident day raises a success-rate alert (hourly and daily), owned by infra.
        for day in &incident_days {
            let on_day: Vec<_> = alerts
                .iter()
                .filter(|a| a["metric"] == "success_rate" && a["bucket"].starts_with(day.as_str()))
                .collect();
            assert!(
                on_day.iter().any(|a| a["bucket"] == *day),
                "seed {seed}: no daily alert on {day}"
            );
            assert!(
                on_day.iter().any(|a| a["window"] == "hour"),
                "seed {seed}: no hourly alert on {day}"
            );
            assert!(on_day.iter().all(|a| a["owner"] == "Platform"));
            // The 5xx burst burns the budget at page level.
            assert!(
                alerts.iter().any(|a| a["alert"] == "burn_rate"
                    && a["slo"] == "availability"
                    && a["severity"] == "P1"
                    && a["bucket"].starts_with(day.as_str())),
                "seed {seed}: no page on {day}"
            );
        }
        // Nothing pages (P0/P1) outside the incident days: the defaults wake people for the
        // planted 5xx bursts only (the regressed release is for `--compare`, not a page).
        let page_days: BTreeSet<String> = alerts
            .iter()
            .filter(|a| matches!(a["severity"].as_str(), "P0" | "P1"))
            .map(|a| a["bucket"][..10].to_string())
            .collect();
        assert_eq!(page_days, incident_days, "seed {seed}");
        // Not raised: more than one day without an incident, or any total outage.
        let false_days: Vec<_> = alert_days.difference(&incident_days).collect();
        assert!(
            false_days.len() <= 1,
            "seed {seed}: false alert days {false_days:?}"
        );
        assert!(
            !alerts.iter().any(|a| a["alert"] == "outage"),
            "seed {seed}"
        );

        let compare = csv_rows(&env.read("out/compare.csv"));
        let regressed_versions: BTreeSet<&str> = compare
            .iter()
            .filter(|r| r["verdict"] == "regressed")
            .map(|r| r["value"].as_str())
            .collect();
        assert_eq!(
            regressed_versions,
            BTreeSet::from([regressed.as_str()]),
            "seed {seed}"
        );
        let p50 = by(&compare, &[("value", &regressed), ("metric", "p50_ms")]);
        assert_eq!(p50[0]["verdict"], "regressed");
        let rel: f64 = p50[0]["relative_change"].parse().unwrap();
        assert!(
            (0.4..0.8).contains(&rel),
            "seed {seed}: planted 1.6x, measured {rel}"
        );
        // The release after the regression brings latency back.
        let versions: Vec<&str> = compare.iter().map(|r| r["value"].as_str()).collect();
        if let Some(next) = compare
            .iter()
            .find(|r| r["baseline"] == regressed && r["metric"] == "p50_ms")
        {
            assert_eq!(next["verdict"], "improved", "seed {seed}: {versions:?}");
        }

        // Incidents page (P1) but nothing is a total outage (P0).
        let run = env.run(&[
            "slo",
            "logs.jsonl",
            "--fail-on",
            "alerts",
            "--min-severity",
            "P0",
            "-q",
        ]);
        assert_eq!(run.code, 0);
        let run = env.run(&[
            "slo",
            "logs.jsonl",
            "--fail-on",
            "alerts",
            "--min-severity",
            "P1",
            "-q",
        ]);
        assert_eq!(run.code, 1);
    }
}

/// The committed sample (2,000 requests over 28 days, 2–7 an hour, with two small planted
/// incidents) pages nobody with the default objectives and alert rules: a 3000 ms latency
/// objective used to fire 13 P1 pages on it. The incidents still open tickets (P2), and
/// nothing fires on a day without an incident.
#[test]
fn the_sample_does_not_page_with_the_defaults() {
    let env = Env::new();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/requests.jsonl");
    let run = env.run(&["slo", sample, "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let alerts = csv_rows(&env.read("out/alerts.csv"));
    let pages: Vec<_> = alerts
        .iter()
        .filter(|a| matches!(a["severity"].as_str(), "P0" | "P1"))
        .collect();
    assert!(pages.is_empty(), "{pages:?}");
    // At most a few tickets, all on the planted incident days.
    assert!(alerts.len() <= 6, "{alerts:?}");
    let (incident_days, _) = planted(2000, 42);
    let alert_days: BTreeSet<String> = alerts
        .iter()
        .map(|a| a["bucket"][..10].to_string())
        .collect();
    assert_eq!(alert_days, incident_days);
    // The latency objective holds on a healthy LLM service's own traffic.
    let slo = csv_rows(&env.read("out/slo.csv"));
    let latency = by(&slo, &[("slo", "latency"), ("scope", "all")]);
    assert_eq!(
        latency[0]["objective"],
        "latency_ms <= 10000 for >= 0.95 of requests"
    );
    assert_eq!(latency[0]["met"], "true");
    // A nightly cron on pages exits 0.
    let run = env.run(&[
        "slo",
        sample,
        "--fail-on",
        "alerts",
        "--min-severity",
        "P1",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn compare_stage_against_full_and_thread_independence() {
    let env = Env::new();
    env.run(&[
        "gen",
        "--records",
        "20000",
        "--seed",
        "3",
        "-o",
        "logs.jsonl",
    ]);
    let one = env.run(&[
        "slo",
        "logs.jsonl",
        "--compare",
        "stage",
        "-j",
        "1",
        "-o",
        "a",
    ]);
    let many = env.run(&[
        "slo",
        "logs.jsonl",
        "--compare",
        "stage",
        "-j",
        "4",
        "-o",
        "b",
    ]);
    assert_eq!((one.code, many.code), (0, 0), "{}", one.stderr);
    for f in ["slo.csv", "alerts.csv", "compare.csv"] {
        assert_eq!(
            env.read(&format!("a/{f}")),
            env.read(&format!("b/{f}")),
            "{f}"
        );
    }
    let compare = env.read("a/compare.csv");
    assert_eq!(
        csv_header(&compare)[..8],
        "dimension,value,baseline,metric,current,previous,change,verdict"
            .split(',')
            .collect::<Vec<_>>()
    );
    let rows = csv_rows(&compare);
    let stages: BTreeSet<&str> = rows.iter().map(|r| r["value"].as_str()).collect();
    assert_eq!(stages, BTreeSet::from(["beta", "internal"]));
    assert!(rows
        .iter()
        .all(|r| r["baseline"] == "full" && r["dimension"] == "stage"));
    let metrics: Vec<&str> = rows.iter().take(6).map(|r| r["metric"].as_str()).collect();
    assert_eq!(
        metrics,
        [
            "success_rate",
            "error_rate_5xx",
            "error_rate_4xx",
            "p50_ms",
            "p95_ms",
            "p99_ms"
        ]
    );
    assert!(rows
        .iter()
        .all(|r| ["regressed", "unchanged", "improved"].contains(&r["verdict"].as_str())));
}
