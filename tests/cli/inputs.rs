//! What is read (issue 21 items 1–3, issue 20 items 7, 8, 10): unreadable input fails instead
//! of giving an "all clear", rotated logs are read, files not read are listed with why, each
//! file is read once whatever names reach it, and `--fail-on` takes only what a command acts on.

use crate::util::{csv_rows, Env};

/// `n` generated native records as JSONL.
fn generated(env: &Env, n: u64) -> String {
    let run = env.run(&["gen", "--records", &n.to_string(), "-o", "all.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.read("all.jsonl")
}

/// The total of the `requests` column of `sli --by month` on stdout.
fn requests(run: &crate::util::Run) -> u64 {
    assert_eq!(run.code, 0, "{}", run.stderr);
    csv_rows(&run.stdout)
        .iter()
        .map(|r| r["requests"].parse::<u64>().unwrap())
        .sum()
}

#[test]
fn garbage_input_exits_2_with_one_line_instead_of_an_all_clear() {
    let env = Env::new();
    env.write("g.jsonl", "hello\nnot json\n");
    for cmd in ["report", "pii", "sli", "slo", "cost"] {
        let mut args = vec![cmd, "g.jsonl", "-q"];
        if cmd == "report" {
            args.extend(["-o", "out"]);
        }
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{cmd}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{cmd}: {}", run.stderr);
        assert!(
            run.stderr.contains("only 0 of 2 lines") && run.stderr.contains("2 invalid JSON"),
            "{cmd}: {}",
            run.stderr
        );
    }
    assert!(!env.path("out/index.html").exists());
    // The bar is configurable: 0 accepts anything.
    let run = env.run(&["pii", "g.jsonl", "-q", "--min-readable", "0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.run(&["pii", "g.jsonl", "-q", "--min-readable", "101"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--min-readable"), "{}", run.stderr);
}

#[test]
fn a_minority_of_bad_lines_passes_and_a_majority_fails() {
    let env = Env::new();
    let good = generated(&env, 10);
    let lines: Vec<&str> = good.lines().collect();
    // 4 good of 10 lines: below 50 %.
    let mixed = format!("{}\n{}\n", lines[..4].join("\n"), ["x"; 6].join("\n"));
    env.write("m.jsonl", &mixed);
    let run = env.run(&["sli", "m.jsonl", "-q"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("only 4 of 10 lines"), "{}", run.stderr);
    let run = env.run(&["sli", "m.jsonl", "-q", "--min-readable", "40"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mixed = format!("{}\n{}\n", lines[..6].join("\n"), ["x"; 4].join("\n"));
    env.write("m.jsonl", &mixed);
    let run = env.run(&["sli", "m.jsonl", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_wrong_format_without_timestamps_fails_with_a_format_hint() {
    let env = Env::new();
    generated(&env, 50);
    let run = env.run(&["sli", "--format", "openai-batch", "all.jsonl"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.contains("0 of 50 lines gave a record with a timestamp")
            && last.contains("try --format native"),
        "{}",
        run.stderr
    );
    // The audit needs no timestamp: the same records are read.
    let run = env.run(&["pii", "--format", "openai-batch", "all.jsonl", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn report_pages_show_skipped_lines_and_records_without_timestamp() {
    let env = Env::new();
    let good = generated(&env, 20);
    env.write(
        "logs/a.jsonl",
        format!("{good}not json\n{{\"status\":200,\"prompt\":\"hi\"}}\n"),
    );
    env.write("logs/notes.txt", "not a log\n");
    let run = env.run(&["report", "logs", "-o", "out", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(&env.read("out/summary.json")).unwrap();
    assert_eq!(summary["headline"]["lines"], 22);
    assert_eq!(summary["headline"]["skipped_lines"], 1);
    assert_eq!(summary["headline"]["records_without_ts"], 1);
    assert_eq!(
        summary["not_read"][0]["reason"]
            .as_str()
            .unwrap()
            .split(' ')
            .next(),
        Some("not")
    );
    assert!(summary["not_read"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("notes.txt"));
    let page = env.read("out/index.html");
    let note = summary["input_note"].as_str().unwrap();
    assert!(
        note.contains("skipped 1") && note.contains("1 records without a timestamp"),
        "{note}"
    );
    assert!(page.contains("id=\"input\"") && page.contains("skipped 1 (see skipped.csv)"));
}

/// A directory holding a log and its rotations: numbered, compressed, dated.
fn rotated(env: &Env) -> u64 {
    use std::io::Write;
    let all = generated(env, 4000);
    let lines: Vec<&str> = all.lines().collect();
    let part = |i: usize| lines[i * 1000..(i + 1) * 1000].join("\n") + "\n";
    env.write("rot/requests.jsonl", part(0));
    env.write("rot/requests.jsonl.1", part(1));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(part(2).as_bytes()).unwrap();
    env.write("rot/requests.jsonl.2.gz", gz.finish().unwrap());
    env.write("rot/app.log-20261201", part(3));
    env.write("rot/README.txt", "about these logs\n");
    // A 0-byte .gz (a rotation interrupted) is skipped with a count, not a failed run.
    env.write("rot/requests.jsonl.3.gz", "");
    4000
}

#[test]
fn rotated_logs_are_read_whole_and_files_not_read_are_listed() {
    let env = Env::new();
    let n = rotated(&env);
    let run = env.run(&["sli", "--by", "month", "rot"]);
    assert_eq!(requests(&run), n);
    assert!(
        run.stderr.contains("found but did not read 2 files")
            && run.stderr.contains("README.txt")
            && run.stderr.contains("empty compressed file"),
        "{}",
        run.stderr
    );
    // --exclude and --include choose.
    let run = env.run(&["sli", "--by", "month", "rot", "--exclude", "*.gz"]);
    assert_eq!(requests(&run), 3000);
    assert!(
        run.stderr.contains("excluded by --exclude *.gz"),
        "{}",
        run.stderr
    );
    let run = env.run(&[
        "sli",
        "--by",
        "month",
        "rot",
        "--include",
        "requests.jsonl*",
    ]);
    assert_eq!(requests(&run), 3000);
    let run = env.run(&["sli", "rot", "--include", "*.csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("found 6 other files"), "{}", run.stderr);
}

#[test]
fn fail_on_takes_only_values_the_command_acts_on() {
    let env = Env::new();
    generated(&env, 20);
    for (cmd, value) in [
        ("pii", "alerts"),
        ("redact", "alerts"),
        ("slo", "findings"),
        ("cost", "findings"),
        ("report", "everything"),
    ] {
        let run = env.run(&[cmd, "all.jsonl", "--fail-on", value, "-o", "x"]);
        assert_eq!(run.code, 2, "{cmd} {value}");
        assert!(run.stderr.contains("possible values"), "{}", run.stderr);
    }
    for cmd in ["sli", "review", "export"] {
        let run = env.run(&[cmd, "all.jsonl", "--fail-on", "any", "-o", "x"]);
        assert_eq!(run.code, 2, "{cmd}");
        assert!(run.stderr.contains("--fail-on"), "{}", run.stderr);
    }
    let run = env.run(&[
        "query",
        "--sql",
        "select 1",
        "all.jsonl",
        "--fail-on",
        "any",
    ]);
    assert_eq!(run.code, 2);
    let run = env.run(&["pii", "all.jsonl", "--fail-on", "any", "-q"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Help texts say what the options do.
    let help = env.run(&["redact", "--help"]).stdout;
    assert!(!help.contains("CSV on stdout"), "{help}");
    assert!(help.contains("FILE_OR_DIR"), "{help}");
    let help = env.run(&["report", "--help"]).stdout;
    assert!(help.contains("Grouping of sli.csv and cost.csv"), "{help}");
}

#[test]
fn a_file_reached_by_several_names_is_read_once() {
    let env = Env::new();
    generated(&env, 300);
    std::fs::create_dir_all(env.path("d/2026-12-01")).unwrap();
    std::fs::rename(env.path("all.jsonl"), env.path("d/2026-12-01/s.jsonl")).unwrap();
    let run = env.run(&[
        "sli",
        "--by",
        "month",
        "d/2026-12-01/s.jsonl",
        "./d/2026-12-01/s.jsonl",
    ]);
    assert_eq!(requests(&run), 300);
    assert!(
        run.stderr.contains("named a file already read"),
        "{}",
        run.stderr
    );
    // A folder plus a file in it.
    let run = env.run(&["sli", "--by", "month", "d", "d/2026-12-01/s.jsonl"]);
    assert_eq!(requests(&run), 300);
    #[cfg(unix)]
    {
        // `current` points at a day; `up` at the parent, twice: a `**` glob reads each file
        // once and ends.
        std::os::unix::fs::symlink("2026-12-01", env.path("d/current")).unwrap();
        std::os::unix::fs::symlink("..", env.path("d/2026-12-01/up")).unwrap();
        std::os::unix::fs::symlink("../..", env.path("d/2026-12-01/up2")).unwrap();
        let run = env.run(&["sli", "--by", "month", "d/**/*.jsonl"]);
        assert_eq!(requests(&run), 300);
        assert!(run.stderr.contains("symbolic link cycle"), "{}", run.stderr);
        // A directory walk does not follow the link, and says so.
        let run = env.run(&["sli", "--by", "month", "d"]);
        assert_eq!(requests(&run), 300);
        assert!(run.stderr.contains("not followed"), "{}", run.stderr);
    }
}

#[test]
fn compressed_and_plain_inputs_are_scanned_in_input_order() {
    use std::io::Write;
    let env = Env::new();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200}\nbad gz line\n")
        .unwrap();
    env.write("logs/a.jsonl.gz", gz.finish().unwrap());
    env.write(
        "logs/b.jsonl",
        "{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200}\nbad plain line\n",
    );
    let run = env.run(&["sli", "logs", "--strict"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("a.jsonl.gz:2"), "{}", run.stderr);
    let run = env.run(&["sli", "logs", "-o", "out", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files: Vec<String> = csv_rows(&env.read("out/skipped.csv"))
        .iter()
        .map(|r| r["file"].clone())
        .collect();
    assert!(
        files[0].ends_with("a.jsonl.gz") && files[1].ends_with("b.jsonl"),
        "{files:?}"
    );
}

/// A FIFO is streamed like standard input: a line far longer than the memory allowed to the
/// process is dropped while reading, never buffered whole.
#[cfg(target_os = "linux")]
#[test]
fn a_fifo_is_streamed_within_the_line_limit() {
    let env = Env::new();
    let fifo = env.path("pipe.jsonl");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        crate::util::missing_tool("mkfifo");
        return;
    }
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&fifo) else {
                return;
            };
            let record = b"{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200}\n";
            let _ = f.write_all(record);
            let block = vec![b'x'; 1 << 20];
            // 1.5 GiB in one line: more than the address space the reader is given.
            for _ in 0..1536 {
                if f.write_all(&block).is_err() {
                    return;
                }
            }
            let _ = f.write_all(b"\n");
            let _ = f.write_all(record);
        })
    };
    let script = format!(
        "ulimit -v 1000000; exec '{}' sli --by month -j 2 --max-line-bytes 100000 --max-memory 64M pipe.jsonl",
        env!("CARGO_BIN_EXE_logwarden")
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(env.dir.path())
        .output()
        .unwrap();
    // Unblock the writer if the reader died early (non-blocking: there may be no writer).
    {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo);
    }
    let _ = writer.join();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(csv_rows(&stdout)[0]["requests"], "2", "{stderr}");
    assert!(stderr.contains("1 line too long"), "{stderr}");
}
