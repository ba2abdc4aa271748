//! How the report shows entity labels, and the key that names an entity across a whole dump.
//!
//! `entities.csv` numbers entities per article: `Elena Marković` is entity 3 of one article and
//! entity 1 of the next. The report counts them dump-wide by an [`EntityKey`]: the run's own
//! `entity_key` column when `entities.csv` has one, else the label and the canonical name
//! lowercased with white space collapsed (`PER:elena marković`), or the ISO code of a country
//! (`country:NO` for `Norway` and `Norwegian` alike).
//!
//! ```
//! use whosaid::ner::EntityLabel;
//! use whosaid::report::labels::{css_class, SHOWN_ORDER};
//! assert_eq!(css_class(EntityLabel::Per), "ent-per");
//! assert_eq!(SHOWN_ORDER[0], EntityLabel::Per);
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
pub struct EntityKey(String);

impl EntityKey {
    /// The key of an `entities.csv` row: its `entity_key` ([`crate::entities::keys`]); for a
    /// run written before that column, its label and folded canonical name. An ambiguous
    /// entity has no dump-level key and counts on its own (its article and id).
    pub fn of(row: &EntityRow) -> EntityKey {
        if !row.entity_key.trim().is_empty() {
            return EntityKey(row.entity_key.clone());
        }
        if row.ambiguous {
            return EntityKey(format!("ambiguous:{}#{}", row.article_id, row.entity_id));
        }
        if !row.country_code.is_empty() {
            return EntityKey(format!("country:{}", row.country_code));
        }
        let name = row
            .canonical
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        EntityKey(format!("{}:{}", row.label, name.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
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
            entity_id: 1,
            canonical: canonical.into(),
            label,
            country_code: country.into(),
            mentions: 1,
            first_start: 0,
            ambiguous: false,
            entity_key: String::new(),
        }
    }

    #[test]
    fn keys_join_spellings_of_one_name_and_keep_labels_apart() {
        let a = EntityKey::of(&row("Elena  Marković", EntityLabel::Per, ""));
        let b = EntityKey::of(&row("elena marković", EntityLabel::Per, ""));
        let c = EntityKey::of(&row("Elena Marković", EntityLabel::Org, ""));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.as_str(), "PER:elena marković");
    }

    #[test]
    fn countries_go_by_code_and_a_written_key_wins() {
        let norway = row("Norway", EntityLabel::Loc, "NO");
        let norwegian = row("Norwegian", EntityLabel::Misc, "NO");
        assert_eq!(EntityKey::of(&norway), EntityKey::of(&norwegian));
        assert_eq!(entity_label(&norwegian), EntityLabel::Loc);
        let keyed = EntityRow {
            entity_key: "Q20".into(),
            ..norway.clone()
        };
        assert_eq!(EntityKey::of(&keyed).as_str(), "Q20");
        let blank = EntityRow {
            entity_key: " ".into(),
            ..row("Oslo", EntityLabel::Loc, "")
        };
        assert_eq!(EntityKey::of(&blank).as_str(), "LOC:oslo");
        let ambiguous = EntityRow {
            ambiguous: true,
            ..row("Clinton", EntityLabel::Per, "")
        };
        assert_eq!(EntityKey::of(&ambiguous).as_str(), "ambiguous:a#1");
    }
}
