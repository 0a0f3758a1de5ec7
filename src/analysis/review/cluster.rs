//! Average-linkage clustering of TF-IDF vectors that scales: no all-pairs work.
//!
//! 1. Candidate neighbours come from an inverted index over each point's few heaviest terms
//!    only, each posting list capped at its heaviest holders, so a common word never makes
//!    candidates and the work per point is bounded. Each point keeps its nearest candidates
//!    (in parallel; the result does not depend on the thread count).
//! 2. Average linkage over that graph: clusters keep the weighted sum of their members' unit
//!    vectors, so the average cosine of two clusters is one dot product. The pair with the
//!    highest average similarity merges first, until none reaches the threshold. A merged
//!    cluster's similarity to a third is the weighted mean of its parts', so a stale heap
//!    entry bounds the fresh value from above and is refreshed lazily when it surfaces.
//!
//! Points are identified by their position, which the caller makes canonical (sorted by
//! content), so results never depend on input order. Ties break on the lower ids.

use super::vector::SparseVec;
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

/// Heaviest terms of a point that are indexed and queried.
const TOP_TERMS: usize = 8;
/// Holders kept per indexed term (the ones where the term weighs most).
const POSTING_CAP: usize = 96;
/// Nearest candidates kept per point.
const NEIGHBOURS: usize = 12;
/// Share of a cluster's cohesion a vector must reach to be assigned to it.
const COHESION_SHARE: f64 = 0.5;
/// Candidate edges weaker than this (or than the threshold) are not kept.
const MIN_EDGE: f32 = 0.05;

/// The result: the cluster of each point, numbered densely in order of each cluster's lowest
/// point, and each cluster's weighted sum of unit vectors.
#[derive(Debug, Clone)]
pub struct Clustering {
    pub of: Vec<usize>,
    pub sums: Vec<ClusterSum>,
}

/// The weighted sum of a cluster's unit vectors, and its total weight.
#[derive(Debug, Clone, Default)]
pub struct ClusterSum {
    pub terms: HashMap<u32, f32>,
    pub weight: f64,
}

impl ClusterSum {
    fn of(v: &SparseVec, weight: u32) -> ClusterSum {
        let w = weight as f32;
        ClusterSum {
            terms: v.iter().map(|(t, x)| (t, x * w)).collect(),
            weight: f64::from(weight),
        }
    }

    fn dot(&self, other: &ClusterSum) -> f64 {
        let (small, big) = if self.terms.len() <= other.terms.len() {
            (self, other)
        } else {
            (other, self)
        };
        small
            .terms
            .iter()
            .map(|(t, x)| f64::from(*x) * f64::from(big.terms.get(t).copied().unwrap_or(0.0)))
            .sum()
    }

    /// The average cosine similarity of `v` to the cluster's members.
    pub fn similarity_to(&self, v: &SparseVec) -> f64 {
        if self.weight == 0.0 {
            return 0.0;
        }
        v.iter()
            .map(|(t, x)| f64::from(x) * f64::from(self.terms.get(&t).copied().unwrap_or(0.0)))
            .sum::<f64>()
            / self.weight
    }

    fn absorb(&mut self, other: ClusterSum) {
        for (t, x) in other.terms {
            *self.terms.entry(t).or_default() += x;
        }
        self.weight += other.weight;
    }

    /// The average cosine similarity between two distinct members (1 for a single point,
    /// whose copies are identical): `(|S|² − w) / (w² − w)` for unit vectors.
    pub fn cohesion(&self) -> f64 {
        let w = self.weight;
        if w <= 1.0 {
            return 1.0;
        }
        let sq: f64 = self.terms.values().map(|x| f64::from(*x).powi(2)).sum();
        ((sq - w) / (w * w - w)).clamp(0.0, 1.0)
    }

    /// The `k` heaviest terms of the sum (ties: the lower id).
    pub fn top_terms(&self, k: usize) -> Vec<(u32, f32)> {
        let mut all: Vec<(u32, f32)> = self.terms.iter().map(|(t, x)| (*t, *x)).collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(k);
        all
    }
}

/// A heap entry: the (possibly stale) average similarity of two clusters.
#[derive(Debug, PartialEq)]
struct Entry {
    sim: f64,
    a: u32,
    b: u32,
    va: u32,
    vb: u32,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, o: &Self) -> Ordering {
        self.sim
            .total_cmp(&o.sim)
            .then(o.a.cmp(&self.a))
            .then(o.b.cmp(&self.b))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// An index from terms to the points (or clusters) where they weigh most.
struct TermIndex {
    postings: HashMap<u32, Vec<u32>>,
}

impl TermIndex {
    /// Indexes each item's top terms; `items[i]` lists `(term, weight)`.
    fn build(items: &[Vec<(u32, f32)>], cap: usize) -> TermIndex {
        let mut lists: HashMap<u32, Vec<(f32, u32)>> = HashMap::new();
        for (i, terms) in items.iter().enumerate() {
            for &(t, w) in terms {
                lists.entry(t).or_default().push((w, i as u32));
            }
        }
        let postings = lists
            .into_iter()
            .map(|(t, mut l)| {
                l.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                l.truncate(cap);
                (t, l.into_iter().map(|x| x.1).collect())
            })
            .collect();
        TermIndex { postings }
    }

    /// The distinct items indexed under any of `terms`, sorted.
    fn candidates(&self, terms: &[u32]) -> Vec<u32> {
        let mut out: Vec<u32> = terms
            .iter()
            .filter_map(|t| self.postings.get(t))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn weighted_top(v: &SparseVec, k: usize) -> Vec<(u32, f32)> {
    let top = v.top_terms(k);
    v.iter().filter(|(t, _)| top.contains(t)).collect()
}

/// Clusters `points` (unit vectors, each standing for `weights[i]` identical cases) by average
/// cosine similarity `threshold`.
pub fn cluster(points: &[SparseVec], weights: &[u32], threshold: f64) -> Clustering {
    let n = points.len();
    let tops: Vec<Vec<(u32, f32)>> = points.iter().map(|p| weighted_top(p, TOP_TERMS)).collect();
    let index = TermIndex::build(&tops, POSTING_CAP);
    // 1. Nearest candidates of every point, in parallel.
    let edges: Vec<Vec<(u32, f32)>> = (0..n)
        .into_par_iter()
        .map(|i| {
            let terms: Vec<u32> = tops[i].iter().map(|x| x.0).collect();
            let mut near: Vec<(u32, f32)> = index
                .candidates(&terms)
                .into_iter()
                .filter(|&j| j as usize != i)
                .map(|j| (j, points[i].dot(&points[j as usize])))
                .filter(|&(_, s)| s >= MIN_EDGE && f64::from(s) >= threshold)
                .collect();
            near.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            near.truncate(NEIGHBOURS);
            near
        })
        .collect();

    // 2. Average linkage over the candidate graph.
    let mut sums: Vec<Option<ClusterSum>> = points
        .iter()
        .zip(weights)
        .map(|(p, &w)| Some(ClusterSum::of(p, w)))
        .collect();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut version: Vec<u32> = vec![0; n];
    let mut heap: BinaryHeap<Entry> = BinaryHeap::new();
    for (i, near) in edges.iter().enumerate() {
        for &(j, s) in near {
            let (a, b) = (i.min(j as usize) as u32, i.max(j as usize) as u32);
            if f64::from(s) >= threshold {
                heap.push(Entry {
                    sim: f64::from(s),
                    a,
                    b,
                    va: 0,
                    vb: 0,
                });
            }
        }
    }
    drop(edges);
    while let Some(e) = heap.pop() {
        if e.sim < threshold {
            break;
        }
        let (a, b) = (find(&mut parent, e.a), find(&mut parent, e.b));
        if a == b {
            continue;
        }
        let (a, b) = (a.min(b), a.max(b));
        let fresh =
            a == e.a && b == e.b && version[a as usize] == e.va && version[b as usize] == e.vb;
        if !fresh {
            let (sa, sb) = (
                sums[a as usize].as_ref().expect("root"),
                sums[b as usize].as_ref().expect("root"),
            );
            let sim = sa.dot(sb) / (sa.weight * sb.weight);
            if sim >= threshold {
                heap.push(Entry {
                    sim,
                    a,
                    b,
                    va: version[a as usize],
                    vb: version[b as usize],
                });
            }
            continue;
        }
        // Merge the smaller sum into the larger one (fewer terms to move); the lower id wins
        // ties, so the result does not depend on anything but the points.
        let (la, lb) = (
            sums[a as usize].as_ref().map_or(0, |s| s.terms.len()),
            sums[b as usize].as_ref().map_or(0, |s| s.terms.len()),
        );
        let (keep, gone) = if lb > la { (b, a) } else { (a, b) };
        let moved = sums[gone as usize].take().expect("root");
        sums[keep as usize].as_mut().expect("root").absorb(moved);
        parent[gone as usize] = keep;
        version[keep as usize] += 1;
        version[gone as usize] += 1;
        // The merged cluster's pairs are refreshed when their stale entries surface.
    }

    // Dense numbering in order of each cluster's lowest point.
    let mut number: HashMap<u32, usize> = HashMap::new();
    let mut of = Vec::with_capacity(n);
    let mut out_sums: Vec<ClusterSum> = Vec::new();
    for i in 0..n as u32 {
        let r = find(&mut parent, i);
        let next = number.len();
        let k = *number.entry(r).or_insert_with(|| {
            out_sums.push(sums[r as usize].take().expect("root"));
            next
        });
        of.push(k);
    }
    Clustering { of, sums: out_sums }
}

fn find(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        parent[i as usize] = parent[parent[i as usize] as usize];
        i = parent[i as usize];
    }
    i
}

/// Finds, for other vectors, the cluster whose members they are most similar to on average.
/// A vector joins a cluster only when that similarity reaches the threshold and half the
/// cluster's own cohesion: a tight cluster does not take in what merely touches it.
pub struct Assigner<'c> {
    sums: &'c [ClusterSum],
    index: TermIndex,
    minimum: Vec<f64>,
}

impl<'c> Assigner<'c> {
    /// Indexes the clusters by the heaviest terms of their sums.
    pub fn new(sums: &'c [ClusterSum], threshold: f64) -> Assigner<'c> {
        let tops: Vec<Vec<(u32, f32)>> = sums
            .iter()
            .map(|s| {
                let w = s.weight as f32;
                s.top_terms(3 * TOP_TERMS)
                    .into_iter()
                    .map(|(t, x)| (t, x / w))
                    .collect()
            })
            .collect();
        Assigner {
            sums,
            index: TermIndex::build(&tops, 4 * POSTING_CAP),
            minimum: sums
                .iter()
                .map(|s| threshold.max(COHESION_SHARE * s.cohesion()))
                .collect(),
        }
    }

    /// The cluster `v` is most similar to, when that similarity reaches the threshold.
    pub fn assign(&self, v: &SparseVec) -> Option<usize> {
        let terms = v.top_terms(TOP_TERMS);
        let mut best: Option<(f64, usize)> = None;
        for c in self.index.candidates(&terms) {
            let s = self.sums[c as usize].similarity_to(v);
            if s >= self.minimum[c as usize] && best.is_none_or(|(b, _)| s > b) {
                best = Some((s, c as usize));
            }
        }
        best.map(|b| b.1)
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::{Normalizer, Source, Vocabulary};
    use super::super::vector::{term_counts, Idf};
    use super::*;

    fn vectors(texts: &[&str]) -> Vec<SparseVec> {
        let n = Normalizer::default();
        let mut voc = Vocabulary::default();
        let docs: Vec<_> = texts
            .iter()
            .map(|t| n.doc(Source::Prompt, t, &mut voc))
            .collect();
        let counts: Vec<Vec<(u32, u32)>> = docs
            .iter()
            .map(|d| term_counts(&d.segments().collect::<Vec<_>>()))
            .collect();
        let mut idf = Idf::default();
        for c in &counts {
            idf.add(c, 1);
        }
        counts.iter().map(|c| idf.vector(c)).collect()
    }

    fn groups(of: &[usize]) -> Vec<Vec<usize>> {
        let mut g: Vec<Vec<usize>> = vec![Vec::new(); of.iter().max().map_or(0, |m| m + 1)];
        for (i, &k) in of.iter().enumerate() {
            g[k].push(i);
        }
        g.sort();
        g
    }

    #[test]
    fn paraphrases_join_and_topics_stay_apart() {
        let texts = [
            "What do I do if my PIN was blocked?",
            "wake me up at 7am tomorrow",
            "My PIN is blocked, how do I unlock my PIN?",
            "set an alarm to wake me up at 6am",
            "what is the weather in Paris",
            "my pin got blocked, can you unblock the pin",
            "please set an alarm for 5am to wake me",
        ];
        let v = vectors(&texts);
        let c = cluster(&v, &[1; 7], 0.15);
        assert_eq!(
            groups(&c.of),
            vec![vec![0, 2, 5], vec![1, 3, 6], vec![4]],
            "{:?}",
            c.of
        );
        let a = Assigner::new(&c.sums, 0.15);
        let q = vectors(&["my PIN is blocked again"]);
        let pin = c.of[0];
        // The query's vector lives in another IDF space; only its terms matter here.
        assert_eq!(a.assign(&q[0]), Some(pin));
        assert_eq!(a.assign(&SparseVec::default()), None);
    }

    #[test]
    fn result_does_not_depend_on_threads() {
        let texts: Vec<String> = (0..300)
            .map(|i| match i % 3 {
                0 => format!("reset my password for account {i} please"),
                1 => format!("refund for order {i}, it arrived damaged"),
                _ => {
                    let w: String = format!("{i:03}")
                        .bytes()
                        .map(|b| (b'a' + b - b'0') as char)
                        .collect();
                    format!("q{w} z{w}")
                }
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
        let v = vectors(&refs);
        let w = vec![1u32; v.len()];
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| cluster(&v, &w, 0.3).of);
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(|| cluster(&v, &w, 0.3).of);
        assert_eq!(one, two);
        assert_eq!(groups(&one).iter().filter(|g| g.len() >= 50).count(), 2);
    }
}
