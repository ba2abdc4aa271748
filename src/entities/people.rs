//! People: full names merged by surname and given name, then one-word names joined to the one
//! person they fit (the rules and their examples are in the parent module's doc).

use super::*;

/// A person seen under a full name (two words or more).
struct Person {
    /// A mention of the person; the union-find group stands for the person.
    first_mention: usize,
    /// Folded given name of the fullest form seen so far.
    given: String,
    /// Folded middle names of the fullest form seen so far ("h", "w" of George H. W. Bush).
    middles: Vec<String>,
    /// The family suffix that tells a son from his father ("jr"), the same in every form.
    suffix: Option<String>,
    /// Folded words of the longest form seen, for shorter forms that are its end ("lopez
    /// obrador" of "andres manuel lopez obrador").
    longest: Vec<String>,
    /// Folded words of every full form seen, for first-name-only matches ("Maryam").
    words: Vec<String>,
}

impl Person {
    fn new(first_mention: usize, name: &PersonName) -> Person {
        Person {
            first_mention,
            given: name.keys[0].clone(),
            middles: name.middles().to_vec(),
            suffix: name.suffix.clone(),
            longest: name.keys.clone(),
            words: Vec::new(),
        }
    }

    /// Whether a full name with this person's surname names this person: the same suffix, given
    /// names compatible, and middle names compatible as far as both go ("George W. Bush" is not
    /// "George H. W. Bush"; "Donald Trump" may be "Donald J. Trump").
    fn fits(&self, name: &PersonName) -> bool {
        self.suffix == name.suffix
            && given_names_compatible(&self.given, &name.keys[0])
            && (self.middles.iter().zip(name.middles())).all(|(a, b)| given_names_compatible(a, b))
    }

    /// Whether one of the name and this person's longest form is the other's end, two words or
    /// more: "López Obrador" and "Andrés Manuel López Obrador", "De Gaulle" and "Charles de
    /// Gaulle".
    fn ends_alike(&self, name: &PersonName) -> bool {
        let (short, long) = match name.keys.len() < self.longest.len() {
            true => (&name.keys, &self.longest),
            false => (&self.longest, &name.keys),
        };
        self.suffix == name.suffix && short.len() < long.len() && long.ends_with(short)
    }

    /// Takes in another form of the person's name: the fullest given and middle names stay.
    fn absorb(&mut self, name: &PersonName) {
        if name.keys.len() > self.longest.len() {
            if !self.fits(name) {
                // Joined by its end: the shorter form began with a surname ("López Obrador").
                self.given = name.keys[0].clone();
                self.middles = name.middles().to_vec();
            }
            self.longest = name.keys.clone();
        }
        if self.fits(name) {
            if name.keys[0].chars().count() > self.given.chars().count() {
                self.given = name.keys[0].clone();
            }
            let size = |m: &[String]| (m.len(), m.iter().map(String::len).sum::<usize>());
            if size(name.middles()) > size(&self.middles) {
                self.middles = name.middles().to_vec();
            }
        }
        for word in &name.keys {
            if !self.words.contains(word) {
                self.words.push(word.clone());
            }
        }
    }
}

/// Full names by surname and given name; one-word names by the rules in the module docs. Returns
/// the mentions that fit several people: full names ("J. Smith" beside John and Jane Smith) and
/// one-word names ("Clinton" beside Bill and Hillary Clinton, "John" beside John Smith and John
/// Brown).
pub(super) fn merge_people(forms: &[Form], groups: &mut UnionFind) -> Vec<usize> {
    let full = merge_full_names(forms, groups);
    let by_other_word = full.by_other_word();
    let mut ambiguous = merge_one_word_names(forms, groups, &full, &by_other_word);
    ambiguous.extend(&full.ambiguous);
    ambiguous
}

/// The people seen under full names.
struct FullNames<'a> {
    people: Vec<Person>,
    /// People by folded surname.
    by_surname: HashMap<&'a str, Vec<usize>>,
    /// Full-name mentions that fit several people, left apart.
    ambiguous: Vec<usize>,
}

/// Which person a full name names, among those with its surname.
enum Fit {
    Person(usize),
    /// A new person.
    Nobody,
    /// People with different given names ("J. Smith": John and Jane Smith).
    Several,
}

/// Pass 1 of [`merge_people`], full names: one person per surname and compatible given names.
fn merge_full_names<'a>(forms: &'a [Form], groups: &mut UnionFind) -> FullNames<'a> {
    let mut people: Vec<Person> = Vec::new();
    let mut by_surname: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut ambiguous = Vec::new();
    let mut first_of_ambiguous: HashMap<&[String], usize> = HashMap::new();
    for (i, form) in forms.iter().enumerate() {
        let Form::Person(name) = form else { continue };
        if name.keys.len() < 2 {
            continue;
        }
        let surname = name.keys[name.keys.len() - 1].as_str();
        let candidates = by_surname.entry(surname).or_default();
        let person = match fit(&people, candidates, name) {
            Fit::Person(p) => {
                groups.union(people[p].first_mention, i);
                p
            }
            Fit::Nobody => {
                people.push(Person::new(i, name));
                candidates.push(people.len() - 1);
                people.len() - 1
            }
            Fit::Several => {
                let first = *first_of_ambiguous.entry(name.keys.as_slice()).or_insert(i);
                groups.union(first, i);
                ambiguous.push(i);
                continue;
            }
        };
        people[person].absorb(name);
    }
    FullNames {
        people,
        by_surname,
        ambiguous,
    }
}

/// The person a full name names: the latest one it fits when they all go by one given name
/// ("George Bush" after George H. W. and George W. Bush), none when they differ ("J. Smith"
/// beside John and Jane Smith); else the one person whose name ends as it does, or whose name it
/// ends ("López Obrador", "Andrés Manuel López Obrador").
fn fit(people: &[Person], candidates: &[usize], name: &PersonName) -> Fit {
    let fitting: Vec<usize> = candidates
        .iter()
        .rev()
        .copied()
        .filter(|&p| people[p].fits(name))
        .collect();
    let given = |p: usize| spelled_out(&people[p].given);
    match fitting.as_slice() {
        [] => {}
        [latest, others @ ..] if others.iter().all(|&p| given(p) == given(*latest)) => {
            return Fit::Person(*latest)
        }
        _ => return Fit::Several,
    }
    let ending: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&p| people[p].ends_alike(name))
        .collect();
    match ending.as_slice() {
        [only] => Fit::Person(*only),
        _ => Fit::Nobody,
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
/// that fit none or several are grouped by word. Returns the mentions that fit several.
fn merge_one_word_names(
    forms: &[Form],
    groups: &mut UnionFind,
    full: &FullNames,
    by_other_word: &HashMap<&str, Vec<usize>>,
) -> Vec<usize> {
    let mut first_of_lone_word: HashMap<&str, usize> = HashMap::new();
    let mut fit_several = Vec::new();
    for (i, form) in forms.iter().enumerate() {
        let Form::Person(name) = form else { continue };
        let [word] = name.keys.as_slice() else {
            continue;
        };
        let word = word.as_str();
        let mut candidates: Vec<usize> = full
            .by_surname
            .get(word)
            .or_else(|| by_other_word.get(word))
            .cloned()
            .unwrap_or_default();
        // "Trump Jr." is the son only; a bare "Trump" may be either.
        if name.suffix.is_some() {
            candidates.retain(|&p| full.people[p].suffix == name.suffix);
        }
        match one_person(&candidates) {
            Some(p) => groups.union(full.people[p].first_mention, i),
            None => {
                let first = *first_of_lone_word.entry(word).or_insert(i);
                groups.union(first, i);
                if candidates.len() > 1 {
                    fit_several.push(i);
                }
            }
        }
    }
    fit_several
}

/// The person a one-word name means among the people it fits: the only one, else none (the
/// word stays apart; marked ambiguous when it fits several).
fn one_person(candidates: &[usize]) -> Option<usize> {
    match candidates {
        [only] => Some(*only),
        _ => None,
    }
}
