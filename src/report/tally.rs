//! Counting entities over a whole dump in bounded memory.
//!
//! A [`Tally`] counts by [`EntityKey`] (mentions of a name, or quotes of a speaker) and the
//! articles they come from. It holds at most `limit` names: past that it drops the rarer half,
//! the way frequent-item sketches do, so a dump of millions of distinct names still fits, and the
//! counts of the names it keeps become lower bounds (the report says how many names it dropped).
//! Below the limit every count is exact.
//!
//! ```
//! use whosaid::report::tally::Tally;
//! # use whosaid::ner::EntityLabel;
//! # use whosaid::report::labels::EntityKey;
//! # let row = whosaid::output::EntityRow { article_id: "a".into(), article_key: "".into(),
//! #     entity_id: 1,
//! #     canonical: "Oslo".into(), label: EntityLabel::Loc, country_code: "".into(), mentions: 2,
//! #     first_start: 0, ambiguous: false, entity_key: "".into(),
//! #     first_field: Default::default() };
//! let mut places = Tally::new(1000);
//! let key = EntityKey::of(&row, 0);
//! places.add(&key, &row, 2, 0); // two mentions in article 0
//! places.add(&key, &row, 1, 5);
//! let top = places.top(10, |_| true);
//! assert_eq!((top[0].1.count, top[0].1.articles, top[0].1.label), (3, 2, EntityLabel::Loc));
//! ```

use std::cmp::Reverse;
use std::collections::HashMap;

use crate::output::EntityRow;

use crate::ner::EntityLabel;

use super::labels::{entity_label, EntityKey};
use super::vote::NameVote;

/// How often one name was counted.
#[derive(Debug, Clone)]
pub struct Counted {
    /// The canonical name and the label by the mentions' vote so far ([`NameVote`], as the
    /// entity index has them).
    pub name: String,
    pub label: EntityLabel,
    vote: NameVote,
    pub count: u64,
    /// Distinct articles counted in.
    pub articles: u64,
    last_article: usize,
}

/// Counts per entity key, at most `limit` keys; see the module doc.
pub struct Tally {
    counts: HashMap<EntityKey, Counted>,
    limit: usize,
    dropped: u64,
}

impl Tally {
    pub fn new(limit: usize) -> Tally {
        Tally {
            counts: HashMap::new(),
            limit: limit.max(2),
            dropped: 0,
        }
    }

    /// Adds `n` to the entity `key` (described by `row`), counted in article `article`.
    /// Articles must come in order for the article counts to be right.
    pub fn add(&mut self, key: &EntityKey, row: &EntityRow, n: u64, article: usize) {
        if !self.counts.contains_key(key) && self.counts.len() >= self.limit {
            self.drop_rarer_half();
        }
        let c = self.counts.entry(key.clone()).or_insert_with(|| Counted {
            name: String::new(),
            label: entity_label(row),
            vote: NameVote::default(),
            count: 0,
            articles: 0,
            last_article: usize::MAX,
        });
        c.vote
            .add(entity_label(row), &row.canonical, row.mentions as u64);
        (c.label, c.name) = (c.vote.label(), c.vote.name().to_string());
        c.count += n;
        if c.last_article != article {
            c.last_article = article;
            c.articles += 1;
        }
    }

    /// Keeps the `limit / 2` most counted names (and any tied with the last of them, unless
    /// that would keep them all).
    fn drop_rarer_half(&mut self) {
        let mut counts: Vec<u64> = self.counts.values().map(|c| c.count).collect();
        let keep = self.limit / 2;
        let (_, &mut threshold, _) = counts.select_nth_unstable_by_key(keep - 1, |&n| Reverse(n));
        let before = self.counts.len();
        self.counts.retain(|_, c| c.count >= threshold);
        if self.counts.len() >= self.limit {
            self.counts.retain(|_, c| c.count > threshold);
        }
        self.dropped += (before - self.counts.len()) as u64;
    }

    /// The `n` most counted names that pass `keep`, most counted first (then by more
    /// articles, then by name).
    pub fn top(&self, n: usize, keep: impl Fn(&Counted) -> bool) -> Vec<(&EntityKey, &Counted)> {
        let mut all: Vec<(&EntityKey, &Counted)> =
            self.counts.iter().filter(|(_, c)| keep(c)).collect();
        all.sort_by(|(ka, a), (kb, b)| {
            (Reverse(a.count), Reverse(a.articles), &a.name, ka).cmp(&(
                Reverse(b.count),
                Reverse(b.articles),
                &b.name,
                kb,
            ))
        });
        all.truncate(n);
        all
    }

    /// The count of one name (0 when never counted, or dropped).
    pub fn count_of(&self, key: &EntityKey) -> u64 {
        self.counts.get(key).map_or(0, |c| c.count)
    }

    /// Distinct names counted (those dropped included).
    pub fn distinct(&self) -> u64 {
        self.counts.len() as u64 + self.dropped
    }

    /// Names dropped to stay within the limit; 0 when every count is exact.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str) -> EntityRow {
        EntityRow {
            article_id: "a".into(),
            article_key: String::new(),
            entity_id: 1,
            canonical: name.into(),
            label: EntityLabel::Per,
            country_code: "".into(),
            mentions: 1,
            first_start: 0,
            ambiguous: false,
            entity_key: String::new(),
            first_field: Default::default(),
        }
    }

    fn add(t: &mut Tally, name: &str, n: u64, article: usize) {
        let r = row(name);
        t.add(&EntityKey::of(&r, article), &r, n, article);
    }

    #[test]
    fn counts_are_exact_below_the_limit() {
        let mut t = Tally::new(10);
        add(&mut t, "Ana", 2, 0);
        add(&mut t, "Bo", 5, 0);
        add(&mut t, "Ana", 1, 1);
        add(&mut t, "Ana", 1, 1);
        let top: Vec<(&str, u64, u64)> = t
            .top(5, |_| true)
            .into_iter()
            .map(|(_, c)| (c.name.as_str(), c.count, c.articles))
            .collect();
        assert_eq!(top, [("Bo", 5, 1), ("Ana", 4, 2)]);
        assert_eq!((t.distinct(), t.dropped()), (2, 0));
    }

    /// A key's name and label are its mentions' vote, as in the entity index: before, the first
    /// row's (`Smith`, ORG, 1 mention, listed among organisations over `John Smith`, PER, 9).
    #[test]
    fn a_keys_name_and_label_are_the_mentions_vote_not_the_first_rows() {
        let mut t = Tally::new(10);
        let smith = EntityRow {
            label: EntityLabel::Org,
            ..row("Smith")
        };
        let john = EntityRow {
            mentions: 9,
            ..row("John Smith")
        };
        let key = EntityKey::of(&john, 0);
        t.add(&key, &smith, 1, 0);
        t.add(&key, &john, 9, 1);
        let top = t.top(5, |_| true);
        assert_eq!(top.len(), 1);
        assert_eq!(
            (top[0].1.name.as_str(), top[0].1.label, top[0].1.count),
            ("John Smith", EntityLabel::Per, 10)
        );
    }

    #[test]
    fn the_limit_keeps_the_frequent_names() {
        let mut t = Tally::new(8);
        for i in 0..4 {
            add(&mut t, &format!("Frequent {i}"), 100, i);
        }
        for i in 0..1000 {
            add(&mut t, &format!("Rare {i}"), 1, i);
        }
        assert!(t.counts.len() <= 8);
        let top: Vec<&str> = t
            .top(4, |_| true)
            .iter()
            .map(|(_, c)| c.name.as_str())
            .collect();
        assert!(top.iter().all(|n| n.starts_with("Frequent")), "{top:?}");
        assert_eq!(t.distinct(), 1004);
        assert!(t.dropped() > 0);
    }
}
