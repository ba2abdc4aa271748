//! How the report shows entity labels, and the key that names an entity across a whole dump.
//!
//! `entities.csv` numbers entities per article: `Elena Marković` is entity 3 of one article and
//! entity 1 of the next. The report counts them dump-wide by an [`EntityKey`]: the run's own
//! `entity_key` column when `entities.csv` has one, else the label and the canonical name
//! lowercased with white space collapsed (`PER:elena marković`), or the ISO code of a country
//! (`country:NO` for `Norway` and `Norwegian` alike). An ambiguous entity (`Clinton`, with two
//! Clintons in sight) has no key in the run and counts on its own, by its article's row in
//! `articles.csv` and its id there: never with another article's, even one with the same id.
//!
//! ```
//! use whosaid::ner::EntityLabel;
//! use whosaid::report::labels::{css_class, EntityKey, SHOWN_ORDER};
//! assert_eq!(css_class(EntityLabel::Per), "ent-per");
//! assert_eq!(SHOWN_ORDER[0], EntityLabel::Per);
//! # let row = whosaid::output::EntityRow { article_id: "a".into(), article_key: "".into(),
//! #     entity_id: 1,
//! #     canonical: "Clinton".into(), label: EntityLabel::Per, country_code: "".into(),
//! #     mentions: 2, first_start: 0, ambiguous: false, entity_key: "".into(),
//! #     first_field: Default::default() };
//! let clinton = |ambiguous| whosaid::output::EntityRow { ambiguous, ..row.clone() };
//! // Articles at rows 0 and 1, both with the id "a":
//! assert_eq!(EntityKey::of(&clinton(false), 0), EntityKey::of(&clinton(false), 1));
//! assert_ne!(EntityKey::of(&clinton(true), 0), EntityKey::of(&clinton(true), 1));
//! ```

use crate::ner::EntityLabel;
use crate::output::EntityRow;

/// The order labels are listed in on the pages: people first, as displaCy's legend does.
pub const SHOWN_ORDER: [EntityLabel; 4] = [
    EntityLabel::Per,
    EntityLabel::Org,
    EntityLabel::Loc,
    EntityLabel::Misc,
];

/// The CSS class that colours a label (displaCy's colours; MISC a neutral one).
pub fn css_class(label: EntityLabel) -> &'static str {
    match label {
        EntityLabel::Per => "ent-per",
        EntityLabel::Org => "ent-org",
        EntityLabel::Loc => "ent-loc",
        EntityLabel::Misc => "ent-misc",
    }
}

/// Plural words for a heading: "people".
pub fn plural(label: EntityLabel) -> &'static str {
    match label {
        EntityLabel::Per => "people",
        EntityLabel::Org => "organisations",
        EntityLabel::Loc => "places",
        EntityLabel::Misc => "other names",
    }
}

/// Names one entity across the dump; see the module doc.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKey {
    /// A key shared by every mention of the entity in the dump (`PER:elena marković`).
    Named(String),
    /// An ambiguous entity, which has no dump-level key and counts on its own: the row of its
    /// article in `articles.csv` and its id there. A variant of its own, not a string like
    /// `ambiguous:ID#N`, which a written `entity_key` (any text) could spell, and which two
    /// articles with one id would share.
    Ambiguous { article: usize, entity_id: usize },
}

impl EntityKey {
    /// The key of an `entities.csv` row of the article at row `article` of `articles.csv`: its
    /// `entity_key` ([`crate::entities::keys`]); for a run written before that column, its label
    /// and folded canonical name; for an ambiguous entity without a key, its own.
    pub fn of(row: &EntityRow, article: usize) -> EntityKey {
        if !row.entity_key.trim().is_empty() {
            return EntityKey::Named(row.entity_key.clone());
        }
        if row.ambiguous {
            return EntityKey::Ambiguous {
                article,
                entity_id: row.entity_id,
            };
        }
        if !row.country_code.is_empty() {
            return EntityKey::Named(format!("country:{}", row.country_code));
        }
        EntityKey::Named(crate::entities::keys::fallback_key(
            row.label,
            &row.canonical,
        ))
    }

    /// The key as `entity_index.csv` writes it; None for an ambiguous entity, which has none.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            EntityKey::Named(key) => Some(key),
            EntityKey::Ambiguous { .. } => None,
        }
    }
}

/// The label a dump-wide count files an entity under: a country is a place, whatever its
/// mention was tagged (`Norwegian` is MISC).
pub fn entity_label(row: &EntityRow) -> EntityLabel {
    if row.country_code.is_empty() {
        row.label
    } else {
        EntityLabel::Loc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(canonical: &str, label: EntityLabel, country: &str) -> EntityRow {
        EntityRow {
            article_id: "a".into(),
            article_key: String::new(),
            entity_id: 1,
            canonical: canonical.into(),
            label,
            country_code: country.into(),
            mentions: 1,
            first_start: 0,
            ambiguous: false,
            entity_key: String::new(),
            first_field: Default::default(),
        }
    }

    #[test]
    fn keys_join_spellings_of_one_name_and_keep_labels_apart() {
        let a = EntityKey::of(&row("Elena  Marković", EntityLabel::Per, ""), 0);
        let b = EntityKey::of(&row("elena marković", EntityLabel::Per, ""), 1);
        let c = EntityKey::of(&row("Elena Marković", EntityLabel::Org, ""), 0);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.as_str(), Some("PER:elena marković"));
    }

    #[test]
    fn countries_go_by_code_and_a_written_key_wins() {
        let norway = row("Norway", EntityLabel::Loc, "NO");
        let norwegian = row("Norwegian", EntityLabel::Misc, "NO");
        assert_eq!(EntityKey::of(&norway, 0), EntityKey::of(&norwegian, 3));
        assert_eq!(entity_label(&norwegian), EntityLabel::Loc);
        let keyed = EntityRow {
            entity_key: "Q20".into(),
            ..norway.clone()
        };
        assert_eq!(EntityKey::of(&keyed, 0).as_str(), Some("Q20"));
        let blank = EntityRow {
            entity_key: " ".into(),
            ..row("Oslo", EntityLabel::Loc, "")
        };
        assert_eq!(EntityKey::of(&blank, 0).as_str(), Some("LOC:oslo"));
        let ambiguous = EntityRow {
            ambiguous: true,
            ..row("Clinton", EntityLabel::Per, "")
        };
        assert_eq!(EntityKey::of(&ambiguous, 0).as_str(), None);
    }

    /// Ambiguous entities used to be keyed `ambiguous:ARTICLE_ID#N`: two articles with one id
    /// shared them, and a written `entity_key` could spell them.
    #[test]
    fn an_ambiguous_entity_is_its_own_whatever_the_ids() {
        let ambiguous = EntityRow {
            ambiguous: true,
            ..row("Clinton", EntityLabel::Per, "")
        };
        assert_eq!(EntityKey::of(&ambiguous, 4), EntityKey::of(&ambiguous, 4));
        assert_ne!(EntityKey::of(&ambiguous, 4), EntityKey::of(&ambiguous, 5));
        let spelled = EntityRow {
            entity_key: "ambiguous:a#1".into(),
            ..row("Clinton", EntityLabel::Per, "")
        };
        assert_ne!(EntityKey::of(&spelled, 0), EntityKey::of(&ambiguous, 0));
    }
}
