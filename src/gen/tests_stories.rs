//! Tests of the planted stories later analyses rely on: incidents, the cost spike, prices,
//! the release regression and rollout, traffic shape, quality drift and recurring failures.

use super::tests::{cfg, day_of, gen, parse_lines, shared, ts_ms};
use super::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

#[test]
fn incidents_break_the_daily_success_rate() {
    let run = shared();
    assert_eq!(run.summary.incident_days.len(), 2);
    assert!(run
        .summary
        .incident_days
        .iter()
        .all(|&d| (7..28).contains(&d)));
    let mut per_day: BTreeMap<usize, (u32, u32, u32)> = BTreeMap::new();
    for v in &run.lines {
        let e = per_day.entry(day_of(v)).or_default();
        let status = v["status"].as_u64().unwrap();
        e.0 += 1;
        e.1 += u32::from(status < 500);
        e.2 += u32::from((400..500).contains(&status));
    }
    assert_eq!(per_day.len(), 28);
    let (mut client, mut total) = (0, 0);
    for (day, (n, ok, c4)) in per_day {
        let rate = f64::from(ok) / f64::from(n);
        if run.summary.incident_days.contains(&(day as u32)) {
            assert!(rate < 0.985, "incident day {day}: {rate}");
        } else {
            assert!(rate >= 0.99, "day {day}: {rate}");
            client += c4;
            total += n;
        }
    }
    let p4 = f64::from(client) / f64::from(total);
    assert!((0.002..0.01).contains(&p4), "4xx rate {p4}");
}

#[test]
fn spike_multiplies_one_models_input_tokens_on_one_day() {
    let base = cfg(4000, 9);
    let spiked = GenConfig {
        spike: Some(CostSpike {
            day: 10,
            model: "gpt-4o".into(),
            factor: 8.0,
        }),
        ..base.clone()
    };
    let (a, b) = (parse_lines(&gen(&base).0), parse_lines(&gen(&spiked).0));
    let mut hit = 0;
    for (x, y) in a.iter().zip(&b) {
        let tin = |v: &Value| v["tokens_in"].as_u64().unwrap();
        if x["model"] == "gpt-4o" && day_of(x) == 10 {
            hit += 1;
            assert_eq!(tin(y), (tin(x) as f64 * 8.0).round() as u64);
            if let (Some(cx), Some(cy)) = (x["cost_usd"].as_f64(), y["cost_usd"].as_f64()) {
                assert!(cy > cx * 2.0);
            }
        } else {
            assert_eq!(x, y);
        }
    }
    assert!(hit > 5, "spike touched {hit} records");
}

#[test]
fn cost_follows_prices() {
    let prices: BTreeMap<&str, (f64, f64)> = model_prices()
        .into_iter()
        .map(|(m, i, o)| (m, (i, o)))
        .collect();
    for v in &shared().lines {
        let Some(cost) = v["cost_usd"].as_f64() else {
            continue;
        };
        let (i, o) = prices[v["model"].as_str().unwrap()];
        let want = v["tokens_in"].as_f64().unwrap() * i / 1e6
            + v["tokens_out"].as_f64().unwrap() * o / 1e6;
        assert!((cost - want).abs() < 1e-8, "{cost} vs {want}");
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn regressed_release_is_slower_than_its_predecessor() {
    let run = shared();
    let regressed = run
        .summary
        .regressed_version
        .clone()
        .expect("a regressed release");
    let mut by_version: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut first_seen: BTreeMap<String, i64> = BTreeMap::new();
    for v in run
        .lines
        .iter()
        .filter(|v| v["status"] == 200 && v["model"] == "gpt-4o-mini")
    {
        let ver = v["version"].as_str().unwrap().to_string();
        let t = ts_ms(&v["ts"]);
        first_seen
            .entry(ver.clone())
            .and_modify(|x| *x = (*x).min(t))
            .or_insert(t);
        by_version
            .entry(ver)
            .or_default()
            .push(v["latency_ms"].as_f64().unwrap());
    }
    let mut order: Vec<(i64, String)> = first_seen.into_iter().map(|(k, t)| (t, k)).collect();
    order.sort();
    assert!(order.len() >= 4, "releases: {order:?}");
    for w in order.windows(2) {
        let ratio = median(by_version[&w[1].1].clone()) / median(by_version[&w[0].1].clone());
        if w[1].1 == regressed {
            assert!(ratio > 1.35, "{} vs {}: {ratio}", w[1].1, w[0].1);
        } else if w[0].1 != regressed {
            assert!(
                (0.85..1.18).contains(&ratio),
                "{} vs {}: {ratio}",
                w[1].1,
                w[0].1
            );
        }
    }
}

#[test]
fn releases_move_through_stages() {
    let run = shared();
    let mut stages: BTreeMap<&str, Vec<(i64, &str)>> = BTreeMap::new();
    for v in &run.lines {
        stages
            .entry(v["version"].as_str().unwrap())
            .or_default()
            .push((ts_ms(&v["ts"]), v["stage"].as_str().unwrap()));
    }
    let mut with_internal = 0;
    for seen in stages.values_mut() {
        seen.sort();
        let rank = |s: &str| {
            ["internal", "beta", "full"]
                .iter()
                .position(|x| *x == s)
                .unwrap()
        };
        assert!(
            seen.windows(2).all(|w| rank(w[0].1) <= rank(w[1].1)),
            "stages go backwards"
        );
        with_internal += usize::from(seen[0].1 == "internal");
    }
    assert!(with_internal >= 3, "new releases start internal");
}

#[test]
fn traffic_is_diurnal_and_lower_on_weekends() {
    let run = shared();
    let (mut night, mut afternoon, mut weekday, mut weekend) = (0, 0, 0, 0);
    for v in &run.lines {
        let ms = ts_ms(&v["ts"]);
        let hour = ms.rem_euclid(86_400_000) / 3_600_000;
        night += usize::from((1..5).contains(&hour));
        afternoon += usize::from((13..17).contains(&hour));
        if clock::weekday(ms.div_euclid(86_400_000)) >= 5 {
            weekend += 1;
        } else {
            weekday += 1;
        }
    }
    assert!(afternoon > 2 * night, "{afternoon} vs {night}");
    assert!((weekend as f64 / 2.0) < 0.6 * (weekday as f64 / 5.0));
}

#[test]
fn one_model_slowly_loses_quality() {
    let run = shared();
    let mean_conf = |model: &str, days: std::ops::Range<usize>| {
        let c: Vec<f64> = run
            .lines
            .iter()
            .filter(|v| v["model"] == model && days.contains(&day_of(v)))
            .filter_map(|v| v["confidence"].as_f64())
            .collect();
        c.iter().sum::<f64>() / c.len() as f64
    };
    let drop = mean_conf("gpt-4o-mini", 0..7) - mean_conf("gpt-4o-mini", 21..28);
    assert!(drop > 0.05, "declining model dropped {drop}");
    let other = mean_conf("gpt-4o", 0..7) - mean_conf("gpt-4o", 21..28);
    assert!(other.abs() < 0.03, "stable model moved {other}");
}

#[test]
fn failure_templates_recur_every_week_with_complaints() {
    let run = shared();
    let mut weeks = HashSet::new();
    let mut negative = 0;
    for v in run.lines.iter().filter(|v| {
        v["prompt"]
            .as_str()
            .unwrap()
            .contains("reset my password for account")
    }) {
        weeks.insert(day_of(v) / 7);
        negative += usize::from(v["feedback"]["rating"] == -1);
    }
    assert_eq!(weeks.len(), 4);
    assert!(negative >= 5, "{negative}");
    let refused = run
        .lines
        .iter()
        .filter(|v| v["metadata"]["guardrail"]["action"] == "refuse")
        .count();
    let empty = run
        .lines
        .iter()
        .filter(|v| v["metadata"]["retrieval"]["empty"] == true)
        .count();
    assert!(refused > 50 && empty > 100, "{refused} {empty}");
}

#[test]
fn text_exercises_escapes_and_unicode() {
    let (out, _) = gen(&cfg(500, 11));
    let s = String::from_utf8(out).expect("utf8");
    for needle in ["\\n", "\\t", "\\\"", "\\\\", "\\u001b", "é", "你好", "🚀"] {
        assert!(s.contains(needle), "{needle} missing");
    }
}

#[test]
fn models_have_distinct_latency_and_prices() {
    let run = shared();
    let med = |model: &str| {
        let l: Vec<f64> = run
            .lines
            .iter()
            .filter(|v| v["status"] == 200 && v["model"] == model)
            .map(|v| v["latency_ms"].as_f64().unwrap())
            .collect();
        median(l)
    };
    let order = [
        "llama-3.1-8b-instruct",
        "gpt-4o-mini",
        "claude-haiku-3.5",
        "gpt-4o",
        "claude-sonnet-4",
    ];
    let medians: Vec<f64> = order.iter().map(|m| med(m)).collect();
    assert!(medians.windows(2).all(|w| w[0] < w[1]), "{medians:?}");
    assert!(medians[0] < 450.0 && medians[4] > 2200.0, "{medians:?}");
    let prices = model_prices();
    let distinct: HashSet<String> = prices.iter().map(|p| format!("{}/{}", p.1, p.2)).collect();
    assert_eq!(distinct.len(), prices.len());
}
