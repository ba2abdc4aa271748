//! Countries' names that the model tags LOC where the article means a namesake: Nike's "Jordan
//! sales rose" beside "Jordan Brand" and "Michael Jordan", or "Jordan has earned billions" of
//! the player. Read as the country they gave the article a country JO it never names.
//!
//! A country's bare name tagged LOC is no country when, in its article,
//!
//! - the same word is both the family name of a person named in full ("Michael Jordan") and the
//!   first word of a longer organisation or product name ("Jordan Brand", tagged ORG or MISC):
//!   either alone is common beside the country ("Iran" beside "Iran Air", "Israel" beside Rep.
//!   "Steve Israel"), and
//! - nothing else names the country: no demonym ("Jordanian"), no other name of it ("Hashemite
//!   Kingdom of Jordan"), no mention of the word tagged MISC (an ORG one is the brand's,
//!   [`super::companies`]), and no mention of the word after a
//!   word that makes it a place (`place_words.txt`: "a store in Jordan", "the King of Jordan").
//!
//! ```text
//! Nike's Jordan Brand grew. Jordan sales rose. Michael Jordan was pleased.   "Jordan": no country
//! Nike's Jordan Brand opened a store in Jordan. Michael Jordan was absent.  "Jordan": JO
//! Michael Jordan met Jordanian officials. Jordan backed the plan.          "Jordan": JO
//! ```
//!
//! Such a mention is read as a name of its own ("Jordan", LOC, keyed `jordan`) and the other
//! passes take it from there; nothing joins it to the person or the brand, which it may be
//! either. A capital the article names ("Amman") is no sign here: the table has no capitals.

use std::collections::HashSet;

use super::countries::{self, NameKind};
use super::names::fold_key;
use super::Form;
use crate::lexicon::word_list;
use crate::ner::{EntityLabel, Mention};

word_list! {
    /// Words before a country's name that make it a place (`in`, `of`), lower case.
    fn place_words = "place_words.txt";
}

/// The mentions, tagged LOC, of a country's bare name that names a namesake of the article, as
/// the module doc says; their forms are to be read again as no country.
pub(super) fn countries_as_namesakes(
    text: &str,
    mentions: &[Mention],
    forms: &[Form],
) -> Vec<usize> {
    // Folded family names of people named in full, and first words of longer organisation or
    // product names.
    let mut family_names: HashSet<&str> = HashSet::new();
    let mut name_starts: HashSet<&str> = HashSet::new();
    for (i, form) in forms.iter().enumerate() {
        match form {
            Form::Person(name) if name.keys.len() >= 2 => {
                family_names.extend(name.keys.last().map(String::as_str));
            }
            Form::Other(other)
                if matches!(mentions[i].label, EntityLabel::Org | EntityLabel::Misc) =>
            {
                if let Some((first, _)) = other.key.split_once(' ') {
                    name_starts.insert(first);
                }
            }
            _ => {}
        }
    }
    if family_names.is_empty() || name_starts.is_empty() {
        return Vec::new();
    }
    // Per country: the mentions that may be a namesake, or none when a mention names the place.
    let mut namesakes: Vec<(&str, Option<Vec<usize>>)> = Vec::new();
    for (i, form) in forms.iter().enumerate() {
        let Form::Country(country, written) = form else {
            continue;
        };
        let position = namesakes
            .iter()
            .position(|(code, _)| *code == country.alpha2);
        let index = position.unwrap_or_else(|| {
            namesakes.push((country.alpha2, Some(Vec::new())));
            namesakes.len() - 1
        });
        let word = fold_key(written);
        let named = family_names.contains(word.as_str()) && name_starts.contains(word.as_str());
        let bare_name = !word.contains(' ')
            && matches!(
                countries::table().lookup(written),
                Some((_, NameKind::Name))
            );
        let label = mentions[i].label;
        let label_fits = matches!(label, EntityLabel::Loc | EntityLabel::Org);
        let sign_of_place =
            !(named && bare_name && label_fits) || after_place_word(text, &mentions[i]);
        let slot = &mut namesakes[index].1;
        match (sign_of_place, slot.as_mut()) {
            (true, _) => *slot = None,
            (false, Some(list)) if label == EntityLabel::Loc => list.push(i),
            _ => {}
        }
    }
    namesakes
        .into_iter()
        .filter_map(|(_, list)| list)
        .flatten()
        .collect()
}

/// Whether the word before a mention makes it a place: "in" of "a store in Jordan".
fn after_place_word(text: &str, mention: &Mention) -> bool {
    let before = text.get(..mention.span.start).unwrap_or("");
    let word = before
        .trim_end()
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    let folded = word.to_lowercase();
    place_words().contains(&folded.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_words_load() {
        crate::lexicon::check_lists(&[("place_words", place_words())], true);
    }
}
