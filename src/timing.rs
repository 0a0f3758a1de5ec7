//! Phase timings for benchmarking: with `LOGWARDEN_TIMINGS=1` in the environment, a run prints
//! `timing <seconds since the first phase> <phase>` lines on stderr at the steps of a report
//! run (scan, state decode, finish, outputs, state saved), so that BENCHMARKS.md can say
//! where a run's time goes. The lines name phases only, never input content.

use std::sync::OnceLock;
use std::time::Instant;

/// Prints the time since the run's first phase, and `name`, when timings are asked for.
pub fn phase(name: &str) {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    let start = START.get_or_init(|| {
        std::env::var_os("LOGWARDEN_TIMINGS")
            .filter(|v| !v.is_empty() && v != "0")
            .map(|_| Instant::now())
    });
    if let Some(s) = start {
        eprintln!("timing {:>8.3} {name}", s.elapsed().as_secs_f64());
    }
}
