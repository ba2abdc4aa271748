//! `--shard I/N`: a stable split of a dump's records across machines.

use anyhow::{anyhow, Result};

use crate::input::{Article, RecordError};

/// One part of a dump split across machines: records whose id hashes to `index` modulo
/// `count` (0 <= index < count). Written `I/N` on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Shard> {
        let bad = || anyhow!("--shard {s:?}: expected I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether a record belongs to this shard. Articles go by their id, unreadable records by
    /// input and record name, through FNV-1a (stable across runs, machines and versions).
    pub fn holds(&self, record: &Result<Article, RecordError>) -> bool {
        let key = match record {
            Ok(a) => fnv1a(&[a.id.as_bytes()]),
            Err(e) => fnv1a(&[e.input.as_bytes(), b"\0", e.record.as_bytes()]),
        };
        key % self.count == self.index
    }
}

fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.iter()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
