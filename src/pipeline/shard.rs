//! `--shard I/N`: a stable split of a dump's records across machines.

use anyhow::{anyhow, Result};

use crate::fnv::Fnv1a;
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
            Ok(a) => Fnv1a::default().bytes(a.id.as_bytes()),
            Err(e) => Fnv1a::default()
                .bytes(e.input.as_bytes())
                .bytes(b"\0")
                .bytes(e.record.as_bytes()),
        };
        key.finish() % self.count == self.index
    }
}
