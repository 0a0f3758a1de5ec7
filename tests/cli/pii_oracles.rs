//! `logwarden pii` against independent oracles, the reference libraries a security team would
//! check it with: python-stdnum for every checksum-validated type (`benches/pii_oracle.py`) and
//! Python `phonenumbers` (libphonenumber, the crate's metadata version) for phone numbers
//! (`benches/pii_phone_oracle.py`). Each bench exits 1 when recall falls below 0.99 or false
//! alarms rise above 0.01 outside the choices documented in docs/pii.md.

use crate::util::{manifest_dir, missing_tool, python, Env};

/// Runs `benches/<script>` with `args` for each seed; fails on its exit status. `module` is the
/// Python module it needs (a missing one fails in CI, see .ci/run).
fn oracle(script: &str, module: &str, args: &[&str], rows: usize) {
    let env = Env::new();
    let probe = std::process::Command::new(python())
        .args(["-c", &format!("import {module}")])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        missing_tool(&format!("python {module}"));
        return;
    }
    for seed in ["3", "4"] {
        let out = std::process::Command::new(python())
            .arg(manifest_dir().join("benches").join(script))
            .arg(env!("CARGO_BIN_EXE_logwarden"))
            .args(args)
            .args(["--seed", seed, "--dir"])
            .arg(env.path(&format!("oracle-{seed}")))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{script} seed {seed}:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(stdout.matches("\n| ").count(), rows + 1, "{stdout}");
    }
}

/// Values python-stdnum calls valid are found and one-character-changed copies it rejects are
/// not, for the 24 checksum types, but for the two issuer rules logwarden follows instead.
#[test]
fn checksum_types_agree_with_python_stdnum() {
    oracle("pii_oracle.py", "stdnum", &["--per-type", "60"], 24);
}

/// Numbers libphonenumber calls valid, in its E.164, international and national formats, are
/// found whole; one-digit-short impossible copies are not.
#[test]
fn phone_numbers_agree_with_libphonenumber() {
    oracle(
        "pii_phone_oracle.py",
        "phonenumbers",
        &["--per-region", "20"],
        3,
    );
}
