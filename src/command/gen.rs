//! `logwarden gen`: writes deterministic sample logs to a file (atomically) or stdout.

use super::Outcome;
use crate::gen::{generate, generate_with_truth, GenConfig};
use crate::output::AtomicFile;
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

/// What `gen` was asked for.
#[derive(Debug, Clone)]
pub struct GenRequest {
    pub config: GenConfig,
    /// Where to write the planted PII ground truth (raw values; for tests).
    pub truth: Option<PathBuf>,
    /// Output file; stdout when absent.
    pub output: Option<PathBuf>,
}

/// Generates the logs.
pub fn run(req: &GenRequest) -> anyhow::Result<Outcome> {
    let mut truth = req.truth.as_deref().map(AtomicFile::create).transpose()?;
    match &req.output {
        Some(path) => {
            let mut file = AtomicFile::create(path)?;
            write_logs(&req.config, &mut file, truth.as_mut())?;
            file.commit()?;
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            let r =
                write_logs(&req.config, &mut out, truth.as_mut()).and_then(|_| Ok(out.flush()?));
            match r {
                // `logwarden gen | head` is a normal use.
                Err(e) if is_broken_pipe(&e) => return Ok(Outcome::default()),
                r => r?,
            }
        }
    }
    if let Some(t) = truth {
        t.commit()?;
    }
    Ok(Outcome::default())
}

fn write_logs(
    cfg: &GenConfig,
    out: &mut dyn Write,
    truth: Option<&mut AtomicFile>,
) -> anyhow::Result<()> {
    match truth {
        Some(t) => generate_with_truth(cfg, out, t),
        None => generate(cfg, out),
    }
    .map(|_| ())
    .context("gen")
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
