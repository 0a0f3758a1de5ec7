//! `logwarden review` on generated logs: the exact case set of a week (computed here
//! independently from the JSONL), clusters of the planted recurring templates, no planted PII
//! in any file written, excerpts cut on character boundaries, and bad usage.

use crate::util::{csv_header, csv_rows, Env};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Epoch milliseconds of a generated `ts` (RFC 3339 with any offset, or epoch milliseconds).
fn ts_millis(v: &serde_json::Value) -> i64 {
    if let Some(n) = v.as_i64() {
        return n;
    }
    let s = v.as_str().expect("ts is a string or a number");
    let num = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
    let days = days_from_civil(num(0, 4), num(5, 7), num(8, 10));
    let mut ms = ((days * 24 + num(11, 13)) * 60 + num(14, 16)) * 60_000 + num(17, 19) * 1000;
    let rest = &s[19..];
    let (frac, zone) = match rest.strip_prefix('.') {
        Some(r) => {
            let end = r.find(|c: char| !c.is_ascii_digit()).unwrap();
            (&r[..end], &r[end..])
        }
        None => ("", rest),
    };
    if !frac.is_empty() {
        ms += format!("{frac:0<3}")[..3].parse::<i64>().unwrap();
    }
    if zone != "Z" {
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let off = zone[1..3].parse::<i64>().unwrap() * 60 + zone[4..6].parse::<i64>().unwrap();
        ms -= sign * off * 60_000;
    }
    ms
}

/// ISO week label of epoch milliseconds.
fn iso_week(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let weekday = (days + 3).rem_euclid(7); // Monday = 0
    let thursday = days - weekday + 3;
    // Year of the Thursday: find it by stepping from an estimate.
    let mut year = 1970 + thursday.div_euclid(365);
    while days_from_civil(year, 1, 1) > thursday {
        year -= 1;
    }
    while days_from_civil(year + 1, 1, 1) <= thursday {
        year += 1;
    }
    let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
    format!("{year}-W{week:02}")
}

/// One generated record, as this test reads it.
struct Rec {
    id: String,
    week: String,
    low: bool,
    negative: bool,
    failed: bool,
    prompt: String,
}

fn read_jsonl(text: &str) -> Vec<Rec> {
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let conf = v.get("confidence").and_then(|c| c.as_f64());
            let rating = v
                .get("feedback")
                .and_then(|f| f.get("rating"))
                .and_then(|r| r.as_f64());
            let status = v["status"].as_i64().unwrap();
            Rec {
                id: v["request_id"].as_str().unwrap().to_string(),
                week: iso_week(ts_millis(&v["ts"])),
                low: conf.is_some_and(|c| c < 0.5),
                negative: rating.is_some_and(|r| r < 0.0),
                failed: !(200..300).contains(&status),
                prompt: v["prompt"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect()
}

fn generate(env: &Env, records: &str) -> Vec<Rec> {
    let r = env.run(&[
        "gen",
        "--records",
        records,
        "--truth",
        "truth.csv",
        "-o",
        "logs.jsonl",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    read_jsonl(&env.read("logs.jsonl"))
}

#[test]
fn cases_of_a_week_are_exactly_the_low_confidence_and_negative_requests() {
    let env = Env::new();
    let recs = generate(&env, "20000");
    for week in ["2026-W44", "2026-W46", "2026-W47"] {
        let r = env.run(&["review", "logs.jsonl", "--week", week, "-o", week]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let text = env.read(&format!("{week}/failures.csv"));
        assert_eq!(
            csv_header(&text)[..17],
            [
                "week",
                "ts",
                "request_id",
                "file",
                "line",
                "reasons",
                "category",
                "owner",
                "status",
                "model",
                "version",
                "confidence",
                "rating",
                "cluster",
                "prompt_excerpt",
                "response_excerpt",
                "comment"
            ]
        );
        let rows = csv_rows(&text);
        let got: BTreeMap<String, String> = rows
            .iter()
            .map(|r| (r["request_id"].clone(), r["reasons"].clone()))
            .collect();
        assert_eq!(got.len(), rows.len(), "one row per case");
        let want: BTreeMap<String, String> = recs
            .iter()
            .filter(|x| x.week == week && (x.low || x.negative))
            .map(|x| {
                let mut reasons = Vec::new();
                if x.low {
                    reasons.push("low_confidence");
                }
                if x.negative {
                    reasons.push("negative_feedback");
                }
                (x.id.clone(), reasons.join(";"))
            })
            .collect();
        assert!(want.len() > 100, "{week}: only {} cases", want.len());
        assert_eq!(got, want, "{week}");
        assert!(rows.iter().all(|r| r["week"] == week));
        let ts: Vec<&String> = rows.iter().map(|r| &r["ts"]).collect();
        assert!(ts.windows(2).all(|w| w[0] <= w[1]), "sorted by ts");
        for r in &rows {
            let owner = match r["category"].as_str() {
                "model" => "ML",
                "infra" => "Platform",
                "data" => "Data",
                "ux" => "Product",
                "policy" => "Legal/Compliance",
                other => panic!("category {other}"),
            };
            assert_eq!(r["owner"], owner);
        }
    }

    // --include-errors adds exactly the failed requests.
    let r = env.run(&[
        "review",
        "logs.jsonl",
        "--week",
        "2026-W46",
        "--include-errors",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: BTreeSet<String> = csv_rows(&r.stdout)
        .iter()
        .map(|r| r["request_id"].clone())
        .collect();
    let want: BTreeSet<String> = recs
        .iter()
        .filter(|x| x.week == "2026-W46" && (x.low || x.negative || x.failed))
        .map(|x| x.id.clone())
        .collect();
    assert_eq!(got, want);
}

#[test]
fn default_week_and_thread_independence() {
    let env = Env::new();
    generate(&env, "20000");
    // The generated 28 days end on Sunday 2026-11-22 late in the evening: W47 is complete.
    let a = env.run(&["review", "logs.jsonl", "-o", "a"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert!(a.stderr.contains("2026-W47"), "{}", a.stderr);
    let b = env.run(&["review", "logs.jsonl", "-j", "1", "-o", "b"]);
    let c = env.run(&[
        "review",
        "logs.jsonl",
        "--week",
        "2026-W47",
        "-j",
        "3",
        "-o",
        "c",
    ]);
    assert_eq!(b.code + c.code, 0);
    for f in [
        "failures.csv",
        "failure_clusters.csv",
        "review_wow.csv",
        "review.md",
    ] {
        let a = env.read(&format!("a/{f}"));
        assert_eq!(a, env.read(&format!("b/{f}")), "{f} with -j 1");
        if f != "review.md" {
            assert_eq!(a, env.read(&format!("c/{f}")), "{f} with --week");
        }
    }
    // Without -o, failures.csv goes to stdout.
    let d = env.run(&["review", "logs.jsonl", "-q"]);
    assert_eq!(d.stdout, env.read("a/failures.csv"));
    assert_eq!(d.stderr, "");
}

/// The planted failure templates: for each, its phrasings as regexes of the whole template
/// sentence (variables as wildcards), and markers of which any prompt derived from it holds
/// one, even when a planted value or decoy was pasted into its sentence.
const TEMPLATES: &[(&str, &[&str], &[&str])] = &[
    (
        "password",
        &[
            r"How do I reset my password for account \d+\?",
            r"I forgot my password for account \d+, how can I reset it\?",
            r"The password reset link for account \d+ is not working\. What do I do\?",
        ],
        &["password", "forgot my", "reset link", "passw"],
    ),
    (
        "refund",
        &[
            r"What is your refund policy for order #\d+ placed on \w+ \d+\?",
            r"Can I get a refund for order #\d+\? It arrived damaged\.",
            r"How many days do I have to return order #\d+\?",
        ],
        &["refund", "have to return", "order #"],
    ),
    (
        "citation",
        &[
            r"Can you give me the source for the claim that remote teams ship \d+% faster\?",
            r"Which study says that onboarding emails improve retention by \d+%\? Please cite it\.",
        ],
        &["source for", "the claim", "study says", "cite it"],
    ),
    (
        "cancel",
        &[
            r"Please cancel my subscription to the [\w -]+ plan, customer ID \d+\.",
            r"Cancel the [\w -]+ plan for customer \d+ effective today\.",
        ],
        &[
            "cancel",
            "Cancel",
            "subscription",
            "customer ID",
            "effective today",
        ],
    ),
    (
        "earnings",
        &[
            r"Summarize the Q\d \d{4} earnings report for Globex Industries that I uploaded\.",
            r"What were the key numbers in the Q\d \d{4} earnings report I attached\?",
        ],
        &["earnings", "Globex Industries", "key numbers"],
    ),
    (
        "charge",
        &[
            r"Why was I charged twice on \w+ \d+ for invoice INV-\d+\?",
            r"I see two charges of \$\d+\.\d\d on \w+ \d+\. Invoice INV-\d+\. Please explain\.",
        ],
        &["charged", "charges", "invoice INV-"],
    ),
    (
        "translate",
        &[
            r#"Translate this clause into Japanese, formal register: "The supplier shall deliver within \d+ days\.""#,
            r#"日本語に翻訳してください（丁寧語で）: "Payment is due within \d+ days of invoice\.""#,
        ],
        &[
            "into Japanese",
            "formal register",
            "日本語に",
            "丁寧語",
            "Payment is due",
        ],
    ),
];

/// The template and phrasing whose whole sentence a prompt holds intact, if any.
fn phrasing_of(
    prompt: &str,
    compiled: &[(&'static str, Vec<regex::Regex>)],
) -> Option<(&'static str, usize)> {
    compiled.iter().find_map(|(name, res)| {
        res.iter()
            .position(|re| re.is_match(prompt))
            .map(|i| (*name, i))
    })
}

/// The template a prompt may derive from, intact or not (a planted value may cut its sentence).
fn template_of(prompt: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|(_, _, markers)| markers.iter().any(|m| prompt.contains(m)))
        .map(|t| t.0)
}

#[test]
fn planted_near_duplicates_cluster_together_and_unrelated_apart() {
    let env = Env::new();
    let recs = generate(&env, "20000");
    let r = env.run(&["review", "logs.jsonl", "--week", "2026-W47", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let prompt_of: HashMap<&str, &str> = recs
        .iter()
        .map(|x| (x.id.as_str(), x.prompt.as_str()))
        .collect();
    let compiled: Vec<(&str, Vec<regex::Regex>)> = TEMPLATES
        .iter()
        .map(|(name, res, _)| {
            (
                *name,
                res.iter().map(|r| regex::Regex::new(r).unwrap()).collect(),
            )
        })
        .collect();
    let rows = csv_rows(&env.read("out/failures.csv"));
    // Near-duplicates: most cases of one intact phrasing share one cluster (the rest of a
    // prompt, pasted context of any length, is read too, so a long paste may pull a case
    // away), and that cluster holds the template's cases only: unrelated prompts stay apart.
    let mut clusters_of_phrasing: BTreeMap<(&str, usize), Vec<String>> = BTreeMap::new();
    let mut template_in_cluster: BTreeMap<String, Vec<Option<&str>>> = BTreeMap::new();
    for row in &rows {
        let prompt = prompt_of[row["request_id"].as_str()];
        let cluster = row["cluster"].clone();
        if let Some(p) = phrasing_of(prompt, &compiled) {
            clusters_of_phrasing
                .entry(p)
                .or_default()
                .push(cluster.clone());
        }
        template_in_cluster
            .entry(cluster)
            .or_default()
            .push(template_of(prompt));
    }
    assert!(clusters_of_phrasing.len() >= 14, "{clusters_of_phrasing:?}");
    let intact_cases: usize = clusters_of_phrasing.values().map(Vec::len).sum();
    assert!(intact_cases >= 100, "only {intact_cases} template cases");
    let clusters = csv_rows(&env.read("out/failure_clusters.csv"));
    let by_id: HashMap<&str, &HashMap<String, String>> = clusters
        .iter()
        .map(|c| (c["cluster"].as_str(), c))
        .collect();
    for (phrasing, in_clusters) in &clusters_of_phrasing {
        let mut count: BTreeMap<&String, usize> = BTreeMap::new();
        for c in in_clusters {
            *count.entry(c).or_default() += 1;
        }
        let (main, n) = count.iter().max_by_key(|x| *x.1).unwrap();
        assert!(
            *n * 10 >= in_clusters.len() * 7,
            "{phrasing:?} split over {count:?}"
        );
        let members = &template_in_cluster[*main];
        let same = members.iter().filter(|t| **t == Some(phrasing.0)).count();
        assert!(
            same * 10 >= members.len() * 9,
            "{main} ({phrasing:?}) holds {} other prompts of {}",
            members.len() - same,
            members.len()
        );
        // Templates recur every week, so their clusters have history.
        let c = by_id[main.as_str()];
        let size: u64 = c["size"].parse().unwrap();
        if size >= 5 {
            assert!(c["size_w1"] != "0", "{c:?}");
            assert_ne!(c["status"], "new", "{c:?}");
        }
    }
    let total: u64 = clusters
        .iter()
        .map(|c| c["size"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total as usize, rows.len());
    let sizes: Vec<u64> = clusters
        .iter()
        .map(|c| c["size"].parse().unwrap())
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest first");
    for c in &clusters {
        if c["status"] == "resolved" {
            // A problem of the previous week with no case now: listed with size 0.
            assert_eq!(c["size"], "0");
            assert_ne!(c["size_w1"], "0");
        } else {
            assert!(["new", "recurring", "growing"].contains(&c["status"].as_str()));
            assert!(!c["representative"].is_empty());
        }
        assert!(c["cluster"].starts_with('C'));
    }
}

/// `value` as the page writers escape it.
fn escaped_forms(value: &str) -> Vec<String> {
    let html = value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let mut md = String::new();
    for c in value.chars() {
        if "\\`*_[]|#~".contains(c) {
            md.push('\\');
        }
        md.push(c);
    }
    let csv = value.replace('"', "\"\"");
    vec![value.to_string(), html, md, csv]
}

#[test]
fn no_planted_pii_value_in_any_file_written() {
    let env = Env::new();
    generate(&env, "20000");
    // Every week (and errors too), so every planted record that is a case is written.
    let r = env.run(&[
        "review",
        "logs.jsonl",
        "--since",
        "2026-10-01",
        "--until",
        "2026-12-01",
        "--include-errors",
        "-o",
        "out",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let truth = csv_rows(&env.read("truth.csv"));
    assert!(truth.len() > 300);
    // Names and addresses are found by gazetteers and cues, not validated: the review must not
    // show any that the audit finds, and the audit's misses must stay within its recall target.
    let audit = env.run(&["pii", "logs.jsonl", "-o", "pii", "-q"]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    let found: std::collections::HashSet<(String, String, String)> =
        csv_rows(&env.read("pii/pii_findings.csv"))
            .into_iter()
            .map(|r| (r["line"].clone(), r["field"].clone(), r["pii_type"].clone()))
            .collect();
    let heuristic =
        |t: &HashMap<String, String>| t["pii_type"] == "PERSON" || t["pii_type"] == "ADDRESS";
    let missed = |t: &HashMap<String, String>| {
        heuristic(t)
            && !found.contains(&(t["line"].clone(), t["field"].clone(), t["pii_type"].clone()))
    };
    let planted_heuristic = truth.iter().filter(|t| heuristic(t)).count();
    let missed_heuristic = truth.iter().filter(|t| missed(t)).count();
    assert!(planted_heuristic > 0);
    assert!(
        missed_heuristic * 10 <= planted_heuristic,
        "{missed_heuristic} of {planted_heuristic} names and addresses missed"
    );
    // A missed name may be written (within the recall target above); a found value that is
    // (part of) a missed one (`Lindqvist` found on one line, `Olga Lindqvist` missed on
    // another) is then written as part of it, which says nothing about the found one.
    let missed_values: Vec<String> = truth
        .iter()
        .filter(|t| missed(t))
        .map(|t| t["value"].clone())
        .collect();
    let truth: Vec<_> = truth
        .into_iter()
        .filter(|t| !missed(t))
        .filter(|t| {
            !heuristic(t)
                || !missed_values
                    .iter()
                    .any(|m| m.contains(t["value"].as_str()))
        })
        .collect();
    let mut written = 0;
    for entry in std::fs::read_dir(env.path("out")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        written += text.len();
        for t in &truth {
            for form in escaped_forms(&t["value"]) {
                assert!(
                    !text.contains(&form),
                    "{}: planted {} ({}) found",
                    path.display(),
                    t["pii_type"],
                    t["field"]
                );
            }
        }
    }
    assert!(written > 100_000);
    // The masks are there instead: the recognisable shape of an email address.
    let failures = env.read("out/failures.csv");
    assert!(failures.contains("***@"), "masked emails expected");
}

#[test]
fn excerpts_are_cut_on_character_boundaries() {
    let env = Env::new();
    env.write(
        "logwarden.toml",
        "[review]\nexcerpt_chars = 7\ncomment_chars = 5\n",
    );
    let lines = [
        r#"{"ts":"2026-11-17T10:00:00Z","request_id":"a","status":200,"confidence":0.1,"prompt":"日本語のテキストです🚀🚀","response":"e\u0301e\u0301e\u0301e\u0301e\u0301","feedback":{"rating":-1,"comment":"😀😀😀😀😀😀"}}"#,
        r#"{"ts":"2026-11-17T11:00:00Z","request_id":"b","status":200,"confidence":0.1,"prompt":"short","response":"x\n\n\ty","feedback":{"rating":-1,"comment":"ok"}}"#,
    ];
    env.write("u.jsonl", lines.join("\n"));
    let r = env.run(&["review", "u.jsonl", "--week", "2026-W47"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!(rows[0]["prompt_excerpt"], "日本語のテキス…");
    assert_eq!(rows[0]["response_excerpt"], "e\u{301}e\u{301}e\u{301}e…");
    assert_eq!(rows[0]["comment"], "😀😀😀😀😀…");
    assert_eq!(rows[1]["prompt_excerpt"], "short");
    assert_eq!(rows[1]["response_excerpt"], "x y");
    assert_eq!(rows[1]["comment"], "ok");
}

#[test]
fn pages_are_self_contained() {
    let env = Env::new();
    generate(&env, "6000");
    let r = env.run(&["review", "logs.jsonl", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = env.read("out/review.html");
    assert!(html.starts_with("<!doctype html>") && html.trim_end().ends_with("</html>"));
    for banned in ["<script", "src=", "@import", "url(", "href=\"http", "<link"] {
        assert!(!html.contains(banned), "{banned}");
    }
    // The only URL is the SVG namespace.
    assert_eq!(
        html.matches("http").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
    for part in [
        "<svg",
        "@media print",
        "Owners",
        "Week over week",
        "Cases to read first",
    ] {
        assert!(html.contains(part), "{part}");
    }
    let md = env.read("out/review.md");
    assert!(md.starts_with("# Failure review 2026-W47"));
    assert!(md.contains("## Owners") && md.contains("## Clusters"));
    let wow = csv_rows(&env.read("out/review_wow.csv"));
    let all_cases = wow
        .iter()
        .find(|w| w["dimension"] == "all" && w["metric"] == "cases")
        .unwrap();
    let failures = csv_rows(&env.read("out/failures.csv"));
    assert_eq!(all_cases["current"], failures.len().to_string());
    for w in &wow {
        for col in ["rate", "previous_rate"] {
            if !w[col].is_empty() {
                let x: f64 = w[col].parse().unwrap();
                assert!((0.0..=1.0).contains(&x), "{col}={x}");
            }
        }
    }
}

#[test]
fn bad_usage_and_config_exit_2() {
    let env = Env::new();
    env.write(
        "l.jsonl",
        "{\"ts\":\"2026-11-17T10:00:00Z\",\"confidence\":0.1}\n",
    );
    for args in [
        vec!["review", "l.jsonl", "--week", "2026-W60"],
        vec![
            "review",
            "l.jsonl",
            "--week",
            "2026-W47",
            "--since",
            "2026-11-01",
        ],
        vec![
            "review",
            "l.jsonl",
            "--since",
            "2026-11-10",
            "--until",
            "2026-11-01",
        ],
    ] {
        let r = env.run(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains("--"), "{}", r.stderr);
    }
    env.write(
        "bad.toml",
        "[review]\nmin_confidence = 0.4\n[[review.rules]]\ncategory = \"infra\"\nstatus = [\"5x\"]\n",
    );
    let r = env.run(&["review", "l.jsonl", "--config", "bad.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.toml:3:") && r.stderr.contains("5x"),
        "{}",
        r.stderr
    );
    // A record without a timestamp is left out and counted; no panic on odd input.
    env.write("odd.jsonl", "{\"confidence\":0.1}\n{\"ts\":\"2026-11-17T10:00:00Z\",\"confidence\":0.2,\"metadata\":\"not an object\",\"error\":\"boom\"}\n");
    let r = env.run(&["review", "odd.jsonl", "--include-errors"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("left out 1 record without a timestamp"),
        "{}",
        r.stderr
    );
    assert_eq!(csv_rows(&r.stdout).len(), 1);
    let r = env.run(&["review", "-q", "odd.jsonl", "-o", "odd"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(env
        .read("odd/review.md")
        .contains("1 record without a timestamp is left out."));
    assert!(env
        .read("odd/review.html")
        .contains("1 record without a timestamp could not be placed in a week and is left out."));
}
