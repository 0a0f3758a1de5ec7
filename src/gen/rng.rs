//! Small seeded PRNG (SplitMix64 seeding, xoshiro256** stream) so generated logs are
//! reproducible bit for bit without the `rand` crate.

/// Advances a SplitMix64 state and returns the next output.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    mix64(*state)
}

/// Scrambles a word with the SplitMix64 finalizer.
///
/// The finalizer is a bijection on `u64`, which is what lets request ids derived from
/// distinct record indices stay distinct.
pub(crate) fn mix64(x: u64) -> u64 {
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A xoshiro256** generator with a few sampling helpers.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    s: [u64; 4],
}

/// Alphanumeric characters, as used by most token formats.
pub(crate) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Lower-case hexadecimal digits.
pub(crate) const HEX: &[u8] = b"0123456789abcdef";

impl Rng {
    /// Creates a generator whose state is expanded from `seed` with SplitMix64.
    pub(crate) fn new(seed: u64) -> Self {
        let mut sm = seed;
        let mut s = [0u64; 4];
        for w in &mut s {
            *w = splitmix64(&mut sm);
        }
        // xoshiro must never run from the all-zero state.
        if s == [0; 4] {
            s[0] = 1;
        }
        Rng { s }
    }

    /// Creates an independent generator for item `index` of a named `stream` under `seed`.
    ///
    /// Records, blocks and scenario choices each use their own stream, so adding a draw in
    /// one place never shifts the numbers drawn elsewhere.
    pub(crate) fn derive(seed: u64, stream: u64, index: u64) -> Self {
        let a = mix64(seed ^ mix64(stream.wrapping_add(0x632B_E59B_D9B4_E019)));
        Rng::new(
            a ^ mix64(
                index
                    .wrapping_mul(0xD6E8_FEB8_6659_FD93)
                    .wrapping_add(stream),
            ),
        )
    }

    /// Returns the next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Returns a uniform float in `[0, 1)`.
    pub(crate) fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Returns a uniform integer in `[0, n)`; `n` must be positive.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        // Lemire's multiply-shift: the bias is below 2^-40 for the small ranges used here.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Returns a uniform integer in `[lo, hi]`.
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Returns a uniform float in `[lo, hi)`.
    pub(crate) fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }

    /// Returns true with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Returns a uniformly chosen element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Returns an index drawn in proportion to `weights` (which need not sum to one).
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        // Rounding can leave a sliver past the last bucket; give it to the last non-zero one.
        weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
    }

    /// Returns a standard normal deviate (Box–Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.f64();
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Returns a log-normal deviate with the given median and log-space sigma.
    pub(crate) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// Appends `n` characters drawn uniformly from `alphabet` (ASCII only) to `out`.
    pub(crate) fn push_chars(&mut self, out: &mut String, alphabet: &[u8], n: usize) {
        out.reserve(n);
        for _ in 0..n {
            out.push(char::from(*self.pick(alphabet)));
        }
    }

    /// Appends `n` random decimal digits to `out`.
    pub(crate) fn push_digits(&mut self, out: &mut String, n: usize) {
        for _ in 0..n {
            out.push(char::from(b'0' + self.below(10) as u8));
        }
    }

    /// Appends `pat` with `N` replaced by a digit 2–9, `X` by any digit and a class such as
    /// `[01378]` by one of its digits (one draw each, like `N`, so swapping an `N` for a class
    /// leaves the rest of the stream as it was).
    pub(crate) fn fill_pattern(&mut self, pat: &str, out: &mut String) {
        let mut chars = pat.chars();
        while let Some(c) = chars.next() {
            match c {
                'N' => out.push(char::from(b'0' + self.range(2, 9) as u8)),
                'X' => out.push(char::from(b'0' + self.below(10) as u8)),
                '[' => {
                    let class: Vec<char> = chars.by_ref().take_while(|&c| c != ']').collect();
                    out.push(*self.pick(&class));
                }
                _ => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::derive(7, 1, 99);
        let mut b = Rng::derive(7, 1, 99);
        let mut c = Rng::derive(7, 1, 100);
        let xa: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let xb: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let xc: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
    }

    #[test]
    fn helpers_stay_in_range() {
        let mut r = Rng::new(3);
        let mut sum = 0.0;
        for _ in 0..10_000 {
            let f = r.f64();
            assert!((0.0..1.0).contains(&f));
            assert!(r.below(7) < 7);
            let x = r.range(5, 9);
            assert!((5..=9).contains(&x));
            sum += r.normal();
        }
        assert!((sum / 10_000.0).abs() < 0.05, "normal mean drifted: {sum}");
        assert_eq!(r.weighted(&[0.0, 1.0, 0.0]), 1);
    }
}
