//! A trie of JSON paths (`response.body.choices[0].message.content`): the keys a format
//! captures, matched by length and an 8-byte prefix before the full comparison.

/// A trie of JSON paths: each node maps object keys to a slot (the value is captured) and/or a
/// child node (the value, when it is an object, is descended into).
#[derive(Debug, Clone, Default)]
pub struct PathTrie {
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    edges: Vec<TrieEdge>,
}

#[derive(Debug, Clone)]
pub(super) struct TrieEdge {
    /// The key's length and first 8 bytes, compared before the rest: keys differ early.
    len: usize,
    prefix: u64,
    key: Box<str>,
    pub(super) slot: Option<usize>,
    pub(super) child: Option<usize>,
}

impl PathTrie {
    /// Creates a trie with only the root (top-level object) node.
    pub fn new() -> Self {
        PathTrie {
            nodes: vec![TrieNode::default()],
        }
    }

    /// Registers `path` (keys from the top-level object down) so its value lands in `slot`.
    pub fn insert<S: AsRef<str>>(&mut self, path: &[S], slot: usize) {
        let mut node = 0;
        for (depth, key) in path.iter().enumerate() {
            let key = key.as_ref();
            let last = depth + 1 == path.len();
            let pos = match self.nodes[node].edges.iter().position(|e| &*e.key == key) {
                Some(p) => p,
                None => {
                    self.nodes[node].edges.push(TrieEdge {
                        len: key.len(),
                        prefix: key_prefix(key.as_bytes()),
                        key: key.into(),
                        slot: None,
                        child: None,
                    });
                    self.nodes[node].edges.len() - 1
                }
            };
            if last {
                self.nodes[node].edges[pos].slot = Some(slot);
            } else {
                let child = match self.nodes[node].edges[pos].child {
                    Some(c) => c,
                    None => {
                        self.nodes.push(TrieNode::default());
                        let c = self.nodes.len() - 1;
                        self.nodes[node].edges[pos].child = Some(c);
                        c
                    }
                };
                node = child;
            }
        }
    }

    #[inline]
    pub(super) fn lookup(&self, node: usize, key: &[u8]) -> Option<&TrieEdge> {
        let prefix = key_prefix(key);
        self.nodes[node].edges.iter().find(|e| {
            e.len == key.len()
                && e.prefix == prefix
                && (key.len() <= 8 || e.key.as_bytes()[8..] == key[8..])
        })
    }
}

/// The first (up to) 8 bytes of a key as an integer.
#[inline]
fn key_prefix(key: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let n = key.len().min(8);
    buf[..n].copy_from_slice(&key[..n]);
    u64::from_le_bytes(buf)
}
