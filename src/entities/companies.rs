//! Companies by their short name: a registered name ("Ford Motor Co.", "Goldman Sachs Group
//! Inc.", `legal_suffixes.txt`) is shortened in the rest of an article to its first word or
//! words ("Ford", "Goldman", "Goldman Sachs"). Equal names without the legal form are one
//! entity already ([`super::company_key`]); this pass joins the shorter ones:
//!
//! - an organisation mention (ORG) whose name is the first word or words of exactly one
//!   registered name of the article, itself tagged ORG, joins it, wherever the two stand:
//!   "Ford" and "Ford Motor Co.", "Deutsche" and "Deutsche Bank AG";
//! - only a name with its legal form written out counts as registered: "General Motors" or
//!   "Goldman Sachs" alone say nothing of what their first word names ("Goldman" may be a
//!   person, "American" beside "American Airlines" a nationality);
//! - a short name that fits two registered names stays apart: "Ford" beside "Ford Motor Co." and
//!   "Ford Credit LLC";
//! - a short name that is a place, a nationality or a title word stays apart, whatever it is
//!   tagged: "New York" beside "New York Times Co.", "American" beside "American Airlines Group
//!   Inc.", "General" beside "General Motors Co.";
//! - a short name that a registered name of its own has stays with it: "Ford" beside "Ford Co."
//!   and "Ford Motor Co." is Ford Co.;
//! - the model's ORG label decides a short name that is also the surname of a person of the
//!   article: "Ford" tagged ORG beside "Ford Motor Co." and "Henry Ford" ("Ford said it would
//!   hire 500 workers") is the company, and the pass across labels leaves it there; tagged
//!   otherwise it may be either, so it is nobody's and marked ambiguous ("Lincoln said it would
//!   hire" beside "Lincoln National Corp." and "Abraham Lincoln"), unless an honorific makes it
//!   the person's ("Mr. Lincoln"): the person and cross-label passes read [`ShortNames::words`];
//! - a short name must be written as a name, capitalised: "ford" is none;
//! - a country's name the model tags ORG is the short name of the one brand's name of the
//!   article it begins (a brand word after it, `brand_words.txt`), when no other mention of the
//!   article names that country as a place (tagged otherwise, or by a demonym): "Jordan" (ORG)
//!   beside Nike's "Jordan Brand" is the brand, not the country JO
//!   ([`countries_as_short_names`]). Tagged LOC it stays the country, as the model read it, and
//!   so does an ORG "Jordan" in an article that also says "Amman, Jordan" (the government, as
//!   in "Jordan said"), and an ORG "Israel" or "Iran" beside "Israel Defense Forces" or "Iran
//!   Air", no brands;
//! - a country's name written right before a brand word (`brand_words.txt`), however tagged, is
//!   the brand's: "Jordan" of "Nike's Jordan brand grew" (the model tags "Jordan" alone) is no
//!   country JO, nor Michael Jordan beside it; it joins the one longer organisation name it
//!   begins ("Jordan Brand") where there is one, else stays an organisation of its own. The
//!   country's name elsewhere stays the country: "Israel" beside Rep. Steve Israel and the Israel
//!   Defense Forces, "Jordan" beside Rep. Jim Jordan and The Jordan Times;
//! - a registered name's stem or short name whose capital says nothing of a name is no
//!   company's: "Apple" starting a sentence and tagged other than ORG ("Apple growers in
//!   Washington expect a record", MISC) in an article that writes the word in lower case as
//!   well ("the apple harvest", "apples"), or "apple" tagged all in lower case beside the
//!   capitalised "Apple Inc.". It joins neither the company nor anything else, and is marked
//!   ambiguous ([`common_nouns`]); "Apple said" within a sentence, "Apple" starting one in an
//!   article that never writes "apple", and a sentence's first "Target" tagged ORG beside "a
//!   price target" and "Target Corp." stay the company's.

use std::collections::{HashMap, HashSet};

use super::names::{fold_key, is_place, is_title, without_legal_suffix, words_of};
use super::{Form, UnionFind};
use crate::lexicon::word_list;
use crate::ner::{EntityLabel, Mention};
use crate::text::{Document, Span};

/// What [`merge_short_company_names`] found.
#[derive(Default)]
pub(super) struct ShortNames<'a> {
    /// The short names joined to a company, which no pass after this one may give to a person.
    pub joined: Vec<usize>,
    /// Folded one-word short names of exactly one company of the article ("ford", "lincoln"):
    /// a person's surname as well, such a word tagged anything but ORG is nobody's for sure.
    pub words: HashSet<&'a str>,
}

word_list! {
    /// Words that make a country's name written before them a brand's ("brand" of "Jordan
    /// brand"), folded.
    fn brand_words = "brand_words.txt";
}

/// Mentions of a country's name that are a brand's, each with the longer organisation name of
/// the article it is the short name of, if any, as the module doc says: tagged ORG beside one
/// brand's name it begins ("Jordan" and "Jordan Brand"; not "Israel" and "Israel Defense
/// Forces"), or written before a brand word ("Jordan brand", with or without such a name).
/// Their forms are to be read again as no country.
pub(super) fn countries_as_short_names(
    doc: &Document,
    mentions: &[Mention],
    forms: &[Form],
) -> Vec<(usize, Option<usize>)> {
    let written_country = |i: usize| match &forms[i] {
        Form::Country(country, written) => Some((country.alpha2, written)),
        _ => None,
    };
    let before_brand_word = |i: usize| {
        let after = doc.text.get(mentions[i].span.end..).unwrap_or("");
        let rest = after.trim_start_matches([' ', '\u{a0}']);
        let word = rest.split(|c: char| !c.is_alphanumeric()).next();
        let word = word.filter(|w| !w.is_empty() && rest.len() < after.len());
        word.is_some_and(|w| brand_words().contains(&fold_key(w).as_str()))
    };
    let brands: HashSet<usize> = (0..forms.len())
        .filter(|&i| written_country(i).is_some() && before_brand_word(i))
        .collect();
    let candidates: Vec<usize> = (0..forms.len())
        .filter(|&i| written_country(i).is_some())
        .filter(|&i| mentions[i].label == EntityLabel::Org || brands.contains(&i))
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    // Countries the article names as a place: by any mention not tagged ORG, nor a brand's.
    let places: HashSet<&str> = (0..forms.len())
        .filter(|&i| mentions[i].label != EntityLabel::Org && !brands.contains(&i))
        .filter_map(|i| written_country(i).map(|(code, _)| code))
        .collect();
    // Organisation names of several words by each proper beginning a brand word follows
    // ("jordan" → "jordan brand"; not "israel" → "israel defense forces"), each with its first
    // mention.
    let mut by_beginning: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    for (i, form) in forms.iter().enumerate() {
        let Form::Other(other) = form else { continue };
        if mentions[i].label != EntityLabel::Org {
            continue;
        }
        for (end, _) in other.key.match_indices(' ') {
            let next = other.key[end + 1..].split(' ').next().unwrap_or_default();
            if brand_words().contains(&next) {
                let names = by_beginning.entry(&other.key[..end]).or_default();
                names.entry(other.key.as_str()).or_insert(i);
            }
        }
    }
    candidates
        .into_iter()
        .filter_map(|i| {
            let (code, written) = written_country(i)?;
            let names = by_beginning.get(fold_key(written).as_str());
            let mut names = names.into_iter().flat_map(HashMap::values);
            match (names.next(), names.next(), brands.contains(&i)) {
                (Some(&long), None, _) if brands.contains(&i) || !places.contains(code) => {
                    Some((i, Some(long)))
                }
                (_, _, true) => Some((i, None)),
                _ => None,
            }
        })
        .collect()
}

/// Per mention, whether it is a registered name's stem or short name that may be a common noun
/// (the module doc): written all in lower case, or capitalised only as a sentence's first word,
/// tagged other than ORG, in an article that writes the word in lower case too ("Apple growers"
/// beside "the apple harvest" and "Apple Inc.").
pub(super) fn common_nouns(doc: &Document, mentions: &[Mention], forms: &[Form]) -> Vec<bool> {
    let mut common = vec![false; forms.len()];
    // Stems of registered names written with capitals, and their proper beginnings: "apple";
    // "ford motor" and "ford".
    let mut stems: HashSet<&str> = HashSet::new();
    for (i, form) in forms.iter().enumerate() {
        let Form::Other(other) = form else { continue };
        let stem = without_legal_suffix(&other.key);
        let capitalised = other.display.chars().any(char::is_uppercase);
        if mentions[i].label == EntityLabel::Org && stem.len() < other.key.len() && capitalised {
            stems.insert(stem);
            stems.extend(stem.match_indices(' ').map(|(at, _)| &stem[..at]));
        }
    }
    if stems.is_empty() {
        return common;
    }
    // Whether the article writes a word in lower case, once per word.
    let mut written_in_lower_case: HashMap<String, bool> = HashMap::new();
    for (i, form) in forms.iter().enumerate() {
        let Form::Other(other) = form else { continue };
        if !stems.contains(other.key.as_str()) {
            continue;
        }
        let span = mentions[i].span;
        // The model's ORG is trusted: "Target said sales fell" beside "a price target", or
        // "Shell said" beside "a shell company", is the company.
        common[i] = !other.display.chars().any(char::is_uppercase)
            || (mentions[i].label != EntityLabel::Org
                && starts_sentence(doc, span)
                && *written_in_lower_case
                    .entry(other.display.to_lowercase())
                    .or_insert_with_key(|word| lower_case_word_in(&doc.text, word, mentions)));
    }
    common
}

/// Whether nothing but punctuation and spaces stands between a span and the start of its
/// sentence: `Apple` of `"Apple growers…`.
fn starts_sentence(doc: &Document, span: Span) -> bool {
    let k = doc
        .sentences
        .partition_point(|s| s.span.start <= span.start);
    let Some(sentence) = k.checked_sub(1).map(|k| &doc.sentences[k]) else {
        return false;
    };
    let before = doc.text.get(sentence.span.start..span.start).unwrap_or("");
    !before.chars().any(char::is_alphanumeric)
}

/// Whether the text holds a word (lower case) as a whole word or its plural outside the
/// mentions: "apple" of "the apple harvest" or "apples".
fn lower_case_word_in(text: &str, word: &str, mentions: &[Mention]) -> bool {
    let inside_mention = |at: usize| {
        let k = mentions.partition_point(|m| m.span.start <= at);
        k.checked_sub(1).is_some_and(|k| mentions[k].span.end > at)
    };
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let rest = &text[at + word.len()..];
        let rest = rest.strip_prefix('s').unwrap_or(rest);
        let joined = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        !joined(before) && !joined(rest.chars().next()) && !inside_mention(at)
    })
}

/// Joins short company names to the one registered name they begin, as the module doc says,
/// and the countries' names that [`countries_as_short_names`] found to the names they begin.
pub(super) fn merge_short_company_names<'a>(
    mentions: &[Mention],
    forms: &'a [Form],
    countries_as_brands: &[(usize, Option<usize>)],
    common_nouns: &[bool],
    groups: &mut UnionFind,
) -> ShortNames<'a> {
    let organisation = |i: usize| match &forms[i] {
        Form::Other(other) if mentions[i].label == EntityLabel::Org => Some(other),
        _ => None,
    };
    // Registered names without their legal form ("ford motor"), each with its first mention.
    let mut registered: HashMap<&str, usize> = HashMap::new();
    for i in 0..forms.len() {
        let Some(other) = organisation(i) else {
            continue;
        };
        let stem = without_legal_suffix(&other.key);
        if stem.len() < other.key.len() {
            registered.entry(stem).or_insert(i);
        }
    }
    // The registered names each proper beginning of one stands for ("ford" → "ford motor").
    let mut by_beginning: HashMap<&str, HashSet<&str>> = HashMap::new();
    for &stem in registered.keys() {
        let ends = stem.match_indices(' ').map(|(at, _)| at);
        for end in ends {
            by_beginning.entry(&stem[..end]).or_default().insert(stem);
        }
    }
    let one_company = |short: &str| {
        let mut stems = by_beginning.get(short)?.iter();
        let only = (stems.next(), stems.next());
        let apart = registered.contains_key(short) || is_place(short) || is_title(short);
        (!apart).then_some(only.0.filter(|_| only.1.is_none())?)
    };
    let words = by_beginning.keys().copied();
    let words = words.filter(|w| !w.contains(' ') && one_company(w).is_some());
    let mut short_names = ShortNames {
        joined: Vec::new(),
        words: words.collect(),
    };
    // "Apple" of "Apple growers" beside "the apple harvest" ([`common_nouns`]) joins nothing.
    let names = (0..forms.len()).filter(|&i| !common_nouns[i]);
    for i in names {
        let Some(other) = organisation(i) else {
            continue;
        };
        let short = without_legal_suffix(&other.key);
        if !written_as_name(&other.display) {
            continue;
        }
        if let Some(stem) = one_company(short) {
            groups.union(registered[stem], i);
            short_names.joined.push(i);
        }
    }
    for &(short, long) in countries_as_brands {
        if let Some(long) = long {
            groups.union(long, short);
        }
        short_names.joined.push(short);
    }
    short_names
}

/// Whether every word of a name starts with a capital or a digit ("Deutsche", "3M"), as a
/// company's short name is written; small connecting words ("Bank of America") may not.
fn written_as_name(display: &str) -> bool {
    let mut words = words_of(display).peekable();
    let capitalised = |w: &str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    words.peek().is_some_and(|w| capitalised(w))
        && words.all(|w| capitalised(w) || w.chars().all(char::is_lowercase))
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(&[("brand_words", super::brand_words())], true);
    }
}
