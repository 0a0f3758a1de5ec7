//! Streamed sources (stdin, `.gz`, `.zst`): read in large blocks cut after the last newline, so
//! they feed the same chunk processing as mapped files with bounded memory.

use super::{Encoding, Source};
use std::io::{self, Read};

/// Opens a source as a byte stream, decompressing as its name says.
pub fn open_stream(source: &Source) -> io::Result<Box<dyn Read + Send>> {
    let raw: Box<dyn Read + Send> = match &source.path {
        Some(p) => Box::new(std::fs::File::open(p)?),
        None => Box::new(io::stdin()),
    };
    Ok(match source.encoding {
        Encoding::Plain => raw,
        Encoding::Gzip => Box::new(flate2::read::MultiGzDecoder::new(
            io::BufReader::with_capacity(1 << 20, raw),
        )),
        Encoding::Zstd => Box::new(zstd::stream::read::Decoder::new(raw)?),
    })
}

/// How much of a source is looked at to tell JSON Lines from a JSON document.
pub const SNIFF_BYTES: usize = 1 << 20;

/// Opens a source as a stream of JSON Lines: as `open_stream` does, and a JSON document (one
/// top-level array, or pretty-printed objects) rewritten into one record per line on the fly.
pub fn open_records(source: &Source) -> io::Result<Box<dyn Read + Send>> {
    let mut raw = open_stream(source)?;
    let mut head = Vec::new();
    raw.by_ref()
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    let reshape = super::reshape::needs_reshape(&head);
    let joined = io::Cursor::new(head).chain(raw);
    Ok(if reshape {
        Box::new(super::reshape::Reshape::new(joined))
    } else {
        Box::new(joined)
    })
}

/// A block of whole lines read from a stream.
#[derive(Debug, Default)]
pub struct Block {
    pub data: Vec<u8>,
    /// 1-based number of the block's first line within its source.
    pub first_line: u64,
    pub at_file_start: bool,
    /// Lines (by number) dropped because they exceeded the line-length limit.
    pub too_long: Vec<u64>,
}

/// Reads a stream as blocks of about `target` bytes of whole lines. A line longer than
/// `max_line` is dropped while reading (never buffered whole) and reported in `too_long`.
pub struct BlockReader<R> {
    inner: R,
    target: usize,
    max_line: usize,
    carry: Vec<u8>,
    next_line: u64,
    started: bool,
    eof: bool,
    /// True while discarding the rest of an over-long line.
    discarding: bool,
}

impl<R: Read> BlockReader<R> {
    pub fn new(inner: R, target: usize, max_line: usize) -> Self {
        BlockReader {
            inner,
            target: target.max(1 << 12),
            max_line: max_line.max(1),
            carry: Vec::new(),
            next_line: 1,
            started: false,
            eof: false,
            discarding: false,
        }
    }

    /// Returns the next block, or `None` at the end of the stream.
    /// Up to `n` next blocks, in order; empty at the end of the input.
    pub fn next_batch(&mut self, n: usize) -> io::Result<Vec<Block>> {
        let mut blocks = Vec::with_capacity(n);
        while blocks.len() < n {
            match self.next_block()? {
                Some(b) => blocks.push(b),
                None => break,
            }
        }
        Ok(blocks)
    }

    pub fn next_block(&mut self) -> io::Result<Option<Block>> {
        if self.eof && self.carry.is_empty() {
            return Ok(None);
        }
        let mut block = Block {
            data: std::mem::take(&mut self.carry),
            first_line: self.next_line,
            at_file_start: !self.started,
            too_long: Vec::new(),
        };
        self.started = true;
        // Offset just past the last newline in the block (0 = none yet), kept up to date as
        // pieces are appended so no byte is searched twice.
        let mut tail_start = memchr::memrchr(b'\n', &block.data).map_or(0, |i| i + 1);
        let mut buf = vec![0u8; self.target.min(1 << 20)];
        loop {
            // Enough whole lines: cut after the last newline.
            if self.eof || (tail_start > 0 && block.data.len() >= self.target) {
                break;
            }
            let n = match self.inner.read(&mut buf) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let mut piece = &buf[..n];
            if self.discarding {
                match memchr::memchr(b'\n', piece) {
                    Some(i) => {
                        self.discarding = false;
                        piece = &piece[i + 1..];
                    }
                    None => continue,
                }
            }
            let base = block.data.len();
            block.data.extend_from_slice(piece);
            if let Some(i) = memchr::memrchr(b'\n', piece) {
                tail_start = base + i + 1;
            }
            // An unterminated line longer than the limit is dropped, not buffered whole.
            if block.data.len() - tail_start > self.max_line {
                let line_no = block.first_line
                    + memchr::memchr_iter(b'\n', &block.data[..tail_start]).count() as u64;
                block.too_long.push(line_no);
                block.data.truncate(tail_start);
                // The dropped line keeps its line number as an empty line.
                block.data.push(b'\n');
                tail_start = block.data.len();
                self.discarding = true;
            }
        }
        if !self.eof {
            self.carry = block.data.split_off(tail_start);
        }
        self.next_line = block.first_line + memchr::memchr_iter(b'\n', &block.data).count() as u64;
        Ok(Some(block))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(data: &[u8], target: usize, max_line: usize) -> Vec<Block> {
        let mut r = BlockReader::new(data, target, max_line);
        let mut out = Vec::new();
        while let Some(b) = r.next_block().unwrap() {
            out.push(b);
        }
        out
    }

    #[test]
    fn blocks_rejoin_to_input() {
        let mut data = Vec::new();
        for i in 0..5000 {
            data.extend_from_slice(format!("{{\"i\":{i}}}\n").as_bytes());
        }
        data.extend_from_slice(b"{\"last\":1}");
        let bs = blocks(&data, 4096, 1 << 20);
        assert!(bs.len() > 2);
        let joined: Vec<u8> = bs.iter().flat_map(|b| b.data.iter().copied()).collect();
        assert_eq!(joined, data);
        let mut line = 1;
        for b in &bs {
            assert_eq!(b.first_line, line);
            line += b.data.iter().filter(|&&c| c == b'\n').count() as u64;
        }
    }

    #[test]
    fn over_long_lines_are_dropped_not_buffered() {
        let mut data = b"{\"a\":1}\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 3 << 20));
        data.extend_from_slice(b"\n{\"b\":2}\n");
        let bs = blocks(&data, 4096, 1 << 20);
        let joined: Vec<u8> = bs.iter().flat_map(|b| b.data.iter().copied()).collect();
        assert_eq!(joined, b"{\"a\":1}\n\n{\"b\":2}\n");
        let too_long: Vec<u64> = bs.iter().flat_map(|b| b.too_long.iter().copied()).collect();
        assert_eq!(too_long, vec![2]);
    }
}
