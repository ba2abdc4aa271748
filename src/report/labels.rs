//! Entity labels and the key that names an entity across a whole dump.
//!
//! `entities.csv` numbers entities per article: `Elena Marković` is entity 3 of one article and
//! entity 1 of the next. The report counts them dump-wide by an [`EntityKey`]: the run's own
//! `entity_key` column when `entities.csv` has one, else the label and the canonical name
//! lowercased with white space collapsed (`PER:elena marković`), or the ISO code of a country
//! (`country:NO` for `Norway` and `Norwegian` alike).

use crate::output::EntityRow;

/// What the NER model says a name is (CoNLL's four types), with anything else kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    Person,
    Organisation,
    Place,
    Misc,
    Other(String),
}

impl Label {
    pub fn parse(code: &str) -> Label {
        match code {
            "PER" => Label::Person,
            "ORG" => Label::Organisation,
            "LOC" => Label::Place,
            "MISC" => Label::Misc,
            other => Label::Other(other.to_string()),
        }
    }

    /// The label as the CSVs write it (`PER`), shown after a highlighted name.
    pub fn code(&self) -> &str {
        match self {
            Label::Person => "PER",
            Label::Organisation => "ORG",
            Label::Place => "LOC",
            Label::Misc => "MISC",
            Label::Other(code) => code,
        }
    }

    /// The CSS class that colours the label (a fixed set, so hostile labels cannot inject).
    pub fn css_class(&self) -> &'static str {
        match self {
            Label::Person => "ent-per",
            Label::Organisation => "ent-org",
            Label::Place => "ent-loc",
            Label::Misc => "ent-misc",
            Label::Other(_) => "ent-other",
        }
    }

    /// Plural words for a heading: "people".
    pub fn plural(&self) -> &str {
        match self {
            Label::Person => "people",
            Label::Organisation => "organisations",
            Label::Place => "places",
            Label::Misc => "other names",
            Label::Other(code) => code,
        }
    }
}

/// Names one entity across the dump; see the module doc.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityKey(String);

impl EntityKey {
    /// The key of an `entities.csv` row, from its `entity_key` column when the run wrote one.
    pub fn of(row: &EntityRow, given: Option<&str>) -> EntityKey {
        if let Some(key) = given.filter(|k| !k.trim().is_empty()) {
            return EntityKey(key.to_string());
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
pub fn entity_label(row: &EntityRow) -> Label {
    if row.country_code.is_empty() {
        Label::parse(&row.label)
    } else {
        Label::Place
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(canonical: &str, label: &str, country: &str) -> EntityRow {
        EntityRow {
            article_id: "a".into(),
            entity_id: 1,
            canonical: canonical.into(),
            label: label.into(),
            country_code: country.into(),
            mentions: 1,
            first_start: 0,
        }
    }

    #[test]
    fn keys_join_spellings_of_one_name_and_keep_labels_apart() {
        let a = EntityKey::of(&row("Elena  Marković", "PER", ""), None);
        let b = EntityKey::of(&row("elena marković", "PER", ""), None);
        let c = EntityKey::of(&row("Elena Marković", "ORG", ""), None);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.as_str(), "PER:elena marković");
    }

    #[test]
    fn countries_go_by_code_and_a_given_key_wins() {
        let norway = EntityKey::of(&row("Norway", "LOC", "NO"), None);
        let norwegian = EntityKey::of(&row("Norwegian", "MISC", "NO"), None);
        assert_eq!(norway, norwegian);
        let given = EntityKey::of(&row("Norway", "LOC", "NO"), Some("Q20"));
        assert_eq!(given.as_str(), "Q20");
        let blank = EntityKey::of(&row("Oslo", "LOC", ""), Some(" "));
        assert_eq!(blank.as_str(), "LOC:oslo");
    }

    #[test]
    fn unknown_labels_keep_their_code_but_get_a_fixed_class() {
        let odd = Label::parse("\"><script>");
        assert_eq!(odd.code(), "\"><script>");
        assert_eq!(odd.css_class(), "ent-other");
        assert_eq!(Label::parse("PER"), Label::Person);
    }
}
