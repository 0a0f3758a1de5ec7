//! `logwarden export`: the day-partitioned dataset (layout, counts, atomic replacement) and its
//! round trip through DuckDB, which must return the same numbers as `logwarden query`.

use crate::saved_queries::saved;
use crate::util::{csv_rows, manifest_dir, missing_tool, python, Env};
use logwarden::record::time::parse_rfc3339;
use polars::prelude::*;
use std::process::Command;

fn read_parquet(path: &std::path::Path) -> DataFrame {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetReader::new(file).finish().unwrap()
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn partitions_by_day_with_the_counts_of_sli() {
    let env = Env::new();
    let run = env.run(&["gen", "--records", "20000", "-o", "logs.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.run(&["export", "logs.jsonl", "-o", "ds"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("20,000 rows in 28 day partitions"),
        "{}",
        run.stderr
    );
    let sli = env.run(&["sli", "--by", "day", "logs.jsonl"]);
    let days = csv_rows(&sli.stdout);
    let mut want: Vec<String> = days
        .iter()
        .map(|r| format!("date={}", r["bucket"]))
        .collect();
    want.extend([
        ".logwarden-output".to_string(),
        "_SUCCESS".to_string(),
        "skipped.csv".to_string(),
    ]);
    want.sort();
    assert_eq!(entries(&env.path("ds")), want);
    for day in &days {
        let dir = env.path(&format!("ds/date={}", day["bucket"]));
        assert_eq!(entries(&dir), ["part-0.parquet"]);
        let df = read_parquet(&dir.join("part-0.parquet"));
        assert_eq!(
            df.height().to_string(),
            day["requests"],
            "{}",
            day["bucket"]
        );
        // The partition key lives in the path only, as Hive layouts expect.
        assert!(df.column("date").is_err());
        assert_eq!(df.width(), 22);
        let lines: Vec<i64> = df
            .column("line")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert!(
            lines.windows(2).all(|w| w[0] < w[1]),
            "input order within a day"
        );
    }
    assert_eq!(env.read("ds/skipped.csv"), "file,line,reason\n");
    let leftovers: Vec<String> = entries(env.dir.path())
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn csv_partitions_null_days_and_replacement() {
    let env = Env::new();
    let input = env.fixture("requests_table.jsonl");
    let run = env.run(&["export", &input, "-o", "ds", "--output-format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        entries(&env.path("ds")),
        [
            ".logwarden-output",
            "_SUCCESS",
            "date=2026-11-23",
            "date=2026-11-24",
            "date=__HIVE_DEFAULT_PARTITION__",
            "skipped.csv"
        ]
    );
    let day = csv_rows(&env.read("ds/date=2026-11-23/part-0.csv"));
    let ids: Vec<&str> = day.iter().map(|r| r["request_id"].as_str()).collect();
    assert_eq!(ids, ["r1", "r\u{e9} 5"]);
    assert!(!day[0].contains_key("date"));
    let undated = csv_rows(&env.read("ds/date=__HIVE_DEFAULT_PARTITION__/part-0.csv"));
    assert_eq!(undated.len(), 1);
    assert_eq!(undated[0]["request_id"], "r4");
    let skipped = csv_rows(&env.read("ds/skipped.csv"));
    assert_eq!(skipped[0]["line"], "5");

    // A second export replaces the first completely.
    let run = env.run(&["export", &input, "-o", "ds", "--until", "2026-11-24"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        entries(&env.path("ds")),
        [
            ".logwarden-output",
            "_SUCCESS",
            "date=2026-11-23",
            "skipped.csv"
        ]
    );
    assert_eq!(entries(&env.path("ds/date=2026-11-23")), ["part-0.parquet"]);
    assert_eq!(entries(env.dir.path()), ["ds", "requests_table.jsonl"]);
}

#[test]
fn refuses_a_foreign_directory_and_needs_output() {
    let env = Env::new();
    let input = env.fixture("requests_table.jsonl");
    env.write("home/notes.txt", "keep");
    let run = env.run(&["export", &input, "-o", "home"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("which logwarden did not write"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("notes.txt"), "{}", run.stderr);
    assert_eq!(env.read("home/notes.txt"), "keep");
    assert_eq!(entries(env.dir.path()), ["home", "requests_table.jsonl"]);
    let run = env.run(&["export", &input]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--output"), "{}", run.stderr);
    let run = env.run(&["export", &input, "-o", "x", "--output-format", "json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("parquet, csv"), "{}", run.stderr);
}

/// Runs each query in DuckDB over the export; prints one JSON object per query.
const DUCKDB_SCRIPT: &str = r#"
import json, sys
try:
    import duckdb
except ImportError as e:
    print("SKIP " + str(e))
    sys.exit(0)
dataset, queries = sys.argv[1], json.load(open(sys.argv[2]))
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute(f"CREATE VIEW requests AS SELECT * FROM read_parquet('{dataset}/*/*.parquet', hive_partitioning = true)")
def cell(v):
    if v is None: return None
    if isinstance(v, bool): return "true" if v else "false"
    if hasattr(v, "isoformat"): return v.isoformat()
    return str(v)
for q in queries:
    rel = con.sql(q)
    print(json.dumps({"columns": rel.columns, "rows": [[cell(v) for v in r] for r in rel.fetchall()]}))
"#;

/// True when two cells hold the same value: equal text, numbers within 1e-9 relative, or the
/// same instant (logwarden writes RFC 3339 with `Z`, DuckDB ISO 8601 without a zone).
fn same_value(ours: &str, theirs: Option<&str>) -> bool {
    let Some(theirs) = theirs else {
        return ours.is_empty();
    };
    if ours == theirs {
        return true;
    }
    if let (Ok(a), Ok(b)) = (ours.parse::<f64>(), theirs.parse::<f64>()) {
        return (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    }
    match (parse_rfc3339(ours), parse_rfc3339(theirs)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

#[test]
fn duckdb_reads_the_export_and_agrees_with_query() {
    let has_duckdb = Command::new(python())
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_duckdb {
        missing_tool("python with the duckdb package (pip install duckdb)");
        return;
    }
    let env = Env::new();
    let run = env.run(&["gen", "--records", "20000", "-o", "logs.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.run(&["export", "logs.jsonl", "-o", "ds"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let mut queries: Vec<String> =
        std::fs::read_dir(format!("{}/queries", manifest_dir().display()))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .map(|p| saved(p.file_stem().unwrap().to_str().unwrap()))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
    queries.sort();
    queries.extend(
        [
            "SELECT tenant, quantile_cont(latency_ms, 0.95) AS p95_ms, count(*) AS n FROM requests WHERE tokens_in > 2000 GROUP BY tenant ORDER BY tenant",
            "SELECT count(*) AS n, count(DISTINCT request_id) AS ids, sum(latency_ms) AS total_ms, min(ts) AS first, max(ts) AS last FROM requests",
            "SELECT * FROM requests ORDER BY file, line LIMIT 50",
            "SELECT date, stage, count(*) AS n FROM requests GROUP BY date, stage ORDER BY date, stage",
            "SELECT date_trunc('week', ts) AS week, date_trunc('month', ts) AS month, count(*) AS n, sum(cost_usd) AS cost FROM requests GROUP BY week, month ORDER BY week, month",
            "SELECT date_trunc('hour', ts) AS hour, count(*) AS n FROM requests WHERE ts >= '2026-11-04' AND ts < '2026-11-05' GROUP BY hour ORDER BY hour",
        ]
        .map(String::from),
    );
    env.write("queries.json", serde_json::to_string(&queries).unwrap());
    env.write("roundtrip.py", DUCKDB_SCRIPT);
    let out = Command::new(python())
        .arg(env.path("roundtrip.py"))
        .arg(env.path("ds"))
        .arg(env.path("queries.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "duckdb: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if let Some(reason) = stdout.strip_prefix("SKIP ") {
        missing_tool(&format!("duckdb ({reason})"));
        return;
    }
    let answers: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), queries.len());
    for (sql, duck) in queries.iter().zip(&answers) {
        let run = env.run(&["query", "-q", "--sql", sql, "logs.jsonl"]);
        assert_eq!(run.code, 0, "{sql}: {}", run.stderr);
        let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let duck_cols: Vec<String> = duck["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        assert_eq!(header, duck_cols, "{sql}");
        let ours: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        let theirs = duck["rows"].as_array().unwrap();
        assert_eq!(ours.len(), theirs.len(), "{sql}");
        assert!(!ours.is_empty(), "{sql}");
        for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
            for (j, (x, y)) in a.iter().zip(b.as_array().unwrap()).enumerate() {
                assert!(
                    same_value(x, y.as_str()),
                    "{sql}\nrow {i}, column {}: logwarden {x:?}, DuckDB {y}",
                    header[j]
                );
            }
        }
    }
}
