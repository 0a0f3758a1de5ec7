//! TF-IDF vectors of cases: word unigrams and bigrams (within a segment) of the content
//! segments, sublinear term frequency, smoothed inverse document frequency over every case of
//! the reviewed window, L2-normalized so a dot product is the cosine similarity.

use std::collections::HashMap;

/// A sparse vector, sorted by term.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SparseVec {
    pub terms: Box<[u32]>,
    pub weights: Box<[f32]>,
}

impl SparseVec {
    /// Dot product (a merge of the two sorted term lists).
    pub fn dot(&self, other: &SparseVec) -> f32 {
        let (a, b) = (&self.terms, &other.terms);
        let (mut i, mut j, mut s) = (0, 0, 0.0f32);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    s += self.weights[i] * other.weights[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        s
    }

    /// The `k` heaviest terms (ties: the lower term id).
    pub fn top_terms(&self, k: usize) -> Vec<u32> {
        let mut idx: Vec<usize> = (0..self.terms.len()).collect();
        idx.sort_by(|&x, &y| {
            self.weights[y]
                .total_cmp(&self.weights[x])
                .then(self.terms[x].cmp(&self.terms[y]))
        });
        idx.into_iter().take(k).map(|i| self.terms[i]).collect()
    }

    /// `(term, weight)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.terms.iter().copied().zip(self.weights.iter().copied())
    }

    /// True when the vector has no term.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// The id of the bigram `a b`: a mix of both ids that never equals a plain token's by design
/// (collisions are as rare as any 32-bit hash's).
fn bigram(a: u32, b: u32) -> u32 {
    let x = (u64::from(a) << 32 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x >> 32) as u32 ^ 0x5bd1_e995
}

/// The term counts of a case's content segments: each token, and each pair of adjacent tokens
/// inside one segment. Sorted by term.
pub fn term_counts(segments: &[&[u32]]) -> Vec<(u32, u32)> {
    let mut terms: Vec<u32> = Vec::new();
    for s in segments {
        terms.extend_from_slice(s);
        terms.extend(s.windows(2).map(|w| bigram(w[0], w[1])));
    }
    terms.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(terms.len());
    for t in terms {
        match out.last_mut() {
            Some((last, n)) if *last == t => *n += 1,
            _ => out.push((t, 1)),
        }
    }
    out
}

/// Inverse document frequencies over a collection of term-count lists.
#[derive(Debug, Clone, Default)]
pub struct Idf {
    df: HashMap<u32, u32>,
    docs: u32,
}

impl Idf {
    /// Counts the documents each term occurs in, `weight` times each.
    pub fn add(&mut self, counts: &[(u32, u32)], weight: u32) {
        self.docs += weight;
        for &(t, _) in counts {
            *self.df.entry(t).or_default() += weight;
        }
    }

    /// `ln((1 + n) / (1 + df)) + 1`, as scikit-learn's smoothed IDF.
    pub fn idf(&self, term: u32) -> f32 {
        let df = self.df.get(&term).copied().unwrap_or(0);
        ((1.0 + self.docs as f64) / (1.0 + df as f64)).ln() as f32 + 1.0
    }

    /// The L2-normalized TF-IDF vector of a term-count list (`1 + ln tf` times IDF).
    pub fn vector(&self, counts: &[(u32, u32)]) -> SparseVec {
        let mut weights: Vec<f32> = counts
            .iter()
            .map(|&(t, n)| (1.0 + (n as f32).ln()) * self.idf(t))
            .collect();
        let norm = weights.iter().map(|w| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for w in &mut weights {
                *w /= norm;
            }
        }
        SparseVec {
            terms: counts.iter().map(|c| c.0).collect(),
            weights: weights.into_boxed_slice(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_hold_unigrams_and_bigrams_within_segments() {
        let a: &[u32] = &[1, 2, 1];
        let b: &[u32] = &[3];
        let c = term_counts(&[a, b]);
        assert_eq!(c.iter().map(|x| x.1).sum::<u32>(), 4 + 2);
        assert!(c.contains(&(1, 2)));
        assert!(!c.iter().any(|x| x.0 == bigram(1, 3)));
        assert!(c.iter().any(|x| x.0 == bigram(2, 1)));
    }

    #[test]
    fn tfidf_vectors_are_unit_and_rare_terms_weigh_more() {
        let mut idf = Idf::default();
        let docs: Vec<Vec<(u32, u32)>> = vec![vec![(1, 1), (2, 1)], vec![(1, 1), (3, 1)]];
        for d in &docs {
            idf.add(d, 1);
        }
        let v = idf.vector(&docs[0]);
        assert!((v.dot(&v) - 1.0).abs() < 1e-6);
        assert!(v.weights[1] > v.weights[0]);
        assert_eq!(v.top_terms(1), vec![2]);
        let w = idf.vector(&docs[1]);
        assert!(v.dot(&w) > 0.0 && v.dot(&w) < 1.0);
        assert_eq!(idf.vector(&[]).dot(&v), 0.0);
    }
}
