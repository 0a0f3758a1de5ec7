//! Newline-aligned chunks: a buffer is cut at fixed target sizes, each cut moved forward to just
//! after the next newline, so no line is ever split and the cuts never depend on thread count.

/// A run of whole lines from one source.
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    /// Index of the source in the scan's file list.
    pub file: u32,
    pub data: &'a [u8],
    /// 1-based number of the chunk's first line within its file.
    pub first_line: u64,
    /// True for the first chunk of a file (where a UTF-8 BOM may sit).
    pub at_file_start: bool,
}

/// Splits `data` into chunks of about `target` bytes ending just after a newline (the last one
/// ends at the end of data). Line numbers are filled in by counting newlines of earlier chunks.
pub fn split_chunks(file: u32, data: &[u8], target: usize) -> Vec<Chunk<'_>> {
    let target = target.max(1);
    let mut bounds = vec![0usize];
    let mut pos = 0usize;
    while pos < data.len() {
        let want = pos.saturating_add(target);
        if want >= data.len() {
            break;
        }
        match memchr::memchr(b'\n', &data[want..]) {
            Some(off) => {
                pos = want + off + 1;
                if pos < data.len() {
                    bounds.push(pos);
                }
            }
            None => break,
        }
    }
    bounds.push(data.len());
    let mut chunks: Vec<Chunk<'_>> = bounds
        .windows(2)
        .map(|w| Chunk {
            file,
            data: &data[w[0]..w[1]],
            first_line: 0,
            at_file_start: w[0] == 0,
        })
        .collect();
    // Line numbers need the newline count of every earlier chunk; counting is a memchr pass
    // done in parallel, cheap next to parsing.
    use rayon::prelude::*;
    let counts: Vec<u64> = chunks
        .par_iter()
        .map(|c| memchr::memchr_iter(b'\n', c.data).count() as u64)
        .collect();
    let mut line = 1u64;
    for (c, n) in chunks.iter_mut().zip(counts) {
        c.first_line = line;
        line += n;
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_everything_on_line_boundaries() {
        let data = b"aa\nbbbb\nc\n\ndddddd\ne";
        for target in 1..data.len() + 2 {
            let chunks = split_chunks(0, data, target);
            let joined: Vec<u8> = chunks.iter().flat_map(|c| c.data.iter().copied()).collect();
            assert_eq!(joined, data);
            for c in &chunks[..chunks.len() - 1] {
                assert_eq!(*c.data.last().unwrap(), b'\n');
            }
            let mut line = 1;
            for c in &chunks {
                assert_eq!(c.first_line, line);
                line += c.data.iter().filter(|&&b| b == b'\n').count() as u64;
            }
        }
    }

    #[test]
    fn empty_input() {
        let chunks = split_chunks(0, b"", 8);
        assert_eq!(chunks.len(), 1);
        assert!(chunks[0].data.is_empty());
    }
}
