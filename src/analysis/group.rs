//! Grouping by time bucket and dimension values, shared by every per-bucket report: a hash map
//! keyed by the encoded key bytes, so a lookup for an existing group allocates nothing.

use crate::bucket::BucketKind;
use crate::record::time::Micros;
use crate::record::{Dim, Record};
use std::cmp::Ordering;
use std::collections::HashMap;

/// How rows are grouped: a bucket width and the dimensions after it (`--by day,model`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupSpec {
    pub bucket: BucketKind,
    pub dims: Vec<Dim>,
}

impl GroupSpec {
    /// Parses `BUCKET[,DIM...]`.
    pub fn parse(s: &str) -> Result<GroupSpec, String> {
        let mut parts = s.split(',').map(str::trim);
        let first = parts.next().unwrap_or("");
        let bucket = BucketKind::parse(first).ok_or_else(|| {
            format!("--by must start with a bucket (hour, day, week, month), got `{first}`")
        })?;
        let mut dims = Vec::new();
        for p in parts {
            let d = Dim::parse(p).ok_or_else(|| {
                format!("unknown dimension `{p}` in --by (model, version, endpoint, stage, tenant, user_id)")
            })?;
            if !dims.contains(&d) {
                dims.push(d);
            }
        }
        Ok(GroupSpec { bucket, dims })
    }
}

/// A group's key: the bucket start (epoch seconds) and the dimension values (None = absent).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupKey {
    pub bucket: i64,
    pub dims: Vec<Option<String>>,
}

impl Ord for GroupKey {
    /// Bucket, then each dimension ascending with absent values last (as SQL's NULLS LAST).
    fn cmp(&self, other: &Self) -> Ordering {
        self.bucket.cmp(&other.bucket).then_with(|| {
            for (a, b) in self.dims.iter().zip(&other.dims) {
                let o = match (a, b) {
                    (Some(a), Some(b)) => a.cmp(b),
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        })
    }
}

impl PartialOrd for GroupKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Accumulators of type `T` per group.
#[derive(Debug, Clone)]
pub struct Groups<T> {
    spec: GroupSpec,
    index: HashMap<Box<[u8]>, usize>,
    keys: Vec<GroupKey>,
    values: Vec<T>,
    buf: Vec<u8>,
}

impl<T: Default> Groups<T> {
    pub fn new(spec: GroupSpec) -> Self {
        Groups {
            spec,
            index: HashMap::new(),
            keys: Vec::new(),
            values: Vec::new(),
            buf: Vec::new(),
        }
    }

    pub fn spec(&self) -> &GroupSpec {
        &self.spec
    }

    /// The accumulator of the group holding `rec` (whose timestamp is `ts`).
    pub fn entry(&mut self, ts: Micros, rec: &Record<'_>) -> &mut T {
        let bucket = self.spec.bucket.start(ts);
        self.buf.clear();
        self.buf.extend_from_slice(&bucket.to_le_bytes());
        for &d in &self.spec.dims {
            match rec.dim(d) {
                // A 0xFF byte never occurs in UTF-8, so it separates values unambiguously.
                Some(v) => {
                    self.buf.push(1);
                    self.buf.extend_from_slice(v.get().as_bytes());
                    self.buf.push(0xFF);
                }
                None => self.buf.push(0),
            }
        }
        let idx = match self.index.get(self.buf.as_slice()) {
            Some(&i) => i,
            None => {
                let key = GroupKey {
                    bucket,
                    dims: self
                        .spec
                        .dims
                        .iter()
                        .map(|&d| rec.dim(d).map(|v| v.get().into_owned()))
                        .collect(),
                };
                self.insert(self.buf.clone().into_boxed_slice(), key)
            }
        };
        &mut self.values[idx]
    }

    fn insert(&mut self, enc: Box<[u8]>, key: GroupKey) -> usize {
        let i = self.keys.len();
        self.index.insert(enc, i);
        self.keys.push(key);
        self.values.push(T::default());
        i
    }

    /// Folds `other` into `self`, combining the accumulators of equal groups with `combine`.
    pub fn merge(&mut self, other: Groups<T>, mut combine: impl FnMut(&mut T, T)) {
        let mut by_index: Vec<(Box<[u8]>, usize)> = other.index.into_iter().collect();
        // Fold in the other side's insertion order so merging is deterministic.
        by_index.sort_by_key(|(_, i)| *i);
        let mut keys = other.keys.into_iter().map(Some).collect::<Vec<_>>();
        let mut values = other.values.into_iter().map(Some).collect::<Vec<_>>();
        for (enc, i) in by_index {
            let v = values[i].take().expect("each group once");
            match self.index.get(&enc) {
                Some(&j) => combine(&mut self.values[j], v),
                None => {
                    let key = keys[i].take().expect("each group once");
                    let j = self.insert(enc, key);
                    self.values[j] = v;
                }
            }
        }
    }

    /// The groups sorted by bucket, then dimension values; a value holding PII is scrubbed
    /// (see `pii::scrub_key`) here, once per group, as every report writes these keys.
    pub fn into_sorted(self) -> Vec<(GroupKey, T)> {
        let mut rows: Vec<(GroupKey, T)> = self.keys.into_iter().zip(self.values).collect();
        for (key, _) in &mut rows {
            for v in key.dims.iter_mut().flatten() {
                if let std::borrow::Cow::Owned(clean) = crate::pii::scrub_key(v) {
                    *v = clean;
                }
            }
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The index key of a group, as `entry` builds it from a record.
    fn encode(key: &GroupKey) -> Box<[u8]> {
        let mut b = key.bucket.to_le_bytes().to_vec();
        for v in &key.dims {
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

    /// The accumulators, in no particular order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.values.iter_mut()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// A durable state holds a `Groups` as its spec, keys and accumulators; the index is rebuilt
/// on loading (it is derived data, and would double the state's size).
impl<T: serde::Serialize> serde::Serialize for Groups<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&(&self.spec, &self.keys, &self.values), s)
    }
}

impl<'de, T: serde::Deserialize<'de> + Default> serde::Deserialize<'de> for Groups<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (spec, keys, values): (GroupSpec, Vec<GroupKey>, Vec<T>) =
            serde::Deserialize::deserialize(d)?;
        if keys.len() != values.len() || keys.iter().any(|k| k.dims.len() != spec.dims.len()) {
            return Err(serde::de::Error::custom("groups: keys and values differ"));
        }
        let mut g = Groups::new(spec);
        for (k, v) in keys.into_iter().zip(values) {
            let enc = Self::encode(&k);
            if g.index.contains_key(&enc) {
                return Err(serde::de::Error::custom("groups: a key twice"));
            }
            let i = g.insert(enc, k);
            g.values[i] = v;
        }
        Ok(g)
    }
}
