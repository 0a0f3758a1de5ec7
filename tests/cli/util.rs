//! A tiny harness: a temp dir per test, the real binary, and CSV parsing helpers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// A scratch directory with helpers to run logwarden inside it.
pub struct Env {
    pub dir: tempfile::TempDir,
}

/// The result of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating parent dirs) and returns its path as a string.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> String {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    }

    /// Copies a fixture from tests/fixtures into the temp dir.
    pub fn fixture(&self, name: &str) -> String {
        let src = manifest_dir().join("tests/fixtures").join(name);
        self.write(
            name,
            std::fs::read(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display())),
        )
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs logwarden with `args` in the temp dir (no config discovery from elsewhere).
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_stdin(args, None)
    }

    pub fn run_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        self.run_with(args, stdin, &[])
    }

    /// Runs with extra environment variables.
    pub fn run_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        self.run_with(args, None, vars)
    }

    fn run_with(&self, args: &[&str], stdin: Option<&[u8]>, vars: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_logwarden"));
        cmd.args(args)
            .envs(vars.iter().copied())
            .current_dir(self.dir.path())
            .env_remove("LOGWARDEN_CONFIG")
            .env_remove("LOGWARDEN_PII_KEY")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn logwarden");
        if let Some(bytes) = stdin {
            use std::io::Write;
            let mut s = child.stdin.take().unwrap();
            let bytes = bytes.to_vec();
            std::thread::spawn(move || {
                let _ = s.write_all(&bytes);
            });
        }
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().unwrap();
        let run = Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        };
        assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
        run
    }
}

/// Parses CSV text into rows of column → value maps.
pub fn csv_rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .map(String::from)
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The header of CSV text.
pub fn csv_header(text: &str) -> Vec<String> {
    text.lines()
        .next()
        .unwrap_or("")
        .split(',')
        .map(String::from)
        .collect()
}

/// Asserts that a cell holds a number within 1e-9 relative of `want`.
pub fn assert_num(row: &HashMap<String, String>, col: &str, want: f64) {
    let got: f64 = row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col}={:?} is not a number", row[col]));
    let tol = 1e-9 * want.abs().max(1.0);
    assert!((got - want).abs() <= tol, "{col}: got {got}, want {want}");
}

/// The package directory, read when the tests run: cargo sets it then, and a test binary kept
/// fresh in a shared target directory may have been compiled in another clone (CI reuses one
/// target directory across clean clones, and `env!` would name the old, maybe deleted, clone).
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// True under CI (`CI` set and not `false`/`0`), where `.ci/run` installs every tool a test
/// needs: a missing tool is then a failure, never a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Leaves a test that needs a tool this machine lacks: a note outside CI, a failure in CI.
pub fn missing_tool(what: &str) {
    if in_ci() {
        panic!("{what} is missing, and CI must run this test (see .ci/run)");
    }
    eprintln!("skipping: {what} is missing (CI installs it; see .ci/run)");
}

/// The Python that has the test tools (`LOGWARDEN_PYTHON`, set by `.ci/run` to its venv), else
/// `python3`.
pub fn python() -> String {
    std::env::var("LOGWARDEN_PYTHON").unwrap_or_else(|_| "python3".to_string())
}
