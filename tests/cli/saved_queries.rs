//! Every saved query in `queries/` has a test that runs it with `logwarden query` on `gen` data
//! and checks its whole output against values computed independently (serde_json and plain
//! Rust, or `logwarden sli`): cost, usage and error queries here, time queries in
//! `saved_queries_time`.

use crate::table_ref::{assert_rows, load, mean, quantile, Req, V};
use crate::util::{manifest_dir, Env};
use std::collections::{BTreeMap, BTreeSet};

/// 20,000 generated records in a temp dir, and their reference parse.
pub fn setup() -> (Env, String, Vec<Req>) {
    let env = Env::new();
    let run = env.run(&["gen", "--records", "20000", "-o", "logs.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = env.path("logs.jsonl").display().to_string();
    let reqs = load(&path);
    assert_eq!(reqs.len(), 20_000);
    (env, path, reqs)
}

/// The path of a saved query.
pub fn saved(name: &str) -> String {
    format!("{}/queries/{name}.sql", manifest_dir().display())
}

/// Runs a saved query and returns its CSV.
pub fn run_saved(env: &Env, name: &str, input: &str) -> String {
    let run = env.run(&["query", &saved(name), input]);
    assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    run.stdout
}

pub fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

#[test]
fn every_saved_query_has_a_one_line_comment_header_and_a_test() {
    let dir = format!("{}/queries", manifest_dir().display());
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(
            path.extension().and_then(|e| e.to_str()),
            Some("sql"),
            "{path:?}"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with("-- ") && first.len() > 20,
            "{path:?}: {first}"
        );
        assert!(
            !text.lines().nth(1).unwrap_or("").starts_with("--"),
            "{path:?}: one header line"
        );
        names.insert(path.file_stem().unwrap().to_string_lossy().into_owned());
    }
    let tested: BTreeSet<String> = TESTED.iter().map(|s| s.to_string()).collect();
    assert_eq!(names, tested, "every saved query needs a test below");
    assert!(names.len() >= 10);
}

#[test]
fn docs_document_every_saved_query_and_column() {
    let page = format!("{}/docs/commands/query.md", manifest_dir().display());
    let doc = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{page}: {e}"));
    for name in TESTED {
        let path = format!("../../queries/{name}.sql");
        let header = std::fs::read_to_string(saved(name)).unwrap();
        let header = header.lines().next().unwrap().trim_start_matches("-- ");
        assert!(
            doc.contains(&format!("[`{name}.sql`]({path}) | {header} |")),
            "docs/commands/query.md row for {name}"
        );
    }
    for c in logwarden::table::Col::ALL {
        let row = format!("| `{}` | {} | {} |", c.name(), c.type_name(), c.meaning());
        assert!(
            doc.contains(&row),
            "docs/commands/query.md row for column {}",
            c.name()
        );
    }
}

/// The saved queries this file checks (kept in sync with `queries/` by the test above).
const TESTED: [&str; 14] = [
    "cost_by_tenant_model",
    "daily_cost_by_model",
    "daily_success_rate",
    "errors_by_model",
    "incident_days",
    "latency_percentiles_by_endpoint",
    "pii_by_tenant",
    "quality_by_model_week",
    "rollout_stages",
    "slowest_releases",
    "slowest_requests",
    "tokens_per_request_by_model",
    "top_429_users",
    "unpriced_models",
];

#[test]
fn cost_by_tenant_model() {
    let (env, input, reqs) = setup();
    #[derive(Default)]
    struct Acc {
        n: i64,
        tin: i64,
        tout: i64,
        cost: f64,
        unpriced: i64,
    }
    let mut groups: BTreeMap<(String, String), Acc> = BTreeMap::new();
    for r in &reqs {
        let a = groups.entry((opt(&r.tenant), opt(&r.model))).or_default();
        a.n += 1;
        a.tin += r.tokens_in.unwrap_or(0);
        a.tout += r.tokens_out.unwrap_or(0);
        match r.cost {
            Some(c) => a.cost += c,
            None => a.unpriced += 1,
        }
    }
    let mut rows: Vec<_> = groups.into_iter().collect();
    rows.sort_by(|a, b| b.1.cost.total_cmp(&a.1.cost).then(a.0.cmp(&b.0)));
    let want: Vec<Vec<V>> = rows
        .into_iter()
        .map(|((t, m), a)| {
            vec![
                t.as_str().into(),
                m.as_str().into(),
                a.n.into(),
                a.tin.into(),
                a.tout.into(),
                a.cost.into(),
                a.unpriced.into(),
            ]
        })
        .collect();
    assert!(want.len() >= 10);
    let out = run_saved(&env, "cost_by_tenant_model", &input);
    let cols = [
        "tenant",
        "model",
        "requests",
        "tokens_in",
        "tokens_out",
        "cost_usd",
        "unpriced_requests",
    ];
    assert_rows(&out, &cols, &want);
}

#[test]
fn top_429_users() {
    let (env, input, reqs) = setup();
    let mut groups: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for r in &reqs {
        let g = groups.entry((opt(&r.tenant), opt(&r.user_id))).or_default();
        g.1 += 1;
        if r.status == Some(429) {
            g.0 += 1;
        }
    }
    let mut rows: Vec<_> = groups.into_iter().filter(|(_, g)| g.0 > 0).collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    rows.truncate(20);
    assert!(rows.len() >= 10, "gen plants enough 429s");
    let want: Vec<Vec<V>> = rows
        .into_iter()
        .map(|((t, u), (rl, n))| {
            vec![
                t.as_str().into(),
                u.as_str().into(),
                rl.into(),
                n.into(),
                (rl as f64 / n as f64).into(),
            ]
        })
        .collect();
    let out = run_saved(&env, "top_429_users", &input);
    let cols = [
        "tenant",
        "user_id",
        "rate_limited",
        "requests",
        "rate_limited_share",
    ];
    assert_rows(&out, &cols, &want);
}

#[test]
fn unpriced_models() {
    let (env, input, reqs) = setup();
    let mut groups: BTreeMap<String, (i64, i64, i64, i64, i64)> = BTreeMap::new();
    for r in reqs.iter().filter(|r| r.cost.is_none()) {
        let ts = r.ts.unwrap();
        let g = groups
            .entry(opt(&r.model))
            .or_insert((0, 0, 0, i64::MAX, i64::MIN));
        g.0 += 1;
        g.1 += r.tokens_in.unwrap_or(0);
        g.2 += r.tokens_out.unwrap_or(0);
        g.3 = g.3.min(ts);
        g.4 = g.4.max(ts);
    }
    let mut rows: Vec<_> = groups.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    assert!(!rows.is_empty(), "gen leaves some records without cost_usd");
    let want: Vec<Vec<V>> = rows
        .into_iter()
        .map(|(m, (n, tin, tout, first, last))| {
            vec![
                m.as_str().into(),
                n.into(),
                tin.into(),
                tout.into(),
                V::Ts(first),
                V::Ts(last),
            ]
        })
        .collect();
    let out = run_saved(&env, "unpriced_models", &input);
    let cols = [
        "model",
        "unpriced_requests",
        "tokens_in",
        "tokens_out",
        "first_seen",
        "last_seen",
    ];
    assert_rows(&out, &cols, &want);
}

#[test]
fn pii_by_tenant_matches_the_audit() {
    let (env, input, reqs) = setup();
    // Independent: the lines `logwarden pii` reports findings on, mapped to their tenants.
    let audit = env.run(&["pii", &input, "-q"]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    let lines: std::collections::BTreeSet<i64> = crate::util::csv_rows(&audit.stdout)
        .iter()
        .map(|r| r["line"].parse().unwrap())
        .collect();
    assert!(lines.len() > 100, "the generator planted PII");
    let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in &reqs {
        let g = groups.entry(opt(&r.tenant)).or_default();
        g.0 += 1;
        g.1 += i64::from(lines.contains(&r.line));
    }
    let mut want: Vec<(String, i64, i64)> =
        groups.into_iter().map(|(t, (n, p))| (t, n, p)).collect();
    want.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let want: Vec<Vec<V>> = want
        .into_iter()
        .map(|(t, n, p)| {
            vec![
                t.as_str().into(),
                n.into(),
                V::I(p),
                V::F(p as f64 / n as f64),
            ]
        })
        .collect();
    let out = run_saved(&env, "pii_by_tenant", &input);
    assert_rows(
        &out,
        &["tenant", "requests", "with_pii", "pii_share"],
        &want,
    );
}

#[test]
fn errors_by_model() {
    let (env, input, reqs) = setup();
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    let mut errors: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for r in &reqs {
        *totals.entry(opt(&r.model)).or_default() += 1;
        if let Some(e) = &r.error_type {
            let g = errors
                .entry((opt(&r.model), e.clone()))
                .or_insert((i64::MAX, 0));
            g.0 = g.0.min(r.status.unwrap_or(i64::MAX));
            g.1 += 1;
        }
    }
    let mut rows: Vec<_> = errors.into_iter().collect();
    rows.sort_by(|a, b| {
        a.0 .0
            .cmp(&b.0 .0)
            .then(b.1 .1.cmp(&a.1 .1))
            .then(a.0 .1.cmp(&b.0 .1))
    });
    assert!(rows.len() >= 20);
    let want: Vec<Vec<V>> = rows
        .into_iter()
        .map(|((m, e), (status, n))| {
            let total = totals[&m];
            vec![
                m.as_str().into(),
                e.as_str().into(),
                status.into(),
                n.into(),
                total.into(),
                (n as f64 / total as f64).into(),
            ]
        })
        .collect();
    let out = run_saved(&env, "errors_by_model", &input);
    let cols = [
        "model",
        "error_type",
        "first_status",
        "errors",
        "requests",
        "error_share",
    ];
    assert_rows(&out, &cols, &want);
}

#[test]
fn tokens_per_request_by_model() {
    let (env, input, reqs) = setup();
    let mut groups: BTreeMap<String, Vec<&Req>> = BTreeMap::new();
    for r in &reqs {
        groups.entry(opt(&r.model)).or_default().push(r);
    }
    let want: Vec<Vec<V>> = groups
        .iter()
        .map(|(m, rs)| {
            let tin: Vec<f64> = rs
                .iter()
                .filter_map(|r| r.tokens_in)
                .map(|t| t as f64)
                .collect();
            let tout: Vec<f64> = rs
                .iter()
                .filter_map(|r| r.tokens_out)
                .map(|t| t as f64)
                .collect();
            let priced: Vec<&&Req> = rs.iter().filter(|r| r.cost.is_some()).collect();
            let cost: f64 = priced.iter().map(|r| r.cost.unwrap()).sum();
            let tokens: i64 = priced
                .iter()
                .map(|r| r.tokens_in.unwrap_or(0) + r.tokens_out.unwrap_or(0))
                .sum();
            vec![
                m.as_str().into(),
                (rs.len() as i64).into(),
                mean(&tin).into(),
                quantile(&tin, 0.95).into(),
                mean(&tout).into(),
                quantile(&tout, 0.95).into(),
                (cost * 1000.0 / tokens as f64).into(),
            ]
        })
        .collect();
    assert_eq!(want.len(), 6);
    let out = run_saved(&env, "tokens_per_request_by_model", &input);
    let cols = [
        "model",
        "requests",
        "avg_tokens_in",
        "p95_tokens_in",
        "avg_tokens_out",
        "p95_tokens_out",
        "cost_per_1k_tokens",
    ];
    assert_rows(&out, &cols, &want);
}
