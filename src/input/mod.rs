//! Input: turns the command line's files, directories, globs and `-` into an ordered list of
//! sources, and each source into newline-aligned chunks of bytes (mapped or streamed); JSON
//! documents (a top-level array, pretty-printed objects) are streamed as JSON Lines.

mod chunk;
mod guard;
pub use guard::SLOTS as GUARDED_MAPS;
mod reshape;
mod stream;
pub use reshape::needs_reshape;

pub use chunk::{split_chunks, Chunk};

/// Maps `f` over `items` in parallel, `batch` items at a time, handing each result with its
/// item to `sink` in input order: results come out in a fixed order (so folds merge
/// deterministically and copies write in order) with at most one batch of them held at once.
/// Call it inside the thread pool that should do the work.
pub fn ordered_batches<T: Sync, R: Send, E>(
    items: &[T],
    batch: usize,
    f: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(&T, R) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    for group in items.chunks(batch.max(1)) {
        let results: Vec<R> = group.par_iter().map(&f).collect();
        for (item, r) in group.iter().zip(results) {
            sink(item, r)?;
        }
    }
    Ok(())
}
pub use stream::{open_records, open_stream, BlockReader, SNIFF_BYTES};

use std::fs;
use std::path::{Path, PathBuf};

/// How a source's bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Plain,
    Gzip,
    Zstd,
}

/// One input: a file (by path) or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The name used in reports and messages (the path as given or found, `-` for stdin).
    pub name: String,
    pub path: Option<PathBuf>,
    pub encoding: Encoding,
}

impl Source {
    /// True when the source is read as a stream rather than memory-mapped.
    pub fn is_stream(&self) -> bool {
        self.path.is_none() || self.encoding != Encoding::Plain
    }
}

/// An input argument that could not be turned into sources.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}: no such file or directory")]
    NotFound(String),
    #[error("{0}: the glob pattern matched no file")]
    NoMatch(String),
    #[error(
        "{0}: no log files in this directory (*.jsonl, *.ndjson, *.json, *.log, also .gz/.zst)"
    )]
    EmptyDir(String),
    #[error("{0}: invalid glob pattern: {1}")]
    BadGlob(String, String),
    #[error("{0}: cannot read: {1}")]
    Io(String, std::io::Error),
    #[error("no input given (pass files, directories, globs, or - for standard input)")]
    Empty,
}

const LOG_EXTENSIONS: [&str; 4] = ["jsonl", "ndjson", "json", "log"];

/// The encoding implied by a file name (`.gz`, `.zst`, else plain).
pub fn encoding_of(path: &Path) -> Encoding {
    match path.extension().and_then(|e| e.to_str()) {
        Some("gz") => Encoding::Gzip,
        Some("zst") | Some("zstd") => Encoding::Zstd,
        _ => Encoding::Plain,
    }
}

/// True for names a directory walk picks up: `*.jsonl`, `*.ndjson`, `*.json`, `*.log`, each
/// also with `.gz` or `.zst`.
fn is_log_name(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(name);
    LOG_EXTENSIONS.iter().any(|ext| {
        name.len() > ext.len() + 1
            && name.ends_with(ext)
            && name[..name.len() - ext.len()].ends_with('.')
    })
}

fn file_source(path: PathBuf) -> Source {
    Source {
        name: path.display().to_string(),
        encoding: encoding_of(&path),
        path: Some(path),
    }
}

fn walk(dir: &Path, out: &mut Vec<Source>) -> Result<(), InputError> {
    let name = dir.display().to_string();
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| InputError::Io(name.clone(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    // Sorted so that the order of files, and so every output, is the same on every run.
    entries.sort();
    for path in entries {
        // symlink_metadata: a directory walk does not follow links into other trees.
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, out)?;
        } else if is_log_name(&path) && (meta.is_file() || path.is_file()) {
            out.push(file_source(path));
        }
    }
    Ok(())
}

/// Resolves the command line's inputs into sources, in argument order (directory contents and
/// glob matches sorted by path). A file named twice is read once.
pub fn discover(inputs: &[String]) -> Result<Vec<Source>, InputError> {
    if inputs.is_empty() {
        return Err(InputError::Empty);
    }
    let mut out = Vec::new();
    for arg in inputs {
        if arg == "-" {
            out.push(Source {
                name: "-".into(),
                path: None,
                encoding: Encoding::Plain,
            });
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            let before = out.len();
            walk(path, &mut out)?;
            if out.len() == before {
                return Err(InputError::EmptyDir(arg.clone()));
            }
        } else if path.exists() {
            out.push(file_source(path.to_path_buf()));
        } else if arg.contains(['*', '?', '[']) {
            let paths =
                glob::glob(arg).map_err(|e| InputError::BadGlob(arg.clone(), e.msg.to_string()))?;
            let mut matched: Vec<PathBuf> = paths.filter_map(Result::ok).collect();
            matched.sort();
            let before = out.len();
            for p in matched {
                if p.is_dir() {
                    walk(&p, &mut out)?;
                } else {
                    out.push(file_source(p));
                }
            }
            if out.len() == before {
                return Err(InputError::NoMatch(arg.clone()));
            }
        } else {
            return Err(InputError::NotFound(arg.clone()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| s.path.is_none() || seen.insert(s.path.clone()));
    Ok(out)
}

/// The bytes of a plain file: memory-mapped when possible, else read into memory.
pub enum FileBytes {
    /// The guard is declared after the map so it is dropped (unregistered) first.
    Mapped(memmap2::Mmap, guard::Guard),
    Read(Vec<u8>),
}

impl FileBytes {
    /// True when the file shrank while mapped (its vanished pages were read as zeros).
    pub fn truncated(&self) -> bool {
        match self {
            FileBytes::Mapped(_, g) => g.truncated(),
            FileBytes::Read(_) => false,
        }
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m, _) => m,
            FileBytes::Read(v) => v,
        }
    }
}

/// Opens a plain file for chunked parallel scanning.
///
/// Mapping is an explicit `unsafe` choice: the kernel pages the file in on demand, so a 1 GB log
/// costs no copy and no heap. The mapping covers only the length seen at open, so bytes appended
/// during the run are not read. Files that cannot be mapped (pipes, special files, empty files)
/// are read into memory instead.
pub fn open_file(path: &Path) -> std::io::Result<FileBytes> {
    let file = fs::File::open(path)?;
    let meta = file.metadata()?;
    let len = meta.len();
    if meta.is_file() && len > 0 {
        // SAFETY: the map is read-only and no reference outlives it. A file truncated by
        // another process while mapped would fault on access: the guard turns that fault into
        // zero pages and a `truncated` flag (appending is harmless: we map `len` bytes).
        let map = unsafe { memmap2::MmapOptions::new().len(len as usize).map(&file) };
        if let Ok(map) = map {
            #[cfg(unix)]
            let _ = map.advise(memmap2::Advice::Sequential);
            let guard = guard::Guard::register(map.as_ptr(), map.len());
            return Ok(FileBytes::Mapped(map, guard));
        }
    }
    let mut buf = Vec::new();
    std::io::Read::read_to_end(&mut &file, &mut buf)?;
    Ok(FileBytes::Read(buf))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ordered_batches_keep_input_order_and_stop_at_an_error() {
        let items: Vec<u32> = (0..1000).collect();
        let mut seen = Vec::new();
        let r: Result<(), ()> = super::ordered_batches(
            &items,
            7,
            |x| x * 2,
            |x, y| {
                seen.push((*x, y));
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(seen, items.iter().map(|&x| (x, x * 2)).collect::<Vec<_>>());
        let mut n = 0;
        let r = super::ordered_batches(
            &items,
            0,
            |x| *x,
            |_, y| {
                n += 1;
                if y == 10 {
                    Err(y)
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!((r, n), (Err(10), 11));
    }

    use super::*;

    #[test]
    fn log_names() {
        for ok in [
            "a.jsonl",
            "a.ndjson",
            "x.json",
            "y.log",
            "a.jsonl.gz",
            "b.log.zst",
        ] {
            assert!(is_log_name(Path::new(ok)), "{ok}");
        }
        for no in ["a.txt", "jsonl", "a.csv.gz", "a.jsonlx", ".log"] {
            assert!(!is_log_name(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn discover_errors() {
        assert!(matches!(discover(&[]), Err(InputError::Empty)));
        assert!(matches!(
            discover(&["/nonexistent/x.jsonl".into()]),
            Err(InputError::NotFound(_))
        ));
        assert!(matches!(
            discover(&["/nonexistent/*.jsonl".into()]),
            Err(InputError::NoMatch(_))
        ));
    }
}
