//! `logwarden gen`: deterministic, realistic AI-service request logs (JSONL) with planted PII,
//! incidents, a release regression and quality drift, for tests, samples and benchmarks.
//! Each record depends only on `(config, index)`, so output never depends on thread count.

mod clock;
mod decoy;
mod finance;
mod json;
mod national;
mod people;
mod phones;
mod pii;
mod plant;
mod record;
mod rng;
mod scenario;
mod secrets;
mod templates;
mod text;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_stories;

use rayon::prelude::*;
use scenario::Scenario;
use std::io::{self, Write};

/// Epoch seconds of 2026-10-26T00:00:00Z (a Monday), the CLI's default start.
pub const DEFAULT_START: i64 = clock::days_from_civil(2026, 10, 26) * 86_400;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenConfig {
    /// Number of JSONL lines to write.
    pub records: u64,
    /// Seed of every random choice; the same config always yields the same bytes.
    pub seed: u64,
    /// Number of days the records are spread over with a daily and weekly traffic shape.
    pub days: u32,
    /// Epoch seconds (UTC) of 00:00 on the first day.
    pub start: i64,
    /// Output shape.
    pub format: GenFormat,
    /// Optional planted cost spike.
    pub spike: Option<CostSpike>,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            records: 10_000,
            seed: 42,
            days: 28,
            start: DEFAULT_START,
            format: GenFormat::Native,
            spike: None,
        }
    }
}

/// Output shape of the generated lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GenFormat {
    /// logwarden's own record shape (see the module docs of the CLI for the field list).
    #[default]
    Native,
    /// Lines of an OpenAI Batch API output file (chat completions).
    OpenaiBatch,
}

/// A planted cost spike: one model's input tokens (and so cost) multiplied on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct CostSpike {
    /// 0-based day index.
    pub day: u32,
    /// Model name as written in records, e.g. `gpt-4o`.
    pub model: String,
    /// Multiplier applied to that model's input tokens on that day.
    pub factor: f64,
}

/// What a generation run produced and which stories it planted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GenSummary {
    /// Lines written.
    pub records: u64,
    /// Bytes written to the output.
    pub bytes: u64,
    /// 0-based day indices with a 5xx incident.
    pub incident_days: Vec<u32>,
    /// Release with the planted latency regression, if the run is long enough for one.
    pub regressed_version: Option<String>,
    /// Number of planted PII and secret values (rows of the truth file).
    pub pii_planted: u64,
}

/// Returns `(model, USD per 1M input tokens, USD per 1M output tokens)` for every model the
/// generator uses, so pricing tables can be checked against generated costs.
pub fn model_prices() -> Vec<(&'static str, f64, f64)> {
    scenario::MODELS
        .iter()
        .map(|m| (m.name, m.in_price, m.out_price))
        .collect()
}

/// Writes `cfg.records` JSONL lines to `out`. Deterministic for a given config, whatever the
/// number of threads (blocks are generated in parallel with rayon, each record seeded from
/// `(seed, index)`, and written in index order).
pub fn generate(cfg: &GenConfig, out: &mut dyn Write) -> io::Result<GenSummary> {
    run(cfg, out, None)
}

/// Like [`generate`], also writing the ground truth of every planted PII value to `truth` as
/// CSV with header `line,field,pii_type,value` (line 1-based; field a JSON path such as
/// `prompt`, `feedback.comment` or `metadata.messages[1].content`; value the raw planted
/// string, RFC 4180 quoted when needed). For tests only.
pub fn generate_with_truth(
    cfg: &GenConfig,
    out: &mut dyn Write,
    truth: &mut dyn Write,
) -> io::Result<GenSummary> {
    run(cfg, out, Some(truth))
}

/// Records per parallel work item; big enough to amortise scheduling, small enough to
/// keep a few blocks in flight within tens of megabytes.
const BLOCK: u64 = 1024;

struct Block {
    data: Vec<u8>,
    truth: String,
    pii: u64,
}

fn gen_block(sc: &Scenario, block: u64, want_truth: bool) -> Block {
    let lo = block * BLOCK;
    let hi = (lo + BLOCK).min(sc.records);
    let mut data = Vec::with_capacity((hi - lo) as usize * 3000);
    let mut truth = String::new();
    let mut pii = 0;
    for i in lo..hi {
        let r = record::build(sc, i);
        match sc.format {
            GenFormat::Native => json::write_native(sc, &r, &mut data),
            GenFormat::OpenaiBatch => json::write_batch(sc, &r, &mut data),
        }
        pii += r.truth.len() as u64;
        if want_truth {
            for t in &r.truth {
                plant::push_truth_row(&mut truth, i + 1, t);
            }
        }
    }
    Block { data, truth, pii }
}

fn run(
    cfg: &GenConfig,
    out: &mut dyn Write,
    mut truth: Option<&mut dyn Write>,
) -> io::Result<GenSummary> {
    let sc = Scenario::new(cfg)?;
    let want_truth = truth.is_some();
    if let Some(t) = truth.as_deref_mut() {
        t.write_all(b"line,field,pii_type,value\n")?;
    }
    let nblocks = sc.records.div_ceil(BLOCK);
    let per_batch = (rayon::current_num_threads() as u64 * 4).max(4);
    let mut summary = GenSummary {
        records: sc.records,
        incident_days: sc.incidents.iter().map(|i| i.day).collect(),
        regressed_version: sc.regressed.map(|r| sc.releases[r].name.clone()),
        ..GenSummary::default()
    };
    // Generate a batch of blocks in parallel on the caller's rayon pool, then write it in
    // order. Writing is a small fraction of the time, so overlapping it is not worth a
    // second thread (which would also escape a pool chosen with `ThreadPool::install`).
    let mut b = 0;
    while b < nblocks {
        let e = (b + per_batch).min(nblocks);
        let blocks: Vec<Block> = (b..e)
            .into_par_iter()
            .map(|k| gen_block(&sc, k, want_truth))
            .collect();
        for blk in blocks {
            out.write_all(&blk.data)?;
            summary.bytes += blk.data.len() as u64;
            summary.pii_planted += blk.pii;
            if let Some(t) = truth.as_deref_mut() {
                t.write_all(blk.truth.as_bytes())?;
            }
        }
        b = e;
    }
    out.flush()?;
    if let Some(t) = truth {
        t.flush()?;
    }
    Ok(summary)
}
