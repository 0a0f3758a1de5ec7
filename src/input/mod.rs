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
    /// True for a FIFO, a device or another file that is not a regular file: read as a stream
    /// (like standard input), never mapped nor read whole.
    pub special: bool,
}

impl Source {
    /// True when the source is read as a stream rather than memory-mapped.
    pub fn is_stream(&self) -> bool {
        self.path.is_none() || self.special || self.encoding != Encoding::Plain
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
        "{0}: no log files in this directory (*.jsonl, *.ndjson, *.json, *.log, also rotated .1, -YYYYMMDD, and .gz/.zst){1}"
    )]
    EmptyDir(String, String),
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

/// A file name without the suffix logrotate adds to a rotated file: `.N` (numbered), or
/// `-YYYYMMDD`, `-YYYYMMDDHH`, `-YYYY-MM-DD` (`dateext`).
fn strip_rotation(name: &str) -> &str {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some((stem, n)) = name.rsplit_once('.') {
        if all_digits(n) && n.len() <= 6 {
            return stem;
        }
    }
    if let Some((stem, date)) = name.rsplit_once('-') {
        if all_digits(date) && (date.len() == 8 || date.len() == 10) {
            return stem;
        }
    }
    // -YYYY-MM-DD: the last 11 bytes.
    if name.len() > 11 {
        let (stem, tail) = name.split_at(name.len() - 11);
        let b = tail.as_bytes();
        if b[0] == b'-'
            && b[5] == b'-'
            && b[8] == b'-'
            && [&tail[1..5], &tail[6..8], &tail[9..11]]
                .iter()
                .all(|p| all_digits(p))
        {
            return stem;
        }
    }
    name
}

/// True for names a directory walk picks up: `*.jsonl`, `*.ndjson`, `*.json`, `*.log`, each
/// also rotated (`.1`, `-20261201`) and with `.gz` or `.zst`.
fn is_log_name(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(name);
    let name = strip_rotation(name);
    LOG_EXTENSIONS.iter().any(|ext| {
        name.len() > ext.len() + 1
            && name.ends_with(ext)
            && name[..name.len() - ext.len()].ends_with('.')
    })
}

/// Which files a directory walk or a glob reads: `--include` globs (when given, instead of the
/// log-name rule) and `--exclude` globs, matched against a file's name and its path relative
/// to the directory or glob base it was found under. Files named on the command line are
/// always read.
#[derive(Debug, Clone, Default)]
pub struct FileFilter {
    pub include: Vec<glob::Pattern>,
    pub exclude: Vec<glob::Pattern>,
}

impl FileFilter {
    /// Compiles `--include` and `--exclude` patterns.
    pub fn new(include: &[String], exclude: &[String]) -> Result<FileFilter, InputError> {
        let compile = |pats: &[String]| -> Result<Vec<glob::Pattern>, InputError> {
            pats.iter()
                .map(|p| {
                    glob::Pattern::new(p)
                        .map_err(|e| InputError::BadGlob(p.clone(), e.msg.to_string()))
                })
                .collect()
        };
        Ok(FileFilter {
            include: compile(include)?,
            exclude: compile(exclude)?,
        })
    }

    /// Why a found file is not read, or `None` when it is.
    fn rejects(&self, path: &Path, rel: &Path) -> Option<NotReadReason> {
        let opts = glob::MatchOptions {
            require_literal_separator: true,
            ..Default::default()
        };
        let name = path.file_name().map(Path::new).unwrap_or(path);
        let hit =
            |p: &glob::Pattern| p.matches_path_with(name, opts) || p.matches_path_with(rel, opts);
        if let Some(p) = self.exclude.iter().find(|p| hit(p)) {
            return Some(NotReadReason::Excluded(p.as_str().to_string()));
        }
        if self.include.is_empty() {
            (!is_log_name(path)).then_some(NotReadReason::NotLogName)
        } else {
            (!self.include.iter().any(hit)).then_some(NotReadReason::NotIncluded)
        }
    }
}

/// Why a file found in a directory or by a glob was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReadReason {
    /// Its name is not a log file name (and no `--include` was given).
    NotLogName,
    /// `--include` was given and matches none of its names.
    NotIncluded,
    /// An `--exclude` pattern matched it.
    Excluded(String),
    /// A symbolic link to a directory inside a directory walk (not followed).
    LinkedDirectory,
    /// A symbolic link back to a directory being walked.
    SymlinkCycle,
    /// A compressed file of 0 bytes (nothing to decompress).
    EmptyCompressed,
    /// A FIFO, socket or device found by a walk (only read when named).
    NotRegular,
    /// Its metadata could not be read.
    Unreadable(String),
}

impl std::fmt::Display for NotReadReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReadReason::NotLogName => {
                f.write_str("not a log file name (choose files with --include)")
            }
            NotReadReason::NotIncluded => f.write_str("matched by no --include"),
            NotReadReason::Excluded(p) => write!(f, "excluded by --exclude {p}"),
            NotReadReason::LinkedDirectory => {
                f.write_str("symbolic link to a directory, not followed (name it to read it)")
            }
            NotReadReason::SymlinkCycle => f.write_str("symbolic link cycle"),
            NotReadReason::EmptyCompressed => f.write_str("empty compressed file (0 bytes)"),
            NotReadReason::NotRegular => {
                f.write_str("not a regular file (a FIFO or device is read only when named)")
            }
            NotReadReason::Unreadable(e) => write!(f, "cannot read: {e}"),
        }
    }
}

/// A file found but not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRead {
    pub path: String,
    pub reason: NotReadReason,
}

/// The inputs of a run: the sources to read, in order, the files found but not read, and the
/// inputs that named a file already read (each a name and the name it was first read under).
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub sources: Vec<Source>,
    pub not_read: Vec<NotRead>,
    pub duplicates: Vec<(String, String)>,
}

impl Discovery {
    /// The stderr lines about inputs: files found but not read (by reason, a few named), and
    /// inputs named twice.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.not_read.is_empty() {
            let mut by_reason: Vec<(String, Vec<&str>)> = Vec::new();
            for n in &self.not_read {
                let reason = n.reason.to_string();
                match by_reason.iter_mut().find(|(r, _)| *r == reason) {
                    Some((_, v)) => v.push(&n.path),
                    None => by_reason.push((reason, vec![&n.path])),
                }
            }
            let parts: Vec<String> = by_reason
                .iter()
                .map(|(r, paths)| {
                    let shown = paths[..paths.len().min(3)].join(", ");
                    let more = if paths.len() > 3 {
                        format!(" and {} more", paths.len() - 3)
                    } else {
                        String::new()
                    };
                    format!("{} {r} ({shown}{more})", paths.len())
                })
                .collect();
            out.push(format!(
                "found but did not read {} file{}: {}",
                self.not_read.len(),
                if self.not_read.len() == 1 { "" } else { "s" },
                parts.join("; ")
            ));
        }
        if !self.duplicates.is_empty() {
            let shown: Vec<String> = self
                .duplicates
                .iter()
                .take(3)
                .map(|(dup, first)| format!("{dup} is {first}"))
                .collect();
            let more = if self.duplicates.len() > 3 {
                format!(" and {} more", self.duplicates.len() - 3)
            } else {
                String::new()
            };
            out.push(format!(
                "{} input{} named a file already read, read once: {}{more}",
                self.duplicates.len(),
                if self.duplicates.len() == 1 { "" } else { "s" },
                shown.join(", ")
            ));
        }
        out
    }

    /// `summary.json`'s list of files found but not read.
    pub fn not_read_json(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.not_read
                .iter()
                .map(|n| serde_json::json!({"file": n.path, "reason": n.reason.to_string()}))
                .collect(),
        )
    }
}

/// The identity of a file on its device, so one file reached by several names is read once.
#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_: &fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Collects sources while discovering, reading each file once.
struct Collector<'a> {
    filter: &'a FileFilter,
    out: Discovery,
    seen: std::collections::HashMap<(u64, u64), String>,
    seen_paths: std::collections::HashSet<PathBuf>,
}

impl Collector<'_> {
    /// Adds a file (followed if a link) unless it was read already under another name.
    fn add_file(&mut self, path: PathBuf, meta: &fs::Metadata, named: bool) {
        let name = path.display().to_string();
        if let Some(id) = identity(meta) {
            if let Some(first) = self.seen.get(&id) {
                self.out.duplicates.push((name, first.clone()));
                return;
            }
            self.seen.insert(id, name.clone());
        } else if !self.seen_paths.insert(path.clone()) {
            self.out.duplicates.push((name.clone(), name));
            return;
        }
        let encoding = encoding_of(&path);
        let special = !meta.is_file();
        if !named && special {
            self.skip(name, NotReadReason::NotRegular);
            return;
        }
        if meta.is_file() && meta.len() == 0 && encoding != Encoding::Plain {
            self.skip(name, NotReadReason::EmptyCompressed);
            return;
        }
        self.out.sources.push(Source {
            name,
            path: Some(path),
            encoding,
            special,
        });
    }

    fn skip(&mut self, path: String, reason: NotReadReason) {
        self.out.not_read.push(NotRead { path, reason });
    }

    /// Walks a directory (sorted, recursively). Symbolic links to files are followed; links to
    /// directories are not (a named directory, or a `**` glob, reads what they point to).
    fn walk(&mut self, root: &Path, dir: &Path) -> Result<(), InputError> {
        let name = dir.display().to_string();
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .map_err(|e| InputError::Io(name.clone(), e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        // Sorted so that the order of files, and so every output, is the same on every run.
        entries.sort();
        for path in entries {
            let Ok(link_meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if link_meta.is_dir() {
                self.walk(root, &path)?;
                continue;
            }
            let meta = if link_meta.file_type().is_symlink() {
                match fs::metadata(&path) {
                    Ok(m) if m.is_dir() => {
                        self.skip(path.display().to_string(), NotReadReason::LinkedDirectory);
                        continue;
                    }
                    Ok(m) => m,
                    Err(e) => {
                        self.skip(
                            path.display().to_string(),
                            NotReadReason::Unreadable(e.to_string()),
                        );
                        continue;
                    }
                }
            } else {
                link_meta
            };
            let rel = path.strip_prefix(root).unwrap_or(&path);
            if let Some(reason) = self.filter.rejects(&path, rel) {
                self.skip(path.display().to_string(), reason);
                continue;
            }
            self.add_file(path, &meta, false);
        }
        Ok(())
    }

    /// Expands a glob pattern by walking from its literal base, following symbolic links to
    /// directories but never into a directory already on the current path (a cycle). A
    /// directory the pattern matches is walked as a named directory.
    fn expand_glob(&mut self, arg: &str) -> Result<(), InputError> {
        let pattern =
            glob::Pattern::new(arg).map_err(|e| InputError::BadGlob(arg.into(), e.msg.into()))?;
        let opts = glob::MatchOptions {
            require_literal_separator: true,
            require_literal_leading_dot: false,
            case_sensitive: true,
        };
        // The base: the leading components without a wildcard.
        let mut base = PathBuf::new();
        let mut rest = 0usize;
        let comps: Vec<&str> = arg.split('/').collect();
        for (i, c) in comps.iter().enumerate() {
            if c.contains(['*', '?', '[']) {
                rest = comps.len() - i;
                break;
            }
            base.push(if c.is_empty() && i == 0 { "/" } else { c });
        }
        let deep = arg.contains("**");
        let start = if base.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            base.clone()
        };
        let strip_dot = base.as_os_str().is_empty();
        let mut matched = Vec::new();
        let mut ancestors = Vec::new();
        glob_walk(
            &start,
            strip_dot,
            rest,
            deep,
            &pattern,
            opts,
            &mut ancestors,
            &mut matched,
            &mut self.out.not_read,
        );
        let before = self.out.sources.len() + self.out.duplicates.len();
        for (p, meta) in matched {
            if meta.is_dir() {
                self.walk(&p, &p)?;
            } else {
                let rel = p.strip_prefix(&start).unwrap_or(&p).to_path_buf();
                // Exclusions apply to glob matches too; the pattern itself is the inclusion.
                let reason = self.filter.rejects(&p, &rel);
                match reason {
                    Some(r @ NotReadReason::Excluded(_)) => self.skip(p.display().to_string(), r),
                    _ => self.add_file(p, &meta, false),
                }
            }
        }
        if self.out.sources.len() + self.out.duplicates.len() == before {
            return Err(InputError::NoMatch(arg.to_string()));
        }
        Ok(())
    }
}

/// The recursive part of `expand_glob`: collects the paths under `dir` the pattern matches, in
/// sorted order. `depth` is how many more components a pattern without `**` can match.
#[allow(clippy::too_many_arguments)]
fn glob_walk(
    dir: &Path,
    strip_dot: bool,
    depth: usize,
    deep: bool,
    pattern: &glob::Pattern,
    opts: glob::MatchOptions,
    ancestors: &mut Vec<(u64, u64)>,
    matched: &mut Vec<(PathBuf, fs::Metadata)>,
    not_read: &mut Vec<NotRead>,
) {
    if !deep && depth == 0 {
        return;
    }
    let Ok(dir_meta) = fs::metadata(dir) else {
        return;
    };
    let id = identity(&dir_meta);
    if let Some(id) = id {
        if ancestors.contains(&id) {
            not_read.push(NotRead {
                path: dir.display().to_string(),
                reason: NotReadReason::SymlinkCycle,
            });
            return;
        }
        ancestors.push(id);
    }
    let Ok(read) = fs::read_dir(dir) else {
        if id.is_some() {
            ancestors.pop();
        }
        return;
    };
    let mut entries: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let shown = if strip_dot {
            path.strip_prefix(".")
                .map(Path::to_path_buf)
                .unwrap_or(path)
        } else {
            path
        };
        let Ok(meta) = fs::metadata(&shown) else {
            continue;
        };
        if pattern.matches_path_with(&shown, opts) {
            matched.push((shown, meta));
            continue;
        }
        if meta.is_dir() {
            glob_walk(
                &shown,
                false,
                depth.saturating_sub(1),
                deep,
                pattern,
                opts,
                ancestors,
                matched,
                not_read,
            );
        }
    }
    if id.is_some() {
        ancestors.pop();
    }
}

/// Resolves the command line's inputs into sources, in argument order (directory contents and
/// glob matches sorted by path), reading every log file of a directory. A file named twice is
/// read once.
pub fn discover(inputs: &[String]) -> Result<Vec<Source>, InputError> {
    Ok(discover_with(inputs, &FileFilter::default())?.sources)
}

/// Resolves the inputs as `discover` does, choosing the files of directories and globs with
/// `filter`, and says which files were found but not read and which inputs named a file
/// already read (same device and inode, whatever the path).
pub fn discover_with(inputs: &[String], filter: &FileFilter) -> Result<Discovery, InputError> {
    if inputs.is_empty() {
        return Err(InputError::Empty);
    }
    let mut c = Collector {
        filter,
        out: Discovery::default(),
        seen: Default::default(),
        seen_paths: Default::default(),
    };
    for arg in inputs {
        if arg == "-" {
            c.out.sources.push(Source {
                name: "-".into(),
                path: None,
                encoding: Encoding::Plain,
                special: true,
            });
            continue;
        }
        let path = Path::new(arg);
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let (before, skipped) = (c.out.sources.len(), c.out.not_read.len());
                let dups = c.out.duplicates.len();
                c.walk(path, path)?;
                if c.out.sources.len() == before && c.out.duplicates.len() == dups {
                    let seen = c.out.not_read.len() - skipped;
                    let why = if seen > 0 {
                        format!(
                            "; found {seen} other file{} (see --include)",
                            if seen == 1 { "" } else { "s" }
                        )
                    } else {
                        String::new()
                    };
                    return Err(InputError::EmptyDir(arg.clone(), why));
                }
            }
            Ok(meta) => c.add_file(path.to_path_buf(), &meta, true),
            Err(_) if arg.contains(['*', '?', '[']) => c.expand_glob(arg)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(InputError::NotFound(arg.clone()))
            }
            Err(e) => return Err(InputError::Io(arg.clone(), e)),
        }
    }
    Ok(c.out)
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
/// during the run are not read. Files that cannot be mapped (empty files, file systems without
/// mmap) are read into memory instead; pipes and devices never come here (they are streamed).
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
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (it is read as a stream)",
        ));
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
            "requests.jsonl.1",
            "requests.jsonl.12.gz",
            "app.log.3",
            "app.log-20261201",
            "app.log-2026120113.gz",
            "app.log-2026-12-01.zst",
        ] {
            assert!(is_log_name(Path::new(ok)), "{ok}");
        }
        for no in [
            "a.txt",
            "jsonl",
            "a.csv.gz",
            "a.jsonlx",
            ".log",
            "a.csv.1",
            "notes.txt-20261201",
            "a.log-2026",
        ] {
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
