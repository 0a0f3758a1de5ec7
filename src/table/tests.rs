//! Unit tests of the requests-table fold: values, types, chunking independence, the PII hook.

use super::*;
use crate::bucket::HOUR_SECS;
use crate::record::time::Micros;
use crate::record::{ErrorInfo, JsonStr};

fn rec(i: u32) -> Record<'static> {
    const MODELS: [&str; 3] = ["gpt-4o", "claude-sonnet-4", "gpt-4o-mini"];
    let mut dims: [Option<JsonStr<'static>>; 6] = Default::default();
    dims[Dim::Model as usize] = Some(JsonStr::plain(MODELS[i as usize % 3]));
    dims[Dim::Tenant as usize] = (!i.is_multiple_of(4)).then(|| JsonStr::plain("acme"));
    Record {
        // 2026-11-23T23:00:00Z plus i hours.
        ts: (i != 5).then(|| Micros::from_secs(1_795_474_800 + i64::from(i) * HOUR_SECS)),
        request_id: Some(JsonStr::plain(
            ["req_a", "req_b", "r\u{e9}q"][i as usize % 3],
        )),
        status: Some(if i % 3 == 2 { 503 } else { 200 }),
        latency_ms: (i != 1).then_some(100.0 * f64::from(i)),
        dims,
        tokens_in: Some(u64::from(i) * 10),
        tokens_out: Some(5),
        cost_usd: if i % 4 == 3 { 0.0 } else { 0.25 },
        cost_source: if i % 4 == 3 {
            CostSource::Unpriced
        } else {
            CostSource::Logged
        },
        confidence: Some(if i == 4 { 0.2 } else { 0.9 }),
        rating: (i == 4).then_some(-1.0),
        error: (i % 3 == 2).then(|| ErrorInfo {
            kind: Some(JsonStr::plain("upstream_timeout")),
            message: None,
        }),
        ..Record::default()
    }
}

/// Folds records 0..n, cutting a new chunk before each index in `cuts`.
fn fold(n: u32, cuts: &[u32]) -> DataFrame {
    let ctx = TableContext::new(
        &["a.jsonl".to_string()],
        FailureRules::default(),
        ColumnSet::all(),
    );
    let mut acc = RequestsTable::new(&ctx);
    let mut cur = RequestsTable::new(&ctx);
    for i in 0..n {
        if cuts.contains(&i) {
            acc.merge(std::mem::replace(&mut cur, RequestsTable::new(&ctx)));
        }
        let line = Line {
            loc: Location {
                file: 0,
                line: u64::from(i) + 1,
            },
            text: "{}",
        };
        cur.observe(&rec(i), &line);
    }
    acc.merge(cur);
    acc.finish().unwrap()
}

fn strings(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    let s = df
        .column(name)
        .unwrap()
        .as_materialized_series()
        .cast(&DataType::String)
        .unwrap();
    s.str()
        .unwrap()
        .iter()
        .map(|v| v.map(String::from))
        .collect()
}

#[test]
fn schema_matches_the_documented_columns() {
    let df = fold(3, &[]);
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    let documented: Vec<&str> = Col::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(names, documented);
    let dtype = |n: &str| df.column(n).unwrap().dtype().clone();
    assert_eq!(
        dtype("ts"),
        DataType::Datetime(TimeUnit::Microseconds, None)
    );
    assert_eq!(dtype("status"), DataType::Int32);
    assert_eq!(dtype("tokens_in"), DataType::Int64);
    assert_eq!(dtype("success"), DataType::Boolean);
    assert_eq!(dtype("date"), DataType::Date);
    for c in Col::ALL.into_iter().filter(|c| c.is_categorical()) {
        assert!(
            matches!(dtype(c.name()), DataType::Categorical(_, _)),
            "{c:?}"
        );
    }
    assert_eq!(RequestsTable::empty_frame().unwrap().schema(), df.schema());
}

#[test]
fn values_follow_the_records() {
    let df = fold(6, &[]);
    assert_eq!(df.height(), 6);
    assert_eq!(
        strings(&df, "model")[..3],
        [
            Some("gpt-4o".into()),
            Some("claude-sonnet-4".into()),
            Some("gpt-4o-mini".into())
        ]
    );
    assert_eq!(strings(&df, "tenant")[0], None);
    assert_eq!(strings(&df, "request_id")[2], Some("r\u{e9}q".into()));
    let latency: Vec<Option<f64>> = df
        .column("latency_ms")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(latency[..3], [Some(0.0), None, Some(200.0)]);
    let cost: Vec<Option<f64>> = df
        .column("cost_usd")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(cost[2..4], [Some(0.25), None], "unpriced cost is null");
    assert_eq!(strings(&df, "cost_source")[3], Some("unpriced".into()));
    let reasons = strings(&df, "reasons");
    assert_eq!(reasons[0], Some(String::new()));
    assert_eq!(reasons[2], Some("error".into()));
    assert_eq!(reasons[4], Some("low_confidence;negative_feedback".into()));
    assert_eq!(
        strings(&df, "error_type")[2],
        Some("upstream_timeout".into())
    );
    assert_eq!(strings(&df, "error_type")[0], None);
    assert_eq!(strings(&df, "pii_types")[0], Some(String::new()));
    assert_eq!(strings(&df, "file")[5], Some("a.jsonl".into()));
    let success: Vec<Option<bool>> = df
        .column("success")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(success[..3], [Some(true), Some(true), Some(false)]);
    // 23:00 on the 23rd plus one hour is the 24th; record 5 has no timestamp.
    let dates = strings(&df, "date");
    assert_eq!(dates[0], Some("2026-11-23".into()));
    assert_eq!(dates[1], Some("2026-11-24".into()));
    assert_eq!(dates[5], None);
    let lines: Vec<Option<i64>> = df.column("line").unwrap().i64().unwrap().iter().collect();
    assert_eq!(lines[5], Some(6));
}

#[test]
fn any_chunking_gives_the_same_table() {
    let one = fold(40, &[]);
    for cuts in [vec![1], vec![7, 8, 9], vec![13, 26, 39], (1..40).collect()] {
        assert!(fold(40, &cuts).equals_missing(&one), "cuts {cuts:?}");
    }
}

#[test]
fn pii_hook_tags_every_row_of_the_line_only() {
    let ctx = TableContext::new(
        &["a".to_string(), "b".to_string()],
        FailureRules::default(),
        ColumnSet::all(),
    );
    let mut t = RequestsTable::new(&ctx);
    let at = |file, line| Line {
        loc: Location { file, line },
        text: "{}",
    };
    t.observe(&rec(0), &at(0, 1));
    t.observe(&rec(1), &at(1, 1));
    // Two records from one line (as OTel span batches produce).
    t.observe(&rec(2), &at(1, 2));
    t.observe(&rec(3), &at(1, 2));
    t.set_pii_types(at(1, 2).loc, "EMAIL_ADDRESS;US_SSN");
    t.set_pii_types(at(0, 1).loc, "JWT");
    let df = t.finish().unwrap();
    assert_eq!(
        strings(&df, "pii_types"),
        [
            Some(String::new()),
            Some(String::new()),
            Some("EMAIL_ADDRESS;US_SSN".into()),
            Some("EMAIL_ADDRESS;US_SSN".into())
        ]
    );
}

#[test]
fn builds_only_the_asked_columns() {
    let ctx = TableContext::new(
        &["a.jsonl".to_string()],
        FailureRules::default(),
        ColumnSet::none().with(Col::Date).with(Col::Model),
    );
    let mut t = RequestsTable::new(&ctx);
    for i in 0..6 {
        let line = Line {
            loc: Location {
                file: 0,
                line: i + 1,
            },
            text: "{}",
        };
        t.observe(&rec(i as u32), &line);
    }
    t.set_pii_types(Location { file: 0, line: 6 }, "JWT");
    let df = t.finish().unwrap();
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["model", "date"]);
    assert_eq!(df.height(), 6);
    assert!(df.equals_missing(&fold(6, &[]).select(["model", "date"]).unwrap()));
}

#[test]
fn memory_per_row_stays_small() {
    let df = fold(3000, &[]);
    let per_row = df.estimated_size() / df.height();
    assert!(per_row < 200, "{per_row} bytes per row");
}
