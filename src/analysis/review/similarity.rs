//! Similarity search for clustering: an inverted index of signatures by their rarest tokens
//! (prefix filtering, as in the AllPairs set-similarity join), and cluster profiles (the share
//! of a cluster's cases holding each token) compared with a weighted Jaccard similarity.

use super::signature::Signature;
use std::collections::HashMap;

/// Tokens a set of `n` must share with another to reach similarity `t`, at least.
pub fn min_overlap(n: usize, t: f64) -> usize {
    ((t * n as f64) - 1e-9).ceil().max(1.0) as usize
}

/// How rare each token is among the clustered signatures, and the similarity threshold.
#[derive(Debug)]
pub struct Rarity {
    pub frequency: HashMap<u32, u32>,
    pub threshold: f64,
}

impl Rarity {
    /// The tokens of `sig` of which any set at least `threshold`-similar to it shares one: its
    /// rarest ones (unseen tokens count as rarest).
    pub fn prefix(&self, sig: &Signature) -> Vec<u32> {
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
}

/// Signatures indexed by their rarest tokens, to find the similar ones to a query.
#[derive(Debug, Default)]
pub struct SimilarityIndex<'s> {
    pub entries: Vec<&'s Signature>,
    postings: HashMap<u32, Vec<usize>>,
}

impl<'s> SimilarityIndex<'s> {
    /// Adds `sig`; returns its entry number.
    pub fn insert(&mut self, sig: &'s Signature, rarity: &Rarity) -> usize {
        let i = self.entries.len();
        self.entries.push(sig);
        for t in rarity.prefix(sig) {
            self.postings.entry(t).or_default().push(i);
        }
        i
    }

    /// Every entry whose Jaccard similarity with `sig` reaches the threshold.
    pub fn similar(&self, sig: &Signature, rarity: &Rarity) -> Vec<(usize, f64)> {
        if sig.tokens().is_empty() {
            // An empty signature shares no token: it matches only another empty one.
            return self
                .entries
                .iter()
                .position(|e| e.tokens().is_empty())
                .map(|i| vec![(i, 1.0)])
                .unwrap_or_default();
        }
        let mut found: Vec<(usize, f64)> = Vec::new();
        let mut tried: Vec<usize> = Vec::new();
        for t in rarity.prefix(sig) {
            for &i in self.postings.get(&t).map_or(&[][..], Vec::as_slice) {
                if tried.contains(&i) {
                    continue;
                }
                tried.push(i);
                let s = sig.jaccard(self.entries[i]);
                if s + 1e-12 >= rarity.threshold {
                    found.push((i, s));
                }
            }
        }
        found
    }
}

/// A cluster's profile: for each token, the share of the cluster's cases holding it. Tokens of
/// the problem itself weigh about 1; the varying parts (a product, a name) weigh little.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Sorted by token.
    weights: Vec<(u32, f64)>,
}

impl Profile {
    /// The profile of signatures, each with its number of cases.
    pub fn of(members: &[(&Signature, usize)]) -> Profile {
        let cases: usize = members.iter().map(|m| m.1).sum();
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for (sig, n) in members {
            for &t in sig.tokens() {
                *counts.entry(t).or_default() += n;
            }
        }
        let mut weights: Vec<(u32, f64)> = counts
            .into_iter()
            .map(|(t, n)| (t, n as f64 / cases.max(1) as f64))
            .collect();
        weights.sort_by_key(|w| w.0);
        Profile { weights }
    }

    /// Weighted Jaccard similarity of two profiles.
    pub fn similarity_to(&self, other: &Profile) -> f64 {
        let (a, b) = (&self.weights, &other.weights);
        let (mut i, mut j) = (0, 0);
        let (mut min_sum, mut max_sum) = (0.0, 0.0);
        while i < a.len() || j < b.len() {
            let ta = a.get(i).map(|w| w.0);
            let tb = b.get(j).map(|w| w.0);
            match (ta, tb) {
                (Some(x), Some(y)) if x == y => {
                    min_sum += a[i].1.min(b[j].1);
                    max_sum += a[i].1.max(b[j].1);
                    i += 1;
                    j += 1;
                }
                (Some(x), Some(y)) if x < y => {
                    max_sum += a[i].1;
                    i += 1;
                }
                (Some(_), None) => {
                    max_sum += a[i].1;
                    i += 1;
                }
                _ => {
                    max_sum += b[j].1;
                    j += 1;
                }
            }
        }
        if max_sum <= 0.0 {
            1.0
        } else {
            min_sum / max_sum
        }
    }

    /// Tokens held by at least half of the cases: what the cluster is about.
    pub fn core_tokens(&self) -> impl Iterator<Item = u32> + '_ {
        self.weights.iter().filter(|w| w.1 >= 0.5).map(|w| w.0)
    }
}

/// Profiles indexed by their core tokens, to find the closest cluster to a signature.
#[derive(Debug, Default)]
pub struct ProfileIndex {
    pub profiles: Vec<Profile>,
    postings: HashMap<u32, Vec<usize>>,
}

impl ProfileIndex {
    pub fn insert(&mut self, p: Profile) -> usize {
        let i = self.profiles.len();
        for t in p.core_tokens() {
            self.postings.entry(t).or_default().push(i);
        }
        self.profiles.push(p);
        i
    }

    /// Profiles sharing a core token with `tokens`, each once, in index order.
    pub fn candidates(&self, tokens: impl Iterator<Item = u32>) -> Vec<usize> {
        let mut c: Vec<usize> = tokens
            .flat_map(|t| self.postings.get(&t).into_iter().flatten().copied())
            .collect();
        c.sort_unstable();
        c.dedup();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::super::signature::SignatureSource;
    use super::*;

    fn sig(text: &str) -> Signature {
        Signature::of_text(SignatureSource::Prompt, text)
    }

    #[test]
    fn profiles_weigh_the_varying_part_down() {
        let a = sig("cancel subscription plan customer alpha");
        let b = sig("cancel subscription plan customer bravo");
        let c = sig("cancel subscription plan customer charlie");
        // Four tokens weigh 1, the three names 1/4, 1/4 and 1/2.
        let p = Profile::of(&[(&a, 1), (&b, 1), (&c, 2)]);
        assert_eq!(p.similarity_to(&p), 1.0);
        let d = sig("cancel subscription plan customer delta");
        let q = Profile::of(&[(&d, 3)]);
        assert!((p.similarity_to(&q) - 4.0 / 6.0).abs() < 1e-9);
        assert_eq!(p.core_tokens().count(), 5);
    }

    #[test]
    fn indexes_find_candidates() {
        let rarity = Rarity {
            frequency: HashMap::new(),
            threshold: 0.5,
        };
        let a = sig("alpha bravo charlie delta");
        let b = sig("alpha bravo charlie echo");
        let mut idx = SimilarityIndex::default();
        idx.insert(&a, &rarity);
        idx.insert(&b, &rarity);
        let found = idx.similar(&sig("alpha bravo charlie echo foxtrot"), &rarity);
        assert_eq!(found.len(), 2);
        assert!(found.contains(&(1, 0.8)));
        assert!(idx.similar(&sig("golf hotel"), &rarity).is_empty());
        let mut p = ProfileIndex::default();
        p.insert(Profile::of(&[(&a, 1)]));
        p.insert(Profile::of(&[(&b, 2)]));
        assert_eq!(p.candidates(sig("echo").tokens().iter().copied()), vec![1]);
        assert_eq!(
            p.candidates(sig("alpha").tokens().iter().copied()),
            vec![0, 1]
        );
        assert!(p
            .candidates(sig("golf").tokens().iter().copied())
            .is_empty());
    }
}
