//! Output folders under faults: concurrent runs, readers and SIGKILL at random moments always
//! leave `-o DIR` equal to one complete report and nothing else after the next run; failed
//! runs (exit 2) leave the previous folder byte for byte.

use crate::util::{missing_tool, Env};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Every file under `dir` (relative path → bytes); `None` when a read fails because the
/// folder is being removed under the reader.
fn snapshot(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let entries = match std::fs::read_dir(dir.join(&rel)) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => panic!("{}: {e}", dir.join(&rel).display()),
        };
        for entry in entries {
            let entry = entry.ok()?;
            let name = rel.join(entry.file_name());
            let path = dir.join(&name);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => stack.push(name),
                Ok(_) => {
                    let bytes = match std::fs::read(&path) {
                        Ok(b) => b,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
                        Err(e) => panic!("{}: {e}", path.display()),
                    };
                    out.insert(name.to_string_lossy().into_owned(), bytes);
                }
                Err(_) => return None,
            }
        }
    }
    Some(out)
}

/// A snapshot with the fields that differ between two runs on the same input (the time and the
/// duration of the run in `summary.json`) blanked.
fn normalized(mut snap: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    if let Some(json) = snap.get_mut("summary.json") {
        let text = String::from_utf8(json.clone()).unwrap();
        let text: Vec<String> = text
            .lines()
            .map(|l| {
                let key = l.trim_start();
                if key.starts_with("\"generated_at\"") || key.starts_with("\"elapsed_seconds\"") {
                    "-".to_string()
                } else {
                    l.to_string()
                }
            })
            .collect();
        *json = text.join("\n").into_bytes();
    }
    snap
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A small deterministic generator for the kill delays and the inputs each run reads.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn logwarden(env: &Env, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_logwarden"));
    cmd.args(args)
        .current_dir(env.dir.path())
        .env_remove("LOGWARDEN_CONFIG")
        .env_remove("LOGWARDEN_PII_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Reads `dir` through one descriptor until told to stop: every folder read whole while it
/// stayed at `dir` must be one of `allowed`. Returns how many whole reads it checked.
fn reader(
    dir: PathBuf,
    allowed: Arc<Vec<BTreeMap<String, Vec<u8>>>>,
    stop: Arc<AtomicBool>,
) -> usize {
    let mut checked = 0;
    while !stop.load(Ordering::Relaxed) {
        // With RENAME_EXCHANGE the folder is never missing, not even for an instant.
        let d = std::fs::File::open(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let ino = d.metadata().unwrap().ino();
        let through = PathBuf::from(format!("/proc/self/fd/{}", d.as_raw_fd()));
        let snap = snapshot(&through);
        // Still the folder at `dir` after the read: it was never swapped out (nor removed)
        // meanwhile, so the read is whole and must be a complete report.
        if std::fs::metadata(&dir).unwrap().ino() != ino {
            continue;
        }
        let snap = snap.expect("a folder still in place is never removed");
        let snap = normalized(snap);
        assert!(
            allowed.contains(&snap),
            "a reader saw a mixed or partial folder: {:?}",
            snap.keys().collect::<Vec<_>>()
        );
        checked += 1;
    }
    checked
}

#[test]
fn concurrent_runs_readers_and_kills_always_leave_one_complete_report() {
    let env = Env::new();
    const INPUTS: usize = 4;
    let mut refs = Vec::new();
    for i in 0..INPUTS {
        let records = (300 + 150 * i).to_string();
        let seed = (i + 1).to_string();
        let name = format!("in{i}.jsonl");
        let r = env.run(&["gen", "--records", &records, "--seed", &seed, "-o", &name]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let out = format!("ref{i}");
        let r = env.run(&["report", &name, "-o", &out, "-q"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        refs.push(normalized(snapshot(&env.path(&out)).unwrap()));
    }
    assert!(
        refs.windows(2).all(|w| w[0] != w[1]),
        "inputs give distinct reports"
    );
    let allowed = Arc::new(refs);
    let dir = env.path("out");
    let r = env.run(&["report", "in0.jsonl", "-o", "out", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let reads = Arc::new(AtomicUsize::new(0));
    let mut kills = 0;
    for round in 0..8 {
        let stop = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (dir, allowed, stop) = (dir.clone(), allowed.clone(), stop.clone());
                std::thread::spawn(move || reader(dir, allowed, stop))
            })
            .collect();
        let before = normalized(snapshot(&dir).unwrap());
        let mut children = Vec::new();
        for _ in 0..4 {
            let input = format!("in{}.jsonl", rng.below(INPUTS as u64));
            let child = logwarden(&env, &["report", &input, "-o", "out", "-q"])
                .spawn()
                .unwrap();
            // About half the runs are killed, at a random moment of their life.
            let kill_after = (rng.below(2) == 0).then(|| rng.below(400));
            children.push((child, kill_after, input));
        }
        for (child, kill_after, _) in &mut children {
            if let Some(ms) = kill_after {
                std::thread::sleep(std::time::Duration::from_millis(*ms));
                let _ = child.kill();
            }
        }
        for (child, kill_after, input) in children {
            let out = child.wait_with_output().unwrap();
            if kill_after.is_none() {
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "round {round}, {input}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            } else if out.status.code().is_none() {
                kills += 1;
            }
        }
        stop.store(true, Ordering::Relaxed);
        for r in readers {
            reads.fetch_add(r.join().unwrap(), Ordering::Relaxed);
        }
        let after = normalized(snapshot(&dir).unwrap());
        assert!(
            after == before || allowed.contains(&after),
            "round {round}: the folder is not one complete report: {:?}",
            after.keys().collect::<Vec<_>>()
        );
    }
    assert!(
        reads.load(Ordering::Relaxed) > 0,
        "the readers checked whole folders"
    );
    eprintln!(
        "outputs stress: {kills} runs killed, {} whole reads checked",
        reads.load(Ordering::Relaxed)
    );
    // The next run removes whatever the killed runs left, and its report is all there is.
    let r = env.run(&["report", "in2.jsonl", "-o", "out", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(normalized(snapshot(&dir).unwrap()), allowed[2]);
    assert!(
        !env.path(".logwarden-tmp").exists(),
        "{:?}",
        names(&env.path(".logwarden-tmp"))
    );
}

/// Clears the immutable attribute again, so the temp dir can be removed.
struct Mutable(PathBuf);

impl Drop for Mutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

fn chattr_immutable(path: &Path) -> Option<Mutable> {
    let ok = Command::new("chattr")
        .arg("+i")
        .arg(path)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(Mutable(path.to_path_buf()))
    } else {
        missing_tool("chattr +i (needs CAP_LINUX_IMMUTABLE on a file system with attributes)");
        None
    }
}

#[test]
fn a_swap_that_fails_at_the_last_step_is_exit_2_and_keeps_the_old_report() {
    let env = Env::new();
    env.run(&["gen", "--records", "200", "--seed", "1", "-o", "a.jsonl"]);
    env.run(&["gen", "--records", "300", "--seed", "2", "-o", "b.jsonl"]);
    let r = env.run(&["report", "a.jsonl", "-o", "out", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = snapshot(&env.path("out")).unwrap();
    // An immutable folder cannot be renamed: every file is written, then the swap fails.
    let Some(_guard) = chattr_immutable(&env.path("out")) else {
        return;
    };
    let r = env.run(&["report", "b.jsonl", "-o", "out", "-q"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("out"), "{}", r.stderr);
    assert_eq!(snapshot(&env.path("out")).unwrap(), before);
    assert_eq!(names(env.dir.path()), ["a.jsonl", "b.jsonl", "out"]);
}

#[test]
fn an_unwritable_parent_is_exit_2_and_keeps_the_old_report() {
    let env = Env::new();
    env.run(&["gen", "--records", "200", "-o", "a.jsonl"]);
    std::fs::create_dir(env.path("reports")).unwrap();
    let r = env.run(&["sli", "a.jsonl", "-o", "reports/out", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = snapshot(&env.path("reports/out")).unwrap();
    let Some(_guard) = chattr_immutable(&env.path("reports")) else {
        return;
    };
    let r = env.run(&["sli", "a.jsonl", "-o", "reports/out", "-q", "--by", "day"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert_eq!(snapshot(&env.path("reports/out")).unwrap(), before);
    assert_eq!(names(&env.path("reports")), ["out"]);
}

#[test]
fn every_failed_run_leaves_the_previous_folder_byte_for_byte() {
    let env = Env::new();
    env.run(&["gen", "--records", "300", "-o", "good.jsonl"]);
    env.write(
        "bad.jsonl",
        "{\"ts\":\"2026-11-23T10:00:00Z\",\"status\":200}\nnot json\n",
    );
    for cmd in ["report", "sli", "slo", "cost", "pii", "review"] {
        let r = env.run(&[cmd, "good.jsonl", "-o", "out", "-q"]);
        assert_eq!(r.code, 0, "{cmd}: {}", r.stderr);
        let before = snapshot(&env.path("out")).unwrap();
        for args in [
            vec![cmd, "bad.jsonl", "--strict", "-o", "out", "-q"],
            vec![cmd, "missing.jsonl", "-o", "out", "-q"],
        ] {
            let r = env.run(&args);
            assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
            assert_eq!(snapshot(&env.path("out")).unwrap(), before, "{args:?}");
        }
        assert_eq!(names(env.dir.path()), ["bad.jsonl", "good.jsonl", "out"]);
    }
}

#[test]
fn a_folder_of_other_files_is_refused_before_the_scan() {
    let env = Env::new();
    env.run(&["gen", "--records", "100", "-o", "a.jsonl"]);
    env.write("home/notes.txt", "keep");
    let r = env.run(&["report", "a.jsonl", "-o", "home"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("notes.txt"), "{}", r.stderr);
    assert_eq!(names(&env.path("home")), ["notes.txt"]);
    // The current directory is never swapped away.
    let r = env.run(&["sli", "a.jsonl", "-o", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("give it a name"), "{}", r.stderr);
    assert_eq!(names(env.dir.path()), ["a.jsonl", "home"]);
    // A folder an earlier version wrote (known files, no marker) is replaced whole.
    env.write("old/sli.csv", "bucket\n");
    env.write("old/cost.csv", "bucket\n");
    let r = env.run(&["sli", "a.jsonl", "-o", "old", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        names(&env.path("old")),
        [".logwarden-output", "skipped.csv", "sli.csv"]
    );
}

#[test]
fn a_linked_output_folder_is_replaced_behind_its_link() {
    let env = Env::new();
    env.run(&["gen", "--records", "100", "-o", "a.jsonl"]);
    std::fs::create_dir(env.path("2026-12-01")).unwrap();
    std::os::unix::fs::symlink("2026-12-01", env.path("current")).unwrap();
    let r = env.run(&["sli", "a.jsonl", "-o", "current", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::symlink_metadata(env.path("current"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(env.path("2026-12-01/sli.csv").is_file());
}

#[test]
fn a_killed_export_is_never_read_by_the_documented_globs() {
    let env = Env::new();
    let r = env.run(&["gen", "--records", "30000", "-o", "big.jsonl"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut rng = Rng(42);
    for _ in 0..4 {
        let mut child = logwarden(
            &env,
            &["export", "big.jsonl", "-o", "requests/shard=1", "-q"],
        )
        .spawn()
        .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(rng.below(1500)));
        let _ = child.kill();
        let _ = child.wait();
        // The union query of docs/scaling.md and the per-export glob of docs/commands/export.md.
        let root = env.path("requests");
        for pattern in ["*/*/*.parquet", "shard=1/*/*.parquet", "*/*/*.csv"] {
            let full = format!("{}/{pattern}", root.display());
            for hit in glob::glob(&full).unwrap() {
                let hit = hit.unwrap();
                let rel = hit
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                assert!(rel.starts_with("shard=1/date="), "{pattern} reads {rel}");
            }
        }
    }
    let r = env.run(&["export", "big.jsonl", "-o", "requests/shard=1", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(names(&env.path("requests")), ["shard=1"]);
}
