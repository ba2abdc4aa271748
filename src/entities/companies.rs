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
//!   begins ("Jordan Brand") where there is one, else stays an organisation of its own, keyed as
//!   the brand written out is (`jordan brand`, [`BRAND_KEY_END`]). The country's name elsewhere
//!   stays the country: "Israel" beside Rep. Steve Israel and the Israel Defense Forces, "Jordan"
//!   beside Rep. Jim Jordan and The Jordan Times;
//! - a country's name right after an organisation's possessive ("Nike's Jordan led the gains"),
//!   tagged ORG or the surname of a person the article names in full (Michael Jordan), is that
//!   organisation's brand, as the line above has it, when the article names the country nowhere
//!   else as a place; a market word after it (`market_words.txt`) makes it the company's market,
//!   the country: "Apple's China sales", however tagged. Tagged otherwise (LOC, MISC) with no
//!   namesake beside it, "Nike's Jordan" is the brand only where it heads its phrase, a
//!   punctuation mark or a verb right after it ("Nike's Jordan, which grew", "Nike's Jordan led
//!   the gains", [`heads_its_phrase`]); else the possessive alone says nothing and it stays the
//!   country ("the EU's Ukraine envoy", "NATO's Afghanistan mission"), as it is after an
//!   owner written as an acronym ("NATO's Afghanistan, where the alliance lost …");
//! - a registered name's stem or short name whose capital says nothing of a name is no
//!   company's: "Apple" starting a sentence and tagged other than ORG ("Apple growers in
//!   Washington expect a record", MISC) in an article that writes the word in lower case as
//!   well ("the apple harvest", "apples"), or "apple" tagged all in lower case beside the
//!   capitalised "Apple Inc.". It joins neither the company nor anything else, and is marked
//!   ambiguous ([`common_nouns`]); "Apple said" within a sentence, "Apple" starting one in an
//!   article that never writes "apple", and a sentence's first "Target" tagged ORG beside "a
//!   price target" and "Target Corp." stay the company's;
//! - where no registered name stands beside it, a one-word name that every one of its mentions
//!   writes as a sentence's first word, tagged other than ORG, in an article that writes the
//!   word in lower case as well, is a common noun too, nobody's and marked ambiguous: "Apple"
//!   (MISC) of "Apple prices fell as growers picked more apples" is no company keyed `apple`.
//!   Tagged ORG, such a name is weighed: it is the common noun where the article writes the
//!   lower-case word as the same noun, with the same word after it ("Apple growers" beside "apple
//!   growers") or in the plural and the singular ("apples" and "an apple orchard"; a plural alone
//!   is no sign: "Shell cut its dividend" beside "collected shells") and no mention shows a
//!   company's sign, a possessive, a word of `company_words.txt` or a stock ticker right after it
//!   ("Apple said", "Apple shares", "Apple's", "Apple CEO", "Target cut its forecast", "Target
//!   (NYSE: TGT)": a fruit or a target cuts nothing and has no ticker); else it stays the company:
//!   news of Shell opens sentences with it ("Shell to sell Nigerian assets", a headline, "Shell
//!   said on Monday …") beside "a shell company", another noun, and that Shell stays keyed, as
//!   does a name with one mention within a sentence ("Target said sales fell. Shares of Target
//!   rose." beside "a price target").

use std::collections::{HashMap, HashSet};

use super::names::{
    fold_key, is_acronym, is_place, is_ticker, is_title, strip_possessive, without_legal_suffix,
    word_after, words_of,
};
use super::saying::{said_of, Speaker};
use super::{namesake_surname, Form, OtherName, UnionFind};
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

word_list! {
    /// Words that make a country's name written after a company's possessive and before them
    /// the company's market ("sales" of "Apple's China sales"), folded.
    fn market_words = "market_words.txt";
}

word_list! {
    /// Words that show a name written before them is a company's ("said" of "Shell said",
    /// "shares" of "Apple shares"), folded.
    fn company_words = "company_words.txt";
}

word_list! {
    /// Words that show a name written before them is a firm's and no person's ("shares" of "Dell
    /// shares"), folded.
    fn firm_only_words = "firm_only_words.txt";
}

/// Per mention, whether it names the firm that bears a person's name: a one-word name the model
/// tagged other than PER, the surname of a person the article names in full, that the words
/// after it show to be a firm's:
/// - a word only firms take right after it (`firm_only_words.txt`): "Dell" of "Dell shares rose"
///   and "Dell stock" beside "Michael Dell";
/// - a verb of saying whose clause a firm's pronoun opens, or that a firm's statement follows
///   ([`saying::said_of`]): "Dell said it would cut 500 jobs", "Dell said in a statement" (and
///   not "Dell said in a statement that he …", the person's).
///
/// That is the company Dell, whether or not the article writes its registered name ("Dell
/// Technologies Inc."); it joined Michael Dell as his surname, and he voted ORG. Such a mention
/// is an organisation ([`super::Reading::FirmOfAPersonsName`]): it joins the registered name it
/// is short for, and else only the others of its kind, never the person nor his other mentions
/// ("\"…,\" Dell said", tagged ORG or not). A mention the model tagged PER is left as tagged
/// ("Dell shares his view", "Dell said it was time"), and so is one the text says is a person
/// (`said_people`: "Mr. Dell"), a country ("China shares") and a possessive ("Dell's shares",
/// his or the firm's).
pub(super) fn firms_named_like_people(
    doc: &Document,
    mentions: &[Mention],
    forms: &[Form],
    said_people: &[bool],
) -> Vec<bool> {
    let mut firms = vec![false; forms.len()];
    let shown_a_firm = |i: usize| {
        let span = mentions[i].span;
        let written = doc.text.get(span.range()).unwrap_or("");
        let possessive = strip_possessive(written).len() < written.len();
        let before_firm_word = word_after_is_one_of(&doc.text, span, firm_only_words());
        !possessive && (before_firm_word || said_of(&doc.text, span) == Some(Speaker::Firm))
    };
    let candidates: Vec<usize> = (0..forms.len())
        .filter(|&i| mentions[i].label != EntityLabel::Per && !said_people[i])
        .filter(|&i| matches!(&forms[i], Form::Other(_)))
        .collect();
    if candidates.is_empty() {
        return firms;
    }
    let surnames = super::surnames_of_full_names(forms);
    for i in candidates {
        firms[i] = namesake_surname(&forms[i], &surnames).is_some() && shown_a_firm(i);
    }
    firms
}

/// How the key of a brand known by a country's name ends ("jordan brand"), as where the article
/// writes the brand's name out ("Jordan Brand").
pub(super) const BRAND_KEY_END: &str = " brand";

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
    let before_brand_word =
        |i: usize| word_after_is_one_of(&doc.text, mentions[i].span, brand_words());
    let brands: HashSet<usize> = (0..forms.len())
        .filter(|&i| written_country(i).is_some() && before_brand_word(i))
        .collect();
    // Surnames of the people the article names in full ("jordan" of "Michael Jordan").
    let surnames = super::surnames_of_full_names(forms);
    // An owner written as an acronym (NATO, the IMF, the EU) is a body of states more often than
    // a brand's: "NATO's Afghanistan, where the alliance lost …" is the country.
    let owner_spelled_out = |i: usize| {
        let owner = doc.text.get(mentions[i - 1].span.range()).unwrap_or("");
        !is_acronym(strip_possessive(owner))
    };
    // "Nike's Jordan" tagged ORG, or beside Michael Jordan: owned by an organisation, and no
    // market of its ("Apple's China sales").
    let owned: HashSet<usize> = (0..forms.len())
        .filter(|&i| written_country(i).is_some() && !brands.contains(&i))
        .filter(|&i| i > 0 && after_organisations_possessive(doc, &mentions[i - 1], &mentions[i]))
        .filter(|&i| !word_after_is_one_of(&doc.text, mentions[i].span, market_words()))
        .filter(|&i| {
            let folded = written_country(i).map(|(_, written)| fold_key(written));
            mentions[i].label == EntityLabel::Org
                || folded.is_some_and(|f| surnames.contains(f.as_str()))
                || heads_its_phrase(&doc.text, mentions[i].span) && owner_spelled_out(i)
        })
        .collect();
    let candidates: Vec<usize> = (0..forms.len())
        .filter(|&i| written_country(i).is_some())
        .filter(|&i| {
            mentions[i].label == EntityLabel::Org || brands.contains(&i) || owned.contains(&i)
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    // Countries the article names as a place: by any mention not tagged ORG, nor a brand's, nor
    // one an organisation owns.
    let places: HashSet<&str> = (0..forms.len())
        .filter(|&i| mentions[i].label != EntityLabel::Org && !brands.contains(&i))
        .filter(|&i| !owned.contains(&i))
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
            let owned_brand = owned.contains(&i) && !places.contains(code);
            match (names.next(), names.next(), brands.contains(&i)) {
                (Some(&long), None, _) if brands.contains(&i) || !places.contains(code) => {
                    Some((i, Some(long)))
                }
                (_, _, true) => Some((i, None)),
                _ if owned_brand => Some((i, None)),
                _ => None,
            }
        })
        .collect()
}

word_list! {
    /// Verbs other than past forms in "-ed" that show a name before them heads its phrase ("led"
    /// of "Nike's Jordan led the gains"), folded.
    fn verbs_after_names = "verbs_after_names.txt";
}

/// Whether the name at `span` heads its phrase, no noun after it that it names a kind of: a
/// punctuation mark or a verb follows it (a past form in "-ed" or `verbs_after_names.txt`):
/// "Nike's Jordan, which grew", "Nike's Jordan led the gains", "Nike's Jordan jumped"; not "the
/// EU's Ukraine envoy", "NATO's Afghanistan mission", "Apple's China-made phones", nor a list's
/// first name ("the EU's Ukraine, Moldova and Georgia envoys").
fn heads_its_phrase(text: &str, span: Span) -> bool {
    let after = text.get(span.end..).unwrap_or("");
    // A comma before a capital is more often a list's: "the EU's Ukraine, Moldova and Georgia
    // envoys".
    if let Some(rest) = after.strip_prefix(", ") {
        return rest.starts_with(char::is_lowercase);
    }
    if after.starts_with([',', '.', ';', ':', ')', '!', '?', '"', '”']) {
        return true;
    }
    let Some(word) = word_after(text, span) else {
        return false;
    };
    let past = word.len() >= 4 && word.ends_with("ed") && !word.ends_with("eed");
    word.chars().all(|c| c.is_ascii_lowercase()) && (past || verbs_after_names().contains(&word))
}

/// Whether `owned` stands right after `owner`'s possessive and `owner` is tagged ORG: "Jordan"
/// of "Nike's Jordan" or "Nike’s Jordan", the possessive inside the mention "Nike's" or after it.
fn after_organisations_possessive(doc: &Document, owner: &Mention, owned: &Mention) -> bool {
    if owner.label != EntityLabel::Org || owner.span.end > owned.span.start {
        return false;
    }
    let (Some(name), Some(between)) = (
        doc.text.get(owner.span.range()),
        doc.text.get(owner.span.end..owned.span.start),
    ) else {
        return false;
    };
    let between = between.trim_end_matches([' ', '\u{a0}']);
    let spaced = between.len() < doc.text[owner.span.end..owned.span.start].len();
    let possessive = match between {
        "" => strip_possessive(name).len() < name.len(),
        _ => ["'s", "’s", "'", "’"].contains(&between),
    };
    spaced && possessive
}

/// Per mention, whether it may be a common noun (the module doc): a registered name's stem or
/// short name written all in lower case, or capitalised only as a sentence's first word, tagged
/// other than ORG, in an article that writes the word in lower case too ("Apple growers" beside
/// "the apple harvest" and "Apple Inc."); or, where no registered name has it for its stem, a
/// one-word name that every mention of it writes as a sentence's first word, tagged other than
/// ORG, and that the article writes in lower case too ("Apple prices fell" beside "more
/// apples"); tagged ORG, one the article writes in lower case as the same noun, with no
/// company's sign ([`OpenerEvidence`]).
///
/// Linear in the text and the mentions: the article's words written in lower case are gathered
/// in one pass ([`lower_case_runs`]), whatever the number of names to look up.
pub(super) fn common_nouns(doc: &Document, mentions: &[Mention], forms: &[Form]) -> Vec<bool> {
    let mut common = vec![false; forms.len()];
    let other = |i: usize| match &forms[i] {
        Form::Other(other) => Some(other),
        _ => None,
    };
    // Stems of registered names written with capitals, and their proper beginnings: "apple";
    // "ford motor" and "ford".
    let mut stems: HashSet<&str> = HashSet::new();
    for (form, mention) in forms.iter().zip(mentions) {
        let Form::Other(other) = form else { continue };
        let stem = without_legal_suffix(&other.key);
        let capitalised = other.display.chars().any(char::is_uppercase);
        if mention.label == EntityLabel::Org && stem.len() < other.key.len() && capitalised {
            stems.insert(stem);
            stems.extend(stem.match_indices(' ').map(|(at, _)| &stem[..at]));
        }
    }
    let capitalised_opener = |i: usize, other: &OtherName| {
        other.display.chars().any(char::is_uppercase) && starts_sentence(doc, mentions[i].span)
    };
    // Per folded name of no registered name: whether every mention of it is one word that
    // opens a sentence, and whether one is tagged ORG. A headline's first word always opens a
    // sentence, and news of Shell opens sentences with it: tagged ORG, such a name is weighed
    // ([`OpenerEvidence`]) rather than looked up.
    let mut only_openers: HashMap<&str, Openers> = HashMap::new();
    for (i, mention) in mentions.iter().enumerate().take(forms.len()) {
        let Some(other) = other(i) else { continue };
        if !stems.contains(other.key.as_str()) {
            let opener = word_count(&other.display) == 1 && capitalised_opener(i, other);
            let openers = only_openers.entry(other.key.as_str()).or_insert(Openers {
                all: true,
                org: false,
            });
            openers.all &= opener;
            openers.org |= mention.label == EntityLabel::Org;
        }
    }
    // The mentions that are common nouns if the article writes them in lower case as well, and
    // those of ORG-tagged names that are if it writes them as the same noun.
    let mut to_look_up: Vec<usize> = Vec::new();
    let mut to_weigh: Vec<usize> = Vec::new();
    for i in 0..forms.len() {
        let Some(other) = other(i) else { continue };
        if stems.contains(other.key.as_str()) {
            // The model's ORG is trusted: "Target said sales fell" beside "a price target", or
            // "Shell said" beside "a shell company", is the company.
            if !other.display.chars().any(char::is_uppercase) {
                common[i] = true;
            } else if mentions[i].label != EntityLabel::Org && capitalised_opener(i, other) {
                to_look_up.push(i);
            }
        } else {
            match only_openers[other.key.as_str()] {
                Openers { all: false, .. } => {}
                Openers { org: false, .. } => to_look_up.push(i),
                Openers { org: true, .. } => to_weigh.push(i),
            }
        }
    }
    if to_look_up.is_empty() && to_weigh.is_empty() {
        return common;
    }
    let lower_case = |i: usize| {
        other(i)
            .map(|o| o.display.to_lowercase())
            .unwrap_or_default()
    };
    // A weighed name is one word, looked up alone ("apple", "apples") and with the word after
    // it ("apple growers").
    let mut lengths: HashSet<usize> = to_look_up
        .iter()
        .map(|&i| word_count(&lower_case(i)))
        .collect();
    if !to_weigh.is_empty() {
        lengths.extend([1, 2]);
    }
    let written = lower_case_runs(&doc.text, mentions, &lengths);
    for i in to_look_up {
        common[i] = written.contains(lower_case(i).as_str());
    }
    let mut evidence: HashMap<&str, OpenerEvidence> = HashMap::new();
    for &i in &to_weigh {
        let Some(other) = other(i) else { continue };
        let seen = evidence.entry(other.key.as_str()).or_default();
        seen.weigh(doc, mentions[i].span, &lower_case(i), &written);
    }
    for i in to_weigh {
        let Some(other) = other(i) else { continue };
        common[i] = evidence[other.key.as_str()].common_noun();
    }
    common
}

/// Of a folded name of no registered name ([`common_nouns`]): whether every mention is one word
/// opening a sentence, and whether one is tagged ORG.
#[derive(Clone, Copy)]
struct Openers {
    all: bool,
    org: bool,
}

/// What the article says of an ORG-tagged name that only opens sentences and that it writes in
/// lower case too: the lower-case word used as the same noun, with the same word after it ("apple
/// growers" beside "Apple growers") or in the plural and the singular ("apples", "an apple
/// orchard"; a plural alone is no sign: "Shell cut its dividend" beside "collected shells")
/// against a company's signs right after a mention, a possessive, a word of `company_words.txt`
/// ("Shell said", "Apple's", "Apple shares", "Apple CEO", "Target cut") or a stock ticker
/// ("Target (NYSE: TGT)").
#[derive(Default)]
struct OpenerEvidence {
    same_noun: bool,
    company: bool,
}

impl OpenerEvidence {
    /// Adds one mention's evidence, `lower` its name in lower case and `written` the article's
    /// lower-case runs of one and two words ([`lower_case_runs`]).
    fn weigh(&mut self, doc: &Document, span: Span, lower: &str, written: &LowerCaseRuns) {
        let next = word_after(&doc.text, span);
        let lower_next = next.filter(|w| w.chars().all(char::is_lowercase));
        let same_phrase =
            lower_next.is_some_and(|w| written.contains(format!("{lower} {w}").as_str()));
        // The plural alone says little: business news writes "Shell cut its dividend" beside
        // "collected shells", "Target expects" beside "missed its targets". With the singular
        // in lower case as well ("more apples" and "an apple orchard") it is the noun's.
        let plural_and_singular = written.as_written.contains(format!("{lower}s").as_str())
            && written.as_written.contains(lower);
        self.same_noun |= same_phrase || plural_and_singular;
        let raw = doc.text.get(span.range()).unwrap_or("");
        let after = doc.text.get(span.end..).unwrap_or("");
        let possessive = strip_possessive(raw).len() < raw.len()
            || ["'s", "’s"].iter().any(|s| {
                after
                    .strip_prefix(s)
                    .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
            });
        let company_word = word_after_is_one_of(&doc.text, span, company_words());
        self.company |= possessive || company_word || ticker_after(&doc.text, span);
    }

    /// Whether the name is the common noun: written as the same noun, with no company's sign.
    fn common_noun(&self) -> bool {
        self.same_noun && !self.company
    }
}

/// Whether the word after a span ([`word_after`]), folded, is one of a word list's: "brand" of
/// "Jordan brand" (`brand_words.txt`), "shares" of "Dell shares" (`firm_only_words.txt`).
fn word_after_is_one_of(text: &str, span: Span, words: &[&str]) -> bool {
    word_after(text, span).is_some_and(|w| words.contains(&fold_key(w).as_str()))
}

/// Whether a stock ticker stands in brackets right after a span ([`is_ticker`]): "Target (NYSE:
/// TGT)", "Target <TGT.N>". A fruit or a shell has none.
fn ticker_after(text: &str, span: Span) -> bool {
    let after = text.get(span.end..).unwrap_or("");
    let rest = after.trim_start_matches([' ', '\u{a0}']);
    let bracketed = [('(', ')'), ('<', '>')]
        .into_iter()
        .find_map(|(open, close)| Some((rest.strip_prefix(open)?, close)));
    let Some((inside_and_more, close)) = bracketed else {
        return false;
    };
    // Tickers are short: never scan far into the text.
    let end = inside_and_more
        .char_indices()
        .take(24)
        .find(|&(_, c)| c == close);
    end.is_some_and(|(at, _)| is_ticker(&inside_and_more[..at]))
}

/// The number of words of a name, runs of letters and digits ("AT&T" has two).
fn word_count(name: &str) -> usize {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count()
}

/// The most words of a name [`common_nouns`] looks up in lower case ("ford motor" has two);
/// a longer name is no common noun.
const MOST_COMMON_NOUN_WORDS: usize = 3;

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

/// Every run of `lengths` consecutive words of the text (words: runs of letters and digits),
/// as written from the first word's start to the last one's end, that starts outside the
/// mentions (in text order), and each such run ending in "s" without it too: "apple" of "the
/// apple harvest" or "apples", "ford motor" of "a ford motor". A text's lower-case word is one
/// of them; a length over [`MOST_COMMON_NOUN_WORDS`] gives none.
///
/// One pass over the text and the mentions, then one over the words per length: linear however
/// many names are looked up in it.
fn lower_case_runs<'t>(
    text: &'t str,
    mentions: &[Mention],
    lengths: &HashSet<usize>,
) -> LowerCaseRuns<'t> {
    // Words as (start, end, whether it starts outside the mentions).
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let mut word_start: Option<usize> = None;
    let mut next_mention = 0;
    let ends = text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')));
    for (at, c) in ends {
        match (c.is_alphanumeric(), word_start) {
            (true, None) => word_start = Some(at),
            (false, Some(start)) => {
                word_start = None;
                // The last mention that starts at or before the word: does it cover it?
                while mentions
                    .get(next_mention)
                    .is_some_and(|m| m.span.start <= start)
                {
                    next_mention += 1;
                }
                let covering = next_mention.checked_sub(1).map(|k| &mentions[k]);
                let outside = covering.is_none_or(|m| m.span.end <= start);
                words.push((start, at, outside));
            }
            _ => {}
        }
    }
    let mut runs = LowerCaseRuns::default();
    for &length in lengths {
        if !(1..=MOST_COMMON_NOUN_WORDS).contains(&length) {
            continue;
        }
        for run in words.windows(length) {
            let ((start, _, outside), (_, end, _)) = (run[0], run[length - 1]);
            if !outside {
                continue;
            }
            let written = &text[start..end];
            runs.as_written.insert(written);
            runs.any.insert(written);
            if let Some(singular) = written.strip_suffix('s') {
                runs.any.insert(singular);
            }
        }
    }
    runs
}

/// The runs [`lower_case_runs`] gathers: as written, and with each ending in "s" without it too.
#[derive(Default)]
struct LowerCaseRuns<'t> {
    any: HashSet<&'t str>,
    as_written: HashSet<&'t str>,
}

impl LowerCaseRuns<'_> {
    /// Whether the text writes `run`, or `run` with an "s".
    fn contains(&self, run: &str) -> bool {
        self.any.contains(run)
    }
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
    use super::*;

    /// Runs of one or two words as written outside the mentions, plurals without their "s" too.
    #[test]
    fn lower_case_runs_are_the_texts_words_outside_mentions() {
        let text = "Apple Inc. sold apples; the apple harvest and a ford motor. Target's pineapple";
        let mention = |start: usize, end: usize| Mention {
            span: Span::new(start, end),
            label: EntityLabel::Org,
            score: 0.9,
        };
        let target = text.find("Target").unwrap();
        let mentions = [mention(0, 10), mention(target, target + 6)];
        let runs = lower_case_runs(text, &mentions, &HashSet::from([1, 2]));
        for written in [
            "apple",
            "apples",
            "ford motor",
            "the apple",
            "pineapple",
            "s",
        ] {
            assert!(runs.contains(written), "{written}");
        }
        for absent in ["Apple", "inc", "Target", "target", "apple harvest and"] {
            assert!(!runs.contains(absent), "{absent}");
        }
        assert!(lower_case_runs(text, &mentions, &HashSet::from([9]))
            .any
            .is_empty());
    }

    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("brand_words", super::brand_words()),
                ("company_words", super::company_words()),
                ("firm_only_words", super::firm_only_words()),
                ("market_words", super::market_words()),
                ("verbs_after_names", super::verbs_after_names()),
            ],
            true,
        );
    }
}
