//! A compact, exact encoding of the latencies a state keeps (they are most of its bytes): a
//! list of floats is written as one byte string holding its values sorted, as the differences
//! of their integer forms in LEB128 varints. Latencies are mostly whole or decimal milliseconds
//! and repeat often, so a sorted list costs one or two bytes a value instead of four or eight.
//! Every value comes back with its exact bits (percentiles stay exact); only the order of a
//! list changes, which nothing that reads these lists depends on (each is sorted, or counted
//! into a histogram, before use).
//!
//! The byte string is: the number of values (varint), then, when there are any, a mode byte:
//! - `0..=3`, decimal: every value `x` is `k / 10^mode` for an integer `0 <= k < 2^53` that
//!   gives back exactly the bits of `x`; the values are the sorted `k`s as differences.
//! - `255`, bits: any values (negative, NaN, fractions of no short decimal): the sorted
//!   order-preserving integer forms of their bits, as differences.
//!
//! Used through serde's `with` on the latency fields: [`f64s`], [`f32s`], [`f32_lists`].

/// Decimal scales tried, as powers of ten.
const MAX_DECIMALS: u8 = 3;
/// The mode of the bits form.
const BITS: u8 = 255;
/// Largest integer a decimal form holds (every one of them is an exact `f64`).
const MAX_INT: u64 = 1 << 53;

/// A float type the encoding carries exactly.
pub trait Float: Copy {
    fn to_f64(self) -> f64;
    fn from_f64(x: f64) -> Self;
    /// An integer whose order is the `total_cmp` order of the values.
    fn key(self) -> u64;
    fn from_key(k: u64) -> Option<Self>;
    fn same(self, other: Self) -> bool;
}

impl Float for f64 {
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(x: f64) -> Self {
        x
    }
    fn key(self) -> u64 {
        let b = self.to_bits();
        if b >> 63 == 1 {
            !b
        } else {
            b | (1 << 63)
        }
    }
    fn from_key(k: u64) -> Option<Self> {
        Some(f64::from_bits(if k >> 63 == 1 {
            k & !(1 << 63)
        } else {
            !k
        }))
    }
    fn same(self, other: Self) -> bool {
        self.to_bits() == other.to_bits()
    }
}

impl Float for f32 {
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    fn key(self) -> u64 {
        let b = self.to_bits();
        u64::from(if b >> 31 == 1 { !b } else { b | (1 << 31) })
    }
    fn from_key(k: u64) -> Option<Self> {
        let k = u32::try_from(k).ok()?;
        Some(f32::from_bits(if k >> 31 == 1 {
            k & !(1 << 31)
        } else {
            !k
        }))
    }
    fn same(self, other: Self) -> bool {
        self.to_bits() == other.to_bits()
    }
}

/// The value of decimal integer `k` at `decimals` places.
fn decimal<F: Float>(k: u64, decimals: u8) -> F {
    let x = k as f64;
    F::from_f64(if decimals == 0 {
        x
    } else {
        x / 10f64.powi(i32::from(decimals))
    })
}

/// The decimal integer of `x` at `decimals` places, when it gives `x` back exactly.
fn decimal_of<F: Float>(x: F, decimals: u8) -> Option<u64> {
    let scaled = (x.to_f64() * 10f64.powi(i32::from(decimals))).round();
    if !(0.0..MAX_INT as f64).contains(&scaled) {
        return None;
    }
    let k = scaled as u64;
    decimal::<F>(k, decimals).same(x).then_some(k)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at).ok_or("latencies cut short")?;
        *at += 1;
        v |= u64::from(b & 0x7f)
            .checked_shl(shift)
            .filter(|x| x >> shift == u64::from(b & 0x7f))
            .ok_or("latency varint too large")?;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("latency varint too long".into())
}

/// Appends the encoding of `values` to `out`.
pub fn encode<F: Float>(values: &[F], out: &mut Vec<u8>) {
    put_varint(out, values.len() as u64);
    if values.is_empty() {
        return;
    }
    let as_decimals = (0..=MAX_DECIMALS).find_map(|d| {
        values
            .iter()
            .map(|&x| decimal_of(x, d))
            .collect::<Option<Vec<u64>>>()
            .map(|ks| (d, ks))
    });
    let (mode, mut ints) =
        as_decimals.unwrap_or_else(|| (BITS, values.iter().map(|x| x.key()).collect::<Vec<u64>>()));
    out.push(mode);
    ints.sort_unstable();
    let mut prev = 0u64;
    for k in ints {
        put_varint(out, k - prev);
        prev = k;
    }
}

/// Decodes what [`encode`] wrote; the values come back sorted.
pub fn decode<F: Float>(bytes: &[u8]) -> Result<Vec<F>, String> {
    let mut at = 0;
    let n = get_varint(bytes, &mut at)?;
    // Each value takes at least one byte: a damaged count cannot reserve much.
    if n > bytes.len() as u64 {
        return Err("latency count past the end".into());
    }
    let mut out = Vec::with_capacity(n as usize);
    if n > 0 {
        let mode = *bytes.get(at).ok_or("latencies cut short")?;
        at += 1;
        if mode > MAX_DECIMALS && mode != BITS {
            return Err(format!("unknown latency encoding {mode}"));
        }
        let mut k = 0u64;
        for _ in 0..n {
            k = k
                .checked_add(get_varint(bytes, &mut at)?)
                .ok_or("latency out of range")?;
            out.push(if mode == BITS {
                F::from_key(k).ok_or("latency out of range")?
            } else if k < MAX_INT {
                decimal(k, mode)
            } else {
                return Err("latency out of range".into());
            });
        }
    }
    if at != bytes.len() {
        return Err("bytes after the latencies".into());
    }
    Ok(out)
}

/// A byte string, borrowed where the format allows.
struct ByteString<'a>(std::borrow::Cow<'a, [u8]>);

impl<'de> serde::Deserialize<'de> for ByteString<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ByteString<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("encoded latencies")
            }
            fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Self::Value, E> {
                Ok(ByteString(v.into()))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(ByteString(v.to_vec().into()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Self::Value, E> {
                Ok(ByteString(v.into()))
            }
        }
        d.deserialize_bytes(V)
    }
}

fn ser<F: Float, S: serde::Serializer>(v: &[F], s: S) -> Result<S::Ok, S::Error> {
    let mut out = Vec::with_capacity(v.len() + 8);
    encode(v, &mut out);
    s.serialize_bytes(&out)
}

fn de<'de, F: Float, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<F>, D::Error> {
    let b: ByteString = serde::Deserialize::deserialize(d)?;
    decode(&b.0).map_err(serde::de::Error::custom)
}

/// `#[serde(with = "…::f64s")]` for a `Vec<f64>`.
pub mod f64s {
    pub fn serialize<S: serde::Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        super::ser(v, s)
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        super::de(d)
    }
}

/// `#[serde(with = "…::f32s")]` for a `Vec<f32>`.
pub mod f32s {
    pub fn serialize<S: serde::Serializer>(v: &[f32], s: S) -> Result<S::Ok, S::Error> {
        super::ser(v, s)
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
        super::de(d)
    }
}

/// `#[serde(with = "…::f32_lists")]` for a `Vec<Vec<f32>>`: the list of encoded lists.
pub mod f32_lists {
    use serde::ser::SerializeSeq;

    struct One<'a>(&'a [f32]);
    impl serde::Serialize for One<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            super::ser(self.0, s)
        }
    }
    struct Back(Vec<f32>);
    impl<'de> serde::Deserialize<'de> for Back {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            super::de(d).map(Back)
        }
    }

    pub fn serialize<S: serde::Serializer>(v: &[Vec<f32>], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for l in v {
            seq.serialize_element(&One(l))?;
        }
        seq.end()
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Vec<f32>>, D::Error> {
        let v: Vec<Back> = serde::Deserialize::deserialize(d)?;
        Ok(v.into_iter().map(|b| b.0).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bits64(v: &[f64]) -> Vec<u64> {
        let mut b: Vec<u64> = v.iter().map(|x| x.to_bits()).collect();
        b.sort_unstable();
        b
    }

    fn round_trip64(v: &[f64]) -> Vec<u8> {
        let mut out = Vec::new();
        encode(v, &mut out);
        let back: Vec<f64> = decode(&out).unwrap();
        assert_eq!(bits64(&back), bits64(v), "{v:?}");
        assert!(back.windows(2).all(|w| w[0].total_cmp(&w[1]).is_le()));
        out
    }

    /// Whole milliseconds that repeat cost about a byte each; decimals and odd values come
    /// back with their exact bits.
    #[test]
    fn sizes_and_exact_values() {
        let whole: Vec<f64> = (0..10_000)
            .map(|i| f64::from(200 + (i * 7919) % 3000))
            .collect();
        let bytes = round_trip64(&whole);
        assert!(bytes.len() < 11_000, "{}", bytes.len());
        assert_eq!(
            bytes[2], 0,
            "whole numbers use the decimal form with no places"
        );
        let tenths: Vec<f64> = (0..1000).map(|i| f64::from(i + 30) / 10.0).collect();
        let bytes = round_trip64(&tenths);
        assert!((1..=3).contains(&bytes[2]), "{}", bytes[2]);
        for odd in [
            vec![-1.0, 2.0],
            vec![f64::NAN, 1.0, f64::INFINITY, f64::NEG_INFINITY],
            vec![-0.0, 0.0],
            vec![std::f64::consts::PI, 1e300, 5e-324],
            vec![9_007_199_254_740_993.0, 1.0],
            vec![0.1 + 0.2],
            vec![],
        ] {
            round_trip64(&odd);
        }
        let f: Vec<f32> = vec![1148.0, 13618.0, 0.25, 1e-7, -3.5, f32::NAN, 1148.0];
        let mut out = Vec::new();
        encode(&f, &mut out);
        let back: Vec<f32> = decode(&out).unwrap();
        let mut a: Vec<u32> = f.iter().map(|x| x.to_bits()).collect();
        let mut b: Vec<u32> = back.iter().map(|x| x.to_bits()).collect();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
    }

    /// Damaged bytes give an error, never a panic or a huge allocation.
    #[test]
    fn damaged_bytes_are_errors() {
        let mut out = Vec::new();
        encode(&[1.0f64, 2.0, 300.5], &mut out);
        for cut in 0..out.len() {
            assert!(decode::<f64>(&out[..cut]).is_err(), "cut {cut}");
        }
        let mut extra = out.clone();
        extra.push(0);
        assert!(decode::<f64>(&extra).is_err());
        assert!(decode::<f64>(&[0xff, 0xff, 0xff, 0xff, 0x0f, 0]).is_err());
        assert!(decode::<f64>(&[2, 7, 1, 1]).is_err(), "unknown mode");
        assert!(decode::<f32>(&[1, 255, 0xff, 0xff, 0xff, 0xff, 0x7f]).is_err());
        assert!(decode::<f64>(&[0xff; 12]).is_err());
    }

    /// Percentiles of the decoded values equal those of the originals.
    #[test]
    fn percentiles_are_exact() {
        use crate::analysis::quantile::quantiles;
        let mut v: Vec<f64> = (0..5000)
            .map(|i| f64::from((i * 37) % 2311) + if i % 3 == 0 { 0.5 } else { 0.0 })
            .collect();
        let mut out = Vec::new();
        encode(&v, &mut out);
        let mut back: Vec<f64> = decode(&out).unwrap();
        let qs = [0.0, 0.5, 0.95, 0.99, 1.0];
        assert_eq!(quantiles(&mut back, &qs), quantiles(&mut v, &qs));
    }

    proptest! {
        /// Any f64 list round-trips to the same multiset of bits.
        #[test]
        fn f64_round_trip(v in proptest::collection::vec(any::<f64>(), 0..200)) {
            round_trip64(&v);
        }

        /// Latency-like lists (whole or decimal milliseconds, repeats) round-trip, and
        /// through serde and postcard too.
        #[test]
        fn latency_like_round_trip(
            v in proptest::collection::vec((0u32..120_000, 0u32..4), 0..300),
        ) {
            let values: Vec<f64> = v
                .iter()
                .map(|&(ms, d)| f64::from(ms) / 10f64.powi(d as i32))
                .collect();
            round_trip64(&values);
            #[derive(serde::Serialize, serde::Deserialize)]
            struct W {
                #[serde(with = "f64s")]
                a: Vec<f64>,
                #[serde(with = "f32s")]
                b: Vec<f32>,
                #[serde(with = "f32_lists")]
                c: Vec<Vec<f32>>,
            }
            let f32s: Vec<f32> = values.iter().map(|&x| x as f32).collect();
            let w = W { a: values.clone(), b: f32s.clone(), c: vec![f32s.clone(), vec![], f32s.clone()] };
            let bytes = postcard::to_stdvec(&w).unwrap();
            let back: W = postcard::from_bytes(&bytes).unwrap();
            prop_assert_eq!(bits64(&back.a), bits64(&values));
            let sorted32 = |v: &[f32]| { let mut b: Vec<u32> = v.iter().map(|x| x.to_bits()).collect(); b.sort_unstable(); b };
            prop_assert_eq!(sorted32(&back.b), sorted32(&f32s));
            prop_assert_eq!(back.c.len(), 3);
            prop_assert_eq!(sorted32(&back.c[2]), sorted32(&f32s));
            prop_assert!(back.c[1].is_empty());
        }
    }
}
