//! The identity of an input file's content, cheap to compute: device, inode, size and time,
//! the content's length, and hashes of its first and last 64 KiB. An incremental run compares
//! identities to tell an unchanged, grown, rotated or rewritten file apart.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

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

impl Identity {
    /// The identity of standard input, which has none: it is scanned every time.
    pub fn none() -> Identity {
        Identity {
            dev: 0,
            ino: 0,
            size: 0,
            mtime_ns: 0,
            len: 0,
            head: [0; 32],
            tail: [0; 32],
            newlines: 0,
            complete: false,
        }
    }
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
