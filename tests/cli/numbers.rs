//! Numbers and SQL a new user meets (issue 21 item 7): floats in CSV without summing noise,
//! RFC 3339 literals with a zone in `query`, and a review week outside the data.

use crate::util::{csv_rows, Env};

#[test]
fn csv_floats_print_without_float_noise() {
    let env = Env::new();
    let run = env.run(&["gen", "--records", "3000", "-o", "g.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.run(&["report", "g.jsonl", "-o", "out", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in [
        "sli.csv",
        "cost.csv",
        "slo.csv",
        "cost_forecast.csv",
        "review_wow.csv",
    ] {
        for row in csv_rows(&env.read(&format!("out/{file}"))) {
            for (col, v) in row {
                let Ok(x) = v.parse::<f64>() else { continue };
                let digits = v.trim_start_matches('-').replace('.', "");
                let significant = digits.trim_start_matches('0').trim_end_matches('0');
                assert!(
                    significant.len() <= 12 && !v.contains('e'),
                    "{file} {col} = {v}"
                );
                assert_eq!(x.to_string().parse::<f64>().unwrap(), x);
            }
        }
    }
}

#[test]
fn sql_accepts_rfc3339_literals_with_a_zone() {
    let env = Env::new();
    let input = env.write(
        "a.jsonl",
        concat!(
            r#"{"ts":"2026-11-19T23:30:00Z","status":200}"#,
            "\n",
            r#"{"ts":"2026-11-20T00:30:00Z","status":200}"#,
            "\n",
            r#"{"ts":"2026-11-20T02:00:00Z","status":500}"#,
            "\n"
        ),
    );
    for (lit, want) in [
        ("2026-11-20T00:00:00Z", "2"),
        ("2026-11-20T01:00:00+01:00", "2"),
        ("2026-11-20T03:30:00+02:00", "1"),
        ("2026-11-20", "2"),
    ] {
        let sql = format!("SELECT count(*) AS n FROM requests WHERE ts >= '{lit}'");
        let run = env.run(&["query", "--sql", &sql, &input]);
        assert_eq!(run.code, 0, "{lit}: {}", run.stderr);
        assert_eq!(csv_rows(&run.stdout)[0]["n"], want, "{lit}");
    }
}

#[test]
fn a_review_week_outside_the_data_exits_2_naming_the_range() {
    let env = Env::new();
    let run = env.run(&["gen", "--records", "500", "-o", "g.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.run(&["review", "g.jsonl", "--week", "2027-W01", "-o", "out"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("2027-W01")
            && run.stderr.contains("outside the data")
            && run.stderr.contains("2026-10-26"),
        "{}",
        run.stderr
    );
    assert!(!env.path("out").exists());
    let run = env.run(&["review", "g.jsonl", "--week", "2026-W45", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
