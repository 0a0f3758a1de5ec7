//! A progress bar on stderr (bytes, throughput, ETA), shown only when asked for; the CLI asks
//! only when stderr is a terminal and `--quiet` is off, so cron output stays clean.

use crate::input::Source;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Creates a bar sized to the plain files' total length (streams add to it as they go).
    pub fn new(enabled: bool, sources: &[Source]) -> Progress {
        if !enabled {
            return Progress { bar: None };
        }
        let total: u64 = sources
            .iter()
            .filter_map(|s| s.path.as_ref())
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(4));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} ({msg} files)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(sources.len().to_string());
        Progress { bar: Some(bar) }
    }

    /// Sets the number of bytes processed so far.
    pub fn update(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            if b.length().is_some_and(|l| bytes > l) {
                b.set_length(bytes);
            }
            b.set_position(bytes);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
