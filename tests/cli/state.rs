//! Durable state: `report --emit-state` per shard, then `logwarden merge`, gives the files of
//! one run over all the shards' inputs; states of another configuration are refused; no raw
//! PII value is ever in a state.

use super::util::Env;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;

/// The report files whose bytes must not depend on sharding (summary.json holds timings).
fn outputs(env: &Env, dir: &str) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(env.path(dir)).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name != "summary.json" {
            out.insert(name, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

/// A generated log with planted PII and incidents, and messy lines among the records.
fn generated_lines(env: &Env, records: &str) -> Vec<Vec<u8>> {
    let gen = env.run(&[
        "gen",
        "--records",
        records,
        "--truth",
        "truth.csv",
        "-o",
        "gen.jsonl",
    ]);
    assert_eq!(gen.code, 0, "{}", gen.stderr);
    let text = std::fs::read(env.path("gen.jsonl")).unwrap();
    let mut lines: Vec<Vec<u8>> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    for (i, messy) in [
        &b"not json"[..],
        b"{\"ts\":\"yesterday\",\"status\":200}",
        b"[1,2]",
        b"\xff\xfe{}",
    ]
    .iter()
    .enumerate()
    {
        let at = (i * 997 + 13) % lines.len();
        lines.insert(at, messy.to_vec());
    }
    lines
}

/// Writes `lines` cut at `cuts` into files `in/f00.jsonl`…, the file `gz` (if any) gzipped.
fn write_files(env: &Env, lines: &[Vec<u8>], cuts: &[usize], gz: Option<usize>) -> Vec<String> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(lines.len());
    let mut names = Vec::new();
    for (i, w) in bounds.windows(2).enumerate() {
        let mut bytes = Vec::new();
        for l in &lines[w[0]..w[1]] {
            bytes.extend_from_slice(l);
            bytes.push(b'\n');
        }
        let name = if gz == Some(i) {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(&bytes).unwrap();
            bytes = enc.finish().unwrap();
            format!("in/f{i:02}.jsonl.gz")
        } else {
            format!("in/f{i:02}.jsonl")
        };
        env.write(&name, bytes);
        names.push(name);
    }
    names
}

fn ok(env: &Env, args: &[&str]) {
    let r = env.run(args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    /// Any split of the input into files, any grouping of the files into shards (each a
    /// `report --emit-state`), merged in order, in one step or two: byte-identical files.
    #[test]
    fn shard_states_merge_to_the_single_run(
        cuts in proptest::collection::btree_set(1usize..3000, 1..6),
        groups in proptest::collection::vec(1usize..4, 1..6),
        gz in proptest::option::of(0usize..6),
        by in prop_oneof![Just("day,model"), Just("hour,version,tenant")],
    ) {
        let env = Env::new();
        let lines = generated_lines(&env, "3000");
        let cuts: Vec<usize> = cuts.into_iter().collect();
        let files = write_files(&env, &lines, &cuts, gz.filter(|&g| g <= cuts.len()));
        ok(&env, &["report", "--by", by, "in", "-o", "single", "-q"]);
        // Contiguous shards of files, in order.
        let mut states = Vec::new();
        let mut at = 0;
        for (i, n) in groups.iter().cycle().enumerate() {
            if at >= files.len() {
                break;
            }
            let shard: Vec<&str> = files[at..(at + n).min(files.len())].iter().map(String::as_str).collect();
            at += n;
            let state = format!("s{i}.state");
            let mut args = vec!["report", "--by", by, "-q", "--emit-state", &state];
            args.extend(shard);
            ok(&env, &args);
            states.push(state);
        }
        let mut args = vec!["merge", "--by", by, "-o", "merged", "-q"];
        args.extend(states.iter().map(String::as_str));
        ok(&env, &args);
        let single = outputs(&env, "single");
        prop_assert!(single.len() >= 15, "{:?}", single.keys());
        prop_assert_eq!(&outputs(&env, "merged"), &single);
        // Two levels: the first half merged into a state, then merged with the rest.
        let half = states.len().div_ceil(2);
        let mut args = vec!["merge", "--by", by, "-q", "--emit-state", "half.state"];
        args.extend(states[..half].iter().map(String::as_str));
        ok(&env, &args);
        let mut args = vec!["merge", "--by", by, "-o", "twice", "-q", "half.state"];
        args.extend(states[half..].iter().map(String::as_str));
        ok(&env, &args);
        prop_assert_eq!(&outputs(&env, "twice"), &single);
    }
}

/// The headline figures of summary.json agree too, and say one pass over the input.
#[test]
fn merged_summary_counts_every_shard() {
    let env = Env::new();
    let lines = generated_lines(&env, "2000");
    let files = write_files(&env, &lines, &[700, 1400], None);
    ok(&env, &["report", "in", "-o", "single", "-q"]);
    for (i, f) in files.iter().enumerate() {
        ok(
            &env,
            &["report", f, "-q", "--emit-state", &format!("{i}.state")],
        );
    }
    ok(
        &env,
        &[
            "merge", "0.state", "1.state", "2.state", "-o", "merged", "-q",
        ],
    );
    let single: serde_json::Value = serde_json::from_str(&env.read("single/summary.json")).unwrap();
    let merged: serde_json::Value = serde_json::from_str(&env.read("merged/summary.json")).unwrap();
    for key in ["headline", "pii", "inputs", "formats", "files"] {
        assert_eq!(merged[key], single[key], "{key}");
    }
    for key in ["scans", "bytes", "lines", "records", "skipped", "per_file"] {
        assert_eq!(merged["scan"][key], single["scan"][key], "scan.{key}");
    }
}

/// A state made with another configuration or other shaping options is refused with one line
/// naming it (exit 2), and so are files that are not states or are cut short.
#[test]
fn states_of_another_config_are_refused() {
    let env = Env::new();
    env.run(&["gen", "--records", "300", "-o", "a.jsonl"]);
    ok(
        &env,
        &["report", "a.jsonl", "-q", "--emit-state", "plain.state"],
    );
    env.write(
        "other.toml",
        "[prices]\n\"gpt-4o\" = { input = 9.0, output = 9.0 }\n",
    );
    ok(
        &env,
        &[
            "report",
            "a.jsonl",
            "-q",
            "--config",
            "other.toml",
            "--emit-state",
            "priced.state",
        ],
    );
    ok(
        &env,
        &[
            "report",
            "a.jsonl",
            "-q",
            "--by",
            "week",
            "--emit-state",
            "weekly.state",
        ],
    );
    let cases: [(&[&str], &str); 5] = [
        (
            &["merge", "plain.state", "priced.state", "-o", "m"],
            "priced.state: state made with another configuration",
        ),
        (
            &["merge", "plain.state", "weekly.state", "-o", "m"],
            "weekly.state: state made with another configuration",
        ),
        (
            &["merge", "plain.state", "--since", "2026-11-01", "-o", "m"],
            "plain.state: state made with another configuration",
        ),
        (
            &["merge", "plain.state", "a.jsonl", "-o", "m"],
            "a.jsonl: not a logwarden state file",
        ),
        (
            &["merge", "plain.state", "cut.state", "-o", "m"],
            "cut.state: the state is damaged",
        ),
    ];
    let bytes = std::fs::read(env.path("plain.state")).unwrap();
    env.write("cut.state", &bytes[..bytes.len() / 2]);
    for (args, want) in cases {
        let r = env.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
        assert!(!env.path("m").exists(), "no output from a refused merge");
    }
    // The same configuration merges.
    ok(&env, &["merge", "plain.state", "-o", "m", "-q"]);
    ok(
        &env,
        &[
            "merge",
            "priced.state",
            "--config",
            "other.toml",
            "-o",
            "m2",
            "-q",
        ],
    );
}

/// No planted PII value, raw, is in any state (findings are masked rows, cases masked text).
#[test]
fn no_raw_pii_in_a_state() {
    let env = Env::new();
    let lines = generated_lines(&env, "4000");
    let files = write_files(&env, &lines, &[2000], None);
    ok(
        &env,
        &["report", &files[0], "-q", "--emit-state", "a.state"],
    );
    ok(
        &env,
        &["report", &files[1], "-q", "--emit-state", "b.state"],
    );
    ok(
        &env,
        &[
            "merge",
            "a.state",
            "b.state",
            "-q",
            "--emit-state",
            "ab.state",
        ],
    );
    let truth = super::util::csv_rows(&env.read("truth.csv"));
    assert!(truth.len() > 50);
    // Names and addresses are found by gazetteers and cues: a state must hold none that the
    // audit of the generated file finds (the ones it misses are within its recall target).
    let audit = env.run(&["pii", "gen.jsonl", "-o", "audit", "-q"]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    let found: std::collections::HashSet<(String, String, String)> =
        super::util::csv_rows(&env.read("audit/pii_findings.csv"))
            .into_iter()
            .map(|r| (r["line"].clone(), r["field"].clone(), r["pii_type"].clone()))
            .collect();
    let truth: Vec<_> = truth
        .into_iter()
        .filter(|t| {
            !(t["pii_type"] == "PERSON" || t["pii_type"] == "ADDRESS")
                || found.contains(&(t["line"].clone(), t["field"].clone(), t["pii_type"].clone()))
        })
        .collect();
    // And the `--state DIR` of an incremental run: its state and its review memo.
    // (Twice: the second run starts from the kept prefix and keeps its rendered findings.)
    ok(&env, &["report", "in", "-q", "-o", "inc", "--state", "st"]);
    ok(&env, &["report", "in", "-q", "-o", "inc", "--state", "st"]);
    let mut names = vec!["a.state", "b.state", "ab.state"];
    let listed = |dir: &str| -> Vec<String> {
        std::fs::read_dir(env.path(dir))
            .unwrap()
            .map(|e| format!("{dir}/{}", e.unwrap().file_name().to_string_lossy()))
            .collect()
    };
    let mut kept = listed("st");
    assert_eq!(kept.len(), 4, "{kept:?}");
    kept.retain(|n| n != "st/bodies");
    let bodies = listed("st/bodies");
    assert!(bodies.len() >= 2, "{bodies:?}");
    kept.extend(bodies);
    names.extend(kept.iter().map(String::as_str));
    for name in names {
        let bytes = std::fs::read(env.path(name)).unwrap();
        for row in &truth {
            let v = row["value"].as_bytes();
            if v.len() >= 6 {
                assert!(
                    !bytes.windows(v.len()).any(|w| w == v),
                    "{name} holds a planted {} value",
                    row["pii_type"]
                );
            }
        }
    }
}

/// `report --state DIR` after each change to the inputs writes the same files as a fresh full
/// scan of the same inputs, and says in summary.json how each file was handled.
#[test]
fn incremental_runs_equal_full_scans() {
    let env = Env::new();
    let lines = generated_lines(&env, "4000");
    let day = |range: std::ops::Range<usize>| -> Vec<u8> {
        let mut b = Vec::new();
        for l in &lines[range] {
            b.extend_from_slice(l);
            b.push(b'\n');
        }
        b
    };
    let gz = |bytes: &[u8]| -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    };
    let step = |what: &str, want: [u64; 3]| {
        ok(
            &env,
            &["report", "logs", "-o", "inc", "-q", "--state", "st"],
        );
        ok(&env, &["report", "logs", "-o", "full", "-q"]);
        assert_eq!(outputs(&env, "inc"), outputs(&env, "full"), "{what}");
        let s: serde_json::Value = serde_json::from_str(&env.read("inc/summary.json")).unwrap();
        let f: serde_json::Value = serde_json::from_str(&env.read("full/summary.json")).unwrap();
        assert_eq!(s["headline"], f["headline"], "{what}");
        assert_eq!(s["scan"]["per_file"], f["scan"]["per_file"], "{what}");
        let inc = &s["incremental"];
        let got = [
            inc["files_reused"].as_u64().unwrap(),
            inc["files_resumed"].as_u64().unwrap(),
            inc["files_rescanned"].as_u64().unwrap(),
        ];
        assert_eq!(got, want, "{what}: {inc}");
    };
    env.write("logs/a.jsonl", day(0..1000));
    env.write("logs/b.jsonl", day(1000..2000));
    env.write("logs/c.jsonl", day(2000..2500));
    step("first run", [0, 0, 3]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path("st"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    step("unchanged", [3, 0, 0]);
    let s: serde_json::Value = serde_json::from_str(&env.read("inc/summary.json")).unwrap();
    assert_eq!(s["incremental"]["bytes_scanned"], 0);
    // Appended: c grows by whole lines.
    let mut c = day(2000..2500);
    c.extend(day(2500..2800));
    env.write("logs/c.jsonl", &c);
    step("appended", [2, 1, 0]);
    // Rotated: b renamed, a compressed (same content), a new file in their place.
    std::fs::rename(env.path("logs/b.jsonl"), env.path("logs/b.1.jsonl")).unwrap();
    env.write("logs/a.jsonl.gz", gz(&day(0..1000)));
    std::fs::remove_file(env.path("logs/a.jsonl")).unwrap();
    env.write("logs/b.jsonl", day(2800..3000));
    step("rotated", [3, 0, 1]);
    // Truncated: c cut to fewer lines; replaced: b.1 rewritten with other lines, same size.
    env.write("logs/c.jsonl", day(2000..2100));
    step("truncated", [3, 0, 1]);
    let mut other = day(3000..4000);
    let size = std::fs::metadata(env.path("logs/b.1.jsonl")).unwrap().len() as usize;
    other.truncate(size);
    while other.last() != Some(&b'\n') {
        other.pop();
    }
    env.write("logs/b.1.jsonl", &other);
    step("replaced", [3, 0, 1]);
    // Deleted: c gone.
    std::fs::remove_file(env.path("logs/c.jsonl")).unwrap();
    step("deleted", [3, 0, 0]);
    // A line appended without its newline yet, then completed: never counted twice.
    let mut b = day(2800..3000);
    b.extend_from_slice(&day(3999..4000)[..20]);
    env.write("logs/b.jsonl", &b);
    step("partial line", [2, 1, 0]);
    env.write("logs/b.jsonl", [day(2800..3000), day(3999..4000)].concat());
    step("line completed", [2, 0, 1]);
}

/// A state of another configuration, or a damaged one, is ignored with one line and rebuilt.
#[test]
fn incremental_state_of_another_config_is_rebuilt() {
    let env = Env::new();
    env.run(&["gen", "--records", "500", "-o", "logs/a.jsonl"]);
    ok(
        &env,
        &["report", "logs", "-o", "one", "-q", "--state", "st"],
    );
    let r = env.run(&[
        "report", "logs", "-o", "two", "--by", "week", "--state", "st",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let notes: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("report.state"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", r.stderr);
    assert!(notes[0].contains("another configuration") && notes[0].contains("rebuilt"));
    let s: serde_json::Value = serde_json::from_str(&env.read("two/summary.json")).unwrap();
    assert_eq!(s["incremental"]["files_rescanned"], 1);
    std::fs::write(env.path("st/report.state"), b"LWSTATE\x00garbage").unwrap();
    let r = env.run(&[
        "report", "logs", "-o", "three", "--by", "week", "--state", "st",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("report.state"), "{}", r.stderr);
    ok(
        &env,
        &[
            "report", "logs", "-o", "four", "-q", "--by", "week", "--state", "st",
        ],
    );
    let s: serde_json::Value = serde_json::from_str(&env.read("four/summary.json")).unwrap();
    assert_eq!(s["incremental"]["files_reused"], 1);
}

/// A state made with one `--baseline` is not reused with another: accepted findings are left out
/// of the folded findings, so the files are scanned again and the new baseline applies.
#[test]
fn a_state_is_kept_per_baseline() {
    let env = Env::new();
    env.write(
        "a.jsonl",
        "{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200,\"prompt\":\"mail jane.doe@example.com\"}\n",
    );
    ok(&env, &["pii", "a.jsonl", "-o", "first", "-q"]);
    env.write("empty.txt", "");
    let run = |baseline: &str, out: &str| {
        ok(
            &env,
            &[
                "report",
                "a.jsonl",
                "--state",
                "st",
                "--baseline",
                baseline,
                "-o",
                out,
                "-q",
            ],
        );
        let s: serde_json::Value =
            serde_json::from_str(&env.read(&format!("{out}/summary.json"))).unwrap();
        (
            s["pii"]["findings"].as_u64().unwrap(),
            s["incremental"]["files_reused"].as_u64().unwrap(),
        )
    };
    assert_eq!(run("empty.txt", "r1"), (1, 0));
    assert_eq!(run("empty.txt", "r2"), (1, 1));
    // The finding accepted: the state is rebuilt and the finding is not reported.
    assert_eq!(run("first/pii_findings.csv", "r3"), (0, 0));
    assert_eq!(run("first/pii_findings.csv", "r4"), (0, 1));
}

/// The lines `range` of `lines`, each ended by a newline.
fn joined(lines: &[Vec<u8>], range: std::ops::Range<usize>) -> Vec<u8> {
    let mut b = Vec::new();
    for l in &lines[range] {
        b.extend_from_slice(l);
        b.push(b'\n');
    }
    b
}

fn gzipped(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// One `report --state st` and one full scan of `logs`: the same files, the same headline;
/// returns the `incremental` block.
fn incremental_equals_full(env: &Env, what: &str) -> serde_json::Value {
    ok(env, &["report", "logs", "-o", "inc", "-q", "--state", "st"]);
    ok(env, &["report", "logs", "-o", "full", "-q"]);
    assert_eq!(outputs(env, "inc"), outputs(env, "full"), "{what}");
    let s: serde_json::Value = serde_json::from_str(&env.read("inc/summary.json")).unwrap();
    let f: serde_json::Value = serde_json::from_str(&env.read("full/summary.json")).unwrap();
    assert_eq!(s["headline"], f["headline"], "{what}");
    assert_eq!(s["scan"]["records"], f["scan"]["records"], "{what}");
    assert_eq!(s["scan"]["per_file"], f["scan"]["per_file"], "{what}");
    s["incremental"].clone()
}

fn handled(inc: &serde_json::Value) -> [u64; 3] {
    [
        inc["files_reused"].as_u64().unwrap(),
        inc["files_resumed"].as_u64().unwrap(),
        inc["files_rescanned"].as_u64().unwrap(),
    ]
}

/// The kept merged state of the previous run's files (the prefix) is used only when the run's
/// first files are exactly those files, by name, state and order, with the same `--max-memory`;
/// every night, used or not, the outputs equal a fresh full scan's.
#[test]
fn the_kept_prefix_is_used_only_for_the_same_leading_files() {
    let env = Env::new();
    let lines = generated_lines(&env, "3000");
    let day = |r: std::ops::Range<usize>| joined(&lines, r);
    let prefix = |inc: &serde_json::Value| inc["prefix_files"].as_u64().unwrap();
    env.write("logs/d1.jsonl", day(0..600));
    env.write("logs/d2.jsonl", day(600..1200));
    let inc = incremental_equals_full(&env, "first night");
    assert_eq!((handled(&inc), prefix(&inc)), ([0, 0, 2], 0), "{inc}");
    // One more file: yesterday's two come merged.
    env.write("logs/d3.jsonl", day(1200..1800));
    let inc = incremental_equals_full(&env, "one more file");
    assert_eq!((handled(&inc), prefix(&inc)), ([2, 0, 1], 2), "{inc}");
    // Nothing new: all three merged, the state file untouched.
    let before = std::fs::read(env.path("st/report.state")).unwrap();
    let inc = incremental_equals_full(&env, "nothing new");
    assert_eq!((handled(&inc), prefix(&inc)), ([3, 0, 0], 3), "{inc}");
    assert_eq!(std::fs::read(env.path("st/report.state")).unwrap(), before);
    // Another --max-memory (latencies may be kept as histograms): not used; then used again.
    let small = ["--max-memory", "8K"];
    let inc_args = [
        &["report", "logs", "-o", "inc", "-q", "--state", "st"][..],
        &small,
    ]
    .concat();
    ok(&env, &inc_args);
    ok(
        &env,
        &[&["report", "logs", "-o", "full", "-q"][..], &small].concat(),
    );
    assert_eq!(outputs(&env, "inc"), outputs(&env, "full"), "--max-memory");
    let s: serde_json::Value = serde_json::from_str(&env.read("inc/summary.json")).unwrap();
    assert_eq!(prefix(&s["incremental"]), 0, "{s}");
    assert_eq!(s["scan"]["approximate_percentiles"], true, "{s}");
    ok(&env, &inc_args);
    let s: serde_json::Value = serde_json::from_str(&env.read("inc/summary.json")).unwrap();
    assert_eq!(prefix(&s["incremental"]), 3, "{s}");
    let inc = incremental_equals_full(&env, "default memory again");
    assert_eq!(prefix(&inc), 0, "{inc}");
    // A leading file renamed (its name is in the reports): not used.
    std::fs::rename(env.path("logs/d1.jsonl"), env.path("logs/d0.jsonl")).unwrap();
    let inc = incremental_equals_full(&env, "renamed");
    assert_eq!((handled(&inc), prefix(&inc)), ([3, 0, 0], 0), "{inc}");
    // A file in the middle rewritten: not used.
    let inc = incremental_equals_full(&env, "again");
    assert_eq!(prefix(&inc), 3, "{inc}");
    env.write("logs/d2.jsonl", day(1800..2300));
    let inc = incremental_equals_full(&env, "middle rewritten");
    assert_eq!((handled(&inc), prefix(&inc)), ([2, 0, 1], 0), "{inc}");
    // The last file grown: the prefix held its old state, so it is not used.
    env.write("logs/d3.jsonl", day(1200..2000));
    let inc = incremental_equals_full(&env, "last grown");
    assert_eq!((handled(&inc), prefix(&inc)), ([2, 1, 0], 0), "{inc}");
    // The oldest file dropped (a rolling window of days), a new one added: not used.
    std::fs::remove_file(env.path("logs/d0.jsonl")).unwrap();
    env.write("logs/d4.jsonl", day(2300..3000));
    let inc = incremental_equals_full(&env, "window moved");
    assert_eq!((handled(&inc), prefix(&inc)), ([2, 0, 1], 0), "{inc}");
    // A new file sorting first: the others are no longer the leading files.
    env.write("logs/a.jsonl", day(0..300));
    let inc = incremental_equals_full(&env, "new first file");
    assert_eq!((handled(&inc), prefix(&inc)), ([3, 0, 1], 0), "{inc}");
}

/// The kept prefix is not folded anew every night: while the files after it are small beside
/// it, it stays as it was (a night encodes only its new file's state) and those files' states
/// are merged after it; once they have grown, the prefix is folded anew over every file. Every
/// night equals a fresh full scan.
#[test]
fn the_kept_prefix_is_folded_anew_only_when_outgrown() {
    let env = Env::new();
    let lines = generated_lines(&env, "3000");
    let day = |r: std::ops::Range<usize>| joined(&lines, r);
    let prefix = |inc: &serde_json::Value| inc["prefix_files"].as_u64().unwrap();
    env.write("logs/d00.jsonl", day(0..2400));
    let inc = incremental_equals_full(&env, "first night");
    assert_eq!(prefix(&inc), 0, "{inc}");
    let mut seen = Vec::new();
    for n in 1..=12 {
        let from = 2400 + (n - 1) * 50;
        env.write(&format!("logs/d{n:02}.jsonl"), day(from..from + 50));
        let inc = incremental_equals_full(&env, &format!("night {n}"));
        assert_eq!(handled(&inc), [n as u64, 0, 1], "{inc}");
        seen.push(prefix(&inc));
    }
    // The prefix of the first night's file is used for some nights running (kept as it was),
    // then one covering more files.
    assert_eq!(seen[0], 1, "{seen:?}");
    assert_eq!(seen[1], 1, "kept, not folded anew: {seen:?}");
    assert!(
        seen.iter().any(|&p| p > 1),
        "folded anew once outgrown: {seen:?}"
    );
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
}

/// The kept prefix's findings, as rendered into `pii_findings.csv` and its SARIF log, are kept in
/// the state directory by the night that makes the prefix and written as kept the nights after;
/// a damaged or missing file is rendered anew. Every night equals a fresh full scan.
#[test]
fn the_prefix_findings_are_rendered_once() {
    let env = Env::new();
    let lines = generated_lines(&env, "3000");
    let day = |r: std::ops::Range<usize>| joined(&lines, r);
    let reused = |inc: &serde_json::Value| inc["findings_rows_reused"].as_bool();
    env.write("logs/d00.jsonl", day(0..2400));
    let inc = incremental_equals_full(&env, "first night");
    assert_eq!(reused(&inc), None, "no prefix yet: {inc}");
    assert!(env.path("st/findings.memo").exists(), "kept for its prefix");
    env.write("logs/d01.jsonl", day(2400..2450));
    let inc = incremental_equals_full(&env, "second night");
    assert_eq!(inc["prefix_files"], 1, "{inc}");
    assert_eq!(reused(&inc), Some(true), "{inc}");
    env.write("logs/d02.jsonl", day(2450..2500));
    let inc = incremental_equals_full(&env, "third night");
    assert_eq!(reused(&inc), Some(true), "{inc}");
    // Damaged: rendered anew, and kept again.
    let memo = env.path("st/findings.memo");
    let mut bytes = std::fs::read(&memo).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&memo, bytes).unwrap();
    let inc = incremental_equals_full(&env, "damaged");
    assert_eq!(reused(&inc), Some(false), "{inc}");
    let inc = incremental_equals_full(&env, "kept again");
    assert_eq!(reused(&inc), Some(true), "{inc}");
    std::fs::remove_file(&memo).unwrap();
    let inc = incremental_equals_full(&env, "removed");
    assert_eq!(reused(&inc), Some(false), "{inc}");
    // A large file: the prefix is folded anew over every file, its rendering kept at once
    // (the kept part written as kept, the rest rendered), and used the next night.
    env.write("logs/d03.jsonl", day(2500..2900));
    let inc = incremental_equals_full(&env, "folded anew");
    assert_eq!(reused(&inc), Some(true), "{inc}");
    env.write("logs/d04.jsonl", day(2900..2950));
    let inc = incremental_equals_full(&env, "after the fold");
    assert_eq!(inc["prefix_files"], 4, "{inc}");
    assert_eq!(reused(&inc), Some(true), "{inc}");
    // The first file renamed: another prefix (its files' names are in its key).
    std::fs::rename(env.path("logs/d00.jsonl"), env.path("logs/a00.jsonl")).unwrap();
    let inc = incremental_equals_full(&env, "renamed");
    assert_eq!(reused(&inc), None, "the prefix is not used: {inc}");
}

/// logrotate's ways, night after night: `requests.jsonl` renamed to `requests.jsonl.1` and a
/// new `requests.jsonl` started; the next night `.1` compressed to `requests.jsonl.2.gz`
/// (`delaycompress`); then `copytruncate` (a dated copy, the live file emptied and written
/// again). Every night equals a fresh full scan: a rotated file is recognised by its content
/// and counted once, never twice and never lost.
#[test]
fn logrotate_rotations_are_recognised_and_counted_once() {
    let env = Env::new();
    let lines = generated_lines(&env, "3000");
    let day = |r: std::ops::Range<usize>| joined(&lines, r);
    env.write("logs/requests.jsonl", day(0..800));
    assert_eq!(handled(&incremental_equals_full(&env, "first")), [0, 0, 1]);
    // The live file grows during the day.
    env.write("logs/requests.jsonl", day(0..1000));
    assert_eq!(handled(&incremental_equals_full(&env, "grown")), [0, 1, 0]);
    // Night 1: rename, new live file.
    let (live, one) = (
        env.path("logs/requests.jsonl"),
        env.path("logs/requests.jsonl.1"),
    );
    std::fs::rename(&live, &one).unwrap();
    env.write("logs/requests.jsonl", day(1000..1500));
    let inc = incremental_equals_full(&env, "renamed to .1");
    assert_eq!(handled(&inc), [1, 0, 1], "{inc}");
    let size_one = std::fs::metadata(&one).unwrap().len();
    assert_eq!(inc["bytes_skipped"], size_one, "{inc}");
    // Night 2: .1 compressed to .2.gz, the live file renamed to .1, a new live file.
    env.write("logs/requests.jsonl.2.gz", gzipped(&day(0..1000)));
    std::fs::rename(&live, &one).unwrap();
    env.write("logs/requests.jsonl", day(1500..2000));
    let inc = incremental_equals_full(&env, "compressed to .2.gz");
    assert_eq!(handled(&inc), [2, 0, 1], "{inc}");
    // The same again: nothing new is read, not even the compressed file.
    let inc = incremental_equals_full(&env, "unchanged");
    assert_eq!(handled(&inc), [3, 0, 0], "{inc}");
    assert_eq!(inc["bytes_scanned"], 0, "{inc}");
    // Night 3, copytruncate: a dated copy of the live file, which is emptied, then written.
    std::fs::copy(&live, env.path("logs/requests.jsonl-20261124")).unwrap();
    std::fs::write(&live, b"").unwrap();
    let inc = incremental_equals_full(&env, "copied and truncated");
    assert_eq!(handled(&inc).iter().sum::<u64>(), 4, "{inc}");
    env.write("logs/requests.jsonl", day(2000..2100));
    let inc = incremental_equals_full(&env, "written again");
    assert_eq!(handled(&inc).iter().sum::<u64>(), 4, "{inc}");
    // Old rotations deleted: they drop out.
    std::fs::remove_file(env.path("logs/requests.jsonl.2.gz")).unwrap();
    std::fs::remove_file(&one).unwrap();
    let inc = incremental_equals_full(&env, "rotations deleted");
    assert_eq!(handled(&inc), [2, 0, 0], "{inc}");
}

/// `report --state DIR` killed with SIGKILL at a spread of moments of its run (from at once to
/// past its end): the next run accepts the state or rebuilds it (one stderr line), writes what a
/// fresh full scan writes (so nothing is counted twice or lost), leaves nothing of the killed
/// run in the state directory, and the directory is mode 0700 throughout.
#[cfg(unix)]
#[test]
fn a_run_killed_at_any_moment_leaves_a_usable_state() {
    use std::os::unix::fs::PermissionsExt;
    use std::process::{Command, Stdio};
    let env = Env::new();
    let lines = generated_lines(&env, "2400");
    // Two inputs the runs alternate between: going to `b` resumes a grown file and scans a new
    // compressed one; going back to `a` rescans the cut file and drops the compressed one.
    let write = |variant: usize| {
        let _ = std::fs::remove_dir_all(env.path("logs"));
        env.write("logs/a.jsonl", joined(&lines, 0..900));
        if variant == 0 {
            env.write("logs/b.jsonl", joined(&lines, 900..1400));
        } else {
            env.write("logs/b.jsonl", joined(&lines, 900..1900));
            env.write(
                "logs/c.jsonl.gz",
                gzipped(&joined(&lines, 1900..lines.len())),
            );
        }
    };
    let mut full = Vec::new();
    for variant in 0..2 {
        write(variant);
        ok(&env, &["report", "logs", "-o", "full", "-q"]);
        full.push(outputs(&env, "full"));
    }
    let private = |what: &str| {
        if let Ok(m) = std::fs::metadata(env.path("st")) {
            assert_eq!(m.permissions().mode() & 0o777, 0o700, "{what}");
        }
    };
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_logwarden"))
            .args(["report", "logs", "-o", "inc", "--state", "st"])
            .current_dir(env.dir.path())
            .env_remove("LOGWARDEN_CONFIG")
            .env_remove("LOGWARDEN_PII_KEY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // The length of one incremental run that has work to do (from `a` to `b`), for the spread
    // of kill moments; nothing is asserted about it.
    write(0);
    ok(
        &env,
        &["report", "logs", "-o", "inc", "-q", "--state", "st"],
    );
    write(1);
    let started = std::time::Instant::now();
    ok(
        &env,
        &["report", "logs", "-o", "inc", "-q", "--state", "st"],
    );
    let length = started.elapsed();
    let mut variant = 1;
    for (round, tenths) in [0u32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 0]
        .iter()
        .enumerate()
    {
        if round % 5 == 4 {
            // Now and then the state directory is new, so the kill may come while it is made.
            std::fs::remove_dir_all(env.path("st")).unwrap();
        }
        variant = 1 - variant;
        write(variant);
        let mut child = run();
        std::thread::sleep(length * *tenths / 10);
        let _ = child.kill();
        let _ = child.wait();
        private(&format!("round {round}, after the kill"));
        // The next run accepts the state, or says in one line that it rebuilds it.
        let r = env.run(&["report", "logs", "-o", "inc", "--state", "st"]);
        assert_eq!(r.code, 0, "round {round}: {}", r.stderr);
        let notes: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.contains("report.state"))
            .collect();
        assert!(
            notes.is_empty() || (notes.len() == 1 && notes[0].contains("the state is rebuilt")),
            "round {round}: {}",
            r.stderr
        );
        assert_eq!(outputs(&env, "inc"), full[variant], "round {round}");
        private(&format!("round {round}, after the next run"));
        let mut left: Vec<String> = std::fs::read_dir(env.path("st"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        // The state, the review's clustering and (once a kept prefix was used) the prefix's
        // rendered findings; nothing a killed run left.
        left.retain(|n| n != "findings.memo");
        assert_eq!(
            left,
            ["bodies", "report.state", "review.memo"],
            "round {round}"
        );
        // The folded states, one file each, named by their hash (the prefix's by its key).
        for e in std::fs::read_dir(env.path("st/bodies")).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let hex = name.strip_prefix("prefix-").unwrap_or(&name);
            assert!(
                hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
                "round {round}: {name}"
            );
        }
        // And the state it wrote is whole: one more run reuses every file.
        if round % 3 == 0 {
            let inc = incremental_equals_full(&env, &format!("round {round}, again"));
            assert_eq!(
                handled(&inc),
                [2 + variant as u64, 0, 0],
                "round {round}: {inc}"
            );
        }
    }
}

/// The Kubernetes and AWS Batch recipes of `examples/`, run locally as their pods and array
/// children would run them (the same scripts, the index in the same variable): the merged
/// report equals one run over all the shards; a merge missing a shard's state refuses to run.
#[cfg(unix)]
#[test]
fn the_kubernetes_and_batch_recipes_merge_to_one_run() {
    let env = Env::new();
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let run = |script: &str, args: &[&str], vars: &[(&str, &str)]| {
        let out = std::process::Command::new("bash")
            .arg(examples.join(script))
            .args(args)
            .envs(vars.iter().copied())
            .env("LOGWARDEN", env!("CARGO_BIN_EXE_logwarden"))
            .env_remove("LOGWARDEN_CONFIG")
            .env_remove("LOGWARDEN_PII_KEY")
            .current_dir(env.dir.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (done, said) = run("make-shards.sh", &["data", "5", "2500"], &[]);
    assert!(done, "{said}");
    let (done, said) = run("kubernetes/run-locally.sh", &["data"], &[]);
    assert!(done, "{said}");
    assert!(
        said.contains("5 shards") && said.contains("merged report equals one run"),
        "{said}"
    );
    let (done, said) = run(
        "aws-batch/run-locally.sh",
        &["data"],
        &[("REPORT_OPTS", "--by hour,version")],
    );
    assert!(done, "{said}");
    assert!(
        said.contains("5 shards") && said.contains("merged report equals one run"),
        "{said}"
    );
    let states = env.path("data/states").display().to_string();
    let (done, said) = run(
        "kubernetes/merge.sh",
        &[],
        &[("SHARDS", "6"), ("STATES", &states), ("REPORTS", "never")],
    );
    assert!(
        !done && said.contains("5 states") && said.contains("expected 6"),
        "{said}"
    );
    assert!(!env.path("never").exists());
}

/// The review's clustering kept in the state directory is reused on a night whose new cases
/// fall in the week still under way, and made anew when the week under review or the weeks
/// before it change, when the reviewed week moves on, or with another threshold: every night
/// equals a fresh full scan.
#[test]
fn the_review_clustering_is_reused_only_for_the_same_cases() {
    let env = Env::new();
    let gen = |records: &str, days: &str, start: &str, seed: &str, out: &str| {
        ok(
            &env,
            &[
                "gen",
                "--records",
                records,
                "--days",
                days,
                "--start",
                start,
                "--seed",
                seed,
                "-o",
                out,
            ],
        );
    };
    let reused = |inc: &serde_json::Value| inc["review_clusters_reused"].as_bool().unwrap();
    // Four complete weeks (2026-W44 to W47): W47 is reviewed.
    gen("3000", "28", "2026-10-26", "3", "logs/a.jsonl");
    let inc = incremental_equals_full(&env, "first night");
    assert!(!reused(&inc), "{inc}");
    assert!(env.path("st/review.memo").exists());
    let review = env.read("inc/review.md");
    assert!(review.starts_with("# Failure review 2026-W47"), "{review}");
    // Monday to Wednesday of W48: W47 is still the week under review, its cases unchanged.
    gen("300", "3", "2026-11-23", "4", "logs/b.jsonl");
    let inc = incremental_equals_full(&env, "W48 under way");
    assert!(reused(&inc), "{inc}");
    assert!(env
        .read("inc/review.md")
        .starts_with("# Failure review 2026-W47"));
    // A late file with cases of W46 (the weeks before count towards cluster history).
    let a = std::fs::read_to_string(env.path("logs/a.jsonl")).unwrap();
    let late: String = a
        .lines()
        .filter(|l| l.contains("\"ts\":\"2026-11-1"))
        .take(400)
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(late.lines().count() > 100);
    env.write("logs/c.jsonl", late);
    let inc = incremental_equals_full(&env, "late cases of W46");
    assert!(!reused(&inc), "{inc}");
    let inc = incremental_equals_full(&env, "nothing new");
    assert!(reused(&inc), "{inc}");
    // Thursday to Sunday of W48: W48 is complete and reviewed now.
    gen("300", "4", "2026-11-26", "5", "logs/d.jsonl");
    let inc = incremental_equals_full(&env, "W48 complete");
    assert!(!reused(&inc), "{inc}");
    assert!(env
        .read("inc/review.md")
        .starts_with("# Failure review 2026-W48"));
    // Another threshold: the state is rebuilt, the clustering made anew with it.
    env.write("logwarden.toml", "[review]\ncluster_similarity = 0.2\n");
    ok(
        &env,
        &[
            "report",
            "logs",
            "-o",
            "inc",
            "-q",
            "--state",
            "st",
            "--config",
            "logwarden.toml",
        ],
    );
    ok(
        &env,
        &[
            "report",
            "logs",
            "-o",
            "full",
            "-q",
            "--config",
            "logwarden.toml",
        ],
    );
    assert_eq!(outputs(&env, "inc"), outputs(&env, "full"), "threshold 0.2");
    let s: serde_json::Value = serde_json::from_str(&env.read("inc/summary.json")).unwrap();
    assert_eq!(s["incremental"]["review_clusters_reused"], false, "{s}");
}
