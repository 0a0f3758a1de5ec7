//! Saved queries about time and latency (percentiles, days, releases, weeks) run by
//! `logwarden query` on `gen` data, checked against independent computations and `logwarden sli`.

use crate::saved_queries::{opt, run_saved, setup};
use crate::table_ref::{assert_rows, date_label, mean, quantile, Req, V};
use crate::util::csv_rows;
use std::collections::BTreeMap;

#[test]
fn latency_percentiles_by_endpoint() {
    let (env, input, reqs) = setup();
    let mut groups: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in &reqs {
        if let Some(l) = r.latency {
            groups.entry(opt(&r.endpoint)).or_default().push(l);
        }
    }
    let want: Vec<Vec<V>> = groups
        .iter()
        .map(|(e, v)| {
            let max = v.iter().copied().fold(f64::MIN, f64::max);
            vec![
                e.as_str().into(),
                (v.len() as i64).into(),
                quantile(v, 0.5).into(),
                quantile(v, 0.9).into(),
                quantile(v, 0.95).into(),
                quantile(v, 0.99).into(),
                max.into(),
            ]
        })
        .collect();
    assert_eq!(want.len(), 5);
    let out = run_saved(&env, "latency_percentiles_by_endpoint", &input);
    let cols = [
        "endpoint", "requests", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms",
    ];
    assert_rows(&out, &cols, &want);
}

#[test]
fn slowest_releases_puts_the_planted_regression_first() {
    let (env, input, reqs) = setup();
    let kept: Vec<&Req> = reqs
        .iter()
        .filter(|r| r.latency.is_some() && r.version.is_some())
        .collect();
    let mut by_model: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in &kept {
        by_model
            .entry(opt(&r.model))
            .or_default()
            .push(r.latency.unwrap());
    }
    let medians: BTreeMap<String, f64> = by_model
        .iter()
        .map(|(m, v)| (m.clone(), quantile(v, 0.5).unwrap()))
        .collect();
    let mut by_version: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for r in &kept {
        let l = r.latency.unwrap();
        let g = by_version.entry(opt(&r.version)).or_default();
        g.0.push(l / medians[&opt(&r.model)]);
        g.1.push(l);
    }
    let mut rows: Vec<(String, f64, f64, f64, i64)> = by_version
        .into_iter()
        .map(|(v, (rel, lat))| {
            let (m, p95, p95_ms) = (
                quantile(&rel, 0.5).unwrap(),
                quantile(&rel, 0.95).unwrap(),
                quantile(&lat, 0.95).unwrap(),
            );
            (v, m, p95, p95_ms, rel.len() as i64)
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let want: Vec<Vec<V>> = rows
        .iter()
        .map(|(v, m, p95, p95_ms, n)| {
            vec![
                v.as_str().into(),
                (*n).into(),
                (*m).into(),
                (*p95).into(),
                (*p95_ms).into(),
            ]
        })
        .collect();
    let out = run_saved(&env, "slowest_releases", &input);
    let cols = [
        "version",
        "requests",
        "median_vs_model",
        "p95_vs_model",
        "p95_ms",
    ];
    assert_rows(&out, &cols, &want);
    let truth = logwarden::gen::generate(
        &logwarden::gen::GenConfig {
            records: 20_000,
            ..Default::default()
        },
        &mut std::io::sink(),
    )
    .unwrap();
    let regressed = truth
        .regressed_version
        .expect("gen plants a regression in 28 days");
    assert_eq!(csv_rows(&out)[0]["version"], regressed);
}

#[test]
fn daily_success_rate_matches_sli() {
    let (env, input, _) = setup();
    let sli = env.run(&["sli", "--by", "day", &input]);
    assert_eq!(sli.code, 0, "{}", sli.stderr);
    let want: Vec<Vec<V>> = csv_rows(&sli.stdout)
        .iter()
        .map(|r| {
            let f = |c: &str| V::F(r[c].parse().unwrap());
            vec![
                r["bucket"].as_str().into(),
                V::I(r["requests"].parse().unwrap()),
                V::I(r["success"].parse().unwrap()),
                f("success_rate"),
                f("error_rate_4xx"),
                f("error_rate_5xx"),
                f("p95_ms"),
            ]
        })
        .collect();
    assert_eq!(want.len(), 28);
    let out = run_saved(&env, "daily_success_rate", &input);
    let cols = [
        "date",
        "requests",
        "success",
        "success_rate",
        "error_rate_4xx",
        "error_rate_5xx",
        "p95_ms",
    ];
    assert_rows(&out, &cols, &want);
}

#[test]
fn daily_cost_by_model_matches_sli() {
    let (env, input, _) = setup();
    let sli = env.run(&["sli", "--by", "day,model", &input]);
    assert_eq!(sli.code, 0, "{}", sli.stderr);
    let want: Vec<Vec<V>> = csv_rows(&sli.stdout)
        .iter()
        .map(|r| {
            vec![
                r["bucket"].as_str().into(),
                r["model"].as_str().into(),
                V::I(r["requests"].parse().unwrap()),
                V::F(r["cost_usd"].parse().unwrap()),
                V::I(r["tokens_in"].parse().unwrap()),
                V::I(r["tokens_out"].parse().unwrap()),
            ]
        })
        .collect();
    assert_eq!(want.len(), 28 * 6);
    let out = run_saved(&env, "daily_cost_by_model", &input);
    let cols = [
        "date",
        "model",
        "requests",
        "cost_usd",
        "tokens_in",
        "tokens_out",
    ];
    assert_rows(&out, &cols, &want);
}

#[test]
fn incident_days_finds_the_planted_incidents() {
    let (env, input, reqs) = setup();
    let mut days: BTreeMap<i64, (i64, i64, Vec<f64>)> = BTreeMap::new();
    for r in &reqs {
        let Some(day) = r.day() else { continue };
        let g = days.entry(day).or_default();
        g.0 += 1;
        if matches!(r.status, Some(500..=599)) {
            g.1 += 1;
        }
        if let Some(l) = r.latency {
            g.2.push(l);
        }
    }
    let mut rows: Vec<(i64, i64, i64, f64, Option<f64>)> = days
        .into_iter()
        .map(|(d, (n, e, lat))| (d, n, e, e as f64 / n as f64, quantile(&lat, 0.99)))
        .collect();
    rows.sort_by(|a, b| b.3.total_cmp(&a.3).then(a.0.cmp(&b.0)));
    rows.truncate(5);
    let want: Vec<Vec<V>> = rows
        .iter()
        .map(|(d, n, e, rate, p99)| {
            vec![
                date_label(*d).as_str().into(),
                (*n).into(),
                (*e).into(),
                (*rate).into(),
                (*p99).into(),
            ]
        })
        .collect();
    let out = run_saved(&env, "incident_days", &input);
    let cols = ["date", "requests", "errors_5xx", "error_rate_5xx", "p99_ms"];
    assert_rows(&out, &cols, &want);
    let truth = logwarden::gen::generate(
        &logwarden::gen::GenConfig {
            records: 20_000,
            ..Default::default()
        },
        &mut std::io::sink(),
    )
    .unwrap();
    let first_day = logwarden::gen::DEFAULT_START / 86_400;
    let mut planted: Vec<String> = truth
        .incident_days
        .iter()
        .map(|&d| date_label(first_day + i64::from(d)))
        .collect();
    planted.sort();
    let rows = csv_rows(&out);
    let mut top: Vec<String> = rows[..planted.len()]
        .iter()
        .map(|r| r["date"].clone())
        .collect();
    top.sort();
    assert_eq!(top, planted);
}

#[test]
fn rollout_stages() {
    let (env, input, reqs) = setup();
    let mut groups: BTreeMap<(String, String), Vec<&Req>> = BTreeMap::new();
    for r in reqs.iter().filter(|r| r.version.is_some()) {
        groups
            .entry((opt(&r.version), opt(&r.stage)))
            .or_default()
            .push(r);
    }
    let want: Vec<Vec<V>> = groups
        .iter()
        .map(|((v, s), rs)| {
            let ok = rs.iter().filter(|r| r.is_success()).count() as f64;
            let lat: Vec<f64> = rs.iter().filter_map(|r| r.latency).collect();
            let first = rs.iter().filter_map(|r| r.ts).min().unwrap();
            vec![
                v.as_str().into(),
                s.as_str().into(),
                (rs.len() as i64).into(),
                (ok / rs.len() as f64).into(),
                quantile(&lat, 0.95).into(),
                V::Ts(first),
            ]
        })
        .collect();
    assert!(want.len() >= 10, "releases go internal → beta → full");
    let out = run_saved(&env, "rollout_stages", &input);
    let cols = [
        "version",
        "stage",
        "requests",
        "success_rate",
        "p95_ms",
        "first_seen",
    ];
    assert_rows(&out, &cols, &want);
}

#[test]
fn quality_by_model_week_shows_the_drift() {
    let (env, input, reqs) = setup();
    let mut groups: BTreeMap<(String, String), Vec<&Req>> = BTreeMap::new();
    for r in &reqs {
        let Some(ts) = r.ts else { continue };
        let week = logwarden::bucket::BucketKind::Week;
        let label = week
            .label(week.start(logwarden::record::time::Micros(ts)))
            .to_string();
        groups.entry((opt(&r.model), label)).or_default().push(r);
    }
    let want: Vec<Vec<V>> = groups
        .iter()
        .map(|((m, w), rs)| {
            let n = rs.len() as f64;
            let conf: Vec<f64> = rs.iter().filter_map(|r| r.confidence).collect();
            let low = rs
                .iter()
                .filter(|r| r.confidence.is_some_and(|c| c < 0.5))
                .count() as f64;
            let neg = rs
                .iter()
                .filter(|r| r.rating.is_some_and(|x| x < 0.0))
                .count() as f64;
            vec![
                m.as_str().into(),
                w.as_str().into(),
                (rs.len() as i64).into(),
                mean(&conf).into(),
                (low / n).into(),
                (neg / n).into(),
            ]
        })
        .collect();
    let out = run_saved(&env, "quality_by_model_week", &input);
    let cols = [
        "model",
        "week",
        "requests",
        "avg_confidence",
        "low_confidence_share",
        "negative_feedback_share",
    ];
    assert_rows(&out, &cols, &want);
    // gpt-4o-mini drifts over the last weeks: its low-confidence share ends above where it began.
    let mini: Vec<f64> = csv_rows(&out)
        .iter()
        .filter(|r| r["model"] == "gpt-4o-mini")
        .map(|r| r["low_confidence_share"].parse().unwrap())
        .collect();
    assert!(mini.len() >= 4);
    assert!(mini[mini.len() - 1] > mini[0], "{mini:?}");
}

#[test]
fn slowest_requests_point_at_file_and_line() {
    let (env, input, reqs) = setup();
    let mut rows: Vec<&Req> = reqs.iter().filter(|r| r.latency.is_some()).collect();
    rows.sort_by(|a, b| {
        b.latency
            .unwrap()
            .total_cmp(&a.latency.unwrap())
            .then(a.line.cmp(&b.line))
    });
    rows.truncate(20);
    let want: Vec<Vec<V>> = rows
        .iter()
        .map(|r| {
            vec![
                V::Ts(r.ts.unwrap()),
                r.request_id.clone().into(),
                r.model.clone().into(),
                r.status.unwrap().into(),
                r.latency.into(),
                input.as_str().into(),
                r.line.into(),
            ]
        })
        .collect();
    let out = run_saved(&env, "slowest_requests", &input);
    let cols = [
        "ts",
        "request_id",
        "model",
        "status",
        "latency_ms",
        "file",
        "line",
    ];
    assert_rows(&out, &cols, &want);
}
