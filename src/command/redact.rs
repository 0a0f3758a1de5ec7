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
/// argument; else under `-o DIR`, mirroring each file's path relative to the input that named it
/// (one directory input: `DIR/<path inside it>`; several inputs: `DIR/<directory name>/<path
/// inside it>`, a file named directly or matched by a glob as `DIR/<file name>`, or its path
/// under the glob's literal folder); stdin goes to `DIR/stdin.jsonl`, or to stdout without `-o`.
/// Two inputs whose copies would land on one path are an error, before anything is written.
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
    let mut taken: std::collections::HashMap<PathBuf, &str> = std::collections::HashMap::new();
    let mut dests = Vec::with_capacity(sources.len());
    for s in sources {
        let rel = match &s.path {
            None => PathBuf::from("stdin.jsonl"),
            Some(p) => relative_copy_path(p, inputs),
        };
        if let Some(other) = taken.insert(rel.clone(), &s.name) {
            bail!(
                "{} and {}: both would be copied to {}; redact them in separate runs or name their common folder",
                other,
                s.name,
                out.join(&rel).display()
            );
        }
        dests.push(Some(out.join(rel)));
    }
    Ok(dests)
}

/// The path of a file's copy under the output folder (see [`destinations`]).
fn relative_copy_path(p: &Path, inputs: &[String]) -> PathBuf {
    let normal = |q: &Path| -> PathBuf {
        q.components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect()
    };
    let several = inputs.len() > 1;
    for input in inputs {
        let base = Path::new(input);
        let is_glob = input.contains(['*', '?', '[']);
        let base = if is_glob {
            // The literal folder before the first component with a glob character.
            base.components()
                .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
                .collect::<PathBuf>()
        } else if base.is_dir() {
            base.to_path_buf()
        } else {
            continue;
        };
        if let Ok(inside) = p.strip_prefix(&base) {
            let inside = normal(inside);
            if inside.as_os_str().is_empty() {
                continue;
            }
            let name = normal(&base);
            return match name.file_name() {
                Some(dir) if several && !is_glob => Path::new(dir).join(inside),
                _ => inside,
            };
        }
    }
    // A file named directly.
    p.file_name().map_or_else(|| normal(p), PathBuf::from)
}

/// Runs the redaction.
pub fn run(req: &RedactRequest) -> anyhow::Result<Outcome> {
    let common = &req.common;
    crate::pii::warm_up(&common.config.pii);
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

#[cfg(test)]
mod copy_path_tests {
    use super::relative_copy_path;
    use std::path::{Path, PathBuf};

    #[test]
    fn copies_mirror_paths_relative_to_their_input() {
        let dir = std::env::temp_dir().join(format!("lw-redact-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("logs/sub")).unwrap();
        let logs = dir.join("logs").to_string_lossy().to_string();
        let file = dir.join("logs/sub/a.jsonl");
        // One directory, named by an absolute path: the path inside it.
        assert_eq!(
            relative_copy_path(&file, std::slice::from_ref(&logs)),
            PathBuf::from("sub/a.jsonl")
        );
        // Several inputs: the directory's name first; a file named directly by its name.
        let other = dir.join("b.jsonl").to_string_lossy().to_string();
        let inputs = [logs.clone(), other.clone()];
        assert_eq!(
            relative_copy_path(&file, &inputs),
            PathBuf::from("logs/sub/a.jsonl")
        );
        assert_eq!(
            relative_copy_path(Path::new(&other), &inputs),
            PathBuf::from("b.jsonl")
        );
        // A glob: the path under its literal folder.
        let glob = format!("{logs}/**/*.jsonl");
        assert_eq!(
            relative_copy_path(&file, &[glob]),
            PathBuf::from("sub/a.jsonl")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
