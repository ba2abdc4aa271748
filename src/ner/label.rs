//! The label set, as types: what an entity is ([`EntityLabel`]) and the BIO tag a model puts on
//! a word ([`Tag`]).
//!
//! whosaid's models tag the four CoNLL-2003 types. `B-PER` begins a person, `I-PER` continues
//! one, `O` is outside any entity: `Sandër/B-PER Lleshaj/I-PER said/O`. Text forms are the ones
//! the CSVs and CoNLL files use (`PER`, `B-PER`); reading also accepts the long names some
//! fixtures use (`PERSON`, `ORGANIZATION`, `LOCATION`), in any case.

use std::fmt;
use std::str::FromStr;

use anyhow::{bail, Error, Result};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What kind of thing an entity is. Ordered as the CSVs' and reports' type columns sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityLabel {
    /// Places: countries, cities, regions (`Albania`, `Tirana`).
    Loc,
    /// Everything else with a name: nationalities, events, laws (`Iranian`, `Brexit`).
    Misc,
    /// Organisations (`MEK`, `Vizion Plus`).
    Org,
    /// People (`Sandër Lleshaj`, `Pompeo`).
    Per,
}

impl EntityLabel {
    pub const ALL: [EntityLabel; 4] = [
        EntityLabel::Loc,
        EntityLabel::Misc,
        EntityLabel::Org,
        EntityLabel::Per,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityLabel::Loc => "LOC",
            EntityLabel::Misc => "MISC",
            EntityLabel::Org => "ORG",
            EntityLabel::Per => "PER",
        }
    }
}

impl fmt::Display for EntityLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityLabel {
    type Err = Error;

    fn from_str(s: &str) -> Result<EntityLabel> {
        Ok(match s.to_ascii_uppercase().as_str() {
            "PER" | "PERSON" => EntityLabel::Per,
            "ORG" | "ORGANIZATION" | "ORGANISATION" => EntityLabel::Org,
            "LOC" | "LOCATION" => EntityLabel::Loc,
            "MISC" => EntityLabel::Misc,
            _ => bail!("unknown entity type {s:?}: whosaid knows PER, ORG, LOC and MISC"),
        })
    }
}

impl Serialize for EntityLabel {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EntityLabel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<EntityLabel, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A word's BIO tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    Outside,
    Begin(EntityLabel),
    Inside(EntityLabel),
}

impl Tag {
    /// The entity type, unless outside.
    pub fn label(self) -> Option<EntityLabel> {
        match self {
            Tag::Outside => None,
            Tag::Begin(l) | Tag::Inside(l) => Some(l),
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tag::Outside => f.write_str("O"),
            Tag::Begin(l) => write!(f, "B-{l}"),
            Tag::Inside(l) => write!(f, "I-{l}"),
        }
    }
}

impl FromStr for Tag {
    type Err = Error;

    fn from_str(s: &str) -> Result<Tag> {
        match s.split_once('-') {
            None if s == "O" => Ok(Tag::Outside),
            Some(("B", label)) => Ok(Tag::Begin(label.parse()?)),
            Some(("I", label)) => Ok(Tag::Inside(label.parse()?)),
            _ => bail!("tag {s:?} is not O, B-X or I-X"),
        }
    }
}

/// Test helper: white-space separated tags (`"B-PER I-PER O"`), each of which must parse.
#[cfg(test)]
pub(crate) fn parse_tags(text: &str) -> Vec<Tag> {
    text.split_whitespace()
        .map(|t| t.parse().unwrap_or_else(|e| panic!("{t}: {e}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_read_and_write_their_conll_forms() {
        for (tag, text) in super::super::CONLL_TAGS.iter().zip([
            "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
        ]) {
            assert_eq!(text.parse::<Tag>().unwrap(), *tag);
            assert_eq!(tag.to_string(), text);
        }
        assert_eq!(
            "B-person".parse::<Tag>().unwrap(),
            Tag::Begin(EntityLabel::Per)
        );
        assert_eq!(
            "I-LOC".parse::<Tag>().unwrap().label(),
            Some(EntityLabel::Loc)
        );
        for bad in ["", "B", "B-", "X-PER", "B-FOO", "o", "PER"] {
            assert!(bad.parse::<Tag>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn labels_sort_as_their_names() {
        let mut names: Vec<&str> = EntityLabel::ALL.iter().map(|l| l.as_str()).collect();
        let before = names.clone();
        names.sort();
        assert_eq!(names, before);
        assert_eq!(serde_json::to_string(&EntityLabel::Org).unwrap(), "\"ORG\"");
    }
}
