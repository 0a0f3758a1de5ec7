//! Per-period counts by model and release (requests, low confidence, negative feedback,
//! errors, cases): small whatever the log size, they feed the trend and week-over-week tables.

use super::Reasons;
use crate::record::{Dim, Record};
use std::collections::HashMap;

/// Counts of one period, model and release.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    pub requests: u64,
    pub low_confidence: u64,
    pub negative_feedback: u64,
    /// Failed requests (non-2xx), counted whether or not errors are cases.
    pub errors: u64,
    /// Requests with at least one reason.
    pub cases: u64,
}

impl Tally {
    /// Counts one request.
    pub fn add(&mut self, reasons: Reasons, failed: bool) {
        self.requests += 1;
        self.low_confidence += u64::from(reasons.contains(Reasons::LOW_CONFIDENCE));
        self.negative_feedback += u64::from(reasons.contains(Reasons::NEGATIVE_FEEDBACK));
        self.errors += u64::from(failed);
        self.cases += u64::from(!reasons.is_empty());
    }

    /// Adds another tally.
    pub fn combine(&mut self, o: &Tally) {
        self.requests += o.requests;
        self.low_confidence += o.low_confidence;
        self.negative_feedback += o.negative_feedback;
        self.errors += o.errors;
        self.cases += o.cases;
    }
}

/// The key of a tally: period index, model and release (`None` when absent).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct CountKey {
    pub period: i64,
    pub model: Option<String>,
    pub version: Option<String>,
}

/// Tallies per period, model and release. Lookups of existing keys allocate nothing: the map
/// is keyed by the encoded key bytes, as in `analysis::group`.
#[derive(Debug, Clone, Default)]
pub struct PeriodCounts {
    index: HashMap<Box<[u8]>, usize>,
    keys: Vec<CountKey>,
    tallies: Vec<Tally>,
    buf: Vec<u8>,
}

impl PeriodCounts {
    /// Counts `rec` in period `period`.
    pub fn add(&mut self, period: i64, rec: &Record<'_>, reasons: Reasons, failed: bool) {
        self.buf.clear();
        self.buf.extend_from_slice(&period.to_le_bytes());
        for d in [Dim::Model, Dim::Version] {
            match rec.dim(d) {
                // 0xFF never occurs in UTF-8, so it separates values unambiguously.
                Some(v) => {
                    self.buf.push(1);
                    self.buf.extend_from_slice(v.get().as_bytes());
                    self.buf.push(0xFF);
                }
                None => self.buf.push(0),
            }
        }
        let i = match self.index.get(self.buf.as_slice()) {
            Some(&i) => i,
            None => {
                let key = CountKey {
                    period,
                    model: rec.dim(Dim::Model).map(|v| v.get().into_owned()),
                    version: rec.dim(Dim::Version).map(|v| v.get().into_owned()),
                };
                self.insert(self.buf.clone().into_boxed_slice(), key)
            }
        };
        self.tallies[i].add(reasons, failed);
    }

    fn insert(&mut self, encoded: Box<[u8]>, key: CountKey) -> usize {
        let i = self.keys.len();
        self.index.insert(encoded, i);
        self.keys.push(key);
        self.tallies.push(Tally::default());
        i
    }

    fn encode(key: &CountKey) -> Box<[u8]> {
        let mut b = key.period.to_le_bytes().to_vec();
        for v in [&key.model, &key.version] {
            match v {
                Some(s) => {
                    b.push(1);
                    b.extend_from_slice(s.as_bytes());
                    b.push(0xFF);
                }
                None => b.push(0),
            }
        }
        b.into_boxed_slice()
    }

    /// Adds the tallies of another accumulator.
    pub fn merge(&mut self, other: PeriodCounts) {
        for (key, tally) in other.keys.into_iter().zip(other.tallies) {
            let encoded = Self::encode(&key);
            let i = match self.index.get(&encoded) {
                Some(&i) => i,
                None => self.insert(encoded, key),
            };
            self.tallies[i].combine(&tally);
        }
    }

    /// Drops the tallies of periods before `first`.
    pub fn retain_from(&mut self, first: i64) {
        if self.keys.iter().all(|k| k.period >= first) {
            return;
        }
        let old = std::mem::take(self);
        for (key, tally) in old.keys.into_iter().zip(old.tallies) {
            if key.period >= first {
                let i = self.insert(Self::encode(&key), key);
                self.tallies[i] = tally;
            }
        }
    }

    /// Every key and tally, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&CountKey, &Tally)> {
        self.keys.iter().zip(&self.tallies)
    }

    /// The total of one period.
    pub fn period_total(&self, period: i64) -> Tally {
        let mut t = Tally::default();
        for (k, v) in self.iter() {
            if k.period == period {
                t.combine(v);
            }
        }
        t
    }
}

/// A durable state holds the keys and tallies; the index is rebuilt on loading.
impl serde::Serialize for PeriodCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&(&self.keys, &self.tallies), s)
    }
}

impl<'de> serde::Deserialize<'de> for PeriodCounts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (keys, tallies): (Vec<CountKey>, Vec<Tally>) = serde::Deserialize::deserialize(d)?;
        if keys.len() != tallies.len() {
            return Err(serde::de::Error::custom(
                "period counts: keys and tallies differ",
            ));
        }
        let mut c = PeriodCounts::default();
        for (k, t) in keys.into_iter().zip(tallies) {
            let i = c.insert(Self::encode(&k), k);
            c.tallies[i] = t;
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::JsonStr;

    fn rec(model: &'static str) -> Record<'static> {
        let mut r = Record::default();
        r.dims[Dim::Model as usize] = Some(JsonStr::plain(model));
        r
    }

    #[test]
    fn add_merge_retain() {
        let mut a = PeriodCounts::default();
        a.add(1, &rec("m"), Reasons::LOW_CONFIDENCE, false);
        a.add(1, &rec("m"), Reasons::default(), true);
        a.add(0, &rec("n"), Reasons::NEGATIVE_FEEDBACK, false);
        let mut b = PeriodCounts::default();
        b.add(1, &rec("m"), Reasons::LOW_CONFIDENCE, false);
        b.add(2, &rec("m"), Reasons::default(), false);
        a.merge(b);
        let t = a.period_total(1);
        assert_eq!(
            t,
            Tally {
                requests: 3,
                low_confidence: 2,
                negative_feedback: 0,
                errors: 1,
                cases: 2
            }
        );
        a.retain_from(1);
        assert_eq!(a.period_total(0), Tally::default());
        assert_eq!(a.period_total(2).requests, 1);
        assert_eq!(a.iter().count(), 2);
        a.add(1, &rec("m"), Reasons::default(), false);
        assert_eq!(a.period_total(1).requests, 4);
    }
}
