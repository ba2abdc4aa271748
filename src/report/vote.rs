//! The label and the name one entity key goes by, by its mentions' vote — one rule for the
//! entity index and the report, so that they never disagree.
//!
//! `Lisbon` with 12 mentions as LOC and 1 as MISC (`Lisbon-based`) is LOC, whichever came first;
//! `John Smith` (9 mentions) beats `Smith` (1). Ties: the label first in LOC, MISC, ORG, PER;
//! the longer name, then the first in byte order.
//!
//! ```
//! use whosaid::ner::EntityLabel;
//! use whosaid::report::vote::NameVote;
//! let mut v = NameVote::default();
//! v.add(EntityLabel::Misc, "Lisbon", 1);
//! v.add(EntityLabel::Loc, "Lisbon", 12);
//! assert_eq!((v.label(), v.name()), (EntityLabel::Loc, "Lisbon"));
//! ```

use std::collections::HashMap;

use crate::ner::EntityLabel;

/// Mentions per label and per name of one entity key.
#[derive(Debug, Clone, Default)]
pub struct NameVote {
    /// In [`EntityLabel::ALL`] order.
    label_mentions: [u64; 4],
    name_mentions: HashMap<String, u64>,
}

impl NameVote {
    /// Counts `mentions` mentions of the key as `label`, named `name`.
    pub fn add(&mut self, label: EntityLabel, name: &str, mentions: u64) {
        let i = EntityLabel::ALL
            .iter()
            .position(|&l| l == label)
            .unwrap_or(0);
        self.label_mentions[i] += mentions;
        match self.name_mentions.get_mut(name) {
            Some(n) => *n += mentions,
            None => {
                self.name_mentions.insert(name.to_string(), mentions);
            }
        }
    }

    /// The label most mentions carry (ties: the first in [`EntityLabel::ALL`]).
    pub fn label(&self) -> EntityLabel {
        // max_by_key keeps the last of equals, so walk the labels backwards.
        (0..4)
            .rev()
            .max_by_key(|&i| self.label_mentions[i])
            .map_or(EntityLabel::Misc, |i| EntityLabel::ALL[i])
    }

    /// The name of most mentions (ties: the longer, then the first in byte order); empty before
    /// any [`NameVote::add`].
    pub fn name(&self) -> &str {
        self.name_mentions
            .iter()
            .max_by(|(a, na), (b, nb)| {
                (*na, a.chars().count())
                    .cmp(&(*nb, b.chars().count()))
                    .then_with(|| b.cmp(a))
            })
            .map_or("", |(name, _)| name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_mentioned_label_and_name_win_whatever_came_first() {
        let mut v = NameVote::default();
        v.add(EntityLabel::Org, "Smith", 1);
        v.add(EntityLabel::Per, "John Smith", 9);
        assert_eq!((v.label(), v.name()), (EntityLabel::Per, "John Smith"));
        // Ties: LOC before MISC; the longer name, then byte order.
        let mut t = NameVote::default();
        t.add(EntityLabel::Misc, "Bb", 2);
        t.add(EntityLabel::Loc, "Abc", 2);
        t.add(EntityLabel::Loc, "Ab", 0);
        assert_eq!((t.label(), t.name()), (EntityLabel::Loc, "Abc"));
        t.add(EntityLabel::Loc, "Ab", 2);
        t.add(EntityLabel::Loc, "Abc", 0);
        let mut u = NameVote::default();
        u.add(EntityLabel::Per, "Bb", 1);
        u.add(EntityLabel::Per, "Ab", 1);
        assert_eq!(u.name(), "Ab");
        assert_eq!(NameVote::default().name(), "");
    }
}
