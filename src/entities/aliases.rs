//! Names the text gives as another name of the one before them: "the People's Mojahedin
//! Organization of Iran (PMOI), also known as the MEK" makes "MEK" an alias of the
//! organisation, as "(PMOI)" makes "PMOI" one (`alias_phrases.txt`). An acronym so given is
//! defined by the name, so every later "MEK" of the article joins it too; any other name
//! ("Islamic State, also known as Daesh") joins it where it stands, and later mentions written
//! alike follow it by their text. People and countries keep their own passes: "Ahmed Saleh,
//! known as Abu Omar" is no organisation, and "Myanmar, also known as Burma" is one country
//! already.
//!
//! An organisation that papers name by several names, any of them first, is keyed by one of them
//! in every article (`organisation_aliases.tsv`, [`known_key`]): "Mujahedin-e Khalq (MEK)",
//! "the People's Mojahedin Organization of Iran (PMOI)", "PMOI/MEK" and "the MEK" alone all key
//! `mek` (they keyed `mek`, `pmoi`, `pmoi` and `mek`), and the article's mentions that name it
//! are one entity, its acronym defined or not ("the PMOI" beside "Mujahedin-e Khalq").

use std::collections::HashMap;
use std::sync::OnceLock;

use super::names::{acronym_key, fold_key, is_acronym, strip_possessive, trim_wrapping};
use super::{Form, UnionFind};
use crate::lexicon::word_list;
use crate::ner::{EntityLabel, Mention};
use crate::text::Document;

word_list! {
    /// Phrases that give another name of the name before them ("also known as").
    fn alias_phrases = "alias_phrases.txt";
}

/// Organisations known by several names (`organisation_aliases.tsv`), compiled in.
const ORGANISATION_ALIASES_TSV: &str = include_str!("organisation_aliases.tsv");

/// The key of the organisation a name names when it is one of the several names of a row of
/// `organisation_aliases.tsv`: "Mujahedin-e Khalq", "PMOI" and "MEK" → `mek`.
pub(super) fn known_key(name: &str) -> Option<&'static str> {
    static BY_NAME: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    let by_name = BY_NAME.get_or_init(|| {
        let rows = crate::lexicon::parse(ORGANISATION_ALIASES_TSV)
            .into_iter()
            .filter_map(|line| line.split_once('\t'));
        rows.flat_map(|(key, names)| {
            let names = names.split(';').map(str::trim).filter(|n| !n.is_empty());
            names.map(move |name| (alias_fold(name), key.trim()))
        })
        .collect()
    });
    by_name.get(&alias_fold(strip_possessive(name))).copied()
}

/// A name folded ([`fold_key`]) with its hyphens read as spaces and its apostrophes dropped, as
/// papers spell such names either way: "Mujahedin-e-Khalq" is "Mujahedin-e Khalq", "People’s"
/// is "People's".
fn alias_fold(name: &str) -> String {
    let folded = fold_key(name).replace(['\'', '’'], "");
    folded
        .split(['-', ' '])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Joins each name to the alias the text gives right after it (module doc): an acronym is added
/// to the acronyms the name defines, so that [`super::merge_others`] joins it wherever it
/// stands; any other name is joined in `groups` now.
pub(super) fn known_as_aliases(
    doc: &Document,
    mentions: &[Mention],
    forms: &mut [Form],
    groups: &mut UnionFind,
) {
    for i in 0..forms.len() {
        let Form::Other(name) = &forms[i] else {
            continue;
        };
        if mentions[i].label == EntityLabel::Per {
            continue;
        }
        // After the parenthesis that defines acronyms, if any: "… of Iran (PMOI), also known as".
        let end = name.definition_span.map_or(mentions[i].span.end, |paren| {
            paren.end.max(mentions[i].span.end)
        });
        let Some(alias_start) = alias_start_after(&doc.text, end) else {
            continue;
        };
        let next = mentions.partition_point(|m| m.span.start < alias_start);
        // The alias is the name's only when the model read it as the same kind of thing: "the
        // Senate, known as the IRA" (ORG, MISC) names the bill, not the Senate.
        if mentions
            .get(next)
            .is_none_or(|m| m.span.start != alias_start || m.label != mentions[i].label)
        {
            continue;
        }
        let written = doc.text.get(mentions[next].span.range()).unwrap_or("");
        let acronym = (is_acronym(trim_wrapping(written)) && name.acronym.is_none())
            .then(|| acronym_key(trim_wrapping(written)));
        match (&forms[next], acronym) {
            (Form::Country(..), _) => {}
            (_, Some(acronym)) => {
                if let Form::Other(name) = &mut forms[i] {
                    if !name.defines.contains(&acronym) {
                        name.defines.push(acronym);
                    }
                }
            }
            (Form::Other(_), None) => groups.union(i, next),
            (Form::Person(_), None) => {}
        }
    }
}

/// Where the alias starts when the text at `end` gives one: ", also known as the MEK" gives the
/// start of "MEK", and " (known as MEK)" too. A comma or an opening parenthesis may come first,
/// and a "the" after.
fn alias_start_after(text: &str, end: usize) -> Option<usize> {
    let after = text.get(end..)?;
    let spaced = after.trim_start_matches(' ');
    let rest = spaced.strip_prefix([',', '(']).unwrap_or(spaced);
    let rest = rest.trim_start_matches(' ');
    if rest.len() == after.len() {
        return None; // "Iranknown as": no word ends before the phrase.
    }
    let phrase = alias_phrases()
        .iter()
        .filter(|p| {
            rest.get(..p.len() + 1)
                .is_some_and(|head| head.starts_with(*p) && head.ends_with(' '))
        })
        .max_by_key(|p| p.len())?;
    let name = rest[phrase.len() + 1..].trim_start_matches(' ');
    let name = name.strip_prefix("the ").unwrap_or(name);
    Some(end + (after.len() - name.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alias_starts_after_the_phrase_and_its_the() {
        let text = "Iran (PMOI), also known as the MEK, and Khalq (better known as MEK)";
        let paren_end = text.find(',').unwrap();
        let mek = text.find("MEK").unwrap();
        assert_eq!(alias_start_after(text, paren_end), Some(mek));
        let khalq_end = text.find("Khalq").unwrap() + "Khalq".len();
        assert_eq!(
            alias_start_after(text, khalq_end),
            Some(text.rfind("MEK").unwrap())
        );
        assert_eq!(alias_start_after(text, 4), None, "a parenthesis alone");
        assert_eq!(alias_start_after("Iran, also known asMEK", 4), None);
        // A bare "known as" describes the phrase before it (review, session 53).
        assert_eq!(
            alias_start_after("Congress, known as the CHIPS Act", 8),
            None
        );
    }

    /// Every name of the MEK keys alike, whatever its case and spelling's hyphens.
    #[test]
    fn the_names_of_one_organisation_have_one_key() {
        for name in [
            "MEK",
            "PMOI",
            "People's Mojahedin Organization of Iran",
            "the People’s Mojahedin Organization of Iran",
            "Mujahedin-e Khalq",
            "Mujahedin-e-Khalq",
            "MUJAHEDIN-E KHALQ",
        ] {
            assert_eq!(known_key(name), Some("mek"), "{name}");
        }
        for other in [
            "National Council of Resistance of Iran",
            "NCRI",
            "Khalq",
            "",
            "ME",
        ] {
            assert_eq!(known_key(other), None, "{other}");
        }
    }

    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(&[("alias_phrases", super::alias_phrases())], true);
    }
}
