//! Unit tests of the review fold: which requests are cases, the default week, history and
//! trend windows, and results that do not depend on how the input was chunked.

use super::*;
use crate::analysis::Line;
use crate::pii::PiiConfig;
use crate::record::format::{Format, FormatKind};
use crate::record::time::{parse_rfc3339, Micros, DAY_SECS};

fn options(selection: Selection, include_errors: bool) -> Arc<ReviewOptions> {
    Arc::new(ReviewOptions {
        config: ReviewConfig::default(),
        owners: Owners::default(),
        selection,
        include_errors,
        masker: Masker::new(&PiiConfig::default()).unwrap(),
        memo: None,
    })
}

/// One native line; `extra` is spliced in as more JSON members.
fn line(ts: &str, id: &str, extra: &str) -> String {
    format!(
        r#"{{"ts":"{ts}","request_id":"{id}","status":200,"model":"m1","version":"v1"{extra}}}"#
    )
}

/// Folds `lines` cut into chunks at `cuts` (indices), merged in order, as the scan does.
fn fold(opts: &Arc<ReviewOptions>, lines: &[String], cuts: &[usize]) -> ReviewReport {
    let format = Format::new(FormatKind::Native, &[]);
    let mut bounds = vec![0];
    bounds.extend(cuts.iter().copied().filter(|&c| c > 0 && c < lines.len()));
    bounds.push(lines.len());
    let mut acc: Option<Review> = None;
    for w in bounds.windows(2) {
        let mut part = Review::new(opts.clone());
        for (i, text) in lines.iter().enumerate().take(w[1]).skip(w[0]) {
            let rec = format.parse(text.as_bytes()).expect("test lines parse");
            let l = Line {
                loc: Location {
                    file: 0,
                    line: i as u64 + 1,
                },
                text,
            };
            part.observe(&rec, &l);
        }
        match acc.as_mut() {
            None => acc = Some(part),
            Some(a) => a.merge(part),
        }
    }
    acc.expect("at least one chunk").finish()
}

fn ids(r: &ReviewReport) -> Vec<String> {
    r.cases.iter().map(|c| c.request_id.clone()).collect()
}

#[test]
fn which_requests_are_cases() {
    let lines = vec![
        line("2026-11-16T01:00:00Z", "low", r#","confidence":0.49"#),
        line("2026-11-16T02:00:00Z", "edge", r#","confidence":0.5"#),
        line("2026-11-16T03:00:00Z", "null", r#","confidence":null"#),
        line(
            "2026-11-16T04:00:00Z",
            "neg",
            r#","feedback":{"rating":-1,"comment":"bad"}"#,
        ),
        line(
            "2026-11-16T05:00:00Z",
            "zero",
            r#","feedback":{"rating":0}"#,
        ),
        line(
            "2026-11-16T06:00:00Z",
            "nocomment",
            r#","feedback":{"comment":"meh"}"#,
        ),
        line(
            "2026-11-16T07:00:00Z",
            "both",
            r#","confidence":0.1,"feedback":{"rating":-1}"#,
        ),
        line("2026-11-16T08:00:00Z", "fail", r#","status":503"#).replace(r#""status":200,"#, ""),
        line(
            "2026-11-16T08:30:00+02:00",
            "offset",
            r#","confidence":0.2"#,
        ),
        line("2026-11-15T23:59:59Z", "before", r#","confidence":0.2"#),
        line("2026-11-23T00:00:00Z", "after", r#","confidence":0.2"#),
    ];
    let week = crate::bucket::parse_iso_week("2026-W47").unwrap();
    let opts = options(Selection::Week(Micros::from_secs(week)), false);
    let r = fold(&opts, &lines, &[]);
    assert_eq!(ids(&r), ["low", "neg", "offset", "both"]);
    let reasons: Vec<String> = r
        .cases
        .iter()
        .map(|c| c.reasons.label().to_string())
        .collect();
    assert_eq!(
        reasons,
        [
            "low_confidence",
            "negative_feedback",
            "low_confidence",
            "low_confidence;negative_feedback"
        ]
    );
    assert_eq!(r.period_label, "2026-W47");
    assert_eq!(r.current.requests, 9);
    assert_eq!(r.previous.requests, 1);
    assert_eq!(r.previous.cases, 1);

    let with_errors = fold(
        &options(Selection::Week(Micros::from_secs(week)), true),
        &lines,
        &[],
    );
    assert_eq!(ids(&with_errors), ["low", "neg", "offset", "both", "fail"]);
    assert_eq!(with_errors.cases[4].reasons.label(), "error");
    assert_eq!(with_errors.cases[4].category, Category::Infra);
}

#[test]
fn default_week_is_the_last_complete_one() {
    let mut lines = Vec::new();
    // W46 and W47 complete (data into Sunday's last hour of W47); W48 has two days only.
    for day in 9..=24 {
        lines.push(line(
            &format!("2026-11-{day:02}T10:00:00Z"),
            &format!("d{day:02}"),
            r#","confidence":0.1"#,
        ));
    }
    lines.push(line("2026-11-22T23:30:00Z", "late", r#","confidence":0.9"#));
    let r = fold(&options(Selection::LatestWeek, false), &lines, &[]);
    assert_eq!(r.period_label, "2026-W47");
    assert_eq!(
        ids(&r),
        (16..=22).map(|d| format!("d{d:02}")).collect::<Vec<_>>()
    );
    // Without W48 and without the last hour of W47, W46 is the last complete week.
    let short: Vec<String> = lines
        .iter()
        .filter(|l| !l.contains("2026-11-23") && !l.contains("2026-11-24") && !l.contains("late"))
        .cloned()
        .collect();
    let r = fold(&options(Selection::LatestWeek, false), &short, &[]);
    assert_eq!(r.period_label, "2026-W46");
    assert_eq!(
        ids(&r),
        (9..=15).map(|d| format!("d{d:02}")).collect::<Vec<_>>()
    );
    assert!(r.complete);
    assert_eq!(r.trend.last().unwrap().tally.cases, 7);
}

#[test]
fn no_data_is_no_panic() {
    let r = fold(&options(Selection::LatestWeek, false), &[], &[]);
    assert!(!r.has_data && r.cases.is_empty() && r.clusters.is_empty());
    let html = crate::report::review_html::render(&r, &[]);
    assert!(html.contains("no week to review"));
}

/// Weeks of recurring and one-off failures over ten weeks.
fn ten_weeks() -> Vec<String> {
    let mut lines = Vec::new();
    for week in 0..10 {
        for k in 0..(3 + week) {
            let day = 2 + (k % 5);
            let ts = format!("2026-{}T1{}:00:00Z", date(week * 7 + day), k % 10);
            lines.push(line(
                &ts,
                &format!("w{week}k{k}"),
                &format!(
                    r#","confidence":0.2,"prompt":"How do I reset my password for account {}?""#,
                    1000 + k
                ),
            ));
            if k % 3 == 0 {
                lines.push(line(
                    &ts,
                    &format!("w{week}o{k}"),
                    &format!(
                        r#","feedback":{{"rating":-1,"comment":"x"}},"prompt":"Unique q{w} r{w} s{w}""#,
                        w = letters(week * 100 + k)
                    ),
                ));
            }
        }
        lines.push(line(
            &format!("2026-{}T12:00:00Z", date(week * 7 + 1)),
            &format!("w{week}ok"),
            r#","confidence":0.9"#,
        ));
    }
    lines
}

/// A word of letters only, distinct for each `n`.
fn letters(mut n: usize) -> String {
    let mut s = String::new();
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}

/// `MM-DD` of day `n` after 2026-09-06 (a Sunday), so day 1 is a Monday.
fn date(n: usize) -> String {
    let sunday = parse_rfc3339("2026-09-06T00:00:00Z").unwrap().secs();
    period::day_label(Micros::from_secs(sunday + n as i64 * DAY_SECS))[5..].to_string()
}

#[test]
fn history_trend_and_chunking() {
    let lines = ten_weeks();
    let opts = options(Selection::LatestWeek, false);
    let whole = fold(&opts, &lines, &[]);
    // The last week (10th) has no Sunday evening: the 9th is the last complete one.
    assert_eq!(whole.trend.len(), 8);
    let password = &whole.clusters[0];
    assert_eq!(password.size, 11);
    assert_eq!(password.history, [10, 9, 8, 7]);
    // 11 against a mean of 8.5: more, but not growth by the Poisson test.
    assert_eq!(password.status, report::ClusterStatus::Recurring);
    assert!(password
        .representative
        .starts_with("How do I reset my password"));
    assert!(whole.clusters[1..]
        .iter()
        .all(|c| c.size == 1 && c.status == report::ClusterStatus::New));
    let trend: Vec<u64> = whole.trend.iter().map(|p| p.tally.cases).collect();
    assert_eq!(
        trend,
        [4 + 2, 5 + 2, 6 + 2, 7 + 3, 8 + 3, 9 + 3, 10 + 4, 11 + 4]
    );

    // Any chunking, including chunks that start with older weeks, gives the same report.
    let mut shuffled = lines.clone();
    shuffled.reverse();
    for (input, cuts) in [
        (&lines, vec![1, 2, 50]),
        (&lines, (1..lines.len()).collect::<Vec<_>>()),
        (&shuffled, vec![7, 30, 31, 90]),
    ] {
        let r = fold(&opts, input, &cuts);
        let mut got = ids(&r);
        let mut want = ids(&whole);
        if std::ptr::eq(input, &shuffled) {
            got.sort();
            want.sort();
        }
        assert_eq!(got, want);
        let summary = |r: &ReviewReport| -> Vec<(u64, [u64; 4], &'static str)> {
            r.clusters
                .iter()
                .map(|c| (c.size, c.history, c.status.name()))
                .collect()
        };
        assert_eq!(summary(&r), summary(&whole));
        let t: Vec<u64> = r.trend.iter().map(|p| p.tally.requests).collect();
        let tw: Vec<u64> = whole.trend.iter().map(|p| p.tally.requests).collect();
        assert_eq!(t, tw);
    }
}

#[test]
fn memory_stays_with_the_recent_weeks() {
    let lines = ten_weeks();
    let opts = options(Selection::LatestWeek, false);
    let format = Format::new(FormatKind::Native, &[]);
    let mut acc = Review::new(opts);
    for (i, text) in lines.iter().enumerate() {
        let rec = format.parse(text.as_bytes()).unwrap();
        let l = Line {
            loc: Location {
                file: 0,
                line: i as u64 + 1,
            },
            text,
        };
        acc.observe(&rec, &l);
    }
    let latest = acc.latest.unwrap();
    assert!(acc.cases.iter().all(|c| c.period >= latest - 1));
    assert!(acc
        .past
        .iter()
        .all(|p| p.period >= latest - 1 - HISTORY_PERIODS));
    assert!(acc
        .counts
        .iter()
        .all(|(k, _)| k.period >= latest - TREND_PERIODS));
}

#[test]
fn excerpts_and_ids_are_masked() {
    let lines = vec![line(
        "2026-11-16T01:00:00Z",
        "req-bob@corp.io",
        r#","confidence":0.1,"prompt":"card 4111 1111 1111 1111 for jane.roe@corp.io","response":"call +1 415 555 0132","feedback":{"rating":-1,"comment":"my ssn is 123-45-6789"},"error":{"type":"x","message":"token ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3sXy"}"#,
    )];
    let week = crate::bucket::parse_iso_week("2026-W47").unwrap();
    let r = fold(
        &options(Selection::Week(Micros::from_secs(week)), false),
        &lines,
        &[],
    );
    let c = &r.cases[0];
    let all = format!(
        "{} {} {} {} {} {}",
        c.request_id,
        c.prompt_excerpt,
        c.response_excerpt,
        c.comment,
        c.error,
        r.clusters[0].representative
    );
    for raw in [
        "bob@corp.io",
        "4111 1111 1111 1111",
        "jane.roe@corp.io",
        "415 555 0132",
        "123-45-6789",
        "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3sXy",
    ] {
        assert!(!all.contains(raw), "{raw} in {all}");
    }
    assert!(
        c.prompt_excerpt.contains("j***@corp.io"),
        "{}",
        c.prompt_excerpt
    );
}

/// A negative-feedback case at `ts` with `prompt` (JSON-escaped here).
fn case(ts: &str, id: &str, prompt: &str) -> String {
    line(
        ts,
        id,
        &format!(
            r#","feedback":{{"rating":-1}},"prompt":{}"#,
            serde_json::to_string(prompt).unwrap()
        ),
    )
}

/// The cluster id of each request.
fn cluster_of(r: &ReviewReport) -> HashMap<String, String> {
    r.cases
        .iter()
        .map(|c| (c.request_id.clone(), r.clusters[c.cluster].id.clone()))
        .collect()
}

use std::collections::HashMap;

const PROBLEMS: [[&str; 3]; 4] = [
    [
        "What do I do if my PIN was blocked?",
        "My PIN is blocked, how do I unblock it?",
        "my pin got blocked after three tries",
    ],
    [
        "set an alarm to wake me up at 6am",
        "wake me up at seven with an alarm",
        "please set my alarm for tomorrow morning",
    ],
    [
        "what is the weather in Paris today",
        "will it rain in Paris, weather forecast please",
        "weather today in paris?",
    ],
    [
        "order a large pizza from Luigi's",
        "I want to order pizza for delivery",
        "can you order me a pizza",
    ],
];

#[test]
fn boilerplate_shared_by_unrelated_cases_does_not_join_them() {
    let wrappers = [
        "Hi Maria,\nHope you are doing well.\n{}\n\nBest regards,\nJohn Smith\nAcme Corp | Phone: +1 415 555 0132",
        "{}\n\n> On Sat, Oct 31, Support wrote:\n> Thank you for contacting us. Could you share more details?",
        "Dear Support Team,\n{}\nThis email and any attachments are confidential and intended solely for the addressee.",
        "{}. This email and any attachments are confidential and intended solely for the addressee.",
    ];
    let mut lines = Vec::new();
    for (p, texts) in PROBLEMS.iter().enumerate() {
        for (k, t) in texts.iter().enumerate() {
            for (w, wrap) in wrappers.iter().enumerate() {
                lines.push(case(
                    &format!("2026-11-1{}T10:00:00Z", 6 + k),
                    &format!("p{p}k{k}w{w}"),
                    &wrap.replace("{}", t),
                ));
            }
        }
    }
    let r = fold(
        &options(
            Selection::Week(parse_rfc3339("2026-11-16T00:00:00Z").unwrap()),
            false,
        ),
        &lines,
        &[],
    );
    let of = cluster_of(&r);
    for p in 0..PROBLEMS.len() {
        for q in 0..PROBLEMS.len() {
            if p == q {
                continue;
            }
            for (a, b) in of
                .iter()
                .filter(|(id, _)| id.starts_with(&format!("p{p}")))
                .flat_map(|x| {
                    of.iter()
                        .filter(move |(id, _)| id.starts_with(&format!("p{q}")))
                        .map(move |y| (x, y))
                })
            {
                assert_ne!(a.1, b.1, "{} and {} share a cluster", a.0, b.0);
            }
        }
    }
    // Paraphrases of one problem join, whatever wraps them.
    for p in 0..PROBLEMS.len() {
        let ids: std::collections::BTreeSet<&String> = of
            .iter()
            .filter(|(id, _)| id.starts_with(&format!("p{p}")))
            .map(|x| x.1)
            .collect();
        assert_eq!(ids.len(), 1, "problem {p} split over {ids:?}");
    }
    // Labels name the problem, never the boilerplate or a contact value.
    for c in r.current_clusters() {
        for w in ["regards", "confidential", "support", "maria", "415", "hope"] {
            assert!(!c.label.contains(w), "{}", c.label);
        }
    }
}

/// Weekly cases of four problems: `steady` every week, `new` only in the reviewed week,
/// `growing` 2, 3, 4, 6 then 20 cases, `gone` in the weeks before only.
fn planted_history(weeks: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut n = 0;
    let mut push = |lines: &mut Vec<String>, week: usize, p: usize, count: usize| {
        for k in 0..count {
            let ts = format!("2026-{}T1{}:00:00Z", date(week * 7 + 1 + k % 6), k % 10);
            lines.push(case(&ts, &format!("w{week}p{p}n{n}"), PROBLEMS[p][k % 3]));
            n += 1;
        }
    };
    for week in 0..weeks {
        push(&mut lines, week, 0, 6);
        if week == 4 {
            push(&mut lines, week, 1, 8);
        }
        push(&mut lines, week, 2, [2, 3, 4, 6, 20, 20][week]);
        if week < 4 {
            push(&mut lines, week, 3, 5);
        }
    }
    lines
}

#[test]
fn new_growing_recurring_and_resolved_on_a_planted_history() {
    let lines = planted_history(5);
    // Week 4 (0-based) starts on day 29 after 2026-09-06: 2026-10-05, ISO week 41.
    let monday = parse_rfc3339(&format!("2026-{}T00:00:00Z", date(29))).unwrap();
    let r = fold(&options(Selection::Week(monday), false), &lines, &[]);
    let status_of = |prefix: &str| {
        let c = r
            .cases
            .iter()
            .find(|c| {
                c.request_id.starts_with(prefix)
                    && c.request_id.contains(&format!("p{}", &prefix[3..]))
            })
            .map(|c| &r.clusters[c.cluster])
            .unwrap();
        (c.status, c.size, c.history)
    };
    assert_eq!(
        status_of("w4p0").0,
        report::ClusterStatus::Recurring,
        "{:?}",
        status_of("w4p0")
    );
    assert_eq!(status_of("w4p1").0, report::ClusterStatus::New);
    let g = status_of("w4p2");
    assert_eq!(g.0, report::ClusterStatus::Growing, "{g:?}");
    assert_eq!(g.2, [6, 4, 3, 2]);
    let gone: Vec<_> = r.resolved_clusters().collect();
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert_eq!(gone[0].size, 0);
    assert_eq!(gone[0].history, [5, 5, 5, 5]);
    assert!(gone[0].label.contains("pizza"), "{}", gone[0].label);

    // 2 -> 3 is not growth: the same history one week earlier.
    let monday3 = parse_rfc3339(&format!("2026-{}T00:00:00Z", date(22))).unwrap();
    let r3 = fold(&options(Selection::Week(monday3), false), &lines, &[]);
    for c in r3.current_clusters() {
        assert_ne!(c.status, report::ClusterStatus::Growing, "{c:?}");
    }
}

#[test]
fn clusters_do_not_depend_on_order_chunking_or_a_later_week() {
    let lines = planted_history(5);
    let monday = parse_rfc3339(&format!("2026-{}T00:00:00Z", date(29))).unwrap();
    let opts = options(Selection::Week(monday), false);
    let base = fold(&opts, &lines, &[]);
    let key = |r: &ReviewReport| {
        let mut v: Vec<(String, String, String, String)> = r
            .cases
            .iter()
            .map(|c| {
                let k = &r.clusters[c.cluster];
                (
                    c.request_id.clone(),
                    k.id.clone(),
                    k.label.clone(),
                    k.status.name().to_string(),
                )
            })
            .collect();
        v.sort();
        let mut gone: Vec<(String, String)> = r
            .resolved_clusters()
            .map(|c| (c.id.clone(), c.label.clone()))
            .collect();
        gone.sort();
        (v, gone)
    };
    let mut reversed = lines.clone();
    reversed.reverse();
    assert_eq!(key(&base), key(&fold(&opts, &reversed, &[])));
    assert_eq!(key(&base), key(&fold(&opts, &lines, &[7, 30, 31, 90])));
    // A later week appended changes nothing about this one.
    let six = planted_history(6);
    assert_eq!(key(&base), key(&fold(&opts, &six, &[])));
    // Reviewing the appended week, the steady and growing problems keep their ids.
    let next = fold(&options(Selection::LatestWeek, false), &six, &[]);
    let id_of = |r: &ReviewReport, p: &str| {
        r.cases
            .iter()
            .find(|c| {
                c.request_id.ends_with(&format!("p{p}n0"))
                    || c.request_id.contains(&format!("p{p}n"))
            })
            .map(|c| r.clusters[c.cluster].id.clone())
            .unwrap()
    };
    assert_eq!(id_of(&base, "0"), id_of(&next, "0"));
    assert_eq!(id_of(&base, "2"), id_of(&next, "2"));
}

#[test]
fn a_cluster_has_one_owner_and_the_owner_table_adds_up() {
    // W47, one cluster about a blocked PIN spanning three categories: three plain negative
    // feedbacks (model), two that also failed with a 503 (infra) and one with an empty
    // retrieval (data); and one cluster about an alarm, both cases failed (infra).
    let pin = PROBLEMS[0];
    let alarm = PROBLEMS[1];
    let failed = |l: String| l.replace("\"status\":200", "\"status\":503");
    let empty_retrieval = |l: String| {
        format!(
            "{},\"metadata\":{{\"retrieval\":{{\"empty\":true}}}}}}",
            &l[..l.len() - 1]
        )
    };
    let lines = vec![
        case("2026-11-16T10:00:00Z", "p1", pin[0]),
        case("2026-11-16T11:00:00Z", "p2", pin[1]),
        case("2026-11-17T10:00:00Z", "p3", pin[2]),
        failed(case("2026-11-17T11:00:00Z", "p4", pin[0])),
        failed(case("2026-11-18T10:00:00Z", "p5", pin[1])),
        empty_retrieval(case("2026-11-18T11:00:00Z", "p6", pin[2])),
        failed(case("2026-11-19T10:00:00Z", "a1", alarm[0])),
        failed(case("2026-11-19T11:00:00Z", "a2", alarm[1])),
        line("2026-11-22T23:30:00Z", "late", r#","confidence":0.9"#),
    ];
    let r = fold(&options(Selection::LatestWeek, false), &lines, &[]);
    assert_eq!(r.period_label, "2026-W47");
    let category: HashMap<String, &str> = r
        .cases
        .iter()
        .map(|c| (c.request_id.clone(), c.category.name()))
        .collect();
    assert_eq!(
        ["p1", "p4", "p6", "a1"].map(|id| category[id]),
        ["model", "infra", "data", "infra"]
    );
    let of = cluster_of(&r);
    assert!(["p2", "p3", "p4", "p5", "p6"]
        .iter()
        .all(|id| of[*id] == of["p1"]));
    assert_ne!(of["a1"], of["p1"]);
    let current: Vec<&report::ClusterSummary> = r.current_clusters().collect();
    assert_eq!(current.len(), 2);
    // The PIN cluster: 3 model, 2 infra, 1 data cases; one owner, its majority's.
    let pin_cluster = current.iter().find(|c| c.id == of["p1"]).unwrap();
    assert_eq!(pin_cluster.top_category, Category::Model);
    assert_eq!(pin_cluster.owner, "ML");
    // The owners table counts every cluster and every case once.
    let rows: Vec<(&str, u64, u64)> = r
        .owners
        .iter()
        .map(|o| (o.owner.as_str(), o.cases, o.clusters))
        .collect();
    assert_eq!(rows, [("ML", 6, 1), ("Platform", 2, 1)]);
    assert_eq!(
        r.owners.iter().map(|o| o.clusters).sum::<u64>(),
        current.len() as u64
    );
    assert_eq!(
        r.owners.iter().map(|o| o.cases).sum::<u64>(),
        r.cases.len() as u64
    );
    // ML's row says which categories its cases are in.
    assert_eq!(
        r.owners[0].by_category,
        [
            (Category::Model, 3),
            (Category::Infra, 2),
            (Category::Data, 1)
        ]
    );
    let md = crate::report::review_md::render(&r, &[]);
    assert!(
        md.contains("| ML | model 3 · infra 2 · data 1 | 6 |"),
        "{md}"
    );
}
