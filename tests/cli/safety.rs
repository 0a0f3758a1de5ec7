//! Output safety: a full disk gives exit 2 and leaves the previous report intact; outputs
//! replace symlinks instead of writing through them; a full stdout is an error, not a panic.

use crate::util::Env;
use std::process::Command;

/// Mounts a tmpfs of `size` at `dir`; false (with a note) where mounting is not allowed.
fn mount_tmpfs(dir: &std::path::Path, size: &str) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        crate::util::missing_tool("mounting a tmpfs (needs root)");
    }
    ok
}

/// Names, sizes and a checksum of the files in `dir`, sorted.
fn listing(dir: &std::path::Path) -> Vec<(String, usize, u64)> {
    let mut out: Vec<(String, usize, u64)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            let sum = bytes
                .iter()
                .fold(0u64, |h, &b| h.wrapping_mul(31).wrapping_add(b as u64));
            (
                e.file_name().to_string_lossy().into_owned(),
                bytes.len(),
                sum,
            )
        })
        .collect();
    out.sort();
    out
}

struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn disk_full_exit_2_and_previous_report_intact() {
    let env = Env::new();
    let fs = env.path("tiny");
    if !mount_tmpfs(&fs, "640k") {
        return;
    }
    let _guard = Unmount(fs.clone());
    env.run(&["gen", "--records", "40", "--seed", "2", "-o", "small.jsonl"]);
    env.run(&[
        "gen",
        "--records",
        "20000",
        "--seed",
        "2",
        "-o",
        "big.jsonl",
    ]);
    let out = fs.join("out");
    let out = out.to_str().unwrap();
    let first = env.run(&["report", "small.jsonl", "-o", out, "-q"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = listing(&fs.join("out"));
    let second = env.run(&["report", "big.jsonl", "-o", out, "-q"]);
    assert_eq!(second.code, 2, "the disk is full: {}", second.stderr);
    assert_eq!(second.stderr.lines().count(), 1, "{}", second.stderr);
    assert!(second.stderr.contains("No space left"), "{}", second.stderr);
    let after = listing(&fs.join("out"));
    assert_eq!(
        after, before,
        "the previous report is untouched and no temporary file remains"
    );
}

#[test]
fn outputs_replace_symlinks_instead_of_following_them() {
    let env = Env::new();
    let input = env.fixture("sli_basic.jsonl");
    env.write("victim.txt", "precious");
    std::fs::create_dir_all(env.path("out")).unwrap();
    std::os::unix::fs::symlink(env.path("victim.txt"), env.path("out/sli.csv")).unwrap();
    let run = env.run(&["sli", &input, "-o", "out", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.read("victim.txt"), "precious");
    let meta = std::fs::symlink_metadata(env.path("out/sli.csv")).unwrap();
    assert!(
        meta.file_type().is_file(),
        "the link was replaced by the report"
    );
}

#[test]
fn full_stdout_is_exit_2() {
    let env = Env::new();
    let input = env.fixture("sli_basic.jsonl");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_logwarden"))
        .args(["sli", &input, "-q"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
