//! Boilerplate learned from the data: a segment (sentence or line, normalized) that recurs in
//! many cases whose other content differs — a greeting, a signature, a disclaimer, a pasted
//! template — says nothing about any one of them and is left out before grouping.
//!
//! Segments are tried from the most frequent down. One is boilerplate when it occurs in at
//! least [`MIN_CASES`] cases, at least 80 % of them say something else besides it (and
//! besides boilerplate found before it), and what they say differs (distinct remainders in at
//! least half of them). A problem stated in the same words every time is kept: most of its
//! cases say nothing else, or say the same other thing.

use super::text::{segment_hash, Doc};
// foldhash (hashbrown's default hasher): the maps here are keyed by token ids and segment
// hashes and looked up for every token of every case; SipHash was a quarter of the review's
// time. Only lookups and counts read these maps, never their order.
use foldhash::{HashMap, HashSet};
use rayon::prelude::*;

/// Fewest cases a segment must occur in to be learned as boilerplate.
pub const MIN_CASES: usize = 5;
/// Share of a segment's cases that must hold other content.
const OTHER_CONTENT_SHARE: f64 = 0.8;
/// Share of those whose other content must be distinct.
const DISTINCT_SHARE: f64 = 0.5;

/// Tokens of a segment's skeleton: a segment longer than this is known by its most common
/// tokens only, so the variants of one template (a signature with another name, a disclaimer
/// with another company) count as one segment.
const SKELETON: usize = 4;

/// The key of every segment of each learned document, in order (see
/// [`Boilerplate::learn_keyed`]).
#[derive(Debug, Clone, Default)]
pub struct SegmentKeys(Vec<Vec<u32>>);

impl SegmentKeys {
    /// The segment keys of the `i`-th learned document.
    pub fn of(&self, i: usize) -> &[u32] {
        &self.0[i]
    }
}

/// The set of boilerplate segments (by skeleton hash).
#[derive(Debug, Clone, Default)]
pub struct Boilerplate {
    segments: HashSet<u32>,
    /// Documents holding each token, for skeletons.
    df: HashMap<u32, u32>,
}

impl Boilerplate {
    /// Learns the boilerplate of a collection of documents.
    pub fn learn(docs: &[&Doc]) -> Boilerplate {
        Boilerplate::learn_keyed(docs).0
    }

    /// Learns the boilerplate of a collection of documents, and gives the key of every
    /// segment of each document, in order, for [`Boilerplate::content_keyed`]: each key is
    /// computed once (a long segment's key sorts its tokens).
    pub fn learn_keyed(docs: &[&Doc]) -> (Boilerplate, SegmentKeys) {
        let distinct_tokens: Vec<Vec<u32>> = docs
            .par_iter()
            .map(|d| {
                let mut t: Vec<u32> = d.tokens().to_vec();
                t.sort_unstable();
                t.dedup();
                t
            })
            .collect();
        let mut token_df: HashMap<u32, u32> = HashMap::default();
        for t in distinct_tokens {
            for x in t {
                *token_df.entry(x).or_default() += 1;
            }
        }
        let mut b = Boilerplate {
            segments: HashSet::default(),
            df: token_df,
        };
        let keys = SegmentKeys(
            docs.par_iter()
                .map(|d| d.segments().map(|s| b.key(s)).collect())
                .collect(),
        );
        // Distinct segment keys of each document.
        let hashes: Vec<Vec<u32>> = keys
            .0
            .par_iter()
            .map(|k| {
                let mut h = k.clone();
                h.sort_unstable();
                h.dedup();
                h
            })
            .collect();
        let mut df: HashMap<u32, Vec<u32>> = HashMap::default();
        {
            let mut count: HashMap<u32, u32> = HashMap::default();
            for h in &hashes {
                for &s in h {
                    *count.entry(s).or_default() += 1;
                }
            }
            for (d, h) in hashes.iter().enumerate() {
                for &s in h {
                    if count[&s] as usize >= MIN_CASES {
                        df.entry(s).or_default().push(d as u32);
                    }
                }
            }
        }
        let mut candidates: Vec<(u32, Vec<u32>)> =
            df.into_iter().filter(|(_, d)| d.len() > 1).collect();
        candidates.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        let mut found: HashSet<u32> = HashSet::default();
        for (seg, holders) in candidates {
            let mut other = 0usize;
            let mut rests: HashSet<u32> = HashSet::default();
            for &d in &holders {
                let rest: Vec<u32> = hashes[d as usize]
                    .iter()
                    .copied()
                    .filter(|&s| s != seg && !found.contains(&s))
                    .collect();
                if !rest.is_empty() {
                    other += 1;
                    rests.insert(segment_hash(&rest));
                }
            }
            let n = holders.len() as f64;
            if other as f64 >= OTHER_CONTENT_SHARE * n
                && rests.len() as f64 >= DISTINCT_SHARE * other as f64
                && rests.len() >= MIN_CASES
            {
                found.insert(seg);
            }
        }
        b.segments = found;
        (b, keys)
    }

    /// The key of a segment: the hash of its tokens, or for a long one of its skeleton (its
    /// [`SKELETON`] most frequent tokens, in id order).
    fn key(&self, segment: &[u32]) -> u32 {
        if segment.len() <= SKELETON {
            return segment_hash(segment);
        }
        let mut t: Vec<u32> = segment.to_vec();
        t.sort_unstable();
        t.dedup();
        // The SKELETON most frequent tokens (ties by id): each token's count looked up once,
        // then a selection rather than a full sort by a comparator that looks it up again.
        let mut ranked: Vec<(std::cmp::Reverse<u32>, u32)> = t
            .iter()
            .map(|&x| (std::cmp::Reverse(self.df.get(&x).copied().unwrap_or(0)), x))
            .collect();
        if ranked.len() > SKELETON {
            ranked.select_nth_unstable(SKELETON - 1);
            ranked.truncate(SKELETON);
        }
        t.clear();
        t.extend(ranked.into_iter().map(|(_, x)| x));
        t.sort_unstable();
        segment_hash(&t) ^ 0x9e37_79b9
    }

    /// True when the segment was learned as boilerplate.
    pub fn contains(&self, segment: &[u32]) -> bool {
        self.segments.contains(&self.key(segment))
    }

    /// Number of boilerplate segments learned.
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// True when nothing was learned.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The content segments of `doc`: all but boilerplate, or all of them when every one is
    /// boilerplate (a case is about what it says, even when others say it too).
    pub fn content<'d>(&self, doc: &'d Doc) -> Vec<&'d [u32]> {
        let keys: Vec<u32> = doc.segments().map(|s| self.key(s)).collect();
        self.content_keyed(doc, &keys)
    }

    /// [`Boilerplate::content`] of a document whose segment keys (from
    /// [`Boilerplate::learn_keyed`]) are `keys`.
    pub fn content_keyed<'d>(&self, doc: &'d Doc, keys: &[u32]) -> Vec<&'d [u32]> {
        debug_assert_eq!(keys.len(), doc.segments().count());
        let kept: Vec<&[u32]> = doc
            .segments()
            .zip(keys)
            .filter(|(_, k)| !self.segments.contains(k))
            .map(|(s, _)| s)
            .collect();
        if kept.is_empty() {
            doc.segments().collect()
        } else {
            kept
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::{Normalizer, Source, Vocabulary};
    use super::*;

    fn docs(texts: &[String]) -> Vec<Doc> {
        let n = Normalizer::default();
        let mut v = Vocabulary::default();
        texts
            .iter()
            .map(|t| n.doc(Source::Prompt, t, &mut v))
            .collect()
    }

    #[test]
    fn a_sentence_shared_by_different_cases_is_boilerplate() {
        let topics = [
            "my alarm did not ring",
            "the weather forecast is wrong",
            "order a pizza for tonight",
            "play some jazz music",
            "turn off the kitchen lights",
            "what is on my calendar tomorrow",
        ];
        let mut texts: Vec<String> = topics
            .iter()
            .map(|t| format!("This message was sent by Acme Customer Care. {t}."))
            .collect();
        // A problem stated in the same words, alone, in many cases: content.
        for _ in 0..6 {
            texts.push("My PIN is blocked.".into());
        }
        texts.push("My PIN is blocked. I tried three times.".into());
        let d = docs(&texts);
        let refs: Vec<&Doc> = d.iter().collect();
        let (b, keys) = Boilerplate::learn_keyed(&refs);
        assert_eq!(b.len(), 1);
        for (i, doc) in d.iter().enumerate() {
            assert_eq!(b.content_keyed(doc, keys.of(i)), b.content(doc));
        }
        let first = d[0].segments().next().unwrap();
        assert!(b.contains(first));
        assert_eq!(b.content(&d[0]).len(), 1);
        assert!(!b.contains(d[6].segments().next().unwrap()));
        // A case that is only boilerplate keeps it.
        let only = docs(&["This message was sent by Acme Customer Care.".to_string()]);
        assert_eq!(b.content(&only[0]).len(), 1);
    }

    #[test]
    fn a_problem_with_varying_details_is_kept_when_most_cases_say_only_it() {
        let mut texts: Vec<String> = (0..10)
            .map(|_| "The app crashes on start.".into())
            .collect();
        for t in ["on my phone", "since the update", "every time"] {
            texts.push(format!("The app crashes on start. It happens {t}."));
        }
        let d = docs(&texts);
        let refs: Vec<&Doc> = d.iter().collect();
        assert!(Boilerplate::learn(&refs).is_empty());
    }
}
