//! Clustering of case signatures, in three steps:
//!
//! 1. Signatures seen at least twice (the recurring shapes of a problem) are linked when their
//!    Jaccard similarity reaches the threshold.
//! 2. Each signature seen once looks at the signatures similar to it, nearest first. One whose
//!    nearest is recurring joins it. The others take their nearest that is either recurring
//!    (joining it) or another one-off signature whose nearest is not recurring either
//!    (grouping with it). A one-off signature never passes a group on, so a case polluted by a
//!    pasted sentence cannot chain two problems together.
//! 3. Groups of two or more cases whose profiles (the share of their cases holding each token)
//!    are similar merge: the varying part of a recurring question (a product, a name) weighs
//!    little in a profile, so the variants and phrasings of one question come together.
//!
//! The result depends only on the multiset of signatures: never on their order, so never on
//! how the input was chunked.

use super::signature::Signature;
use super::similarity::{Profile, ProfileIndex, Rarity, SimilarityIndex};
use std::collections::HashMap;

/// Profiles average their cases, so two phrasings of one question are less similar as profiles
/// than their closest cases are: profiles merge from this share of the threshold.
const PROFILE_FACTOR: f64 = 0.8;

/// Clusters of a list of signatures, and what is needed to match other signatures to them.
#[derive(Debug)]
pub struct Clustering<'s> {
    /// Cluster of each input signature, numbered in order of each cluster's most common
    /// signature.
    pub of: Vec<usize>,
    /// Number of clusters.
    pub count: usize,
    rarity: Rarity,
    /// Every distinct signature (recurring ones first), with its cluster.
    all: SimilarityIndex<'s>,
    cluster_of_node: Vec<usize>,
    recurring: usize,
    node_of_sig: HashMap<&'s Signature, usize>,
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Joins the sets of `a` and `b`; the lower root wins, so the result does not depend on which
/// side came first.
fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    parent[a.max(b)] = a.min(b);
}

/// Renumbers union-find roots densely in index order.
fn dense_groups(parent: &mut [usize]) -> (Vec<usize>, usize) {
    let mut number: HashMap<usize, usize> = HashMap::new();
    let groups = (0..parent.len())
        .map(|i| {
            let root = find(parent, i);
            let next = number.len();
            *number.entry(root).or_insert(next)
        })
        .collect();
    (groups, number.len())
}

/// Groups `sigs` by similarity `threshold`.
pub fn cluster<'s>(sigs: &[&'s Signature], threshold: f64) -> Clustering<'s> {
    let mut count: HashMap<&Signature, usize> = HashMap::new();
    for &s in sigs {
        *count.entry(s).or_default() += 1;
    }
    let mut distinct: Vec<(&Signature, usize)> = count.into_iter().collect();
    distinct.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.tokens().cmp(b.0.tokens())));
    let recurring = distinct.iter().filter(|d| d.1 >= 2).count();
    let mut frequency: HashMap<u32, u32> = HashMap::new();
    for (s, _) in &distinct {
        for &t in s.tokens() {
            *frequency.entry(t).or_default() += 1;
        }
    }
    let rarity = Rarity {
        frequency,
        threshold,
    };

    // 1. Single linkage of recurring signatures.
    let mut all = SimilarityIndex::default();
    let mut parent: Vec<usize> = (0..distinct.len()).collect();
    for (i, &(sig, _)) in distinct.iter().take(recurring).enumerate() {
        for (j, _) in all.similar(sig, &rarity) {
            union(&mut parent, i, j);
        }
        all.insert(sig, &rarity);
    }
    for &(sig, _) in &distinct[recurring..] {
        all.insert(sig, &rarity);
    }
    let mut c = Clustering {
        of: Vec::new(),
        count: 0,
        rarity,
        all,
        cluster_of_node: Vec::with_capacity(distinct.len()),
        recurring,
        node_of_sig: distinct.iter().enumerate().map(|(i, d)| (d.0, i)).collect(),
    };

    // 2. One-off signatures join their nearest recurring one, or group with one-off ones.
    let neighbours: Vec<Vec<usize>> = (recurring..distinct.len())
        .map(|u| c.neighbours(distinct[u].0, Some(u)))
        .collect();
    let attached_directly = |u: usize| {
        neighbours[u - recurring]
            .first()
            .is_some_and(|&v| v < recurring)
    };
    for u in recurring..distinct.len() {
        for &v in &neighbours[u - recurring] {
            if v < recurring || (!attached_directly(u) && !attached_directly(v)) {
                union(&mut parent, u, v);
                break;
            }
        }
    }
    let (group_of, groups) = dense_groups(&mut parent);

    // 3. Groups of two or more cases with similar profiles merge.
    let mut members: Vec<Vec<(&Signature, usize)>> = vec![Vec::new(); groups];
    for (i, d) in distinct.iter().enumerate() {
        members[group_of[i]].push(*d);
    }
    let mut profiles = ProfileIndex::default();
    let mut profiled: Vec<usize> = Vec::new();
    for (g, m) in members.iter().enumerate() {
        if m.iter().map(|x| x.1).sum::<usize>() >= 2 {
            profiles.insert(Profile::of(m));
            profiled.push(g);
        }
    }
    let mut merged: Vec<usize> = (0..groups).collect();
    for (a, p) in profiles.profiles.iter().enumerate() {
        for b in profiles.candidates(p.core_tokens()) {
            if b < a && p.similarity_to(&profiles.profiles[b]) + 1e-12 >= PROFILE_FACTOR * threshold
            {
                union(&mut merged, profiled[a], profiled[b]);
            }
        }
    }
    let (cluster_of_group, clusters) = dense_groups(&mut merged);
    c.count = clusters;
    c.cluster_of_node = group_of.iter().map(|&g| cluster_of_group[g]).collect();
    c.of = sigs
        .iter()
        .map(|s| c.cluster_of_node[c.node_of_sig[s]])
        .collect();
    c
}

impl Clustering<'_> {
    /// The nodes at or above the threshold of similarity to `sig`, other than `except`,
    /// nearest first: highest similarity, then recurring before one-off, then the lower node.
    fn neighbours(&self, sig: &Signature, except: Option<usize>) -> Vec<usize> {
        let mut found: Vec<(usize, f64)> = self
            .all
            .similar(sig, &self.rarity)
            .into_iter()
            .filter(|&(v, _)| Some(v) != except)
            .collect();
        found.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then((a.0 >= self.recurring).cmp(&(b.0 >= self.recurring)))
                .then(a.0.cmp(&b.0))
        });
        found.into_iter().map(|(v, _)| v).collect()
    }

    /// The cluster of `sig`: its own when it was clustered, else that of its nearest
    /// signature (at or above the threshold), if any.
    pub fn assign(&self, sig: &Signature) -> Option<usize> {
        let node = match self.node_of_sig.get(sig) {
            Some(&n) => n,
            None => *self.neighbours(sig, None).first()?,
        };
        Some(self.cluster_of_node[node])
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
    }

    #[test]
    fn a_polluted_case_does_not_chain_two_problems() {
        // The middle one shares most words with each side; the sides share almost nothing.
        let texts = [
            "alpha bravo charlie delta echo foxtrot",
            "alpha bravo charlie delta echo foxtrot",
            "alpha bravo charlie delta golf hotel",
            "charlie delta golf hotel india juliet",
        ];
        let sigs: Vec<Signature> = texts.iter().map(|t| sig(t)).collect();
        assert_eq!(sigs[2].jaccard(&sigs[0]), 0.5);
        assert_eq!(sigs[2].jaccard(&sigs[3]), 0.5);
        let refs: Vec<&Signature> = sigs.iter().collect();
        let c = cluster(&refs, 0.5);
        assert_eq!(c.of[0], c.of[1]);
        assert_ne!(c.of[0], c.of[3], "no chain from one problem to the other");
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
        use super::super::similarity::min_overlap;
        assert_eq!(min_overlap(4, 0.5), 2);
        assert_eq!(min_overlap(5, 0.5), 3);
        assert_eq!(min_overlap(1, 0.5), 1);
        assert_eq!(min_overlap(10, 1.0), 10);
    }

    #[test]
    fn phrasings_of_one_question_merge_through_profiles() {
        let products = [
            "Pro",
            "Team",
            "Starter",
            "Enterprise",
            "Storage 2 TB",
            "Analytics add-on",
        ];
        let mut texts = Vec::new();
        for (i, p) in products.iter().enumerate() {
            for n in 0..2 {
                texts.push(format!(
                    "Please cancel my subscription to the {p} plan, customer ID {i}{n}."
                ));
                texts.push(format!(
                    "Cancel the {p} plan for customer {i}{n} effective today."
                ));
            }
        }
        texts.push(
            "Please cancel my subscription to the Premium Support plan, customer ID 1.".into(),
        );
        texts.push("How do I reset my password for account 48213?".into());
        let sigs: Vec<Signature> = texts.iter().map(|t| sig(t)).collect();
        let refs: Vec<&Signature> = sigs.iter().collect();
        let c = cluster(&refs, 0.5);
        let n = texts.len();
        assert!(c.of[..n - 1].iter().all(|&k| k == c.of[0]), "{:?}", c.of);
        assert_ne!(c.of[n - 1], c.of[0]);
    }
}
