//! Per-chunk column builders of the requests table: plain vectors filled from borrowed records,
//! appended in chunk order and turned into polars columns once, at the end of the scan.

use polars::prelude::*;

/// A column of optional numbers: the values and, beside them, which ones are present.
#[derive(Debug, Clone, Default)]
pub struct Nullable<T> {
    values: Vec<T>,
    present: Vec<bool>,
}

impl<T: Copy + Default> Nullable<T> {
    pub fn push(&mut self, v: Option<T>) {
        self.values.push(v.unwrap_or_default());
        self.present.push(v.is_some());
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// The value at `i`, if present.
    pub fn get(&self, i: usize) -> Option<T> {
        self.present
            .get(i)
            .copied()
            .filter(|&p| p)
            .map(|_| self.values[i])
    }

    fn extend_from(&mut self, other: &Nullable<T>) {
        self.values.extend_from_slice(&other.values);
        self.present.extend_from_slice(&other.present);
    }

    /// A polars array of the values: zero-copy when every value is present.
    fn into_chunked<P>(self, name: &str) -> ChunkedArray<P>
    where
        P: PolarsNumericType<Native = T>,
    {
        if self.present.iter().all(|&p| p) {
            ChunkedArray::from_vec(name.into(), self.values)
        } else {
            let values = self.values.into_iter().zip(self.present);
            ChunkedArray::from_iter_options(name.into(), values.map(|(v, p)| p.then_some(v)))
        }
    }

    /// Concatenates the parts in order.
    pub fn concat<'a>(parts: impl Iterator<Item = &'a Nullable<T>>) -> Nullable<T>
    where
        T: 'a,
    {
        let mut out = Nullable::default();
        for p in parts {
            out.extend_from(p);
        }
        out
    }
}

impl Nullable<i64> {
    pub fn into_series(self, name: &str) -> Series {
        self.into_chunked::<Int64Type>(name).into_series()
    }
}

impl Nullable<i32> {
    pub fn into_series(self, name: &str) -> Series {
        self.into_chunked::<Int32Type>(name).into_series()
    }
}

impl Nullable<f64> {
    pub fn into_series(self, name: &str) -> Series {
        self.into_chunked::<Float64Type>(name).into_series()
    }
}

/// A column of optional strings stored back to back in one buffer.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    text: String,
    /// End offset of each value in `text`; `None` for an absent value.
    ends: Vec<Option<u32>>,
}

impl Strings {
    pub fn push(&mut self, v: Option<&str>) {
        match v {
            // Offsets are u32 per chunk part; a part never holds 4 GiB of one column's text
            // (chunks are a few MiB of input), but guard anyway rather than wrap around.
            Some(s) if self.text.len() + s.len() <= u32::MAX as usize => {
                self.text.push_str(s);
                self.ends.push(Some(self.text.len() as u32));
            }
            _ => self.ends.push(None),
        }
    }

    /// The values in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        let mut start = 0usize;
        self.ends.iter().map(move |end| {
            end.map(|e| {
                let s = &self.text[start..e as usize];
                start = e as usize;
                s
            })
        })
    }

    /// One string column from the parts, in order.
    pub fn concat_series<'a>(name: &str, parts: impl Iterator<Item = &'a Strings>) -> Series {
        let ca: StringChunked = parts.flat_map(Strings::iter).collect();
        ca.with_name(name.into()).into_series()
    }
}

/// The code of an absent categorical value.
pub const NULL_CODE: u32 = u32::MAX;

/// Categorical columns share polars' global string cache: each distinct string gets one code
/// (thread-safe, lock-free lookups), so per-chunk code vectors append without remapping.
#[derive(Clone)]
pub struct Dictionary {
    categories: Arc<Categories>,
    mapping: Arc<CategoricalMapping>,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dictionary(global)")
    }
}

impl Default for Dictionary {
    fn default() -> Self {
        Dictionary::new()
    }
}

impl Dictionary {
    /// The process-wide dictionary.
    pub fn new() -> Dictionary {
        let categories = Categories::global();
        let mapping = categories.mapping();
        Dictionary {
            categories,
            mapping,
        }
    }

    /// The code of `s`, added if new. `NULL_CODE` if the dictionary is full (2^32 values).
    pub fn code(&self, s: &str) -> u32 {
        self.mapping.insert_cat(s).unwrap_or(NULL_CODE)
    }

    /// A categorical column from codes (`NULL_CODE` for absent values).
    pub fn series(&self, name: &str, codes: Vec<u32>) -> Series {
        let ids = if codes.contains(&NULL_CODE) {
            let ids = codes.into_iter().map(|c| (c != NULL_CODE).then_some(c));
            UInt32Chunked::from_iter_options(name.into(), ids)
        } else {
            UInt32Chunked::from_vec(name.into(), codes)
        };
        let dtype = DataType::Categorical(self.categories.clone(), self.mapping.clone());
        Categorical32Chunked::from_cats_and_dtype(ids, dtype).into_series()
    }
}

/// Concatenates per-part code vectors in order.
pub fn concat_codes<'a>(parts: impl Iterator<Item = &'a Vec<u32>>) -> Vec<u32> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_parts_concatenate_in_order() {
        let mut a = Nullable::<f64>::default();
        a.push(Some(1.5));
        a.push(None);
        let mut b = Nullable::<f64>::default();
        b.push(Some(3.0));
        let s = Nullable::concat([&a, &b].into_iter()).into_series("x");
        let v: Vec<Option<f64>> = s.f64().unwrap().iter().collect();
        assert_eq!(v, [Some(1.5), None, Some(3.0)]);
        assert_eq!(a.get(0), Some(1.5));
        assert_eq!(a.get(1), None);
        assert_eq!(a.get(7), None);
    }

    #[test]
    fn strings_round_trip() {
        let mut a = Strings::default();
        a.push(Some("req_1"));
        a.push(None);
        a.push(Some(""));
        let mut b = Strings::default();
        b.push(Some("é😀"));
        let s = Strings::concat_series("id", [&a, &b].into_iter());
        let v: Vec<Option<&str>> = s.str().unwrap().iter().collect();
        assert_eq!(v, [Some("req_1"), None, Some(""), Some("é😀")]);
    }

    #[test]
    fn dictionary_codes_are_shared_and_nullable() {
        let d = Dictionary::new();
        let a = d.code("gpt-4o");
        assert_eq!(d.code("gpt-4o"), a);
        let s = d.series("model", vec![a, NULL_CODE, d.code("zeta")]);
        let s = s.cast(&DataType::String).unwrap();
        let v: Vec<Option<&str>> = s.str().unwrap().iter().collect();
        assert_eq!(v, [Some("gpt-4o"), None, Some("zeta")]);
    }
}
