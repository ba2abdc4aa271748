//! FNV-1a, 64 bits: a hash that is the same on every run, machine and version — what shard
//! assignment and a checkpoint's run identity need (not a security hash). [`Fnv1a128`], its
//! 128-bit form, names an article in a run ([`crate::output::article_key`]): with 64 bits, a
//! dump of a billion articles would hold two of one key about once in forty runs; with 128, never.
//!
//! `Fnv1a::default().bytes(b"a").finish()` is `0xaf63dc4c8601ec8c`, and
//! `Fnv1a128::default().bytes(b"a").hex()` is `d228cb696f1a8caf78912b704e4a8964`: the published
//! test vectors.

use std::fmt::Write;

#[derive(Debug, Clone, Copy)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

const PRIME: u64 = 0x0000_0100_0000_01b3;

impl Fnv1a {
    /// Hashes `bytes` on, as if appended to what came before.
    pub fn bytes(mut self, bytes: &[u8]) -> Fnv1a {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
        self
    }

    /// Hashes one field of several: `bytes`, then a separator, so that the fields ("ab", "c")
    /// and ("a", "bc") differ.
    pub fn field(self, bytes: &[u8]) -> Fnv1a {
        let mut next = self.bytes(bytes);
        next.0 = next.0.wrapping_mul(PRIME) ^ 0xff;
        next
    }

    /// Hashes `bytes` eight at a time: each little-endian 8-byte word is folded in as FNV-1a
    /// folds a byte, a last word of fewer than eight bytes padded with zeros. Eight times fewer
    /// rounds than [`Fnv1a::bytes`], for files of tens of megabytes (a model's weights,
    /// [`crate::ner::file_fingerprint`]: 42 MB in ~25 ms, reading included, where byte by byte
    /// took ~200). Not the published FNV-1a: `words(b"ab")` differs from `bytes(b"ab")`, and
    /// pieces hashed one after the other join up only if each but the last is a multiple of 8
    /// bytes long.
    pub fn words(mut self, bytes: &[u8]) -> Fnv1a {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.0 ^= u64::from_le_bytes(word.try_into().expect("eight bytes"));
            self.0 = self.0.wrapping_mul(PRIME);
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            let mut last = [0u8; 8];
            last[..tail.len()].copy_from_slice(tail);
            self.0 ^= u64::from_le_bytes(last);
            self.0 = self.0.wrapping_mul(PRIME);
        }
        self
    }

    /// Hashes on from a hash [`Fnv1a::finish`] returned, as if its bytes came first.
    pub fn continuing(hash: u64) -> Fnv1a {
        Fnv1a(hash)
    }

    pub fn finish(self) -> u64 {
        self.0
    }

    /// The hash as 16 hex digits.
    pub fn hex(self) -> String {
        let mut s = String::new();
        let _ = write!(s, "{:016x}", self.0);
        s
    }
}

/// FNV-1a, 128 bits: the same rounds as [`Fnv1a`] with the 128-bit offset basis and prime.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a128(u128);

impl Default for Fnv1a128 {
    fn default() -> Self {
        Fnv1a128(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d)
    }
}

/// 2^88 + 2^8 + 0x3b.
const PRIME_128: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

impl Fnv1a128 {
    /// Hashes `bytes` on, as if appended to what came before.
    pub fn bytes(mut self, bytes: &[u8]) -> Fnv1a128 {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(PRIME_128);
        }
        self
    }

    pub fn finish(self) -> u128 {
        self.0
    }

    /// The hash as 32 lowercase hex digits.
    pub fn hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_vectors_and_field_separation() {
        assert_eq!(Fnv1a::default().finish(), 0xcbf2_9ce4_8422_2325);
        assert_eq!(Fnv1a::default().bytes(b"a").finish(), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(
            Fnv1a::default().bytes(b"foobar").finish(),
            0x85944171f73967e8
        );
        assert_eq!(
            Fnv1a::default().bytes(b"ab").bytes(b"c").finish(),
            Fnv1a::default().bytes(b"abc").finish()
        );
        assert_ne!(
            Fnv1a::default().field(b"ab").field(b"c").finish(),
            Fnv1a::default().field(b"a").field(b"bc").finish()
        );
    }

    #[test]
    fn published_128_bit_vectors() {
        assert_eq!(
            Fnv1a128::default().hex(),
            "6c62272e07bb014262b821756295c58d"
        );
        assert_eq!(
            Fnv1a128::default().bytes(b"a").hex(),
            "d228cb696f1a8caf78912b704e4a8964"
        );
        assert_eq!(
            Fnv1a128::default().bytes(b"foobar").hex(),
            "343e1662793c64bf6f0d3597ba446f18"
        );
        assert_eq!(
            Fnv1a128::default().bytes(b"foo").bytes(b"bar").finish(),
            Fnv1a128::default().bytes(b"foobar").finish()
        );
    }

    #[test]
    fn words_are_folded_eight_bytes_at_a_time() {
        let word = u64::from_le_bytes(*b"abcdefgh");
        let by_hand = (0xcbf2_9ce4_8422_2325 ^ word).wrapping_mul(PRIME);
        assert_eq!(Fnv1a::default().words(b"abcdefgh").finish(), by_hand);
        // A short last word is padded with zeros; pieces of whole words join up.
        let padded = Fnv1a::default().words(b"abcdefghij\0\0\0\0\0\0");
        assert_eq!(
            Fnv1a::default().words(b"abcdefghij").finish(),
            padded.finish()
        );
        let joined = Fnv1a::default().words(b"abcdefgh").words(b"ij");
        assert_eq!(joined.finish(), padded.finish());
        assert_ne!(
            Fnv1a::default().words(b"ab").finish(),
            Fnv1a::default().bytes(b"ab").finish()
        );
    }
}
