//! Merging that follows the names, not the model's labels.
//!
//! The model labels each occurrence on its own, so one name can carry several labels in one
//! article: `MEK` is ORG nine times and PER once (`MEK has been threatened…`), `Trump` is MISC
//! in `the Trump campaign` beside `Donald Trump` (PER), `Benghazi` is LOC and PER. After the
//! label-specific passes, this one joins:
//!
//! - **the same name under any label**: mentions whose folded text is equal ("MEK" PER and
//!   "MEK" ORG, "Benghazi" LOC and PER) are one entity, whose label is their vote; a bare
//!   acronym the text defines follows its definition instead ("ANC" after "African National
//!   Congress (ANC)" and after "Alberta New Conservatives (ANC)" are two);
//! - **a lone word and the one person it names**: a one-word mention labelled MISC or ORG
//!   ("Trump" MISC, "Podesta" ORG, "Bolton" ORG) that is the surname of exactly one full name
//!   in the article ("Donald Trump", "John Podesta", "John Bolton") joins that person; a place
//!   (LOC) keeps its own entity, as the town in "Karen Bolton, the MP for Bolton", and so does
//!   a company's short name ("Ford" ORG beside "Ford Motor Co." and "Henry Ford"); a father's
//!   name is no surname, written in full or not: "Salman" (the king) stays apart from "Mohammed
//!   bin Salman" and from his "Bin Salman"; a name with a family suffix is only a person's
//!   with the same suffix: "Trump Jr." beside "Donald Trump" alone stays apart, but "Biden Jr."
//!   (ORG, of "the Biden Jr. campaign") beside "Joe Biden", the only Biden, is he, as the
//!   person pass has it for a PER "Biden Jr.";
//! - when the word is the surname of **several** people ("Clinton" with Bill and Hillary
//!   Clinton), it stays apart and its entity is marked ambiguous: never a silent guess.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::companies::ShortNames;
use super::names::{
    acronym_key, ends_with_fathers_name, fold_key, is_acronym, is_family_suffix, is_short_form_of,
    spelled_out, words_of, PersonName,
};
use super::{Form, UnionFind};
use crate::ner::EntityLabel;

/// Joins groups as the module doc says; returns, per mention, whether it is a lone word that
/// fits several people. `short_company_names` are the mentions joined to a company's registered
/// name ([`super::companies`]); `kept_apart` the mentions that join no one by name or surname (a
/// common noun, "a Johnson spokesman" beside Boris Johnson and Johnson & Johnson, the firm
/// "Dell" of "Dell shares" beside Michael Dell).
pub(super) fn merge_across_labels(
    forms: &[Form],
    labels: &[EntityLabel],
    short_company_names: &ShortNames,
    kept_apart: &[bool],
    groups: &mut UnionFind,
) -> Vec<bool> {
    // "Salman" of "Mohammed bin Salman" is his father's name, no surname: not of his, nor of a
    // shorter form the person pass gave him ("Bin Salman").
    let mut fathers_names: HashSet<(usize, &str)> = HashSet::new();
    for (i, form) in forms.iter().enumerate() {
        if let Form::Person(name) = form {
            if let (true, Some(father)) = (ends_with_fathers_name(&name.keys), name.surname()) {
                fathers_names.insert((groups.find(i), father));
            }
        }
    }
    // Full names' surnames → one mention of each person (group) that has them.
    let mut people_by_surname: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut suffixes = FamilySuffixes::default();
    for (i, form) in forms.iter().enumerate() {
        if let Form::Person(name) = form {
            let surname = name.surname().unwrap_or_default();
            let fathers = fathers_names.contains(&(groups.find(i), surname));
            if name.keys.len() >= 2 && !fathers {
                let list = people_by_surname.entry(surname).or_default();
                if !list.iter().any(|&p| groups.find(p) == groups.find(i)) {
                    list.push(i);
                }
                suffixes.add(groups.find(i), name);
            }
        }
    }
    let people: Vec<usize> = people_by_surname.values().flatten().copied().collect();
    // A lone word the person pass already gave to a person ("Clinton" after "Bill Clinton")
    // keeps that person; only the words still on their own are matched here.
    let resolved: Vec<bool> = (0..forms.len())
        .map(|i| {
            let group = groups.find(i);
            lone_word(&forms[i]).is_some() && people.iter().any(|&p| groups.find(p) == group)
        })
        .collect();
    // "Lincoln" tagged PER or MISC beside "Lincoln National Corp." and "Abraham Lincoln" may
    // be either: it joins neither, by name or by surname, and is marked ambiguous.
    let joined: HashSet<usize> = short_company_names.joined.iter().copied().collect();
    let either: Vec<bool> = (0..forms.len())
        .map(|i| {
            lone_word(&forms[i]).is_some_and(|(w, _)| {
                let company = short_company_names.words.contains(w.as_str());
                company && people_by_surname.contains_key(w.as_str()) && !joined.contains(&i)
            })
        })
        .collect();
    // "Apple" of "Apple growers" beside "the apple harvest" is nobody's ([`super::companies`]),
    // and so is "a Johnson spokesman" beside two Johnsons ([`super::people`]); "Dell" of "Dell
    // shares" is the firm, not Michael Dell.
    let apart: Vec<bool> = (0..forms.len())
        .map(|i| resolved[i] || either[i] || kept_apart[i])
        .collect();
    merge_equal_names(forms, &apart, groups);
    // "Ford" (ORG) of "Ford Motor Co." names the company, whatever its "Henry Ford".
    let companies: HashSet<usize> = joined.iter().map(|&i| groups.find(i)).collect();
    let mut ambiguous = vec![false; forms.len()];
    for (i, form) in forms.iter().enumerate() {
        let Some((word, suffix)) = lone_word(form) else {
            continue;
        };
        let group = groups.find(i);
        let kept = labels[i] == EntityLabel::Loc || companies.contains(&group);
        if either[i] && !resolved[i] {
            ambiguous[i] = true;
            continue;
        }
        if kept || apart[i] || people.iter().any(|&p| groups.find(p) == group) {
            continue;
        }
        let named = people_by_surname
            .get(word.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        // "Trump Jr." names only a person with the same family suffix, never Donald Trump; but
        // "Biden Jr." beside "Joe Biden", the article's only Biden, is he, as the person pass
        // has it ([`super::people`]).
        let named: Cow<[usize]> = match suffix {
            Some(own) => {
                let sons: Vec<usize> = named
                    .iter()
                    .copied()
                    .filter(|&p| suffixes.has(groups.find(p), &own))
                    .collect();
                match named {
                    [only] if sons.is_empty() && suffixes.goes_without(groups.find(*only)) => {
                        Cow::Borrowed(named)
                    }
                    _ => Cow::Owned(sons),
                }
            }
            None => Cow::Borrowed(named),
        };
        match named.as_ref() {
            [] => {}
            [person] => groups.union(*person, i),
            _ => ambiguous[i] = true,
        }
    }
    ambiguous
}

/// Mentions with equal folded names, whatever their labels, are one group (lone words already
/// resolved to a person left out); so are an acronym tagged as a person ("MEK" PER) and the
/// organisation that is or defines it ("MEK", "PMOI/MEK", "… of Iran (PMOI/MEK)").
fn merge_equal_names(forms: &[Form], resolved: &[bool], groups: &mut UnionFind) {
    // The first organisation (or other name) that is or defines each acronym. Others are not
    // joined by acronym here: two organisations may share one (see `merge_others`).
    let mut acronym_owner: HashMap<&str, usize> = HashMap::new();
    let mut defined: HashSet<&str> = HashSet::new();
    for (i, form) in forms.iter().enumerate() {
        if let Form::Other(other) = form {
            for acronym in other.acronym.iter().chain(&other.defines) {
                acronym_owner.entry(acronym.as_str()).or_insert(i);
            }
            defined.extend(other.defines.iter().map(String::as_str));
        }
    }
    let mut first_of_name: HashMap<String, usize> = HashMap::new();
    for (i, form) in forms.iter().enumerate() {
        let key = match form {
            _ if resolved[i] => continue,
            Form::Person(name) => {
                if name.keys.len() == 1 && is_acronym(&name.display) {
                    if let Some(&owner) = acronym_owner.get(acronym_key(&name.display).as_str()) {
                        groups.union(owner, i);
                    }
                }
                fold_key(&name.display)
            }
            // A bare acronym that the text defines belongs to its definition (`merge_others`),
            // not to every mention written alike: "ANC" of two organisations.
            Form::Other(other)
                if other.defines.is_empty()
                    && other
                        .acronym
                        .as_deref()
                        .is_some_and(|a| defined.contains(a)) =>
            {
                continue
            }
            Form::Other(other) => other.key.clone(),
            // Countries are one entity per country already.
            Form::Country(..) => continue,
        };
        if !key.is_empty() {
            let first = *first_of_name.entry(key).or_insert(i);
            groups.union(first, i);
        }
    }
}

/// The folded word of a one-word person or other name, and the family suffix written after it:
/// "Biden Jr." tagged ORG ("the Biden Jr. campaign") is "biden" with "jr", as tagged PER.
fn lone_word(form: &Form) -> Option<(String, Option<String>)> {
    match form {
        Form::Person(name) if name.keys.len() == 1 => {
            Some((name.keys[0].clone(), name.suffix.clone()))
        }
        Form::Other(other) if !other.key.is_empty() && !other.key.contains(' ') => {
            Some((other.key.clone(), None))
        }
        Form::Other(other) => match words_of(&other.display).collect::<Vec<_>>()[..] {
            [_, last] if is_family_suffix(last) => {
                let name = PersonName::parse(&other.display);
                let [word] = name.keys.as_slice() else {
                    return None;
                };
                Some((word.clone(), name.suffix))
            }
            _ => None,
        },
        _ => None,
    }
}

/// What the full names of each person (group) say of family suffixes.
#[derive(Default)]
struct FamilySuffixes<'a> {
    /// The suffixes each person's full names carry ("jr" of "Joseph R. Biden Jr.").
    of_person: HashMap<usize, Vec<&'a str>>,
    /// Each person's longest given name ("joe"), the first written of equal ones.
    given: HashMap<usize, &'a str>,
}

impl<'a> FamilySuffixes<'a> {
    fn add(&mut self, person: usize, name: &'a PersonName) {
        if let Some(suffix) = &name.suffix {
            self.of_person.entry(person).or_default().push(suffix);
        }
        let given = self.given.entry(person).or_insert(&name.keys[0]);
        if name.keys[0].chars().count() > given.chars().count() {
            *given = &name.keys[0];
        }
    }

    fn has(&self, person: usize, suffix: &str) -> bool {
        self.of_person
            .get(&person)
            .is_some_and(|list| list.contains(&suffix))
    }

    /// Whether the person may be a son whose suffix the article leaves out: none written, and
    /// the given name a short form ("Joe Biden"), as [`super::people`] reads it.
    fn goes_without(&self, person: usize) -> bool {
        let given = self.given.get(&person).copied().unwrap_or_default();
        !self.of_person.contains_key(&person) && is_short_form_of(given, spelled_out(given))
    }
}
