//! Checksums that token formats carry: CRC-32 (IEEE) of the random part, written in base62 as
//! the last six characters (GitHub's `ghp_`-style tokens and npm's `npm_` tokens).

/// The CRC-32 (IEEE 802.3, reflected, as zlib and PNG use) lookup table.
const TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// CRC-32 (IEEE) of `data`.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c = TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

/// The base62 alphabet of these checksums: digits, then uppercase, then lowercase.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62, left-padded with `0` to six characters (a u32 needs at most six).
pub(crate) fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    let mut i = 6;
    while n > 0 && i > 0 {
        i -= 1;
        out[i] = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// True if the last six characters of `body` are the base62 CRC-32 of the characters before.
pub(crate) fn crc32_base62_tail(body: &[u8]) -> bool {
    body.len() > 6 && {
        let (data, tail) = body.split_at(body.len() - 6);
        base62_6(crc32(data)) == tail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_values() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base62_padding_and_round_trip() {
        assert_eq!(&base62_6(0), b"000000");
        assert_eq!(&base62_6(61), b"00000z");
        assert_eq!(&base62_6(62), b"000010");
        assert_eq!(&base62_6(u32::MAX), b"4gfFC3");
        let body = b"Zq8Lm2Rt6Vw0Yb4Nc7Hd3Kf9Jg5Ps1";
        let mut tok = body.to_vec();
        tok.extend_from_slice(&base62_6(crc32(body)));
        assert!(crc32_base62_tail(&tok));
        tok[3] ^= 1;
        assert!(!crc32_base62_tail(&tok));
    }
}
