//! Text normalisation for matching names: folded keys, possessives, titles, acronyms, initials.
//!
//! Everything here works on arbitrary Unicode without panicking: slicing only happens at
//! boundaries found by `char_indices` or by searching for ASCII characters.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::lexicon::word_list;
use crate::text::{is_invisible_format, is_invisible_separator, joins_word, separated_parts, Span};

/// Folds a name into a matching key: lower case, Latin diacritics removed whether written as one
/// character or as a letter and combining marks ("Sandër" = "Sande\u{308}r" = "Sander"), curly
/// apostrophes made straight, dots dropped ("U.S." = "US", "St." = "St"), zero-width joiners
/// and invisible characters inside a word dropped ("Mer\u{AD}kel" = "Merkel", see
/// [`joins_word`]), runs of white space or invisible separators ([`is_separator`]) made one
/// space, and a leading "the" removed ("the United States" = "United States").
pub fn fold_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    // Whether the last character kept is a Latin letter, whose combining marks come off.
    let mut after_latin = false;
    // The last character read that is not an invisible format character.
    let mut before = None;
    let mut chars = text.nfd();
    while let Some(c) = chars.next() {
        // The next character that shows: `Mer\u{AD}\u{200B}kel` is one word too.
        let after = || chars.clone().find(|&a| !is_invisible_format(a));
        if is_invisible_format(c) && joins_word(before, after()) {
            continue;
        }
        if !is_invisible_format(c) {
            before = Some(c);
        }
        if is_separator(c) {
            pending_space = !out.is_empty();
            continue;
        }
        let latin_mark = after_latin && is_combining_mark(c);
        if c == '.' || latin_mark || matches!(c, '\u{200C}' | '\u{200D}') {
            continue;
        }
        after_latin = c.is_ascii_alphabetic();
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        for lower in c.to_lowercase() {
            push_folded(lower, &mut out);
        }
    }
    // Other scripts keep their marks, composed again as most text writes them ("й").
    if !out.is_ascii() {
        out = out.nfc().collect();
    }
    match out.strip_prefix("the ") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => out,
    }
}

/// Appends a lower-case character, a Latin letter that has no decomposition made plain ("ø",
/// "ł", "ß"); other characters unchanged.
fn push_folded(c: char, out: &mut String) {
    let plain = match c {
        'đ' | 'ð' => "d",
        'ħ' => "h",
        'ı' => "i",
        'ŀ' | 'ł' => "l",
        'ø' => "o",
        'ŧ' => "t",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        '’' | '‘' | '`' | '´' | 'ʼ' => "'",
        '‐' | '‑' | '‒' | '–' | '—' => "-",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(plain);
}

/// White space, or a character that separates words as white space does though it prints
/// nothing: the zero-width space in "Angela\u{200B} Merkel" ([`is_invisible_separator`]).
pub fn is_separator(c: char) -> bool {
    c.is_whitespace() || is_invisible_separator(c)
}

/// The words of a text, split at white space and invisible separators that do not join a word
/// ([`separated_parts`]).
pub fn words_of(text: &str) -> impl Iterator<Item = &str> {
    separated_parts(text).into_iter().map(|r| &text[r])
}

/// The spaces that may stand between a name and the word beside it: plain spaces and no-break
/// spaces (U+00A0), which typesetting puts after a title ("Mr.\u{a0}Dell") or inside a phrase
/// ("Johnson\u{a0}spokesman").
const WORD_GAP: [char; 2] = [' ', '\u{a0}'];

/// The word (a run of letters and digits) right after a span, past the spaces between
/// ([`WORD_GAP`]), if a space follows the span: "brand" of "Jordan brand", "spokesman" of
/// "Johnson\u{a0}spokesman", "Foundation" of "Smith Foundation's"; none after "Apple's" or
/// "Apple," (no space) or at a line break. The one reading of the word after a mention.
pub fn word_after(text: &str, span: Span) -> Option<&str> {
    word_and_rest_after(text, span).map(|(word, _)| word)
}

/// The word right after a span, as [`word_after`] reads it, and the text after that word: "said"
/// and " it would" of "Dell said it would".
pub fn word_and_rest_after(text: &str, span: Span) -> Option<(&str, &str)> {
    let after = text.get(span.end..).unwrap_or("");
    let rest = after.trim_start_matches(WORD_GAP);
    let (word, tail) = leading_word(rest);
    (!word.is_empty() && rest.len() < after.len()).then_some((word, tail))
}

/// The letters and digits a text opens with, and the text after them: "it" and " would" of "it
/// would"; empty where it opens with anything else.
pub fn leading_word(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(text.len());
    text.split_at(end)
}

/// The word right before a span as written, punctuation and all ("Mr.", "(the"), past the
/// spaces between ([`WORD_GAP`]), if a space precedes the span: none at the text's start, after
/// a line break or right after a bracket ("[Donald]"). The one reading of the word before a
/// mention.
pub fn word_before(text: &str, span: Span) -> Option<&str> {
    let before = text.get(..span.start).unwrap_or("");
    let rest = before.trim_end_matches(WORD_GAP);
    let word = rest.rsplit(char::is_whitespace).next();
    word.filter(|w| !w.is_empty() && rest.len() < before.len())
}

/// Removes a possessive ending: "Lleshaj’s" → "Lleshaj", "allies’" → "allies".
pub fn strip_possessive(text: &str) -> &str {
    for suffix in ["'s", "’s", "'S", "’S"] {
        if let Some(stem) = text.strip_suffix(suffix) {
            if stem.chars().next_back().is_some_and(char::is_alphanumeric) {
                return stem;
            }
        }
    }
    for suffix in ["'", "’"] {
        if let Some(stem) = text.strip_suffix(suffix) {
            if stem.ends_with(['s', 'S']) {
                return stem;
            }
        }
    }
    text
}

/// Characters that may wrap a mention without being part of the name (quotes, commas, colons,
/// white space and invisible separators); brackets and parentheses are not among them, they carry meaning and are handled on their own.
pub fn is_wrapping_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '“' | '”' | '„' | '«' | '»' | '‘' | ',' | ';' | ':' | '!' | '?' | '*' | '…' | '\''
    ) || is_separator(c)
}

/// Trims surrounding quotes, punctuation and white space, keeping a final abbreviation dot
/// ("U.S.") and the apostrophe of a possessive ("allies’" is handled by [`strip_possessive`]).
pub fn trim_wrapping(text: &str) -> &str {
    text.trim_matches(is_wrapping_punct)
}

/// Removes editorial brackets, keeping what is inside: "[Donald] Trump" → "Donald Trump",
/// "Donald] Trump" → "Donald Trump".
pub fn strip_brackets(text: &str) -> String {
    let without: String = text
        .chars()
        .map(|c| if c == '[' || c == ']' { ' ' } else { c })
        .collect();
    words_of(&without).collect::<Vec<_>>().join(" ")
}

word_list! {
    /// Legal-form words ending a company's name, folded ("corp", "ag", "sa" of "S.A.").
    fn legal_suffixes = "legal_suffixes.txt";
}

/// A folded organisation name without the legal forms that end it, which its short name goes
/// without: "microsoft corp" → "microsoft", "apple, inc" → "apple", "ford motor co" → "ford
/// motor", "goldman sachs group inc" → "goldman sachs", "toyota motor co, ltd" → "toyota motor",
/// "jpmorgan chase & co" → "jpmorgan chase".
/// A name that is nothing but legal-form words ("group", "holdings inc") keeps its first word.
pub fn without_legal_suffix(key: &str) -> &str {
    let mut stem = key;
    while let Some(shorter) = without_one_legal_form(stem, Cow::Borrowed) {
        stem = shorter;
    }
    stem
}

/// An organisation's name as written without the legal forms that end it: "General Motors Co."
/// → "General Motors", "Toyota Motor Co., Ltd." → "Toyota Motor" (see [`without_legal_suffix`]).
pub fn display_without_legal_suffix(name: &str) -> &str {
    let mut stem = name;
    while let Some(shorter) = without_one_legal_form(stem, |w| Cow::Owned(fold_key(w))) {
        stem = shorter;
    }
    stem
}

/// A name without its last word when that word, folded by `fold`, is a legal form; none when it
/// is not, or when nothing would be left.
fn without_one_legal_form<'a>(
    name: &'a str,
    fold: impl Fn(&'a str) -> Cow<'a, str>,
) -> Option<&'a str> {
    let (stem, last) = name.rsplit_once(' ')?;
    let last = fold(last);
    // The "&" of "JPMorgan Chase & Co." goes with the form it joins.
    let stem = stem.trim_end_matches([',', ' ']);
    let stem = stem
        .strip_suffix(" &")
        .unwrap_or(stem)
        .trim_end_matches(',');
    // `Texas AG Ken Paxton`: a place's attorney general, no company's legal form.
    let attorney_general = last == "ag" && is_place(&fold(stem));
    let legal = legal_suffixes().contains(&last.as_ref()) && !attorney_general;
    (legal && !stem.is_empty()).then_some(stem)
}

word_list! {
    /// U.S. states and territories by name and postal code, folded: see the file's header.
    fn us_states = "us_states.txt";
}

/// Whether a folded name is a country's (or its people's: "american") or a U.S. state's.
pub fn is_place(folded: &str) -> bool {
    us_states().contains(&folded) || super::countries::lookup(folded).is_some()
}

word_list! {
    /// Arabic articles hyphenated onto a surname ("al" of "al-Assad"), folded.
    fn surname_articles = "surname_articles.txt";
}

/// A folded surname without the Arabic article hyphenated onto it, which the bare surname goes
/// without: "al-assad" → "assad", "el-sisi" → "sisi"; none for a surname without one.
pub fn without_article(surname: &str) -> Option<&str> {
    let (article, rest) = surname.split_once('-')?;
    (surname_articles().contains(&article) && !rest.is_empty()).then_some(rest)
}

word_list! {
    /// Particles of patronymic names ("bin" of "Mohammed bin Salman"), lower case.
    fn name_particles = "name_particles.txt";
}

/// Whether a word is a patronymic particle ("bin", "ibn", "bint", `name_particles.txt`), in
/// any case.
pub fn is_name_particle(word: &str) -> bool {
    name_particles().contains(&word.to_lowercase().as_str())
}

/// Whether a name's last word is a father's name after a patronymic particle ("Salman" of
/// "Mohammed bin Salman"): alone, that word names the father, not this person. A particle that
/// starts the name is a given name: "Ben Whitfield" is Mr. Whitfield.
pub fn ends_with_fathers_name(keys: &[String]) -> bool {
    matches!(keys, [_, .., particle, _] if is_name_particle(particle))
}

word_list! {
    /// Stock exchanges named before a ticker ("nasdaq" of "(NASDAQ: BRWV)"), folded.
    fn stock_exchanges = "stock_exchanges.txt";
}

/// Whether the inside of a parenthesis after a company is its stock ticker, not an acronym:
/// an exchange and a symbol ("NASDAQ: BRWV", "Nasdaq: BRWV"), or a symbol with its exchange's
/// code ("TSLA.O", "BARC.L"); a bare symbol ("(TSLA)") reads as an acronym.
pub fn is_ticker(inside: &str) -> bool {
    match inside.split_once(':') {
        Some((exchange, symbol)) => {
            stock_exchanges().contains(&fold_key(exchange).as_str()) && is_symbol(symbol.trim())
        }
        // Two letters at least before the dot: "U.S" is a country.
        None => inside
            .split_once('.')
            .is_some_and(|(symbol, _)| symbol.len() >= 2 && is_symbol(inside)),
    }
}

/// A ticker symbol: one to six capitals or digits, then maybe a dot and one or two capitals of
/// the exchange ("BRWV", "TSLA.O", "7203.T").
fn is_symbol(text: &str) -> bool {
    let (symbol, code) = text.split_once('.').unwrap_or((text, "A"));
    let capitals = |s: &str, most: usize| {
        (1..=most).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    capitals(symbol, 6) && capitals(code, 2) && code.chars().all(|c| c.is_ascii_uppercase())
}

word_list! {
    /// Words that may precede a person's name without being part of it (compared folded,
    /// dot-less).
    fn person_titles = "person_titles.txt";
}

/// Words after a name that say which one of a family, not who (dropped from matching keys only).
const NAME_SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// Whether a word is a family suffix ("Jr.", "III"), written after a name.
pub fn is_family_suffix(word: &str) -> bool {
    NAME_SUFFIXES.contains(&fold_key(word).as_str())
}

/// The family suffix written right after a person's name, which the model often leaves out of
/// the mention: ", Jr." of "Donald Trump, Jr. said", " III" of "Martin Luther King III spoke".
/// None when the text goes on otherwise ("Trump, Jrian"), or for a numeral after a comma
/// ("Smith, II", more often a list than a name).
pub fn family_suffix_after(after: &str) -> Option<&str> {
    let (comma, rest) = match after.strip_prefix(", ") {
        Some(rest) => (true, rest),
        None => (false, after.strip_prefix(' ')?),
    };
    let end = rest
        .find(|c: char| !(c.is_alphabetic() || c == '.'))
        .unwrap_or(rest.len());
    let word = &rest[..end];
    let key = fold_key(word);
    let capitalised = word.chars().next().is_some_and(char::is_uppercase);
    let numeral = !matches!(key.as_str(), "jr" | "sr");
    let dots = word.matches('.').count() <= usize::from(!numeral);
    let allowed = NAME_SUFFIXES.contains(&key.as_str()) && !(comma && numeral);
    // "II" is a numeral only written in capitals: "Ii" is no suffix.
    let cased = !numeral || word.chars().all(|c| c.is_uppercase());
    (allowed && capitalised && dots && cased && !word.ends_with("..")).then_some(word)
}

/// Of those, the ones the elder also goes without: "George Bush Sr." is the "George Bush" of an
/// article, while "Donald Trump Jr." is not its "Donald Trump".
const ELDER_SUFFIXES: &[&str] = &["sr"];

/// The elder's suffix a name is written with, folded ("sr" of "Joseph R. Biden Sr."), if any.
pub fn elder_suffix_of(name: &str) -> Option<&'static str> {
    words_of(name).find_map(|w| {
        let key = fold_key(w);
        ELDER_SUFFIXES.iter().copied().find(|s| *s == key)
    })
}

/// Small words that acronyms usually skip ("People's Mojahedin Organization *of* Iran" → PMOI).
const ACRONYM_STOPWORDS: &[&str] = &[
    "of", "the", "and", "for", "in", "on", "at", "to", "a", "an", "de", "del", "la", "le", "du",
    "des", "e", "et", "y",
];

/// Is this a title or honorific that may precede a name ("Mr.", "President")?
pub fn is_title(word: &str) -> bool {
    person_titles().contains(&fold_key(word).as_str())
}

/// Is this a title where a name follows it: one of [`is_title`], or an abbreviation that is a
/// title only there and another word elsewhere ("Del." of "said Del. Stacey Plaskett", Delegate;
/// of "Dover, Del.", Delaware: [`crate::text::is_name_title_abbreviation`], written with its
/// capital and dot, as "del" is a particle of names too, "Guillermo del Toro").
pub fn is_title_before_name(word: &str) -> bool {
    is_title(word) || crate::text::is_name_title_abbreviation(word)
}

/// Whether a name is written all in capitals with at least four letters ("BRUSSELS", "NEW
/// YORK"): a dateline or a headline, not an acronym such as "UAE" or "USSR" ([`is_acronym_word`]).
pub fn is_shouted(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4
        && letters.iter().all(|c| c.is_uppercase())
        && !words_of(name).all(is_acronym_word)
}

/// Letters that make a word in capitals one to read out ("ROME"); a word with none after its
/// first letter is spelled out, an acronym ("USSR", "DPRK", "D.C.").
const VOWELS: &[char] = &['a', 'e', 'i', 'o', 'u', 'y'];

/// Whether a word in capitals is an acronym: two letters or more, none of them a vowel after the
/// first ("USSR", "UNHCR", "D.C."), and no abbreviation with one final dot ("ST.", "JR.").
fn is_acronym_word(word: &str) -> bool {
    let letters: Vec<char> = fold_key(word)
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    let abbreviation = word.ends_with('.') && word.matches('.').count() == 1;
    letters.len() >= 2 && !abbreviation && !letters[1..].iter().any(|c| VOWELS.contains(c))
}

/// A person's or place's name written in capitals ([`is_shouted`]), in normal case: each word,
/// and each part after an apostrophe or hyphen, capitalised: "NEW YORK" → "New York",
/// "O'BRIEN" → "O'Brien"; acronyms stay ("FORMER USSR" → "Former USSR"). Other names are
/// returned as they are.
pub fn unshout(name: &str) -> String {
    if !is_shouted(name) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    for piece in name.split_inclusive(is_separator) {
        if is_acronym_word(piece.trim_end_matches(is_separator)) {
            out.push_str(piece);
            continue;
        }
        let mut start_of_word = true;
        for c in piece.chars() {
            if start_of_word {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start_of_word = !c.is_alphanumeric();
        }
    }
    out
}

/// A person's name split into words, ready for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    /// The name as written, brackets, titles and possessive removed ("Donald Trump").
    pub display: String,
    /// Folded words of the name without family suffixes ("donald", "trump").
    pub keys: Vec<String>,
    /// The folded family suffix that tells a son from his father ("jr" of "Donald Trump Jr.");
    /// none for an elder's "Sr.", written or not.
    pub suffix: Option<String>,
}

impl PersonName {
    /// Splits a name into words, dropping leading titles ("Secretary of State Mike Pompeo" →
    /// "Mike Pompeo", "Del. Stacey Plaskett" → "Stacey Plaskett") but always keeping at least
    /// one word.
    pub fn parse(name: &str) -> PersonName {
        let mut words: Vec<&str> = words_of(name)
            .map(|w| {
                strip_possessive(
                    w.trim_matches(|c: char| is_wrapping_punct(c) || matches!(c, '(' | ')')),
                )
            })
            .filter(|w| !w.is_empty())
            .collect();
        let mut dropped_title = false;
        while words.len() > 1 {
            let first = words[0];
            // "of" in "Secretary of State" belongs to the title before it.
            let connector = dropped_title && first.chars().next().is_some_and(char::is_lowercase);
            if is_title_before_name(first) || connector {
                words.remove(0);
                dropped_title = true;
            } else {
                break;
            }
        }
        let (suffixes, mut keys): (Vec<String>, Vec<String>) = words
            .iter()
            .flat_map(|w| match initials_run(w) {
                Some(letters) => letters,
                None => vec![fold_key(w)],
            })
            .filter(|k| !k.is_empty())
            .partition(|k| NAME_SUFFIXES.contains(&k.as_str()));
        let suffix = suffixes
            .into_iter()
            .next_back()
            .filter(|s| !ELDER_SUFFIXES.contains(&s.as_str()));
        if is_family_name_first(&keys) {
            keys = keys
                .iter()
                .flat_map(|k| k.split('-'))
                .map(String::from)
                .collect();
        }
        PersonName {
            display: words.join(" "),
            keys,
            suffix,
        }
    }

    /// The family name used for matching: the last word.
    pub fn surname(&self) -> Option<&str> {
        self.keys.last().map(String::as_str)
    }

    /// The words between the given name and the surname ("h", "w" of "George H. W. Bush").
    pub fn middles(&self) -> &[String] {
        match self.keys.len() {
            0..=2 => &[],
            n => &self.keys[1..n - 1],
        }
    }

    /// Whether the name is written family name first with a given name of several syllables,
    /// each a word of its own ("Kim Jong Un", "Kim Jong-un" read "kim", "jong", "un"): all its
    /// words are the name, none a middle name that may be left out ([`is_family_name_first`]).
    pub fn family_name_first(&self) -> bool {
        is_family_name_first(&self.keys)
    }
}

/// The initials of a word written as several ("H.W." of "George H.W. Bush", "J.R.R."), folded
/// one by one, so that "George H.W. Bush" has the middle names of "George H. W. Bush"; none for
/// any other word ("Jr.", "Kim").
fn initials_run(word: &str) -> Option<Vec<String>> {
    let letters: Vec<&str> = word.split('.').filter(|p| !p.is_empty()).collect();
    let single = |p: &&str| p.chars().count() == 1 && p.chars().all(char::is_alphabetic);
    (letters.len() >= 2 && word.contains('.') && letters.iter().all(single))
        .then(|| letters.iter().map(|l| fold_key(l)).collect())
}

word_list! {
    /// Family names that East Asian names put first ("kim" of "Kim Jong Un", "nguyen"), folded.
    fn east_asian_family_names = "east_asian_family_names.txt";
}

/// Whether folded name words are an East Asian name written family name first, with a given
/// name of two syllables or more: the first word is such a family name
/// (`east_asian_family_names.txt`) and every later word, or part between hyphens, is one
/// syllable: "kim jong un", "kim jong-un", "lee hsien loong", "nguyen xuan phuc". Not "lee
/// harvey oswald" ("harvey" has two syllables), nor "xi jinping" or "lee child" (one part after
/// the family name, which a key of the first and last word keeps whole anyway).
pub fn is_family_name_first(keys: &[String]) -> bool {
    let Some((family, given)) = keys.split_first() else {
        return false;
    };
    let syllables: Vec<&str> = given.iter().flat_map(|k| k.split('-')).collect();
    east_asian_family_names().contains(&family.as_str())
        && syllables.len() >= 2
        && syllables.iter().all(|s| is_one_syllable(s))
}

word_list! {
    /// How a romanised syllable may end after its vowels ("ng" of "jong"), folded.
    fn romanised_syllable_ends = "romanised_syllable_ends.txt";
}

/// Whether a folded word is one romanised syllable: ASCII letters with one run of vowels, ending
/// as such syllables end (`romanised_syllable_ends.txt`): "jong", "un", "hsien", "myung"; not
/// "harvey", "jinping" (two runs), nor "scott" or "wright" (`tt`, `ght`).
fn is_one_syllable(word: &str) -> bool {
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let Some(first) = word.find(vowel) else {
        return false;
    };
    let end = word[first..].trim_start_matches(vowel);
    word.chars().all(|c| c.is_ascii_lowercase())
        && !end.contains(vowel)
        && (end.is_empty() || romanised_syllable_ends().contains(&end))
}

/// Whether a folded given name is a short form of another as written: "joe" of "joseph"
/// (`nicknames.txt`), not "joseph" of itself nor "hank" of "hank".
pub fn is_short_form_of(short: &str, full: &str) -> bool {
    short != full && spelled_out(short) == full
}

/// A folded short given name spelled out as `nicknames.txt` has it ("mike" → "michael"); other
/// names as they are.
pub fn spelled_out(given: &str) -> &str {
    static TABLE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        crate::lexicon::parse_pairs(include_str!("nicknames.txt"))
            .into_iter()
            .collect()
    });
    table.get(given).copied().unwrap_or(given)
}

/// Two folded given names that may belong to the same person: equal once spelled out ("mike"
/// and "michael", [`spelled_out`]), or one is the other's initial ("m" and "mike").
pub fn given_names_compatible(a: &str, b: &str) -> bool {
    let (a, b) = (spelled_out(a), spelled_out(b));
    if a == b {
        return true;
    }
    let is_initial_of =
        |short: &str, long: &str| short.chars().count() == 1 && long.starts_with(short);
    is_initial_of(a, b) || is_initial_of(b, a)
}

/// Is this written like an acronym ("MEK", "PMOI", "U.N.", "G7", "AfD")? Two to ten letters or
/// digits, at least one a letter, all capital but for at most one small letter between capitals
/// ("AfD", "DoD"; not "McCain", "OpenAI").
pub fn is_acronym(text: &str) -> bool {
    let core: Vec<char> = text.chars().filter(|c| *c != '.' && *c != '&').collect();
    let letters = core.iter().filter(|c| c.is_alphabetic()).count();
    let capitals = core.iter().filter(|c| c.is_uppercase()).count();
    let small: Vec<usize> = (0..core.len())
        .filter(|&i| core[i].is_lowercase())
        .collect();
    let small_inside = match small.as_slice() {
        [] => true,
        [i] => *i > 0 && *i + 1 < core.len() && capitals >= 2,
        _ => false,
    };
    (2..=10).contains(&core.len())
        && letters >= 1
        && core.iter().all(|c| c.is_alphanumeric())
        && small_inside
}

/// The matching key of an acronym: capitals without dots ("U.N." → "UN").
pub fn acronym_key(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '.')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Acronyms a name could have, from the first letters of its words: all words, words without
/// small ones ("of", "the"), and capitalised words only. Hyphens split words, so "Mujahedin-e
/// Khalq" gives MEK.
pub fn initials(name: &str) -> Vec<String> {
    spellings(name, false)
}

/// [`initials`], and, where a word is an acronym itself, all words and words without small ones
/// with that word's letters whole: "UN Support Mission in Libya" gives UNSMIL, "UN Assistance
/// Mission in Afghanistan" UNAMA. For a parenthesis that defines an acronym right after its
/// name only: a bare acronym elsewhere in the text joining a name by them joined unrelated
/// names ("the US Open" and "USO volunteers").
pub fn initials_with_acronym_words(name: &str) -> Vec<String> {
    spellings(name, true)
}

fn spellings(name: &str, acronym_words_whole: bool) -> Vec<String> {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '‐' || c == '/')
        .map(|w| strip_possessive(w.trim_matches(|c: char| !c.is_alphanumeric())))
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 2 {
        return Vec::new();
    }
    let first_letter = |w: &&str| {
        w.chars()
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
    };
    let letters_whole = |w: &&str| match is_acronym(w) {
        true => Some(acronym_key(w)),
        false => first_letter(w),
    };
    let small = |w: &&str| ACRONYM_STOPWORDS.contains(&fold_key(w).as_str());
    // Each word's letters as `letters` gives them, small words left out where `skip_small`.
    let spelled = |skip_small: bool, letters: &dyn Fn(&&str) -> Option<String>| -> String {
        let kept = words.iter().filter(|w| !(skip_small && small(w)));
        kept.filter_map(letters).collect()
    };
    let capitalised: String = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter_map(first_letter)
        .collect();
    let mut variants = vec![
        spelled(false, &first_letter),
        spelled(true, &first_letter),
        capitalised,
    ];
    if acronym_words_whole {
        variants.push(spelled(false, &letters_whole));
        variants.push(spelled(true, &letters_whole));
    }
    let mut out = Vec::new();
    for variant in variants {
        if variant.chars().count() >= 2 && !out.contains(&variant) {
            out.push(variant);
        }
    }
    out
}

/// Splits an acronym list such as "PMOI/MEK" or "PMOI, MEK" into its acronyms, or returns
/// nothing when any part is not an acronym.
pub fn acronym_list(text: &str) -> Vec<&str> {
    let parts: Vec<&str> = text
        .split(['/', ',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if !parts.is_empty() && parts.iter().all(|p| is_acronym(p)) {
        parts
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words beside a span, across plain and no-break spaces; none across no space or a line
    /// break.
    #[test]
    fn the_words_beside_a_span_are_read_across_spaces_and_no_break_spaces() {
        let text = "Mr.\u{a0}Dell\u{a0}shares (the South) Jordan  brand\nCo";
        let span_of = |name: &str| {
            let start = text.find(name).unwrap();
            Span::new(start, start + name.len())
        };
        assert_eq!(word_after(text, span_of("Dell")), Some("shares"));
        assert_eq!(word_before(text, span_of("Dell")), Some("Mr."));
        assert_eq!(word_before(text, span_of("South")), Some("(the"));
        assert_eq!(word_after(text, span_of("Jordan")), Some("brand"));
        assert_eq!(word_after(text, span_of("South")), None);
        assert_eq!(word_after(text, span_of("brand")), None);
        assert_eq!(word_before(text, span_of("Co")), None);
        assert_eq!(word_before(text, span_of("Mr.")), None);
    }

    #[test]
    fn keys_fold_case_diacritics_dots_and_the() {
        assert_eq!(fold_key("Sandër  Lleshaj"), "sander lleshaj");
        assert_eq!(fold_key("U.S."), "us");
        assert_eq!(fold_key("the United States"), "united states");
        assert_eq!(fold_key("Côte d’Ivoire"), "cote d'ivoire");
        assert_eq!(fold_key("the"), "the");
        assert_eq!(fold_key(""), "");
    }

    /// Accents written as combining marks (NFD) fold as precomposed ones do; zero-width
    /// characters are no part of a key; marks of other scripts stay.
    #[test]
    fn keys_fold_decomposed_accents_and_drop_zero_width_characters() {
        assert_eq!(fold_key("Sande\u{308}r Lleshaj"), "sander lleshaj");
        assert_eq!(fold_key("Jose\u{301} Marti\u{301}nez"), "jose martinez");
        assert_eq!(fold_key("NGUYỄN Thị"), "nguyen thi");
        assert_eq!(fold_key("Angela\u{200B} Merkel"), "angela merkel");
        // Joiners vanish; the other invisible characters separate words, as in the tokenizer.
        for joiner in ['\u{200C}', '\u{200D}'] {
            assert_eq!(fold_key(&format!("Mer{joiner}kel")), "merkel", "{joiner:?}");
        }
        let invisible = [
            '\u{200B}', '\u{2060}', '\u{FEFF}', '\u{200F}', '\u{AD}', '\u{61C}',
        ];
        for separator in invisible {
            let key = fold_key(&format!("Angela{separator}Merkel{separator}"));
            assert_eq!(key, "angela merkel", "{separator:?}");
            // Inside a word, a soft hyphen, a zero-width space or a direction mark is no
            // separator: the key was "angela kel" or "angela mer\u{AD}kel".
            let key = fold_key(&format!("Angela Mer{separator}kel"));
            assert_eq!(key, "angela merkel", "{separator:?}");
            let key = fold_key(&format!("Angela Mer{separator}\u{200B}kel"));
            assert_eq!(key, "angela merkel", "two in a row, {separator:?}");
            let p = PersonName::parse(&format!("Angela Mer{separator}kel"));
            assert_eq!(p.keys.len(), 2, "{separator:?}: {:?}", p.keys);
        }
        assert_eq!(fold_key("Й"), "й", "a Cyrillic letter keeps its mark");
        assert_eq!(fold_key("И\u{306}"), "й");
        let p = PersonName::parse("Angela\u{200B} Merkel");
        assert_eq!((p.display.as_str(), p.keys.len()), ("Angela Merkel", 2));
    }

    /// Names in capitals are put in normal case, acronyms in them are not.
    #[test]
    fn shouted_names_but_not_acronyms_are_unshouted() {
        assert_eq!(unshout("BRUSSELS"), "Brussels");
        assert_eq!(unshout("NEW YORK"), "New York");
        assert_eq!(unshout("JOHN SMITH"), "John Smith");
        assert_eq!(unshout("O'BRIEN"), "O'Brien");
        assert_eq!(unshout("ST. LOUIS"), "St. Louis");
        assert_eq!(unshout("USSR"), "USSR");
        assert!(!is_shouted("USSR") && !is_shouted("DPRK") && is_shouted("ROME"));
        assert_eq!(unshout("WASHINGTON, D.C."), "Washington, D.C.");
        assert_eq!(unshout("FORMER USSR"), "Former USSR");
        assert_eq!(unshout("Ussr"), "Ussr", "not in capitals: as written");
    }

    #[test]
    fn a_family_suffix_after_a_name_is_found() {
        for (after, suffix) in [
            (", Jr. said", Some("Jr.")),
            (" Jr.", Some("Jr.")),
            (", Sr., a", Some("Sr.")),
            (" III spoke", Some("III")),
            (", III and", None),
            (", Jrian", None),
            (" said", None),
            (" Ii", None),
            ("Jr.", None),
        ] {
            assert_eq!(family_suffix_after(after), suffix, "{after:?}");
        }
    }

    #[test]
    fn possessives_come_off() {
        assert_eq!(strip_possessive("Lleshaj’s"), "Lleshaj");
        assert_eq!(strip_possessive("Iran's"), "Iran");
        assert_eq!(strip_possessive("allies’"), "allies");
        assert_eq!(strip_possessive("’s"), "’s");
        assert_eq!(strip_possessive("Lleshaj"), "Lleshaj");
    }

    #[test]
    fn person_names_lose_titles_and_brackets() {
        let p = PersonName::parse(&strip_brackets("[Donald] Trump"));
        assert_eq!(p.display, "Donald Trump");
        assert_eq!(p.keys, vec!["donald", "trump"]);
        assert_eq!(
            PersonName::parse("Secretary of State Mike Pompeo").display,
            "Mike Pompeo"
        );
        assert_eq!(PersonName::parse("Mr. Lleshaj’s").display, "Lleshaj");
        assert_eq!(PersonName::parse("President").display, "President");
        assert_eq!(
            PersonName::parse("Martin Luther King Jr.").keys,
            vec!["martin", "luther", "king"]
        );
    }

    #[test]
    fn acronyms_and_initials() {
        assert!(is_acronym("MEK") && is_acronym("U.N.") && is_acronym("G7"));
        assert!(!is_acronym("Mek") && !is_acronym("A") && !is_acronym("Vizion Plus"));
        assert!(is_acronym("AfD") && is_acronym("DoD"));
        assert!(!is_acronym("McCain") && !is_acronym("OpenAI") && !is_acronym("iOS"));
        assert!(initials("People's Mojahedin Organization of Iran").contains(&"PMOI".to_string()));
        assert!(initials("Mujahedin-e Khalq").contains(&"MEK".to_string()));
        assert!(initials("Iran").is_empty());
        assert_eq!(acronym_list("PMOI/MEK"), vec!["PMOI", "MEK"]);
        assert!(acronym_list("AP/Reuters").is_empty());
    }

    #[test]
    fn tickers_are_no_acronyms() {
        for ticker in [
            "NASDAQ: BRWV",
            "Nasdaq: BRWV",
            "NYSE: F",
            "TSLA.O",
            "7203.T",
            "TSX: AB.B",
        ] {
            assert!(is_ticker(ticker), "{ticker}");
        }
        for acronym in ["PMOI/MEK", "MEK", "U.N.", "U.S", "Reuters: AP", "NASDAQ"] {
            assert!(!is_ticker(acronym), "{acronym}");
        }
    }

    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("legal_suffixes", legal_suffixes()),
                ("us_states", us_states()),
                ("surname_articles", surname_articles()),
                ("name_particles", name_particles()),
                ("romanised_syllable_ends", romanised_syllable_ends()),
                ("stock_exchanges", stock_exchanges()),
                ("east_asian_family_names", east_asian_family_names()),
                ("person_titles", person_titles()),
            ],
            true,
        );
    }
}
