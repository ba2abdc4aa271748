//! People: full names merged by surname and given name, then one-word names joined to the one
//! person they fit (the rules and their examples are in the parent module's doc).

use super::*;

/// A person seen under a full name (two words or more).
struct Person {
    /// A mention of the person; the union-find group stands for the person.
    first_mention: usize,
    /// Folded given name of the fullest form seen so far.
    given: String,
    /// Folded words of every full form seen, for first-name-only matches ("Maryam").
    words: Vec<String>,
}

/// Full names by surname and given name; one-word names by the rules in the module docs.
pub(super) fn merge_people(forms: &[Form], groups: &mut UnionFind) {
    let full = merge_full_names(forms, groups);
    let by_other_word = full.by_other_word();
    merge_one_word_names(forms, groups, &full, &by_other_word);
}

/// The people seen under full names, and the mentions that named them so.
struct FullNames<'a> {
    people: Vec<Person>,
    /// People by folded surname.
    by_surname: HashMap<&'a str, Vec<usize>>,
    /// The person of each full-name mention.
    person_of_mention: HashMap<usize, usize>,
}

/// Pass 1 of [`merge_people`], full names: one person per surname and compatible given names.
fn merge_full_names<'a>(forms: &'a [Form], groups: &mut UnionFind) -> FullNames<'a> {
    let mut people: Vec<Person> = Vec::new();
    let mut by_surname: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut person_of_mention: HashMap<usize, usize> = HashMap::new();
    for (i, form) in forms.iter().enumerate() {
        let Form::Person(name) = form else { continue };
        if name.keys.len() < 2 {
            continue;
        }
        let surname = name.keys[name.keys.len() - 1].as_str();
        let given = &name.keys[0];
        let candidates = by_surname.entry(surname).or_default();
        // The latest compatible person is the likeliest when initials make several fit.
        let matched = candidates
            .iter()
            .rev()
            .copied()
            .find(|&p| given_names_compatible(&people[p].given, given));
        let person = match matched {
            Some(p) => {
                if given.chars().count() > people[p].given.chars().count() {
                    people[p].given = given.clone();
                }
                groups.union(people[p].first_mention, i);
                p
            }
            None => {
                people.push(Person {
                    first_mention: i,
                    given: given.clone(),
                    words: Vec::new(),
                });
                candidates.push(people.len() - 1);
                people.len() - 1
            }
        };
        for word in &name.keys {
            if !people[person].words.contains(word) {
                people[person].words.push(word.clone());
            }
        }
        person_of_mention.insert(i, person);
    }
    FullNames {
        people,
        by_surname,
        person_of_mention,
    }
}

impl FullNames<'_> {
    /// Other words of full names ("maryam" → Maryam Rajavi), for one-word names that are no
    /// surname.
    fn by_other_word(&self) -> HashMap<&str, Vec<usize>> {
        let mut by_other_word: HashMap<&str, Vec<usize>> = HashMap::new();
        for (p, person) in self.people.iter().enumerate() {
            let surname_of = |w: &str| self.by_surname.get(w).is_some_and(|list| list.contains(&p));
            for word in person.words.iter().filter(|w| !surname_of(w)) {
                by_other_word.entry(word.as_str()).or_default().push(p);
            }
        }
        by_other_word
    }
}

/// Pass 2 of [`merge_people`], one-word names: each joins the one person it fits; lone words
/// that fit none or several are grouped by word.
fn merge_one_word_names(
    forms: &[Form],
    groups: &mut UnionFind,
    full: &FullNames,
    by_other_word: &HashMap<&str, Vec<usize>>,
) {
    let mut first_of_lone_word: HashMap<&str, usize> = HashMap::new();
    for (i, form) in forms.iter().enumerate() {
        let Form::Person(name) = form else { continue };
        if full.person_of_mention.contains_key(&i) {
            continue;
        }
        let Some(word) = name.keys.first().map(String::as_str) else {
            continue;
        };
        let candidates = full
            .by_surname
            .get(word)
            .or_else(|| by_other_word.get(word))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        match one_person(candidates) {
            Some(p) => groups.union(full.people[p].first_mention, i),
            None => {
                let first = *first_of_lone_word.entry(word).or_insert(i);
                groups.union(first, i);
            }
        }
    }
}

/// The person a one-word name means among the people it fits: the only one, else none (the
/// word stays apart, and the across-labels pass marks it ambiguous).
fn one_person(candidates: &[usize]) -> Option<usize> {
    match candidates {
        [only] => Some(*only),
        _ => None,
    }
}
