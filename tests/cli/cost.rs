//! `logwarden cost`: pricing resolution and cost.csv by hand, the forecast against a budget,
//! and the planted stories of `logwarden gen` (a cost spike, a slow quality decline).

use crate::util::{assert_num, csv_header, csv_rows, Env};
use std::collections::{BTreeSet, HashMap};

const PRICES: &str = r#"
[prices]
"gpt-4o*" = { input = 2.5, output = 10.0 }
"gpt-4o-mini*" = { input = 0.15, output = 0.6 }
"#;

fn row<'a>(
    rows: &'a [HashMap<String, String>],
    bucket: &str,
    model: &str,
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["bucket"] == bucket && r["model"] == model)
        .unwrap_or_else(|| panic!("no row {bucket} {model}"))
}

#[test]
fn pricing_resolution_and_unpriced_requests_per_model() {
    let env = Env::new();
    let input = env.fixture("cost_pricing.jsonl");
    env.write("logwarden.toml", PRICES);
    let run = env.run(&["cost", "--by", "day,model", &input, "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = env.read("out/cost.csv");
    assert_eq!(
        csv_header(&csv),
        "bucket,model,requests,tokens_in,tokens_out,cost_usd,cost_per_request,cost_per_1k_tokens,share_of_total,change_vs_previous,unpriced_requests,priced_requests"
            .split(',')
            .collect::<Vec<_>>()
    );
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 7);

    // A logged cost wins over the price table.
    let logged = row(&rows, "2026-11-23", "gpt-4o");
    assert_num(logged, "cost_usd", 0.5);
    assert_eq!(
        (
            logged["priced_requests"].as_str(),
            logged["unpriced_requests"].as_str()
        ),
        ("0", "0")
    );
    assert_num(logged, "share_of_total", 0.5 / 4.9);
    assert_eq!(logged["change_vs_previous"], "");
    // A dated id priced by the glob: 1M in at 2.5 + 100k out at 10.
    let dated = row(&rows, "2026-11-23", "gpt-4o-2024-08-06");
    assert_num(dated, "cost_usd", 3.5);
    assert_eq!(dated["priced_requests"], "1");
    // The longer glob wins; a record without tokens stays unpriced (and costs 0).
    let mini = row(&rows, "2026-11-23", "gpt-4o-mini");
    assert_num(mini, "cost_usd", 0.9);
    assert_eq!(mini["requests"], "2");
    assert_eq!(
        (
            mini["priced_requests"].as_str(),
            mini["unpriced_requests"].as_str()
        ),
        ("1", "1")
    );
    assert_num(mini, "cost_per_request", 0.45);
    assert_num(mini, "cost_per_1k_tokens", 0.0003);
    let mystery = row(&rows, "2026-11-23", "mystery-model");
    assert_num(mystery, "cost_usd", 0.0);
    assert_eq!(mystery["unpriced_requests"], "1");
    assert_eq!(mystery["share_of_total"], "0");

    let next = row(&rows, "2026-11-24", "gpt-4o");
    assert_num(next, "cost_usd", 1.0);
    assert_num(next, "change_vs_previous", 1.0);
    assert_num(next, "share_of_total", 1.0);
    // No change against a bucket that cost nothing.
    assert_eq!(
        row(&rows, "2026-11-24", "mystery-model")["change_vs_previous"],
        ""
    );
    assert_eq!(row(&rows, "2026-11-24", "")["unpriced_requests"], "1");

    // Never silently zero: the count per model on stderr.
    assert!(
        run.stderr.contains("4 of 8 requests are unpriced")
            && run
                .stderr
                .contains("mystery-model 2, (no model) 1, gpt-4o-mini 1"),
        "{}",
        run.stderr
    );
    // Without prices, every record lacking cost_usd is unpriced.
    std::fs::remove_file(env.path("logwarden.toml")).unwrap();
    let run = env.run(&["cost", &input]);
    assert!(
        run.stderr.contains("7 of 8 requests are unpriced"),
        "{}",
        run.stderr
    );
    let run = env.run(&["cost", "-q", &input]);
    assert_eq!(run.stderr, "");
}

#[test]
fn stdout_gets_cost_csv_and_dir_gets_four_files() {
    let env = Env::new();
    let input = env.fixture("cost_pricing.jsonl");
    let run = env.run(&["cost", "--by", "week", &input]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["bucket"], "2026-W48");
    assert_eq!(rows[0]["requests"], "8");

    let run = env.run(&["cost", &input, "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let heads = [
        ("cost_anomalies.csv", "bucket,scope,dimension,value,cost_usd,baseline_usd,ratio,z_score,driver,driver_detail,severity,owner"),
        ("cost_forecast.csv", "month,first_day,last_day,days_in_month,month_to_date_usd"),
        ("quality_trend.csv", "week,dimension,value,metric,current,samples"),
        ("cost.csv", "bucket,model,requests"),
    ];
    for (file, head) in heads {
        let text = env.read(&format!("out/{file}"));
        assert!(
            text.starts_with(head),
            "{file}: {}",
            text.lines().next().unwrap_or("")
        );
    }
    // Two days of data are no baseline: no anomalies, and no test yet.
    assert_eq!(csv_rows(&env.read("out/cost_anomalies.csv")).len(), 0);
    let quality = csv_rows(&env.read("out/quality_trend.csv"));
    let mini = quality
        .iter()
        .find(|r| r["value"] == "gpt-4o-mini" && r["metric"] == "success_rate")
        .unwrap();
    assert_num(mini, "current", 0.5);
    // Two requests are fewer than the 20 a day needs to be a point: nothing to test.
    assert_eq!((mini["points"].as_str(), mini["flag"].as_str()), ("0", ""));
    assert_eq!((mini["p_value"].as_str(), mini["trend"].as_str()), ("", ""));
}

/// Two 5 USD requests a day (at 00:00 and 23:59) from November 1 to 10: 10 USD a day.
fn steady_spend() -> String {
    let mut s = String::new();
    for d in 1..=10 {
        for t in ["00:00:00", "23:59:00"] {
            s.push_str(&format!(
                "{{\"ts\":\"2026-11-{d:02}T{t}Z\",\"status\":200,\"model\":\"m\",\"cost_usd\":5}}\n"
            ));
        }
    }
    s
}

#[test]
fn forecast_projects_the_run_rate_against_the_budget() {
    let env = Env::new();
    let input = env.write("spend.jsonl", steady_spend());
    env.write("budget.toml", "[alerts]\nmonthly_budget_usd = 200\n");
    let run = env.run(&["cost", &input, "--config", "budget.toml", "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&env.read("out/cost_forecast.csv"));
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r["month"], "2026-11");
    assert_eq!(
        (r["first_day"].as_str(), r["last_day"].as_str()),
        ("2026-11-01", "2026-11-10")
    );
    assert_num(r, "month_to_date_usd", 100.0);
    assert_eq!(r["complete_through"], "2026-11-10");
    assert_num(r, "run_rate_usd_per_day", 10.0);
    assert_eq!(
        (r["run_rate_days"].as_str(), r["remaining_days"].as_str()),
        ("7", "20")
    );
    assert_num(r, "projected_usd", 300.0);
    assert_num(r, "budget_usd", 200.0);
    assert_num(r, "projected_overrun_usd", 100.0);
    // 100 USD left at 10 a day: the tenth day after November 10.
    assert_eq!(r["budget_runs_out_on"], "2026-11-20");
    assert_eq!(r["status"], "projected_overrun");

    // Without a budget the projection stands alone.
    let run = env.run(&["cost", &input, "-o", "plain"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = &csv_rows(&env.read("plain/cost_forecast.csv"))[0];
    assert_eq!(
        (r["budget_usd"].as_str(), r["status"].as_str()),
        ("", "no_budget")
    );
}

#[test]
fn bad_cost_config_names_file_line_and_key() {
    let env = Env::new();
    let input = env.write("spend.jsonl", steady_spend());
    env.write(
        "bad.toml",
        "[alerts]\nmin_requests = 5\n\n[cost]\nz_threshold = 3\nratio_above = 0.9\n",
    );
    let run = env.run(&["cost", &input, "--config", "bad.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bad.toml:6:") && run.stderr.contains("ratio_above"),
        "{}",
        run.stderr
    );
    env.write("bad2.toml", "[quality]\nweeks = 4\nalpah = 0.1\n");
    let run = env.run(&["cost", &input, "--config", "bad2.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bad2.toml:3:") && run.stderr.contains("alpah"),
        "{}",
        run.stderr
    );
}

/// CSV rows as column → value maps.
type Rows = Vec<HashMap<String, String>>;

/// Runs `gen` then `cost --by day,model` in `env`; returns the anomaly and quality rows.
fn gen_and_cost(env: &Env, seed: &str, spike: Option<&str>) -> (Rows, Rows) {
    let mut args = vec![
        "gen",
        "--records",
        "60000",
        "--seed",
        seed,
        "-o",
        "logs.jsonl",
    ];
    if let Some(s) = spike {
        args.extend(["--spike", s]);
    }
    let run = env.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.run(&["cost", "--by", "day,model", "logs.jsonl", "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (
        csv_rows(&env.read("out/cost_anomalies.csv")),
        csv_rows(&env.read("out/quality_trend.csv")),
    )
}

fn days_of(rows: &[HashMap<String, String>]) -> BTreeSet<String> {
    rows.iter().map(|r| r["bucket"][..10].to_string()).collect()
}

#[test]
fn planted_cost_spikes_are_found_and_little_else() {
    // (seed, spike, its date): gen days count from 2026-10-26, a Monday.
    let cases = [
        ("5", "15:gpt-4o:4", "2026-11-10", "gpt-4o"),
        ("7", "15:gpt-4o:4", "2026-11-10", "gpt-4o"),
        ("7", "5:claude-sonnet-4:2", "2026-10-31", "claude-sonnet-4"),
        (
            "11",
            "0:text-embedding-3-small:3",
            "2026-10-26",
            "text-embedding-3-small",
        ),
        (
            "12",
            "26:llama-3.1-8b-instruct:2",
            "2026-11-21",
            "llama-3.1-8b-instruct",
        ),
    ];
    for (seed, spike, day, model) in cases {
        let env = Env::new();
        let (anomalies, _) = gen_and_cost(&env, seed, Some(spike));
        let days = days_of(&anomalies);
        assert!(days.contains(day), "seed {seed} {spike}: {days:?}");
        assert!(
            days.len() <= 3,
            "seed {seed} {spike}: other days flagged {days:?}"
        );
        let hit = anomalies
            .iter()
            .find(|r| r["bucket"] == day && r["scope"] == format!("model={model}"))
            .unwrap_or_else(|| panic!("seed {seed} {spike}: no row for the model: {anomalies:?}"));
        assert_eq!(hit["direction"], "spike");
        assert_eq!(hit["driver"], format!("model={model}: tokens_per_request"));
        assert!(
            hit["driver_detail"].contains("tokens/request x"),
            "{}",
            hit["driver_detail"]
        );
        assert_eq!(hit["owner"], "ML");
        assert!(hit["ratio"].parse::<f64>().unwrap() > 1.0);
    }
}

#[test]
fn unspiked_logs_raise_at_most_two_days() {
    for seed in ["5", "8"] {
        let env = Env::new();
        let (anomalies, _) = gen_and_cost(&env, seed, None);
        assert!(days_of(&anomalies).len() <= 2, "seed {seed}: {anomalies:?}");
    }
}

#[test]
fn planted_slow_quality_decline_is_flagged_for_gpt_4o_mini_only() {
    for seed in ["5", "7"] {
        let env = Env::new();
        let (_, quality) = gen_and_cost(&env, seed, None);
        let last_week = quality.iter().map(|r| r["week"].clone()).max().unwrap();
        assert_eq!(last_week, "2026-W47");
        let confidence = quality
            .iter()
            .find(|r| {
                r["week"] == last_week
                    && r["value"] == "gpt-4o-mini"
                    && r["metric"] == "mean_confidence"
            })
            .unwrap();
        assert_eq!(
            confidence["flag"], "declining",
            "seed {seed}: {confidence:?}"
        );
        assert_eq!(confidence["trend"], "down");
        assert_eq!(confidence["points"], "28");
        assert!(
            confidence["change"].parse::<f64>().unwrap() <= -0.05,
            "{confidence:?}"
        );
        assert!(confidence["q_value"].parse::<f64>().unwrap() < 0.05);
        assert_eq!(
            (
                confidence["severity"].as_str(),
                confidence["owner"].as_str()
            ),
            ("P2", "ML")
        );
        // The planted decline is of confidence. Negative feedback may rise for any model,
        // truly: gen plants failure problems that grow week over week, and their cases get
        // feedback that is mostly negative, so only confidence is checked for the others.
        let others: Vec<_> = quality
            .iter()
            .filter(|r| {
                r["dimension"] == "model"
                    && r["value"] != "gpt-4o-mini"
                    && r["metric"] == "mean_confidence"
                    && r["flag"] == "declining"
            })
            .collect();
        assert!(others.is_empty(), "seed {seed}: {others:?}");
    }
}

#[test]
fn fail_on_alerts_reflects_anomalies() {
    let env = Env::new();
    let run = env.run(&[
        "gen",
        "--records",
        "20000",
        "--seed",
        "3",
        "--spike",
        "12:gpt-4o:5",
        "-o",
        "logs.jsonl",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.run(&["cost", "-q", "logs.jsonl", "--fail-on", "alerts"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let input = env.write("spend.jsonl", steady_spend());
    let run = env.run(&["cost", "-q", &input, "--fail-on", "alerts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
