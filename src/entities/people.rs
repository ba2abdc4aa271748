//! People: full names merged by surname and given name, then one-word names joined to the one
//! person they fit (the rules and their examples are in the parent module's doc).

use super::gender::gender_of_first_name;
use super::names::{ends_with_fathers_name, is_short_form_of, without_article};
use super::saying::{said_of, Speaker};
use super::*;
use crate::lexicon::word_list;
use std::borrow::Cow;
use std::collections::HashSet;

word_list! {
    /// Titles that only a person's name follows ("mr" of "Mr. Dell"), folded.
    fn titles_of_people_only = "titles_of_people_only.txt";
}

/// Per mention, whether the text says it names a person, whatever the model tagged it:
/// - a title only people bear, written as a title ("Mr.", "Ms", not the acronym "MS"), right
///   before it: "Dell" of "Mr. Dell said" (`titles_of_people_only.txt`); or opening a mention
///   the model tagged PER. A mention tagged otherwise that holds the title is left as tagged:
///   "Ms. Marvel" (ORG) is a series, "Rep. Congo" (LOC) a republic;
/// - a verb of saying right after it whose clause a person's pronoun opens, where it is one word,
///   the surname of a person the article names in full: "Dell" of "Dell said he would step
///   down" beside Michael Dell, tagged ORG or not ([`said_of`]);
/// - an age in apposition right after it: "Ford" of "Ford, 81, said" (a comma, a number up to
///   120, a comma and a lower-case word). In a sentence where two names or more are followed by
///   numbers, a list, the numbers are ages only where the list is of people ([`NumberedLists`]):
///   "Ford, 45, Hale, 52, and Moss, 61, were charged" beside Lena Ford, Tom Hale and Rita Moss
///   (each name, the first one too, is a person), not a table of scores or votes: "China, 40,
///   the United States, 39", "Liverpool, 84, and Arsenal, 82, were far ahead".
///
/// A country ("the Dem. Rep. Congo") is never made a person, nor a name that ends in or is
/// followed by an organisation's word: "Mr. Cooper Group" is a company (`legal_suffixes.txt`,
/// `organisation_words.txt`). A full name the model tagged otherwise stays as tagged even beside
/// a titled mention of its surname: "Ralph Lauren" (ORG) beside "Mr. Lauren" is the company
/// named after its founder.
pub(super) fn said_to_be_people(doc: &Document, mentions: &[Mention], forms: &[Form]) -> Vec<bool> {
    let lists = NumberedLists::new(doc, mentions, forms);
    let surnames = surnames_of_full_names(forms);
    // "Dell said he would step down" beside Michael Dell: he, however tagged.
    let speaks_as_person = |(m, form): (&Mention, &Form)| {
        namesake_surname(form, &surnames).is_some()
            && said_of(&doc.text, m.span) == Some(Speaker::Person)
    };
    let said = |(i, (m, form)): (usize, (&Mention, &Form))| {
        let by_age = match lists.people(doc.sentences_over(m.span).start) {
            None => aged(&doc.text, m.span),
            Some(people) => {
                people
                    && (lists.person_like[i] || m.label != EntityLabel::Loc)
                    && number_after_name(&doc.text, m.span).is_some_and(closed_age)
            }
        };
        let by_text = titled(&doc.text, m.span, m.label) || by_age || speaks_as_person((m, form));
        by_text && !matches!(form, Form::Country(..)) && !names_organisation(&doc.text, m.span)
    };
    mentions.iter().zip(forms).enumerate().map(said).collect()
}

/// The sentences that list names with numbers ("Liverpool, 84, and Arsenal, 82"; two or more,
/// [`names_with_numbers`]), and whether each lists people with their ages: more than half of
/// its mentions a number follows are people's, and none is a country. A mention is a person's
/// there where the model tagged it PER, or it is the surname of a person the article names in
/// full ("Hale, 52," beside Tom Hale), or a name of several words that opens with a known given
/// name ("Harrison Ford, 81,"): "Ford, 45, Hale, 52, and Moss, 61, were charged" beside Lena
/// Ford, Tom Hale and Rita Moss is a list of people, "China, 40, the United States, 39" and
/// "Liverpool, 84, and Arsenal, 82" are tables, and so is "Ford, 81, Toyota, 79" beside Harrison
/// Ford (one name in two a person's).
struct NumberedLists {
    /// Per sentence holding a list: whether it lists people.
    of_people: HashMap<usize, bool>,
    /// Per mention, whether it may be a person's ([`NumberedLists::new`]): in a list of people,
    /// a mention tagged LOC is made one by its age only if it is such ("Springfield, 12," in a
    /// list of people stays a place; "Harrison Ford, 81," tagged ORG there is made a person).
    person_like: Vec<bool>,
}

impl NumberedLists {
    fn new(doc: &Document, mentions: &[Mention], forms: &[Form]) -> NumberedLists {
        let surnames = surnames_of_full_names(forms);
        let person_like_at = |i: usize| match &forms[i] {
            Form::Country(..) => false,
            _ if mentions[i].label == EntityLabel::Per => true,
            Form::Person(name) => match name.keys.as_slice() {
                [word] => surnames.contains(word.as_str()),
                [given, ..] => gender_of_first_name(given).is_some(),
                [] => false,
            },
            Form::Other(other) => match other.key.split_once(' ') {
                None => surnames.contains(other.key.as_str()),
                Some((given, _)) => gender_of_first_name(given).is_some(),
            },
        };
        let person_like: Vec<bool> = (0..mentions.len()).map(person_like_at).collect();
        // Per sentence: (mentions a number follows, of them people's, whether one is a country).
        let mut numbered: HashMap<usize, (usize, usize, bool)> = HashMap::new();
        for (i, m) in mentions.iter().enumerate() {
            if number_after_name(&doc.text, m.span).is_none() {
                continue;
            }
            let tally = numbered
                .entry(doc.sentences_over(m.span).start)
                .or_default();
            tally.0 += 1;
            tally.1 += usize::from(person_like[i]);
            tally.2 |= matches!(forms[i], Form::Country(..));
        }
        let sentence_text = |s: usize| {
            let span = doc.sentences.get(s).map(|s| s.span);
            span.and_then(|s| doc.text.get(s.range())).unwrap_or("")
        };
        let of_people = numbered
            .into_iter()
            .filter(|&(s, _)| names_with_numbers(sentence_text(s)) >= 2)
            .map(|(s, (listed, people, country))| (s, !country && 2 * people > listed))
            .collect();
        NumberedLists {
            of_people,
            person_like,
        }
    }

    /// Whether the sentence lists people, if it holds a list of names with numbers.
    fn people(&self, sentence: usize) -> Option<bool> {
        self.of_people.get(&sentence).copied()
    }
}

/// How many numbers of a sentence follow a capitalised word and a comma: "Liverpool, 84" and
/// "Arsenal, 82" of a league table are two, "Harrison Ford, 81, starred" one.
fn names_with_numbers(sentence: &str) -> usize {
    let follows_name = |(at, _): &(usize, &str)| {
        let before = sentence[..*at]
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("");
        before.starts_with(char::is_uppercase) && number_after_comma(&sentence[*at..]).is_some()
    };
    sentence.match_indices(", ").filter(follows_name).count()
}

/// A number right after a comma and a space that may be an age or a score, and the text after
/// it: ", 81" of ", 81, said", ", 84" of ", 84, and Arsenal"; one to three digits, no "%" or
/// letter after them (", 81%" and ", 3rd" are none).
fn number_after_comma(after: &str) -> Option<(&str, &str)> {
    let rest = after.strip_prefix(", ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (number, tail) = rest.split_at(digits);
    let ends = !tail.starts_with(|c: char| c == '%' || c.is_alphanumeric());
    ((1..=3).contains(&digits) && ends).then_some((number, tail))
}

/// The number right after a span and its comma ([`number_after_comma`]), and the text after it.
fn number_after_name(text: &str, span: Span) -> Option<(&str, &str)> {
    number_after_comma(text.get(span.end..)?)
}

/// Whether a number after a name in a list is an age in apposition: an age ([`is_age`]) that a
/// comma, a full stop, a semicolon or a closing bracket ends ("Hale, 52, and", "Moss, 61."), not
/// a measure ("Boston, 40 miles away").
fn closed_age((number, tail): (&str, &str)) -> bool {
    is_age((number, tail)) && tail.starts_with([',', '.', ';', ')'])
}

/// Whether a number as written may be a person's age: from 1 to 120, no leading zero.
fn is_age((number, _): (&str, &str)) -> bool {
    !number.starts_with('0') && number.parse().is_ok_and(|n: u32| (1..=120).contains(&n))
}

/// Whether a mention's name ends in, or is followed by, a word that ends organisations' names:
/// "Group" of "Mr. Cooper Group" (`legal_suffixes.txt`), "Foundation" of "the Smith Foundation"
/// (`organisation_words.txt`).
fn names_organisation(text: &str, span: Span) -> bool {
    let written = trim_wrapping(text.get(span.range()).unwrap_or(""));
    let next = word_after(text, span).unwrap_or("");
    let name = fold_key(&format!("{written} {next}"));
    ends_as_organisation(name.trim_end()) || ends_as_organisation(&fold_key(written))
}

/// Whether a folded name ends as organisations' names do: a legal form ("cooper group",
/// `legal_suffixes.txt`) or an organisation's word ("smith foundation",
/// `organisation_words.txt`).
fn ends_as_organisation(name: &str) -> bool {
    let last = name.rsplit(' ').next().unwrap_or("");
    names::without_legal_suffix(name) != name || mentions::organisation_words().contains(&last)
}

word_list! {
    /// Roles a person and an organisation alike have ("spokesman" of "a Johnson spokesman"),
    /// folded.
    fn role_nouns = "role_nouns.txt";
}

/// Per mention, whether it is a one-word name tagged PER that modifies a role a person and an
/// organisation alike have (`role_nouns.txt`), where the article names both a person it is the
/// surname of and an organisation it begins (two words or more, tagged ORG, or ending as an
/// organisation's name however tagged: a legal form or an organisation's word,
/// [`ends_as_organisation`]; "Johnson & Johnson" tagged LOC is made ORG before this,
/// [`super::name_mentions`]): "A Johnson spokesman" beside "Boris Johnson" and "Johnson &
/// Johnson" or "Johnson Controls plc" (tagged LOC) may speak for either, so it is nobody's and
/// marked ambiguous. Beside Boris Johnson alone, or beside a place that begins with his name
/// ("Johnson City", LOC), it is his spokesman, a mention of him; beside the firm alone, a name
/// of its own; "Johnson said" is the person, as the model tagged it.
pub(super) fn modifiers_of_either(
    doc: &Document,
    mentions: &[Mention],
    forms: &[Form],
) -> Vec<bool> {
    let mut either = vec![false; forms.len()];
    let lone = |i: usize| match &forms[i] {
        Form::Person(name) if mentions[i].label == EntityLabel::Per && name.suffix.is_none() => {
            match name.keys.as_slice() {
                [word] => Some(word.as_str()),
                _ => None,
            }
        }
        _ => None,
    };
    let modifiers: Vec<usize> = (0..forms.len())
        .filter(|&i| lone(i).is_some())
        .filter(|&i| {
            let next = word_after(&doc.text, mentions[i].span);
            next.is_some_and(|w| role_nouns().contains(&w))
        })
        .collect();
    if modifiers.is_empty() {
        return either;
    }
    let mut surnames: HashSet<&str> = HashSet::new();
    let mut first_words: HashSet<String> = HashSet::new();
    for (i, form) in forms.iter().enumerate() {
        match form {
            Form::Person(name) if name.keys.len() >= 2 => {
                surnames.extend(name.surname());
            }
            Form::Other(other)
                if mentions[i].label == EntityLabel::Org || ends_as_organisation(&other.key) =>
            {
                let mut words = words_of(&other.display);
                if let (Some(first), Some(_)) = (words.next(), words.next()) {
                    first_words.insert(fold_key(first));
                }
            }
            _ => {}
        }
    }
    for i in modifiers {
        let word = lone(i).unwrap_or_default();
        either[i] = surnames.contains(word) && first_words.contains(word);
    }
    either
}

/// Whether a title only people bear ([`titles_of_people_only`]) stands right before the span,
/// spaces between ([`word_before`]), or opens it before a name where the model tagged it (`label`) PER: "Mr.
/// Dell", "President Ford"; not a whole word that ends the sentence before ("by the President.
/// Iran rejected it"). The title is written as one: a capital, then lower case ("Ms", "Ms.";
/// "MS" of "The MS Society" is multiple sclerosis).
fn titled(text: &str, span: Span, label: EntityLabel) -> bool {
    let is_title = |word: &str| {
        let mut letters = word.chars();
        letters.next().is_some_and(char::is_uppercase)
            && letters.next().is_some_and(char::is_lowercase)
            && titles_of_people_only().contains(&fold_key(word).as_str())
    };
    let written = text.get(span.range()).unwrap_or("");
    let mut words = words_of(trim_wrapping(written));
    if let (Some(first), Some(_)) = (words.next(), words.next()) {
        if is_title(first) && label == EntityLabel::Per {
            return true;
        }
    }
    let word = word_before(text, span).unwrap_or("");
    // A dot after a whole word ends its sentence: "… made by the President. Iran rejected it."
    let abbreviated = |w: &str| fold_key(w).chars().count() <= 3;
    is_title(word) && (!word.ends_with('.') || abbreviated(word))
}

/// Whether an age in apposition follows the span: ", 81, said" after "Ford"; a comma, a number
/// from 1 to 120 ([`is_age`]), a comma and a word in lower case.
fn aged(text: &str, span: Span) -> bool {
    number_after_name(text, span).is_some_and(|(number, tail)| {
        let closed = tail.strip_prefix(", ");
        is_age((number, tail)) && closed.is_some_and(|w| w.starts_with(char::is_lowercase))
    })
}

/// A person seen under a full name (two words or more).
struct Person {
    /// A mention of the person; the union-find group stands for the person.
    first_mention: usize,
    /// Folded given name of the fullest form seen so far.
    given: String,
    /// Folded middle names of the fullest form seen so far ("h", "w" of George H. W. Bush).
    middles: Vec<String>,
    /// The family suffix that tells a son from his father ("jr"): the same in every form, but
    /// for a short form's that leaves it out ([`Person::suffixes_fit`]).
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

    /// Whether a full name with this person's surname names this person: suffixes that fit
    /// ([`Person::suffixes_fit`]), given names compatible, and middle names compatible as far as
    /// both go ("George W. Bush" is not "George H. W. Bush"; "Donald Trump" may be "Donald J.
    /// Trump").
    fn fits(&self, name: &PersonName) -> bool {
        self.suffixes_fit(name)
            && given_names_compatible(&self.given, &name.keys[0])
            && (self.middles.iter().zip(name.middles())).all(|(a, b)| given_names_compatible(a, b))
    }

    /// Whether the family suffixes of the person and a name may be one person's: the same, or
    /// one side has none and writes the other's given name as its short form (`nicknames.txt`):
    /// "Joe Biden" beside "Joseph R. Biden Jr.", either first. A father named in his son's
    /// article is written as the son is ("Donald Trump" beside "Donald Trump Jr.", "Hank
    /// Williams" beside "Hank Williams Jr."), not by a nickname of the son's name. Where the
    /// article names both, the short form may be either ([`FatherAndSon`]).
    fn suffixes_fit(&self, name: &PersonName) -> bool {
        let given = name.keys[0].as_str();
        match (&self.suffix, &name.suffix) {
            (mine, theirs) if mine == theirs => true,
            (Some(_), None) => is_short_form_of(given, &self.given),
            (None, Some(_)) => is_short_form_of(&self.given, given),
            _ => false,
        }
    }

    /// Whether the person may be a son whose family suffix the article left out: no suffix seen,
    /// and the given name written as a short form ("Joe Biden"; not "Donald Trump").
    fn goes_without_suffix(&self) -> bool {
        self.suffix.is_none() && is_short_form_of(&self.given, spelled_out(&self.given))
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
    /// Returns whether the given name or the longest form changed (what [`NameIndex`] lists
    /// people by).
    fn absorb(&mut self, name: &PersonName) -> bool {
        let before = (self.given.clone(), self.longest.len());
        if name.keys.len() > self.longest.len() {
            if !self.fits(name) {
                // Joined by its end: the shorter form began with a surname ("López Obrador").
                self.given = name.keys[0].clone();
                self.middles = name.middles().to_vec();
            }
            self.longest = name.keys.clone();
        }
        if self.fits(name) {
            // "Joe Biden" seen first is the "Joseph R. Biden Jr." that follows.
            if self.suffix.is_none() {
                self.suffix = name.suffix.clone();
            }
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
        before.0 != self.given || before.1 != self.longest.len()
    }
}

/// A father and his son of one given name, both named in full by the article: "Robert Kennedy"
/// (no family suffix; an elder's "Sr." counts as none) and "Robert F. Kennedy Jr.". A short form
/// of that given name without a suffix, "Bobby Kennedy", may be either: the father's given name,
/// or the son's that leaves his suffix out ([`Person::suffixes_fit`]). It joins neither and is
/// marked ambiguous, wherever in the article each stands; read in text order, it was the son
/// before the father's first mention and the father after it.
struct FatherAndSon<'a> {
    /// Folded surnames and given names (written out, no short form) of full names without a
    /// suffix: ("kennedy", "robert").
    fathers: HashSet<(&'a str, &'a str)>,
    /// The same of full names with a suffix, the given name spelled out.
    sons: HashSet<(&'a str, &'a str)>,
}

impl<'a> FatherAndSon<'a> {
    fn new(forms: &'a [Form]) -> FatherAndSon<'a> {
        let mut pairs = FatherAndSon {
            fathers: HashSet::new(),
            sons: HashSet::new(),
        };
        for form in forms {
            let Form::Person(name) = form else { continue };
            let [given, .., surname] = name.keys.as_slice() else {
                continue;
            };
            let written_out = spelled_out(given);
            match &name.suffix {
                Some(_) => pairs.sons.insert((surname, written_out)),
                None if written_out == given && given.chars().count() > 1 => {
                    pairs.fathers.insert((surname, written_out))
                }
                None => false,
            };
        }
        pairs
    }

    /// Whether a full name is a short form without a suffix that fits both a father and his son
    /// of the article: "Bobby Kennedy" beside "Robert Kennedy" and "Robert F. Kennedy Jr.".
    fn either(&self, name: &PersonName) -> bool {
        let [given, .., surname] = name.keys.as_slice() else {
            return false;
        };
        let written_out = spelled_out(given);
        let pair = (surname.as_str(), written_out);
        name.suffix.is_none()
            && is_short_form_of(given, written_out)
            && self.fathers.contains(&pair)
            && self.sons.contains(&pair)
    }
}

/// Full names by surname and given name; one-word names by the rules in the module docs. Returns
/// the mentions that fit several people: full names ("J. Smith" beside John and Jane Smith) and
/// one-word names ("Clinton" beside Bill and Hillary Clinton, "John" beside John Smith and John
/// Brown).
/// `honorifics` holds, per mention, the gender its honorific says ("Mrs. Parker");
/// `said_people` whether the text says it is a person ([`said_to_be_people`]: "Ford, 81,");
/// `person_or_firm` whether it may be a person's or a firm's ([`modifiers_of_either`]: "a
/// Johnson spokesman" beside Boris Johnson and Johnson & Johnson);
/// `company_words` the short names of the article's companies ([`super::companies`]).
pub(super) fn merge_people(
    forms: &[Form],
    honorifics: &[Option<Gender>],
    said_people: &[bool],
    person_or_firm: &[bool],
    company_words: &HashSet<&str>,
    groups: &mut UnionFind,
) -> Vec<usize> {
    let father_and_son = FatherAndSon::new(forms);
    let full = merge_full_names(forms, &father_and_son, groups);
    let by_other_word = full.by_other_word();
    let names = OneWordNames {
        honorifics,
        said_people,
        person_or_firm,
        company_words,
        by_other_word: &by_other_word,
    };
    let mut ambiguous = merge_one_word_names(forms, &names, groups, &full);
    ambiguous.extend(&full.ambiguous);
    ambiguous
}

/// The people seen under full names.
struct FullNames<'a> {
    people: Vec<Person>,
    /// People by folded surname.
    by_surname: HashMap<&'a str, Vec<usize>>,
    /// Each person's folded surname: the key of `by_surname` that lists them.
    surnames: Vec<&'a str>,
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
fn merge_full_names<'a>(
    forms: &'a [Form],
    father_and_son: &FatherAndSon,
    groups: &mut UnionFind,
) -> FullNames<'a> {
    let mut people: Vec<Person> = Vec::new();
    let mut by_surname: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut index = NameIndex::default();
    let mut ambiguous = Vec::new();
    let mut first_of_ambiguous: HashMap<&[String], usize> = HashMap::new();
    for (i, form) in forms.iter().enumerate() {
        let Form::Person(name) = form else { continue };
        if name.keys.len() < 2 {
            continue;
        }
        let surname = name.keys[name.keys.len() - 1].as_str();
        let candidates = by_surname.entry(surname).or_default();
        let fits = match father_and_son.either(name) {
            true => Fit::Several,
            false => fit(&people, &index, surname, name),
        };
        let person = match fits {
            Fit::Person(p) => {
                groups.union(people[p].first_mention, i);
                p
            }
            Fit::Nobody => {
                people.push(Person::new(i, name));
                candidates.push(people.len() - 1);
                index.surnames.push(surname);
                index.add(people.len() - 1, &people[people.len() - 1]);
                people.len() - 1
            }
            Fit::Several => {
                let first = *first_of_ambiguous.entry(name.keys.as_slice()).or_insert(i);
                groups.union(first, i);
                ambiguous.push(i);
                continue;
            }
        };
        if people[person].absorb(name) {
            index.add(person, &people[person]);
        }
    }
    FullNames {
        people,
        by_surname,
        surnames: index.surnames,
        ambiguous,
    }
}

/// The person a full name names: the latest one it fits when they all go by one given name
/// ("George Bush" after George H. W. and George W. Bush), none when they differ ("J. Smith"
/// beside John and Jane Smith); else the one person whose name ends as it does, or whose name it
/// ends ("López Obrador", "Andrés Manuel López Obrador").
fn fit(people: &[Person], index: &NameIndex, surname: &str, name: &PersonName) -> Fit {
    let mut fitting: Vec<usize> = index
        .may_fit(surname, &name.keys[0])
        .into_iter()
        .filter(|&p| people[p].fits(name))
        .collect();
    // The same suffix first: "Joe Biden" beside "J. Biden" and "Joseph R. Biden Jr." is "J.
    // Biden", as it was before short forms bridged a suffix (beside "Joseph Biden Sr." written
    // out it may be either, [`FatherAndSon`]).
    if fitting.iter().any(|&p| people[p].suffix == name.suffix) {
        fitting.retain(|&p| people[p].suffix == name.suffix);
    }
    let given = |p: usize| spelled_out(&people[p].given);
    match fitting.as_slice() {
        [] => {}
        [latest, others @ ..] if others.iter().all(|&p| given(p) == given(*latest)) => {
            return Fit::Person(*latest)
        }
        _ => return Fit::Several,
    }
    let ending: Vec<usize> = index
        .may_end_alike(surname, &name.keys)
        .into_iter()
        .filter(|&p| people[p].ends_alike(name))
        .collect();
    match ending.as_slice() {
        [only] => Fit::Person(*only),
        _ => Fit::Nobody,
    }
}

/// Who among the people of a surname a full name may fit or end alike, by lookups where a scan
/// of them all per name was quadratic in an article of thousands of namesakes ("Babababa Smith",
/// "Kobababa Smith", …). Lists are supersets that [`fit`] checks person by person: a person whose
/// given name or longest form changes is listed under the new one too, never taken off the old.
#[derive(Default)]
struct NameIndex<'a> {
    /// Each person's folded surname.
    surnames: Vec<&'a str>,
    /// By surname and spelled-out given name ([`spelled_out`]).
    by_given: HashMap<(&'a str, String), Vec<usize>>,
    /// By surname and the first letter of the spelled-out given name, for an initial ("J.").
    by_initial: HashMap<(&'a str, char), Vec<usize>>,
    /// By each ending of two words or more of the longest form, the whole form included.
    by_ending: HashMap<Vec<String>, Vec<usize>>,
}

impl<'a> NameIndex<'a> {
    /// Lists person `p` (already in `surnames`) under its given name and longest form.
    fn add(&mut self, p: usize, person: &Person) {
        let surname = self.surnames[p];
        let given = spelled_out(&person.given);
        let by_given = self.by_given.entry((surname, given.to_string()));
        by_given.or_default().push(p);
        if let Some(c) = given.chars().next() {
            self.by_initial.entry((surname, c)).or_default().push(p);
        }
        for k in 0..person.longest.len().saturating_sub(1) {
            let ending = person.longest[k..].to_vec();
            self.by_ending.entry(ending).or_default().push(p);
        }
    }

    /// The people of `surname` whose given name may be compatible with `given`
    /// ([`given_names_compatible`]: the same spelled out, or one the other's initial), newest
    /// first, as [`fit`] reads them.
    fn may_fit(&self, surname: &'a str, given: &str) -> Vec<usize> {
        let given = spelled_out(given);
        let mut out: Vec<usize> = Vec::new();
        let mut take = |list: Option<&Vec<usize>>| out.extend(list.into_iter().flatten());
        take(self.by_given.get(&(surname, given.to_string())));
        if let Some(c) = given.chars().next() {
            // Listed by an initial that begins this name, or, for an initial, by a name it begins.
            take(self.by_given.get(&(surname, c.to_string())));
            if given.chars().count() == 1 {
                take(self.by_initial.get(&(surname, c)));
            }
        }
        out.sort_unstable_by(|a, b| b.cmp(a));
        out.dedup();
        out
    }

    /// The people of `surname` whose longest form may end with `keys` or be an ending of it
    /// ([`Person::ends_alike`]), in order.
    fn may_end_alike(&self, surname: &str, keys: &[String]) -> Vec<usize> {
        let endings = (0..keys.len().saturating_sub(1)).map(|k| &keys[k..]);
        let mut out: Vec<usize> = endings
            .filter_map(|ending| self.by_ending.get(ending))
            .flatten()
            .copied()
            .filter(|&p| self.surnames[p] == surname)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl FullNames<'_> {
    /// Other words of full names ("maryam" → Maryam Rajavi), and surnames without their Arabic
    /// article ("assad" → Bashar al-Assad, [`without_article`]), for one-word names that are no
    /// surname.
    fn by_other_word(&self) -> HashMap<&str, Vec<usize>> {
        let mut by_other_word: HashMap<&str, Vec<usize>> = HashMap::new();
        for (p, person) in self.people.iter().enumerate() {
            let surname = self.surnames[p];
            let other_words = person.words.iter().map(String::as_str);
            let bare = without_article(surname);
            for word in other_words.filter(|w| *w != surname).chain(bare) {
                let list = by_other_word.entry(word).or_default();
                if list.last() != Some(&p) {
                    list.push(p);
                }
            }
        }
        by_other_word
    }
}

/// What one-word names are read against besides the full names.
struct OneWordNames<'a> {
    honorifics: &'a [Option<Gender>],
    said_people: &'a [bool],
    person_or_firm: &'a [bool],
    company_words: &'a HashSet<&'a str>,
    by_other_word: &'a HashMap<&'a str, Vec<usize>>,
}

/// Pass 2 of [`merge_people`], one-word names: each joins the one person it fits; lone words
/// that fit none or several are grouped by word. Returns the mentions that fit several, a
/// company's short name that fits a person included ("Lincoln" beside "Lincoln National Corp."
/// and "Abraham Lincoln"; "Mr. Lincoln" is the man).
fn merge_one_word_names(
    forms: &[Form],
    names: &OneWordNames,
    groups: &mut UnionFind,
    full: &FullNames,
) -> Vec<usize> {
    let OneWordNames {
        honorifics,
        said_people,
        person_or_firm,
        company_words,
        by_other_word,
    } = names;
    // By word and family suffix: a lone "Trump Jr." is never the lone "Trump".
    let mut first_of_lone_word: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    let mut fit_several = Vec::new();
    for (i, form) in forms.iter().enumerate() {
        let Form::Person(name) = form else { continue };
        let [word] = name.keys.as_slice() else {
            continue;
        };
        let word = word.as_str();
        let by_surname = full.by_surname.get(word);
        // "Don Jr." is the son's short given name with his suffix: "Donald Trump Jr.".
        let spelled = || {
            name.suffix
                .as_ref()
                .and(by_other_word.get(spelled_out(word)))
        };
        let all = by_surname
            .or_else(|| by_other_word.get(word))
            .or_else(spelled);
        // Borrowed, not copied: a copy of the list per mention was quadratic in an article of
        // thousands of namesakes.
        let mut candidates = Cow::Borrowed(all.map_or(&[][..], Vec::as_slice));
        // A bare "Salman" is King Salman, not his son "Mohammed bin Salman".
        let fathers_name = |p: &usize| ends_with_fathers_name(&full.people[*p].longest);
        if by_surname.is_some() && candidates.iter().any(fathers_name) {
            candidates = candidates
                .iter()
                .copied()
                .filter(|p| !fathers_name(p))
                .collect();
        }
        // "Trump Jr." is the son only; a bare "Trump" may be either.
        if name.suffix.is_some() {
            let son = |p: &usize| full.people[*p].suffix == name.suffix;
            let sons: Vec<usize> = candidates.iter().copied().filter(son).collect();
            candidates = match (sons.is_empty(), by_surname.map(Vec::as_slice)) {
                // "Biden Jr." beside "Joe Biden", the article's only Biden: a short given name
                // leaves the suffix out, as "Joe Biden" does for "Joseph R. Biden Jr."
                // ([`Person::suffixes_fit`]). "Trump Jr." beside "Donald Trump" stays apart.
                (true, Some(&[only])) if full.people[only].goes_without_suffix() => {
                    Cow::Owned(vec![only])
                }
                _ => Cow::Owned(sons),
            };
        }
        // "Mr. Lincoln" and "Ford, 81," are the man, not the company.
        let company = name.suffix.is_none()
            && honorifics[i].is_none()
            && !said_people[i]
            && company_words.contains(word)
            && !candidates.is_empty();
        let person = (!company && !person_or_firm[i])
            .then(|| one_person(&full.people, &candidates, honorifics[i]))
            .flatten();
        match person {
            Some(p) => groups.union(full.people[p].first_mention, i),
            None => {
                let lone = (word, name.suffix.as_deref());
                let first = *first_of_lone_word.entry(lone).or_insert(i);
                groups.union(first, i);
                if candidates.len() > 1 || company || person_or_firm[i] {
                    fit_several.push(i);
                }
            }
        }
    }
    fit_several
}

/// The person a one-word name means among the people it fits: the only one, else the only one
/// whose given name may be of the gender its honorific says ("Mrs. Parker" beside John and Mary
/// Parker), else none (the word stays apart; marked ambiguous when it fits several).
fn one_person(people: &[Person], candidates: &[usize], gender: Option<Gender>) -> Option<usize> {
    if let [only] = candidates {
        return Some(*only);
    }
    let gender = gender?;
    // A given name of no known gender may be either: "Mrs. Parker" beside Jordan and Mary
    // Parker stays apart.
    let may_be = |p: &&usize| gender_of_first_name(&people[**p].given).is_none_or(|g| g == gender);
    let mut of_gender = candidates.iter().filter(may_be);
    match (of_gender.next(), of_gender.next()) {
        (Some(&only), None) => Some(only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("titles_of_people_only", super::titles_of_people_only()),
                ("role_nouns", super::role_nouns()),
            ],
            true,
        );
    }
}
