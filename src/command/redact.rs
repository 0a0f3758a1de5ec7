//! `logwarden redact`: writes a sanitized copy of each input (same lines, PII replaced),
//! compressed like its input, staged and renamed into place; it never writes over an input.

use super::{Common, Outcome};
use crate::input::{
    open_file, open_stream, ordered_batches, split_chunks, BlockReader, Encoding, Source,
};
use crate::output::{AtomicFile, OutputSet};
use crate::pii::RedactMode;
use crate::redact::{RedactStats, Redactor};
use crate::skip::thousands;
use anyhow::{bail, Context};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// What `redact` was asked for.
#[derive(Debug, Clone)]
pub struct RedactRequest {
    pub common: Common,
    pub mode: RedactMode,
}

/// An output stream, compressed like the file name says.
enum Sink {
    Plain(AtomicFile),
    Gzip(flate2::write::GzEncoder<AtomicFile>),
    Zstd(zstd::stream::write::Encoder<'static, AtomicFile>),
}

impl Sink {
    fn create(path: &Path) -> anyhow::Result<Sink> {
        let file = AtomicFile::create(path)?;
        Ok(match crate::input::encoding_of(path) {
            Encoding::Plain => Sink::Plain(file),
            Encoding::Gzip => Sink::Gzip(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::default(),
            )),
            Encoding::Zstd => Sink::Zstd(zstd::stream::write::Encoder::new(file, 3)?),
        })
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Plain(f) => f,
            Sink::Gzip(e) => e,
            Sink::Zstd(e) => e,
        }
    }

    fn finish(self) -> io::Result<AtomicFile> {
        match self {
            Sink::Plain(f) => Ok(f),
            Sink::Gzip(e) => e.finish(),
            Sink::Zstd(e) => e.finish(),
        }
    }
}

/// Where each source's copy goes: `-o FILE` for a single input that is not a directory
/// argument, else `-o DIR/<input path>`; stdin without `-o` goes to stdout.
fn destinations(
    sources: &[Source],
    inputs: &[String],
    output: Option<&Path>,
) -> anyhow::Result<Vec<Option<PathBuf>>> {
    let Some(out) = output else {
        if sources.len() == 1 && sources[0].path.is_none() {
            return Ok(vec![None]);
        }
        bail!("redact needs -o FILE_OR_DIR (only standard input may go to standard output)");
    };
    let single_file = sources.len() == 1
        && inputs.len() == 1
        && !Path::new(&inputs[0]).is_dir()
        && !out.is_dir()
        && !out.as_os_str().to_string_lossy().ends_with('/');
    if single_file {
        return Ok(vec![Some(out.to_path_buf())]);
    }
    Ok(sources
        .iter()
        .map(|s| {
            let rel: PathBuf = match &s.path {
                None => PathBuf::from("stdin.jsonl"),
                Some(p) => p
                    .components()
                    .filter(|c| matches!(c, Component::Normal(_)))
                    .collect(),
            };
            Some(out.join(rel))
        })
        .collect())
}

/// Runs the redaction.
pub fn run(req: &RedactRequest) -> anyhow::Result<Outcome> {
    let common = &req.common;
    let setup = super::pii::PiiSetup::new(&common.config.pii)?;
    let sources = super::sources(common)?;
    let dests = destinations(&sources, &common.inputs, common.output.as_deref())?;
    // Never write over an input, whatever path spelling reaches it.
    for (s, d) in sources.iter().zip(&dests) {
        if let (Some(src), Some(dst)) = (&s.path, d) {
            if let (Ok(a), Ok(b)) = (src.canonicalize(), dst.canonicalize()) {
                if a == b {
                    bail!(
                        "{}: refusing to write the sanitized copy over its input",
                        dst.display()
                    );
                }
            }
        }
    }
    let redactor = Redactor {
        detectors: &setup.detectors,
        fingerprints: &setup.fingerprints,
        mode: req.mode,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(common.scan.threads)
        .build()?;
    let mut set = OutputSet::new();
    let mut total = RedactStats::default();
    for (source, dest) in sources.iter().zip(dests) {
        let stats = match dest {
            Some(path) => {
                let mut sink = Sink::create(&path)?;
                let stats = pool
                    .install(|| redact_source(source, &redactor, common, sink.writer()))
                    .with_context(|| source.name.clone())?;
                let file = sink.finish().with_context(|| path.display().to_string())?;
                set.add_file(file)?;
                stats
            }
            None => {
                let mut out = io::BufWriter::with_capacity(1 << 20, io::stdout());
                let stats = pool.install(|| redact_source(source, &redactor, common, &mut out));
                match stats.and_then(|s| out.flush().map(|_| s)) {
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                        return Ok(Outcome::default())
                    }
                    r => r.context("stdout")?,
                }
            }
        };
        total.add(stats);
    }
    set.commit()?;
    if !common.quiet {
        eprintln!(
            "logwarden: redacted {} findings in {} of {} lines ({} lines were not JSON and were redacted as text)",
            thousands(total.findings),
            thousands(total.lines_changed),
            thousands(total.lines),
            thousands(total.raw_lines)
        );
    }
    Ok(Outcome {
        findings: total.findings > 0,
        ..Outcome::default()
    })
}

/// Redacts one source into `out`, a batch of chunks at a time in parallel, written in order.
fn redact_source(
    source: &Source,
    r: &Redactor<'_>,
    common: &Common,
    out: &mut dyn Write,
) -> io::Result<RedactStats> {
    let batch = rayon::current_num_threads().max(1) * 4;
    let mut total = RedactStats::default();
    let redact = |data: &[u8], at_file_start: bool| {
        let mut v = Vec::with_capacity(data.len() + 64);
        let s = r.redact_lines(data, at_file_start, &mut v);
        (v, s)
    };
    let mut write = |(bytes, stats): (Vec<u8>, RedactStats)| -> io::Result<()> {
        out.write_all(&bytes)?;
        total.add(stats);
        Ok(())
    };
    if !source.is_stream() {
        let bytes = open_file(source.path.as_deref().expect("plain sources have a path"))?;
        let chunks = split_chunks(0, &bytes, common.scan.chunk_bytes);
        ordered_batches(
            &chunks,
            batch,
            |c| redact(c.data, c.at_file_start),
            |_, r| write(r),
        )?;
        if bytes.truncated() {
            return Err(io::Error::other("the file was truncated while being read"));
        }
    } else {
        let mut blocks = BlockReader::new(
            open_stream(source)?,
            common.scan.chunk_bytes,
            common.scan.max_line_bytes,
        );
        loop {
            let pending = blocks.next_batch(batch)?;
            if pending.is_empty() {
                break;
            }
            ordered_batches(
                &pending,
                batch,
                |b| redact(&b.data, b.at_file_start),
                |_, r| write(r),
            )?;
        }
    }
    Ok(total)
}
