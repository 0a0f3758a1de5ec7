//! Incremental runs (`report --state DIR`): per input file, its identity and its folded state,
//! so the next run scans only what is new. An unchanged file (same content length and hashes of
//! its first and last 64 KiB) reuses its state, wherever it now lives and whatever its name (a
//! rotated file, renamed or compressed with the same content, is recognised and counted once);
//! a file that grew with the same bytes before its old end (ending in a complete line) is read
//! from there only; any other file is scanned again; a file gone from the inputs drops out.
//! The per-file states merge in input order exactly as shards do (`merge`), so the outputs equal
//! a full scan's. The state is written after the outputs, atomically, in a directory of mode
//! 0700.

use super::{Header, FORMAT_VERSION, MAGIC};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The state file inside `--state DIR`.
pub const STATE_FILE: &str = "report.state";

/// Bytes hashed at each end of a file.
pub const EDGE: u64 = 64 << 10;

/// What identifies a file's content, cheaply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Device and inode (0 where unknown), size on disk and modification time (ns): a
    /// compressed file whose four are unchanged is not decompressed again.
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i64,
    /// Length of the content (decompressed).
    pub len: u64,
    /// SHA-256 of the first `EDGE` bytes of the content, and of the last `EDGE` bytes.
    pub head: [u8; 32],
    pub tail: [u8; 32],
    /// Newlines in the content; the next line number is this plus one.
    pub newlines: u64,
    /// The content ends with a newline (so it may be resumed after its end).
    pub complete: bool,
}

/// One input file of the previous run: where it was, what it held, and its folded state (the
/// body of a one-file `report` state, without header).
#[derive(Debug, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub compressed: bool,
    pub id: Identity,
    #[serde(with = "byte_string")]
    pub body: Vec<u8>,
}

/// A `Vec<u8>` as one byte string: in postcard its length then its bytes, the same wire form
/// as a sequence of `u8` (so states written either way read alike), but copied in one piece
/// instead of byte by byte (the bodies are most of a state's bytes).
mod byte_string {
    use serde::de::{Error, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Bytes;
        impl<'de> Visitor<'de> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        d.deserialize_byte_buf(Bytes)
    }
}

/// The state of `--state DIR`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Index {
    pub files: Vec<FileEntry>,
}

/// How a file of this run was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    Reused,
    Resumed,
    Rescanned,
}

/// Hash of a byte range of an open file.
fn hash_range(f: &mut std::fs::File, start: u64, end: u64) -> std::io::Result<[u8; 32]> {
    f.seek(SeekFrom::Start(start))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut left = end.saturating_sub(start);
    while left > 0 {
        let want = left.min(buf.len() as u64) as usize;
        let n = f.read(&mut buf[..want])?;
        if n == 0 {
            return Err(std::io::Error::other("the file shrank while it was read"));
        }
        h.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(h.finalize().into())
}

/// Device, inode, size and modification time of a file.
fn stat(path: &Path) -> std::io::Result<(u64, u64, u64, i64)> {
    let m = std::fs::metadata(path)?;
    #[cfg(unix)]
    let (dev, ino) = {
        use std::os::unix::fs::MetadataExt;
        (m.dev(), m.ino())
    };
    #[cfg(not(unix))]
    let (dev, ino) = (0, 0);
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    Ok((dev, ino, m.len(), mtime))
}

/// The identity of a plain file (newlines counted only when `count` asks: a file to be
/// scanned; a reused file takes them from its entry).
pub fn plain_identity(path: &Path) -> std::io::Result<Identity> {
    let (dev, ino, size, mtime_ns) = stat(path)?;
    let mut f = std::fs::File::open(path)?;
    let head = hash_range(&mut f, 0, size.min(EDGE))?;
    let tail = hash_range(&mut f, size.saturating_sub(EDGE), size)?;
    let complete = size > 0 && {
        let mut last = [0u8; 1];
        f.seek(SeekFrom::Start(size - 1))?;
        f.read_exact(&mut last)?;
        last[0] == b'\n'
    };
    Ok(Identity {
        dev,
        ino,
        size,
        mtime_ns,
        len: size,
        head,
        tail,
        newlines: 0,
        complete,
    })
}

/// Counts the newlines of a byte range of a file.
pub fn count_newlines(path: &Path, start: u64) -> std::io::Result<u64> {
    let mut f = std::fs::File::open(path)?;
    f.seek(SeekFrom::Start(start))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let got = f.read(&mut buf)?;
        if got == 0 {
            return Ok(n);
        }
        n += memchr::memchr_iter(b'\n', &buf[..got]).count() as u64;
    }
}

/// The identity of a compressed file's content, read through `reader` (decompressing).
pub fn stream_identity(path: &Path, mut reader: impl Read) -> std::io::Result<Identity> {
    let (dev, ino, size, mtime_ns) = stat(path)?;
    let mut head = Sha256::new();
    let mut ring: std::collections::VecDeque<u8> = std::collections::VecDeque::new();
    let mut buf = vec![0u8; 1 << 20];
    let (mut len, mut newlines, mut last) = (0u64, 0u64, 0u8);
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        if len < EDGE {
            head.update(&chunk[..chunk.len().min((EDGE - len) as usize)]);
        }
        len += n as u64;
        newlines += memchr::memchr_iter(b'\n', chunk).count() as u64;
        last = chunk[n - 1];
        let keep = &chunk[n.saturating_sub(EDGE as usize)..];
        ring.extend(keep);
        while ring.len() > EDGE as usize {
            ring.pop_front();
        }
    }
    let (a, b) = ring.as_slices();
    let mut tail = Sha256::new();
    tail.update(a);
    tail.update(b);
    Ok(Identity {
        dev,
        ino,
        size,
        mtime_ns,
        len,
        head: head.finalize().into(),
        tail: tail.finalize().into(),
        newlines,
        complete: last == b'\n',
    })
}

/// True when two identities describe the same content.
pub fn same_content(a: &Identity, b: &Identity) -> bool {
    a.len == b.len && a.head == b.head && a.tail == b.tail && a.complete == b.complete
}

/// For a plain file now described by `now` at `path`: true when it holds `old`'s content
/// followed by more (so it can be read from `old.len` on).
pub fn grew_from(path: &Path, now: &Identity, old: &Identity) -> std::io::Result<bool> {
    if !old.complete || now.len <= old.len {
        return Ok(false);
    }
    let mut f = std::fs::File::open(path)?;
    Ok(hash_range(&mut f, 0, old.len.min(EDGE))? == old.head
        && hash_range(&mut f, old.len.saturating_sub(EDGE), old.len)? == old.tail)
}

/// Reads `DIR/report.state`: `Ok(None)` when there is none; `Err(line)` (for one stderr line)
/// when it is unusable, so the run rebuilds it.
pub fn load(dir: &Path, want: &Header) -> Result<Option<Index>, String> {
    let path = dir.join(STATE_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let name = path.display().to_string();
    let (header, body) = super::read_header(&name, &bytes).map_err(|e| e.to_string())?;
    super::check(&name, &header, want).map_err(|e| e.to_string())?;
    postcard::from_bytes(body)
        .map(Some)
        .map_err(|e| format!("{name}: the state is damaged: {e}"))
}

/// Creates `dir` (and its parents) if needed, mode 0700 from its creation on, and sets an
/// existing one to 0700: folded states hold masked findings and review excerpts, and the
/// state's work area holds the appended bytes of the logs while they are scanned.
pub fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// Writes `DIR/report.state` atomically (a temporary file renamed over it), `DIR` mode 0700.
pub fn save(dir: &Path, header: &Header, index: &Index) -> anyhow::Result<()> {
    use std::io::Write;
    make_private_dir(dir)?;
    debug_assert_eq!(header.format, FORMAT_VERSION);
    let mut bytes = MAGIC.to_vec();
    bytes = postcard::to_extend(header, bytes)?;
    bytes = postcard::to_extend(index, bytes)?;
    let mut f = crate::output::AtomicFile::create(&dir.join(STATE_FILE))?;
    f.write_all(&bytes)?;
    f.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body: Vec<u8>) -> FileEntry {
        FileEntry {
            name: "a.jsonl".into(),
            compressed: false,
            id: Identity {
                dev: 1,
                ino: 2,
                size: 3,
                mtime_ns: -4,
                len: 3,
                head: [5; 32],
                tail: [6; 32],
                newlines: 7,
                complete: true,
            },
            body,
        }
    }

    /// The body as a byte string has the wire form of a sequence of `u8`: states written
    /// before read alike, and round trips are exact.
    #[test]
    fn bodies_are_byte_strings_with_the_sequence_wire_form() {
        #[derive(Serialize)]
        struct AsSequence<'a> {
            name: &'a str,
            compressed: bool,
            id: &'a Identity,
            body: &'a Vec<u8>,
        }
        for body in [
            vec![],
            vec![0u8, 255, 10],
            (0..=255u8).cycle().take(70_000).collect(),
        ] {
            let e = entry(body);
            let bytes = postcard::to_stdvec(&e).unwrap();
            let seq = AsSequence {
                name: &e.name,
                compressed: e.compressed,
                id: &e.id,
                body: &e.body,
            };
            assert_eq!(bytes, postcard::to_stdvec(&seq).unwrap());
            let back: FileEntry = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back.body, e.body);
            assert_eq!(back.id, e.id);
            // Cut short: an error, never a panic.
            assert!(postcard::from_bytes::<FileEntry>(&bytes[..bytes.len() - 1]).is_err());
        }
    }
}
