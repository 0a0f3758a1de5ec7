//! The bad-input policy: skipped lines counted by reason, exit 2 with one line naming the file,
//! never a panic.

use crate::util::{csv_rows, Env};

#[test]
fn no_input_is_a_usage_error() {
    let env = Env::new();
    let run = env.run(&["sli"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "logwarden: error: the following required arguments were not provided: <INPUT>... \
         (see 'logwarden sli --help')\n"
    );
}

#[test]
fn usage_errors_are_one_line_and_help_is_not_an_error() {
    let env = Env::new();
    for (args, names) in [
        (&["query", "x.jsonl", "-e", "1"][..], "'-e'"),
        (&["sli", "--threads", "abc", "x.jsonl"][..], "'abc'"),
        (&["nope"][..], "'nope'"),
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("logwarden: error: "),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(names), "{}", run.stderr);
        assert!(run.stderr.contains("--help')"), "{}", run.stderr);
    }
    for args in [&["--help"][..], &["sli", "--help"][..], &["--version"][..]] {
        let run = env.run(args);
        assert_eq!(run.code, 0, "{args:?}");
        assert!(run.stderr.is_empty() && !run.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn missing_file_exit_2_one_line() {
    let env = Env::new();
    let run = env.run(&["sli", "nope.jsonl"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("nope.jsonl"), "{}", run.stderr);
}

/// A directory without log files is like a glob matching nothing: exit 2, not an empty report
/// that looks like a quiet day.
#[test]
fn directory_without_logs_exit_2() {
    let env = Env::new();
    env.write("logs/readme.txt", "not a log");
    let run = env.run(&["sli", "logs"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("logs: no log files"), "{}", run.stderr);
}

/// A corrupt compressed file: exit 2, one line naming it, the cause said once.
#[test]
fn corrupt_compressed_input_one_line() {
    let env = Env::new();
    env.write("a.jsonl.zst", "not zstd at all");
    env.write("b.jsonl.gz", [0x1f, 0x8b, 0x08, 0x00, 0x00]);
    for name in ["a.jsonl.zst", "b.jsonl.gz"] {
        let run = env.run(&["pii", name, "-q"]);
        assert_eq!(run.code, 2, "{name}");
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        let line = run.stderr.trim();
        assert!(
            line.starts_with(&format!("logwarden: error: {name}: ")),
            "{line}"
        );
        let cause = line.rsplit(": ").next().unwrap();
        assert_eq!(line.matches(cause).count(), 1, "cause repeated: {line}");
    }
}

#[test]
fn unwritable_output_exit_2_and_old_report_kept() {
    let env = Env::new();
    let input = env.fixture("sli_basic.jsonl");
    env.write("blocker", "a file where a directory should be");
    let run = env.run(&["sli", &input, "-o", "blocker/out", "-q"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("blocker"), "{}", run.stderr);
}

#[test]
fn strict_names_first_bad_line() {
    let env = Env::new();
    let input = env.fixture("sli_basic.jsonl");
    let run = env.run(&["sli", &input, "--strict", "-o", "out"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("sli_basic.jsonl:11: invalid JSON"),
        "{}",
        run.stderr
    );
    assert!(
        !env.path("out/sli.csv").exists(),
        "a failed run writes no report"
    );
}

#[test]
fn hostile_lines_are_skipped_not_fatal() {
    let env = Env::new();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200,\"latency_ms\":1}\n");
    // 20 MB line of a valid string.
    bytes.extend_from_slice(
        b"{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200,\"latency_ms\":2,\"prompt\":\"",
    );
    bytes.extend(std::iter::repeat_n(b'a', 20 << 20));
    bytes.extend_from_slice(b"\"}\n");
    bytes.extend_from_slice(b"{\"a\":\"nul\x00byte\"}\n");
    bytes.extend_from_slice(b"{\"a\":\"\xff\xfe bad utf8\"}\n");
    bytes.extend_from_slice(b"{\"a\":");
    bytes.extend(std::iter::repeat_n(b'[', 100_000));
    bytes.extend(std::iter::repeat_n(b']', 100_000));
    bytes.extend_from_slice(b"}\n");
    bytes.extend(std::iter::repeat_n(b'{', 100_000));
    bytes.extend_from_slice(b"\n\x00\x00\x00\n");
    bytes.extend_from_slice(b"{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200,\"latency_ms\":3");
    let input = env.write("hostile.jsonl", &bytes);
    let run = env.run(&[
        "sli",
        "--by",
        "day",
        &input,
        "-o",
        "out",
        "--min-readable",
        "0",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&env.read("out/sli.csv"));
    assert_eq!(rows[0]["requests"], "2");
    let skipped = csv_rows(&env.read("out/skipped.csv"));
    let reasons: Vec<&str> = skipped.iter().map(|r| r["reason"].as_str()).collect();
    assert_eq!(
        reasons,
        [
            "invalid JSON",
            "invalid UTF-8",
            "invalid JSON",
            "invalid JSON",
            "invalid JSON"
        ]
    );
    // A line over --max-line-bytes is skipped and counted.
    let run = env.run(&[
        "sli",
        "--by",
        "day",
        &input,
        "--max-line-bytes",
        "1000000",
        "-q",
        "--min-readable",
        "0",
    ]);
    assert_eq!(csv_rows(&run.stdout)[0]["requests"], "1");
}
