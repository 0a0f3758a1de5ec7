//! Clustering of case signatures: cases whose signatures have a Jaccard similarity at or above
//! the threshold are linked, and clusters are the connected groups. The result depends only on
//! the set of signatures, never on their order or on how the input was chunked.
//!
//! Candidate pairs come from a prefix-filtered inverted index (the AllPairs set-similarity
//! join), so identical and unrelated signatures cost little even with many cases.

use super::signature::{intersection_len, Signature};
use std::collections::HashMap;

/// Clusters of a list of signatures, and an index to match other signatures against them.
#[derive(Debug)]
pub struct Clustering<'s> {
    /// Cluster of each input signature; clusters are numbered in order of first member.
    pub of: Vec<usize>,
    /// Number of clusters.
    pub count: usize,
    threshold: f64,
    nodes: Vec<&'s Signature>,
    node_cluster: Vec<usize>,
    node_of_sig: HashMap<&'s Signature, usize>,
    frequency: HashMap<u32, u32>,
    index: HashMap<u32, Vec<usize>>,
}

/// Tokens a set of `n` must share with another to reach similarity `t`, at least.
fn min_overlap(n: usize, t: f64) -> usize {
    ((t * n as f64) - 1e-9).ceil().max(1.0) as usize
}

/// Groups `sigs` by similarity `threshold` (single linkage over distinct signatures).
pub fn cluster<'s>(sigs: &[&'s Signature], threshold: f64) -> Clustering<'s> {
    let mut node_of_sig: HashMap<&Signature, usize> = HashMap::new();
    let mut nodes: Vec<&Signature> = Vec::new();
    let node_of: Vec<usize> = sigs
        .iter()
        .map(|&s| {
            *node_of_sig.entry(s).or_insert_with(|| {
                nodes.push(s);
                nodes.len() - 1
            })
        })
        .collect();

    let mut frequency: HashMap<u32, u32> = HashMap::new();
    for n in &nodes {
        for &t in n.tokens() {
            *frequency.entry(t).or_default() += 1;
        }
    }
    let mut c = Clustering {
        of: Vec::new(),
        count: 0,
        threshold,
        nodes,
        node_cluster: Vec::new(),
        node_of_sig,
        frequency,
        index: HashMap::new(),
    };

    let mut parent: Vec<usize> = (0..c.nodes.len()).collect();
    let mut seen = vec![usize::MAX; c.nodes.len()];
    for i in 0..c.nodes.len() {
        let prefix = c.prefix(c.nodes[i]);
        for t in &prefix {
            for &j in c.index.get(t).map_or(&[][..], Vec::as_slice) {
                if seen[j] == i {
                    continue;
                }
                seen[j] = i;
                if similar(c.nodes[i], c.nodes[j], threshold) {
                    union(&mut parent, i, j);
                }
            }
        }
        for t in prefix {
            c.index.entry(t).or_default().push(i);
        }
    }

    let mut cluster_of_root: HashMap<usize, usize> = HashMap::new();
    c.node_cluster = (0..c.nodes.len())
        .map(|i| {
            let root = find(&mut parent, i);
            let next = cluster_of_root.len();
            *cluster_of_root.entry(root).or_insert(next)
        })
        .collect();
    c.count = cluster_of_root.len();
    c.of = node_of.iter().map(|&n| c.node_cluster[n]).collect();
    c
}

impl Clustering<'_> {
    /// The tokens of `sig` that must hold one shared token of any set similar to it: its
    /// rarest ones (rarity over the clustered signatures; unseen tokens count as rarest).
    fn prefix(&self, sig: &Signature) -> Vec<u32> {
        let mut ordered: Vec<u32> = sig.tokens().to_vec();
        ordered.sort_by_key(|t| (self.frequency.get(t).copied().unwrap_or(0), *t));
        let n = ordered.len();
        let keep = if n == 0 {
            0
        } else {
            n - min_overlap(n, self.threshold) + 1
        };
        ordered.truncate(keep);
        ordered
    }

    /// The cluster most similar to `sig` (at or above the threshold), if any; ties go to the
    /// lower-numbered cluster.
    pub fn assign(&self, sig: &Signature) -> Option<usize> {
        if let Some(&n) = self.node_of_sig.get(sig) {
            return Some(self.node_cluster[n]);
        }
        let mut best: Option<(f64, usize)> = None;
        let mut tried: Vec<usize> = Vec::new();
        for t in self.prefix(sig) {
            for &j in self.index.get(&t).map_or(&[][..], Vec::as_slice) {
                if tried.contains(&j) {
                    continue;
                }
                tried.push(j);
                let s = sig.jaccard(self.nodes[j]);
                if s + 1e-12 < self.threshold {
                    continue;
                }
                let cand = (s, self.node_cluster[j]);
                best = match best {
                    Some(b) if b.0 > cand.0 || (b.0 == cand.0 && b.1 <= cand.1) => Some(b),
                    _ => Some(cand),
                };
            }
        }
        best.map(|b| b.1)
    }
}

fn similar(a: &Signature, b: &Signature, threshold: f64) -> bool {
    let shared = intersection_len(a.tokens(), b.tokens());
    let union = a.tokens().len() + b.tokens().len() - shared;
    union == 0 || shared as f64 / union as f64 + 1e-12 >= threshold
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    // The lower root wins, so the structure does not depend on which side came first.
    if ra < rb {
        parent[rb] = ra;
    } else {
        parent[ra] = rb;
    }
}

#[cfg(test)]
mod tests {
    use super::super::signature::SignatureSource;
    use super::*;

    fn sig(text: &str) -> Signature {
        Signature::of_text(SignatureSource::Prompt, text)
    }

    /// Groups of input indices per cluster, sorted, so results compare independent of numbering.
    fn groups(of: &[usize]) -> Vec<Vec<usize>> {
        let mut g: Vec<Vec<usize>> = Vec::new();
        for c in 0..=of.iter().copied().max().unwrap_or(0) {
            let members: Vec<usize> = (0..of.len()).filter(|&i| of[i] == c).collect();
            if !members.is_empty() {
                g.push(members);
            }
        }
        g.sort();
        g
    }

    #[test]
    fn near_duplicates_together_unrelated_apart() {
        let texts = [
            "How do I reset my password for account 48213?",
            "What is your refund policy for order #5521 placed on October 3?",
            "Hey, How do I reset my password for account 7781? Le client a demandé un remboursement.",
            "Please cancel my subscription to the Pro plan, customer ID 99812.",
            "What is your refund policy for order #12 placed on December 28?",
            "I forgot my password for account 5521, how can I reset it?",
            "Please cancel my subscription to the Storage 2 TB plan, customer ID 11.",
            "Explain what a p99 latency SLO means to a non-technical stakeholder.",
        ];
        let sigs: Vec<Signature> = texts.iter().map(|t| sig(t)).collect();
        let refs: Vec<&Signature> = sigs.iter().collect();
        let c = cluster(&refs, 0.5);
        assert_eq!(
            groups(&c.of),
            vec![vec![0, 2, 5], vec![1, 4], vec![3, 6], vec![7]]
        );
        assert_eq!(c.count, 4);
        assert_eq!(c.of[0], 0, "numbered by first member");
    }

    #[test]
    fn result_does_not_depend_on_order() {
        let texts: Vec<String> = (0..60)
            .map(|i| match i % 4 {
                0 => format!("How do I reset my password for account {i}?"),
                1 => format!("Why was I charged twice on May {i} for invoice INV-{i}0?"),
                2 => format!(
                    "Summarize the Q{} 2025 earnings report for Globex Industries that I uploaded.",
                    i % 4
                ),
                _ => {
                    let w: String = [b'a' + (i / 26) as u8, b'a' + (i % 26) as u8]
                        .iter()
                        .map(|&b| b as char)
                        .collect();
                    format!("Unique xq{w} yq{w} zq{w}")
                }
            })
            .collect();
        let sigs: Vec<Signature> = texts.iter().map(|t| sig(t)).collect();
        let fwd: Vec<&Signature> = sigs.iter().collect();
        let rev: Vec<&Signature> = sigs.iter().rev().collect();
        let a = groups(&cluster(&fwd, 0.5).of);
        let mut b_of = cluster(&rev, 0.5).of;
        b_of.reverse();
        assert_eq!(a, groups(&b_of));
        assert_eq!(a.len(), 3 + 15);
    }

    #[test]
    fn assign_finds_the_most_similar_cluster() {
        let base = [
            sig("How do I reset my password for account 48213?"),
            sig("What is your refund policy for order #5521 placed on October 3?"),
        ];
        let refs: Vec<&Signature> = base.iter().collect();
        let c = cluster(&refs, 0.5);
        assert_eq!(
            c.assign(&sig("How do I reset my password for account 1?")),
            Some(c.of[0])
        );
        assert_eq!(
            c.assign(&sig(
                "I forgot my password for account 5521, how can I reset it?"
            )),
            Some(c.of[0])
        );
        assert_eq!(
            c.assign(&sig(
                "What is your refund policy for order #9 placed yesterday?"
            )),
            Some(c.of[1])
        );
        assert_eq!(
            c.assign(&sig("Completely different words entirely here")),
            None
        );
    }

    #[test]
    fn overlap_bounds() {
        assert_eq!(min_overlap(4, 0.5), 2);
        assert_eq!(min_overlap(5, 0.5), 3);
        assert_eq!(min_overlap(1, 0.5), 1);
        assert_eq!(min_overlap(10, 1.0), 10);
    }
}
